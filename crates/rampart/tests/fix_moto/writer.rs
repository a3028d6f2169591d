//! `rampart_collect::apply::Writer` against moto (issue 14): the write calls of `rampart
//! fix`, with the member names the fixers emit, made through the SDK with a named profile;
//! each answered, its response members read, and the undo calls made after it. Access
//! Analyzer, which moto does not model, is covered by the writer's unit tests only.

use rampart_collect::apply::{WriteError, Writer};
use rampart_testkit::scenario::{self, HOME, OTHER};
use rampart_testkit::Moto;
use serde_json::{json, Value};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The shared credentials file of this test process: set once, before any writer exists,
/// with no AWS variable of the machine left; each writer adds its own profile to it.
fn credentials_file() -> &'static Mutex<PathBuf> {
    static FILE: OnceLock<Mutex<PathBuf>> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rampart-apply-moto-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("credentials");
        std::fs::write(&path, "").unwrap();
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") {
                std::env::remove_var(k);
            }
        }
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &path);
        std::env::set_var("AWS_CONFIG_FILE", dir.join("config"));
        std::env::set_var("AWS_REGION", HOME);
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        Mutex::new(path)
    })
}

/// A writer on `moto` through a profile of its own (as `--fix-profile` names one).
async fn writer(moto: &Moto, (key, secret): (&str, &str)) -> Writer {
    let profile = {
        let path = credentials_file().lock().unwrap();
        let name = format!("fix-{}-{key}", moto.endpoint().rsplit(':').next().unwrap());
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&*path)
            .unwrap();
        writeln!(
            f,
            "[{name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}"
        )
        .unwrap();
        name
    };
    Writer::connect(Some(profile), Some(moto.endpoint()))
        .await
        .expect("the writer identifies its caller")
}

/// Makes calls and keeps their responses.
struct Calls<'a> {
    w: &'a Writer,
}

impl Calls<'_> {
    /// The response to a call that must succeed.
    async fn ok(&self, region: &str, service: &str, operation: &str, params: Value) -> Value {
        self.w
            .call(region, service, operation, &params)
            .await
            .unwrap_or_else(|e| panic!("{service}:{operation} {params}: {e}"))
    }

    /// The error of a call that must fail.
    async fn err(&self, region: &str, service: &str, operation: &str, params: Value) -> WriteError {
        match self.w.call(region, service, operation, &params).await {
            Ok(v) => panic!("{service}:{operation} {params} answered {v}"),
            Err(e) => e,
        }
    }
}

/// The string at `pointer` of a response.
fn at<'v>(v: &'v Value, pointer: &str) -> &'v str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {v}"))
}

