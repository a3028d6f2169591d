//! `iam_principal_escalates_to_admin`: no principal that is not an administrator can make
//! itself one, by any published privilege-escalation method.

use crate::checks::paths::{gaps_text, iam_gaps, scp_gap};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_policy::METHODS;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_principal_escalates_to_admin",
    title: "No principal can escalate to administrator",
    service: "iam",
    severity: Severity::High,
    what: "Every IAM user and role (service-linked roles excepted), through the escalation \
           graph of docs/privilege-escalation.md: one edge for each published method \
           (policy versions and attachments, inline policies, access keys and login \
           profiles, group membership, trust policy updates, sts:AssumeRole through trust, \
           iam:PassRole with EC2, Lambda, CloudFormation, Glue, CodeBuild, SageMaker, Data \
           Pipeline and ECS, code updates of existing functions, commands on instances \
           through Systems Manager), each decided by the policy engine over identity \
           policies, permissions boundaries, SCPs and trust policies. A principal that is \
           not an administrator (allowed `*` on `*`) but can reach one fails, with its \
           shortest path hop by hop, each hop naming the method, the action, the resource \
           and the statement that allows it. A path through a condition the engine cannot \
           decide is reported as conditional, at medium severity. Administrators and principals \
           that reach none pass. When data the graph reads is missing (EC2 instances, Lambda \
           functions, instance profiles) or the SCPs that apply to the account were not read \
           (a member account scanned alone), an account-level ERROR says what was not \
           evaluated. iam_policy_privilege_escalation judges each policy alone; this check \
           joins them.",
    why: "A principal that can become an administrator is one, whatever its policies look \
          like one by one: a developer able to create an access key for an operator who may \
          assume the admin role holds the whole account. Attackers (and tools like Pacu) \
          search for exactly these chains after the first foothold.",
    fix: "Break the first hop of the path: remove the permission it names from the \
          statement it names (aws iam put-user-policy --user-name <USER> --policy-name \
          <POLICY_NAME> --policy-document file://<POLICY_JSON>; put-role-policy / \
          create-policy-version alike), scope it to the resources that need it, or set a \
          permissions boundary that denies it (aws iam put-user-permissions-boundary \
          --user-name <USER> --permissions-boundary <POLICY_ARN>).",
    references: &[
        "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
    ],
    cis: &[],
    needs: &[
        Service::Iam,
        Service::Ec2,
        Service::Lambda,
        Service::Organizations,
    ],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = ctx.finding(&META, "global", ctx.account_arn());
    let gaps = iam_gaps(ctx);
    if !gaps.is_empty() {
        return vec![account.error_reason(format!(
            "could not be evaluated: the escalation graph needs every IAM list: {}",
            gaps_text(&gaps)
        ))];
    }
    let graph = match ctx.escalation() {
        Ok(e) => e,
        Err(e) => return vec![account.error_reason(format!("could not be evaluated: {e}"))],
    };
    let paths = &graph.paths;
    let mut findings = Vec::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        if node.external || node.principal.service_linked {
            continue;
        }
        let f = ctx.finding(&META, "global", node.arn.clone());
        let label = &node.label;
        let path = paths.get(&node.arn);
        match (graph.admin_state(i), path) {
            (Some(false), _) => findings.push(f.pass(format!(
                "{label} is an administrator itself (allowed * on *): escalation does not \
                 apply"
            ))),
            (_, Some(p)) => {
                let steps = p.hops.len();
                let f = if p.conditional {
                    f.severity(Severity::Medium)
                } else {
                    f
                };
                findings.push(f.fail(format!(
                    "{label} can reach administrator {} in {steps} step{}{}: {p}",
                    p.admin.label,
                    if steps == 1 { "" } else { "s" },
                    if p.conditional {
                        " if conditions the engine cannot decide hold (medium: conditional)"
                    } else {
                        ""
                    }
                )))
            }
            (Some(true), None) => findings.push(f.pass(format!(
                "{label} is an administrator only under conditions the engine cannot decide, \
                 and no method makes it one otherwise"
            ))),
            (None, None) => findings.push(f.pass(format!(
                "{label} cannot reach an administrator by any of the {} methods",
                METHODS.len()
            ))),
        }
    }
    let mut unknown = graph.notes.clone();
    unknown.extend(scp_gap(ctx));
    if !unknown.is_empty() {
        findings.push(account.error_reason(format!(
            "could not be fully evaluated: {}",
            unknown.join("; ")
        )));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{inline, role, user};
    use rampart_inventory::Collected;
    use serde_json::json;

    /// `dev` can create a key for `ops`, who may assume `admin`; `ci` may pass any role to
    /// Lambda but only under an MFA condition; `boxed` could attach policies to itself but
    /// its boundary allows only S3; `reader` has nothing.
    fn account(fx: &mut Fixture) {
        let mut dev = user("dev");
        dev.inline_policies = vec![inline(
            "dev-inline",
            json!({"Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey",
                "Resource": "arn:aws:iam::111122223333:user/ops"}]}),
        )];
        let mut ops = user("ops");
        ops.inline_policies = vec![inline(
            "ops-inline",
            json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::111122223333:role/admin"}]}),
        )];
        let mut boxed = user("boxed");
        boxed.inline_policies = vec![inline(
            "self",
            json!({"Statement": [{"Effect": "Allow", "Action": "iam:AttachUserPolicy",
                "Resource": "*"}]}),
        )];
        boxed.permissions_boundary = Some("arn:aws:iam::111122223333:policy/s3-only".into());
        fx.inv.iam.users = Collected::Ok(vec![dev, ops, boxed, user("reader")]);
        fx.inv.iam.policies = Collected::Ok(vec![crate::checks::iam::testing::customer_policy(
            "s3-only",
            1,
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:*", "iam:AttachUserPolicy"],
                "Resource": "*"}]}),
        )]);
        let mut admin = role("admin");
        admin.assume_role_policy = json!({"Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]});
        admin.inline_policies = vec![inline(
            "all",
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )];
        let mut ci = role("ci");
        ci.inline_policies = vec![inline(
            "deploy",
            json!({"Statement": [{"Effect": "Allow", "Action": ["iam:PassRole",
                "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
        )];
        let mut exec = role("lambda-admin");
        exec.assume_role_policy = json!({"Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        exec.inline_policies = admin.inline_policies.clone();
        let mut linked = role("AWSServiceRoleForSupport");
        linked.path = "/aws-service-role/support.amazonaws.com/".into();
        linked.arn =
            "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"
                .into();
        fx.inv.iam.roles = Collected::Ok(vec![admin, ci, exec, linked]);
    }

    // Issue 12: dev fails with its two-hop path naming each method, permission and
    // statement; ci fails as conditional; boxed passes (its boundary stops the
    // attachment from making it an administrator); admins pass as administrators; reader
    // passes; the service-linked role is not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        account(&mut fx);
        let findings = run_check(&CHECK, &fx.inv);
        let dev = findings
            .iter()
            .find(|f| f.resource.ends_with("user/dev"))
            .unwrap();
        assert!(
            dev.reason
                .contains("user/dev → (iam:CreateAccessKey on user/ops"),
            "{}",
            dev.reason
        );
        assert!(!findings
            .iter()
            .any(|f| f.resource.contains("aws-service-role")));
        insta::assert_json_snapshot!("pass_and_fail", findings);
    }

    // Missing IAM data: one ERROR, no PASS.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        account(&mut fx);
        fx.inv.iam.policies = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));
    }
}
