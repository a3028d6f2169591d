use crate::fixture::{hostile, report};
use rampart_report::{render_text, TextOptions};

fn options(width: usize, quiet: bool) -> TextOptions {
    TextOptions {
        width,
        quiet,
        ..TextOptions::default()
    }
}

/// Every line fits in `width`, or is one word too long to break (an ARN) after its
/// indent and label.
fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        if line.chars().count() <= width {
            continue;
        }
        let body = line.trim_start();
        let body = body.strip_prefix("- ").unwrap_or(body);
        let body = body.strip_prefix("fix: ").unwrap_or(body);
        let body = body.strip_suffix(" \\").unwrap_or(body);
        assert!(
            !body.contains(char::is_whitespace),
            "line wider than {width} columns could have been wrapped: {line:?}"
        );
    }
}

// Issue 4, terminal report: muted findings are shown as MUTED with the reason and never
// counted as failures; new failures are marked; resolved findings, the compliance
// summary and warnings are shown; all readable at 80 columns.
#[test]
fn rich_report_at_80_columns() {
    let text = render_text(&report(), &options(80, false));
    assert_fits(&text, 80);
    insta::assert_snapshot!("text_rich_80", text);
}

#[test]
fn muted_findings_are_shown_apart_with_their_reason() {
    let report = report();
    let text = render_text(&report, &options(80, false));
    let failed = text.find("FAILED (5)").expect("5 unmuted failures");
    let muted = text.find("MUTED (1)").expect("a MUTED section");
    assert!(failed < muted);
    // The muted resource is listed under MUTED only, with the rule's reason.
    assert_eq!(text.matches("sg-0bastion").count(), 2, "{text}"); // ARN and reason
    assert!(text[muted..].contains("sg-0bastion"));
    assert!(text[muted..].contains("MUTED: bastion host, reviewed by security in ticket"));
    assert!(
        text.contains("8: 5 FAIL, 1 ERROR, 1 PASS, 1 MUTED"),
        "{text}"
    );
}

#[test]
fn baseline_compliance_and_warnings_are_shown() {
    let report = report();
    let text = render_text(&report, &options(80, false));
    assert_eq!(text.matches("NEW [").count(), 2, "{text}");
    assert!(
        text.contains("against baseline  2 new, 2 unchanged, 1 resolved"),
        "{text}"
    );
    let c = report.compliance.as_ref().unwrap();
    assert!(text.contains(&format!("COMPLIANCE: {}", c.title)));
    for control in &c.controls {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(control.id.as_str()))
            .unwrap_or_else(|| panic!("control {} missing", control.id));
        assert!(line.contains(control.status.as_str()), "{line}");
        assert!(line.chars().count() <= 80, "{line}");
    }
    assert!(text.contains(&format!("score {:.1}%", c.score)));
    assert!(text.contains("WARNINGS (1)"));
    assert!(text.contains("mutelist rule `old-rule` expired"));
}

// Quiet: only the unmuted failures and the summary.
#[test]
fn quiet_shows_failures_and_summary_only() {
    let report = report();
    let quiet = render_text(&report, &options(80, true));
    assert_fits(&quiet, 80);
    assert!(quiet.starts_with("FAILED (5)"), "{quiet}");
    for absent in [
        "COULD NOT BE EVALUATED",
        "MUTED (",
        "PASSED",
        "COMPLIANCE:",
        "WARNINGS (",
        "sg-0bastion",
        "sg-0aaaabbbbccccdddd",
        "rampart 9.9.9 scan",
    ] {
        assert!(
            !quiet.contains(absent),
            "{absent} in quiet output:\n{quiet}"
        );
    }
    assert!(quiet.contains("SUMMARY"));
    assert!(quiet.contains("8: 5 FAIL, 1 ERROR, 1 PASS, 1 MUTED"));
    // Quiet wins over verbose.
    let verbose_quiet = render_text(
        &report,
        &TextOptions {
            verbose: true,
            ..options(80, true)
        },
    );
    assert_eq!(verbose_quiet, quiet);
    // The failures are the same as in the full report.
    let full = render_text(&report, &options(80, false));
    let section = |t: &str| {
        let start = t.find("FAILED (5)").unwrap();
        let end = t[start..]
            .find("\nCOULD NOT")
            .map_or(t.len(), |e| start + e);
        t[start..end].to_owned()
    };
    assert!(quiet.starts_with(&section(&full)));
}

/// The characters of `text` that must never reach a terminal raw, with where they are.
fn unsafe_chars(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .filter(|&(_, c)| c != '\n' && rampart_output::is_unsafe_char(c))
        .collect()
}

// Issue 9, defect 1: terminal escapes in AWS data (a metric filter named with a title
// change, clear screen or conceal sequence, an 8-bit CSI, DEL, a bidirectional override
// or a line break) are shown escaped in every section of the text report, never sent.
#[test]
fn escape_sequences_from_data_are_shown_escaped() {
    let report = hostile();
    for verbose in [false, true] {
        let options = TextOptions {
            verbose,
            ..options(1000, false)
        };
        let text = render_text(&report, &options);
        assert_eq!(unsafe_chars(&text), [], "{text}");
        assert!(
            text.contains(r"mf-\x1b]0;pwned\x07-\x1b[2J-\x1b[8mhidden-\x9b31m-\x7f-\u{202e}cod.exe\nFAKE: all clear"),
            "{text}"
        );
        // The forged line is not a line of its own.
        assert!(!text.lines().any(|l| l.starts_with("FAKE")), "{text}");
        // Every section shows its data escaped: resource, region, reason, mute reason,
        // warning, skipped region, collection gap, API call count, partition.
        for shown in [
            r"[us-mf-\x1b]0;",
            r"metric filter mf-\x1b]0;",
            r"MUTED: mf-\x1b]0;",
            r"warning mf-\x1b]0;",
            r"skipped mf-\x1b]0;",
            r"Deniedmf-\x1b]0;",
            r"svcmf-\x1b]0;",
            r"(partition awsmf-\x1b]0;",
            r"eu-mf-\x1b]0;",
        ] {
            assert!(text.contains(shown), "{shown} missing:\n{text}");
        }
    }
    // With colour, the only escape sequences are the report's own SGR colours.
    let colored = render_text(
        &report,
        &TextOptions {
            color: true,
            ..options(1000, false)
        },
    );
    let sgr = without_sgr(&colored);
    assert_eq!(unsafe_chars(&sgr), [], "{colored}");
    assert!(colored.contains(r"\x1b]0;pwned\x07"));
}

/// `text` without its SGR colour sequences (`ESC [ digits ; digits m`).
fn without_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('\u{1b}') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let body = after
            .strip_prefix('[')
            .unwrap_or_else(|| panic!("not SGR: {after:?}"));
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(body.len());
        assert!(body[end..].starts_with('m'), "not SGR: {after:?}");
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}
