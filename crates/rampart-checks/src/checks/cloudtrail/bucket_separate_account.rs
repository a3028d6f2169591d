//! `cloudtrail_bucket_separate_account`: trails deliver to a bucket in another (log-archive)
//! account.

use super::trails::{bucket_unreadable, per_trail, TrailBucket};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_bucket_separate_account",
    title: "CloudTrail logs are delivered to a separate account",
    service: "cloudtrail",
    severity: Severity::Medium,
    what: "For each trail, whether the S3 bucket it delivers to is one of this account's own \
           buckets (ListBuckets). A bucket found among them fails; a bucket not found, while \
           the list was read, belongs to another account and passes (bucket names are \
           global, so a name not in the list is not this account's).",
    why: "Whoever gains administrator access to an account can delete or rewrite logs kept \
          in that same account, and cover their tracks. Logs delivered to a dedicated \
          log-archive account, which the workload account's principals cannot modify, \
          survive the compromise they record.",
    fix: "Create the bucket in the log-archive account with a policy that lets CloudTrail \
          write to it, then point the trail at it: aws cloudtrail update-trail --name \
          <TRAIL_NAME> --s3-bucket-name <LOG_ARCHIVE_BUCKET_NAME> --region <HOME_REGION> (or \
          use an organization trail from the management account)",
    references: &[
        "https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/log-archive.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-set-bucket-policy-for-multiple-accounts.html",
    ],
    cis: &[],
    needs: &[Service::CloudTrail, Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| {
        let name = &trail.name;
        match TrailBucket::of(ctx, trail) {
            TrailBucket::Owned(b) => f.fail(format!(
                "trail `{name}` delivers to bucket {}, which is in this account",
                b.name
            )),
            TrailBucket::Elsewhere(b) => f.pass(format!(
                "trail `{name}` delivers to bucket {b}, which is not owned by this account"
            )),
            other => f.error_reason(bucket_unreadable(trail, &other)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, add_buckets, bucket, trail};
    use crate::checks::fixtures::{run_check, Fixture};

    // Log archive practice: a bucket not among this account's (read) buckets passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        add_buckets(&mut fx, vec![bucket("app-data")]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // Log archive practice: the trail bucket is one of this account's buckets.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        add_buckets(&mut fx, vec![bucket("cloudtrail-logs-111122223333")]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
