//! Markdown: a short summary to post as a pull-request comment. Headline counts, the
//! top failures in a table (new ones first when there is a baseline), the compliance
//! score, and what could not be read. Its size is bounded whatever the number of
//! findings: GitHub rejects comments over 65,536 characters.

use crate::check_docs::{self, truncate};
use crate::org::{AccountEntry, AccountOutcome, OrgHeader, OrgWriter};
use crate::report::{ScanReport, Summary};
use rampart_checks::{BaselineState, Finding, Severity, Status};
use rampart_output::terminal_safe;
use std::fmt::Write;

/// Failures listed in the table at most.
pub const MARKDOWN_MAX_ROWS: usize = 20;
/// Characters kept of a resource, of a reason, and of a warning.
const RESOURCE_MAX: usize = 160;
const REASON_MAX: usize = 240;
const WARNING_MAX: usize = 240;
/// Warnings listed at most.
const WARNINGS_MAX: usize = 5;

/// The report as a Markdown summary for a pull-request comment, ending with a newline.
/// Muted findings are counted apart and never listed as failures.
pub fn render_markdown(report: &ScanReport) -> String {
    markdown_at(report, "###")
}

/// [`render_markdown`] with its heading at the level of `heading` (`###`, or `####` in an
/// organization report).
fn markdown_at(report: &ScanReport, heading: &str) -> String {
    let s = &report.summary;
    let mut md = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        md,
        "{heading} rampart: AWS account {} ({})\n",
        cell(&report.account_id),
        cell(&report.partition)
    );

    let failing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.is_active_failure())
        .collect();
    let _ = writeln!(md, "{}\n", headline(s));

    let has_baseline =
        report.findings.iter().any(|f| f.baseline.is_some()) || !report.resolved.is_empty();
    if has_baseline {
        let count = |state| failing.iter().filter(|f| f.baseline == Some(state)).count();
        let _ = writeln!(
            md,
            "Against the baseline: **{} new**, {} unchanged, {} resolved.\n",
            count(BaselineState::New),
            count(BaselineState::Unchanged),
            report.resolved.len()
        );
    }

    if !failing.is_empty() {
        table(&mut md, failing);
    }

    if let Some(c) = &report.compliance {
        let n = |k: &str| c.counts.get(k).copied().unwrap_or(0);
        let _ = writeln!(
            md,
            "**{}**: score {:.1}% ({} PASS, {} FAIL, {} ERROR, {} MANUAL controls)\n",
            cell(&c.title),
            c.score,
            n("PASS"),
            n("FAIL"),
            n("ERROR"),
            n("MANUAL")
        );
    }

    let gaps = report.collection_errors.len();
    if gaps == 0 {
        md.push_str("Everything was read: no collection gaps.\n");
    } else {
        let _ = writeln!(
            md,
            "Could not be read: **{gaps} failed API call{}** (checks that needed the data \
             report ERROR, never PASS).",
            if gaps == 1 { "" } else { "s" }
        );
    }
    if !report.warnings.is_empty() {
        md.push_str("\nWarnings:\n");
        for w in report.warnings.iter().take(WARNINGS_MAX) {
            let _ = writeln!(md, "- {}", cell(&truncate(w, WARNING_MAX)));
        }
        if report.warnings.len() > WARNINGS_MAX {
            let _ = writeln!(md, "- and {} more", report.warnings.len() - WARNINGS_MAX);
        }
    }
    md
}

/// The organization as Markdown: a headline (accounts scanned, unreadable and skipped;
/// failing findings by severity), a table of the accounts with their failing findings by
/// severity, then each scanned account's own summary ([`render_markdown`]) with its
/// heading one level down. Unlike the single-account summary, its size grows with the
/// number of accounts.
#[derive(Default)]
pub(crate) struct OrgMarkdown;

impl OrgWriter for OrgMarkdown {
    fn start(&mut self, header: &OrgHeader, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(org_summary(header).as_bytes())
    }

    fn scanned(
        &mut self,
        _: &AccountEntry,
        report: &ScanReport,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        writeln!(out)?;
        out.write_all(markdown_at(report, "####").as_bytes())
    }
}

/// The organization's headline and accounts table.
fn org_summary(header: &OrgHeader) -> String {
    let mut md = String::new();
    let what = match &header.organization_id {
        Some(id) => format!("AWS Organization {}", cell(id)),
        None => crate::org::accounts_phrase(header.accounts.len()),
    };
    let _ = writeln!(md, "### rampart: {what}\n");
    let c = header.counts();
    let unreadable = match c.error {
        0 => "0 could not be read".to_owned(),
        n => format!("**{n} could not be read** (every check ERROR)"),
    };
    let mut line = format!(
        "{} accounts: {} scanned · {unreadable} · {} skipped",
        header.accounts.len(),
        c.scanned,
        c.skipped
    );
    if let Some(shards) = header.shards_label() {
        let _ = write!(line, " · {shards}");
    }
    let _ = writeln!(md, "{line}\n");
    let _ = writeln!(md, "{}\n", headline(&header.summary));
    md.push_str(
        "| account | name | status | critical | high | medium | low | info | error | pass |\n\
         |---|---|---|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for a in &header.accounts {
        let numbers = match &a.outcome {
            AccountOutcome::Scanned { summary, .. } => counts_cells(summary),
            _ => " – |".repeat(7),
        };
        let status = match &a.outcome {
            AccountOutcome::Scanned { .. } => "scanned".to_owned(),
            AccountOutcome::Error { reason } => format!("**ERROR**: {}", cell(reason)),
            AccountOutcome::Skipped { reason } => format!("skipped: {}", cell(reason)),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {status} |{numbers}",
            code_cell(&a.account_id),
            cell(&a.name)
        );
    }
    let _ = writeln!(md, "| **total** | | |{}", counts_cells(&header.summary));
    md
}

