//! `rampart show`: a resource's revisions and its content at a time.

use crate::fixture::{self, day};
use crate::{opts, show};
use rampart_report::history::{HistoryFormat, ViewOptions};

// Issue 11: show lists the revisions with what changed, and with --at the content then.
#[test]
fn text_at() {
    insta::assert_snapshot!(show(
        &fixture::alice(),
        Some(day(5)),
        HistoryFormat::Text,
        &opts(80, false)
    ));
}

// Issue 11: verbose show gives each revision's hash and the latest content.
#[test]
fn text_verbose() {
    let mut h = fixture::alice();
    h.at = None;
    insta::assert_snapshot!(show(&h, None, HistoryFormat::Text, &opts(80, true)));
}

#[test]
fn json_at() {
    insta::assert_snapshot!(show(
        &fixture::alice(),
        Some(day(5)),
        HistoryFormat::Json,
        &opts(80, false)
    ));
}

// Issue 11: a time before the resource existed, or in a scan that did not read it, says
// so plainly rather than showing another revision's content.
#[test]
fn at_a_time_with_no_revision_says_so() {
    let mut h = fixture::alice();
    h.at = None;
    let text = show(
        &h,
        Some(day(0)),
        HistoryFormat::Text,
        &ViewOptions::default(),
    );
    assert!(text.contains("no revision in force"), "{text}");
    assert!(!text.contains("\"UserName\""), "{text}");
    // The revision in force is the mark that it was read as gone.
    h.at = Some(2);
    let text = show(
        &h,
        Some(day(6)),
        HistoryFormat::Text,
        &ViewOptions::default(),
    );
    assert!(
        text.contains("the resource did not exist (scan 15 read it as gone)"),
        "{text}"
    );
    assert!(!text.contains("\"UserName\""), "{text}");
    // Without --at, nothing about a time.
    let text = show(&h, None, HistoryFormat::Text, &ViewOptions::default());
    assert!(!text.contains("AT "), "{text}");
}

// Issue 11: a resource read as gone and then seen again says so, and the content shown
// without --at is never passed off as current when the resource is gone.
#[test]
fn gone_and_back() {
    let mut h = fixture::alice();
    h.at = None;
    let text = show(&h, None, HistoryFormat::Text, &opts(80, true));
    assert!(
        text.contains("LAST CONTENT, BEFORE IT WAS GONE (seen 2026-06-05 12:00)"),
        "{text}"
    );
    let mut back = h.revisions[0].clone();
    back.first_scan = 16;
    back.last_scan = 16;
    back.first_seen = day(7);
    back.last_seen = day(7);
    h.revisions.push(back);
    let text = show(&h, None, HistoryFormat::Text, &opts(80, true));
    assert!(
        text.contains(
            "#4  2026-06-07 12:00  (scan 16)\n         back: read again after it was gone"
        ),
        "{text}"
    );
    assert!(
        text.contains("LATEST CONTENT (seen 2026-06-07 12:00)"),
        "{text}"
    );
}
