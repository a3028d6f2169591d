//! `guardduty_enabled`: GuardDuty has an enabled (not suspended) detector in every scanned
//! region.

use super::detector_arn;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use serde_json::Value;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "guardduty_enabled",
    title: "GuardDuty is enabled in every region",
    service: "guardduty",
    severity: Severity::High,
    what: "Whether each scanned region has a GuardDuty detector, and whether that detector is \
           enabled rather than suspended (`DISABLED`). Read from ListDetectors and GetDetector \
           in every region.",
    why: "GuardDuty is the account's threat detector: it reads CloudTrail, VPC Flow Logs and \
          DNS logs for signs of compromise (stolen credentials used from unusual places, \
          instances talking to command-and-control hosts, crypto mining). Detectors are \
          regional, and attackers favour regions nobody watches; a region without an enabled \
          detector is a blind spot.",
    fix: "Create a detector in the region: aws guardduty create-detector --enable \
          --region <REGION>; or resume a suspended one: aws guardduty update-detector \
          --detector-id <DETECTOR_ID> --enable --region <REGION>",
    references: &[
        "AWS Foundational Security Best Practices GuardDuty.1",
        "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html",
    ],
    cis: &[],
    needs: &[Service::GuardDuty],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let detectors = match data.guardduty.detectors.get() {
            Ok(detectors) => detectors,
            Err(gap) => {
                let resource = ctx.region_resource("guardduty", region);
                findings.push(ctx.finding(&META, region, resource).error(gap));
                continue;
            }
        };
        if detectors.is_empty() {
            let resource = ctx.region_resource("guardduty", region);
            findings.push(
                ctx.finding(&META, region, resource)
                    .fail(format!("GuardDuty has no detector in {region}")),
            );
        }
        for detector in detectors {
            let f = ctx.finding(&META, region, detector_arn(ctx, region, detector));
            let id = &detector.id;
            findings.push(match detector.status.get() {
                Err(gap) => f.error(gap),
                Ok(status) if status == "ENABLED" => {
                    f.pass(format!("GuardDuty detector {id} is enabled"))
                }
                Ok(status) if status == "DISABLED" => f.fail(format!(
                    "GuardDuty detector {id} is suspended (status DISABLED)"
                )),
                Ok(status) => f.fail(format!(
                    "GuardDuty detector {id} has status `{status}`, not ENABLED"
                )),
            });
        }
    }
    findings
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Creates a detector in the region (CreateDetector) or resumes the suspended one \
          (UpdateDetector), and, unless an enabled EventBridge rule already sends GuardDuty \
          findings to a target, routes them to an SNS topic `rampart-guardduty-findings` \
          through a rule of the same name (CreateTopic, SetTopicAttributes, PutRule, \
          PutTargets), subscribing the address `--notify-email` names (Subscribe); without \
          one the plan says the topic has no subscriber. Safe; starts GuardDuty billing.",
    plan: fix,
    state: Some(state),
    reads: &[
        rampart_inventory::Service::EventBridge,
        rampart_inventory::Service::Sns,
    ],
};

/// The state of a step's region: its detector and its findings route, in the shape of the
/// step's `before` and `after` (planning again cannot give it: an enabled detector gets no
/// step, and a new detector's id is only known once it exists).
fn state(ctx: &Context, step: &crate::fix::Step) -> Result<Value, crate::fix::NotFixable> {
    let region = step.region.as_str();
    let data = crate::fix::region_data(ctx, region)?;
    Ok(serde_json::json!({
        "Detector": detector_state(ctx, region, &step.resource, &data.guardduty)?,
        "FindingsRoute": super::route::state(region, &data.eventbridge)?,
    }))
}

/// The detector a step is about: the one `resource` names (`DetectorId` and `Status`), or,
/// for a region without one when planned, the region's detector if it has one now (its
/// `Status` only: the id is not known before it is created); `null` when there is none.
fn detector_state(
    ctx: &Context,
    region: &str,
    resource: &str,
    guardduty: &rampart_inventory::GuardDutyData,
) -> Result<Value, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let detectors = guardduty
        .detectors
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the GuardDuty detectors of {region}"), gap))?;
    let status = |d: &rampart_inventory::Detector| {
        d.status
            .get()
            .cloned()
            .map_err(|gap| NotFixable::gap(&format!("the status of detector {}", d.id), gap))
    };
    if resource.contains(":detector/") {
        return match detectors
            .iter()
            .find(|d| detector_arn(ctx, region, d) == resource)
        {
            Some(d) => Ok(serde_json::json!({"DetectorId": d.id, "Status": status(d)?})),
            None => Ok(Value::Null),
        };
    }
    match detectors.first() {
        Some(d) => Ok(serde_json::json!({"Status": status(d)?})),
        None => Ok(Value::Null),
    }
}

