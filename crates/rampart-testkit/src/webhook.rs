//! A webhook receiver for tests, on 127.0.0.1: it records every request (method, path,
//! headers, body) and answers from a queue of statuses (200 once the queue is empty). It
//! can be stopped, so that senders meet a refused connection, and started again on the
//! same port, keeping what it recorded.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// One request the receiver got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// `POST`.
    pub method: String,
    /// The path and query (`/hook?x=1`).
    pub path: String,
    /// Headers, names in lower case (a repeated header keeps its last value).
    pub headers: BTreeMap<String, String>,
    /// The body, as text (lossy UTF-8).
    pub body: String,
    /// The status it was answered with.
    pub status: u16,
}

impl ReceivedRequest {
    /// A header's value, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

#[derive(Default)]
struct State {
    requests: Vec<ReceivedRequest>,
    answers: VecDeque<(u16, String)>,
}

/// A running (or stopped) webhook receiver; stopped when dropped.
pub struct WebhookReceiver {
    runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    running: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl WebhookReceiver {
    /// Start a receiver on a free port of 127.0.0.1.
    pub fn start() -> WebhookReceiver {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let mut receiver = WebhookReceiver {
            runtime,
            addr,
            state: Arc::default(),
            running: None,
        };
        receiver.serve(listener);
        receiver
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answer the next requests with these statuses, in order (each with a short body
    /// naming the status); after them, 200.
    pub fn answer_with(&self, statuses: &[u16]) {
        let mut state = self.state.lock().expect("receiver state");
        state.answers.extend(
            statuses
                .iter()
                .map(|s| (*s, format!("status {s} from the test receiver"))),
        );
    }

    /// Answer the next request with `status` and `body`.
    pub fn answer_once(&self, status: u16, body: &str) {
        let mut state = self.state.lock().expect("receiver state");
        state.answers.push_back((status, body.to_owned()));
    }

    /// Every request received so far, in order (across stops and starts).
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.state.lock().expect("receiver state").requests.clone()
    }

    /// Close the port and every open connection: senders meet a refused connection.
    pub fn stop(&mut self) {
        if let Some((stop, task)) = self.running.take() {
            let _ = stop.send(());
            let _ = self.runtime.block_on(task);
        }
    }

    /// Listen again on the same port, keeping the recorded requests and queued answers.
    pub fn restart(&mut self) {
        self.stop();
        let listener = self
            .runtime
            .block_on(TcpListener::bind(self.addr))
            .expect("bind the same port again");
        self.serve(listener);
    }

    fn serve(&mut self, listener: TcpListener) {
        let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
        let state = self.state.clone();
        let task = self.runtime.spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    _ = &mut stop_rx => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let state = state.clone();
                        connections.spawn(async move {
                            let service = service_fn(move |req| answer(state.clone(), req));
                            let _ = http1::Builder::new()
                                .keep_alive(false)
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                }
            }
            // The listener closes here; open connections are cut.
            drop(listener);
            connections.shutdown().await;
        });
        self.running = Some((stop_tx, task));
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn answer(
    state: Arc<Mutex<State>>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
        .unwrap_or_default();
    let (status, reply) = {
        let mut state = state.lock().expect("receiver state");
        let (status, reply) = state
            .answers
            .pop_front()
            .unwrap_or_else(|| (200, "ok".to_owned()));
        state.requests.push(ReceivedRequest {
            method,
            path,
            headers,
            body,
            status,
        });
        (status, reply)
    };
    let mut response = Response::new(Full::new(Bytes::from(reply)));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    Ok(response)
}
