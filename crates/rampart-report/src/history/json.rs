//! The three views as JSON, pretty-printed: the store's own types as they serialize, with
//! what the views compute beside them (the history's `trend`, the diff's `summary`, the
//! time `show` was asked about). docs/history.md describes the fields.

use super::summary::{DiffSummary, Trend};
use chrono::{DateTime, Utc};
use rampart_store::model::{ResourceHistory, ScanDiff, ScanRow};
use serde::Serialize;

/// `rampart history --format json`.
#[derive(Serialize)]
struct History<'a> {
    scans: &'a [ScanRow],
    trend: Vec<Trend>,
}

/// `rampart diff --format json`: the diff's fields, then `summary`.
#[derive(Serialize)]
struct Diff<'a> {
    #[serde(flatten)]
    diff: &'a ScanDiff,
    summary: DiffSummary,
}

/// `rampart show --format json`: the history's fields, then `at_time` when `--at` was
/// given.
#[derive(Serialize)]
struct Show<'a> {
    #[serde(flatten)]
    history: &'a ResourceHistory,
    #[serde(skip_serializing_if = "Option::is_none")]
    at_time: Option<DateTime<Utc>>,
}

/// `value` pretty-printed, ending with a newline. JSON escapes every control character
/// below U+0020 in strings, so text from the account cannot forge a line or an escape
/// sequence in it.
fn pretty(value: &impl Serialize) -> String {
    // Plain data with string keys (or enum keys that serialize as strings): cannot fail.
    let mut json = serde_json::to_string_pretty(value).expect("plain data serializes");
    json.push('\n');
    json
}

pub(super) fn history(scans: &[ScanRow]) -> String {
    pretty(&History {
        scans,
        trend: Trend::of(scans),
    })
}

pub(super) fn diff(diff: &ScanDiff) -> String {
    pretty(&Diff {
        diff,
        summary: DiffSummary::of(diff),
    })
}

pub(super) fn show(history: &ResourceHistory, at_time: Option<DateTime<Utc>>) -> String {
    pretty(&Show { history, at_time })
}
