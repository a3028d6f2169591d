//! `iam_cloudshell_full_access`: nobody holds the AWS managed policy `AWSCloudShellFullAccess`.

use super::Holders;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_cloudshell_full_access",
    title: "AWSCloudShellFullAccess is not attached to anyone",
    service: "iam",
    severity: Severity::Medium,
    what: "Whether the AWS managed policy `AWSCloudShellFullAccess` is attached to any user, \
           group or role (GetAccountAuthorizationDetails). One finding for the account, \
           naming every holder.",
    why: "AWSCloudShellFullAccess allows uploading and downloading files to and from the \
          CloudShell environment, and CloudShell has internet access: a way to move data out \
          of the account that bypasses the controls on other paths. Users who need CloudShell \
          should get a policy that denies `cloudshell:GetFileDownloadUrls` and \
          `cloudshell:GetFileUploadUrls`.",
    fix: "Detach it from each holder: aws iam detach-role-policy --role-name <ROLE_NAME> \
          --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess (detach-user-policy \
          --user-name / detach-group-policy --group-name alike), then grant a customer managed \
          policy without file transfer",
    references: &[
        "CIS AWS Foundations v7.0 2.20",
        "https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html",
    ],
    cis: &["2.20"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let holders = Holders::of(&ctx.inventory.iam, "AWSCloudShellFullAccess");
    vec![if !holders.principals.is_empty() {
        f.fail(format!(
            "AWSCloudShellFullAccess is attached to {}",
            holders.principals.join(", ")
        ))
    } else if !holders.unread.is_empty() {
        f.error_reason(format!(
            "could not be evaluated: AWSCloudShellFullAccess is attached to no principal \
             read, but {}",
            holders.unread_text()
        ))
    } else {
        f.pass("AWSCloudShellFullAccess is attached to no user, group or role")
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{attached, group, role, user};
    use rampart_inventory::Collected;

    const SHELL: &str = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess";

    // CIS 2.20: principals without the policy pass (other CloudShell policies are fine).
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        let mut u = user("alice");
        u.attached_policies = vec![attached(
            "AWSCloudShellPowerUserAccess",
            "arn:aws:iam::aws:policy/AWSCloudShellPowerUserAccess",
        )];
        fx.inv.iam.users = Collected::Ok(vec![u]);
        fx.inv.iam.roles = Collected::Ok(vec![role("app")]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.20: every holder is named; a holder fails even when another list is missing.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        let mut g = group("devs");
        g.attached_policies = vec![attached("AWSCloudShellFullAccess", SHELL)];
        fx.inv.iam.groups = Collected::Ok(vec![g]);
        let mut u = user("bob");
        u.attached_policies = vec![attached("AWSCloudShellFullAccess", SHELL)];
        fx.inv.iam.users = Collected::Ok(vec![u]);
        fx.inv.iam.roles = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
