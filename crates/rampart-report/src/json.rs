//! The JSON report: the [`ScanReport`] itself, pretty-printed.

use crate::report::ScanReport;

/// The report as pretty-printed JSON, ending with a newline. The format is described field
/// by field in `docs/json-report.md`; [`ScanReport`] deserializes it back.
pub fn render_json(report: &ScanReport) -> String {
    // Every map in the report has string keys and every value is plain data, so
    // serialization cannot fail.
    let mut json = serde_json::to_string_pretty(report).expect("a ScanReport serializes");
    json.push('\n');
    json
}
