//! `guardduty_findings_routed`: in every region with an enabled GuardDuty detector, an
//! enabled EventBridge rule sends GuardDuty findings to a target.

use super::{detector_arn, is_enabled};
use crate::{Check, CheckMeta, Context, Finding, FindingBuilder, Service, Severity};
use rampart_inventory::{EventBridgeData, EventRule, Gap};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "guardduty_findings_routed",
    title: "GuardDuty findings are routed to a target",
    service: "guardduty",
    severity: Severity::Medium,
    what: "For each region with an enabled GuardDuty detector, whether the default event bus \
           has an enabled EventBridge rule whose pattern matches events from `aws.guardduty` \
           (and, when the pattern names detail types, `GuardDuty Finding`), with at least one \
           target. Regions without an enabled detector are left to `guardduty_enabled`.",
    why: "GuardDuty only records findings; it tells no one. Without a rule that sends them to \
          a topic, queue, ticketing system or SIEM, a finding about stolen credentials waits \
          in the console until someone happens to look. GuardDuty publishes findings only to \
          the event bus of the region they occur in, so each region needs its own rule.",
    fix: "aws events put-rule --name guardduty-findings --event-pattern \
          '{\"source\":[\"aws.guardduty\"],\"detail-type\":[\"GuardDuty Finding\"]}' \
          --region <REGION> && aws events put-targets --rule guardduty-findings --targets \
          Id=alerts,Arn=<SNS_TOPIC_ARN> --region <REGION> (the topic's access policy must \
          allow events.amazonaws.com to publish)",
    references: &[
        "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html",
        "https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-guardduty.html",
    ],
    cis: &[],
    needs: &[Service::GuardDuty, Service::EventBridge],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// The event source GuardDuty publishes under.
const SOURCE: &str = "aws.guardduty";

/// The detail type of a GuardDuty finding event.
const FINDING_DETAIL_TYPE: &str = "GuardDuty Finding";

fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        // Unread detectors or statuses are an ERROR here too, not left to
        // `guardduty_enabled`: run alone, this check must not fall silent (issue 9).
        let detectors = match data.guardduty.detectors.get() {
            Ok(detectors) => detectors,
            Err(gap) => {
                let resource = ctx.region_resource("guardduty", region);
                findings.push(ctx.finding(&META, region, resource).error(gap));
                continue;
            }
        };
        for detector in detectors {
            let f = ctx.finding(&META, region, detector_arn(ctx, region, detector));
            match detector.status.get() {
                Err(gap) => findings.push(f.error_reason(format!(
                    "could not be evaluated: whether detector {} is enabled could not be read: \
                     {}",
                    detector.id,
                    gap.describe()
                ))),
                Ok(_) if is_enabled(detector) => findings.push(judge(f, region, &data.eventbridge)),
                Ok(_) => {}
            }
        }
    }
    findings
}

/// Whether the region's rules route GuardDuty findings to a target.
fn judge(f: FindingBuilder, region: &str, eventbridge: &EventBridgeData) -> Finding {
    let rules = match eventbridge.rules.get() {
        Ok(rules) => rules,
        Err(gap) => return f.error(gap),
    };
    let mut problems = Vec::new();
    let mut unread: Option<(&EventRule, &Gap)> = None;
    for rule in rules.iter().filter(|r| r.matches_source(SOURCE)) {
        if !names_finding_detail_type(rule) {
            problems.push(format!(
                "rule `{}` matches only other GuardDuty event types",
                rule.name
            ));
            continue;
        }
        // `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` is enabled as well.
        if !rule.state.starts_with("ENABLED") {
            problems.push(format!("rule `{}` is {}", rule.name, rule.state));
            continue;
        }
        match rule.targets.get() {
            Ok(targets) if !targets.is_empty() => {
                let arns: Vec<&str> = targets.iter().map(|t| t.arn.as_str()).collect();
                return f.pass(format!(
                    "EventBridge rule `{}` sends GuardDuty findings in {region} to {}",
                    rule.name,
                    arns.join(", ")
                ));
            }
            Ok(_) => problems.push(format!("rule `{}` has no target", rule.name)),
            Err(gap) => {
                unread.get_or_insert((rule, gap));
            }
        }
    }
    if let Some((rule, gap)) = unread {
        return f.error_reason(format!(
            "could not be evaluated: the targets of EventBridge rule `{}` could not be read: {}",
            rule.name,
            gap.describe()
        ));
    }
    if problems.is_empty() {
        f.fail(format!(
            "no EventBridge rule in {region} matches source {SOURCE}, so GuardDuty findings \
             reach no one"
        ))
    } else {
        f.fail(format!(
            "no enabled EventBridge rule in {region} sends GuardDuty findings to a target: {}",
            problems.join("; ")
        ))
    }
}

