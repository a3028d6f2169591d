//! One mapping per (service, operation): the params read by the API reference's member
//! names into the SDK's fluent call, and the response members a later call or an undo
//! needs. Service names are those of a plan's `Call` (`logs` for CloudWatch Logs,
//! `events` for EventBridge).

use super::params::{Params, Read};
use super::{client_of, send, Pending, WriteError, Writer};
use serde_json::{json, Value};

/// Every (service, operation) [`Writer::call`] makes.
pub const OPERATIONS: &[(&str, &str)] = &[
    ("s3", "PutPublicAccessBlock"),
    ("s3", "DeletePublicAccessBlock"),
    ("s3", "PutBucketPolicy"),
    ("s3", "DeleteBucketPolicy"),
    ("s3", "CreateBucket"),
    ("s3", "DeleteBucket"),
    ("s3control", "PutPublicAccessBlock"),
    ("s3control", "DeletePublicAccessBlock"),
    ("guardduty", "CreateDetector"),
    ("guardduty", "UpdateDetector"),
    ("guardduty", "DeleteDetector"),
    ("sns", "CreateTopic"),
    ("sns", "SetTopicAttributes"),
    ("sns", "DeleteTopic"),
    ("sns", "Subscribe"),
    ("sns", "Unsubscribe"),
    ("events", "PutRule"),
    ("events", "PutTargets"),
    ("events", "RemoveTargets"),
    ("events", "DeleteRule"),
    ("ec2", "EnableEbsEncryptionByDefault"),
    ("ec2", "DisableEbsEncryptionByDefault"),
    ("ec2", "CreateFlowLogs"),
    ("ec2", "DeleteFlowLogs"),
    ("ec2", "ModifyInstanceMetadataOptions"),
    ("ec2", "RevokeSecurityGroupIngress"),
    ("ec2", "RevokeSecurityGroupEgress"),
    ("ec2", "AuthorizeSecurityGroupIngress"),
    ("ec2", "AuthorizeSecurityGroupEgress"),
    ("iam", "UpdateAccountPasswordPolicy"),
    ("iam", "DeleteAccountPasswordPolicy"),
    ("iam", "CreateRole"),
    ("iam", "PutRolePolicy"),
    ("iam", "DeleteRolePolicy"),
    ("iam", "DeleteRole"),
    ("iam", "CreateServiceLinkedRole"),
    ("iam", "DeleteServiceLinkedRole"),
    ("iam", "UpdateAccessKey"),
    ("kms", "EnableKeyRotation"),
    ("kms", "DisableKeyRotation"),
    ("kms", "CreateKey"),
    ("kms", "CreateAlias"),
    ("kms", "DeleteAlias"),
    ("kms", "ScheduleKeyDeletion"),
    ("logs", "CreateLogGroup"),
    ("logs", "DeleteLogGroup"),
    ("logs", "PutRetentionPolicy"),
    ("logs", "DeleteRetentionPolicy"),
    ("logs", "PutMetricFilter"),
    ("logs", "DeleteMetricFilter"),
    ("cloudwatch", "PutMetricAlarm"),
    ("cloudwatch", "DeleteAlarms"),
    ("securityhub", "EnableSecurityHub"),
    ("securityhub", "DisableSecurityHub"),
    ("accessanalyzer", "CreateAnalyzer"),
    ("accessanalyzer", "DeleteAnalyzer"),
    ("config", "PutConfigurationRecorder"),
    ("config", "PutDeliveryChannel"),
    ("config", "StartConfigurationRecorder"),
    ("config", "StopConfigurationRecorder"),
    ("config", "DeleteDeliveryChannel"),
    ("config", "DeleteConfigurationRecorder"),
    ("cloudtrail", "CreateTrail"),
    ("cloudtrail", "UpdateTrail"),
    ("cloudtrail", "PutEventSelectors"),
    ("cloudtrail", "StartLogging"),
    ("cloudtrail", "StopLogging"),
    ("cloudtrail", "DeleteTrail"),
    ("budgets", "CreateBudget"),
    ("budgets", "DeleteBudget"),
    ("rds", "ModifyDBInstance"),
];

/// An SDK enum from its API value (an unknown value is sent as it is, for AWS to judge).
fn en<T: for<'s> From<&'s str>>(value: Option<String>) -> Option<T> {
    value.map(|v| T::from(v.as_str()))
}

/// A structure the SDK's builder checked (its required members).
fn built<T, E: std::fmt::Display>(api: &str, r: Result<T, E>) -> Read<T> {
    r.map_err(|e| WriteError::invalid(format!("{api}: {e}")))
}

/// A response member the caller relies on (a created id), or an error when AWS sent none.
fn need(api: &str, member: &str, value: Option<&str>) -> Read<Value> {
    value.map(|v| json!(v)).ok_or_else(|| {
        WriteError::new(
            "IncompleteResponse",
            format!("{api}: the response has no {member}"),
        )
    })
}

/// `Tags` as `[{Key, Value}]` (both required), each built by `make`.
fn key_value_tags<T, E: std::fmt::Display>(
    p: &mut Params<'_>,
    api: &str,
    make: impl Fn(String, String) -> Result<T, E>,
) -> Read<Option<Vec<T>>> {
    p.opt_list("Tags", |t| built(api, make(t.str("Key")?, t.str("Value")?)))
}

impl Writer {
    /// The call of `service:operation`, its params read from `p` (the caller checks that
    /// nothing else is left in them before sending).
    pub(super) fn prepare(
        &self,
        region: &str,
        api: &str,
        service: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        match service {
            "s3" => self.s3(region, api, operation, p),
            "s3control" => self.s3control(region, api, operation, p),
            "guardduty" => self.guardduty(region, api, operation, p),
            "sns" => self.sns(region, api, operation, p),
            "events" => self.events(region, api, operation, p),
            "ec2" => self.ec2(region, api, operation, p),
            "iam" => self.iam(region, api, operation, p),
            "kms" => self.kms(region, api, operation, p),
            "logs" => self.logs(region, api, operation, p),
            "cloudwatch" => self.cloudwatch(region, api, operation, p),
            "securityhub" => self.securityhub(region, api, operation, p),
            "accessanalyzer" => self.accessanalyzer(region, api, operation, p),
            "config" => self.config(region, api, operation, p),
            "cloudtrail" => self.cloudtrail(region, api, operation, p),
            "budgets" => self.budgets(region, api, operation, p),
            "rds" => self.rds(region, api, operation, p),
            _ => Err(WriteError::unsupported(service, operation)),
        }
    }

