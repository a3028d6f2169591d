//! `s3_bucket_mfa_delete`: every bucket has versioning with MFA delete.

use super::over_buckets;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "s3_bucket_mfa_delete",
    title: "S3 buckets have MFA delete enabled",
    service: "s3",
    severity: Severity::Low,
    what: "Whether each bucket's versioning (GetBucketVersioning) is `Enabled` with \
           `MFADelete` `Enabled`.",
    why: "With MFA delete, permanently deleting an object version or turning versioning off \
          needs the root user's MFA code as well as credentials: stolen keys alone cannot \
          destroy the bucket's history.",
    fix: "As the root user, with its MFA device: aws s3api put-bucket-versioning --bucket \
          <BUCKET> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa \
          \"<ROOT_MFA_DEVICE_ARN> <MFA_CODE>\"",
    references: &[
        "CIS AWS Foundations v7.0 3.1.2",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html",
    ],
    cis: &["3.1.2"],
    needs: &[Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_buckets(ctx, &META, |f, bucket| {
        let name = format!("bucket {}", bucket.name);
        let v = match bucket.versioning.get() {
            Ok(v) => v,
            Err(gap) => return f.error(gap),
        };
        let status = v.status.as_deref().unwrap_or("never enabled");
        let mfa = v.mfa_delete.as_deref().unwrap_or("never configured");
        if status == "Enabled" && mfa == "Enabled" {
            f.pass(format!("{name} has versioning and MFA delete enabled"))
        } else {
            f.fail(format!(
                "{name} does not require MFA to delete versions (versioning: {status}, MFA \
                 delete: {mfa})"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::s3::testing::{bucket, set_buckets};
    use rampart_inventory::{Bucket, BucketVersioning, Collected};

    // CIS 3.1.2: versioning with MFA delete passes; versioning alone, or none, fails; an
    // unreadable configuration is an ERROR.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        set_buckets(
            &mut fx,
            vec![
                bucket("protected"),
                Bucket {
                    versioning: Collected::Ok(BucketVersioning {
                        status: Some("Enabled".into()),
                        mfa_delete: Some("Disabled".into()),
                    }),
                    ..bucket("versioned")
                },
                Bucket {
                    versioning: Collected::Ok(BucketVersioning::default()),
                    ..bucket("plain")
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
