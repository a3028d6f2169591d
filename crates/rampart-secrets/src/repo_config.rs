//! Team patterns and exceptions: a repository's `.rampart/secrets.yaml` adds detectors of
//! its own (in the shape of `detectors.yaml`, their examples checked) and allowed
//! patterns, like git-secrets' `--add` and `--add --allowed`. Errors give the line and
//! column of the value at fault.
//!
//! ```yaml
//! detectors:                      # optional; each entry as in detectors.yaml
//!   - id: acme-api-key            # kebab-case, not a builtin detector's id
//!     name: ACME API key
//!     severity: high
//!     pattern: '\b(acme_[a-z0-9]{32})\b'
//!     keywords: [acme_]
//!     examples: ['ACME_KEY=acme_0123456789abcdefghijklmnopqrstuv']
//!     negative_examples: ['acme_short']
//! allowed:                        # optional; regexes, or maps with a reason
//!   - 'AKIA[A-Z2-7]{12}TEST'
//!   - pattern: 'fixtures/fake-keys'
//!     reason: test keys, never live
//! ```

use regex::bytes::RegexBuilder;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

use crate::detector::{self, invalid, Detector, DetectorError, RawDetector};
use crate::engine::Engine;
use crate::located::{self, Spot};

/// Where a repository keeps its secrets configuration, relative to its root.
pub const REPO_CONFIG_FILE: &str = ".rampart/secrets.yaml";

/// A repository's secrets configuration, validated, with the engine that applies it.
#[derive(Debug)]
pub struct RepoSecretsConfig {
    engine: Engine,
    custom: usize,
    allowed: Vec<AllowedPattern>,
}

/// One `allowed` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedPattern {
    /// The regex (Rust `regex` syntax, Unicode off, unanchored).
    pub pattern: String,
    /// Why the team allows it, if the entry says.
    pub reason: Option<String>,
}

/// Why a repository's secrets configuration was refused: the 1-based line and column of
/// the value at fault (for an invalid detector field or example, that value's own place)
/// and what is wrong, naming the detector and field or the `allowed` entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct RepoConfigError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, e.g. "detector `acme-key`, field `examples[0]`: the pattern does
    /// not match it".
    pub message: String,
}

impl RepoSecretsConfig {
    /// Parse and validate the text of a `.rampart/secrets.yaml`. Refused, with line and
    /// column: malformed YAML, unknown keys, a detector with a missing or invalid field
    /// (as in `detectors.yaml`), an id that is a builtin detector's or is listed twice, a
    /// detector that does not report one of its `examples` or reports one of its
    /// `negative_examples` (through the whole engine: builtin detectors and allowed
    /// patterns included), an allowed pattern that is not a valid regex, and one that
    /// matches the empty string (it would allow every finding). An empty file is an empty
    /// configuration.
    pub fn parse(text: &str) -> Result<RepoSecretsConfig, RepoConfigError> {
        let raw = match read(text, None) {
            Ok(raw) => raw,
            Err(e) => return Err(yaml_error(&e, None)),
        };
        match validate(&raw) {
            Ok(config) => Ok(config),
            Err((ordinal, message)) => Err(place(text, ordinal, message)),
        }
    }

    /// The engine to scan with: the custom detectors, then the builtin ones, and the
    /// allowed patterns. The secrets the custom detectors' `examples` hold are not
    /// reported: they are written into the repository's config file and fake by contract.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The repository's own detectors, in file order.
    pub fn custom_detectors(&self) -> &[Detector] {
        &self.engine.detectors()[..self.custom]
    }

    /// The allowed patterns, in file order.
    pub fn allowed(&self) -> &[AllowedPattern] {
        &self.allowed
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    detectors: Vec<RawDetector>,
    #[serde(default)]
    allowed: Vec<RawAllowed>,
}

/// An `allowed` entry as read: a regex, or `{pattern, reason}`.
struct RawAllowed {
    pattern: Spot<String>,
    reason: Option<String>,
}

impl<'de> Deserialize<'de> for RawAllowed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AllowedVisitor)
    }
}

struct AllowedVisitor;

