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

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "In a region without a recorder: creates the recorder `default` of every supported \
          resource type (global types in one region only: us-east-1, or the first scanned \
          region, unless a recorder already records them) with the AWS Config service-linked \
          role (CreateServiceLinkedRole, once, when the snapshot shows no such role), a \
          delivery channel into the bucket `--config-bucket` names (whose policy gets AWS \
          Config's delivery statements when it is this account's; otherwise its owner must \
          grant them), and starts it. A stopped recorder of every type is started. Safe; AWS \
          Config bills per configuration item recorded. Not planned for a recorder of \
          selected types: the snapshot holds neither its type list nor its role, which \
          updating it would replace.",
    plan: fix,
    state: Some(state),
    reads: &[
        rampart_inventory::Service::Iam,
        rampart_inventory::Service::S3,
    ],
};

/// Name of the AWS Config service-linked role (IAM compares role names without regard to
/// case).
const SERVICE_ROLE: &str = "AWSServiceRoleForConfig";

/// Name of the recorder and delivery channel rampart creates.
const RECORDER: &str = "default";

/// The steps for a region whose recorder is missing or stopped.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let region = finding.region.as_str();
    let recorders = crate::fix::region_data(ctx, region)?
        .config
        .recorders
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the AWS Config recorders of {region}"), gap))?;
    let all = |r: &&ConfigRecorder| r.all_supported;
    if let Some(r) = recorders
        .iter()
        .filter(all)
        .find(|r| r.recording == Some(true))
    {
        return Err(NotFixable::new(format!(
            "recorder `{}` already records all resource types in {region}",
            r.name
        )));
    }
    if let Some(r) = recorders.iter().filter(all).find(|r| r.recording.is_none()) {
        return Err(NotFixable::new(format!(
            "the recording status of recorder `{}` in {region} was not returned",
            r.name
        )));
    }
    if let Some(r) = recorders.iter().find(all) {
        return Ok(vec![start_step(&finding.resource, region, r)]);
    }
    if let Some(r) = recorders.first() {
        return Err(NotFixable::new(format!(
            "recorder `{}` in {region} records selected resource types: the snapshot holds \
             neither its type list nor its role, which PutConfigurationRecorder would replace \
             (and undo could not restore); switch it to all supported types by hand",
            r.name
        )));
    }
    create_steps(ctx, finding, region)
}

/// A recorder's state as `before`/`after` name it (`null`: no recorder of that name).
fn recorder_state(recorder: Option<&ConfigRecorder>) -> serde_json::Value {
    match recorder {
        None => serde_json::Value::Null,
        Some(r) => serde_json::json!({
            "name": r.name,
            "allSupported": r.all_supported,
            "includeGlobalResourceTypes": r.include_global_resource_types,
            "recording": r.recording,
        }),
    }
}

/// The step that starts a stopped recorder of every resource type.
fn start_step(resource: &str, region: &str, recorder: &ConfigRecorder) -> crate::fix::Step {
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{logical_id, Call, Risk, Step};
    use serde_json::json;
    let name = recorder.name.as_str();
    let tf = logical_id("config_status_", resource);
    let alias = provider_alias(region);
    let started = ConfigRecorder {
        recording: Some(true),
        ..recorder.clone()
    };
    Step::new(
        META.id,
        resource,
        region,
        Risk::Safe,
        format!(
            "a recorder only reads resource configurations; nothing is blocked. The snapshot \
             does not list delivery channels: should {region} have none, AWS Config refuses \
             to start the recorder (NoAvailableDeliveryChannelException) and nothing changes"
        ),
        vec![Call::new(
            "config",
            "StartConfigurationRecorder",
            json!({"ConfigurationRecorderName": name}),
        )],
    )
    .states(
        json!({"ConfigurationRecorder": recorder_state(Some(recorder))}),
        json!({"ConfigurationRecorder": recorder_state(Some(&started))}),
    )
    .cli(&[&[
        "aws",
        "configservice",
        "start-configuration-recorder",
        "--region",
        region,
        "--configuration-recorder-name",
        name,
    ]])
    .terraform(format!(
        "resource \"aws_config_configuration_recorder_status\" \"{tf}\" {{\n  provider   = aws.{alias}\n  name       = {}\n  is_enabled = true\n}}\n",
        hcl_string(name)
    ))
    .billing(billing(region))
    .undo(format!(
        "aws configservice stop-configuration-recorder --configuration-recorder-name {name} \
         --region {region}; nothing is lost"
    ))
    .undo_calls(vec![Call::new(
        "config",
        "StopConfigurationRecorder",
        json!({"ConfigurationRecorderName": name}),
    )])
}

