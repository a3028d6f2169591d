//! SARIF 2.1.0, as GitHub code scanning reads it: one rule per detector (with a
//! `security-severity` so GitHub ranks them), one result per finding with its location,
//! a partial fingerprint (the finding id) and the redacted secret. The log itself, levels,
//! `security-severity` and rule names are [`rampart_output::sarif`]'s, shared with
//! `rampart scan`'s SARIF.

use rampart_output::sarif::{self, rule_name, Rank};
use rampart_secrets::Detector;
use serde_json::{json, Value};

use crate::{Finding, Report, Severity};

/// A detector's severity on SARIF's scale.
fn rank(s: Severity) -> Rank {
    match s {
        Severity::Critical => Rank::Critical,
        Severity::High => Rank::High,
        Severity::Medium => Rank::Medium,
        Severity::Low => Rank::Low,
    }
}

/// SARIF level of a severity.
fn level(s: Severity) -> &'static str {
    rank(s).level()
}

/// GitHub's `security-severity` (0–10) of a severity.
fn security_severity(s: Severity) -> &'static str {
    rank(s).security_severity()
}

/// A path as a URI reference: relative paths stay relative (to the directory scanned
/// from, which code scanning takes as the repository root), absolute ones become
/// `file://` URIs; bytes outside the unreserved set are percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut properties = json!({
        "severity": f.severity.as_str(),
        "redacted": f.redacted,
        "secretFingerprint": f.fingerprint,
    });
    if let Some(c) = &f.commit {
        properties["commit"] = json!(c.sha);
        properties["author"] = json!(format!("{} <{}>", c.author, c.email));
        properties["date"] = json!(c.date);
    }
    if let Some(k) = &f.aws_key {
        properties["awsKey"] = serde_json::to_value(k).expect("serializes");
    }
    let mut text = f.message();
    if let Some(k) = &f.aws_key {
        text.push_str(&format!(". Fix: {}", k.fix));
    }
    if let Some(c) = &f.commit {
        text.push_str(&format!(
            " (added in commit {} by {})",
            &c.sha[..c.sha.len().min(12)],
            c.author
        ));
    }
    let mut r = json!({
        "ruleId": f.detector_id,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&f.path) },
                "region": { "startLine": f.line, "startColumn": f.column }
            }
        }],
        "partialFingerprints": { "rampartSecret/v1": f.id },
        "properties": properties,
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    r
}

/// Render the report as a SARIF 2.1.0 log whose rules are `detectors`.
pub fn render_sarif(report: &Report, detectors: &[Detector]) -> String {
    let rules: Vec<Value> = detectors
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "name": rule_name(&d.id),
                "shortDescription": { "text": d.name },
                "fullDescription": { "text": format!("{} found in source code or history; it must be revoked, not just deleted.", d.name) },
                "help": { "text": format!("Revoke or rotate the {}, then remove it from the code and its git history. Accept a false positive with `rampart:allow` on its line, a `.rampartignore` pattern or a baseline.", d.name) },
                "defaultConfiguration": { "level": level(d.severity) },
                "properties": {
                    "tags": ["security", "secret"],
                    "security-severity": security_severity(d.severity),
                    "precision": "high",
                },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, detectors.iter().position(|d| d.id == f.detector_id)))
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| sarif::warning(format!("{}: {}", e.path, e.message)))
        .collect();
    sarif::render(sarif::Run {
        tool_name: "rampart".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        rules,
        times: None,
        notifications,
        results,
        properties: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 5 (SARIF for GitHub code scanning): rule names are identifiers, locations are
    // URI references, percent-encoded where a path holds spaces, `#` or non-ASCII bytes.
    #[test]
    fn rule_names_and_uris() {
        assert_eq!(rule_name("aws-access-key-id"), "AwsAccessKeyId");
        assert_eq!(uri("src/a b#c.rs"), "src/a%20b%23c.rs");
        assert_eq!(uri("/tmp/x.py"), "file:///tmp/x.py");
        assert_eq!(uri("d/é"), "d/%C3%A9");
    }
}
