//! The `[watch]` and `[store]` tables of `rampart.toml`: how often `rampart watch` scans,
//! which findings and resource changes are worth a message, where messages go, and where
//! the store of scans lives and how long it keeps them. Parsed and validated only: the
//! command layer acts on them.
//!
//! ```toml
//! [store]
//! path = ".rampart/store.db"    # or postgres://host/db; relative to this file's folder
//! keep = "90d"
//!
//! [watch]
//! every = "1h"
//! min_severity = "high"
//! new_only = true
//! resource_changes = ["world_open", "mfa_removed"]   # default: every risky kind
//!
//! [[watch.targets]]
//! name = "security-channel"
//! kind = "slack"
//! url = "https://hooks.slack.com/services/T000/B000/XXXX"
//! min_severity = "critical"     # per-target override
//!
//! [[watch.targets]]
//! name = "pager"
//! kind = "sns"
//! topic_arn = "arn:aws:sns:eu-west-1:111122223333:rampart-alerts"
//! ```

use crate::config::ConfigPath;
use crate::validated::{self, FromScalar};
use rampart_checks::Severity;
use rampart_store::RiskKind;
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::time::Duration;

/// The shortest `[watch] every` accepted: a scan reads the whole account, and a shorter
/// period would only queue scans behind each other and spend the API rate limits.
pub const MIN_WATCH_PERIOD: Duration = Duration::from_secs(60);

/// `[store]`: where scans are kept and for how long.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Where the store is: a SQLite file (relative paths: from the config file's folder) or
    /// a PostgreSQL URL.
    #[serde(deserialize_with = "some_scalar::<StoreLocation, _>")]
    pub path: Option<StoreLocation>,
    /// How long scans are kept (`rampart prune` removes older ones): `90d`, `12w`.
    #[serde(deserialize_with = "some_scalar::<Retention, _>")]
    pub keep: Option<Retention>,
}

/// Where the store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// A SQLite database file.
    Sqlite(ConfigPath),
    /// A PostgreSQL connection URL (`postgres://` or `postgresql://`), as written.
    Postgres(String),
}

/// How long the store keeps scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention(pub Duration);

/// `[watch]`: the schedule, the rules and the targets of `rampart watch`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchConfig {
    /// Time between the starts of two scans (`1h`, `30m`, `1d`); at least a minute.
    #[serde(deserialize_with = "some_scalar::<Period, _>")]
    pub every: Option<Period>,
    /// Findings below this severity are not worth a message (default: high).
    #[serde(deserialize_with = "some_scalar::<Severity, _>")]
    pub min_severity: Option<Severity>,
    /// Only findings that are new or reopened (default: true); false adds failures that
    /// changed severity or reason.
    pub new_only: Option<bool>,
    /// The risky kinds of resource change worth a message, by name (default: all of them).
    #[serde(deserialize_with = "validated::optional_list")]
    pub resource_changes: Option<Vec<RiskKind>>,
    /// Where messages go.
    #[serde(deserialize_with = "targets")]
    pub targets: Vec<TargetConfig>,
}

/// Time between two scans of `rampart watch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period(pub Duration);

/// What makes a scan worth a message to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRules {
    /// Findings at or above this severity.
    pub min_severity: Severity,
    /// Only new and reopened findings (else also changed ones).
    pub new_only: bool,
    /// The risky kinds of resource change reported; `None`: every kind.
    pub resource_changes: Option<BTreeSet<RiskKind>>,
}

impl Default for WatchRules {
    /// High and critical failures that are new or reopened, and every risky change.
    fn default() -> Self {
        WatchRules {
            min_severity: Severity::High,
            new_only: true,
            resource_changes: None,
        }
    }
}

impl WatchRules {
    /// Whether resource changes of `kind` are reported.
    pub fn reports_change(&self, kind: RiskKind) -> bool {
        self.resource_changes
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&kind))
    }

    /// These rules with the keys that `over` gives replaced.
    fn overridden(
        &self,
        min_severity: Option<Severity>,
        new_only: Option<bool>,
        resource_changes: Option<&Vec<RiskKind>>,
    ) -> WatchRules {
        WatchRules {
            min_severity: min_severity.unwrap_or(self.min_severity),
            new_only: new_only.unwrap_or(self.new_only),
            resource_changes: match resource_changes {
                Some(kinds) => Some(kinds.iter().copied().collect()),
                None => self.resource_changes.clone(),
            },
        }
    }
}

