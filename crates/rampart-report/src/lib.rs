//! rampart's scan report and its renderers.
//!
//! [`ScanReport`] gathers what one evaluation produced: the account, the regions read and
//! skipped, the collection gaps and cost, and every finding. Renderers turn it into text
//! for a terminal ([`render_text`]), the report itself as JSON ([`render_json`], the
//! format documented in `docs/json-report.md` with its schema in
//! `docs/report.schema.json`), OCSF Detection Finding events for security data lakes and
//! SIEMs ([`render_ocsf`]), AWS Security Finding Format for Security Hub
//! ([`render_asff`]), SARIF for code scanning ([`render_sarif`]), CSV ([`render_csv`]),
//! JUnit XML for CI test reports ([`render_junit`]), a Markdown pull-request comment
//! ([`render_markdown`]) and a self-contained HTML page ([`render_html`]). Every renderer
//! shows muted findings as muted, with the mute rule's reason, and never counts them as
//! failures. [`ReportFormat`] names the formats, with each one's file name and renderer
//! ([`render`]).
//!
//! A run over many accounts is one organization report: an [`OrgHeader`] (the accounts
//! and what became of each, the totals) and every scanned account's report, rendered in
//! any format by [`render_org`] while the reports stream in one at a time; the JSON form
//! is an [`OrgReport`], read back by [`OrgReport::load`] and joined from shards by
//! [`merge`].
//!
//! The store's history views, `rampart history`, `diff` and `show`, are rendered by
//! [`history`].

mod asff;
mod check_docs;
mod compliance;
mod csv_rows;
mod format;
pub mod history;
mod html;
mod json;
mod junit;
mod markdown;
mod ocsf;
mod org;
mod report;
mod sarif;
mod text;
mod wrap;

pub use asff::{render_asff, ASFF_SCHEMA_VERSION};
pub use csv_rows::{render_csv, CSV_COLUMNS};
pub use format::{render, ReportFormat};
pub use html::render_html;
pub use json::render_json;
pub use junit::render_junit;
pub use markdown::{render_markdown, MARKDOWN_MAX_ROWS};
pub use ocsf::{render_ocsf, OCSF_SCHEMA_VERSION};
pub use org::{
    merge, render_org, AccountCounts, AccountEntry, AccountOutcome, LoadError, MergeError,
    MergeOptions, OrgHeader, OrgKind, OrgRenderError, OrgReport, Shard,
};
pub use report::{
    ComplianceSummary, ControlResult, ControlStatus, ScanReport, SeverityCounts, Summary, Tool,
    FORMAT_VERSION,
};
pub use sarif::render_sarif;
pub use text::{render_text, TextOptions};
