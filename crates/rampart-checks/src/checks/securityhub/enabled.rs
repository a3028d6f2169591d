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
