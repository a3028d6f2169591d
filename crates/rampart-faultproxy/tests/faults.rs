//! Each fault kind, in each protocol's own AWS error form, parsed back the way the AWS SDK for
//! Rust parses it (issue 10).

mod fake_aws;

use std::time::{Duration, Instant};

use bytes::Bytes;
use fake_aws::{
    aws_json, client, query, read_ec2_error, read_json_error, read_query_error, read_s3_error,
    rest, send, try_send, Answer, AwsError, EchoUpstream,
};
use http_body_util::Full;
use hyper::{Method, Request};
use rampart_faultproxy::{Config, FaultKind, FaultProxy, Rule};

/// A proxy giving `fault` to every request.
async fn proxy_with(upstream: &EchoUpstream, fault: FaultKind) -> FaultProxy {
    let config = Config {
        rules: vec![Rule::new(fault)],
        ..Config::default()
    };
    FaultProxy::start(&upstream.url(), config).await.unwrap()
}

/// A protocol's name, a request in it, and the reader of its error form.
type ProtocolCase = (&'static str, Request<Full<Bytes>>, fn(&Answer) -> AwsError);

/// One request of each protocol.
fn each_protocol() -> Vec<ProtocolCase> {
    vec![
        ("query", query("iam", "us-east-1", "ListUsers", &[]), |a| {
            read_query_error(&a.body)
        }),
        (
            "ec2",
            query("ec2", "eu-west-1", "DescribeInstances", &[]),
            |a| read_ec2_error(&a.body),
        ),
        (
            "awsJson",
            aws_json(
                "ecs",
                "AmazonEC2ContainerServiceV20141113.ListClusters",
                "{}",
            ),
            read_json_error,
        ),
        (
            "restJson",
            rest("lambda", Method::GET, "/2015-03-31/functions/"),
            read_json_error,
        ),
        ("s3", rest("s3", Method::GET, "/logs?policy"), |a| {
            read_s3_error(&a.body)
        }),
    ]
}

/// (protocol, status, root element, code) expected for a fault.
async fn check(fault: FaultKind, expected: &[(&'static str, u16, &'static str, &'static str)]) {
    {
        let upstream = EchoUpstream::start().await;
        let proxy = proxy_with(&upstream, fault).await;
        for ((name, request, read), (want_name, status, root, code)) in
            each_protocol().into_iter().zip(expected)
        {
            assert_eq!(name, *want_name);
            let answer = send(&proxy.url(), request).await;
            assert_eq!(answer.status.as_u16(), *status, "{name}: {}", answer.text());
            let error = read(&answer);
            assert_eq!(error.root, *root, "{name}: {}", answer.text());
            assert_eq!(
                error.code.as_deref(),
                Some(*code),
                "{name}: {}",
                answer.text()
            );
            assert!(
                error.message.as_deref().is_some_and(|m| !m.is_empty()),
                "{name}"
            );
            assert!(error.request_id.is_some(), "{name}: no request id");
        }
        assert!(
            upstream.seen().is_empty(),
            "a faulted request reached the upstream"
        );
    }
}

// issue 10: throttles are Throttling (query, 400), RequestLimitExceeded (EC2, 503),
// ThrottlingException (awsJson 400, restJson 429) and SlowDown (S3, 503): all in the SDK's
// list of throttling codes.
#[tokio::test]
async fn throttle_in_each_protocol() {
    check(
        FaultKind::Throttle,
        &[
            ("query", 400, "ErrorResponse", "Throttling"),
            ("ec2", 503, "Response", "RequestLimitExceeded"),
            ("awsJson", 400, "json", "ThrottlingException"),
            ("restJson", 429, "json", "ThrottlingException"),
            ("s3", 503, "Error", "SlowDown"),
        ],
    )
    .await;
}

// issue 10: server errors are 500s, which the SDK retries as transient.
#[tokio::test]
async fn server_error_in_each_protocol() {
    check(
        FaultKind::Error,
        &[
            ("query", 500, "ErrorResponse", "InternalFailure"),
            ("ec2", 500, "Response", "InternalError"),
            ("awsJson", 500, "json", "InternalFailure"),
            ("restJson", 500, "json", "InternalFailure"),
            ("s3", 500, "Error", "InternalError"),
        ],
    )
    .await;
}

// issue 10: denials are AccessDenied (query, S3), UnauthorizedOperation (EC2) and
// AccessDeniedException (JSON), none of them retryable.
#[tokio::test]
async fn deny_in_each_protocol() {
    check(
        FaultKind::Deny,
        &[
            ("query", 403, "ErrorResponse", "AccessDenied"),
            ("ec2", 403, "Response", "UnauthorizedOperation"),
            ("awsJson", 400, "json", "AccessDeniedException"),
            ("restJson", 403, "json", "AccessDeniedException"),
            ("s3", 403, "Error", "AccessDenied"),
        ],
    )
    .await;
}

// issue 10: the query form carries <Type>Sender</Type>, a request id header, and a denial's
// message names the caller, the action and the role.
#[tokio::test]
async fn denial_names_what_was_denied() {
    let upstream = EchoUpstream::start().await;
    let proxy = proxy_with(&upstream, FaultKind::Deny).await;
    let role = "arn:aws:iam::222222222222:role/Audit&Co";
    let answer = send(
        &proxy.url(),
        query(
            "sts",
            "us-east-1",
            "AssumeRole",
            &[("RoleArn", role), ("RoleSessionName", "s")],
        ),
    )
    .await;
    let error = read_query_error(&answer.body);
    assert_eq!(error.fault_type.as_deref(), Some("Sender"));
    let message = error.message.unwrap();
    assert!(message.contains("sts:AssumeRole"), "{message}");
    assert!(message.contains(role), "{message}");
    assert!(message.contains("AKIDEXAMPLE"), "{message}");
    assert!(answer.header("x-amzn-requestid").is_some());
    assert_eq!(answer.header("content-type"), Some("text/xml"));
}

// issue 10: awsJson answers echo the request's JSON version; restJson puts the code in the
// x-amzn-ErrorType header.
#[tokio::test]
async fn json_content_types_and_headers() {
    let upstream = EchoUpstream::start().await;
    let proxy = proxy_with(&upstream, FaultKind::Throttle).await;
    let mut request = aws_json("dynamodb", "DynamoDB_20120810.ListTables", "{}");
    request.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.0".parse().unwrap(),
    );
    let answer = send(&proxy.url(), request).await;
    assert_eq!(
        answer.header("content-type"),
        Some("application/x-amz-json-1.0")
    );
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["__type"], "ThrottlingException");
    assert_eq!(body["message"], "Rate exceeded");

    let answer = send(
        &proxy.url(),
        rest("lambda", Method::GET, "/2015-03-31/functions/"),
    )
    .await;
    assert_eq!(
        answer.header("x-amzn-errortype"),
        Some("ThrottlingException")
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
}

// issue 10: a reset drops the connection without an answer (a TCP RST, seen by the client
// as a reset connection), and the next connection is served normally.
#[tokio::test]
async fn reset_drops_the_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let upstream = EchoUpstream::start().await;
    let proxy = proxy_with(&upstream, FaultKind::Reset).await;
    let mut stream = tokio::net::TcpStream::connect(proxy.addr()).await.unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\nhi")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("the proxy neither answered nor dropped the connection");
    match read {
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
        Ok(n) => panic!(
            "expected a reset, read {n} bytes: {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
    }

    // Through an HTTP client: a connection error, not an answer.
    let err = try_send(
        &client(),
        &proxy.url(),
        query("iam", "us-east-1", "ListUsers", &[]),
    )
    .await
    .unwrap_err();
    assert!(!err.is_empty());
    assert_eq!(proxy.stats().get("iam", "ListUsers").reset, 1);
    assert!(upstream.seen().is_empty());

    proxy.set_config(Config::default()).unwrap();
    let answer = send(&proxy.url(), query("iam", "us-east-1", "ListUsers", &[])).await;
    assert_eq!(answer.status, 200);
}

// issue 10: a hang accepts the request and never answers: a client with a short timeout
// times out, while other requests are still served.
#[tokio::test]
async fn hang_never_answers() {
    let upstream = EchoUpstream::start().await;
    let config = Config {
        rules: vec![Rule {
            service: Some("ec2".into()),
            ..Rule::new(FaultKind::Hang)
        }],
        ..Config::default()
    };
    let proxy = FaultProxy::start(&upstream.url(), config).await.unwrap();
    let hung = tokio::time::timeout(
        Duration::from_millis(500),
        try_send(
            &client(),
            &proxy.url(),
            query("ec2", "us-east-1", "DescribeRegions", &[]),
        ),
    )
    .await;
    assert!(hung.is_err(), "a hung request was answered: {hung:?}");
    let answer = send(&proxy.url(), query("iam", "us-east-1", "ListUsers", &[])).await;
    assert_eq!(answer.status, 200);

    // The connection is held open, neither answered nor closed.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(proxy.addr()).await.unwrap();
    let auth = fake_aws::authorization("AKID", "us-east-1", "ec2");
    let request = format!(
        "POST / HTTP/1.1\r\nhost: x\r\nauthorization: {auth}\r\n\
         content-type: application/x-www-form-urlencoded\r\ncontent-length: 22\r\n\r\n\
         Action=DescribeRegions"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_millis(300), stream.read(&mut buf)).await;
    assert!(
        read.is_err(),
        "a hung connection was answered or closed: {read:?}"
    );

    let stats = proxy.stats();
    assert_eq!(stats.get("ec2", "DescribeRegions").hung, 2);
    assert_eq!(stats.get("iam", "ListUsers").forwarded, 1);
}

// issue 10: latency delays every request by latency_ms, plus at most jitter_ms.
#[tokio::test]
async fn latency_and_jitter_delay_requests() {
    let upstream = EchoUpstream::start().await;
    let config = Config {
        latency_ms: 150,
        jitter_ms: 100,
        seed: 3,
        ..Config::default()
    };
    let proxy = FaultProxy::start(&upstream.url(), config).await.unwrap();
    let http = client();
    let mut delays = Vec::new();
    for i in 0..8 {
        let started = Instant::now();
        let request = query(
            "iam",
            "us-east-1",
            "GetUser",
            &[("UserName", &format!("u{i}"))],
        );
        try_send(&http, &proxy.url(), request).await.unwrap();
        delays.push(started.elapsed());
    }
    for d in &delays {
        assert!(*d >= Duration::from_millis(150), "{delays:?}");
        assert!(*d < Duration::from_millis(1_000), "{delays:?}");
    }
    // Jitter varies: not every delay within 20 ms of the others.
    let (min, max) = (delays.iter().min().unwrap(), delays.iter().max().unwrap());
    assert!(
        *max - *min > Duration::from_millis(20),
        "no jitter seen: {delays:?}"
    );
}

// issue 10: S3 Control, signed as s3, wraps its errors like the query protocol
// (<ErrorResponse><Error><Code>), which its SDK client reads; S3 itself does not.
#[tokio::test]
async fn s3_control_errors_are_wrapped() {
    let upstream = EchoUpstream::start().await;
    for (fault, status, code) in [
        (FaultKind::Throttle, 400, "Throttling"),
        (FaultKind::Error, 500, "InternalFailure"),
        (FaultKind::Deny, 403, "AccessDenied"),
    ] {
        let proxy = proxy_with(&upstream, fault).await;
        let mut request = rest(
            "s3",
            Method::GET,
            "/v20180820/configuration/publicAccessBlock",
        );
        request
            .headers_mut()
            .insert("x-amz-account-id", "123456789012".parse().unwrap());
        let answer = send(&proxy.url(), request).await;
        assert_eq!(answer.status.as_u16(), status, "{}", answer.text());
        let error = read_query_error(&answer.body);
        assert_eq!(error.root, "ErrorResponse");
        assert_eq!(error.code.as_deref(), Some(code));
        assert!(error.request_id.is_some());
    }
}
