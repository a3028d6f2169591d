//! Detection and logging, per region: GuardDuty detectors, the EventBridge rules that
//! route their findings, CloudTrail trails (shadow trails included) and AWS Config
//! recorders.

use crate::recorder::{items, request};
use crate::sdk::{s, time};
use crate::{Collector, RegionCtx};
use rampart_inventory::*;
use serde_json::json;

/// GuardDuty detectors and each one's status.
pub(crate) async fn guardduty(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_guardduty::Client,
) -> GuardDutyData {
    let rec = &c.recorder("guardduty", &r.name);
    let detectors = rec
        .list_each(
            "guardduty:ListDetectors",
            items!(client.list_detectors()),
            |id| async move {
                let res = rec
                    .try_call(
                        "guardduty:GetDetector",
                        request!(client.get_detector().detector_id(&id)),
                    )
                    .await;
                let (status, freq) = match res {
                    Ok(out) => (
                        Collected::Ok(
                            out.status()
                                .map(|v| v.as_str().to_owned())
                                .unwrap_or_default(),
                        ),
                        out.finding_publishing_frequency()
                            .map(|v| v.as_str().to_owned()),
                    ),
                    Err(g) => (rec.missing(g), None),
                };
                Detector {
                    id,
                    status,
                    finding_publishing_frequency: freq,
                }
            },
        )
        .await;
    GuardDutyData { detectors }
}

/// Sources whose rules get their targets read (the rules that route security findings).
const ROUTED_SOURCES: &[&str] = &["aws.guardduty", "aws.securityhub"];

/// Rules on the default bus; targets for the rules that route security findings.
pub(crate) async fn eventbridge(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_eventbridge::Client,
) -> EventBridgeData {
    let rec = &c.recorder("events", &r.name);
    let mut rules = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let res = rec
            .try_call(
                "events:ListRules",
                request!(client.list_rules().set_next_token(next.take())),
            )
            .await;
        let out = match res {
            Ok(out) => out,
            Err(g) => {
                return EventBridgeData {
                    rules: rec.missing(g),
                }
            }
        };
        rules.extend(out.rules().iter().map(|rule| {
            EventRule {
                name: s(rule.name()),
                arn: s(rule.arn()),
                state: rule
                    .state()
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default(),
                event_pattern: rule.event_pattern().map(str::to_owned),
                targets: Collected::default(),
            }
        }));
        match out.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_owned()),
            _ => break,
        }
    }
    let wanted: Vec<usize> = (0..rules.len())
        .filter(|&i| {
            ROUTED_SOURCES
                .iter()
                .any(|src| rules[i].matches_source(src))
        })
        .collect();
    let names: Vec<(usize, String)> = wanted
        .into_iter()
        .map(|i| (i, rules[i].name.clone()))
        .collect();
    let targets: Vec<(usize, Collected<Vec<EventTarget>>)> = rec
        .each(names, |(i, name)| async move {
            let t = rec
                .call(
                    "events:ListTargetsByRule",
                    request!(client.list_targets_by_rule().rule(&name)),
                    |out| {
                        out.targets()
                            .iter()
                            .map(|t| EventTarget {
                                id: t.id().to_owned(),
                                arn: t.arn().to_owned(),
                            })
                            .collect()
                    },
                )
                .await;
            (i, t)
        })
        .await;
    for (i, t) in targets {
        rules[i].targets = t;
    }
    EventBridgeData {
        rules: Collected::Ok(rules),
    }
}

