//! The terminal report: failing findings by severity with their fix (new ones marked when
//! the scan was compared with a baseline), findings that could not be evaluated, muted
//! findings with the mute rule's reason, the compliance summary and warnings, then a
//! summary of counts, regions, collection gaps and cost. Written to be read at 80
//! columns, with ANSI colour only when asked for.
//!
//! Every piece of text that comes from data (resource names, ids, reasons, regions,
//! mute reasons, warnings, API error codes) goes through [`terminal_safe`]: a control
//! character or bidirectional override in an AWS name is shown escaped (`\x1b`), never
//! sent to the terminal (issue 9, defect 1). The only escape sequences in the output are
//! the report's own colours.

use crate::check_docs::truncate;
use crate::org::{AccountEntry, AccountOutcome, OrgHeader, OrgWriter};
use crate::report::{ControlStatus, ScanReport};
use crate::wrap::{is_plain_command, wrap, wrap_command, wrap_words};
use rampart_checks::{BaselineState, Finding, Severity, Status};
use rampart_output::terminal_safe;
use std::collections::{BTreeMap, BTreeSet};

/// How to render the terminal report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextOptions {
    /// Colour severities and statuses with ANSI escape sequences.
    pub color: bool,
    /// Wrap lines at this many columns. Words longer than a line (ARNs, JSON arguments)
    /// are never broken, so such a word may overrun it.
    pub width: usize,
    /// List PASS findings too (otherwise they are only counted).
    pub verbose: bool,
    /// Only the unmuted FAIL findings and the summary: no header, no ERROR, muted or PASS
    /// findings, no compliance table and no warnings (they are still counted in the
    /// summary). Wins over `verbose`.
    pub quiet: bool,
}

impl Default for TextOptions {
    /// No colour, 80 columns, PASS findings counted but not listed, not quiet.
    fn default() -> Self {
        TextOptions {
            color: false,
            width: 80,
            verbose: false,
            quiet: false,
        }
    }
}

/// Render the report for a terminal. Every line ends with a newline.
pub fn render_text(report: &ScanReport, options: &TextOptions) -> String {
    let mut out = Out {
        lines: Vec::new(),
        width: options.width,
        color: options.color,
    };
    if options.quiet {
        failures(&mut out, report);
        summary(&mut out, report);
        // Without the header, the report starts with the blank line before FAILED.
        if out.lines.first().is_some_and(String::is_empty) {
            out.lines.remove(0);
        }
    } else {
        header(&mut out, report);
        failures(&mut out, report);
        by_status(&mut out, report, Status::Error);
        muted(&mut out, report);
        if options.verbose {
            by_status(&mut out, report, Status::Pass);
        }
        compliance(&mut out, report);
        warnings(&mut out, report);
        summary(&mut out, report);
    }
    let mut text = out.lines.join("\n");
    text.push('\n');
    text
}

/// The organization's terminal report: a header (the organization, shards, times and
/// how many accounts were scanned, could not be read or were skipped), a table of the
/// accounts with their failing findings by severity, then each scanned account's own
/// report as [`render_text`] writes it, under a rule and a heading that names the account.
pub(crate) struct OrgText {
    options: TextOptions,
}

impl OrgText {
    /// The organization report rendered with `options`.
    pub(crate) fn new(options: TextOptions) -> OrgText {
        OrgText { options }
    }

    fn out(&self) -> Out {
        Out {
            lines: Vec::new(),
            width: self.options.width,
            color: self.options.color,
        }
    }
}

