//! The JSON report: what [`crate::Report`] holds, with the tool's name and version; it is
//! also the baseline format.

use serde::Serialize;

use crate::Report;

#[derive(Serialize)]
struct Document<'a> {
    tool: &'static str,
    rampart_version: &'static str,
    #[serde(flatten)]
    report: &'a Report,
}

/// Render the report as pretty JSON: `tool`, `rampart_version`, `scanned`, `aws_account`
/// (when checked), `baselined`, `findings`, `errors`.
pub fn render_json(report: &Report) -> String {
    let doc = Document {
        tool: "rampart secrets",
        rampart_version: env!("CARGO_PKG_VERSION"),
        report,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("a report serializes");
    s.push('\n');
    s
}
