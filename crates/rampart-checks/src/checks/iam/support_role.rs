//! `iam_support_role`: someone holds `AWSSupportAccess`, to manage incidents with AWS Support.

use super::Holders;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_support_role",
    title: "A support role exists to manage incidents with AWS Support",
    service: "iam",
    severity: Severity::Low,
    what: "Whether the AWS managed policy `AWSSupportAccess` is attached to at least one \
           role, user or group (GetAccountAuthorizationDetails). One finding for the \
           account, naming who holds it.",
    why: "During an incident someone must be able to open and follow AWS Support cases \
          without borrowing an administrator's (or root's) credentials. A role that carries \
          exactly that permission keeps support work least-privileged and auditable.",
    fix: "aws iam create-role --role-name <SUPPORT_ROLE_NAME> --assume-role-policy-document \
          file://<TRUST_POLICY_JSON> && aws iam attach-role-policy --role-name \
          <SUPPORT_ROLE_NAME> --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
    references: &[
        "CIS AWS Foundations v7.0 2.15",
        "https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSupportAccess.html",
    ],
    cis: &["2.15"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let holders = Holders::of(&ctx.inventory.iam, "AWSSupportAccess");
    vec![if !holders.principals.is_empty() {
        f.pass(format!(
            "AWSSupportAccess is attached to {}",
            holders.principals.join(", ")
        ))
    } else if !holders.unread.is_empty() {
        f.error_reason(format!(
            "could not be evaluated: AWSSupportAccess is attached to no principal read, but {}",
            holders.unread_text()
        ))
    } else {
        f.fail("AWSSupportAccess is attached to no role, user or group")
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{attached, group, role, user};
    use rampart_inventory::Collected;

    const SUPPORT: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

    // CIS 2.15: a role holding AWSSupportAccess passes, even when users were not read.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        let mut r = role("support");
        r.attached_policies = vec![attached("AWSSupportAccess", SUPPORT)];
        fx.inv.iam.roles = Collected::Ok(vec![r]);
        fx.inv.iam.users = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.15: no holder fails; a customer policy of the same name does not count.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        let mut g = group("ops");
        g.attached_policies = vec![attached(
            "AWSSupportAccess",
            "arn:aws:iam::111122223333:policy/AWSSupportAccess",
        )];
        fx.inv.iam.groups = Collected::Ok(vec![g]);
        fx.inv.iam.users = Collected::Ok(vec![user("alice")]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
