//! The EventBridge → SNS route for GuardDuty findings that `rampart fix` plans: shared by the
//! fixers of `guardduty_enabled` (a new or resumed detector gets a route) and
//! `guardduty_findings_routed` (an enabled detector without one).

use super::findings_routed::routes_findings;
use crate::fix::render::{hcl_string, provider_alias, shell_command};
use crate::fix::{canonical, response_ref, Call, NotFixable};
use crate::Context;
use rampart_inventory::{EventBridgeData, EventRule};
use serde_json::{json, Map, Value};

/// Name of the SNS topic and EventBridge rule that route GuardDuty findings.
pub(super) const ROUTE_NAME: &str = "rampart-guardduty-findings";

/// The calls and snippets of a route, or the rule that already routes findings.
pub(super) enum Route {
    /// An enabled rule already sends findings to a target: nothing to add.
    Exists {
        /// The rule's name.
        rule: String,
        /// The route's state ([`state`]).
        state: Value,
    },
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
        /// The calls that remove it again.
        undo_calls: Vec<Call>,
        /// Who the findings reach: the subscribed address, or that no one is subscribed
        /// and how to name someone.
        notice: String,
    },
}

/// The rule that sends the region's GuardDuty findings to a target, as
/// `guardduty_findings_routed` judges, or why that cannot be known.
fn routing_rule<'a>(
    region: &str,
    eventbridge: &'a EventBridgeData,
) -> Result<Option<&'a EventRule>, NotFixable> {
    let rules = eventbridge
        .rules
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the EventBridge rules of {region}"), gap))?;
    let name = routes_findings(rules).map_err(|(rule, gap)| {
        NotFixable::gap(
            &format!("the targets of EventBridge rule `{rule}` in {region}"),
            gap,
        )
    })?;
    Ok(name.and_then(|name| rules.iter().find(|r| r.name == name)))
}

/// The state of the region's findings route, as a step's `before` and `after` hold it: the
/// rule that sends GuardDuty findings to a target and the targets' ARNs (sorted), or `null`
/// when no rule does.
pub(super) fn state(region: &str, eventbridge: &EventBridgeData) -> Result<Value, NotFixable> {
    Ok(match routing_rule(region, eventbridge)? {
        None => Value::Null,
        Some(rule) => {
            let mut targets: Vec<&str> = rule
                .targets
                .ok()
                .map(|t| t.iter().map(|t| t.arn.as_str()).collect())
                .unwrap_or_default();
            targets.sort_unstable();
            json!({"EventBridgeRule": rule.name, "Targets": targets})
        }
    })
}

/// The address `--notify-email` (or `[fix] notify_email`) names, if any, or why it cannot
/// be subscribed.
fn notify_email<'a>(ctx: &Context<'a>) -> Result<Option<&'a str>, NotFixable> {
    match ctx.settings.fix.notify_email.as_deref() {
        None => Ok(None),
        Some(email)
            if email.contains('@')
                && !email.starts_with('@')
                && !email.ends_with('@')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(Some(email))
        }
        Some(other) => Err(NotFixable::new(format!(
            "--notify-email (or [fix] notify_email) `{}` is not an email address",
            other.escape_debug()
        ))),
    }
}

