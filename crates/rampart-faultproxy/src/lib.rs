//! A fault-injecting HTTP proxy for rampart's tests and benchmarks (issue 10). It sits on
//! 127.0.0.1 between the AWS SDK and the moto emulator, forwards every request unchanged, and
//! answers chosen ones with AWS-shaped faults in the protocol's own error form: throttles,
//! 500s, access denials, connection resets and endpoints that never answer; it also adds
//! latency and enforces AWS-like per-API rate limits.
//!
//! # In a test
//!
//! ```no_run
//! use rampart_faultproxy::{Config, FaultKind, FaultProxy, Fraction, Rule};
//!
//! # async fn example(moto_url: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config {
//!     seed: 42,
//!     throttle_fraction: Fraction::new(0.2)?,
//!     rules: vec![Rule {
//!         service: Some("sts".into()),
//!         action: Some("AssumeRole".into()),
//!         role_arn: Some("arn:aws:iam::222222222222:role/*".into()),
//!         ..Rule::new(FaultKind::Deny)
//!     }],
//!     ..Config::default()
//! };
//! let proxy = FaultProxy::start(moto_url, config).await?;
//! // Point the SDK (or `AWS_ENDPOINT_URL`) at proxy.url(), run the scan, then:
//! let stats = proxy.stats();
//! assert_eq!(stats.get("sts", "AssumeRole").denied, 1);
//! proxy.set_config(Config::default())?; // the next phase runs clean
//! # Ok(()) }
//! ```
//!
//! Synchronous tests that drive the CLI use [`FaultProxy::spawn`], which runs the proxy on a
//! runtime of its own. Dropping the proxy stops it.
//!
//! # From the command line
//!
//! `rampart-fault-proxy --upstream http://127.0.0.1:5000 [--listen 127.0.0.1:0] [--config
//! bench/aws-pace.toml]` prints `listening on http://127.0.0.1:PORT` and serves until killed.
//! It listens on loopback addresses only. `GET /__proxy/stats` serves the counts as JSON,
//! `DELETE /__proxy/stats` clears them, and `GET`/`PUT /__proxy/config` read and replace the
//! configuration (JSON, with the TOML keys).
//!
//! # Configuration
//!
//! See [`Config`]; `bench/aws-pace.toml` is a commented example. A request is decided in
//! this order: the first [`Rule`] whose filters match draws against its `fraction`; if it gave
//! no fault, one draw against the shortcuts `throttle_fraction`, `error_fraction` and
//! `reset_fraction`; a request still without a fault must take a token from every matching
//! [`RateLimit`] bucket or is throttled; the rest are forwarded. The latency (`latency_ms`
//! plus up to `jitter_ms`) is waited before every answer, faults included.
//!
//! # The seeded schedule
//!
//! Faults are drawn from a hash of (seed, service, region, action, a hash of the method, path,
//! query and body, the attempt number of that same request so far), never from a clock or a
//! shared random stream: the k-th attempt of a request gets the same decision for a given seed
//! whatever the order concurrent requests arrive in, and a retry is a new draw. See
//! [`decide`] and the `schedule` module for the one limit of this.
//!
//! # What a request is
//!
//! [`RequestInfo::classify`] reads the service, region and access key from the SigV4
//! credential scope, the protocol and action from `X-Amz-Target`, the form body's `Action=`,
//! or the method and path (S3 operations are named as S3 names them, other rest requests
//! `METHOD /path` with ids written `{id}`), and the `RoleArn` of `AssumeRole`.

mod aws_error;
mod config;
mod proxy;
mod rate_limit;
mod request;
mod schedule;
mod stats;

pub use config::{Burst, Config, ConfigError, FaultKind, Fraction, PositiveRate, RateLimit, Rule};
pub use proxy::{Canned, FaultProxy, ProxyError, Responder};
pub use request::{Protocol, RequestInfo};
pub use schedule::decide;
pub use stats::{ApiStats, Counts, Stats};
