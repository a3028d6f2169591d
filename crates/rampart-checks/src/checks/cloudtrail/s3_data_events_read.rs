//! `cloudtrail_s3_data_events_read`: a multi-region trail records S3 object-level read events
//! for every bucket.

use super::data_events::{evaluate, Access};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_s3_data_events_read",
    title: "S3 object-level read events are logged for all buckets",
    service: "cloudtrail",
    severity: Severity::Medium,
    what: "Whether some trail that applies to every region and is logging records S3 data \
           events of read type (GetObject, HeadObject, GetObjectAcl, ...) for all buckets: a basic event selector with a \
           `DataResources` entry of type `AWS::S3::Object` on `arn:aws:s3` (or \
           `arn:aws:s3:::`) and `ReadWriteType` `All` or `ReadOnly`, or an advanced selector \
           on `eventCategory` = `Data` and `resources.type` = `AWS::S3::Object` whose only \
           other filter is a `readOnly` that keeps read events. Each trail is judged once, \
           from its home region.",
    why: "Management events say that a bucket's policy changed; only data events say who \
          read which objects. Without them, data stolen from S3 with a leaked \
          key leaves no record of what was taken, and the scope of a breach cannot be \
          established.",
    fix: "aws cloudtrail put-event-selectors --trail-name <TRAIL_NAME> --region \
          <HOME_REGION> --advanced-event-selectors '[{\"Name\":\"S3 objects\",\
          \"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},\
          {\"Field\":\"resources.type\",\"Equals\":[\"AWS::S3::Object\"]}]}]' (keep the \
          trail's management-event selector in the same list)",
    references: &[
        "CIS AWS Foundations v7.0 4.9",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html",
    ],
    cis: &["4.9"],
    needs: &[Service::CloudTrail],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    evaluate(ctx, &META, Access::Read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{s3_data_events_fail, s3_data_events_pass};
    use crate::checks::fixtures::run_check;

    // CIS 4.9: a multi-region, logging trail with S3 object events (ReadOnly) for all buckets
    // passes.
    #[test]
    fn pass() {
        let fx = s3_data_events_pass("ReadOnly");
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.9: management events only, the other access type only, and a single-region
    // trail with the right selectors all fail, each named.
    #[test]
    fn fail() {
        let fx = s3_data_events_fail("WriteOnly");
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
