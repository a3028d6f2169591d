//! The streaming renderer of organization reports: one account's report at a time, each
//! written out before the next is read. Each format's writer lives in its module, beside
//! the single-account renderer whose pieces it reuses, as an [`OrgWriter`].

use super::{AccountEntry, AccountOutcome, OrgHeader};
use crate::format::ReportFormat;
use crate::json::OrgArray;
use crate::report::ScanReport;
use crate::text::TextOptions;
use std::io::{self, Write};

/// Why an organization report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OrgRenderError<E> {
    /// The source of the per-account reports failed.
    #[error("{0}")]
    Reports(E),
    /// Writing the output failed.
    #[error("cannot write the report: {0}")]
    Io(#[from] io::Error),
    /// The reports given do not match the header's scanned accounts (missing, extra or
    /// out of order).
    #[error("{0}")]
    Mismatch(String),
}

/// One format's organization report, written piece by piece: [`OrgWriter::start`] once,
/// then for every account of the header in id order [`OrgWriter::scanned`] with its report
/// or [`OrgWriter::unscanned`], then [`OrgWriter::finish`] once. The output ends with one
/// newline.
pub(crate) trait OrgWriter {
    /// What comes before the accounts.
    fn start(&mut self, header: &OrgHeader, out: &mut dyn Write) -> io::Result<()>;

    /// A scanned account, with its report.
    fn scanned(
        &mut self,
        entry: &AccountEntry,
        report: &ScanReport,
        out: &mut dyn Write,
    ) -> io::Result<()>;

    /// An account that could not be read or was skipped: nothing, unless the format lists
    /// such accounts beside the findings.
    fn unscanned(
        &mut self,
        _header: &OrgHeader,
        _entry: &AccountEntry,
        _out: &mut dyn Write,
    ) -> io::Result<()> {
        Ok(())
    }

    /// What comes after the accounts: nothing, unless the format closes what it opened.
    fn finish(&mut self, _header: &OrgHeader, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// Write the organization report of `header` in `format` to `out`, reading the report of
/// each scanned account from `reports`: one at a time, in the header's account order
/// (account id), each written to `out` before the next is asked for, so that memory
/// holds one account's report whatever the number of accounts. `text` says how to render
/// the terminal text. An error of `reports` stops the rendering and is returned as
/// [`OrgRenderError::Reports`]; a report missing, extra or out of order is
/// [`OrgRenderError::Mismatch`].
///
/// ```no_run
/// use rampart_report::{render_org, OrgHeader, ReportFormat, ScanReport, TextOptions};
/// use std::path::PathBuf;
///
/// // Each account's report was stored on disk as soon as it was evaluated.
/// fn write_html(header: &OrgHeader, stored: Vec<PathBuf>) -> Result<(), Box<dyn std::error::Error>> {
///     let mut reports = stored.into_iter().map(|path| -> std::io::Result<ScanReport> {
///         Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
///     });
///     let mut out = std::io::BufWriter::new(std::fs::File::create("org.html")?);
///     render_org(ReportFormat::Html, header, &mut reports, &TextOptions::default(), &mut out)?;
///     Ok(())
/// }
/// ```
pub fn render_org<E>(
    format: ReportFormat,
    header: &OrgHeader,
    reports: &mut dyn Iterator<Item = Result<ScanReport, E>>,
    text: &TextOptions,
    out: &mut dyn Write,
) -> Result<(), OrgRenderError<E>> {
    let mut writer: Box<dyn OrgWriter> = match format {
        ReportFormat::Text => Box::new(crate::text::OrgText::new(text.clone())),
        ReportFormat::Json => Box::new(crate::json::OrgJson::default()),
        ReportFormat::Ocsf => Box::new(OrgArray::new(crate::ocsf::push_events, "")),
        ReportFormat::Html => Box::new(crate::html::OrgHtml),
        ReportFormat::Asff => Box::new(OrgArray::new(crate::asff::push_findings, "")),
        ReportFormat::Sarif => Box::new(crate::sarif::OrgSarif::default()),
        ReportFormat::Csv => Box::new(crate::csv_rows::OrgCsv),
        ReportFormat::Junit => Box::new(crate::junit::OrgJunit),
        ReportFormat::Markdown => Box::new(crate::markdown::OrgMarkdown),
    };
    writer.start(header, out)?;
    for entry in &header.accounts {
        if !matches!(entry.outcome, AccountOutcome::Scanned { .. }) {
            writer.unscanned(header, entry, out)?;
            continue;
        }
        let report = match reports.next() {
            None => {
                return Err(OrgRenderError::Mismatch(format!(
                    "the report of scanned account {} is missing",
                    entry.account_id
                )))
            }
            Some(Err(e)) => return Err(OrgRenderError::Reports(e)),
            Some(Ok(report)) => report,
        };
        if report.account_id != entry.account_id {
            return Err(OrgRenderError::Mismatch(format!(
                "expected the report of account {}, got one of account {}",
                entry.account_id, report.account_id
            )));
        }
        writer.scanned(entry, &report, out)?;
    }
    match reports.next() {
        None => {}
        Some(Err(e)) => return Err(OrgRenderError::Reports(e)),
        Some(Ok(extra)) => {
            return Err(OrgRenderError::Mismatch(format!(
                "a report of account {} that the header does not list as scanned",
                extra.account_id
            )))
        }
    }
    writer.finish(header, out)?;
    out.flush()?;
    Ok(())
}
