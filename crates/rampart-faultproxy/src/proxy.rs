//! The proxy itself: accepts HTTP/1.1 connections on a loopback address (keep-alive), reads
//! each request, asks the schedule and the rate limiter what to do with it, and either answers
//! with a fault or forwards it unchanged to the upstream over a connection pool, streaming the
//! answer back. Admin requests under `/__proxy/` read the stats and replace the config.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use crate::aws_error::{answer, ErrorKind};
use crate::config::{Config, ConfigError, FaultKind};
use crate::rate_limit::RateLimiter;
use crate::request::{Fnv, RequestInfo};
use crate::schedule::{decide, jitter_ms, request_key, Attempts};
use crate::stats::{Outcome, Stats, StatsTable};

/// The body of the proxy's answers: a fault's, or the upstream's streamed through.
type ProxyBody = BoxBody<Bytes, hyper::Error>;

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The upstream is not an `http://host:port` URL.
    #[error("upstream {url:?} is not an http:// URL with a host: {reason}")]
    Upstream {
        /// The URL given.
        url: String,
        /// Why.
        reason: String,
    },
    /// The listen address is not a loopback address.
    #[error("refusing to listen on {0}: only loopback addresses (127.0.0.0/8, ::1) are allowed")]
    NotLoopback(SocketAddr),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration was refused.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The proxy's own runtime could not be started (for [`FaultProxy::spawn`]).
    #[error("cannot start the proxy's runtime: {0}")]
    Runtime(std::io::Error),
}

/// A running fault proxy. Dropping it stops it: the listener closes and every connection,
/// hung ones included, is dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_task: JoinHandle<()>,
    runtime: Option<tokio::runtime::Runtime>,
}

struct Upstream {
    /// `http://host:port`
    origin: String,
    /// The upstream URL's path without its trailing `/` (usually empty), put before each path.
    base_path: String,
}

/// An answer a test gives in place of the upstream: for APIs the emulator does not serve,
/// in the format AWS documents for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canned {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` of the body (`text/xml` for the query protocols).
    pub content_type: String,
    /// The body.
    pub body: String,
}

/// Decides, for each request that drew no fault, whether the test answers it itself
/// (`Some`) or the upstream does (`None`).
pub type Responder = Arc<dyn Fn(&RequestInfo) -> Option<Canned> + Send + Sync>;

struct Shared {
    upstream: Upstream,
    responder: RwLock<Option<Responder>>,
    config: RwLock<Arc<Config>>,
    attempts: Attempts,
    limiter: RateLimiter,
    stats: StatsTable,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl FaultProxy {
    /// Starts a proxy on `127.0.0.1` (a free port) in the current tokio runtime, forwarding to
    /// `upstream` (`http://127.0.0.1:PORT`). It runs only while that runtime does: a test that
    /// blocks its runtime's thread on the proxy (a child process, blocking I/O) wants
    /// [`FaultProxy::spawn`] instead.
    pub async fn start(upstream: &str, config: Config) -> Result<FaultProxy, ProxyError> {
        let any_port = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        FaultProxy::start_on(any_port, upstream, config).await
    }

    /// Starts a proxy on `listen`, which must be a loopback address (port 0: a free port).
    pub async fn start_on(
        listen: SocketAddr,
        upstream: &str,
        config: Config,
    ) -> Result<FaultProxy, ProxyError> {
        if !listen.ip().is_loopback() {
            return Err(ProxyError::NotLoopback(listen));
        }
        config.validate()?;
        let upstream = parse_upstream(upstream)?;
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| ProxyError::Bind {
                addr: listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| ProxyError::Bind {
            addr: listen,
            source,
        })?;
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        let shared = Arc::new(Shared {
            upstream,
            responder: RwLock::new(None),
            config: RwLock::new(Arc::new(config)),
            attempts: Attempts::default(),
            limiter: RateLimiter::default(),
            stats: StatsTable::default(),
            client,
        });
        let accept_task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(FaultProxy {
            addr,
            shared,
            accept_task,
            runtime: None,
        })
    }

    /// Starts a proxy on `127.0.0.1` on a runtime of its own (two worker threads), for
    /// synchronous tests that drive a binary. Callable from anywhere, inside a runtime or not.
    pub fn spawn(upstream: &str, config: Config) -> Result<FaultProxy, ProxyError> {
        let upstream = upstream.to_string();
        let started = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("rampart-fault-proxy")
                .enable_all()
                .build()
                .map_err(ProxyError::Runtime)?;
            let proxy = runtime.block_on(FaultProxy::start(&upstream, config))?;
            Ok::<_, ProxyError>((runtime, proxy))
        })
        .join()
        .map_err(|_| ProxyError::Runtime(std::io::Error::other("the start-up thread panicked")))?;
        let (runtime, mut proxy) = started?;
        proxy.runtime = Some(runtime);
        Ok(proxy)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its URL, `http://127.0.0.1:PORT`: the endpoint URL to give the SDK.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The counts so far.
    pub fn stats(&self) -> Stats {
        self.shared.stats.snapshot()
    }

