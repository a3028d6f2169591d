//! `iam_policy_privilege_escalation`: no attached policy grants actions that let its holder
//! raise their own privileges.

use super::policy_document::{statements, Effect, Elements, Statement};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, Gap, InlinePolicy};
use serde_json::Value;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_policy_privilege_escalation",
    title: "No policy grants privilege-escalation actions on all resources",
    service: "iam",
    severity: Severity::High,
    what: "Every customer managed policy attached to at least one principal and every inline \
           policy of users, groups and roles: whether its `Allow` statements on all resources \
           (`Resource: \"*\"` or any `NotResource`) grant an IAM action that lets the holder \
           give itself more access: iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, \
           iam:Attach{User,Group,Role}Policy, iam:Put{User,Group,Role}Policy, \
           iam:CreateAccessKey, iam:CreateLoginProfile, iam:UpdateLoginProfile, \
           iam:UpdateAssumeRolePolicy, iam:AddUserToGroup, iam:PassRole. Wildcards in \
           actions (`iam:*`, `iam:Put*`) and `NotAction` are expanded against this list. \
           iam:PassRole is named together with the compute actions in the same policy that \
           would run code as the passed role (lambda:CreateFunction, ec2:RunInstances, \
           cloudformation:CreateStack, glue:CreateDevEndpoint, ...). Statements that allow \
           every action on every resource are iam_admin_star_policies' to report and are \
           skipped here.",
    why: "Each of these actions turns limited access into administrator access: write a new \
          version of one's own policy, attach AdministratorAccess to oneself, create a key or \
          console password for an administrator, trust oneself in an admin role, or pass an \
          admin role to a Lambda function or instance and run code as it. A policy that \
          grants them on every resource is an administrator policy in disguise, and it is \
          rarely reviewed as one.",
    fix: "Limit the actions to the resources that need them (for iam:PassRole, the ARNs of \
          the roles to pass, with an iam:PassedToService condition) and publish a new \
          version: aws iam create-policy-version --policy-arn <POLICY_ARN> --policy-document \
          file://<POLICY_JSON> --set-as-default; for an inline policy: aws iam \
          put-role-policy --role-name <ROLE_NAME> --policy-name <POLICY_NAME> \
          --policy-document file://<POLICY_JSON> (put-user-policy / put-group-policy alike)",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
    ],
    cis: &[],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// IAM actions that let the holder grant itself more access, on their own.
const ESCALATION_ACTIONS: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
    "iam:PassRole",
];

/// Actions that run code or create resources as a role passed with iam:PassRole.
const PASS_ROLE_TARGETS: &[&str] = &[
    "lambda:CreateFunction",
    "ec2:RunInstances",
    "cloudformation:CreateStack",
    "glue:CreateDevEndpoint",
    "datapipeline:CreatePipeline",
    "ecs:RunTask",
    "sagemaker:CreateNotebookInstance",
];

/// Whether a statement applies to every resource: `*` in `Resource`, or any `NotResource`.
fn on_all_resources(st: &Statement) -> bool {
    match &st.resource {
        Elements::Listed(_) => st.resource.covers_everything(),
        Elements::AllExcept(_) => true,
        Elements::Absent => false,
    }
}

/// The escalation actions a document grants on all resources, in list order, with
/// iam:PassRole followed by the compute actions it pairs with.
fn escalations(sts: &[Statement]) -> Vec<String> {
    let qualifying: Vec<&Statement> = sts
        .iter()
        .filter(|st| {
            st.effect == Effect::Allow
                && on_all_resources(st)
                // Everything on everything is iam_admin_star_policies' finding.
                && !(st.action.covers_everything() && st.resource.covers_everything())
        })
        .collect();
    let granted = |action: &str| qualifying.iter().any(|st| st.action.allows(action));
    let any_allowed = |action: &str| {
        sts.iter()
            .any(|st| st.effect == Effect::Allow && st.action.allows(action))
    };
    ESCALATION_ACTIONS
        .iter()
        .filter(|a| granted(a))
        .map(|a| {
            let with: Vec<&str> = if *a == "iam:PassRole" {
                PASS_ROLE_TARGETS
                    .iter()
                    .copied()
                    .filter(|t| any_allowed(t))
                    .collect()
            } else {
                vec![]
            };
            if with.is_empty() {
                (*a).to_owned()
            } else {
                format!("{a} (with {})", with.join(", "))
            }
        })
        .collect()
}

/// The name, ARN and inline policies of each principal of one kind, or why they were not read.
type Inline<'a> = Result<Vec<(&'a str, &'a str, &'a [InlinePolicy])>, &'a Gap>;

