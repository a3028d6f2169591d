//! AWS Organizations checks (CIS 2.1): centralized root access, service control policy
//! guardrails, a management account without workloads, and delegated administrators.

use crate::{Check, Context};
use rampart_inventory::{Gap, Organization};

mod centralized_root_access;
mod delegated_administrators;
mod management_account_no_workloads;
mod scp_guardrails;

#[cfg(test)]
pub(crate) mod testing;

/// The Organizations checks.
pub const CHECKS: &[Check] = &[
    centralized_root_access::CHECK,
    delegated_administrators::CHECK,
    management_account_no_workloads::CHECK,
    scp_guardrails::CHECK,
];

/// Where the scanned account stands in AWS Organizations.
pub(crate) enum Standing<'a> {
    /// The account belongs to no organization.
    Alone,
    /// The account is the organization's management account.
    Management(&'a Organization),
    /// The account is a member of the organization.
    Member(&'a Organization),
}

/// Where the scanned account stands, or the gap if the organization could not be read.
pub(crate) fn standing<'a>(ctx: &Context<'a>) -> Result<Standing<'a>, &'a Gap> {
    Ok(match ctx.inventory.organizations.organization.get()? {
        None => Standing::Alone,
        Some(org) if org.management_account_id == ctx.inventory.account.id => {
            Standing::Management(org)
        }
        Some(org) => Standing::Member(org),
    })
}

/// Whether the organization has all features enabled (not consolidated billing only).
fn all_features(org: &Organization) -> bool {
    org.feature_set == "ALL"
}

/// Up to five names joined with `, `, then `and N more`.
fn first_names(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    // Practice: a reason names a few resources, not hundreds.
    #[test]
    fn first_names_caps_at_five() {
        let names: Vec<String> = (1..=7).map(|i| format!("p{i}")).collect();
        assert_eq!(first_names(&names[..2]), "p1, p2");
        assert_eq!(first_names(&names), "p1, p2, p3, p4, p5 and 2 more");
    }
}
