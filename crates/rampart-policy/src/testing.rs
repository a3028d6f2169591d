//! A small builder of inventories for tests of the policy engine and of what is built on it
//! (escalation paths, checks): an account where every list was read and is empty, which a
//! test fills with users, roles, groups, managed policies, resource policies and
//! organization policies. Public, so that other crates' tests reuse it.

use crate::{Authorizer, Principal, Request, RequestContext};
use rampart_inventory::*;
use serde_json::{json, Value};

/// The account id of fixtures.
pub const ACCOUNT: &str = "111122223333";
/// Another account, for cross-account tests.
pub const OTHER_ACCOUNT: &str = "444455556666";
/// The region of fixtures.
pub const REGION: &str = "us-east-1";

/// A policy document of version 2012-10-17 with these statements.
pub fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A statement allowing `action` on `resource` (each a string or an array).
pub fn allow(action: Value, resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

/// A statement denying `action` on `resource`.
pub fn deny(action: Value, resource: Value) -> Value {
    json!({"Effect": "Deny", "Action": action, "Resource": resource})
}

/// An inline policy.
pub fn inline(name: &str, document: Value) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document,
    }
}

/// A trust policy letting `principal` (a `Principal` element) assume the role.
pub fn trust(principal: Value) -> Value {
    doc(json!([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))
}

/// An IAM ARN of the fixture account (`user/alice` → `arn:aws:iam::111122223333:user/alice`).
pub fn iam_arn(resource: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{resource}")
}

/// A fixture inventory under construction.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The inventory.
    pub inv: Inventory,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    /// An account in no organization, with one region, where every list was read and is
    /// empty.
    pub fn new() -> Self {
        let mut inv = Inventory::new(
            Account {
                id: ACCOUNT.into(),
                partition: "aws".into(),
                caller_arn: iam_arn("user/auditor"),
            },
            chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
                .expect("fixed date")
                .into(),
        );
        inv.iam.users = Collected::Ok(vec![]);
        inv.iam.groups = Collected::Ok(vec![]);
        inv.iam.roles = Collected::Ok(vec![]);
        inv.iam.policies = Collected::Ok(vec![]);
        inv.iam.instance_profiles = Collected::Ok(vec![]);
        inv.s3.buckets = Collected::Ok(vec![]);
        inv.organizations.organization = Collected::Ok(None);
        inv.organizations.applied_policies = Collected::Ok(None);
        let mut region = RegionData::default();
        region.kms.keys = Collected::Ok(vec![]);
        region.lambda.functions = Collected::Ok(vec![]);
        region.sns.topics = Collected::Ok(vec![]);
        inv.regions.scanned = vec![REGION.into()];
        inv.regional.insert(REGION.into(), region);
        Fixture { inv }
    }

    /// Adds a user (`AIDA` + upper-case name as its unique id) and returns it.
    pub fn user(&mut self, name: &str) -> &mut User {
        let users = list(&mut self.inv.iam.users);
        users.push(User {
            name: name.into(),
            arn: iam_arn(&format!("user/{name}")),
            id: format!("AIDA{}", name.to_ascii_uppercase()),
            path: "/".into(),
            ..Default::default()
        });
        users.last_mut().expect("just pushed")
    }

    /// Adds a role with a trust policy and returns it.
    pub fn role(&mut self, name: &str, trust_policy: Value) -> &mut Role {
        let roles = list(&mut self.inv.iam.roles);
        roles.push(Role {
            name: name.into(),
            arn: iam_arn(&format!("role/{name}")),
            path: "/".into(),
            assume_role_policy: trust_policy,
            ..Default::default()
        });
        roles.last_mut().expect("just pushed")
    }

    /// Adds a service-linked role (path `/aws-service-role/SERVICE/`).
    pub fn service_linked_role(&mut self, name: &str, service: &str) -> &mut Role {
        let path = format!("/aws-service-role/{service}/");
        let role = self.role(name, trust(json!({"Service": service})));
        role.arn = format!("arn:aws:iam::{ACCOUNT}:role{path}{name}");
        role.path = path;
        role
    }

    /// Adds a group and returns it.
    pub fn group(&mut self, name: &str) -> &mut Group {
        let groups = list(&mut self.inv.iam.groups);
        groups.push(Group {
            name: name.into(),
            arn: iam_arn(&format!("group/{name}")),
            ..Default::default()
        });
        groups.last_mut().expect("just pushed")
    }

    /// Adds a customer managed policy and returns it as an attachment.
    pub fn managed_policy(&mut self, name: &str, document: Value) -> AttachedPolicy {
        let arn = iam_arn(&format!("policy/{name}"));
        list(&mut self.inv.iam.policies).push(ManagedPolicy {
            name: name.into(),
            arn: arn.clone(),
            aws_managed: false,
            attachment_count: 1,
            default_version_id: "v1".into(),
            document,
        });
        AttachedPolicy {
            name: name.into(),
            arn,
        }
    }

    /// Adds an S3 bucket with this policy; returns its ARN.
    pub fn bucket(&mut self, name: &str, policy: Option<Value>) -> String {
        let arn = format!("arn:aws:s3:::{name}");
        list(&mut self.inv.s3.buckets).push(Bucket {
            name: name.into(),
            arn: arn.clone(),
            policy: Collected::Ok(policy),
            ..Default::default()
        });
        arn
    }

    /// Adds a KMS key with this policy; returns its ARN.
    pub fn kms_key(&mut self, id: &str, policy: Option<Value>) -> String {
        let arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}");
        list(&mut self.region().kms.keys).push(KmsKey {
            id: id.into(),
            arn: arn.clone(),
            manager: "CUSTOMER".into(),
            state: "Enabled".into(),
            spec: "SYMMETRIC_DEFAULT".into(),
            origin: "AWS_KMS".into(),
            policy: Collected::Ok(policy),
            ..Default::default()
        });
        arn
    }

    /// Adds a Lambda function with this resource policy; returns its ARN.
    pub fn function(&mut self, name: &str, policy: Option<Value>) -> String {
        let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}");
        list(&mut self.region().lambda.functions).push(Function {
            name: name.into(),
            arn: arn.clone(),
            policy: Collected::Ok(policy),
            ..Default::default()
        });
        arn
    }

    /// Adds an SNS topic with this policy; returns its ARN.
    pub fn topic(&mut self, name: &str, policy: Option<Value>) -> String {
        let arn = format!("arn:aws:sns:{REGION}:{ACCOUNT}:{name}");
        list(&mut self.region().sns.topics).push(Topic {
            arn: arn.clone(),
            policy: Collected::Ok(policy),
        });
        arn
    }

    /// Puts the account in an organization whose management account is `management`, with
    /// no SCP or RCP level yet (add them with [`Fixture::scp_level`] and
    /// [`Fixture::rcp_level`]).
    pub fn organization(&mut self, management: &str) {
        self.inv.organizations.organization = Collected::Ok(Some(Organization {
            id: "o-a1b2c3d4e5".into(),
            management_account_id: management.into(),
            feature_set: "ALL".into(),
        }));
        self.inv.organizations.applied_policies = Collected::Ok(Some(AppliedOrgPolicies {
            service_control_policies: vec![],
            resource_control_policies: Collected::Ok(vec![]),
        }));
    }

    fn applied(&mut self) -> &mut AppliedOrgPolicies {
        match &mut self.inv.organizations.applied_policies {
            Collected::Ok(Some(a)) => a,
            _ => panic!("call Fixture::organization first"),
        }
    }

    /// Adds an SCP level (`ROOT`, `ORGANIZATIONAL_UNIT` or `ACCOUNT`) with these policies
    /// (name, document).
    pub fn scp_level(&mut self, target_type: &str, policies: Vec<(&str, Value)>) {
        let level = org_level(target_type, policies);
        self.applied().service_control_policies.push(level);
    }

    /// Adds an RCP level with these policies (name, document).
    pub fn rcp_level(&mut self, target_type: &str, policies: Vec<(&str, Value)>) {
        let level = org_level(target_type, policies);
        match &mut self.applied().resource_control_policies {
            Collected::Ok(levels) => levels.push(level),
            Collected::Missing(_) => panic!("RCPs are a gap in this fixture"),
        }
    }

    /// The fixture's region data.
    pub fn region(&mut self) -> &mut RegionData {
        self.inv.regional.entry(REGION.into()).or_default()
    }

    /// The authorizer over the fixture; panics if a policy is malformed.
    pub fn authorizer(&self) -> Authorizer<'_> {
        Authorizer::new(&self.inv).expect("fixture policies parse")
    }
}

