//! How requests reach AWS: one budget of requests in flight for a whole run, shared by
//! every account, with limits per account and per (region, service) of an account; and a
//! breaker that stops sending to an endpoint that does not answer.
//!
//! Both live in an [`HttpClient`] wrapped around the SDK's own client, so they see every
//! attempt the SDK makes (pages and retries included) after signing: the service and region
//! come from the request's SigV4 credential scope. Throttling answers are the SDK's affair
//! (adaptive retry, sized by [`CallPolicy`]); this layer keeps rampart from causing them.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority, RetryReason,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::retry::ErrorKind;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Retries, timeouts and the request budget of a run.
#[derive(Debug, Clone)]
pub struct CallPolicy {
    /// Attempts per call (the first one included).
    pub max_attempts: u32,
    /// The SDK's adaptive retry mode (a client-side rate limiter per service client that
    /// slows down after throttling), else its standard mode (backoff only).
    pub adaptive: bool,
    /// Attempts per call when the answers are server errors (500s) or dropped connections
    /// rather than throttling: an API that fails this way is broken, and waiting through
    /// `max_attempts` backoffs would only delay the report.
    pub max_error_attempts: u32,
    /// Backoff before the first retry; later retries back off exponentially, with jitter,
    /// up to `max_backoff`.
    pub initial_backoff: Duration,
    /// The longest backoff between two attempts.
    pub max_backoff: Duration,
    /// How long to wait for a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// How long to wait for the first byte of an answer once the request is sent.
    pub read_timeout: Duration,
    /// Timeouts in a row, with no answer in between, after which an endpoint (host and
    /// region) is given up for the rest of its account's scan.
    pub breaker_timeouts: u32,
    /// Requests in flight at once, for the whole run.
    pub max_in_flight: usize,
    /// Requests in flight at once in one account.
    pub max_in_flight_per_account: usize,
    /// Requests in flight at once to one service in one region of one account.
    pub max_in_flight_per_service: usize,
}

impl Default for CallPolicy {
    fn default() -> Self {
        CallPolicy {
            // At 20% throttling, 3 attempts leave 0.8% of calls failed; 10 leave 1 in 10
            // million (issue 10).
            max_attempts: 10,
            adaptive: true,
            max_error_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(30),
            breaker_timeouts: 2,
            max_in_flight: 64,
            max_in_flight_per_account: 32,
            max_in_flight_per_service: 8,
        }
    }
}

/// The requests in flight of a whole run: one shared by every account's [`AccountBudget`].
#[derive(Debug, Clone)]
pub struct RequestBudget {
    total: Arc<Semaphore>,
    policy: Arc<CallPolicy>,
}

impl RequestBudget {
    /// A budget sized by `policy`.
    pub fn new(policy: &CallPolicy) -> Self {
        RequestBudget {
            total: Arc::new(Semaphore::new(policy.max_in_flight.max(1))),
            policy: Arc::new(policy.clone()),
        }
    }

    /// The policy the budget was made with.
    pub fn policy(&self) -> &CallPolicy {
        &self.policy
    }

    /// A share of the budget for one account, with its own limits and breaker.
    pub(crate) fn account(&self) -> Arc<AccountBudget> {
        Arc::new(AccountBudget {
            total: self.total.clone(),
            account: Arc::new(Semaphore::new(self.policy.max_in_flight_per_account.max(1))),
            per_service: self.policy.max_in_flight_per_service.max(1),
            services: Mutex::default(),
            breaker_timeouts: self.policy.breaker_timeouts.max(1),
            max_error_attempts: self.policy.max_error_attempts.max(1),
            server_errors: Mutex::default(),
            timeouts: Mutex::default(),
        })
    }
}

/// One account's share of a [`RequestBudget`].
pub(crate) struct AccountBudget {
    total: Arc<Semaphore>,
    account: Arc<Semaphore>,
    per_service: usize,
    services: Mutex<HashMap<Scope, Arc<Semaphore>>>,
    breaker_timeouts: u32,
    max_error_attempts: u32,
    /// Server errors so far per call in progress (`amz-sdk-invocation-id`, the same for
    /// every attempt of one call).
    server_errors: Mutex<HashMap<String, u32>>,
    /// Timeouts in a row per endpoint (host and region).
    timeouts: Mutex<HashMap<(String, String), u32>>,
}

impl fmt::Debug for AccountBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountBudget")
            .field("available", &self.account.available_permits())
            .finish()
    }
}

