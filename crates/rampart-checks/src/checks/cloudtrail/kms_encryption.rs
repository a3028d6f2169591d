//! `cloudtrail_kms_encryption`: every trail encrypts its log files with a KMS key.

use super::trails::per_trail;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_kms_encryption",
    title: "CloudTrail logs are encrypted with a KMS key",
    service: "cloudtrail",
    severity: Severity::Medium,
    what: "Whether each trail encrypts its log files with an AWS KMS key (SSE-KMS; \
           DescribeTrails `KmsKeyId`) rather than relying on the bucket's default encryption \
           alone.",
    why: "CloudTrail logs show who did what, from where, and which resources exist: a map for \
          an attacker. With SSE-KMS, reading a log file needs `kms:Decrypt` on the key as well \
          as `s3:GetObject` on the bucket, so a bucket policy mistake alone does not expose \
          them, and every use of the key is itself logged.",
    fix: "aws cloudtrail update-trail --name <TRAIL_NAME> --kms-key-id <KMS_KEY_ARN> \
          --region <HOME_REGION> (the key policy must allow cloudtrail.amazonaws.com to \
          GenerateDataKey*)",
    references: &[
        "CIS AWS Foundations v7.0 4.5",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html",
    ],
    cis: &["4.5"],
    needs: &[Service::CloudTrail],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| match &trail.kms_key_id {
        Some(key) => f.pass(format!(
            "trail `{}` encrypts its log files with KMS key {key}",
            trail.name
        )),
        None => f.fail(format!(
            "trail `{}` does not encrypt its log files with a KMS key",
            trail.name
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, trail};
    use crate::checks::fixtures::{run_check, Fixture};

    // CIS 4.5: a trail with a KMS key passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.5: a trail without a KMS key fails, while an encrypted one passes beside it.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        let mut plain = trail("legacy", "us-east-1");
        plain.kms_key_id = None;
        plain.is_multi_region = false;
        add(&mut fx, plain);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