fn list<T>(collected: &mut Collected<Vec<T>>) -> &mut Vec<T> {
    if !collected.is_ok() {
        *collected = Collected::Ok(vec![]);
    }
    match collected {
        Collected::Ok(v) => v,
        Collected::Missing(_) => unreachable!("set above"),
    }
}

fn org_level(target_type: &str, policies: Vec<(&str, Value)>) -> OrgPolicyLevel {
    let (id, name) = match target_type {
        "ROOT" => ("r-ab12".to_owned(), "Root".to_owned()),
        "ACCOUNT" => (ACCOUNT.to_owned(), "workload".to_owned()),
        _ => ("ou-ab12-cdef3456".to_owned(), "Workloads".to_owned()),
    };
    OrgPolicyLevel {
        target_id: id,
        target_type: target_type.into(),
        name,
        policies: policies
            .into_iter()
            .enumerate()
            .map(|(i, (name, document))| OrgPolicyDocument {
                id: format!("p-{i:08}"),
                name: name.into(),
                aws_managed: name == "FullAWSAccess" || name == "RCPFullAWSAccess",
                document,
            })
            .collect(),
    }
}

/// The `FullAWSAccess` SCP (and `RCPFullAWSAccess` RCP, which adds `Principal: "*"`).
pub fn full_aws_access() -> Value {
    doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))
}

/// `RCPFullAWSAccess`.
pub fn rcp_full_aws_access() -> Value {
    doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]))
}

impl Authorizer<'_> {
    /// Evaluates `action` on `resource` for the principal `who` (as
    /// [`Authorizer::find_principal`] reads it) in `context`; panics if `who` is unknown.
    /// For tests.
    pub fn check(
        &self,
        who: &str,
        action: &str,
        resource: &str,
        context: &RequestContext,
    ) -> crate::Decision {
        let principal = self
            .find_principal(who)
            .unwrap_or_else(|| panic!("no principal {who}"))
            .clone();
        self.check_as(&principal, action, resource, context)
    }

    /// Evaluates `action` on `resource` for `principal` (which may be of another account).
    /// For tests.
    pub fn check_as(
        &self,
        principal: &Principal,
        action: &str,
        resource: &str,
        context: &RequestContext,
    ) -> crate::Decision {
        self.evaluate(&Request {
            principal,
            action,
            resource,
            context,
        })
    }
}