/// ` 1 | 0 | … |`: failing findings by severity, then ERROR and PASS.
fn counts_cells(s: &Summary) -> String {
    Severity::ALL
        .iter()
        .map(|&sev| s.fail_by_severity.get(sev))
        .chain([s.error, s.pass])
        .map(|n| format!(" {n} |"))
        .collect()
}

/// "**3 failing** (1 critical, 2 high) · 1 could not be evaluated · …".
fn headline(s: &Summary) -> String {
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .filter(|&&sev| s.fail_by_severity.get(sev) > 0)
        .map(|&sev| format!("{} {}", s.fail_by_severity.get(sev), sev.as_str()))
        .collect();
    let mut headline = if s.fail == 0 {
        "**No failing findings**".to_owned()
    } else {
        format!("**{} failing** ({})", s.fail, by_severity.join(", "))
    };
    let _ = write!(
        headline,
        " · {} could not be evaluated · {} muted · {} passed · {} findings in all",
        s.error, s.muted, s.pass, s.total
    );
    headline
}

/// The top failures: new ones first (when there is a baseline), then most severe, then
/// by check and resource.
fn table(md: &mut String, mut failing: Vec<&Finding>) {
    failing.sort_by(|a, b| {
        let new = |f: &Finding| f.baseline != Some(BaselineState::New);
        (
            new(a),
            std::cmp::Reverse(a.severity),
            &a.check_id,
            &a.resource,
        )
            .cmp(&(
                new(b),
                std::cmp::Reverse(b.severity),
                &b.check_id,
                &b.resource,
            ))
    });
    md.push_str("| severity | check | resource | reason |\n|---|---|---|---|\n");
    for f in failing.iter().take(MARKDOWN_MAX_ROWS) {
        debug_assert_eq!(f.status, Status::Fail);
        let severity = match f.baseline {
            Some(BaselineState::New) => format!("{} (new)", f.severity.as_str()),
            _ => f.severity.as_str().to_owned(),
        };
        let check = match check_docs::meta(&f.check_id) {
            Some(meta) => format!("{} {}", code_cell(&f.check_id), cell(meta.title)),
            None => code_cell(&f.check_id),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            severity,
            check,
            code_cell(&truncate(&f.resource, RESOURCE_MAX)),
            cell(&truncate(&f.reason, REASON_MAX)),
        );
    }
    if failing.len() > MARKDOWN_MAX_ROWS {
        let _ = writeln!(
            md,
            "\n{} of {} failing findings shown; the full list is in the JSON report.",
            MARKDOWN_MAX_ROWS,
            failing.len()
        );
    }
    md.push('\n');
}

/// Text as a code span in a table cell: shown as written (GitHub neither formats nor
/// links nor mentions inside code). The fence is one backtick longer than the longest run
/// of backticks inside, so that no run closes the span early (CommonMark), with a space
/// inside each end when the text starts or ends with a backtick or a space (issue 9,
/// defect 6). `|` is escaped, which GFM tables require even in code, line breaks are made
/// spaces and other control characters shown escaped (`\x1b`). A backslash right before a
/// `|` would turn the table's `\|` into an escaped backslash and a live column break, and
/// code cannot escape it: such text is written as an escaped [`cell`] instead.
pub(crate) fn code_cell(text: &str) -> String {
    let flat = text.replace('\r', "").replace('\n', " ");
    let flat = terminal_safe(&flat);
    if flat.contains("\\|") {
        return cell(text);
    }
    let body = flat.replace('|', "\\|");
    let longest_run = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    if longest_run > 0 || body.starts_with(' ') || body.ends_with(' ') {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// Text safe in a table cell and inline: `|` and Markdown's emphasis, code, link and HTML
/// characters escaped, line breaks made spaces, other control characters and
/// bidirectional overrides shown escaped (`\x1b`, issue 9, defect 1), and `@` escaped so
/// that a name from the account (`@ops` in a reason) does not mention anyone in the
/// comment.
pub(crate) fn cell(text: &str) -> String {
    let flat = text.replace('\r', "").replace('\n', " ");
    let flat = terminal_safe(&flat);
    let mut out = String::with_capacity(flat.len());
    for c in flat.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '@' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_newlines() {
        assert_eq!(cell("a|b\nc"), r"a\|b c");
        assert_eq!(cell("iam_root <x>"), r"iam\_root &lt;x&gt;");
        // No mentions from account data in a pull-request comment.
        assert_eq!(cell("@ops"), r"\@ops");
        assert_eq!(code_cell("arn:a|b\nc"), r"`arn:a\|b c`");
        assert_eq!(code_cell("a`b"), "`` a`b ``");
    }
}