/// A request's service and region, from its credential scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Scope {
    region: String,
    service: String,
}

/// The region and service of a signed request: `Credential=AKID/DATE/REGION/SERVICE/aws4_request`.
fn scope(request: &HttpRequest) -> Scope {
    let auth = request.headers().get("authorization").unwrap_or_default();
    let mut parts = auth
        .split("Credential=")
        .nth(1)
        .unwrap_or_default()
        .split(['/', ',']);
    let (_, _, region, service) = (parts.next(), parts.next(), parts.next(), parts.next());
    Scope {
        region: region.unwrap_or_default().to_owned(),
        service: service.unwrap_or_default().to_owned(),
    }
}

/// The `host[:port]` a request goes to.
fn host(request: &HttpRequest) -> String {
    let uri = request.uri();
    let rest = uri.split_once("://").map(|(_, r)| r).unwrap_or(uri);
    rest.split(['/', '?']).next().unwrap_or_default().to_owned()
}

impl AccountBudget {
    fn service(&self, scope: &Scope) -> Arc<Semaphore> {
        self.services
            .lock()
            .expect("budget lock")
            .entry(scope.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_service)))
            .clone()
    }

    /// Whether the endpoint has timed out too many times in a row to be tried again.
    fn given_up(&self, endpoint: &(String, String)) -> bool {
        self.timeouts
            .lock()
            .expect("budget lock")
            .get(endpoint)
            .is_some_and(|n| *n >= self.breaker_timeouts)
    }

    /// Count a call's answer; whether it is a server error that must not be retried (the
    /// call's `max_error_attempts`-th).
    fn server_error(&self, invocation: String, is_server_error: bool) -> bool {
        let mut counts = self.server_errors.lock().expect("budget lock");
        if !is_server_error {
            counts.remove(&invocation);
            return false;
        }
        let n = counts.entry(invocation.clone()).or_default();
        *n += 1;
        if *n >= self.max_error_attempts {
            counts.remove(&invocation);
            true
        } else {
            false
        }
    }

    fn record(&self, endpoint: (String, String), timed_out: bool) {
        let mut timeouts = self.timeouts.lock().expect("budget lock");
        if timed_out {
            *timeouts.entry(endpoint).or_default() += 1;
        } else {
            timeouts.remove(&endpoint);
        }
    }

    /// An HTTP client that sends through `inner` within this budget.
    pub(crate) fn client(self: &Arc<Self>, inner: SharedHttpClient) -> SharedHttpClient {
        SharedHttpClient::new(Budgeted {
            inner,
            budget: self.clone(),
        })
    }
}

#[derive(Debug)]
struct Budgeted {
    inner: SharedHttpClient,
    budget: Arc<AccountBudget>,
}

impl HttpClient for Budgeted {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(BudgetedConnector {
            inner: self.inner.http_connector(settings, components),
            budget: self.budget.clone(),
        })
    }
}

#[derive(Debug)]
struct BudgetedConnector {
    inner: SharedHttpConnector,
    budget: Arc<AccountBudget>,
}

/// The error of a request not sent because its endpoint stopped answering.
#[derive(Debug)]
struct EndpointGivenUp {
    host: String,
    region: String,
    timeouts: u32,
}

impl fmt::Display for EndpointGivenUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "endpoint {} did not answer {} request(s) in a row in region {}; not tried again",
            self.host, self.timeouts, self.region
        )
    }
}

impl std::error::Error for EndpointGivenUp {}

impl HttpConnector for BudgetedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let budget = self.budget.clone();
        let inner = self.inner.clone();
        HttpConnectorFuture::new(async move {
            let scope = scope(&request);
            let endpoint = (host(&request), scope.region.clone());
            if budget.given_up(&endpoint) {
                return Err(ConnectorError::other(
                    Box::new(EndpointGivenUp {
                        host: endpoint.0,
                        region: endpoint.1,
                        timeouts: budget.breaker_timeouts,
                    }),
                    None,
                ));
            }
            // Narrowest first, so a request waiting for its service holds no share of the
            // account's or the run's budget.
            let service = budget.service(&scope);
            let _service = service.acquire().await.expect("semaphore never closed");
            let _account = budget
                .account
                .acquire()
                .await
                .expect("semaphore never closed");
            let _total = budget
                .total
                .acquire()
                .await
                .expect("semaphore never closed");
            let invocation = request
                .headers()
                .get("amz-sdk-invocation-id")
                .map(str::to_owned);
            let mut result = inner.call(request).await;
            let timed_out = matches!(&result, Err(e) if e.is_timeout());
            budget.record(endpoint, timed_out);
            if let (Ok(response), Some(invocation)) = (&mut result, invocation) {
                let server_error = matches!(response.status().as_u16(), 500 | 502 | 504);
                if budget.server_error(invocation, server_error) {
                    response.headers_mut().insert(LAST_ERROR_ATTEMPT, "true");
                }
            }
            result
        })
    }
}

