//! `cloudwatch_billing_alarm`: spending is watched, by a billing alarm or a cost budget that
//! notifies someone.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudwatch_billing_alarm",
    title: "A billing alarm or cost budget notifies someone of spending",
    service: "cloudwatch",
    severity: Severity::Medium,
    what: "Whether the account has either a CloudWatch alarm in us-east-1 (where billing \
           metrics live) on namespace `AWS/Billing`, metric `EstimatedCharges`, with its \
           actions enabled and at least one action; or an AWS Budget of type `COST` with a \
           notification that has at least one subscriber. One finding for the account. If \
           neither is found and us-east-1 was not scanned or the budgets were not read, the \
           finding is an ERROR.",
    why: "A sudden jump in spending is often the first visible sign of compromise: stolen keys \
          are used to run crypto-mining fleets in every region, and the bill is how most \
          victims find out, weeks later. An alert on estimated charges turns that into a \
          same-day signal.",
    fix: "aws budgets create-budget --account-id <ACCOUNT_ID> --budget \
          'BudgetName=<BUDGET_NAME>,BudgetLimit={Amount=<MONTHLY_LIMIT>,Unit=USD},\
          TimeUnit=MONTHLY,BudgetType=COST' --notifications-with-subscribers \
          'Notification={NotificationType=ACTUAL,ComparisonOperator=GREATER_THAN,\
          Threshold=80},Subscribers=[{SubscriptionType=EMAIL,Address=<EMAIL_ADDRESS>}]'",
    references: &[
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html",
        "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html",
    ],
    cis: &[],
    needs: &[Service::CloudWatch, Service::Budgets],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// The region CloudWatch publishes billing metrics in.
const BILLING_REGION: &str = "us-east-1";

fn run(ctx: &Context) -> Vec<Finding> {
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let mut lacking = Vec::new();
    let mut unread = Vec::new();

    match ctx.inventory.regional.get(BILLING_REGION) {
        None => unread.push(format!(
            "{BILLING_REGION}, where billing alarms live, was not scanned"
        )),
        Some(data) => match data.cloudwatch.alarms.get() {
            Err(gap) => unread.push(format!(
                "the alarms of {BILLING_REGION} were not read ({})",
                gap.describe()
            )),
            Ok(alarms) => {
                let billing: Vec<_> = alarms
                    .iter()
                    .filter(|a| {
                        a.namespace.as_deref() == Some("AWS/Billing")
                            && a.metric_name.as_deref() == Some("EstimatedCharges")
                    })
                    .collect();
                if let Some(a) = billing
                    .iter()
                    .find(|a| a.actions_enabled && !a.alarm_actions.is_empty())
                {
                    return vec![f.pass(format!(
                        "billing alarm {} on AWS/Billing EstimatedCharges notifies {}",
                        a.name,
                        a.alarm_actions.join(", ")
                    ))];
                }
                lacking.push(match billing.first() {
                    None => "no alarm on AWS/Billing EstimatedCharges".to_owned(),
                    Some(a) => format!("billing alarm {} has no enabled action", a.name),
                });
            }
        },
    }

    match ctx.inventory.budgets.budgets.get() {
        Err(gap) => unread.push(format!("the budgets were not read ({})", gap.describe())),
        Ok(budgets) => {
            let mut cost = 0;
            for b in budgets.iter().filter(|b| b.budget_type == "COST") {
                cost += 1;
                match b.notifications.get() {
                    Err(gap) => unread.push(format!(
                        "the notifications of budget {} were not read ({})",
                        b.name,
                        gap.describe()
                    )),
                    Ok(notes) => {
                        if let Some(n) = notes.iter().find(|n| n.subscribers > 0) {
                            return vec![f.pass(format!(
                                "cost budget {} notifies {} subscriber(s) at {} ({})",
                                b.name, n.subscribers, n.threshold, n.notification_type
                            ))];
                        }
                    }
                }
            }
            lacking.push(if cost == 0 {
                "no cost budget".to_owned()
            } else {
                "no cost budget notifies a subscriber".to_owned()
            });
        }
    }

    vec![if unread.is_empty() {
        f.fail(format!(
            "spending is not watched: {}",
            lacking.join(", and ")
        ))
    } else {
        f.error_reason(format!(
            "could not be evaluated: no billing alarm or notifying cost budget was found, but \
             {}",
            unread.join("; ")
        ))
    }]
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Creates the alarm `rampart-billing` in us-east-1 on AWS/Billing EstimatedCharges \
          (Currency USD, maximum over 6 hours) above the amount `--billing-limit` gives \
          (PutMetricAlarm), notifying the first topic there with a confirmed subscription, \
          or else a topic `rampart-billing` (CreateTopic) with the `--notify-email` address \
          subscribed (Subscribe). With an address (or a topic whose policy lets \
          budgets.amazonaws.com publish), also a monthly cost budget `rampart-monthly` \
          warning at 80 % of the amount (CreateBudget). Safe; the alarm is billed monthly, \
          the first two budgets are free.",
    plan: fix,
    state: Some(state),
    reads: &[
        rampart_inventory::Service::Sns,
        rampart_inventory::Service::Budgets,
        rampart_inventory::Service::CloudWatch,
    ],
};

