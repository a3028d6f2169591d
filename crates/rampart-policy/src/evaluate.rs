//! The [`Authorizer`]: the policies of one snapshot, indexed by principal and resource, and
//! the decision of a request as the IAM User Guide describes it ("Policy evaluation logic",
//! "How AWS enforcement code logic evaluates requests to allow or deny access",
//! "Cross-account policy evaluation logic"), in three-valued logic.

use crate::condition::{evaluate_clause, Tri};
use crate::document::{Effect, Elements, PolicyDocument, PrincipalElement, Statement};
use crate::pattern::{action_matches, resolve, KeyValue, Resolved};
use crate::principal::{names, Naming, Principal, PrincipalKind};
use crate::{
    ContextValue, DecidingStatement, Decision, PendingCondition, PolicyError, PolicyKind,
    PolicyRef, Request, RequestContext, Verdict,
};
use rampart_inventory::{Collected, Inventory, OrgPolicyLevel};
use std::collections::HashMap;

/// The actions a role's trust policy decides (IAM User Guide, "Cross account resource access
/// in IAM"; "Passing session tags in AWS STS"; "Monitor and control actions taken with
/// assumed roles").
const TRUST_ACTIONS: &[&str] = &[
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
];

/// The services whose resources resource control policies apply to (AWS Organizations User
/// Guide, "Resource control policies (RCPs)", "List of AWS services that support RCPs").
const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-identity",
    "dynamodb",
    "logs",
];

/// A policy that applies to a principal, or why its document is not known.
#[derive(Debug, Clone)]
enum Slot {
    /// The document, by index into [`Authorizer::documents`].
    Known { reference: PolicyRef, doc: usize },
    /// The policy applies but its document is not in the snapshot.
    Missing { reference: PolicyRef, why: String },
}

/// What the engine knows of one principal of the snapshot.
#[derive(Debug, Clone, Default)]
struct PrincipalData {
    /// Identity policies: inline, managed, and those of the user's groups.
    identity: Vec<Slot>,
    /// The permissions boundary.
    boundary: Option<Slot>,
    /// Tags (`aws:PrincipalTag/...`).
    tags: Vec<(String, String)>,
    /// The user's unique id (`aws:userid`, and as a `Principal` value).
    unique_id: Option<String>,
}

/// The kinds of resources whose policies the snapshot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResourceKind {
    S3,
    Kms,
    Lambda,
    Sns,
    Trust,
}

impl ResourceKind {
    fn policy_name(self) -> &'static str {
        match self {
            ResourceKind::S3 => "S3 bucket policy",
            ResourceKind::Kms => "KMS key policy",
            ResourceKind::Lambda => "Lambda function policy",
            ResourceKind::Sns => "SNS topic policy",
            ResourceKind::Trust => "trust policy",
        }
    }
}

/// A resource of the snapshot with a policy.
#[derive(Debug, Clone)]
struct ResourceEntry {
    kind: ResourceKind,
    /// The policy (`None`: the resource has none), or why it was not read.
    policy: Result<Option<usize>, String>,
}

/// One level of SCPs or RCPs.
#[derive(Debug, Clone)]
struct Level {
    policies: Vec<(PolicyRef, usize)>,
    label: String,
}

/// The SCPs or RCPs of the account.
#[derive(Debug, Clone)]
enum OrgLevels {
    /// None apply (no organization).
    None,
    /// They could not be read.
    NotRead(String),
    /// Level by level from the root to the account.
    Levels(Vec<Level>),
}

/// The policies of one snapshot, parsed and indexed, to evaluate requests against.
pub struct Authorizer<'a> {
    inv: &'a Inventory,
    documents: Vec<PolicyDocument>,
    principals: Vec<Principal>,
    data: HashMap<String, PrincipalData>,
    resources: HashMap<String, ResourceEntry>,
    scp: OrgLevels,
    rcp: OrgLevels,
    org_id: KeyValue,
    management_account: Option<String>,
    /// Notes every decision carries (data not collected).
    notes: Vec<String>,
}

impl std::fmt::Debug for Authorizer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorizer")
            .field("account", &self.inv.account.id)
            .field("principals", &self.principals.len())
            .field("documents", &self.documents.len())
            .finish()
    }
}

/// Parses one document into `documents`, naming the policy on error.
fn parse(
    documents: &mut Vec<PolicyDocument>,
    value: &serde_json::Value,
    policy: impl FnOnce() -> String,
) -> Result<usize, PolicyError> {
    let doc = PolicyDocument::parse(value).map_err(|e| PolicyError::Malformed {
        policy: policy(),
        place: e.place,
        message: e.message,
    })?;
    documents.push(doc);
    Ok(documents.len() - 1)
}

/// A resource policy's [`ResourceEntry::policy`] from what the collector read.
fn resource_policy(
    documents: &mut Vec<PolicyDocument>,
    collected: &Collected<Option<serde_json::Value>>,
    policy: impl FnOnce() -> String,
) -> Result<Result<Option<usize>, String>, PolicyError> {
    Ok(match collected {
        Collected::Ok(None) => Ok(None),
        Collected::Ok(Some(v)) => Ok(Some(parse(documents, v, policy)?)),
        Collected::Missing(gap) => Err(format!("not read: {}", gap.describe())),
    })
}

