//! `iam_role_cross_account_no_external_id`: roles that other accounts may assume require an
//! external id (or membership of the organization).

use super::policy_document::{statements, string_or_array, Effect, Statement};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use serde_json::Value;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_role_cross_account_no_external_id",
    title: "Roles trusted by other accounts require an external id",
    service: "iam",
    severity: Severity::High,
    what: "For every IAM role, the `Allow` statements of its trust policy that allow \
           `sts:AssumeRole` (wildcards included) to an AWS principal of another account: an \
           account id, or an `arn:...:iam::<ID>:...` / `arn:...:sts::<ID>:...` ARN, whose \
           account is not this one. Such a statement fails unless its condition requires \
           `sts:ExternalId` or `aws:PrincipalOrgID` with `StringEquals` or `StringLike`. \
           Service principals, SAML and OIDC federation, and principals of this account are \
           not cross-account; `Principal: \"*\"` is iam_role_trusts_everyone's to report.",
    why: "A role that trusts a third party's account can be assumed by anything in that \
          account, including the vendor's service acting for another of its customers. \
          Without an external id that only you and the vendor know, another customer can \
          give the vendor your role's ARN and have it act on your account: the confused \
          deputy problem. Roles shared inside your organization can instead require \
          `aws:PrincipalOrgID`.",
    fix: "Add the condition to the trust policy and update it: aws iam \
          update-assume-role-policy --role-name <ROLE_NAME> --policy-document \
          file://<TRUST_POLICY_JSON> (with `\"Condition\": {\"StringEquals\": \
          {\"sts:ExternalId\": \"<EXTERNAL_ID>\"}}` on the cross-account statement, and the \
          same external id configured at the vendor)",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html",
    ],
    cis: &[],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// The account id of an AWS principal written as an account id or an IAM/STS ARN; `None` for
/// `*` and other forms (such as the unique id IAM shows once a trusted principal is deleted).
fn principal_account(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal);
    }
    let parts: Vec<&str> = principal.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam" | "sts", "", account, _] if !account.is_empty() => Some(account),
        _ => None,
    }
}

/// Whether the statement's condition requires `key` with `StringEquals` or `StringLike`.
pub(crate) fn requires(statement: &Statement, key: &str) -> bool {
    statement.condition.is_some_and(|c| {
        c.iter().any(|(operator, keys)| {
            (operator.eq_ignore_ascii_case("StringEquals")
                || operator.eq_ignore_ascii_case("StringLike"))
                && keys
                    .as_object()
                    .is_some_and(|k| k.keys().any(|name| name.eq_ignore_ascii_case(key)))
        })
    })
}

/// The other accounts an `Allow` statement lets assume the role without an external id or
/// organization condition.
fn unguarded_accounts<'a>(st: &Statement<'a>, own: &str) -> Vec<&'a str> {
    if st.effect != Effect::Allow
        || !st.action.allows("sts:AssumeRole")
        || requires(st, "sts:ExternalId")
        || requires(st, "aws:PrincipalOrgID")
    {
        return vec![];
    }
    let Some(Value::Object(principal)) = st.principal else {
        return vec![];
    };
    let mut accounts: Vec<&str> = principal
        .iter()
        .filter(|(kind, _)| kind.as_str() == "AWS")
        .filter_map(|(_, v)| string_or_array(v))
        .flatten()
        .filter_map(principal_account)
        .filter(|account| *account != own)
        .collect();
    accounts.dedup();
    accounts
}

fn run(ctx: &Context) -> Vec<Finding> {
    let own = ctx.inventory.account.id.as_str();
    let account = ctx.account_arn();
    ctx.over(
        &META,
        "global",
        &account,
        &ctx.inventory.iam.roles,
        |role| {
            let f = ctx.finding(&META, "global", &role.arn);
            let name = &role.name;
            let sts = match statements(&role.assume_role_policy) {
                Ok(sts) => sts,
                Err(e) => {
                    return f.error_reason(format!(
                    "could not be evaluated: the trust policy of role {name} cannot be read: {e}"
                ))
                }
            };
            let open: Vec<String> = sts
                .iter()
                .filter_map(|st| {
                    let accounts = unguarded_accounts(st, own);
                    (!accounts.is_empty())
                        .then(|| format!("{} trusts {}", st.label(), accounts.join(", ")))
                })
                .collect();
            if open.is_empty() {
                f.pass(format!(
                    "role {name} trusts no other account without sts:ExternalId or \
                 aws:PrincipalOrgID"
                ))
            } else {
                f.fail(format!(
                    "role {name} can be assumed from another account without an external id: {}",
                    open.join("; ")
                ))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::role;
    use rampart_inventory::{Collected, Role};
    use serde_json::json;

    fn trusting(name: &str, trust: Value) -> Role {
        let mut r = role(name);
        r.assume_role_policy = trust;
        r
    }

    // Confused deputy: third-party trust with sts:ExternalId (StringEquals or StringLike) or
    // aws:PrincipalOrgID passes; services, federation, this account and Deny are not
    // cross-account grants.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.inv.iam.roles = Collected::Ok(vec![
            trusting(
                "vendor",
                json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                    "Condition": {"StringEquals": {"sts:ExternalId": "f00d"}}}]}),
            ),
            trusting(
                "org",
                json!({"Statement": [{"Effect": "Allow", "Action": "sts:*",
                    "Principal": {"AWS": ["444455556666"]},
                    "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-abc*"}}}]}),
            ),
            trusting(
                "local",
                json!({"Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole",
                     "Principal": {"AWS": "arn:aws:iam::111122223333:role/admin",
                                   "Service": "ec2.amazonaws.com"}},
                    {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}},
                    {"Effect": "Deny", "Action": "sts:AssumeRole",
                     "Principal": {"AWS": "arn:aws:iam::444455556666:root"}}]}),
            ),
        ]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // Confused deputy: other accounts (as ids, root, role and STS ARNs, via `sts:*`) without
    // the condition fail; an ExternalId under StringNotEquals or an unrelated condition does
    // not guard.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.inv.iam.roles = Collected::Ok(vec![
            trusting(
                "vendor",
                json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "777788889999",
                                          "arn:aws:iam::111122223333:root"]}}}),
            ),
            trusting(
                "weak",
                json!({"Statement": [{"Sid": "Partner", "Effect": "Allow", "Action": ["sts:*"],
                    "Principal": {"AWS": "arn:aws:sts::444455556666:assumed-role/x/y"},
                    "Condition": {"StringNotEquals": {"sts:ExternalId": "x"},
                                  "Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
            ),
        ]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // Unread roles, or a trust policy that cannot be read, are ERRORs.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.iam.roles = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));

        fx.inv.iam.roles = Collected::Ok(vec![trusting("broken", json!({"Version": "x"}))]);
        insta::assert_json_snapshot!("error_document", run_check(&CHECK, &fx.inv));
    }

    // Account ids are read from ids and IAM/STS ARNs only.
    #[test]
    fn principal_accounts() {
        assert_eq!(principal_account("444455556666"), Some("444455556666"));
        assert_eq!(
            principal_account("arn:aws:iam::444455556666:role/a/b"),
            Some("444455556666")
        );
        assert_eq!(principal_account("*"), None);
        assert_eq!(principal_account("AROAEXAMPLEID"), None);
        assert_eq!(principal_account("arn:aws:s3:::bucket"), None);
    }
}