/// Whether the rule's pattern lets `GuardDuty Finding` events through: true when it names no
/// detail type, names that one, or filters detail types with a content filter (such as
/// `prefix`) that rampart does not evaluate.
fn names_finding_detail_type(rule: &EventRule) -> bool {
    let Some(pattern) = rule
        .event_pattern
        .as_deref()
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
    else {
        return true;
    };
    match pattern.get("detail-type") {
        Some(serde_json::Value::Array(types)) => types
            .iter()
            .any(|t| t.as_str().is_none_or(|t| t == FINDING_DETAIL_TYPE)),
        Some(serde_json::Value::String(t)) => t == FINDING_DETAIL_TYPE,
        _ => true,
    }
}

/// The name of a rule that sends GuardDuty findings to a target, as [`judge`] decides it:
/// `Ok(None)` when none does, `Err((rule, gap))` when none does as far as could be read
/// but the targets of a matching rule could not be read.
pub(super) fn routes_findings(rules: &[EventRule]) -> Result<Option<&str>, (&str, &Gap)> {
    let mut unread = None;
    for rule in rules.iter().filter(|r| {
        r.matches_source(SOURCE) && names_finding_detail_type(r) && r.state.starts_with("ENABLED")
    }) {
        match rule.targets.get() {
            Ok(targets) if !targets.is_empty() => return Ok(Some(&rule.name)),
            Ok(_) => {}
            Err(gap) => {
                unread.get_or_insert((rule.name.as_str(), gap));
            }
        }
    }
    unread.map_or(Ok(None), Err)
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Routes the region's findings to an SNS topic `rampart-guardduty-findings` through an \
          EventBridge rule of the same name (CreateTopic, SetTopicAttributes with a policy \
          that lets only that rule publish, PutRule, PutTargets), subscribing the address \
          `--notify-email` names (Subscribe); without one the plan says the topic has no \
          subscriber. Safe.",
    plan: fix,
    state: Some(state),
    reads: &[
        rampart_inventory::Service::EventBridge,
        rampart_inventory::Service::Sns,
    ],
};

/// The state of a step's region: its findings route (planning again cannot give it: a
/// routed region gets no step).
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    let region = step.region.as_str();
    let data = crate::fix::region_data(ctx, region)?;
    Ok(serde_json::json!({"FindingsRoute": super::route::state(region, &data.eventbridge)?}))
}