/// What recording starts billing for.
fn billing(region: &str) -> String {
    format!(
        "starts AWS Config billing in {region}: each configuration item recorded is charged \
         (every supported resource type, continuous recording), plus S3 storage of the \
         history"
    )
}

/// The region that records global resource types (IAM) when rampart creates recorders:
/// none when a recording recorder already records them, else us-east-1 when it was
/// scanned, else the first scanned region. A region whose recorders were not read counts
/// as not recording them: at worst two regions record IAM, which costs but breaks nothing.
fn global_types_region<'a>(ctx: &Context<'a>) -> Option<&'a str> {
    let recorded = ctx.regions().any(|(_, data)| {
        data.config.recorders.get().is_ok_and(|rs| {
            rs.iter()
                .any(|r| r.recording == Some(true) && r.include_global_resource_types)
        })
    });
    if recorded {
        return None;
    }
    ctx.regions()
        .map(|(region, _)| region)
        .find(|r| *r == "us-east-1")
        .or_else(|| ctx.regions().map(|(region, _)| region).next())
}

/// The AWS Config statements of a delivery bucket's policy, as AWS documents them for a
/// recorder using the service-linked role.
fn bucket_statements(ctx: &Context, bucket_arn: &str) -> Vec<serde_json::Value> {
    use serde_json::json;
    let account = &ctx.inventory.account.id;
    let source = json!({"AWS:SourceAccount": account});
    vec![
        json!({"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn, "Condition": {"StringEquals": source}}),
        json!({"Sid": "AWSConfigBucketExistenceCheck", "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:ListBucket",
            "Resource": bucket_arn, "Condition": {"StringEquals": source}}),
        json!({"Sid": "AWSConfigBucketDelivery", "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": format!("{bucket_arn}/AWSLogs/{account}/Config/*"),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                "AWS:SourceAccount": account}}}),
    ]
}