/// Trails as seen from this region; status and event selectors are read for the trails
/// homed here only (each trail once per account).
pub(crate) async fn cloudtrail(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_cloudtrail::Client,
) -> CloudTrailData {
    let rec = &c.recorder("cloudtrail", &r.name);
    let res = rec
        .try_call(
            "cloudtrail:DescribeTrails",
            request!(client.describe_trails().include_shadow_trails(true)),
        )
        .await;
    let list = match res {
        Ok(out) => out.trail_list().to_vec(),
        Err(g) => {
            return CloudTrailData {
                trails: rec.missing(g),
            }
        }
    };
    let mut trails = Vec::new();
    for t in list {
        let arn = s(t.trail_arn());
        let home_region = s(t.home_region());
        let home = home_region == r.name;
        let (status, event_selectors) = if home {
            let status = rec.call(
                "cloudtrail:GetTrailStatus",
                request!(client.get_trail_status().name(&arn)),
                |o| TrailStatus {
                    is_logging: o.is_logging().unwrap_or(false),
                    latest_delivery_error: o.latest_delivery_error().map(str::to_owned),
                    latest_cloudwatch_logs_delivery_time: time(
                        o.latest_cloud_watch_logs_delivery_time(),
                    )
                    .map(|t| t.to_rfc3339()),
                },
            );
            let selectors = rec.call(
                "cloudtrail:GetEventSelectors",
                request!(client.get_event_selectors().trail_name(&arn)),
                |o| {
                json!({
                    "EventSelectors": o.event_selectors().iter().map(|e| json!({
                        "ReadWriteType": e.read_write_type().map(|v| v.as_str()),
                        "IncludeManagementEvents": e.include_management_events(),
                        "DataResources": e.data_resources().iter().map(|d| json!({
                            "Type": d.r#type(),
                            "Values": d.values(),
                        })).collect::<Vec<_>>(),
                        "ExcludeManagementEventSources": e.exclude_management_event_sources(),
                    })).collect::<Vec<_>>(),
                    "AdvancedEventSelectors": o.advanced_event_selectors().iter().map(|a| json!({
                        "Name": a.name(),
                        "FieldSelectors": a.field_selectors().iter().map(|f| json!({
                            "Field": f.field(),
                            "Equals": f.equals(),
                            "StartsWith": f.starts_with(),
                            "EndsWith": f.ends_with(),
                            "NotEquals": f.not_equals(),
                            "NotStartsWith": f.not_starts_with(),
                            "NotEndsWith": f.not_ends_with(),
                        })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })
                },
            );
            tokio::join!(status, selectors)
        } else {
            let shadow = Gap {
                api: String::new(),
                code: "ShadowTrail".into(),
                message: format!("read in the trail's home region {home_region}"),
            };
            (
                Collected::Missing(shadow.clone()),
                Collected::Missing(shadow),
            )
        };
        trails.push(Trail {
            name: s(t.name()),
            arn,
            home_region,
            is_multi_region: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
            // An empty id (as an UpdateTrail that removed the key may leave it) is no key.
            kms_key_id: t.kms_key_id().filter(|k| !k.is_empty()).map(str::to_owned),
            cloudwatch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_owned),
            s3_bucket_name: t.s3_bucket_name().map(str::to_owned),
            include_global_service_events: t.include_global_service_events().unwrap_or(false),
            status,
            event_selectors,
        });
    }
    CloudTrailData {
        trails: Collected::Ok(trails),
    }
}

/// Configuration recorders merged with their status.
pub(crate) async fn config(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_config::Client,
) -> ConfigData {
    let rec = c.recorder("config", &r.name);
    let (recs, statuses) = tokio::join!(
        rec.try_call(
            "config:DescribeConfigurationRecorders",
            request!(client.describe_configuration_recorders()),
        ),
        rec.call(
            "config:DescribeConfigurationRecorderStatus",
            request!(client.describe_configuration_recorder_status()),
            |o| o.configuration_recorders_status().to_vec(),
        ),
    );
    let recs = match recs {
        Ok(o) => o.configuration_recorders().to_vec(),
        Err(g) => {
            return ConfigData {
                recorders: rec.missing(g),
            }
        }
    };
    let recorders = recs
        .iter()
        .map(|rec| {
            let name = s(rec.name());
            let st = statuses
                .ok()
                .and_then(|list| list.iter().find(|x| x.name() == Some(name.as_str())));
            ConfigRecorder {
                all_supported: rec.recording_group().is_some_and(|g| g.all_supported()),
                include_global_resource_types: rec
                    .recording_group()
                    .is_some_and(|g| g.include_global_resource_types()),
                recording: st.map(|x| x.recording()),
                last_status: st
                    .and_then(|x| x.last_status())
                    .map(|v| v.as_str().to_owned()),
                name,
            }
        })
        .collect();
    ConfigData {
        recorders: Collected::Ok(recorders),
    }
}
