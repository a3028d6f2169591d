//! `s3_account_public_access_block`: the account-level S3 Block Public Access has all four
//! settings on.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Collected;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "s3_account_public_access_block",
    title: "S3 Block Public Access is on for the whole account",
    service: "s3",
    severity: Severity::High,
    what: "Whether the account-level S3 Block Public Access configuration \
           (s3control:GetPublicAccessBlock) exists with BlockPublicAcls, IgnorePublicAcls, \
           BlockPublicPolicy and RestrictPublicBuckets all true. An account with no \
           configuration fails.",
    why: "The account-level block overrides every bucket's ACLs and policies: with it on, no \
          bucket of the account can be made public by a mistaken policy, ACL or new bucket. \
          Without it, each bucket's safety rests on each bucket's own settings.",
    fix: "aws s3control put-public-access-block --account-id <ACCOUNT_ID> \
          --public-access-block-configuration \
          BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
    references: &[
        "CIS AWS Foundations v7.0 3.1.4",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ],
    cis: &["3.1.4"],
    needs: &[Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    vec![match &ctx.inventory.s3.account_public_access_block {
        Collected::Missing(gap) => f.error(gap),
        Collected::Ok(None) => f.fail(
            "the account has no S3 Block Public Access configuration: every bucket relies on \
             its own settings",
        ),
        Collected::Ok(Some(block)) if block.all() => {
            f.pass("the account-level S3 Block Public Access has all four settings on")
        }
        Collected::Ok(Some(block)) => f.fail(format!(
            "the account-level S3 Block Public Access has {} off",
            block.off().join(", ")
        )),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::s3::testing::{set_account_block, ALL_ON};
    use rampart_inventory::PublicAccessBlock;

    // CIS 3.1.4: all four settings on passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, Some(ALL_ON));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 3.1.4: a setting off fails naming it; no configuration at all fails too.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        set_account_block(
            &mut fx,
            Some(PublicAccessBlock {
                restrict_public_buckets: false,
                ..ALL_ON
            }),
        );
        insta::assert_json_snapshot!("fail_partial", run_check(&CHECK, &fx.inv));
        set_account_block(&mut fx, None);
        insta::assert_json_snapshot!("fail_none", run_check(&CHECK, &fx.inv));
    }
}
