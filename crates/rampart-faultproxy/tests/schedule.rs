//! The seeded fault schedule, rule matching and rate limits (issue 10).

mod fake_aws;

use std::collections::BTreeSet;
use std::time::Duration;

use fake_aws::{client, query, query_as, send, try_send, EchoUpstream};
use rampart_faultproxy::{decide, Config, FaultKind, FaultProxy, Fraction, RateLimit, Rule};

fn throttling(seed: u64, fraction: f64) -> Config {
    Config {
        seed,
        throttle_fraction: Fraction::new(fraction).unwrap(),
        ..Config::default()
    }
}

/// Sends `GetUser` for user `u{i}` and says whether it was throttled.
async fn get_user(url: &str, i: usize) -> bool {
    let answer = send(
        url,
        query(
            "iam",
            "us-east-1",
            "GetUser",
            &[("UserName", &format!("u{i}"))],
        ),
    )
    .await;
    match answer.status.as_u16() {
        200 => false,
        400 => {
            assert!(
                answer.text().contains("<Code>Throttling</Code>"),
                "{}",
                answer.text()
            );
            true
        }
        other => panic!("unexpected status {other}: {}", answer.text()),
    }
}

/// For each of `keys` users, the decisions of `attempts` attempts, sent one after the other.
async fn in_order(config: Config, keys: usize, attempts: usize) -> Vec<Vec<bool>> {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), config).await.unwrap();
    let mut decisions = Vec::new();
    for i in 0..keys {
        let mut of_key = Vec::new();
        for _ in 0..attempts {
            of_key.push(get_user(&proxy.url(), i).await);
        }
        decisions.push(of_key);
    }
    decisions
}

/// The same, but attempt by attempt: all keys at once in reverse order, then their retries.
async fn concurrently_reversed(config: Config, keys: usize, attempts: usize) -> Vec<Vec<bool>> {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), config).await.unwrap();
    let mut decisions = vec![Vec::new(); keys];
    for _ in 0..attempts {
        let tasks: Vec<_> = (0..keys)
            .rev()
            .map(|i| {
                let url = proxy.url();
                tokio::spawn(async move { (i, get_user(&url, i).await) })
            })
            .collect();
        for t in tasks {
            let (i, throttled) = t.await.unwrap();
            decisions[i].push(throttled);
        }
    }
    decisions
}

// issue 10: the same seed gives the same decisions whatever the order and interleaving of
// the requests, retries included; another seed gives other decisions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_seed_same_decisions_regardless_of_order() {
    let a = in_order(throttling(42, 0.3), 150, 3).await;
    let b = concurrently_reversed(throttling(42, 0.3), 150, 3).await;
    assert_eq!(a, b);
    let throttled: usize = a.iter().flatten().filter(|t| **t).count();
    assert!(
        (60..=210).contains(&throttled),
        "{throttled} of 450 throttled at 0.3"
    );
    let c = in_order(throttling(43, 0.3), 150, 3).await;
    assert_ne!(a, c, "the seed does not change the schedule");
}

// issue 10: a fraction of 0.2 over 2,000 distinct requests throttles 20% of them (± 3 points),
// and the stats count exactly the throttled answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fraction_is_the_share_of_requests_faulted() {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), throttling(42, 0.2))
        .await
        .unwrap();
    let mut throttled = 0;
    for chunk in (0..2_000).collect::<Vec<usize>>().chunks(100) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|&i| {
                let url = proxy.url();
                tokio::spawn(async move { get_user(&url, i).await })
            })
            .collect();
        for t in tasks {
            throttled += usize::from(t.await.unwrap());
        }
    }
    assert!(
        (340..=460).contains(&throttled),
        "{throttled} of 2000 throttled at 0.2"
    );
    let counts = proxy.stats().get("iam", "GetUser");
    assert_eq!((counts.seen, counts.throttled), (2_000, throttled as u64));
    assert_eq!(counts.forwarded, 2_000 - throttled as u64);
    assert_eq!(upstream.seen().len(), 2_000 - throttled);
}

