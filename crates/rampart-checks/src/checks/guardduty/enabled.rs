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

/// Name of the SNS topic and EventBridge rule that route GuardDuty findings.
const ROUTE_NAME: &str = "rampart-guardduty-findings";

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Creates a detector in the region (CreateDetector) or resumes the suspended one \
          (UpdateDetector), and, unless an enabled EventBridge rule already matches \
          `aws.guardduty`, routes findings to an SNS topic `rampart-guardduty-findings` \
          through a rule of the same name (CreateTopic, SetTopicAttributes, PutRule, \
          PutTargets); subscribe a person to the topic. Safe; starts GuardDuty billing.",
    plan: fix,
};

/// The step for a region without an enabled detector.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{Call, NotFixable, Risk, Step};
    use serde_json::json;
    let region = finding.region.as_str();
    let data = ctx
        .inventory
        .regional
        .get(region)
        .ok_or_else(|| NotFixable::new(format!("region {region} is not in the snapshot")))?;
    let detectors = data
        .guardduty
        .detectors
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the GuardDuty detectors of {region}"), gap))?;
    let suspended = detectors
        .iter()
        .find(|d| detector_arn(ctx, region, d) == finding.resource);
    let rules = data
        .eventbridge
        .rules
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the EventBridge rules of {region}"), gap))?;
    let routed = rules
        .iter()
        .find(|r| r.state == "ENABLED" && r.matches_source("aws.guardduty"));
    let account = &ctx.inventory.account;
    let (p, id) = (&account.partition, &account.id);
    let topic_arn = format!("arn:{p}:sns:{region}:{id}:{ROUTE_NAME}");
    let rule_arn = format!("arn:{p}:events:{region}:{id}:rule/{ROUTE_NAME}");
    let pattern = r#"{"detail-type":["GuardDuty Finding"],"source":["aws.guardduty"]}"#;
    let topic_policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EventBridgePublishesGuardDutyFindings",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }],
    });
    let topic_policy_text =
        serde_json::to_string(&crate::fix::canonical(topic_policy.clone())).unwrap_or_default();
    let mut calls = Vec::new();
    let mut cli: Vec<Vec<String>> = Vec::new();
    let mut cfn = serde_json::Map::new();
    let alias = provider_alias(region);
    let mut tf = String::new();
    let before_detector = match suspended {
        Some(d) => {
            calls.push(Call::new(
                "guardduty",
                "UpdateDetector",
                json!({"DetectorId": d.id, "Enable": true}),
            ));
            cli.push(
                [
                    "aws",
                    "guardduty",
                    "update-detector",
                    "--region",
                    region,
                    "--detector-id",
                    &d.id,
                    "--enable",
                ]
                .map(String::from)
                .to_vec(),
            );
            json!({"DetectorId": d.id, "Status": d.status.ok()})
        }
        None => {
            calls.push(Call::new(
                "guardduty",
                "CreateDetector",
                json!({"Enable": true, "FindingPublishingFrequency": "FIFTEEN_MINUTES"}),
            ));
            cli.push(
                [
                    "aws",
                    "guardduty",
                    "create-detector",
                    "--region",
                    region,
                    "--enable",
                    "--finding-publishing-frequency",
                    "FIFTEEN_MINUTES",
                ]
                .map(String::from)
                .to_vec(),
            );
            cfn.insert(
                "RampartGuardDutyDetector".into(),
                json!({"Type": "AWS::GuardDuty::Detector", "Properties": {"Enable": true, "FindingPublishingFrequency": "FIFTEEN_MINUTES"}}),
            );
            tf.push_str(&format!(
                "resource \"aws_guardduty_detector\" \"rampart_{alias}\" {{\n  provider                     = aws.{alias}\n  enable                       = true\n  finding_publishing_frequency = \"FIFTEEN_MINUTES\"\n}}\n"
            ));
            Value::Null
        }
    };
    let before_route = match routed {
        Some(rule) => json!({"EventBridgeRule": rule.name}),
        None => {
            calls.extend([
                Call::new("sns", "CreateTopic", json!({"Name": ROUTE_NAME})),
                Call::new(
                    "sns",
                    "SetTopicAttributes",
                    json!({"TopicArn": topic_arn, "AttributeName": "Policy", "AttributeValue": topic_policy_text}),
                ),
                Call::new(
                    "events",
                    "PutRule",
                    json!({"Name": ROUTE_NAME, "EventPattern": pattern, "State": "ENABLED"}),
                ),
                Call::new(
                    "events",
                    "PutTargets",
                    json!({"Rule": ROUTE_NAME, "Targets": [{"Id": "sns", "Arn": topic_arn}]}),
                ),
            ]);
            for c in [
                vec![
                    "aws",
                    "sns",
                    "create-topic",
                    "--region",
                    region,
                    "--name",
                    ROUTE_NAME,
                ],
                vec![
                    "aws",
                    "sns",
                    "set-topic-attributes",
                    "--region",
                    region,
                    "--topic-arn",
                    &topic_arn,
                    "--attribute-name",
                    "Policy",
                    "--attribute-value",
                    &topic_policy_text,
                ],
                vec![
                    "aws",
                    "events",
                    "put-rule",
                    "--region",
                    region,
                    "--name",
                    ROUTE_NAME,
                    "--event-pattern",
                    pattern,
                    "--state",
                    "ENABLED",
                ],
                vec![
                    "aws",
                    "events",
                    "put-targets",
                    "--region",
                    region,
                    "--rule",
                    ROUTE_NAME,
                    "--targets",
                    &format!("Id=sns,Arn={topic_arn}"),
                ],
            ] {
                cli.push(c.into_iter().map(String::from).collect());
            }
            cfn.insert(
                "RampartGuardDutyFindingsTopic".into(),
                json!({"Type": "AWS::SNS::Topic", "Properties": {"TopicName": ROUTE_NAME}}),
            );
            cfn.insert(
                "RampartGuardDutyFindingsRule".into(),
                json!({"Type": "AWS::Events::Rule", "Properties": {
                    "Name": ROUTE_NAME,
                    "State": "ENABLED",
                    "EventPattern": {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]},
                    "Targets": [{"Id": "sns", "Arn": {"Ref": "RampartGuardDutyFindingsTopic"}}],
                }}),
            );
            cfn.insert(
                "RampartGuardDutyFindingsTopicPolicy".into(),
                json!({"Type": "AWS::SNS::TopicPolicy", "Properties": {
                    "Topics": [{"Ref": "RampartGuardDutyFindingsTopic"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Sid": "EventBridgePublishesGuardDutyFindings",
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": {"Ref": "RampartGuardDutyFindingsTopic"},
                            "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["RampartGuardDutyFindingsRule", "Arn"]}}},
                        }],
                    },
                }}),
            );
            tf.push_str(&format!(
                "resource \"aws_sns_topic\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  name     = {name}\n}}\n\n\
                 resource \"aws_cloudwatch_event_rule\" \"rampart_guardduty_{alias}\" {{\n  provider      = aws.{alias}\n  name          = {name}\n  event_pattern = {pattern}\n}}\n\n\
                 resource \"aws_cloudwatch_event_target\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  rule     = aws_cloudwatch_event_rule.rampart_guardduty_{alias}.name\n  arn      = aws_sns_topic.rampart_guardduty_{alias}.arn\n}}\n\n\
                 resource \"aws_sns_topic_policy\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  arn      = aws_sns_topic.rampart_guardduty_{alias}.arn\n  policy   = {policy}\n}}\n",
                name = hcl_string(ROUTE_NAME),
                pattern = hcl_string(pattern),
                policy = hcl_string(&topic_policy_text),
            ));
            Value::Null
        }
    };
    let mut step = Step::new(
        META.id,
        &finding.resource,
        region,
        Risk::Safe,
        format!("GuardDuty only reads logs AWS already has; nothing in {region} depends on its absence"),
        calls,
    )
    .states(
        json!({"Detector": before_detector, "FindingsRoute": before_route}),
        json!({"Detector": match suspended { Some(d) => json!({"DetectorId": d.id, "Status": "ENABLED"}), None => json!({"Status": "ENABLED"}) }, "FindingsRoute": routed.map_or(json!({"EventBridgeRule": ROUTE_NAME, "SnsTopic": topic_arn}), |r| json!({"EventBridgeRule": r.name}))}),
    );
    step.cli = cli
        .iter()
        .map(|c| {
            crate::fix::render::shell_command(&c.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .collect();
    if !cfn.is_empty() && suspended.is_none() {
        step = step.cloudformation(Value::Object(cfn));
    }
    if !tf.is_empty() && suspended.is_none() {
        step = step.terraform(tf);
    }
    Ok(vec![step
        .billing(format!(
            "starts GuardDuty billing in {region}: charged per GB of CloudTrail management \
             events, VPC flow logs and DNS logs analysed (a 30-day free trial applies where \
             GuardDuty is new); SNS charges per notification beyond the free tier"
        ))
        .undo(
            "suspend with `aws guardduty update-detector --no-enable` (keeps findings); \
             deleting the detector (delete-detector) drops all of its findings for good. \
             Remove the route with events remove-targets, events delete-rule and sns \
             delete-topic",
        )])
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
