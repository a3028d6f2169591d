//! CSV: one row per finding, for spreadsheets and ad-hoc scripts, with the check's title,
//! service, CIS ids and fix from the registry beside each finding.

use crate::check_docs;
use crate::org::{AccountEntry, AccountOutcome, OrgHeader, OrgWriter};
use crate::report::ScanReport;
use rampart_checks::Finding;
use std::io::{self, Write};

/// The header row, in column order.
pub const CSV_COLUMNS: [&str; 15] = [
    "id",
    "status",
    "muted",
    "mute_reason",
    "baseline",
    "severity",
    "check_id",
    "check_title",
    "service",
    "account_id",
    "region",
    "resource",
    "reason",
    "cis",
    "fix",
];

/// The report's findings as CSV (RFC 4180, `\n` line ends), a header row then one row per
/// finding in report order. `muted` is `true` or `false`; `baseline` is `new`,
/// `unchanged` or empty; `cis` holds the check's CIS ids separated by `;`. Columns from
/// the registry are empty for a check this build does not know.
///
/// A cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return) is prefixed with `'`, as OWASP's CSV injection advice
/// says: resource names and reasons come from the account scanned, not from rampart.
/// Control characters other than line breaks are shown escaped (`\x1b`), as in the text
/// report.
pub fn render_csv(report: &ScanReport) -> String {
    let mut w = writer(Vec::new());
    // Writing to a Vec cannot fail.
    w.write_record(CSV_COLUMNS).expect("write to memory");
    rows(&mut w, report).expect("write to memory");
    let bytes = w.into_inner().expect("flush to memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

/// A CSV writer with `\n` line ends.
fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// The report's findings as rows, in report order.
fn rows<W: Write>(w: &mut csv::Writer<W>, report: &ScanReport) -> csv::Result<()> {
    for f in &report.findings {
        w.write_record(row(f).iter().map(|cell| defuse(cell)))?;
    }
    Ok(())
}

/// The organization's findings as one CSV: the header row, then every account's rows in
/// account order (each row names its account in `account_id`). An account that could not
/// be read at all is one row with status `ERROR`, no check and the reason, so that it
/// never looks clean; skipped accounts have no rows.
#[derive(Default)]
pub(crate) struct OrgCsv;

impl OrgWriter for OrgCsv {
    fn start(&mut self, _: &OrgHeader, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record(CSV_COLUMNS)?;
        w.flush()
    }

    fn scanned(
        &mut self,
        _: &AccountEntry,
        report: &ScanReport,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut w = writer(out);
        rows(&mut w, report)?;
        w.flush()
    }

    fn unscanned(
        &mut self,
        _: &OrgHeader,
        entry: &AccountEntry,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let AccountOutcome::Error { reason } = &entry.outcome else {
            return Ok(());
        };
        let reason = format!("account could not be read: {reason}");
        let mut cells: [&str; 15] = Default::default();
        cells[1] = "ERROR";
        cells[2] = "false";
        cells[9] = &entry.account_id;
        cells[10] = "global";
        cells[12] = &reason;
        let mut w = writer(out);
        w.write_record(cells.iter().map(|cell| defuse(cell)))?;
        w.flush()
    }
}

fn row(f: &Finding) -> [String; 15] {
    let meta = check_docs::meta(&f.check_id);
    let baseline = f
        .baseline
        .map(|b| {
            serde_json::to_value(b)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    [
        f.id.clone(),
        f.status.as_str().to_owned(),
        f.muted.is_some().to_string(),
        f.muted
            .as_ref()
            .map(|m| m.reason.clone())
            .unwrap_or_default(),
        baseline,
        f.severity.as_str().to_owned(),
        f.check_id.clone(),
        meta.map(|m| m.title.to_owned()).unwrap_or_default(),
        meta.map(|m| m.service.to_owned()).unwrap_or_default(),
        f.account_id.clone(),
        f.region.clone(),
        f.resource.clone(),
        f.reason.clone(),
        meta.map(|m| m.cis.join(";")).unwrap_or_default(),
        meta.map(|m| m.fix.to_owned()).unwrap_or_default(),
    ]
}

/// `cell` with a leading `'` when a spreadsheet would take it for a formula, and its
/// control characters other than line breaks shown escaped, so that a CSV printed on a
/// terminal or in a CI log cannot drive it (issue 9, defect 1).
fn defuse(cell: &str) -> String {
    let safe = rampart_output::terminal_safe_lines(cell);
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{safe}")
    } else {
        safe.into_owned()
    }
}
