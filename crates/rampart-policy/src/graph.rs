//! The privilege-escalation graph of one account: its IAM users and roles, and the external
//! accounts role trust policies name, with one edge for each way (a [`Method`] of
//! [`crate::escalation::METHODS`]) one principal can act as another, and the principals
//! that can raise another's permissions to administrator. Every request an edge needs is
//! decided by the [`Authorizer`]; the shortest path of each principal to an administrator
//! is found by one breadth-first search from the administrators backwards.
//!
//! Scope: methods are found from identity policies (a principal none of whose identity
//! policies mentions an action is never asked about it), except role trust, read from the
//! trust policies. Actions that create a resource are evaluated on resource `*`.

use crate::escalation::{Mechanism, Method, METHODS};
use crate::{
    action_matches, Authorizer, DecidingStatement, Decision, Effect, Elements, PendingCondition,
    PolicyDocument, Principal, PrincipalElement, PrincipalKind, Request, RequestContext, Verdict,
};
use rampart_inventory::{Group, Inventory, Role, User};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

/// A node of the graph: a principal of the account, or another account (or everyone) that
/// a trust policy names.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// ARN of the principal; for an external account its root ARN, `*` for everyone.
    pub arn: String,
    /// How paths name it: `user/dev`, `role/admin`, `account/444455556666`, `anyone`.
    pub label: String,
    /// The principal as the engine evaluates it.
    pub principal: Principal,
    /// Whether the node is outside the account (its own permissions are not known).
    pub external: bool,
}

/// One request an edge needed, and how the engine decided it.
#[derive(Debug, Clone, Serialize)]
pub struct Permission {
    /// The action.
    pub action: String,
    /// The resource it was evaluated on (an ARN, or `*`).
    pub resource: String,
    /// Allowed, or conditional on the pending conditions.
    pub verdict: Verdict,
    /// The statements that decided it.
    pub statements: Vec<DecidingStatement>,
    /// The conditions the engine could not decide.
    pub conditions: Vec<PendingCondition>,
    /// What else the engine said (data not in the snapshot, ...).
    pub notes: Vec<String>,
}

impl Permission {
    fn new(action: &str, resource: &str, d: Decision) -> Permission {
        Permission {
            action: action.to_owned(),
            resource: resource.to_owned(),
            verdict: d.verdict,
            statements: d.statements,
            conditions: d.conditions,
            notes: d.notes,
        }
    }

    fn conditional(&self) -> bool {
        self.verdict == Verdict::Conditional
    }
}

/// An edge: the actor can act as the target.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    /// Index of the target node.
    pub to: usize,
    /// The method.
    pub method: &'static Method,
    /// What the method goes through (`function app-fn`, `instance i-0abc`), when it is not
    /// the target itself.
    pub via: Option<String>,
    /// The requests it needed, each allowed or conditional.
    pub permissions: Vec<Permission>,
    /// Whether a condition the engine could not decide (or the method itself) makes the
    /// edge conditional.
    pub conditional: bool,
    /// Why the edge is conditional beyond its permissions, when it is.
    pub note: Option<String>,
}

/// A principal that can raise another's permissions to administrator.
#[derive(Debug, Clone, Serialize)]
pub struct Raise {
    /// Index of the node that can do it.
    pub by: usize,
    /// The method.
    pub method: &'static Method,
    /// What it goes through (`policy Deploy`, `group ops`).
    pub via: Option<String>,
    /// The requests it needed.
    pub permissions: Vec<Permission>,
    /// Whether it is conditional.
    pub conditional: bool,
    /// Why it is conditional beyond its permissions.
    pub note: Option<String>,
}

/// The escalation graph of one account.
pub struct Graph<'a> {
    auth: &'a Authorizer<'a>,
    /// Every node: the account's users and roles first, then external accounts.
    pub nodes: Vec<Node>,
    /// Out-edges by node.
    pub edges: Vec<Vec<Edge>>,
    /// By node: who can raise its permissions to administrator (only nodes that would be
    /// administrators with every identity permission are listed).
    pub raises: Vec<Vec<Raise>>,
    /// By node: its administrator decision (`None` for external nodes).
    pub admin: Vec<Option<Decision>>,
    /// Facts about the evaluation the reader should know (SCPs not read, ...).
    pub notes: Vec<String>,
    index: HashMap<String, usize>,
}

/// The `Allow` statements of one document, reduced to what the index reads: action and
/// resource elements.
type Allows = Vec<(Elements, Elements)>;

/// The policy-derived facts that decide which requests are worth evaluating: for each
/// principal, the `Allow` statements (action and resource) of its identity policies, each
/// document parsed once. A request no such statement matches is never allowed without a
/// resource policy, so the engine is not asked.
struct ActionIndex {
    documents: Vec<Allows>,
    by_principal: HashMap<String, Vec<usize>>,
}

fn resource_may_match(e: &Elements, resource: &str) -> bool {
    match e {
        // A variable is resolved per principal by the engine: do not prejudge it.
        Elements::Listed(ps) => ps
            .iter()
            .any(|p| p.contains("${") || resource == "*" || crate::arn_matches(p, resource)),
        Elements::AllExcept(_) | Elements::Absent => true,
    }
}

