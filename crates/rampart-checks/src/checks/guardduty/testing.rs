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

/// The inventory as a rescan shows it once `step`'s calls are made in its region: the
/// detector created (under a new id) or resumed, and the topic, rule, targets and
/// subscription of a route, with the members the collector keeps.
pub(crate) fn applied(
    inv: &rampart_inventory::Inventory,
    step: &crate::fix::Step,
) -> rampart_inventory::Inventory {
    use rampart_inventory::{Subscription, Topic};
    let mut inv = inv.clone();
    let region = inv.regional.get_mut(&step.region).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    for call in &step.calls {
        let p = &call.params;
        match (call.service.as_str(), call.operation.as_str()) {
            ("guardduty", "CreateDetector") => {
                if let Collected::Ok(detectors) = &mut region.guardduty.detectors {
                    detectors.push(Detector {
                        id: "9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b".into(),
                        status: Collected::Ok("ENABLED".into()),
                        finding_publishing_frequency: Some(text(&p["findingPublishingFrequency"])),
                    });
                }
            }
            ("guardduty", "UpdateDetector") => {
                if let Collected::Ok(detectors) = &mut region.guardduty.detectors {
                    for d in detectors
                        .iter_mut()
                        .filter(|d| d.id == text(&p["detectorId"]))
                    {
                        d.status = Collected::Ok("ENABLED".into());
                    }
                }
            }
            ("sns", "CreateTopic") => {
                if let Collected::Ok(topics) = &mut region.sns.topics {
                    topics.push(Topic {
                        arn: format!("arn:aws:sns:{}:{ACCOUNT}:{}", step.region, text(&p["Name"])),
                        policy: Collected::Ok(None),
                    });
                }
            }
            ("sns", "SetTopicAttributes") => {
                if let Collected::Ok(topics) = &mut region.sns.topics {
                    for t in topics.iter_mut().filter(|t| t.arn == text(&p["TopicArn"])) {
                        t.policy = Collected::Ok(Some(
                            serde_json::from_str(&text(&p["AttributeValue"])).unwrap(),
                        ));
                    }
                }
            }
            ("sns", "Subscribe") => {
                if let Collected::Ok(subs) = &mut region.sns.subscriptions {
                    subs.push(Subscription {
                        arn: "PendingConfirmation".into(),
                        topic_arn: text(&p["TopicArn"]),
                        protocol: text(&p["Protocol"]),
                    });
                }
            }
            ("events", "PutRule") => {
                if let Collected::Ok(rules) = &mut region.eventbridge.rules {
                    rules.push(EventRule {
                        name: text(&p["Name"]),
                        arn: format!(
                            "arn:aws:events:{}:{ACCOUNT}:rule/{}",
                            step.region,
                            text(&p["Name"])
                        ),
                        state: text(&p["State"]),
                        event_pattern: Some(text(&p["EventPattern"])),
                        targets: Collected::Ok(vec![]),
                    });
                }
            }
            ("events", "PutTargets") => {
                if let Collected::Ok(rules) = &mut region.eventbridge.rules {
                    for r in rules.iter_mut().filter(|r| r.name == text(&p["Rule"])) {
                        r.targets = Collected::Ok(
                            p["Targets"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|t| EventTarget {
                                    id: text(&t["Id"]),
                                    arn: text(&t["Arn"]),
                                })
                                .collect(),
                        );
                    }
                }
            }
            other => panic!("unexpected call {other:?}"),
        }
    }
    inv
}
