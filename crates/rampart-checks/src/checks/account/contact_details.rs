//! `account_contact_details`: the account's contact information is filled in.

use super::account_setting;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "account_contact_details",
    title: "The account's contact information is registered",
    service: "account",
    severity: Severity::Low,
    what: "Whether the account's primary contact information has a name, a phone number and \
           an address. Read from the Account Management API (GetContactInformation); only \
           the presence of these fields is stored, never their values. Whether the details \
           are still current cannot be read from an API: that part of the control stays a \
           manual review.",
    why: "AWS uses the contact information to reach the account owner about billing, abuse \
          and security matters, and to confirm who owns the account when access to it must \
          be recovered. Missing or stale details delay both.",
    fix: "aws account put-contact-information --contact-information \
          FullName=<FULL_NAME>,AddressLine1=<ADDRESS>,City=<CITY>,PostalCode=<POSTAL_CODE>,CountryCode=<COUNTRY_CODE>,PhoneNumber=<PHONE_NUMBER>",
    references: &[
        "CIS AWS Foundations v7.0 2.2",
        "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-primary.html",
    ],
    cis: &["2.2"],
    needs: &[Service::Account],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    account_setting(
        ctx,
        &META,
        &ctx.inventory.account_settings.contact_information,
        "has contact information with a name, phone number and \
         address (only their presence is checked, not whether they are current)",
        "lacks a name, phone number or address in its contact \
         information",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    // CIS 2.2: filled-in contact information passes (presence only); incomplete fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));

        fx.inv.account_settings.contact_information = Collected::Ok(false);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