// Issue 14: the writer names the caller of its profile, and makes the EC2, VPC flow log and
// IAM calls of the fixers (and their undo calls) with the members the fixers emit.
#[test]
fn network_and_iam_calls_are_made_and_undone() {
    let moto = Moto::start();
    block_on(async {
        let cfg = moto.sdk_config().await;
        let (vpc, group) = scenario::empty_security_group(&cfg, HOME, "apply-test").await;
        let instance = scenario::instance_with_user_data(&cfg, "#!/bin/sh\n").await;
        let key = scenario::user_with_access_key(&cfg, "old-key-user").await;
        let w = writer(&moto, ("testing", "testing")).await;
        assert_eq!(w.account_id(), "123456789012");
        assert_eq!(w.partition(), "aws");
        assert!(w.caller_arn().starts_with("arn:aws:"), "{}", w.caller_arn());
        let c = Calls { w: &w };

        let on = c
            .ok(HOME, "ec2", "EnableEbsEncryptionByDefault", json!({}))
            .await;
        assert_eq!(on, json!({"EbsEncryptionByDefault": true}));
        let off = c
            .ok(HOME, "ec2", "DisableEbsEncryptionByDefault", json!({}))
            .await;
        assert_eq!(off, json!({"EbsEncryptionByDefault": false}));

        // The flow log chain of `vpc_flow_logs_enabled`, then its undo.
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let role = c
            .ok(
                "global",
                "iam",
                "CreateRole",
                json!({"RoleName": "rampart-vpc-flow-logs", "AssumeRolePolicyDocument": trust}),
            )
            .await;
        assert_eq!(at(&role, "/Role/RoleName"), "rampart-vpc-flow-logs");
        let role_arn = at(&role, "/Role/Arn").to_owned();
        assert!(
            role_arn.ends_with(":role/rampart-vpc-flow-logs"),
            "{role_arn}"
        );
        let perms = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
        c.ok("global", "iam", "PutRolePolicy", json!({"RoleName": "rampart-vpc-flow-logs", "PolicyName": "deliver-flow-logs", "PolicyDocument": perms})).await;
        let group_name = format!("/rampart/vpc-flow-logs/{vpc}");
        c.ok(
            HOME,
            "logs",
            "CreateLogGroup",
            json!({"logGroupName": group_name}),
        )
        .await;
        c.ok(
            HOME,
            "logs",
            "PutRetentionPolicy",
            json!({"logGroupName": group_name, "retentionInDays": 365}),
        )
        .await;
        let flow = c
            .ok(
                HOME,
                "ec2",
                "CreateFlowLogs",
                json!({
                    "ResourceIds": [vpc], "ResourceType": "VPC", "TrafficType": "ALL",
                    "LogDestinationType": "cloud-watch-logs", "LogGroupName": group_name,
                    "DeliverLogsPermissionArn": role_arn,
                }),
            )
            .await;
        let ids = flow["FlowLogIds"].as_array().expect("flow log ids");
        assert_eq!(ids.len(), 1, "{flow}");
        c.ok(HOME, "ec2", "DeleteFlowLogs", json!({"FlowLogIds": ids}))
            .await;
        c.ok(
            HOME,
            "logs",
            "DeleteRetentionPolicy",
            json!({"logGroupName": group_name}),
        )
        .await;
        c.ok(
            HOME,
            "logs",
            "DeleteLogGroup",
            json!({"logGroupName": group_name}),
        )
        .await;
        c.ok(
            "global",
            "iam",
            "DeleteRolePolicy",
            json!({"RoleName": "rampart-vpc-flow-logs", "PolicyName": "deliver-flow-logs"}),
        )
        .await;
        c.ok(
            "global",
            "iam",
            "DeleteRole",
            json!({"RoleName": "rampart-vpc-flow-logs"}),
        )
        .await;
        let gone = c
            .err(
                "global",
                "iam",
                "DeleteRole",
                json!({"RoleName": "rampart-vpc-flow-logs"}),
            )
            .await;
        assert_eq!(gone.code, "NoSuchEntity", "{gone}");
        assert!(!gone.denied && !gone.invalid_params);

        // Security group rules, as the revoking fixers and their undo name them.
        let ssh = json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh from anywhere"}],
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]);
        let added = c
            .ok(
                HOME,
                "ec2",
                "AuthorizeSecurityGroupIngress",
                json!({"GroupId": group, "IpPermissions": ssh}),
            )
            .await;
        assert!(
            !added["SecurityGroupRules"].as_array().unwrap().is_empty(),
            "{added}"
        );
        c.ok(
            HOME,
            "ec2",
            "RevokeSecurityGroupIngress",
            json!({"GroupId": group, "IpPermissions": ssh}),
        )
        .await;
        let again = c
            .err(
                HOME,
                "ec2",
                "RevokeSecurityGroupIngress",
                json!({"GroupId": group, "IpPermissions": ssh}),
            )
            .await;
        assert!(
            !again.invalid_params,
            "a rule no longer there is AWS's answer: {again}"
        );
        let out = json!([{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group, "Description": "itself"}]}]);
        c.ok(
            HOME,
            "ec2",
            "AuthorizeSecurityGroupEgress",
            json!({"GroupId": group, "IpPermissions": out}),
        )
        .await;
        c.ok(
            HOME,
            "ec2",
            "RevokeSecurityGroupEgress",
            json!({"GroupId": group, "IpPermissions": out}),
        )
        .await;

        let imds = c
            .ok(HOME, "ec2", "ModifyInstanceMetadataOptions", json!({"InstanceId": instance, "HttpTokens": "required", "HttpEndpoint": "enabled"}))
            .await;
        assert_eq!(at(&imds, "/InstanceId"), instance);
        assert_eq!(at(&imds, "/InstanceMetadataOptions/HttpTokens"), "required");

        c.ok("global", "iam", "UpdateAccountPasswordPolicy", json!({
            "MinimumPasswordLength": 14, "RequireSymbols": true, "RequireNumbers": true,
            "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
            "AllowUsersToChangePassword": true, "PasswordReusePrevention": 24, "MaxPasswordAge": 90,
        }))
        .await;
        c.ok("global", "iam", "DeleteAccountPasswordPolicy", json!({}))
            .await;
        let linked = c
            .ok(
                "global",
                "iam",
                "CreateServiceLinkedRole",
                json!({"AWSServiceName": "config.amazonaws.com"}),
            )
            .await;
        assert!(
            at(&linked, "/Role/Arn").contains(":role/aws-service-role/config.amazonaws.com/"),
            "{linked}"
        );
        c.ok(
            "global",
            "iam",
            "UpdateAccessKey",
            json!({"UserName": "old-key-user", "AccessKeyId": key, "Status": "Inactive"}),
        )
        .await;
    });
}

