//! Joined attack paths: a foothold an attacker already has (an instance the internet
//! reaches, a live access key found in configuration, a Lambda function anyone may call)
//! followed through the principal it runs as to what that principal reaches: an
//! administrator (by the escalation graph of `rampart-policy`) or data. These are the
//! findings to act on first, hence severity critical.

use crate::{Check, CheckMeta, Context, Finding};
use rampart_inventory::Gap;
use rampart_policy::{data_access, data_summary, Authorizer, Escalation};

mod internet_instance;
mod leaked_key;
mod public_function;

#[cfg(test)]
pub(crate) mod testing;

/// The joined attack path checks.
pub const CHECKS: &[Check] = &[
    internet_instance::CHECK,
    leaked_key::CHECK,
    public_function::CHECK,
];

/// The IAM lists the escalation graph reads, with the gap of each one missing.
pub(crate) fn iam_gaps<'a>(ctx: &Context<'a>) -> Vec<(&'static str, &'a Gap)> {
    let iam = &ctx.inventory.iam;
    let mut gaps = Vec::new();
    if let Err(g) = iam.users.get() {
        gaps.push(("users", g));
    }
    if let Err(g) = iam.groups.get() {
        gaps.push(("groups", g));
    }
    if let Err(g) = iam.roles.get() {
        gaps.push(("roles", g));
    }
    if let Err(g) = iam.policies.get() {
        gaps.push(("managed policies", g));
    }
    gaps
}

/// `users not read (AccessDenied ...); roles not read (...)`.
pub(crate) fn gaps_text(gaps: &[(&str, &Gap)]) -> String {
    gaps.iter()
        .map(|(what, gap)| format!("IAM {what} not read ({})", gap.describe()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What principals reach, from the account's escalation graph (computed once per
/// evaluation, [`Context::escalation`]) and the policy engine for the data they read.
pub(crate) struct Reach<'g, 'a> {
    escalation: &'g Escalation,
    auth: &'g Authorizer<'a>,
}

/// What one principal reaches.
pub(crate) struct Reached {
    /// `role/web is an administrator` or the path, then the data it reads.
    pub text: String,
    /// Whether everything reached hangs on a condition the engine could not decide.
    pub conditional: bool,
}

impl<'g, 'a> Reach<'g, 'a> {
    /// Over the account's escalation graph, with `auth` for what principals read.
    pub fn new(escalation: &'g Escalation, auth: &'g Authorizer<'a>) -> Self {
        Reach { escalation, auth }
    }

    /// What the principal with this ARN reaches: an administrator (itself, or by its
    /// shortest path) and the data it reads; `None` when it reaches neither, `Err` when it
    /// is not a principal of the IAM data.
    pub fn of(&self, arn: &str) -> Result<Option<Reached>, String> {
        let esc = self.escalation;
        let Some(node) = esc.node_of(arn) else {
            return Err(format!("{arn} is not a principal of the IAM data"));
        };
        let label = &esc.nodes[node].label;
        let mut parts = Vec::new();
        let mut conditional = true;
        match esc.admin_state(node) {
            Some(cond) => {
                conditional &= cond;
                parts.push(format!(
                    "{label} is an administrator{}",
                    if cond { " (conditionally)" } else { "" }
                ));
            }
            None => {
                if let Some(p) = esc.paths.get(arn) {
                    conditional &= p.conditional;
                    parts.push(format!("{label} escalates to an administrator: {p}"));
                }
            }
        }
        if esc.admin_state(node) == Some(false) {
            // An administrator reads everything: no need to list it.
            return Ok(Some(Reached {
                text: parts.join("; "),
                conditional: false,
            }));
        }
        let data = data_access(self.auth, &esc.nodes[node].principal);
        if !data.access.is_empty() {
            conditional &= data
                .access
                .iter()
                .all(|d| d.verdict == rampart_policy::Verdict::Conditional);
            parts.push(format!("{label} reads {}", data_summary(&data.access)));
        }
        let mut unread = data.unread;
        unread.extend(esc.notes.iter().cloned());
        if parts.is_empty() {
            if unread.is_empty() {
                return Ok(None);
            }
            return Err(format!(
                "{label} reaches no administrator and reads no data among what was read, but \
                 not everything was: {}",
                unread.join("; ")
            ));
        }
        if !unread.is_empty() {
            parts.push(format!("(not read: {})", unread.join("; ")));
        }
        Ok(Some(Reached {
            text: parts.join("; "),
            conditional,
        }))
    }
}

/// Why SCPs that may apply to the account are unknown, if they are: the account is in an
/// organization it is not the management account of (or whether it is in one was not
/// read) and the SCPs that apply to it were not read. A path found may then be blocked by
/// an SCP.
pub(crate) fn scp_gap(ctx: &Context) -> Option<String> {
    let orgs = &ctx.inventory.organizations;
    match (orgs.organization.get(), orgs.applied_policies.get()) {
        (Ok(None), _) | (_, Ok(_)) => None,
        (Ok(Some(org)), Err(_)) if org.management_account_id == ctx.inventory.account.id => None,
        (Ok(Some(_)), Err(gap)) => Some(format!(
            "the SCPs that apply to the account were not read ({}): a path reported may be \
             blocked by one",
            gap.describe()
        )),
        (Err(gap), Err(_)) => Some(format!(
            "whether the account is in an organization was not read ({}): an SCP may block a \
             path reported",
            gap.describe()
        )),
    }
}

/// Run `each` with the account's escalation graph, or give one ERROR finding on the
/// account when the IAM data it needs is missing or unreadable.
pub(crate) fn with_graph(
    ctx: &Context,
    meta: &'static CheckMeta,
    each: impl FnOnce(&Reach) -> Vec<Finding>,
) -> Vec<Finding> {
    let gaps = iam_gaps(ctx);
    if !gaps.is_empty() {
        return vec![ctx
            .finding(meta, "global", ctx.account_arn())
            .error_reason(format!(
                "could not be evaluated: what the principals reach is unknown: {}",
                gaps_text(&gaps)
            ))];
    }
    let auth = match Authorizer::new(ctx.inventory) {
        Ok(a) => a,
        Err(e) => {
            return vec![ctx
                .finding(meta, "global", ctx.account_arn())
                .error_reason(format!(
                    "could not be evaluated: the account's policies cannot be read: {e}"
                ))]
        }
    };
    let escalation = match ctx.escalation() {
        Ok(e) => e,
        Err(e) => {
            return vec![ctx
                .finding(meta, "global", ctx.account_arn())
                .error_reason(format!("could not be evaluated: {e}"))]
        }
    };
    let reach = Reach::new(escalation, &auth);
    let mut findings = each(&reach);
    if let Some(why) = scp_gap(ctx) {
        findings.push(
            ctx.finding(meta, "global", ctx.account_arn())
                .error_reason(format!("could not be fully evaluated: {why}")),
        );
    }
    findings
}
