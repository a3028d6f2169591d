//! Scenario accounts built in moto through the AWS SDK: each resource is made to pass or
//! to fail a known set of checks, so tests can assert findings resource by resource.

use aws_config::SdkConfig;
use base64::Engine as _;

/// The regions scenarios use.
pub const HOME: &str = "us-east-1";
/// The second region, deliberately weaker.
pub const OTHER: &str = "eu-west-1";

/// A fake AWS access key id planted in user data (documentation-style keys are ignored by
/// the detectors, so this one is not an EXAMPLE key).
pub const PLANTED_KEY_ID: &str = "AKIA4HKQ2EXMPL7QWNRT";

/// Ids of what [`build_mixed`] made, for assertions.
#[derive(Debug, Default, Clone)]
pub struct Mixed {
    /// The emulated account id.
    pub account: String,
    /// VPC with a flow log.
    pub vpc_logged: String,
    /// Subnet that auto-assigns public IPs.
    pub subnet_public: String,
    /// Subnet that does not.
    pub subnet_private: String,
    /// Security groups by purpose.
    pub sg_ssh_world: String,
    /// RDP open to ::/0.
    pub sg_rdp_world_v6: String,
    /// PostgreSQL open to the world.
    pub sg_db_world: String,
    /// Every port open to the world.
    pub sg_all_world: String,
    /// HTTPS only.
    pub sg_web: String,
    /// SSH from a private range only.
    pub sg_internal_ssh: String,
    /// ACL that allows SSH from the world.
    pub nacl_open: String,
    /// ACL that denies SSH and RDP from the world before allowing the rest.
    pub nacl_locked: String,
    /// Instance built to pass: profile, IMDSv2, private subnet, clean user data.
    pub instance_good: String,
    /// Instance built to fail: no profile, IMDSv1, public subnet, a key in user data.
    pub instance_bad: String,
    /// GuardDuty detector in [`HOME`] (enabled, routed).
    pub detector_home: String,
    /// Suspended detector in [`OTHER`].
    pub detector_other: String,
    /// Multi-region trail built to pass.
    pub trail_good_arn: String,
    /// Single-region trail built to fail.
    pub trail_weak_arn: String,
}

/// Build the mixed account: IAM, network, instances, detection and logging in [`HOME`] and
/// [`OTHER`], half of it right and half wrong.
pub async fn build_mixed(cfg: &SdkConfig) -> Mixed {
    let mut m = Mixed::default();
    iam(cfg, &mut m).await;
    network(cfg, &mut m).await;
    detection(cfg, &mut m).await;
    m
}

const ADMIN_DOC: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const READ_S3_DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#;
const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

async fn iam(cfg: &SdkConfig, m: &mut Mixed) {
    let iam = client!(aws_sdk_iam, cfg, HOME);
    let sts_account = iam
        .create_policy()
        .policy_name("full-admin")
        .policy_document(ADMIN_DOC)
        .send()
        .await
        .expect("create full-admin");
    let admin_arn = sts_account
        .policy()
        .and_then(|p| p.arn())
        .unwrap()
        .to_owned();
    m.account = admin_arn.split(':').nth(4).unwrap().to_owned();
    let read_arn = iam
        .create_policy()
        .policy_name("read-s3")
        .policy_document(READ_S3_DOC)
        .send()
        .await
        .expect("create read-s3")
        .policy()
        .and_then(|p| p.arn())
        .unwrap()
        .to_owned();
    iam.create_group()
        .group_name("admins")
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("admins")
        .policy_arn(&admin_arn)
        .send()
        .await
        .unwrap();
    // Weak password policy: length 8, reuse 5, no symbols.
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .password_reuse_prevention(5)
        .require_numbers(true)
        .require_lowercase_characters(true)
        .send()
        .await
        .unwrap();
    for user in ["alice", "bob", "carol", "dave"] {
        iam.create_user().user_name(user).send().await.unwrap();
    }
    // alice: console password, no MFA, permissions through the admins group only.
    iam.create_login_profile()
        .user_name("alice")
        .password("correct-Horse-battery-9")
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("admins")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    // bob: console password with a virtual MFA device.
    iam.create_login_profile()
        .user_name("bob")
        .password("correct-Horse-battery-9")
        .send()
        .await
        .unwrap();
    let mfa = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("bob-phone")
        .send()
        .await
        .unwrap();
    iam.enable_mfa_device()
        .user_name("bob")
        .serial_number(mfa.virtual_mfa_device().unwrap().serial_number())
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    // carol: two active keys and a policy attached directly.
    for _ in 0..2 {
        iam.create_access_key()
            .user_name("carol")
            .send()
            .await
            .unwrap();
    }
    iam.attach_user_policy()
        .user_name("carol")
        .policy_arn(&read_arn)
        .send()
        .await
        .unwrap();
    // dave: one key.
    iam.create_access_key()
        .user_name("dave")
        .send()
        .await
        .unwrap();
    // A role with an inline `*:*` policy, and one held by an instance profile.
    iam.create_role()
        .role_name("app-role")
        .assume_role_policy_document(EC2_TRUST)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("app-role")
        .policy_name("everything")
        .policy_document(ADMIN_DOC)
        .send()
        .await
        .unwrap();
    iam.create_instance_profile()
        .instance_profile_name("app-profile")
        .send()
        .await
        .unwrap();
    iam.add_role_to_instance_profile()
        .instance_profile_name("app-profile")
        .role_name("app-role")
        .send()
        .await
        .unwrap();
}

