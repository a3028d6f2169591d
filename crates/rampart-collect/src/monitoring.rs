//! Monitoring and security services: CloudWatch alarms, CloudWatch Logs metric filters, SNS
//! topics and subscriptions, Security Hub, IAM Access Analyzer (per region) and AWS Budgets
//! (once per account).

use crate::recorder::{items, pages, request, Recorder};
use crate::sdk::{policy_document, s};
use crate::{Collector, RegionCtx};
use rampart_inventory::*;

/// CloudWatch metric alarms of a region.
pub(crate) async fn cloudwatch(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_cloudwatch::Client,
) -> CloudWatchData {
    let alarms = c
        .recorder("cloudwatch", &r.name)
        .call(
            "cloudwatch:DescribeAlarms",
            pages!(client.describe_alarms()),
            |pages| {
                pages
                    .iter()
                    .flat_map(|page| page.metric_alarms())
                    .map(|a| MetricAlarm {
                        name: s(a.alarm_name()),
                        arn: s(a.alarm_arn()),
                        namespace: a.namespace().map(str::to_owned),
                        metric_name: a.metric_name().map(str::to_owned),
                        dimensions: a
                            .dimensions()
                            .iter()
                            .map(|d| Dimension {
                                name: s(d.name()),
                                value: s(d.value()),
                            })
                            .collect(),
                        actions_enabled: a.actions_enabled().unwrap_or(false),
                        alarm_actions: a.alarm_actions().to_vec(),
                        state: a
                            .state_value()
                            .map(|v| v.as_str().to_owned())
                            .unwrap_or_default(),
                    })
                    .collect()
            },
        )
        .await;
    CloudWatchData { alarms }
}

/// CloudWatch Logs metric filters of a region (every log group).
pub(crate) async fn logs(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_cloudwatchlogs::Client,
) -> LogsData {
    let metric_filters = c
        .recorder("logs", &r.name)
        .list(
            "logs:DescribeMetricFilters",
            items!(client.describe_metric_filters()),
            |f| MetricFilter {
                name: s(f.filter_name()),
                log_group: s(f.log_group_name()),
                pattern: s(f.filter_pattern()),
                metrics: f
                    .metric_transformations()
                    .iter()
                    .map(|m| MetricTransformation {
                        namespace: m.metric_namespace().to_owned(),
                        name: m.metric_name().to_owned(),
                    })
                    .collect(),
            },
        )
        .await;
    LogsData { metric_filters }
}

/// SNS topics (with their policies) and subscriptions of a region.
pub(crate) async fn sns(c: &Collector, r: &RegionCtx, client: &aws_sdk_sns::Client) -> SnsData {
    let rec = &c.recorder("sns", &r.name);
    let topics = rec.list_each(
        "sns:ListTopics",
        items!(client.list_topics()),
        |t| async move {
            let arn = s(t.topic_arn());
            let policy = rec
                .call(
                    "sns:GetTopicAttributes",
                    request!(client.get_topic_attributes().topic_arn(&arn)),
                    |out| {
                        out.attributes()
                            .and_then(|a| a.get("Policy"))
                            .filter(|p| !p.trim().is_empty())
                            .map(|p| policy_document(Some(p)))
                    },
                )
                .await;
            Topic { arn, policy }
        },
    );
    let subscriptions = rec.list(
        "sns:ListSubscriptions",
        items!(client.list_subscriptions()),
        |sub| Subscription {
            arn: s(sub.subscription_arn()),
            topic_arn: s(sub.topic_arn()),
            protocol: s(sub.protocol()),
        },
    );
    let (topics, subscriptions) = tokio::join!(topics, subscriptions);
    SnsData {
        topics: topics.map(|mut list| {
            list.sort_by(|a, b| a.arn.cmp(&b.arn));
            list
        }),
        subscriptions,
    }
}

