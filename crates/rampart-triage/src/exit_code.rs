//! The exit-code rule: how many findings make a scan fail.

use rampart_checks::{BaselineState, Finding, Severity, Status};

/// The number of findings that make the scan fail (exit 1 when non-zero): active FAIL
/// findings (no mutelist rule matched them) of severity `fail_on` or higher, and with
/// `only_new`, only those a baseline comparison marked [`BaselineState::New`].
///
/// Muted findings never count, whatever their status; ERROR findings never count (they are
/// gaps in what could be read, reported apart, not failures). With `only_new` and no
/// baseline applied, no finding is marked `New` and none counts: the caller should refuse
/// `--fail-on-new` without `--baseline`.
pub fn exit_failures(findings: &[Finding], fail_on: Severity, only_new: bool) -> usize {
    findings
        .iter()
        .filter(|f| f.is_active_failure())
        .filter(|f| f.severity >= fail_on)
        .filter(|f| !only_new || f.baseline == Some(BaselineState::New))
        .inspect(|f| debug_assert_eq!(f.status, Status::Fail))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::finding;
    use rampart_checks::Muted;

    fn muted() -> Option<Muted> {
        Some(Muted {
            reason: "accepted".into(),
            rule: "1".into(),
            expires: None,
        })
    }

    // Practice: the CI gate counts only what a person must act on; muted findings never
    // count toward the exit code (Prowler's muted findings, cargo-deny's ignore list).
    #[test]
    fn muted_failures_never_count() {
        let mut f = finding("c", Status::Fail, Severity::Critical);
        assert_eq!(
            exit_failures(std::slice::from_ref(&f), Severity::Info, false),
            1
        );
        f.muted = muted();
        assert_eq!(
            exit_failures(std::slice::from_ref(&f), Severity::Info, false),
            0
        );
        f.baseline = Some(BaselineState::New);
        assert_eq!(
            exit_failures(std::slice::from_ref(&f), Severity::Info, true),
            0
        );
    }

    // Practice (README, exit codes): ERROR findings do not change the exit code; PASS
    // never does.
    #[test]
    fn error_and_pass_never_count() {
        let mut e = finding("c", Status::Error, Severity::Critical);
        let mut p = finding("d", Status::Pass, Severity::Critical);
        e.baseline = Some(BaselineState::New);
        p.baseline = Some(BaselineState::New);
        let all = [e, p];
        assert_eq!(exit_failures(&all, Severity::Info, false), 0);
        assert_eq!(exit_failures(&all, Severity::Info, true), 0);
    }

    // `--fail-on high`: high and critical count, medium and below do not; the threshold
    // itself is included.
    #[test]
    fn severity_threshold_is_inclusive() {
        let all: Vec<Finding> = Severity::ALL
            .iter()
            .map(|s| finding(s.as_str(), Status::Fail, *s))
            .collect();
        assert_eq!(exit_failures(&all, Severity::Info, false), 5);
        assert_eq!(exit_failures(&all, Severity::Low, false), 4);
        assert_eq!(exit_failures(&all, Severity::Medium, false), 3);
        assert_eq!(exit_failures(&all, Severity::High, false), 2);
        assert_eq!(exit_failures(&all, Severity::Critical, false), 1);
        assert_eq!(exit_failures(&[], Severity::Info, false), 0);
    }

    // `--fail-on-new`: a failure already in the baseline (Unchanged) or never compared
    // (None) does not fail the build; a New one at or above the threshold does.
    #[test]
    fn only_new_counts_new_failures_at_or_above_threshold() {
        let mut new_high = finding("a", Status::Fail, Severity::High);
        new_high.baseline = Some(BaselineState::New);
        let mut new_low = finding("b", Status::Fail, Severity::Low);
        new_low.baseline = Some(BaselineState::New);
        let mut unchanged = finding("c", Status::Fail, Severity::Critical);
        unchanged.baseline = Some(BaselineState::Unchanged);
        let uncompared = finding("d", Status::Fail, Severity::Critical);
        let all = [new_high, new_low, unchanged, uncompared];
        assert_eq!(exit_failures(&all, Severity::Info, true), 2);
        assert_eq!(exit_failures(&all, Severity::High, true), 1);
        assert_eq!(exit_failures(&all, Severity::Critical, true), 0);
        assert_eq!(exit_failures(&all, Severity::Info, false), 4);
        assert_eq!(exit_failures(&all, Severity::Critical, false), 2);
    }
}
