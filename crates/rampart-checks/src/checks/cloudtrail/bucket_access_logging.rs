//! `cloudtrail_bucket_access_logging`: the S3 bucket each trail writes to has server access
//! logging enabled.

use super::trails::{bucket_unreadable, per_trail, TrailBucket};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_bucket_access_logging",
    title: "CloudTrail buckets have server access logging enabled",
    service: "cloudtrail",
    severity: Severity::Low,
    what: "For each trail, whether the S3 bucket it delivers to (DescribeTrails \
           `S3BucketName`) has server access logging enabled (GetBucketLogging). A bucket \
           that is not among this account's buckets lives in another account, typically a \
           central log archive: its settings cannot be read from here, and the finding is an \
           ERROR that says so rather than a PASS.",
    why: "The trail bucket holds the evidence of everything done in the account. Access \
          logging records who read, overwrote or deleted those logs, which is how tampering \
          with the evidence, or its theft, is itself detected.",
    fix: "aws s3api put-bucket-logging --bucket <TRAIL_BUCKET_NAME> --bucket-logging-status \
          '{\"LoggingEnabled\":{\"TargetBucket\":\"<ACCESS_LOG_BUCKET_NAME>\",\
          \"TargetPrefix\":\"<PREFIX>/\"}}'",
    references: &[
        "CIS AWS Foundations v7.0 4.4",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
    ],
    cis: &["4.4"],
    needs: &[Service::CloudTrail, Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| {
        let bucket = TrailBucket::of(ctx, trail);
        let TrailBucket::Owned(b) = bucket else {
            return f.error_reason(bucket_unreadable(trail, &bucket));
        };
        let name = &trail.name;
        match b.logging_target.get() {
            Err(gap) => f.error_reason(format!(
                "could not be evaluated: the logging of bucket {} (trail `{name}`) was not \
                 read: {}",
                b.name,
                gap.describe()
            )),
            Ok(Some(target)) => f.pass(format!(
                "bucket {} of trail `{name}` logs server access to bucket {target}",
                b.name
            )),
            Ok(None) => f.fail(format!(
                "bucket {} of trail `{name}` has server access logging disabled",
                b.name
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, add_buckets, bucket, trail};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::Collected;

    // CIS 4.4: the trail bucket logs server access.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        add_buckets(&mut fx, vec![bucket("cloudtrail-logs-111122223333")]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.4: logging disabled on the trail bucket fails.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        let mut b = bucket("cloudtrail-logs-111122223333");
        b.logging_target = Collected::Ok(None);
        add_buckets(&mut fx, vec![b]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.4: a bucket of another account, an unread bucket list and unread logging are
    // ERRORs, never PASS.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        insta::assert_json_snapshot!("error_elsewhere", run_check(&CHECK, &fx.inv));

        let mut b = bucket("cloudtrail-logs-111122223333");
        b.logging_target = Collected::Missing(denied("s3:GetBucketLogging"));
        add_buckets(&mut fx, vec![b]);
        insta::assert_json_snapshot!("error_logging", run_check(&CHECK, &fx.inv));

        fx.inv.s3.buckets = Collected::Missing(denied("s3:ListAllMyBuckets"));
        insta::assert_json_snapshot!("error_buckets", run_check(&CHECK, &fx.inv));
    }
}