impl<'a> Authorizer<'a> {
    /// Parses every policy document of the snapshot; a malformed document is an error that
    /// names the policy (kind, name/ARN) and the place (statement index, key).
    pub fn new(inv: &'a Inventory) -> Result<Self, PolicyError> {
        let mut documents = Vec::new();
        let mut notes = Vec::new();
        let account = inv.account.id.clone();

        // Managed policies, by ARN.
        let mut managed: HashMap<&str, (String, usize)> = HashMap::new();
        match &inv.iam.policies {
            Collected::Ok(policies) => {
                for p in policies {
                    if p.document.is_null() {
                        continue;
                    }
                    let idx = parse(&mut documents, &p.document, || {
                        format!("managed policy {}", p.arn)
                    })?;
                    managed.insert(p.arn.as_str(), (p.name.clone(), idx));
                }
            }
            Collected::Missing(gap) => {
                notes.push(format!("managed policies not read: {}", gap.describe()))
            }
        }
        let managed_slot = |arn: &str, name: &str, kind: PolicyKind, via: Option<&str>| {
            let reference = PolicyRef {
                kind,
                name: name.to_owned(),
                arn: Some(arn.to_owned()),
                via: via.map(str::to_owned),
            };
            match managed.get(arn) {
                Some((_, doc)) => Slot::Known {
                    reference,
                    doc: *doc,
                },
                None => Slot::Missing {
                    why: format!("the document of managed policy {arn} is not in the snapshot"),
                    reference,
                },
            }
        };
        let boundary_slot = |arn: &str| {
            let name = managed
                .get(arn)
                .map(|(n, _)| n.clone())
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_owned());
            managed_slot(arn, &name, PolicyKind::Boundary, None)
        };

        // Groups, by name.
        let mut groups: HashMap<&str, Vec<Slot>> = HashMap::new();
        let groups_gap = match &inv.iam.groups {
            Collected::Ok(list) => {
                for g in list {
                    let mut slots = Vec::new();
                    for p in &g.inline_policies {
                        let doc = parse(&mut documents, &p.document, || {
                            format!("group/{} inline policy {:?}", g.name, p.name)
                        })?;
                        slots.push(Slot::Known {
                            reference: PolicyRef {
                                kind: PolicyKind::GroupInline,
                                name: p.name.clone(),
                                arn: None,
                                via: Some(g.name.clone()),
                            },
                            doc,
                        });
                    }
                    for a in &g.attached_policies {
                        slots.push(managed_slot(
                            &a.arn,
                            &a.name,
                            PolicyKind::GroupManaged,
                            Some(&g.name),
                        ));
                    }
                    groups.insert(g.name.as_str(), slots);
                }
                None
            }
            Collected::Missing(gap) => Some(gap.describe()),
        };

        let mut principals = Vec::new();
        let mut data = HashMap::new();
        match &inv.iam.users {
            Collected::Ok(users) => {
                for u in users {
                    let mut d = PrincipalData {
                        tags: u
                            .tags
                            .iter()
                            .map(|t| (t.key.clone(), t.value.clone()))
                            .collect(),
                        unique_id: Some(u.id.clone()).filter(|id| !id.is_empty()),
                        ..Default::default()
                    };
                    for p in &u.inline_policies {
                        let doc = parse(&mut documents, &p.document, || {
                            format!("user/{} inline policy {:?}", u.name, p.name)
                        })?;
                        d.identity.push(Slot::Known {
                            reference: PolicyRef {
                                kind: PolicyKind::Inline,
                                name: p.name.clone(),
                                arn: None,
                                via: None,
                            },
                            doc,
                        });
                    }
                    for a in &u.attached_policies {
                        d.identity
                            .push(managed_slot(&a.arn, &a.name, PolicyKind::Managed, None));
                    }
                    for g in &u.groups {
                        match groups.get(g.as_str()) {
                            Some(slots) => d.identity.extend(slots.iter().cloned()),
                            None => d.identity.push(Slot::Missing {
                                reference: PolicyRef {
                                    kind: PolicyKind::GroupInline,
                                    name: g.clone(),
                                    arn: None,
                                    via: Some(g.clone()),
                                },
                                why: match &groups_gap {
                                    Some(gap) => {
                                        format!("the policies of group {g} were not read: {gap}")
                                    }
                                    None => format!("group {g} is not in the snapshot"),
                                },
                            }),
                        }
                    }
                    d.boundary = u.permissions_boundary.as_deref().map(boundary_slot);
                    principals.push(Principal {
                        arn: u.arn.clone(),
                        name: u.name.clone(),
                        kind: PrincipalKind::User,
                        account: account.clone(),
                        service_linked: false,
                    });
                    data.insert(u.arn.clone(), d);
                }
            }
            Collected::Missing(gap) => {
                notes.push(format!("IAM users not read: {}", gap.describe()))
            }
        }

        let mut resources = HashMap::new();
        match &inv.iam.roles {
            Collected::Ok(roles) => {
                for r in roles {
                    let mut d = PrincipalData {
                        tags: r
                            .tags
                            .iter()
                            .map(|t| (t.key.clone(), t.value.clone()))
                            .collect(),
                        ..Default::default()
                    };
                    for p in &r.inline_policies {
                        let doc = parse(&mut documents, &p.document, || {
                            format!("role/{} inline policy {:?}", r.name, p.name)
                        })?;
                        d.identity.push(Slot::Known {
                            reference: PolicyRef {
                                kind: PolicyKind::Inline,
                                name: p.name.clone(),
                                arn: None,
                                via: None,
                            },
                            doc,
                        });
                    }
                    for a in &r.attached_policies {
                        d.identity
                            .push(managed_slot(&a.arn, &a.name, PolicyKind::Managed, None));
                    }
                    d.boundary = r.permissions_boundary.as_deref().map(boundary_slot);
                    let trust = if r.assume_role_policy.is_null() {
                        Err("not in the snapshot".to_owned())
                    } else {
                        Ok(Some(parse(&mut documents, &r.assume_role_policy, || {
                            format!("role/{} trust policy", r.name)
                        })?))
                    };
                    resources.insert(
                        r.arn.clone(),
                        ResourceEntry {
                            kind: ResourceKind::Trust,
                            policy: trust,
                        },
                    );
                    principals.push(Principal {
                        arn: r.arn.clone(),
                        name: r.name.clone(),
                        kind: PrincipalKind::Role,
                        account: account.clone(),
                        service_linked: r.path.starts_with("/aws-service-role/"),
                    });
                    data.insert(r.arn.clone(), d);
                }
            }
            Collected::Missing(gap) => {
                notes.push(format!("IAM roles not read: {}", gap.describe()))
            }
        }
        principals.push(Principal {
            arn: inv.account.root_arn(),
            name: account.clone(),
            kind: PrincipalKind::Root,
            account: account.clone(),
            service_linked: false,
        });

