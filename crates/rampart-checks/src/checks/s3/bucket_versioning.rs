//! `s3_bucket_versioning`: every bucket keeps object versions.

use super::over_buckets;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "s3_bucket_versioning",
    title: "S3 buckets have versioning enabled",
    service: "s3",
    severity: Severity::Low,
    what: "Whether each bucket's versioning (GetBucketVersioning) is `Enabled` (not \
           `Suspended`, not never turned on).",
    why: "Versioning keeps every overwritten or deleted object as an older version, so an \
          accidental delete, a bad deployment or ransomware that overwrites objects can be \
          undone.",
    fix: "aws s3api put-bucket-versioning --bucket <BUCKET> --versioning-configuration \
          Status=Enabled",
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"],
    cis: &[],
    needs: &[Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_buckets(ctx, &META, |f, bucket| {
        let name = format!("bucket {}", bucket.name);
        match bucket.versioning.get() {
            Err(gap) => f.error(gap),
            Ok(v) => match v.status.as_deref() {
                Some("Enabled") => f.pass(format!("{name} has versioning enabled")),
                Some(other) => f.fail(format!("{name} has versioning {other}")),
                None => f.fail(format!("{name} has never had versioning enabled")),
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::s3::testing::{bucket, set_buckets};
    use rampart_inventory::{Bucket, BucketVersioning, Collected};

    // Practice: versioning Enabled passes; Suspended and never enabled fail; unreadable is
    // an ERROR.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        set_buckets(
            &mut fx,
            vec![
                bucket("versioned"),
                Bucket {
                    versioning: Collected::Ok(BucketVersioning {
                        status: Some("Suspended".into()),
                        mfa_delete: None,
                    }),
                    ..bucket("suspended")
                },
                Bucket {
                    versioning: Collected::Ok(BucketVersioning::default()),
                    ..bucket("never")
                },
                Bucket {
                    versioning: Collected::Missing(denied("s3:GetBucketVersioning")),
                    ..bucket("unread")
                },
            ],
        );
        insta::assert_json_snapshot!("pass_fail_error", run_check(&CHECK, &fx.inv));
    }
}
