//! Issue 11: how `rampart history`, `diff` and `show` look in each of their formats, over
//! the hand-built store results of `fixture.rs`: snapshots of every view and format,
//! the JSON shapes, and hostile names escaped in every format.

mod diff;
mod docs;
mod fixture;
mod hostile;
mod json_shape;
mod scans;
mod show;

use chrono::{DateTime, Utc};
use rampart_report::history::{
    render_diff, render_history, render_show, HistoryFormat, View, ViewError, ViewOptions,
};
use rampart_store::model::{ResourceHistory, ScanDiff, ScanRow};

/// Options without colour at `width` columns.
pub fn opts(width: usize, verbose: bool) -> ViewOptions {
    ViewOptions {
        color: false,
        width,
        verbose,
    }
}

/// The output as a string.
fn written(f: impl FnOnce(&mut Vec<u8>) -> Result<(), ViewError>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("the view renders");
    String::from_utf8(out).expect("the output is UTF-8")
}

/// `rampart history` in `format`.
pub fn history(scans: &[ScanRow], format: HistoryFormat, o: &ViewOptions) -> String {
    written(|w| render_history(scans, format, o, w))
}

/// `rampart diff` in `format`.
pub fn diff(d: &ScanDiff, format: HistoryFormat, o: &ViewOptions) -> String {
    written(|w| render_diff(d, format, o, w))
}

/// `rampart show` in `format`.
pub fn show(
    h: &ResourceHistory,
    at: Option<DateTime<Utc>>,
    format: HistoryFormat,
    o: &ViewOptions,
) -> String {
    written(|w| render_show(h, at, format, o, w))
}

// Issue 11: each view renders in exactly the formats it lists, so the command line can
// refuse another up front; the others are a typed error, not an empty output.
#[test]
fn views_render_in_the_formats_they_list() {
    let (scans, d, h) = (fixture::scans(), fixture::diff(), fixture::alice());
    let o = ViewOptions::default();
    for &format in HistoryFormat::ALL {
        let results = [
            (
                View::History,
                render_history(&scans, format, &o, &mut Vec::new()),
            ),
            (View::Diff, render_diff(&d, format, &o, &mut Vec::new())),
            (
                View::Show,
                render_show(&h, None, format, &o, &mut Vec::new()),
            ),
        ];
        for (view, result) in results {
            let listed = view.formats().contains(&format);
            match result {
                Ok(()) => assert!(listed, "{view} rendered {format} without listing it"),
                Err(ViewError::Unsupported { view: v, format: f }) => {
                    assert!(!listed, "{view} lists {format} and refused it");
                    assert_eq!((v, f), (view, format));
                }
                Err(e) => panic!("{view} {format}: {e}"),
            }
        }
    }
    assert!(View::Diff.formats().len() == HistoryFormat::ALL.len());
}

// Issue 11: `--format` names parse back, in any case, and an unknown one says which exist.
#[test]
fn format_names_parse() {
    for &f in HistoryFormat::ALL {
        assert_eq!(f.as_str().parse::<HistoryFormat>(), Ok(f));
        assert_eq!(f.as_str().to_uppercase().parse::<HistoryFormat>(), Ok(f));
    }
    assert_eq!(" json ".parse::<HistoryFormat>(), Ok(HistoryFormat::Json));
    let e = "pdf".parse::<HistoryFormat>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown format `pdf` (text, json, markdown, html)"
    );
}
