//! The SARIF 2.1.0 log both of rampart's SARIF outputs write (`rampart scan --format
//! sarif` and `rampart secrets --format sarif`): the envelope (schema, version, one run
//! with its tool, invocation and results), the level and GitHub `security-severity` of a
//! severity, and rule names. Each caller builds its own rules and results; what SARIF and
//! GitHub code scanning require of every log is decided here once.

use serde_json::{json, Map, Value};

/// The schema URI written in `$schema`.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where the tool is documented (`tool.driver.informationUri`).
pub const INFORMATION_URI: &str = "https://github.com/rampart-sec/rampart";

/// A severity on the scale SARIF consumers rank by: each of rampart's severities (check
/// findings, secret detectors) maps onto it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// Critical.
    Critical,
    /// High.
    High,
    /// Medium.
    Medium,
    /// Low.
    Low,
    /// Informational.
    Info,
}

impl Rank {
    /// The SARIF `level` of a failing result of this rank.
    pub fn level(self) -> &'static str {
        match self {
            Rank::Critical | Rank::High => "error",
            Rank::Medium => "warning",
            Rank::Low | Rank::Info => "note",
        }
    }

    /// GitHub's `security-severity` (0–10), by which code scanning ranks alerts.
    pub fn security_severity(self) -> &'static str {
        match self {
            Rank::Critical => "9.5",
            Rank::High => "8.0",
            Rank::Medium => "5.5",
            Rank::Low => "3.0",
            Rank::Info => "0.0",
        }
    }
}

/// A rule id as a SARIF rule name (an identifier): `iam_root_mfa` → `IamRootMfa`,
/// `aws-access-key-id` → `AwsAccessKeyId`.
pub fn rule_name(id: &str) -> String {
    id.split(['_', '-'])
        .map(|part| {
            let mut c = part.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A `toolExecutionNotifications` entry: a warning about something the run could not do.
pub fn warning(text: impl Into<String>) -> Value {
    json!({ "level": "warning", "message": { "text": text.into() } })
}

/// One run of one tool: what [`render`] writes.
#[derive(Debug, Clone)]
pub struct Run {
    /// `tool.driver.name`.
    pub tool_name: String,
    /// `tool.driver.version`.
    pub tool_version: String,
    /// `tool.driver.rules`.
    pub rules: Vec<Value>,
    /// `invocations[0].startTimeUtc` and `endTimeUtc`, when known.
    pub times: Option<(String, String)>,
    /// `invocations[0].toolExecutionNotifications` (see [`warning`]).
    pub notifications: Vec<Value>,
    /// `results`.
    pub results: Vec<Value>,
    /// The run's `properties`, if any.
    pub properties: Option<Value>,
}

/// The log of one run, pretty-printed, ending with a newline.
pub fn render(run: Run) -> String {
    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), true.into());
    if let Some((start, end)) = run.times {
        invocation.insert("startTimeUtc".into(), start.into());
        invocation.insert("endTimeUtc".into(), end.into());
    }
    invocation.insert(
        "toolExecutionNotifications".into(),
        run.notifications.into(),
    );
    let mut sarif_run = json!({
        "tool": {
            "driver": {
                "name": run.tool_name,
                "version": run.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": run.rules,
            }
        },
        "invocations": [invocation],
        "results": run.results,
    });
    if let Some(properties) = run.properties {
        sarif_run["properties"] = properties;
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [sarif_run],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("a SARIF log serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(rule_name("iam_root_mfa"), "IamRootMfa");
        assert_eq!(rule_name("aws-access-key-id"), "AwsAccessKeyId");
    }

    #[test]
    fn a_run_is_one_log_with_its_parts() {
        let out = render(Run {
            tool_name: "rampart".into(),
            tool_version: "1.0.0".into(),
            rules: vec![json!({ "id": "r" })],
            times: Some(("2026-01-01T00:00:00Z".into(), "2026-01-01T00:01:00Z".into())),
            notifications: vec![warning("could not read x")],
            results: vec![json!({ "ruleId": "r" })],
            properties: Some(json!({ "accountId": "1" })),
        });
        assert!(out.ends_with("}\n") && !out.ends_with("\n\n"));
        let log: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["$schema"], SCHEMA);
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["informationUri"], INFORMATION_URI);
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert_eq!(run["invocations"][0]["endTimeUtc"], "2026-01-01T00:01:00Z");
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
            "could not read x"
        );
        assert_eq!(run["properties"]["accountId"], "1");
        assert_eq!(Rank::High.level(), "error");
        assert_eq!(Rank::Info.security_severity(), "0.0");
    }
}
