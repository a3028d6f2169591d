//! The three views on a terminal: the scans table and trend, the diff section by section,
//! a resource's revisions. Written with the terminal report's lines, wrapping and colours
//! ([`crate::text`]); every piece of text from the account goes through
//! [`terminal_safe`], so the only escape sequences printed are rampart's own colours.

use super::label::{change_line, resource_label};
use super::summary::{
    kind_name, minute, risk_name, signed, sparkline, time_span, unread_reason, Trend,
};
use super::{DiffSummary, ViewOptions};
use crate::check_docs::truncate;
use crate::text::{count, Out, Style};
use crate::wrap::wrap;
use chrono::{DateTime, Utc};
use rampart_checks::Severity;
use rampart_output::{terminal_safe, terminal_safe_lines};
use rampart_store::model::{
    ChangeLine, CoverageChange, FindingChange, FindingState, Lifecycle, ResourceChange,
    ResourceChangeKind, ResourceHistory, Revision, ScanDiff, ScanKind, ScanRow, ScanState,
};
use std::collections::BTreeSet;

/// Indent of an item in a section.
const ITEM: &str = "  ";
/// Indent of the lines under a finding.
const UNDER: &str = "           ";
/// Characters kept of a resource's name in a label.
const NAME_MAX: usize = 40;

fn lines(opts: &ViewOptions) -> Out {
    Out {
        lines: Vec::new(),
        width: opts.width,
        color: opts.color,
    }
}

/// The lines joined, each ending with a newline.
fn finish(out: Out) -> String {
    let mut text = out.lines.join("\n");
    text.push('\n');
    text
}

/// Text from the account, safe to print.
fn safe(s: &str) -> String {
    terminal_safe(s).into_owned()
}

/// A resource's label for the terminal: its short key (the full key when verbose), its
/// name cut to [`NAME_MAX`], made safe.
fn label(key: &str, name: Option<&str>, opts: &ViewOptions) -> String {
    let name = name.map(|n| truncate(n, NAME_MAX));
    safe(&resource_label(key, name.as_deref(), opts.verbose))
}

pub(super) fn history(scans: &[ScanRow], opts: &ViewOptions) -> String {
    let mut out = lines(opts);
    let accounts: BTreeSet<&str> = scans.iter().map(|s| s.account_id.as_str()).collect();
    let title = match (accounts.len(), accounts.first()) {
        (1, Some(account)) => format!("SCANS OF ACCOUNT {} ({})", safe(account), scans.len()),
        _ => format!("SCANS ({})", scans.len()),
    };
    out.heading(&title, Style::Heading);
    if scans.is_empty() {
        out.lines.push("No scans are stored.".to_owned());
        return finish(out);
    }
    let many = accounts.len() > 1;
    out.blank();
    let account_head = if many { "  ACCOUNT     " } else { "" };
    let head = format!(
        "{:>6}  {:<16}  {account_head}{:<7}{:>10}{}{:>6}{:>5}",
        "ID",
        "COLLECTED (UTC)",
        "KIND",
        "RESOURCES",
        ["CRIT", "HIGH", "MED", "LOW", "INFO"]
            .map(|c| format!("{c:>5}"))
            .concat(),
        "MUTED",
        "GAPS"
    );
    out.lines.push(out.paint(&head, Style::Heading));
    for s in scans {
        let account = if many {
            format!("  {:<12}", safe(&s.account_id))
        } else {
            String::new()
        };
        let kind = kind_name(s.kind);
        let prefix = format!(
            "{:>6}  {:<16}  {account}{kind:<7}",
            s.id,
            minute(s.collected_at)
        );
        let row = match (s.state, s.kind) {
            (ScanState::Incomplete, _) => format!(
                "{prefix}  {} stopped while being stored",
                out.paint("INCOMPLETE:", Style::Error)
            ),
            (ScanState::Complete, ScanKind::Collect) => format!(
                "{prefix}{:>10}{}{:>6}{:>5}",
                s.resources,
                format!("{:>5}", "-").repeat(5),
                "-",
                s.gaps
            ),
            (ScanState::Complete, ScanKind::Scan) => {
                let severities: String = Severity::ALL
                    .iter()
                    .zip(s.counts.fail_by_severity)
                    .map(|(&sev, n)| {
                        let cell = format!("{n:>5}");
                        if n == 0 {
                            cell
                        } else {
                            out.paint(&cell, Style::Severity(sev))
                        }
                    })
                    .collect();
                format!(
                    "{prefix}{:>10}{severities}{:>6}{:>5}",
                    s.resources, s.counts.muted, s.gaps
                )
            }
        };
        out.lines.push(row);
        if opts.verbose {
            let seq = s
                .seq
                .map(|n| format!("#{n} of the account, "))
                .unwrap_or_default();
            let detail = format!(
                "{seq}stored {}, rampart {}, source {}",
                minute(s.stored_at),
                safe(&s.rampart_version),
                safe(&s.source)
            );
            out.extend(wrap(&detail, out.width, "        ", "          "));
        }
    }
    for trend in Trend::of(scans) {
        trend_lines(&mut out, &trend, many);
    }
    finish(out)
}

