//! rampart's scan report and its renderers.
//!
//! [`ScanReport`] gathers what one evaluation produced: the account, the regions read and
//! skipped, the collection gaps and cost, and every finding. Renderers turn it into text
//! for a terminal ([`render_text`]), the report itself as JSON ([`render_json`], the
//! format documented in `docs/json-report.md`), or OCSF Detection Finding events for
//! security data lakes and SIEMs ([`render_ocsf`]).

mod compliance;
mod html;
mod json;
mod ocsf;
mod report;
mod text;
mod wrap;

pub use html::render_html;
pub use json::render_json;
pub use ocsf::{render_ocsf, OCSF_SCHEMA_VERSION};
pub use report::{
    ComplianceSummary, ControlResult, ControlStatus, ScanReport, SeverityCounts, Summary, Tool,
    FORMAT_VERSION,
};
pub use text::{render_text, TextOptions};
