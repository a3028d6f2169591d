//! The account's place in AWS Organizations, its IAM organization features, its contacts
//! (Account Management), read once per account, and Amazon Macie per region.

use crate::recorder::{items, pages, request};
use crate::sdk::s;
use crate::{org_policies, Collector, RegionCtx};
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
    account_id: &str,
) -> OrganizationsData {
    let rec = c.recorder("organizations", "global");
    let organization = rec
        .optional(
            "organizations:DescribeOrganization",
            request!(client.describe_organization()),
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
        )
        .await;
    let in_org = matches!(organization, Collected::Ok(Some(_)));
    let applied_policies = async {
        if !in_org {
            return None;
        }
        let cache = org_policies::PolicyCache::default();
        Some(
            match org_policies::applied(&rec, client, account_id, &cache).await {
                Ok(applied) => Collected::Ok(Some(applied)),
                Err(g) => rec.missing(g),
            },
        )
    };
    let ((service_control_policies, delegated_administrators), applied_policies) = tokio::join!(
        async {
            if in_org {
                let scps = rec.call(
                    "organizations:ListPolicies",
                    pages!(client
                        .list_policies()
                        .filter(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)),
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
                let admins = rec.list(
                    "organizations:ListDelegatedAdministrators",
                    items!(client.list_delegated_administrators()),
                    |a| DelegatedAdministrator {
                        account_id: s(a.id()),
                        name: s(a.name()),
                    },
                );
                tokio::join!(scps, admins)
            } else {
                (
                    not_in_org("organizations:ListPolicies"),
                    not_in_org("organizations:ListDelegatedAdministrators"),
                )
            }
        },
        applied_policies
    );
    // Outside an organization no policy applies; where the organization could not be
    // described, neither could its policies be.
    let applied_policies = applied_policies.unwrap_or_else(|| match &organization {
        Collected::Ok(_) => Collected::Ok(None),
        Collected::Missing(g) => Collected::Missing(g.clone()),
    });
    let iam_rec = rec.service("iam");
    let features = iam_rec
        .try_call(
            "iam:ListOrganizationsFeatures",
            request!(iam.list_organizations_features()),
        )
        .await;
    let iam_features = match features {
        Ok(out) => Collected::Ok(
            out.enabled_features()
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect(),
        ),
        Err(g) => {
            // Outside an organization the features cannot exist: that is a fact.
            if g.code == "AWSOrganizationsNotInUseException"
                || g.code == "OrganizationNotFoundException"
            {
                iam_rec.fact();
                Collected::Ok(Vec::new())
            } else {
                iam_rec.missing(g)
            }
        }
    };
    OrganizationsData {
        organization,
        service_control_policies,
        delegated_administrators,
        iam_features,
        applied_policies,
    }
}

/// Contacts of the account: whether a security contact and contact information exist.
pub(crate) async fn account_settings(
    c: &Collector,
    client: &aws_sdk_account::Client,
) -> AccountSettings {
    let rec = c.recorder("account", "global");
    let security_contact = rec.optional(
        "account:GetAlternateContact",
        request!(client
            .get_alternate_contact()
            .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Security)),
        &["ResourceNotFoundException"],
        |out| {
            out.alternate_contact()
                .map(|a| a.email_address().is_some_and(|e| !e.is_empty()))
        },
    );
    let contact_information = rec.optional(
        "account:GetContactInformation",
        request!(client.get_contact_information()),
        &["ResourceNotFoundException"],
        |out| {
            out.contact_information().map(|ci| {
                !ci.full_name().is_empty()
                    && !ci.phone_number().is_empty()
                    && !ci.address_line1().is_empty()
            })
        },
    );
    let (security_contact, contact_information) =
        tokio::join!(security_contact, contact_information);
    AccountSettings {
        security_contact: security_contact.map(|v| v.unwrap_or(false)),
        contact_information: contact_information.map(|v| v.unwrap_or(false)),
    }
}

/// Amazon Macie's status in a region.
pub(crate) async fn macie(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_macie2::Client,
) -> MacieData {
    let rec = c.recorder("macie2", &r.name);
    let res = rec
        .try_call(
            "macie2:GetMacieSession",
            request!(client.get_macie_session()),
        )
        .await;
    let status = match res {
        Ok(out) => Collected::Ok(out.status().map(|st| st.as_str().to_owned())),
        Err(g) => {
            // Macie answers "Macie is not enabled" with AccessDeniedException: the fact that
            // it is off, told apart from a real denial by its message.
            let off = g.message.to_ascii_lowercase().contains("not enabled")
                || g.code == "ResourceNotFoundException";
            if off {
                rec.fact();
                Collected::Ok(None)
            } else {
                rec.missing(g)
            }
        }
    };
    MacieData { status }
}
