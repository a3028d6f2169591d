//! Detectors as data: the YAML format, parsed into raw records, then validated field by
//! field so that every error names the detector and the field at fault.

use std::collections::HashSet;
use std::fmt;

use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::located::{self, Spot};

/// How bad it is when a detector's secret is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; often not exploitable alone.
    Low,
    /// A credential of limited reach, or a generic pattern that is sometimes wrong.
    Medium,
    /// A credential that grants access to a service.
    High,
    /// A credential that grants broad access (cloud keys, private keys, payment keys).
    Critical,
}

impl Severity {
    /// The lower-case name used in `detectors.yaml` and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One detector, as written in `detectors.yaml` and validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Detector {
    /// Stable kebab-case id, e.g. `aws-access-key-id`.
    pub id: String,
    /// Human-readable name, e.g. `AWS access key ID`.
    pub name: String,
    /// Severity of a match.
    pub severity: Severity,
    /// Regex with exactly one capture group, the secret; compiled with Unicode off.
    pub pattern: String,
    /// Literals (ASCII, matched case-insensitively), one of which must occur on a match's
    /// line (or, with `reach`, within `reach` bytes before its end): the prefilter.
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy, in bits per byte, of the captured secret.
    pub entropy_min: Option<f64>,
    /// For multi-line secrets (PEM keys): bytes after a keyword hit that a match may
    /// reach. `None` keeps a match on one line.
    pub reach: Option<usize>,
    /// Whether a match is a `key = value` assignment whose value is read as code: a value
    /// that is an identifier, a type path, a bind parameter or a placeholder, that names
    /// the secret, or whose key is a segment of a path, is not reported.
    pub assignment: bool,
    /// Text this detector must report.
    pub examples: Vec<String>,
    /// Text no detector may report.
    pub negative_examples: Vec<String>,
}

/// Why a set of detectors could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectorError {
    /// The text is not YAML of the expected shape; the message gives line and column.
    #[error("detectors YAML: {0}")]
    Yaml(String),
    /// A detector has a missing or invalid field.
    #[error("detector `{detector}`, field `{field}`: {reason}")]
    Invalid {
        /// The detector's id, or `#N` (1-based position) when it has no usable id.
        detector: String,
        /// The field at fault, e.g. `pattern` or `examples[2]`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Largest `reach` accepted: one MiB.
const MAX_REACH: usize = 1 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    detectors: Vec<RawDetector>,
}

/// One detector as read, every field optional so that a missing one is reported with the
/// detector's id, and each value a [`Spot`] so that an error found later can be placed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDetector {
    id: Option<Spot<String>>,
    name: Option<Spot<String>>,
    severity: Option<Spot<String>>,
    pattern: Option<Spot<String>>,
    keywords: Option<Vec<Spot<String>>>,
    entropy_min: Option<Spot<f64>>,
    reach: Option<Spot<usize>>,
    assignment: Option<Spot<bool>>,
    #[serde(default)]
    examples: Vec<Spot<String>>,
    #[serde(default)]
    negative_examples: Vec<Spot<String>>,
}

impl RawDetector {
    /// The ordinal of the value that `field` (as [`DetectorError::Invalid`] names it:
    /// `pattern`, `examples[2]`) refers to; for a missing field or a whole list, the
    /// detector's first value. `None` for an entry with no value at all.
    pub(crate) fn ordinal_of(&self, field: &str) -> Option<usize> {
        let indexed = |list: &[Spot<String>], prefix: &str| {
            field
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('['))
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| list.get(i))
                .map(|s| s.ordinal)
        };
        let keywords = self.keywords.as_deref().unwrap_or_default();
        let own = match field {
            "id" => self.id.as_ref().map(|s| s.ordinal),
            "name" => self.name.as_ref().map(|s| s.ordinal),
            "severity" => self.severity.as_ref().map(|s| s.ordinal),
            "pattern" => self.pattern.as_ref().map(|s| s.ordinal),
            "entropy_min" => self.entropy_min.as_ref().map(|s| s.ordinal),
            "reach" => self.reach.as_ref().map(|s| s.ordinal),
            _ => indexed(keywords, "keywords")
                .or_else(|| indexed(&self.examples, "examples"))
                .or_else(|| indexed(&self.negative_examples, "negative_examples")),
        };
        own.or_else(|| self.first_ordinal())
    }

    /// The ordinal of the first value read in this entry.
    fn first_ordinal(&self) -> Option<usize> {
        let single = [
            self.id.as_ref().map(|s| s.ordinal),
            self.name.as_ref().map(|s| s.ordinal),
            self.severity.as_ref().map(|s| s.ordinal),
            self.pattern.as_ref().map(|s| s.ordinal),
            self.entropy_min.as_ref().map(|s| s.ordinal),
            self.reach.as_ref().map(|s| s.ordinal),
            self.assignment.as_ref().map(|s| s.ordinal),
        ];
        let lists = self
            .keywords
            .iter()
            .flatten()
            .chain(&self.examples)
            .chain(&self.negative_examples)
            .map(|s| s.ordinal);
        single.into_iter().flatten().chain(lists).min()
    }

    /// The id as written, if any (for error messages about an entry that failed).
    pub(crate) fn id(&self) -> Option<&str> {
        self.id.as_ref().map(|s| s.value.as_str())
    }
}

