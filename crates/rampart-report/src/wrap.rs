//! Line wrapping for the terminal report: prose wrapped at word boundaries, shell commands
//! wrapped with `\` continuations so that a copied command still runs. Widths count
//! characters and ignore ANSI colour sequences; a word longer than the line (an ARN, a
//! JSON policy) is never broken.

/// The number of characters a terminal shows for `s`: ANSI CSI sequences (`ESC [ ... m`)
/// count for nothing.
pub(crate) fn visible_width(s: &str) -> usize {
    let mut n = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // Skip `[`, the parameters and the final byte (0x40..=0x7e).
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            n += 1;
        }
    }
    n
}

/// Greedy word wrap of `words` at `width`: the first line starts with `first`, the others
/// with `rest`. A line always takes at least one word, so a word wider than the room left
/// stands alone on its line, unbroken.
pub(crate) fn wrap_words<'a>(
    words: impl IntoIterator<Item = &'a str>,
    width: usize,
    first: &str,
    rest: &str,
) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for word in words {
        if !empty && visible_width(&line) + 1 + visible_width(word) > width {
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if empty {
        line.truncate(line.trim_end().len());
    }
    lines.push(line);
    lines
}

/// [`wrap_words`] over the whitespace-separated words of `text`.
pub(crate) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    wrap_words(text.split_whitespace(), width, first, rest)
}

/// Wrap a shell command: every line but the last ends with ` \`, so that the lines pasted
/// into a shell are still one command. Tokens come from [`shell_tokens`], so a quoted
/// argument is never split across lines.
pub(crate) fn wrap_command(command: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let tokens = shell_tokens(command);
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for (i, token) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        // Room for the token, and for the ` \` that follows it unless it is the last one.
        let needed = visible_width(token) + if last { 0 } else { 2 };
        if !empty && visible_width(&line) + 1 + needed > width {
            line.push_str(" \\");
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(token);
        empty = false;
    }
    if empty {
        line.truncate(line.trim_end().len());
    }
    lines.push(line);
    lines
}

/// Whether `text` reads as one `aws` command and nothing else: it starts with `aws`, its
/// quotes are balanced, and outside quotes it has no `(`, `)` or `;`, which in a fix mark
/// prose or a second step.
pub(crate) fn is_plain_command(text: &str) -> bool {
    if !text.starts_with("aws ") {
        return false;
    }
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (Some('"'), '"') => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | ')' | ';') => return false,
            (None, _) => {}
        }
    }
    quote.is_none()
}

/// Split text at whitespace outside single and double quotes, keeping each token's text
/// as written (quotes and backslash escapes included).
pub(crate) fn shell_tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => {
                escaped = true;
                start.get_or_insert(i);
            }
            (Some('"'), '"') => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    tokens.push(&text[s..i]);
                }
            }
            (None, _) => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        tokens.push(&text[s..]);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_sequences_have_no_width() {
        assert_eq!(visible_width("\x1b[1;31mCRITICAL\x1b[0m"), 8);
        assert_eq!(visible_width("plain"), 5);
        assert_eq!(visible_width("é"), 1);
    }

    #[test]
    fn prose_wraps_at_width_with_prefixes() {
        let lines = wrap("aaa bbb ccc ddd", 10, "> ", "  ");
        assert_eq!(lines, ["> aaa bbb", "  ccc ddd"]);
        assert!(lines.iter().all(|l| l.len() <= 10));
    }

    // A word that cannot fit stays whole, alone on its line (ARNs must stay copyable).
    #[test]
    fn long_word_is_not_broken() {
        let lines = wrap(
            "a arn:aws:iam::111122223333:role/very/long/path b",
            12,
            "",
            "",
        );
        assert_eq!(
            lines,
            ["a", "arn:aws:iam::111122223333:role/very/long/path", "b"]
        );
    }

    #[test]
    fn empty_text_gives_the_bare_prefix() {
        assert_eq!(wrap("   ", 10, "fix: ", ""), ["fix:"]);
    }

    #[test]
    fn command_lines_end_with_continuations_and_fit() {
        let cmd = "aws ec2 revoke-security-group-ingress --group-id <SG_ID> --protocol tcp \
                   --port 22 --cidr 0.0.0.0/0";
        let lines = wrap_command(cmd, 40, "  ", "    ");
        assert!(lines.len() > 1);
        for l in &lines[..lines.len() - 1] {
            assert!(l.ends_with(" \\"), "{l:?}");
        }
        assert!(!lines.last().unwrap().ends_with('\\'));
        assert!(lines.iter().all(|l| l.len() <= 40), "{lines:#?}");
        // Joining the continuation lines gives back the command's tokens.
        let joined = lines.join("\n").replace(" \\\n", " ");
        assert_eq!(
            joined.split_whitespace().collect::<Vec<_>>(),
            cmd.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn plain_commands_are_told_from_prose() {
        assert!(is_plain_command(
            "aws ec2 enable-ebs-encryption-by-default --region <R>"
        ));
        assert!(is_plain_command(
            r#"aws events put-rule --event-pattern '{"a":["b (c)"]}' && aws events x"#
        ));
        assert!(!is_plain_command(
            "Sign in as root: aws iam delete-access-key"
        ));
        assert!(!is_plain_command("aws iam x --y <Y>; then aws iam z"));
        assert!(!is_plain_command(
            "aws kms x --id <K> (the key policy must allow it)"
        ));
        assert!(!is_plain_command("aws iam x --name 'unbalanced"));
    }

    #[test]
    fn quoted_arguments_are_one_token() {
        assert_eq!(
            shell_tokens(r#"aws x --filters "Name=a b,Values=c" --json '{"k": "v w"}' a\ b"#),
            [
                "aws",
                "x",
                "--filters",
                "\"Name=a b,Values=c\"",
                "--json",
                r#"'{"k": "v w"}'"#,
                r"a\ b"
            ]
        );
    }
}
