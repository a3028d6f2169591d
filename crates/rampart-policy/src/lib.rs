//! rampart's IAM policy evaluation engine: whether a principal of a snapshot may perform an
//! action on a resource, decided from the policies the snapshot holds, as AWS documents its
//! evaluation logic (IAM User Guide, "Policy evaluation logic").
//!
//! Pure: it reads one [`rampart_inventory::Inventory`] and nothing else. [`Authorizer::new`]
//! parses every policy document of the snapshot once; [`Authorizer::evaluate`] decides one
//! [`Request`] in three-valued logic: [`Verdict::Allowed`], [`Verdict::Denied`], or
//! [`Verdict::Conditional`] when the answer depends on something the snapshot does not say
//! (a condition key's value, a policy that was not read), with what it depends on shown.
//!
//! # Scope
//!
//! Covered:
//! - identity policies: inline, managed (default version), and those of the user's groups;
//! - resource policies of S3 buckets, KMS keys, Lambda functions and SNS topics, and role
//!   trust policies (for `sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity`);
//! - permissions boundaries; service control policies and resource control policies, level
//!   by level from the root to the account, when the snapshot holds them (SCPs exempt the
//!   management account and service-linked roles; RCPs likewise);
//! - explicit deny, `NotAction`, `NotResource`, `NotPrincipal`, `*` and `?` wildcards
//!   (actions case-insensitive, ARNs case-sensitive), policy variables that can be resolved;
//! - every condition operator of IAM with `...IfExists`, `ForAllValues:` and `ForAnyValue:`;
//! - same-account and cross-account evaluation.
//!
//! Not covered (the answer says so in its notes where it matters): session policies, VPC
//! endpoint policies, S3 ACLs and access points, resource tags (`aws:ResourceTag/...`) and
//! other request data the snapshot does not hold, the resource policies of services not
//! collected (SQS, Secrets Manager, ECR, ...), and the policies of other accounts. See
//! `docs/policy-engine.md`.

pub mod actions;
mod condition;
mod document;
pub mod escalation;
mod evaluate;
pub mod graph;
pub mod paths;
mod pattern;
mod principal;
pub mod rightsize;
pub mod scenario;
pub mod testing;

pub use document::{
    ConditionClause, DocumentError, Effect, Elements, PolicyDocument, PrincipalElement, Principals,
    Statement,
};
pub use escalation::{method, Mechanism, Method, METHODS};
pub use evaluate::Authorizer;
pub use graph::Graph;
pub use paths::{
    data_access, data_summary, paths_report, paths_to_admin, render_paths, DataAccess, DataReach,
    Escalation, EscalationPath, Hop, PathNode, PathsReport,
};
pub use pattern::{action_matches, arn_matches};
pub use principal::{Principal, PrincipalKind};
pub use rightsize::{rightsize, RightsizeError, Rightsized};

use serde::Serialize;
use std::collections::BTreeMap;

/// One request to decide: who, doing what, to which resource, in which context.
#[derive(Debug, Clone, Serialize)]
pub struct Request<'r> {
    /// Who makes it.
    pub principal: &'r Principal,
    /// The action (`s3:GetObject`), matched case-insensitively; `*` asks for every action.
    /// Other patterns (`iam:Put*`) are not expanded here: expand them with
    /// [`actions::Catalogue::expand`] and ask for each action.
    pub action: &'r str,
    /// The resource's ARN, or `*`: every resource (only statements whose resource element
    /// covers every resource then decide; a `Deny` on some resources is noted).
    pub resource: &'r str,
    /// What is known of the request's condition keys.
    pub context: &'r RequestContext,
}

/// A condition key's value in a [`RequestContext`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextValue {
    /// The key is known to be absent from the request.
    Absent,
    /// The key's values (one for single-valued keys).
    Values(Vec<String>),
}

/// What is known of a request's condition keys (`aws:SourceIp`, `aws:MultiFactorAuthPresent`,
/// ...). A key not set here is unknown, unless the engine derives it from the principal
/// (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalType`,
/// `aws:username`, `aws:userid`, `aws:PrincipalTag/...`); a value set here overrides the
/// derived one. Keys compare case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequestContext {
    keys: BTreeMap<String, ContextValue>,
}

impl RequestContext {
    /// A context where nothing is known.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a key to one value.
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        self.keys.insert(
            key.to_ascii_lowercase(),
            ContextValue::Values(vec![value.into()]),
        );
        self
    }

    /// Sets a multivalued key (`aws:TagKeys`).
    pub fn set_values(&mut self, key: &str, values: Vec<String>) -> &mut Self {
        self.keys
            .insert(key.to_ascii_lowercase(), ContextValue::Values(values));
        self
    }

    /// Records that a key is absent from the request.
    pub fn set_absent(&mut self, key: &str) -> &mut Self {
        self.keys
            .insert(key.to_ascii_lowercase(), ContextValue::Absent);
        self
    }

    /// [`RequestContext::set`], by value.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    /// [`RequestContext::set_absent`], by value.
    pub fn with_absent(mut self, key: &str) -> Self {
        self.set_absent(key);
        self
    }

    /// What is known of `key`; `None` when nothing is.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.keys.get(&key.to_ascii_lowercase())
    }
}

