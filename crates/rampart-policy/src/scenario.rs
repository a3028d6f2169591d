//! A test account as data: IAM users, groups, roles, customer managed policies and instance
//! profiles, with the escalation paths the account holds and the principals whose twin
//! permissions are blocked. The same description builds an [`Inventory`] here (for the
//! engine's tests) and, through the SDK, the account on an emulator (for the end-to-end
//! test of `rampart paths`), so both sides judge one account.
//!
//! Every policy document is written with the account id `${ACCOUNT}`, replaced by the
//! account's id when the description is read.
//!
//! To create it on an account (the emulator's is `123456789012`): `CreatePolicy` for each
//! entry of `policies`; `CreateGroup`, `PutGroupPolicy` and `AttachGroupPolicy` for each
//! group; `CreateUser`, `PutUserPolicy`, `AttachUserPolicy`, `AddUserToGroup` and
//! `PutUserPermissionsBoundary` for each user; `CreateRole` (its `trust` as the assume-role
//! policy), `PutRolePolicy`, `AttachRolePolicy`, `PutRolePermissionsBoundary`, and
//! `CreateInstanceProfile` + `AddRoleToInstanceProfile` for `instance_profile`. `rampart
//! paths` over a snapshot of it must then list exactly the principals of `escalates`, each
//! with the methods listed, and none of `blocked` (the test `tests/scenario.rs` checks this
//! over [`Scenario::inventory`]).

use rampart_inventory::{
    Account, AttachedPolicy, Collected, Group, IamData, InlinePolicy, InstanceProfile, Inventory,
    ManagedPolicy, Role, User,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The escalation scenario that ships with the crate (`tests/scenario.json`).
pub const ESCALATION_SCENARIO: &str = include_str!("../tests/scenario.json");

/// Why a scenario could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// Not the JSON of a scenario.
    #[error("scenario: line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A name it uses is not defined in it.
    #[error("scenario: {0}")]
    Undefined(String),
}

/// A test account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What it is for.
    pub description: String,
    /// Customer managed policies, by name.
    pub policies: BTreeMap<String, Value>,
    /// Groups.
    #[serde(default)]
    pub groups: Vec<ScenarioGroup>,
    /// Users.
    pub users: Vec<ScenarioUser>,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<ScenarioRole>,
    /// The paths the engine must find: principal (`user/NAME`, `role/NAME`) → the methods
    /// its shortest path uses, in order.
    pub escalates: BTreeMap<String, Vec<String>>,
    /// The principals whose permissions are the blocked twins of an escalation: no path.
    pub blocked: Vec<String>,
}

/// A group of the scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioGroup {
    /// Name.
    pub name: String,
    /// Inline policies, by name.
    #[serde(default)]
    pub inline: BTreeMap<String, Value>,
    /// Names of the customer managed policies attached.
    #[serde(default)]
    pub attached: Vec<String>,
}

/// A user of the scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioUser {
    /// Name.
    pub name: String,
    /// Groups it belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Inline policies, by name.
    #[serde(default)]
    pub inline: BTreeMap<String, Value>,
    /// Names of the customer managed policies attached.
    #[serde(default)]
    pub attached: Vec<String>,
    /// Name of the customer managed policy set as its permissions boundary.
    #[serde(default)]
    pub boundary: Option<String>,
}

/// A role of the scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRole {
    /// Name.
    pub name: String,
    /// Trust policy.
    pub trust: Value,
    /// Inline policies, by name.
    #[serde(default)]
    pub inline: BTreeMap<String, Value>,
    /// Names of the customer managed policies attached.
    #[serde(default)]
    pub attached: Vec<String>,
    /// Name of the customer managed policy set as its permissions boundary.
    #[serde(default)]
    pub boundary: Option<String>,
    /// Name of an instance profile holding it, if any (same name as the role's profile).
    #[serde(default)]
    pub instance_profile: Option<String>,
}