/// The response header the budget adds to a call's `max_error_attempts`-th server error
/// (HTTP 500, 502 or 504), so that [`ErrorRetries`] stops there; never sent anywhere.
const LAST_ERROR_ATTEMPT: &str = "x-rampart-last-error-attempt";

/// Retries throttling up to `max_attempts`, but server errors only up to
/// `max_error_attempts`: when the SDK's own classifiers call an answer retryable for another
/// reason than throttling, and the budget marked it as the call's last server error, the
/// call is not retried.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ErrorRetries;

impl ClassifyRetry for ErrorRetries {
    fn classify_retry(&self, _ctx: &InterceptorContext) -> RetryAction {
        RetryAction::NoActionIndicated
    }

    fn classify_retry_v2(&self, ctx: &InterceptorContext, previous: &RetryAction) -> RetryAction {
        let RetryAction::RetryIndicated(RetryReason::RetryableError { kind, .. }) = previous else {
            return RetryAction::NoActionIndicated;
        };
        let last = ctx
            .response()
            .is_some_and(|r| r.headers().get(LAST_ERROR_ATTEMPT).is_some());
        if *kind != ErrorKind::ThrottlingError && last {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "rampart-error-retries"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn signed(region: &str, service: &str) -> HttpRequest {
        let mut r = HttpRequest::new(SdkBody::empty());
        r.set_uri("http://127.0.0.1:5000/").unwrap();
        r.headers_mut().insert(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0"
            ),
        );
        r
    }

    #[test]
    fn scope_is_read_from_the_credential_scope() {
        let s = scope(&signed("eu-west-1", "ec2"));
        assert_eq!(
            (s.region.as_str(), s.service.as_str()),
            ("eu-west-1", "ec2")
        );
        assert_eq!(host(&signed("eu-west-1", "ec2")), "127.0.0.1:5000");
        let unsigned = HttpRequest::new(SdkBody::empty());
        assert_eq!(scope(&unsigned).service, "");
    }

    /// A connector that counts the requests in flight and answers after a pause, or times
    /// out.
    #[derive(Debug, Default)]
    struct Probe {
        now: AtomicUsize,
        peak: AtomicUsize,
        calls: AtomicUsize,
        time_out: bool,
    }

    #[derive(Debug)]
    struct ProbeConnector(Arc<Probe>);

    impl HttpConnector for ProbeConnector {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let probe = self.0.clone();
            HttpConnectorFuture::new(async move {
                probe.calls.fetch_add(1, Ordering::SeqCst);
                let now = probe.now.fetch_add(1, Ordering::SeqCst) + 1;
                probe.peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                probe.now.fetch_sub(1, Ordering::SeqCst);
                if probe.time_out {
                    return Err(ConnectorError::timeout("read timed out".into()));
                }
                Ok(HttpResponse::new(
                    200.try_into().unwrap(),
                    SdkBody::from("ok"),
                ))
            })
        }
    }

    fn connector(budget: &Arc<AccountBudget>, probe: &Arc<Probe>) -> BudgetedConnector {
        BudgetedConnector {
            inner: SharedHttpConnector::new(ProbeConnector(probe.clone())),
            budget: budget.clone(),
        }
    }

    // Issue 10: one budget of requests in flight for the whole run, and limits per account
    // and per (region, service) of an account.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_in_flight_stay_within_every_limit() {
        let policy = CallPolicy {
            max_in_flight: 6,
            max_in_flight_per_account: 4,
            max_in_flight_per_service: 2,
            ..CallPolicy::default()
        };
        let run = RequestBudget::new(&policy);
        let (a, b) = (run.account(), run.account());
        let (one_service, account_a, whole_run) = (
            Arc::new(Probe::default()),
            Arc::new(Probe::default()),
            Arc::new(Probe::default()),
        );
        let mut calls = Vec::new();
        for _ in 0..20 {
            calls.push(connector(&a, &one_service).call(signed("us-east-1", "iam")));
        }
        futures::future::join_all(calls).await;
        assert_eq!(one_service.peak.load(Ordering::SeqCst), 2);

