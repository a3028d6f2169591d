//! Applying a `rampart fix` plan: the write calls of its steps, made through the AWS SDK for
//! Rust. A [`Writer`] holds the write credentials (`--fix-profile`, never the scan's) and
//! turns one `Call` of a plan (service, operation and params with the API reference's member
//! names) into the SDK's fluent call, returning the response members that a later call or
//! an undo needs (created ids and ARNs). Params are read strictly (`params.rs`).

mod operations;
mod params;

use crate::accounts::{Caller, ConnectOptions};
use crate::recorder::{OperationError, SdkResult};
use crate::sdk::{self, Ledger};
use crate::transport::{CallPolicy, ErrorRetries};
use crate::CollectError;
use aws_config::SdkConfig;
use futures::future::BoxFuture;
use futures::FutureExt;
use params::Params;
use serde_json::Value;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;

pub use operations::OPERATIONS;

/// Whether [`Writer::call`] makes `operation` of `service` (both as a plan's `Call` names
/// them: `ec2`, `CreateFlowLogs`).
pub fn supports(service: &str, operation: &str) -> bool {
    OPERATIONS
        .iter()
        .any(|(s, o)| *s == service && *o == operation)
}

/// Why a write call failed: AWS's error code and message, an SDK failure (`Timeout`,
/// `DispatchFailure`), or params the mapping refused (`InvalidParams`, before anything was
/// sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    /// AWS's error code (`AccessDenied`, `InvalidGroup.NotFound`), or rampart's
    /// (`InvalidParams`, `Unsupported`, `IncompleteResponse`, `SdkPanic`).
    pub code: String,
    /// The message, on one line.
    pub message: String,
    /// The caller is not allowed to make the call (the write profile lacks a permission).
    pub denied: bool,
    /// The params were refused before sending: a missing or mistyped member, or one the
    /// mapping does not read.
    pub invalid_params: bool,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for WriteError {}

impl WriteError {
    /// An error of `code` with `message` (denied when the code says so).
    fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        let code = code.into();
        WriteError {
            denied: is_denied(&code),
            code,
            message: sdk::one_line(&message.into()),
            invalid_params: false,
        }
    }

    /// Params refused before sending.
    fn invalid(message: impl Into<String>) -> Self {
        WriteError {
            invalid_params: true,
            ..WriteError::new("InvalidParams", message)
        }
    }

    /// A call the writer does not make.
    fn unsupported(service: &str, operation: &str) -> Self {
        WriteError::new(
            "Unsupported",
            format!("rampart cannot make {service}:{operation}"),
        )
    }
}

/// Whether an error code says the caller lacks a permission.
fn is_denied(code: &str) -> bool {
    matches!(
        code,
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" | "AuthorizationError"
    ) || code.contains("NotAuthorized")
}

/// A call whose params are read, not yet sent.
type Pending = BoxFuture<'static, Result<Value, WriteError>>;

