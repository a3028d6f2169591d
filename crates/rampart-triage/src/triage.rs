//! From a scan's findings to its exit code, in one place: mute what the mutelist accepts,
//! compare with the baseline (within what this scan examined), and count the failures that
//! fail the build.

use crate::baseline::Baseline;
use crate::config::FailOn;
use crate::error::TriageError;
use crate::exit_code::exit_failures;
use crate::mutelist::Mutelist;
use chrono::NaiveDate;
use rampart_checks::{Finding, Selection};
use rampart_inventory::Inventory;
use std::collections::BTreeSet;

/// What a scan is triaged with: the inputs the user gave and the exit-code rule.
#[derive(Debug, Clone, Copy)]
pub struct TriageRules<'a> {
    /// Accepted findings to mute.
    pub mutelist: Option<&'a Mutelist>,
    /// An earlier report to compare with.
    pub baseline: Option<&'a Baseline>,
    /// Which failures fail the scan.
    pub fail_on: FailOn,
    /// Only failures new since the baseline fail the scan. Without a baseline nothing is
    /// new and nothing fails: the command line refuses that combination first.
    pub fail_on_new: bool,
}

/// The findings after triage, and what they mean for the exit code.
#[derive(Debug, Clone, PartialEq)]
pub struct Triaged {
    /// Every finding, muted and marked against the baseline.
    pub findings: Vec<Finding>,
    /// Baseline failures that pass or are gone now, within this scan's scope.
    pub resolved: Vec<Finding>,
    /// Warnings about the inputs (expired mutelist rules).
    pub warnings: Vec<String>,
    /// How many findings fail the scan: exit 1 when not zero.
    pub failures: usize,
}

