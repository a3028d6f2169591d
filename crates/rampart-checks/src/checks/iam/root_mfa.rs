//! `iam_root_mfa`: the root user has MFA enabled.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, Gap, IamData};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_root_mfa",
    title: "Root user has MFA enabled",
    service: "iam",
    severity: Severity::Critical,
    what: "Whether the account's root user has an MFA device. Read from GetAccountSummary \
           (`AccountMFAEnabled` = 1), which is authoritative for root; the credential \
           report's root row (`mfa_active`) is used only when the summary could not be read \
           or does not carry the counter.",
    why: "The root user can do anything in the account, and IAM policies cannot limit it. \
          With MFA, a stolen or guessed root password is not enough to sign in; without it, \
          the password alone gives the whole account away.",
    fix: "Root MFA is managed from the root user's own session: sign in as root, open \
          Security credentials, choose Assign MFA device (a hardware device, see \
          iam_root_hardware_mfa). Then confirm that this prints 1: aws iam \
          get-account-summary --query SummaryMap.AccountMFAEnabled",
    references: &[
        "CIS AWS Foundations v7.0 2.5",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",
    ],
    cis: &["2.5"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// Whether the root user has MFA, and where that was read.
pub(crate) enum RootMfa<'a> {
    /// MFA is enabled; the text names the source and the value read.
    Enabled(String),
    /// MFA is not enabled; the text names the source and the value read.
    Disabled(String),
    /// Neither source says: the gap of the source that could not be read, if any.
    Unknown(Option<&'a Gap>),
}

/// Whether the root user has MFA: the account summary's `AccountMFAEnabled`, else the
/// credential report's root row.
pub(crate) fn root_mfa(iam: &IamData) -> RootMfa<'_> {
    if let Collected::Ok(summary) = &iam.account_summary {
        match summary.get("AccountMFAEnabled") {
            Some(n) if *n > 0 => return RootMfa::Enabled(format!("AccountMFAEnabled = {n}")),
            Some(n) => return RootMfa::Disabled(format!("AccountMFAEnabled = {n}")),
            None => {}
        }
    }
    if let Collected::Ok(report) = &iam.credential_report {
        if let Some(root) = report.rows.iter().find(|r| r.is_root()) {
            return if root.mfa_active {
                RootMfa::Enabled("credential report: mfa_active = true".into())
            } else {
                RootMfa::Disabled("credential report: mfa_active = false".into())
            };
        }
    }
    RootMfa::Unknown(match (&iam.account_summary, &iam.credential_report) {
        (Collected::Missing(gap), _) | (_, Collected::Missing(gap)) => Some(gap),
        _ => None,
    })
}

/// The reason of an ERROR when neither source says whether root has MFA and both were read.
pub(crate) const ROOT_MFA_UNREPORTED: &str =
    "could not be evaluated: neither the account summary (AccountMFAEnabled) nor the \
     credential report (root row) says whether root has MFA";

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    vec![match root_mfa(&ctx.inventory.iam) {
        RootMfa::Enabled(source) => f.pass(format!("the root user has MFA enabled ({source})")),
        RootMfa::Disabled(source) => f.fail(format!("the root user has no MFA device ({source})")),
        RootMfa::Unknown(Some(gap)) => f.error(gap),
        RootMfa::Unknown(None) => f.error_reason(ROOT_MFA_UNREPORTED),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{root_row, set_rows};

    // CIS 2.5: the account summary decides: AccountMFAEnabled 1 passes, 0 fails.
    #[test]
    fn from_account_summary() {
        let mut fx = Fixture::new();
        fx.summary("AccountMFAEnabled", 0);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));

        fx.summary("AccountMFAEnabled", 1);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.5: without the summary, the credential report's root row decides.
    #[test]
    fn from_credential_report() {
        let mut fx = Fixture::new();
        fx.inv.iam.account_summary = Collected::Missing(denied("iam:GetAccountSummary"));
        let mut root = root_row();
        set_rows(&mut fx, vec![root.clone()]);
        insta::assert_json_snapshot!("fail_report", run_check(&CHECK, &fx.inv));

        root.mfa_active = true;
        set_rows(&mut fx, vec![root]);
        insta::assert_json_snapshot!("pass_report", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.5: never PASS when neither source could be read, or neither says.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.iam.account_summary = Collected::Missing(denied("iam:GetAccountSummary"));
        fx.inv.iam.credential_report = Collected::Missing(denied("iam:GetCredentialReport"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));

        // Both read, neither has the fact (empty summary, report without a root row).
        let fx = Fixture::new();
        insta::assert_json_snapshot!("error_unreported", run_check(&CHECK, &fx.inv));
    }
}