// issue 10: the fraction holds for other seeds too (the schedule's pure function).
#[test]
fn fraction_holds_across_seeds() {
    let sts = |i: usize| {
        let body = format!("Action=GetCallerIdentity&Version=2011-06-15&N={i}");
        rampart_faultproxy::RequestInfo::classify(
            &hyper::Method::POST,
            "/",
            &query("sts", "us-east-1", "GetCallerIdentity", &[])
                .headers()
                .clone(),
            body.as_bytes(),
        )
    };
    for seed in [0, 1, 7, 1_000, u64::MAX] {
        let config = throttling(seed, 0.2);
        let n = (0..2_000)
            .filter(|&i| decide(&config, &sts(i), 0).is_some())
            .count();
        assert!((340..=460).contains(&n), "seed {seed}: {n} of 2000");
    }
}

// issue 10: a retry is a fresh draw: of the requests throttled on their first attempt, about
// 20% (not all) are throttled again on the second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_gets_a_fresh_draw() {
    let decisions = concurrently_reversed(throttling(9, 0.2), 1_000, 2).await;
    let first = decisions.iter().filter(|d| d[0]).count();
    let second = decisions.iter().filter(|d| d[1]).count();
    let both = decisions.iter().filter(|d| d[0] && d[1]).count();
    assert!((150..=250).contains(&first), "{first}");
    assert!((150..=250).contains(&second), "{second}");
    assert!(
        both < first / 2,
        "{both} of {first} throttled twice: retries repeat the draw"
    );
    assert!(
        both > 0,
        "no request throttled twice among {first}: draws are not independent"
    );
}

fn assume_role(account: &str) -> hyper::Request<http_body_util::Full<bytes::Bytes>> {
    let arn = format!("arn:aws:iam::{account}:role/Audit");
    query(
        "sts",
        "us-east-1",
        "AssumeRole",
        &[("RoleArn", &arn), ("RoleSessionName", "rampart")],
    )
}

// issue 10: rules match on service, action (with `*`), region, the AssumeRole role ARN and a
// substring of the body (as sent or form-decoded); the first matching rule decides.
#[tokio::test]
async fn rules_match_and_the_first_match_wins() {
    let upstream = EchoUpstream::start().await;
    let config = Config {
        rules: vec![
            Rule {
                service: Some("sts".into()),
                action: Some("AssumeRole".into()),
                role_arn: Some("arn:aws:iam::222222222222:role/*".into()),
                ..Rule::new(FaultKind::Deny)
            },
            Rule {
                body_contains: Some("333333333333".into()),
                ..Rule::new(FaultKind::Deny)
            },
            Rule {
                body_contains: Some("arn:aws:iam::444444444444:role/Audit".into()),
                ..Rule::new(FaultKind::Error)
            },
            Rule {
                service: Some("ec2".into()),
                region: Some("eu-west-1".into()),
                ..Rule::new(FaultKind::Throttle)
            },
            Rule {
                service: Some("iam".into()),
                action: Some("List*".into()),
                fraction: Fraction::new(0.0).unwrap(),
                ..Rule::new(FaultKind::Deny)
            },
            Rule {
                service: Some("iam".into()),
                ..Rule::new(FaultKind::Deny)
            },
        ],
        ..Config::default()
    };
    let proxy = FaultProxy::start(&upstream.url(), config).await.unwrap();
    let url = proxy.url();
    let status = |r| {
        let url = url.clone();
        async move { send(&url, r).await.status.as_u16() }
    };
    assert_eq!(
        status(assume_role("222222222222")).await,
        403,
        "role_arn glob"
    );
    assert_eq!(
        status(assume_role("333333333333")).await,
        403,
        "body_contains, as sent"
    );
    assert_eq!(
        status(assume_role("444444444444")).await,
        500,
        "body_contains, form-decoded"
    );
    assert_eq!(
        status(assume_role("555555555555")).await,
        200,
        "no rule matches"
    );
    assert_eq!(
        status(query("ec2", "eu-west-1", "DescribeVpcs", &[])).await,
        503,
        "region"
    );
    assert_eq!(
        status(query("ec2", "us-east-1", "DescribeVpcs", &[])).await,
        200,
        "other region"
    );
    assert_eq!(
        status(query("iam", "us-east-1", "ListUsers", &[])).await,
        200,
        "first match wins"
    );
    assert_eq!(
        status(query("iam", "us-east-1", "GetUser", &[])).await,
        403,
        "later rule"
    );

    let stats = proxy.stats();
    let assume = stats.get("sts", "AssumeRole");
    assert_eq!(
        (assume.seen, assume.denied, assume.error, assume.forwarded),
        (4, 2, 1, 1)
    );
    assert_eq!(upstream.seen().len(), 3);
    assert!(std::str::from_utf8(&upstream.seen()[0].body)
        .unwrap()
        .contains("555555555555"));
}