        // Resource policies.
        if let Some(buckets) = inv.s3.buckets.ok() {
            for b in buckets {
                let policy = resource_policy(&mut documents, &b.policy, || {
                    format!("S3 bucket policy of {}", b.arn)
                })?;
                resources.insert(
                    b.arn.clone(),
                    ResourceEntry {
                        kind: ResourceKind::S3,
                        policy,
                    },
                );
            }
        }
        for region in inv.regional.values() {
            for k in region.kms.keys.ok().into_iter().flatten() {
                let policy = resource_policy(&mut documents, &k.policy, || {
                    format!("KMS key policy of {}", k.arn)
                })?;
                resources.insert(
                    k.arn.clone(),
                    ResourceEntry {
                        kind: ResourceKind::Kms,
                        policy,
                    },
                );
            }
            for f in region.lambda.functions.ok().into_iter().flatten() {
                let policy = resource_policy(&mut documents, &f.policy, || {
                    format!("Lambda function policy of {}", f.arn)
                })?;
                resources.insert(
                    f.arn.clone(),
                    ResourceEntry {
                        kind: ResourceKind::Lambda,
                        policy,
                    },
                );
            }
            for t in region.sns.topics.ok().into_iter().flatten() {
                let policy = resource_policy(&mut documents, &t.policy, || {
                    format!("SNS topic policy of {}", t.arn)
                })?;
                resources.insert(
                    t.arn.clone(),
                    ResourceEntry {
                        kind: ResourceKind::Sns,
                        policy,
                    },
                );
            }
        }

        // Organization policies.
        let orgs = &inv.organizations;
        let (org_id, management_account) = match &orgs.organization {
            Collected::Ok(Some(o)) => (
                KeyValue::Known(vec![o.id.clone()]),
                Some(o.management_account_id.clone()),
            ),
            Collected::Ok(None) => (KeyValue::Absent, None),
            Collected::Missing(_) => (KeyValue::Unknown, None),
        };
        let not_in_org = matches!(orgs.organization, Collected::Ok(None));
        let mut levels =
            |list: &[OrgPolicyLevel], kind: PolicyKind| -> Result<OrgLevels, PolicyError> {
                let mut out = Vec::new();
                for l in list {
                    let label = format!("{} {} ({})", l.target_type, l.name, l.target_id);
                    let mut policies = Vec::new();
                    for p in &l.policies {
                        let what = if kind == PolicyKind::Scp {
                            "SCP"
                        } else {
                            "RCP"
                        };
                        let doc = parse(&mut documents, &p.document, || {
                            format!("{what} {:?} ({}) at {label}", p.name, p.id)
                        })?;
                        policies.push((
                            PolicyRef {
                                kind,
                                name: p.name.clone(),
                                arn: None,
                                via: Some(label.clone()),
                            },
                            doc,
                        ));
                    }
                    out.push(Level { policies, label });
                }
                Ok(OrgLevels::Levels(out))
            };
        let (scp, rcp) = match &orgs.applied_policies {
            Collected::Ok(Some(applied)) => (
                levels(&applied.service_control_policies, PolicyKind::Scp)?,
                match &applied.resource_control_policies {
                    Collected::Ok(list) => levels(list, PolicyKind::Rcp)?,
                    Collected::Missing(gap) => OrgLevels::NotRead(gap.describe()),
                },
            ),
            Collected::Ok(None) => (OrgLevels::None, OrgLevels::None),
            Collected::Missing(_) if not_in_org => (OrgLevels::None, OrgLevels::None),
            Collected::Missing(gap) => (
                OrgLevels::NotRead(gap.describe()),
                OrgLevels::NotRead(gap.describe()),
            ),
        };

