//! Fixture pieces for the CloudWatch checks' tests: the full CIS monitoring chain from a
//! trail to a confirmed SNS subscription, which each test then breaks.

use crate::checks::cloudtrail::testing::{add, trail};
use crate::checks::fixtures::{denied, run_check, Fixture, ACCOUNT};
use crate::{Check, Finding};
use rampart_inventory::{Collected, MetricAlarm, MetricFilter, MetricTransformation, Subscription};

/// The SNS topic the fixture alarm notifies.
pub(crate) const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:security-alerts";

/// An account whose chain is complete for `pattern`: trail `main` (us-east-1, multi-region,
/// logging, all management events) delivers to log group `cloudtrail-main`; metric filter
/// `cis-filter` with `pattern` publishes `CISBenchmark/cis_metric`; alarm `cis-alarm`
/// notifies [`TOPIC`], which has a confirmed email subscription.
pub(crate) fn chain(pattern: &str) -> Fixture {
    let mut fx = Fixture::new();
    add(&mut fx, trail("main", "us-east-1"));
    let region = fx.region("us-east-1");
    region.logs.metric_filters = Collected::Ok(vec![MetricFilter {
        name: "cis-filter".into(),
        log_group: "cloudtrail-main".into(),
        pattern: pattern.into(),
        metrics: vec![MetricTransformation {
            namespace: "CISBenchmark".into(),
            name: "cis_metric".into(),
        }],
    }]);
    region.cloudwatch.alarms = Collected::Ok(vec![MetricAlarm {
        name: "cis-alarm".into(),
        arn: format!("arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:cis-alarm"),
        namespace: Some("CISBenchmark".into()),
        metric_name: Some("cis_metric".into()),
        dimensions: vec![],
        actions_enabled: true,
        alarm_actions: vec![TOPIC.into()],
        state: "OK".into(),
    }]);
    region.sns.subscriptions = Collected::Ok(vec![Subscription {
        arn: format!("{TOPIC}:2f1c0d4e-1111-2222-3333-444455556666"),
        topic_arn: TOPIC.into(),
        protocol: "email".into(),
    }]);
    fx
}

/// An account whose chain is complete for every section 5 pattern: [`chain`] with one more
/// metric filter per pattern, all publishing the metric the alarm watches.
pub(crate) fn all_chains() -> Fixture {
    let mut fx = chain(super::PATTERNS[0]);
    if let Collected::Ok(filters) = &mut fx.region("us-east-1").logs.metric_filters {
        let first = filters[0].clone();
        for (i, pattern) in super::PATTERNS.iter().enumerate().skip(1) {
            filters.push(MetricFilter {
                name: format!("cis-filter-{i}"),
                pattern: (*pattern).into(),
                ..first.clone()
            });
        }
    }
    fx
}

/// The findings of a monitoring check over three accounts: the chain complete with the
/// benchmark's `pattern` (PASS), complete but with the `near_miss` pattern (FAIL), and with
/// the region's metric filters unread (ERROR). Also asserts that the near miss differs from
/// `pattern` and that the check's fix carries `pattern`.
pub(crate) fn pass_fail_error(check: &Check, pattern: &str, near_miss: &str) -> [Vec<Finding>; 3] {
    assert_ne!(near_miss, pattern);
    // `rampart explain` shows the fix, which must carry the benchmark's pattern.
    assert!(check.meta.fix.contains(pattern));
    let pass = chain(pattern);
    let fail = chain(near_miss);
    let mut error = chain(pattern);
    error.region("us-east-1").logs.metric_filters =
        Collected::Missing(denied("logs:DescribeMetricFilters"));
    [
        run_check(check, &pass.inv),
        run_check(check, &fail.inv),
        run_check(check, &error.inv),
    ]
}