impl ActionIndex {
    fn new(inv: &Inventory) -> ActionIndex {
        let iam = &inv.iam;
        let mut documents: Vec<Allows> = Vec::new();
        let mut parse = |doc: &serde_json::Value| -> usize {
            let allows = PolicyDocument::parse(doc)
                .map(|d| {
                    d.statements
                        .into_iter()
                        .filter(|s| s.effect == Effect::Allow)
                        .map(|s| (s.action, s.resource))
                        .collect()
                })
                .unwrap_or_default();
            documents.push(allows);
            documents.len() - 1
        };
        let managed: HashMap<&str, usize> = iam
            .policies
            .ok()
            .map(|ps| {
                ps.iter()
                    .map(|p| (p.arn.as_str(), parse(&p.document)))
                    .collect()
            })
            .unwrap_or_default();
        let group_docs: HashMap<&str, Vec<usize>> = iam
            .groups
            .ok()
            .map(|gs| {
                gs.iter()
                    .map(|g| {
                        let mut docs: Vec<usize> = g
                            .inline_policies
                            .iter()
                            .map(|p| parse(&p.document))
                            .collect();
                        docs.extend(
                            g.attached_policies
                                .iter()
                                .filter_map(|a| managed.get(a.arn.as_str()).copied()),
                        );
                        (g.name.as_str(), docs)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut by_principal = HashMap::new();
        for u in iam.users.ok().into_iter().flatten() {
            let mut docs: Vec<usize> = u
                .inline_policies
                .iter()
                .map(|p| parse(&p.document))
                .collect();
            docs.extend(
                u.attached_policies
                    .iter()
                    .filter_map(|a| managed.get(a.arn.as_str()).copied()),
            );
            for g in &u.groups {
                docs.extend(group_docs.get(g.as_str()).into_iter().flatten().copied());
            }
            by_principal.insert(u.arn.clone(), docs);
        }
        for r in iam.roles.ok().into_iter().flatten() {
            let mut docs: Vec<usize> = r
                .inline_policies
                .iter()
                .map(|p| parse(&p.document))
                .collect();
            docs.extend(
                r.attached_policies
                    .iter()
                    .filter_map(|a| managed.get(a.arn.as_str()).copied()),
            );
            by_principal.insert(r.arn.clone(), docs);
        }
        ActionIndex {
            documents,
            by_principal,
        }
    }

    fn statements<'s>(&'s self, arn: &str) -> impl Iterator<Item = &'s (Elements, Elements)> {
        self.by_principal
            .get(arn)
            .into_iter()
            .flatten()
            .flat_map(|&d| self.documents[d].iter())
    }

    /// Whether some `Allow` statement of the principal's identity policies names `action`
    /// (a necessary condition for the engine to allow it without a resource policy).
    fn may(&self, arn: &str, action: &str) -> bool {
        self.statements(arn)
            .any(|(a, _)| action_may_match(a, action))
    }

    /// Whether some `Allow` statement names `action` on a resource pattern that may match
    /// `resource`.
    fn may_on(&self, arn: &str, action: &str, resource: &str) -> bool {
        self.statements(arn)
            .any(|(a, r)| action_may_match(a, action) && resource_may_match(r, resource))
    }

    fn may_all(&self, arn: &str, actions: &[&str]) -> bool {
        actions.iter().all(|a| self.may(arn, a))
    }

    /// The resources the principal's `Allow` statements for `action` name, when every one
    /// is a literal ARN (no wildcard, variable or `NotResource`): only they can be allowed.
    fn targets(&self, arn: &str, action: &str) -> Targets {
        let mut only = HashSet::new();
        for (a, r) in self.statements(arn) {
            if !action_may_match(a, action) {
                continue;
            }
            match r {
                Elements::Listed(ps) => {
                    for p in ps {
                        if p.contains(['*', '?']) || p.contains("${") {
                            return Targets::Any;
                        }
                        only.insert(p.clone());
                    }
                }
                Elements::AllExcept(_) | Elements::Absent => return Targets::Any,
            }
        }
        Targets::Only(only)
    }
}

/// Which resources an action may be allowed on, as far as the identity policies tell.
enum Targets {
    /// Any (a pattern with a wildcard or variable, or `NotResource`).
    Any,
    /// Only these ARNs.
    Only(HashSet<String>),
}

impl Targets {
    /// Whether `resource` may be allowed: in the literal set, or matched by a pattern.
    fn admits(&self, idx: &ActionIndex, arn: &str, action: &str, resource: &str) -> bool {
        match self {
            Targets::Only(set) => set.contains(resource),
            Targets::Any => idx.may_on(arn, action, resource),
        }
    }
}

fn action_may_match(e: &Elements, action: &str) -> bool {
    match e {
        Elements::Listed(ps) => ps.iter().any(|p| action_matches(p, action)),
        Elements::AllExcept(ps) => !ps.iter().any(|p| action_matches(p, action)),
        Elements::Absent => false,
    }
}

/// What a role's trust policy names: the principals of the account it trusts by ARN,
/// whether it trusts the account itself, the external accounts, everyone, and services.
#[derive(Default)]
struct Trust {
    arns: BTreeSet<String>,
    own_account: bool,
    external: BTreeSet<String>,
    everyone: bool,
    services: BTreeSet<String>,
}

fn trust_of(role: &Role, account: &str, user_ids: &HashMap<&str, &str>) -> Trust {
    let mut t = Trust::default();
    let Ok(doc) = PolicyDocument::parse(&role.assume_role_policy) else {
        return t;
    };
    for st in doc.statements {
        if st.effect != Effect::Allow {
            continue;
        }
        let assumes = match &st.action {
            Elements::Listed(ps) => ps.iter().any(|p| action_matches(p, "sts:AssumeRole")),
            Elements::AllExcept(ps) => !ps.iter().any(|p| action_matches(p, "sts:AssumeRole")),
            Elements::Absent => false,
        };
        if !assumes {
            continue;
        }
        let PrincipalElement::Principal(p) = &st.principal else {
            // NotPrincipal in a trust policy: everyone but the named.
            if matches!(st.principal, PrincipalElement::NotPrincipal(_)) {
                t.everyone = true;
            }
            continue;
        };
        t.everyone |= p.everyone;
        t.services.extend(p.service.iter().cloned());
        for value in &p.aws {
            if value == "*" {
                t.everyone = true;
            } else if let Some(pr) = Principal::from_arn(value) {
                if pr.account != account {
                    t.external.insert(pr.account);
                } else if pr.kind == PrincipalKind::Root {
                    t.own_account = true;
                } else {
                    t.arns.insert(pr.arn);
                }
            } else if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
                if value == account {
                    t.own_account = true;
                } else {
                    t.external.insert(value.clone());
                }
            } else if let Some(arn) = user_ids.get(value.as_str()) {
                t.arns.insert((*arn).to_owned());
            }
        }
    }
    t
}

/// A copy of the inventory's IAM data reduced to some users and roles, each changed by
/// `edit`, for asking the engine about a hypothetical account (every principal keeps its
/// boundary and the SCPs, which is what the questions are about).
fn hypothetical(
    inv: &Inventory,
    users: &BTreeSet<String>,
    roles: &BTreeSet<String>,
    mut edit_user: impl FnMut(&mut User),
    mut edit_role: impl FnMut(&mut Role),
    extra_users: Vec<User>,
) -> Inventory {
    let mut h = Inventory::new(inv.account.clone(), inv.collected_at);
    h.organizations = inv.organizations.clone();
    let iam = &inv.iam;
    let mut kept_users: Vec<User> = iam
        .users
        .ok()
        .into_iter()
        .flatten()
        .filter(|u| users.contains(&u.arn))
        .cloned()
        .collect();
    kept_users.iter_mut().for_each(&mut edit_user);
    kept_users.extend(extra_users);
    let mut kept_roles: Vec<Role> = iam
        .roles
        .ok()
        .into_iter()
        .flatten()
        .filter(|r| roles.contains(&r.arn))
        .cloned()
        .collect();
    kept_roles.iter_mut().for_each(&mut edit_role);
    let groups: BTreeSet<&str> = kept_users
        .iter()
        .flat_map(|u| u.groups.iter().map(String::as_str))
        .collect();
    let kept_groups: Vec<_> = iam
        .groups
        .ok()
        .into_iter()
        .flatten()
        .filter(|g| groups.contains(g.name.as_str()))
        .cloned()
        .collect();
    let mut policy_arns: BTreeSet<&str> = BTreeSet::new();
    for u in &kept_users {
        policy_arns.extend(u.attached_policies.iter().map(|a| a.arn.as_str()));
        policy_arns.extend(u.permissions_boundary.as_deref());
    }
    for r in &kept_roles {
        policy_arns.extend(r.attached_policies.iter().map(|a| a.arn.as_str()));
        policy_arns.extend(r.permissions_boundary.as_deref());
    }
    for g in &kept_groups {
        policy_arns.extend(g.attached_policies.iter().map(|a| a.arn.as_str()));
    }
    let kept_policies: Vec<_> = iam
        .policies
        .ok()
        .into_iter()
        .flatten()
        .filter(|p| policy_arns.contains(p.arn.as_str()))
        .cloned()
        .collect();
    h.iam = rampart_inventory::IamData {
        users: rampart_inventory::Collected::Ok(kept_users),
        roles: rampart_inventory::Collected::Ok(kept_roles),
        groups: rampart_inventory::Collected::Ok(kept_groups),
        policies: rampart_inventory::Collected::Ok(kept_policies),
        ..Default::default()
    };
    h
}

/// The nodes reachable from `from` over `edges`, `from` included, in breadth-first order.
fn reachable(edges: &[Vec<Edge>], from: usize) -> Vec<usize> {
    let mut seen = vec![false; edges.len()];
    seen[from] = true;
    let mut order = vec![from];
    let mut i = 0;
    while i < order.len() {
        for e in &edges[order[i]] {
            if !seen[e.to] {
                seen[e.to] = true;
                order.push(e.to);
            }
        }
        i += 1;
    }
    order
}

/// An inline policy allowing everything, added to a hypothetical principal.
fn allow_everything() -> rampart_inventory::InlinePolicy {
    rampart_inventory::InlinePolicy {
        name: "rampart-hypothetical-allow-all".into(),
        document: serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    }
}

/// The label of an ARN of the account in a path: `user/dev`, `role/admin`, `policy/P`.
pub fn short_arn(arn: &str) -> String {
    let mut parts = arn.splitn(6, ':');
    let (_, _, service, _, _, resource) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    );
    match (service, resource) {
        (Some("iam"), Some(r)) => {
            // Drop the path: `role/app/ops` reads `role/ops`.
            match r.split_once('/') {
                Some((kind, rest)) => format!("{kind}/{}", rest.rsplit('/').next().unwrap_or(rest)),
                None => r.to_owned(),
            }
        }
        _ => arn.to_owned(),
    }
}

