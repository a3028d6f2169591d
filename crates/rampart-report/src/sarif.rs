//! SARIF 2.1.0: one rule per check (its title, what it examines, why it matters and the
//! fix as help text), one result per FAIL or ERROR finding, located by the resource ARN
//! as a logical location, fingerprinted by the finding id, and suppressed (kind
//! `external`, the mute rule's reason as justification) when a mutelist rule matched.
//! The log itself, levels, `security-severity` and rule names are
//! [`rampart_output::sarif`]'s, shared with `rampart secrets`' SARIF.
//!
//! PASS findings are counted in the run's properties, not listed: a result is something
//! to look at. With a baseline, results carry `baselineState` (`new`, `unchanged`), and
//! the findings resolved since the baseline are results with state `absent`.

use crate::check_docs;
use crate::json::{write_pretty, JsonArray};
use crate::org::{AccountEntry, AccountOutcome, OrgHeader, OrgWriter, Shard};
use crate::report::{ScanReport, Summary};
use chrono::{DateTime, Utc};
use rampart_checks::{BaselineState, Finding, Severity, Status};
use rampart_output::sarif::{self, rule_name, Rank};
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

/// The report as a pretty-printed SARIF 2.1.0 log with one run, ending with a newline.
pub fn render_sarif(report: &ScanReport) -> String {
    let listed = || {
        report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass)
            .chain(&report.resolved)
    };
    let check_ids: Vec<&str> = listed()
        .map(|f| f.check_id.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rules: Vec<Value> = check_ids.iter().map(|id| rule(id)).collect();
    let index = |id: &str| check_ids.binary_search(&id).ok();

    let mut results: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| result(f, index(&f.check_id), f.baseline))
        .collect();
    results.extend(
        report
            .resolved
            .iter()
            .map(|f| result(f, index(&f.check_id), Some(BaselineState::Resolved))),
    );

    let notifications = notifications(report);
    sarif::render(sarif::Run {
        tool_name: report.tool.name.clone(),
        tool_version: report.tool.version.clone(),
        rules,
        times: Some((time(&report.collected_at), time(&report.evaluated_at))),
        notifications,
        results,
        properties: Some(json!({
            "accountId": report.account_id,
            "partition": report.partition,
            "regionsScanned": report.regions_scanned,
            "summary": summary_json(&report.summary),
        })),
    })
}

/// The counts of a run's `properties.summary`.
fn summary_json(s: &Summary) -> Value {
    json!({
        "total": s.total,
        "pass": s.pass,
        "fail": s.fail,
        "error": s.error,
        "muted": s.muted,
    })
}

/// A time as SARIF writes it.
fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The invocation's notifications: each failed API call of collection, and each warning.
fn notifications(report: &ScanReport) -> Vec<Value> {
    let mut notifications: Vec<Value> = report
        .collection_errors
        .iter()
        .map(|e| {
            let what = if e.gap.api.is_empty() {
                e.service.clone()
            } else {
                e.gap.api.clone()
            };
            sarif::warning(format!(
                "{} on {what} in {}: {}",
                e.gap.code, e.region, e.gap.message
            ))
        })
        .collect();
    notifications.extend(report.warnings.iter().map(sarif::warning));
    notifications
}

/// The organization as one SARIF run: the results of every account (each result's
/// `properties.accountId` names it), one invocation per account (its times and
/// collection gaps; an account that could not be read is an unsuccessful invocation with
/// the reason as an error notification), and the rules of every check with a result.
/// Results are written as each account comes; rules are numbered in order of first use,
/// and with the invocations (small: times and notifications) written after the results.
#[derive(Default)]
pub(crate) struct OrgSarif {
    results: Option<JsonArray>,
    rules: Vec<Value>,
    rule_index: HashMap<String, usize>,
    invocations: Vec<Value>,
}

impl OrgSarif {
    /// The index of the check's rule, added when it is new.
    fn rule_index(&mut self, check_id: &str) -> usize {
        if let Some(&i) = self.rule_index.get(check_id) {
            return i;
        }
        self.rules.push(rule(check_id));
        self.rule_index
            .insert(check_id.to_owned(), self.rules.len() - 1);
        self.rules.len() - 1
    }
}

impl OrgWriter for OrgSarif {
    fn start(&mut self, _: &OrgHeader, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{{\n  \"$schema\": \"{}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \
             \"results\": ",
            sarif::SCHEMA
        )?;
        self.results = Some(JsonArray::open(out, "      ")?);
        Ok(())
    }

    fn unscanned(
        &mut self,
        _: &OrgHeader,
        entry: &AccountEntry,
        _: &mut dyn Write,
    ) -> io::Result<()> {
        if let AccountOutcome::Error { reason } = &entry.outcome {
            self.invocations.push(json!({
                "executionSuccessful": false,
                "toolExecutionNotifications": [{
                    "level": "error",
                    "message": { "text": format!(
                        "account {} could not be read: {reason}", entry.account_id
                    ) },
                }],
                "properties": { "accountId": entry.account_id },
            }));
        }
        Ok(())
    }

    fn scanned(
        &mut self,
        _: &AccountEntry,
        report: &ScanReport,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let listed = report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass)
            .map(|f| (f, f.baseline))
            .chain(
                report
                    .resolved
                    .iter()
                    .map(|f| (f, Some(BaselineState::Resolved))),
            );
        for (f, baseline) in listed {
            let index = self.rule_index(&f.check_id);
            if let Some(results) = self.results.as_mut() {
                results.push(out, &result(f, Some(index), baseline))?;
            }
        }
        self.invocations.push(json!({
            "executionSuccessful": true,
            "startTimeUtc": time(&report.collected_at),
            "endTimeUtc": time(&report.evaluated_at),
            "toolExecutionNotifications": notifications(report),
            "properties": { "accountId": report.account_id, "partition": report.partition },
        }));
        Ok(())
    }

