//! Shared SDK plumbing: the SDK configuration, the API-call counter, and the conversion of
//! SDK errors into inventory gaps.

use crate::transport::CallPolicy;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_smithy_async::time::SharedTimeSource;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use rampart_inventory::{CollectionError, Gap};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Load the SDK configuration the way the AWS CLI does (env, profiles, SSO, process
/// credentials, container and instance roles), with adaptive retries and timeouts sized by
/// `policy`, and rustls on ring. `time_source` replaces the system clock (tests of credential
/// expiry).
pub(crate) async fn load_config(
    profile: Option<&str>,
    endpoint_url: Option<&str>,
    policy: &CallPolicy,
    time_source: Option<SharedTimeSource>,
) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http.clone())
        .retry_config(
            if policy.adaptive {
                RetryConfig::adaptive()
            } else {
                RetryConfig::standard()
            }
            .with_max_attempts(policy.max_attempts.max(1))
            .with_initial_backoff(policy.initial_backoff)
            .with_max_backoff(policy.max_backoff),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(policy.connect_timeout)
                .read_timeout(policy.read_timeout)
                .build(),
        );
    if let Some(p) = profile {
        // A named profile wins over credentials in the environment, as with the AWS CLI's
        // `--profile`: `--fix-profile` must write with its own credentials, never with the
        // read-only ones a scan exports.
        let provider_config = aws_config::provider_config::ProviderConfig::default()
            .with_http_client(http.clone())
            .load_default_region()
            .await;
        loader = loader.profile_name(p).credentials_provider(
            aws_config::profile::ProfileFileCredentialsProvider::builder()
                .configure(&provider_config)
                .profile_name(p)
                .build(),
        );
    }
    if let Some(u) = endpoint_url {
        loader = loader.endpoint_url(u);
    }
    if let Some(t) = time_source {
        loader = loader.time_source(t);
    }
    loader.load().await
}

/// Counts every request attempt that reaches the transport, per service, the calls that
/// succeeded, and keeps the errors met.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    /// Told of every request and failed call.
    pub(crate) watch: crate::observer::Watch,
    calls: Mutex<BTreeMap<String, Arc<AtomicU64>>>,
    successes: Mutex<BTreeMap<String, u64>>,
    errors: Mutex<Vec<CollectionError>>,
}

impl Ledger {
    /// An interceptor that counts the calls of `service`.
    pub(crate) fn counter(&self, service: &str) -> CallCounter {
        let mut calls = self.calls.lock().expect("ledger lock");
        let n = calls.entry(service.to_owned()).or_default().clone();
        CallCounter {
            calls: n,
            watch: self.watch.clone(),
        }
    }

    /// Record a failed call.
    pub(crate) fn error(&self, service: &str, region: &str, gap: &Gap) {
        self.watch.tell(|o| o.error());
        self.errors
            .lock()
            .expect("ledger lock")
            .push(CollectionError {
                service: service.to_owned(),
                region: region.to_owned(),
                gap: gap.clone(),
            });
    }

    /// Record a call of `service` that read what it asked for.
    pub(crate) fn success(&self, service: &str) {
        *self
            .successes
            .lock()
            .expect("ledger lock")
            .entry(service.to_owned())
            .or_default() += 1;
    }

    /// Calls that succeeded, per service (setup calls not counted).
    pub(crate) fn successes(&self) -> BTreeMap<String, u64> {
        self.successes.lock().expect("ledger lock").clone()
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
    watch: crate::observer::Watch,
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
        self.watch.tell(|o| o.request());
        Ok(())
    }
}

/// Turn an SDK error into a gap: the service's code and message where it sent one, else
/// the kind of failure (timeout, dispatch failure, unreadable response).
///
/// An error body the SDK could not model (an XML error from a JSON service, a proxy's
/// page) is read for its `Code`/`__type` and `Message`, and the HTTP status is kept, so the
/// reason says "AccessDenied (HTTP 403)" rather than a parser's complaint.
pub(crate) fn gap<E>(api: &str, err: &SdkError<E, HttpResponse>) -> Gap
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (code, message) = match err {
        SdkError::ServiceError(se) => match se.err().code() {
            Some(code) => (
                code.to_owned(),
                se.err()
                    .message()
                    .map(str::to_owned)
                    .unwrap_or_else(|| chain(err)),
            ),
            None => unmodeled(se.raw()),
        },
        SdkError::TimeoutError(_) => ("Timeout".into(), chain(err)),
        SdkError::DispatchFailure(_) => ("DispatchFailure".into(), chain(err)),
        SdkError::ResponseError(re) => unmodeled(re.raw()),
        SdkError::ConstructionFailure(_) => ("ConstructionFailure".into(), chain(err)),
        _ => ("SdkError".into(), chain(err)),
    };
    Gap {
        api: api.to_owned(),
        code,
        message: one_line(&message),
    }
}

/// An error and its sources, `outer: inner: innermost`, without repeats and without the
/// debug dump the SDK's own formatter appends.
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// Code and message of an error response the SDK could not parse.
fn unmodeled(raw: &HttpResponse) -> (String, String) {
    let status = raw.status().as_u16();
    let body = raw
        .body()
        .bytes()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let code = xml_element(&body, "Code")
        .or_else(|| json_field(&body, &["__type", "code", "Code"]))
        .map(|c| c.rsplit('#').next().unwrap_or(&c).to_owned())
        .unwrap_or_else(|| format!("HTTP{status}"));
    let message = xml_element(&body, "Message")
        .or_else(|| json_field(&body, &["message", "Message"]))
        .unwrap_or_else(|| "the response could not be read".into());
    (code, format!("{message} (HTTP {status})"))
}

fn xml_element(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = body[start..].find(&format!("</{name}>"))? + start;
    Some(body[start..end].trim().to_owned()).filter(|s| !s.is_empty())
}

fn json_field(body: &str, names: &[&str]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    names
        .iter()
        .find_map(|n| v.get(n).and_then(|x| x.as_str()).map(str::to_owned))
}

/// Collapse whitespace so a message fits on one line of a report.
pub(crate) fn one_line(s: &str) -> String {
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

    // Honest results: an error body the SDK cannot model still yields its code and status.
    #[test]
    fn unmodeled_error_bodies_keep_code_and_status() {
        let xml = "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>\
                   <Message>bad signature</Message></Error></Errors></ErrorResponse>";
        assert_eq!(
            xml_element(xml, "Code").as_deref(),
            Some("SignatureDoesNotMatch")
        );
        assert_eq!(
            xml_element(xml, "Message").as_deref(),
            Some("bad signature")
        );
        let json = r#"{"__type": "com.amazon#AccessDeniedException", "message": "no"}"#;
        assert_eq!(
            json_field(json, &["__type"]).as_deref(),
            Some("com.amazon#AccessDeniedException")
        );
        assert_eq!(xml_element("<html>", "Code"), None);
    }

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
