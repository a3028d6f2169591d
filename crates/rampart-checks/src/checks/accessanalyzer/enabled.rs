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