/// Parse and validate detectors, compiling each pattern. Examples are checked later, by
/// the engine built from the result.
pub(crate) fn parse(text: &str) -> Result<Vec<(Detector, Regex)>, DetectorError> {
    let raw: RawFile = located::read(None, || serde_yaml_ng::from_str(text))
        .map_err(|e| DetectorError::Yaml(e.to_string()))?;
    if raw.detectors.is_empty() {
        return Err(DetectorError::Yaml(
            "`detectors` lists no detector".to_string(),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(raw.detectors.len());
    for (index, r) in raw.detectors.iter().enumerate() {
        let detector = validate(index, r)?;
        if !seen.insert(detector.id.clone()) {
            return Err(invalid(&detector.id, "id", "duplicate id"));
        }
        let regex = compile(&detector)?;
        out.push((detector, regex));
    }
    Ok(out)
}

pub(crate) fn invalid(detector: &str, field: &str, reason: impl Into<String>) -> DetectorError {
    DetectorError::Invalid {
        detector: detector.to_string(),
        field: field.to_string(),
        reason: reason.into(),
    }
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Validate one detector's fields (not its examples, which need an engine).
pub(crate) fn validate(index: usize, r: &RawDetector) -> Result<Detector, DetectorError> {
    let position = format!("#{}", index + 1);
    let value = |s: &Option<Spot<String>>| s.as_ref().map(|s| s.value.clone());
    let id = match value(&r.id) {
        None => return Err(invalid(&position, "id", "missing")),
        Some(id) if !is_kebab_case(&id) => {
            return Err(invalid(
                &position,
                "id",
                format!("{id:?} is not kebab-case (lower-case letters and digits joined by `-`)"),
            ))
        }
        Some(id) => id,
    };
    let name = match value(&r.name) {
        Some(name) if !name.trim().is_empty() => name,
        Some(_) => return Err(invalid(&id, "name", "empty")),
        None => return Err(invalid(&id, "name", "missing")),
    };
    let severity = match value(&r.severity) {
        None => return Err(invalid(&id, "severity", "missing")),
        Some(s) => Severity::parse(&s).ok_or_else(|| {
            invalid(
                &id,
                "severity",
                format!("{s:?} is not one of critical, high, medium, low"),
            )
        })?,
    };
    let pattern = value(&r.pattern).ok_or_else(|| invalid(&id, "pattern", "missing"))?;
    let keywords: Vec<String> = r
        .keywords
        .as_ref()
        .ok_or_else(|| invalid(&id, "keywords", "missing"))?
        .iter()
        .map(|k| k.value.clone())
        .collect();
    if keywords.is_empty() {
        return Err(invalid(
            &id,
            "keywords",
            "empty: the prefilter needs at least one",
        ));
    }
    for (i, k) in keywords.iter().enumerate() {
        if k.is_empty() || !k.is_ascii() || k.contains(['\n', '\r']) {
            return Err(invalid(
                &id,
                &format!("keywords[{i}]"),
                "must be a non-empty ASCII literal on one line",
            ));
        }
    }
    let entropy_min = r.entropy_min.as_ref().map(|s| s.value);
    if let Some(e) = entropy_min {
        if !(0.0..=8.0).contains(&e) {
            return Err(invalid(
                &id,
                "entropy_min",
                format!("{e} is outside 0..=8 bits per byte"),
            ));
        }
    }
    let reach = r.reach.as_ref().map(|s| s.value);
    if let Some(reach) = reach {
        if reach == 0 || reach > MAX_REACH {
            return Err(invalid(
                &id,
                "reach",
                format!("{reach} is outside 1..={MAX_REACH} bytes"),
            ));
        }
    }
    if r.examples.is_empty() {
        return Err(invalid(
            &id,
            "examples",
            "missing: every detector needs at least one example it reports",
        ));
    }
    let texts = |list: &[Spot<String>]| list.iter().map(|s| s.value.clone()).collect();
    Ok(Detector {
        id,
        name,
        severity,
        pattern,
        keywords,
        entropy_min,
        reach,
        assignment: r.assignment.as_ref().is_some_and(|s| s.value),
        examples: texts(&r.examples),
        negative_examples: texts(&r.negative_examples),
    })
}

/// Compile a detector's pattern the way the engine runs it: bytes, Unicode off.
pub(crate) fn compile(d: &Detector) -> Result<Regex, DetectorError> {
    let regex = RegexBuilder::new(&d.pattern)
        .unicode(false)
        .build()
        .map_err(|e| invalid(&d.id, "pattern", e.to_string()))?;
    // captures_len counts the implicit group 0 that spans the whole match.
    let groups = regex.captures_len() - 1;
    if groups != 1 {
        return Err(invalid(
            &d.id,
            "pattern",
            format!(
                "has {groups} capture groups; it needs exactly one, the secret \
                 (use (?:...) for the others)"
            ),
        ));
    }
    Ok(regex)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Practice: ids are stable kebab-case (ruff/cargo-deny style stable codes).
    #[test]
    fn kebab_case_ids() {
        assert!(is_kebab_case("aws-access-key-id"));
        assert!(is_kebab_case("s3"));
        for bad in [
            "", "AWS-key", "aws_key", "aws--key", "-aws", "aws-", "aws key",
        ] {
            assert!(!is_kebab_case(bad), "{bad:?} accepted");
        }
    }

    // Practice: severity names in the data file and in reports are one vocabulary.
    #[test]
    fn severity_names_round_trip_and_order() {
        for s in [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ] {
            assert_eq!(Severity::parse(s.as_str()), Some(s));
        }
        assert_eq!(Severity::parse("urgent"), None);
        assert!(Severity::Critical > Severity::High && Severity::Medium > Severity::Low);
    }
}
