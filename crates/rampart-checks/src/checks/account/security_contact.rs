//! `account_security_contact`: the account has a SECURITY alternate contact.

use super::account_setting;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "account_security_contact",
    title: "A security contact is registered for the account",
    service: "account",
    severity: Severity::Medium,
    what: "Whether the account has a SECURITY alternate contact. Read from the Account \
           Management API (GetAlternateContact with type SECURITY); only its presence is \
           stored, never the name, e-mail address or phone number.",
    why: "AWS writes to the security contact when it sees the account attacking others, \
          credentials exposed in a public repository, or abuse reports about its resources. \
          Without one those notices go only to the root e-mail address, which is often an \
          unread mailbox, and an incident AWS has already spotted runs on unnoticed.",
    fix: "aws account put-alternate-contact --alternate-contact-type SECURITY \
          --email-address <SECURITY_TEAM_EMAIL> --name <NAME> --phone-number <PHONE_NUMBER> \
          --title <TITLE>",
    references: &[
        "CIS AWS Foundations v7.0 2.3",
        "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html",
    ],
    cis: &["2.3"],
    needs: &[Service::Account],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    account_setting(
        ctx,
        &META,
        &ctx.inventory.account_settings.security_contact,
        "has a SECURITY alternate contact registered",
        "has no SECURITY alternate contact: AWS security notices reach \
         only the root e-mail address",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    // CIS 2.3: a registered SECURITY contact passes; none fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));

        fx.inv.account_settings.security_contact = Collected::Ok(false);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
