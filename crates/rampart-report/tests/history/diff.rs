//! `rampart diff`: findings by lifecycle, resources line by line, unknowns apart.

use crate::fixture::{self, DENIED};
use crate::{diff, opts};
use rampart_report::history::{DiffSummary, HistoryFormat, ViewOptions};

#[test]
fn text() {
    insta::assert_snapshot!(diff(
        &fixture::diff(),
        HistoryFormat::Text,
        &opts(80, false)
    ));
}

// Issue 11: verbose diff gives full keys with kind and region.
#[test]
fn text_verbose() {
    insta::assert_snapshot!(diff(
        &fixture::diff(),
        HistoryFormat::Text,
        &opts(100, true)
    ));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(diff(
        &fixture::diff(),
        HistoryFormat::Markdown,
        &opts(80, false)
    ));
}

#[test]
fn json() {
    insta::assert_snapshot!(diff(
        &fixture::diff(),
        HistoryFormat::Json,
        &opts(80, false)
    ));
}

#[test]
fn html() {
    insta::assert_snapshot!(crate::hostile::without_style(&diff(
        &fixture::diff(),
        HistoryFormat::Html,
        &opts(80, false)
    )));
}

// Issue 11: a change reads at a glance, as `label line`.
#[test]
fn changes_read_at_a_glance() {
    let text = diff(
        &fixture::diff(),
        HistoryFormat::Text,
        &ViewOptions::default(),
    );
    assert!(
        text.contains("~ sg-0abc1234 (web) ingress + tcp/22 from 0.0.0.0/0 [RISK: world open]"),
        "{text}"
    );
    assert!(
        text.contains("~ user alice: MFA device removed [RISK: mfa removed]"),
        "{text}"
    );
    assert!(
        text.contains("+ sg-0beef4567 (db) ingress + tcp/5432 from 10.0.0.0/8"),
        "{text}"
    );
    assert!(text.contains("- bucket old-logs"), "{text}");
    // An unread field is an unknown, not a change, and never risky.
    assert!(
        text.contains("? user alice: password last used (unknown: not read in one of the scans)"),
        "{text}"
    );
}

// Issue 11: "What a scan did not read is unknown for that scan. It is never deleted and
// never resolved": the unknown finding and resource are listed apart with why, and not in
// the resolved or removed sections or counts.
#[test]
fn unknowns_are_never_resolved_or_removed() {
    let d = fixture::diff();
    let s = DiffSummary::of(&d);
    assert_eq!((s.findings.resolved, s.findings.unknown), (2, 1));
    assert_eq!((s.resources.removed, s.resources.unknown), (1, 1));

    let text = diff(&d, HistoryFormat::Text, &opts(200, false));
    let section = |name: &str| -> String {
        let start = text
            .find(name)
            .unwrap_or_else(|| panic!("no {name} in {text}"));
        let rest = &text[start..];
        let end = rest.find("\n\n").unwrap_or(rest.len());
        rest[..end].to_owned()
    };
    let resolved = section("\nRESOLVED (2)");
    assert!(
        !resolved.contains("ec2_sg_open_rdp") && !resolved.contains("sg-0cafe9012"),
        "{resolved}"
    );
    let removed = section("\nRESOURCES REMOVED (1)");
    assert!(!removed.contains("sg-0cafe9012"), "{removed}");
    let unknown = section("\nUNKNOWN FINDINGS");
    assert!(
        unknown.contains("ec2_sg_open_rdp") && unknown.contains(DENIED),
        "{unknown}"
    );
    let unknown = section("\nUNKNOWN RESOURCES");
    assert!(unknown.contains("? sg-0cafe9012 (admin)"), "{unknown}");
    assert!(
        unknown.contains(&format!("not read: {DENIED}")),
        "{unknown}"
    );

    for format in [HistoryFormat::Markdown, HistoryFormat::Html] {
        let out = diff(&d, format, &ViewOptions::default());
        let unknown_at = out.find("Unknown").expect("an unknown section");
        let rdp = out.find("ec2_sg_open_rdp").expect("the unknown finding");
        assert!(
            rdp > unknown_at,
            "{format}: the unknown finding is listed with the others"
        );
        assert!(!out[..unknown_at].contains("sg-0cafe9012"), "{format}");
    }
}

// Issue 11: the summary counts every lifecycle, change kind and risky line.
#[test]
fn summary_counts() {
    let s = DiffSummary::of(&fixture::diff());
    let f = &s.findings;
    assert_eq!(
        [
            f.new,
            f.reopened,
            f.changed,
            f.unchanged,
            f.resolved,
            f.muted,
            f.unknown
        ],
        [1, 1, 1, 0, 2, 1, 1]
    );
    let r = &s.resources;
    assert_eq!([r.added, r.removed, r.changed, r.unknown], [1, 1, 2, 1]);
    // The unread line of alice is not counted, though it has no risk anyway; the two
    // risky lines are.
    assert_eq!(s.risky_changes, 2);
    assert_eq!(s.risks.len(), 2);
    assert_eq!((s.coverage.no_longer_read, s.coverage.newly_read), (1, 1));
}

// Issue 11: an unread line is never a risky change, even when it carries a risk kind.
#[test]
fn unread_lines_are_not_risky() {
    let mut d = fixture::diff();
    for r in &mut d.resources {
        for l in &mut r.lines {
            l.unread = true;
        }
    }
    assert_eq!(DiffSummary::of(&d).risky_changes, 0);
    let text = diff(&d, HistoryFormat::Text, &ViewOptions::default());
    assert!(!text.contains("[RISK"), "{text}");
}

// Issue 11: colour only when asked, and then on the risky lines' tags.
#[test]
fn colour_only_on_request() {
    let d = fixture::diff();
    let plain = diff(&d, HistoryFormat::Text, &ViewOptions::default());
    assert!(!plain.contains('\u{1b}'));
    let o = ViewOptions {
        color: true,
        ..ViewOptions::default()
    };
    let colour = diff(&d, HistoryFormat::Text, &o);
    assert!(colour.contains("\u{1b}[1;31m[RISK:\u{1b}[0m"), "{colour}");
}