    /// Sets every count back to zero and forgets the attempt numbers of the schedule, as a
    /// newly started proxy.
    pub fn reset_stats(&self) {
        self.shared.reset_stats();
    }

    /// The configuration in force.
    pub fn config(&self) -> Config {
        Config::clone(&self.shared.current_config())
    }

    /// Answers the requests `responder` chooses in place of the upstream, from now on
    /// (`None`: forward everything again). Faults and rate limits still come first.
    pub fn set_responder(&self, responder: Option<Responder>) {
        *self
            .shared
            .responder
            .write()
            .unwrap_or_else(|e| e.into_inner()) = responder;
    }

    /// Replaces the configuration for the requests that arrive from now on. The rate-limit
    /// buckets start again full; counts and attempt numbers are kept.
    pub fn set_config(&self, config: Config) -> Result<(), ConfigError> {
        self.shared.set_config(config)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept_task.abort();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy")
            .field("addr", &self.addr)
            .field("upstream", &self.shared.upstream.origin)
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn current_config(&self) -> Arc<Config> {
        Arc::clone(
            &self
                .config
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn set_config(&self, config: Config) -> Result<(), ConfigError> {
        config.validate()?;
        *self
            .config
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(config);
        self.limiter.clear();
        Ok(())
    }

    fn reset_stats(&self) {
        self.stats.clear();
        self.attempts.clear();
    }
}

fn parse_upstream(url: &str) -> Result<Upstream, ProxyError> {
    let refuse = |reason: &str| ProxyError::Upstream {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let uri: Uri = url
        .parse()
        .map_err(|e: hyper::http::uri::InvalidUri| refuse(&e.to_string()))?;
    if uri.scheme_str() != Some("http") {
        return Err(refuse("only plain http is supported"));
    }
    let authority = uri.authority().ok_or_else(|| refuse("no host"))?;
    if uri.query().is_some() {
        return Err(refuse("a query is not allowed"));
    }
    Ok(Upstream {
        origin: format!("http://{authority}"),
        base_path: uri.path().trim_end_matches('/').to_string(),
    })
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Owning the connections here means aborting this task drops every one of them.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors, or a connection aborted before it was accepted.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// What the request being served asked to be done with its connection.
#[derive(Default)]
struct ConnectionFate {
    /// Close it with a TCP RST, answering nothing.
    reset: Notify,
    /// Answer nothing, and hold it open until the client closes it.
    hang: Notify,
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    // A second handle on the socket, kept for the two faults that take the connection away
    // from hyper: a reset (with SO_LINGER 0, the last close sends a TCP RST instead of a FIN)
    // and a hang (the socket stays open while hyper's handle is dropped).
    let Ok(std_stream) = stream.into_std() else {
        return;
    };
    let Ok(second_handle) = std_stream.try_clone() else {
        return;
    };
    let Ok(stream) = TcpStream::from_std(std_stream) else {
        return;
    };
    let fate = Arc::new(ConnectionFate::default());
    let service = service_fn({
        let fate = Arc::clone(&fate);
        move |request| handle(Arc::clone(&shared), Arc::clone(&fate), request)
    });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    let hang = tokio::select! {
        _ = connection => return,
        _ = fate.reset.notified() => false,
        _ = fate.hang.notified() => true,
    };
    // hyper's handle is dropped here; the socket lives on in `second_handle`.
    if hang {
        // Read and discard until the client gives up, then close: a hung request holds its
        // connection as long as the client waits, and no longer.
        let Ok(mut held) = TcpStream::from_std(second_handle) else {
            return;
        };
        let mut sink = [0u8; 4096];
        while let Ok(n) = tokio::io::AsyncReadExt::read(&mut held, &mut sink).await {
            if n == 0 {
                break;
            }
        }
    } else {
        let _ = socket2::SockRef::from(&second_handle).set_linger(Some(Duration::ZERO));
    }
}

async fn handle(
    shared: Arc<Shared>,
    fate: Arc<ConnectionFate>,
    request: Request<Incoming>,
) -> Result<Response<ProxyBody>, Infallible> {
    if request.uri().path().starts_with("/__proxy/") {
        return Ok(admin(&shared, request).await);
    }
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            return Ok(plain(
                StatusCode::BAD_REQUEST,
                format!("unreadable request body: {e}"),
            ))
        }
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    let info = RequestInfo::classify(&parts.method, &path_and_query, &parts.headers, &body);
    let config = shared.current_config();
    let attempt = shared.attempts.next(request_key(&info));
    let fault = decide(&config, &info, attempt);
    let rate_limited = fault.is_none() && !shared.limiter.admit(&config.rate_limits, &info);

    let delay = config.latency_ms + jitter_ms(&config, &info, attempt);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }

    let content_type = parts
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let request_id = request_id(config.seed, &info, attempt);
    let fault_answer = |kind: ErrorKind| {
        answer(kind, &info, content_type.as_deref(), &request_id)
            .map(|b| b.map_err(|never| match never {}).boxed())
    };
    let record = |outcome: Outcome| shared.stats.record(&info.service, &info.action, outcome);

    if rate_limited {
        record(Outcome::RateLimited);
        return Ok(fault_answer(ErrorKind::Throttle));
    }
    match fault {
        Some(FaultKind::Throttle) => {
            record(Outcome::Throttled);
            Ok(fault_answer(ErrorKind::Throttle))
        }
        Some(FaultKind::Error) => {
            record(Outcome::Error);
            Ok(fault_answer(ErrorKind::Internal))
        }
        Some(FaultKind::Deny) => {
            record(Outcome::Denied);
            Ok(fault_answer(ErrorKind::Denied))
        }
        Some(FaultKind::Reset) => {
            record(Outcome::Reset);
            fate.reset.notify_one();
            std::future::pending().await
        }
        Some(FaultKind::Hang) => {
            record(Outcome::Hung);
            fate.hang.notify_one();
            std::future::pending().await
        }
        None => {
            let responder = shared
                .responder
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            if let Some(canned) = responder.and_then(|r| r(&info)) {
                record(Outcome::Answered);
                let mut response = Response::new(
                    Full::new(Bytes::from(canned.body))
                        .map_err(|never| match never {})
                        .boxed(),
                );
                *response.status_mut() =
                    StatusCode::from_u16(canned.status).unwrap_or(StatusCode::OK);
                if let Ok(v) = HeaderValue::from_str(&canned.content_type) {
                    response
                        .headers_mut()
                        .insert(hyper::header::CONTENT_TYPE, v);
                }
                return Ok(response);
            }
            let outcome = forward(&shared, parts, body).await;
            record(if outcome.is_ok() {
                Outcome::Forwarded
            } else {
                Outcome::UpstreamFailed
            });
            Ok(outcome.unwrap_or_else(|message| plain(StatusCode::BAD_GATEWAY, message)))
        }
    }
}

/// Headers that belong to one connection, not to the request or answer.
fn is_hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "transfer-encoding"
            | "te"
            | "trailer"
            | "upgrade"
    )
}

async fn forward(
    shared: &Shared,
    parts: hyper::http::request::Parts,
    body: Bytes,
) -> Result<Response<ProxyBody>, String> {
    let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let url = format!(
        "{}{}{}",
        shared.upstream.origin, shared.upstream.base_path, path_and_query
    );
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("cannot build the upstream URL {url:?}: {e}"))?;
    let mut request = Request::builder().method(parts.method).uri(uri);
    if let Some(headers) = request.headers_mut() {
        for (name, value) in parts.headers.iter().filter(|(n, _)| !is_hop_by_hop(n)) {
            headers.append(name.clone(), value.clone());
        }
        if !headers.contains_key(hyper::header::CONTENT_LENGTH) && !body.is_empty() {
            headers.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
    }
    let request = request
        .body(Full::new(body))
        .map_err(|e| format!("cannot build the upstream request: {e}"))?;
    let response = shared.client.request(request).await.map_err(|e| {
        format!(
            "rampart-fault-proxy: upstream {} failed: {e}",
            shared.upstream.origin
        )
    })?;
    let (mut parts, body) = response.into_parts();
    let hop_by_hop: Vec<HeaderName> = parts
        .headers
        .keys()
        .filter(|n| is_hop_by_hop(n))
        .cloned()
        .collect();
    for name in hop_by_hop {
        parts.headers.remove(name);
    }
    Ok(Response::from_parts(parts, body.boxed()))
}

/// A request id that looks like AWS's (a UUID), drawn from the schedule.
fn request_id(seed: u64, info: &RequestInfo, attempt: u64) -> String {
    let mut h = Fnv::new();
    h.write_u64(seed);
    h.write_u64(request_key(info));
    h.write_u64(attempt);
    let a = h.finish();
    h.write(b"second half");
    let b = h.finish();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

fn plain(status: StatusCode, text: String) -> Response<ProxyBody> {
    let mut response = Response::new(
        Full::new(Bytes::from(text))
            .map_err(|never| match never {})
            .boxed(),
    );
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn json(status: StatusCode, value: &impl serde::Serialize) -> Response<ProxyBody> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut response = plain(status, text);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `GET /__proxy/stats`, `DELETE /__proxy/stats`, `GET /__proxy/config`, `PUT /__proxy/config`.
async fn admin(shared: &Shared, request: Request<Incoming>) -> Response<ProxyBody> {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    match (method, path.as_str()) {
        (Method::GET, "/__proxy/stats") => json(StatusCode::OK, &shared.stats.snapshot()),
        (Method::DELETE, "/__proxy/stats") => {
            shared.reset_stats();
            plain(StatusCode::NO_CONTENT, String::new())
        }
        (Method::GET, "/__proxy/config") => json(StatusCode::OK, &*shared.current_config()),
        (Method::PUT, "/__proxy/config") => {
            let body = match request.into_body().collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(e) => return plain(StatusCode::BAD_REQUEST, format!("unreadable body: {e}\n")),
            };
            match Config::from_json_slice(&body).and_then(|c| shared.set_config(c)) {
                Ok(()) => plain(StatusCode::NO_CONTENT, String::new()),
                Err(e) => plain(StatusCode::BAD_REQUEST, format!("config refused: {e}\n")),
            }
        }
        (_, "/__proxy/stats" | "/__proxy/config") => plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed\n".to_string(),
        ),
        _ => plain(
            StatusCode::NOT_FOUND,
            "unknown admin path: /__proxy/stats and /__proxy/config are served\n".to_string(),
        ),
    }
}
