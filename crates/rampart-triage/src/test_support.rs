//! Findings for tests.

use rampart_checks::{Finding, Severity, Status};

/// A finding of check `check_id` on resource `sg-<check_id>` in eu-west-1 of account
/// 111122223333, with its stable id.
pub(crate) fn finding(check_id: &str, status: Status, severity: Severity) -> Finding {
    at(
        check_id,
        "eu-west-1",
        &format!("sg-{check_id}"),
        status,
        severity,
    )
}

/// A finding with every locating field given.
pub(crate) fn at(
    check_id: &str,
    region: &str,
    resource: &str,
    status: Status,
    severity: Severity,
) -> Finding {
    let account_id = "111122223333";
    Finding {
        id: Finding::stable_id(check_id, account_id, region, resource),
        check_id: check_id.to_owned(),
        status,
        severity,
        account_id: account_id.to_owned(),
        region: region.to_owned(),
        resource: resource.to_owned(),
        reason: format!("{resource} is {status}"),
        muted: None,
        baseline: None,
    }
}