fn ec2_as(
    access_key: &str,
    region: &str,
    action: &str,
) -> hyper::Request<http_body_util::Full<bytes::Bytes>> {
    query_as(access_key, "ec2", region, action, &[])
}

// issue 10: rate limits are AWS-like token buckets: a burst passes, then requests are
// throttled in the protocol's form until tokens refill; each action a pattern matches has its
// own bucket, a limit without an action covers the whole service, and buckets are per region
// and access key.
#[tokio::test]
async fn rate_limits_allow_a_burst_then_throttle() {
    let upstream = EchoUpstream::start().await;
    let config = Config {
        rate_limits: vec![
            RateLimit::new("ec2", Some("Describe*"), 1.0, 3.0).unwrap(),
            RateLimit::new("iam", None, 1.0, 2.0).unwrap(),
        ],
        ..Config::default()
    };
    let proxy = FaultProxy::start(&upstream.url(), config.clone())
        .await
        .unwrap();
    let http = client();
    let url = proxy.url();
    let status = |r| {
        let (http, url) = (http.clone(), url.clone());
        async move { try_send(&http, &url, r).await.unwrap().status.as_u16() }
    };
    let mut burst = Vec::new();
    for _ in 0..5 {
        burst.push(status(ec2_as("AKID1", "us-east-1", "DescribeInstances")).await);
    }
    assert_eq!(burst, [200, 200, 200, 503, 503]);
    for _ in 0..3 {
        assert_eq!(
            status(ec2_as("AKID1", "us-east-1", "DescribeVpcs")).await,
            200,
            "own bucket"
        );
    }
    for _ in 0..5 {
        assert_eq!(
            status(ec2_as("AKID1", "us-east-1", "RunInstances")).await,
            200,
            "not limited"
        );
    }
    assert_eq!(
        status(ec2_as("AKID2", "us-east-1", "DescribeInstances")).await,
        200,
        "other key"
    );
    assert_eq!(
        status(ec2_as("AKID1", "eu-west-1", "DescribeInstances")).await,
        200,
        "other region"
    );

    assert_eq!(
        status(query("iam", "us-east-1", "ListUsers", &[])).await,
        200
    );
    assert_eq!(
        status(query("iam", "us-east-1", "ListRoles", &[])).await,
        200
    );
    let answer = send(&url, query("iam", "us-east-1", "GetUser", &[])).await;
    assert_eq!(answer.status, 400, "the whole service shares one bucket");
    assert!(answer.text().contains("<Code>Throttling</Code>"));

    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(
        status(ec2_as("AKID1", "us-east-1", "DescribeInstances")).await,
        200,
        "refilled"
    );

    let stats = proxy.stats();
    assert_eq!(stats.get("ec2", "DescribeInstances").rate_limited, 2);
    assert_eq!(stats.get("iam", "GetUser").rate_limited, 1);
    assert_eq!(stats.total.rate_limited, 3);
    assert_eq!(
        stats.total.throttled, 0,
        "rate limiting is counted apart from throttle rules"
    );

    // A new configuration starts with full buckets.
    proxy.set_config(config).unwrap();
    for _ in 0..3 {
        assert_eq!(
            status(ec2_as("AKID1", "us-east-1", "DescribeInstances")).await,
            200
        );
    }
}

// issue 10: the same request sent until it passes gets through, at 50% throttling, within a
// few attempts: the schedule never pins a request to a fault.
#[tokio::test]
async fn retries_eventually_pass() {
    let upstream = EchoUpstream::start().await;
    let proxy = FaultProxy::start(&upstream.url(), throttling(5, 0.5))
        .await
        .unwrap();
    let mut attempts_needed = BTreeSet::new();
    for i in 0..50 {
        let mut attempts = 1;
        while get_user(&proxy.url(), i).await {
            attempts += 1;
            assert!(attempts < 30, "u{i} throttled 30 times in a row");
        }
        attempts_needed.insert(attempts);
    }
    assert!(
        attempts_needed.len() > 1,
        "every request needed the same number of attempts"
    );
}
