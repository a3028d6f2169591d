//! AWS Account Management checks: the account's security contact and contact information
//! are registered, so that AWS can reach the right people about a security event.

use crate::{Check, CheckMeta, Context, Finding};
use rampart_inventory::Collected;

mod contact_details;
mod security_contact;

/// The account checks.
pub const CHECKS: &[Check] = &[contact_details::CHECK, security_contact::CHECK];

/// The shape of an account check: one finding for the account about one yes/no `setting`,
/// PASS with `good`, FAIL with `bad` (both after `account <ID> `), ERROR when it was not read.
fn account_setting(
    ctx: &Context,
    meta: &'static CheckMeta,
    setting: &Collected<bool>,
    good: &str,
    bad: &str,
) -> Vec<Finding> {
    let f = ctx.finding(meta, "global", ctx.account_arn());
    let account = &ctx.inventory.account.id;
    vec![match setting.get() {
        Ok(true) => f.pass(format!("account {account} {good}")),
        Ok(false) => f.fail(format!("account {account} {bad}")),
        Err(gap) => f.error(gap),
    }]
}