        Ok(Authorizer {
            inv,
            documents,
            principals,
            data,
            resources,
            scp,
            rcp,
            org_id,
            management_account,
            notes,
        })
    }

    /// The snapshot the authorizer reads (for what is built on the engine: escalation
    /// paths, rightsizing).
    pub fn inventory(&self) -> &'a Inventory {
        self.inv
    }

    /// IAM users and roles of the account (groups are not principals), plus the account root.
    pub fn principals(&self) -> &[Principal] {
        &self.principals
    }

    /// By ARN, by `user/NAME` / `role/NAME` (or `root`), or by bare name when unique;
    /// `None` when unknown.
    pub fn find_principal(&self, query: &str) -> Option<&Principal> {
        if let Some(p) = self.principals.iter().find(|p| p.arn == query) {
            return Some(p);
        }
        let by_kind = |kind: PrincipalKind, name: &str| {
            self.principals
                .iter()
                .find(|p| p.kind == kind && p.name == name)
        };
        if let Some(name) = query.strip_prefix("user/") {
            return by_kind(PrincipalKind::User, name);
        }
        if let Some(name) = query.strip_prefix("role/") {
            return by_kind(PrincipalKind::Role, name);
        }
        if query == "root" {
            return self
                .principals
                .iter()
                .find(|p| p.kind == PrincipalKind::Root);
        }
        let mut named = self
            .principals
            .iter()
            .filter(|p| p.kind != PrincipalKind::Root && p.name == query);
        match (named.next(), named.next()) {
            (Some(p), None) => Some(p),
            _ => None,
        }
    }

    /// Whether a principal is an administrator: whether it is allowed every action (`*`) on
    /// every resource (`*`) once its identity policies, permissions boundary and SCPs are
    /// evaluated. Only statements whose action and resource elements cover everything
    /// (`"Action": "*"` or an empty `NotAction`; `"Resource": "*"`) allow it, and only
    /// a `Deny` covering everything denies it; a `Deny` of some actions or resources leaves
    /// the answer as it is and is listed in the notes ("administrator except ...").
    pub fn is_admin(&self, principal: &Principal) -> Decision {
        let context = RequestContext::default();
        self.evaluate(&Request {
            principal,
            action: "*",
            resource: "*",
            context: &context,
        })
    }

    /// The evaluation of one request.
    pub fn evaluate(&self, req: &Request) -> Decision {
        let e = Eval {
            az: self,
            req,
            data: self.data.get(&req.principal.arn),
        };
        let out = e.decide();
        let mut notes = self.notes.clone();
        for n in out.notes {
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
        let mut statements: Vec<DecidingStatement> = Vec::new();
        for s in out.statements {
            if !statements.contains(&s) {
                statements.push(s);
            }
        }
        let mut conditions: Vec<PendingCondition> = Vec::new();
        for c in out.conditions {
            if !conditions.contains(&c) {
                conditions.push(c);
            }
        }
        let verdict = match out.tri {
            Tri::True => Verdict::Allowed,
            Tri::False => Verdict::Denied,
            Tri::Unknown => Verdict::Conditional,
        };
        if verdict != Verdict::Conditional {
            conditions.clear();
        }
        Decision {
            verdict,
            statements,
            conditions,
            notes,
        }
    }
}

/// A three-valued result with what decided it.
#[derive(Debug, Clone)]
struct Outcome {
    tri: Tri,
    statements: Vec<DecidingStatement>,
    conditions: Vec<PendingCondition>,
    notes: Vec<String>,
}

impl Outcome {
    fn of(tri: Tri) -> Self {
        Outcome {
            tri,
            statements: Vec::new(),
            conditions: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Kleene OR: what decided it is the true operands, else the unknown ones.
    fn any(items: Vec<Outcome>) -> Outcome {
        let tri = items.iter().fold(Tri::False, |acc, o| acc.or(o.tri));
        let mut out = Outcome::of(tri);
        for o in items {
            out.notes.extend(o.notes);
            if o.tri == tri {
                out.statements.extend(o.statements);
                out.conditions.extend(o.conditions);
            }
        }
        out
    }

    /// Kleene AND: what decided it is the false operands, else every operand.
    fn all(items: Vec<Outcome>) -> Outcome {
        let tri = items.iter().fold(Tri::True, |acc, o| acc.and(o.tri));
        let mut out = Outcome::of(tri);
        for o in items {
            out.notes.extend(o.notes);
            if tri != Tri::False || o.tri == Tri::False {
                out.statements.extend(o.statements);
                out.conditions.extend(o.conditions);
            }
        }
        out
    }

    /// Kleene NOT, keeping what decided it.
    fn not(mut self) -> Outcome {
        self.tri = self.tri.not();
        self
    }
}

/// The evaluation of one request.
struct Eval<'e> {
    az: &'e Authorizer<'e>,
    req: &'e Request<'e>,
    /// The principal's policies, when it is one of the snapshot's.
    data: Option<&'e PrincipalData>,
}

/// Where the request's resource is and which policy the snapshot holds for it.
struct Target<'e> {
    /// Its account, when known.
    account: Option<String>,
    /// Its service (the ARN's third field).
    service: String,
    /// Its entry, when the snapshot holds it.
    entry: Option<&'e ResourceEntry>,
    /// The ARN its policy is attached to (the bucket of an object, the function of an
    /// alias).
    policy_arn: String,
    /// Its kind, when it is one whose policy the snapshot may hold.
    kind: Option<ResourceKind>,
    /// Why its account or policy is not known.
    note: Option<String>,
}

