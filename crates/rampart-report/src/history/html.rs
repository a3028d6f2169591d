//! `rampart diff` as one self-contained HTML page: the HTML report's head (its style and
//! Content-Security-Policy, with no script at all), headline cards, then tables of the
//! findings by lifecycle, the resource changes (risky ones marked), what is unknown and
//! why, and the coverage changes. Plain HTML, readable and printable as it is; every
//! string from the account is escaped ([`esc`]).

use super::label::{change_line, resource_label};
use super::summary::{change_name, minute, risk_name, time_span};
use super::text::unread_reason;
use super::DiffSummary;
use crate::html::{card, esc, page_head, thousands};
use crate::report::Tool;
use rampart_store::model::{
    ChangeLine, FindingChange, FindingState, Lifecycle, ResourceChangeKind, ScanDiff, ScanRow,
};
use std::fmt::Write as _;

/// A table's start: its section, heading and column names.
fn table_start(h: &mut String, id: &str, title: &str, note: &str, columns: &[&str]) {
    let _ = write!(
        h,
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{title}</h2>\n"
    );
    if !note.is_empty() {
        let _ = writeln!(h, "<p class=\"hint\">{note}</p>");
    }
    h.push_str("<table class=\"gap-table\"><thead><tr>");
    for c in columns {
        let _ = write!(h, "<th scope=\"col\">{c}</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
}

fn table_end(h: &mut String) {
    h.push_str("</tbody></table>\n</section>\n");
}

/// A row of cells already escaped.
fn row(h: &mut String, cells: &[String]) {
    h.push_str("<tr>");
    for c in cells {
        let _ = write!(h, "<td>{c}</td>");
    }
    h.push_str("</tr>\n");
}

/// `scan 12, collected 2026-06-01 12:00 UTC`.
fn scan_fact(s: &ScanRow) -> String {
    format!(
        "scan {} (<time datetime=\"{}\">{} UTC</time>)",
        s.id,
        s.collected_at.to_rfc3339(),
        minute(s.collected_at)
    )
}

/// A finding's state: `FAIL high: reason (muted by rule)`, escaped.
fn state(s: Option<&FindingState>) -> String {
    let Some(s) = s else {
        return "–".to_owned();
    };
    let mut text = format!("{} {}: {}", s.status.as_str(), s.severity, esc(&s.reason));
    if let Some(rule) = &s.muted_by {
        let _ = write!(text, " (muted by {})", esc(rule));
    }
    text
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

pub(super) fn diff(d: &ScanDiff) -> String {
    let s = DiffSummary::of(d);
    let tool = Tool::current();
    let mut h = String::new();
    let title = format!(
        "rampart diff: account {}, scan {} → scan {}",
        d.to.account_id, d.from.id, d.to.id
    );
    page_head(&mut h, &tool, &title, false);
    let _ = write!(
        h,
        "<header class=\"top\">\n<h1>rampart diff <span class=\"account\">account {}</span></h1>\n\
         <dl class=\"facts\"><div><dt>From</dt><dd>{}</dd></div>\
         <div><dt>To</dt><dd>{}</dd></div>\
         <div><dt>Tool</dt><dd>{} {}</dd></div></dl>\n</header>\n<main>\n",
        esc(&d.to.account_id),
        scan_fact(&d.from),
        scan_fact(&d.to),
        esc(&tool.name),
        esc(&tool.version),
    );

    h.push_str("<section class=\"headline\" aria-label=\"Headline numbers\">\n");
    let f = &s.findings;
    let r = &s.resources;
    let n = thousands;
    card(
        &mut h,
        "fail",
        n(f.new),
        "new",
        "#findings",
        "failing now, never before",
    );
    card(
        &mut h,
        "fail",
        n(f.reopened),
        "reopened",
        "#findings",
        "failing again",
    );
    card(
        &mut h,
        "pass",
        n(f.resolved),
        "resolved",
        "#findings",
        "passing now, or gone",
    );
    let note = format!("{} changed, {} muted", n(f.changed), n(f.muted));
    card(
        &mut h,
        "new",
        n(f.changed + f.muted),
        "changed",
        "#findings",
        &note,
    );
    card(
        &mut h,
        "critical",
        n(s.risky_changes),
        "risky changes",
        "#resources",
        "",
    );
    let note = format!("{} added, {} removed", n(r.added), n(r.removed));
    let all = r.added + r.removed + r.changed;
    card(
        &mut h,
        "new",
        n(all),
        "resources changed",
        "#resources",
        &note,
    );
    let note = "findings and resources the later scan could not tell about";
    card(
        &mut h,
        "error",
        n(f.unknown + r.unknown),
        "unknown",
        "#unknown",
        note,
    );
    h.push_str("</section>\n");

    let known: Vec<&FindingChange> = d
        .findings
        .iter()
        .filter(|f| !matches!(f.lifecycle, Lifecycle::Unknown | Lifecycle::Unchanged))
        .collect();
    if !known.is_empty() {
        let columns = [
            "Lifecycle",
            "Severity",
            "Check",
            "Resource",
            "Before",
            "After",
            "First seen",
        ];
        table_start(&mut h, "findings", "Findings", "", &columns);
        for f in known {
            let mut seen = f.first_seen.map(minute).unwrap_or_default();
            if let Some(secs) = f.time_to_fix_secs {
                let _ = write!(seen, " (fixed in {})", time_span(secs));
            }
            let cells = [
                f.lifecycle.as_str().to_owned(),
                f.severity.as_str().to_owned(),
                code(&f.check_id),
                format!("<span class=\"mono\">{}</span>", esc(&f.resource)),
                state(f.before.as_ref()),
                state(f.after.as_ref()),
                seen,
            ];
            row(&mut h, &cells);
        }
        table_end(&mut h);
    }

    let changed: Vec<_> = d
        .resources
        .iter()
        .filter(|r| r.change != ResourceChangeKind::Unknown)
        .collect();
    if !changed.is_empty() {
        let columns = ["Change", "What", "Kind", "Risk"];
        table_start(&mut h, "resources", "Resources", "", &columns);
        for r in changed {
            let label = resource_label(&r.key, r.name.as_deref(), false);
            let lines: Vec<Option<&ChangeLine>> = if r.lines.is_empty() {
                vec![None]
            } else {
                r.lines.iter().map(Some).collect()
            };
            for l in lines {
                let text = change_line(&label, l.map(|l| l.text.as_str()).unwrap_or(""));
                let risk = match l {
                    Some(l) if l.unread => {
                        "<span class=\"muted-text\">unknown: not read in one of the scans</span>"
                            .to_owned()
                    }
                    Some(ChangeLine {
                        risk: Some(kind), ..
                    }) => format!("<strong class=\"risk\">{}</strong>", risk_name(*kind)),
                    _ => String::new(),
                };
                let cells = [
                    change_name(r.change).to_owned(),
                    format!("<span title=\"{}\">{}</span>", esc(&r.key), esc(&text)),
                    esc(&r.kind),
                    risk,
                ];
                row(&mut h, &cells);
            }
        }
        table_end(&mut h);
    }

    unknown(&mut h, d);
    coverage(&mut h, d);
    h.push_str("</main>\n");
    let _ = writeln!(
        h,
        "<footer><p>Written by {} {}.</p></footer>\n</body>\n</html>",
        esc(&tool.name),
        esc(&tool.version)
    );
    h
}

/// What the later scan could not tell about, with why: never resolved, never removed.
fn unknown(h: &mut String, d: &ScanDiff) {
    let findings: Vec<&FindingChange> = d
        .findings
        .iter()
        .filter(|f| f.lifecycle == Lifecycle::Unknown)
        .collect();
    let resources: Vec<_> = d
        .resources
        .iter()
        .filter(|r| r.change == ResourceChangeKind::Unknown)
        .collect();
    if findings.is_empty() && resources.is_empty() {
        return;
    }
    let columns = ["What", "Resource", "Before", "Why unknown"];
    let note = "The later scan did not read what these need: they are neither resolved nor \
                removed.";
    table_start(h, "unknown", "Unknown", note, &columns);
    for f in findings {
        let cells = [
            format!("finding {} ({})", code(&f.check_id), f.severity.as_str()),
            format!("<span class=\"mono\">{}</span>", esc(&f.resource)),
            state(f.before.as_ref()),
            esc(f.unknown_reason.as_deref().unwrap_or("not said")),
        ];
        row(h, &cells);
    }
    for r in resources {
        let label = resource_label(&r.key, r.name.as_deref(), false);
        let cells = [
            format!("resource {}", esc(&r.kind)),
            format!("<span title=\"{}\">{}</span>", esc(&r.key), esc(&label)),
            String::new(),
            esc(unread_reason(d, r).unwrap_or("not said")),
        ];
        row(h, &cells);
    }
    table_end(h);
}

fn coverage(h: &mut String, d: &ScanDiff) {
    let changes: Vec<_> = d
        .coverage
        .iter()
        .filter(|c| c.before_read != c.after_read)
        .collect();
    if changes.is_empty() {
        return;
    }
    let columns = ["Region", "Section", "Before", "After", "Why"];
    table_start(h, "coverage", "Coverage", "", &columns);
    let read = |b: bool| {
        if b {
            "read"
        } else {
            "<strong>not read</strong>"
        }
        .to_owned()
    };
    for c in changes {
        let cells = [
            esc(&c.region),
            code(&c.section),
            read(c.before_read),
            read(c.after_read),
            esc(c.reason.as_deref().unwrap_or("")),
        ];
        row(h, &cells);
    }
    table_end(h);
}