/// What a step does to the region's detector.
struct DetectorChange {
    /// The call that creates or resumes it.
    call: crate::fix::Call,
    /// The same as a CLI command.
    cli: String,
    /// Its state once the call is made.
    after: Value,
    /// The CloudFormation resource and Terraform that create it (a template cannot resume a
    /// detector it does not manage).
    template: Option<(Value, String)>,
    /// The call that puts it back as it was.
    undo_call: crate::fix::Call,
    /// How that is done.
    undo: String,
    /// What that loses.
    undo_loses: Option<String>,
}

/// Resume the `suspended` detector, or create one in a region without any.
fn detector_change(
    region: &str,
    suspended: Option<&rampart_inventory::Detector>,
) -> DetectorChange {
    use crate::fix::render::{provider_alias, shell_command};
    use crate::fix::{response_ref, Call};
    use serde_json::json;
    match suspended {
        Some(d) => DetectorChange {
            call: Call::new(
                "guardduty",
                "UpdateDetector",
                json!({"detectorId": d.id, "enable": true}),
            ),
            cli: shell_command(&[
                "aws",
                "guardduty",
                "update-detector",
                "--region",
                region,
                "--detector-id",
                &d.id,
                "--enable",
            ]),
            after: json!({"DetectorId": d.id, "Status": "ENABLED"}),
            template: None,
            undo_call: Call::new(
                "guardduty",
                "UpdateDetector",
                json!({"detectorId": d.id, "enable": false}),
            ),
            undo: format!(
                "suspend detector {} again with `aws guardduty update-detector --region \
                 {region} --detector-id {} --no-enable`, which keeps its findings",
                d.id, d.id
            ),
            undo_loses: None,
        },
        None => {
            let alias = provider_alias(region);
            DetectorChange {
                call: Call::new(
                    "guardduty",
                    "CreateDetector",
                    json!({"enable": true, "findingPublishingFrequency": "FIFTEEN_MINUTES"}),
                ),
                cli: shell_command(&[
                    "aws", "guardduty", "create-detector", "--region", region, "--enable",
                    "--finding-publishing-frequency", "FIFTEEN_MINUTES",
                ]),
                // The new detector's id is only known once it exists.
                after: json!({"Status": "ENABLED"}),
                template: Some((
                    json!({"Type": "AWS::GuardDuty::Detector", "Properties": {
                        "Enable": true, "FindingPublishingFrequency": "FIFTEEN_MINUTES"}}),
                    format!(
                        "resource \"aws_guardduty_detector\" \"rampart_{alias}\" {{\n  provider                     = aws.{alias}\n  enable                       = true\n  finding_publishing_frequency = \"FIFTEEN_MINUTES\"\n}}\n"
                    ),
                )),
                undo_call: Call::new(
                    "guardduty",
                    "DeleteDetector",
                    json!({"detectorId": response_ref(0, "DetectorId")}),
                ),
                undo: format!(
                    "delete the detector with `aws guardduty delete-detector --region {region} \
                     --detector-id <the id CreateDetector returned>`, which drops all of its \
                     findings for good (suspending it with update-detector --no-enable keeps \
                     them, but leaves a detector that was not there)"
                ),
                undo_loses: Some(format!(
                    "every finding of the detector created in {region}: GuardDuty deletes \
                     them with it"
                )),
            }
        }
    }
}

