//! `s3_bucket_public_access_block`: every bucket is covered by Block Public Access, its own
//! or the account's.

use super::{effective, over_buckets, Setting};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::PublicAccessBlock;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "s3_bucket_public_access_block",
    title: "Every S3 bucket is covered by Block Public Access",
    service: "s3",
    severity: Severity::Medium,
    what: "For each bucket, whether each of the four Block Public Access settings is on at \
           the bucket (GetPublicAccessBlock) or at the account level: S3 applies the most \
           restrictive combination, so a setting on at either level counts.",
    why: "Block Public Access is the guard rail that stops a policy or ACL mistake from \
          exposing a bucket. A bucket with a setting off at both levels can be made public \
          by one API call.",
    fix: "aws s3api put-public-access-block --bucket <BUCKET> \
          --public-access-block-configuration \
          BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
    references: &[
        "CIS AWS Foundations v7.0 3.1.4",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-bucket.html",
    ],
    cis: &["3.1.4"],
    needs: &[Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// Reads one setting of a block.
type Pick = fn(&PublicAccessBlock) -> bool;

/// The four settings, by name.
const SETTINGS: [(&str, Pick); 4] = [
    ("BlockPublicAcls", |b| b.block_public_acls),
    ("IgnorePublicAcls", |b| b.ignore_public_acls),
    ("BlockPublicPolicy", |b| b.block_public_policy),
    ("RestrictPublicBuckets", |b| b.restrict_public_buckets),
];

fn run(ctx: &Context) -> Vec<Finding> {
    let account = &ctx.inventory.s3.account_public_access_block;
    over_buckets(ctx, &META, |f, bucket| {
        let name = format!("bucket {}", bucket.name);
        let mut off = Vec::new();
        let mut unknown = None;
        let mut on_bucket = Vec::new();
        let mut from_account = Vec::new();
        let mut on_both = 0;
        for (setting, pick) in SETTINGS {
            match effective(&bucket.public_access_block, account, pick) {
                Setting::On("account") => from_account.push(setting),
                Setting::On("bucket") => on_bucket.push(setting),
                Setting::On(_) => on_both += 1,
                Setting::Off => off.push(setting),
                Setting::Unknown(level, gap) => unknown = unknown.or(Some((setting, level, gap))),
            }
        }
        if !off.is_empty() {
            return f.fail(format!(
                "{name} has {} off at both the bucket and the account level",
                off.join(", ")
            ));
        }
        if let Some((setting, unread, gap)) = unknown {
            let read = if unread == "bucket" {
                "account"
            } else {
                "bucket"
            };
            return f.error_reason(format!(
                "could not be evaluated: {setting} of {name} is not on at the {read} level and \
                 the {unread}-level block could not be read: {}",
                gap.describe()
            ));
        }
        let by = if on_both == SETTINGS.len() {
            "on in its own block and in the account-level block".to_owned()
        } else if on_bucket.is_empty() {
            "covered by the account-level block".to_owned()
        } else if from_account.is_empty() {
            "on in its own block".to_owned()
        } else {
            format!(
                "on between its own block ({}) and the account-level block ({})",
                on_bucket.join(", "),
                from_account.join(", ")
            )
        };
        f.pass(format!(
            "{name} has all four Block Public Access settings {by}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::s3::testing::{bucket, set_account_block, set_buckets, ALL_OFF};
    use rampart_inventory::{Bucket, Collected};

    fn buckets() -> Vec<Bucket> {
        vec![
            // Its own block all on.
            bucket("own-block"),
            // No block of its own.
            Bucket {
                public_access_block: Collected::Ok(None),
                ..bucket("no-block")
            },
            // Half its own, half nothing.
            Bucket {
                public_access_block: Collected::Ok(Some(PublicAccessBlock {
                    block_public_acls: true,
                    ignore_public_acls: true,
                    ..ALL_OFF
                })),
                ..bucket("half-block")
            },
            // Its own could not be read.
            Bucket {
                public_access_block: Collected::Missing(denied("s3:GetBucketPublicAccessBlock")),
                ..bucket("unread-block")
            },
        ]
    }

    // CIS 3.1.4: with the account block all on, every bucket is covered, even one whose own
    // block is missing or unreadable.
    #[test]
    fn pass_by_account() {
        let mut fx = Fixture::new();
        set_buckets(&mut fx, buckets());
        insta::assert_json_snapshot!("pass_by_account", run_check(&CHECK, &fx.inv));
    }

    // CIS 3.1.4: without an account block, buckets rely on their own settings: a bucket
    // with none or half fails naming what is off; an unreadable one is an ERROR.
    #[test]
    fn without_account_block() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, None);
        set_buckets(&mut fx, buckets());
        insta::assert_json_snapshot!("no_account_block", run_check(&CHECK, &fx.inv));
    }

    // CIS 3.1.4: the account block unreadable: a bucket whose own block is all on passes,
    // the others are ERRORs naming the account gap.
    #[test]
    fn error_account_unread() {
        let mut fx = Fixture::new();
        fx.inv.s3.account_public_access_block =
            Collected::Missing(denied("s3control:GetPublicAccessBlock"));
        set_buckets(&mut fx, buckets());
        insta::assert_json_snapshot!("account_unread", run_check(&CHECK, &fx.inv));
    }

    // CIS 3.1.4: settings split between the bucket and the account still cover the bucket.
    #[test]
    fn pass_mixed() {
        let mut fx = Fixture::new();
        set_account_block(
            &mut fx,
            Some(PublicAccessBlock {
                block_public_policy: true,
                restrict_public_buckets: true,
                ..ALL_OFF
            }),
        );
        let mut b = buckets();
        b.truncate(3);
        set_buckets(&mut fx, b);
        insta::assert_json_snapshot!("mixed", run_check(&CHECK, &fx.inv));
    }
}
