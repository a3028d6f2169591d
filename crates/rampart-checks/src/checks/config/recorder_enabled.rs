//! `config_recorder_enabled`: in every scanned region, an AWS Config recorder is recording
//! all supported resource types.

use crate::{Check, CheckMeta, Context, Finding, FindingBuilder, Service, Severity};
use rampart_inventory::ConfigRecorder;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "config_recorder_enabled",
    title: "AWS Config records all resources in every region",
    service: "config",
    severity: Severity::Medium,
    what: "Whether each scanned region has an AWS Config configuration recorder that is \
           recording (DescribeConfigurationRecorderStatus) and records all supported resource \
           types (`allSupported`). Whether it also records global resource types (IAM) is \
           stated in the finding: those need recording in at least one region.",
    why: "AWS Config keeps the history of every resource's configuration and relationships: \
          what a security group allowed last Tuesday, when a bucket became public, which \
          resources an incident touched. A region without a recorder, or a recorder that \
          skips resource types, leaves changes there without a record for investigation, \
          audit or Config rules.",
    fix: "aws configservice put-configuration-recorder --configuration-recorder \
          name=default,roleARN=<CONFIG_ROLE_ARN> --recording-group \
          allSupported=true,includeGlobalResourceTypes=true --region <REGION> && aws \
          configservice put-delivery-channel --delivery-channel \
          name=default,s3BucketName=<CONFIG_BUCKET> --region <REGION> && aws configservice \
          start-configuration-recorder --configuration-recorder-name default --region <REGION>",
    references: &[
        "CIS AWS Foundations v7.0 4.3",
        "https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html",
    ],
    cis: &["4.3"],
    needs: &[Service::Config],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    ctx.regions()
        .map(|(region, data)| {
            let f = ctx.finding(&META, region, ctx.region_resource("config", region));
            match data.config.recorders.get() {
                Ok(recorders) => judge(f, region, recorders),
                Err(gap) => f.error(gap),
            }
        })
        .collect()
}

/// One region's finding: PASS if any recorder records everything, ERROR if one might but its
/// status was not returned, else FAIL naming what each recorder lacks.
fn judge(f: FindingBuilder, region: &str, recorders: &[ConfigRecorder]) -> Finding {
    if recorders.is_empty() {
        return f.fail(format!(
            "AWS Config has no configuration recorder in {region}"
        ));
    }
    if let Some(r) = recorders
        .iter()
        .find(|r| r.recording == Some(true) && r.all_supported)
    {
        let global = if r.include_global_resource_types {
            "global resource types (IAM) included"
        } else {
            "global resource types (IAM) not included"
        };
        return f.pass(format!(
            "configuration recorder `{}` is recording all supported resource types, {global}",
            r.name
        ));
    }
    if let Some(r) = recorders
        .iter()
        .find(|r| r.recording.is_none() && r.all_supported)
    {
        return f.error_reason(format!(
            "could not be evaluated: configuration recorder `{}` records all supported \
             resource types, but its recording status was not returned",
            r.name
        ));
    }
    let lacks: Vec<String> = recorders
        .iter()
        .map(|r| {
            let mut what = Vec::new();
            if r.recording == Some(false) {
                what.push("is not recording");
            }
            if !r.all_supported {
                what.push("records only selected resource types");
            }
            format!("recorder `{}` {}", r.name, what.join(" and "))
        })
        .collect();
    f.fail(format!(
        "AWS Config does not record all resource types in {region}: {}",
        lacks.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    /// A recorder that records everything, global resource types included.
    fn recorder(name: &str) -> ConfigRecorder {
        ConfigRecorder {
            name: name.into(),
            all_supported: true,
            include_global_resource_types: true,
            recording: Some(true),
            last_status: Some("SUCCESS".into()),
        }
    }

    // CIS 4.3: a recording recorder of all resource types passes, with or without global
    // resource types (which the reason states).
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").config.recorders = Collected::Ok(vec![recorder("default")]);
        let mut regional_only = recorder("default");
        regional_only.include_global_resource_types = false;
        fx.region("eu-west-1").config.recorders = Collected::Ok(vec![regional_only]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.3: no recorder, a stopped recorder, and a recorder of selected types each fail.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        // us-east-1: recorders read, none.
        let mut stopped = recorder("default");
        stopped.recording = Some(false);
        fx.region("eu-west-1").config.recorders = Collected::Ok(vec![stopped]);
        let mut selected = recorder("default");
        selected.all_supported = false;
        let mut stopped_selected = recorder("ec2-only");
        stopped_selected.recording = Some(false);
        stopped_selected.all_supported = false;
        fx.region("ap-south-1").config.recorders = Collected::Ok(vec![selected, stopped_selected]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
