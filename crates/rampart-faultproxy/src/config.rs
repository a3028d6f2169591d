//! The proxy's configuration: latency, the seeded fault rules and the per-API rate limits.
//! Read from TOML by the binary (errors name the file, line and column), given as a struct by
//! tests, and replaced at run time as JSON through `PUT /__proxy/config`.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// Everything the proxy decides with. `Config::default()` forwards every request untouched.
///
/// ```toml
/// seed = 42
/// latency_ms = 30
/// jitter_ms = 0
/// throttle_fraction = 0.2      # shortcuts over every request
/// [[rule]]                     # first matching rule wins
/// service = "sts"
/// action = "AssumeRole"
/// role_arn = "arn:aws:iam::222222222222:role/*"
/// fault = "deny"
/// [[rate_limit]]
/// service = "ec2"
/// action = "Describe*"
/// per_second = 20
/// burst = 100
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Seed of the fault schedule: the same seed gives the same decisions.
    pub seed: u64,
    /// Delay added before every request is answered or forwarded, in milliseconds.
    pub latency_ms: u64,
    /// Up to this many milliseconds more, drawn per request from the seeded schedule.
    pub jitter_ms: u64,
    /// Fraction of all requests answered with the protocol's throttling error.
    pub throttle_fraction: Fraction,
    /// Fraction of all requests answered with the protocol's 500 error.
    pub error_fraction: Fraction,
    /// Fraction of all requests whose connection is reset without an answer.
    pub reset_fraction: Fraction,
    /// Targeted faults; the first rule whose filters all match a request decides it.
    #[serde(rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// AWS-like token buckets; a request over its bucket gets the throttling answer.
    #[serde(rename = "rate_limit", skip_serializing_if = "Vec::is_empty")]
    pub rate_limits: Vec<RateLimit>,
}

/// A targeted fault: filters (all optional, all must match) and what to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Signing name of the service (`iam`, `ec2`, `sts`, `s3`, `ecs`...), exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The action as [`crate::RequestInfo::action`] names it; `*` matches any run of characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Region of the credential scope, exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The `RoleArn` of an `AssumeRole` request (decoded); `*` matches any run of characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// A substring of the request body, as sent or once form-decoded (`%3A` read as `:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_contains: Option<String>,
    /// What matching requests get.
    pub fault: FaultKind,
    /// Fraction of matching requests that get the fault (drawn from the seeded schedule).
    #[serde(default = "Fraction::one")]
    pub fraction: Fraction,
}

/// The faults a rule can inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The protocol's throttling error (`Throttling`, `RequestLimitExceeded`,
    /// `ThrottlingException`, `SlowDown`), which the SDK retries with backoff.
    Throttle,
    /// The protocol's 500 internal error, which the SDK retries as transient.
    Error,
    /// The TCP connection is reset without an answer.
    Reset,
    /// The protocol's access-denied error, naming the action and resource; not retried.
    Deny,
    /// The request is read and never answered, like an endpoint that does not answer.
    Hang,
}

/// An AWS-like token bucket over the requests of one service, or one action of it.
/// Buckets are kept per region and access key id (AWS counts per account and region; the
/// proxy sees no account, so the access key stands for it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Signing name of the service, exact.
    pub service: String,
    /// The action; `*` matches any run of characters. Omitted: one bucket for the whole
    /// service; given: each action it matches has a bucket of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Refill rate, tokens per second (more than 0).
    pub per_second: PositiveRate,
    /// Bucket size: the requests allowed at once after a quiet period (at least 1).
    pub burst: Burst,
}

/// A number in `0..=1`, refused otherwise when the configuration is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Fraction(f64);

impl Fraction {
    /// `fraction` if it lies in `0..=1`.
    pub fn new(fraction: f64) -> Result<Self, ConfigError> {
        if (0.0..=1.0).contains(&fraction) {
            Ok(Fraction(fraction))
        } else {
            Err(ConfigError::Invalid(format!(
                "a fraction must lie in 0..=1, not {fraction}"
            )))
        }
    }

