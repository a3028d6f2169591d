//! `iam_user_console_mfa`: every IAM user with a console password has MFA.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_user_console_mfa",
    title: "IAM users with a console password have MFA enabled",
    service: "iam",
    severity: Severity::High,
    what: "For every IAM user in the credential report (root excluded: see iam_root_mfa) \
           whose console password is enabled, whether an MFA device is active. Users without \
           a console password are not examined.",
    why: "A console password alone can be phished, guessed or reused from another breach. \
          With MFA, the password is not enough to sign in to the console.",
    fix: "aws iam create-virtual-mfa-device --virtual-mfa-device-name <USER_NAME> \
          --outfile <QR_CODE.png> --bootstrap-method QRCodePNG, then aws iam \
          enable-mfa-device --user-name <USER_NAME> --serial-number <MFA_SERIAL_ARN> \
          --authentication-code1 <CODE1> --authentication-code2 <CODE2> (or let the user \
          assign a device from their own Security credentials page; if the user does not \
          need the console: aws iam delete-login-profile --user-name <USER_NAME>)",
    references: &[
        "CIS AWS Foundations v7.0 2.10",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html",
    ],
    cis: &["2.10"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let report = match ctx.inventory.iam.credential_report.get() {
        Ok(report) => report,
        Err(gap) => return vec![ctx.finding(&META, "global", ctx.account_arn()).error(gap)],
    };
    report
        .rows
        .iter()
        .filter(|row| !row.is_root() && row.password_enabled)
        .map(|row| {
            let f = ctx.finding(&META, "global", &row.arn);
            if row.mfa_active {
                f.pass(format!(
                    "user {} has a console password and an MFA device",
                    row.user
                ))
            } else {
                f.fail(format!(
                    "user {} has a console password and no MFA device",
                    row.user
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::iam::testing::{root_row, row, set_rows, with_password};

    // CIS 2.10: a console user without MFA fails, with MFA passes; users without a console
    // password and the root row are not examined.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        let mut bob = with_password(row("bob"), 30, Some(1));
        bob.mfa_active = true;
        set_rows(
            &mut fx,
            vec![
                with_password(root_row(), 100, Some(2)),
                with_password(row("alice"), 30, Some(1)),
                bob,
                row("ci-deployer"),
            ],
        );
        insta::assert_json_snapshot!("pass_fail", run_check(&CHECK, &fx.inv));
    }
}
