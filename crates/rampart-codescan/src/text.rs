//! The terminal report: findings most severe first, each with its place, the commit that
//! added it, the live-key verdict and fix; then what was scanned and what went wrong.
//! Everything taken from the data (file names, paths in history, authors, e-mails, the
//! redacted match, error messages naming files) is printed through
//! [`rampart_output::terminal_safe`], so a file named `x\e]0;pwned\a` or holding a newline cannot drive the
//! terminal or forge a line of the report.

use std::fmt::Write as _;

use rampart_output::terminal_safe as safe;

use crate::{Report, Severity};

/// Render the report as text. `color` adds ANSI colours to severities.
pub fn render_text(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let sev = f.severity.as_str().to_uppercase();
        let sev = if color {
            let code = match f.severity {
                Severity::Critical => "1;31",
                Severity::High => "31",
                Severity::Medium => "33",
                Severity::Low => "36",
            };
            format!("\x1b[{code}m{sev:<8}\x1b[0m")
        } else {
            format!("{sev:<8}")
        };
        let _ = writeln!(
            out,
            "{sev}  {}:{}:{}  {} {}  [{}]",
            safe(&f.path),
            f.line,
            f.column,
            safe(&f.detector_name),
            safe(&f.redacted),
            safe(&f.detector_id)
        );
        if let Some(c) = &f.commit {
            let short: String = c.sha.chars().take(12).collect();
            let _ = writeln!(
                out,
                "          commit {} by {} <{}> on {}",
                safe(&short),
                safe(&c.author),
                safe(&c.email),
                safe(&c.date)
            );
        }
        if let Some(k) = &f.aws_key {
            let _ = writeln!(out, "          {}", safe(&k.message));
            let _ = writeln!(out, "          fix: {}", safe(&k.fix));
        }
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    let s = &report.scanned;
    let mut counts: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ]
    .iter()
    .filter_map(|&sev| {
        let n = report.findings.iter().filter(|f| f.severity == sev).count();
        (n > 0).then(|| format!("{n} {sev}"))
    })
    .collect();
    if counts.is_empty() {
        counts.push("none".into());
    }
    let _ = write!(
        out,
        "{} secret(s) found ({}) in {} file(s), {:.1} MB",
        report.findings.len(),
        counts.join(", "),
        s.files,
        s.bytes as f64 / 1e6
    );
    if s.commits > 0 || s.blobs > 0 {
        let _ = write!(
            out,
            "; history: {} commit(s), {} blob(s)",
            s.commits, s.blobs
        );
    }
    out.push('\n');
    let mut notes = Vec::new();
    if s.skipped_binary > 0 {
        notes.push(format!("{} binary file(s)", s.skipped_binary));
    }
    if s.skipped_too_large > 0 {
        notes.push(format!(
            "{} file(s) over the size limit",
            s.skipped_too_large
        ));
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "skipped: {}", notes.join(", "));
    }
    if report.baselined > 0 {
        let _ = writeln!(
            out,
            "{} finding(s) accepted by the baseline",
            report.baselined
        );
    }
    if let Some(account) = &report.aws_account {
        let _ = writeln!(
            out,
            "AWS access key ids checked against account {}",
            safe(account)
        );
    }
    if !report.errors.is_empty() {
        let _ = writeln!(out, "{} error(s):", report.errors.len());
        for e in &report.errors {
            let _ = writeln!(out, "  {}: {}", safe(&e.path), safe(&e.message));
        }
    }
    out
}
