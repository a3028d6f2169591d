//! `accessanalyzer_enabled`: every scanned region has an active external access analyzer.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "accessanalyzer_enabled",
    title: "IAM Access Analyzer is enabled in every region",
    service: "accessanalyzer",
    severity: Severity::Medium,
    what: "Whether each scanned region has an IAM Access Analyzer analyzer for external \
           access (type `ACCOUNT` or `ORGANIZATION`) whose status is `ACTIVE` \
           (ListAnalyzers). Unused-access analyzers do not count: they report unused \
           permissions, not access from outside.",
    why: "Access Analyzer reads the resource policies of S3 buckets, KMS keys, IAM roles, \
          Lambda functions, SQS queues, secrets and more, and reports each one that grants \
          access to someone outside the account or organization. Analyzers are regional: a \
          region without one is a place where a resource can be shared with the world \
          unnoticed.",
    fix: "aws accessanalyzer create-analyzer --analyzer-name <ANALYZER_NAME> --type ACCOUNT \
          --region <REGION> (ORGANIZATION from the organization's management or delegated \
          administrator account)",
    references: &[
        "CIS AWS Foundations v7.0 2.18",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html",
    ],
    cis: &["2.18"],
    needs: &[Service::AccessAnalyzer],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    ctx.regions()
        .map(|(region, data)| {
            let analyzers = match data.accessanalyzer.analyzers.get() {
                Ok(analyzers) => analyzers,
                Err(gap) => {
                    let resource = ctx.region_resource("access-analyzer", region);
                    return ctx.finding(&META, region, resource).error(gap);
                }
            };
            let external = |kind: &str| kind == "ACCOUNT" || kind == "ORGANIZATION";
            if let Some(a) = analyzers
                .iter()
                .find(|a| external(&a.kind) && a.status == "ACTIVE")
            {
                return ctx.finding(&META, region, &a.arn).pass(format!(
                    "analyzer {} ({}) is active in {region}",
                    a.name, a.kind
                ));
            }
            let others: Vec<String> = analyzers
                .iter()
                .map(|a| format!("{} ({}, {})", a.name, a.kind, a.status))
                .collect();
            let resource = ctx.region_resource("access-analyzer", region);
            ctx.finding(&META, region, resource)
                .fail(if others.is_empty() {
                    format!("no Access Analyzer analyzer exists in {region}")
                } else {
                    format!(
                        "no active external access analyzer in {region}; found only {}",
                        others.join(", ")
                    )
                })
        })
        .collect()
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Creates an account analyzer for external access in the region (CreateAnalyzer, \
          type ACCOUNT) named `rampart-external-access`, or with a numbered suffix when the \
          snapshot shows that name taken. Safe and free of charge: it only reads policies.",
    plan: fix,
    state: Some(state),
    reads: &[],
};

/// The analyzer a step creates, as the region's analyzers show it (`null` when there is none
/// of that name), in the shape of the step's `before` and `after`: planning again cannot
/// give it, since the new analyzer's name is then taken.
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let region = step.region.as_str();
    let name = step
        .calls
        .iter()
        .find(|c| c.operation == "CreateAnalyzer")
        .and_then(|c| c.params["analyzerName"].as_str())
        .ok_or_else(|| NotFixable::new(format!("step {} creates no analyzer", step.id)))?;
    let analyzers = crate::fix::region_data(ctx, region)?
        .accessanalyzer
        .analyzers
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the analyzers of {region}"), gap))?;
    Ok(
        serde_json::json!({"Analyzer": analyzers.iter().find(|a| a.name == name).map(analyzer_state)}),
    )
}

/// An analyzer as `ListAnalyzers` names its members.
fn analyzer_state(a: &rampart_inventory::Analyzer) -> serde_json::Value {
    serde_json::json!({"name": a.name, "type": a.kind, "status": a.status})
}