/// Security Hub: whether the account is subscribed in this region.
pub(crate) async fn securityhub(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_securityhub::Client,
) -> SecurityHubData {
    let rec = c.recorder("securityhub", &r.name);
    let res = rec
        .try_call("securityhub:DescribeHub", request!(client.describe_hub()))
        .await;
    // Security Hub answers "not subscribed" with InvalidAccessException (or
    // ResourceNotFoundException): the fact that it is off, not a failure to read.
    let hub = match res {
        Ok(out) => Collected::Ok(Some(Hub {
            arn: s(out.hub_arn()),
            subscribed_at: out.subscribed_at().map(str::to_owned),
        })),
        Err(g) => {
            let not_subscribed = (g.code == "InvalidAccessException"
                && g.message.to_ascii_lowercase().contains("not subscribed"))
                || g.code == "ResourceNotFoundException";
            if not_subscribed {
                rec.fact();
                Collected::Ok(None)
            } else {
                rec.missing(g)
            }
        }
    };
    SecurityHubData { hub }
}

/// IAM Access Analyzer analyzers of a region.
pub(crate) async fn accessanalyzer(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_accessanalyzer::Client,
) -> AccessAnalyzerData {
    let analyzers = c
        .recorder("access-analyzer", &r.name)
        .list(
            "access-analyzer:ListAnalyzers",
            items!(client.list_analyzers()),
            |a| Analyzer {
                name: a.name().to_owned(),
                arn: a.arn().to_owned(),
                kind: a.r#type().as_str().to_owned(),
                status: a.status().as_str().to_owned(),
            },
        )
        .await;
    AccessAnalyzerData { analyzers }
}

/// AWS Budgets of the account, with each budget's notifications and subscriber counts.
pub(crate) async fn budgets(
    c: &Collector,
    client: &aws_sdk_budgets::Client,
    account_id: &str,
) -> BudgetsData {
    let rec = &c.recorder("budgets", "global");
    let listed = rec
        .try_call(
            "budgets:DescribeBudgets",
            pages!(client.describe_budgets().account_id(account_id)),
        )
        .await;
    let list: Vec<(String, String)> = match listed {
        Ok(pages) => pages
            .iter()
            .flat_map(|page| page.budgets())
            .map(|b| {
                (
                    b.budget_name().to_owned(),
                    b.budget_type().as_str().to_owned(),
                )
            })
            .collect(),
        // An account without budgets may answer NotFoundException.
        Err(g) if g.code == "NotFoundException" => {
            rec.fact();
            Vec::new()
        }
        Err(g) => {
            return BudgetsData {
                budgets: rec.missing(g),
            }
        }
    };
    let budgets = rec
        .each(list, |(name, budget_type)| async move {
            let notifications = notifications(rec, client, account_id, &name).await;
            Budget {
                name,
                budget_type,
                notifications,
            }
        })
        .await;
    BudgetsData {
        budgets: Collected::Ok(budgets),
    }
}

/// A budget's notifications, each with its number of subscribers.
async fn notifications(
    rec: &Recorder<'_>,
    client: &aws_sdk_budgets::Client,
    account_id: &str,
    name: &str,
) -> Collected<Vec<BudgetNotification>> {
    let res = rec
        .try_call(
            "budgets:DescribeNotificationsForBudget",
            request!(client
                .describe_notifications_for_budget()
                .account_id(account_id)
                .budget_name(name)),
        )
        .await;
    let list = match res {
        Ok(out) => out.notifications().to_vec(),
        Err(g) if g.code == "NotFoundException" => Vec::new(),
        Err(g) => return rec.missing(g),
    };
    let mut n = Vec::new();
    for notif in list {
        let subs = rec
            .try_call(
                "budgets:DescribeSubscribersForNotification",
                request!(client
                    .describe_subscribers_for_notification()
                    .account_id(account_id)
                    .budget_name(name)
                    .notification(notif.clone())),
            )
            .await;
        let subscribers = match subs {
            Ok(o) => o.subscribers().len() as u32,
            Err(g) if g.code == "NotFoundException" => 0,
            Err(g) => return rec.missing(g),
        };
        n.push(BudgetNotification {
            notification_type: notif.notification_type().as_str().to_owned(),
            threshold: notif.threshold().to_string(),
            subscribers,
        });
    }
    Collected::Ok(n)
}