/// A request's context with `iam:PassedToService` known.
fn passed_to(service: &str) -> RequestContext {
    let mut ctx = RequestContext::default();
    ctx.set("iam:PassedToService", service);
    ctx
}

/// The engine and the decisions the graph asks of it.
struct Asker<'a> {
    auth: &'a Authorizer<'a>,
    none: RequestContext,
}

impl<'a> Asker<'a> {
    /// The request's permission when the engine allows it or leaves it conditional.
    fn ask(
        &self,
        principal: &Principal,
        action: &str,
        resource: &str,
        context: Option<&RequestContext>,
    ) -> Option<Permission> {
        let d = self.auth.evaluate(&Request {
            principal,
            action,
            resource,
            context: context.unwrap_or(&self.none),
        });
        match d.verdict {
            Verdict::Denied => None,
            _ => Some(Permission::new(action, resource, d)),
        }
    }

    /// Every one of `actions` on resource `*`.
    fn ask_all_star(&self, principal: &Principal, actions: &[&str]) -> Option<Vec<Permission>> {
        actions
            .iter()
            .map(|a| self.ask(principal, a, "*", None))
            .collect()
    }
}

fn edge(to: usize, method: &'static Method, via: Option<String>, ps: Vec<Permission>) -> Edge {
    let conditional = ps.iter().any(Permission::conditional);
    Edge {
        to,
        method,
        via,
        permissions: ps,
        conditional,
        note: None,
    }
}

fn raise(by: usize, method: &'static Method, via: Option<String>, ps: Vec<Permission>) -> Raise {
    let conditional = ps.iter().any(Permission::conditional);
    Raise {
        by,
        method,
        via,
        permissions: ps,
        conditional,
        note: None,
    }
}