    /// The fraction 1: every request.
    pub fn one() -> Self {
        Fraction(1.0)
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Fraction {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        Fraction::new(value).map_err(|e| e.to_string())
    }
}

impl From<Fraction> for f64 {
    fn from(f: Fraction) -> f64 {
        f.0
    }
}

/// A refill rate above 0 tokens per second.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct PositiveRate(f64);

impl PositiveRate {
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for PositiveRate {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        if value > 0.0 && value.is_finite() {
            Ok(PositiveRate(value))
        } else {
            Err(format!("per_second must be above 0, not {value}"))
        }
    }
}

impl From<PositiveRate> for f64 {
    fn from(r: PositiveRate) -> f64 {
        r.0
    }
}

/// A bucket size of at least one token.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Burst(f64);

impl Burst {
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Burst {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        if value >= 1.0 && value.is_finite() {
            Ok(Burst(value))
        } else {
            Err(format!("burst must be at least 1, not {value}"))
        }
    }
}

impl From<Burst> for f64 {
    fn from(b: Burst) -> f64 {
        b.0
    }
}

impl Rule {
    /// A rule giving `fault` to every request (narrow it with the filter fields).
    pub fn new(fault: FaultKind) -> Self {
        Rule {
            service: None,
            action: None,
            region: None,
            role_arn: None,
            body_contains: None,
            fault,
            fraction: Fraction::one(),
        }
    }
}

impl RateLimit {
    /// A bucket of `burst` tokens refilled at `per_second` over `service` (and `action`).
    pub fn new(
        service: &str,
        action: Option<&str>,
        per_second: f64,
        burst: f64,
    ) -> Result<Self, ConfigError> {
        Ok(RateLimit {
            service: service.to_string(),
            action: action.map(str::to_string),
            per_second: PositiveRate::try_from(per_second).map_err(ConfigError::Invalid)?,
            burst: Burst::try_from(burst).map_err(ConfigError::Invalid)?,
        })
    }
}

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Malformed TOML, an unknown key or a value out of range, with where it is.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What is wrong, on one line.
        message: String,
    },
    /// Malformed JSON (`PUT /__proxy/config`).
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A value that parses but cannot be used.
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Reads and validates a TOML configuration file.
    pub fn from_toml_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses and validates TOML text; `origin` names it in errors (a file name).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = line_column(text, offset);
            ConfigError::Parse {
                path: origin.to_string(),
                line,
                column,
                message: e.message().lines().collect::<Vec<_>>().join(" "),
            }
        })?;
        config.validate().map_err(|e| match e {
            ConfigError::Invalid(message) => ConfigError::Invalid(format!("{origin}: {message}")),
            other => other,
        })?;
        Ok(config)
    }

    /// Parses and validates JSON text (same keys as the TOML form).
    pub fn from_json_slice(json: &[u8]) -> Result<Config, ConfigError> {
        let config: Config = serde_json::from_slice(json).map_err(|e| ConfigError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types alone cannot: the shortcut fractions add up to at most 1.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let sum =
            self.throttle_fraction.get() + self.error_fraction.get() + self.reset_fraction.get();
        if sum > 1.0 + 1e-9 {
            return Err(ConfigError::Invalid(format!(
                "throttle_fraction + error_fraction + reset_fraction is {sum}, more than 1"
            )));
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// `pattern` with `*` matching any run of characters (including none), else exact.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty(); // no `*`: exact
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    // issue 10: rule and rate-limit actions accept `*` (for `Describe*` and role ARN prefixes).
    #[test]
    fn glob_matches_prefixes_suffixes_and_exact() {
        assert!(glob_match("Describe*", "DescribeInstances"));
        assert!(!glob_match("Describe*", "RunInstances"));
        assert!(glob_match("*Instances", "DescribeInstances"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXcYYb"));
        assert!(glob_match("ListUsers", "ListUsers"));
        assert!(!glob_match("ListUsers", "ListUsersX"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("ab*ba", "aba"));
    }

    // issue 10: errors in a config name the line and column of the bad value.
    #[test]
    fn line_column_counts_from_one() {
        assert_eq!(line_column("a\nbc\n", 3), (2, 2));
        assert_eq!(line_column("abc", 0), (1, 1));
    }
}
