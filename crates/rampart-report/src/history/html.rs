//! `rampart diff` as one self-contained HTML page: the HTML report's head (its style and
//! Content-Security-Policy, with no script at all), headline cards, then the diff's tables
//! ([`diff_tables`]): findings by lifecycle, resource changes (risky ones marked), what is
//! unknown and why, and the coverage changes. Plain HTML, readable and printable as it
//! is; every string from the account is escaped ([`esc`]).

use super::summary::minute;
use super::tables::{diff_tables, Cells, Table};
use super::DiffSummary;
use crate::html::{card, esc, page_head, thousands};
use crate::report::Tool;
use rampart_store::model::{ScanDiff, ScanRow};
use std::fmt::Write as _;

/// HTML's cell pieces: escaped text, `<code>`, `<strong>`, and a resource with its full
/// key as the tooltip.
struct HtmlCells;

impl Cells for HtmlCells {
    fn text(&self, s: &str) -> String {
        esc(s)
    }

    fn code(&self, s: &str) -> String {
        format!("<code>{}</code>", esc(s))
    }

    fn strong(&self, s: &str) -> String {
        format!("<strong>{s}</strong>")
    }

    fn resource(&self, text: &str, key: &str) -> String {
        format!("<span title=\"{}\">{}</span>", esc(key), esc(text))
    }
}

/// A table in its section, under its heading and note.
fn table(h: &mut String, t: &Table) {
    let _ = write!(
        h,
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{}</h2>\n",
        t.title,
        id = t.id
    );
    if !t.note.is_empty() {
        let _ = writeln!(h, "<p class=\"hint\">{}</p>", t.note);
    }
    h.push_str("<table class=\"gap-table\"><thead><tr>");
    for c in t.columns {
        let mut name = c.to_string();
        name[..1].make_ascii_uppercase();
        let _ = write!(h, "<th scope=\"col\">{name}</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            let _ = write!(h, "<td>{c}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n</section>\n");
}

/// `scan 12 (2026-06-01 12:00 UTC)`.
fn scan_fact(s: &ScanRow) -> String {
    format!(
        "scan {} (<time datetime=\"{}\">{} UTC</time>)",
        s.id,
        s.collected_at.to_rfc3339(),
        minute(s.collected_at)
    )
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
    let unknown_link = if f.unknown > 0 {
        "#unknown-findings"
    } else {
        "#unknown-resources"
    };
    let cards = [
        (
            "fail",
            f.new,
            "new",
            "#findings",
            "failing now, never before".to_owned(),
        ),
        (
            "fail",
            f.reopened,
            "reopened",
            "#findings",
            "failing again".to_owned(),
        ),
        (
            "pass",
            f.resolved,
            "resolved",
            "#findings",
            "passing now, or gone".to_owned(),
        ),
        (
            "new",
            f.changed + f.muted,
            "changed",
            "#findings",
            format!("{} changed, {} muted", n(f.changed), n(f.muted)),
        ),
        (
            "critical",
            s.risky_changes,
            "risky changes",
            "#resources",
            String::new(),
        ),
        (
            "new",
            r.added + r.removed + r.changed,
            "resources",
            "#resources",
            format!(
                "{} added, {} removed, {} changed",
                n(r.added),
                n(r.removed),
                n(r.changed)
            ),
        ),
        (
            "error",
            f.unknown + r.unknown,
            "unknown",
            unknown_link,
            "findings and resources the later scan could not tell about".to_owned(),
        ),
    ];
    for (class, count, label, link, note) in cards {
        card(&mut h, class, n(count), label, link, &note);
    }
    h.push_str("</section>\n");

    for t in diff_tables(d, &HtmlCells) {
        table(&mut h, &t);
    }
    h.push_str("</main>\n");
    let _ = writeln!(
        h,
        "<footer><p>Written by {} {}.</p></footer>\n</body>\n</html>",
        esc(&tool.name),
        esc(&tool.version)
    );
    h
}
