//! Monitoring and security services: CloudWatch alarms, CloudWatch Logs metric filters, SNS
//! topics and subscriptions, Security Hub, IAM Access Analyzer (per region) and AWS Budgets
//! (once per account).

use crate::sdk::{gap, policy_document, s};
use crate::{Collector, RegionCtx};
use futures::StreamExt;
use rampart_inventory::*;

/// CloudWatch metric alarms of a region.
pub(crate) async fn cloudwatch(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_cloudwatch::Client,
) -> CloudWatchData {
    let res = client
        .describe_alarms()
        .into_paginator()
        .send()
        .try_collect()
        .await;
    let alarms = c.record(
        "cloudwatch",
        &r.name,
        "cloudwatch:DescribeAlarms",
        res,
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
    );
    CloudWatchData { alarms }
}

/// CloudWatch Logs metric filters of a region (every log group).
pub(crate) async fn logs(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_cloudwatchlogs::Client,
) -> LogsData {
    let res = client
        .describe_metric_filters()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let metric_filters = c.record("logs", &r.name, "logs:DescribeMetricFilters", res, |list| {
        list.iter()
            .map(|f| MetricFilter {
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
            })
            .collect()
    });
    LogsData { metric_filters }
}

/// SNS topics (with their policies) and subscriptions of a region.
pub(crate) async fn sns(c: &Collector, r: &RegionCtx, client: &aws_sdk_sns::Client) -> SnsData {
    const SERVICE: &str = "sns";
    let topics = async {
        let res = client
            .list_topics()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        let list = match res {
            Ok(l) => l,
            Err(e) => return c.missing(SERVICE, &r.name, gap("sns:ListTopics", &e)),
        };
        let mut topics = futures::stream::iter(list)
            .map(|t| async move {
                let arn = s(t.topic_arn());
                let res = client.get_topic_attributes().topic_arn(&arn).send().await;
                let policy = c.record(SERVICE, &r.name, "sns:GetTopicAttributes", res, |out| {
                    out.attributes()
                        .and_then(|a| a.get("Policy"))
                        .filter(|p| !p.trim().is_empty())
                        .map(|p| policy_document(Some(p)))
                });
                Topic { arn, policy }
            })
            .buffer_unordered(c.item_concurrency)
            .collect::<Vec<_>>()
            .await;
        topics.sort_by(|a, b| a.arn.cmp(&b.arn));
        Collected::Ok(topics)
    };
    let subscriptions = async {
        let res = client
            .list_subscriptions()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        c.record(SERVICE, &r.name, "sns:ListSubscriptions", res, |list| {
            list.iter()
                .map(|sub| Subscription {
                    arn: s(sub.subscription_arn()),
                    topic_arn: s(sub.topic_arn()),
                    protocol: s(sub.protocol()),
                })
                .collect()
        })
    };
    let (topics, subscriptions) = tokio::join!(topics, subscriptions);
    SnsData {
        topics,
        subscriptions,
    }
}

/// Security Hub: whether the account is subscribed in this region.
pub(crate) async fn securityhub(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_securityhub::Client,
) -> SecurityHubData {
    let res = client.describe_hub().send().await;
    // Security Hub answers "not subscribed" with InvalidAccessException (or
    // ResourceNotFoundException): the fact that it is off, not a failure to read.
    let hub = match res {
        Ok(out) => Collected::Ok(Some(Hub {
            arn: s(out.hub_arn()),
            subscribed_at: out.subscribed_at().map(str::to_owned),
        })),
        Err(e) => {
            let g = gap("securityhub:DescribeHub", &e);
            let not_subscribed = (g.code == "InvalidAccessException"
                && g.message.to_ascii_lowercase().contains("not subscribed"))
                || g.code == "ResourceNotFoundException";
            if not_subscribed {
                Collected::Ok(None)
            } else {
                c.missing("securityhub", &r.name, g)
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
    let res = client
        .list_analyzers()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let analyzers = c.record(
        "access-analyzer",
        &r.name,
        "access-analyzer:ListAnalyzers",
        res,
        |list| {
            list.iter()
                .map(|a| Analyzer {
                    name: a.name().to_owned(),
                    arn: a.arn().to_owned(),
                    kind: a.r#type().as_str().to_owned(),
                    status: a.status().as_str().to_owned(),
                })
                .collect()
        },
    );
    AccessAnalyzerData { analyzers }
}

/// AWS Budgets of the account, with each budget's notifications and subscriber counts.
pub(crate) async fn budgets(
    c: &Collector,
    client: &aws_sdk_budgets::Client,
    account_id: &str,
) -> BudgetsData {
    const SERVICE: &str = "budgets";
    let mut list = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let res = client
            .describe_budgets()
            .account_id(account_id)
            .set_next_token(next.take())
            .send()
            .await;
        let out = match res {
            Ok(out) => out,
            Err(e) => {
                let g = gap("budgets:DescribeBudgets", &e);
                // An account without budgets may answer NotFoundException.
                if g.code == "NotFoundException" {
                    break;
                }
                return BudgetsData {
                    budgets: c.missing(SERVICE, "global", g),
                };
            }
        };
        list.extend(out.budgets().iter().map(|b| {
            (
                b.budget_name().to_owned(),
                b.budget_type().as_str().to_owned(),
            )
        }));
        match out.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_owned()),
            _ => break,
        }
    }
    let mut budgets = Vec::new();
    for (name, budget_type) in list {
        let res = client
            .describe_notifications_for_budget()
            .account_id(account_id)
            .budget_name(&name)
            .send()
            .await;
        let notifications = match res {
            Ok(out) => {
                let mut n = Vec::new();
                let mut failed = None;
                for notif in out.notifications() {
                    let subs = client
                        .describe_subscribers_for_notification()
                        .account_id(account_id)
                        .budget_name(&name)
                        .notification(notif.clone())
                        .send()
                        .await;
                    let subscribers = match subs {
                        Ok(o) => o.subscribers().len() as u32,
                        Err(e) => {
                            let g = gap("budgets:DescribeSubscribersForNotification", &e);
                            if g.code != "NotFoundException" {
                                failed = Some(g);
                                break;
                            }
                            0
                        }
                    };
                    n.push(BudgetNotification {
                        notification_type: notif.notification_type().as_str().to_owned(),
                        threshold: notif.threshold().to_string(),
                        subscribers,
                    });
                }
                match failed {
                    Some(g) => c.missing(SERVICE, "global", g),
                    None => Collected::Ok(n),
                }
            }
            Err(e) => {
                let g = gap("budgets:DescribeNotificationsForBudget", &e);
                if g.code == "NotFoundException" {
                    Collected::Ok(Vec::new())
                } else {
                    c.missing(SERVICE, "global", g)
                }
            }
        };
        budgets.push(Budget {
            name,
            budget_type,
            notifications,
        });
    }
    BudgetsData {
        budgets: Collected::Ok(budgets),
    }
}
