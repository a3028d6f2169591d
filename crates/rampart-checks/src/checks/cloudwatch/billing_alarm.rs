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