/// Name of the alarm rampart creates.
const ALARM: &str = "rampart-billing";

/// Name of the SNS topic rampart creates when no topic has a confirmed subscription.
const TOPIC: &str = "rampart-billing";

/// Name of the budget rampart creates.
const BUDGET: &str = "rampart-monthly";

/// The steps for an account whose spending nobody watches: the alarm (with its topic when
/// needed), and the budget when rampart knows whom it notifies.
pub(crate) fn fix(
    ctx: &Context,
    _finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let limit = ctx.settings.fix.billing_limit_usd.ok_or_else(|| {
        NotFixable::new(
            "the alarm needs the monthly amount to watch for: give it with --billing-limit \
             (or `billing_limit_usd` under [fix] in rampart.toml)",
        )
    })?;
    if !(limit.is_finite() && limit > 0.0) {
        return Err(NotFixable::new(format!(
            "--billing-limit must be a positive amount of USD, not {limit}"
        )));
    }
    let data = ctx.inventory.regional.get(BILLING_REGION).ok_or_else(|| {
        NotFixable::new(format!(
            "{BILLING_REGION}, where billing alarms live, was not scanned"
        ))
    })?;
    let read = |what: &str, gap| NotFixable::gap(&format!("the {what} of {BILLING_REGION}"), gap);
    let alarms = data
        .cloudwatch
        .alarms
        .get()
        .map_err(|g| read("alarms", g))?;
    if let Some(a) = alarms.iter().find(|a| a.name == ALARM) {
        return Err(NotFixable::new(format!(
            "an alarm named {ALARM} exists in {BILLING_REGION} ({}) and notifies no one: \
             PutMetricAlarm would replace it, and the snapshot does not hold all of its \
             settings to restore; delete or fix it",
            a.arn
        )));
    }
    let subscriptions = data
        .sns
        .subscriptions
        .get()
        .map_err(|g| read("SNS subscriptions", g))?;
    let budgets = ctx
        .inventory
        .budgets
        .budgets
        .get()
        .map_err(|gap| NotFixable::gap("the budgets", gap))?;
    let email = ctx.settings.fix.notify_email.as_deref();
    let account = &ctx.inventory.account;
    let notify = match super::metric_chain::confirmed_topic(subscriptions) {
        Some(topic) => Notify::Confirmed(topic.to_owned()),
        None => {
            let email = email.ok_or_else(|| {
                NotFixable::new(format!(
                    "no SNS topic in {BILLING_REGION} has a confirmed subscription for the \
                     alarm to notify, and a new topic needs an address to subscribe: give it \
                     with --notify-email (or `notify_email` under [fix] in rampart.toml)"
                ))
            })?;
            let topics = data.sns.topics.get().map_err(|g| read("SNS topics", g))?;
            let arn = format!(
                "arn:{}:sns:{BILLING_REGION}:{}:{TOPIC}",
                account.partition, account.id
            );
            let exists = topics.iter().any(|t| t.arn == arn);
            Notify::Subscribe {
                topic: arn,
                email: email.to_owned(),
                create: !exists,
            }
        }
    };
    let mut steps = vec![alarm_step(ctx, limit, &notify)];
    let subscriber = match (email, &notify) {
        (Some(address), _) => Some(("EMAIL", address.to_owned())),
        (None, Notify::Confirmed(topic)) => {
            let topics = data.sns.topics.get().map_err(|g| read("SNS topics", g))?;
            let policy = topics.iter().find(|t| &t.arn == topic).map(|t| &t.policy);
            match policy.map(|p| p.get()) {
                Some(Ok(Some(p))) if lets_budgets_publish(p) => Some(("SNS", topic.clone())),
                _ => None,
            }
        }
        (None, Notify::Subscribe { .. }) => None,
    };
    if let Some((kind, address)) = subscriber {
        if !budgets.iter().any(|b| b.name == BUDGET) {
            steps.push(budget_step(ctx, limit, kind, &address));
        }
    }
    Ok(steps)
}

