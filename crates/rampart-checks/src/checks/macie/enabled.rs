//! `macie_enabled`: Amazon Macie is enabled (not paused) in every scanned region.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "macie_enabled",
    title: "Amazon Macie is enabled in every region",
    service: "macie",
    severity: Severity::Low,
    what: "Whether each scanned region has an Amazon Macie session with status ENABLED (not \
           PAUSED, not absent). Read from GetMacieSession in every region. Whether discovery \
           jobs or automated discovery actually cover every bucket is not examined.",
    why: "CIS 3.1.3 asks that all data in S3 be discovered and classified, and secured where \
          it is sensitive. Macie is AWS's service for that: it inventories buckets and finds \
          personal data, credentials and other sensitive content in them. An enabled Macie \
          session is evidence for the control, not the whole of it: the classification \
          results must still be reviewed and acted on, and a third-party tool may do the \
          same job.",
    fix: "Enable Macie in the region: aws macie2 enable-macie --status ENABLED --region \
          <REGION>; or resume a paused session: aws macie2 update-macie-session --status \
          ENABLED --region <REGION>",
    references: &[
        "CIS AWS Foundations v7.0 3.1.3",
        "https://docs.aws.amazon.com/macie/latest/user/getting-started.html",
        "https://docs.aws.amazon.com/macie/latest/user/discovery-asdd.html",
    ],
    cis: &["3.1.3"],
    needs: &[Service::Macie],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    ctx.regions()
        .map(|(region, data)| {
            let f = ctx.finding(&META, region, ctx.region_resource("macie2", region));
            match data.macie.status.get() {
                Err(gap) => f.error(gap),
                Ok(Some(status)) if status == "ENABLED" => {
                    f.pass(format!("Macie is enabled in {region}"))
                }
                Ok(Some(status)) if status == "PAUSED" => f.fail(format!(
                    "Macie is paused in {region}: it runs no discovery while paused"
                )),
                Ok(Some(status)) => f.fail(format!(
                    "Macie has status `{status}` in {region}, not ENABLED"
                )),
                Ok(None) => f.fail(format!("Macie is not enabled in {region}")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    // CIS 3.1.3: Macie enabled in every scanned region passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1");
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 3.1.3: a paused session fails, and so does a region where Macie is not enabled.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").macie.status = Collected::Ok(Some("PAUSED".into()));
        fx.region("eu-west-1").macie.status = Collected::Ok(None);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
