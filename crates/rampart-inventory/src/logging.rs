//! Detection and logging data of one region: GuardDuty, EventBridge, CloudTrail, AWS Config.

use crate::Collected;
use serde::{Deserialize, Serialize};

/// GuardDuty, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GuardDutyData {
    /// Detectors (at most one per region).
    pub detectors: Collected<Vec<Detector>>,
}

/// A GuardDuty detector.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Detector {
    /// Detector id.
    pub id: String,
    /// `ENABLED` or `DISABLED` (suspended).
    pub status: Collected<String>,
    /// How often findings are exported.
    pub finding_publishing_frequency: Option<String>,
}

/// EventBridge, per region (default event bus).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventBridgeData {
    /// Rules.
    pub rules: Collected<Vec<EventRule>>,
}

/// An EventBridge rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventRule {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `ENABLED` or `DISABLED`.
    pub state: String,
    /// Event pattern (JSON text), if the rule has one.
    pub event_pattern: Option<String>,
    /// Targets (`ListTargetsByRule`), read for rules whose pattern names a security
    /// service (`aws.guardduty`); `Missing(NotCollected)` for the rest.
    pub targets: Collected<Vec<EventTarget>>,
}

impl EventRule {
    /// Whether the rule's pattern matches events from `source` (such as `aws.guardduty`).
    pub fn matches_source(&self, source: &str) -> bool {
        let Some(pattern) = &self.event_pattern else {
            return false;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(pattern) else {
            return pattern.contains(source);
        };
        match v.get("source") {
            Some(serde_json::Value::Array(a)) => a.iter().any(|s| s.as_str() == Some(source)),
            Some(serde_json::Value::String(s)) => s == source,
            _ => false,
        }
    }
}

/// A rule target.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EventTarget {
    /// Target id.
    pub id: String,
    /// Target ARN (SNS topic, Lambda function, queue, ...).
    pub arn: String,
}

/// CloudTrail as seen from one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CloudTrailData {
    /// Trails that apply to this region, shadow trails (trails of another home region)
    /// included.
    pub trails: Collected<Vec<Trail>>,
}

/// A CloudTrail trail.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Region the trail was created in.
    pub home_region: String,
    /// Applies to every region.
    pub is_multi_region: bool,
    /// An organization trail.
    pub is_organization_trail: bool,
    /// Log file integrity validation.
    pub log_file_validation: bool,
    /// KMS key used to encrypt log files.
    pub kms_key_id: Option<String>,
    /// CloudWatch Logs log group ARN.
    pub cloudwatch_logs_log_group_arn: Option<String>,
    /// Destination bucket.
    pub s3_bucket_name: Option<String>,
    /// Records global service events (IAM, STS, ...).
    pub include_global_service_events: bool,
    /// `GetTrailStatus`, read in the home region only (a shadow trail has the home copy's).
    pub status: Collected<TrailStatus>,
    /// `GetEventSelectors`, read in the home region only.
    pub event_selectors: Collected<serde_json::Value>,
}

/// A trail's status.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrailStatus {
    /// The trail is logging.
    pub is_logging: bool,
    /// Last delivery error, if any.
    pub latest_delivery_error: Option<String>,
    /// Last CloudWatch Logs delivery time (RFC 3339), if any.
    pub latest_cloudwatch_logs_delivery_time: Option<String>,
}

/// AWS Config, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigData {
    /// Configuration recorders, with their status.
    pub recorders: Collected<Vec<ConfigRecorder>>,
}

/// An AWS Config configuration recorder.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConfigRecorder {
    /// Name.
    pub name: String,
    /// Records all supported resource types.
    pub all_supported: bool,
    /// Records global resources (IAM).
    pub include_global_resource_types: bool,
    /// The recorder is recording (from `DescribeConfigurationRecorderStatus`; `None` when the
    /// status was not returned).
    pub recording: Option<bool>,
    /// Last status (`SUCCESS`, `FAILURE`, `PENDING`).
    pub last_status: Option<String>,
}