/// The account as the build reads it, indexed once, and the graph under construction.
struct Builder<'a> {
    auth: &'a Authorizer<'a>,
    inv: &'a Inventory,
    users: &'a [User],
    roles: &'a [Role],
    groups: &'a [Group],
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    admin: Vec<Option<Decision>>,
    notes: Vec<String>,
    idx: ActionIndex,
    asker: Asker<'a>,
    /// Each role's node and what its trust policy names.
    trusts: Vec<(usize, Trust)>,
    /// The roles whose trust names a principal of the account by ARN, by that ARN; those
    /// trusting everyone; those trusting the account (its identity policies decide).
    trusted_by: HashMap<String, Vec<usize>>,
    trust_everyone: Vec<usize>,
    trust_account: Vec<usize>,
    /// The nodes each customer or AWS managed policy is attached to (directly, or through
    /// the group named).
    holders: BTreeMap<&'a str, Vec<(usize, Option<String>)>>,
    customer: BTreeSet<&'a str>,
    /// Whether each user has a console password, per the credential report.
    password: HashMap<&'a str, bool>,
    role_in_profile: BTreeSet<&'a str>,
    /// The role ARNs of each instance profile, by the profile's ARN.
    profile_roles: HashMap<&'a str, Vec<&'a str>>,
    edges: Vec<Vec<Edge>>,
    raises: Vec<Vec<Raise>>,
    /// Trust rewrites allowed, waiting for the identity side of sts:AssumeRole.
    update_trust: Vec<(usize, usize, Permission)>,
    /// Group memberships allowed (actor, user, group), waiting for whether the group makes
    /// the user an administrator.
    join_group: Vec<(usize, usize, &'a str, Permission)>,
}

impl<'a> Builder<'a> {
    /// The nodes (users and roles, then the external accounts and everyone that trust
    /// policies name), their administrator decisions, and the indexes of the account.
    fn new(auth: &'a Authorizer<'a>) -> Builder<'a> {
        let inv = auth.inventory();
        let account = inv.account.id.as_str();
        let partition = inv.account.partition.as_str();
        let iam = &inv.iam;
        let users: &[User] = iam.users.ok().map(Vec::as_slice).unwrap_or_default();
        let roles: &[Role] = iam.roles.ok().map(Vec::as_slice).unwrap_or_default();
        let groups: &[Group] = iam.groups.ok().map(Vec::as_slice).unwrap_or_default();

        let mut nodes: Vec<Node> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for p in auth.principals() {
            if p.kind == PrincipalKind::Root && p.account == account {
                continue;
            }
            index.insert(p.arn.clone(), nodes.len());
            nodes.push(Node {
                arn: p.arn.clone(),
                label: short_arn(&p.arn),
                principal: p.clone(),
                external: false,
            });
        }
        let user_ids: HashMap<&str, &str> = users
            .iter()
            .map(|u| (u.id.as_str(), u.arn.as_str()))
            .collect();
        let trusts: Vec<(usize, Trust)> = roles
            .iter()
            .filter_map(|r| Some((*index.get(&r.arn)?, trust_of(r, account, &user_ids))))
            .collect();
        let mut externals: BTreeSet<String> = BTreeSet::new();
        for (_, t) in &trusts {
            externals.extend(t.external.iter().cloned());
            if t.everyone {
                externals.insert("*".into());
            }
        }
        for ext in externals {
            let (arn, label, principal) = if ext == "*" {
                // Anyone: the engine evaluates an unknown principal of no named account.
                let arn = format!("arn:{partition}:iam::000000000000:root");
                let p = Principal::from_arn(&arn).expect("a root ARN");
                ("*".to_owned(), "anyone".to_owned(), p)
            } else {
                let arn = format!("arn:{partition}:iam::{ext}:root");
                let p = Principal::from_arn(&arn).expect("a root ARN");
                (arn, format!("account/{ext}"), p)
            };
            index.insert(arn.clone(), nodes.len());
            nodes.push(Node {
                arn,
                label,
                principal,
                external: true,
            });
        }
        let admin = nodes
            .iter()
            .map(|node| (!node.external).then(|| auth.is_admin(&node.principal)))
            .collect();

        // Lists the methods read that are missing: their edges are unknown.
        let mut notes = Vec::new();
        if let Err(gap) = iam.instance_profiles.get() {
            notes.push(format!(
                "instance profiles not read ({}): ec2-run-instances and the ssm-* methods not \
                 evaluated",
                gap.describe()
            ));
        }
        for (region, data) in &inv.regional {
            if let Err(gap) = data.ec2.instances.get() {
                notes.push(format!(
                    "EC2 instances in {region} not read ({}): the ssm-* methods not evaluated \
                     there",
                    gap.describe()
                ));
            }
            if let Err(gap) = data.lambda.functions.get() {
                notes.push(format!(
                    "Lambda functions in {region} not read ({}): lambda-update-function-code \
                     not evaluated there",
                    gap.describe()
                ));
            }
        }