/// Whom the alarm notifies.
enum Notify {
    /// A topic of us-east-1 with a confirmed subscription.
    Confirmed(String),
    /// The topic `rampart-billing`, created when `create`, with `email` subscribed.
    Subscribe {
        topic: String,
        email: String,
        create: bool,
    },
}

impl Notify {
    /// The topic's ARN.
    fn topic(&self) -> &str {
        match self {
            Notify::Confirmed(t) | Notify::Subscribe { topic: t, .. } => t,
        }
    }
}

/// Whether an SNS topic policy lets AWS Budgets publish to the topic.
fn lets_budgets_publish(policy: &serde_json::Value) -> bool {
    use serde_json::Value;
    let list = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect(),
            _ => vec![],
        }
    };
    let statements = match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
        None => vec![],
    };
    statements.iter().any(|s| {
        s.get("Effect").and_then(Value::as_str) == Some("Allow")
            && list(s.get("Principal").and_then(|p| p.get("Service")))
                .iter()
                .any(|p| p == "budgets.amazonaws.com")
            && list(s.get("Action"))
                .iter()
                .any(|a| a == "sns:publish" || a == "sns:*" || a == "*")
    })
}

/// An amount as the APIs' strings and the CLI's words take it (`100`, `99.5`).
fn amount(limit: f64) -> String {
    format!("{limit}")
}

