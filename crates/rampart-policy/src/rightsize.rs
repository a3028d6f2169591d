//! Least privilege from Access Advisor: a narrowed policy for one principal, built from the
//! services it used within a tracking period (and, where Access Advisor tracks actions one
//! by one, from the actions it used), the services it removes and why, and the engine's
//! verification over the narrowed policy that every used action stays allowed and every
//! removed service is denied.
//!
//! The narrowed policy keeps each original `Allow` statement's resources and conditions,
//! with its actions reduced to the kept services (`NotAction` statements become `ns:*` of
//! each kept service the statement allowed), and every `Deny` statement as it was. It
//! replaces the principal's identity policies (inline, attached and through groups); the
//! permissions boundary stays.

use crate::{
    action_matches, Authorizer, Principal, PrincipalKind, Request, RequestContext, Verdict,
};
use chrono::{DateTime, Utc};
use rampart_inventory::{Collected, InlinePolicy, Inventory, ServiceAccess};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Why a principal cannot be rightsized.
#[derive(Debug, thiserror::Error)]
pub enum RightsizeError {
    /// The principal is not a user or role of the snapshot.
    #[error("{0} is not an IAM user or role of the snapshot")]
    NotAPrincipal(String),
    /// Access Advisor was not read at all.
    #[error("Access Advisor data was not collected: {0}")]
    NotCollected(String),
    /// Access Advisor has no report for this principal, or its job failed.
    #[error("Access Advisor has no report for {principal}: {reason}")]
    NoReport {
        /// The principal's ARN.
        principal: String,
        /// Why.
        reason: String,
    },
    /// The narrowed policy could not be evaluated.
    #[error("the narrowed policy of {principal} could not be evaluated: {reason}")]
    Verification {
        /// The principal's ARN.
        principal: String,
        /// The engine's error.
        reason: String,
    },
}

/// A service the narrowed policy keeps.
#[derive(Debug, Clone, Serialize)]
pub struct KeptService {
    /// Namespace (`s3`).
    pub namespace: String,
    /// Service name (`Amazon S3`).
    pub name: String,
    /// Last use.
    pub last_used: DateTime<Utc>,
    /// The actions used within the period, where Access Advisor tracks actions (`None`:
    /// tracked at service level, every action the original statements granted is kept).
    pub actions: Option<Vec<String>>,
}

/// A service the narrowed policy removes.
#[derive(Debug, Clone, Serialize)]
pub struct RemovedService {
    /// Namespace.
    pub namespace: String,
    /// Service name.
    pub name: String,
    /// Last use, if any within Access Advisor's tracking period.
    pub last_used: Option<DateTime<Utc>>,
    /// The policies whose statements granted it.
    pub granted_by: Vec<String>,
    /// `s3: granted by policy X, last used never`.
    pub reason: String,
}

/// One probe of the verification that did not come out as it should.
#[derive(Debug, Clone, Serialize)]
pub struct Discrepancy {
    /// The action probed.
    pub action: String,
    /// The resource probed.
    pub resource: String,
    /// What was expected (`allowed`, `denied`).
    pub expected: &'static str,
    /// What the engine decided over the narrowed policy.
    pub got: Verdict,
}

/// The narrowed policy of one principal, and its verification.
#[derive(Debug, Clone, Serialize)]
pub struct Rightsized {
    /// The principal's ARN.
    pub principal: String,
    /// `user/dev`, `role/app`.
    pub label: String,
    /// The period, in days.
    pub days: i64,
    /// When the Access Advisor report was generated.
    pub report_date: Option<DateTime<Utc>>,
    /// The narrowed policy document.
    pub policy: Value,
    /// The services kept.
    pub kept: Vec<KeptService>,
    /// The services removed.
    pub removed: Vec<RemovedService>,
    /// Whether the engine confirmed every used action stays allowed and every removed
    /// service is denied.
    pub verified: bool,
    /// Used actions probed and found still allowed.
    pub used_checked: usize,
    /// Removed services' actions probed and found denied.
    pub removed_checked: usize,
    /// What the verification found wrong.
    pub discrepancies: Vec<Discrepancy>,
    /// Probes skipped, and why (the original policies did not allow them either).
    pub notes: Vec<String>,
}

/// One identity policy of the principal: its label and raw statements.
struct Source {
    label: String,
    statements: Vec<Value>,
}

fn statements_of(doc: &Value) -> Vec<Value> {
    match doc.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => vec![],
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => vec![],
    }
}

