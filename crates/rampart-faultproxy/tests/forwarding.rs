//! The proxy forwards what it does not fault unchanged, both ways (issue 10).

mod fake_aws;

use bytes::Bytes;
use fake_aws::{client, query, send, try_send, EchoUpstream};
use http_body_util::Full;
use hyper::{Method, Request, StatusCode};
use rampart_faultproxy::{Config, FaultProxy};

// issue 10: method, path, query, headers, body and the upstream's status, headers and body
// all pass through unchanged.
#[tokio::test]
async fn forwards_requests_and_answers_unchanged() {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), Config::default())
        .await
        .unwrap();
    let request = Request::builder()
        .method(Method::PUT)
        .uri("/bucket/some%20key?x-id=PutObject&tagging")
        .header(
            "authorization",
            fake_aws::authorization("AKID", "eu-west-1", "s3"),
        )
        .header("x-amz-meta-color", "blue")
        .header("x-answer-status", "201")
        .header("content-type", "text/plain")
        .body(Full::new(Bytes::from_static(b"hello, moto")))
        .unwrap();
    let answer = send(&proxy.url(), request).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.header("x-upstream"), Some("echo"));
    assert_eq!(answer.body, Bytes::from_static(b"hello, moto"));

    let seen = upstream.seen();
    assert_eq!(seen.len(), 1);
    let seen = &seen[0];
    assert_eq!(seen.method, Method::PUT);
    assert_eq!(
        seen.path_and_query,
        "/bucket/some%20key?x-id=PutObject&tagging"
    );
    assert_eq!(seen.headers["x-amz-meta-color"], "blue");
    assert_eq!(seen.headers["content-type"], "text/plain");
    assert_eq!(
        seen.headers["authorization"],
        fake_aws::authorization("AKID", "eu-west-1", "s3")
    );
    assert_eq!(
        seen.headers["host"],
        proxy.addr().to_string(),
        "the Host the client signed is kept"
    );
    assert_eq!(seen.body, Bytes::from_static(b"hello, moto"));
    assert_eq!(proxy.stats().get("s3", "PutObjectTagging").forwarded, 1);
}

// issue 10: bodies are not capped at a small size either way (8 MiB up, 8 MiB down).
#[tokio::test]
async fn large_bodies_pass_whole() {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), Config::default())
        .await
        .unwrap();
    let big: Vec<u8> = (0..8 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let request = Request::put("/bucket/big")
        .header(
            "authorization",
            fake_aws::authorization("AKID", "us-east-1", "s3"),
        )
        .body(Full::new(Bytes::from(big.clone())))
        .unwrap();
    let answer = send(&proxy.url(), request).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body.len(), big.len());
    assert!(answer.body == big);

    let request = Request::get("/bucket/big")
        .header("x-answer-bytes", (8 * 1024 * 1024).to_string())
        .body(Full::new(Bytes::new()))
        .unwrap();
    let answer = send(&proxy.url(), request).await;
    assert_eq!(answer.body.len(), 8 * 1024 * 1024);
}

// issue 10: a base path in the upstream URL is put before every request's path.
#[tokio::test]
async fn upstream_base_path_is_kept() {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&format!("{}/prefix/", upstream.url()), Config::default())
        .await
        .unwrap();
    send(
        &proxy.url(),
        Request::get("/a?b=c")
            .body(Full::new(Bytes::new()))
            .unwrap(),
    )
    .await;
    assert_eq!(upstream.seen()[0].path_and_query, "/prefix/a?b=c");
}

// issue 10: hundreds of concurrent connections are served, and keep-alive connections are
// reused for sequential requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_hundreds_of_concurrent_requests() {
    let upstream = EchoUpstream::start().await;
    let config = Config {
        latency_ms: 50,
        ..Config::default()
    };
    let proxy = FaultProxy::start(&upstream.url(), config).await.unwrap();
    let url = proxy.url();
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for i in 0..400 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            // One client each: 400 separate connections, all open at once during the latency.
            let answer = try_send(
                &client(),
                &url,
                query(
                    "iam",
                    "us-east-1",
                    "GetUser",
                    &[("UserName", &format!("u{i}"))],
                ),
            )
            .await
            .unwrap();
            assert_eq!(answer.status, StatusCode::OK);
            assert!(answer.text().contains(&format!("UserName=u{i}")));
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // 400 requests of 50 ms each, concurrently: far less than 400 × 50 ms.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(proxy.stats().get("iam", "GetUser").forwarded, 400);
    assert_eq!(upstream.seen().len(), 400);
}

// issue 10: a client's sequential requests reuse its one keep-alive connection.
#[tokio::test]
async fn keeps_client_connections_alive() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), Config::default())
        .await
        .unwrap();
    let mut stream = tokio::net::TcpStream::connect(proxy.addr()).await.unwrap();
    for i in 0..3 {
        let body = format!("n={i}");
        let request = format!(
            "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 4096];
        let mut got = Vec::new();
        while !got.ends_with(body.as_bytes()) {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the proxy closed the connection after request {i}");
            got.extend_from_slice(&buf[..n]);
        }
        assert!(got.starts_with(b"HTTP/1.1 200"));
    }
}

// issue 10: an upstream that cannot be reached gives a 502 naming it, counted apart.
#[tokio::test]
async fn unreachable_upstream_is_a_502() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = FaultProxy::start(&url, Config::default()).await.unwrap();
    let answer = send(
        &proxy.url(),
        query("sts", "us-east-1", "GetCallerIdentity", &[]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert!(answer.text().contains(&url), "{}", answer.text());
    let counts = proxy.stats().get("sts", "GetCallerIdentity");
    assert_eq!((counts.upstream_failed, counts.forwarded), (1, 0));
}

// issue 10: an upstream URL that is not plain http is refused at start.
#[tokio::test]
async fn bad_upstream_url_is_refused() {
    for url in [
        "https://127.0.0.1:1",
        "127.0.0.1:5000",
        "http://",
        "http://h:1/?q",
    ] {
        let err = FaultProxy::start(url, Config::default()).await.unwrap_err();
        assert!(err.to_string().contains("upstream"), "{url}: {err}");
    }
}