/// The steps for a region without a recorder: the service-linked role and the bucket's
/// policy when needed (account-wide steps every region's step depends on), then the
/// recorder, its delivery channel, and the start.
fn create_steps(
    ctx: &Context,
    finding: &Finding,
    region: &str,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::checks::s3::delivery_grant::{self, Destination};
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{logical_id, Call, NotFixable, Risk, Step};
    use serde_json::json;
    let bucket_name = ctx.settings.fix.config_bucket.as_deref().ok_or_else(|| {
        NotFixable::new(
            "AWS Config needs a bucket to deliver to: give it with --config-bucket (or \
             `config_bucket` under [fix] in rampart.toml)",
        )
    })?;
    let account = &ctx.inventory.account;
    let roles = ctx.inventory.iam.roles.get().map_err(|gap| {
        NotFixable::gap("the IAM roles (for AWS Config's service-linked role)", gap)
    })?;
    let mut steps = Vec::new();
    let mut depends = Vec::new();
    let existing_role = roles
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(SERVICE_ROLE));
    let role_arn = match existing_role {
        Some(r) => r.arn.clone(),
        None => format!(
            "arn:{}:iam::{}:role/aws-service-role/config.amazonaws.com/{SERVICE_ROLE}",
            account.partition, account.id
        ),
    };
    if existing_role.is_none() {
        let role = role_step(&role_arn);
        depends.push(role.stable_id());
        steps.push(role);
    }
    let (bucket_note, tf_policy) = match delivery_grant::destination(ctx, bucket_name)? {
        Destination::Owned(bucket) => {
            let grant = delivery_grant::step(
                META.id,
                bucket,
                "AWS Config",
                bucket_statements(ctx, &bucket.arn),
            )?;
            let address = grant
                .as_ref()
                .map(|_| delivery_grant::terraform_address("AWS Config", bucket));
            if let Some(grant) = grant {
                depends.push(grant.stable_id());
                steps.push(grant);
            }
            (
                format!("Bucket {bucket_name} is this account's and lets AWS Config deliver"),
                address,
            )
        }
        Destination::Elsewhere => (
            format!(
                "Bucket {bucket_name} is not this account's: its owner must let \
                 config.amazonaws.com read its ACL and list it (s3:GetBucketAcl, \
                 s3:ListBucket) and write AWSLogs/{}/Config/ (s3:PutObject with \
                 bucket-owner-full-control), as AWS documents, or the delivery channel is \
                 refused",
                account.id
            ),
            None,
        ),
    };
    let include_global = global_types_region(ctx) == Some(region);
    let recorder = json!({
        "name": RECORDER,
        "roleARN": role_arn,
        "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": include_global},
    });
    let channel = json!({"name": RECORDER, "s3BucketName": bucket_name});
    let text = |v: &serde_json::Value| {
        serde_json::to_string(&crate::fix::canonical(v.clone())).unwrap_or_default()
    };
    let (recorder_text, group_text, channel_text) = (
        text(&json!({"name": RECORDER, "roleARN": role_arn})),
        text(&recorder["recordingGroup"]),
        text(&channel),
    );
    let alias = provider_alias(region);
    let tf = logical_id("config_", &finding.resource);
    let cfn_recorder = logical_id("RampartConfigRecorder", &finding.resource);
    let cfn_channel = logical_id("RampartConfigChannel", &finding.resource);
    let tf_role = if existing_role.is_none() {
        "aws_iam_service_linked_role.rampart_config.arn".to_owned()
    } else {
        hcl_string(&role_arn)
    };
    let channel_depends = match &tf_policy {
        Some(policy) => format!("aws_config_configuration_recorder.{tf}, {policy}"),
        None => format!("aws_config_configuration_recorder.{tf}"),
    };
    let created = ConfigRecorder {
        name: RECORDER.into(),
        all_supported: true,
        include_global_resource_types: include_global,
        recording: Some(true),
        last_status: None,
    };
    steps.push(
        Step::new(
            META.id,
            &finding.resource,
            region,
            Risk::Safe,
            format!(
                "a recorder only reads resource configurations; nothing is blocked. {bucket_note}. \
                 The snapshot does not list delivery channels: should {region} still have one \
                 of another name, AWS Config refuses a second and the recorder is not started"
            ),
            vec![
                Call::new("config", "PutConfigurationRecorder", json!({"ConfigurationRecorder": recorder})),
                Call::new("config", "PutDeliveryChannel", json!({"DeliveryChannel": channel})),
                Call::new("config", "StartConfigurationRecorder", json!({"ConfigurationRecorderName": RECORDER})),
            ],
        )
        .after_steps(depends)
        .states(
            json!({"ConfigurationRecorder": null}),
            json!({"ConfigurationRecorder": recorder_state(Some(&created))}),
        )
        .cli(&[
            &["aws", "configservice", "put-configuration-recorder", "--region", region, "--configuration-recorder", &recorder_text, "--recording-group", &group_text],
            &["aws", "configservice", "put-delivery-channel", "--region", region, "--delivery-channel", &channel_text],
            &["aws", "configservice", "start-configuration-recorder", "--region", region, "--configuration-recorder-name", RECORDER],
        ])
        .cloudformation(json!({
            cfn_recorder.clone(): {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {
                "Name": RECORDER, "RoleARN": role_arn,
                "RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": include_global},
            }},
            cfn_channel: {"Type": "AWS::Config::DeliveryChannel", "DependsOn": cfn_recorder,
                "Properties": {"Name": RECORDER, "S3BucketName": bucket_name}},
        }))
        .terraform(format!(
            "resource \"aws_config_configuration_recorder\" \"{tf}\" {{\n  provider = aws.{alias}\n  name     = {n}\n  role_arn = {tf_role}\n\n  recording_group {{\n    all_supported                 = true\n    include_global_resource_types = {include_global}\n  }}\n}}\n\n\
             resource \"aws_config_delivery_channel\" \"{tf}\" {{\n  provider       = aws.{alias}\n  name           = {n}\n  s3_bucket_name = {b}\n  depends_on     = [{channel_depends}]\n}}\n\n\
             resource \"aws_config_configuration_recorder_status\" \"{tf}\" {{\n  provider   = aws.{alias}\n  name       = aws_config_configuration_recorder.{tf}.name\n  is_enabled = true\n  depends_on = [aws_config_delivery_channel.{tf}]\n}}\n",
            n = hcl_string(RECORDER),
            b = hcl_string(bucket_name),
        ))
        .billing(billing(region))
        .undo(format!(
            "aws configservice stop-configuration-recorder, delete-delivery-channel and \
             delete-configuration-recorder (name {RECORDER}) in {region}"
        ))
        .undo_calls(vec![
            Call::new("config", "StopConfigurationRecorder", json!({"ConfigurationRecorderName": RECORDER})),
            Call::new("config", "DeleteDeliveryChannel", json!({"DeliveryChannelName": RECORDER})),
            Call::new("config", "DeleteConfigurationRecorder", json!({"ConfigurationRecorderName": RECORDER})),
        ])
        .undo_loses(format!(
            "recording stops in {region}: later changes go unrecorded (the configuration \
             history already delivered stays in bucket {bucket_name})"
        )),
    );
    Ok(steps)
}