/// One account's trend: per severity, first → last, a sparkline and the change.
fn trend_lines(out: &mut Out, trend: &Trend, name_account: bool) {
    out.blank();
    let of = if name_account {
        format!(" of account {}", safe(&trend.account_id))
    } else {
        String::new()
    };
    let n = trend.scans.len();
    if n < 2 {
        let line = format!("TREND{of}: one complete scan so far, no trend yet");
        out.heading(&line, Style::Heading);
        return;
    }
    let title = format!(
        "TREND{of}: failing findings over {n} scans, {} → {}",
        minute(trend.from),
        minute(trend.to)
    );
    out.heading(&title, Style::Heading);
    let room = out.width.saturating_sub(30).clamp(8, 60);
    for s in &trend.severities {
        let name = format!("{:<9}", s.severity.as_str());
        let change = format!("{:>4}", signed(s.change));
        let change = match s.change {
            0 => change,
            c if c > 0 => out.paint(&change, Style::Fail),
            _ => out.paint(&change, Style::Pass),
        };
        out.lines.push(format!(
            "{ITEM}{} {:>4} → {:<4}{change}  {}",
            out.paint(&name, Style::Severity(s.severity)),
            s.first,
            s.last,
            sparkline(&s.values, room)
        ));
    }
}

pub(super) fn diff(d: &ScanDiff, opts: &ViewOptions) -> String {
    let mut out = lines(opts);
    let s = DiffSummary::of(d);
    let title = format!(
        "DIFF OF ACCOUNT {}: scan {} → scan {}",
        safe(&d.to.account_id),
        d.from.id,
        d.to.id
    );
    let times = format!(
        "collected {} UTC → {} UTC",
        minute(d.from.collected_at),
        minute(d.to.collected_at)
    );
    out.heading(&title, Style::Heading);
    out.extend(wrap(&times, out.width, "", ""));
    if d.from.kind == ScanKind::Collect || d.to.kind == ScanKind::Collect {
        out.extend(wrap(
            "A collect holds no findings: only resources are compared.",
            out.width,
            "",
            "",
        ));
    }
    diff_summary(&mut out, &s);
    for (lifecycle, heading, style) in [
        (Lifecycle::New, "NEW", Style::Fail),
        (Lifecycle::Reopened, "REOPENED", Style::Fail),
        (Lifecycle::Changed, "CHANGED", Style::Heading),
        (Lifecycle::Resolved, "RESOLVED", Style::Pass),
        (Lifecycle::Muted, "MUTED", Style::Muted),
        (Lifecycle::Unchanged, "UNCHANGED", Style::Heading),
    ] {
        if lifecycle == Lifecycle::Unchanged && !opts.verbose {
            continue;
        }
        findings(&mut out, d, (lifecycle, heading, ""), style, opts);
    }
    for (change, heading, mark) in [
        (ResourceChangeKind::Added, "RESOURCES ADDED", "+"),
        (ResourceChangeKind::Removed, "RESOURCES REMOVED", "-"),
        (ResourceChangeKind::Changed, "RESOURCES CHANGED", "~"),
    ] {
        resources(&mut out, d, change, heading, mark, opts);
    }
    unknowns(&mut out, d, opts);
    coverage(&mut out, &d.coverage);
    finish(out)
}

