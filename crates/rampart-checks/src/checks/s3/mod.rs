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
pub(crate) mod delivery_grant;

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

/// The S3 fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[
    account_public_access_block::FIXER,
    bucket_public_access_block::FIXER,
    bucket_secure_transport::FIXER,
];

/// A Block Public Access configuration as the API's `PublicAccessBlockConfiguration`
/// (`None`: not configured).
fn block_state(block: Option<&PublicAccessBlock>) -> serde_json::Value {
    match block {
        None => serde_json::Value::Null,
        Some(b) => serde_json::json!({
            "BlockPublicAcls": b.block_public_acls,
            "IgnorePublicAcls": b.ignore_public_acls,
            "BlockPublicPolicy": b.block_public_policy,
            "RestrictPublicBuckets": b.restrict_public_buckets,
        }),
    }
}

/// All four Block Public Access settings on.
fn block_all_on() -> serde_json::Value {
    block_state(Some(&PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    }))
}

/// The bucket a fixer's finding is about, with its region known, or why it cannot be fixed.
fn finding_bucket<'a>(
    ctx: &Context<'a>,
    finding: &Finding,
) -> Result<&'a Bucket, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let buckets = ctx
        .inventory
        .s3
        .buckets
        .get()
        .map_err(|gap| NotFixable::gap("the bucket list", gap))?;
    let bucket = buckets
        .iter()
        .find(|b| b.arn == finding.resource)
        .ok_or_else(|| NotFixable::new(format!("{} is not in the snapshot", finding.resource)))?;
    if bucket.region.is_empty() {
        return Err(NotFixable::new(format!(
            "the region of bucket {} could not be read",
            bucket.name
        )));
    }
    Ok(bucket)
}

/// Whether a bucket serves content to everyone today, which Block Public Access would cut
/// off: `Some(fact)` naming the policy statements or ACL grants that open it (a public
/// website bucket always has one of them), `None` when neither does.
fn serves_public(bucket: &Bucket) -> Result<Option<String>, crate::fix::NotFixable> {
    use crate::checks::public_policy::{describe_grants, exposure, PolicyExposure};
    use crate::fix::NotFixable;
    let name = &bucket.name;
    let grants = bucket
        .acl_grants
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the ACL of bucket {name}"), gap))?;
    let public_acl: Vec<String> = grants
        .iter()
        .filter(|g| g.is_public())
        .map(|g| {
            format!(
                "{} to {}",
                g.permission,
                g.grantee_uri.as_deref().unwrap_or("?")
            )
        })
        .collect();
    match exposure(&bucket.policy) {
        PolicyExposure::Unknown(reason) => Err(NotFixable::new(format!(
            "whether bucket {name} serves public content is unknown: {reason}"
        ))),
        PolicyExposure::Public(g) => Ok(Some(format!(
            "bucket {name} serves content to everyone today: its policy's {}",
            describe_grants(&g)
        ))),
        PolicyExposure::NoPolicy | PolicyExposure::Private if !public_acl.is_empty() => {
            Ok(Some(format!(
                "bucket {name} serves content to everyone today: its ACL grants {}",
                public_acl.join(", ")
            )))
        }
        PolicyExposure::NoPolicy | PolicyExposure::Private => Ok(None),
    }
}