fn principals_of<'a, T>(
    list: &'a Collected<Vec<T>>,
    parts: impl Fn(&'a T) -> (&'a str, &'a str, &'a [InlinePolicy]),
) -> Inline<'a> {
    list.get().map(|items| items.iter().map(parts).collect())
}

/// The finding for one policy document, named `name` in the reason.
fn judge(ctx: &Context, resource: String, name: &str, document: &Value) -> Finding {
    let f = ctx.finding(&META, "global", resource);
    match statements(document) {
        Err(e) => f.error_reason(format!(
            "could not be evaluated: the document of {name} cannot be read: {e}"
        )),
        Ok(sts) => {
            let found = escalations(&sts);
            if found.is_empty() {
                f.pass(format!(
                    "{name} grants no privilege-escalation action on all resources"
                ))
            } else {
                f.fail(format!(
                    "{name} grants privilege-escalation actions on all resources: {}",
                    found.join(", ")
                ))
            }
        }
    }
}

fn run(ctx: &Context) -> Vec<Finding> {
    let iam = &ctx.inventory.iam;
    let mut findings = Vec::new();
    let mut gaps: Vec<(&str, &Gap)> = Vec::new();
    match iam.policies.get() {
        Ok(policies) => findings.extend(
            policies
                .iter()
                .filter(|p| !p.aws_managed && p.attachment_count > 0)
                .map(|p| {
                    judge(
                        ctx,
                        p.arn.clone(),
                        &format!("policy {}", p.name),
                        &p.document,
                    )
                }),
        ),
        Err(gap) => gaps.push(("managed policies", gap)),
    }
    let principals: [(&str, Inline); 3] = [
        (
            "user",
            principals_of(&iam.users, |u| (&u.name, &u.arn, &u.inline_policies)),
        ),
        (
            "group",
            principals_of(&iam.groups, |g| (&g.name, &g.arn, &g.inline_policies)),
        ),
        (
            "role",
            principals_of(&iam.roles, |r| (&r.name, &r.arn, &r.inline_policies)),
        ),
    ];
    for (kind, list) in principals {
        match list {
            Ok(items) => {
                for (name, arn, policies) in items {
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
            Err(gap) => gaps.push((kind, gap)),
        }
    }
    if !gaps.is_empty() {
        let parts: Vec<String> = gaps
            .iter()
            .map(|(kind, gap)| format!("{kind} list not read ({})", gap.describe()))
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
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::iam::testing::{aws_policy, customer_policy, group, inline, role, user};
    use serde_json::json;

    // Privilege escalation: PassRole limited to named roles, escalation actions on named
    // resources, Deny, unattached and AWS managed policies, and admin `*` on `*` (another
    // check's) are not reported.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.inv.iam.policies = Collected::Ok(vec![
            customer_policy(
                "Deploy",
                1,
                json!({"Statement": [
                    {"Effect": "Allow", "Action": ["lambda:CreateFunction", "iam:PassRole"],
                     "Resource": "arn:aws:iam::111122223333:role/lambda-exec"},
                    {"Effect": "Allow", "Action": "iam:CreateAccessKey",
                     "Resource": "arn:aws:iam::111122223333:user/${aws:username}"},
                    {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}),
            ),
            customer_policy(
                "Unattached",
                0,
                json!({"Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}}),
            ),
            aws_policy(
                "IAMFullAccess",
                1,
                json!({"Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}}),
            ),
        ]);
        let mut admin = role("admin");
        admin.inline_policies = vec![inline(
            "all",
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )];
        fx.inv.iam.roles = Collected::Ok(vec![admin]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // Privilege escalation: exact actions, `iam:Put*` and `iam:*` wildcards (any case),
    // NotAction that leaves IAM in, and PassRole with lambda:CreateFunction are each named.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.inv.iam.policies = Collected::Ok(vec![customer_policy(
            "LambdaDeployer",
            2,
            json!({"Statement": [
                {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
                 "Resource": "arn:aws:lambda:*:111122223333:function:*"},
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}),
        )]);
        let mut u = user("ops");
        u.inline_policies = vec![inline(
            "put",
            json!({"Statement": {"Effect": "Allow", "Action": ["IAM:Put*", "s3:*"],
                                 "Resource": ["*"]}}),
        )];
        fx.inv.iam.users = Collected::Ok(vec![u]);
        let mut g = group("power");
        g.inline_policies = vec![inline(
            "not-s3",
            json!({"Statement": {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}}),
        )];
        fx.inv.iam.groups = Collected::Ok(vec![g]);
        let mut r = role("ci");
        r.inline_policies = vec![inline(
            "iam-admin",
            json!({"Statement": {"Effect": "Allow", "Action": "iam:*",
                                 "NotResource": "arn:aws:iam::111122223333:role/root-*"}}),
        )];
        fx.inv.iam.roles = Collected::Ok(vec![r]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
