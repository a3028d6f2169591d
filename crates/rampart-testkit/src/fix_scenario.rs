//! Accounts built in moto for the end-to-end tests of `rampart fix`: for each fixer, a
//! state its check fails on ([`setup`]), and a change made to the same resource between the
//! plan and its application ([`mutate`]), which the apply must refuse.

use crate::scenario::HOME;
use aws_config::SdkConfig;

/// The bucket the S3 fixers' cases make.
pub const BUCKET: &str = "rampart-fix-bucket";
/// A bucket made after the scan a plan follows.
pub const LATER_BUCKET: &str = "rampart-fix-later";
/// The bucket a new trail delivers to (`--trail-bucket`) and Config writes to
/// (`--config-bucket`).
pub const LOG_BUCKET: &str = "rampart-fix-logs";
/// The email address given with `--notify-email`.
pub const EMAIL: &str = "secops@example.com";

/// The emulated account's id.
pub async fn account_id(cfg: &SdkConfig) -> String {
    client!(aws_sdk_sts, cfg, HOME)
        .get_caller_identity()
        .send()
        .await
        .unwrap()
        .account()
        .unwrap()
        .to_owned()
}

/// Build what `case`'s check fails on. Panics on an unknown case.
pub async fn setup(case: &str, cfg: &SdkConfig) {
    let s3 = client!(aws_sdk_s3, cfg, HOME);
    match case {
        "s3_bucket_public_access_block" | "s3_bucket_secure_transport" => {
            s3.create_bucket().bucket(BUCKET).send().await.unwrap();
        }
        "s3_account_public_access_block"
        | "ec2_ebs_default_encryption"
        | "securityhub_enabled"
        | "vpc_flow_logs_enabled"
        | "iam_password_policy"
        | "guardduty_enabled" => {}
        "guardduty_findings_routed" => {
            client!(aws_sdk_guardduty, cfg, HOME)
                .create_detector()
                .enable(true)
                .send()
                .await
                .unwrap();
        }
        "kms_key_rotation" => {
            client!(aws_sdk_kms, cfg, HOME)
                .create_key()
                .description("not rotated")
                .send()
                .await
                .unwrap();
        }
        "cloudwatch_alarms" => monitored_trail(cfg).await,
        "config_recorder_enabled" | "cloudtrail_new_trail" => {
            s3.create_bucket().bucket(LOG_BUCKET).send().await.unwrap();
        }
        "cloudwatch_billing_alarm" => {
            // A topic with a confirmed subscriber in us-east-1, which the alarm notifies.
            subscribed_topic(cfg, "billing-alerts", "finance-inbox").await;
        }
        "cloudtrail_weak_trail" => {
            s3.create_bucket().bucket(LOG_BUCKET).send().await.unwrap();
            let ct = client!(aws_sdk_cloudtrail, cfg, HOME);
            ct.create_trail()
                .name("weak-trail")
                .s3_bucket_name(LOG_BUCKET)
                .send()
                .await
                .unwrap();
            ct.put_event_selectors()
                .trail_name("weak-trail")
                .event_selectors(
                    aws_sdk_cloudtrail::types::EventSelector::builder()
                        .read_write_type(aws_sdk_cloudtrail::types::ReadWriteType::All)
                        .include_management_events(true)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        "ec2_imdsv2_required" => {
            let ec2 = client!(aws_sdk_ec2, cfg, HOME);
            ec2.run_instances()
                .image_id("ami-12c6146b")
                .min_count(1)
                .max_count(1)
                .metadata_options(
                    aws_sdk_ec2::types::InstanceMetadataOptionsRequest::builder()
                        .http_tokens(aws_sdk_ec2::types::HttpTokensState::Optional)
                        .http_endpoint(aws_sdk_ec2::types::InstanceMetadataEndpointState::Enabled)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        "ec2_sg_open_to_world" => {
            let ec2 = client!(aws_sdk_ec2, cfg, HOME);
            let vpc = default_vpc(&ec2).await;
            let sg = ec2
                .create_security_group()
                .group_name("admin-from-anywhere")
                .description("SSH and RDP from anywhere")
                .vpc_id(vpc)
                .send()
                .await
                .unwrap()
                .group_id()
                .unwrap()
                .to_owned();
            for port in [22, 3389, 445, 5432] {
                ec2.authorize_security_group_ingress()
                    .group_id(&sg)
                    .ip_permissions(world_tcp(port))
                    .send()
                    .await
                    .unwrap();
            }
            let wide = ec2
                .create_security_group()
                .group_name("wide-open")
                .description("every port from anywhere")
                .vpc_id(default_vpc(&ec2).await)
                .send()
                .await
                .unwrap()
                .group_id()
                .unwrap()
                .to_owned();
            ec2.authorize_security_group_ingress()
                .group_id(wide)
                .ip_permissions(
                    aws_sdk_ec2::types::IpPermission::builder()
                        .ip_protocol("-1")
                        .ip_ranges(
                            aws_sdk_ec2::types::IpRange::builder()
                                .cidr_ip("0.0.0.0/0")
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        "ec2_default_sg_restricts_all" => {}
        "iam_unused_credentials" => {
            crate::scenario::user_with_access_key(cfg, "idle-deployer").await;
        }
        "rds_not_publicly_accessible" => {
            let ec2 = client!(aws_sdk_ec2, cfg, HOME);
            let vpc = default_vpc(&ec2).await;
            let subnets: Vec<String> = ec2
                .describe_subnets()
                .filters(
                    aws_sdk_ec2::types::Filter::builder()
                        .name("vpc-id")
                        .values(vpc)
                        .build(),
                )
                .send()
                .await
                .unwrap()
                .subnets()
                .iter()
                .filter_map(|s| s.subnet_id().map(str::to_owned))
                .collect();
            let rds = client!(aws_sdk_rds, cfg, HOME);
            rds.create_db_subnet_group()
                .db_subnet_group_name("default-vpc")
                .db_subnet_group_description("the default VPC's subnets")
                .set_subnet_ids(Some(subnets))
                .send()
                .await
                .unwrap();
            rds.create_db_instance()
                .db_subnet_group_name("default-vpc")
                .db_instance_identifier("orders")
                .db_instance_class("db.t3.micro")
                .engine("postgres")
                .allocated_storage(20)
                .master_username("app")
                .master_user_password("not-a-secret-0")
                .publicly_accessible(true)
                .send()
                .await
                .unwrap();
        }
        other => panic!("no fix scenario {other}"),
    }
}

/// The region's default VPC.
async fn default_vpc(ec2: &aws_sdk_ec2::Client) -> String {
    ec2.describe_vpcs()
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .find(|v| v.is_default() == Some(true))
        .and_then(|v| v.vpc_id())
        .expect("a default VPC")
        .to_owned()
}

/// TCP `port` from 0.0.0.0/0.
fn world_tcp(port: i32) -> aws_sdk_ec2::types::IpPermission {
    aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .ip_ranges(
            aws_sdk_ec2::types::IpRange::builder()
                .cidr_ip("0.0.0.0/0")
                .build(),
        )
        .build()
}

/// The security groups of the home region named `name`.
async fn group_id(ec2: &aws_sdk_ec2::Client, name: &str) -> String {
    ec2.describe_security_groups()
        .send()
        .await
        .unwrap()
        .security_groups()
        .iter()
        .find(|g| g.group_name() == Some(name))
        .and_then(|g| g.group_id())
        .expect("the group")
        .to_owned()
}

/// A multi-region trail logging every management event into the CloudWatch Logs group
/// `trail-logs`, and a topic with a confirmed subscriber: what the CIS section 5 fixers
/// build their filters and alarms on.
async fn monitored_trail(cfg: &SdkConfig) {
    let account = account_id(cfg).await;
    let s3 = client!(aws_sdk_s3, cfg, HOME);
    s3.create_bucket().bucket(LOG_BUCKET).send().await.unwrap();
    let logs = client!(aws_sdk_cloudwatchlogs, cfg, HOME);
    logs.create_log_group()
        .log_group_name("trail-logs")
        .send()
        .await
        .unwrap();
    let ct = client!(aws_sdk_cloudtrail, cfg, HOME);
    ct.create_trail()
        .name("main-trail")
        .s3_bucket_name(LOG_BUCKET)
        .is_multi_region_trail(true)
        .include_global_service_events(true)
        .cloud_watch_logs_log_group_arn(format!(
            "arn:aws:logs:{HOME}:{account}:log-group:trail-logs:*"
        ))
        .cloud_watch_logs_role_arn(format!("arn:aws:iam::{account}:role/trail-to-logs"))
        .send()
        .await
        .unwrap();
    ct.put_event_selectors()
        .trail_name("main-trail")
        .event_selectors(
            aws_sdk_cloudtrail::types::EventSelector::builder()
                .read_write_type(aws_sdk_cloudtrail::types::ReadWriteType::All)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    ct.start_logging().name("main-trail").send().await.unwrap();
    subscribed_topic(cfg, "security-alerts", "security-inbox").await;
}

/// Topic `name` in the home region with a confirmed subscriber, the SQS queue `queue`
/// (moto confirms an SQS subscription at once, as AWS does).
async fn subscribed_topic(cfg: &SdkConfig, name: &str, queue: &str) {
    let account = account_id(cfg).await;
    let sns = client!(aws_sdk_sns, cfg, HOME);
    let topic = sns
        .create_topic()
        .name(name)
        .send()
        .await
        .unwrap()
        .topic_arn()
        .unwrap()
        .to_owned();
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(format!("arn:aws:sqs:{HOME}:{account}:{queue}"))
        .send()
        .await
        .unwrap();
}

/// Change the resource `case`'s plan is about, as someone else might between the plan and
/// its application.
pub async fn mutate(case: &str, cfg: &SdkConfig) {
    let s3 = client!(aws_sdk_s3, cfg, HOME);
    let account = account_id(cfg).await;
    match case {
        "s3_bucket_public_access_block" => {
            s3.put_public_access_block()
                .bucket(BUCKET)
                .public_access_block_configuration(
                    aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                        .block_public_acls(true)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        "s3_account_public_access_block" => {
            let endpoint = cfg.endpoint_url().expect("moto's endpoint").to_owned();
            aws_sdk_s3control::Client::from_conf(
                aws_sdk_s3control::config::Builder::from(cfg)
                    .region(aws_types::region::Region::new(HOME))
                    .endpoint_resolver(FixedEndpoint(endpoint))
                    .build(),
            )
            .put_public_access_block()
            .account_id(&account)
            .public_access_block_configuration(
                aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        }
        "s3_bucket_secure_transport" => {
            let policy = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Sid": "Audit", "Effect": "Allow",
                    "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                    "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{BUCKET}/*")}]
            });
            s3.put_bucket_policy()
                .bucket(BUCKET)
                .policy(policy.to_string())
                .send()
                .await
                .unwrap();
        }
        "guardduty_enabled" => {
            client!(aws_sdk_guardduty, cfg, HOME)
                .create_detector()
                .enable(false)
                .send()
                .await
                .unwrap();
        }
        "guardduty_findings_routed" => {
            // Someone routes the findings their own way meanwhile.
            let events = client!(aws_sdk_eventbridge, cfg, HOME);
            events
                .put_rule()
                .name("their-guardduty-route")
                .event_pattern(r#"{"source":["aws.guardduty"]}"#)
                .send()
                .await
                .unwrap();
            events
                .put_targets()
                .rule("their-guardduty-route")
                .targets(
                    aws_sdk_eventbridge::types::Target::builder()
                        .id("theirs")
                        .arn(format!("arn:aws:sns:{HOME}:{account}:their-topic"))
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
        }
        "ec2_ebs_default_encryption" => {
            client!(aws_sdk_ec2, cfg, HOME)
                .enable_ebs_encryption_by_default()
                .send()
                .await
                .unwrap();
        }
        "iam_password_policy" => {
            client!(aws_sdk_iam, cfg, HOME)
                .update_account_password_policy()
                .minimum_password_length(8)
                .send()
                .await
                .unwrap();
        }
        "kms_key_rotation" => {
            let kms = client!(aws_sdk_kms, cfg, HOME);
            let keys = kms.list_keys().send().await.unwrap();
            for k in keys.keys() {
                kms.disable_key()
                    .key_id(k.key_id().unwrap())
                    .send()
                    .await
                    .unwrap();
            }
        }
        "vpc_flow_logs_enabled" => {
            let ec2 = client!(aws_sdk_ec2, cfg, HOME);
            s3.create_bucket()
                .bucket("someone-elses-flow-logs")
                .send()
                .await
                .unwrap();
            let vpcs = ec2.describe_vpcs().send().await.unwrap();
            let ids: Vec<String> = vpcs
                .vpcs()
                .iter()
                .filter_map(|v| v.vpc_id().map(str::to_owned))
                .collect();
            ec2.create_flow_logs()
                .set_resource_ids(Some(ids))
                .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
                .traffic_type(aws_sdk_ec2::types::TrafficType::Reject)
                .log_destination_type(aws_sdk_ec2::types::LogDestinationType::S3)
                .log_destination("arn:aws:s3:::someone-elses-flow-logs")
                .send()
                .await
                .unwrap();
        }
        "securityhub_enabled" => {
            client!(aws_sdk_securityhub, cfg, HOME)
                .enable_security_hub()
                .enable_default_standards(false)
                .send()
                .await
                .unwrap();
        }
        "config_recorder_enabled" => {
            client!(aws_sdk_config, cfg, HOME)
                .put_configuration_recorder()
                .configuration_recorder(
                    aws_sdk_config::types::ConfigurationRecorder::builder()
                        .name("default")
                        .role_arn(format!("arn:aws:iam::{account}:role/config"))
                        .recording_group(
                            aws_sdk_config::types::RecordingGroup::builder()
                                .all_supported(false)
                                .include_global_resource_types(false)
                                .resource_types(aws_sdk_config::types::ResourceType::Instance)
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        "cloudtrail_new_trail" | "cloudtrail_weak_trail" => {
            let policy = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Sid": "Audit", "Effect": "Allow",
                    "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                    "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{LOG_BUCKET}/*")}]
            });
            s3.put_bucket_policy()
                .bucket(LOG_BUCKET)
                .policy(policy.to_string())
                .send()
                .await
                .unwrap();
            if case == "cloudtrail_weak_trail" {
                let ct = client!(aws_sdk_cloudtrail, cfg, HOME);
                ct.update_trail()
                    .name("weak-trail")
                    .enable_log_file_validation(true)
                    .send()
                    .await
                    .unwrap();
            }
        }
        "cloudwatch_billing_alarm" => {
            client!(aws_sdk_cloudwatch, cfg, HOME)
                .put_metric_alarm()
                .alarm_name("rampart-billing")
                .namespace("AWS/Billing")
                .metric_name("EstimatedCharges")
                .statistic(aws_sdk_cloudwatch::types::Statistic::Maximum)
                .period(21600)
                .evaluation_periods(1)
                .threshold(5000.0)
                .comparison_operator(
                    aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold,
                )
                .send()
                .await
                .unwrap();
        }
        "ec2_imdsv2_required" => {
            let ec2 = client!(aws_sdk_ec2, cfg, HOME);
            let ids: Vec<String> = ec2
                .describe_instances()
                .send()
                .await
                .unwrap()
                .reservations()
                .iter()
                .flat_map(|r| r.instances())
                .filter_map(|i| i.instance_id().map(str::to_owned))
                .collect();
            for id in ids {
                ec2.modify_instance_metadata_options()
                    .instance_id(id)
                    .http_endpoint(aws_sdk_ec2::types::InstanceMetadataEndpointState::Disabled)
                    .send()
                    .await
                    .unwrap();
            }
        }
        "ec2_sg_open_to_world" | "ec2_default_sg_restricts_all" => {
            let ec2 = client!(aws_sdk_ec2, cfg, HOME);
            let name = if case == "ec2_default_sg_restricts_all" {
                "default"
            } else {
                "admin-from-anywhere"
            };
            let sg = group_id(&ec2, name).await;
            let ports: &[i32] = if name == "default" {
                &[22]
            } else {
                &[22, 3389, 445, 5432]
            };
            for &port in ports {
                ec2.authorize_security_group_ingress()
                    .group_id(&sg)
                    .ip_permissions(
                        aws_sdk_ec2::types::IpPermission::builder()
                            .ip_protocol("tcp")
                            .from_port(port)
                            .to_port(port)
                            .ipv6_ranges(
                                aws_sdk_ec2::types::Ipv6Range::builder()
                                    .cidr_ipv6("::/0")
                                    .build(),
                            )
                            .build(),
                    )
                    .send()
                    .await
                    .unwrap();
            }
        }
        "iam_unused_credentials" => {
            let iam = client!(aws_sdk_iam, cfg, HOME);
            let keys = iam
                .list_access_keys()
                .user_name("idle-deployer")
                .send()
                .await
                .unwrap();
            for k in keys.access_key_metadata() {
                crate::scenario::deactivate_access_key(
                    cfg,
                    "idle-deployer",
                    k.access_key_id().unwrap(),
                )
                .await;
            }
        }
        "rds_not_publicly_accessible" => {
            client!(aws_sdk_rds, cfg, HOME)
                .modify_db_instance()
                .db_instance_identifier("orders")
                .publicly_accessible(false)
                .apply_immediately(true)
                .send()
                .await
                .unwrap();
        }
        other => panic!("no fix scenario {other}"),
    }
}

/// A user named `name` whose inline policy allows only `actions`; its access key id and
/// secret.
pub async fn user_allowed(cfg: &SdkConfig, name: &str, actions: &[&str]) -> (String, String) {
    let iam = client!(aws_sdk_iam, cfg, HOME);
    iam.create_user().user_name(name).send().await.unwrap();
    let doc = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]
    });
    iam.put_user_policy()
        .user_name(name)
        .policy_name("allowed")
        .policy_document(doc.to_string())
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    (
        key.access_key_id().to_owned(),
        key.secret_access_key().to_owned(),
    )
}

/// S3 Control at moto's address as it is, without the account id the SDK would prefix to
/// the host name.
#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// Alarms named `names` on a metric of someone else's, in the home region.
pub async fn alarms(cfg: &SdkConfig, names: &[String]) {
    let cw = client!(aws_sdk_cloudwatch, cfg, HOME);
    for name in names {
        cw.put_metric_alarm()
            .alarm_name(name)
            .namespace("Theirs")
            .metric_name("Something")
            .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
            .period(60)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(
                aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold,
            )
            .send()
            .await
            .unwrap();
    }
}

/// What happens after a scan: a new bucket without Block Public Access, and every key of the
/// home region rotated.
pub async fn later_changes(cfg: &SdkConfig) {
    client!(aws_sdk_s3, cfg, HOME)
        .create_bucket()
        .bucket(LATER_BUCKET)
        .send()
        .await
        .unwrap();
    let kms = client!(aws_sdk_kms, cfg, HOME);
    for k in kms.list_keys().send().await.unwrap().keys() {
        kms.enable_key_rotation()
            .key_id(k.key_id().unwrap())
            .send()
            .await
            .unwrap();
    }
}
