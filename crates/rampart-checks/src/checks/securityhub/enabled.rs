//! `securityhub_enabled`: Security Hub is enabled in every scanned region.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "securityhub_enabled",
    title: "Security Hub is enabled in every region",
    service: "securityhub",
    severity: Severity::Medium,
    what: "Whether each scanned region has Security Hub enabled (DescribeHub returns a hub; \
           `InvalidAccessException` \"not subscribed\" means it is not enabled).",
    why: "Security Hub gathers the findings of GuardDuty, Inspector, Macie, Access Analyzer \
          and Config rules in one place and runs its own standards checks continuously. \
          Without it, each service's findings stay in their own console, region by region, \
          and nobody sees the whole.",
    fix: "aws securityhub enable-security-hub --enable-default-standards --region <REGION>",
    references: &[
        "CIS AWS Foundations v7.0 5.16",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html",
    ],
    cis: &["5.16"],
    needs: &[Service::SecurityHub],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    ctx.regions()
        .map(|(region, data)| {
            let resource = ctx.region_resource("securityhub", region);
            match data.securityhub.hub.get() {
                Err(gap) => ctx.finding(&META, region, resource).error(gap),
                Ok(None) => ctx
                    .finding(&META, region, resource)
                    .fail(format!("Security Hub is not enabled in {region}")),
                Ok(Some(hub)) => {
                    let since = hub
                        .subscribed_at
                        .as_deref()
                        .map(|t| format!(" (since {t})"))
                        .unwrap_or_default();
                    ctx.finding(&META, region, &hub.arn)
                        .pass(format!("Security Hub is enabled in {region}{since}"))
                }
            }
        })
        .collect()
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Enables Security Hub in the region with its default standards and consolidated \
          control findings (EnableSecurityHub). Safe: it only reads configuration; most of its \
          controls need the AWS Config recorder to report. Starts Security Hub billing.",
    plan: fix,
    state: Some(state),
    reads: &[],
};

/// Whether Security Hub is enabled in the step's region, in the shape of its `before` and
/// `after` (planning again cannot give it: an enabled hub gets no step).
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    let region = step.region.as_str();
    let hub = crate::fix::region_data(ctx, region)?
        .securityhub
        .hub
        .get()
        .map_err(|gap| {
            crate::fix::NotFixable::gap(
                &format!("whether Security Hub is enabled in {region}"),
                gap,
            )
        })?;
    Ok(serde_json::json!({"HubEnabled": hub.is_some()}))
}

/// The step for a region where Security Hub is not enabled.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::render::provider_alias;
    use crate::fix::{Call, NotFixable, Risk, Step};
    use serde_json::json;
    let region = finding.region.as_str();
    let hub = crate::fix::region_data(ctx, region)?
        .securityhub
        .hub
        .get()
        .map_err(|gap| {
            NotFixable::gap(&format!("whether Security Hub is enabled in {region}"), gap)
        })?;
    if let Some(hub) = hub {
        return Err(NotFixable::new(format!(
            "Security Hub is enabled in {region} ({}): the finding is out of date, rescan",
            hub.arn
        )));
    }
    let alias = provider_alias(region);
    Ok(vec![Step::new(
        META.id,
        &finding.resource,
        region,
        Risk::Safe,
        "Security Hub only reads configuration and findings; it changes no resource",
        vec![Call::new(
            "securityhub",
            "EnableSecurityHub",
            json!({"EnableDefaultStandards": true, "ControlFindingGenerator": "SECURITY_CONTROL"}),
        )],
    )
    .states(json!({"HubEnabled": false}), json!({"HubEnabled": true}))
    .cli(&[&[
        "aws", "securityhub", "enable-security-hub", "--region", region,
        "--enable-default-standards", "--control-finding-generator", "SECURITY_CONTROL",
    ]])
    .cloudformation(json!({"RampartSecurityHub": {"Type": "AWS::SecurityHub::Hub", "Properties": {
        "EnableDefaultStandards": true, "ControlFindingGenerator": "SECURITY_CONTROL"}}}))
    .terraform(format!(
        "resource \"aws_securityhub_account\" \"rampart_{alias}\" {{\n  provider                  = aws.{alias}\n  enable_default_standards  = true\n  control_finding_generator = \"SECURITY_CONTROL\"\n}}\n"
    ))
    .billing(format!(
        "starts Security Hub billing in {region}: charged per security check and per finding \
         ingested beyond the free tier (a 30-day free trial applies where it is new); its \
         controls also drive AWS Config rule evaluations, billed by Config"
    ))
    .undo(format!(
        "aws securityhub disable-security-hub --region {region}; its findings, insights and \
         settings are deleted 90 days later and cannot be recovered"
    ))
    .undo_calls(vec![Call::new("securityhub", "DisableSecurityHub", json!({}))])
    .undo_loses(format!(
        "Security Hub's findings, insights and settings in {region}: AWS deletes them 90 days \
         after it is disabled, for good"
    ))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture, ACCOUNT};
    use rampart_inventory::{Collected, Hub};

    // CIS 5.16: a hub in the region passes; no hub fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").securityhub.hub = Collected::Ok(Some(Hub {
            arn: format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default"),
            subscribed_at: Some("2025-01-10T09:00:00.000Z".into()),
        }));
        fx.region("eu-west-1");
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::fixtures::{denied, Fixture};
    use crate::fix::{
        plan, render, testing::assert_states, testing::failing, testing::plan_for, Call,
    };
    use crate::Settings;
    use rampart_inventory::{Collected, Hub};
    use serde_json::json;

    // Issue 14: a region without Security Hub gets EnableSecurityHub with a billing note; a
    // region where it is enabled gets none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").securityhub.hub = Collected::Ok(Some(Hub {
            arn: "arn:aws:securityhub:eu-west-1:111122223333:hub/default".into(),
            subscribed_at: None,
        }));
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.steps[0].region, "us-east-1");
        assert!(plan.steps[0].billing.is_some());
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: the state is whether the region has a hub: none before, one once a rescan
    // reads DescribeHub after the call (planning again would give no step for it). Undo
    // disables it, which loses its findings and settings.
    #[test]
    fn fix_states_and_undo() {
        let fx = Fixture::new();
        let plan = plan_for(&CHECK, &fx.inv);
        let mut fixed = Fixture::new();
        fixed.region("us-east-1").securityhub.hub = Collected::Ok(Some(Hub {
            arn: "arn:aws:securityhub:us-east-1:111122223333:hub/default".into(),
            subscribed_at: Some("2026-06-01T12:05:00.000Z".into()),
        }));
        assert_states(&Settings::default(), &fx.inv, &fixed.inv, &plan.steps[0]);
        assert_eq!(
            plan.steps[0].undo_calls,
            [Call::new("securityhub", "DisableSecurityHub", json!({}))]
        );
        assert!(plan.steps[0]
            .undo_loses
            .as_deref()
            .is_some_and(|l| l.contains("findings")));
    }

    // Issue 14: whether the hub exists could not be read: not planned.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").securityhub.hub =
            Collected::Missing(denied("securityhub:DescribeHub"));
        let finding = failing(
            &META,
            &fx.inv,
            "us-east-1",
            "arn:aws:securityhub:us-east-1:111122223333:*",
        );
        let plan = plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0].reason.contains("DescribeHub"));
    }
}