impl Scenario {
    /// Reads a scenario, with `${ACCOUNT}` replaced by `account`.
    pub fn parse(text: &str, account: &str) -> Result<Scenario, ScenarioError> {
        let text = text.replace("${ACCOUNT}", account);
        let s: Scenario = serde_json::from_str(&text).map_err(|e| ScenarioError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let known = |name: &String| s.policies.contains_key(name);
        for (who, attached, boundary) in s
            .users
            .iter()
            .map(|u| (&u.name, &u.attached, &u.boundary))
            .chain(s.roles.iter().map(|r| (&r.name, &r.attached, &r.boundary)))
            .chain(s.groups.iter().map(|g| (&g.name, &g.attached, &None)))
        {
            if let Some(p) = attached.iter().chain(boundary.iter()).find(|p| !known(p)) {
                return Err(ScenarioError::Undefined(format!(
                    "{who} uses policy {p}, which `policies` does not define"
                )));
            }
        }
        for u in &s.users {
            if let Some(g) = u
                .groups
                .iter()
                .find(|g| !s.groups.iter().any(|x| &x.name == *g))
            {
                return Err(ScenarioError::Undefined(format!(
                    "user {} is in group {g}, which `groups` does not define",
                    u.name
                )));
            }
        }
        Ok(s)
    }

    /// The shipped escalation scenario in account `account`.
    pub fn escalation(account: &str) -> Scenario {
        Scenario::parse(ESCALATION_SCENARIO, account).expect("the shipped scenario is valid")
    }

    /// The snapshot a collector would take of the scenario's account (IAM only; every
    /// other list read and empty where the engine reads it).
    pub fn inventory(
        &self,
        account: &str,
        collected_at: chrono::DateTime<chrono::Utc>,
    ) -> Inventory {
        let arn = |kind: &str, name: &str| format!("arn:aws:iam::{account}:{kind}/{name}");
        let attach = |names: &[String]| -> Vec<AttachedPolicy> {
            names
                .iter()
                .map(|n| AttachedPolicy {
                    name: n.clone(),
                    arn: arn("policy", n),
                })
                .collect()
        };
        let inline = |m: &BTreeMap<String, Value>| -> Vec<InlinePolicy> {
            m.iter()
                .map(|(name, document)| InlinePolicy {
                    name: name.clone(),
                    document: document.clone(),
                })
                .collect()
        };
        let mut count: BTreeMap<&str, i32> = BTreeMap::new();
        for names in self
            .users
            .iter()
            .map(|u| &u.attached)
            .chain(self.roles.iter().map(|r| &r.attached))
            .chain(self.groups.iter().map(|g| &g.attached))
        {
            for n in names {
                *count.entry(n).or_default() += 1;
            }
        }
        let mut inv = Inventory::new(
            Account {
                id: account.into(),
                partition: "aws".into(),
                caller_arn: arn("user", "auditor"),
            },
            collected_at,
        );
        inv.iam = IamData {
            users: Collected::Ok(
                self.users
                    .iter()
                    .map(|u| User {
                        name: u.name.clone(),
                        arn: arn("user", &u.name),
                        id: format!("AIDA{}", u.name.to_ascii_uppercase().replace('-', "")),
                        path: "/".into(),
                        groups: u.groups.clone(),
                        attached_policies: attach(&u.attached),
                        inline_policies: inline(&u.inline),
                        permissions_boundary: u.boundary.as_ref().map(|b| arn("policy", b)),
                        ..Default::default()
                    })
                    .collect(),
            ),
            groups: Collected::Ok(
                self.groups
                    .iter()
                    .map(|g| Group {
                        name: g.name.clone(),
                        arn: arn("group", &g.name),
                        attached_policies: attach(&g.attached),
                        inline_policies: inline(&g.inline),
                    })
                    .collect(),
            ),
            roles: Collected::Ok(
                self.roles
                    .iter()
                    .map(|r| Role {
                        name: r.name.clone(),
                        arn: arn("role", &r.name),
                        path: "/".into(),
                        assume_role_policy: r.trust.clone(),
                        attached_policies: attach(&r.attached),
                        inline_policies: inline(&r.inline),
                        instance_profiles: r.instance_profile.iter().cloned().collect(),
                        permissions_boundary: r.boundary.as_ref().map(|b| arn("policy", b)),
                        ..Default::default()
                    })
                    .collect(),
            ),
            policies: Collected::Ok(
                self.policies
                    .iter()
                    .map(|(name, document)| ManagedPolicy {
                        name: name.clone(),
                        arn: arn("policy", name),
                        aws_managed: false,
                        attachment_count: count.get(name.as_str()).copied().unwrap_or(0),
                        default_version_id: "v1".into(),
                        document: document.clone(),
                    })
                    .collect(),
            ),
            instance_profiles: Collected::Ok(
                self.roles
                    .iter()
                    .filter_map(|r| {
                        let p = r.instance_profile.as_ref()?;
                        Some(InstanceProfile {
                            name: p.clone(),
                            arn: arn("instance-profile", p),
                            roles: vec![r.name.clone()],
                        })
                    })
                    .collect(),
            ),
            ..Default::default()
        };
        inv.s3.buckets = Collected::Ok(vec![]);
        inv.organizations.organization = Collected::Ok(None);
        inv.organizations.applied_policies = Collected::Ok(None);
        inv
    }
}
