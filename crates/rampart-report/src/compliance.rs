//! The compliance summary: each control of a framework with the checks that answer it and
//! its status over one scan's findings.

use rampart_checks::compliance::Framework;
use rampart_checks::{Finding, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A control's status over one scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ControlStatus {
    /// Every finding of its checks passes (or is muted), and none could not be read.
    Pass,
    /// At least one unmuted finding of its checks fails.
    Fail,
    /// None fails, but at least one could not be evaluated.
    Error,
    /// No API answers the control: it must be assessed by a person.
    Manual,
}

impl ControlStatus {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Pass => "PASS",
            ControlStatus::Fail => "FAIL",
            ControlStatus::Error => "ERROR",
            ControlStatus::Manual => "MANUAL",
        }
    }
}

/// One control's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlResult {
    /// Control id, such as `2.4`.
    pub id: String,
    /// Control title.
    pub title: String,
    /// `Automated` or `Manual`, as the benchmark assesses it.
    pub assessment: String,
    /// Profile level.
    pub level: String,
    /// The control's status.
    pub status: ControlStatus,
    /// Ids of the checks that answer it (empty for MANUAL controls).
    pub checks: Vec<String>,
    /// Unmuted PASS findings of those checks.
    pub pass: u64,
    /// Unmuted FAIL findings.
    pub fail: u64,
    /// Unmuted ERROR findings.
    pub error: u64,
    /// Muted findings.
    pub muted: u64,
}

/// The compliance summary of one scan against one framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceSummary {
    /// Framework id (`cis-7.0`).
    pub framework: String,
    /// Framework title.
    pub title: String,
    /// Controls in the framework's order.
    pub controls: Vec<ControlResult>,
    /// Controls per status.
    pub counts: BTreeMap<String, u64>,
    /// Passing controls as a percentage of the controls that were evaluated (PASS, FAIL or
    /// ERROR; MANUAL controls are left out, and an ERROR counts against the score).
    pub score: f64,
}

impl ComplianceSummary {
    /// The summary of `findings` against `framework`. `selected` tells whether a check was
    /// run in this scan: a control whose checks were all filtered out is MANUAL for this
    /// scan, and one whose checks ran but examined no resource passes.
    pub fn of(
        framework: &Framework,
        findings: &[Finding],
        selected: impl Fn(&str) -> bool,
    ) -> ComplianceSummary {
        let mut by_check: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
        for f in findings {
            let e = by_check.entry(f.check_id.as_str()).or_default();
            let slot = match (f.muted.is_some(), f.status) {
                (true, _) => 3,
                (false, Status::Pass) => 0,
                (false, Status::Fail) => 1,
                (false, Status::Error) => 2,
            };
            e[slot] += 1;
        }
        let mut controls = Vec::new();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for c in &framework.controls {
            let checks: Vec<String> = c
                .checks()
                .into_iter()
                .map(|k| k.meta.id.to_owned())
                .filter(|id| selected(id))
                .collect();
            let mut n = [0u64; 4];
            for id in &checks {
                if let Some(v) = by_check.get(id.as_str()) {
                    for (a, b) in n.iter_mut().zip(v) {
                        *a += b;
                    }
                }
            }
            let status = if checks.is_empty() {
                ControlStatus::Manual
            } else if n[1] > 0 {
                ControlStatus::Fail
            } else if n[2] > 0 {
                ControlStatus::Error
            } else {
                ControlStatus::Pass
            };
            *counts.entry(status.as_str().to_owned()).or_default() += 1;
            controls.push(ControlResult {
                id: c.id.clone(),
                title: c.title.clone(),
                assessment: c.assessment.clone(),
                level: c.level.clone(),
                status,
                checks,
                pass: n[0],
                fail: n[1],
                error: n[2],
                muted: n[3],
            });
        }
        let get = |s: ControlStatus| counts.get(s.as_str()).copied().unwrap_or(0);
        let evaluated =
            get(ControlStatus::Pass) + get(ControlStatus::Fail) + get(ControlStatus::Error);
        let score = if evaluated == 0 {
            0.0
        } else {
            (get(ControlStatus::Pass) as f64 * 1000.0 / evaluated as f64).round() / 10.0
        };
        ComplianceSummary {
            framework: framework.id.to_owned(),
            title: framework.title.to_owned(),
            controls,
            counts,
            score,
        }
    }
}
