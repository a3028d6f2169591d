//! `s3_bucket_policy_public`: no bucket policy grants access to everyone.

use super::{effective, over_buckets, Setting};
use crate::checks::public_policy::{exposure, public_reason, PolicyExposure};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "s3_bucket_policy_public",
    title: "S3 bucket policies do not grant access to everyone",
    service: "s3",
    severity: Severity::Critical,
    what: "Whether a bucket's policy has an Allow statement for `Principal: \"*\"` (or \
           `{\"AWS\": \"*\"}`, or `NotPrincipal`) without a condition that narrows it to known \
           accounts, organizations or networks. When RestrictPublicBuckets is on for the \
           bucket or the account, S3 does not honour such a statement for anyone outside the \
           account, and the finding is lowered to medium.",
    why: "A public statement lets anyone on the internet use the actions it grants: read \
          every object, or write and delete them.",
    fix: "Remove the public statements (or add a condition such as aws:PrincipalOrgID) and \
          put the policy back: aws s3api put-bucket-policy --bucket <BUCKET> --policy \
          file://<POLICY_WITHOUT_PUBLIC_STATEMENTS_JSON>; or drop the policy: aws s3api \
          delete-bucket-policy --bucket <BUCKET>",
    references: &[
        "CIS AWS Foundations v7.0 2.21",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status",
    ],
    cis: &["2.21"],
    needs: &[Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = &ctx.inventory.s3.account_public_access_block;
    over_buckets(ctx, &META, |f, bucket| {
        let name = format!("bucket {}", bucket.name);
        match exposure(&bucket.policy) {
            PolicyExposure::NoPolicy => f.pass(format!("{name} has no bucket policy")),
            PolicyExposure::Private => f.pass(format!(
                "{name} has a policy that grants nothing to everyone"
            )),
            PolicyExposure::Unknown(reason) => f.error_reason(format!("{name}: {reason}")),
            PolicyExposure::Public(grants) => {
                let reason = public_reason(&name, &grants);
                match effective(&bucket.public_access_block, account, |b| {
                    b.restrict_public_buckets
                }) {
                    Setting::On(level) => f.severity(Severity::Medium).fail(format!(
                        "{reason} (not effective publicly while RestrictPublicBuckets is on at \
                         the {level} level)"
                    )),
                    Setting::Off => f.fail(format!(
                        "{reason} (RestrictPublicBuckets is off at the bucket and the account \
                         level)"
                    )),
                    Setting::Unknown(_, gap) => f.fail(format!(
                        "{reason} (whether RestrictPublicBuckets applies is unknown: {})",
                        gap.describe()
                    )),
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::s3::testing::{bucket, set_account_block, set_buckets, ALL_OFF, ALL_ON};
    use rampart_inventory::{Bucket, Collected, PublicAccessBlock};
    use serde_json::json;

    fn public(name: &str) -> Bucket {
        Bucket {
            policy: Collected::Ok(Some(json!({"Statement": [{"Sid": "PublicRead",
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::{name}/*")}]}))),
            public_access_block: Collected::Ok(None),
            ..bucket(name)
        }
    }

    // CIS 2.21: a public statement fails critical without RestrictPublicBuckets anywhere,
    // medium when the bucket's own block restricts it; private and absent policies pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, Some(ALL_OFF));
        set_buckets(
            &mut fx,
            vec![
                bucket("private"),
                Bucket {
                    policy: Collected::Ok(None),
                    ..bucket("no-policy")
                },
                public("open"),
                Bucket {
                    public_access_block: Collected::Ok(Some(PublicAccessBlock {
                        restrict_public_buckets: true,
                        ..ALL_OFF
                    })),
                    ..public("restricted")
                },
            ],
        );
        insta::assert_json_snapshot!("pass_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.21: the account-level RestrictPublicBuckets lowers the finding too.
    #[test]
    fn lowered_by_account() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, Some(ALL_ON));
        set_buckets(&mut fx, vec![public("open")]);
        insta::assert_json_snapshot!("lowered_by_account", run_check(&CHECK, &fx.inv));
    }
}
