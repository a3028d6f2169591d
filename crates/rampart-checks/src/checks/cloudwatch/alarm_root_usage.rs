//! `cloudwatch_alarm_root_usage` (CIS 5.3): Root user activity is monitored, through a metric
//! filter on the trail's log group, an alarm on its metric and an SNS topic with a confirmed
//! subscription.

use super::metric_chain::evaluate;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// The benchmark's metric filter pattern for CIS 5.3.
pub const PATTERN: &str = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudwatch_alarm_root_usage",
    title: "Root user activity is monitored",
    service: "cloudwatch",
    severity: Severity::Medium,
    what: "Whether the account alerts on any call made by the root user itself \
           (`userIdentity.type` `Root`, not invoked by an AWS service, not an AWS service \
           event). The chain CIS 5.3 asks for: a multi-region, logging trail with all \
           management events delivers to a CloudWatch Logs log group; a metric filter on that \
           group matches at least every event the benchmark's pattern matches (the pattern in \
           the fix; compared as logic, so term order, quoting and spacing do not matter and \
           extra alternatives are fine); a CloudWatch alarm watches the filter's metric; the \
           alarm notifies an SNS topic; the topic has a confirmed subscription. One finding \
           for the account; a FAIL names the first missing link.",
    why: "The root user should almost never act. Any root activity is either a rare deliberate \
          task or a compromise of the one identity no policy can limit; either way someone \
          should know at once.",
    fix: "aws logs put-metric-filter --log-group-name <TRAIL_LOG_GROUP_NAME> --filter-name \
          root_usage --metric-transformations \
          metricName=root_usage,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ \
          $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType \
          != \"AwsServiceEvent\" }' && aws cloudwatch put-metric-alarm --alarm-name root_usage \
          --metric-name root_usage --namespace CISBenchmark --statistic Sum --period 300 \
          --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold \
          --evaluation-periods 1 --alarm-actions <SNS_TOPIC_ARN> (and a confirmed \
          subscription: aws sns subscribe --topic-arn <SNS_TOPIC_ARN> --protocol email \
          --notification-endpoint <EMAIL_ADDRESS>)",
    references: &[
        "CIS AWS Foundations v7.0 5.3",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html",
    ],
    cis: &["5.3"],
    needs: &[Service::CloudTrail, Service::Logs, Service::CloudWatch, Service::Sns],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    evaluate(ctx, &META, PATTERN)
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: super::metric_chain::FIX_HOW,
    plan: fix,
    state: Some(super::metric_chain::state),
    reads: &[],
};

/// The step that completes this control's monitoring chain.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    super::metric_chain::fix(&META, PATTERN, ctx, finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudwatch::testing::pass_fail_error;

    // CIS 5.3: the full chain with the benchmark's pattern passes; a near miss of the
    // pattern fails; unread metric filters are an ERROR.
    #[test]
    fn pass_fail_error_findings() {
        let near_miss = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.eventName = "ConsoleLogin" }"#.to_owned();
        let [pass, fail, error] = pass_fail_error(&CHECK, PATTERN, &near_miss);
        insta::assert_json_snapshot!("pass", pass);
        insta::assert_json_snapshot!("fail", fail);
        insta::assert_json_snapshot!("error", error);
    }
}