/// The identity policies of a user or role, by label.
fn sources(inv: &Inventory, principal: &Principal) -> Vec<Source> {
    let iam = &inv.iam;
    let managed = |arn: &str| {
        iam.policies
            .ok()
            .and_then(|ps| ps.iter().find(|p| p.arn == arn))
            .map(|p| (p.name.clone(), statements_of(&p.document)))
    };
    let mut out = Vec::new();
    let add_inline = |owner: &str, list: &[InlinePolicy], out: &mut Vec<Source>| {
        for p in list {
            out.push(Source {
                label: format!("inline policy {} of {owner}", p.name),
                statements: statements_of(&p.document),
            });
        }
    };
    let attached_of = |list: &[rampart_inventory::AttachedPolicy], out: &mut Vec<Source>| {
        for a in list {
            if let Some((name, statements)) = managed(&a.arn) {
                out.push(Source {
                    label: format!("policy {name}"),
                    statements,
                });
            }
        }
    };
    match principal.kind {
        PrincipalKind::User => {
            if let Some(u) = iam
                .users
                .ok()
                .and_then(|us| us.iter().find(|u| u.arn == principal.arn))
            {
                add_inline(&format!("user {}", u.name), &u.inline_policies, &mut out);
                attached_of(&u.attached_policies, &mut out);
                for g in iam.groups.ok().into_iter().flatten() {
                    if u.groups.contains(&g.name) {
                        add_inline(&format!("group {}", g.name), &g.inline_policies, &mut out);
                        attached_of(&g.attached_policies, &mut out);
                    }
                }
            }
        }
        PrincipalKind::Role => {
            if let Some(r) = iam
                .roles
                .ok()
                .and_then(|rs| rs.iter().find(|r| r.arn == principal.arn))
            {
                add_inline(&format!("role {}", r.name), &r.inline_policies, &mut out);
                attached_of(&r.attached_policies, &mut out);
            }
        }
        PrincipalKind::Root => {}
    }
    out
}

/// The namespace of an action pattern, and whether it names exactly `ns` or matches it
/// through a wildcard.
fn pattern_covers_service(pattern: &str, ns: &str) -> bool {
    match pattern.split_once(':') {
        Some((p_ns, _)) => action_matches(p_ns, ns),
        None => pattern.chars().all(|c| c == '*'),
    }
}

/// The pattern restricted to `ns`: `*` becomes `ns:*`, `s*:Get*` becomes `ns:Get*`.
fn within(pattern: &str, ns: &str) -> String {
    match pattern.split_once(':') {
        Some((_, rest)) => format!("{ns}:{rest}"),
        None => format!("{ns}:*"),
    }
}

/// The actions that stand for a pattern in probes: up to three of the catalogue's actions
/// it matches (the first, the middle and the last), or, for a service the catalogue does not
/// hold, the pattern made concrete (`s3:Get*` → `s3:GetProbe`).
fn probe_actions(pattern: &str) -> Vec<String> {
    if !pattern.contains(['*', '?']) {
        return vec![pattern.to_owned()];
    }
    let listed = crate::actions::catalogue().expand(pattern);
    if listed.is_empty() {
        return vec![pattern.replace('*', "Probe").replace('?', "X")];
    }
    sample(listed)
}

/// The first, middle and last of a list (all of it when shorter).
fn sample(list: Vec<String>) -> Vec<String> {
    if list.len() <= 3 {
        return list;
    }
    let n = list.len();
    vec![list[0].clone(), list[n / 2].clone(), list[n - 1].clone()]
}

/// A concrete resource standing for a pattern in probes (`*` stays `*`).
fn probe_resource(pattern: &str, principal: &Principal) -> Option<String> {
    if pattern == "*" {
        return Some("*".into());
    }
    let p = pattern.replace("${aws:username}", &principal.name);
    if p.contains("${") {
        return None;
    }
    Some(p.replace('*', "rampart-probe").replace('?', "x"))
}

fn sid(label: &str, i: usize) -> String {
    let clean: String = label
        .split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<String>()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("{clean}{i}")
}