fn diff_summary(out: &mut Out, s: &DiffSummary) {
    out.blank();
    out.heading("SUMMARY", Style::Heading);
    let f = &s.findings;
    let findings = [
        count(out, f.new, "new", Style::Fail),
        count(out, f.reopened, "reopened", Style::Fail),
        format!("{} changed", f.changed),
        count(out, f.resolved, "resolved", Style::Pass),
        format!("{} muted", f.muted),
        count(out, f.unknown, "unknown", Style::Error),
    ]
    .join(", ");
    out.row("findings", &findings);
    let r = &s.resources;
    let resources = [
        format!("{} added", r.added),
        format!("{} removed", r.removed),
        format!("{} changed", r.changed),
        count(out, r.unknown, "unknown", Style::Error),
    ]
    .join(", ");
    out.row("resources", &resources);
    let mut risky = count(out, s.risky_changes, "risky", Style::Fail);
    if !s.risks.is_empty() {
        let kinds: Vec<String> = s
            .risks
            .iter()
            .map(|(&k, n)| format!("{} {n}", risk_name(k)))
            .collect();
        risky.push_str(&format!(" ({})", kinds.join(", ")));
    }
    out.row("change lines", &risky);
    let coverage = format!(
        "{}, {} newly read",
        count(
            out,
            s.coverage.no_longer_read,
            if s.coverage.no_longer_read == 1 {
                "part no longer read"
            } else {
                "parts no longer read"
            },
            Style::Error
        ),
        s.coverage.newly_read
    );
    out.row("coverage", &coverage);
}

/// The findings of one lifecycle, most severe first, each with its check, resource and
/// region, then what it was and is.
/// `section` is the lifecycle, the heading and a note after the count.
fn findings(
    out: &mut Out,
    d: &ScanDiff,
    section: (Lifecycle, &str, &str),
    style: Style,
    opts: &ViewOptions,
) {
    let (lifecycle, heading, note) = section;
    let mut list: Vec<&FindingChange> = d
        .findings
        .iter()
        .filter(|f| f.lifecycle == lifecycle)
        .collect();
    if list.is_empty() {
        return;
    }
    list.sort_by(|a, b| {
        (std::cmp::Reverse(a.severity), &a.check_id, &a.resource).cmp(&(
            std::cmp::Reverse(b.severity),
            &b.check_id,
            &b.resource,
        ))
    });
    out.blank();
    out.heading(&format!("{heading} ({}){note}", list.len()), style);
    for f in list {
        finding_head(out, f, opts);
        for line in finding_details(f) {
            out.extend(wrap(&line, out.width, UNDER, UNDER));
        }
    }
}

/// `  HIGH     check_id  sg-0abc [eu-west-1]`.
fn finding_head(out: &mut Out, f: &FindingChange, opts: &ViewOptions) {
    let severity = format!("{:<8}", f.severity.as_str().to_uppercase());
    let first = format!(
        "{ITEM}{} ",
        out.paint(&severity, Style::Severity(f.severity))
    );
    let text = format!(
        "{} {} [{}]",
        out.paint(&safe(&f.check_id), Style::CheckId),
        label(&f.resource, None, opts),
        safe(&f.region)
    );
    out.extend(wrap(&text, out.width, &first, UNDER));
}

/// What a finding was and is, one line each, made safe.
fn finding_details(f: &FindingChange) -> Vec<String> {
    let state = |s: &FindingState| -> String {
        let mut line = format!("{} {}: {}", s.status.as_str(), s.severity, safe(&s.reason));
        if let Some(rule) = &s.muted_by {
            line.push_str(&format!(" (muted by {})", safe(rule)));
        }
        line
    };
    let mut lines = Vec::new();
    match f.lifecycle {
        Lifecycle::New | Lifecycle::Reopened | Lifecycle::Muted | Lifecycle::Unchanged => {
            if let Some(after) = &f.after {
                lines.push(format!("now: {}", state(after)));
            }
        }
        Lifecycle::Changed => {
            if let Some(before) = &f.before {
                lines.push(format!("was: {}", state(before)));
            }
            if let Some(after) = &f.after {
                lines.push(format!("now: {}", state(after)));
            }
        }
        Lifecycle::Resolved => {
            if let Some(before) = &f.before {
                lines.push(format!("was: {}", state(before)));
            }
            lines.push(match &f.after {
                Some(after) => format!("now: {}", state(after)),
                None => "now: the resource is gone (read, and not found)".to_owned(),
            });
        }
        Lifecycle::Unknown => {
            if let Some(before) = &f.before {
                lines.push(format!("was: {}", state(before)));
            }
            let why = f.unknown_reason.as_deref().unwrap_or("not said");
            lines.push(format!("unknown: {}", safe(why)));
        }
    }
    let mut seen = Vec::new();
    if let Some(t) = f.first_seen {
        seen.push(format!("first seen {}", minute(t)));
    }
    if let (Some(t), Lifecycle::Resolved | Lifecycle::Unknown) = (f.last_seen, f.lifecycle) {
        seen.push(format!("last seen failing {}", minute(t)));
    }
    if let Some(secs) = f.time_to_fix_secs {
        seen.push(format!("fixed in {}", time_span(secs)));
    }
    if !seen.is_empty() {
        lines.push(seen.join(", "));
    }
    lines
}

