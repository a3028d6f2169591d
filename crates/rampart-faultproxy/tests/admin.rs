//! Stats, runtime configuration changes, start and stop (issue 10).

mod fake_aws;

use bytes::Bytes;
use fake_aws::{eventually, query, send, EchoUpstream};
use http_body_util::Full;
use hyper::{Method, Request};
use rampart_faultproxy::{Config, FaultKind, FaultProxy, Fraction, ProxyError, Rule, Stats};

fn admin(method: Method, path: &str, body: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(path)
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

// issue 10: stats count requests per (service, action) and outcome, the same from the library
// and from GET /__proxy/stats, which is not itself counted.
#[tokio::test]
async fn stats_per_api_from_library_and_http() {
    let upstream = EchoUpstream::start().await;
    let config = Config {
        rules: vec![
            Rule {
                action: Some("ListUsers".into()),
                ..Rule::new(FaultKind::Throttle)
            },
            Rule {
                action: Some("GetUser".into()),
                ..Rule::new(FaultKind::Error)
            },
            Rule {
                service: Some("sts".into()),
                ..Rule::new(FaultKind::Deny)
            },
        ],
        ..Config::default()
    };
    let proxy = FaultProxy::start(&upstream.url(), config).await.unwrap();
    for _ in 0..3 {
        send(&proxy.url(), query("iam", "us-east-1", "ListUsers", &[])).await;
    }
    send(&proxy.url(), query("iam", "us-east-1", "GetUser", &[])).await;
    send(&proxy.url(), query("iam", "us-east-1", "ListRoles", &[])).await;
    send(&proxy.url(), query("sts", "us-east-1", "AssumeRole", &[])).await;

    let stats = proxy.stats();
    let list = stats.get("iam", "ListUsers");
    assert_eq!((list.seen, list.throttled, list.forwarded), (3, 3, 0));
    assert_eq!(stats.get("iam", "GetUser").error, 1);
    assert_eq!(stats.get("iam", "ListRoles").forwarded, 1);
    assert_eq!(stats.get("sts", "AssumeRole").denied, 1);
    assert_eq!(stats.service("iam").seen, 5);
    assert_eq!(stats.total.seen, 6);
    assert_eq!(stats.get("iam", "Nothing").seen, 0);

    let answer = send(&proxy.url(), admin(Method::GET, "/__proxy/stats", "")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let over_http: Stats = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(over_http, stats);
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(json["total"]["seen"], 6);
    assert_eq!(json["apis"][0]["service"], "iam");
    assert_eq!(json["apis"][0]["action"], "GetUser");
    assert_eq!(json["apis"][0]["error"], 1);
    assert_eq!(
        proxy.stats().total.seen,
        6,
        "admin requests are not counted"
    );
}

// issue 10: set_config replaces the faults between phases of a test.
#[tokio::test]
async fn config_changes_at_run_time_from_the_library() {
    let upstream = EchoUpstream::start().await;
    let all = Config {
        throttle_fraction: Fraction::one(),
        ..Config::default()
    };
    let proxy = FaultProxy::start(&upstream.url(), all).await.unwrap();
    assert_eq!(
        send(&proxy.url(), query("iam", "us-east-1", "ListUsers", &[]))
            .await
            .status,
        400
    );
    proxy.set_config(Config::default()).unwrap();
    assert_eq!(proxy.config(), Config::default());
    assert_eq!(
        send(&proxy.url(), query("iam", "us-east-1", "ListUsers", &[]))
            .await
            .status,
        200
    );

    let too_much = Config {
        throttle_fraction: Fraction::new(0.6).unwrap(),
        error_fraction: Fraction::new(0.6).unwrap(),
        ..Config::default()
    };
    let err = proxy.set_config(too_much).unwrap_err();
    assert!(err.to_string().contains("more than 1"), "{err}");
    assert_eq!(
        proxy.config(),
        Config::default(),
        "a refused config changes nothing"
    );
}

// issue 10: PUT /__proxy/config replaces the config with JSON of the TOML keys; GET reads it
// back; a bad one is refused with a 400 saying why, and the config in force is kept.
#[tokio::test]
async fn config_changes_at_run_time_over_http() {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), Config::default())
        .await
        .unwrap();
    let put = |body: &str| admin(Method::PUT, "/__proxy/config", body);
    let answer = send(
        &proxy.url(),
        put(r#"{"seed": 7, "rule": [{"service": "iam", "fault": "deny"}], "rate_limit": [{"service": "ec2", "per_second": 5, "burst": 10}]}"#),
    )
    .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    assert_eq!(proxy.config().seed, 7);
    assert_eq!(proxy.config().rules[0].fault, FaultKind::Deny);
    assert_eq!(proxy.config().rate_limits[0].burst.get(), 10.0);
    assert_eq!(
        send(&proxy.url(), query("iam", "us-east-1", "ListUsers", &[]))
            .await
            .status,
        403
    );

    let read = send(&proxy.url(), admin(Method::GET, "/__proxy/config", "")).await;
    let json: serde_json::Value = serde_json::from_slice(&read.body).unwrap();
    assert_eq!(json["rule"][0]["fault"], "deny");
    assert_eq!(json["seed"], 7);

    let bad = send(
        &proxy.url(),
        put(r#"{"rule": [{"fault": "deny", "fraction": 2}]}"#),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("0..=1"), "{}", bad.text());
    let bad = send(&proxy.url(), put("{\n  \"seed\": 1,\n  \"latency\": 3\n}")).await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.text().contains("unknown field `latency`"),
        "{}",
        bad.text()
    );
    assert!(bad.text().contains("line 3"), "{}", bad.text());
    assert_eq!(proxy.config().seed, 7, "a refused config changes nothing");

    let wrong = send(&proxy.url(), admin(Method::POST, "/__proxy/stats", "")).await;
    assert_eq!(wrong.status, 405);
    let unknown = send(&proxy.url(), admin(Method::GET, "/__proxy/nothing", "")).await;
    assert_eq!(unknown.status, 404);
}

// issue 10: reset_stats (and DELETE /__proxy/stats) clears the counts and the attempt
// numbers, so the same requests get the same decisions again.
#[tokio::test]
async fn reset_stats_starts_the_schedule_again() {
    let upstream = EchoUpstream::start().await;
    let config = Config {
        seed: 11,
        throttle_fraction: Fraction::new(0.5).unwrap(),
        ..Config::default()
    };
    let proxy = FaultProxy::start(&upstream.url(), config).await.unwrap();
    let run = || async {
        let mut statuses = Vec::new();
        for i in 0..40 {
            let r = query(
                "iam",
                "us-east-1",
                "GetUser",
                &[("UserName", &format!("u{}", i % 10))],
            );
            statuses.push(send(&proxy.url(), r).await.status.as_u16());
        }
        statuses
    };
    let first = run().await;
    assert_eq!(proxy.stats().total.seen, 40);
    let answer = send(&proxy.url(), admin(Method::DELETE, "/__proxy/stats", "")).await;
    assert_eq!(answer.status, 204);
    assert_eq!(proxy.stats(), Stats::default());
    assert_eq!(run().await, first);
    proxy.reset_stats();
    assert_eq!(run().await, first);
    assert_ne!(
        run().await,
        first,
        "without a reset, the attempt numbers go on"
    );
}

// issue 10: the proxy listens on loopback addresses only.
#[tokio::test]
async fn non_loopback_listen_is_refused() {
    for addr in ["0.0.0.0:0", "192.0.2.1:8080", "[::]:0"] {
        let err = FaultProxy::start_on(
            addr.parse().unwrap(),
            "http://127.0.0.1:1",
            Config::default(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, ProxyError::NotLoopback(_)), "{addr}: {err}");
        assert!(err.to_string().contains("loopback"), "{err}");
    }
    let ok = FaultProxy::start_on(
        "127.0.0.2:0".parse().unwrap(),
        "http://127.0.0.1:1",
        Config::default(),
    )
    .await;
    assert!(ok.is_ok(), "127.0.0.2 is loopback: {ok:?}");
}

// issue 10: dropping the proxy stops it: its port refuses connections.
#[tokio::test]
async fn drop_stops_the_proxy() {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), Config::default())
        .await
        .unwrap();
    let addr = proxy.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(proxy);
    let mut refused = false;
    eventually(|| {
        refused = std::net::TcpStream::connect(addr).is_err();
        refused
    })
    .await;
}

