//! `s3_bucket_server_access_logging`: every bucket records server access logs in another
//! bucket.

use super::over_buckets;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "s3_bucket_server_access_logging",
    title: "S3 buckets record server access logs",
    service: "s3",
    severity: Severity::Low,
    what: "Whether each bucket's server access logging (GetBucketLogging) is on and delivers \
           to another bucket. A bucket that logs into itself fails: every delivery writes an \
           object that is itself logged, so its logs grow without end.",
    why: "Server access logs record every request made to the bucket, with the requester, the \
          operation, the key and the response: they are how a read of sensitive objects or a \
          mass delete is traced afterwards. CloudTrail data events cover the same ground at \
          a higher price and only where they are configured.",
    fix: "aws s3api put-bucket-logging --bucket <BUCKET> --bucket-logging-status \
          '{\"LoggingEnabled\":{\"TargetBucket\":\"<LOG_BUCKET>\",\"TargetPrefix\":\"<BUCKET>/\"}}' \
          (the log bucket's policy must allow logging.s3.amazonaws.com to put objects)",
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    ],
    cis: &[],
    needs: &[Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_buckets(ctx, &META, |f, bucket| {
        let name = format!("bucket {}", bucket.name);
        match bucket.logging_target.get() {
            Err(gap) => f.error(gap),
            Ok(None) => f.fail(format!("{name} has server access logging off")),
            Ok(Some(target)) if *target == bucket.name => f.fail(format!(
                "{name} delivers its server access logs to itself, so each delivery is logged \
                 again"
            )),
            Ok(Some(target)) => f.pass(format!(
                "{name} delivers server access logs to bucket {target}"
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::s3::testing::{bucket, set_buckets};
    use rampart_inventory::{Bucket, Collected};

    // Practice (S3 server access logging): logs delivered to another bucket pass; logging
    // off, or into the bucket itself, fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let logging_to = |name: &str, target: &str| Bucket {
            logging_target: Collected::Ok(Some(target.into())),
            ..bucket(name)
        };
        set_buckets(
            &mut fx,
            vec![
                logging_to("orders", "access-logs"),
                bucket("scratch"),
                logging_to("access-logs", "access-logs"),
            ],
        );
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
