//! How the store's history reads: `rampart history` (the scans with their counts and the
//! trend per severity), `rampart diff` (findings by lifecycle, resources added, removed
//! and changed line by line, coverage) and `rampart show` (a resource's revisions and the
//! content in force at a time), in text, JSON, Markdown and HTML.
//!
//! The store's types (`rampart_store::model`) are plain data; this module only renders
//! them. Every string in them that comes from the account (keys, names, reasons, change
//! lines, bodies) is hostile and is escaped for the format it goes to: shown escaped on
//! the terminal ([`rampart_output::terminal_safe`]), escaped as HTML, kept inside its
//! Markdown table cell. What a scan did not read is shown apart, as unknown: never as
//! resolved or removed.

mod html;
mod json;
mod label;
mod markdown;
mod summary;
mod tables;
mod text;

pub use label::{change_line, resource_label, short_key};
pub use summary::{
    CoverageCounts, DiffSummary, FindingCounts, ResourceCounts, SeverityTrend, Trend,
};

use chrono::{DateTime, Utc};
use rampart_store::model::{ResourceHistory, ScanDiff, ScanRow};
use std::io::Write;
use strum::VariantArray;

/// An output format of the history views (`--format` of `history`, `diff` and `show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum HistoryFormat {
    /// Terminal text.
    Text,
    /// JSON (documented in `docs/history.md`).
    Json,
    /// Markdown, for a pull-request comment or a wiki.
    Markdown,
    /// One self-contained HTML page.
    Html,
}

impl HistoryFormat {
    /// Every format, in declaration order.
    pub const ALL: &'static [HistoryFormat] = HistoryFormat::VARIANTS;

    /// The name on the command line: `text`, `json`, `markdown`, `html`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for HistoryFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of [`HistoryFormat::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{name}` (text, json, markdown, html)")]
pub struct UnknownFormat {
    /// The name given.
    pub name: String,
}

impl std::str::FromStr for HistoryFormat {
    type Err = UnknownFormat;

    /// The format named `s`, ASCII case-insensitive, surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Self, UnknownFormat> {
        let name = s.trim();
        HistoryFormat::ALL
            .iter()
            .copied()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownFormat { name: s.to_owned() })
    }
}

/// One of the three views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum View {
    /// `rampart history`.
    History,
    /// `rampart diff`.
    Diff,
    /// `rampart show`.
    Show,
}

impl View {
    /// The command's name: `history`, `diff`, `show`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The formats the view is rendered in, so that the command line can refuse another
    /// before it opens the store.
    pub fn formats(self) -> &'static [HistoryFormat] {
        use HistoryFormat::*;
        match self {
            View::History => &[Text, Json, Markdown],
            View::Diff => &[Text, Json, Markdown, Html],
            View::Show => &[Text, Json],
        }
    }
}

impl std::fmt::Display for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a view could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// The view has no output in that format ([`View::formats`] lists those it has).
    #[error("`rampart {view}` has no {format} output")]
    Unsupported {
        /// The view.
        view: View,
        /// The format asked for.
        format: HistoryFormat,
    },
    /// Writing the output failed.
    #[error("could not write the output")]
    Io(#[from] std::io::Error),
}

/// How to render a view on the terminal (the other formats ignore it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewOptions {
    /// Colour severities, risky changes and headings with ANSI escape sequences.
    pub color: bool,
    /// Wrap at this many columns (a word longer than a line, such as an ARN, is never
    /// broken).
    pub width: usize,
    /// Say more: `history` gives each scan's storage time, rampart version and source;
    /// `diff` lists unchanged findings and gives every resource's full key and region;
    /// `show` gives each revision's content hash and the latest content.
    pub verbose: bool,
}

impl Default for ViewOptions {
    /// No colour, 80 columns, not verbose.
    fn default() -> Self {
        ViewOptions {
            color: false,
            width: 80,
            verbose: false,
        }
    }
}

/// Write `rampart history`: the scans, in the order given, with their counts, then the
/// trend per severity over each account's complete scans (oldest to newest). Text, JSON
/// and Markdown.
pub fn render_history(
    scans: &[ScanRow],
    format: HistoryFormat,
    opts: &ViewOptions,
    out: &mut impl Write,
) -> Result<(), ViewError> {
    let rendered = match format {
        HistoryFormat::Text => Some(text::history(scans, opts)),
        HistoryFormat::Json => Some(json::history(scans)),
        HistoryFormat::Markdown => Some(markdown::history(scans)),
        HistoryFormat::Html => None,
    };
    emit(View::History, format, rendered, out)
}

/// Write `rampart diff`: the summary counts, the findings by lifecycle, the resources
/// added, removed and changed with their change lines (risky ones marked), then what is
/// unknown (findings and resources the later scan could not tell about, with why) and the
/// coverage changes. Text, JSON, Markdown and HTML.
pub fn render_diff(
    diff: &ScanDiff,
    format: HistoryFormat,
    opts: &ViewOptions,
    out: &mut impl Write,
) -> Result<(), ViewError> {
    let rendered = match format {
        HistoryFormat::Text => Some(text::diff(diff, opts)),
        HistoryFormat::Json => Some(json::diff(diff)),
        HistoryFormat::Markdown => Some(markdown::diff(diff)),
        HistoryFormat::Html => Some(html::diff(diff)),
    };
    emit(View::Diff, format, rendered, out)
}

/// Write `rampart show`: the resource, its revisions (when each was seen, what changed in
/// each) and, when `at` is given (`--at TIME`), the content in force then, or a line that
/// says it did not exist or was not read then. `h.at` is the store's answer for `at`.
/// Text and JSON.
pub fn render_show(
    h: &ResourceHistory,
    at: Option<DateTime<Utc>>,
    format: HistoryFormat,
    opts: &ViewOptions,
    out: &mut impl Write,
) -> Result<(), ViewError> {
    let rendered = match format {
        HistoryFormat::Text => Some(text::show(h, at, opts)),
        HistoryFormat::Json => Some(json::show(h, at)),
        HistoryFormat::Markdown | HistoryFormat::Html => None,
    };
    emit(View::Show, format, rendered, out)
}

/// Write what a renderer gave, or say that the view has no such format.
fn emit(
    view: View,
    format: HistoryFormat,
    rendered: Option<String>,
    out: &mut impl Write,
) -> Result<(), ViewError> {
    let text = rendered.ok_or(ViewError::Unsupported { view, format })?;
    debug_assert!(view.formats().contains(&format));
    out.write_all(text.as_bytes())?;
    Ok(())
}