/// The step that creates AWS Config's service-linked role, once for the account.
fn role_step(role_arn: &str) -> crate::fix::Step {
    use crate::fix::{Call, Risk, Step};
    use serde_json::json;
    Step::new(
        META.id,
        role_arn,
        "global",
        Risk::Safe,
        "a role only AWS Config can assume, with the permissions AWS manages for it",
        vec![Call::new(
            "iam",
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "config.amazonaws.com"}),
        )],
    )
    .states(json!({"Role": null}), json!({"Role": SERVICE_ROLE}))
    .cli(&[&[
        "aws",
        "iam",
        "create-service-linked-role",
        "--aws-service-name",
        "config.amazonaws.com",
    ]])
    .terraform(
        "resource \"aws_iam_service_linked_role\" \"rampart_config\" {\n  aws_service_name = \"config.amazonaws.com\"\n}\n"
            .to_owned(),
    )
    .undo(format!(
        "aws iam delete-service-linked-role --role-name {SERVICE_ROLE} (IAM refuses while a \
         recorder uses it); nothing is lost"
    ))
    .undo_calls(vec![Call::new(
        "iam",
        "DeleteServiceLinkedRole",
        // The name IAM gave the role, as CreateServiceLinkedRole answered it.
        json!({"RoleName": crate::fix::response_ref(0, "Role.RoleName")}),
    )])
}

