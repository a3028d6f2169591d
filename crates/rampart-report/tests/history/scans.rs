//! `rampart history`: the scans table and the trend.

use crate::fixture::{self, scan};
use crate::{history, opts};
use rampart_checks::Severity;
use rampart_report::history::{HistoryFormat, Trend, ViewOptions};
use rampart_store::model::{ScanKind, ScanState};

// Issue 11: history lists scans with their counts, incomplete ones marked, and the trend
// per severity over the complete scans.
#[test]
fn text() {
    insta::assert_snapshot!(history(
        &fixture::scans(),
        HistoryFormat::Text,
        &opts(80, false)
    ));
}

// Issue 11: verbose history says where each scan came from and when it was stored.
#[test]
fn text_verbose() {
    insta::assert_snapshot!(history(
        &fixture::scans(),
        HistoryFormat::Text,
        &opts(80, true)
    ));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(history(
        &fixture::scans(),
        HistoryFormat::Markdown,
        &opts(80, false)
    ));
}

#[test]
fn json() {
    insta::assert_snapshot!(history(
        &fixture::scans(),
        HistoryFormat::Json,
        &opts(80, false)
    ));
}

// Issue 11: the trend runs oldest to newest whatever order the scans are listed in, over
// complete scans only: a collect has no findings and an incomplete scan was not stored.
#[test]
fn trend_is_over_complete_scans_oldest_first() {
    let trends = Trend::of(&fixture::scans());
    assert_eq!(trends.len(), 1);
    let t = &trends[0];
    assert_eq!(t.scans, [10, 12, 14]);
    assert_eq!((t.from, t.to), (fixture::day(1), fixture::day(5)));
    let critical = &t.severities[0];
    assert_eq!(critical.severity, Severity::Critical);
    assert_eq!(critical.values, [2, 1, 0]);
    assert_eq!((critical.first, critical.last, critical.change), (2, 0, -2));
    let high = &t.severities[1];
    assert_eq!((high.first, high.last, high.change), (3, 4, 1));
    let mut reversed = fixture::scans();
    reversed.reverse();
    assert_eq!(Trend::of(&reversed), trends);
}

// Issue 11: with one complete scan there is no trend to draw, and the text says so.
#[test]
fn one_scan_has_no_trend() {
    let one = vec![
        scan(20, 1, ScanKind::Scan, ScanState::Complete, [0, 1, 0, 0, 0]),
        scan(21, 2, ScanKind::Scan, ScanState::Incomplete, [0; 5]),
    ];
    let text = history(&one, HistoryFormat::Text, &ViewOptions::default());
    assert!(
        text.contains("one complete scan so far, no trend yet"),
        "{text}"
    );
    assert!(!text.contains('→'), "{text}");
    let md = history(&one, HistoryFormat::Markdown, &ViewOptions::default());
    assert!(
        md.contains("no trend yet") && !md.contains("#### Trend"),
        "{md}"
    );
}

// Issue 11: the history table is read at 80 columns.
#[test]
fn text_fits_80_columns() {
    let text = history(&fixture::scans(), HistoryFormat::Text, &opts(80, true));
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
}

// Issue 11: scans of several accounts get an account column and one trend per account.
#[test]
fn several_accounts_are_told_apart() {
    let mut scans = fixture::scans();
    let mut other = scan(30, 2, ScanKind::Scan, ScanState::Complete, [5, 0, 0, 0, 0]);
    other.account_id = "444455556666".into();
    scans.push(other);
    let text = history(&scans, HistoryFormat::Text, &ViewOptions::default());
    assert!(text.contains("ACCOUNT"), "{text}");
    assert!(
        text.contains("TREND of account 444455556666: one complete scan"),
        "{text}"
    );
    assert!(
        text.contains("TREND of account 111122223333: failing findings over 3 scans"),
        "{text}"
    );
}
