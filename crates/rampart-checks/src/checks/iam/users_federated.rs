//! `iam_users_federated`: people sign in through federation, not as IAM users with
//! passwords.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_users_federated",
    title: "Console access goes through federation, not IAM user passwords",
    service: "iam",
    severity: Severity::Low,
    what: "Whether any IAM user (root excluded) has a console password, read from the \
           credential report (`password_enabled`). IAM users with only access keys are not \
           counted: they are usually workloads, not people. One finding for the account.",
    why: "CIS 2.19 asks that people be managed centrally, through an identity provider or \
          IAM Identity Center, rather than as IAM users in each account. Central identities \
          are created, reviewed and removed in one place with the organization's own MFA and \
          joiner-leaver process, and they receive temporary credentials; an IAM user's \
          password is a long-lived credential per account that is easily forgotten when \
          someone leaves.",
    fix: "Give people access through IAM Identity Center (aws sso-admin \
          create-account-assignment --instance-arn <SSO_INSTANCE_ARN> --target-type AWS_ACCOUNT \
          --target-id <ACCOUNT_ID> --permission-set-arn <PERMISSION_SET_ARN> --principal-type \
          GROUP --principal-id <GROUP_ID>) or an identity provider (aws iam \
          create-saml-provider --name <NAME> --saml-metadata-document file://<METADATA.xml>), \
          then remove each IAM user's console password: aws iam delete-login-profile \
          --user-name <USER_NAME>",
    references: &[
        "CIS AWS Foundations v7.0 2.19",
        "https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html",
    ],
    cis: &["2.19"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// How many user names a FAIL reason lists before `and N more`.
const NAMES_SHOWN: usize = 5;

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let report = match ctx.inventory.iam.credential_report.get() {
        Ok(report) => report,
        Err(gap) => return vec![f.error(gap)],
    };
    let users: Vec<&str> = report
        .rows
        .iter()
        .filter(|row| !row.is_root() && row.password_enabled)
        .map(|row| row.user.as_str())
        .collect();
    vec![match users.len() {
        0 => f.pass(
            "no IAM user signs in with a password: console access goes through federation or \
             IAM Identity Center",
        ),
        n => {
            let mut names = users[..n.min(NAMES_SHOWN)].join(", ");
            if n > NAMES_SHOWN {
                names.push_str(&format!(" and {} more", n - NAMES_SHOWN));
            }
            let who = if n == 1 {
                "1 IAM user signs".to_owned()
            } else {
                format!("{n} IAM users sign")
            };
            f.fail(format!(
                "{who} in to the console with a password instead of federation: {names}"
            ))
        }
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::iam::testing::{active_key, root_row, row, set_rows, with_password};

    // CIS 2.19: a root password and key-only users do not count: PASS.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        let mut ci = row("ci-deployer");
        ci.access_keys[0] = active_key(30, Some(1));
        set_rows(&mut fx, vec![with_password(root_row(), 100, Some(2)), ci]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.19: IAM users with console passwords fail, named up to five.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        set_rows(&mut fx, vec![with_password(row("alice"), 30, Some(1))]);
        insta::assert_json_snapshot!("fail_one", run_check(&CHECK, &fx.inv));

        let names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"];
        let mut rows: Vec<_> = names
            .iter()
            .map(|n| with_password(row(n), 30, None))
            .collect();
        rows.push(row("ci-deployer"));
        set_rows(&mut fx, rows);
        insta::assert_json_snapshot!("fail_many", run_check(&CHECK, &fx.inv));
    }
}
