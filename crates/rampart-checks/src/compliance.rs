//! Compliance frameworks: their controls, as data, and which checks answer each one.

use crate::{registry, Check};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// A compliance framework rampart maps its checks to.
#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    /// Id used on the command line (`cis-7.0`).
    pub id: &'static str,
    /// Full name.
    pub title: &'static str,
    /// Controls, in the benchmark's order.
    pub controls: Vec<Control>,
}

/// One control of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// Control id, such as `2.4`.
    pub id: String,
    /// `Automated` or `Manual`, as the benchmark assesses it.
    pub assessment: String,
    /// Profile level, such as `Level 1`.
    pub level: String,
    /// Title.
    pub title: String,
}

impl Control {
    /// The checks that answer this control, in registry order.
    pub fn checks(&self) -> Vec<&'static Check> {
        registry()
            .iter()
            .filter(|c| c.meta.cis.contains(&self.id.as_str()))
            .collect()
    }
}

/// Ids of the frameworks this build knows.
pub const FRAMEWORK_IDS: &[&str] = &["cis-7.0"];

/// CIS AWS Foundations Benchmark v7.0 (70 controls, shipped as data).
pub fn cis_v7() -> &'static Framework {
    static CIS: OnceLock<Framework> = OnceLock::new();
    CIS.get_or_init(|| Framework {
        id: "cis-7.0",
        title: "CIS AWS Foundations Benchmark v7.0",
        controls: serde_json::from_str(include_str!("../data/cis-aws-foundations-7.0.json"))
            .expect("the CIS control list shipped with rampart is valid JSON"),
    })
}

/// The framework with this id (`cis-7.0`; `cis` is accepted for the newest CIS version).
pub fn framework(id: &str) -> Option<&'static Framework> {
    match id.to_ascii_lowercase().as_str() {
        "cis-7.0" | "cis7" | "cis" | "cis-aws-foundations-7.0" => Some(cis_v7()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 3: every control the benchmark marks Automated has at least one check.
    #[test]
    fn every_automated_control_has_a_check() {
        let missing: Vec<&str> = cis_v7()
            .controls
            .iter()
            .filter(|c| c.assessment == "Automated" && c.checks().is_empty())
            .map(|c| c.id.as_str())
            .collect();
        assert!(
            missing.is_empty(),
            "automated controls without a check: {missing:?}"
        );
    }

    // The shipped list is the benchmark's 70 controls, and every CIS id a check names is
    // one of them (a typo in a check's `cis` list would otherwise map it to nothing).
    #[test]
    fn every_cis_id_of_a_check_is_a_control() {
        let cis = cis_v7();
        assert_eq!(cis.controls.len(), 70);
        for check in registry() {
            for id in check.meta.cis {
                assert!(
                    cis.controls.iter().any(|c| c.id == *id),
                    "{} names CIS {id}, which v7.0 does not have",
                    check.meta.id
                );
            }
        }
    }
}