    fn s3(&self, region: &str, api: &str, operation: &str, p: &mut Params<'_>) -> Read<Pending> {
        use aws_sdk_s3::types::{CreateBucketConfiguration, PublicAccessBlockConfiguration};
        let c = self.s3_client(region);
        Ok(match operation {
            "PutPublicAccessBlock" => {
                let bucket = p.str("Bucket")?;
                let block = p.object("PublicAccessBlockConfiguration", |b| {
                    Ok(PublicAccessBlockConfiguration::builder()
                        .set_block_public_acls(b.opt_bool("BlockPublicAcls")?)
                        .set_ignore_public_acls(b.opt_bool("IgnorePublicAcls")?)
                        .set_block_public_policy(b.opt_bool("BlockPublicPolicy")?)
                        .set_restrict_public_buckets(b.opt_bool("RestrictPublicBuckets")?)
                        .build())
                })?;
                let owner = p.opt_str("ExpectedBucketOwner")?;
                send!(
                    api,
                    c.put_public_access_block()
                        .bucket(bucket)
                        .public_access_block_configuration(block)
                        .set_expected_bucket_owner(owner)
                )
            }
            "DeletePublicAccessBlock" => {
                send!(api, c.delete_public_access_block().bucket(p.str("Bucket")?))
            }
            "PutBucketPolicy" => {
                let bucket = p.str("Bucket")?;
                let policy = p.str("Policy")?;
                let confirm = p.opt_bool("ConfirmRemoveSelfBucketAccess")?;
                send!(
                    api,
                    c.put_bucket_policy()
                        .bucket(bucket)
                        .policy(policy)
                        .set_confirm_remove_self_bucket_access(confirm)
                )
            }
            "DeleteBucketPolicy" => send!(api, c.delete_bucket_policy().bucket(p.str("Bucket")?)),
            "CreateBucket" => {
                let bucket = p.str("Bucket")?;
                let config = p.opt_object("CreateBucketConfiguration", |b| {
                    Ok(CreateBucketConfiguration::builder()
                        .set_location_constraint(en(b.opt_str("LocationConstraint")?))
                        .build())
                })?;
                let ownership = en(p.opt_str("ObjectOwnership")?);
                send!(
                    api,
                    c.create_bucket()
                        .bucket(bucket)
                        .set_create_bucket_configuration(config)
                        .set_object_ownership(ownership),
                    |out| Ok(json!({"Location": out.location()}))
                )
            }
            "DeleteBucket" => send!(api, c.delete_bucket().bucket(p.str("Bucket")?)),
            _ => return Err(WriteError::unsupported("s3", operation)),
        })
    }

    fn s3control(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
        let c = self.s3control_client(region);
        Ok(match operation {
            "PutPublicAccessBlock" => {
                let account = p.str("AccountId")?;
                let block = p.object("PublicAccessBlockConfiguration", |b| {
                    Ok(PublicAccessBlockConfiguration::builder()
                        .set_block_public_acls(b.opt_bool("BlockPublicAcls")?)
                        .set_ignore_public_acls(b.opt_bool("IgnorePublicAcls")?)
                        .set_block_public_policy(b.opt_bool("BlockPublicPolicy")?)
                        .set_restrict_public_buckets(b.opt_bool("RestrictPublicBuckets")?)
                        .build())
                })?;
                send!(
                    api,
                    c.put_public_access_block()
                        .account_id(account)
                        .public_access_block_configuration(block)
                )
            }
            "DeletePublicAccessBlock" => send!(
                api,
                c.delete_public_access_block()
                    .account_id(p.str("AccountId")?)
            ),
            _ => return Err(WriteError::unsupported("s3control", operation)),
        })
    }

    fn guardduty(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        let c: aws_sdk_guardduty::Client = client_of!(self, aws_sdk_guardduty, "guardduty", region);
        let api_owned = api.to_owned();
        Ok(match operation {
            "CreateDetector" => {
                let enable = p.bool("enable")?;
                let frequency = en(p.opt_str("findingPublishingFrequency")?);
                let tags = p.opt_map("tags")?;
                send!(
                    api,
                    c.create_detector()
                        .enable(enable)
                        .set_finding_publishing_frequency(frequency)
                        .set_tags(tags),
                    |out| Ok(
                        json!({"DetectorId": need(&api_owned, "DetectorId", out.detector_id())?})
                    )
                )
            }
            "UpdateDetector" => {
                let id = p.str("detectorId")?;
                let enable = p.opt_bool("enable")?;
                let frequency = en(p.opt_str("findingPublishingFrequency")?);
                send!(
                    api,
                    c.update_detector()
                        .detector_id(id)
                        .set_enable(enable)
                        .set_finding_publishing_frequency(frequency)
                )
            }
            "DeleteDetector" => {
                send!(api, c.delete_detector().detector_id(p.str("detectorId")?))
            }
            _ => return Err(WriteError::unsupported("guardduty", operation)),
        })
    }

    fn sns(&self, region: &str, api: &str, operation: &str, p: &mut Params<'_>) -> Read<Pending> {
        let c: aws_sdk_sns::Client = client_of!(self, aws_sdk_sns, "sns", region);
        let api_owned = api.to_owned();
        Ok(match operation {
            "CreateTopic" => {
                let name = p.str("Name")?;
                let attributes = p.opt_map("Attributes")?;
                let tags = key_value_tags(p, api, |k, v| {
                    aws_sdk_sns::types::Tag::builder().key(k).value(v).build()
                })?;
                send!(
                    api,
                    c.create_topic()
                        .name(name)
                        .set_attributes(attributes)
                        .set_tags(tags),
                    |out| Ok(json!({"TopicArn": need(&api_owned, "TopicArn", out.topic_arn())?}))
                )
            }
            "SetTopicAttributes" => {
                let topic = p.str("TopicArn")?;
                let name = p.str("AttributeName")?;
                let value = p.opt_str("AttributeValue")?;
                send!(
                    api,
                    c.set_topic_attributes()
                        .topic_arn(topic)
                        .attribute_name(name)
                        .set_attribute_value(value)
                )
            }
            "DeleteTopic" => send!(api, c.delete_topic().topic_arn(p.str("TopicArn")?)),
            "Subscribe" => {
                let topic = p.str("TopicArn")?;
                let protocol = p.str("Protocol")?;
                let endpoint = p.opt_str("Endpoint")?;
                let attributes = p.opt_map("Attributes")?;
                let return_arn = p.opt_bool("ReturnSubscriptionArn")?;
                send!(
                    api,
                    c.subscribe()
                        .topic_arn(topic)
                        .protocol(protocol)
                        .set_endpoint(endpoint)
                        .set_attributes(attributes)
                        .set_return_subscription_arn(return_arn),
                    |out| Ok(json!({
                        "SubscriptionArn": need(&api_owned, "SubscriptionArn", out.subscription_arn())?
                    }))
                )
            }
            "Unsubscribe" => send!(
                api,
                c.unsubscribe().subscription_arn(p.str("SubscriptionArn")?)
            ),
            _ => return Err(WriteError::unsupported("sns", operation)),
        })
    }