// issue 10: FaultProxy::spawn runs the proxy on its own runtime for synchronous tests, and
// dropping it stops it.
#[test]
fn spawn_serves_synchronous_callers() {
    use std::io::{Read, Write};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let upstream = runtime.block_on(EchoUpstream::start());
    let config = Config {
        rules: vec![Rule {
            action: Some("ListUsers".into()),
            ..Rule::new(FaultKind::Throttle)
        }],
        ..Config::default()
    };
    let proxy = FaultProxy::spawn(&upstream.url(), config).unwrap();
    assert!(proxy.url().starts_with("http://127.0.0.1:"));

    let exchange = |body: &str| {
        let mut stream = std::net::TcpStream::connect(proxy.addr()).unwrap();
        let request = format!(
            "POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\n\
             authorization: {}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            fake_aws::authorization("AKID", "us-east-1", "iam"),
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    assert!(exchange("Action=ListRoles").starts_with("HTTP/1.1 200"));
    let throttled = exchange("Action=ListUsers");
    assert!(throttled.starts_with("HTTP/1.1 400"), "{throttled}");
    assert!(throttled.contains("<Code>Throttling</Code>"));
    assert_eq!(proxy.stats().service("iam").seen, 2);

    let addr = proxy.addr();
    drop(proxy);
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening after drop"
    );
}

// issue 10: spawn also works when called from inside a tokio runtime.
#[tokio::test]
async fn spawn_works_inside_a_runtime() {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::spawn(&upstream.url(), Config::default()).unwrap();
    assert_eq!(
        send(&proxy.url(), query("iam", "us-east-1", "ListUsers", &[]))
            .await
            .status,
        200
    );
    drop(proxy);
}