/// The SDK clients built so far, by service and region (each of its SDK crate's type).
type Clients = Mutex<HashMap<(&'static str, String), Box<dyn Any + Send + Sync>>>;

/// The write credentials of one account, and its SDK clients, built when first needed for
/// each (service, region).
pub struct Writer {
    config: SdkConfig,
    ledger: Ledger,
    account_id: String,
    caller_arn: String,
    partition: String,
    clients: Clients,
}

impl Writer {
    /// Connects with `profile` (the `--fix-profile`) or the default chain, and
    /// `endpoint_url` (an emulator on 127.0.0.1 in tests), with the collector's retries
    /// and timeouts, and identifies the caller with `sts:GetCallerIdentity`.
    pub async fn connect(
        profile: Option<String>,
        endpoint_url: Option<String>,
    ) -> Result<Writer, CollectError> {
        let caller = Caller::connect(&ConnectOptions {
            profile,
            endpoint_url,
            policy: CallPolicy::default(),
            time_source: None,
        })
        .await;
        let identity = caller.identity().await?;
        Ok(Writer::over(
            caller.session().config().clone(),
            identity.account_id,
            identity.arn,
            identity.partition,
        ))
    }

    /// A writer over `config` for a caller already identified.
    fn over(config: SdkConfig, account_id: String, caller_arn: String, partition: String) -> Self {
        Writer {
            config,
            ledger: Ledger::default(),
            account_id,
            caller_arn,
            partition,
            clients: Mutex::default(),
        }
    }

    /// The account the write credentials belong to.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The ARN of the principal that writes.
    pub fn caller_arn(&self) -> &str {
        &self.caller_arn
    }

    /// The partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// Makes one call of a plan. `region` is the step's region, or `global` (IAM, S3
    /// Control, Budgets: the partition's global region, as the collector uses). `params` is
    /// the call's input with the API reference's member names, every value resolved (no
    /// `$response` reference left). Returns the response members a later call or an undo
    /// may need, as JSON with the reference's output member names (created ids and ARNs;
    /// `{}` when the call returns none). Nothing is sent when the params are refused.
    pub async fn call(
        &self,
        region: &str,
        service: &str,
        operation: &str,
        params: &Value,
    ) -> Result<Value, WriteError> {
        if !supports(service, operation) {
            return Err(WriteError::unsupported(service, operation));
        }
        let region = if region == "global" {
            crate::global_region(&self.partition)
        } else {
            region
        };
        let api = format!("{service}:{operation}");
        let mut p = Params::root(&api, params)?;
        let pending = self.prepare(region, &api, service, operation, &mut p)?;
        p.done()?;
        pending.await
    }

    /// The client of `service` in `region`, built by `build` the first time.
    fn client<C: Clone + Send + Sync + 'static>(
        &self,
        service: &'static str,
        region: &str,
        build: impl FnOnce() -> C,
    ) -> C {
        let mut clients = self.clients.lock().expect("writer clients lock");
        let key = (service, region.to_owned());
        if let Some(client) = clients.get(&key).and_then(|c| c.downcast_ref::<C>()) {
            return client.clone();
        }
        let client = build();
        clients.insert(key, Box::new(client.clone()));
        client
    }

    /// The S3 client of `region`: path-style addressing on an explicit endpoint, as the
    /// collector's.
    fn s3_client(&self, region: &str) -> aws_sdk_s3::Client {
        self.client("s3", region, || {
            aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(&self.config)
                    .region(aws_types::region::Region::new(region.to_owned()))
                    .force_path_style(self.config.endpoint_url().is_some())
                    .interceptor(self.ledger.counter("s3"))
                    .retry_classifier(ErrorRetries)
                    .build(),
            )
        })
    }

    /// The S3 Control client of `region`: an explicit endpoint is used as it is (its rules
    /// would put the account id in front of `127.0.0.1`), as the collector's.
    fn s3control_client(&self, region: &str) -> aws_sdk_s3control::Client {
        self.client("s3control", region, || {
            let mut config = aws_sdk_s3control::config::Builder::from(&self.config)
                .region(aws_types::region::Region::new(region.to_owned()))
                .interceptor(self.ledger.counter("s3control"))
                .retry_classifier(ErrorRetries);
            if let Some(url) = self.config.endpoint_url() {
                config = config.endpoint_resolver(crate::storage::FixedEndpoint(url.to_owned()));
            }
            aws_sdk_s3control::Client::from_conf(config.build())
        })
    }
}

/// A client of SDK crate `$krate` for `$service` in `$region`, from the writer's cache.
macro_rules! client_of {
    ($writer:expr, $krate:ident, $service:literal, $region:expr) => {
        $writer.client($service, $region, || {
            client!($krate, &$writer.config, $region, $writer.ledger, $service)
        })
    };
}
pub(crate) use client_of;

/// The call `request` (a fluent builder), sent when awaited, its output through
/// `|out| respond` (a `Result<Value, WriteError>`; `{}` when omitted).
macro_rules! send {
    ($api:expr, $request:expr) => {
        send!($api, $request, |_out| Ok(serde_json::json!({})))
    };
    ($api:expr, $request:expr, |$out:ident| $respond:expr) => {{
        let api: String = $api.to_owned();
        let request = $request.send();
        let pending: $crate::apply::Pending = Box::pin(async move {
            #[allow(unused_variables)]
            let $out = $crate::apply::sent(&api, request).await?;
            $respond
        });
        pending
    }};
}
pub(crate) use send;