pub(crate) fn perm(
    proto: &str,
    from: i32,
    to: i32,
    v4: &[&str],
    v6: &[&str],
) -> aws_sdk_ec2::types::IpPermission {
    let mut p = aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol(proto)
        .from_port(from)
        .to_port(to);
    for c in v4 {
        p = p.ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip(*c).build());
    }
    for c in v6 {
        p = p.ipv6_ranges(
            aws_sdk_ec2::types::Ipv6Range::builder()
                .cidr_ipv6(*c)
                .build(),
        );
    }
    p.build()
}

/// A new internet gateway attached to `vpc`; its id.
pub(crate) async fn internet_gateway(c: &aws_sdk_ec2::Client, vpc: &str) -> String {
    let igw = c
        .create_internet_gateway()
        .send()
        .await
        .unwrap()
        .internet_gateway()
        .unwrap()
        .internet_gateway_id()
        .unwrap()
        .to_owned();
    c.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(vpc)
        .send()
        .await
        .unwrap();
    igw
}

pub(crate) async fn sg(
    client: &aws_sdk_ec2::Client,
    vpc: &str,
    name: &str,
    perms: Vec<aws_sdk_ec2::types::IpPermission>,
) -> String {
    let id = client
        .create_security_group()
        .group_name(name)
        .description(name)
        .vpc_id(vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    if !perms.is_empty() {
        client
            .authorize_security_group_ingress()
            .group_id(&id)
            .set_ip_permissions(Some(perms))
            .send()
            .await
            .unwrap();
    }
    id
}

async fn network(cfg: &SdkConfig, m: &mut Mixed) {
    use aws_sdk_ec2::types::*;
    let c = client!(aws_sdk_ec2, cfg, HOME);
    let vpc = c
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_owned();
    m.vpc_logged = vpc.clone();
    c.create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&vpc)
        .traffic_type(TrafficType::All)
        .log_destination_type(LogDestinationType::CloudWatchLogs)
        .log_group_name("vpc-flow-logs")
        .deliver_logs_permission_arn(format!("arn:aws:iam::{}:role/flow-logs", m.account))
        .send()
        .await
        .unwrap();
    let subnet = |cidr: &'static str| {
        let c = c.clone();
        let vpc = vpc.clone();
        async move {
            c.create_subnet()
                .vpc_id(vpc)
                .cidr_block(cidr)
                .availability_zone("us-east-1a")
                .send()
                .await
                .unwrap()
                .subnet()
                .unwrap()
                .subnet_id()
                .unwrap()
                .to_owned()
        }
    };
    m.subnet_public = subnet("10.0.1.0/24").await;
    m.subnet_private = subnet("10.0.2.0/24").await;
    c.modify_subnet_attribute()
        .subnet_id(&m.subnet_public)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap();
    internet_gateway(&c, &vpc).await;

    m.sg_ssh_world = sg(
        &c,
        &vpc,
        "ssh-world",
        vec![perm("tcp", 22, 22, &["0.0.0.0/0"], &[])],
    )
    .await;
    m.sg_rdp_world_v6 = sg(
        &c,
        &vpc,
        "rdp-world-v6",
        vec![perm("tcp", 3389, 3389, &[], &["::/0"])],
    )
    .await;
    m.sg_db_world = sg(
        &c,
        &vpc,
        "db-world",
        vec![perm("tcp", 5432, 5432, &["0.0.0.0/0"], &[])],
    )
    .await;
    m.sg_all_world = sg(
        &c,
        &vpc,
        "all-world",
        vec![perm("-1", -1, -1, &["0.0.0.0/0"], &[])],
    )
    .await;
    m.sg_web = sg(
        &c,
        &vpc,
        "web",
        vec![perm("tcp", 443, 443, &["0.0.0.0/0"], &["::/0"])],
    )
    .await;
    m.sg_internal_ssh = sg(
        &c,
        &vpc,
        "internal-ssh",
        vec![perm("tcp", 22, 22, &["10.0.0.0/8"], &[])],
    )
    .await;

    // ACLs: one allowing SSH from anywhere, one denying admin ports before allowing all.
    let acl = |c: aws_sdk_ec2::Client, vpc: String| async move {
        c.create_network_acl()
            .vpc_id(vpc)
            .send()
            .await
            .unwrap()
            .network_acl()
            .unwrap()
            .network_acl_id()
            .unwrap()
            .to_owned()
    };
    let entry = |c: aws_sdk_ec2::Client,
                 acl: String,
                 n: i32,
                 proto: &'static str,
                 ports: Option<(i32, i32)>,
                 action: RuleAction| async move {
        let mut e = c
            .create_network_acl_entry()
            .network_acl_id(acl)
            .rule_number(n)
            .protocol(proto)
            .rule_action(action)
            .egress(false)
            .cidr_block("0.0.0.0/0");
        if let Some((from, to)) = ports {
            e = e.port_range(PortRange::builder().from(from).to(to).build());
        }
        e.send().await.unwrap();
    };
    m.nacl_open = acl(c.clone(), vpc.clone()).await;
    entry(
        c.clone(),
        m.nacl_open.clone(),
        100,
        "6",
        Some((22, 22)),
        RuleAction::Allow,
    )
    .await;
    m.nacl_locked = acl(c.clone(), vpc.clone()).await;
    entry(
        c.clone(),
        m.nacl_locked.clone(),
        100,
        "6",
        Some((22, 22)),
        RuleAction::Deny,
    )
    .await;
    entry(
        c.clone(),
        m.nacl_locked.clone(),
        110,
        "6",
        Some((3389, 3389)),
        RuleAction::Deny,
    )
    .await;
    entry(
        c.clone(),
        m.nacl_locked.clone(),
        200,
        "-1",
        None,
        RuleAction::Allow,
    )
    .await;
    // Both ACLs guard a subnet, so neither is "unused".
    let assoc = c
        .describe_network_acls()
        .send()
        .await
        .unwrap()
        .network_acls()
        .iter()
        .flat_map(|a| a.associations())
        .filter_map(|a| {
            let s = a.subnet_id()?;
            (s == m.subnet_public || s == m.subnet_private).then(|| {
                (
                    s.to_owned(),
                    a.network_acl_association_id().unwrap().to_owned(),
                )
            })
        })
        .collect::<Vec<_>>();
    for (subnet, assoc_id) in assoc {
        let acl = if subnet == m.subnet_public {
            &m.nacl_open
        } else {
            &m.nacl_locked
        };
        c.replace_network_acl_association()
            .association_id(assoc_id)
            .network_acl_id(acl)
            .send()
            .await
            .unwrap();
    }

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
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    m.instance_good = c
        .run_instances()
        .image_id(&image)
        .min_count(1)
        .max_count(1)
        .subnet_id(&m.subnet_private)
        .security_group_ids(&m.sg_internal_ssh)
        .iam_instance_profile(
            IamInstanceProfileSpecification::builder()
                .name("app-profile")
                .build(),
        )
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Required)
                .http_endpoint(InstanceMetadataEndpointState::Enabled)
                .build(),
        )
        .user_data(b64(
            "#!/bin/bash\nyum install -y nginx\nsystemctl start nginx\n",
        ))
        .tag_specifications(name_tag(ResourceType::Instance, "good"))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();
    m.instance_bad = c
        .run_instances()
        .image_id(&image)
        .min_count(1)
        .max_count(1)
        .subnet_id(&m.subnet_public)
        .security_group_ids(&m.sg_ssh_world)
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Optional)
                .build(),
        )
        .user_data(b64(&format!(
            "#!/bin/bash\nexport AWS_ACCESS_KEY_ID={PLANTED_KEY_ID}\nexport AWS_SECRET_ACCESS_KEY=q8Zr3Lx9Pw2Kd7Vn5Tb1Hs4Jc6Mf0Ya8Ue2Gi5Ro\n./deploy.sh\n"
        )))
        .tag_specifications(name_tag(ResourceType::Instance, "bad"))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();

    c.enable_ebs_encryption_by_default().send().await.unwrap();
}

