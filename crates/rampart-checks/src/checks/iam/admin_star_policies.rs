//! `iam_admin_star_policies`: no attached policy grants `"Action": "*"` on `"Resource": "*"`.

use super::policy_document::{statements, Effect, Statement};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, Gap, InlinePolicy};
use serde_json::Value;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_admin_star_policies",
    title: "No policy grants full administrative privileges (\"*\" on \"*\")",
    service: "iam",
    severity: Severity::High,
    what: "Every managed policy attached to at least one principal (customer managed and AWS \
           managed alike, so AdministratorAccess fails wherever it is attached) and every \
           inline policy of users, groups and roles: whether a statement allows every action \
           on every resource without a condition, that is `Effect: Allow`, `Action` holding \
           `*` (as a string or in an array) and `Resource` holding `*`, and no (or an empty) \
           `Condition`. A `NotAction` or `NotResource` that excludes something is not `*`; \
           an empty one excludes nothing and counts as `*`. Unattached managed policies are \
           not examined. The resource of a managed policy's finding is its ARN; an inline \
           policy has no ARN of its own, so its resource is `<PRINCIPAL_ARN>/inline/<POLICY_NAME>`.",
    why: "A policy that allows `*` on `*` makes whoever holds it an administrator who can \
          read every secret, disable every log and grant themselves anything else. Such \
          access should be rare, deliberate and limited to roles used for break-glass \
          administration, not spread through policies that are easy to attach.",
    fix: "For a managed policy, find who holds it (aws iam list-entities-for-policy \
          --policy-arn <POLICY_ARN>) and detach it (aws iam detach-role-policy --role-name \
          <ROLE_NAME> --policy-arn <POLICY_ARN>; detach-user-policy / detach-group-policy \
          alike), or give a customer managed policy a least-privilege version: aws iam \
          create-policy-version --policy-arn <POLICY_ARN> --policy-document \
          file://<POLICY_JSON> --set-as-default. For an inline policy: aws iam \
          put-role-policy --role-name <ROLE_NAME> --policy-name <POLICY_NAME> \
          --policy-document file://<POLICY_JSON> (put-user-policy / put-group-policy alike), \
          or aws iam delete-role-policy --role-name <ROLE_NAME> --policy-name <POLICY_NAME>",
    references: &[
        "CIS AWS Foundations v7.0 2.14",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
    ],
    cis: &["2.14"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// Whether a statement allows every action on every resource, unconditionally.
fn grants_everything(st: &Statement) -> bool {
    st.effect == Effect::Allow
        && st.action.covers_everything()
        && st.resource.covers_everything()
        && !st.has_condition()
}

/// The finding for one policy document, named `name` in the reason.
fn judge(ctx: &Context, resource: String, name: &str, document: &Value) -> Finding {
    let f = ctx.finding(&META, "global", resource);
    match statements(document) {
        Err(e) => f.error_reason(format!(
            "could not be evaluated: the document of {name} cannot be read: {e}"
        )),
        Ok(sts) => {
            let admin: Vec<String> = sts
                .iter()
                .filter(|st| grants_everything(st))
                .map(Statement::label)
                .collect();
            if admin.is_empty() {
                f.pass(format!(
                    "{name} allows no \"*\" action on \"*\" resources without a condition"
                ))
            } else {
                f.fail(format!(
                    "{name} allows every action on every resource with no condition ({})",
                    admin.join(", ")
                ))
            }
        }
    }
}

/// Findings for the inline policies of one kind of principal; a missing list is noted in
/// `gaps` under `kind`.
fn inline_policies<'a, T: 'a>(
    ctx: &Context,
    kind: &'static str,
    principals: &'a Collected<Vec<T>>,
    parts: impl Fn(&'a T) -> (&'a str, &'a str, &'a [InlinePolicy]),
    findings: &mut Vec<Finding>,
    gaps: &mut Vec<(String, &'a Gap)>,
) {
    match principals.get() {
        Ok(items) => {
            for item in items {
                let (name, arn, policies) = parts(item);
                for p in policies {
                    findings.push(judge(
                        ctx,
                        format!("{arn}/inline/{}", p.name),
                        &format!("inline policy {} of {kind} {name}", p.name),
                        &p.document,
                    ));
                }
            }
        }
        Err(gap) => gaps.push((format!("{kind}s"), gap)),
    }
}

fn run(ctx: &Context) -> Vec<Finding> {
    let iam = &ctx.inventory.iam;
    let mut findings = Vec::new();
    let mut gaps: Vec<(String, &Gap)> = Vec::new();
    match iam.policies.get() {
        Ok(policies) => {
            for p in policies.iter().filter(|p| p.attachment_count > 0) {
                let kind = if p.aws_managed {
                    "AWS managed policy"
                } else {
                    "policy"
                };
                let name = format!("{kind} {}", p.name);
                findings.push(judge(ctx, p.arn.clone(), &name, &p.document));
            }
        }
        Err(gap) => gaps.push(("managed policies".into(), gap)),
    }
    inline_policies(
        ctx,
        "user",
        &iam.users,
        |u| (&u.name, &u.arn, &u.inline_policies),
        &mut findings,
        &mut gaps,
    );
    inline_policies(
        ctx,
        "group",
        &iam.groups,
        |x| (&x.name, &x.arn, &x.inline_policies),
        &mut findings,
        &mut gaps,
    );
    inline_policies(
        ctx,
        "role",
        &iam.roles,
        |r| (&r.name, &r.arn, &r.inline_policies),
        &mut findings,
        &mut gaps,
    );
    if !gaps.is_empty() {
        // One ERROR for the account, naming each list that is missing and why (the lists
        // usually share one call, GetAccountAuthorizationDetails, and so one gap).
        let mut by_gap: Vec<(&Gap, Vec<String>)> = Vec::new();
        for (kind, gap) in gaps {
            match by_gap.iter_mut().find(|(g, _)| *g == gap) {
                Some((_, kinds)) => kinds.push(kind),
                None => by_gap.push((gap, vec![kind])),
            }
        }
        let parts: Vec<String> = by_gap
            .iter()
            .map(|(gap, kinds)| format!("{} not read ({})", kinds.join(" and "), gap.describe()))
            .collect();
        findings.push(
            ctx.finding(&META, "global", ctx.account_arn())
                .error_reason(format!("could not be evaluated: {}", parts.join("; "))),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{aws_policy, customer_policy, group, inline, role, user};
    use serde_json::json;

    fn admin_document() -> Value {
        // AdministratorAccess's document, as AWS publishes it.
        json!({"Version": "2012-10-17",
               "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    }

    // CIS 2.14: least-privilege, conditional, Deny, NotAction-with-exclusions and unattached
    // admin policies all pass (or are not examined).
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.inv.iam.policies = Collected::Ok(vec![
            customer_policy(
                "S3Read",
                2,
                json!({"Statement": {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
                                     "Resource": "*"}}),
            ),
            // Not attached: not examined.
            customer_policy("UnusedAdmin", 0, admin_document()),
            aws_policy(
                "PowerUserAccess",
                1,
                json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
                     "Resource": "*"},
                    {"Effect": "Allow", "Action": ["iam:ListRoles"], "Resource": "*"}]}),
            ),
        ]);
        let mut alice = user("alice");
        alice.inline_policies = vec![inline(
            "admin-with-mfa",
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                   "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
        )];
        fx.inv.iam.users = Collected::Ok(vec![alice]);
        let mut guard = role("guardrail");
        guard.inline_policies = vec![inline(
            "deny-all",
            json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}),
        )];
        fx.inv.iam.roles = Collected::Ok(vec![guard]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.14: "*" on "*" fails whether written as strings or arrays, in a managed policy
    // (AWS managed AdministratorAccess included) or inline in a user, group or role; an
    // empty NotAction/NotResource excludes nothing and fails too.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.inv.iam.policies = Collected::Ok(vec![
            aws_policy("AdministratorAccess", 3, admin_document()),
            customer_policy(
                "LegacyAdmin",
                1,
                json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
            ),
        ]);
        let mut ops = group("ops");
        ops.inline_policies = vec![inline(
            "everything",
            json!({"Statement": [{"Effect": "Allow", "NotAction": [], "NotResource": []}]}),
        )];
        fx.inv.iam.groups = Collected::Ok(vec![ops]);
        let mut deploy = role("deploy");
        deploy.inline_policies = vec![inline(
            "deploy-all",
            json!({"Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Sid": "Everything", "Effect": "Allow", "Action": ["ec2:*", "*"],
                 "Resource": ["arn:aws:s3:::b", "*"], "Condition": {}}]}),
        )];
        fx.inv.iam.roles = Collected::Ok(vec![deploy]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.14: a document that cannot be read, and lists that were not collected, are
    // ERRORs (one on the account for all missing lists); what was read is still judged.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        let gaad = denied("iam:GetAccountAuthorizationDetails");
        fx.inv.iam.policies = Collected::Ok(vec![customer_policy("NoDocument", 1, Value::Null)]);
        let mut bob = user("bob");
        bob.inline_policies = vec![inline(
            "broken",
            json!({"Statement": [{"Effect": "Allow", "Action": 42, "Resource": "*"}]}),
        )];
        fx.inv.iam.users = Collected::Ok(vec![bob]);
        fx.inv.iam.groups = Collected::Missing(gaad.clone());
        fx.inv.iam.roles = Collected::Missing(gaad);
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));

        fx.inv.iam.policies = Collected::Missing(Gap::not_collected());
        insta::assert_json_snapshot!("error_lists", run_check(&CHECK, &fx.inv));
    }
}
