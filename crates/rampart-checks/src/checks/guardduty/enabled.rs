//! `guardduty_enabled`: GuardDuty has an enabled (not suspended) detector in every scanned
//! region.

use super::detector_arn;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "guardduty_enabled",
    title: "GuardDuty is enabled in every region",
    service: "guardduty",
    severity: Severity::High,
    what: "Whether each scanned region has a GuardDuty detector, and whether that detector is \
           enabled rather than suspended (`DISABLED`). Read from ListDetectors and GetDetector \
           in every region.",
    why: "GuardDuty is the account's threat detector: it reads CloudTrail, VPC Flow Logs and \
          DNS logs for signs of compromise (stolen credentials used from unusual places, \
          instances talking to command-and-control hosts, crypto mining). Detectors are \
          regional, and attackers favour regions nobody watches; a region without an enabled \
          detector is a blind spot.",
    fix: "Create a detector in the region: aws guardduty create-detector --enable \
          --region <REGION>; or resume a suspended one: aws guardduty update-detector \
          --detector-id <DETECTOR_ID> --enable --region <REGION>",
    references: &[
        "AWS Foundational Security Best Practices GuardDuty.1",
        "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html",
    ],
    cis: &[],
    needs: &[Service::GuardDuty],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let detectors = match data.guardduty.detectors.get() {
            Ok(detectors) => detectors,
            Err(gap) => {
                let resource = ctx.region_resource("guardduty", region);
                findings.push(ctx.finding(&META, region, resource).error(gap));
                continue;
            }
        };
        if detectors.is_empty() {
            let resource = ctx.region_resource("guardduty", region);
            findings.push(
                ctx.finding(&META, region, resource)
                    .fail(format!("GuardDuty has no detector in {region}")),
            );
        }
        for detector in detectors {
            let f = ctx.finding(&META, region, detector_arn(ctx, region, detector));
            let id = &detector.id;
            findings.push(match detector.status.get() {
                Err(gap) => f.error(gap),
                Ok(status) if status == "ENABLED" => {
                    f.pass(format!("GuardDuty detector {id} is enabled"))
                }
                Ok(status) if status == "DISABLED" => f.fail(format!(
                    "GuardDuty detector {id} is suspended (status DISABLED)"
                )),
                Ok(status) => f.fail(format!(
                    "GuardDuty detector {id} has status `{status}`, not ENABLED"
                )),
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::guardduty::testing::detector;
    use rampart_inventory::Collected;

    // FSBP GuardDuty.1: an enabled detector in every scanned region passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").guardduty.detectors = Collected::Ok(vec![detector(
            "12abc34d567e8fa901bc2d34e56789f0",
            "ENABLED",
        )]);
        fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![detector(
            "7cbd6e1f0a2b3c4d5e6f7a8b9c0d1e2f",
            "ENABLED",
        )]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // FSBP GuardDuty.1: a region with no detector fails, and so does a suspended detector.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").guardduty.detectors = Collected::Ok(vec![detector(
            "7cbd6e1f0a2b3c4d5e6f7a8b9c0d1e2f",
            "DISABLED",
        )]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
