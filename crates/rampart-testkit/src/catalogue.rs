//! The catalogue scenario: on top of [`crate::scenario::build_mixed`], resources for the
//! wider check catalogue (issue 3) in moto, each built to pass or to fail known checks: S3,
//! RDS, EFS, KMS, the CIS section 5 monitoring chain, Security Hub, Lambda, CloudFormation,
//! ECS, SSM, load balancers, AMIs, launch templates, volumes, VPC endpoints, and a network
//! path that makes one instance reachable from the internet while a private one with the
//! same open group is not.

use crate::scenario::{Mixed, HOME};
use aws_config::SdkConfig;
use base64::Engine as _;

/// A GitHub token planted in Lambda and ECS environments (not a real token).
pub const PLANTED_GITHUB_TOKEN: &str = "ghp_R8kq2ZLx7Wm4Tn9Vb3Hc6Jd1Pf5Ys0Ua2Ge7";
/// A password planted as a CloudFormation parameter without NoEcho.
pub const PLANTED_STACK_PASSWORD: &str = "Qz7xW9vLm2pKt4Rb";
/// The CIS 5.1 metric filter pattern (unauthorized API calls).
pub const UNAUTHORIZED_PATTERN: &str = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#;

/// Ids and names of what [`build_catalogue`] made.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    /// Bucket built to pass the S3 checks.
    pub bucket_good: String,
    /// Bucket built to fail them (public policy and ACL, no block, no versioning).
    pub bucket_bad: String,
    /// RDS instance built to pass.
    pub db_good: String,
    /// RDS instance built to fail (public, unencrypted, no backups).
    pub db_bad: String,
    /// Encrypted EFS file system.
    pub fs_good: String,
    /// Unencrypted EFS file system with a public policy.
    pub fs_bad: String,
    /// KMS key with rotation on.
    pub key_rotated: String,
    /// KMS key without rotation and with a public policy.
    pub key_bad: String,
    /// Lambda function built to pass.
    pub function_good: String,
    /// Lambda function with a secret, a live access key, a public policy, an old runtime.
    pub function_bad: String,
    /// The live access key id planted in the bad function's environment.
    pub leaked_key_id: String,
    /// The user owning the leaked key.
    pub leaky_user: String,
    /// Stack whose password parameter is NoEcho.
    pub stack_good: String,
    /// Stack with a plain password parameter.
    pub stack_bad: String,
    /// Task definition with a token in its environment.
    pub task_bad: String,
    /// Task definition taking its secret from SSM.
    pub task_good: String,
    /// Instance in a private subnet behind the SSH-open group.
    pub instance_private_open: String,
    /// The account's own AMI made public.
    pub ami_public: String,
    /// The account's own AMI kept private.
    pub ami_private: String,
    /// Launch template with a secret in user data.
    pub template_bad: String,
    /// Launch template that requires IMDSv2 and has clean user data.
    pub template_good: String,
    /// Encrypted volume.
    pub volume_good: String,
    /// Unencrypted volume.
    pub volume_bad: String,
    /// Internet-facing ALB with a plain HTTP listener.
    pub lb_http: String,
    /// Internet-facing ALB whose HTTP listener redirects to HTTPS, with access logs.
    pub lb_redirect: String,
}

/// Build the catalogue resources in the account that `m` describes.
pub async fn build_catalogue(cfg: &SdkConfig, m: &Mixed) -> Catalogue {
    let mut k = Catalogue::default();
    storage(cfg, m, &mut k).await;
    monitoring(cfg, m).await;
    workloads(cfg, m, &mut k).await;
    network(cfg, m, &mut k).await;
    k
}