// Issue 14: the detection and monitoring calls (GuardDuty, the SNS route, EventBridge,
// KMS, metric filters and alarms, Security Hub) with their created ids, then their undo.
#[test]
fn detection_and_monitoring_calls_return_what_undo_needs() {
    let moto = Moto::start();
    block_on(async {
        let w = writer(&moto, ("testing", "testing")).await;
        let c = Calls { w: &w };
        let r = OTHER;

        let detector = c
            .ok(
                r,
                "guardduty",
                "CreateDetector",
                json!({"enable": true, "findingPublishingFrequency": "FIFTEEN_MINUTES"}),
            )
            .await;
        let id = at(&detector, "/DetectorId").to_owned();
        c.ok(
            r,
            "guardduty",
            "UpdateDetector",
            json!({"detectorId": id, "enable": false}),
        )
        .await;
        c.ok(r, "guardduty", "DeleteDetector", json!({"detectorId": id}))
            .await;

        let topic = c
            .ok(
                r,
                "sns",
                "CreateTopic",
                json!({"Name": "rampart-guardduty-findings"}),
            )
            .await;
        let topic_arn = at(&topic, "/TopicArn").to_owned();
        assert!(
            topic_arn.ends_with(":rampart-guardduty-findings"),
            "{topic_arn}"
        );
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic_arn}]});
        c.ok(r, "sns", "SetTopicAttributes", json!({"TopicArn": topic_arn, "AttributeName": "Policy", "AttributeValue": policy.to_string()})).await;
        let sub = c
            .ok(r, "sns", "Subscribe", json!({"TopicArn": topic_arn, "Protocol": "email", "Endpoint": "security@example.com", "ReturnSubscriptionArn": true}))
            .await;
        let sub_arn = at(&sub, "/SubscriptionArn").to_owned();
        assert!(sub_arn.starts_with(&topic_arn), "{sub_arn}");

        let pattern = r#"{"detail-type":["GuardDuty Finding"],"source":["aws.guardduty"]}"#;
        let rule = c
            .ok(r, "events", "PutRule", json!({"Name": "rampart-guardduty-findings", "EventPattern": pattern, "State": "ENABLED"}))
            .await;
        assert!(
            at(&rule, "/RuleArn").ends_with(":rule/rampart-guardduty-findings"),
            "{rule}"
        );
        c.ok(r, "events", "PutTargets", json!({"Rule": "rampart-guardduty-findings", "Targets": [{"Id": "sns", "Arn": topic_arn}]})).await;
        c.ok(
            r,
            "events",
            "RemoveTargets",
            json!({"Rule": "rampart-guardduty-findings", "Ids": ["sns"]}),
        )
        .await;
        c.ok(
            r,
            "events",
            "DeleteRule",
            json!({"Name": "rampart-guardduty-findings"}),
        )
        .await;
        c.ok(r, "sns", "Unsubscribe", json!({"SubscriptionArn": sub_arn}))
            .await;
        c.ok(r, "sns", "DeleteTopic", json!({"TopicArn": topic_arn}))
            .await;

        let key = c
            .ok(
                r,
                "kms",
                "CreateKey",
                json!({"Description": "rampart trail key"}),
            )
            .await;
        let key_id = at(&key, "/KeyMetadata/KeyId").to_owned();
        assert!(
            at(&key, "/KeyMetadata/Arn").ends_with(&format!(":key/{key_id}")),
            "{key}"
        );
        c.ok(r, "kms", "EnableKeyRotation", json!({"KeyId": key_id}))
            .await;
        c.ok(r, "kms", "DisableKeyRotation", json!({"KeyId": key_id}))
            .await;
        c.ok(
            r,
            "kms",
            "CreateAlias",
            json!({"AliasName": "alias/rampart-trail", "TargetKeyId": key_id}),
        )
        .await;
        c.ok(
            r,
            "kms",
            "DeleteAlias",
            json!({"AliasName": "alias/rampart-trail"}),
        )
        .await;
        let deletion = c
            .ok(
                r,
                "kms",
                "ScheduleKeyDeletion",
                json!({"KeyId": key_id, "PendingWindowInDays": 7}),
            )
            .await;
        // moto answers the key id only (AWS adds KeyState and PendingWindowInDays).
        assert_eq!(at(&deletion, "/KeyId"), key_id);

        c.ok(
            r,
            "logs",
            "CreateLogGroup",
            json!({"logGroupName": "trail-logs"}),
        )
        .await;
        c.ok(r, "logs", "PutMetricFilter", json!({
            "logGroupName": "trail-logs", "filterName": "rampart-root-usage",
            "filterPattern": r#"{ $.userIdentity.type = "Root" }"#,
            "metricTransformations": [{"metricName": "rampart-root-usage", "metricNamespace": "CISBenchmark", "metricValue": "1"}],
        }))
        .await;
        c.ok(r, "cloudwatch", "PutMetricAlarm", json!({
            "AlarmName": "rampart-root-usage", "MetricName": "rampart-root-usage",
            "Namespace": "CISBenchmark", "Statistic": "Sum", "Period": 300, "EvaluationPeriods": 1,
            "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching", "AlarmActions": ["arn:aws:sns:eu-west-1:123456789012:alerts"],
            "Dimensions": [{"Name": "Currency", "Value": "USD"}],
        }))
        .await;
        c.ok(
            r,
            "cloudwatch",
            "DeleteAlarms",
            json!({"AlarmNames": ["rampart-root-usage"]}),
        )
        .await;
        c.ok(
            r,
            "logs",
            "DeleteMetricFilter",
            json!({"logGroupName": "trail-logs", "filterName": "rampart-root-usage"}),
        )
        .await;

        c.ok(
            r,
            "securityhub",
            "EnableSecurityHub",
            json!({"EnableDefaultStandards": true, "ControlFindingGenerator": "SECURITY_CONTROL"}),
        )
        .await;
        c.ok(r, "securityhub", "DisableSecurityHub", json!({}))
            .await;
    });
}

