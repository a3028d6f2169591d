//! `iam_role_trusts_everyone`: no role's trust policy lets anyone assume it.

use crate::checks::resource_policy::public_grants;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_role_trusts_everyone",
    title: "No role can be assumed by everyone",
    service: "iam",
    severity: Severity::Critical,
    what: "For every IAM role, whether an `Allow` statement of its trust policy names \
           `Principal: \"*\"` (or `{\"AWS\": \"*\"}`, or uses `NotPrincipal`) without a \
           condition that narrows who may use it (source account or organization, principal \
           ARN or account, external id, ...). Read through the same reading of public \
           statements as the resource-policy checks.",
    why: "A trust policy open to `*` lets any AWS identity in any account assume the role and \
          use all its permissions. Attackers scan for such roles by guessing role ARNs; \
          nothing but the role's name protects it.",
    fix: "Name the principals that may assume the role, or add a narrowing condition, and \
          update the trust policy: aws iam update-assume-role-policy --role-name <ROLE_NAME> \
          --policy-document file://<TRUST_POLICY_JSON>",
    references: &[
        "Supports CIS AWS Foundations v7.0 2.21",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    ],
    cis: &[],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = ctx.account_arn();
    ctx.over(
        &META,
        "global",
        &account,
        &ctx.inventory.iam.roles,
        |role| {
            let f = ctx.finding(&META, "global", &role.arn);
            let name = &role.name;
            match public_grants(&role.assume_role_policy) {
                Err(e) => f.error_reason(format!(
                    "could not be evaluated: the trust policy of role {name} cannot be read: {e}"
                )),
                Ok(grants) if grants.is_empty() => f.pass(format!(
                    "the trust policy of role {name} names who may assume it"
                )),
                Ok(grants) => {
                    let parts: Vec<String> = grants
                        .iter()
                        .map(|g| format!("{} allows {}", g.statement, g.actions))
                        .collect();
                    f.fail(format!(
                        "anyone can assume role {name}: {} to every principal, with no narrowing \
                     condition",
                        parts.join("; ")
                    ))
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::role;
    use rampart_inventory::Collected;
    use serde_json::json;

    // CIS 2.21 (trust policies): named principals pass; `*` narrowed by an external id or
    // the organization passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        let mut named = role("named");
        named.assume_role_policy = json!({"Statement": [{"Effect": "Allow",
            "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]});
        let mut narrowed = role("narrowed");
        narrowed.assume_role_policy = json!({"Statement": [{"Effect": "Allow",
            "Action": "sts:AssumeRole", "Principal": {"AWS": "*"},
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]});
        fx.inv.iam.roles = Collected::Ok(vec![named, narrowed]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.21 (trust policies): `"*"` and `{"AWS": "*"}` fail, also with a condition that
    // narrows nothing (MFA).
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        let mut star = role("star");
        star.assume_role_policy = json!({"Statement": {"Effect": "Allow",
            "Action": "sts:AssumeRole", "Principal": "*"}});
        let mut aws_star = role("aws-star");
        aws_star.assume_role_policy = json!({"Statement": [{"Sid": "Anyone", "Effect": "Allow",
            "Action": ["sts:AssumeRole", "sts:TagSession"], "Principal": {"AWS": ["*"]},
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]});
        fx.inv.iam.roles = Collected::Ok(vec![star, aws_star]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.21 (trust policies): unread roles or an unreadable trust policy are ERRORs.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.iam.roles = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));

        fx.inv.iam.roles = Collected::Ok(vec![role("no-trust")]);
        insta::assert_json_snapshot!("error_document", run_check(&CHECK, &fx.inv));
    }
}