impl<'de> Visitor<'de> for AllowedVisitor {
    type Value = RawAllowed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a regex, or a map with `pattern` and optionally `reason`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawAllowed, E> {
        Ok(RawAllowed {
            pattern: located::claim(v)?,
            reason: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawAllowed, A::Error> {
        let (mut pattern, mut reason) = (None, None);
        while let Some(key) = map.next_key::<AllowedKey>()? {
            match key {
                AllowedKey::Pattern if pattern.is_none() => pattern = Some(map.next_value()?),
                AllowedKey::Reason if reason.is_none() => reason = Some(map.next_value()?),
                AllowedKey::Pattern => return Err(de::Error::duplicate_field("pattern")),
                AllowedKey::Reason => return Err(de::Error::duplicate_field("reason")),
            }
        }
        Ok(RawAllowed {
            pattern: pattern.ok_or_else(|| de::Error::missing_field("pattern"))?,
            reason,
        })
    }
}

/// A key of an `allowed` map, refused in its own visitor (so at its own place) when it
/// is neither `pattern` nor `reason`.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum AllowedKey {
    Pattern,
    Reason,
}

/// Read the file, with the spot of `fail` failing.
fn read(text: &str, fail: Option<(usize, String)>) -> Result<RawConfig, serde_yaml_ng::Error> {
    // A file of comments only, or nothing, is an empty configuration.
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(RawConfig::default());
    }
    located::read(fail, || serde_yaml_ng::from_str(text))
}

/// Validate what was read; on failure, the ordinal of the value at fault (if any) and
/// the message.
fn validate(raw: &RawConfig) -> Result<RepoSecretsConfig, (Option<usize>, String)> {
    let builtin: Vec<&str> = Engine::builtin()
        .detectors()
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    let mut custom = Vec::with_capacity(raw.detectors.len());
    for (index, r) in raw.detectors.iter().enumerate() {
        let at = |e: DetectorError| -> (Option<usize>, String) {
            let ordinal = match &e {
                DetectorError::Invalid { field, .. } => r.ordinal_of(field),
                DetectorError::Yaml(_) => None,
            };
            (ordinal, e.to_string())
        };
        let d = detector::validate(index, r).map_err(at)?;
        if builtin.contains(&d.id.as_str()) {
            return Err(at(invalid(
                &d.id,
                "id",
                "is a builtin detector's id; give the team's detector an id of its own",
            )));
        }
        if custom.iter().any(|(c, _): &(Detector, _)| c.id == d.id) {
            return Err(at(invalid(&d.id, "id", "duplicate id")));
        }
        let regex = detector::compile(&d).map_err(at)?;
        custom.push((d, regex));
    }
    let mut allowed = Vec::with_capacity(raw.allowed.len());
    for (i, a) in raw.allowed.iter().enumerate() {
        let fail = |reason: String| {
            (
                Some(a.pattern.ordinal),
                format!("allowed[{i}] {:?}: {reason}", a.pattern.value),
            )
        };
        let regex = RegexBuilder::new(&a.pattern.value)
            .unicode(false)
            .build()
            .map_err(|e| fail(regex_message(&e.to_string())))?;
        if regex.is_match(b"") {
            return Err(fail(
                "matches the empty string, so it would allow every finding".to_string(),
            ));
        }
        allowed.push(AllowedPattern {
            pattern: a.pattern.value.clone(),
            reason: a.reason.clone(),
        });
    }
    let patterns: Vec<String> = allowed.iter().map(|a| a.pattern.clone()).collect();
    let count = custom.len();
    let engine = Engine::with_repo(custom, &patterns).map_err(|e| {
        let ordinal = match &e {
            DetectorError::Invalid {
                detector, field, ..
            } => raw
                .detectors
                .iter()
                .find(|r| r.id() == Some(detector.as_str()))
                .and_then(|r| r.ordinal_of(field)),
            DetectorError::Yaml(_) => None,
        };
        (ordinal, e.to_string())
    })?;
    Ok(RepoSecretsConfig {
        engine,
        custom: count,
        allowed,
    })
}

/// The error for `message` at the value of `ordinal`: the text is read again with that
/// value failing, so the parser gives its line and column.
fn place(text: &str, ordinal: Option<usize>, message: String) -> RepoConfigError {
    if let Some(ordinal) = ordinal {
        if let Err(e) = read(text, Some((ordinal, message.clone()))) {
            return yaml_error(&e, Some(message));
        }
    }
    RepoConfigError {
        line: 1,
        column: 1,
        message,
    }
}

/// A parser error as a [`RepoConfigError`]: its location, and `message` or the parser's
/// own (without its trailing "at line L column C").
fn yaml_error(e: &serde_yaml_ng::Error, message: Option<String>) -> RepoConfigError {
    let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let message = message.unwrap_or_else(|| {
        let mut m = e.to_string();
        let at = format!(" at line {line} column {column}");
        if let Some(i) = m.find(&at) {
            m.replace_range(i..i + at.len(), "");
        }
        m
    });
    RepoConfigError {
        line,
        column,
        message,
    }
}

/// The one line of a `regex` error that says what is wrong (its messages draw a caret
/// under the pattern over several lines).
fn regex_message(message: &str) -> String {
    let lines: Vec<&str> = message.lines().map(str::trim).collect();
    lines
        .iter()
        .find_map(|l| l.strip_prefix("error: "))
        .map(str::to_owned)
        .unwrap_or_else(|| lines.join(" "))
}
