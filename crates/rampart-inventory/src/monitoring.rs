//! Monitoring and security services: CloudWatch alarms, CloudWatch Logs metric filters, SNS
//! topics and subscriptions, Security Hub and IAM Access Analyzer (per region), and AWS
//! Budgets (per account).

use crate::Collected;
use serde::{Deserialize, Serialize};

/// CloudWatch, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CloudWatchData {
    /// Metric alarms.
    pub alarms: Collected<Vec<MetricAlarm>>,
}

/// A CloudWatch metric alarm.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MetricAlarm {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Metric namespace (absent for metric-math alarms).
    pub namespace: Option<String>,
    /// Metric name.
    pub metric_name: Option<String>,
    /// Metric dimensions.
    pub dimensions: Vec<Dimension>,
    /// Actions are enabled.
    pub actions_enabled: bool,
    /// ARNs notified when the alarm fires.
    pub alarm_actions: Vec<String>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub state: String,
}

/// A metric dimension.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// CloudWatch Logs, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogsData {
    /// Metric filters of every log group.
    pub metric_filters: Collected<Vec<MetricFilter>>,
}

/// A CloudWatch Logs metric filter.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MetricFilter {
    /// Filter name.
    pub name: String,
    /// Log group it reads.
    pub log_group: String,
    /// Filter pattern.
    pub pattern: String,
    /// Metrics it publishes.
    pub metrics: Vec<MetricTransformation>,
}

/// A metric a filter publishes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MetricTransformation {
    /// Metric namespace.
    pub namespace: String,
    /// Metric name.
    pub name: String,
}

/// SNS, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SnsData {
    /// Topics.
    pub topics: Collected<Vec<Topic>>,
    /// Subscriptions of every topic.
    pub subscriptions: Collected<Vec<Subscription>>,
}

/// An SNS topic.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// ARN.
    pub arn: String,
    /// Access policy (`GetTopicAttributes` `Policy`); `None` when it has none.
    pub policy: Collected<Option<serde_json::Value>>,
}

/// An SNS subscription.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// ARN, or `PendingConfirmation`.
    pub arn: String,
    /// Topic ARN.
    pub topic_arn: String,
    /// Protocol (`email`, `https`, `sqs`, `lambda`, ...).
    pub protocol: String,
}

impl Subscription {
    /// Whether the subscription is confirmed (it delivers messages).
    pub fn confirmed(&self) -> bool {
        self.arn.starts_with("arn:")
    }
}

/// Security Hub, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SecurityHubData {
    /// The hub (`DescribeHub`); `None` when Security Hub is not enabled (a fact, not an
    /// error).
    pub hub: Collected<Option<Hub>>,
}

/// An enabled Security Hub.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Hub {
    /// Hub ARN.
    pub arn: String,
    /// When the account subscribed.
    pub subscribed_at: Option<String>,
}

/// IAM Access Analyzer, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccessAnalyzerData {
    /// Analyzers.
    pub analyzers: Collected<Vec<Analyzer>>,
}

/// An Access Analyzer analyzer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Analyzer {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, ...
    pub kind: String,
    /// `ACTIVE`, `CREATING`, `DISABLED` or `FAILED`.
    pub status: String,
}

/// AWS Budgets, read once per account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BudgetsData {
    /// Budgets.
    pub budgets: Collected<Vec<Budget>>,
}

/// A budget.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Name.
    pub name: String,
    /// `COST`, `USAGE`, ...
    pub budget_type: String,
    /// Notifications, each with its subscriber count.
    pub notifications: Collected<Vec<BudgetNotification>>,
}

/// A budget notification.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BudgetNotification {
    /// `ACTUAL` or `FORECASTED`.
    pub notification_type: String,
    /// Threshold.
    pub threshold: String,
    /// Subscribers (email addresses and SNS topics).
    pub subscribers: u32,
}
