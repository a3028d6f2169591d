//! The report formats: each one's name (as `--format` and `rampart.toml` give it), the file
//! it is written to in an output folder, and its renderer. A format is added here and
//! nowhere else; the list of formats is derived from the enum.

use crate::report::ScanReport;
use crate::text::TextOptions;
use strum::VariantArray;

/// A report format.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum ReportFormat {
    /// Terminal text.
    Text,
    /// rampart's JSON report.
    Json,
    /// OCSF Detection Findings.
    Ocsf,
    /// A standalone HTML page.
    Html,
    /// AWS Security Finding Format (Security Hub).
    Asff,
    /// SARIF 2.1.0.
    Sarif,
    /// CSV, one finding a row.
    Csv,
    /// JUnit XML, one test case a finding.
    Junit,
    /// Markdown.
    Markdown,
}

impl ReportFormat {
    /// Every format, in declaration order.
    pub const ALL: &'static [ReportFormat] = ReportFormat::VARIANTS;

    /// The name on the command line and in the config file: `text`, `json`, `ocsf`,
    /// `html`, `asff`, `sarif`, `csv`, `junit`, `markdown`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The format named `name` (ASCII case-insensitive, surrounding spaces ignored), or an
    /// error that lists the names.
    pub fn parse(name: &str) -> Result<ReportFormat, String> {
        name.trim().parse().map_err(|_| {
            let known: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
            format!("unknown format `{name}` ({})", known.join(", "))
        })
    }

    /// The file the format is written to in an output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            ReportFormat::Text => "rampart-report.txt",
            ReportFormat::Json => "rampart-report.json",
            ReportFormat::Ocsf => "rampart-report.ocsf.json",
            ReportFormat::Html => "rampart-report.html",
            ReportFormat::Asff => "rampart-report.asff.json",
            ReportFormat::Sarif => "rampart-report.sarif",
            ReportFormat::Csv => "rampart-report.csv",
            ReportFormat::Junit => "rampart-report.junit.xml",
            ReportFormat::Markdown => "rampart-report.md",
        }
    }
}

impl std::fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The report in `format`, ending with exactly one newline (issue 9, defect 10: a second
/// one gave CSV an empty last record). `text` says how to render the terminal text; the
/// other formats take no options.
pub fn render(format: ReportFormat, report: &ScanReport, text: &TextOptions) -> String {
    let mut out = match format {
        ReportFormat::Text => crate::render_text(report, text),
        ReportFormat::Json => crate::render_json(report),
        ReportFormat::Ocsf => crate::render_ocsf(report),
        ReportFormat::Html => crate::render_html(report),
        ReportFormat::Asff => crate::render_asff(report),
        ReportFormat::Sarif => crate::render_sarif(report),
        ReportFormat::Csv => crate::render_csv(report),
        ReportFormat::Junit => crate::render_junit(report),
        ReportFormat::Markdown => crate::render_markdown(report),
    };
    let end = out.trim_end_matches(['\n', '\r']).len();
    out.truncate(end);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_parse_back_and_file_names_are_distinct() {
        for &f in ReportFormat::ALL {
            assert_eq!(ReportFormat::parse(f.as_str()), Ok(f));
            assert_eq!(ReportFormat::parse(&f.as_str().to_uppercase()), Ok(f));
        }
        assert_eq!(ReportFormat::parse(" json "), Ok(ReportFormat::Json));
        let e = ReportFormat::parse("pdf").unwrap_err();
        assert!(
            e.starts_with("unknown format `pdf` (text, json, ocsf,"),
            "{e}"
        );
        let files: HashSet<&str> = ReportFormat::ALL.iter().map(|f| f.file_name()).collect();
        assert_eq!(files.len(), ReportFormat::ALL.len());
        assert_eq!(ReportFormat::ALL.len(), 9);
    }
}