fn age(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> String {
    match t {
        None => "never".into(),
        Some(t) => match (now - t).num_days() {
            0 => "today".into(),
            1 => "1 day ago".into(),
            d => format!("{d} days ago"),
        },
    }
}

/// The narrowed policy of `principal` from the services it used in the `days` before
/// `now`, with the removed services and the engine's verification.
pub fn rightsize(
    auth: &Authorizer,
    principal: &Principal,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Rightsized, RightsizeError> {
    let inv = auth.inventory();
    if principal.kind == PrincipalKind::Root || principal.account != inv.account.id {
        return Err(RightsizeError::NotAPrincipal(principal.arn.clone()));
    }
    let all = inv
        .iam
        .service_last_accessed
        .get()
        .map_err(|gap| RightsizeError::NotCollected(gap.describe()))?;
    let report = match all.get(&principal.arn) {
        None => {
            return Err(RightsizeError::NoReport {
                principal: principal.arn.clone(),
                reason: "the snapshot holds no report for it".into(),
            })
        }
        Some(Collected::Missing(gap)) => {
            return Err(RightsizeError::NoReport {
                principal: principal.arn.clone(),
                reason: gap.describe(),
            })
        }
        Some(Collected::Ok(r)) => r,
    };
    let since = now - chrono::Duration::days(days);
    let used = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t >= since);
    let mut kept: Vec<KeptService> = Vec::new();
    let mut removed_services: Vec<&ServiceAccess> = Vec::new();
    for s in &report.services {
        if used(s.last_authenticated) {
            let actions: Vec<String> = s
                .tracked_actions
                .iter()
                .filter(|a| used(a.last_accessed))
                .map(|a| format!("{}:{}", s.namespace, a.action))
                .collect();
            kept.push(KeptService {
                namespace: s.namespace.clone(),
                name: s.name.clone(),
                last_used: s.last_authenticated.expect("used"),
                actions: (!actions.is_empty()).then_some(actions),
            });
        } else {
            removed_services.push(s);
        }
    }
    let sources = sources(inv, principal);

    // The narrowed statements.
    let mut narrowed: Vec<Value> = Vec::new();
    for src in &sources {
        for (i, st) in src.statements.iter().enumerate() {
            let Some(obj) = st.as_object() else { continue };
            let effect = obj.get("Effect").and_then(Value::as_str).unwrap_or("");
            let mut out = obj.clone();
            out.insert("Sid".into(), json!(sid(&src.label, i)));
            if effect == "Deny" {
                narrowed.push(Value::Object(out));
                continue;
            }
            let listed = strings(obj.get("Action"));
            let except = strings(obj.get("NotAction"));
            let mut actions: Vec<String> = Vec::new();
            for k in &kept {
                let ns = k.namespace.as_str();
                let candidates: Vec<String> = match &k.actions {
                    Some(used) => used
                        .iter()
                        .filter(|a| {
                            if obj.contains_key("NotAction") {
                                !except.iter().any(|p| action_matches(p, a))
                            } else {
                                listed.iter().any(|p| action_matches(p, a))
                            }
                        })
                        .cloned()
                        .collect(),
                    None if obj.contains_key("NotAction") => {
                        if except.iter().any(|p| action_matches(p, &format!("{ns}:*"))) {
                            vec![]
                        } else {
                            vec![format!("{ns}:*")]
                        }
                    }
                    None => listed
                        .iter()
                        .filter(|p| pattern_covers_service(p, ns))
                        .map(|p| within(p, ns))
                        .collect(),
                };
                for a in candidates {
                    if !actions.contains(&a) {
                        actions.push(a);
                    }
                }
            }
            if actions.is_empty() {
                continue;
            }
            out.remove("NotAction");
            out.insert("Action".into(), json!(actions));
            narrowed.push(Value::Object(out));
        }
    }
    let policy = json!({"Version": "2012-10-17", "Statement": narrowed});

    let granted_by = |ns: &str| -> Vec<String> {
        sources
            .iter()
            .filter(|src| {
                src.statements.iter().any(|st| {
                    st.get("Effect").and_then(Value::as_str) == Some("Allow")
                        && if st.get("NotAction").is_some() {
                            !strings(st.get("NotAction"))
                                .iter()
                                .any(|p| action_matches(p, &format!("{ns}:*")))
                        } else {
                            strings(st.get("Action"))
                                .iter()
                                .any(|p| pattern_covers_service(p, ns))
                        }
                })
            })
            .map(|src| src.label.clone())
            .collect()
    };
    let removed: Vec<RemovedService> = removed_services
        .iter()
        .map(|s| {
            let by = granted_by(&s.namespace);
            let reason = format!(
                "{}: granted by {}, last used {}",
                s.namespace,
                if by.is_empty() {
                    "no identity policy (Access Advisor lists it)".to_owned()
                } else {
                    by.join(", ")
                },
                age(now, s.last_authenticated)
            );
            RemovedService {
                namespace: s.namespace.clone(),
                name: s.name.clone(),
                last_used: s.last_authenticated,
                granted_by: by,
                reason,
            }
        })
        .collect();

    let v = verify(auth, principal, &policy, &sources, &kept, &removed)?;
    Ok(Rightsized {
        principal: principal.arn.clone(),
        label: crate::graph::short_arn(&principal.arn),
        days,
        report_date: report.job_completion_date,
        policy,
        kept,
        removed,
        verified: v.discrepancies.is_empty(),
        used_checked: v.used_checked,
        removed_checked: v.removed_checked,
        discrepancies: v.discrepancies,
        notes: v.notes,
    })
}

/// What the engine said about a narrowed policy.
struct Verification {
    used_checked: usize,
    removed_checked: usize,
    discrepancies: Vec<Discrepancy>,
    notes: Vec<String>,
}

/// Evaluates, over an account where the principal's identity policies are replaced by
/// `policy`, every used action (probed on the resources the original statements name) and
/// every removed service's actions: the first must stay allowed, the second be denied.
fn verify(
    auth: &Authorizer,
    principal: &Principal,
    policy: &Value,
    sources: &[Source],
    kept: &[KeptService],
    removed: &[RemovedService],
) -> Result<Verification, RightsizeError> {
    let inv = auth.inventory();
    // Verification: the engine over an account where the principal's identity policies are
    // replaced by the narrowed one.
    let mut h = inv.clone();
    let replaced = InlinePolicy {
        name: "rampart-rightsized".into(),
        document: policy.clone(),
    };
    if let Collected::Ok(users) = &mut h.iam.users {
        for u in users.iter_mut().filter(|u| u.arn == principal.arn) {
            u.inline_policies = vec![replaced.clone()];
            u.attached_policies.clear();
            u.groups.clear();
        }
    }
    if let Collected::Ok(roles) = &mut h.iam.roles {
        for r in roles.iter_mut().filter(|r| r.arn == principal.arn) {
            r.inline_policies = vec![replaced.clone()];
            r.attached_policies.clear();
        }
    }
    let narrowed_auth = Authorizer::new(&h).map_err(|e| RightsizeError::Verification {
        principal: principal.arn.clone(),
        reason: e.to_string(),
    })?;
    let Some(narrowed_principal) = narrowed_auth.find_principal(&principal.arn) else {
        return Err(RightsizeError::Verification {
            principal: principal.arn.clone(),
            reason: "the principal is not in the narrowed account".into(),
        });
    };
    let ctx = RequestContext::default();
    let decide = |a: &Authorizer, p: &Principal, action: &str, resource: &str| {
        a.evaluate(&Request {
            principal: p,
            action,
            resource,
            context: &ctx,
        })
        .verdict
    };
    // Probes: (action, resource) pairs from the original Allow statements.
    let probes_for = |ns: &str, only: Option<&[String]>| -> BTreeSet<(String, String)> {
        let mut set = BTreeSet::new();
        for src in sources {
            for st in &src.statements {
                if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
                    continue;
                }
                let resources = match st.get("Resource") {
                    Some(_) => strings(st.get("Resource")),
                    None => vec!["*".to_owned()],
                };
                let actions: Vec<String> = match only {
                    Some(list) => list.to_vec(),
                    None if st.get("NotAction").is_some() => {
                        let except = strings(st.get("NotAction"));
                        let listed: Vec<String> = crate::actions::catalogue()
                            .actions_of(ns)
                            .into_iter()
                            .filter(|a| !except.iter().any(|p| action_matches(p, a)))
                            .collect();
                        if listed.is_empty() {
                            vec![format!("{ns}:Probe")]
                        } else {
                            sample(listed)
                        }
                    }
                    None => strings(st.get("Action"))
                        .iter()
                        .filter(|p| pattern_covers_service(p, ns))
                        .flat_map(|p| probe_actions(&within(p, ns)))
                        .collect(),
                };
                for a in actions {
                    for r in &resources {
                        if let Some(r) = probe_resource(r, principal) {
                            set.insert((a.clone(), r));
                        }
                    }
                }
            }
        }
        set
    };
    let mut discrepancies = Vec::new();
    let mut notes = Vec::new();
    let (mut used_checked, mut removed_checked) = (0, 0);
    for k in kept {
        for (action, resource) in probes_for(&k.namespace, k.actions.as_deref()) {
            let before = decide(auth, principal, &action, &resource);
            if before == Verdict::Denied {
                continue;
            }
            let after = decide(&narrowed_auth, narrowed_principal, &action, &resource);
            if after == Verdict::Denied || (before == Verdict::Allowed && after != Verdict::Allowed)
            {
                discrepancies.push(Discrepancy {
                    action,
                    resource,
                    expected: "allowed",
                    got: after,
                });
            } else {
                used_checked += 1;
            }
        }
    }
    for s in removed {
        let probes = probes_for(&s.namespace, None);
        let mut any = false;
        for (action, resource) in probes {
            if decide(auth, principal, &action, &resource) == Verdict::Denied {
                continue;
            }
            any = true;
            let after = decide(&narrowed_auth, narrowed_principal, &action, &resource);
            if after != Verdict::Denied {
                discrepancies.push(Discrepancy {
                    action,
                    resource,
                    expected: "denied",
                    got: after,
                });
            } else {
                removed_checked += 1;
            }
        }
        if !any {
            notes.push(format!(
                "{}: the original policies do not allow it either (granted by a policy the \
                 snapshot does not hold, or denied): nothing to remove",
                s.namespace
            ));
        }
    }
    Ok(Verification {
        used_checked,
        removed_checked,
        discrepancies,
        notes,
    })
}