fn name_tag(
    rt: aws_sdk_ec2::types::ResourceType,
    name: &str,
) -> aws_sdk_ec2::types::TagSpecification {
    aws_sdk_ec2::types::TagSpecification::builder()
        .resource_type(rt)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key("Name")
                .value(name)
                .build(),
        )
        .build()
}

async fn detection(cfg: &SdkConfig, m: &mut Mixed) {
    use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
    // GuardDuty: enabled and routed at home, suspended in the other region.
    let gd = client!(aws_sdk_guardduty, cfg, HOME);
    m.detector_home = gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id()
        .unwrap()
        .to_owned();
    let events = client!(aws_sdk_eventbridge, cfg, HOME);
    events
        .put_rule()
        .name("guardduty-to-sns")
        .event_pattern(r#"{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}"#)
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule("guardduty-to-sns")
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("sns")
                .arn(format!("arn:aws:sns:{HOME}:{}:security-alerts", m.account))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let gd2 = client!(aws_sdk_guardduty, cfg, OTHER);
    m.detector_other = gd2
        .create_detector()
        .enable(false)
        .send()
        .await
        .unwrap()
        .detector_id()
        .unwrap()
        .to_owned();

    // CloudTrail: a good multi-region trail at home, a weak one in the other region.
    let s3 = client!(aws_sdk_s3, cfg, HOME);
    s3.create_bucket()
        .bucket("org-cloudtrail-logs")
        .send()
        .await
        .unwrap();
    let ct = client!(aws_sdk_cloudtrail, cfg, HOME);
    m.trail_good_arn = ct
        .create_trail()
        .name("org-trail")
        .s3_bucket_name("org-cloudtrail-logs")
        .is_multi_region_trail(true)
        .include_global_service_events(true)
        .enable_log_file_validation(true)
        .kms_key_id(format!(
            "arn:aws:kms:{HOME}:{}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            m.account
        ))
        .cloud_watch_logs_log_group_arn(format!(
            "arn:aws:logs:{HOME}:{}:log-group:cloudtrail:*",
            m.account
        ))
        .cloud_watch_logs_role_arn(format!(
            "arn:aws:iam::{}:role/cloudtrail-to-logs",
            m.account
        ))
        .send()
        .await
        .unwrap()
        .trail_arn()
        .unwrap()
        .to_owned();
    ct.put_event_selectors()
        .trail_name("org-trail")
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    ct.start_logging().name("org-trail").send().await.unwrap();
    let s3b = client!(aws_sdk_s3, cfg, OTHER);
    s3b.create_bucket()
        .bucket("weak-trail-logs")
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let ct2 = client!(aws_sdk_cloudtrail, cfg, OTHER);
    m.trail_weak_arn = ct2
        .create_trail()
        .name("weak-trail")
        .s3_bucket_name("weak-trail-logs")
        .send()
        .await
        .unwrap()
        .trail_arn()
        .unwrap()
        .to_owned();

    // AWS Config recording everything at home; nothing in the other region.
    let cfgsvc = client!(aws_sdk_config, cfg, HOME);
    cfgsvc
        .put_configuration_recorder()
        .configuration_recorder(
            aws_sdk_config::types::ConfigurationRecorder::builder()
                .name("default")
                .role_arn(format!("arn:aws:iam::{}:role/config", m.account))
                .recording_group(
                    aws_sdk_config::types::RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    cfgsvc
        .put_delivery_channel()
        .delivery_channel(
            aws_sdk_config::types::DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name("org-cloudtrail-logs")
                .build(),
        )
        .send()
        .await
        .unwrap();
    cfgsvc
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
}

/// Make the account's password policy meet CIS 2.8 and 2.9 and the character rules.
pub async fn strong_password_policy(cfg: &SdkConfig) {
    client!(aws_sdk_iam, cfg, HOME)
        .update_account_password_policy()
        .minimum_password_length(14)
        .password_reuse_prevention(24)
        .require_numbers(true)
        .require_symbols(true)
        .require_lowercase_characters(true)
        .require_uppercase_characters(true)
        .send()
        .await
        .unwrap();
}

/// An auditor user whose inline policy allows only `allowed` actions; returns its keys.
pub async fn limited_auditor(cfg: &SdkConfig, allowed: &[&str]) -> (String, String) {
    let iam = client!(aws_sdk_iam, cfg, HOME);
    iam.create_user().user_name("auditor").send().await.unwrap();
    let doc = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}]
    });
    iam.put_user_policy()
        .user_name("auditor")
        .policy_name("audit")
        .policy_document(doc.to_string())
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("auditor")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    (
        key.access_key_id().to_owned(),
        key.secret_access_key().to_owned(),
    )
}