/// A change line's text, made safe: risky ones tagged with their kind, unread ones
/// marked as unknowns.
fn line_text(out: &Out, line: &ChangeLine) -> String {
    let mut text = safe(&line.text);
    if line.unread {
        text.push_str(" (unknown: not read in one of the scans)");
    } else if let Some(risk) = line.risk {
        let tag = format!("[RISK: {}]", risk_name(risk));
        text.push(' ');
        text.push_str(&out.paint_words(&tag, Style::Fail));
    }
    text
}

/// `~ sg-0abc (web) ingress + ...`: the mark (`?` for an unread line), the label and
/// the line.
fn change_text(out: &Out, mark: &str, label: &str, line: Option<&ChangeLine>) -> String {
    match line {
        None => format!("{mark} {label}"),
        Some(line) => {
            let mark = if line.unread { "?" } else { mark };
            format!("{mark} {}", change_line(label, &line_text(out, line)))
        }
    }
}

fn resource_lines(out: &mut Out, r: &ResourceChange, mark: &str, opts: &ViewOptions) {
    let mut label = label(&r.key, r.name.as_deref(), opts);
    if opts.verbose {
        label = format!("{label} [{}, {}]", safe(&r.kind), safe(&r.region));
    }
    let texts: Vec<String> = if r.lines.is_empty() {
        vec![change_text(out, mark, &label, None)]
    } else {
        r.lines
            .iter()
            .map(|l| change_text(out, mark, &label, Some(l)))
            .collect()
    };
    for text in texts {
        out.extend(wrap(&text, out.width, ITEM, "      "));
    }
}

fn resources(
    out: &mut Out,
    d: &ScanDiff,
    change: ResourceChangeKind,
    heading: &str,
    mark: &str,
    opts: &ViewOptions,
) {
    let list: Vec<&ResourceChange> = d.resources.iter().filter(|r| r.change == change).collect();
    if list.is_empty() {
        return;
    }
    out.blank();
    out.heading(&format!("{heading} ({})", list.len()), Style::Heading);
    for r in list {
        resource_lines(out, r, mark, opts);
    }
}

/// Findings and resources the later scan could not tell about, apart from the rest: never
/// resolved, never removed.
fn unknowns(out: &mut Out, d: &ScanDiff, opts: &ViewOptions) {
    let unknown_resources: Vec<&ResourceChange> = d
        .resources
        .iter()
        .filter(|r| r.change == ResourceChangeKind::Unknown)
        .collect();
    let section = (
        Lifecycle::Unknown,
        "UNKNOWN FINDINGS",
        ": the later scan could not tell, so not resolved",
    );
    findings(out, d, section, Style::Error, opts);
    if unknown_resources.is_empty() {
        return;
    }
    out.blank();
    let heading = format!(
        "UNKNOWN RESOURCES ({}): not read in the later scan, so not removed",
        unknown_resources.len()
    );
    out.heading(&heading, Style::Error);
    for r in unknown_resources {
        resource_lines(out, r, "?", opts);
        if let Some(why) = unread_reason(d, r) {
            out.extend(wrap(
                &format!("not read: {}", safe(why)),
                out.width,
                "      ",
                "      ",
            ));
        }
    }
}

fn coverage(out: &mut Out, coverage: &[CoverageChange]) {
    let lost: Vec<&CoverageChange> = coverage
        .iter()
        .filter(|c| c.before_read && !c.after_read)
        .collect();
    let gained: Vec<&CoverageChange> = coverage
        .iter()
        .filter(|c| !c.before_read && c.after_read)
        .collect();
    if lost.is_empty() && gained.is_empty() {
        return;
    }
    out.blank();
    out.heading("COVERAGE", Style::Heading);
    for (list, what, note, mark) in [
        (
            &lost,
            "no longer read",
            ": what is there is unknown, not resolved or removed",
            "-",
        ),
        (&gained, "newly read", "", "+"),
    ] {
        if list.is_empty() {
            continue;
        }
        out.extend(wrap(
            &format!("{what} ({}){note}", list.len()),
            out.width,
            ITEM,
            "    ",
        ));
        for c in list {
            let mut line = format!("{mark} {} {}", safe(&c.region), safe(&c.section));
            if let Some(why) = &c.reason {
                line.push_str(&format!(": {}", safe(why)));
            }
            out.extend(wrap(&line, out.width, "    ", "      "));
        }
    }
}

