//! S3 checks: Block Public Access (account and bucket), bucket policies and ACLs open to
//! everyone, HTTPS-only policies, versioning and MFA delete.

use crate::{Check, CheckMeta, Context, Finding};
use rampart_inventory::{Bucket, Collected, Gap, PublicAccessBlock};

mod account_public_access_block;
mod bucket_acl_public;
mod bucket_mfa_delete;
mod bucket_policy_public;
mod bucket_public_access_block;
mod bucket_secure_transport;
mod bucket_server_access_logging;
mod bucket_versioning;

#[cfg(test)]
pub(crate) mod testing;

/// The S3 checks.
pub const CHECKS: &[Check] = &[
    account_public_access_block::CHECK,
    bucket_acl_public::CHECK,
    bucket_mfa_delete::CHECK,
    bucket_policy_public::CHECK,
    bucket_public_access_block::CHECK,
    bucket_secure_transport::CHECK,
    bucket_server_access_logging::CHECK,
    bucket_versioning::CHECK,
];

/// The region of a bucket's findings: its own, or `global` when its location could not be
/// read.
fn bucket_region(bucket: &Bucket) -> &str {
    if bucket.region.is_empty() {
        "global"
    } else {
        &bucket.region
    }
}

/// The usual shape of a bucket check: one ERROR when the buckets could not be listed, else
/// `each` for every bucket.
fn over_buckets<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    mut each: impl FnMut(crate::FindingBuilder, &'a Bucket) -> Finding,
) -> Vec<Finding> {
    let all = format!("arn:{}:s3:::*", ctx.inventory.account.partition);
    ctx.over(meta, "global", &all, &ctx.inventory.s3.buckets, |b| {
        each(ctx.finding(meta, bucket_region(b), b.arn.clone()), b)
    })
}

/// Whether one Block Public Access setting is on for a bucket, counting the bucket's own
/// block and the account's (S3 applies the most restrictive of the two).
enum Setting<'a> {
    /// On, and where: `bucket`, `account`, or `bucket and account`.
    On(&'static str),
    /// Off at both levels.
    Off,
    /// Not on at the level that could be read; the other level (named) could not be read.
    Unknown(&'static str, &'a Gap),
}

/// One setting of the effective block, read with `pick` from the bucket's and the account's.
fn effective<'a>(
    bucket: &'a Collected<Option<PublicAccessBlock>>,
    account: &'a Collected<Option<PublicAccessBlock>>,
    pick: impl Fn(&PublicAccessBlock) -> bool,
) -> Setting<'a> {
    let read = |c: &'a Collected<Option<PublicAccessBlock>>| match c {
        Collected::Ok(b) => Ok(b.as_ref().is_some_and(&pick)),
        Collected::Missing(gap) => Err(gap),
    };
    match (read(bucket), read(account)) {
        (Ok(true), Ok(true)) => Setting::On("bucket and account"),
        (Ok(true), _) => Setting::On("bucket"),
        (_, Ok(true)) => Setting::On("account"),
        (Ok(false), Ok(false)) => Setting::Off,
        (Err(gap), _) => Setting::Unknown("bucket", gap),
        (_, Err(gap)) => Setting::Unknown("account", gap),
    }
}