/// Create IAM user `user` with one access key (active); returns the key id. For the
/// live-key cross-check of `rampart secrets` (issue 5).
pub async fn user_with_access_key(cfg: &SdkConfig, user: &str) -> String {
    let iam = client!(aws_sdk_iam, cfg, HOME);
    iam.create_user().user_name(user).send().await.unwrap();
    let key = iam
        .create_access_key()
        .user_name(user)
        .send()
        .await
        .unwrap();
    key.access_key().unwrap().access_key_id().to_owned()
}

/// Make access key `key_id` of `user` inactive.
pub async fn deactivate_access_key(cfg: &SdkConfig, user: &str, key_id: &str) {
    client!(aws_sdk_iam, cfg, HOME)
        .update_access_key()
        .user_name(user)
        .access_key_id(key_id)
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .unwrap();
}

/// An instance (moto's default AMI, default VPC) whose user data is `user_data`; returns
/// its id. For secrets planted in EC2 user data.
pub async fn instance_with_user_data(cfg: &SdkConfig, user_data: &str) -> String {
    client!(aws_sdk_ec2, cfg, HOME)
        .run_instances()
        .image_id("ami-12c6146b")
        .min_count(1)
        .max_count(1)
        .user_data(base64::engine::general_purpose::STANDARD.encode(user_data))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned()
}

