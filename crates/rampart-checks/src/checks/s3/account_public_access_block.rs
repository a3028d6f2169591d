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

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Turns on all four account-level settings (s3control PutPublicAccessBlock). Safe when \
          no bucket's policy or ACL grants anything to everyone; disruptive when one does, \
          naming the buckets it would cut off. Not planned when a bucket's policy or ACL \
          could not be read.",
    plan: fix,
    state: None,
    reads: &[],
};

/// The step for an account whose Block Public Access is missing or has a setting off.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::{logical_id, render::hcl_string, Call, NotFixable, Risk, Step};
    let account = &ctx.inventory.account;
    let before = ctx
        .inventory
        .s3
        .account_public_access_block
        .get()
        .map_err(|gap| NotFixable::gap("the account-level Block Public Access", gap))?;
    let buckets = ctx
        .inventory
        .s3
        .buckets
        .get()
        .map_err(|gap| NotFixable::gap("the bucket list", gap))?;
    let mut public = Vec::new();
    for bucket in buckets {
        if let Some(fact) = super::serves_public(bucket)? {
            public.push(fact);
        }
    }
    let (risk, risk_reason) = if public.is_empty() {
        (
            Risk::Safe,
            format!(
                "no policy or ACL of the account's {} bucket(s) grants anything to everyone",
                buckets.len()
            ),
        )
    } else {
        (Risk::Disruptive, public.join("; "))
    };
    let call = Call::new(
        "s3control",
        "PutPublicAccessBlock",
        serde_json::json!({
            "AccountId": account.id,
            "PublicAccessBlockConfiguration": super::block_all_on(),
        }),
    );
    let undo = match before {
        None => Call::new(
            "s3control",
            "DeletePublicAccessBlock",
            serde_json::json!({"AccountId": account.id}),
        ),
        Some(b) => Call::new(
            "s3control",
            "PutPublicAccessBlock",
            serde_json::json!({
                "AccountId": account.id,
                "PublicAccessBlockConfiguration": super::block_state(Some(b)),
            }),
        ),
    };
    let tf = logical_id("account_bpa_", &account.id);
    Ok(vec![Step::new(META.id, &finding.resource, "global", risk, risk_reason, vec![call])
        .states(
            serde_json::json!({"PublicAccessBlockConfiguration": super::block_state(before.as_ref())}),
            serde_json::json!({"PublicAccessBlockConfiguration": super::block_all_on()}),
        )
        .cli(&[&[
            "aws", "s3control", "put-public-access-block", "--account-id", &account.id,
            "--public-access-block-configuration",
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ]])
        .terraform(format!(
            "resource \"aws_s3_account_public_access_block\" \"{tf}\" {{\n  account_id              = {}\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}}\n",
            hcl_string(&account.id)
        ))
        .undo(
            "restore the previous configuration with s3control put-public-access-block, or \
             s3control delete-public-access-block when there was none; nothing is lost",
        )
        .undo_calls(vec![undo])])
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

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::fixtures::{denied, Fixture, ACCOUNT};
    use crate::checks::s3::testing::{bucket, set_account_block, set_buckets, ALL_OFF, ALL_ON};
    use crate::fix::{render, testing::assert_states, testing::plan_for, Call, Risk};
    use crate::Settings;
    use rampart_inventory::{Bucket, Collected, PublicAccessBlock};
    use serde_json::json;

    // Issue 14: an account block that is off gets one safe s3control step when no bucket is
    // public; one that is on gets none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        set_buckets(&mut fx, vec![bucket("a")]);
        set_account_block(&mut fx, Some(ALL_ON));
        assert!(plan_for(&CHECK, &fx.inv).steps.is_empty());
        set_account_block(&mut fx, None);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.steps[0].risk, Risk::Safe);
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: the account block's state: missing, then partly on, reads as `before`; all
    // on, as a rescan shows it after the call, as `after`. Undo deletes the block that was
    // not there, or puts the partial one back.
    #[test]
    fn fix_states_and_undo() {
        let mut fixed = Fixture::new();
        set_buckets(&mut fixed, vec![bucket("a")]);
        set_account_block(&mut fixed, Some(ALL_ON));
        let partial = PublicAccessBlock {
            block_public_policy: true,
            ..ALL_OFF
        };
        for (before, undo) in [
            (
                None,
                Call::new(
                    "s3control",
                    "DeletePublicAccessBlock",
                    json!({"AccountId": ACCOUNT}),
                ),
            ),
            (
                Some(partial),
                Call::new(
                    "s3control",
                    "PutPublicAccessBlock",
                    json!({"AccountId": ACCOUNT, "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": false, "IgnorePublicAcls": false,
                        "BlockPublicPolicy": true, "RestrictPublicBuckets": false}}),
                ),
            ),
        ] {
            let mut fx = Fixture::new();
            set_buckets(&mut fx, vec![bucket("a")]);
            set_account_block(&mut fx, before);
            let plan = plan_for(&CHECK, &fx.inv);
            assert_eq!(plan.steps.len(), 1);
            assert_states(&Settings::default(), &fx.inv, &fixed.inv, &plan.steps[0]);
            assert_eq!(plan.steps[0].undo_calls, [undo]);
        }
    }

    // Issue 14: the account block would cut off a public website bucket too: disruptive,
    // naming the bucket.
    #[test]
    fn fix_public_bucket_makes_it_disruptive() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, Some(ALL_OFF));
        set_buckets(
            &mut fx,
            vec![Bucket {
                policy: Collected::Ok(Some(json!({"Statement": [{"Effect": "Allow",
                    "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::site/*"}]}))),
                ..bucket("site")
            }],
        );
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps[0].risk, Risk::Disruptive);
        assert!(plan.steps[0].risk_reason.contains("bucket site"));
    }

    // Issue 14: a bucket policy that could not be read leaves the account step unplanned.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, None);
        set_buckets(
            &mut fx,
            vec![Bucket {
                policy: Collected::Missing(denied("s3:GetBucketPolicy")),
                ..bucket("a")
            }],
        );
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0].reason.contains("s3:GetBucketPolicy"));
    }
}