impl WatchConfig {
    /// The rules of `[watch]`, defaults filled in.
    pub fn rules(&self) -> WatchRules {
        WatchRules::default().overridden(
            self.min_severity,
            self.new_only,
            self.resource_changes.as_ref(),
        )
    }

    /// The target named `name`, if configured.
    pub fn target(&self, name: &str) -> Option<&TargetConfig> {
        self.targets.iter().find(|t| t.name == name)
    }
}

/// `[[watch.targets]]`: one place messages go.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawTarget")]
pub struct TargetConfig {
    /// Unique name; messages in the outbox refer to their target by it.
    pub name: String,
    /// Where and how messages are sent.
    pub kind: TargetKind,
    /// Rule keys of this target that replace those of `[watch]`.
    pub min_severity: Option<Severity>,
    /// See [`WatchConfig::new_only`].
    pub new_only: Option<bool>,
    /// See [`WatchConfig::resource_changes`].
    pub resource_changes: Option<Vec<RiskKind>>,
}

impl TargetConfig {
    /// This target's rules: `watch`'s with this target's overrides.
    pub fn rules(&self, watch: &WatchRules) -> WatchRules {
        watch.overridden(
            self.min_severity,
            self.new_only,
            self.resource_changes.as_ref(),
        )
    }
}

/// How a target is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    /// A generic JSON webhook: the message's JSON is POSTed to `url`.
    Webhook {
        /// `http://` or `https://` URL.
        url: String,
    },
    /// A Slack-compatible incoming webhook: `{"text": ...}` is POSTed to `url`.
    Slack {
        /// `http://` or `https://` URL.
        url: String,
    },
    /// An Amazon SNS topic, published to through the AWS SDK.
    Sns {
        /// The topic's ARN (`.fifo` topics get a deduplication id).
        topic_arn: String,
        /// The region to call (default: the topic ARN's).
        region: Option<String>,
        /// The named profile whose credentials publish (default: the scan's).
        profile: Option<String>,
    },
}

impl TargetKind {
    /// `webhook`, `slack` or `sns`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TargetKind::Webhook { .. } => "webhook",
            TargetKind::Slack { .. } => "slack",
            TargetKind::Sns { .. } => "sns",
        }
    }
}

/// A target as written, before its keys are checked against its kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    kind: String,
    url: Option<String>,
    topic_arn: Option<String>,
    region: Option<String>,
    profile: Option<String>,
    #[serde(default, deserialize_with = "some_scalar::<Severity, _>")]
    min_severity: Option<Severity>,
    new_only: Option<bool>,
    #[serde(default, deserialize_with = "validated::optional_list")]
    resource_changes: Option<Vec<RiskKind>>,
}

impl TryFrom<RawTarget> for TargetConfig {
    type Error = String;

    fn try_from(raw: RawTarget) -> Result<Self, String> {
        let name = raw.name.trim();
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(format!(
                "target name `{}` must be non-empty, on one line",
                raw.name.escape_debug()
            ));
        }
        let only = |kind: &str, allowed: &[&str]| -> Result<(), String> {
            let given = [
                ("url", raw.url.is_some()),
                ("topic_arn", raw.topic_arn.is_some()),
                ("region", raw.region.is_some()),
                ("profile", raw.profile.is_some()),
            ];
            match given
                .iter()
                .find(|(key, set)| *set && !allowed.contains(key))
            {
                Some((key, _)) => Err(format!(
                    "target `{name}`: `{key}` does not apply to a {kind} target"
                )),
                None => Ok(()),
            }
        };
        let url = |kind: &str| -> Result<String, String> {
            let url = raw
                .url
                .clone()
                .ok_or_else(|| format!("target `{name}`: a {kind} target needs `url`"))?;
            check_url(&url).map_err(|e| format!("target `{name}`: {e}"))?;
            Ok(url)
        };
        let kind = match raw.kind.as_str() {
            "webhook" => {
                only("webhook", &["url"])?;
                TargetKind::Webhook {
                    url: url("webhook")?,
                }
            }
            "slack" => {
                only("slack", &["url"])?;
                TargetKind::Slack { url: url("slack")? }
            }
            "sns" => {
                only("sns", &["topic_arn", "region", "profile"])?;
                let topic_arn = raw
                    .topic_arn
                    .clone()
                    .ok_or_else(|| format!("target `{name}`: an sns target needs `topic_arn`"))?;
                check_topic_arn(&topic_arn).map_err(|e| format!("target `{name}`: {e}"))?;
                TargetKind::Sns {
                    topic_arn,
                    region: raw.region.clone(),
                    profile: raw.profile.clone(),
                }
            }
            other => {
                return Err(format!(
                    "target `{name}`: unknown kind `{other}` (webhook, slack, sns)"
                ))
            }
        };
        Ok(TargetConfig {
            name: name.to_owned(),
            kind,
            min_severity: raw.min_severity,
            new_only: raw.new_only,
            resource_changes: raw.resource_changes,
        })
    }
}