    fn events(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        use aws_sdk_eventbridge::types::{Tag, Target};
        let c: aws_sdk_eventbridge::Client =
            client_of!(self, aws_sdk_eventbridge, "events", region);
        let api_owned = api.to_owned();
        Ok(match operation {
            "PutRule" => {
                let name = p.str("Name")?;
                let pattern = p.opt_str("EventPattern")?;
                let schedule = p.opt_str("ScheduleExpression")?;
                let state = en(p.opt_str("State")?);
                let description = p.opt_str("Description")?;
                let role = p.opt_str("RoleArn")?;
                let bus = p.opt_str("EventBusName")?;
                let tags = key_value_tags(p, api, |k, v| Tag::builder().key(k).value(v).build())?;
                send!(
                    api,
                    c.put_rule()
                        .name(name)
                        .set_event_pattern(pattern)
                        .set_schedule_expression(schedule)
                        .set_state(state)
                        .set_description(description)
                        .set_role_arn(role)
                        .set_event_bus_name(bus)
                        .set_tags(tags),
                    |out| Ok(json!({"RuleArn": need(&api_owned, "RuleArn", out.rule_arn())?}))
                )
            }
            "PutTargets" => {
                let rule = p.str("Rule")?;
                let bus = p.opt_str("EventBusName")?;
                let targets = p.list("Targets", |t| {
                    built(
                        api,
                        Target::builder()
                            .id(t.str("Id")?)
                            .arn(t.str("Arn")?)
                            .set_role_arn(t.opt_str("RoleArn")?)
                            .set_input(t.opt_str("Input")?)
                            .set_input_path(t.opt_str("InputPath")?)
                            .build(),
                    )
                })?;
                send!(
                    api,
                    c.put_targets()
                        .rule(rule)
                        .set_event_bus_name(bus)
                        .set_targets(Some(targets)),
                    |out| failed_entries(
                        &api_owned,
                        out.failed_entries().iter().map(|e| (
                            e.target_id(),
                            e.error_code(),
                            e.error_message()
                        ))
                    )
                )
            }
            "RemoveTargets" => {
                let rule = p.str("Rule")?;
                let bus = p.opt_str("EventBusName")?;
                let ids = p.strs("Ids")?;
                let force = p.opt_bool("Force")?;
                send!(
                    api,
                    c.remove_targets()
                        .rule(rule)
                        .set_event_bus_name(bus)
                        .set_ids(Some(ids))
                        .set_force(force),
                    |out| failed_entries(
                        &api_owned,
                        out.failed_entries().iter().map(|e| (
                            e.target_id(),
                            e.error_code(),
                            e.error_message()
                        ))
                    )
                )
            }
            "DeleteRule" => {
                let name = p.str("Name")?;
                let bus = p.opt_str("EventBusName")?;
                let force = p.opt_bool("Force")?;
                send!(
                    api,
                    c.delete_rule()
                        .name(name)
                        .set_event_bus_name(bus)
                        .set_force(force)
                )
            }
            _ => return Err(WriteError::unsupported("events", operation)),
        })
    }

