//! `cloudtrail_log_file_validation`: every trail has log file integrity validation enabled.

use super::trails::per_trail;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_log_file_validation",
    title: "CloudTrail log file validation is enabled",
    service: "cloudtrail",
    severity: Severity::Medium,
    what: "Whether each trail has log file integrity validation enabled \
           (DescribeTrails `LogFileValidationEnabled`).",
    why: "With validation on, CloudTrail writes an hourly digest file, signed by AWS, holding \
          the hash of every log file it delivered. `aws cloudtrail validate-logs` can then \
          prove that no log file was changed or deleted after delivery. Without it, someone \
          who can write to the bucket can edit the record of what they did, and no one can \
          tell.",
    fix: "aws cloudtrail update-trail --name <TRAIL_NAME> --enable-log-file-validation \
          --region <HOME_REGION>",
    references: &[
        "CIS AWS Foundations v7.0 4.2",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-enabling.html",
    ],
    cis: &["4.2"],
    needs: &[Service::CloudTrail],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| {
        if trail.log_file_validation {
            f.pass(format!(
                "trail `{}` has log file validation enabled",
                trail.name
            ))
        } else {
            f.fail(format!(
                "trail `{}` has log file validation disabled",
                trail.name
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, trail};
    use crate::checks::fixtures::{run_check, Fixture};

    // CIS 4.2: a trail with log file validation passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.2: a trail without log file validation fails, reported once in its home region
    // although listed in two.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1");
        let mut unvalidated = trail("main", "eu-west-1");
        unvalidated.log_file_validation = false;
        add(&mut fx, unvalidated);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