/// Mute, then compare with the baseline, then count the failures.
///
/// Mutelist rules with `tags` match the resources' tags in `inventory`; a rule expired on
/// `today` mutes nothing and gives a warning. The baseline must be a report of the scanned
/// account, else the error names the baseline file; a baseline failure counts as resolved
/// only when this scan examined it: its check is in `selection` and its region was scanned
/// (or is `global`). A scan narrowed with `--region` or `--checks` never resolves what it
/// did not look at.
pub fn triage(
    mut findings: Vec<Finding>,
    inventory: &Inventory,
    selection: &Selection,
    rules: &TriageRules,
    today: NaiveDate,
) -> Result<Triaged, TriageError> {
    let mut warnings = Vec::new();
    if let Some(m) = rules.mutelist {
        let tags = inventory.tags_by_resource();
        warnings.extend(m.apply(&mut findings, |r| tags.get(r).copied(), today));
    }
    let mut resolved = Vec::new();
    if let Some(b) = rules.baseline {
        if b.report().account_id != inventory.account.id {
            return Err(TriageError::BaselineAccount {
                path: b.path().to_owned(),
                baseline: b.report().account_id.clone(),
                scanned: inventory.account.id.clone(),
            });
        }
        let scanned: BTreeSet<&str> = inventory
            .regions
            .scanned
            .iter()
            .map(String::as_str)
            .chain(["global"])
            .collect();
        resolved = b.apply_scoped(&mut findings, |f| {
            rampart_checks::find(&f.check_id).is_some_and(|c| selection.includes(c.meta))
                && scanned.contains(f.region.as_str())
        });
    }
    let failures = match rules.fail_on {
        FailOn::Never => 0,
        FailOn::AtOrAbove(t) => exit_failures(&findings, t, rules.fail_on_new),
    };
    Ok(Triaged {
        findings,
        resolved,
        warnings,
        failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::at;
    use chrono::{TimeZone, Utc};
    use rampart_checks::{BaselineState, Severity, Status};
    use rampart_inventory::Account;
    use rampart_report::ScanReport;
    use std::path::Path;

    const SSH: &str = "ec2_sg_ssh_open_to_world";
    const RDP: &str = "ec2_sg_rdp_open_to_world";

    fn inventory(account: &str, regions: &[&str]) -> Inventory {
        let at = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        let mut inv = Inventory::new(
            Account {
                id: account.into(),
                partition: "aws".into(),
                caller_arn: format!("arn:aws:iam::{account}:user/auditor"),
            },
            at,
        );
        inv.regions.scanned = regions.iter().map(|r| r.to_string()).collect();
        inv
    }

    fn baseline(findings: Vec<Finding>) -> Baseline {
        let inv = inventory("111122223333", &["eu-west-1", "us-east-1"]);
        let report = ScanReport::new(&inv, findings, inv.collected_at, 1);
        let json = serde_json::to_string(&report).unwrap();
        Baseline::parse(&json, Path::new("old.json")).unwrap()
    }

    fn mutelist(text: &str) -> Mutelist {
        Mutelist::parse(text, Path::new("mute.yaml")).unwrap_or_else(|e| panic!("{e}"))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    fn fail(check: &str, region: &str, resource: &str, severity: Severity) -> Finding {
        at(check, region, resource, Status::Fail, severity)
    }

    // Issue 9 (one owner for mute → baseline → exit code): a muted failure never counts
    // even when new; an unchanged failure does not count with fail-on-new; an expired
    // rule warns and mutes nothing.
    #[test]
    fn mute_then_baseline_then_count() {
        let inv = inventory("111122223333", &["eu-west-1"]);
        let findings = vec![
            fail(SSH, "eu-west-1", "sg-muted", Severity::Critical),
            fail(SSH, "eu-west-1", "sg-new", Severity::High),
            fail(SSH, "eu-west-1", "sg-old", Severity::High),
            fail(SSH, "eu-west-1", "sg-expired", Severity::Low),
        ];
        let m = mutelist(
            "version: 1\nrules:\n  - id: ok\n    reason: accepted\n    resources: [sg-muted]\n  \
             - id: gone\n    reason: was accepted\n    expires: 2026-01-01\n    \
             resources: [sg-expired]\n",
        );
        let b = baseline(vec![fail(SSH, "eu-west-1", "sg-old", Severity::High)]);
        let rules = TriageRules {
            mutelist: Some(&m),
            baseline: Some(&b),
            fail_on: FailOn::AtOrAbove(Severity::Info),
            fail_on_new: true,
        };
        let t = triage(
            findings.clone(),
            &inv,
            &Selection::default(),
            &rules,
            today(),
        )
        .unwrap();
        let state = |r: &str| {
            let f = t.findings.iter().find(|f| f.resource == r).unwrap();
            (f.muted.as_ref().map(|m| m.rule.as_str()), f.baseline)
        };
        assert_eq!(state("sg-muted"), (Some("ok"), None));
        assert_eq!(state("sg-new"), (None, Some(BaselineState::New)));
        assert_eq!(state("sg-old"), (None, Some(BaselineState::Unchanged)));
        assert_eq!(state("sg-expired"), (None, Some(BaselineState::New)));
        assert_eq!(t.failures, 2, "sg-new and sg-expired");
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
        assert!(t.warnings[0].contains("rule `gone` expired on 2026-01-01"));
        assert!(t.resolved.is_empty());

        // Without fail-on-new, every unmuted failure at or above the threshold counts.
        let all = TriageRules {
            fail_on_new: false,
            fail_on: FailOn::AtOrAbove(Severity::High),
            ..rules
        };
        let t = triage(findings.clone(), &inv, &Selection::default(), &all, today()).unwrap();
        assert_eq!(
            t.failures, 2,
            "sg-new and sg-old; sg-muted is muted, sg-expired low"
        );
        let never = TriageRules {
            fail_on: FailOn::Never,
            ..all
        };
        let t = triage(findings, &inv, &Selection::default(), &never, today()).unwrap();
        assert_eq!(t.failures, 0);
    }

    // A baseline failure is resolved only when this scan looked at it: a region not
    // scanned or a check not selected is out of scope, never "fixed".
    #[test]
    fn resolved_only_within_the_scans_scope() {
        let b = baseline(vec![
            fail(SSH, "eu-west-1", "sg-fixed", Severity::High),
            fail(SSH, "us-east-1", "sg-unscanned-region", Severity::High),
            fail(RDP, "eu-west-1", "sg-unselected-check", Severity::High),
        ]);
        let inv = inventory("111122223333", &["eu-west-1"]);
        let selection = Selection {
            checks: vec![SSH.into()],
            ..Selection::default()
        };
        let rules = TriageRules {
            mutelist: None,
            baseline: Some(&b),
            fail_on: FailOn::AtOrAbove(Severity::Info),
            fail_on_new: false,
        };
        let t = triage(Vec::new(), &inv, &selection, &rules, today()).unwrap();
        let resolved: Vec<&str> = t.resolved.iter().map(|f| f.resource.as_str()).collect();
        assert_eq!(resolved, ["sg-fixed"]);
        assert_eq!(t.resolved[0].baseline, Some(BaselineState::Resolved));
        assert_eq!(t.failures, 0);
    }

    // A baseline of another account is refused, naming the file and both accounts.
    #[test]
    fn baseline_of_another_account_is_refused() {
        let b = baseline(vec![fail(SSH, "eu-west-1", "sg-1", Severity::High)]);
        let inv = inventory("444455556666", &["eu-west-1"]);
        let rules = TriageRules {
            mutelist: None,
            baseline: Some(&b),
            fail_on: FailOn::AtOrAbove(Severity::Info),
            fail_on_new: true,
        };
        let e = triage(Vec::new(), &inv, &Selection::default(), &rules, today()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "old.json: the baseline is a report of account 111122223333, not of the scanned \
             account 444455556666"
        );
    }
}