/// Write the lines, each ending with a newline.
fn write_lines(out: &mut dyn std::io::Write, lines: &[String]) -> std::io::Result<()> {
    for line in lines {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

impl OrgWriter for OrgText {
    fn start(&mut self, header: &OrgHeader, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut out = self.out();
        org_header(&mut out, header);
        org_table(&mut out, header);
        write_lines(w, &out.lines)
    }

    fn scanned(
        &mut self,
        entry: &AccountEntry,
        report: &ScanReport,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let mut out = self.out();
        out.blank();
        out.lines.push("=".repeat(out.width.clamp(20, 80)));
        let mut title = format!("ACCOUNT {}", terminal_safe(&entry.account_id));
        if !entry.name.is_empty() {
            title.push_str(&format!(": {}", terminal_safe(&entry.name)));
        }
        out.heading(&title, Style::Heading);
        out.lines.push("=".repeat(out.width.clamp(20, 80)));
        out.blank();
        write_lines(w, &out.lines)?;
        w.write_all(render_text(report, &self.options).as_bytes())
    }
}

fn org_header(out: &mut Out, header: &OrgHeader) {
    let what = match &header.organization_id {
        Some(id) => format!("AWS Organization {}", terminal_safe(id)),
        None => crate::org::accounts_phrase(header.accounts.len()),
    };
    let mut title = format!(
        "{} {} scan of {what}",
        terminal_safe(&header.tool.name),
        terminal_safe(&header.tool.version)
    );
    if let Some(m) = &header.management_account_id {
        title.push_str(&format!(" (management account {})", terminal_safe(m)));
    }
    out.heading(&title, Style::Heading);
    let mut times = format!(
        "started {}, finished {}",
        header.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        header.finished_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    if let Some(shards) = header.shards_label() {
        times.push_str(&format!("; {shards}"));
    }
    out.extend(wrap(&times, out.width, "", ""));
    out.blank();
    let c = header.counts();
    let counts = format!(
        "ACCOUNTS ({}): {} scanned, {}, {} skipped",
        header.accounts.len(),
        c.scanned,
        count(out, c.error as u64, "could not be read", Style::Error),
        c.skipped
    );
    out.extend(wrap(&counts, out.width, "", "  "));
    if c.error > 0 {
        let note = "Accounts that could not be read have every check in ERROR, not PASS.";
        out.heading(note, Style::Error);
    }
}

/// Width of a count column in the accounts table.
const NUM: usize = 6;

/// The account × severity table: each account with its failing findings by severity,
/// ERROR and PASS counts; an account that could not be read or was skipped with its
/// reason under it; the totals last.
fn org_table(out: &mut Out, header: &OrgHeader) {
    let fixed = 2 + 12 + 2 + 8 + 7 * NUM;
    let name_width = out.width.saturating_sub(fixed + 1).max(8);
    let columns = ["CRIT", "HIGH", "MED", "LOW", "INFO", "ERROR", "PASS"]
        .map(|c| format!("{c:>NUM$}"))
        .concat();
    out.blank();
    let head = format!(
        "  {:<12}  {:<name_width$} {:<8}{columns}",
        "ACCOUNT", "NAME", "STATUS"
    );
    out.lines.push(out.paint(&head, Style::Heading));
    let numbers = |out: &Out, s: &crate::report::Summary| -> String {
        let cells: Vec<String> = Severity::ALL
            .iter()
            .map(|&sev| (s.fail_by_severity.get(sev), Style::Severity(sev)))
            .chain([(s.error, Style::Error), (s.pass, Style::Pass)])
            .map(|(n, style)| {
                let cell = format!("{n:>NUM$}");
                if n == 0 || matches!(style, Style::Pass) {
                    cell
                } else {
                    out.paint(&cell, style)
                }
            })
            .collect();
        cells.concat()
    };
    for a in &header.accounts {
        let name = truncate(&terminal_safe(&a.name), name_width);
        let prefix = format!(
            "  {:<12}  {name:<name_width$} ",
            terminal_safe(&a.account_id)
        );
        match &a.outcome {
            AccountOutcome::Scanned { summary, .. } => {
                let row = format!("{prefix}{:<8}{}", "scanned", numbers(out, summary));
                out.lines.push(row);
            }
            AccountOutcome::Error { reason } | AccountOutcome::Skipped { reason } => {
                let (status, style) = match a.outcome {
                    AccountOutcome::Error { .. } => ("ERROR", Style::Error),
                    _ => ("skipped", Style::Muted),
                };
                let dashes = format!("{:>NUM$}", "-").repeat(7);
                let status = out.paint(&format!("{status:<8}"), style);
                out.lines.push(format!("{prefix}{status}{dashes}"));
                let indent = " ".repeat(16);
                out.extend(wrap(&terminal_safe(reason), out.width, &indent, &indent));
            }
        }
    }
    let total = format!(
        "  {:<12}  {:<name_width$} {:<8}{}",
        "TOTAL",
        "",
        "",
        numbers(out, &header.summary)
    );
    out.lines.push(total);
}

/// Indent of a check's heading line.
const CHECK: &str = "  ";
/// Indent under a check: its resources and fix.
const UNDER_CHECK: &str = "    ";
/// Indent of a finding's reason, under its resource.
const UNDER_RESOURCE: &str = "      ";
/// Width of the label column in the summary.
const LABEL: usize = 18;

/// The lines being written.
pub(crate) struct Out {
    /// The lines so far, without their newlines.
    pub(crate) lines: Vec<String>,
    /// Wrap at this many columns.
    pub(crate) width: usize,
    /// Paint with ANSI colours.
    pub(crate) color: bool,
}

/// What a piece of text is, for its colour.
#[derive(Clone, Copy)]
pub(crate) enum Style {
    Heading,
    CheckId,
    Severity(Severity),
    Pass,
    Fail,
    Error,
    Muted,
}

impl Out {
    pub(crate) fn blank(&mut self) {
        self.lines.push(String::new());
    }

    pub(crate) fn extend(&mut self, lines: Vec<String>) {
        self.lines.extend(lines);
    }

    /// `text` in the colour of `style`, or as is without colour.
    pub(crate) fn paint(&self, text: &str, style: Style) -> String {
        if !self.color {
            return text.to_owned();
        }
        let code = match style {
            Style::Heading | Style::CheckId => "1",
            Style::Severity(Severity::Critical) | Style::Fail => "1;31",
            Style::Severity(Severity::High) => "31",
            Style::Severity(Severity::Medium) => "33",
            Style::Severity(Severity::Low) => "36",
            Style::Severity(Severity::Info) => "2",
            Style::Pass => "32",
            Style::Error => "35",
            Style::Muted => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// Each word of `text` painted on its own, so that wrapping between words never
    /// carries a colour onto the next line's indent.
    pub(crate) fn paint_words(&self, text: &str, style: Style) -> String {
        text.split_whitespace()
            .map(|w| self.paint(w, style))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A section heading, painted after wrapping.
    pub(crate) fn heading(&mut self, text: &str, style: Style) {
        let lines = wrap(text, self.width, "", "");
        let painted = lines.iter().map(|l| self.paint(l, style)).collect();
        self.extend(painted);
    }

    /// A summary row: the label in a fixed column, the value wrapped beside it.
    pub(crate) fn row(&mut self, label: &str, value: &str) {
        let first = format!("  {label:<LABEL$}");
        let rest = " ".repeat(2 + LABEL);
        self.extend(wrap(value, self.width, &first, &rest));
    }

    /// A line under a summary row, indented to its value column.
    pub(crate) fn row_detail(&mut self, value: &str) {
        let first = " ".repeat(2 + LABEL);
        let rest = " ".repeat(4 + LABEL);
        self.extend(wrap(value, self.width, &first, &rest));
    }
}

fn header(out: &mut Out, report: &ScanReport) {
    let title = format!(
        "{} {} scan of AWS account {} (partition {})",
        terminal_safe(&report.tool.name),
        terminal_safe(&report.tool.version),
        terminal_safe(&report.account_id),
        terminal_safe(&report.partition)
    );
    out.heading(&title, Style::Heading);
    let times = format!(
        "collected {}, evaluated {}",
        report.collected_at.format("%Y-%m-%d %H:%M:%S UTC"),
        report.evaluated_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    out.extend(wrap(&times, out.width, "", ""));
}

/// FAIL findings, most severe first.
fn failures(out: &mut Out, report: &ScanReport) {
    out.blank();
    let failing = report.summary.fail;
    if failing == 0 {
        out.heading("No failing findings.", Style::Pass);
        return;
    }
    out.heading(&format!("FAILED ({failing})"), Style::Fail);
    for severity in Severity::ALL {
        let findings = sorted(report, |f| f.is_active_failure() && f.severity == severity);
        if findings.is_empty() {
            continue;
        }
        out.blank();
        let heading = format!("{} ({})", severity.as_str().to_uppercase(), findings.len());
        out.heading(&heading, Style::Severity(severity));
        checks(out, &findings, true);
    }
}

/// Unmuted ERROR or PASS findings, by check.
fn by_status(out: &mut Out, report: &ScanReport, status: Status) {
    let findings = sorted(report, |f| f.status == status && f.muted.is_none());
    if findings.is_empty() {
        return;
    }
    out.blank();
    let (heading, style) = match status {
        Status::Error => ("COULD NOT BE EVALUATED", Style::Error),
        Status::Pass => ("PASSED", Style::Pass),
        Status::Fail => ("FAILED", Style::Fail),
    };
    out.heading(&format!("{heading} ({})", findings.len()), style);
    checks(out, &findings, false);
}

/// The findings that `keep` selects, by check id, region and resource.
fn sorted(report: &ScanReport, keep: impl Fn(&Finding) -> bool) -> Vec<&Finding> {
    let mut findings: Vec<&Finding> = report.findings.iter().filter(|f| keep(f)).collect();
    findings.sort_by(|a, b| {
        (&a.check_id, &a.region, &a.resource).cmp(&(&b.check_id, &b.region, &b.resource))
    });
    findings
}

/// Findings (sorted by check id) under one heading per check: the check's title, each
/// resource with its region and reason, and the check's fix when `with_fix`.
fn checks(out: &mut Out, findings: &[&Finding], with_fix: bool) {
    for group in findings.chunk_by(|a, b| a.check_id == b.check_id) {
        out.blank();
        let check_id = terminal_safe(&group[0].check_id);
        // A check missing from this build's registry (a report from another version)
        // is shown by id alone, without title or fix.
        let meta = rampart_checks::find(&group[0].check_id).map(|c| c.meta);
        let heading: Vec<String> = match meta {
            Some(meta) => std::iter::once(out.paint(&format!("{check_id}:"), Style::CheckId))
                .chain(meta.title.split_whitespace().map(str::to_owned))
                .collect(),
            None => vec![out.paint(&check_id, Style::CheckId)],
        };
        let lines = wrap_words(
            heading.iter().map(String::as_str),
            out.width,
            CHECK,
            UNDER_CHECK,
        );
        out.extend(lines);
        for f in group {
            let first = format!("{UNDER_CHECK}- ");
            let resource = terminal_safe(&f.resource);
            out.extend(wrap(&resource, out.width, &first, UNDER_RESOURCE));
            // NEW only means something next to its opposite: it is shown when the scan
            // was compared with a baseline, on failures that were not failing then.
            let new = if f.baseline == Some(BaselineState::New) {
                "NEW "
            } else {
                ""
            };
            let reason = format!(
                "{new}[{}] {}",
                terminal_safe(&f.region),
                terminal_safe(&f.reason)
            );
            out.extend(wrap(&reason, out.width, UNDER_RESOURCE, UNDER_RESOURCE));
            if let Some(m) = &f.muted {
                let mut why = format!(
                    "MUTED: {} (rule {}",
                    terminal_safe(&m.reason),
                    terminal_safe(&m.rule)
                );
                if let Some(expires) = m.expires {
                    why.push_str(&format!(", until {expires}"));
                }
                why.push(')');
                out.extend(wrap(&why, out.width, UNDER_RESOURCE, UNDER_RESOURCE));
            }
        }
        if let (true, Some(meta)) = (with_fix, meta) {
            fix(out, meta.fix);
        }
    }
}

/// The fix. A fix that is one shell command is wrapped with `\` continuations, so that
/// the lines still paste into a shell as one command. A fix that mixes prose and commands
/// is wrapped as words, each command introduced by a colon ("with the key: aws iam ...")
/// starting a line of its own.
fn fix(out: &mut Out, fix: &str) {
    let label = format!("{UNDER_CHECK}fix: ");
    let under = " ".repeat(label.len());
    if is_plain_command(fix) {
        let lines = wrap_command(fix, out.width, &label, &format!("{under}  "));
        out.extend(lines);
        return;
    }
    for (i, part) in command_lines(fix).into_iter().enumerate() {
        let first = if i == 0 { &label } else { &under };
        let lines = wrap_words(part, out.width, first, &under);
        out.extend(lines);
    }
}

/// The words of a fix, cut before every `aws` that follows a word ending with a colon.
fn command_lines(fix: &str) -> Vec<Vec<&str>> {
    let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
    let mut previous = "";
    for word in fix.split_whitespace() {
        let current = parts.last_mut().expect("parts starts with one part");
        if word == "aws" && previous.ends_with(':') && !current.is_empty() {
            parts.push(Vec::new());
        }
        parts.last_mut().expect("parts is not empty").push(word);
        previous = word;
    }
    parts
}

fn summary(out: &mut Out, report: &ScanReport) {
    let s = &report.summary;
    out.blank();
    out.heading("SUMMARY", Style::Heading);
    out.blank();

    let counts = [
        (s.fail, "FAIL", Style::Fail),
        (s.error, "ERROR", Style::Error),
        (s.pass, "PASS", Style::Pass),
        (s.muted, "MUTED", Style::Muted),
    ]
    .map(|(n, name, style)| count(out, n, name, style))
    .join(", ");
    out.row("findings", &format!("{}: {counts}", s.total));

    let by_severity = Severity::ALL
        .map(|sev| {
            count(
                out,
                s.fail_by_severity.get(sev),
                sev.as_str(),
                Style::Severity(sev),
            )
        })
        .join(", ");
    out.row("FAIL by severity", &by_severity);

    let has_baseline =
        report.findings.iter().any(|f| f.baseline.is_some()) || !report.resolved.is_empty();
    if has_baseline {
        let count = |state| {
            report
                .findings
                .iter()
                .filter(|f| f.is_active_failure() && f.baseline == Some(state))
                .count()
        };
        let new = count(BaselineState::New);
        let baseline = format!(
            "{}, {} unchanged, {} resolved",
            self::count(out, new as u64, "new", Style::Fail),
            count(BaselineState::Unchanged),
            report.resolved.len()
        );
        out.row("against baseline", &baseline);
    }

    if let Some(c) = &report.compliance {
        out.row(
            "compliance",
            &format!(
                "{}: score {:.1}% ({})",
                terminal_safe(&c.framework),
                c.score,
                control_counts(c)
            ),
        );
    }
    if !report.warnings.is_empty() {
        out.row("warnings", &report.warnings.len().to_string());
    }

    let scanned = &report.regions_scanned;
    if scanned.is_empty() {
        out.row("regions scanned", "none");
    } else {
        out.row(
            "regions scanned",
            &format!("{}: {}", scanned.len(), safe_join(scanned.iter())),
        );
    }

    let skipped = &report.regions_skipped;
    if skipped.is_empty() {
        out.row("regions skipped", "none");
    } else {
        out.row("regions skipped", &skipped.len().to_string());
        let mut by_reason: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for r in skipped {
            by_reason.entry(&r.reason).or_default().insert(&r.region);
        }
        for (reason, regions) in by_reason {
            out.row_detail(&format!(
                "{}: {}",
                terminal_safe(reason),
                safe_join(regions.iter())
            ));
        }
    }

    gaps(out, report);

    let stats = &report.collection;
    let per_service = stats
        .api_calls
        .iter()
        .map(|(service, n)| format!("{} {n}", terminal_safe(service)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut calls = format!(
        "{} in {}",
        stats.total_api_calls(),
        duration(stats.duration_ms)
    );
    if !per_service.is_empty() {
        calls.push_str(&format!(" ({per_service})"));
    }
    out.row("API calls", &calls);
    out.row("evaluation", &duration(report.evaluation_ms));
}

/// Muted findings, by check: each with the mute rule's reason. They are shown, never
/// hidden, and never counted as failures.
fn muted(out: &mut Out, report: &ScanReport) {
    let findings = sorted(report, |f| f.muted.is_some());
    if findings.is_empty() {
        return;
    }
    out.blank();
    out.heading(&format!("MUTED ({})", findings.len()), Style::Muted);
    checks(out, &findings, false);
}

/// The compliance summary: one line per control (id, status, title cut to the line),
/// then the counts and the score.
fn compliance(out: &mut Out, report: &ScanReport) {
    let Some(c) = &report.compliance else {
        return;
    };
    out.blank();
    out.heading(
        &format!("COMPLIANCE: {}", terminal_safe(&c.title)),
        Style::Heading,
    );
    out.blank();
    let id_width = c
        .controls
        .iter()
        .map(|r| terminal_safe(&r.id).chars().count())
        .max()
        .unwrap_or(0);
    for r in &c.controls {
        let status = format!("{:<6}", r.status.as_str());
        let style = match r.status {
            ControlStatus::Pass => Style::Pass,
            ControlStatus::Fail => Style::Fail,
            ControlStatus::Error => Style::Error,
            ControlStatus::Manual => Style::Muted,
        };
        let prefix = format!("{CHECK}{:<id_width$} ", terminal_safe(&r.id));
        let room = out
            .width
            .saturating_sub(prefix.chars().count() + status.len() + 1)
            .max(10);
        out.lines.push(format!(
            "{prefix}{} {}",
            out.paint(&status, style),
            truncate(&terminal_safe(&r.title), room)
        ));
    }
    out.blank();
    out.extend(wrap(
        &format!("{}; score {:.1}%", control_counts(c), c.score),
        out.width,
        CHECK,
        UNDER_CHECK,
    ));
}

/// "10 PASS, 4 FAIL, 1 ERROR, 3 MANUAL".
fn control_counts(c: &crate::report::ComplianceSummary) -> String {
    [
        ControlStatus::Pass,
        ControlStatus::Fail,
        ControlStatus::Error,
        ControlStatus::Manual,
    ]
    .map(|s| {
        format!(
            "{} {}",
            c.counts.get(s.as_str()).copied().unwrap_or(0),
            s.as_str()
        )
    })
    .join(", ")
}

/// Warnings about the scan's inputs, one wrapped item each.
fn warnings(out: &mut Out, report: &ScanReport) {
    if report.warnings.is_empty() {
        return;
    }
    out.blank();
    out.heading(
        &format!("WARNINGS ({})", report.warnings.len()),
        Style::Heading,
    );
    out.blank();
    for w in &report.warnings {
        let first = format!("{CHECK}- ");
        out.extend(wrap(&terminal_safe(w), out.width, &first, UNDER_CHECK));
    }
}

/// "N name", painted when N is not zero.
pub(crate) fn count(out: &Out, n: u64, name: &str, style: Style) -> String {
    let text = format!("{n} {name}");
    if n == 0 {
        text
    } else {
        out.paint_words(&text, style)
    }
}

/// Items from data, made terminal-safe and joined with commas.
fn safe_join<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|i| terminal_safe(i.as_ref()).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Collection errors, one line per failing call: repeats of one call (same service, API and
/// error code) in several regions are one line that names the regions.
fn gaps(out: &mut Out, report: &ScanReport) {
    let errors = &report.collection_errors;
    if errors.is_empty() {
        out.row("collection gaps", "none");
        return;
    }
    let calls = if errors.len() == 1 { "call" } else { "calls" };
    out.row(
        "collection gaps",
        &format!("{} failed API {calls}", errors.len()),
    );
    let mut groups: BTreeMap<(&str, &str, &str), BTreeSet<&str>> = BTreeMap::new();
    for e in errors {
        groups
            .entry((&e.service, &e.gap.api, &e.gap.code))
            .or_default()
            .insert(&e.region);
    }
    for ((service, api, code), regions) in groups {
        let starts_with_service = api.starts_with(&format!("{service}:"));
        let (code, api, service) = (
            terminal_safe(code),
            terminal_safe(api),
            terminal_safe(service),
        );
        let what = if api.is_empty() {
            format!("{code} for {service}")
        } else if starts_with_service {
            format!("{code} on {api}")
        } else {
            format!("{code} on {api} ({service})")
        };
        let line = match regions.len() {
            1 if regions.contains("global") => format!("{what} (global)"),
            1 => format!("{what} in {}", safe_join(regions.iter())),
            n => format!("{what} in {n} regions: {}", safe_join(regions.iter())),
        };
        out.row_detail(&line);
    }
}

/// Milliseconds as "850 ms", "4.2 s" or "3 min 5 s".
fn duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_after_a_colon_start_a_line() {
        let fix = "Find it: aws ec2 describe --x <X>; remove it: aws ec2 revoke --id <ID>; \
                   or ask (aws iam list) first";
        assert_eq!(
            command_lines(fix),
            [
                vec!["Find", "it:"],
                vec!["aws", "ec2", "describe", "--x", "<X>;", "remove", "it:"],
                vec!["aws", "ec2", "revoke", "--id", "<ID>;", "or", "ask", "(aws", "iam"]
                    .into_iter()
                    .chain(["list)", "first"])
                    .collect(),
            ]
        );
        // A fix that starts with the command is one part.
        assert_eq!(command_lines("aws s3 ls").len(), 1);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(4_230), "4.2 s");
        assert_eq!(duration(185_000), "3 min 5 s");
    }
}