/// The route for `region`: [`Route::Exists`] when one of its rules already sends findings to
/// a target (as `guardduty_findings_routed` judges), else the route to create, its calls
/// starting at the step's call `first_call` (for the response references of its undo).
/// `NotFixable` when the rules, or the targets of a rule that would count, could not be
/// read, or when the address to notify is not one.
pub(super) fn plan(
    ctx: &Context,
    region: &str,
    eventbridge: &EventBridgeData,
    first_call: usize,
) -> Result<Route, NotFixable> {
    if let Some(rule) = routing_rule(region, eventbridge)? {
        return Ok(Route::Exists {
            rule: rule.name.clone(),
            state: state(region, eventbridge)?,
        });
    }
    let email = notify_email(ctx)?;
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
    let mut calls = vec![
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
    let mut cli: Vec<String> = [
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
    let mut terraform = format!(
        "resource \"aws_sns_topic\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  name     = {name}\n}}\n\n\
         resource \"aws_cloudwatch_event_rule\" \"rampart_guardduty_{alias}\" {{\n  provider      = aws.{alias}\n  name          = {name}\n  event_pattern = {pattern}\n}}\n\n\
         resource \"aws_cloudwatch_event_target\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  rule     = aws_cloudwatch_event_rule.rampart_guardduty_{alias}.name\n  arn      = aws_sns_topic.rampart_guardduty_{alias}.arn\n}}\n\n\
         resource \"aws_sns_topic_policy\" \"rampart_guardduty_{alias}\" {{\n  provider = aws.{alias}\n  arn      = aws_sns_topic.rampart_guardduty_{alias}.arn\n  policy   = {policy}\n}}\n",
        name = hcl_string(ROUTE_NAME),
        pattern = hcl_string(pattern),
        policy = hcl_string(&policy),
    );
    let notice = match email {
        Some(email) => {
            let sub = subscription(region, &topic_arn, email);
            calls.push(sub.call);
            cli.push(sub.cli);
            cloudformation.insert(
                "RampartGuardDutyFindingsSubscription".into(),
                sub.cloudformation,
            );
            terraform.push_str(&sub.terraform);
            format!(
                "the topic's findings go to {email} once that address follows the \
                 confirmation link AWS mails it"
            )
        }
        None => "the topic gets no subscriber, so its findings reach no one: plan again with \
                 --notify-email ADDRESS (or set notify_email under [fix] in rampart.toml) to \
                 subscribe a person"
            .to_owned(),
    };
    Ok(Route::New {
        calls,
        cli,
        cloudformation,
        terraform,
        after: json!({"EventBridgeRule": ROUTE_NAME, "Targets": [topic_arn]}),
        undo_calls: vec![
            Call::new(
                "events",
                "RemoveTargets",
                json!({"Rule": ROUTE_NAME, "Ids": ["sns"]}),
            ),
            Call::new("events", "DeleteRule", json!({"Name": ROUTE_NAME})),
            Call::new(
                "sns",
                "DeleteTopic",
                json!({"TopicArn": response_ref(first_call, "TopicArn")}),
            ),
        ],
        notice,
    })
}

/// An email subscription to the route's topic, in each form a step carries.
struct Subscription {
    call: Call,
    cli: String,
    cloudformation: Value,
    terraform: String,
}

/// The subscription of `email` to the route's topic `topic_arn` in `region` (AWS mails the
/// address a confirmation link; deleting the topic ends the subscription).
fn subscription(region: &str, topic_arn: &str, email: &str) -> Subscription {
    let alias = provider_alias(region);
    Subscription {
        call: Call::new(
            "sns",
            "Subscribe",
            json!({"TopicArn": topic_arn, "Protocol": "email", "Endpoint": email}),
        ),
        cli: shell_command(&[
            "aws",
            "sns",
            "subscribe",
            "--region",
            region,
            "--topic-arn",
            topic_arn,
            "--protocol",
            "email",
            "--notification-endpoint",
            email,
        ]),
        cloudformation: json!({"Type": "AWS::SNS::Subscription", "Properties": {
            "TopicArn": {"Ref": "RampartGuardDutyFindingsTopic"},
            "Protocol": "email",
            "Endpoint": email,
        }}),
        terraform: format!(
            "\nresource \"aws_sns_topic_subscription\" \"rampart_guardduty_{alias}\" {{\n  provider  = aws.{alias}\n  topic_arn = aws_sns_topic.rampart_guardduty_{alias}.arn\n  protocol  = \"email\"\n  endpoint  = {}\n}}\n",
            hcl_string(email)
        ),
    }
}

/// What a route's undo says.
pub(super) const UNDO_ROUTE: &str = "Remove the route with `aws events remove-targets --rule \
     rampart-guardduty-findings --ids sns`, `aws events delete-rule --name \
     rampart-guardduty-findings` and `aws sns delete-topic` (which ends its subscriptions); \
     nothing is lost but the notifications";

/// What a route's billing note says.
pub(super) const ROUTE_BILLING: &str =
    "SNS charges per notification published beyond the free tier";