/// Issue 10's account: `users` IAM users `key-user-0`, `key-user-1`, ... each with one
/// active access key; key ids returned in that order.
pub async fn users_with_access_keys(cfg: &SdkConfig, users: usize) -> Vec<String> {
    let mut keys = Vec::with_capacity(users);
    for i in 0..users {
        keys.push(user_with_access_key(cfg, &format!("key-user-{i}")).await);
    }
    keys
}

/// Record `counts` IMDSv1 requests of `instance_id` in CloudWatch (`AWS/EC2`
/// `MetadataNoToken`, one datapoint per count, an hour ago), as EC2 reports an instance
/// answering metadata requests without a token (issue 14).
pub async fn imdsv1_requests(cfg: &SdkConfig, instance_id: &str, counts: &[f64]) {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let data = counts.iter().map(|n| {
        MetricDatum::builder()
            .metric_name("MetadataNoToken")
            .dimensions(
                Dimension::builder()
                    .name("InstanceId")
                    .value(instance_id)
                    .build(),
            )
            .value(*n)
            .timestamp(an_hour_ago.into())
            .build()
    });
    client!(aws_sdk_cloudwatch, cfg, HOME)
        .put_metric_data()
        .namespace("AWS/EC2")
        .set_metric_data(Some(data.collect()))
        .send()
        .await
        .unwrap();
}

/// A security group without rules in the default VPC of `region`; returns the VPC's id and
/// the group's.
pub async fn empty_security_group(cfg: &SdkConfig, region: &str, name: &str) -> (String, String) {
    let ec2 = client!(aws_sdk_ec2, cfg, region);
    let vpc = ec2
        .describe_vpcs()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("is-default")
                .values("true")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .vpcs()[0]
        .vpc_id()
        .unwrap()
        .to_owned();
    let group = sg(&ec2, &vpc, name, Vec::new()).await;
    // A new group may send anywhere; start from no rule at all, in both directions.
    ec2.revoke_security_group_egress()
        .group_id(&group)
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
    (vpc, group)
}

/// A small PostgreSQL instance `id` in `region`, reachable from the internet.
pub async fn public_db_instance(cfg: &SdkConfig, region: &str, id: &str) {
    client!(aws_sdk_rds, cfg, region)
        .create_db_instance()
        .db_instance_identifier(id)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .master_username("app")
        .master_user_password("not-a-real-password-3")
        .allocated_storage(20)
        .publicly_accessible(true)
        .send()
        .await
        .unwrap();
}
