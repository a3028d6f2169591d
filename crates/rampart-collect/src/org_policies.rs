//! The organization policies that apply to one account: its chain of parents from the
//! account up to the root (`ListParents`, `DescribeOrganizationalUnit` for the names), and
//! at every level the service and resource control policies attached there
//! (`ListPoliciesForTarget`) with their documents (`DescribePolicy`, each policy read once).
//! Only the management account or a delegated administrator may read them: a member's own
//! scan records the denial as a gap, and an Organization scan reads them for every member
//! from the management account (`Caller::applied_org_policies`).

use crate::recorder::{pages, request, Recorder};
use crate::sdk::s;
use aws_sdk_organizations::types::{ParentType, PolicyType};
use aws_sdk_organizations::Client;
use rampart_inventory::*;
use std::collections::HashMap;
use tokio::sync::Mutex;

/// Policy documents already read, by policy id: every account of an Organization shares
/// the root's policies, and most share their OU's.
#[derive(Default)]
pub(crate) struct PolicyCache {
    documents: Mutex<HashMap<String, OrgPolicyDocument>>,
}

/// Why the policies of an account could not be read: the first call that failed.
type Failed = Gap;

/// The policies that apply to `account_id`, level by level from the root down.
pub(crate) async fn applied(
    rec: &Recorder<'_>,
    client: &Client,
    account_id: &str,
    cache: &PolicyCache,
) -> Result<AppliedOrgPolicies, Failed> {
    let chain = parents(rec, client, account_id).await?;
    let mut scps = Vec::with_capacity(chain.len());
    for target in &chain {
        scps.push(level(rec, client, target, PolicyType::ServiceControlPolicy, cache).await?);
    }
    let mut rcps = Vec::with_capacity(chain.len());
    let mut rcp_gap = None;
    for target in &chain {
        match level(
            rec,
            client,
            target,
            PolicyType::ResourceControlPolicy,
            cache,
        )
        .await
        {
            Ok(l) => rcps.push(l),
            // RCPs not enabled in the organization: none apply (a fact).
            Err(g) if g.code == "PolicyTypeNotEnabledException" => {
                rec.fact();
                rcps.clear();
                break;
            }
            Err(g) => {
                rec.record(&g);
                rcp_gap = Some(g);
                break;
            }
        }
    }
    Ok(AppliedOrgPolicies {
        service_control_policies: scps,
        resource_control_policies: match rcp_gap {
            Some(g) => Collected::Missing(g),
            None => Collected::Ok(rcps),
        },
    })
}

/// One target of the chain.
struct Target {
    id: String,
    kind: &'static str,
    name: String,
}

/// The account, its OUs and the root, returned root first.
async fn parents(
    rec: &Recorder<'_>,
    client: &Client,
    account_id: &str,
) -> Result<Vec<Target>, Failed> {
    let mut chain = vec![Target {
        id: account_id.to_owned(),
        kind: "ACCOUNT",
        name: account_id.to_owned(),
    }];
    let mut child = account_id.to_owned();
    // An organization is at most five OUs deep; the bound guards against a looping answer.
    for _ in 0..8 {
        let pages = rec
            .try_call(
                "organizations:ListParents",
                pages!(client.list_parents().child_id(&child)),
            )
            .await?;
        let Some(parent) = pages.iter().flat_map(|p| p.parents()).next().cloned() else {
            break;
        };
        let id = s(parent.id());
        let kind = match parent.r#type() {
            Some(ParentType::Root) => "ROOT",
            _ => "ORGANIZATIONAL_UNIT",
        };
        let name = if kind == "ROOT" {
            "Root".to_owned()
        } else {
            rec.try_call(
                "organizations:DescribeOrganizationalUnit",
                request!(client
                    .describe_organizational_unit()
                    .organizational_unit_id(&id)),
            )
            .await?
            .organizational_unit()
            .and_then(|u| u.name())
            .unwrap_or(&id)
            .to_owned()
        };
        chain.push(Target {
            id: id.clone(),
            kind,
            name,
        });
        if kind == "ROOT" {
            break;
        }
        child = id;
    }
    chain.reverse();
    Ok(chain)
}

/// The policies of one type attached to one target, with their documents.
async fn level(
    rec: &Recorder<'_>,
    client: &Client,
    target: &Target,
    kind: PolicyType,
    cache: &PolicyCache,
) -> Result<OrgPolicyLevel, Failed> {
    let pages = rec
        .try_call(
            "organizations:ListPoliciesForTarget",
            pages!(client
                .list_policies_for_target()
                .target_id(&target.id)
                .filter(kind)),
        )
        .await?;
    let mut policies = Vec::new();
    for p in pages.iter().flat_map(|page| page.policies()) {
        let id = s(p.id());
        if let Some(doc) = cache.documents.lock().await.get(&id) {
            policies.push(doc.clone());
            continue;
        }
        let described = rec
            .try_call(
                "organizations:DescribePolicy",
                request!(client.describe_policy().policy_id(&id)),
            )
            .await?;
        let content = described
            .policy()
            .and_then(|p| p.content())
            .unwrap_or_default();
        let doc = OrgPolicyDocument {
            id: id.clone(),
            name: s(p.name()),
            aws_managed: p.aws_managed(),
            // A document that is not JSON is kept as its text: the policy engine reports it
            // as malformed, naming the policy, rather than this collector dropping it.
            document: serde_json::from_str(content)
                .unwrap_or_else(|_| serde_json::Value::String(content.to_owned())),
        };
        cache.documents.lock().await.insert(id.clone(), doc.clone());
        policies.push(doc);
    }
    policies.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(OrgPolicyLevel {
        target_id: target.id.clone(),
        target_type: target.kind.to_owned(),
        name: target.name.clone(),
        policies,
    })
}