/// The step for a region without an active external access analyzer.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{Call, NotFixable, Risk, Step};
    use serde_json::json;
    let region = finding.region.as_str();
    let analyzers = crate::fix::region_data(ctx, region)?
        .accessanalyzer
        .analyzers
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the analyzers of {region}"), gap))?;
    let name = (0..)
        .map(|n| match n {
            0 => "rampart-external-access".to_owned(),
            n => format!("rampart-external-access-{n}"),
        })
        .find(|n| !analyzers.iter().any(|a| &a.name == n))
        .unwrap_or_default();
    let alias = provider_alias(region);
    Ok(vec![Step::new(
        META.id,
        &finding.resource,
        region,
        Risk::Safe,
        "an analyzer only reads resource policies; it changes no access",
        vec![Call::new("accessanalyzer", "CreateAnalyzer", json!({"analyzerName": name, "type": "ACCOUNT"}))],
    )
    .states(
        json!({"Analyzer": null}),
        json!({"Analyzer": {"name": name, "type": "ACCOUNT", "status": "ACTIVE"}}),
    )
    .cli(&[&["aws", "accessanalyzer", "create-analyzer", "--region", region, "--analyzer-name", &name, "--type", "ACCOUNT"]])
    .cloudformation(json!({"RampartAccessAnalyzer": {"Type": "AWS::AccessAnalyzer::Analyzer", "Properties": {"AnalyzerName": name, "Type": "ACCOUNT"}}}))
    .terraform(format!(
        "resource \"aws_accessanalyzer_analyzer\" \"rampart_{alias}\" {{\n  provider      = aws.{alias}\n  analyzer_name = {}\n  type          = \"ACCOUNT\"\n}}\n",
        hcl_string(&name)
    ))
    .undo(format!("aws accessanalyzer delete-analyzer --analyzer-name {name} --region {region}; its findings and archive rules are deleted with it"))
    .undo_calls(vec![Call::new("accessanalyzer", "DeleteAnalyzer", json!({"analyzerName": name}))])
    .undo_loses(format!("the findings of analyzer {name} and any archive rules added to it meanwhile"))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture, ACCOUNT};
    use rampart_inventory::{Analyzer, Collected};

    fn analyzer(region: &str, name: &str, kind: &str, status: &str) -> Analyzer {
        Analyzer {
            name: name.into(),
            arn: format!("arn:aws:access-analyzer:{region}:{ACCOUNT}:analyzer/{name}"),
            kind: kind.into(),
            status: status.into(),
        }
    }

    // CIS 2.18: an active ACCOUNT or ORGANIZATION analyzer in each region passes.
    // (moto cannot emulate Access Analyzer: these fixtures are the test.)
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").accessanalyzer.analyzers =
            Collected::Ok(vec![analyzer("us-east-1", "account", "ACCOUNT", "ACTIVE")]);
        fx.region("eu-west-1").accessanalyzer.analyzers =
            Collected::Ok(vec![analyzer("eu-west-1", "org", "ORGANIZATION", "ACTIVE")]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.18: no analyzer, a failed one, or only an unused-access analyzer fails.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").accessanalyzer.analyzers = Collected::Ok(vec![
            analyzer("eu-west-1", "unused", "ACCOUNT_UNUSED_ACCESS", "ACTIVE"),
            analyzer("eu-west-1", "broken", "ACCOUNT", "FAILED"),
        ]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
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
    use rampart_inventory::{Analyzer, Collected};
    use serde_json::json;

    fn analyzer(name: &str, status: &str) -> Analyzer {
        Analyzer {
            name: name.into(),
            arn: format!("arn:aws:access-analyzer:us-east-1:111122223333:analyzer/{name}"),
            kind: "ACCOUNT".into(),
            status: status.into(),
        }
    }

    // Issue 14: a region whose only analyzer is inactive and already holds rampart's name
    // gets a new analyzer with a numbered name; a region with an active one gets none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").accessanalyzer.analyzers =
            Collected::Ok(vec![analyzer("rampart-external-access", "FAILED")]);
        fx.region("eu-west-1").accessanalyzer.analyzers =
            Collected::Ok(vec![analyzer("org", "ACTIVE")]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(
            plan.steps[0].calls[0].params["analyzerName"],
            "rampart-external-access-1"
        );
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: the state is the analyzer the step creates: absent before (the failed one
    // holds another name), active once a rescan lists it, whatever else the region has.
    // Undo deletes it, and says that loses its findings and archive rules.
    #[test]
    fn fix_states_and_undo() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").accessanalyzer.analyzers =
            Collected::Ok(vec![analyzer("rampart-external-access", "FAILED")]);
        let plan = plan_for(&CHECK, &fx.inv);
        let mut fixed = Fixture::new();
        fixed.region("us-east-1").accessanalyzer.analyzers = Collected::Ok(vec![
            analyzer("rampart-external-access-1", "ACTIVE"),
            analyzer("rampart-external-access", "FAILED"),
        ]);
        let step = &plan.steps[0];
        assert_states(&Settings::default(), &fx.inv, &fixed.inv, step);
        assert_eq!(
            step.undo_calls,
            [Call::new(
                "accessanalyzer",
                "DeleteAnalyzer",
                json!({"analyzerName": "rampart-external-access-1"})
            )]
        );
        assert!(step
            .undo_loses
            .as_deref()
            .is_some_and(|l| l.contains("archive rules")));
    }

    // Issue 14: without the analyzer list no name can be chosen safely: not planned.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").accessanalyzer.analyzers =
            Collected::Missing(denied("access-analyzer:ListAnalyzers"));
        let finding = failing(
            &META,
            &fx.inv,
            "us-east-1",
            "arn:aws:access-analyzer:us-east-1:111122223333:*",
        );
        let plan = plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0].reason.contains("ListAnalyzers"));
    }
}