/// Await `request`: its output, or the error AWS answered (code and message from the SDK's
/// error metadata, or read from a body it could not model), or the SDK's failure. A panic
/// inside the SDK is the call's error, code `SdkPanic`.
async fn sent<O, E: OperationError>(
    api: &str,
    request: impl Future<Output = SdkResult<O, E>>,
) -> Result<O, WriteError> {
    match AssertUnwindSafe(request).catch_unwind().await {
        Ok(Ok(out)) => Ok(out),
        Ok(Err(e)) => {
            let gap = sdk::gap(api, &e);
            Err(WriteError::new(gap.code, gap.message))
        }
        Err(panic) => Err(WriteError::new(
            "SdkPanic",
            format!(
                "the AWS SDK failed on this request: {}",
                crate::recorder::panic_message(panic.as_ref())
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_credential_types::Credentials;
    use serde_json::json;

    /// A writer over an endpoint nothing listens on, which no test reaches: every call
    /// below is refused before it is sent.
    fn writer() -> Writer {
        let config = SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_types::region::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:1")
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            )))
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .sleep_impl(aws_smithy_async::rt::sleep::SharedAsyncSleep::new(
                aws_smithy_async::rt::sleep::TokioSleep::new(),
            ))
            .time_source(aws_smithy_async::time::SharedTimeSource::default())
            .build();
        Writer::over(
            config,
            "123456789012".into(),
            "arn:aws:iam::123456789012:user/fixer".into(),
            "aws".into(),
        )
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    // Issue 14: every operation the writer lists is mapped by `call` (a forgotten arm would
    // answer `Unsupported`), and every mapping reads its params strictly: a member it does
    // not take is refused, naming the member, before anything is sent.
    #[test]
    fn every_listed_operation_is_mapped_and_refuses_an_unknown_member() {
        let w = writer();
        let params = json!({"RampartNoSuchMember": true});
        for (service, operation) in OPERATIONS {
            let err = block_on(w.call("eu-west-1", service, operation, &params))
                .expect_err("refused before sending");
            assert!(
                err.invalid_params && err.code == "InvalidParams",
                "{service}:{operation}: {err}"
            );
            assert!(
                err.message
                    .starts_with(&format!("{service}:{operation}: member ")),
                "{service}:{operation}: {err}"
            );
            assert!(
                err.message.contains("RampartNoSuchMember is not a member")
                    || err.message.contains("is missing (it is required)"),
                "{service}:{operation}: {err}"
            );
        }
    }

    // Issue 14: an operation's required members are required: empty params are refused,
    // naming the first missing member, for every operation that has one.
    #[test]
    fn empty_params_name_the_missing_required_member() {
        let w = writer();
        let cases = [
            ("s3", "PutPublicAccessBlock", "Bucket"),
            ("s3control", "PutPublicAccessBlock", "AccountId"),
            ("guardduty", "CreateDetector", "enable"),
            ("guardduty", "UpdateDetector", "detectorId"),
            ("sns", "SetTopicAttributes", "TopicArn"),
            ("events", "PutTargets", "Rule"),
            ("ec2", "CreateFlowLogs", "ResourceIds"),
            ("ec2", "AuthorizeSecurityGroupIngress", "GroupId"),
            ("iam", "CreateRole", "RoleName"),
            ("kms", "EnableKeyRotation", "KeyId"),
            ("logs", "PutRetentionPolicy", "logGroupName"),
            ("cloudwatch", "PutMetricAlarm", "AlarmName"),
            ("accessanalyzer", "CreateAnalyzer", "analyzerName"),
            (
                "config",
                "PutConfigurationRecorder",
                "ConfigurationRecorder",
            ),
            ("cloudtrail", "CreateTrail", "Name"),
            ("budgets", "CreateBudget", "AccountId"),
            ("rds", "ModifyDBInstance", "DBInstanceIdentifier"),
        ];
        for (service, operation, member) in cases {
            let err = block_on(w.call("global", service, operation, &json!({}))).unwrap_err();
            assert_eq!(
                err.message,
                format!("{service}:{operation}: member {member} is missing (it is required)"),
            );
        }
        // Nested required members too.
        let err = block_on(w.call(
            "eu-west-1",
            "logs",
            "PutMetricFilter",
            &json!({"logGroupName": "g", "filterName": "f", "filterPattern": "p",
                    "metricTransformations": [{"metricName": "m", "metricNamespace": "n"}]}),
        ))
        .unwrap_err();
        assert_eq!(
            err.message,
            "logs:PutMetricFilter: member metricTransformations[0].metricValue is missing (it is required)"
        );
    }

    #[test]
    fn supports_lists_exactly_the_mapped_operations() {
        assert!(supports("ec2", "CreateFlowLogs"));
        assert!(supports("s3control", "PutPublicAccessBlock"));
        assert!(!supports("s3", "PutObject"));
        assert!(!supports("ec2", "createFlowLogs"));
        assert!(!supports("iam", "CreateUser"));
        let err = block_on(writer().call("global", "iam", "CreateUser", &json!({}))).unwrap_err();
        assert_eq!(err.code, "Unsupported");
        assert!(!err.invalid_params);
        let mut seen = std::collections::BTreeSet::new();
        for entry in OPERATIONS {
            assert!(seen.insert(entry), "listed twice: {entry:?}");
        }
    }

    #[test]
    fn errors_say_code_and_message_and_whether_denied() {
        for code in [
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "AuthorizationError",
            "NotAuthorizedException",
            "InvalidClientTokenId.NotAuthorized",
        ] {
            assert!(WriteError::new(code, "no").denied, "{code}");
        }
        for code in [
            "InvalidGroup.NotFound",
            "ThrottlingException",
            "InvalidParams",
        ] {
            assert!(!WriteError::new(code, "no").denied, "{code}");
        }
        let e = WriteError::new("AccessDenied", "User: x is not\n authorized");
        assert_eq!(e.to_string(), "AccessDenied: User: x is not authorized");
    }
}
