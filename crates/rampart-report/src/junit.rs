//! JUnit XML, for CI systems that show test reports: one test suite per check, one test
//! case per resource it examined. A FAIL is a `<failure>`, an ERROR an `<error>`, a muted
//! finding is `<skipped>` with the mute rule's reason; a PASS is a test case that passed.

use crate::check_docs;
use crate::org::{AccountEntry, AccountOutcome, OrgHeader, OrgWriter};
use crate::report::ScanReport;
use chrono::{DateTime, Utc};
use rampart_checks::{CheckMeta, Finding, Status};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The report as a JUnit XML document (`<testsuites>`), ending with a newline. Suites are
/// in check id order, test cases in report order within a suite. The `time` attributes
/// are the evaluation's wall time for the whole run and 0 for each case: checks are
/// evaluated together, not one by one.
pub fn render_junit(report: &ScanReport) -> String {
    let mut by_check: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_check.entry(&f.check_id).or_default().push(f);
    }
    let total = Counts::of(report.findings.iter());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // Writing to a String cannot fail.
    let _ = writeln!(
        xml,
        "<testsuites name=\"rampart scan of AWS account {}\" tests=\"{}\" failures=\"{}\" \
         errors=\"{}\" skipped=\"{}\" time=\"{:.3}\" timestamp=\"{}\">",
        escape(&report.account_id),
        total.tests,
        total.failures,
        total.errors,
        total.skipped,
        report.evaluation_ms as f64 / 1000.0,
        report.evaluated_at.format("%Y-%m-%dT%H:%M:%SZ"),
    );
    for (check_id, findings) in by_check {
        suite(&mut xml, report, check_id, &findings);
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Test, failure, error and skipped counts.
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of<'a>(findings: impl Iterator<Item = &'a Finding>) -> Counts {
        let mut c = Counts {
            tests: 0,
            failures: 0,
            errors: 0,
            skipped: 0,
        };
        for f in findings {
            c.tests += 1;
            match (&f.muted, f.status) {
                (Some(_), _) => c.skipped += 1,
                (None, Status::Fail) => c.failures += 1,
                (None, Status::Error) => c.errors += 1,
                (None, Status::Pass) => {}
            }
        }
        c
    }
}

fn suite(xml: &mut String, report: &ScanReport, check_id: &str, findings: &[&Finding]) {
    let meta = check_docs::meta(check_id);
    let c = Counts::of(findings.iter().copied());
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" \
         time=\"0\" timestamp=\"{}\">",
        escape(check_id),
        c.tests,
        c.failures,
        c.errors,
        c.skipped,
        report.evaluated_at.format("%Y-%m-%dT%H:%M:%SZ"),
    );
    if let Some(meta) = meta {
        let _ = writeln!(
            xml,
            "    <properties>\n      <property name=\"title\" value=\"{}\"/>\n      \
             <property name=\"service\" value=\"{}\"/>\n    </properties>",
            escape(meta.title),
            escape(meta.service),
        );
    }
    for f in findings {
        testcase(xml, f, meta);
    }
    xml.push_str("  </testsuite>\n");
}

/// One finding as a `<testcase>`, named by its resource, its class the check (`meta` is
/// the check's documentation, when this build knows it).
fn testcase(xml: &mut String, f: &Finding, meta: Option<&CheckMeta>) {
    let _ = write!(
        xml,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"",
        escape(&f.resource),
        escape(&f.check_id),
    );
    let body = match (&f.muted, f.status) {
        (Some(m), _) => Some(format!(
            "<skipped message=\"{}\"/>",
            escape(&format!("muted: {}", m.reason))
        )),
        (None, Status::Fail) => {
            let mut text = format!("[{}] {}", f.region, f.reason);
            if let Some(meta) = meta {
                text.push_str(&format!("\nfix: {}", meta.fix));
            }
            Some(format!(
                "<failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&f.reason),
                f.severity.as_str(),
                escape_content(&text)
            ))
        }
        (None, Status::Error) => Some(format!(
            "<error message=\"{}\" type=\"ERROR\">{}</error>",
            escape(&f.reason),
            escape_content(&format!("[{}] {}", f.region, f.reason))
        )),
        (None, Status::Pass) => None,
    };
    match body {
        Some(body) => {
            let _ = writeln!(xml, ">\n      {body}\n    </testcase>");
        }
        None => xml.push_str("/>\n"),
    }
}

