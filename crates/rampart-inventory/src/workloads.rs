//! Workloads whose configuration may hold secrets or expose a service: Lambda,
//! CloudFormation, ECS task definitions, SSM parameters, and Elastic Load Balancing v2.
//!
//! As for EC2 user data, only what the secret detectors found is stored, redacted, never
//! the values themselves.

use crate::{Collected, ScannedText, Tag};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Lambda, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LambdaData {
    /// Functions.
    pub functions: Collected<Vec<Function>>,
}

/// A Lambda function.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Function {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Runtime (`python3.12`, ...); `None` for container images.
    pub runtime: Option<String>,
    /// Execution role ARN.
    pub role: String,
    /// Names of its environment variables.
    pub environment_keys: Vec<String>,
    /// The environment scanned one `NAME=value` pair at a time, in the order of
    /// `environment_keys`: a match's `line` is its variable's position there.
    pub environment: ScannedText,
    /// Resource policy (`GetPolicy`); `None` when it has none.
    pub policy: Collected<Option<serde_json::Value>>,
    /// Function URL (`GetFunctionUrlConfig`); `None` when it has none (schema 5).
    #[serde(default)]
    pub url: Collected<Option<FunctionUrl>>,
    /// Last modified.
    pub last_modified: Option<String>,
}

/// A Lambda function URL.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FunctionUrl {
    /// The URL.
    pub url: String,
    /// `NONE` (anyone on the internet may call it, subject to the function policy) or
    /// `AWS_IAM`.
    pub auth_type: String,
}

/// CloudFormation, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CloudFormationData {
    /// Stacks (not deleted).
    pub stacks: Collected<Vec<Stack>>,
}

/// A CloudFormation stack.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// Name.
    pub name: String,
    /// Stack id (its ARN).
    pub arn: String,
    /// Status.
    pub status: String,
    /// Parameters, without their values.
    pub parameters: Vec<StackParameter>,
    /// The parameters whose values DescribeStacks shows, scanned as `Key=value` lines in
    /// the order of `parameters`.
    pub parameter_values: ScannedText,
    /// The outputs scanned as `Key=value` lines.
    pub outputs: ScannedText,
    /// Names of the outputs.
    pub output_keys: Vec<String>,
}

/// A stack parameter, without its value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StackParameter {
    /// Name.
    pub key: String,
    /// The value is hidden (`NoEcho`: DescribeStacks shows `****`).
    pub no_echo: bool,
    /// The value is empty.
    pub empty: bool,
}

/// ECS, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EcsData {
    /// The latest active revision of each task definition family.
    pub task_definitions: Collected<Vec<TaskDefinition>>,
}

/// An ECS task definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaskDefinition {
    /// ARN.
    pub arn: String,
    /// Family.
    pub family: String,
    /// Revision (0 when the definition could not be read).
    pub revision: i32,
    /// Containers; missing when the family's latest definition could not be read
    /// (DescribeTaskDefinition failed): the family is still listed, its ARN without revision.
    #[serde(deserialize_with = "crate::collected_or_plain")]
    pub containers: Collected<Vec<ContainerDefinition>>,
}

/// A container of a task definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContainerDefinition {
    /// Name.
    pub name: String,
    /// Names of its plain environment variables.
    pub environment_keys: Vec<String>,
    /// The environment scanned one `NAME=value` pair at a time, in the order of
    /// `environment_keys`: a match's `line` is its variable's position there.
    pub environment: ScannedText,
    /// Names of variables taken from Secrets Manager or SSM (`secrets`, the right way).
    pub secret_refs: Vec<String>,
    /// Runs privileged.
    pub privileged: bool,
}

/// SSM Parameter Store, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SsmData {
    /// Parameters (metadata only: values are never read).
    pub parameters: Collected<Vec<SsmParameter>>,
}

/// An SSM parameter's metadata.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SsmParameter {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `String`, `StringList` or `SecureString`.
    pub kind: String,
    /// Last modified.
    pub last_modified: Option<DateTime<Utc>>,
}

/// Elastic Load Balancing v2, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Elbv2Data {
    /// Application, network and gateway load balancers.
    pub load_balancers: Collected<Vec<LoadBalancer>>,
}

/// A load balancer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `application`, `network` or `gateway`.
    pub kind: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// VPC.
    pub vpc_id: Option<String>,
    /// Subnets.
    pub subnet_ids: Vec<String>,
    /// Security groups.
    pub security_group_ids: Vec<String>,
    /// Listeners.
    pub listeners: Collected<Vec<Listener>>,
    /// Attributes (`access_logs.s3.enabled`, `routing.http.drop_invalid_header_fields.enabled`,
    /// `deletion_protection.enabled`, ...).
    pub attributes: Collected<BTreeMap<String, String>>,
    /// Tags.
    pub tags: Vec<Tag>,
}

impl LoadBalancer {
    /// Whether the load balancer is reachable from the internet.
    pub fn internet_facing(&self) -> bool {
        self.scheme == "internet-facing"
    }
}

/// A listener.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    /// ARN.
    pub arn: String,
    /// Port.
    pub port: i32,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, ...
    pub protocol: String,
    /// TLS policy, for HTTPS and TLS listeners.
    pub ssl_policy: Option<String>,
    /// Every default action redirects to HTTPS.
    pub redirects_to_https: bool,
}
