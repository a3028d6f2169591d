//! Shared SDK plumbing: the SDK configuration, the API-call counter, and the conversion of
//! SDK errors into inventory gaps.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::display::DisplayErrorContext;
use rampart_inventory::{CollectionError, Gap};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Load the SDK configuration the way the AWS CLI does (env, profiles, SSO, process
/// credentials, container and instance roles), with adaptive retries and rustls on ring.
pub(crate) async fn load_config(
    profile: Option<&str>,
    endpoint_url: Option<&str>,
    max_attempts: u32,
) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::adaptive().with_max_attempts(max_attempts));
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = endpoint_url {
        loader = loader.endpoint_url(u);
    }
    loader.load().await
}

/// Counts every request attempt that reaches the transport, per service, and keeps the
/// errors met.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    calls: Mutex<BTreeMap<String, Arc<AtomicU64>>>,
    errors: Mutex<Vec<CollectionError>>,
}

impl Ledger {
    /// An interceptor that counts the calls of `service`.
    pub(crate) fn counter(&self, service: &str) -> CallCounter {
        let mut calls = self.calls.lock().expect("ledger lock");
        let n = calls.entry(service.to_owned()).or_default().clone();
        CallCounter { calls: n }
    }

    /// Record a failed call.
    pub(crate) fn error(&self, service: &str, region: &str, gap: &Gap) {
        self.errors
            .lock()
            .expect("ledger lock")
            .push(CollectionError {
                service: service.to_owned(),
                region: region.to_owned(),
                gap: gap.clone(),
            });
    }

    /// Calls per service so far.
    pub(crate) fn calls(&self) -> BTreeMap<String, u64> {
        self.calls
            .lock()
            .expect("ledger lock")
            .iter()
            .map(|(k, v)| (k.clone(), v.load(Ordering::Relaxed)))
            .filter(|(_, v)| *v > 0)
            .collect()
    }

    /// The errors met, sorted by service, region and API for stable output.
    pub(crate) fn take_errors(&self) -> Vec<CollectionError> {
        let mut errors = std::mem::take(&mut *self.errors.lock().expect("ledger lock"));
        errors.sort_by(|a, b| {
            (&a.service, &a.region, &a.gap.api).cmp(&(&b.service, &b.region, &b.gap.api))
        });
        errors
    }
}

/// Interceptor counting request attempts (retries included).
#[derive(Debug, Clone)]
pub(crate) struct CallCounter {
    calls: Arc<AtomicU64>,
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "rampart-call-counter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Turn an SDK error into a gap: the service's code and message where it sent one, else
/// the kind of failure (timeout, dispatch failure, unreadable response).
pub(crate) fn gap<E, R>(api: &str, err: &SdkError<E, R>) -> Gap
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let code = match err {
        SdkError::ServiceError(se) => se.err().code().unwrap_or("ServiceError").to_owned(),
        SdkError::TimeoutError(_) => "Timeout".into(),
        SdkError::DispatchFailure(_) => "DispatchFailure".into(),
        SdkError::ResponseError(_) => "ResponseError".into(),
        SdkError::ConstructionFailure(_) => "ConstructionFailure".into(),
        _ => "SdkError".into(),
    };
    let message = match err {
        SdkError::ServiceError(se) => se
            .err()
            .message()
            .map(str::to_owned)
            .unwrap_or_else(|| DisplayErrorContext(err).to_string()),
        _ => DisplayErrorContext(err).to_string(),
    };
    Gap {
        api: api.to_owned(),
        code,
        message: one_line(&message),
    }
}

/// Collapse whitespace so a message fits on one line of a report.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Convert an SDK timestamp.
pub(crate) fn time(
    t: Option<&aws_smithy_types::DateTime>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = t?;
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// An owned string from an optional `&str`, empty when absent.
pub(crate) fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}

/// Parse a policy document as IAM returns it: URL-encoded JSON (some emulators send it
/// plain).
pub(crate) fn policy_document(raw: Option<&str>) -> serde_json::Value {
    let Some(raw) = raw else {
        return serde_json::Value::Null;
    };
    let trimmed = raw.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(v) = serde_json::from_str(trimmed) {
            return v;
        }
    }
    let decoded = urlencoding::decode(raw)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| raw.to_owned());
    serde_json::from_str(&decoded).unwrap_or(serde_json::Value::String(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_decode_encoded_and_plain() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            policy_document(Some(enc)),
            serde_json::json!({"Version": "2012-10-17", "Statement": []})
        );
        assert_eq!(
            policy_document(Some("{\"a\": \"50%\"}")),
            serde_json::json!({"a": "50%"})
        );
        assert_eq!(policy_document(None), serde_json::Value::Null);
    }
}