/// The step for a region without an enabled detector.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use super::route::{self, Route};
    use crate::fix::{NotFixable, Risk, Step};
    use serde_json::json;
    let region = finding.region.as_str();
    let data = crate::fix::region_data(ctx, region)?;
    let detectors = data
        .guardduty
        .detectors
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the GuardDuty detectors of {region}"), gap))?;
    let suspended = detectors
        .iter()
        .find(|d| detector_arn(ctx, region, d) == finding.resource);
    let before_detector = detector_state(ctx, region, &finding.resource, &data.guardduty)?;
    let detector = detector_change(region, suspended);
    let mut calls = vec![detector.call];
    let mut cli = vec![detector.cli];
    let mut risk_reason = format!(
        "GuardDuty only reads logs AWS already keeps; nothing in {region} depends on its absence"
    );
    let mut billing = format!(
        "starts GuardDuty billing in {region}: charged per GB of CloudTrail management \
         events, VPC flow logs and DNS logs analysed (a 30-day free trial applies where \
         GuardDuty is new)"
    );
    let mut undo = detector.undo;
    let mut undo_calls = Vec::new();
    // The route's calls follow the detector's one.
    let (before_route, after_route, mut cfn, mut tf) =
        match route::plan(ctx, region, &data.eventbridge, 1)? {
            Route::Exists { state, .. } => {
                (state.clone(), state, serde_json::Map::new(), String::new())
            }
            Route::New {
                calls: route_calls,
                cli: route_cli,
                cloudformation,
                terraform,
                after,
                undo_calls: route_undo,
                notice,
            } => {
                calls.extend(route_calls);
                cli.extend(route_cli);
                undo_calls = route_undo;
                risk_reason = format!("{risk_reason}; {notice}");
                billing = format!("{billing}; {}", route::ROUTE_BILLING);
                undo = format!("{}. Then {undo}", route::UNDO_ROUTE);
                (Value::Null, after, cloudformation, terraform)
            }
        };
    // The route is removed before the detector is.
    undo_calls.push(detector.undo_call);
    let mut step = Step::new(
        META.id,
        &finding.resource,
        region,
        Risk::Safe,
        risk_reason,
        calls,
    )
    .states(
        json!({"Detector": before_detector, "FindingsRoute": before_route}),
        json!({"Detector": detector.after, "FindingsRoute": after_route}),
    )
    .billing(billing)
    .undo(undo)
    .undo_calls(undo_calls);
    step.cli = cli;
    // Only a whole change goes into a template: with the detector resumed outside it, the
    // template would leave the finding failing.
    if let Some((detector_cfn, detector_tf)) = detector.template {
        cfn.insert("RampartGuardDutyDetector".into(), detector_cfn);
        tf.insert_str(0, &format!("{detector_tf}\n"));
        step = step
            .cloudformation(Value::Object(cfn))
            .terraform(tf.trim_end().to_owned() + "\n");
    }
    if let Some(loses) = detector.undo_loses {
        step = step.undo_loses(loses);
    }
    Ok(vec![step])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::guardduty::testing::detector;
    use rampart_inventory::Collected;

    // FSBP GuardDuty.1: an enabled detector in every scanned region passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").guardduty.detectors = Collected::Ok(vec![detector(
            "12abc34d567e8fa901bc2d34e56789f0",
            "ENABLED",
        )]);
        fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![detector(
            "7cbd6e1f0a2b3c4d5e6f7a8b9c0d1e2f",
            "ENABLED",
        )]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // FSBP GuardDuty.1: a region with no detector fails, and so does a suspended detector.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![detector(
            "7cbd6e1f0a2b3c4d5e6f7a8b9c0d1e2f",
            "DISABLED",
        )]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::fixtures::run_check;
    use crate::checks::fixtures::{denied, Fixture};
    use crate::checks::guardduty::testing::{applied, detector, findings_rule};
    use crate::fix::{render, response_ref, testing::assert_states, testing::plan_for, Call, Risk};
    use crate::{Settings, Status};
    use rampart_inventory::Collected;
    use serde_json::json;

    // Issue 14: a region without a detector gets CreateDetector and the EventBridge → SNS
    // route, with a billing note; a suspended detector in a region already routed gets only
    // UpdateDetector; an enabled one gets nothing.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![detector(
            "7cbd6e1f0a2b3c4d5e6f7a8b9c0d1e2f",
            "DISABLED",
        )]);
        fx.region("eu-west-1").eventbridge.rules =
            Collected::Ok(vec![findings_rule("eu-west-1", "to-soc")]);
        fx.region("ap-south-1").guardduty.detectors = Collected::Ok(vec![detector(
            "0123456789abcdef0123456789abcdef",
            "ENABLED",
        )]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        let ops = |region: &str| -> Vec<String> {
            let step = plan.steps.iter().find(|s| s.region == region).unwrap();
            step.calls.iter().map(|c| c.operation.clone()).collect()
        };
        assert_eq!(
            ops("us-east-1"),
            [
                "CreateDetector",
                "CreateTopic",
                "SetTopicAttributes",
                "PutRule",
                "PutTargets"
            ]
        );
        assert_eq!(ops("eu-west-1"), ["UpdateDetector"]);
        assert!(plan.steps.iter().all(|s| s.risk == Risk::Safe
            && s.billing
                .as_deref()
                .is_some_and(|b| b.contains("GuardDuty"))));
        let created = plan.steps.iter().find(|s| s.region == "us-east-1").unwrap();
        assert!(created
            .undo
            .as_deref()
            .is_some_and(|u| u.contains("drops all of its findings")));
        assert!(!plan.steps.iter().any(|s| s.region == "ap-south-1"));
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: the state is the region's detector and findings route. Before: no detector
    // and no route in us-east-1; a suspended detector and a routed region in eu-west-1.
    // After, as a rescan shows the calls made: an enabled detector (under an id only known
    // now, which `after` leaves out) with rampart's route, and the resumed detector with the
    // route it had; both checks pass. Undo removes the route and deletes the detector by the
    // id CreateDetector returned (which loses its findings), or suspends the resumed one.
    #[test]
    fn fix_states_and_undo() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![detector(
            "7cbd6e1f0a2b3c4d5e6f7a8b9c0d1e2f",
            "DISABLED",
        )]);
        fx.region("eu-west-1").eventbridge.rules =
            Collected::Ok(vec![findings_rule("eu-west-1", "to-soc")]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2);
        let settings = Settings::default();
        let mut fixed = fx.inv.clone();
        for step in &plan.steps {
            fixed = applied(&fixed, step);
        }
        for step in &plan.steps {
            assert_states(&settings, &fx.inv, &fixed, step);
        }
        for check in [&CHECK, &super::super::findings_routed::CHECK] {
            let findings = run_check(check, &fixed);
            assert!(
                findings.iter().all(|f| f.status == Status::Pass),
                "{findings:#?}"
            );
        }
        let created = plan.steps.iter().find(|s| s.region == "us-east-1").unwrap();
        assert_eq!(created.after["Detector"], json!({"Status": "ENABLED"}));
        assert_eq!(
            created.undo_calls,
            [
                Call::new(
                    "events",
                    "RemoveTargets",
                    json!({"Rule": "rampart-guardduty-findings", "Ids": ["sns"]})
                ),
                Call::new(
                    "events",
                    "DeleteRule",
                    json!({"Name": "rampart-guardduty-findings"})
                ),
                Call::new(
                    "sns",
                    "DeleteTopic",
                    json!({"TopicArn": response_ref(1, "TopicArn")})
                ),
                Call::new(
                    "guardduty",
                    "DeleteDetector",
                    json!({"detectorId": response_ref(0, "DetectorId")})
                ),
            ]
        );
        assert_eq!(created.calls[1].operation, "CreateTopic");
        assert!(created
            .undo_loses
            .as_deref()
            .is_some_and(|l| l.contains("finding")));
        let resumed = plan.steps.iter().find(|s| s.region == "eu-west-1").unwrap();
        assert_eq!(
            resumed.undo_calls,
            [Call::new(
                "guardduty",
                "UpdateDetector",
                json!({"detectorId": "7cbd6e1f0a2b3c4d5e6f7a8b9c0d1e2f", "enable": false})
            )]
        );
        assert!(resumed.undo_loses.is_none());
        // The existing route is the state before and after.
        assert_eq!(
            resumed.before["FindingsRoute"],
            resumed.after["FindingsRoute"]
        );
        assert_eq!(resumed.after["FindingsRoute"]["EventBridgeRule"], "to-soc");
    }

    // Issue 14: whether findings are already routed is unknown when the rules could not be
    // listed: not planned rather than a duplicate route.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").eventbridge.rules = Collected::Missing(denied("events:ListRules"));
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(plan.steps.is_empty());
        assert_eq!(plan.not_planned.len(), 1);
        assert_eq!(plan.not_planned[0].check_id, META.id);
        assert!(plan.not_planned[0].reason.contains("events:ListRules"));
    }
}