/// The organization as one JUnit document: a `<testsuite>` per account (its findings as
/// test cases, their class the check). An account that could not be read is a suite with
/// one `<error>` case giving the reason, a skipped account a suite with one `<skipped>`
/// case, so that neither looks like a clean run.
#[derive(Default)]
pub(crate) struct OrgJunit;

impl OrgWriter for OrgJunit {
    fn start(&mut self, header: &OrgHeader, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let s = &header.summary;
        let c = header.counts();
        let what = match &header.organization_id {
            Some(id) => format!("AWS Organization {id}"),
            None => crate::org::accounts_phrase(header.accounts.len()),
        };
        let seconds = (header.finished_at - header.started_at)
            .num_milliseconds()
            .max(0);
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rampart scan of {}\" \
             tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\" \
             timestamp=\"{}\">\n",
            escape(&what),
            s.total as usize + c.error + c.skipped,
            s.fail,
            s.error as usize + c.error,
            s.muted as usize + c.skipped,
            seconds as f64 / 1000.0,
            header.started_at.format("%Y-%m-%dT%H:%M:%SZ"),
        )
    }

    fn scanned(
        &mut self,
        entry: &AccountEntry,
        report: &ScanReport,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let mut xml = String::new();
        let counts = Counts::of(report.findings.iter());
        account_suite(&mut xml, entry, counts, report.evaluated_at);
        for f in &report.findings {
            testcase(&mut xml, f, check_docs::meta(&f.check_id));
        }
        xml.push_str("  </testsuite>\n");
        out.write_all(xml.as_bytes())
    }

    fn unscanned(
        &mut self,
        header: &OrgHeader,
        entry: &AccountEntry,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let mut xml = String::new();
        let error = matches!(entry.outcome, AccountOutcome::Error { .. });
        let counts = Counts {
            tests: 1,
            failures: 0,
            errors: usize::from(error),
            skipped: usize::from(!error),
        };
        account_suite(&mut xml, entry, counts, header.started_at);
        let reason = entry.outcome.reason().unwrap_or_default();
        let name = escape(&entry.account_id);
        let outcome = if error {
            format!(
                "<error message=\"{}\" type=\"ERROR\">{}</error>",
                escape(&format!("account could not be read: {reason}")),
                escape_content(reason)
            )
        } else {
            format!(
                "<skipped message=\"{}\"/>",
                escape(&format!("skipped: {reason}"))
            )
        };
        let _ = writeln!(
            xml,
            "    <testcase name=\"account {name}\" classname=\"account\" time=\"0\">\n      \
             {outcome}\n    </testcase>\n  </testsuite>"
        );
        out.write_all(xml.as_bytes())
    }

    fn finish(&mut self, _: &OrgHeader, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(b"</testsuites>\n")
    }
}

/// The opening of an account's `<testsuite>`, with the account's id, name and status as
/// properties.
fn account_suite(xml: &mut String, entry: &AccountEntry, c: Counts, at: DateTime<Utc>) {
    let _ = writeln!(
        xml,
        "  <testsuite name=\"account {0}\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\" \
         skipped=\"{4}\" time=\"0\" timestamp=\"{5}\">\n    <properties>\n      \
         <property name=\"accountId\" value=\"{0}\"/>\n      \
         <property name=\"name\" value=\"{6}\"/>\n      \
         <property name=\"status\" value=\"{7}\"/>\n    </properties>",
        escape(&entry.account_id),
        c.tests,
        c.failures,
        c.errors,
        c.skipped,
        at.format("%Y-%m-%dT%H:%M:%SZ"),
        escape(&entry.name),
        entry.outcome.status(),
    );
}

/// Text escaped for an XML attribute value or element content: the five predefined
/// entities, line breaks and tabs as character references (attribute values would
/// otherwise normalize them to spaces), and characters that XML 1.0 does not allow at
/// all (most C0 controls, U+FFFE, U+FFFF) replaced with U+FFFD.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// [`escape`] for element content, where line breaks and tabs can stay as they are.
fn escape_content(text: &str) -> String {
    escape(text).replace("&#10;", "\n").replace("&#9;", "\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(
            escape(r#"a&b<c>"d"'e'"#),
            "a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;"
        );
        assert_eq!(escape("x\ny\u{1}"), "x&#10;y\u{fffd}");
        assert_eq!(escape_content("a\n<b>"), "a\n&lt;b&gt;");
    }
}
