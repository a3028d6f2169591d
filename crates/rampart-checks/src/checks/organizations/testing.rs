//! Builders for Organizations fixtures: the fixture account as the management account or as
//! a member of an organization, its policies and delegated administrators.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;

/// The id of the organization of fixtures.
pub(crate) const ORG_ID: &str = "o-a1b2c3d4e5";

/// Another account of the organization, its management account when the fixture account is
/// a member.
pub(crate) const OTHER_ACCOUNT: &str = "444455556666";

/// Make the fixture account the management account of an organization with `feature_set`.
pub(crate) fn management(fx: &mut Fixture, feature_set: &str) {
    set_organization(fx, ACCOUNT, feature_set);
}

/// Make the fixture account a member of an organization (all features) managed from
/// [`OTHER_ACCOUNT`].
pub(crate) fn member(fx: &mut Fixture) {
    set_organization(fx, OTHER_ACCOUNT, "ALL");
}

fn set_organization(fx: &mut Fixture, management_account_id: &str, feature_set: &str) {
    fx.inv.organizations.organization = Collected::Ok(Some(Organization {
        id: ORG_ID.into(),
        management_account_id: management_account_id.into(),
        feature_set: feature_set.into(),
    }));
}

/// The AWS managed `FullAWSAccess` SCP.
pub(crate) fn full_aws_access() -> OrgPolicy {
    OrgPolicy {
        id: "p-FullAWSAccess".into(),
        name: "FullAWSAccess".into(),
        aws_managed: true,
    }
}

/// A customer-written SCP.
pub(crate) fn scp(id: &str, name: &str) -> OrgPolicy {
    OrgPolicy {
        id: id.into(),
        name: name.into(),
        aws_managed: false,
    }
}

/// A delegated administrator account.
pub(crate) fn delegated(account_id: &str, name: &str) -> DelegatedAdministrator {
    DelegatedAdministrator {
        account_id: account_id.into(),
        name: name.into(),
    }
}