/// The step that creates the alarm, with its topic and subscription when needed.
fn alarm_step(ctx: &Context, limit: f64, notify: &Notify) -> crate::fix::Step {
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{Call, Risk, Step};
    use serde_json::json;
    let account = &ctx.inventory.account;
    let region = BILLING_REGION;
    let alias = provider_alias(region);
    let topic = notify.topic();
    let alarm_arn = format!(
        "arn:{}:cloudwatch:{region}:{}:alarm:{ALARM}",
        account.partition, account.id
    );
    let threshold = amount(limit);
    let mut calls = Vec::new();
    let mut cli: Vec<Vec<String>> = Vec::new();
    let mut undo_calls = vec![Call::new(
        "cloudwatch",
        "DeleteAlarms",
        json!({"AlarmNames": [ALARM]}),
    )];
    let mut cfn = serde_json::Map::new();
    let mut hcl = String::new();
    let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    let (mut reason, mut cfn_actions, mut tf_actions) = (
        "an alarm only watches the estimated charges; nothing is blocked. CloudWatch publishes \
         EstimatedCharges only once billing alerts are turned on in the account's Billing \
         preferences: until then the alarm has no data"
            .to_owned(),
        json!([topic]),
        hcl_string(topic),
    );
    let mut undo = format!("aws cloudwatch delete-alarms --alarm-names {ALARM} --region {region}");
    if let Notify::Subscribe { email, create, .. } = notify {
        if *create {
            calls.push(Call::new("sns", "CreateTopic", json!({"Name": TOPIC})));
            cli.push(words(&[
                "aws",
                "sns",
                "create-topic",
                "--region",
                region,
                "--name",
                TOPIC,
            ]));
            undo_calls.push(Call::new("sns", "DeleteTopic", json!({"TopicArn": topic})));
            undo.push_str(&format!(" and aws sns delete-topic --topic-arn {topic}"));
            cfn.insert(
                "RampartBillingTopic".into(),
                json!({"Type": "AWS::SNS::Topic", "Properties": {"TopicName": TOPIC,
                    "Subscription": [{"Endpoint": email, "Protocol": "email"}]}}),
            );
            cfn_actions = json!([{"Ref": "RampartBillingTopic"}]);
            hcl.push_str(&format!(
                "resource \"aws_sns_topic\" \"rampart_billing\" {{\n  provider = aws.{alias}\n  name     = {}\n}}\n\n",
                hcl_string(TOPIC)
            ));
            tf_actions = "aws_sns_topic.rampart_billing.arn".to_owned();
        } else {
            cfn.insert(
                "RampartBillingSubscription".into(),
                json!({"Type": "AWS::SNS::Subscription", "Properties": {"TopicArn": topic,
                    "Endpoint": email, "Protocol": "email"}}),
            );
        }
        calls.push(Call::new(
            "sns",
            "Subscribe",
            json!({"TopicArn": topic, "Protocol": "email", "Endpoint": email}),
        ));
        cli.push(words(&[
            "aws",
            "sns",
            "subscribe",
            "--region",
            region,
            "--topic-arn",
            topic,
            "--protocol",
            "email",
            "--notification-endpoint",
            email,
        ]));
        hcl.push_str(&format!(
            "resource \"aws_sns_topic_subscription\" \"rampart_billing\" {{\n  provider  = aws.{alias}\n  topic_arn = {tf_actions}\n  protocol  = \"email\"\n  endpoint  = {}\n}}\n\n",
            hcl_string(email)
        ));
        reason.push_str(&format!(
            ". {email} gets a confirmation email from SNS: the alarm reaches no one until it \
             is confirmed"
        ));
    }
    let alarm = json!({
        "AlarmName": ALARM,
        "Namespace": "AWS/Billing",
        "MetricName": "EstimatedCharges",
        "Dimensions": [{"Name": "Currency", "Value": "USD"}],
        "Statistic": "Maximum",
        "Period": 21600,
        "EvaluationPeriods": 1,
        "Threshold": limit,
        "ComparisonOperator": "GreaterThanThreshold",
        "AlarmActions": [topic],
    });
    calls.push(Call::new("cloudwatch", "PutMetricAlarm", alarm));
    cli.push(words(&[
        "aws",
        "cloudwatch",
        "put-metric-alarm",
        "--region",
        region,
        "--alarm-name",
        ALARM,
        "--namespace",
        "AWS/Billing",
        "--metric-name",
        "EstimatedCharges",
        "--dimensions",
        "Name=Currency,Value=USD",
        "--statistic",
        "Maximum",
        "--period",
        "21600",
        "--evaluation-periods",
        "1",
        "--threshold",
        &threshold,
        "--comparison-operator",
        "GreaterThanThreshold",
        "--alarm-actions",
        topic,
    ]));
    cfn.insert(
        "RampartBillingAlarm".into(),
        json!({"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "AlarmName": ALARM, "Namespace": "AWS/Billing", "MetricName": "EstimatedCharges",
            "Dimensions": [{"Name": "Currency", "Value": "USD"}], "Statistic": "Maximum",
            "Period": 21600, "EvaluationPeriods": 1, "Threshold": limit,
            "ComparisonOperator": "GreaterThanThreshold", "AlarmActions": cfn_actions}}),
    );
    hcl.push_str(&format!(
        "resource \"aws_cloudwatch_metric_alarm\" \"rampart_billing\" {{\n  provider            = aws.{alias}\n  alarm_name          = {n}\n  namespace           = \"AWS/Billing\"\n  metric_name         = \"EstimatedCharges\"\n  statistic           = \"Maximum\"\n  period              = 21600\n  evaluation_periods  = 1\n  threshold           = {threshold}\n  comparison_operator = \"GreaterThanThreshold\"\n  alarm_actions       = [{tf_actions}]\n\n  dimensions = {{\n    Currency = \"USD\"\n  }}\n}}\n",
        n = hcl_string(ALARM),
    ));
    let mut step = Step::new(META.id, alarm_arn, region, Risk::Safe, reason, calls)
        .states(
            json!({"Alarm": null}),
            json!({"Alarm": {
                "AlarmName": ALARM, "Namespace": "AWS/Billing", "MetricName": "EstimatedCharges",
                "Dimensions": [{"Name": "Currency", "Value": "USD"}],
                "AlarmActions": [topic], "ActionsEnabled": true,
            }}),
        )
        .cloudformation(serde_json::Value::Object(cfn))
        .terraform(hcl)
        .billing(format!(
            "a CloudWatch standard alarm in {region} (about $0.10 a month); SNS email \
             notifications (the first 1,000 a month are free)"
        ))
        .undo(format!("{undo}; nothing is lost but the alerts"))
        .undo_calls(undo_calls);
    step.cli = cli
        .iter()
        .map(|c| {
            crate::fix::render::shell_command(&c.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .collect();
    step
}

/// The step that creates the monthly cost budget, warning `kind` (`EMAIL` or `SNS`)
/// subscriber `address` at 80 % of the limit.
fn budget_step(ctx: &Context, limit: f64, kind: &str, address: &str) -> crate::fix::Step {
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{canonical, Call, Risk, Step};
    use serde_json::json;
    let account = &ctx.inventory.account;
    let region = BILLING_REGION;
    let budget = json!({
        "BudgetName": BUDGET,
        "BudgetLimit": {"Amount": amount(limit), "Unit": "USD"},
        "TimeUnit": "MONTHLY",
        "BudgetType": "COST",
    });
    let notification = json!({
        "NotificationType": "ACTUAL",
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": 80,
        "ThresholdType": "PERCENTAGE",
    });
    let with = json!([{"Notification": notification,
        "Subscribers": [{"SubscriptionType": kind, "Address": address}]}]);
    let text =
        |v: &serde_json::Value| serde_json::to_string(&canonical(v.clone())).unwrap_or_default();
    let (budget_text, with_text) = (text(&budget), text(&with));
    let subscribers = if kind == "EMAIL" {
        "subscriber_email_addresses"
    } else {
        "subscriber_sns_topic_arns"
    };
    Step::new(
        META.id,
        format!("arn:{}:budgets::{}:budget/{BUDGET}", account.partition, account.id),
        region,
        Risk::Safe,
        "a budget only watches spending; nothing is blocked",
        vec![Call::new(
            "budgets",
            "CreateBudget",
            json!({"AccountId": account.id, "Budget": budget, "NotificationsWithSubscribers": with}),
        )],
    )
    .states(
        json!({"Budget": null}),
        json!({"Budget": {"BudgetName": BUDGET, "BudgetType": "COST", "Notifications": [
            {"NotificationType": "ACTUAL", "Threshold": "80", "Subscribers": 1}]}}),
    )
    .cli(&[&[
        "aws",
        "budgets",
        "create-budget",
        "--region",
        region,
        "--account-id",
        &account.id,
        "--budget",
        &budget_text,
        "--notifications-with-subscribers",
        &with_text,
    ]])
    .cloudformation(json!({"RampartMonthlyBudget": {"Type": "AWS::Budgets::Budget", "Properties": {
        "Budget": {"BudgetName": BUDGET, "BudgetLimit": {"Amount": limit, "Unit": "USD"},
                   "TimeUnit": "MONTHLY", "BudgetType": "COST"},
        "NotificationsWithSubscribers": with}}}))
    .terraform(format!(
        "resource \"aws_budgets_budget\" \"rampart_monthly\" {{\n  provider     = aws.{alias}\n  name         = {n}\n  budget_type  = \"COST\"\n  limit_amount = {l}\n  limit_unit   = \"USD\"\n  time_unit    = \"MONTHLY\"\n\n  notification {{\n    comparison_operator = \"GREATER_THAN\"\n    threshold           = 80\n    threshold_type      = \"PERCENTAGE\"\n    notification_type   = \"ACTUAL\"\n    {subscribers} = [{a}]\n  }}\n}}\n",
        alias = provider_alias(region),
        n = hcl_string(BUDGET),
        l = hcl_string(&amount(limit)),
        a = hcl_string(address),
    ))
    .billing("AWS Budgets: the first two budgets of an account are free, each further one is billed daily")
    .undo(format!(
        "aws budgets delete-budget --account-id {} --budget-name {BUDGET}; nothing is lost but \
         the warnings",
        account.id
    ))
    .undo_calls(vec![Call::new(
        "budgets",
        "DeleteBudget",
        json!({"AccountId": account.id, "BudgetName": BUDGET}),
    )])
}

/// The state of a step's alarm (`{"Alarm": ...}`) or budget (`{"Budget": ...}`).
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    use serde_json::json;
    if step.after.get("Budget").is_some() {
        let budgets = ctx
            .inventory
            .budgets
            .budgets
            .get()
            .map_err(|gap| NotFixable::gap("the budgets", gap))?;
        let Some(b) = budgets.iter().find(|b| b.name == BUDGET) else {
            return Ok(json!({"Budget": null}));
        };
        let notes = b.notifications.get().map_err(|gap| {
            NotFixable::gap(&format!("the notifications of budget {BUDGET}"), gap)
        })?;
        let notes: Vec<_> = notes
            .iter()
            .map(|n| {
                json!({"NotificationType": n.notification_type, "Threshold": n.threshold,
                           "Subscribers": n.subscribers})
            })
            .collect();
        return Ok(
            json!({"Budget": {"BudgetName": b.name, "BudgetType": b.budget_type,
                                    "Notifications": notes}}),
        );
    }
    let alarms = crate::fix::region_data(ctx, BILLING_REGION)?
        .cloudwatch
        .alarms
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the alarms of {BILLING_REGION}"), gap))?;
    Ok(
        json!({"Alarm": alarms.iter().find(|a| a.name == ALARM).map(|a| json!({
            "AlarmName": a.name, "Namespace": a.namespace, "MetricName": a.metric_name,
            "Dimensions": a.dimensions.iter().map(|d| json!({"Name": d.name, "Value": d.value}))
                .collect::<Vec<_>>(),
            "AlarmActions": a.alarm_actions, "ActionsEnabled": a.actions_enabled,
        }))}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture, ACCOUNT};
    use rampart_inventory::{Budget, BudgetNotification, Collected, MetricAlarm};

    fn billing_alarm(actions: Vec<String>) -> MetricAlarm {
        MetricAlarm {
            name: "billing".into(),
            arn: format!("arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:billing"),
            namespace: Some("AWS/Billing".into()),
            metric_name: Some("EstimatedCharges".into()),
            dimensions: vec![],
            actions_enabled: true,
            alarm_actions: actions,
            state: "OK".into(),
        }
    }

    fn cost_budget(subscribers: u32) -> Budget {
        Budget {
            name: "monthly".into(),
            budget_type: "COST".into(),
            notifications: Collected::Ok(vec![BudgetNotification {
                notification_type: "ACTUAL".into(),
                threshold: "80.0".into(),
                subscribers,
            }]),
        }
    }

    // Cost monitoring: a billing alarm with an action passes; so does a cost budget with a
    // subscriber when us-east-1 was not scanned.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").cloudwatch.alarms =
            Collected::Ok(vec![billing_alarm(vec![format!(
                "arn:aws:sns:us-east-1:{ACCOUNT}:billing"
            )])]);
        insta::assert_json_snapshot!("pass_alarm", run_check(&CHECK, &fx.inv));

        let mut fx = Fixture::new();
        fx.inv.regional.clear();
        fx.inv.regions.scanned.clear();
        fx.inv.budgets.budgets = Collected::Ok(vec![cost_budget(1)]);
        insta::assert_json_snapshot!("pass_budget", run_check(&CHECK, &fx.inv));
    }

    // Cost monitoring: a billing alarm without an action and a budget nobody is notified of
    // fail, each named.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").cloudwatch.alarms = Collected::Ok(vec![billing_alarm(vec![])]);
        fx.inv.budgets.budgets = Collected::Ok(vec![cost_budget(0)]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::cloudwatch::testing::TOPIC as SECURITY_TOPIC;
    use crate::checks::fixtures::{denied, run_check, Fixture, ACCOUNT};
    use crate::fix::testing::{assert_plan_states, failing, fix_settings, plan_with};
    use crate::fix::{plan, render, Plan};
    use crate::{Settings, Status};
    use rampart_inventory::{
        Budget, BudgetNotification, Collected, Dimension, MetricAlarm, Subscription, Topic,
    };
    use serde_json::{json, Value};

    const NEW_TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:rampart-billing";

    /// An account whose spending nobody watches; us-east-1 has the topic `security-alerts`
    /// with a confirmed email subscription when `subscribed`.
    fn unwatched(subscribed: bool) -> Fixture {
        let mut fx = Fixture::new();
        if subscribed {
            let sns = &mut fx.region("us-east-1").sns;
            sns.topics = Collected::Ok(vec![Topic {
                arn: SECURITY_TOPIC.into(),
                policy: Collected::Ok(None),
            }]);
            sns.subscriptions = Collected::Ok(vec![Subscription {
                arn: format!("{SECURITY_TOPIC}:2f1c0d4e-1111-2222-3333-444455556666"),
                topic_arn: SECURITY_TOPIC.into(),
                protocol: "email".into(),
            }]);
        }
        fx
    }

    /// `fx` as a scan shows it once `plan`'s calls were made: the alarm PutMetricAlarm
    /// describes (actions enabled, no data yet), the topic, and the budget with its one
    /// subscriber, its threshold as the collector writes it.
    fn applied(fx: &Fixture, plan: &Plan) -> Fixture {
        let mut fixed = Fixture {
            inv: fx.inv.clone(),
        };
        for step in &plan.steps {
            for call in &step.calls {
                let p = &call.params;
                let s = |v: &Value| v.as_str().unwrap().to_owned();
                match call.operation.as_str() {
                    "CreateTopic" => {
                        if let Collected::Ok(topics) = &mut fixed.region("us-east-1").sns.topics {
                            topics.push(Topic {
                                arn: NEW_TOPIC.into(),
                                policy: Collected::Ok(None),
                            });
                        }
                    }
                    "Subscribe" => {
                        if let Collected::Ok(subs) =
                            &mut fixed.region("us-east-1").sns.subscriptions
                        {
                            subs.push(Subscription {
                                arn: "PendingConfirmation".into(),
                                topic_arn: s(&p["TopicArn"]),
                                protocol: s(&p["Protocol"]),
                            });
                        }
                    }
                    "PutMetricAlarm" => {
                        let alarm = MetricAlarm {
                            name: s(&p["AlarmName"]),
                            arn: format!(
                                "arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{}",
                                s(&p["AlarmName"])
                            ),
                            namespace: Some(s(&p["Namespace"])),
                            metric_name: Some(s(&p["MetricName"])),
                            dimensions: p["Dimensions"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|d| Dimension {
                                    name: s(&d["Name"]),
                                    value: s(&d["Value"]),
                                })
                                .collect(),
                            actions_enabled: true,
                            alarm_actions: p["AlarmActions"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(s)
                                .collect(),
                            state: "INSUFFICIENT_DATA".into(),
                        };
                        if let Collected::Ok(alarms) =
                            &mut fixed.region("us-east-1").cloudwatch.alarms
                        {
                            alarms.push(alarm);
                        }
                    }
                    "CreateBudget" => {
                        let b = &p["Budget"];
                        let n = &p["NotificationsWithSubscribers"][0];
                        if let Collected::Ok(budgets) = &mut fixed.inv.budgets.budgets {
                            budgets.push(Budget {
                                name: s(&b["BudgetName"]),
                                budget_type: s(&b["BudgetType"]),
                                notifications: Collected::Ok(vec![BudgetNotification {
                                    notification_type: s(&n["Notification"]["NotificationType"]),
                                    threshold: n["Notification"]["Threshold"]
                                        .as_f64()
                                        .unwrap()
                                        .to_string(),
                                    subscribers: n["Subscribers"].as_array().unwrap().len() as u32,
                                }]),
                            });
                        }
                    }
                    other => panic!("the billing fix tests do not apply {other}"),
                }
            }
        }
        fixed
    }

    // Issue 14: with a subscribed topic in us-east-1 and an address, the alarm on
    // EstimatedCharges notifies that topic, and a monthly cost budget warns the address at
    // 80 %; both read back as `before` now and `after` once applied, when the check passes.
    #[test]
    fn fix_alarm_on_a_subscribed_topic_and_a_budget() {
        let fx = unwatched(true);
        let settings = fix_settings();
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        let budget = &plan.steps[0];
        let alarm = &plan.steps[1];
        assert_eq!(alarm.region, "us-east-1");
        assert_eq!(alarm.calls.len(), 1);
        assert_eq!(
            alarm.calls[0].params,
            json!({"AlarmName": "rampart-billing", "Namespace": "AWS/Billing",
                   "MetricName": "EstimatedCharges",
                   "Dimensions": [{"Name": "Currency", "Value": "USD"}],
                   "Statistic": "Maximum", "Period": 21600, "EvaluationPeriods": 1,
                   "Threshold": 100.0, "ComparisonOperator": "GreaterThanThreshold",
                   "AlarmActions": [SECURITY_TOPIC]})
        );
        assert_eq!(alarm.undo_calls.len(), 1);
        assert_eq!(budget.calls[0].service, "budgets");
        assert_eq!(budget.calls[0].params["AccountId"], ACCOUNT);
        assert_eq!(
            budget.calls[0].params["Budget"]["BudgetLimit"],
            json!({"Amount": "100", "Unit": "USD"})
        );
        assert_eq!(
            budget.calls[0].params["NotificationsWithSubscribers"][0]["Subscribers"],
            json!([{"SubscriptionType": "EMAIL", "Address": "security@example.com"}])
        );
        assert_eq!(budget.undo_calls[0].operation, "DeleteBudget");
        insta::assert_snapshot!("fix_steps", render::json(&plan));
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert_eq!(run_check(&CHECK, &fixed.inv)[0].status, Status::Pass);
    }

    // Issue 14: without a subscribed topic, the topic `rampart-billing` is created and the
    // address subscribed; undo deletes the alarm and the topic.
    #[test]
    fn fix_creates_and_subscribes_a_topic() {
        let fx = unwatched(false);
        let settings = fix_settings();
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        let alarm = plan
            .steps
            .iter()
            .find(|s| s.after.get("Alarm").is_some())
            .unwrap();
        let ops: Vec<&str> = alarm.calls.iter().map(|c| c.operation.as_str()).collect();
        assert_eq!(ops, ["CreateTopic", "Subscribe", "PutMetricAlarm"]);
        assert_eq!(
            alarm.calls[1].params,
            json!({"TopicArn": NEW_TOPIC, "Protocol": "email", "Endpoint": "security@example.com"})
        );
        assert_eq!(alarm.calls[2].params["AlarmActions"], json!([NEW_TOPIC]));
        let undo: Vec<&str> = alarm
            .undo_calls
            .iter()
            .map(|c| c.operation.as_str())
            .collect();
        assert_eq!(undo, ["DeleteAlarms", "DeleteTopic"]);
        assert!(alarm.risk_reason.contains("confirmation email"));
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert_eq!(run_check(&CHECK, &fixed.inv)[0].status, Status::Pass);
    }

    // Issue 14: without an address, a budget is planned only when the subscribed topic's
    // policy lets AWS Budgets publish to it.
    #[test]
    fn fix_budget_on_the_topic_only_when_budgets_may_publish() {
        let mut settings = fix_settings();
        settings.fix.notify_email = None;
        let mut fx = unwatched(true);
        assert_eq!(plan_with(&CHECK, &fx.inv, &settings).steps.len(), 1);
        if let Collected::Ok(topics) = &mut fx.region("us-east-1").sns.topics {
            topics[0].policy = Collected::Ok(Some(json!({"Statement": [{"Effect": "Allow",
                "Principal": {"Service": "budgets.amazonaws.com"}, "Action": "SNS:Publish",
                "Resource": SECURITY_TOPIC}]})));
        }
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        assert_eq!(
            plan.steps[0].calls[0].params["NotificationsWithSubscribers"][0]["Subscribers"],
            json!([{"SubscriptionType": "SNS", "Address": SECURITY_TOPIC}])
        );
    }

    // Issue 14: never guessed: no `--billing-limit`, no subscribed topic and no
    // `--notify-email`, an alarm named rampart-billing already there, and unread alarms
    // are each not planned, with the reason.
    #[test]
    fn fix_not_planned() {
        let reason = |fx: &Fixture, settings: &Settings| {
            let finding = failing(
                &META,
                &fx.inv,
                "global",
                &format!("arn:aws:iam::{ACCOUNT}:root"),
            );
            let plan = plan(&fx.inv, settings, &[finding]);
            assert!(plan.steps.is_empty(), "{plan:#?}");
            plan.not_planned[0].reason.clone()
        };
        assert!(reason(&unwatched(true), &Settings::default()).contains("--billing-limit"));
        let mut settings = fix_settings();
        settings.fix.notify_email = None;
        assert!(reason(&unwatched(false), &settings).contains("--notify-email"));
        let mut fx = unwatched(true);
        fx.region("us-east-1").cloudwatch.alarms = Collected::Ok(vec![MetricAlarm {
            name: "rampart-billing".into(),
            arn: format!("arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:rampart-billing"),
            ..Default::default()
        }]);
        assert!(reason(&fx, &fix_settings()).contains("exists"));
        let mut fx = unwatched(true);
        fx.region("us-east-1").cloudwatch.alarms =
            Collected::Missing(denied("cloudwatch:DescribeAlarms"));
        assert!(reason(&fx, &fix_settings()).contains("cloudwatch:DescribeAlarms"));
    }
}
