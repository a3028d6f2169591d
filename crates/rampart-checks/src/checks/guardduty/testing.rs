//! Fixture detectors and EventBridge rules for the GuardDuty check tests.

use crate::checks::fixtures::ACCOUNT;
use rampart_inventory::{Collected, Detector, EventRule, EventTarget};

/// A detector with the given id and status (`ENABLED` or `DISABLED`).
pub(crate) fn detector(id: &str, status: &str) -> Detector {
    Detector {
        id: id.into(),
        status: Collected::Ok(status.into()),
        finding_publishing_frequency: Some("SIX_HOURS".into()),
    }
}

/// An enabled rule in `region` whose pattern matches GuardDuty findings, with one SNS target.
pub(crate) fn findings_rule(region: &str, name: &str) -> EventRule {
    EventRule {
        name: name.into(),
        arn: format!("arn:aws:events:{region}:{ACCOUNT}:rule/{name}"),
        state: "ENABLED".into(),
        event_pattern: Some(
            r#"{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}"#.into(),
        ),
        targets: Collected::Ok(vec![EventTarget {
            id: "security-alerts".into(),
            arn: format!("arn:aws:sns:{region}:{ACCOUNT}:security-alerts"),
        }]),
    }
}
