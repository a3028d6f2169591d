//! Control characters from data, neutralised.
//!
//! A name that holds `ESC ]0;…BEL` retitles the terminal, `ESC [2J` clears it, `ESC [8m`
//! hides what follows, a newline forges a line of output and a bidirectional override
//! reorders what the reader sees. Text from data is printed with each such character shown
//! escaped (`\x1b`, `\n`, `\u{202e}`), so what is printed is exactly what is there.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal raw: C0 controls (newline and tab included), DEL,
/// C1 controls (U+0080–U+009F, among them the 8-bit CSI U+009B), and the Unicode
/// bidirectional controls (embeddings, overrides, isolates and marks).
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `s` with every [unsafe character](is_unsafe_char) written as an escape: `\n`, `\r`, `\t`,
/// `\x1b` for the other controls below U+0100, `\u{202e}` above. A backslash is kept as it
/// is. Borrowed when nothing needed escaping.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`terminal_safe`], keeping line breaks (`\n`) as they are: for text whose lines
/// are meant, such as rampart's own multi-line messages or a CSV cell, which may hold line
/// breaks by its format. Every other unsafe character is still shown escaped.
pub fn terminal_safe_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe_char(c)) {
        return Cow::Borrowed(s);
    }
    let lines: Vec<Cow<'_, str>> = s.split('\n').map(terminal_safe).collect();
    Cow::Owned(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 9, defect 1: title change, clear screen and conceal sequences from AWS data or
    // file names are shown escaped, never sent to the terminal.
    #[test]
    fn escape_sequences_are_shown_not_sent() {
        assert_eq!(terminal_safe("x\u{1b}]0;pwned\u{7}"), "x\\x1b]0;pwned\\x07");
        assert_eq!(terminal_safe("\u{1b}[2J"), "\\x1b[2J");
        assert_eq!(terminal_safe("a\u{1b}[8mb"), "a\\x1b[8mb");
        assert_eq!(terminal_safe("csi\u{9b}31m"), "csi\\x9b31m");
        assert_eq!(terminal_safe("del\u{7f}"), "del\\x7f");
    }

    // Issue 9, defect 1: a newline in a file name cannot forge a line of output, and a
    // bidirectional override cannot reorder what the reader sees.
    #[test]
    fn newlines_and_bidi_controls_are_escaped() {
        assert_eq!(
            terminal_safe("a.txt\nFAKE: all clear"),
            "a.txt\\nFAKE: all clear"
        );
        assert_eq!(terminal_safe("cr\r\ttab"), "cr\\r\\ttab");
        assert_eq!(terminal_safe("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(terminal_safe("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    // Issue 9, defect 1: multi-line text keeps its line breaks, and nothing else.
    #[test]
    fn lines_are_kept_and_controls_escaped() {
        assert_eq!(
            terminal_safe_lines("error\nhint: \u{1b}[2Jx\r\tz"),
            "error\nhint: \\x1b[2Jx\\r\\tz"
        );
        assert!(matches!(terminal_safe_lines("a\nb"), Cow::Borrowed("a\nb")));
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for s in ["web-sg", "naïve café ✓", "C:\\path", "日本語", ""] {
            assert!(matches!(terminal_safe(s), Cow::Borrowed(t) if t == s));
        }
    }
}
