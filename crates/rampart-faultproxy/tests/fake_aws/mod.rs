//! What the proxy's tests stand on (issue 10): a tiny upstream HTTP server that records every
//! request and echoes it, AWS-shaped requests as the SDK sends them (signed credential scope,
//! query form bodies, awsJson targets, rest paths), and readers of the error answers that walk
//! them as the AWS SDK for Rust does.
#![allow(dead_code)] // each test file uses part of it

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

/// A request as the upstream received it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: Method,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// An upstream on 127.0.0.1 that records requests and answers each with status 200 (or the
/// `x-answer-status` header's), header `x-upstream: echo`, and the request's body as its own
/// (or `x-answer-bytes` bytes of `z`).
pub struct EchoUpstream {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl EchoUpstream {
    pub async fn start() -> EchoUpstream {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let record = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let record = Arc::clone(&record);
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<Incoming>| {
                        let record = Arc::clone(&record);
                        async move { Ok::<_, Infallible>(echo(req, &record).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        EchoUpstream { addr, seen, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for EchoUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn echo(req: Request<Incoming>, record: &Mutex<Vec<Seen>>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    record.lock().unwrap().push(Seen {
        method: parts.method.clone(),
        path_and_query: parts.uri.path_and_query().unwrap().to_string(),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    let status = parts
        .headers
        .get("x-answer-status")
        .map(|v| v.to_str().unwrap().parse::<u16>().unwrap())
        .unwrap_or(200);
    let answer = match parts.headers.get("x-answer-bytes") {
        Some(n) => Bytes::from(vec![b'z'; n.to_str().unwrap().parse().unwrap()]),
        None => body,
    };
    Response::builder()
        .status(status)
        .header("x-upstream", "echo")
        .header("content-type", "application/octet-stream")
        .body(Full::new(answer))
        .unwrap()
}

/// An answer, whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).unwrap()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// A keep-alive, pooled HTTP client.
pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends `request` to `base` (`http://127.0.0.1:PORT`), failing on a connection error.
pub async fn send(base: &str, request: Request<Full<Bytes>>) -> Answer {
    try_send(&client(), base, request)
        .await
        .expect("the request got an answer")
}

/// Sends `request`; `Err` on a connection error.
pub async fn try_send(
    client: &Client<HttpConnector, Full<Bytes>>,
    base: &str,
    request: Request<Full<Bytes>>,
) -> Result<Answer, String> {
    let (mut parts, body) = request.into_parts();
    parts.uri = format!("{base}{}", parts.uri.path_and_query().unwrap())
        .parse()
        .unwrap();
    let response = client
        .request(Request::from_parts(parts, body))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("{e:?}"))?
        .to_bytes();
    Ok(Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}

/// The `Authorization` header of a SigV4-signed request in `region` for `service`.
pub fn authorization(access_key: &str, region: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={access_key}/20261201/{region}/{service}/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef"
    )
}

/// A query-protocol request (iam, sts, ec2...), as the SDK sends it: a form body.
pub fn query(
    service: &str,
    region: &str,
    action: &str,
    params: &[(&str, &str)],
) -> Request<Full<Bytes>> {
    query_as("AKIDEXAMPLE", service, region, action, params)
}

/// [`query`] signed with another access key.
pub fn query_as(
    access_key: &str,
    service: &str,
    region: &str,
    action: &str,
    params: &[(&str, &str)],
) -> Request<Full<Bytes>> {
    let mut body = format!("Action={action}&Version=2011-06-15");
    for (k, v) in params {
        body.push('&');
        body.push_str(&form_encode(k));
        body.push('=');
        body.push_str(&form_encode(v));
    }
    Request::post("/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header("authorization", authorization(access_key, region, service))
        .header("x-amz-date", "20261201T000000Z")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

/// An awsJson request with `X-Amz-Target: {prefix}.{action}`.
pub fn aws_json(service: &str, target: &str, json: &str) -> Request<Full<Bytes>> {
    Request::post("/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .header(
            "authorization",
            authorization("AKIDEXAMPLE", "us-east-1", service),
        )
        .body(Full::new(Bytes::from(json.to_string())))
        .unwrap()
}

/// A rest request (restJson services, and S3 path-style).
pub fn rest(service: &str, method: Method, path_and_query: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(path_and_query)
        .header(
            "authorization",
            authorization("AKIDEXAMPLE", "us-east-1", service),
        )
        .body(Full::new(Bytes::new()))
        .unwrap()
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The fields of an AWS error answer, read the way the SDK reads its protocol.
#[derive(Debug, Default, PartialEq)]
pub struct AwsError {
    pub root: String,
    pub code: Option<String>,
    pub message: Option<String>,
    pub fault_type: Option<String>,
    pub request_id: Option<String>,
}

/// Query protocol: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`.
pub fn read_query_error(body: &[u8]) -> AwsError {
    use aws_smithy_xml::decode::{try_data, Document};
    let mut doc = Document::try_from(body).unwrap();
    let mut root = doc.root_element().unwrap();
    let mut out = AwsError {
        root: root.start_el().local().to_string(),
        ..AwsError::default()
    };
    while let Some(mut tag) = root.next_tag() {
        match tag.start_el().local() {
            "Error" => {
                while let Some(mut field) = tag.next_tag() {
                    let name = field.start_el().local().to_string();
                    let value = Some(try_data(&mut field).unwrap().to_string());
                    match name.as_str() {
                        "Code" => out.code = value,
                        "Message" => out.message = value,
                        "Type" => out.fault_type = value,
                        _ => {}
                    }
                }
            }
            "RequestId" => out.request_id = Some(try_data(&mut tag).unwrap().to_string()),
            _ => {}
        }
    }
    out
}

/// EC2: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>`.
pub fn read_ec2_error(body: &[u8]) -> AwsError {
    use aws_smithy_xml::decode::{try_data, Document};
    let mut doc = Document::try_from(body).unwrap();
    let mut root = doc.root_element().unwrap();
    let mut out = AwsError {
        root: root.start_el().local().to_string(),
        ..AwsError::default()
    };
    while let Some(mut tag) = root.next_tag() {
        match tag.start_el().local() {
            "Errors" => {
                while let Some(mut error) = tag.next_tag() {
                    assert_eq!(error.start_el().local(), "Error");
                    while let Some(mut field) = error.next_tag() {
                        let name = field.start_el().local().to_string();
                        let value = Some(try_data(&mut field).unwrap().to_string());
                        match name.as_str() {
                            "Code" => out.code = value,
                            "Message" => out.message = value,
                            _ => {}
                        }
                    }
                }
            }
            "RequestID" => out.request_id = Some(try_data(&mut tag).unwrap().to_string()),
            _ => {}
        }
    }
    out
}

/// S3 (unwrapped restXml): `<Error><Code/><Message/><RequestId/></Error>`.
pub fn read_s3_error(body: &[u8]) -> AwsError {
    use aws_smithy_xml::decode::{try_data, Document};
    let mut doc = Document::try_from(body).unwrap();
    let mut root = doc.root_element().unwrap();
    let mut out = AwsError {
        root: root.start_el().local().to_string(),
        ..AwsError::default()
    };
    while let Some(mut field) = root.next_tag() {
        let name = field.start_el().local().to_string();
        let value = Some(try_data(&mut field).unwrap().to_string());
        match name.as_str() {
            "Code" => out.code = value,
            "Message" => out.message = value,
            "RequestId" => out.request_id = value,
            _ => {}
        }
    }
    out
}

/// awsJson and restJson: the code from `x-amzn-ErrorType`, else the body's `code`, else its
/// `__type`, with a `namespace#` prefix and a `:url` suffix removed; the message from
/// `message`, `Message` or `errorMessage`.
pub fn read_json_error(answer: &Answer) -> AwsError {
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    let field = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let code = answer
        .header("x-amzn-errortype")
        .map(str::to_string)
        .or_else(|| field("code"))
        .or_else(|| field("__type"))
        .map(|c| {
            let c = c.split(':').next().unwrap().to_string();
            c.rsplit('#').next().unwrap().to_string()
        });
    AwsError {
        root: "json".into(),
        code,
        message: field("message")
            .or_else(|| field("Message"))
            .or_else(|| field("errorMessage")),
        fault_type: None,
        request_id: answer.header("x-amzn-requestid").map(str::to_string),
    }
}

/// Waits for `f` to be true, up to 5 s.
pub async fn eventually(mut f: impl FnMut() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not met within 5 s");
}