const PUBLIC_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::rampart-bad/*"}]}"#;

fn tls_only(bucket: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{bucket}","arn:aws:s3:::{bucket}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    )
}

async fn storage(cfg: &SdkConfig, m: &Mixed, k: &mut Catalogue) {
    use aws_sdk_s3::types::*;
    let s3 = client!(aws_sdk_s3, cfg, HOME);
    k.bucket_good = "rampart-good".into();
    k.bucket_bad = "rampart-bad".into();
    for b in [
        &k.bucket_good,
        &k.bucket_bad,
        &"rampart-access-logs".to_owned(),
    ] {
        s3.create_bucket().bucket(b.as_str()).send().await.unwrap();
    }
    s3.put_public_access_block()
        .bucket(&k.bucket_good)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_policy()
        .bucket(&k.bucket_good)
        .policy(tls_only(&k.bucket_good))
        .send()
        .await
        .unwrap();
    s3.put_bucket_versioning()
        .bucket(&k.bucket_good)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_policy()
        .bucket(&k.bucket_bad)
        .policy(PUBLIC_READ)
        .send()
        .await
        .unwrap();
    s3.put_bucket_acl()
        .bucket(&k.bucket_bad)
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    // The trail bucket of the mixed account is in this account and logs nowhere.

    let rds = client!(aws_sdk_rds, cfg, HOME);
    k.db_good = "orders-db".into();
    k.db_bad = "legacy-db".into();
    rds.create_db_instance()
        .db_instance_identifier(&k.db_good)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .master_username("app")
        .master_user_password("not-a-real-password-1")
        .allocated_storage(20)
        .storage_encrypted(true)
        .publicly_accessible(false)
        .auto_minor_version_upgrade(true)
        .multi_az(true)
        .backup_retention_period(7)
        .deletion_protection(true)
        .send()
        .await
        .unwrap();
    rds.create_db_instance()
        .db_instance_identifier(&k.db_bad)
        .db_instance_class("db.t3.micro")
        .engine("mysql")
        .master_username("admin")
        .master_user_password("not-a-real-password-2")
        .allocated_storage(20)
        .storage_encrypted(false)
        .publicly_accessible(true)
        .auto_minor_version_upgrade(false)
        .multi_az(false)
        .backup_retention_period(0)
        .deletion_protection(false)
        .vpc_security_group_ids(&m.sg_db_world)
        .send()
        .await
        .unwrap();

    let efs = client!(aws_sdk_efs, cfg, HOME);
    k.fs_good = efs
        .create_file_system()
        .creation_token("encrypted")
        .encrypted(true)
        .send()
        .await
        .unwrap()
        .file_system_id()
        .to_owned();
    k.fs_bad = efs
        .create_file_system()
        .creation_token("plain")
        .encrypted(false)
        .send()
        .await
        .unwrap()
        .file_system_id()
        .to_owned();
    efs.put_file_system_policy()
        .file_system_id(&k.fs_bad)
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"elasticfilesystem:ClientMount","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();

    let kms = client!(aws_sdk_kms, cfg, HOME);
    k.key_rotated = kms
        .create_key()
        .description("rotated")
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    kms.enable_key_rotation()
        .key_id(&k.key_rotated)
        .send()
        .await
        .unwrap();
    let open_policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Admin","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}}]}}"#,
        m.account
    );
    k.key_bad = kms
        .create_key()
        .description("not rotated, open")
        .policy(open_policy)
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
}

async fn monitoring(cfg: &SdkConfig, m: &Mixed) {
    // CIS 5.1 chain on the mixed account's trail log group `cloudtrail` (HOME): filter,
    // alarm, topic with a subscriber. Every other section 5 control has no filter.
    let sns = client!(aws_sdk_sns, cfg, HOME);
    let topic = sns
        .create_topic()
        .name("cis-alarms")
        .send()
        .await
        .unwrap()
        .topic_arn()
        .unwrap()
        .to_owned();
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(format!("arn:aws:sqs:{HOME}:{}:security-inbox", m.account))
        .send()
        .await
        .unwrap();
    let logs = client!(aws_sdk_cloudwatchlogs, cfg, HOME);
    logs.create_log_group()
        .log_group_name("cloudtrail")
        .send()
        .await
        .unwrap();
    logs.put_metric_filter()
        .log_group_name("cloudtrail")
        .filter_name("unauthorized-api-calls")
        .filter_pattern(UNAUTHORIZED_PATTERN)
        .metric_transformations(
            aws_sdk_cloudwatchlogs::types::MetricTransformation::builder()
                .metric_name("UnauthorizedAPICalls")
                .metric_namespace("CISBenchmark")
                .metric_value("1")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let cw = client!(aws_sdk_cloudwatch, cfg, HOME);
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
    cw.put_metric_alarm()
        .alarm_name("unauthorized-api-calls")
        .metric_name("UnauthorizedAPICalls")
        .namespace("CISBenchmark")
        .statistic(Statistic::Sum)
        .period(300)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .alarm_actions(&topic)
        .send()
        .await
        .unwrap();
    // Billing alarm in us-east-1.
    cw.put_metric_alarm()
        .alarm_name("billing-over-1000")
        .metric_name("EstimatedCharges")
        .namespace("AWS/Billing")
        .dimensions(Dimension::builder().name("Currency").value("USD").build())
        .statistic(Statistic::Maximum)
        .period(21600)
        .evaluation_periods(1)
        .threshold(1000.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .alarm_actions(&topic)
        .send()
        .await
        .unwrap();
    // Macie at home only; a security contact; an organization with one guardrail SCP,
    // managed from this account.
    client!(aws_sdk_macie2, cfg, HOME)
        .enable_macie()
        .send()
        .await
        .unwrap();
    client!(aws_sdk_account, cfg, HOME)
        .put_alternate_contact()
        .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Security)
        .email_address("security@example.com")
        .name("Security team")
        .phone_number("+1-555-0100")
        .title("CISO")
        .send()
        .await
        .unwrap();
    let orgs = client!(aws_sdk_organizations, cfg, HOME);
    orgs.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    orgs.create_policy()
        .name("deny-leaving-the-organization")
        .description("guardrail")
        .r#type(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
        .content(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    // Security Hub at home only.
    client!(aws_sdk_securityhub, cfg, HOME)
        .enable_security_hub()
        .send()
        .await
        .unwrap();
}

/// An empty zip archive: a function's code, which moto stores without running.
pub(crate) const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// A role Lambda may assume, named `name`; returns its ARN.
pub(crate) async fn lambda_role(iam: &aws_sdk_iam::Client, name: &str) -> String {
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_owned()
}

async fn workloads(cfg: &SdkConfig, m: &Mixed, k: &mut Catalogue) {
    let iam = client!(aws_sdk_iam, cfg, HOME);
    let role = lambda_role(&iam, "lambda-exec").await;
    // A TLS certificate kept in IAM (moto reports every one as expired in 2012).
    iam.upload_server_certificate()
        .server_certificate_name("legacy-tls")
        .certificate_body("-----BEGIN CERTIFICATE-----\nMIIBfixture\n-----END CERTIFICATE-----")
        .private_key("not-a-key")
        .send()
        .await
        .unwrap();
    k.leaky_user = "ci-deployer".into();
    k.leaked_key_id = crate::scenario::user_with_access_key(cfg, &k.leaky_user).await;

    use aws_sdk_lambda::primitives::Blob;
    use aws_sdk_lambda::types::{Environment, FunctionCode, Runtime};
    let lambda = client!(aws_sdk_lambda, cfg, HOME);
    let code = || {
        FunctionCode::builder()
            .zip_file(Blob::new(EMPTY_ZIP.to_vec()))
            .build()
    };
    k.function_good = "orders-api".into();
    lambda
        .create_function()
        .function_name(&k.function_good)
        .runtime(Runtime::Python312)
        .role(&role)
        .handler("app.handler")
        .code(code())
        .environment(
            Environment::builder()
                .variables("TABLE_NAME", "orders")
                .variables("LOG_LEVEL", "info")
                .build(),
        )
        .send()
        .await
        .unwrap();
    k.function_bad = "legacy-sync".into();
    lambda
        .create_function()
        .function_name(&k.function_bad)
        .runtime(Runtime::Python38)
        .role(&role)
        .handler("app.handler")
        .code(code())
        .environment(
            Environment::builder()
                .variables("GITHUB_TOKEN", PLANTED_GITHUB_TOKEN)
                .variables("AWS_ACCESS_KEY_ID", &k.leaked_key_id)
                .build(),
        )
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name(&k.function_bad)
        .statement_id("public-invoke")
        .action("lambda:InvokeFunction")
        .principal("*")
        .send()
        .await
        .unwrap();

    let cfn = client!(aws_sdk_cloudformation, cfg, HOME);
    let template = |no_echo: bool| {
        format!(
            r#"{{"AWSTemplateFormatVersion":"2010-09-09","Parameters":{{"DbPassword":{{"Type":"String","NoEcho":{no_echo}}}}},"Resources":{{"Topic":{{"Type":"AWS::SNS::Topic"}}}},"Outputs":{{"TopicArn":{{"Value":{{"Ref":"Topic"}}}}}}}}"#
        )
    };
    use aws_sdk_cloudformation::types::Parameter;
    for (name, no_echo) in [("orders-stack", true), ("legacy-stack", false)] {
        let id = cfn
            .create_stack()
            .stack_name(name)
            .template_body(template(no_echo))
            .parameters(
                Parameter::builder()
                    .parameter_key("DbPassword")
                    .parameter_value(PLANTED_STACK_PASSWORD)
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .stack_id()
            .unwrap()
            .to_owned();
        if no_echo {
            k.stack_good = id;
        } else {
            k.stack_bad = id;
        }
    }

    use aws_sdk_ecs::types::{ContainerDefinition, KeyValuePair, Secret};
    let ecs = client!(aws_sdk_ecs, cfg, HOME);
    k.task_bad = ecs
        .register_task_definition()
        .family("legacy-worker")
        .container_definitions(
            ContainerDefinition::builder()
                .name("worker")
                .image("worker:1")
                .memory(256)
                .environment(
                    KeyValuePair::builder()
                        .name("GITHUB_TOKEN")
                        .value(PLANTED_GITHUB_TOKEN)
                        .build(),
                )
                .environment(
                    KeyValuePair::builder()
                        .name("DB_PASSWORD")
                        .value("from-the-wiki")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap()
        .task_definition()
        .unwrap()
        .task_definition_arn()
        .unwrap()
        .to_owned();
    k.task_good = ecs
        .register_task_definition()
        .family("orders-worker")
        .container_definitions(
            ContainerDefinition::builder()
                .name("worker")
                .image("worker:2")
                .memory(256)
                .environment(
                    KeyValuePair::builder()
                        .name("QUEUE")
                        .value("orders")
                        .build(),
                )
                .secrets(
                    Secret::builder()
                        .name("DB_PASSWORD")
                        .value_from(format!(
                            "arn:aws:ssm:{HOME}:{}:parameter/orders/db_password",
                            m.account
                        ))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap()
        .task_definition()
        .unwrap()
        .task_definition_arn()
        .unwrap()
        .to_owned();

    let ssm = client!(aws_sdk_ssm, cfg, HOME);
    use aws_sdk_ssm::types::ParameterType;
    for (name, kind) in [
        ("/orders/db_password", ParameterType::SecureString),
        ("/legacy/db_password", ParameterType::String),
        ("/orders/table_name", ParameterType::String),
    ] {
        ssm.put_parameter()
            .name(name)
            .value("value-set-by-the-test")
            .r#type(kind)
            .send()
            .await
            .unwrap();
    }
}

async fn network(cfg: &SdkConfig, m: &Mixed, k: &mut Catalogue) {
    use aws_sdk_ec2::types::*;
    let c = client!(aws_sdk_ec2, cfg, HOME);
    // Make the public subnet really public: a route to the VPC's internet gateway, and
    // return traffic allowed out through its ACL (ACLs are stateless).
    let igw = c
        .describe_internet_gateways()
        .send()
        .await
        .unwrap()
        .internet_gateways()
        .iter()
        .find(|g| {
            g.attachments()
                .iter()
                .any(|a| a.vpc_id() == Some(m.vpc_logged.as_str()))
        })
        .and_then(|g| g.internet_gateway_id())
        .unwrap()
        .to_owned();
    let rt = c
        .create_route_table()
        .vpc_id(&m.vpc_logged)
        .send()
        .await
        .unwrap()
        .route_table()
        .unwrap()
        .route_table_id()
        .unwrap()
        .to_owned();
    c.create_route()
        .route_table_id(&rt)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    c.associate_route_table()
        .route_table_id(&rt)
        .subnet_id(&m.subnet_public)
        .send()
        .await
        .unwrap();
    c.create_network_acl_entry()
        .network_acl_id(&m.nacl_open)
        .rule_number(100)
        .protocol("-1")
        .rule_action(RuleAction::Allow)
        .egress(true)
        .cidr_block("0.0.0.0/0")
        .send()
        .await
        .unwrap();

    let image = c
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .unwrap()
        .images()
        .first()
        .and_then(|i| i.image_id())
        .unwrap()
        .to_owned();
    k.instance_private_open = c
        .run_instances()
        .image_id(&image)
        .min_count(1)
        .max_count(1)
        .subnet_id(&m.subnet_private)
        .security_group_ids(&m.sg_ssh_world)
        .send()
        .await
        .unwrap()
        .instances()
        .first()
        .and_then(|i| i.instance_id())
        .unwrap()
        .to_owned();

    // The account's own AMIs: one public, one private.
    for public in [true, false] {
        let id = c
            .create_image()
            .instance_id(&m.instance_good)
            .name(if public { "golden-public" } else { "golden" })
            .send()
            .await
            .unwrap()
            .image_id()
            .unwrap()
            .to_owned();
        if public {
            c.modify_image_attribute()
                .image_id(&id)
                .launch_permission(
                    LaunchPermissionModifications::builder()
                        .add(
                            LaunchPermission::builder()
                                .group(PermissionGroup::All)
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap();
            k.ami_public = id;
        } else {
            k.ami_private = id;
        }
    }

    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    k.template_bad = c
        .create_launch_template()
        .launch_template_name("legacy-template")
        .launch_template_data(
            RequestLaunchTemplateData::builder()
                .image_id(&image)
                .user_data(b64(&format!(
                    "#!/bin/bash\nexport GITHUB_TOKEN={PLANTED_GITHUB_TOKEN}\n./run.sh\n"
                )))
                .build(),
        )
        .send()
        .await
        .unwrap()
        .launch_template()
        .unwrap()
        .launch_template_id()
        .unwrap()
        .to_owned();
    k.template_good = c
        .create_launch_template()
        .launch_template_name("orders-template")
        .launch_template_data(
            RequestLaunchTemplateData::builder()
                .image_id(&image)
                .user_data(b64("#!/bin/bash\n./run.sh\n"))
                .metadata_options(
                    LaunchTemplateInstanceMetadataOptionsRequest::builder()
                        .http_tokens(LaunchTemplateHttpTokensState::Required)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap()
        .launch_template()
        .unwrap()
        .launch_template_id()
        .unwrap()
        .to_owned();

    for encrypted in [true, false] {
        let id = c
            .create_volume()
            .availability_zone("us-east-1a")
            .size(8)
            .encrypted(encrypted)
            .send()
            .await
            .unwrap()
            .volume_id()
            .unwrap()
            .to_owned();
        if encrypted {
            k.volume_good = id;
        } else {
            k.volume_bad = id;
        }
    }
    c.create_vpc_endpoint()
        .vpc_id(&m.vpc_logged)
        .service_name(format!("com.amazonaws.{HOME}.s3"))
        .vpc_endpoint_type(VpcEndpointType::Gateway)
        .route_table_ids(&rt)
        .send()
        .await
        .unwrap();

    // Load balancers in the public subnet and a second one in another zone.
    let second = c
        .create_subnet()
        .vpc_id(&m.vpc_logged)
        .cidr_block("10.0.3.0/24")
        .availability_zone("us-east-1b")
        .send()
        .await
        .unwrap()
        .subnet()
        .unwrap()
        .subnet_id()
        .unwrap()
        .to_owned();
    use aws_sdk_elasticloadbalancingv2::types::*;
    let elb = client!(aws_sdk_elasticloadbalancingv2, cfg, HOME);
    for redirect in [false, true] {
        let lb = elb
            .create_load_balancer()
            .name(if redirect { "web-redirect" } else { "web-http" })
            .subnets(&m.subnet_public)
            .subnets(&second)
            .security_groups(&m.sg_web)
            .scheme(LoadBalancerSchemeEnum::InternetFacing)
            .r#type(LoadBalancerTypeEnum::Application)
            .tags(
                aws_sdk_elasticloadbalancingv2::types::Tag::builder()
                    .key("team")
                    .value(if redirect { "edge" } else { "legacy" })
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .load_balancers()
            .first()
            .and_then(|l| l.load_balancer_arn())
            .unwrap()
            .to_owned();
        let action = if redirect {
            Action::builder()
                .r#type(ActionTypeEnum::Redirect)
                .redirect_config(
                    RedirectActionConfig::builder()
                        .protocol("HTTPS")
                        .port("443")
                        .status_code(RedirectActionStatusCodeEnum::Http301)
                        .build(),
                )
                .build()
        } else {
            Action::builder()
                .r#type(ActionTypeEnum::FixedResponse)
                .fixed_response_config(
                    FixedResponseActionConfig::builder()
                        .status_code("200")
                        .build(),
                )
                .build()
        };
        elb.create_listener()
            .load_balancer_arn(&lb)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(action)
            .send()
            .await
            .unwrap();
        if redirect {
            elb.modify_load_balancer_attributes()
                .load_balancer_arn(&lb)
                .attributes(
                    LoadBalancerAttribute::builder()
                        .key("access_logs.s3.enabled")
                        .value("true")
                        .build(),
                )
                .attributes(
                    LoadBalancerAttribute::builder()
                        .key("access_logs.s3.bucket")
                        .value("rampart-access-logs")
                        .build(),
                )
                .attributes(
                    LoadBalancerAttribute::builder()
                        .key("routing.http.drop_invalid_header_fields.enabled")
                        .value("true")
                        .build(),
                )
                .send()
                .await
                .unwrap();
            k.lb_redirect = lb;
        } else {
            k.lb_http = lb;
        }
    }
}