impl Eval<'_> {
    fn principal(&self) -> &Principal {
        self.req.principal
    }

    fn in_snapshot_account(&self) -> bool {
        self.principal().account == self.az.inv.account.id
    }

    /// What is known of a condition key: the request context, then what the principal
    /// says (IAM User Guide, "AWS global condition context keys").
    fn key_value(&self, key: &str) -> KeyValue {
        match self.req.context.get(key) {
            Some(ContextValue::Absent) => return KeyValue::Absent,
            Some(ContextValue::Values(v)) => return KeyValue::Known(v.clone()),
            None => {}
        }
        let p = self.principal();
        let known = |v: &str| KeyValue::Known(vec![v.to_owned()]);
        let key = key.to_ascii_lowercase();
        if let Some(tag) = key.strip_prefix("aws:principaltag/") {
            return match self.data {
                Some(d) => d
                    .tags
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(tag))
                    .map_or(KeyValue::Absent, |(_, v)| known(v)),
                None if p.kind == PrincipalKind::Root => KeyValue::Absent,
                None => KeyValue::Unknown,
            };
        }
        match key.as_str() {
            "aws:principalarn" => known(&p.arn),
            "aws:principalaccount" => known(&p.account),
            "aws:principalorgid" if self.in_snapshot_account() => self.az.org_id.clone(),
            "aws:principaltype" => known(match p.kind {
                PrincipalKind::User => "User",
                PrincipalKind::Role => "AssumedRole",
                PrincipalKind::Root => "Account",
            }),
            "aws:username" => match p.kind {
                PrincipalKind::User => known(&p.name),
                _ => KeyValue::Absent,
            },
            "aws:userid" => match (p.kind, self.data.and_then(|d| d.unique_id.as_deref())) {
                (PrincipalKind::User, Some(id)) => known(id),
                (PrincipalKind::Root, _) => known(&p.account),
                _ => KeyValue::Unknown,
            },
            "aws:principalisawsservice" => known("false"),
            // Present only when a service calls on a resource's behalf, never for a request
            // an IAM principal signs.
            "aws:sourcearn"
            | "aws:sourceaccount"
            | "aws:sourceowner"
            | "aws:principalservicename" => KeyValue::Absent,
            _ => KeyValue::Unknown,
        }
    }

    fn deciding(reference: &PolicyRef, st: &Statement) -> DecidingStatement {
        DecidingStatement {
            policy: reference.clone(),
            index: st.index,
            sid: st.sid.clone(),
            effect: st.effect,
        }
    }

    fn pending(
        reference: &PolicyRef,
        st: &Statement,
        operator: &str,
        key: &str,
        values: Vec<String>,
    ) -> PendingCondition {
        PendingCondition {
            policy: reference.clone(),
            index: st.index,
            operator: operator.to_owned(),
            key: key.to_owned(),
            values,
        }
    }

    /// Whether the statement's action element applies to the request's action.
    fn action_applies(&self, el: &Elements) -> bool {
        if self.req.action == "*" {
            return el.covers_everything();
        }
        match el {
            Elements::Listed(p) => p.iter().any(|p| action_matches(p, self.req.action)),
            Elements::AllExcept(p) => !p.iter().any(|p| action_matches(p, self.req.action)),
            Elements::Absent => false,
        }
    }

    /// Whether the statement's resource element applies to the request's resource.
    fn resource_applies(
        &self,
        reference: &PolicyRef,
        doc: &PolicyDocument,
        st: &Statement,
    ) -> Outcome {
        let patterns = match &st.resource {
            Elements::Absent => return Outcome::of(Tri::True),
            _ if self.req.resource == "*" => {
                return Outcome::of(Tri::from_bool(st.resource.covers_everything()))
            }
            Elements::Listed(p) | Elements::AllExcept(p) => p,
        };
        let lookup = |k: &str| self.key_value(k);
        let mut out = Outcome::of(Tri::False);
        for pattern in patterns {
            let one = match resolve(pattern, doc.variables_enabled(), &lookup) {
                Resolved::Pattern(p) => {
                    Outcome::of(Tri::from_bool(p.matches_arn(self.req.resource)))
                }
                Resolved::NoMatch => Outcome::of(Tri::False),
                Resolved::Unknown(key) => {
                    let mut o = Outcome::of(Tri::Unknown);
                    o.conditions.push(Self::pending(
                        reference,
                        st,
                        "PolicyVariable",
                        &key,
                        vec![pattern.clone()],
                    ));
                    o
                }
            };
            out = Outcome::any(vec![out, one]);
        }
        if matches!(st.resource, Elements::AllExcept(_)) {
            out = out.not();
        }
        out
    }

    /// Whether the statement's conditions hold.
    fn conditions_hold(
        &self,
        reference: &PolicyRef,
        doc: &PolicyDocument,
        st: &Statement,
    ) -> Outcome {
        let lookup = |k: &str| self.key_value(k);
        let mut items = Vec::new();
        for clause in &st.conditions {
            let value = self.key_value(&clause.key);
            let r = evaluate_clause(clause, &value, doc.variables_enabled(), &lookup);
            let mut o = Outcome::of(r.tri);
            if r.tri == Tri::Unknown {
                o.conditions.push(Self::pending(
                    reference,
                    st,
                    &clause.operator,
                    &clause.key,
                    clause.values.clone(),
                ));
            }
            if let Some(n) = r.note {
                o.notes
                    .push(format!("{reference} Statement[{}]: {n}", st.index));
            }
            items.push(o);
        }
        Outcome::all(items)
    }

    /// Whether a statement applies to the request, given whether its principal element
    /// names the principal (`principal`); the outcome names the statement unless false.
    fn statement(
        &self,
        reference: &PolicyRef,
        doc: &PolicyDocument,
        st: &Statement,
        principal: Outcome,
    ) -> Outcome {
        if !self.action_applies(&st.action) {
            if st.effect == Effect::Deny && self.req.action == "*" {
                return self.partial_deny(reference, st);
            }
            return Outcome::of(Tri::False);
        }
        let resource = self.resource_applies(reference, doc, st);
        if resource.tri == Tri::False {
            if st.effect == Effect::Deny && self.req.resource == "*" {
                return self.partial_deny(reference, st);
            }
            return resource;
        }
        let mut out = Outcome::all(vec![
            resource,
            principal,
            self.conditions_hold(reference, doc, st),
        ]);
        if out.tri != Tri::False {
            out.statements.push(Self::deciding(reference, st));
        }
        out
    }

    /// A `Deny` that does not cover a request for every action or every resource, noted.
    fn partial_deny(&self, reference: &PolicyRef, st: &Statement) -> Outcome {
        Outcome::of(Tri::False).note(format!(
            "{reference} Statement[{}] denies some actions or resources (not decided for `{}` on `{}`)",
            st.index, self.req.action, self.req.resource
        ))
    }

    /// The statements of `effect` in a set of policies: whether one applies.
    fn policies(&self, slots: &[&Slot], effect: Effect) -> Outcome {
        let mut items = Vec::new();
        for slot in slots {
            match slot {
                Slot::Known { reference, doc } => {
                    let doc = &self.az.documents[*doc];
                    for st in doc.statements.iter().filter(|s| s.effect == effect) {
                        items.push(self.statement(reference, doc, st, Outcome::of(Tri::True)));
                    }
                }
                Slot::Missing { reference, why } => {
                    items.push(Outcome::of(Tri::Unknown).note(format!("{reference}: {why}")))
                }
            }
        }
        Outcome::any(items)
    }

    /// Identity policies: whether one allows, whether one denies.
    fn identity(&self) -> (Outcome, Outcome) {
        let p = self.principal();
        match self.data {
            Some(d) => {
                let slots: Vec<&Slot> = d.identity.iter().collect();
                let allow = self.policies(&slots, Effect::Allow);
                let allow = if allow.tri == Tri::False {
                    allow.note(format!(
                        "no identity-based policy of {} allows {} on {}",
                        p.arn, self.req.action, self.req.resource
                    ))
                } else {
                    allow
                };
                (allow, self.policies(&slots, Effect::Deny))
            }
            // "By default, all requests are implicitly denied with the exception of the AWS
            // account root user, which has full access."
            None if p.kind == PrincipalKind::Root && self.in_snapshot_account() => {
                (Outcome::of(Tri::True), Outcome::of(Tri::False))
            }
            None => {
                let why = if self.in_snapshot_account() {
                    format!(
                        "{} is not in the snapshot: its identity policies are not known",
                        p.arn
                    )
                } else {
                    format!(
                        "{} is in account {}: its identity policies are not in the snapshot",
                        p.arn, p.account
                    )
                };
                (Outcome::of(Tri::Unknown).note(why), Outcome::of(Tri::False))
            }
        }
    }

    /// The permissions boundary: whether it allows (true when there is none), whether it
    /// denies.
    fn boundary(&self) -> (Outcome, Outcome) {
        match self.data.and_then(|d| d.boundary.as_ref()) {
            None => (Outcome::of(Tri::True), Outcome::of(Tri::False)),
            Some(slot) => {
                let allow = self.policies(&[slot], Effect::Allow);
                let allow = if allow.tri == Tri::False {
                    allow.note(format!(
                        "the permissions boundary of {} does not allow {}",
                        self.principal().arn,
                        self.req.action
                    ))
                } else {
                    allow
                };
                (allow, self.policies(&[slot], Effect::Deny))
            }
        }
    }

    /// Where the resource is, and its entry.
    fn target(&self) -> Target<'_> {
        let resource = self.req.resource;
        let principal_account = self.principal().account.clone();
        if resource == "*" {
            return Target {
                account: Some(principal_account),
                service: String::new(),
                entry: None,
                policy_arn: String::new(),
                kind: None,
                note: None,
            };
        }
        let parts: Vec<&str> = resource.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            return Target {
                account: Some(principal_account),
                service: String::new(),
                entry: None,
                policy_arn: String::new(),
                kind: None,
                note: Some(format!("resource {resource:?} is not an ARN")),
            };
        }
        let snapshot = &self.az.inv.account.id;
        let service = parts[2].to_owned();
        let arn_account = parts[4];
        let action = self.req.action.to_ascii_lowercase();
        let (lookup, kind) = match service.as_str() {
            "s3" => {
                let bucket = parts[5].split('/').next().unwrap_or("");
                (
                    format!("arn:{}:s3:::{bucket}", parts[1]),
                    Some(ResourceKind::S3),
                )
            }
            "iam" if parts[5].starts_with("role/") && TRUST_ACTIONS.contains(&action.as_str()) => {
                (resource.to_owned(), Some(ResourceKind::Trust))
            }
            "kms" if parts[5].starts_with("key/") => (resource.to_owned(), Some(ResourceKind::Kms)),
            "lambda" => (
                resource
                    .splitn(8, ':')
                    .take(7)
                    .collect::<Vec<_>>()
                    .join(":"),
                Some(ResourceKind::Lambda),
            ),
            "sns" => (resource.to_owned(), Some(ResourceKind::Sns)),
            _ => (resource.to_owned(), None),
        };
        let entry = kind
            .and_then(|_| self.az.resources.get(&lookup))
            .filter(|e| Some(e.kind) == kind);
        let account = if entry.is_some() {
            Some(snapshot.clone())
        } else if arn_account.len() == 12 && arn_account.bytes().all(|b| b.is_ascii_digit()) {
            Some(arn_account.to_owned())
        } else if kind == Some(ResourceKind::S3) {
            None
        } else {
            // ARNs without an account (`arn:aws:iam::aws:policy/...`, global resources).
            Some(principal_account)
        };
        let note = match (&entry, kind, &account) {
            (None, Some(ResourceKind::S3), None) => Some(format!(
                "bucket {lookup} is not in the snapshot's bucket list: it belongs to another account (or does not exist), whose policies are not known"
            )),
            (None, Some(k), Some(a)) if a == snapshot => Some(format!(
                "{resource} is not in the snapshot: its {} is not known",
                k.policy_name()
            )),
            _ => None,
        };
        Target {
            account,
            service,
            entry,
            policy_arn: lookup,
            kind,
            note,
        }
    }

    /// How a statement's principal element names the principal, for a resource or trust
    /// policy: (names it directly or as everyone, names its account), each an outcome;
    /// for `Deny`, the first says whether the statement applies to it at all.
    fn principal_factor(&self, reference: &PolicyRef, st: &Statement) -> (Outcome, Outcome) {
        let p = self.principal();
        let id = self.data.and_then(|d| d.unique_id.as_deref());
        let session = |n: &Naming| {
            n.session.as_ref().map(|arn| {
                let mut o = Outcome::of(Tri::Unknown);
                o.conditions.push(Self::pending(
                    reference,
                    st,
                    "Principal",
                    "role session",
                    vec![arn.clone()],
                ));
                o
            })
        };
        match (&st.principal, st.effect) {
            // SCPs and RCPs without a principal element apply to every principal.
            (PrincipalElement::Absent, _) => {
                let applies = matches!(reference.kind, PolicyKind::Scp | PolicyKind::Rcp);
                (
                    Outcome::of(Tri::from_bool(applies)),
                    Outcome::of(Tri::False),
                )
            }
            (PrincipalElement::Principal(set), Effect::Allow) => {
                let n = names(set, p, id);
                let direct = if n.itself || n.everyone {
                    Outcome::of(Tri::True)
                } else {
                    session(&n).unwrap_or(Outcome::of(Tri::False))
                };
                (direct, Outcome::of(Tri::from_bool(n.account)))
            }
            (PrincipalElement::Principal(set), Effect::Deny) => {
                let n = names(set, p, id);
                let applies = if n.itself || n.everyone || n.account {
                    Outcome::of(Tri::True)
                } else {
                    session(&n).unwrap_or(Outcome::of(Tri::False))
                };
                (applies, Outcome::of(Tri::False))
            }
            // `Allow` with `NotPrincipal`: every principal but those listed, or in an
            // account listed.
            (PrincipalElement::NotPrincipal(set), Effect::Allow) => {
                let n = names(set, p, id);
                let direct = if n.itself || n.account || n.everyone {
                    Outcome::of(Tri::False)
                } else {
                    session(&n).unwrap_or(Outcome::of(Tri::True))
                };
                (direct, Outcome::of(Tri::False))
            }
            // `Deny` with `NotPrincipal` exempts a user only when it lists the user and its
            // account, a role session only when it lists the role, the session and the
            // account (IAM User Guide, "AWS JSON policy elements: NotPrincipal").
            (PrincipalElement::NotPrincipal(set), Effect::Deny) => {
                let n = names(set, p, id);
                let applies = if n.everyone {
                    Outcome::of(Tri::False)
                } else {
                    match p.kind {
                        PrincipalKind::Root | PrincipalKind::User => {
                            Outcome::of(Tri::from_bool(!(n.itself && n.account)))
                        }
                        PrincipalKind::Role => {
                            if n.itself && n.account {
                                session(&n)
                                    .map(Outcome::not)
                                    .unwrap_or(Outcome::of(Tri::True))
                            } else {
                                Outcome::of(Tri::True)
                            }
                        }
                    }
                };
                (applies, Outcome::of(Tri::False))
            }
        }
    }

    /// A resource or trust policy: (allows the principal directly, allows its account,
    /// denies).
    fn resource_policy(
        &self,
        reference: &PolicyRef,
        doc: &PolicyDocument,
    ) -> (Outcome, Outcome, Outcome) {
        let (mut direct, mut account, mut deny) = (Vec::new(), Vec::new(), Vec::new());
        for st in &doc.statements {
            let (first, by_account) = self.principal_factor(reference, st);
            match st.effect {
                Effect::Allow => {
                    direct.push(self.statement(reference, doc, st, first));
                    account.push(self.statement(reference, doc, st, by_account));
                }
                Effect::Deny => deny.push(self.statement(reference, doc, st, first)),
            }
        }
        (
            Outcome::any(direct),
            Outcome::any(account),
            Outcome::any(deny),
        )
    }

    /// SCPs or RCPs: (every level allows, some policy denies).
    fn org(&self, levels: &[Level], what: &str) -> (Outcome, Outcome) {
        let mut allow_levels = Vec::new();
        let mut deny = Vec::new();
        for level in levels {
            let mut allows = Vec::new();
            for (reference, doc) in &level.policies {
                let doc = &self.az.documents[*doc];
                for st in &doc.statements {
                    let (applies, _) = self.principal_factor(reference, st);
                    let o = self.statement(reference, doc, st, applies);
                    match st.effect {
                        Effect::Allow => allows.push(o),
                        Effect::Deny => deny.push(o),
                    }
                }
            }
            let allow = Outcome::any(allows);
            allow_levels.push(if allow.tri == Tri::False {
                allow.note(format!(
                    "no {what} at {} allows {} on {}",
                    level.label, self.req.action, self.req.resource
                ))
            } else {
                allow
            });
        }
        (Outcome::all(allow_levels), Outcome::any(deny))
    }

    /// The decision, following "How AWS enforcement code logic evaluates requests to allow
    /// or deny access": explicit deny anywhere; RCPs; SCPs; resource-based policies;
    /// identity-based policies with permissions boundaries; and for cross-account requests,
    /// both sides.
    fn decide(&self) -> Outcome {
        let p = self.principal();
        let snapshot = self.az.inv.account.id.clone();
        let mut notes: Vec<String> = Vec::new();
        let (identity_allow, identity_deny) = self.identity();
        let (boundary_allow, boundary_deny) = self.boundary();
        let target = self.target();
        notes.extend(target.note.clone());

        // Resource-based policy (or trust policy).
        let needs_own_allow = matches!(target.kind, Some(ResourceKind::Kms | ResourceKind::Trust));
        let (direct, by_account, resource_deny) = match target.entry {
            Some(entry) => {
                let reference = PolicyRef {
                    kind: if entry.kind == ResourceKind::Trust {
                        PolicyKind::Trust
                    } else {
                        PolicyKind::Resource
                    },
                    name: entry.kind.policy_name().to_owned(),
                    arn: Some(target.policy_arn.clone()),
                    via: None,
                };
                match &entry.policy {
                    Ok(Some(doc)) => self.resource_policy(&reference, &self.az.documents[*doc]),
                    Ok(None) => (
                        Outcome::of(Tri::False),
                        Outcome::of(Tri::False),
                        Outcome::of(Tri::False),
                    ),
                    Err(why) => {
                        let note = format!("{reference}: {why}");
                        (
                            Outcome::of(Tri::Unknown).note(note.clone()),
                            Outcome::of(Tri::Unknown),
                            Outcome::of(Tri::Unknown),
                        )
                    }
                }
            }
            None if needs_own_allow || target.account.as_deref() != Some(&snapshot) => (
                Outcome::of(Tri::Unknown),
                Outcome::of(Tri::Unknown),
                Outcome::of(Tri::False),
            ),
            None => (
                Outcome::of(Tri::False),
                Outcome::of(Tri::False),
                Outcome::of(Tri::False),
            ),
        };

        // SCPs: principals of the account, except in the management account and for
        // service-linked roles (AWS Organizations User Guide, "Service control policies",
        // "Tasks and entities not restricted by SCPs").
        let (scp_allow, scp_deny) = if !self.in_snapshot_account() {
            notes.push(format!(
                "the SCPs of account {} are not in the snapshot",
                p.account
            ));
            (Outcome::of(Tri::True), Outcome::of(Tri::False))
        } else {
            self.org_or_exempt(&self.az.scp, "SCP", p.service_linked, &mut notes)
        };

        // RCPs: resources of the account, of the services RCPs support.
        let rcp_applies = target.account.as_deref() == Some(&snapshot)
            && RCP_SERVICES.contains(&target.service.as_str());
        let (rcp_allow, rcp_deny) = if rcp_applies {
            self.org_or_exempt(&self.az.rcp, "RCP", p.service_linked, &mut notes)
        } else {
            (Outcome::of(Tri::True), Outcome::of(Tri::False))
        };

        let explicit_deny = Outcome::any(vec![
            identity_deny,
            boundary_deny,
            resource_deny,
            scp_deny,
            rcp_deny,
        ]);
        let identity_side = Outcome::all(vec![identity_allow, boundary_allow.clone()]);
        let same_account = target.account.as_deref() == Some(p.account.as_str());
        let allowed = if same_account {
            // "Within an account, an implicit deny in a permissions boundary does not limit
            // the permissions granted to an IAM user by a resource-based policy"; grants to
            // a role's ARN are limited by its boundary (IAM User Guide, "Permissions
            // boundaries for IAM entities", "Evaluating effective permissions with
            // boundaries").
            let direct = match p.kind {
                PrincipalKind::Role => Outcome::all(vec![direct, boundary_allow]),
                PrincipalKind::User | PrincipalKind::Root => direct,
            };
            if needs_own_allow {
                // A KMS key policy or trust policy must allow, directly or by naming the
                // account so that IAM policies decide.
                let delegated = Outcome::all(vec![by_account, identity_side]);
                let out = Outcome::any(vec![direct, delegated]);
                if out.tri == Tri::False {
                    out.note(format!(
                        "the {} of {} does not allow {} for {}",
                        target
                            .kind
                            .map_or("resource policy", ResourceKind::policy_name),
                        self.req.resource,
                        self.req.action,
                        p.arn
                    ))
                } else {
                    out
                }
            } else {
                Outcome::any(vec![direct, identity_side])
            }
        } else {
            // Cross-account: "the identity-based policy and the resource-based policy must
            // both allow".
            if target.entry.is_none() {
                notes.push(match &target.account {
                    Some(a) => format!(
                        "{} is in account {a}: its resource-based policy is not in the snapshot",
                        self.req.resource
                    ),
                    None => format!(
                        "the account of {} is not known: its resource-based policy is not in the snapshot",
                        self.req.resource
                    ),
                });
            }
            let resource_side = Outcome::any(vec![direct, by_account]);
            let resource_side = if resource_side.tri == Tri::False {
                resource_side.note(format!(
                    "cross-account: the resource-based policy of {} does not allow {}",
                    self.req.resource, p.arn
                ))
            } else {
                resource_side
            };
            Outcome::all(vec![identity_side, resource_side])
        };

        let mut out = Outcome::all(vec![explicit_deny.not(), rcp_allow, scp_allow, allowed]);
        out.notes.extend(notes);
        out
    }

    /// The SCPs or RCPs that apply, or why none do.
    fn org_or_exempt(
        &self,
        levels: &OrgLevels,
        what: &str,
        service_linked: bool,
        notes: &mut Vec<String>,
    ) -> (Outcome, Outcome) {
        let none = (Outcome::of(Tri::True), Outcome::of(Tri::False));
        match levels {
            OrgLevels::None => none,
            OrgLevels::NotRead(why) => {
                notes.push(format!("{what}s not read ({why}): not evaluated"));
                none
            }
            OrgLevels::Levels(levels) => {
                if self.az.management_account.as_deref() == Some(self.az.inv.account.id.as_str()) {
                    notes.push(format!("{what}s do not apply in the management account"));
                    none
                } else if service_linked {
                    notes.push(format!("{what}s do not apply to service-linked roles"));
                    none
                } else {
                    self.org(levels, what)
                }
            }
        }
    }
}