    fn finish(&mut self, header: &OrgHeader, out: &mut dyn Write) -> io::Result<()> {
        if let Some(results) = self.results.take() {
            results.close(out)?;
        }
        const INDENT: &str = "      ";
        write!(out, ",\n{INDENT}\"invocations\": ")?;
        write_pretty(out, &self.invocations, INDENT)?;
        let tool = json!({
            "driver": {
                "name": header.tool.name,
                "version": header.tool.version,
                "informationUri": sarif::INFORMATION_URI,
                "rules": self.rules,
            }
        });
        write!(out, ",\n{INDENT}\"tool\": ")?;
        write_pretty(out, &tool, INDENT)?;
        let c = header.counts();
        let properties = json!({
            "organizationId": header.organization_id,
            "accounts": { "scanned": c.scanned, "error": c.error, "skipped": c.skipped },
            "shards": header.shards.iter().map(Shard::to_string).collect::<Vec<_>>(),
            "summary": summary_json(&header.summary),
        });
        write!(out, ",\n{INDENT}\"properties\": ")?;
        write_pretty(out, &properties, INDENT)?;
        out.write_all(b"\n    }\n  ]\n}\n")
    }
}

/// A check as a SARIF rule (reportingDescriptor).
fn rule(check_id: &str) -> Value {
    let Some(meta) = check_docs::meta(check_id) else {
        // A check this build does not know: its id is all there is to say.
        return json!({ "id": check_id, "name": rule_name(check_id) });
    };
    let mut tags = vec!["security".to_owned(), meta.service.to_owned()];
    tags.extend(meta.cis.iter().map(|c| format!("CIS {c}")));
    let help_text = format!("{}\n\nWhy: {}\n\nFix: {}", meta.what, meta.why, meta.fix);
    let help_markdown = format!(
        "{}\n\n**Why:** {}\n\n**Fix:**\n\n```sh\n{}\n```",
        meta.what, meta.why, meta.fix
    );
    let mut rule = json!({
        "id": meta.id,
        "name": rule_name(meta.id),
        "shortDescription": { "text": meta.title },
        "fullDescription": { "text": meta.what },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(meta.severity),
            "precision": "very-high",
        },
    });
    if let Some(url) = check_docs::urls(meta).next() {
        rule["helpUri"] = url.into();
    }
    rule
}

/// A FAIL or ERROR finding (or a resolved one) as a SARIF result.
fn result(f: &Finding, rule_index: Option<usize>, baseline: Option<BaselineState>) -> Value {
    // SARIF: a result whose kind is not `fail` has level `none`. An ERROR is `open`: the
    // rule was evaluated and could not decide; a resolved finding is `pass`.
    let (kind, level_of) = match (baseline, f.status) {
        (Some(BaselineState::Resolved), _) => ("pass", "none"),
        (_, Status::Fail) => ("fail", level(f.severity)),
        (_, Status::Error) => ("open", "none"),
        (_, Status::Pass) => ("pass", "none"),
    };
    let mut properties = Map::new();
    properties.insert("status".into(), f.status.as_str().into());
    properties.insert("severity".into(), f.severity.as_str().into());
    properties.insert("region".into(), f.region.clone().into());
    properties.insert("accountId".into(), f.account_id.clone().into());
    let mut r = json!({
        "ruleId": f.check_id,
        "kind": kind,
        "level": level_of,
        "message": { "text": f.reason },
        "locations": [{
            "logicalLocations": [{
                "name": short_name(&f.resource),
                "fullyQualifiedName": f.resource,
                "kind": "resource",
            }]
        }],
        "partialFingerprints": { "rampartFinding/v1": f.id },
        "properties": properties,
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = i.into();
    }
    if let Some(state) = baseline {
        r["baselineState"] = match state {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
            BaselineState::Resolved => "absent",
        }
        .into();
    }
    if let Some(m) = &f.muted {
        let mut properties = json!({ "rule": m.rule });
        if let Some(expires) = m.expires {
            properties["expires"] = expires.to_string().into();
        }
        r["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": m.reason,
            "properties": properties,
        }]);
    }
    r
}

/// The last part of an ARN (`sg-0123`), or the whole of it.
fn short_name(resource: &str) -> &str {
    resource
        .rsplit(['/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or(resource)
}

/// SARIF level of a failing finding's severity.
fn level(s: Severity) -> &'static str {
    rank(s).level()
}

/// GitHub's `security-severity` (0–10) of a severity, as `rampart secrets` gives it.
fn security_severity(s: Severity) -> &'static str {
    rank(s).security_severity()
}

fn rank(s: Severity) -> Rank {
    match s {
        Severity::Critical => Rank::Critical,
        Severity::High => Rank::High,
        Severity::Medium => Rank::Medium,
        Severity::Low => Rank::Low,
        Severity::Info => Rank::Info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_ids_and_arns() {
        assert_eq!(rule_name("iam_root_mfa"), "IamRootMfa");
        assert_eq!(
            short_name("arn:aws:ec2:us-east-1:1:security-group/sg-1"),
            "sg-1"
        );
        assert_eq!(short_name("arn:aws:iam::1:root"), "root");
        assert_eq!(short_name("arn:aws:ec2:us-east-1:1:*"), "*");
    }
}