impl Rightsized {
    /// The result as text, for `rampart rightsize`.
    pub fn render_text(&self, now: DateTime<Utc>) -> String {
        let mut out = format!(
            "Rightsized policy for {} (services used in the last {} days",
            self.label, self.days
        );
        if let Some(d) = self.report_date {
            let _ = write!(out, "; Access Advisor report of {}", d.format("%Y-%m-%d"));
        }
        out.push_str(")\n\nKept:\n");
        if self.kept.is_empty() {
            out.push_str("  (nothing: no service was used in the period)\n");
        }
        for k in &self.kept {
            let _ = write!(
                out,
                "  {} ({}): last used {}",
                k.namespace,
                k.name,
                age(now, Some(k.last_used))
            );
            match &k.actions {
                Some(a) => {
                    let _ = writeln!(out, "; actions {}", a.join(", "));
                }
                None => out.push_str("; tracked per service: its granted actions are kept\n"),
            }
        }
        out.push_str("\nRemoved:\n");
        if self.removed.is_empty() {
            out.push_str("  (nothing)\n");
        }
        for r in &self.removed {
            let _ = writeln!(out, "  {}", r.reason);
        }
        let _ = writeln!(
            out,
            "\nVerified: {} ({} used action probe(s) stay allowed, {} removed-service probe(s) \
             denied)",
            if self.verified { "yes" } else { "NO" },
            self.used_checked,
            self.removed_checked
        );
        for d in &self.discrepancies {
            let _ = writeln!(
                out,
                "  discrepancy: {} on {} should be {}, the engine says {}",
                d.action, d.resource, d.expected, d.got
            );
        }
        for n in &self.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        let _ = writeln!(
            out,
            "\nPolicy:\n{}",
            serde_json::to_string_pretty(&self.policy).unwrap_or_default()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{allow, doc, inline, trust, Fixture};
    use serde_json::json;

    // The verification is not a formality: a narrowed policy that still grants a removed
    // service, or lost a used action, is reported with each discrepancy.
    #[test]
    fn a_wrong_narrowing_is_caught() {
        let mut fx = Fixture::new();
        fx.role("app", trust(json!({"Service": "ec2.amazonaws.com"})))
            .inline_policies = vec![inline(
            "app",
            doc(json!([allow(
                json!(["s3:GetObject", "iam:ListRoles"]),
                json!("*")
            )])),
        )];
        let auth = fx.authorizer();
        let app = auth.find_principal("role/app").unwrap().clone();
        let sources = sources(auth.inventory(), &app);
        let kept = vec![KeptService {
            namespace: "s3".into(),
            name: "Amazon S3".into(),
            last_used: auth.inventory().collected_at,
            actions: Some(vec!["s3:GetObject".into()]),
        }];
        let removed = vec![RemovedService {
            namespace: "iam".into(),
            name: "IAM".into(),
            last_used: None,
            granted_by: vec![],
            reason: String::new(),
        }];
        // Wrong: keeps IAM and drops S3.
        let wrong = doc(json!([allow(json!("iam:*"), json!("*"))]));
        let v = verify(&auth, &app, &wrong, &sources, &kept, &removed).unwrap();
        let found: Vec<(&str, &str)> = v
            .discrepancies
            .iter()
            .map(|d| (d.action.as_str(), d.expected))
            .collect();
        assert_eq!(
            found,
            [("s3:GetObject", "allowed"), ("iam:ListRoles", "denied")]
        );
        // Right: no discrepancy.
        let right = doc(json!([allow(json!("s3:GetObject"), json!("*"))]));
        let v = verify(&auth, &app, &right, &sources, &kept, &removed).unwrap();
        assert!(v.discrepancies.is_empty());
        assert_eq!((v.used_checked, v.removed_checked), (1, 1));
    }
}
