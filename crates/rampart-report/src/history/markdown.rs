//! `history` and `diff` as Markdown (GitHub Flavored), for a pull-request comment, an
//! issue or a wiki page: headings, a headline and tables. Text from the account goes in
//! table cells through the Markdown report's escaping ([`cell`], [`code_cell`]): it stays
//! in its cell and shows as written, with no live link, HTML or mention.

use super::label::{change_line, resource_label};
use super::summary::{change_name, minute, risk_name, signed, sparkline, time_span, Trend};
use super::text::unread_reason;
use super::DiffSummary;
use crate::markdown::{cell, code_cell};
use rampart_store::model::{
    ChangeLine, FindingChange, FindingState, Lifecycle, ResourceChange, ResourceChangeKind,
    ScanDiff, ScanKind, ScanRow, ScanState,
};
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
            let kind = match s.kind {
                ScanKind::Scan => "scan",
                ScanKind::Collect => "collect",
            };
            row.push(kind.to_owned());
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

/// A finding's state in a cell: `FAIL high: reason (muted by rule)`.
fn state(s: Option<&FindingState>) -> String {
    let Some(s) = s else {
        return "–".to_owned();
    };
    let mut text = format!("{} {}: {}", s.status.as_str(), s.severity, cell(&s.reason));
    if let Some(rule) = &s.muted_by {
        let _ = write!(text, " (muted by {})", cell(rule));
    }
    text
}

/// A resource's label and one of its lines, in a cell.
fn change(r: &ResourceChange, line: Option<&ChangeLine>) -> String {
    let label = resource_label(&r.key, r.name.as_deref(), false);
    let text = line.map(|l| l.text.as_str()).unwrap_or("");
    cell(&change_line(&label, text))
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
    let _ = writeln!(
        md,
        "Findings: **{} new** · **{} reopened** · {} changed · {} resolved · {} muted · {} \
         unknown  \nResources: {} added · {} removed · {} changed · {} unknown  \n\
         **{} risky changes**{} · coverage: {} no longer read, {} newly read\n",
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
        if s.risks.is_empty() {
            String::new()
        } else {
            let kinds: Vec<String> = s
                .risks
                .iter()
                .map(|(&k, n)| format!("{} {n}", risk_name(k)))
                .collect();
            format!(" ({})", kinds.join(", "))
        },
        s.coverage.no_longer_read,
        s.coverage.newly_read,
    );

    let known: Vec<&FindingChange> = d
        .findings
        .iter()
        .filter(|f| !matches!(f.lifecycle, Lifecycle::Unknown | Lifecycle::Unchanged))
        .collect();
    if !known.is_empty() {
        md.push_str("#### Findings\n\n");
        let rows: Vec<Vec<String>> = known
            .iter()
            .map(|f| {
                let mut seen = f.first_seen.map(minute).unwrap_or_default();
                if let Some(secs) = f.time_to_fix_secs {
                    let _ = write!(seen, " (fixed in {})", time_span(secs));
                }
                vec![
                    f.lifecycle.as_str().to_owned(),
                    f.severity.as_str().to_owned(),
                    code_cell(&f.check_id),
                    code_cell(&f.resource),
                    state(f.before.as_ref()),
                    state(f.after.as_ref()),
                    seen,
                ]
            })
            .collect();
        table(
            &mut md,
            &[
                "lifecycle",
                "severity",
                "check",
                "resource",
                "before",
                "after",
                "first seen",
            ],
            &rows,
        );
    }

    let rows: Vec<Vec<String>> = d
        .resources
        .iter()
        .filter(|r| r.change != ResourceChangeKind::Unknown)
        .flat_map(|r| {
            let lines: Vec<Option<&ChangeLine>> = if r.lines.is_empty() {
                vec![None]
            } else {
                r.lines.iter().map(Some).collect()
            };
            lines.into_iter().map(move |l| {
                let risk = match l {
                    Some(l) if l.unread => "unknown: not read in one of the scans".to_owned(),
                    Some(ChangeLine {
                        risk: Some(kind), ..
                    }) => format!("**{}**", risk_name(*kind)),
                    _ => String::new(),
                };
                vec![
                    change_name(r.change).to_owned(),
                    change(r, l),
                    cell(&r.kind),
                    risk,
                ]
            })
        })
        .collect();
    if !rows.is_empty() {
        md.push_str("#### Resources\n\n");
        table(&mut md, &["change", "what", "kind", "risk"], &rows);
    }

    let unknown: Vec<&FindingChange> = d
        .findings
        .iter()
        .filter(|f| f.lifecycle == Lifecycle::Unknown)
        .collect();
    if !unknown.is_empty() {
        md.push_str("#### Unknown findings: the later scan could not tell, so not resolved\n\n");
        let rows: Vec<Vec<String>> = unknown
            .iter()
            .map(|f| {
                vec![
                    f.severity.as_str().to_owned(),
                    code_cell(&f.check_id),
                    code_cell(&f.resource),
                    state(f.before.as_ref()),
                    cell(f.unknown_reason.as_deref().unwrap_or("not said")),
                ]
            })
            .collect();
        table(
            &mut md,
            &["severity", "check", "resource", "before", "why"],
            &rows,
        );
    }
    let unknown: Vec<&ResourceChange> = d
        .resources
        .iter()
        .filter(|r| r.change == ResourceChangeKind::Unknown)
        .collect();
    if !unknown.is_empty() {
        md.push_str("#### Unknown resources: not read in the later scan, so not removed\n\n");
        let rows: Vec<Vec<String>> = unknown
            .iter()
            .map(|r| {
                vec![
                    change(r, None),
                    cell(&r.kind),
                    cell(&r.region),
                    cell(unread_reason(d, r).unwrap_or("not said")),
                ]
            })
            .collect();
        table(&mut md, &["resource", "kind", "region", "why"], &rows);
    }
    let coverage: Vec<Vec<String>> = d
        .coverage
        .iter()
        .filter(|c| c.before_read != c.after_read)
        .map(|c| {
            let read = |b: bool| if b { "read" } else { "**not read**" }.to_owned();
            vec![
                cell(&c.region),
                cell(&c.section),
                read(c.before_read),
                read(c.after_read),
                cell(c.reason.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    if !coverage.is_empty() {
        md.push_str("#### Coverage\n\n");
        table(
            &mut md,
            &["region", "section", "before", "after", "why"],
            &coverage,
        );
    }
    let end = md.trim_end().len();
    md.truncate(end);
    md.push('\n');
    md
}