pub(super) fn show(h: &ResourceHistory, at: Option<DateTime<Utc>>, opts: &ViewOptions) -> String {
    let mut out = lines(opts);
    let title = format!(
        "RESOURCE {} ({}, {}) in account {}",
        label(&h.key, h.name.as_deref(), &ViewOptions::default()),
        safe(&h.kind),
        safe(&h.region),
        safe(&h.account_id)
    );
    out.heading(&title, Style::Heading);
    out.extend(wrap(&safe(&h.key), out.width, ITEM, ITEM));
    out.blank();
    out.heading(
        &format!("REVISIONS ({})", h.revisions.len()),
        Style::Heading,
    );
    for (i, r) in h.revisions.iter().enumerate() {
        let scans = if r.first_scan == r.last_scan {
            format!("scan {}", r.first_scan)
        } else {
            format!("scans {} to {}", r.first_scan, r.last_scan)
        };
        let seen = seen(r);
        out.lines.push(format!(
            "{ITEM}{:>3}  {seen}  ({scans})",
            format!("#{}", i + 1)
        ));
        let mut notes: Vec<String> = Vec::new();
        if !r.present {
            notes.push(out.paint("gone: read, and not found", Style::Error));
        } else if i == 0 {
            notes.push("first seen".to_owned());
        } else if !h.revisions[i - 1].present {
            notes.push("back: read again after it was gone".to_owned());
        } else if r.changes.is_empty() {
            notes.push("content changed".to_owned());
        }
        for line in &r.changes {
            let mark = if line.unread { "?" } else { "~" };
            notes.push(format!("{mark} {}", line_text(&out, line)));
        }
        if opts.verbose {
            if let Some(hash) = &r.hash {
                notes.push(format!("sha256 {}", safe(hash)));
            }
        }
        for note in notes {
            out.extend(wrap(&note, out.width, "         ", "           "));
        }
    }
    if let Some(at) = at {
        out.blank();
        let when = format!("{} UTC", minute(at));
        match h.at.and_then(|i| h.revisions.get(i).map(|r| (i, r))) {
            None => out.extend(wrap(
                &format!(
                    "AT {when}: no revision in force. The resource did not exist then, or \
                     the scan in force then did not read it."
                ),
                out.width,
                "",
                "  ",
            )),
            Some((_, r)) if !r.present => out.extend(wrap(
                &format!(
                    "AT {when}: the resource did not exist (scan {} read it as gone).",
                    r.first_scan
                ),
                out.width,
                "",
                "  ",
            )),
            Some((i, r)) => {
                let line = format!("AT {when}: revision #{}, seen {}", i + 1, seen(r));
                out.heading(&line, Style::Heading);
                body(&mut out, r.body.as_ref());
            }
        }
    } else if opts.verbose {
        if let Some(r) = h.revisions.iter().rev().find(|r| r.present) {
            let gone = h.revisions.last().is_some_and(|last| !last.present);
            let what = if gone {
                "LAST CONTENT, BEFORE IT WAS GONE"
            } else {
                "LATEST CONTENT"
            };
            out.blank();
            out.heading(
                &format!("{what} (seen {})", minute(r.last_seen)),
                Style::Heading,
            );
            body(&mut out, r.body.as_ref());
        }
    }
    finish(out)
}

/// When a revision was seen: `2026-06-01 12:00`, or `2026-06-01 12:00 → 2026-06-03 12:00`.
fn seen(r: &Revision) -> String {
    if r.first_seen == r.last_seen {
        minute(r.first_seen)
    } else {
        format!("{} → {}", minute(r.first_seen), minute(r.last_seen))
    }
}

/// A revision's content as pretty JSON, indented, with control characters that JSON
/// leaves raw (DEL, C1, bidirectional overrides) shown escaped.
fn body(out: &mut Out, body: Option<&serde_json::Value>) {
    let Some(body) = body else {
        out.lines.push(format!("{ITEM}(content not stored)"));
        return;
    };
    let pretty = serde_json::to_string_pretty(body).expect("a JSON value serializes");
    for line in terminal_safe_lines(&pretty).lines() {
        out.lines.push(format!("{ITEM}{line}"));
    }
}