/// The step for an enabled detector whose findings reach no target.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use super::route::{self, Route};
    use crate::fix::{NotFixable, Risk, Step};
    let region = finding.region.as_str();
    let data = crate::fix::region_data(ctx, region)?;
    match route::plan(ctx, region, &data.eventbridge, 0)? {
        Route::Exists { rule, .. } => Err(NotFixable::new(format!(
            "EventBridge rule `{rule}` in {region} already sends GuardDuty findings to a \
             target: the finding is out of date, rescan"
        ))),
        Route::New {
            calls,
            cli,
            cloudformation,
            terraform,
            after,
            undo_calls,
            notice,
        } => {
            let mut step = Step::new(
                META.id,
                &finding.resource,
                region,
                Risk::Safe,
                format!(
                    "a new topic and rule only add notifications; no existing rule or target \
                     is changed; {notice}"
                ),
                calls,
            )
            .states(
                serde_json::json!({"FindingsRoute": null}),
                serde_json::json!({"FindingsRoute": after}),
            )
            .cloudformation(serde_json::Value::Object(cloudformation))
            .terraform(terraform)
            .billing(route::ROUTE_BILLING)
            .undo(route::UNDO_ROUTE)
            .undo_calls(undo_calls);
            step.cli = cli;
            Ok(vec![step])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::guardduty::testing::{detector, findings_rule};
    use crate::Status;
    use rampart_inventory::Collected;

    const DETECTOR: &str = "12abc34d567e8fa901bc2d34e56789f0";

    /// A fixture where `regions` each have an enabled detector.
    fn with_detectors(regions: &[&str]) -> Fixture {
        let mut fx = Fixture::new();
        for region in regions {
            fx.region(region).guardduty.detectors =
                Collected::Ok(vec![detector(DETECTOR, "ENABLED")]);
        }
        fx
    }

    // GuardDuty/EventBridge: an enabled rule for aws.guardduty with a target passes, among
    // rules for other sources; a region whose detector is suspended gives no finding.
    #[test]
    fn pass() {
        let mut fx = with_detectors(&["us-east-1"]);
        let mut other = findings_rule("us-east-1", "securityhub-findings");
        other.event_pattern = Some(r#"{"source":["aws.securityhub"]}"#.into());
        fx.region("us-east-1").eventbridge.rules = Collected::Ok(vec![
            other,
            findings_rule("us-east-1", "guardduty-findings"),
        ]);
        fx.region("eu-west-1").guardduty.detectors =
            Collected::Ok(vec![detector(DETECTOR, "DISABLED")]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // GuardDuty/EventBridge: no matching rule, a disabled rule, a rule without target, and a
    // rule for other GuardDuty event types each fail, naming what is wrong.
    #[test]
    fn fail() {
        let mut fx = with_detectors(&["us-east-1", "eu-west-1", "ap-south-1"]);
        // us-east-1: rules list read and empty.
        let mut disabled = findings_rule("eu-west-1", "guardduty-findings");
        disabled.state = "DISABLED".into();
        let mut runtime = findings_rule("eu-west-1", "guardduty-runtime");
        runtime.event_pattern = Some(
            r#"{"source":["aws.guardduty"],"detail-type":["GuardDuty Runtime Protection Unhealthy"]}"#
                .into(),
        );
        fx.region("eu-west-1").eventbridge.rules = Collected::Ok(vec![disabled, runtime]);
        let mut no_target = findings_rule("ap-south-1", "guardduty-findings");
        no_target.targets = Collected::Ok(vec![]);
        fx.region("ap-south-1").eventbridge.rules = Collected::Ok(vec![no_target]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // Issue 9: run alone, the check said nothing when the detectors could not be read; it
    // gives ERROR for the region, and for a detector whose status could not be read.
    #[test]
    fn unread_detectors_are_errors() {
        let mut fx = with_detectors(&["eu-west-1"]);
        fx.region("us-east-1").guardduty.detectors =
            Collected::Missing(denied("guardduty:ListDetectors"));
        let mut unread = detector(DETECTOR, "ENABLED");
        unread.status = Collected::Missing(denied("guardduty:GetDetector"));
        fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![unread]);
        let findings = run_check(&CHECK, &fx.inv);
        let got: Vec<(&str, Status)> = findings
            .iter()
            .map(|f| (f.region.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            [("eu-west-1", Status::Error), ("us-east-1", Status::Error)]
        );
        assert!(findings[0].reason.contains("guardduty:GetDetector"));
        assert!(findings[1].reason.contains("guardduty:ListDetectors"));
    }

    // GuardDuty/EventBridge: the detail-type filter is read only when it is a plain list.
    #[test]
    fn detail_type_filter() {
        let rule = |pattern: &str| EventRule {
            event_pattern: Some(pattern.into()),
            ..Default::default()
        };
        assert!(names_finding_detail_type(&rule(
            r#"{"source":["aws.guardduty"]}"#
        )));
        assert!(names_finding_detail_type(&rule(
            r#"{"detail-type":["GuardDuty Finding"]}"#
        )));
        assert!(names_finding_detail_type(&rule(
            r#"{"detail-type":[{"prefix":"GuardDuty"}]}"#
        )));
        assert!(!names_finding_detail_type(&rule(
            r#"{"detail-type":["GuardDuty Runtime Protection Healthy"]}"#
        )));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::fixtures::run_check;
    use crate::checks::fixtures::{denied, Fixture};
    use crate::checks::guardduty::testing::{applied, detector, findings_rule};
    use crate::fix::{plan, render, response_ref, testing::assert_states, testing::plan_for};
    use crate::fix::{Call, Plan};
    use crate::{Settings, Status};
    use rampart_inventory::{Collected, EventRule, Inventory};
    use serde_json::json;

    // Issue 14: an enabled detector whose only matching rule has no target gets the route;
    // a region whose rule sends findings to a target gets none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        let r = fx.region("us-east-1");
        r.guardduty.detectors = Collected::Ok(vec![detector("d1", "ENABLED")]);
        r.eventbridge.rules = Collected::Ok(vec![EventRule {
            targets: Collected::Ok(vec![]),
            ..findings_rule("us-east-1", "no-target")
        }]);
        let r = fx.region("eu-west-1");
        r.guardduty.detectors = Collected::Ok(vec![detector("d2", "ENABLED")]);
        r.eventbridge.rules = Collected::Ok(vec![findings_rule("eu-west-1", "to-soc")]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        let ops: Vec<&str> = plan.steps[0]
            .calls
            .iter()
            .map(|c| c.operation.as_str())
            .collect();
        assert_eq!(
            ops,
            ["CreateTopic", "SetTopicAttributes", "PutRule", "PutTargets"]
        );
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    /// The plan for the check's findings over `inv`, with `settings`.
    fn plan_with(inv: &Inventory, settings: &Settings) -> Plan {
        plan(inv, settings, &run_check(&CHECK, inv))
    }

    /// An enabled detector in us-east-1 whose findings reach no target.
    fn unrouted() -> Fixture {
        let mut fx = Fixture::new();
        fx.region("us-east-1").guardduty.detectors = Collected::Ok(vec![detector("d1", "ENABLED")]);
        fx
    }

    // Issue 14: the state is the region's findings route: none before; rampart's rule and
    // its topic once a rescan reads them (planning again would give no step). Undo removes
    // the target, the rule, then the topic by the ARN CreateTopic returned.
    #[test]
    fn fix_states_and_undo() {
        let fx = unrouted();
        let settings = Settings::default();
        let plan = plan_with(&fx.inv, &settings);
        let step = &plan.steps[0];
        let fixed = applied(&fx.inv, step);
        assert_states(&settings, &fx.inv, &fixed, step);
        assert_eq!(run_check(&CHECK, &fixed)[0].status, Status::Pass);
        assert_eq!(
            step.undo_calls,
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
                    json!({"TopicArn": response_ref(0, "TopicArn")})
                ),
            ]
        );
        assert!(step.undo_loses.is_none());
    }

    // Issue 14: without an address to notify, the topic has no subscriber: the step says so
    // and names --notify-email, and subscribes no one.
    #[test]
    fn fix_without_notify_email_says_no_one_is_subscribed() {
        let plan = plan_with(&unrouted().inv, &Settings::default());
        let step = &plan.steps[0];
        assert!(
            step.risk_reason.contains("no subscriber"),
            "{}",
            step.risk_reason
        );
        assert!(step.risk_reason.contains("--notify-email"));
        assert!(!step.calls.iter().any(|c| c.operation == "Subscribe"));
        assert!(!step.cli.iter().any(|c| c.contains("subscribe")));
    }

    // Issue 14: with --notify-email, the route subscribes that address to the topic, in the
    // calls, the CLI commands, the template and the Terraform; the reason says a
    // confirmation mail goes there. The state is the same: the check reads no subscriptions,
    // and a pending one counts as routed.
    #[test]
    fn fix_with_notify_email_subscribes_it() {
        let fx = unrouted();
        let mut settings = Settings::default();
        settings.fix.notify_email = Some("soc@example.com".into());
        let plan = plan_with(&fx.inv, &settings);
        let step = &plan.steps[0];
        let topic = "arn:aws:sns:us-east-1:111122223333:rampart-guardduty-findings";
        assert_eq!(
            step.calls.last(),
            Some(&Call::new(
                "sns",
                "Subscribe",
                json!({"TopicArn": topic, "Protocol": "email", "Endpoint": "soc@example.com"})
            ))
        );
        assert_eq!(
            step.cli.last().map(String::as_str),
            Some(
                "aws sns subscribe --region us-east-1 --topic-arn \
                 arn:aws:sns:us-east-1:111122223333:rampart-guardduty-findings --protocol email \
                 --notification-endpoint soc@example.com"
            )
        );
        let cfn = step.cloudformation.as_ref().unwrap();
        assert_eq!(
            cfn["RampartGuardDutyFindingsSubscription"]["Properties"]["Endpoint"],
            "soc@example.com"
        );
        let tf = step.terraform.as_deref().unwrap();
        assert!(tf.contains("resource \"aws_sns_topic_subscription\""));
        assert!(tf.contains("endpoint  = \"soc@example.com\""));
        assert!(step.risk_reason.contains("soc@example.com"));
        assert!(!step.risk_reason.contains("no subscriber"));
        let fixed = applied(&fx.inv, step);
        assert_states(&settings, &fx.inv, &fixed, step);
        // Deleting the topic ends the subscription: nothing more to undo.
        assert_eq!(step.undo_calls.len(), 3);
        insta::assert_snapshot!("fix_step_notify_email", render::json(&plan));
    }

    // Issue 14: an address that is not one is not guessed at: not planned, naming the flag.
    #[test]
    fn fix_bad_notify_email_is_not_planned() {
        let mut settings = Settings::default();
        settings.fix.notify_email = Some("soc example.com".into());
        let plan = plan_with(&unrouted().inv, &settings);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0].reason.contains("--notify-email"));
    }

    // Issue 14: a matching rule whose targets could not be read makes the check an ERROR
    // (never planned); over a failing finding from an earlier scan, the fixer does not
    // guess either.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        let r = fx.region("us-east-1");
        r.guardduty.detectors = Collected::Ok(vec![detector("d1", "ENABLED")]);
        r.eventbridge.rules = Collected::Ok(vec![EventRule {
            targets: Collected::Missing(denied("events:ListTargetsByRule")),
            ..findings_rule("us-east-1", "unread")
        }]);
        assert!(plan_for(&CHECK, &fx.inv).steps.is_empty());
        let finding = crate::fix::testing::failing(
            &super::META,
            &fx.inv,
            "us-east-1",
            "arn:aws:guardduty:us-east-1:111122223333:detector/d1",
        );
        let plan = crate::fix::plan(&fx.inv, &crate::Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0]
            .reason
            .contains("events:ListTargetsByRule"));
    }
}