/// The state of a step's resource: the service-linked role (`{"Role": name or null}`), the
/// delivery bucket's policy, or the region's recorder of the name the step's `after` gives.
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    use serde_json::json;
    let s3 = format!("arn:{}:s3:::", ctx.inventory.account.partition);
    if step.resource.starts_with(&s3) {
        return crate::checks::s3::delivery_grant::state(ctx, step);
    }
    if step.region == "global" {
        let roles = ctx
            .inventory
            .iam
            .roles
            .get()
            .map_err(|gap| NotFixable::gap("the IAM roles", gap))?;
        let exists = roles
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case(SERVICE_ROLE));
        return Ok(json!({"Role": exists.then_some(SERVICE_ROLE)}));
    }
    let name = step.after["ConfigurationRecorder"]["name"]
        .as_str()
        .ok_or_else(|| NotFixable::new(format!("step {} names no recorder", step.id)))?;
    let recorders = crate::fix::region_data(ctx, &step.region)?
        .config
        .recorders
        .get()
        .map_err(|gap| {
            NotFixable::gap(&format!("the AWS Config recorders of {}", step.region), gap)
        })?;
    Ok(json!({"ConfigurationRecorder": recorder_state(recorders.iter().find(|r| r.name == name))}))
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

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::fixtures::{denied, run_check, Fixture, ACCOUNT};
    use crate::checks::s3::testing::{bucket, set_buckets};
    use crate::fix::testing::{assert_plan_states, failing, fix_settings, plan_with};
    use crate::fix::{plan, render, Risk};
    use crate::{Settings, Status};
    use rampart_inventory::{Collected, ConfigRecorder, Role};
    use serde_json::Value;

    const SLR_ARN: &str =
        "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";

    /// Two regions without a recorder; the delivery bucket is this account's.
    fn unrecorded() -> Fixture {
        let mut fx = Fixture::new();
        fx.region("eu-west-1");
        set_buckets(&mut fx, vec![bucket("rampart-config-logs")]);
        fx
    }

    /// `fx` as a scan shows it once `plan`'s calls were made: the service-linked role, the
    /// bucket policy the PutBucketPolicy call wrote, and each region's recorder as
    /// PutConfigurationRecorder and StartConfigurationRecorder left it.
    fn applied(fx: &Fixture, plan: &crate::fix::Plan) -> Fixture {
        let mut fixed = Fixture {
            inv: fx.inv.clone(),
        };
        for step in &plan.steps {
            for call in &step.calls {
                let p = &call.params;
                match call.operation.as_str() {
                    "CreateServiceLinkedRole" => {
                        if let Collected::Ok(roles) = &mut fixed.inv.iam.roles {
                            roles.push(Role {
                                name: "AWSServiceRoleForConfig".into(),
                                arn: SLR_ARN.into(),
                                ..Default::default()
                            });
                        }
                    }
                    "PutBucketPolicy" => {
                        let doc: Value =
                            serde_json::from_str(p["Policy"].as_str().unwrap()).unwrap();
                        if let Collected::Ok(buckets) = &mut fixed.inv.s3.buckets {
                            let b = buckets.iter_mut().find(|b| b.name == p["Bucket"]).unwrap();
                            b.policy = Collected::Ok(Some(doc));
                        }
                    }
                    "PutConfigurationRecorder" => {
                        let r = &p["ConfigurationRecorder"];
                        fixed.region(&step.region).config.recorders =
                            Collected::Ok(vec![ConfigRecorder {
                                name: r["name"].as_str().unwrap().into(),
                                all_supported: r["recordingGroup"]["allSupported"] == true,
                                include_global_resource_types: r["recordingGroup"]
                                    ["includeGlobalResourceTypes"]
                                    == true,
                                recording: Some(false),
                                last_status: None,
                            }]);
                    }
                    "StartConfigurationRecorder" => {
                        if let Collected::Ok(rs) = &mut fixed.region(&step.region).config.recorders
                        {
                            for r in rs
                                .iter_mut()
                                .filter(|r| r.name == p["ConfigurationRecorderName"])
                            {
                                r.recording = Some(true);
                                r.last_status = Some("SUCCESS".into());
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        fixed
    }

    // Issue 14 (CIS 4.3): two regions without a recorder get the service-linked role and the
    // bucket's AWS Config statements once, then each a recorder of every type (global types
    // in us-east-1 only), a delivery channel and a start; each step's state reads back as
    // `before` now and as `after` once applied, when the check passes.
    #[test]
    fn fix_creates_role_policy_and_recorders() {
        let fx = unrecorded();
        let settings = fix_settings();
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        assert!(plan.not_planned.is_empty(), "{:#?}", plan.not_planned);
        let ops: Vec<Vec<&str>> = plan
            .steps
            .iter()
            .map(|s| s.calls.iter().map(|c| c.operation.as_str()).collect())
            .collect();
        assert_eq!(
            ops,
            [
                vec!["CreateServiceLinkedRole"],
                vec!["PutBucketPolicy"],
                vec![
                    "PutConfigurationRecorder",
                    "PutDeliveryChannel",
                    "StartConfigurationRecorder"
                ],
                vec![
                    "PutConfigurationRecorder",
                    "PutDeliveryChannel",
                    "StartConfigurationRecorder"
                ],
            ]
        );
        let shared = [plan.steps[0].id.clone(), plan.steps[1].id.clone()];
        for s in &plan.steps[2..] {
            assert_eq!(s.depends_on, shared);
            assert_eq!(s.risk, Risk::Safe);
            assert!(s
                .billing
                .as_deref()
                .is_some_and(|b| b.contains("configuration item")));
            let ops: Vec<&str> = s.undo_calls.iter().map(|c| c.operation.as_str()).collect();
            assert_eq!(
                ops,
                [
                    "StopConfigurationRecorder",
                    "DeleteDeliveryChannel",
                    "DeleteConfigurationRecorder"
                ]
            );
            assert!(s.undo_loses.is_some());
            let recorder = &s.calls[0].params["ConfigurationRecorder"];
            assert_eq!(recorder["roleARN"], SLR_ARN);
            assert_eq!(
                recorder["recordingGroup"]["includeGlobalResourceTypes"],
                s.region == "us-east-1"
            );
            assert_eq!(
                s.calls[1].params["DeliveryChannel"]["s3BucketName"],
                "rampart-config-logs"
            );
        }
        let policy = &plan.steps[1].after["Policy"]["Statement"];
        let sids: Vec<&str> = policy
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["Sid"].as_str())
            .collect();
        assert_eq!(
            sids,
            [
                "DenyInsecureTransport",
                "AWSConfigBucketPermissionsCheck",
                "AWSConfigBucketExistenceCheck",
                "AWSConfigBucketDelivery"
            ]
        );
        insta::assert_snapshot!("fix_steps", render::json(&plan));

        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert!(run_check(&CHECK, &fixed.inv)
            .iter()
            .all(|f| f.status == Status::Pass));
        // Planned again over the fixed account: nothing left to do.
        assert!(plan_with(&CHECK, &fixed.inv, &settings).steps.is_empty());
    }

    // Issue 14: with the service-linked role present and the statements in the bucket's
    // policy, only the region's step is planned, naming the existing role.
    #[test]
    fn fix_reuses_the_role_and_the_policy() {
        let fx = unrecorded();
        let settings = fix_settings();
        let first = plan_with(&CHECK, &fx.inv, &settings);
        let mut fx = applied(&fx, &first);
        fx.region("eu-west-1").config.recorders = Collected::Ok(vec![]);
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        let step = &plan.steps[0];
        assert_eq!(step.region, "eu-west-1");
        assert!(step.depends_on.is_empty());
        let group = &step.calls[0].params["ConfigurationRecorder"]["recordingGroup"];
        // us-east-1 records global types already.
        assert_eq!(group["includeGlobalResourceTypes"], false);
    }

    // Issue 14: a stopped recorder of every type is started, and nothing else is planned
    // (no bucket is needed); undo stops it again.
    #[test]
    fn fix_starts_a_stopped_recorder() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").config.recorders = Collected::Ok(vec![ConfigRecorder {
            name: "main".into(),
            all_supported: true,
            include_global_resource_types: true,
            recording: Some(false),
            last_status: Some("SUCCESS".into()),
        }]);
        let settings = Settings::default();
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        let step = &plan.steps[0];
        assert_eq!(step.calls[0].operation, "StartConfigurationRecorder");
        assert_eq!(step.calls[0].params["ConfigurationRecorderName"], "main");
        assert_eq!(step.undo_calls[0].operation, "StopConfigurationRecorder");
        assert!(step
            .risk_reason
            .contains("NoAvailableDeliveryChannelException"));
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert_eq!(run_check(&CHECK, &fixed.inv)[0].status, Status::Pass);
    }

    // Issue 14: a bucket of another account gets no policy step; the step says its owner
    // must grant AWS Config's statements.
    #[test]
    fn fix_bucket_of_another_account() {
        let mut fx = Fixture::new();
        fx.inv.iam.roles = Collected::Ok(vec![Role {
            name: "AWSServiceRoleForConfig".into(),
            arn: SLR_ARN.into(),
            ..Default::default()
        }]);
        let plan = plan_with(&CHECK, &fx.inv, &fix_settings());
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        assert!(plan.steps[0]
            .risk_reason
            .contains("its owner must let config.amazonaws.com"));
        assert!(plan.steps[0]
            .risk_reason
            .contains(&format!("AWSLogs/{ACCOUNT}/Config/")));
    }

    // Issue 14: never guessed: a recorder of selected types (its types and role are not in
    // the snapshot), the missing `--config-bucket`, unread roles, an unread bucket policy
    // and unread recorders are each not planned, with the reason.
    #[test]
    fn fix_not_planned() {
        let reason = |fx: &Fixture, settings: &Settings, region: &str| {
            let finding = failing(
                &META,
                &fx.inv,
                region,
                &format!("arn:aws:config:{region}:{ACCOUNT}:*"),
            );
            let plan = plan(&fx.inv, settings, &[finding]);
            assert!(plan.steps.is_empty(), "{plan:#?}");
            plan.not_planned[0].reason.clone()
        };
        let mut fx = unrecorded();
        fx.region("us-east-1").config.recorders = Collected::Ok(vec![ConfigRecorder {
            name: "ec2-only".into(),
            all_supported: false,
            include_global_resource_types: false,
            recording: Some(true),
            last_status: None,
        }]);
        assert!(reason(&fx, &fix_settings(), "us-east-1").contains("selected resource types"));

        let fx = unrecorded();
        assert!(reason(&fx, &Settings::default(), "us-east-1").contains("--config-bucket"));

        let mut fx = unrecorded();
        fx.inv.iam.roles = Collected::Missing(denied("iam:ListRoles"));
        assert!(reason(&fx, &fix_settings(), "us-east-1").contains("iam:ListRoles"));

        let mut fx = unrecorded();
        if let Collected::Ok(b) = &mut fx.inv.s3.buckets {
            b[0].policy = Collected::Missing(denied("s3:GetBucketPolicy"));
        }
        assert!(reason(&fx, &fix_settings(), "us-east-1").contains("s3:GetBucketPolicy"));

        let mut fx = unrecorded();
        fx.region("eu-west-1").config.recorders =
            Collected::Missing(denied("config:DescribeConfigurationRecorders"));
        assert!(
            reason(&fx, &fix_settings(), "eu-west-1").contains("DescribeConfigurationRecorders")
        );
    }
}
