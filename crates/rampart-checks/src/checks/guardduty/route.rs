//! The EventBridge → SNS route for GuardDuty findings that `rampart fix` plans: shared by the
//! fixers of `guardduty_enabled` (a new or resumed detector gets a route) and
//! `guardduty_findings_routed` (an enabled detector without one).

use super::findings_routed::routes_findings;
use crate::fix::render::{hcl_string, provider_alias, shell_command};
use crate::fix::{canonical, Call, NotFixable};
use crate::Context;
use rampart_inventory::EventBridgeData;
use serde_json::{json, Map, Value};

/// Name of the SNS topic and EventBridge rule that route GuardDuty findings.
pub(super) const ROUTE_NAME: &str = "rampart-guardduty-findings";

/// The calls and snippets of a route, or the rule that already routes findings.
pub(super) enum Route {
    /// An enabled rule already sends findings to a target: nothing to add.
    Exists { rule: String },
    /// The route to create.
    New {
        /// The calls, in order.
        calls: Vec<Call>,
        /// The same as CLI commands.
        cli: Vec<String>,
        /// CloudFormation resources.
        cloudformation: Map<String, Value>,
        /// Terraform HCL.
        terraform: String,
        /// The route's state once created.
        after: Value,
    },
}

/// The route for `region`: [`Route::Exists`] when one of its rules already sends findings to
/// a target (as `guardduty_findings_routed` judges), else the route to create. `NotFixable`
/// when the rules, or the targets of a rule that would count, could not be read.
pub(super) fn plan(
    ctx: &Context,
    region: &str,
    eventbridge: &EventBridgeData,
) -> Result<Route, NotFixable> {
    let rules = eventbridge
        .rules
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the EventBridge rules of {region}"), gap))?;
    if let Some(rule) = routes_findings(rules).map_err(|(rule, gap)| {
        NotFixable::gap(
            &format!("the targets of EventBridge rule `{rule}` in {region}"),
            gap,
        )
    })? {
        return Ok(Route::Exists {
            rule: rule.to_owned(),
        });
    }
    let account = &ctx.inventory.account;
    let (p, id) = (&account.partition, &account.id);
    let topic_arn = format!("arn:{p}:sns:{region}:{id}:{ROUTE_NAME}");
    let rule_arn = format!("arn:{p}:events:{region}:{id}:rule/{ROUTE_NAME}");
    let pattern = r#"{"detail-type":["GuardDuty Finding"],"source":["aws.guardduty"]}"#;
    let policy = serde_json::to_string(&canonical(json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EventBridgePublishesGuardDutyFindings",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }],
    })))
    .unwrap_or_default();
    let calls = vec![
        Call::new("sns", "CreateTopic", json!({"Name": ROUTE_NAME})),
        Call::new(
            "sns",
            "SetTopicAttributes",
            json!({"TopicArn": topic_arn, "AttributeName": "Policy", "AttributeValue": policy}),
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
    ];
    let targets = format!("Id=sns,Arn={topic_arn}");
    let cli = [
        &[
            "aws",
            "sns",
            "create-topic",
            "--region",
            region,
            "--name",
            ROUTE_NAME,
        ][..],
        &[
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
            &policy,
        ],
        &[
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
        &[
            "aws",
            "events",
            "put-targets",
            "--region",
            region,
            "--rule",
            ROUTE_NAME,
            "--targets",
            &targets,
        ],
    ]
    .iter()
    .map(|c| shell_command(c))
    .collect();
    let mut cloudformation = Map::new();
    cloudformation.insert(
        "RampartGuardDutyFindingsTopic".into(),
        json!({"Type": "AWS::SNS::Topic", "Properties": {"TopicName": ROUTE_NAME}}),
    );
    cloudformation.insert(
        "RampartGuardDutyFindingsRule".into(),
        json!({"Type": "AWS::Events::Rule", "Properties": {
            "Name": ROUTE_NAME,
            "State": "ENABLED",
            "EventPattern": {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]},
            "Targets": [{"Id": "sns", "Arn": {"Ref": "RampartGuardDutyFindingsTopic"}}],
        }}),
    );
    cloudformation.insert(
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
    let alias = provider_alias(region);
    let terraform = format!(
        "resource \"aws_sns_topic\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  name     = {name}\n}}\n\n\
         resource \"aws_cloudwatch_event_rule\" \"rampart_guardduty_{alias}\" {{\n  provider      = aws.{alias}\n  name          = {name}\n  event_pattern = {pattern}\n}}\n\n\
         resource \"aws_cloudwatch_event_target\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  rule     = aws_cloudwatch_event_rule.rampart_guardduty_{alias}.name\n  arn      = aws_sns_topic.rampart_guardduty_{alias}.arn\n}}\n\n\
         resource \"aws_sns_topic_policy\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  arn      = aws_sns_topic.rampart_guardduty_{alias}.arn\n  policy   = {policy}\n}}\n",
        name = hcl_string(ROUTE_NAME),
        pattern = hcl_string(pattern),
        policy = hcl_string(&policy),
    );
    Ok(Route::New {
        calls,
        cli,
        cloudformation,
        terraform,
        after: json!({"EventBridgeRule": ROUTE_NAME, "SnsTopic": topic_arn}),
    })
}

/// What a route's undo says.
pub(super) const UNDO_ROUTE: &str = "Remove the route with `aws events remove-targets --rule \
     rampart-guardduty-findings --ids sns`, `aws events delete-rule --name \
     rampart-guardduty-findings` and `aws sns delete-topic`; nothing is lost but the \
     notifications";

/// What a route's billing note says.
pub(super) const ROUTE_BILLING: &str =
    "SNS charges per notification published beyond the free tier";
