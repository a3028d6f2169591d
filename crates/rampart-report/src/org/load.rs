//! Reading a JSON report back: an organization report, or a single-account report taken
//! as an organization of one account.

use super::OrgReport;
use crate::report::{ScanReport, FORMAT_VERSION};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Why a JSON report could not be read. Each message is one line that names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    // Not a `source`: the message already says it, and an error chain would say it twice.
    #[error("{}: cannot read: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What reading said.
        error: std::io::Error,
    },
    /// The file is not JSON, or not a rampart report.
    #[error("{}:{line}:{column}: not a rampart JSON report: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// The report was written in a newer format than this build reads.
    #[error(
        "{}: report format version {found} is newer than this rampart reads ({supported}): \
         upgrade rampart",
        path.display()
    )]
    NewerFormat {
        /// The file.
        path: PathBuf,
        /// Its `format_version`.
        found: u32,
        /// The newest this build reads ([`FORMAT_VERSION`]).
        supported: u32,
    },
}

/// What is read first to know which report a file holds.
#[derive(Deserialize)]
struct Probe {
    format_version: u32,
    #[serde(default)]
    kind: Option<String>,
}

impl OrgReport {
    /// The report in the JSON file at `path`: an organization report, or a single-account
    /// report (made an organization of one scanned account, [`OrgReport::from_single`]).
    pub fn load(path: &Path) -> Result<OrgReport, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|error| LoadError::Read {
            path: path.to_owned(),
            error,
        })?;
        OrgReport::parse(path, &text)
    }

    /// [`OrgReport::load`] of text already read; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<OrgReport, LoadError> {
        let parse_error = |e: serde_json::Error| LoadError::Parse {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        };
        let probe: Probe = serde_json::from_str(text).map_err(parse_error)?;
        if probe.format_version > FORMAT_VERSION {
            return Err(LoadError::NewerFormat {
                path: path.to_owned(),
                found: probe.format_version,
                supported: FORMAT_VERSION,
            });
        }
        match probe.kind.as_deref() {
            None => {
                let report: ScanReport = serde_json::from_str(text).map_err(parse_error)?;
                Ok(OrgReport::from_single(report))
            }
            Some("organization") => serde_json::from_str(text).map_err(parse_error),
            Some(other) => Err(LoadError::Parse {
                path: path.to_owned(),
                line: 1,
                column: 1,
                message: format!(
                    "unknown report kind `{}` (expected `organization`, or none for a \
                     single-account report)",
                    rampart_output::terminal_safe(other)
                ),
            }),
        }
    }
}

/// serde_json's message without its " at line L column C" (the error names the place
/// itself).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
