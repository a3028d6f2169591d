//! `history` and `diff` as Markdown (GitHub Flavored), for a pull-request comment, an
//! issue or a wiki page: headings, a headline and tables. Text from the account goes in
//! table cells through the Markdown report's escaping ([`cell`], [`code_cell`]): it stays
//! in its cell and shows as written, with no live link, HTML or mention.

use super::summary::{kind_name, minute, risk_name, signed, sparkline, Trend};
use super::tables::{diff_tables, Cells};
use super::DiffSummary;
use crate::markdown::{cell, code_cell};
use rampart_store::model::{ScanDiff, ScanKind, ScanRow, ScanState};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Rows listed at most in one table; the JSON output has them all.
pub const MAX_ROWS: usize = 100;
/// Points of a trend's sparkline at most.
const SPARK_MAX: usize = 30;

/// A GFM table of `rows` under `header` (a `>` before a column's name aligns it right),
/// at most [`MAX_ROWS`] of them, then a line that says how many were left out.
fn table(md: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let names: Vec<&str> = header.iter().map(|h| h.trim_start_matches('>')).collect();
    let rules: Vec<&str> = header
        .iter()
        .map(|h| if h.starts_with('>') { "--:" } else { "---" })
        .collect();
    let _ = writeln!(md, "| {} |\n|{}|", names.join(" | "), rules.join("|"));
    for row in rows.iter().take(MAX_ROWS) {
        let _ = writeln!(md, "| {} |", row.join(" | "));
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(
            md,
            "\n{MAX_ROWS} of {} rows shown; the JSON output has them all.",
            rows.len()
        );
    }
    md.push('\n');
}

pub(super) fn history(scans: &[ScanRow]) -> String {
    let mut md = String::new();
    let accounts: BTreeSet<&str> = scans.iter().map(|s| s.account_id.as_str()).collect();
    let many = accounts.len() > 1;
    match (accounts.len(), accounts.first()) {
        (1, Some(a)) => {
            let _ = writeln!(md, "### rampart history: account {}\n", code_cell(a));
        }
        _ => md.push_str("### rampart history\n\n"),
    }
    if scans.is_empty() {
        md.push_str("No scans are stored.\n");
        return md;
    }
    let mut header = vec!["id", "collected (UTC)"];
    if many {
        header.push("account");
    }
    header.extend([
        "kind",
        "state",
        ">resources",
        ">critical",
        ">high",
        ">medium",
        ">low",
        ">info",
        ">muted",
        ">gaps",
    ]);
    let rows: Vec<Vec<String>> = scans
        .iter()
        .map(|s| {
            let mut row = vec![s.id.to_string(), minute(s.collected_at)];
            if many {
                row.push(code_cell(&s.account_id));
            }
            row.push(kind_name(s.kind).to_owned());
            match (s.state, s.kind) {
                (ScanState::Incomplete, _) => {
                    row.push("**incomplete** (not stored)".to_owned());
                    row.extend(std::iter::repeat_n("–".to_owned(), 8));
                }
                (ScanState::Complete, kind) => {
                    row.push("complete".to_owned());
                    row.push(s.resources.to_string());
                    if kind == ScanKind::Scan {
                        row.extend(s.counts.fail_by_severity.map(|n| n.to_string()));
                        row.push(s.counts.muted.to_string());
                    } else {
                        row.extend(std::iter::repeat_n("–".to_owned(), 6));
                    }
                    row.push(s.gaps.to_string());
                }
            }
            row
        })
        .collect();
    table(&mut md, &header, &rows);
    for trend in Trend::of(scans) {
        let of = if many {
            format!(" of account {}", code_cell(&trend.account_id))
        } else {
            String::new()
        };
        if trend.scans.len() < 2 {
            let _ = writeln!(md, "One complete scan{of} so far: no trend yet.\n");
            continue;
        }
        let _ = writeln!(
            md,
            "#### Trend{of}: failing findings over {} scans, {} → {}\n",
            trend.scans.len(),
            minute(trend.from),
            minute(trend.to)
        );
        let rows: Vec<Vec<String>> = trend
            .severities
            .iter()
            .map(|s| {
                vec![
                    s.severity.as_str().to_owned(),
                    s.first.to_string(),
                    s.last.to_string(),
                    signed(s.change),
                    sparkline(&s.values, SPARK_MAX),
                ]
            })
            .collect();
        table(
            &mut md,
            &["severity", ">first", ">last", ">change", "trend"],
            &rows,
        );
    }
    let end = md.trim_end().len();
    md.truncate(end);
    md.push('\n');
    md
}

/// Markdown's cell pieces: escaped text, code spans, bold.
struct MarkdownCells;

impl Cells for MarkdownCells {
    fn text(&self, s: &str) -> String {
        cell(s)
    }

    fn code(&self, s: &str) -> String {
        code_cell(s)
    }

    fn strong(&self, s: &str) -> String {
        format!("**{s}**")
    }
}

pub(super) fn diff(d: &ScanDiff) -> String {
    let s = DiffSummary::of(d);
    let mut md = String::new();
    let _ = writeln!(
        md,
        "### rampart diff: account {}, scan {} ({} UTC) → scan {} ({} UTC)\n",
        code_cell(&d.to.account_id),
        d.from.id,
        minute(d.from.collected_at),
        d.to.id,
        minute(d.to.collected_at)
    );
    let f = &s.findings;
    let r = &s.resources;
    let risks = if s.risks.is_empty() {
        String::new()
    } else {
        let kinds: Vec<String> = s
            .risks
            .iter()
            .map(|(&k, n)| format!("{} {n}", risk_name(k)))
            .collect();
        format!(" ({})", kinds.join(", "))
    };
    let _ = writeln!(
        md,
        "Findings: **{} new** · **{} reopened** · {} changed · {} resolved · {} muted · {} \
         unknown  \nResources: {} added · {} removed · {} changed · {} unknown  \n\
         **{} risky changes**{risks} · coverage: {} no longer read, {} newly read\n",
        f.new,
        f.reopened,
        f.changed,
        f.resolved,
        f.muted,
        f.unknown,
        r.added,
        r.removed,
        r.changed,
        r.unknown,
        s.risky_changes,
        s.coverage.no_longer_read,
        s.coverage.newly_read,
    );
    for t in diff_tables(d, &MarkdownCells) {
        let _ = writeln!(md, "#### {}\n", t.title);
        if !t.note.is_empty() {
            let _ = writeln!(md, "{}\n", t.note);
        }
        table(&mut md, t.columns, &t.rows);
    }
    let end = md.trim_end().len();
    md.truncate(end);
    md.push('\n');
    md
}