    fn ec2(&self, region: &str, api: &str, operation: &str, p: &mut Params<'_>) -> Read<Pending> {
        let c: aws_sdk_ec2::Client = client_of!(self, aws_sdk_ec2, "ec2", region);
        let api_owned = api.to_owned();
        Ok(match operation {
            "EnableEbsEncryptionByDefault" => {
                send!(api, c.enable_ebs_encryption_by_default(), |out| Ok(
                    json!({"EbsEncryptionByDefault": out.ebs_encryption_by_default()})
                ))
            }
            "DisableEbsEncryptionByDefault" => {
                send!(api, c.disable_ebs_encryption_by_default(), |out| Ok(
                    json!({"EbsEncryptionByDefault": out.ebs_encryption_by_default()})
                ))
            }
            "CreateFlowLogs" => {
                let request = c
                    .create_flow_logs()
                    .set_resource_ids(Some(p.strs("ResourceIds")?))
                    .resource_type(p.str("ResourceType")?.as_str().into())
                    .set_traffic_type(en(p.opt_str("TrafficType")?))
                    .set_log_destination_type(en(p.opt_str("LogDestinationType")?))
                    .set_log_group_name(p.opt_str("LogGroupName")?)
                    .set_log_destination(p.opt_str("LogDestination")?)
                    .set_deliver_logs_permission_arn(p.opt_str("DeliverLogsPermissionArn")?)
                    .set_log_format(p.opt_str("LogFormat")?)
                    .set_max_aggregation_interval(p.opt_i32("MaxAggregationInterval")?);
                send!(api, request, |out| {
                    unsuccessful(&api_owned, out.unsuccessful())?;
                    if out.flow_log_ids().is_empty() {
                        return Err(WriteError::new(
                            "IncompleteResponse",
                            format!("{api_owned}: the response has no FlowLogIds"),
                        ));
                    }
                    Ok(json!({"FlowLogIds": out.flow_log_ids()}))
                })
            }
            "DeleteFlowLogs" => send!(
                api,
                c.delete_flow_logs()
                    .set_flow_log_ids(Some(p.strs("FlowLogIds")?)),
                |out| {
                    unsuccessful(&api_owned, out.unsuccessful())?;
                    Ok(json!({}))
                }
            ),
            "ModifyInstanceMetadataOptions" => {
                let request = c
                    .modify_instance_metadata_options()
                    .instance_id(p.str("InstanceId")?)
                    .set_http_tokens(en(p.opt_str("HttpTokens")?))
                    .set_http_endpoint(en(p.opt_str("HttpEndpoint")?))
                    .set_http_put_response_hop_limit(p.opt_i32("HttpPutResponseHopLimit")?)
                    .set_http_protocol_ipv6(en(p.opt_str("HttpProtocolIpv6")?))
                    .set_instance_metadata_tags(en(p.opt_str("InstanceMetadataTags")?));
                send!(api, request, |out| {
                    let options = out.instance_metadata_options();
                    Ok(json!({
                        "InstanceId": out.instance_id(),
                        "InstanceMetadataOptions": {
                            "HttpTokens": options.and_then(|o| o.http_tokens()).map(|v| v.as_str()),
                            "HttpEndpoint": options.and_then(|o| o.http_endpoint()).map(|v| v.as_str()),
                            "State": options.and_then(|o| o.state()).map(|v| v.as_str()),
                        },
                    }))
                })
            }
            "AuthorizeSecurityGroupIngress" => {
                let group = p.str("GroupId")?;
                let permissions = ip_permissions(p)?;
                send!(
                    api,
                    c.authorize_security_group_ingress()
                        .group_id(group)
                        .set_ip_permissions(Some(permissions)),
                    |out| authorized(&api_owned, out.r#return(), out.security_group_rules())
                )
            }
            "AuthorizeSecurityGroupEgress" => {
                let group = p.str("GroupId")?;
                let permissions = ip_permissions(p)?;
                send!(
                    api,
                    c.authorize_security_group_egress()
                        .group_id(group)
                        .set_ip_permissions(Some(permissions)),
                    |out| authorized(&api_owned, out.r#return(), out.security_group_rules())
                )
            }
            "RevokeSecurityGroupIngress" => {
                let group = p.str("GroupId")?;
                let permissions = opt_ip_permissions(p)?;
                let rule_ids = p.opt_strs("SecurityGroupRuleIds")?;
                send!(
                    api,
                    c.revoke_security_group_ingress()
                        .group_id(group)
                        .set_ip_permissions(permissions)
                        .set_security_group_rule_ids(rule_ids),
                    |out| revoked(&api_owned, out.r#return(), out.unknown_ip_permissions())
                )
            }
            "RevokeSecurityGroupEgress" => {
                let group = p.str("GroupId")?;
                let permissions = opt_ip_permissions(p)?;
                let rule_ids = p.opt_strs("SecurityGroupRuleIds")?;
                send!(
                    api,
                    c.revoke_security_group_egress()
                        .group_id(group)
                        .set_ip_permissions(permissions)
                        .set_security_group_rule_ids(rule_ids),
                    |out| revoked(&api_owned, out.r#return(), out.unknown_ip_permissions())
                )
            }
            _ => return Err(WriteError::unsupported("ec2", operation)),
        })
    }

    fn iam(&self, region: &str, api: &str, operation: &str, p: &mut Params<'_>) -> Read<Pending> {
        let c: aws_sdk_iam::Client = client_of!(self, aws_sdk_iam, "iam", region);
        let role = |out: Option<&aws_sdk_iam::types::Role>, api: &str| match out {
            Some(r) => Ok(json!({"Role": {"Arn": r.arn(), "RoleName": r.role_name()}})),
            None => Err(WriteError::new(
                "IncompleteResponse",
                format!("{api}: the response has no Role"),
            )),
        };
        let api_owned = api.to_owned();
        Ok(match operation {
            "UpdateAccountPasswordPolicy" => {
                let request = c
                    .update_account_password_policy()
                    .set_minimum_password_length(p.opt_i32("MinimumPasswordLength")?)
                    .set_require_symbols(p.opt_bool("RequireSymbols")?)
                    .set_require_numbers(p.opt_bool("RequireNumbers")?)
                    .set_require_uppercase_characters(p.opt_bool("RequireUppercaseCharacters")?)
                    .set_require_lowercase_characters(p.opt_bool("RequireLowercaseCharacters")?)
                    .set_allow_users_to_change_password(p.opt_bool("AllowUsersToChangePassword")?)
                    .set_max_password_age(p.opt_i32("MaxPasswordAge")?)
                    .set_password_reuse_prevention(p.opt_i32("PasswordReusePrevention")?)
                    .set_hard_expiry(p.opt_bool("HardExpiry")?);
                send!(api, request)
            }
            "DeleteAccountPasswordPolicy" => send!(api, c.delete_account_password_policy()),
            "CreateRole" => {
                let request = c
                    .create_role()
                    .role_name(p.str("RoleName")?)
                    .assume_role_policy_document(p.str("AssumeRolePolicyDocument")?)
                    .set_path(p.opt_str("Path")?)
                    .set_description(p.opt_str("Description")?)
                    .set_max_session_duration(p.opt_i32("MaxSessionDuration")?)
                    .set_permissions_boundary(p.opt_str("PermissionsBoundary")?);
                let tags = key_value_tags(p, api, |k, v| {
                    aws_sdk_iam::types::Tag::builder().key(k).value(v).build()
                })?;
                send!(api, request.set_tags(tags), |out| role(
                    out.role(),
                    &api_owned
                ))
            }
            "PutRolePolicy" => send!(
                api,
                c.put_role_policy()
                    .role_name(p.str("RoleName")?)
                    .policy_name(p.str("PolicyName")?)
                    .policy_document(p.str("PolicyDocument")?)
            ),
            "DeleteRolePolicy" => send!(
                api,
                c.delete_role_policy()
                    .role_name(p.str("RoleName")?)
                    .policy_name(p.str("PolicyName")?)
            ),
            "DeleteRole" => send!(api, c.delete_role().role_name(p.str("RoleName")?)),
            "CreateServiceLinkedRole" => send!(
                api,
                c.create_service_linked_role()
                    .aws_service_name(p.str("AWSServiceName")?)
                    .set_description(p.opt_str("Description")?)
                    .set_custom_suffix(p.opt_str("CustomSuffix")?),
                |out| role(out.role(), &api_owned)
            ),
            "DeleteServiceLinkedRole" => send!(
                api,
                c.delete_service_linked_role().role_name(p.str("RoleName")?),
                |out| Ok(json!({"DeletionTaskId": out.deletion_task_id()}))
            ),
            "UpdateAccessKey" => send!(
                api,
                c.update_access_key()
                    .set_user_name(p.opt_str("UserName")?)
                    .access_key_id(p.str("AccessKeyId")?)
                    .status(p.str("Status")?.as_str().into())
            ),
            _ => return Err(WriteError::unsupported("iam", operation)),
        })
    }

    fn kms(&self, region: &str, api: &str, operation: &str, p: &mut Params<'_>) -> Read<Pending> {
        let c: aws_sdk_kms::Client = client_of!(self, aws_sdk_kms, "kms", region);
        let api_owned = api.to_owned();
        Ok(match operation {
            "EnableKeyRotation" => send!(
                api,
                c.enable_key_rotation()
                    .key_id(p.str("KeyId")?)
                    .set_rotation_period_in_days(p.opt_i32("RotationPeriodInDays")?)
            ),
            "DisableKeyRotation" => send!(api, c.disable_key_rotation().key_id(p.str("KeyId")?)),
            "CreateKey" => {
                let request = c
                    .create_key()
                    .set_policy(p.opt_str("Policy")?)
                    .set_description(p.opt_str("Description")?)
                    .set_key_usage(en(p.opt_str("KeyUsage")?))
                    .set_key_spec(en(p.opt_str("KeySpec")?))
                    .set_origin(en(p.opt_str("Origin")?))
                    .set_multi_region(p.opt_bool("MultiRegion")?)
                    .set_bypass_policy_lockout_safety_check(
                        p.opt_bool("BypassPolicyLockoutSafetyCheck")?,
                    );
                let tags = p.opt_list("Tags", |t| {
                    built(
                        api,
                        aws_sdk_kms::types::Tag::builder()
                            .tag_key(t.str("TagKey")?)
                            .tag_value(t.str("TagValue")?)
                            .build(),
                    )
                })?;
                send!(
                    api,
                    request.set_tags(tags),
                    |out| match out.key_metadata() {
                        Some(k) =>
                            Ok(json!({"KeyMetadata": {"KeyId": k.key_id(), "Arn": k.arn()}})),
                        None => Err(WriteError::new(
                            "IncompleteResponse",
                            format!("{api_owned}: the response has no KeyMetadata"),
                        )),
                    }
                )
            }
            "CreateAlias" => send!(
                api,
                c.create_alias()
                    .alias_name(p.str("AliasName")?)
                    .target_key_id(p.str("TargetKeyId")?)
            ),
            "DeleteAlias" => send!(api, c.delete_alias().alias_name(p.str("AliasName")?)),
            "ScheduleKeyDeletion" => send!(
                api,
                c.schedule_key_deletion()
                    .key_id(p.str("KeyId")?)
                    .set_pending_window_in_days(p.opt_i32("PendingWindowInDays")?),
                |out| Ok(json!({
                    "KeyId": out.key_id(),
                    "KeyState": out.key_state().map(|s| s.as_str()),
                    "PendingWindowInDays": out.pending_window_in_days(),
                }))
            ),
            _ => return Err(WriteError::unsupported("kms", operation)),
        })
    }

    fn logs(&self, region: &str, api: &str, operation: &str, p: &mut Params<'_>) -> Read<Pending> {
        use aws_sdk_cloudwatchlogs::types::MetricTransformation;
        let c: aws_sdk_cloudwatchlogs::Client =
            client_of!(self, aws_sdk_cloudwatchlogs, "logs", region);
        Ok(match operation {
            "CreateLogGroup" => send!(
                api,
                c.create_log_group()
                    .log_group_name(p.str("logGroupName")?)
                    .set_kms_key_id(p.opt_str("kmsKeyId")?)
                    .set_tags(p.opt_map("tags")?)
                    .set_log_group_class(en(p.opt_str("logGroupClass")?))
            ),
            "DeleteLogGroup" => send!(
                api,
                c.delete_log_group().log_group_name(p.str("logGroupName")?)
            ),
            "PutRetentionPolicy" => {
                let group = p.str("logGroupName")?;
                let days = p.i32("retentionInDays")?;
                send!(
                    api,
                    c.put_retention_policy()
                        .log_group_name(group)
                        .retention_in_days(days)
                )
            }
            "DeleteRetentionPolicy" => send!(
                api,
                c.delete_retention_policy()
                    .log_group_name(p.str("logGroupName")?)
            ),
            "PutMetricFilter" => {
                let request = c
                    .put_metric_filter()
                    .log_group_name(p.str("logGroupName")?)
                    .filter_name(p.str("filterName")?)
                    .filter_pattern(p.str("filterPattern")?);
                let transformations = p.list("metricTransformations", |t| {
                    built(
                        api,
                        MetricTransformation::builder()
                            .metric_name(t.str("metricName")?)
                            .metric_namespace(t.str("metricNamespace")?)
                            .metric_value(t.str("metricValue")?)
                            .set_default_value(t.opt_f64("defaultValue")?)
                            .set_dimensions(t.opt_map("dimensions")?)
                            .set_unit(en(t.opt_str("unit")?))
                            .build(),
                    )
                })?;
                send!(
                    api,
                    request.set_metric_transformations(Some(transformations))
                )
            }
            "DeleteMetricFilter" => send!(
                api,
                c.delete_metric_filter()
                    .log_group_name(p.str("logGroupName")?)
                    .filter_name(p.str("filterName")?)
            ),
            _ => return Err(WriteError::unsupported("logs", operation)),
        })
    }

    fn cloudwatch(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        use aws_sdk_cloudwatch::types::{Dimension, Tag};
        let c: aws_sdk_cloudwatch::Client =
            client_of!(self, aws_sdk_cloudwatch, "cloudwatch", region);
        Ok(match operation {
            "PutMetricAlarm" => {
                let request = c
                    .put_metric_alarm()
                    .alarm_name(p.str("AlarmName")?)
                    .set_alarm_description(p.opt_str("AlarmDescription")?)
                    .set_actions_enabled(p.opt_bool("ActionsEnabled")?)
                    .set_ok_actions(p.opt_strs("OKActions")?)
                    .set_alarm_actions(p.opt_strs("AlarmActions")?)
                    .set_insufficient_data_actions(p.opt_strs("InsufficientDataActions")?)
                    .set_metric_name(p.opt_str("MetricName")?)
                    .set_namespace(p.opt_str("Namespace")?)
                    .set_statistic(en(p.opt_str("Statistic")?))
                    .set_extended_statistic(p.opt_str("ExtendedStatistic")?)
                    .set_dimensions(p.opt_list("Dimensions", |d| {
                        Ok(Dimension::builder()
                            .name(d.str("Name")?)
                            .value(d.str("Value")?)
                            .build())
                    })?)
                    .set_period(p.opt_i32("Period")?)
                    .set_unit(en(p.opt_str("Unit")?))
                    .evaluation_periods(p.i32("EvaluationPeriods")?)
                    .set_datapoints_to_alarm(p.opt_i32("DatapointsToAlarm")?)
                    .set_threshold(p.opt_f64("Threshold")?)
                    .comparison_operator(p.str("ComparisonOperator")?.as_str().into())
                    .set_treat_missing_data(p.opt_str("TreatMissingData")?)
                    .set_tags(key_value_tags(p, api, |k, v| {
                        Ok::<_, std::convert::Infallible>(Tag::builder().key(k).value(v).build())
                    })?);
                send!(api, request)
            }
            "DeleteAlarms" => send!(
                api,
                c.delete_alarms()
                    .set_alarm_names(Some(p.strs("AlarmNames")?))
            ),
            _ => return Err(WriteError::unsupported("cloudwatch", operation)),
        })
    }

    fn securityhub(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        let c: aws_sdk_securityhub::Client =
            client_of!(self, aws_sdk_securityhub, "securityhub", region);
        Ok(match operation {
            "EnableSecurityHub" => send!(
                api,
                c.enable_security_hub()
                    .set_tags(p.opt_map("Tags")?)
                    .set_enable_default_standards(p.opt_bool("EnableDefaultStandards")?)
                    .set_control_finding_generator(en(p.opt_str("ControlFindingGenerator")?))
            ),
            "DisableSecurityHub" => send!(api, c.disable_security_hub()),
            _ => return Err(WriteError::unsupported("securityhub", operation)),
        })
    }

    fn accessanalyzer(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        let c: aws_sdk_accessanalyzer::Client =
            client_of!(self, aws_sdk_accessanalyzer, "access-analyzer", region);
        let api_owned = api.to_owned();
        Ok(match operation {
            "CreateAnalyzer" => send!(
                api,
                c.create_analyzer()
                    .analyzer_name(p.str("analyzerName")?)
                    .r#type(p.str("type")?.as_str().into())
                    .set_tags(p.opt_map("tags")?)
                    .set_client_token(p.opt_str("clientToken")?),
                |out| Ok(json!({"Arn": need(&api_owned, "arn", out.arn())?}))
            ),
            "DeleteAnalyzer" => send!(
                api,
                c.delete_analyzer()
                    .analyzer_name(p.str("analyzerName")?)
                    .set_client_token(p.opt_str("clientToken")?)
            ),
            _ => return Err(WriteError::unsupported("accessanalyzer", operation)),
        })
    }

    fn config(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        use aws_sdk_config::types::{
            ConfigSnapshotDeliveryProperties, ConfigurationRecorder, DeliveryChannel,
            ExclusionByResourceTypes, RecordingGroup, RecordingStrategy, ResourceType,
        };
        let c: aws_sdk_config::Client = client_of!(self, aws_sdk_config, "config", region);
        let resource_types = |v: Option<Vec<String>>| {
            v.map(|types| {
                types
                    .iter()
                    .map(|t| ResourceType::from(t.as_str()))
                    .collect::<Vec<_>>()
            })
        };
        Ok(match operation {
            "PutConfigurationRecorder" => {
                let recorder = p.object("ConfigurationRecorder", |r| {
                    Ok(ConfigurationRecorder::builder()
                        .set_name(r.opt_str("name")?)
                        .set_role_arn(r.opt_str("roleARN")?)
                        .set_recording_group(r.opt_object("recordingGroup", |g| {
                            Ok(RecordingGroup::builder()
                                .set_all_supported(g.opt_bool("allSupported")?)
                                .set_include_global_resource_types(
                                    g.opt_bool("includeGlobalResourceTypes")?,
                                )
                                .set_resource_types(resource_types(g.opt_strs("resourceTypes")?))
                                .set_exclusion_by_resource_types(g.opt_object(
                                    "exclusionByResourceTypes",
                                    |e| {
                                        Ok(ExclusionByResourceTypes::builder()
                                            .set_resource_types(resource_types(
                                                e.opt_strs("resourceTypes")?,
                                            ))
                                            .build())
                                    },
                                )?)
                                .set_recording_strategy(g.opt_object("recordingStrategy", |s| {
                                    Ok(RecordingStrategy::builder()
                                        .set_use_only(en(s.opt_str("useOnly")?))
                                        .build())
                                })?)
                                .build())
                        })?)
                        .build())
                })?;
                send!(
                    api,
                    c.put_configuration_recorder()
                        .configuration_recorder(recorder)
                )
            }
            "PutDeliveryChannel" => {
                let channel = p.object("DeliveryChannel", |d| {
                    Ok(DeliveryChannel::builder()
                        .set_name(d.opt_str("name")?)
                        .set_s3_bucket_name(d.opt_str("s3BucketName")?)
                        .set_s3_key_prefix(d.opt_str("s3KeyPrefix")?)
                        .set_s3_kms_key_arn(d.opt_str("s3KmsKeyArn")?)
                        .set_sns_topic_arn(d.opt_str("snsTopicARN")?)
                        .set_config_snapshot_delivery_properties(d.opt_object(
                            "configSnapshotDeliveryProperties",
                            |s| {
                                Ok(ConfigSnapshotDeliveryProperties::builder()
                                    .set_delivery_frequency(en(s.opt_str("deliveryFrequency")?))
                                    .build())
                            },
                        )?)
                        .build())
                })?;
                send!(api, c.put_delivery_channel().delivery_channel(channel))
            }
            "StartConfigurationRecorder" => send!(
                api,
                c.start_configuration_recorder()
                    .configuration_recorder_name(p.str("ConfigurationRecorderName")?)
            ),
            "StopConfigurationRecorder" => send!(
                api,
                c.stop_configuration_recorder()
                    .configuration_recorder_name(p.str("ConfigurationRecorderName")?)
            ),
            "DeleteDeliveryChannel" => send!(
                api,
                c.delete_delivery_channel()
                    .delivery_channel_name(p.str("DeliveryChannelName")?)
            ),
            "DeleteConfigurationRecorder" => send!(
                api,
                c.delete_configuration_recorder()
                    .configuration_recorder_name(p.str("ConfigurationRecorderName")?)
            ),
            _ => return Err(WriteError::unsupported("config", operation)),
        })
    }

    fn cloudtrail(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        let c: aws_sdk_cloudtrail::Client =
            client_of!(self, aws_sdk_cloudtrail, "cloudtrail", region);
        let api_owned = api.to_owned();
        let trail = move |arn: Option<&str>, name: Option<&str>| -> Read<Value> {
            Ok(json!({
                "TrailARN": need(&api_owned, "TrailARN", arn)?,
                "Name": need(&api_owned, "Name", name)?,
            }))
        };
        Ok(match operation {
            "CreateTrail" => {
                let request = c
                    .create_trail()
                    .name(p.str("Name")?)
                    .s3_bucket_name(p.str("S3BucketName")?)
                    .set_s3_key_prefix(p.opt_str("S3KeyPrefix")?)
                    .set_sns_topic_name(p.opt_str("SnsTopicName")?)
                    .set_include_global_service_events(p.opt_bool("IncludeGlobalServiceEvents")?)
                    .set_is_multi_region_trail(p.opt_bool("IsMultiRegionTrail")?)
                    .set_enable_log_file_validation(p.opt_bool("EnableLogFileValidation")?)
                    .set_cloud_watch_logs_log_group_arn(p.opt_str("CloudWatchLogsLogGroupArn")?)
                    .set_cloud_watch_logs_role_arn(p.opt_str("CloudWatchLogsRoleArn")?)
                    .set_kms_key_id(p.opt_str("KmsKeyId")?)
                    .set_is_organization_trail(p.opt_bool("IsOrganizationTrail")?);
                let tags = p.opt_list("TagsList", |t| {
                    built(
                        api,
                        aws_sdk_cloudtrail::types::Tag::builder()
                            .key(t.str("Key")?)
                            .set_value(t.opt_str("Value")?)
                            .build(),
                    )
                })?;
                send!(api, request.set_tags_list(tags), |out| trail(
                    out.trail_arn(),
                    out.name()
                ))
            }
            "UpdateTrail" => {
                let request = c
                    .update_trail()
                    .name(p.str("Name")?)
                    .set_s3_bucket_name(p.opt_str("S3BucketName")?)
                    .set_s3_key_prefix(p.opt_str("S3KeyPrefix")?)
                    .set_sns_topic_name(p.opt_str("SnsTopicName")?)
                    .set_include_global_service_events(p.opt_bool("IncludeGlobalServiceEvents")?)
                    .set_is_multi_region_trail(p.opt_bool("IsMultiRegionTrail")?)
                    .set_enable_log_file_validation(p.opt_bool("EnableLogFileValidation")?)
                    .set_cloud_watch_logs_log_group_arn(p.opt_str("CloudWatchLogsLogGroupArn")?)
                    .set_cloud_watch_logs_role_arn(p.opt_str("CloudWatchLogsRoleArn")?)
                    .set_kms_key_id(p.opt_str("KmsKeyId")?)
                    .set_is_organization_trail(p.opt_bool("IsOrganizationTrail")?);
                send!(api, request, |out| trail(out.trail_arn(), out.name()))
            }
            "PutEventSelectors" => {
                use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
                let trail = p.str("TrailName")?;
                let selectors = p.list("EventSelectors", |e| {
                    Ok(EventSelector::builder()
                        .set_read_write_type(
                            e.opt_str("ReadWriteType")?
                                .map(|v| ReadWriteType::from(v.as_str())),
                        )
                        .set_include_management_events(e.opt_bool("IncludeManagementEvents")?)
                        .build())
                })?;
                send!(
                    api,
                    c.put_event_selectors()
                        .trail_name(trail)
                        .set_event_selectors(Some(selectors))
                )
            }
            "StartLogging" => send!(api, c.start_logging().name(p.str("Name")?)),
            "StopLogging" => send!(api, c.stop_logging().name(p.str("Name")?)),
            "DeleteTrail" => send!(api, c.delete_trail().name(p.str("Name")?)),
            _ => return Err(WriteError::unsupported("cloudtrail", operation)),
        })
    }

    fn budgets(
        &self,
        region: &str,
        api: &str,
        operation: &str,
        p: &mut Params<'_>,
    ) -> Read<Pending> {
        use aws_sdk_budgets::types::{
            Budget, Notification, NotificationWithSubscribers, Spend, Subscriber,
        };
        let c: aws_sdk_budgets::Client = client_of!(self, aws_sdk_budgets, "budgets", region);
        Ok(match operation {
            "CreateBudget" => {
                let account = p.str("AccountId")?;
                let budget = p.object("Budget", |b| {
                    let limit = b.opt_object("BudgetLimit", |l| {
                        built(
                            api,
                            Spend::builder()
                                .amount(l.str("Amount")?)
                                .unit(l.str("Unit")?)
                                .build(),
                        )
                    })?;
                    built(
                        api,
                        Budget::builder()
                            .budget_name(b.str("BudgetName")?)
                            .set_budget_limit(limit)
                            .time_unit(b.str("TimeUnit")?.as_str().into())
                            .budget_type(b.str("BudgetType")?.as_str().into())
                            .build(),
                    )
                })?;
                let notifications = p.opt_list("NotificationsWithSubscribers", |n| {
                    let notification = n.object("Notification", |x| {
                        built(
                            api,
                            Notification::builder()
                                .notification_type(x.str("NotificationType")?.as_str().into())
                                .comparison_operator(x.str("ComparisonOperator")?.as_str().into())
                                .threshold(x.f64("Threshold")?)
                                .set_threshold_type(en(x.opt_str("ThresholdType")?))
                                .set_notification_state(en(x.opt_str("NotificationState")?))
                                .build(),
                        )
                    })?;
                    let subscribers = n.list("Subscribers", |s| {
                        built(
                            api,
                            Subscriber::builder()
                                .subscription_type(s.str("SubscriptionType")?.as_str().into())
                                .address(s.str("Address")?)
                                .build(),
                        )
                    })?;
                    built(
                        api,
                        NotificationWithSubscribers::builder()
                            .notification(notification)
                            .set_subscribers(Some(subscribers))
                            .build(),
                    )
                })?;
                send!(
                    api,
                    c.create_budget()
                        .account_id(account)
                        .budget(budget)
                        .set_notifications_with_subscribers(notifications)
                )
            }
            "DeleteBudget" => send!(
                api,
                c.delete_budget()
                    .account_id(p.str("AccountId")?)
                    .budget_name(p.str("BudgetName")?)
            ),
            _ => return Err(WriteError::unsupported("budgets", operation)),
        })
    }

    fn rds(&self, region: &str, api: &str, operation: &str, p: &mut Params<'_>) -> Read<Pending> {
        let c: aws_sdk_rds::Client = client_of!(self, aws_sdk_rds, "rds", region);
        Ok(match operation {
            "ModifyDBInstance" => {
                let request = c
                    .modify_db_instance()
                    .db_instance_identifier(p.str("DBInstanceIdentifier")?)
                    .set_publicly_accessible(p.opt_bool("PubliclyAccessible")?)
                    .set_apply_immediately(p.opt_bool("ApplyImmediately")?)
                    .set_deletion_protection(p.opt_bool("DeletionProtection")?)
                    .set_auto_minor_version_upgrade(p.opt_bool("AutoMinorVersionUpgrade")?)
                    .set_backup_retention_period(p.opt_i32("BackupRetentionPeriod")?)
                    .set_multi_az(p.opt_bool("MultiAZ")?);
                send!(api, request, |out| {
                    let db = out.db_instance();
                    Ok(json!({"DBInstance": {
                        "DBInstanceIdentifier": db.and_then(|d| d.db_instance_identifier()),
                        "DBInstanceArn": db.and_then(|d| d.db_instance_arn()),
                    }}))
                })
            }
            _ => return Err(WriteError::unsupported("rds", operation)),
        })
    }
}

/// EC2's `IpPermissions`, as the API reference names their members.
fn ip_permissions(p: &mut Params<'_>) -> Read<Vec<aws_sdk_ec2::types::IpPermission>> {
    p.list("IpPermissions", ip_permission)
}

fn opt_ip_permissions(p: &mut Params<'_>) -> Read<Option<Vec<aws_sdk_ec2::types::IpPermission>>> {
    p.opt_list("IpPermissions", ip_permission)
}

fn ip_permission(p: &mut Params<'_>) -> Read<aws_sdk_ec2::types::IpPermission> {
    use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};
    Ok(IpPermission::builder()
        .ip_protocol(p.str("IpProtocol")?)
        .set_from_port(p.opt_i32("FromPort")?)
        .set_to_port(p.opt_i32("ToPort")?)
        .set_ip_ranges(p.opt_list("IpRanges", |r| {
            Ok(IpRange::builder()
                .cidr_ip(r.str("CidrIp")?)
                .set_description(r.opt_str("Description")?)
                .build())
        })?)
        .set_ipv6_ranges(p.opt_list("Ipv6Ranges", |r| {
            Ok(Ipv6Range::builder()
                .cidr_ipv6(r.str("CidrIpv6")?)
                .set_description(r.opt_str("Description")?)
                .build())
        })?)
        .set_user_id_group_pairs(p.opt_list("UserIdGroupPairs", |g| {
            Ok(UserIdGroupPair::builder()
                .set_group_id(g.opt_str("GroupId")?)
                .set_user_id(g.opt_str("UserId")?)
                .set_description(g.opt_str("Description")?)
                .build())
        })?)
        .set_prefix_list_ids(p.opt_list("PrefixListIds", |l| {
            Ok(PrefixListId::builder()
                .prefix_list_id(l.str("PrefixListId")?)
                .set_description(l.opt_str("Description")?)
                .build())
        })?)
        .build())
}

/// An authorization's rules, or an error when EC2 answered that it did nothing.
fn authorized(
    api: &str,
    ok: Option<bool>,
    rules: &[aws_sdk_ec2::types::SecurityGroupRule],
) -> Read<Value> {
    if ok == Some(false) {
        return Err(WriteError::new(
            "NotAuthorized",
            format!("{api}: EC2 answered Return=false"),
        ));
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| json!({"SecurityGroupRuleId": r.security_group_rule_id()}))
        .collect();
    Ok(json!({"SecurityGroupRules": rules}))
}

/// A revocation that removed every rule asked for, or an error naming those that did not
/// exist (EC2 answers success for them, with `UnknownIpPermissions`).
fn revoked(
    api: &str,
    ok: Option<bool>,
    unknown: &[aws_sdk_ec2::types::IpPermission],
) -> Read<Value> {
    if !unknown.is_empty() {
        let rules: Vec<String> = unknown
            .iter()
            .map(|p| {
                format!(
                    "{} {}-{}",
                    p.ip_protocol().unwrap_or("?"),
                    p.from_port().map(|v| v.to_string()).unwrap_or_default(),
                    p.to_port().map(|v| v.to_string()).unwrap_or_default()
                )
            })
            .collect();
        return Err(WriteError::new(
            "UnknownIpPermissions",
            format!(
                "{api}: these rules are not in the group: {}",
                rules.join(", ")
            ),
        ));
    }
    if ok == Some(false) {
        return Err(WriteError::new(
            "RevokeFailed",
            format!("{api}: EC2 answered Return=false"),
        ));
    }
    Ok(json!({}))
}

/// EC2's `Unsuccessful` items as an error (the first one's code, every resource named).
fn unsuccessful(api: &str, items: &[aws_sdk_ec2::types::UnsuccessfulItem]) -> Read<()> {
    let Some(first) = items.first() else {
        return Ok(());
    };
    let code = first
        .error()
        .and_then(|e| e.code())
        .unwrap_or("Unsuccessful");
    let detail: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{}: {}",
                i.resource_id().unwrap_or("?"),
                i.error().and_then(|e| e.message()).unwrap_or("failed")
            )
        })
        .collect();
    Err(WriteError::new(
        code,
        format!("{api}: {}", detail.join("; ")),
    ))
}

/// EventBridge's failed entries as an error (the first one's code, every target named).
fn failed_entries<'a>(
    api: &str,
    entries: impl Iterator<Item = (Option<&'a str>, Option<&'a str>, Option<&'a str>)>,
) -> Read<Value> {
    let entries: Vec<_> = entries.collect();
    let Some((_, code, _)) = entries.first() else {
        return Ok(json!({}));
    };
    let detail: Vec<String> = entries
        .iter()
        .map(|(id, _, message)| {
            format!(
                "target {}: {}",
                id.unwrap_or("?"),
                message.unwrap_or("failed")
            )
        })
        .collect();
    Err(WriteError::new(
        code.unwrap_or("FailedEntries"),
        format!("{api}: {}", detail.join("; ")),
    ))
}