/// The answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Allowed.
    Allowed,
    /// Denied, explicitly or implicitly.
    Denied,
    /// Allowed or denied depending on values the snapshot does not hold: the decision's
    /// `conditions` and `notes` say which.
    Conditional,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Allowed => "allowed",
            Verdict::Denied => "denied",
            Verdict::Conditional => "conditional",
        })
    }
}

/// The evaluation of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Allowed, denied or conditional.
    pub verdict: Verdict,
    /// The statements that decided: the explicit denies of a denial, the allows of an
    /// allowance, the statements a conditional answer hangs on. Empty for an implicit deny.
    pub statements: Vec<DecidingStatement>,
    /// For a conditional answer, the conditions whose value is not known.
    pub conditions: Vec<PendingCondition>,
    /// What else the reader should know: data not collected, implicit denies, exemptions.
    pub notes: Vec<String>,
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.verdict)?;
        if let Some(first) = self.statements.first() {
            let by = if self.verdict == Verdict::Conditional {
                "on"
            } else {
                "by"
            };
            write!(f, " {by} {first}")?;
            if self.statements.len() > 1 {
                write!(f, " and {} more", self.statements.len() - 1)?;
            }
        }
        if !self.conditions.is_empty() {
            let conds: Vec<String> = self.conditions.iter().map(|c| c.to_string()).collect();
            write!(f, ", if {}", conds.join(" and "))?;
        }
        if self.statements.is_empty() {
            if let Some(note) = self.notes.first() {
                write!(f, ": {note}")?;
            }
        }
        Ok(())
    }
}

/// A statement that decided (or would decide) a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecidingStatement {
    /// The policy it belongs to.
    pub policy: PolicyRef,
    /// 0-based index in the policy's `Statement` array.
    pub index: usize,
    /// Its `Sid`.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
}

impl std::fmt::Display for DecidingStatement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} Statement[{}]", self.policy, self.index)?;
        if let Some(sid) = &self.sid {
            write!(f, " ({sid:?})")?;
        }
        write!(f, " ({})", self.effect)
    }
}

/// What kind of policy a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// An inline policy of the user or role.
    Inline,
    /// A managed policy attached to the user or role.
    Managed,
    /// An inline policy of one of the user's groups.
    GroupInline,
    /// A managed policy attached to one of the user's groups.
    GroupManaged,
    /// The permissions boundary.
    Boundary,
    /// A resource policy (S3 bucket, KMS key, Lambda function, SNS topic).
    Resource,
    /// A role's trust policy.
    Trust,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
}

/// Which policy a statement belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRef {
    /// The kind of policy.
    pub kind: PolicyKind,
    /// Its name (inline and managed policies, SCPs, RCPs), or what it is (`S3 bucket
    /// policy`, `trust policy`).
    pub name: String,
    /// The managed policy's ARN, or the ARN of the resource or role the policy is attached
    /// to.
    pub arn: Option<String>,
    /// Through what it applies: the group's name, the SCP/RCP level (`root r-ab12`,
    /// `OU ou-ab12-...`, `account 111122223333`).
    pub via: Option<String>,
}

impl std::fmt::Display for PolicyRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            PolicyKind::Inline => "inline policy",
            PolicyKind::Managed => "managed policy",
            PolicyKind::GroupInline => "group inline policy",
            PolicyKind::GroupManaged => "group managed policy",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::Resource | PolicyKind::Trust => "",
            PolicyKind::Scp => "SCP",
            PolicyKind::Rcp => "RCP",
        };
        match self.kind {
            PolicyKind::Resource | PolicyKind::Trust => {
                write!(f, "{}", self.name)?;
                if let Some(arn) = &self.arn {
                    write!(f, " of {arn}")?;
                }
            }
            _ => write!(f, "{kind} {:?}", self.name)?,
        }
        if let Some(via) = &self.via {
            write!(f, " (via {via})")?;
        }
        Ok(())
    }
}

/// A condition whose key's value is not known, on which a conditional answer hangs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingCondition {
    /// The policy of the statement holding it.
    pub policy: PolicyRef,
    /// The statement's 0-based index.
    pub index: usize,
    /// The operator as written (`StringEquals`); `PolicyVariable` for a variable of a
    /// `Resource` that could not be resolved, `Principal` for a principal element naming a
    /// role session.
    pub operator: String,
    /// The condition key (`aws:SourceIp`).
    pub key: String,
    /// The policy's values for it.
    pub values: Vec<String>,
}

impl std::fmt::Display for PendingCondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {:?} ({} Statement[{}])",
            self.operator, self.key, self.values, self.policy, self.index
        )
    }
}

/// Why the policies of a snapshot could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum PolicyError {
    /// A policy document IAM would not accept.
    #[error("{policy}: {place}: {message}")]
    Malformed {
        /// Which policy: `role/admin inline policy "x"`, `managed policy arn:...`,
        /// `S3 bucket policy of arn:aws:s3:::b`.
        policy: String,
        /// Where in the document: `Statement[2].Condition`.
        place: String,
        /// What is wrong there.
        message: String,
    },
}
