//! The diff as tables, once for the formats that lay tables out (Markdown, HTML): which
//! tables, their columns and their rows. Each format says how it writes a cell's pieces
//! ([`Cells`]: its escaping) and how it lays a table out.

use super::label::{change_line, resource_label};
use super::summary::{change_name, minute, risk_name, time_span, unread_reason};
use rampart_store::model::{
    ChangeLine, FindingChange, FindingState, Lifecycle, ResourceChange, ResourceChangeKind,
    ScanDiff,
};

/// How a format writes the pieces of a cell.
pub(super) trait Cells {
    /// Text from the account, escaped.
    fn text(&self, s: &str) -> String;
    /// An identifier from the account (check id, ARN, collection), escaped, as code.
    fn code(&self, s: &str) -> String;
    /// rampart's own words, emphasized.
    fn strong(&self, s: &str) -> String;
    /// A resource's label and change line (from the account), escaped; `key` is the full
    /// key, which a format may keep at hand (HTML: as the tooltip).
    fn resource(&self, text: &str, key: &str) -> String {
        let _ = key;
        self.text(text)
    }
}

/// One table of the diff.
pub(super) struct Table {
    /// Anchor (HTML `id`).
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// What the reader must know about its rows; may be empty.
    pub note: &'static str,
    /// Column names.
    pub columns: &'static [&'static str],
    /// Cells, written by the format's [`Cells`].
    pub rows: Vec<Vec<String>>,
}

/// The diff's tables that have rows: findings, resources, unknown findings, unknown
/// resources, coverage.
pub(super) fn diff_tables(d: &ScanDiff, c: &impl Cells) -> Vec<Table> {
    let state = |s: Option<&FindingState>| -> String {
        let Some(s) = s else {
            return "–".to_owned();
        };
        let mut text = format!(
            "{} {}: {}",
            s.status.as_str(),
            s.severity,
            c.text(&s.reason)
        );
        if let Some(rule) = &s.muted_by {
            text.push_str(&format!(" (muted by {})", c.text(rule)));
        }
        text
    };
    let findings = |keep: &dyn Fn(Lifecycle) -> bool| -> Vec<&FindingChange> {
        d.findings.iter().filter(|f| keep(f.lifecycle)).collect()
    };
    let label = |r: &ResourceChange, line: Option<&ChangeLine>| -> String {
        let label = resource_label(&r.key, r.name.as_deref(), false);
        let text = change_line(&label, line.map(|l| l.text.as_str()).unwrap_or(""));
        c.resource(&text, &r.key)
    };

    let known = findings(&|l| !matches!(l, Lifecycle::Unknown | Lifecycle::Unchanged));
    let known = known
        .iter()
        .map(|f| {
            let mut seen = f.first_seen.map(minute).unwrap_or_default();
            if let Some(secs) = f.time_to_fix_secs {
                seen.push_str(&format!(" (fixed in {})", time_span(secs)));
            }
            vec![
                f.lifecycle.as_str().to_owned(),
                f.severity.as_str().to_owned(),
                c.code(&f.check_id),
                c.code(&f.resource),
                state(f.before.as_ref()),
                state(f.after.as_ref()),
                seen,
            ]
        })
        .collect();

    let mut changes = Vec::new();
    for r in d
        .resources
        .iter()
        .filter(|r| r.change != ResourceChangeKind::Unknown)
    {
        let lines: Vec<Option<&ChangeLine>> = if r.lines.is_empty() {
            vec![None]
        } else {
            r.lines.iter().map(Some).collect()
        };
        for l in lines {
            let risk = match l {
                Some(l) if l.unread => "unknown: not read in one of the scans".to_owned(),
                Some(ChangeLine {
                    risk: Some(kind), ..
                }) => c.strong(&risk_name(*kind)),
                _ => String::new(),
            };
            changes.push(vec![
                change_name(r.change).to_owned(),
                label(r, l),
                c.code(&r.kind),
                risk,
            ]);
        }
    }

    let unknown_findings = findings(&|l| l == Lifecycle::Unknown)
        .iter()
        .map(|f| {
            vec![
                f.severity.as_str().to_owned(),
                c.code(&f.check_id),
                c.code(&f.resource),
                state(f.before.as_ref()),
                c.text(f.unknown_reason.as_deref().unwrap_or("not said")),
            ]
        })
        .collect();

    let unknown_resources = d
        .resources
        .iter()
        .filter(|r| r.change == ResourceChangeKind::Unknown)
        .map(|r| {
            vec![
                label(r, None),
                c.code(&r.kind),
                c.text(&r.region),
                c.text(unread_reason(d, r).unwrap_or("not said")),
            ]
        })
        .collect();

    let coverage = d
        .coverage
        .iter()
        .filter(|cov| cov.before_read != cov.after_read)
        .map(|cov| {
            let read = |b: bool| {
                if b {
                    "read".to_owned()
                } else {
                    c.strong("not read")
                }
            };
            vec![
                c.text(&cov.region),
                c.code(&cov.section),
                read(cov.before_read),
                read(cov.after_read),
                c.text(cov.reason.as_deref().unwrap_or("")),
            ]
        })
        .collect();

    let tables = [
        Table {
            id: "findings",
            title: "Findings",
            note: "",
            columns: &[
                "lifecycle",
                "severity",
                "check",
                "resource",
                "before",
                "after",
                "first seen",
            ],
            rows: known,
        },
        Table {
            id: "resources",
            title: "Resources",
            note: "",
            columns: &["change", "what", "kind", "risk"],
            rows: changes,
        },
        Table {
            id: "unknown-findings",
            title: "Unknown findings",
            note: "The later scan could not tell: these are not resolved.",
            columns: &["severity", "check", "resource", "before", "why"],
            rows: unknown_findings,
        },
        Table {
            id: "unknown-resources",
            title: "Unknown resources",
            note: "Not read in the later scan: these are not removed.",
            columns: &["resource", "kind", "region", "why"],
            rows: unknown_resources,
        },
        Table {
            id: "coverage",
            title: "Coverage",
            note: "",
            columns: &["region", "section", "before", "after", "why"],
            rows: coverage,
        },
    ];
    tables.into_iter().filter(|t| !t.rows.is_empty()).collect()
}