        let of = |arn: &str| index.get(arn).copied();
        let mut group_members: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut holders: BTreeMap<&str, Vec<(usize, Option<String>)>> = BTreeMap::new();
        for u in users {
            if let Some(i) = of(&u.arn) {
                for grp in &u.groups {
                    group_members.entry(grp.as_str()).or_default().push(i);
                }
                for a in &u.attached_policies {
                    holders.entry(a.arn.as_str()).or_default().push((i, None));
                }
            }
        }
        for r in roles {
            if let Some(i) = of(&r.arn) {
                for a in &r.attached_policies {
                    holders.entry(a.arn.as_str()).or_default().push((i, None));
                }
            }
        }
        for grp in groups {
            for a in &grp.attached_policies {
                for &m in group_members.get(grp.name.as_str()).into_iter().flatten() {
                    holders
                        .entry(a.arn.as_str())
                        .or_default()
                        .push((m, Some(format!("group {}", grp.name))));
                }
            }
        }
        let customer: BTreeSet<&str> = iam
            .policies
            .ok()
            .into_iter()
            .flatten()
            .filter(|p| !p.aws_managed)
            .map(|p| p.arn.as_str())
            .collect();
        let password: HashMap<&str, bool> = iam
            .credential_report
            .ok()
            .map(|r| {
                r.rows
                    .iter()
                    .map(|row| (row.arn.as_str(), row.password_enabled))
                    .collect()
            })
            .unwrap_or_default();
        let role_in_profile: BTreeSet<&str> = roles
            .iter()
            .filter(|r| !r.instance_profiles.is_empty())
            .map(|r| r.arn.as_str())
            .collect();
        let role_by_name: HashMap<&str, &str> = roles
            .iter()
            .map(|r| (r.name.as_str(), r.arn.as_str()))
            .collect();
        let profile_roles: HashMap<&str, Vec<&str>> = iam
            .instance_profiles
            .ok()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p.arn.as_str(),
                    p.roles
                        .iter()
                        .filter_map(|r| role_by_name.get(r.as_str()).copied())
                        .collect(),
                )
            })
            .collect();
        let mut trusted_by: HashMap<String, Vec<usize>> = HashMap::new();
        let (mut trust_everyone, mut trust_account) = (Vec::new(), Vec::new());
        for (t, trust) in &trusts {
            for a in &trust.arns {
                trusted_by.entry(a.clone()).or_default().push(*t);
            }
            if trust.everyone {
                trust_everyone.push(*t);
            } else if trust.own_account {
                trust_account.push(*t);
            }
        }
        let n = nodes.len();
        Builder {
            auth,
            inv,
            users,
            roles,
            groups,
            nodes,
            index,
            admin,
            notes,
            idx: ActionIndex::new(inv),
            asker: Asker {
                auth,
                none: RequestContext::default(),
            },
            trusts,
            trusted_by,
            trust_everyone,
            trust_account,
            holders,
            customer,
            password,
            role_in_profile,
            profile_roles,
            edges: vec![Vec::new(); n],
            raises: vec![Vec::new(); n],
            update_trust: Vec::new(),
            join_group: Vec::new(),
        }
    }

    fn of(&self, arn: &str) -> Option<usize> {
        self.index.get(arn).copied()
    }

    /// The principals of the account that are not unconditional administrators: an
    /// administrator is where paths end, so what it could do next is never followed.
    fn actors(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&x| {
                !self.nodes[x].external
                    && !matches!(&self.admin[x], Some(d) if d.verdict == Verdict::Allowed)
            })
            .collect()
    }

    /// The edges of `x` by every method that makes it act as another principal.
    fn become_edges(&mut self, x: usize) {
        for m in METHODS {
            match m.mechanism {
                Mechanism::UserCredentials => self.user_credentials(x, m),
                Mechanism::AssumeRole => self.assume_role(x, m),
                Mechanism::UpdateTrust => self.update_trust(x, m),
                Mechanism::PassRole => self.pass_role(x, m),
                Mechanism::ExistingFunction => self.existing_function(x, m),
                Mechanism::ExistingInstance => self.existing_instance(x, m),
                Mechanism::ExistingDevEndpoint => self.existing_dev_endpoint(x, m),
                // Raising permissions: see `raise_edges`, once the edges tell whom each
                // actor reaches.
                Mechanism::ManagedPolicy
                | Mechanism::PrincipalPolicy
                | Mechanism::GroupPolicy
                | Mechanism::GroupMembership => {}
            }
        }
    }

    fn user_credentials(&mut self, x: usize, m: &'static Method) {
        let actor = &self.nodes[x].principal;
        let arn = actor.arn.as_str();
        let action = m.actions[0];
        if !self.idx.may(arn, action) {
            return;
        }
        let targets = self.idx.targets(arn, action);
        for u in self.users {
            let Some(t) = self.index.get(&u.arn).copied() else {
                continue;
            };
            let has_password = self.password.get(u.arn.as_str()).copied();
            let applies = match m.id {
                "iam-create-login-profile" => has_password != Some(true),
                "iam-update-login-profile" => has_password != Some(false),
                _ => true,
            };
            if t == x || !applies || !targets.admits(&self.idx, arn, action, &u.arn) {
                continue;
            }
            if let Some(p) = self.asker.ask(actor, action, &u.arn, None) {
                self.edges[x].push(edge(t, m, None, vec![p]));
            }
        }
    }

    fn assume_role(&mut self, x: usize, m: &'static Method) {
        let actor = &self.nodes[x].principal;
        let arn = actor.arn.as_str();
        // Roles whose trust names the actor (or everyone): the trust may grant it alone.
        let mut candidates: BTreeSet<usize> = self
            .trusted_by
            .get(arn)
            .into_iter()
            .flatten()
            .chain(&self.trust_everyone)
            .copied()
            .collect();
        // Roles trusting the account: only where the actor's identity policies may allow it.
        if self.idx.may(arn, "sts:AssumeRole") {
            let targets = self.idx.targets(arn, "sts:AssumeRole");
            candidates.extend(
                self.trust_account.iter().copied().filter(|&t| {
                    targets.admits(&self.idx, arn, "sts:AssumeRole", &self.nodes[t].arn)
                }),
            );
        }
        for t in candidates {
            if t == x {
                continue;
            }
            if let Some(p) = self
                .asker
                .ask(actor, "sts:AssumeRole", &self.nodes[t].arn, None)
            {
                self.edges[x].push(edge(t, m, None, vec![p]));
            }
        }
    }

    fn update_trust(&mut self, x: usize, m: &'static Method) {
        let actor = &self.nodes[x].principal;
        let arn = actor.arn.as_str();
        let action = m.actions[0];
        if !self.idx.may(arn, action) {
            return;
        }
        for r in self.roles {
            let Some(t) = self.index.get(&r.arn).copied() else {
                continue;
            };
            // IAM refuses to change a service-linked role's trust.
            if t == x
                || self.nodes[t].principal.service_linked
                || !self.idx.may_on(arn, action, &r.arn)
            {
                continue;
            }
            if let Some(p) = self.asker.ask(actor, action, &r.arn, None) {
                self.update_trust.push((x, t, p));
            }
        }
    }

    fn pass_role(&mut self, x: usize, m: &'static Method) {
        let actor = &self.nodes[x].principal;
        let arn = actor.arn.as_str();
        let service = m.service.expect("a PassRole method names its service");
        if !self.idx.may_all(arn, m.actions) {
            return;
        }
        let Some(rest) = self.asker.ask_all_star(actor, &m.actions[1..]) else {
            return;
        };
        let ctx = passed_to(service);
        for (t, trust) in &self.trusts {
            let role = &self.nodes[*t];
            if *t == x
                || role.principal.service_linked
                || !trust.services.contains(service)
                || (m.id == "ec2-run-instances"
                    && !self.role_in_profile.contains(role.arn.as_str()))
                || !self.idx.may_on(arn, "iam:PassRole", &role.arn)
            {
                continue;
            }
            if let Some(p) = self.asker.ask(actor, "iam:PassRole", &role.arn, Some(&ctx)) {
                let mut ps = vec![p];
                ps.extend(rest.iter().cloned());
                self.edges[x].push(edge(*t, m, None, ps));
            }
        }
    }

    fn existing_function(&mut self, x: usize, m: &'static Method) {
        let actor = &self.nodes[x].principal;
        let arn = actor.arn.as_str();
        let action = m.actions[0];
        if !self.idx.may(arn, action) {
            return;
        }
        for data in self.inv.regional.values() {
            for f in data.lambda.functions.ok().into_iter().flatten() {
                let Some(t) = self.index.get(&f.role).copied() else {
                    continue;
                };
                if t == x || !self.idx.may_on(arn, action, &f.arn) {
                    continue;
                }
                if let Some(p) = self.asker.ask(actor, action, &f.arn, None) {
                    let via = Some(format!("function {}", f.name));
                    self.edges[x].push(edge(t, m, via, vec![p]));
                }
            }
        }
    }

    fn existing_instance(&mut self, x: usize, m: &'static Method) {
        let actor = &self.nodes[x].principal;
        let arn = actor.arn.as_str();
        let action = m.actions[0];
        if !self.idx.may(arn, action) {
            return;
        }
        for data in self.inv.regional.values() {
            for i in data.ec2.instances.ok().into_iter().flatten() {
                let Some(profile) = i.iam_instance_profile_arn.as_deref() else {
                    continue;
                };
                if i.state != "running" || !self.idx.may_on(arn, action, &i.arn) {
                    continue;
                }
                for role_arn in self.profile_roles.get(profile).into_iter().flatten() {
                    let Some(t) = self.index.get(*role_arn).copied() else {
                        continue;
                    };
                    if t == x {
                        continue;
                    }
                    if let Some(p) = self.asker.ask(actor, action, &i.arn, None) {
                        let via = Some(format!("instance {}", i.id));
                        self.edges[x].push(edge(t, m, via, vec![p]));
                    }
                }
            }
        }
    }

    fn existing_dev_endpoint(&mut self, x: usize, m: &'static Method) {
        let actor = &self.nodes[x].principal;
        let arn = actor.arn.as_str();
        let service = m.service.expect("names its service");
        if !self.idx.may(arn, m.actions[0]) {
            return;
        }
        let Some(p) = self.asker.ask(actor, m.actions[0], "*", None) else {
            return;
        };
        for (t, trust) in &self.trusts {
            let role = &self.nodes[*t];
            if *t == x || role.principal.service_linked || !trust.services.contains(service) {
                continue;
            }
            let mut e = edge(*t, m, None, vec![p.clone()]);
            e.conditional = true;
            e.note = Some(format!(
                "if a development endpoint runs as {} (endpoints are not in the snapshot)",
                role.label
            ));
            self.edges[x].push(e);
        }
    }

    /// External accounts (and everyone) act only through the trust policies naming them.
    fn external_edges(&mut self) {
        let assume = crate::escalation::method("sts-assume-role").expect("in the table");
        for x in (0..self.nodes.len()).filter(|&i| self.nodes[i].external) {
            let node = &self.nodes[x];
            for (t, trust) in &self.trusts {
                let names = trust.everyone
                    || node.arn != "*" && trust.external.contains(&node.principal.account);
                if !names {
                    continue;
                }
                let role_arn = &self.nodes[*t].arn;
                if let Some(p) = self
                    .asker
                    .ask(&node.principal, "sts:AssumeRole", role_arn, None)
                {
                    self.edges[x].push(edge(*t, assume, None, vec![p]));
                }
            }
        }
    }

    /// iam:UpdateAssumeRolePolicy: the identity side of sts:AssumeRole, asked of a
    /// hypothetical account where each such role trusts its own account.
    fn update_trust_edges(&mut self) {
        if self.update_trust.is_empty() {
            return;
        }
        let actors: BTreeSet<String> = self
            .update_trust
            .iter()
            .map(|(x, _, _)| self.nodes[*x].arn.clone())
            .collect();
        let targets: BTreeSet<String> = self
            .update_trust
            .iter()
            .map(|(_, t, _)| self.nodes[*t].arn.clone())
            .collect();
        let all: BTreeSet<String> = actors.union(&targets).cloned().collect();
        let root = format!(
            "arn:{}:iam::{}:root",
            self.inv.account.partition, self.inv.account.id
        );
        let trusting = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole"}]});
        let h = hypothetical(
            self.inv,
            &all,
            &all,
            |_| {},
            |r| {
                if targets.contains(&r.arn) {
                    r.assume_role_policy = trusting.clone();
                }
            },
            vec![],
        );
        let ha = match Authorizer::new(&h) {
            Ok(ha) => ha,
            Err(e) => {
                self.notes.push(format!(
                    "iam:UpdateAssumeRolePolicy edges not evaluated: {e}"
                ));
                return;
            }
        };
        let hasker = Asker {
            auth: &ha,
            none: RequestContext::default(),
        };
        let m = crate::escalation::method("iam-update-assume-role-policy").expect("in the table");
        for (x, t, p) in std::mem::take(&mut self.update_trust) {
            let Some(actor) = ha.find_principal(&self.nodes[x].arn) else {
                continue;
            };
            if let Some(q) = hasker.ask(actor, "sts:AssumeRole", &self.nodes[t].arn, None) {
                self.edges[x].push(edge(t, m, None, vec![p, q]));
            }
        }
    }

    /// Raising a principal's permissions is worth something to an actor only for a
    /// principal it is or can act as: the principals it reaches over the edges.
    fn raise_edges(&mut self, actors: &[usize]) {
        let user_of: HashMap<usize, &User> = self
            .users
            .iter()
            .filter_map(|u| Some((self.of(&u.arn)?, u)))
            .collect();
        let mut attached_of: HashMap<usize, Vec<(&str, Option<String>)>> = HashMap::new();
        for (policy, held_by) in &self.holders {
            if self.customer.contains(policy) {
                for (t, via) in held_by {
                    attached_of
                        .entry(*t)
                        .or_default()
                        .push((policy, via.clone()));
                }
            }
        }
        for &x in actors {
            let actor = &self.nodes[x].principal;
            let arn = actor.arn.as_str();
            let raisers: Vec<&'static Method> = METHODS
                .iter()
                .filter(|m| m.mechanism.raises_permissions() && self.idx.may(arn, m.actions[0]))
                .collect();
            if raisers.is_empty() {
                continue;
            }
            let reach = reachable(&self.edges, x);
            for m in raisers {
                let action = m.actions[0];
                let targets = self.idx.targets(arn, action);
                // One decision per resource, whatever the number of targets it serves.
                let mut asked: HashMap<String, Option<Permission>> = HashMap::new();
                let (idx, asker) = (&self.idx, &self.asker);
                let mut ask = |resource: &str| -> Option<Permission> {
                    asked
                        .entry(resource.to_owned())
                        .or_insert_with(|| {
                            targets
                                .admits(idx, arn, action, resource)
                                .then(|| asker.ask(actor, action, resource, None))
                                .flatten()
                        })
                        .clone()
                };
                for &t in &reach {
                    let target = &self.nodes[t].principal;
                    if target.service_linked {
                        continue;
                    }
                    match m.mechanism {
                        Mechanism::ManagedPolicy => {
                            for (policy, through) in attached_of.get(&t).into_iter().flatten() {
                                let Some(p) = ask(policy) else { continue };
                                let via = match through {
                                    Some(grp) => format!("policy {} of {grp}", short_arn(policy)),
                                    None => format!("policy {}", short_arn(policy)),
                                };
                                let mut r = raise(x, m, Some(via), vec![p]);
                                if m.id == "iam-set-default-policy-version" {
                                    r.conditional = true;
                                    r.note = Some(
                                        "if another version of the policy grants more (the \
                                         snapshot holds only the default version)"
                                            .into(),
                                    );
                                }
                                self.raises[t].push(r);
                            }
                        }
                        Mechanism::PrincipalPolicy => {
                            let kind = if m.target == "user" {
                                PrincipalKind::User
                            } else {
                                PrincipalKind::Role
                            };
                            if target.kind != kind {
                                continue;
                            }
                            if let Some(p) = ask(&target.arn) {
                                self.raises[t].push(raise(x, m, None, vec![p]));
                            }
                        }
                        Mechanism::GroupPolicy => {
                            let Some(u) = user_of.get(&t) else { continue };
                            for grp in self.groups.iter().filter(|g| u.groups.contains(&g.name)) {
                                if let Some(p) = ask(&grp.arn) {
                                    let via = Some(format!("group {}", grp.name));
                                    self.raises[t].push(raise(x, m, via, vec![p]));
                                }
                            }
                        }
                        Mechanism::GroupMembership => {
                            let Some(u) = user_of.get(&t) else { continue };
                            for grp in self.groups.iter().filter(|g| !u.groups.contains(&g.name)) {
                                if let Some(p) = ask(&grp.arn) {
                                    self.join_group.push((x, t, grp.name.as_str(), p));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Raising a principal's permissions leads to administrator only when its boundary and
    /// the SCPs allow `*` on `*`: ask the engine about each target with a hypothetical
    /// policy allowing everything, and about each group joined with a hypothetical member
    /// that has no policy of its own.
    fn ceiling(&mut self) {
        let mut targets: BTreeSet<String> = BTreeSet::new();
        for (t, list) in self.raises.iter().enumerate() {
            if !list.is_empty() {
                targets.insert(self.nodes[t].arn.clone());
            }
        }
        for (_, t, _, _) in &self.join_group {
            targets.insert(self.nodes[*t].arn.clone());
        }
        if targets.is_empty() {
            return;
        }
        let probe_groups: BTreeSet<&str> =
            self.join_group.iter().map(|(_, _, grp, _)| *grp).collect();
        let (partition, account) = (&self.inv.account.partition, &self.inv.account.id);
        let probe_arn = |grp: &str| {
            format!("arn:{partition}:iam::{account}:user/rampart-hypothetical/member-of-{grp}")
        };
        let probes: Vec<User> = probe_groups
            .iter()
            .map(|grp| User {
                name: format!("member-of-{grp}"),
                arn: probe_arn(grp),
                path: "/rampart-hypothetical/".into(),
                groups: vec![(*grp).to_owned()],
                ..Default::default()
            })
            .collect();
        let h = hypothetical(
            self.inv,
            &targets,
            &targets,
            |u| u.inline_policies.push(allow_everything()),
            |r| r.inline_policies.push(allow_everything()),
            probes,
        );
        let ha = match Authorizer::new(&h) {
            Ok(ha) => ha,
            Err(e) => {
                self.raises.iter_mut().for_each(Vec::clear);
                self.join_group.clear();
                self.notes.push(format!(
                    "edges that raise a principal's permissions not evaluated: {e}"
                ));
                return;
            }
        };
        let ceiling: HashMap<&str, Decision> = targets
            .iter()
            .filter_map(|arn| Some((arn.as_str(), ha.is_admin(ha.find_principal(arn)?))))
            .collect();
        // `None`: no administrator even with every identity permission; `Some(true)`:
        // conditionally one.
        let up = |arn: &str| {
            ceiling
                .get(arn)
                .filter(|d| d.verdict != Verdict::Denied)
                .map(|d| d.verdict == Verdict::Conditional)
        };
        for (t, list) in self.raises.iter_mut().enumerate() {
            match up(&self.nodes[t].arn) {
                None => list.clear(),
                Some(false) => {}
                Some(true) => list.iter_mut().for_each(|r| {
                    r.conditional = true;
                    r.note.get_or_insert_with(|| {
                        "if its permissions boundary or the SCPs allow it (conditions the \
                         engine cannot decide)"
                            .into()
                    });
                }),
            }
        }
        let m = crate::escalation::method("iam-add-user-to-group").expect("in the table");
        let group_admin: HashMap<&str, Decision> = probe_groups
            .iter()
            .filter_map(|grp| Some((*grp, ha.is_admin(ha.find_principal(&probe_arn(grp))?))))
            .collect();
        for (x, t, grp, p) in std::mem::take(&mut self.join_group) {
            let Some(gd) = group_admin
                .get(grp)
                .filter(|d| d.verdict != Verdict::Denied)
            else {
                continue;
            };
            let Some(cond) = up(&self.nodes[t].arn) else {
                continue;
            };
            let mut r = raise(x, m, Some(format!("group {grp}")), vec![p]);
            if cond || gd.verdict == Verdict::Conditional {
                r.conditional = true;
                r.note = Some(
                    "if the group's policies, the user's boundary and the SCPs allow it \
                     (conditions the engine cannot decide)"
                        .into(),
                );
            }
            self.raises[t].push(r);
        }
    }

    fn finish(self) -> Graph<'a> {
        Graph {
            auth: self.auth,
            nodes: self.nodes,
            edges: self.edges,
            raises: self.raises,
            admin: self.admin,
            notes: self.notes,
            index: self.index,
        }
    }
}

impl<'a> Graph<'a> {
    /// The graph of the authorizer's account.
    pub fn build(auth: &'a Authorizer<'a>) -> Graph<'a> {
        let mut b = Builder::new(auth);
        let actors = b.actors();
        for &x in &actors {
            b.become_edges(x);
        }
        b.external_edges();
        b.update_trust_edges();
        b.raise_edges(&actors);
        b.ceiling();
        b.finish()
    }

    /// The authorizer the graph was built from.
    pub fn authorizer(&self) -> &'a Authorizer<'a> {
        self.auth
    }

    /// The node of a principal, by ARN.
    pub fn node_of(&self, arn: &str) -> Option<usize> {
        self.index.get(arn).copied()
    }

    /// Whether a node is an administrator: `Some(false)` allowed outright, `Some(true)`
    /// conditionally, `None` not.
    pub fn admin_state(&self, node: usize) -> Option<bool> {
        match self.admin[node].as_ref().map(|d| d.verdict) {
            Some(Verdict::Allowed) => Some(false),
            Some(Verdict::Conditional) => Some(true),
            _ => None,
        }
    }

    /// The number of edges and raises.
    pub fn edge_count(&self) -> usize {
        self.edges.iter().map(Vec::len).sum::<usize>()
            + self.raises.iter().map(Vec::len).sum::<usize>()
    }

    /// The shortest path from every node to an administrator: for each node the next step,
    /// computed backwards from the administrators. Paths with no conditional step are
    /// preferred to shorter conditional ones.
    pub(crate) fn solve(&self) -> Solution {
        let unconditional = self.solve_phase(false);
        let any = self.solve_phase(true);
        Solution { unconditional, any }
    }

    fn solve_phase(&self, allow_conditional: bool) -> Vec<Option<Step>> {
        let n = self.nodes.len();
        let mut next: Vec<Option<Step>> = vec![None; n];
        let mut queue = VecDeque::new();
        let ok = |conditional: bool| allow_conditional || !conditional;
        // Terminals: administrators, and principals that can raise themselves.
        for (v, slot) in next.iter_mut().enumerate() {
            if let Some(cond) = self.admin_state(v) {
                if ok(cond) {
                    *slot = Some(Step::Admin);
                    queue.push_back(v);
                    continue;
                }
            }
            if let Some(ri) = self.raises[v]
                .iter()
                .position(|r| r.by == v && ok(r.conditional))
            {
                *slot = Some(Step::Raise {
                    target: v,
                    raise: ri,
                    path: vec![],
                });
                queue.push_back(v);
            }
        }
        // Principals that can raise another they can reach: a terminal through that path.
        let mut raisers: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
        for (t, list) in self.raises.iter().enumerate() {
            for (ri, r) in list.iter().enumerate() {
                if r.by != t && ok(r.conditional) {
                    raisers.entry(r.by).or_default().push((t, ri));
                }
            }
        }
        for (y, targets) in raisers {
            if next[y].is_some() {
                continue;
            }
            if let Some((t, ri, path)) = self.forward(y, &targets, allow_conditional) {
                next[y] = Some(Step::Raise {
                    target: t,
                    raise: ri,
                    path,
                });
                queue.push_back(y);
            }
        }
        // Backwards breadth-first search over the edges. Terminals found through a raise
        // path are not at distance 0, but their paths stay valid; the search is shortest
        // among the edges it follows.
        let mut reverse: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        for (x, list) in self.edges.iter().enumerate() {
            for (ei, e) in list.iter().enumerate() {
                if ok(e.conditional) {
                    reverse[e.to].push((x, ei));
                }
            }
        }
        for list in &mut reverse {
            list.sort_unstable();
        }
        while let Some(v) = queue.pop_front() {
            for &(x, ei) in &reverse[v] {
                if next[x].is_none() {
                    next[x] = Some(Step::Edge { from: x, edge: ei });
                    queue.push_back(x);
                }
            }
        }
        next
    }

    /// The shortest forward path from `y` to one of `targets` (node, raise index), as
    /// `(from, edge index)` steps.
    fn forward(
        &self,
        y: usize,
        targets: &[(usize, usize)],
        allow_conditional: bool,
    ) -> Option<RaisePath> {
        let wanted: HashMap<usize, usize> = targets.iter().copied().collect();
        let mut prev: HashMap<usize, (usize, usize)> = HashMap::new();
        let mut seen: BTreeSet<usize> = BTreeSet::from([y]);
        let mut queue = VecDeque::from([y]);
        while let Some(v) = queue.pop_front() {
            if v != y {
                if let Some(&ri) = wanted.get(&v) {
                    let mut path = Vec::new();
                    let mut at = v;
                    while at != y {
                        let (from, ei) = prev[&at];
                        path.push((from, ei));
                        at = from;
                    }
                    path.reverse();
                    return Some((v, ri, path));
                }
            }
            for (ei, e) in self.edges[v].iter().enumerate() {
                if (allow_conditional || !e.conditional) && seen.insert(e.to) {
                    prev.insert(e.to, (v, ei));
                    queue.push_back(e.to);
                }
            }
        }
        None
    }
}

/// A raise reached by a forward walk: the target node, the raise's index, and the edges
/// walked as `(from, edge index)`.
type RaisePath = (usize, usize, Vec<(usize, usize)>);

/// The next step from a node towards an administrator.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// The node is an administrator.
    Admin,
    /// Follow this edge.
    Edge { from: usize, edge: usize },
    /// Walk `path` (edges as `(from, index)`) to `target`, whose permissions the node (or
    /// an earlier one) raises with `raises[target][raise]`.
    Raise {
        target: usize,
        raise: usize,
        path: Vec<(usize, usize)>,
    },
}

/// The next steps of every node, without and with conditional steps.
pub(crate) struct Solution {
    pub unconditional: Vec<Option<Step>>,
    pub any: Vec<Option<Step>>,
}
