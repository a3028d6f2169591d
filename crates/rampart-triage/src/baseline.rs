//! Comparing a scan with an earlier JSON report (the baseline): which failures are new,
//! which were already there, and which have been fixed since.

use crate::error::TriageError;
use crate::validated::{self, FromScalar};
use rampart_checks::{BaselineState, Finding, Status};
use rampart_report::{ScanReport, FORMAT_VERSION};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// An earlier scan's JSON report, to compare the current findings with.
///
/// Findings are matched by their stable id (same check, account, region and resource).
/// How each state is decided:
///
/// - A current active FAIL (not muted) is [`BaselineState::New`] when the baseline has no
///   FAIL with its id (a baseline PASS, ERROR or no finding at all), else
///   [`BaselineState::Unchanged`]. A baseline FAIL counts whether or not it was muted then:
///   the resource was failing, so it is not new.
/// - Every other current finding (PASS, ERROR, muted) gets no baseline state.
/// - A baseline FAIL comes back as resolved when its id is now PASS, or absent. It is not
///   resolved when its id is now FAIL (muted or not: still failing), or ERROR, or when it is
///   absent and the current scan has an ERROR finding of the same check, account and region
///   on a resource the baseline does not know (how a check reports a list it could not
///   read: the resource may still be there and failing; we could not see, which is not a
///   fix).
#[derive(Debug, Clone)]
pub struct Baseline {
    path: PathBuf,
    report: ScanReport,
}

impl Baseline {
    /// Read a JSON report written by `rampart scan --format json`.
    pub fn load(path: &Path) -> Result<Baseline, TriageError> {
        let text = std::fs::read_to_string(path).map_err(|source| TriageError::Read {
            path: path.to_owned(),
            what: "baseline report",
            source,
        })?;
        Baseline::parse(&text, path)
    }

    /// Parse a JSON report's text; `path` names the file in errors. A file that is not a
    /// rampart JSON report, or one of another `format_version` than this build writes, is
    /// refused with the line and column (and the key, where one is at fault).
    pub fn parse(text: &str, path: &Path) -> Result<Baseline, TriageError> {
        let invalid = |e: &serde_json::Error, message: String| TriageError::Invalid {
            path: path.to_owned(),
            line: e.line().max(1),
            column: e.column().max(1),
            message,
        };
        // The version first, so that another version is refused as such, not as malformed.
        if let Err(e) = serde_json::from_str::<VersionProbe>(text) {
            let message = if e.is_data() && e.to_string().contains("missing field") {
                "not a rampart JSON report (as `rampart scan --format json` writes): \
                 missing field `format_version`"
                    .to_owned()
            } else if e.is_data() {
                strip_position(&e)
            } else {
                format!("not a JSON report: {}", strip_position(&e))
            };
            return Err(invalid(&e, message));
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let report: ScanReport = serde_path_to_error::deserialize(de).map_err(|e| {
            let at = e.path().to_string();
            let inner = e.into_inner();
            let message = format!(
                "not a rampart JSON report: at `{at}`: {}",
                strip_position(&inner)
            );
            invalid(&inner, message)
        })?;
        Ok(Baseline {
            path: path.to_owned(),
            report,
        })
    }

    /// The baseline report.
    pub fn report(&self) -> &ScanReport {
        &self.report
    }

    /// The file the baseline was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Compare `findings` with the baseline: set each one's `baseline` state and return the
    /// baseline failures resolved since, each with `baseline` set to
    /// [`BaselineState::Resolved`], in the baseline's order.
    ///
    /// This assumes the current scan covered what the baseline did (the same account,
    /// checks and regions); a baseline failure that is merely out of the current scan's
    /// scope would otherwise count as resolved. Use [`Baseline::apply_scoped`] when the
    /// scan was narrower.
    pub fn apply(&self, findings: &mut [Finding]) -> Vec<Finding> {
        self.apply_scoped(findings, |_| true)
    }

    /// [`Baseline::apply`], where `in_scope` says whether the current scan examined a
    /// baseline finding's check, account and region at all; a baseline failure out of scope
    /// is never resolved.
    pub fn apply_scoped(
        &self,
        findings: &mut [Finding],
        in_scope: impl Fn(&Finding) -> bool,
    ) -> Vec<Finding> {
        let baseline_fails: HashSet<&str> = self
            .report
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| f.id.as_str())
            .collect();
        for f in findings.iter_mut() {
            f.baseline = if !f.is_active_failure() {
                None
            } else if baseline_fails.contains(f.id.as_str()) {
                Some(BaselineState::Unchanged)
            } else {
                Some(BaselineState::New)
            };
        }
        let current: HashMap<&str, Status> =
            findings.iter().map(|f| (f.id.as_str(), f.status)).collect();
        // An ERROR on a resource the baseline does not know is about more than one resource:
        // checks report a list they could not read as one ERROR on a region-wide resource
        // (`arn:aws:ec2:eu-west-1:111122223333:*`). Such an ERROR hides every resource of
        // its check, account and region. An ERROR on a known resource hides only that one.
        let known: HashSet<&str> = self.report.findings.iter().map(|f| f.id.as_str()).collect();
        let unreadable: HashSet<(&str, &str, &str)> = findings
            .iter()
            .filter(|f| f.status == Status::Error && !known.contains(f.id.as_str()))
            .map(|f| {
                (
                    f.check_id.as_str(),
                    f.account_id.as_str(),
                    f.region.as_str(),
                )
            })
            .collect();
        self.report
            .findings
            .iter()
            .filter(|b| b.status == Status::Fail)
            .filter(|b| match current.get(b.id.as_str()) {
                Some(Status::Pass) => true,
                Some(Status::Fail | Status::Error) => false,
                None => {
                    !unreadable.contains(&(
                        b.check_id.as_str(),
                        b.account_id.as_str(),
                        b.region.as_str(),
                    )) && in_scope(b)
                }
            })
            .map(|b| Finding {
                baseline: Some(BaselineState::Resolved),
                ..b.clone()
            })
            .collect()
    }
}

/// serde_json's message without its trailing ` at line L column C` (the error names the
/// place itself).
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    s.strip_suffix(&suffix).unwrap_or(&s).to_owned()
}

#[derive(Deserialize)]
struct VersionProbe {
    #[serde(deserialize_with = "validated::scalar")]
    #[allow(dead_code)]
    format_version: ReportVersion,
}

struct ReportVersion;

impl FromScalar for ReportVersion {
    const EXPECTING: &'static str = "a report format version";
    fn from_str(s: &str) -> Result<Self, String> {
        Err(format!(
            "`format_version`: expected a number, found \"{s}\""
        ))
    }
    fn from_u64(n: u64) -> Result<Self, String> {
        if n == u64::from(FORMAT_VERSION) {
            Ok(ReportVersion)
        } else {
            Err(format!(
                "`format_version`: report format version {n}, but this rampart compares with \
                 version {FORMAT_VERSION} reports only; scan again to make a new baseline"
            ))
        }
    }
}