        let mut calls = Vec::new();
        for i in 0..40 {
            let region = ["us-east-1", "eu-west-1", "eu-west-2", "ap-south-1"][i % 4];
            calls.push(connector(&a, &account_a).call(signed(region, "ec2")));
        }
        futures::future::join_all(calls).await;
        assert_eq!(account_a.peak.load(Ordering::SeqCst), 4);

        let mut calls = Vec::new();
        for i in 0..60 {
            let account = if i % 2 == 0 { &a } else { &b };
            let region = ["us-east-1", "eu-west-1", "eu-west-2", "ap-south-1"][i % 4];
            calls.push(connector(account, &whole_run).call(signed(region, "ec2")));
        }
        futures::future::join_all(calls).await;
        assert_eq!(whole_run.peak.load(Ordering::SeqCst), 6);
        assert_eq!(whole_run.calls.load(Ordering::SeqCst), 60);
    }

    // Issue 10: an endpoint that does not answer is given up after `breaker_timeouts`
    // timeouts in a row; other regions and other accounts are not affected.
    #[tokio::test]
    async fn an_endpoint_that_times_out_is_given_up() {
        let policy = CallPolicy {
            breaker_timeouts: 2,
            ..CallPolicy::default()
        };
        let run = RequestBudget::new(&policy);
        let (a, b) = (run.account(), run.account());
        let dead = Arc::new(Probe {
            time_out: true,
            ..Probe::default()
        });
        for _ in 0..5 {
            connector(&a, &dead)
                .call(signed("eu-west-1", "ec2"))
                .await
                .unwrap_err();
        }
        assert_eq!(dead.calls.load(Ordering::SeqCst), 2, "given up after two");
        let e = connector(&a, &dead)
            .call(signed("eu-west-1", "kms"))
            .await
            .unwrap_err();
        let given_up = std::error::Error::source(&e).map(|s| s.to_string());
        assert_eq!(
            given_up.as_deref(),
            Some(
                "endpoint 127.0.0.1:5000 did not answer 2 request(s) in a row in region \
                 eu-west-1; not tried again"
            )
        );
        assert_eq!(
            dead.calls.load(Ordering::SeqCst),
            2,
            "the region's other services too"
        );

        let alive = Arc::new(Probe::default());
        connector(&a, &alive)
            .call(signed("us-east-1", "ec2"))
            .await
            .expect("another region still answers");
        connector(&b, &alive)
            .call(signed("eu-west-1", "ec2"))
            .await
            .expect("another account still tries the region");
        assert_eq!(alive.calls.load(Ordering::SeqCst), 2);
    }

    // Issue 10: throttling is retried up to max_attempts, but a call whose answers are server
    // errors stops at its max_error_attempts-th; another answer in between starts again.
    #[test]
    fn server_errors_are_counted_per_call() {
        let run = RequestBudget::new(&CallPolicy {
            max_error_attempts: 3,
            ..CallPolicy::default()
        });
        let a = run.account();
        assert!(!a.server_error("call-1".into(), true));
        assert!(!a.server_error("call-2".into(), true));
        assert!(!a.server_error("call-1".into(), true));
        assert!(
            a.server_error("call-1".into(), true),
            "third server error of call-1"
        );
        assert!(!a.server_error("call-2".into(), false), "call-2 answered");
        assert!(!a.server_error("call-2".into(), true));
        assert!(!a.server_error("call-2".into(), true));
        assert!(a.server_error("call-2".into(), true));
        assert!(
            a.server_errors.lock().unwrap().is_empty(),
            "finished calls are forgotten"
        );
    }

    // An answer between timeouts resets the count: a slow moment is not a dead endpoint.
    #[tokio::test]
    async fn an_answer_resets_the_count() {
        let run = RequestBudget::new(&CallPolicy::default());
        let a = run.account();
        let endpoint = ("127.0.0.1:5000".to_owned(), "eu-west-1".to_owned());
        a.record(endpoint.clone(), true);
        a.record(endpoint.clone(), false);
        a.record(endpoint.clone(), true);
        assert!(!a.given_up(&endpoint));
        a.record(endpoint.clone(), true);
        assert!(a.given_up(&endpoint));
    }
}
