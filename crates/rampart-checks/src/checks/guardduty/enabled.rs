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
          PutTargets); subscribe a person to the topic. Safe; starts GuardDuty billing.",
    plan: fix,
    state: None,
};

/// The step for a region without an enabled detector.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use super::route::{self, Route};
    use crate::fix::render::provider_alias;
    use crate::fix::{Call, NotFixable, Risk, Step};
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
    let route = route::plan(ctx, region, &data.eventbridge)?;
    let alias = provider_alias(region);
    let (mut calls, mut cli, before_detector, after_detector, detector_cfn, detector_tf) =
        match suspended {
            Some(d) => (
                vec![Call::new(
                    "guardduty",
                    "UpdateDetector",
                    json!({"detectorId": d.id, "enable": true}),
                )],
                vec![crate::fix::render::shell_command(&[
                    "aws", "guardduty", "update-detector", "--region", region,
                    "--detector-id", &d.id, "--enable",
                ])],
                json!({"DetectorId": d.id, "Status": d.status.ok()}),
                json!({"DetectorId": d.id, "Status": "ENABLED"}),
                // A template cannot resume a detector it does not manage.
                None,
                None,
            ),
            None => (
                vec![Call::new(
                    "guardduty",
                    "CreateDetector",
                    json!({"enable": true, "findingPublishingFrequency": "FIFTEEN_MINUTES"}),
                )],
                vec![crate::fix::render::shell_command(&[
                    "aws", "guardduty", "create-detector", "--region", region, "--enable",
                    "--finding-publishing-frequency", "FIFTEEN_MINUTES",
                ])],
                Value::Null,
                json!({"Status": "ENABLED"}),
                Some(json!({"Type": "AWS::GuardDuty::Detector", "Properties": {
                    "Enable": true, "FindingPublishingFrequency": "FIFTEEN_MINUTES"}})),
                Some(format!(
                    "resource \"aws_guardduty_detector\" \"rampart_{alias}\" {{\n  provider                     = aws.{alias}\n  enable                       = true\n  finding_publishing_frequency = \"FIFTEEN_MINUTES\"\n}}\n"
                )),
            ),
        };
    let (before_route, after_route, mut cfn, mut tf, billing_route) = match route {
        Route::Exists { rule } => (
            json!({"EventBridgeRule": rule}),
            json!({"EventBridgeRule": rule}),
            serde_json::Map::new(),
            String::new(),
            "",
        ),
        Route::New {
            calls: route_calls,
            cli: route_cli,
            cloudformation,
            terraform,
            after,
        } => {
            calls.extend(route_calls);
            cli.extend(route_cli);
            (
                Value::Null,
                after,
                cloudformation,
                terraform,
                route::ROUTE_BILLING,
            )
        }
    };
    let mut step = Step::new(
        META.id,
        &finding.resource,
        region,
        Risk::Safe,
        format!(
            "GuardDuty only reads logs AWS already keeps; nothing in {region} depends on its \
             absence"
        ),
        calls,
    )
    .states(
        json!({"Detector": before_detector, "FindingsRoute": before_route}),
        json!({"Detector": after_detector, "FindingsRoute": after_route}),
    );
    step.cli = cli;
    // Only a whole change goes into a template: with the detector resumed outside it, the
    // template would leave the finding failing.
    if let (Some(detector), Some(detector_tf)) = (detector_cfn, detector_tf) {
        cfn.insert("RampartGuardDutyDetector".into(), detector);
        tf.insert_str(0, &format!("{detector_tf}\n"));
        step = step
            .cloudformation(Value::Object(cfn))
            .terraform(tf.trim_end().to_owned() + "\n");
    }
    let billing = format!(
        "starts GuardDuty billing in {region}: charged per GB of CloudTrail management \
         events, VPC flow logs and DNS logs analysed (a 30-day free trial applies where \
         GuardDuty is new){}",
        if billing_route.is_empty() {
            String::new()
        } else {
            format!("; {billing_route}")
        }
    );
    Ok(vec![step.billing(billing).undo(format!(
        "suspend with `aws guardduty update-detector --no-enable` (keeps findings); \
         deleting the detector (delete-detector) drops all of its findings for good{}",
        if billing_route.is_empty() {
            String::new()
        } else {
            format!(". {}", route::UNDO_ROUTE)
        }
    ))])
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
    use crate::checks::fixtures::{denied, Fixture};
    use crate::checks::guardduty::testing::{detector, findings_rule};
    use crate::fix::{render, testing::plan_for, Risk};
    use rampart_inventory::Collected;

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
                .is_some_and(|b| b.contains("GuardDuty"))
            && s.undo
                .as_deref()
                .is_some_and(|u| u.contains("drops all of its findings"))));
        assert!(!plan.steps.iter().any(|s| s.region == "ap-south-1"));
        insta::assert_snapshot!("fix_step", render::json(&plan));
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