/// An absolute `http://` or `https://` URL with a host and nothing that could smuggle a
/// second request line.
fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`url` must start with https:// or http:// (found `{url}`)"))?;
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("`url` must not contain spaces or control characters".into());
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("`url` has no host (found `{url}`)"));
    }
    Ok(())
}

/// `arn:<partition>:sns:<region>:<12-digit account>:<topic name>`.
fn check_topic_arn(arn: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "sns"
        && !parts[3].is_empty()
        && validated::is_account_id(parts[4])
        && !parts[5].is_empty()
        && parts[5]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`topic_arn` is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME): `{arn}`"
        ))
    }
}

/// The target list, with each name used once.
fn targets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<TargetConfig>, D::Error> {
    let targets = Vec::<TargetConfig>::deserialize(d)?;
    let mut seen = HashSet::new();
    for t in &targets {
        if !seen.insert(t.name.as_str()) {
            return Err(serde::de::Error::custom(format!(
                "two targets are named `{}`: each target needs its own name",
                t.name
            )));
        }
    }
    Ok(targets)
}

fn some_scalar<'de, T: FromScalar, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    validated::scalar(d).map(Some)
}

/// A duration as `humantime` reads it (`90d`, `1h 30m`).
fn duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|e| format!("`{s}` is not a duration like 30m, 1h or 90d ({e})"))
}

impl FromScalar for Period {
    const EXPECTING: &'static str = "a duration such as 30m, 1h or 1d";
    fn from_str(s: &str) -> Result<Self, String> {
        let d = duration(s)?;
        if d < MIN_WATCH_PERIOD {
            return Err(format!("`{s}` is too short: scan at most once a minute"));
        }
        Ok(Period(d))
    }
}

impl FromScalar for Retention {
    const EXPECTING: &'static str = "a duration such as 90d or 12w";
    fn from_str(s: &str) -> Result<Self, String> {
        let d = duration(s)?;
        if d.is_zero() {
            return Err(format!(
                "`{s}` would keep nothing: give a positive duration"
            ));
        }
        Ok(Retention(d))
    }
}

impl FromScalar for StoreLocation {
    const EXPECTING: &'static str = "a file path or a postgres:// URL";
    fn from_str(s: &str) -> Result<Self, String> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(StoreLocation::Postgres(s.to_owned()))
        } else {
            ConfigPath::from_str(s).map(StoreLocation::Sqlite)
        }
    }
}

impl FromScalar for RiskKind {
    const EXPECTING: &'static str = "a risky change kind";
    fn from_str(s: &str) -> Result<Self, String> {
        use serde::de::IntoDeserializer;
        let d: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            s.into_deserializer();
        RiskKind::deserialize(d).map_err(|e| {
            let e = e.to_string();
            let known = e.split_once("expected one of ").map_or("", |(_, k)| k);
            format!("unknown risky change kind `{s}` (known: {known})")
        })
    }
}

impl StoreConfig {
    /// Resolve a relative SQLite path against `base`.
    pub(crate) fn resolve_paths(&mut self, base: &std::path::Path) {
        if let Some(StoreLocation::Sqlite(p)) = &mut self.path {
            p.0 = base.join(&p.0);
        }
    }
}

impl StoreLocation {
    /// The SQLite file, if the store is one.
    pub fn sqlite_path(&self) -> Option<&PathBuf> {
        match self {
            StoreLocation::Sqlite(p) => Some(&p.0),
            StoreLocation::Postgres(_) => None,
        }
    }
}
