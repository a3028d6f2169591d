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

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Turns on all four settings of the bucket's own Block Public Access \
          (PutPublicAccessBlock). Safe when neither the bucket's policy nor its ACL grants \
          anything to everyone; disruptive when one does (a public website or download \
          bucket), since the block would cut that access off.",
    plan: fix,
    state: None,
    reads: &[],
};

/// The step for a bucket whose Block Public Access has a setting off.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::{logical_id, render::hcl_string, Call, NotFixable, Risk, Step};
    let bucket = super::finding_bucket(ctx, finding)?;
    let name = &bucket.name;
    let before = bucket.public_access_block.get().map_err(|gap| {
        NotFixable::gap(&format!("the Block Public Access of bucket {name}"), gap)
    })?;
    let (risk, risk_reason) = match super::serves_public(bucket)? {
        Some(fact) => (Risk::Disruptive, fact),
        None => (
            Risk::Safe,
            format!("neither the policy nor the ACL of bucket {name} grants anything to everyone"),
        ),
    };
    let region = bucket.region.as_str();
    let call = Call::new(
        "s3",
        "PutPublicAccessBlock",
        serde_json::json!({
            "Bucket": name,
            "PublicAccessBlockConfiguration": super::block_all_on(),
        }),
    );
    let undo = match before {
        None => Call::new(
            "s3",
            "DeletePublicAccessBlock",
            serde_json::json!({"Bucket": name}),
        ),
        Some(b) => Call::new(
            "s3",
            "PutPublicAccessBlock",
            serde_json::json!({
                "Bucket": name,
                "PublicAccessBlockConfiguration": super::block_state(Some(b)),
            }),
        ),
    };
    let tf = logical_id("bucket_bpa_", &bucket.arn);
    Ok(vec![Step::new(META.id, &bucket.arn, region, risk, risk_reason, vec![call])
        .states(
            serde_json::json!({"PublicAccessBlockConfiguration": super::block_state(before.as_ref())}),
            serde_json::json!({"PublicAccessBlockConfiguration": super::block_all_on()}),
        )
        .cli(&[&[
            "aws", "s3api", "put-public-access-block", "--region", region, "--bucket", name,
            "--public-access-block-configuration",
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ]])
        .terraform(format!(
            "resource \"aws_s3_bucket_public_access_block\" \"{tf}\" {{\n  provider                = aws.{}\n  bucket                  = {}\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}}\n",
            crate::fix::render::provider_alias(region),
            hcl_string(name)
        ))
        .undo(format!(
            "restore the previous configuration with put-public-access-block (before: {}), or \
             delete-public-access-block --bucket {name} when there was none; nothing is lost",
            serde_json::to_string(&super::block_state(before.as_ref())).unwrap_or_default()
        ))
        .undo_calls(vec![undo])])
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

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::fixtures::{denied, Fixture};
    use crate::checks::s3::testing::{bucket, set_account_block, set_buckets, ALL_OFF};
    use crate::fix::{render, testing::assert_states, testing::plan_for, Call, Risk};
    use crate::Settings;
    use rampart_inventory::{AclGrant, Bucket, Collected, PublicAccessBlock};
    use serde_json::json;

    fn open(name: &str) -> Bucket {
        Bucket {
            public_access_block: Collected::Ok(Some(ALL_OFF)),
            ..bucket(name)
        }
    }

    // Issue 14: a bucket with Block Public Access off, whose policy and ACL grant nothing
    // to everyone, gets one safe PutPublicAccessBlock step; a covered bucket gets none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, Some(ALL_OFF));
        set_buckets(&mut fx, vec![open("private-logs"), bucket("covered")]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        assert_eq!(plan.steps[0].risk, Risk::Safe);
        assert!(plan.not_planned.is_empty());
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: the state `rampart fix --apply` and `rampart undo` compare: a bucket with
    // its block half off, and one with none, read as `before`; once the block is on, as a
    // rescan shows it, as `after`. Undo puts the half block back, and deletes the block the
    // other bucket did not have.
    #[test]
    fn fix_states_and_undo() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, Some(ALL_OFF));
        let half = Bucket {
            public_access_block: Collected::Ok(Some(PublicAccessBlock {
                block_public_acls: true,
                ..ALL_OFF
            })),
            ..bucket("half")
        };
        let none = Bucket {
            public_access_block: Collected::Ok(None),
            ..bucket("none")
        };
        set_buckets(&mut fx, vec![half.clone(), none.clone()]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2);
        let mut fixed = Fixture::new();
        set_account_block(&mut fixed, Some(ALL_OFF));
        set_buckets(&mut fixed, vec![bucket("half"), bucket("none")]);
        for step in &plan.steps {
            assert_states(&Settings::default(), &fx.inv, &fixed.inv, step);
        }
        let undo = |name: &str| {
            let step = plan
                .steps
                .iter()
                .find(|s| s.resource.ends_with(name))
                .unwrap();
            step.undo_calls.clone()
        };
        assert_eq!(
            undo("half"),
            [Call::new(
                "s3",
                "PutPublicAccessBlock",
                json!({"Bucket": "half", "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": true, "IgnorePublicAcls": false,
                    "BlockPublicPolicy": false, "RestrictPublicBuckets": false}})
            )]
        );
        assert_eq!(
            undo("none"),
            [Call::new(
                "s3",
                "DeletePublicAccessBlock",
                json!({"Bucket": "none"})
            )]
        );
    }

    // Issue 14: Block Public Access on a bucket that serves a public website (its policy
    // lets everyone GetObject) is disruptive, and so is one with a public-read ACL.
    #[test]
    fn fix_website_bucket_is_disruptive() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, Some(ALL_OFF));
        let website = Bucket {
            policy: Collected::Ok(Some(json!({"Version": "2012-10-17", "Statement": [{
                "Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::www.example.com/*"}]}))),
            ..open("www.example.com")
        };
        let acl = Bucket {
            acl_grants: Collected::Ok(vec![AclGrant {
                grantee_uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
                grantee_id: None,
                permission: "READ".into(),
            }]),
            ..open("downloads")
        };
        set_buckets(&mut fx, vec![website, acl]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2);
        for step in &plan.steps {
            assert_eq!(step.risk, Risk::Disruptive, "{step:#?}");
        }
        assert!(plan
            .steps
            .iter()
            .any(|s| s.risk_reason.contains("PublicRead")));
        assert!(plan
            .steps
            .iter()
            .any(|s| s.risk_reason.contains("AllUsers")));
    }

    // Issue 14: never guessed: a bucket whose ACL could not be read cannot be classed safe
    // or disruptive, so it is listed as not planned with the gap.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, Some(ALL_OFF));
        set_buckets(
            &mut fx,
            vec![Bucket {
                acl_grants: Collected::Missing(denied("s3:GetBucketAcl")),
                ..open("unread")
            }],
        );
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(plan.steps.is_empty());
        assert_eq!(plan.not_planned.len(), 1);
        assert!(plan.not_planned[0].reason.contains("s3:GetBucketAcl"));
    }
}