// Issue 14: the storage and account calls (S3 and S3 Control on moto's path-style endpoint,
// CloudTrail, Config, Budgets, RDS), then their undo.
#[test]
fn storage_trail_config_and_budget_calls_are_made_and_undone() {
    let moto = Moto::start();
    block_on(async {
        let cfg = moto.sdk_config().await;
        scenario::public_db_instance(&cfg, OTHER, "reports-db").await;
        let w = writer(&moto, ("testing", "testing")).await;
        let c = Calls { w: &w };
        let r = OTHER;
        let account = w.account_id().to_owned();
        let bucket = "rampart-trail-123456789012";

        let made = c
            .ok(
                r,
                "s3",
                "CreateBucket",
                json!({"Bucket": bucket, "CreateBucketConfiguration": {"LocationConstraint": r}}),
            )
            .await;
        assert!(at(&made, "/Location").contains(bucket), "{made}");
        let block = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true});
        c.ok(
            r,
            "s3",
            "PutPublicAccessBlock",
            json!({"Bucket": bucket, "PublicAccessBlockConfiguration": block}),
        )
        .await;
        c.ok(
            r,
            "s3",
            "DeletePublicAccessBlock",
            json!({"Bucket": bucket}),
        )
        .await;
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "CloudTrailWrites",
            "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*")}]});
        c.ok(
            r,
            "s3",
            "PutBucketPolicy",
            json!({"Bucket": bucket, "Policy": policy.to_string()}),
        )
        .await;

        let trail = c
            .ok(r, "cloudtrail", "CreateTrail", json!({"Name": "rampart", "S3BucketName": bucket, "IsMultiRegionTrail": true, "EnableLogFileValidation": true}))
            .await;
        assert_eq!(at(&trail, "/Name"), "rampart");
        assert!(
            at(&trail, "/TrailARN").ends_with(":trail/rampart"),
            "{trail}"
        );
        c.ok(
            r,
            "cloudtrail",
            "UpdateTrail",
            json!({"Name": "rampart", "IncludeGlobalServiceEvents": true}),
        )
        .await;
        c.ok(r, "cloudtrail", "StartLogging", json!({"Name": "rampart"}))
            .await;
        c.ok(r, "cloudtrail", "StopLogging", json!({"Name": "rampart"}))
            .await;
        c.ok(r, "cloudtrail", "DeleteTrail", json!({"Name": "rampart"}))
            .await;

        c.ok(r, "config", "PutConfigurationRecorder", json!({"ConfigurationRecorder": {
            "name": "default", "roleARN": format!("arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
            "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": true}}}))
        .await;
        c.ok(
            r,
            "config",
            "PutDeliveryChannel",
            json!({"DeliveryChannel": {
            "name": "default", "s3BucketName": bucket,
            "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"}}}),
        )
        .await;
        c.ok(
            r,
            "config",
            "StartConfigurationRecorder",
            json!({"ConfigurationRecorderName": "default"}),
        )
        .await;
        c.ok(
            r,
            "config",
            "StopConfigurationRecorder",
            json!({"ConfigurationRecorderName": "default"}),
        )
        .await;
        c.ok(
            r,
            "config",
            "DeleteDeliveryChannel",
            json!({"DeliveryChannelName": "default"}),
        )
        .await;
        c.ok(
            r,
            "config",
            "DeleteConfigurationRecorder",
            json!({"ConfigurationRecorderName": "default"}),
        )
        .await;

        c.ok(r, "s3", "DeleteBucketPolicy", json!({"Bucket": bucket}))
            .await;
        c.ok(r, "s3", "DeleteBucket", json!({"Bucket": bucket}))
            .await;

        // Account-wide: S3 Control and Budgets on the partition's global region.
        c.ok(
            "global",
            "s3control",
            "PutPublicAccessBlock",
            json!({"AccountId": account, "PublicAccessBlockConfiguration": block}),
        )
        .await;
        c.ok(
            "global",
            "s3control",
            "DeletePublicAccessBlock",
            json!({"AccountId": account}),
        )
        .await;
        c.ok("global", "budgets", "CreateBudget", json!({
            "AccountId": account,
            "Budget": {"BudgetName": "rampart-monthly", "BudgetLimit": {"Amount": "100", "Unit": "USD"},
                       "TimeUnit": "MONTHLY", "BudgetType": "COST"},
            "NotificationsWithSubscribers": [{
                "Notification": {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN",
                                 "Threshold": 80, "ThresholdType": "PERCENTAGE"},
                "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "billing@example.com"}]}],
        }))
        .await;
        c.ok(
            "global",
            "budgets",
            "DeleteBudget",
            json!({"AccountId": account, "BudgetName": "rampart-monthly"}),
        )
        .await;

        let db = c
            .ok(r, "rds", "ModifyDBInstance", json!({"DBInstanceIdentifier": "reports-db", "PubliclyAccessible": false, "ApplyImmediately": true}))
            .await;
        assert_eq!(at(&db, "/DBInstance/DBInstanceIdentifier"), "reports-db");
    });
}

// Issue 14: a write the profile is not allowed is an error that says so (`denied`), with
// AWS's code; nothing is retried into a success.
#[test]
fn a_denied_write_is_reported_as_denied() {
    let moto = Moto::start();
    block_on(async {
        let cfg = moto.sdk_config().await;
        let (key, secret) =
            scenario::limited_auditor(&cfg, &["sts:GetCallerIdentity", "ec2:Describe*"]).await;
        moto.enforce_iam();
        let w = writer(&moto, (&key, &secret)).await;
        let c = Calls { w: &w };
        let e = c
            .err(HOME, "ec2", "EnableEbsEncryptionByDefault", json!({}))
            .await;
        assert!(e.denied, "{e}");
        assert!(!e.invalid_params);
        assert!(e.to_string().starts_with(&format!("{}: ", e.code)), "{e}");
    });
}
