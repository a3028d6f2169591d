//! The shape every "resource policy open to everyone" check shares (CIS 2.21): read the
//! policy through [`resource_policy::public_grants`](super::resource_policy::public_grants),
//! PASS when there is none or it grants nothing to everyone, FAIL naming the statements,
//! ERROR when the policy could not be read or parsed.

use super::resource_policy::{public_grants, PublicGrant};
use crate::{Finding, FindingBuilder};
use rampart_inventory::Collected;
use serde_json::Value;

/// What a resource policy grants to everyone, as far as it could be read.
pub(crate) enum PolicyExposure {
    /// The resource has no policy.
    NoPolicy,
    /// The policy grants nothing to everyone.
    Private,
    /// These statements allow everyone.
    Public(Vec<PublicGrant>),
    /// The policy could not be read: the reason, ready for an ERROR finding.
    Unknown(String),
}

/// Read a collected resource policy.
pub(crate) fn exposure(policy: &Collected<Option<Value>>) -> PolicyExposure {
    match policy {
        Collected::Missing(gap) => PolicyExposure::Unknown(format!(
            "could not be evaluated: the policy could not be read: {}",
            gap.describe()
        )),
        Collected::Ok(None) => PolicyExposure::NoPolicy,
        Collected::Ok(Some(doc)) => match public_grants(doc) {
            Ok(grants) if grants.is_empty() => PolicyExposure::Private,
            Ok(grants) => PolicyExposure::Public(grants),
            Err(e) => PolicyExposure::Unknown(format!(
                "could not be evaluated: the policy is not a readable policy document: {e}"
            )),
        },
    }
}

/// `statement 1 ("Open") allows s3:GetObject; statement 3 allows *`.
pub(crate) fn describe_grants(grants: &[PublicGrant]) -> String {
    grants
        .iter()
        .map(|g| format!("{} allows {}", g.statement, g.actions))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The reason of a FAIL: `name` has a policy open to everyone, and which statements.
pub(crate) fn public_reason(name: &str, grants: &[PublicGrant]) -> String {
    format!(
        "{name} has a policy open to everyone (Principal \"*\" without a narrowing \
         condition): {}",
        describe_grants(grants)
    )
}

/// The usual finding: `name` is how the reason names the resource (`topic alerts`).
pub(crate) fn finding(f: FindingBuilder, name: &str, policy: &Collected<Option<Value>>) -> Finding {
    match exposure(policy) {
        PolicyExposure::NoPolicy => f.pass(format!("{name} has no resource policy")),
        PolicyExposure::Private => f.pass(format!(
            "{name} has a policy that grants nothing to everyone (no Principal \"*\" \
             without a narrowing condition)"
        )),
        PolicyExposure::Public(grants) => f.fail(public_reason(name, &grants)),
        PolicyExposure::Unknown(reason) => f.error_reason(format!("{name}: {reason}")),
    }
}
