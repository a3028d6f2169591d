//! The account's place in AWS Organizations, its IAM organization features, its contacts
//! (Account Management), read once per account, and Amazon Macie per region.

use crate::sdk::{gap, s};
use crate::{Collector, RegionCtx};
use rampart_inventory::*;

/// Data that exists only inside an organization, for an account outside one.
fn not_in_org<T>(api: &str) -> Collected<T> {
    Collected::Missing(Gap {
        api: api.to_owned(),
        code: "NotInOrganization".into(),
        message: "the account is not a member of an organization".into(),
    })
}

/// Organizations and IAM organization features.
pub(crate) async fn organizations(
    c: &Collector,
    client: &aws_sdk_organizations::Client,
    iam: &aws_sdk_iam::Client,
) -> OrganizationsData {
    const SERVICE: &str = "organizations";
    let organization = c.record_optional(
        SERVICE,
        "global",
        "organizations:DescribeOrganization",
        client.describe_organization().send().await,
        &["AWSOrganizationsNotInUseException"],
        |out| {
            out.organization().map(|o| Organization {
                id: s(o.id()),
                management_account_id: s(o.master_account_id()),
                feature_set: o
                    .feature_set()
                    .map(|f| f.as_str().to_owned())
                    .unwrap_or_default(),
            })
        },
    );
    let in_org = matches!(organization, Collected::Ok(Some(_)));
    let (service_control_policies, delegated_administrators) = if in_org {
        let scps = client
            .list_policies()
            .filter(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
            .into_paginator()
            .send()
            .try_collect()
            .await;
        let scps = c.record(
            SERVICE,
            "global",
            "organizations:ListPolicies",
            scps,
            |pages| {
                pages
                    .iter()
                    .flat_map(|page| page.policies())
                    .map(|p| OrgPolicy {
                        id: s(p.id()),
                        name: s(p.name()),
                        aws_managed: p.aws_managed(),
                    })
                    .collect()
            },
        );
        let admins = client
            .list_delegated_administrators()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        let admins = c.record(
            SERVICE,
            "global",
            "organizations:ListDelegatedAdministrators",
            admins,
            |list| {
                list.iter()
                    .map(|a| DelegatedAdministrator {
                        account_id: s(a.id()),
                        name: s(a.name()),
                    })
                    .collect()
            },
        );
        (scps, admins)
    } else {
        (
            not_in_org("organizations:ListPolicies"),
            not_in_org("organizations:ListDelegatedAdministrators"),
        )
    };
    let features = iam.list_organizations_features().send().await;
    let iam_features = match features {
        Ok(out) => Collected::Ok(
            out.enabled_features()
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect(),
        ),
        Err(e) => {
            let g = gap("iam:ListOrganizationsFeatures", &e);
            // Outside an organization the features cannot exist: that is a fact.
            if g.code == "AWSOrganizationsNotInUseException"
                || g.code == "OrganizationNotFoundException"
            {
                Collected::Ok(Vec::new())
            } else {
                c.missing("iam", "global", g)
            }
        }
    };
    OrganizationsData {
        organization,
        service_control_policies,
        delegated_administrators,
        iam_features,
    }
}

/// Contacts of the account: whether a security contact and contact information exist.
pub(crate) async fn account_settings(
    c: &Collector,
    client: &aws_sdk_account::Client,
) -> AccountSettings {
    const SERVICE: &str = "account";
    let (security, info) = tokio::join!(
        client
            .get_alternate_contact()
            .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Security)
            .send(),
        client.get_contact_information().send(),
    );
    let security_contact = c
        .record_optional(
            SERVICE,
            "global",
            "account:GetAlternateContact",
            security,
            &["ResourceNotFoundException"],
            |out| {
                out.alternate_contact()
                    .map(|a| a.email_address().is_some_and(|e| !e.is_empty()))
            },
        )
        .map(|v| v.unwrap_or(false));
    let contact_information = c
        .record_optional(
            SERVICE,
            "global",
            "account:GetContactInformation",
            info,
            &["ResourceNotFoundException"],
            |out| {
                out.contact_information().map(|ci| {
                    !ci.full_name().is_empty()
                        && !ci.phone_number().is_empty()
                        && !ci.address_line1().is_empty()
                })
            },
        )
        .map(|v| v.unwrap_or(false));
    AccountSettings {
        security_contact,
        contact_information,
    }
}

/// Amazon Macie's status in a region.
pub(crate) async fn macie(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_macie2::Client,
) -> MacieData {
    let res = client.get_macie_session().send().await;
    let status = match res {
        Ok(out) => Collected::Ok(out.status().map(|st| st.as_str().to_owned())),
        Err(e) => {
            let g = gap("macie2:GetMacieSession", &e);
            // Macie answers "Macie is not enabled" with AccessDeniedException: the fact that
            // it is off, told apart from a real denial by its message.
            let off = g.message.to_ascii_lowercase().contains("not enabled")
                || g.code == "ResourceNotFoundException";
            if off {
                Collected::Ok(None)
            } else {
                c.missing("macie2", &r.name, g)
            }
        }
    };
    MacieData { status }
}
