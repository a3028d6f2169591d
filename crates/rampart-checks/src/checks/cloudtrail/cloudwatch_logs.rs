//! `cloudtrail_cloudwatch_logs`: every trail delivers its events to CloudWatch Logs.

use super::trails::per_trail;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_cloudwatch_logs",
    title: "CloudTrail trails deliver to CloudWatch Logs",
    service: "cloudtrail",
    severity: Severity::Low,
    what: "Whether each trail sends its events to a CloudWatch Logs log group \
           (DescribeTrails `CloudWatchLogsLogGroupArn`), and when the last delivery happened \
           (GetTrailStatus `LatestCloudWatchLogsDeliveryTime`).",
    why: "The metric filters and alarms of CIS section 5 (root use, console sign-in without \
          MFA, IAM policy changes, CloudTrail and Config changes, ...) all read the trail's \
          events from CloudWatch Logs. A trail that only writes to S3 can be searched after \
          the fact, but raises no alarm while something happens.",
    fix: "aws cloudtrail update-trail --name <TRAIL_NAME> --cloud-watch-logs-log-group-arn \
          <LOG_GROUP_ARN> --cloud-watch-logs-role-arn <CLOUDTRAIL_TO_LOGS_ROLE_ARN> \
          --region <HOME_REGION>",
    references: &[
        "Supports CIS AWS Foundations v7.0 section 5 (monitoring)",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
    ],
    cis: &[],
    needs: &[Service::CloudTrail],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| {
        let name = &trail.name;
        let Some(group) = &trail.cloudwatch_logs_log_group_arn else {
            return f.fail(format!(
                "trail `{name}` does not send events to CloudWatch Logs"
            ));
        };
        let delivery = match trail.status.get() {
            Ok(status) => match &status.latest_cloudwatch_logs_delivery_time {
                Some(time) => format!("last delivery at {time}"),
                None => "no delivery recorded yet".to_owned(),
            },
            Err(gap) => format!("delivery status not read: {}", gap.describe()),
        };
        f.pass(format!(
            "trail `{name}` sends events to CloudWatch Logs log group {group} ({delivery})"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, trail};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    // CIS 5 (monitoring): a trail with a log group passes, saying when it last delivered, or
    // that it has not delivered yet.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        let mut fresh = trail("new", "us-east-1");
        fresh.is_multi_region = false;
        if let Collected::Ok(status) = &mut fresh.status {
            status.latest_cloudwatch_logs_delivery_time = None;
        }
        add(&mut fx, fresh);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 5 (monitoring): a trail without a log group fails.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        let mut s3_only = trail("main", "us-east-1");
        s3_only.cloudwatch_logs_log_group_arn = None;
        add(&mut fx, s3_only);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
