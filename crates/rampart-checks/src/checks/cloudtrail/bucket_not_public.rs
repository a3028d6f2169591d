//! `cloudtrail_bucket_not_public`: the S3 bucket each trail writes to is not public.

use super::trails::{bucket_unreadable, per_trail, TrailBucket};
use crate::checks::resource_policy::public_grants;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Bucket, Collected, PublicAccessBlock};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_bucket_not_public",
    title: "CloudTrail buckets are not publicly accessible",
    service: "cloudtrail",
    severity: Severity::High,
    what: "For each trail's S3 bucket in this account: whether its bucket policy has an \
           `Allow` statement for `Principal: \"*\"` without a narrowing condition (the shared \
           reading of public resource policies), unless `RestrictPublicBuckets` is on for the \
           bucket or the account; and whether its ACL grants anything to AllUsers or \
           AuthenticatedUsers, unless `IgnorePublicAcls` is on. A bucket in another account \
           cannot be read from here and gives an ERROR saying so.",
    why: "CloudTrail logs describe the whole account: its users and roles, resource names, \
          IP addresses, and every change made. A public trail bucket hands an attacker the \
          map of the account, and, if writable, a way to plant or destroy evidence.",
    fix: "aws s3api put-public-access-block --bucket <TRAIL_BUCKET_NAME> \
          --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,\
          BlockPublicPolicy=true,RestrictPublicBuckets=true (and remove the public \
          statement: aws s3api put-bucket-policy --bucket <TRAIL_BUCKET_NAME> --policy \
          file://<POLICY_JSON>)",
    references: &[
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ],
    cis: &[],
    needs: &[Service::CloudTrail, Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// Whether a Block Public Access setting is in force for a bucket: `Some(true)` when the
/// bucket's or the account's settings (whichever was read) turn it on, `Some(false)` when
/// both were read and neither does, `None` when it depends on settings not read.
fn in_force(
    account: &Collected<Option<PublicAccessBlock>>,
    bucket: &Collected<Option<PublicAccessBlock>>,
    setting: fn(&PublicAccessBlock) -> bool,
) -> Option<bool> {
    let on =
        |c: &Collected<Option<PublicAccessBlock>>| c.ok().map(|p| p.as_ref().is_some_and(setting));
    match (on(account), on(bucket)) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// One way a bucket could be public.
enum Exposure {
    Private,
    Cancelled(String),
    Public(String),
    Unknown(String),
}

/// Combine what grants public access with whether Block Public Access cancels it.
fn exposure(grants: Result<Vec<String>, String>, blocked: Option<bool>, by: &str) -> Exposure {
    match grants {
        Ok(g) if blocked == Some(true) && !g.is_empty() => {
            Exposure::Cancelled(format!("{} (cancelled by {by})", g.join("; ")))
        }
        _ if blocked == Some(true) => Exposure::Private,
        Ok(g) if g.is_empty() => Exposure::Private,
        Ok(g) if blocked == Some(false) => Exposure::Public(g.join("; ")),
        Ok(g) => Exposure::Unknown(format!(
            "{} (whether {by} cancels it was not read)",
            g.join("; ")
        )),
        Err(why) => Exposure::Unknown(why),
    }
}

/// What makes a bucket public, what might (data not read), and what Block Public Access
/// cancels.
struct Judgement {
    public: Vec<String>,
    unknown: Vec<String>,
    cancelled: Vec<String>,
}

fn judge_bucket(ctx: &Context, b: &Bucket) -> Judgement {
    let account = &ctx.inventory.s3.account_public_access_block;
    let policy_grants = match b.policy.get() {
        Err(gap) => Err(format!("its policy was not read ({})", gap.describe())),
        Ok(None) => Ok(vec![]),
        Ok(Some(doc)) => match public_grants(doc) {
            Ok(grants) => Ok(grants
                .iter()
                .map(|g| format!("policy {} allows {} to everyone", g.statement, g.actions))
                .collect()),
            Err(e) => Err(format!("its policy cannot be read: {e}")),
        },
    };
    let acl_grants = match b.acl_grants.get() {
        Err(gap) => Err(format!("its ACL was not read ({})", gap.describe())),
        Ok(grants) => Ok(grants
            .iter()
            .filter(|g| g.is_public())
            .map(|g| {
                let who = g.grantee_uri.as_deref().unwrap_or_default();
                let who = who.rsplit('/').next().unwrap_or(who);
                format!("ACL grants {} to {who}", g.permission)
            })
            .collect()),
    };
    let checks = [
        exposure(
            policy_grants,
            in_force(account, &b.public_access_block, |p| {
                p.restrict_public_buckets
            }),
            "RestrictPublicBuckets",
        ),
        exposure(
            acl_grants,
            in_force(account, &b.public_access_block, |p| p.ignore_public_acls),
            "IgnorePublicAcls",
        ),
    ];
    let mut j = Judgement {
        public: vec![],
        unknown: vec![],
        cancelled: vec![],
    };
    for e in checks {
        match e {
            Exposure::Private => {}
            Exposure::Cancelled(what) => j.cancelled.push(what),
            Exposure::Public(what) => j.public.push(what),
            Exposure::Unknown(what) => j.unknown.push(what),
        }
    }
    j
}

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| {
        let bucket = TrailBucket::of(ctx, trail);
        let TrailBucket::Owned(b) = bucket else {
            return f.error_reason(bucket_unreadable(trail, &bucket));
        };
        let name = &trail.name;
        let Judgement {
            public,
            unknown,
            cancelled,
        } = judge_bucket(ctx, b);
        if !public.is_empty() {
            f.fail(format!(
                "bucket {} of trail `{name}` is public: {}",
                b.name,
                public.join("; ")
            ))
        } else if !unknown.is_empty() {
            f.error_reason(format!(
                "could not be evaluated: bucket {} of trail `{name}` might be public: {}",
                b.name,
                unknown.join("; ")
            ))
        } else if cancelled.is_empty() {
            f.pass(format!(
                "bucket {} of trail `{name}` grants nothing to everyone",
                b.name
            ))
        } else {
            f.pass(format!(
                "bucket {} of trail `{name}` is not public: {}",
                b.name,
                cancelled.join("; ")
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, add_buckets, bucket, trail};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::AclGrant;
    use serde_json::json;

    const NAME: &str = "cloudtrail-logs-111122223333";

    fn public_policy() -> serde_json::Value {
        json!({"Statement": [
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::cloudtrail-logs-111122223333/*"},
            {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::cloudtrail-logs-111122223333/*"}]})
    }

    fn all_users(permission: &str) -> AclGrant {
        AclGrant {
            grantee_uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
            grantee_id: None,
            permission: permission.into(),
        }
    }

    // Trail bucket exposure: a private bucket passes, and so does a public policy and ACL
    // that the account's Block Public Access cancels.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        let mut b = bucket(NAME);
        b.public_access_block = Collected::Ok(None);
        b.policy = Collected::Ok(Some(public_policy()));
        b.acl_grants = Collected::Ok(vec![all_users("READ")]);
        add_buckets(&mut fx, vec![b]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));

        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        add_buckets(&mut fx, vec![bucket(NAME)]);
        insta::assert_json_snapshot!("pass_private", run_check(&CHECK, &fx.inv));
    }

    // Trail bucket exposure: with Block Public Access off everywhere, a `Principal: "*"`
    // statement and an AllUsers ACL grant fail, each named.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.inv.s3.account_public_access_block = Collected::Ok(None);
        add(&mut fx, trail("main", "us-east-1"));
        let mut b = bucket(NAME);
        b.public_access_block = Collected::Ok(None);
        b.policy = Collected::Ok(Some(public_policy()));
        b.acl_grants = Collected::Ok(vec![all_users("READ")]);
        add_buckets(&mut fx, vec![b]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
