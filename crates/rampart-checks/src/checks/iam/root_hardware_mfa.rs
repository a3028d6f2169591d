//! `iam_root_hardware_mfa`: the root user's MFA is a hardware device, not a virtual one.

use super::root_mfa::{root_mfa, RootMfa, ROOT_MFA_UNREPORTED};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_root_hardware_mfa",
    title: "Root user uses a hardware MFA device",
    service: "iam",
    severity: Severity::Medium,
    what: "Whether the root user has MFA (as iam_root_mfa reads it) and none of its MFA \
           devices is virtual. A virtual MFA device is assigned to root when \
           ListVirtualMFADevices lists one whose user is the root ARN \
           (`arn:aws:iam::<ACCOUNT_ID>:root`, or any ARN ending in `:root`). Root without \
           any MFA fails too.",
    why: "A virtual MFA device lives on a phone or computer that is used for other things, \
          may be backed up, lost or compromised, and is held by whoever holds that device. \
          For the one identity that can do anything in the account, a dedicated hardware \
          key kept in a safe place is the stronger second factor.",
    fix: "Sign in as root, open Security credentials, assign a hardware MFA device (FIDO \
          security key or hardware TOTP token), then remove the virtual one. Find its serial \
          with: aws iam list-virtual-mfa-devices --assignment-status Assigned --query \
          \"VirtualMFADevices[?ends_with(User.Arn, ':root')].SerialNumber\"",
    references: &[
        "CIS AWS Foundations v7.0 2.6",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html",
    ],
    cis: &["2.6"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let iam = &ctx.inventory.iam;
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let source = match root_mfa(iam) {
        RootMfa::Enabled(source) => source,
        RootMfa::Disabled(source) => {
            return vec![f.fail(format!("the root user has no MFA device at all ({source})"))]
        }
        RootMfa::Unknown(Some(gap)) => return vec![f.error(gap)],
        RootMfa::Unknown(None) => return vec![f.error_reason(ROOT_MFA_UNREPORTED)],
    };
    let devices = match iam.virtual_mfa_devices.get() {
        Ok(devices) => devices,
        Err(gap) => return vec![f.error(gap)],
    };
    let root_arn = ctx.account_arn();
    let virtual_serials: Vec<&str> = devices
        .iter()
        .filter(|d| {
            d.user_arn
                .as_deref()
                .is_some_and(|arn| arn == root_arn || arn.ends_with(":root"))
        })
        .map(|d| d.serial_number.as_str())
        .collect();
    vec![if virtual_serials.is_empty() {
        f.pass(format!(
            "the root user has MFA enabled ({source}) and no virtual MFA device"
        ))
    } else {
        f.fail(format!(
            "the root user uses a virtual MFA device ({})",
            virtual_serials.join(", ")
        ))
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture, ACCOUNT};
    use rampart_inventory::{Collected, VirtualMfaDevice};

    fn device(serial: &str, user_arn: Option<String>) -> VirtualMfaDevice {
        VirtualMfaDevice {
            serial_number: format!("arn:aws:iam::{ACCOUNT}:mfa/{serial}"),
            user_arn,
            enable_date: None,
        }
    }

    // CIS 2.6: MFA on, and the only virtual devices belong to other users (or no one): PASS.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.summary("AccountMFAEnabled", 1);
        fx.inv.iam.virtual_mfa_devices = Collected::Ok(vec![
            device("alice", Some(format!("arn:aws:iam::{ACCOUNT}:user/alice"))),
            device("spare", None),
        ]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.6: a virtual device assigned to root fails; so does root without any MFA.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.summary("AccountMFAEnabled", 1);
        fx.inv.iam.virtual_mfa_devices = Collected::Ok(vec![device(
            "root-account-mfa-device",
            Some(format!("arn:aws:iam::{ACCOUNT}:root")),
        )]);
        insta::assert_json_snapshot!("fail_virtual", run_check(&CHECK, &fx.inv));

        fx.summary("AccountMFAEnabled", 0);
        insta::assert_json_snapshot!("fail_no_mfa", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.6: MFA on but the virtual device list unread: ERROR, never PASS.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.summary("AccountMFAEnabled", 1);
        fx.inv.iam.virtual_mfa_devices = Collected::Missing(denied("iam:ListVirtualMFADevices"));
        insta::assert_json_snapshot!("error_devices", run_check(&CHECK, &fx.inv));

        fx.inv.iam.account_summary = Collected::Missing(denied("iam:GetAccountSummary"));
        fx.inv.iam.credential_report = Collected::Missing(denied("iam:GetCredentialReport"));
        insta::assert_json_snapshot!("error_mfa", run_check(&CHECK, &fx.inv));
    }
}
