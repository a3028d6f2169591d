//! What a stored scan is worth telling each target: the digest of its new failures and
//! risky changes under the target's rules, and that digest as the target's payload (JSON
//! for a webhook, mrkdwn text for Slack, a subject and JSON body for SNS). One message per
//! scan per target, with a delivery id that depends on the target and the scan only.

use chrono::{DateTime, SecondsFormat, Utc};
use rampart_checks::{Severity, Status};
use rampart_output::slack_escape;
use rampart_store::{
    FindingChange, Lifecycle, NewMessage, Recorded, ResourceChange, ResourceChangeKind, RiskKind,
};
use rampart_triage::{TargetKind, WatchConfig, WatchRules};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::fmt::Write as _;

/// Items a Slack message lists of each sort before it says how many more there are (a
/// Slack message is cut at 40,000 characters; the JSON payloads list everything).
pub const SLACK_ITEMS: usize = 25;

/// The scan a message is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRef {
    /// The account scanned.
    pub account_id: String,
    /// The store's id of the scan.
    pub scan_id: i64,
    /// When its inventory was collected.
    pub collected_at: DateTime<Utc>,
}

/// A failing finding worth a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestFinding {
    /// New, reopened (or changed, when the rules are not new-only).
    pub lifecycle: Lifecycle,
    /// Severity.
    pub severity: Severity,
    /// Check id.
    pub check_id: String,
    /// Region or `global`.
    pub region: String,
    /// Resource ARN or id.
    pub resource: String,
    /// The finding's one-line reason.
    pub reason: String,
}

/// A resource change with at least one risky line worth a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestChange {
    /// Added, removed or changed.
    pub change: ResourceChangeKind,
    /// Resource kind (`ec2:security_groups`).
    pub kind: String,
    /// Its key: the ARN, else the id.
    pub key: String,
    /// Region or `global`.
    pub region: String,
    /// The name a person knows it by, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The risky lines the rules report, in order.
    pub lines: Vec<RiskyLine>,
}

/// One risky line of a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskyLine {
    /// Its kind.
    pub risk: RiskKind,
    /// What changed, as a person reads it.
    pub text: String,
}

/// What one scan is worth telling one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    /// New failures, most severe first.
    pub findings: Vec<DigestFinding>,
    /// Risky changes, in the store's order (kind, key).
    pub changes: Vec<DigestChange>,
}

impl Digest {
    /// The failures and risky changes of `recorded` that `rules` report; `None` when there
    /// is nothing to send.
    pub fn of(recorded: &Recorded, rules: &WatchRules) -> Option<Digest> {
        let mut findings: Vec<DigestFinding> = recorded
            .findings
            .iter()
            .filter(|f| worth_sending(f, rules))
            .map(|f| DigestFinding {
                lifecycle: f.lifecycle,
                severity: f.severity,
                check_id: f.check_id.clone(),
                region: f.region.clone(),
                resource: f.resource.clone(),
                reason: f
                    .after
                    .as_ref()
                    .map(|a| a.reason.clone())
                    .unwrap_or_default(),
            })
            .collect();
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.check_id.cmp(&b.check_id))
                .then_with(|| a.region.cmp(&b.region))
                .then_with(|| a.resource.cmp(&b.resource))
        });
        let changes: Vec<DigestChange> = recorded
            .resources
            .iter()
            .filter_map(|c| risky_change(c, rules))
            .collect();
        if findings.is_empty() && changes.is_empty() {
            None
        } else {
            Some(Digest { findings, changes })
        }
    }

    /// Findings per severity, most severe first: `[critical, high, medium, low, info]`.
    fn by_severity(&self) -> [usize; 5] {
        let mut n = [0; 5];
        for f in &self.findings {
            n[Severity::ALL
                .iter()
                .position(|s| *s == f.severity)
                .unwrap_or(4)] += 1;
        }
        n
    }
}

/// An active failure, new (or reopened, or, unless new-only, changed), at or above the
/// minimum severity.
fn worth_sending(f: &FindingChange, rules: &WatchRules) -> bool {
    let wanted = match f.lifecycle {
        Lifecycle::New | Lifecycle::Reopened => true,
        Lifecycle::Changed => !rules.new_only,
        Lifecycle::Unchanged | Lifecycle::Resolved | Lifecycle::Muted | Lifecycle::Unknown => false,
    };
    let failing = f
        .after
        .as_ref()
        .is_some_and(|a| a.status == Status::Fail && a.muted_by.is_none());
    wanted && failing && f.severity >= rules.min_severity
}

/// The change with only its risky lines of the kinds `rules` report; none if it has none.
fn risky_change(c: &ResourceChange, rules: &WatchRules) -> Option<DigestChange> {
    if c.change == ResourceChangeKind::Unknown {
        return None;
    }
    let lines: Vec<RiskyLine> = c
        .lines
        .iter()
        .filter(|l| !l.unread)
        .filter_map(|l| {
            l.risk
                .filter(|r| rules.reports_change(*r))
                .map(|risk| RiskyLine {
                    risk,
                    text: l.text.clone(),
                })
        })
        .collect();
    (!lines.is_empty()).then(|| DigestChange {
        change: c.change,
        kind: c.kind.clone(),
        key: c.key.clone(),
        region: c.region.clone(),
        name: c.name.clone(),
        lines,
    })
}

/// The delivery id of `scan`'s message to `target`: 32 hex digits of a SHA-256 of both,
/// so the same scan to the same target always has the same id, and a receiver can drop
/// a repeat.
pub fn delivery_id(target: &str, scan_id: i64) -> String {
    let mut h = Sha256::new();
    h.update(b"rampart watch delivery v1\0");
    h.update(target.as_bytes());
    h.update(b"\0");
    h.update(scan_id.to_string().as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The messages `recorded` is worth under `watch`'s rules: one per target with something
/// to send. A scan the store skipped (no scan id) is worth none.
pub fn messages_for(recorded: &Recorded, scan: &ScanRef, watch: &WatchConfig) -> Vec<NewMessage> {
    if recorded.scan_id.is_none() {
        return Vec::new();
    }
    let base = watch.rules();
    watch
        .targets
        .iter()
        .filter_map(|target| {
            let digest = Digest::of(recorded, &target.rules(&base))?;
            let delivery_id = delivery_id(&target.name, scan.scan_id);
            let payload = match &target.kind {
                TargetKind::Webhook { .. } => json_body(&digest, scan, &delivery_id),
                TargetKind::Slack { .. } => slack_body(&digest, scan, &delivery_id),
                TargetKind::Sns { .. } => sns_body(&digest, scan, &delivery_id),
            };
            Some(NewMessage {
                delivery_id,
                target: target.name.clone(),
                payload,
            })
        })
        .collect()
}

/// The generic webhook's JSON (also the body of an SNS message).
pub fn json_body(digest: &Digest, scan: &ScanRef, delivery_id: &str) -> String {
    let by = digest.by_severity();
    serde_json::json!({
        "delivery_id": delivery_id,
        "source": "rampart",
        "account_id": scan.account_id,
        "scan_id": scan.scan_id,
        "collected_at": scan.collected_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "counts": {
            "findings": digest.findings.len(),
            "changes": digest.changes.len(),
            "critical": by[0],
            "high": by[1],
            "medium": by[2],
            "low": by[3],
            "info": by[4],
        },
        "findings": digest.findings,
        "changes": digest.changes,
    })
    .to_string()
}

/// An SNS message as the outbox keeps it: the subject and the message to publish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnsPayload {
    /// Subject (ASCII, one line, at most 100 characters, as SNS requires).
    pub subject: String,
    /// The message: the generic webhook's JSON.
    pub message: String,
}

/// The SNS payload: [`SnsPayload`] as JSON.
pub fn sns_body(digest: &Digest, scan: &ScanRef, delivery_id: &str) -> String {
    let account: String = scan
        .account_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect();
    let mut subject = format!("rampart: {} in account {account}", summary(digest));
    subject.truncate(100);
    serde_json::to_string(&SnsPayload {
        subject,
        message: json_body(digest, scan, delivery_id),
    })
    .expect("plain data serializes")
}

/// `2 new failures, 1 risky change`.
fn summary(digest: &Digest) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if !digest.findings.is_empty() {
        parts.push(plural(digest.findings.len(), "new failure", "new failures"));
    }
    if !digest.changes.is_empty() {
        parts.push(plural(
            digest.changes.len(),
            "risky change",
            "risky changes",
        ));
    }
    parts.join(", ")
}

/// The Slack payload, `{"text": ...}`: every string from the account escaped for mrkdwn.
pub fn slack_body(digest: &Digest, scan: &ScanRef, delivery_id: &str) -> String {
    let e = |s: &str| slack_escape(s).into_owned();
    let mut text = format!(
        "*rampart*: {} in account {} (scan {}, collected {})\n",
        summary(digest),
        e(&scan.account_id),
        scan.scan_id,
        scan.collected_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    for f in digest.findings.iter().take(SLACK_ITEMS) {
        let _ = writeln!(
            text,
            "• *{}* {} ({}) on {} in {}: {}",
            f.severity.as_str().to_uppercase(),
            e(&f.check_id),
            f.lifecycle.as_str(),
            e(&f.resource),
            e(&f.region),
            e(&f.reason),
        );
    }
    more(&mut text, digest.findings.len(), "failures");
    for c in digest.changes.iter().take(SLACK_ITEMS) {
        let name = c
            .name
            .as_deref()
            .map(|n| format!(" ({})", e(n)))
            .unwrap_or_default();
        let lines: Vec<String> = c
            .lines
            .iter()
            .map(|l| format!("{}: {}", risk_name(l.risk), e(&l.text)))
            .collect();
        let _ = writeln!(
            text,
            "• risky change to {} {}{} in {}: {}",
            e(&c.kind),
            e(&c.key),
            name,
            e(&c.region),
            lines.join("; "),
        );
    }
    more(&mut text, digest.changes.len(), "risky changes");
    let _ = write!(text, "delivery id: {delivery_id}");
    serde_json::json!({ "text": text }).to_string()
}

fn more(text: &mut String, n: usize, what: &str) {
    if n > SLACK_ITEMS {
        let _ = writeln!(text, "• … and {} more {what}", n - SLACK_ITEMS);
    }
}

/// The snake_case name of a risky kind, as in the settings file.
pub fn risk_name(kind: RiskKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_store::{ChangeLine, FindingState};
    use rampart_triage::Config;
    use std::path::Path;

    const HOSTILE: &str = "<!channel> & <https://evil.example|console.aws.amazon.com>";

    fn finding(lifecycle: Lifecycle, severity: Severity, resource: &str) -> FindingChange {
        FindingChange {
            lifecycle,
            check_id: "ec2_sg_open_ssh".into(),
            region: "eu-west-1".into(),
            resource: resource.into(),
            severity,
            before: None,
            after: Some(FindingState {
                status: Status::Fail,
                severity,
                reason: format!("security group {resource} admits 0.0.0.0/0 on 22"),
                muted_by: None,
            }),
            unknown_reason: None,
            first_seen: None,
            last_seen: None,
            time_to_fix_secs: None,
        }
    }

    fn line(text: &str, risk: Option<RiskKind>) -> ChangeLine {
        ChangeLine {
            text: text.into(),
            risk,
            unread: false,
        }
    }

    fn change(key: &str, lines: Vec<ChangeLine>) -> ResourceChange {
        ResourceChange {
            change: ResourceChangeKind::Changed,
            kind: "ec2:security_groups".into(),
            key: key.into(),
            region: "eu-west-1".into(),
            name: Some(HOSTILE.into()),
            lines,
        }
    }

    /// A stored scan with something of every sort: findings each rule keeps or drops,
    /// risky and plain resource changes, and names written by an attacker.
    fn recorded() -> Recorded {
        let mut muted = finding(Lifecycle::New, Severity::Critical, "sg-muted");
        muted.after.as_mut().unwrap().muted_by = Some("accepted".into());
        let mut resolved = finding(Lifecycle::Resolved, Severity::High, "sg-fixed");
        resolved.after.as_mut().unwrap().status = Status::Pass;
        let mut unknown_change = change(
            "sg-unread",
            vec![line("ingress", Some(RiskKind::WorldOpen))],
        );
        unknown_change.change = ResourceChangeKind::Unknown;
        Recorded {
            scan_id: Some(14),
            skipped: None,
            findings: vec![
                finding(Lifecycle::New, Severity::High, &format!("sg-1 {HOSTILE}")),
                finding(Lifecycle::Reopened, Severity::Critical, "sg-2"),
                finding(Lifecycle::New, Severity::Low, "sg-low"),
                finding(Lifecycle::Changed, Severity::High, "sg-changed"),
                finding(Lifecycle::Unchanged, Severity::High, "sg-same"),
                muted,
                resolved,
            ],
            resources: vec![
                change(
                    "sg-0open",
                    vec![
                        line("description: a → b", None),
                        line("ingress + tcp/22 from 0.0.0.0/0", Some(RiskKind::WorldOpen)),
                    ],
                ),
                change(
                    "arn:aws:iam::111122223333:role/ci",
                    vec![line(
                        "AdministratorAccess attached",
                        Some(RiskKind::AdminAttached),
                    )],
                ),
                change("sg-plain", vec![line("tag Owner: a → b", None)]),
                unknown_change,
            ],
        }
    }

    fn scan() -> ScanRef {
        ScanRef {
            account_id: "111122223333".into(),
            scan_id: 14,
            collected_at: "2026-12-01T10:00:00Z".parse().unwrap(),
        }
    }

    fn watch(toml: &str) -> WatchConfig {
        Config::parse(toml, Path::new("rampart.toml"))
            .unwrap_or_else(|e| panic!("{e}"))
            .watch
    }

    const TARGETS: &str = r#"
[[watch.targets]]
name = "hook"
kind = "webhook"
url = "http://127.0.0.1:9/hook"

[[watch.targets]]
name = "chat"
kind = "slack"
url = "http://127.0.0.1:9/slack"

[[watch.targets]]
name = "topic"
kind = "sns"
topic_arn = "arn:aws:sns:us-east-1:111122223333:alerts"
"#;

    // Issue 11: the default rules report new and reopened failures of high severity and
    // above, and every risky change, with only its risky lines.
    #[test]
    fn default_rules_keep_new_high_failures_and_risky_changes() {
        let d = Digest::of(&recorded(), &WatchRules::default()).unwrap();
        let found: Vec<(&str, Lifecycle)> = d
            .findings
            .iter()
            .map(|f| (f.resource.as_str(), f.lifecycle))
            .collect();
        assert_eq!(
            found,
            [
                ("sg-2", Lifecycle::Reopened),
                (format!("sg-1 {HOSTILE}").as_str(), Lifecycle::New),
            ],
            "most severe first; low, changed, unchanged, muted and resolved left out"
        );
        let keys: Vec<&str> = d.changes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["sg-0open", "arn:aws:iam::111122223333:role/ci"]);
        assert_eq!(
            d.changes[0].lines,
            [RiskyLine {
                risk: RiskKind::WorldOpen,
                text: "ingress + tcp/22 from 0.0.0.0/0".into()
            }]
        );
    }

    // Issue 11: "Rules say what is worth a message": a lower minimum, changed findings
    // when not new-only, and only the risky kinds listed.
    #[test]
    fn rules_widen_and_narrow_what_is_sent() {
        let rules = WatchRules {
            min_severity: Severity::Low,
            new_only: false,
            resource_changes: Some([RiskKind::AdminAttached].into_iter().collect()),
        };
        let d = Digest::of(&recorded(), &rules).unwrap();
        let mut resources: Vec<&str> = d.findings.iter().map(|f| f.resource.as_str()).collect();
        resources.sort_unstable();
        assert_eq!(
            resources,
            [
                "sg-1 <!channel> & <https://evil.example|console.aws.amazon.com>",
                "sg-2",
                "sg-changed",
                "sg-low"
            ]
        );
        let keys: Vec<&str> = d.changes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["arn:aws:iam::111122223333:role/ci"]);

        let nothing = WatchRules {
            min_severity: Severity::Critical,
            new_only: true,
            resource_changes: Some(Default::default()),
        };
        let d = Digest::of(&recorded(), &nothing).unwrap();
        assert_eq!(d.findings.len(), 1, "the reopened critical only");
        assert!(d.changes.is_empty());
    }

    // Issue 11: "Nothing to send → no message"; a scan the store skipped sends nothing.
    #[test]
    fn nothing_worth_sending_makes_no_message() {
        let w = watch(&format!(
            "[watch]\nmin_severity = \"critical\"\nresource_changes = []\n{TARGETS}"
        ));
        let mut r = recorded();
        r.findings.retain(|f| f.severity != Severity::Critical);
        assert!(messages_for(&r, &scan(), &w).is_empty());
        let mut skipped = recorded();
        skipped.scan_id = None;
        skipped.skipped = Some("older than the last stored scan".into());
        assert!(messages_for(&skipped, &scan(), &watch(&format!("[watch]\n{TARGETS}"))).is_empty());
        assert!(
            messages_for(&recorded(), &scan(), &watch("[watch]\n")).is_empty(),
            "no targets"
        );
    }

    // Issue 11: "each message carries a stable delivery id": one message per scan per
    // target, the same id each time the same scan is built for the same target, another
    // for another target or scan.
    #[test]
    fn delivery_ids_are_stable_per_target_and_scan() {
        let w = watch(&format!("[watch]\n{TARGETS}"));
        let first = messages_for(&recorded(), &scan(), &w);
        let again = messages_for(&recorded(), &scan(), &w);
        assert_eq!(first, again);
        let targets: Vec<&str> = first.iter().map(|m| m.target.as_str()).collect();
        assert_eq!(targets, ["hook", "chat", "topic"]);
        for m in &first {
            assert_eq!(m.delivery_id, delivery_id(&m.target, 14));
            assert_eq!(m.delivery_id.len(), 32);
        }
        let ids: std::collections::HashSet<&str> =
            first.iter().map(|m| m.delivery_id.as_str()).collect();
        assert_eq!(ids.len(), 3, "one id per target");
        assert_ne!(delivery_id("hook", 14), delivery_id("hook", 15));
    }

    // Issue 11: the generic webhook's JSON carries the delivery id, the scan, counts and
    // every finding and change, data as data.
    #[test]
    fn webhook_payload_is_the_digest_as_json() {
        let w = watch(&format!("[watch]\n{TARGETS}"));
        let m = &messages_for(&recorded(), &scan(), &w)[0];
        let v: serde_json::Value = serde_json::from_str(&m.payload).unwrap();
        assert_eq!(v["delivery_id"], m.delivery_id.as_str());
        assert_eq!(v["account_id"], "111122223333");
        assert_eq!(v["scan_id"], 14);
        assert_eq!(v["collected_at"], "2026-12-01T10:00:00Z");
        assert_eq!(v["counts"]["findings"], 2);
        assert_eq!(v["counts"]["critical"], 1);
        assert_eq!(v["counts"]["high"], 1);
        assert_eq!(v["counts"]["changes"], 2);
        assert_eq!(v["findings"][1]["resource"], format!("sg-1 {HOSTILE}"));
        assert_eq!(v["findings"][0]["lifecycle"], "reopened");
        assert_eq!(v["changes"][0]["lines"][0]["risk"], "world_open");
        assert_eq!(v["changes"][0]["name"], HOSTILE);
    }

    // Practice "hostile data" (issue 11): every account-controlled string in a Slack
    // message is escaped, so a resource name cannot mention @channel or disguise a link;
    // the delivery id is in the text.
    #[test]
    fn slack_text_escapes_every_name_from_the_account() {
        let w = watch(&format!("[watch]\n{TARGETS}"));
        let m = &messages_for(&recorded(), &scan(), &w)[1];
        let v: serde_json::Value = serde_json::from_str(&m.payload).unwrap();
        let text = v["text"].as_str().unwrap();
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        assert!(
            text.contains(
                "sg-1 &lt;!channel&gt; &amp; &lt;https://evil.example|console.aws.amazon.com&gt;"
            ),
            "{text}"
        );
        assert!(
            text.contains("(&lt;!channel&gt; &amp;"),
            "the change's name: {text}"
        );
        assert!(
            text.contains("world_open: ingress + tcp/22 from 0.0.0.0/0"),
            "{text}"
        );
        assert!(
            text.starts_with("*rampart*: 2 new failures, 2 risky changes in account 111122223333"),
            "{text}"
        );
        assert!(
            text.ends_with(&format!("delivery id: {}", m.delivery_id)),
            "{text}"
        );
        assert_eq!(v.as_object().unwrap().len(), 1, "Slack reads `text` only");
    }

    // Issue 11: a long digest is cut in Slack (its message limit), never in JSON.
    #[test]
    fn slack_lists_a_bounded_number_of_items() {
        let mut r = recorded();
        r.findings = (0..SLACK_ITEMS + 7)
            .map(|i| finding(Lifecycle::New, Severity::High, &format!("sg-{i}")))
            .collect();
        let d = Digest::of(&r, &WatchRules::default()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&slack_body(&d, &scan(), "id")).unwrap();
        let text = v["text"].as_str().unwrap();
        assert_eq!(text.matches("ec2_sg_open_ssh").count(), SLACK_ITEMS);
        assert!(text.contains("… and 7 more failures"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&json_body(&d, &scan(), "id")).unwrap();
        assert_eq!(json["findings"].as_array().unwrap().len(), SLACK_ITEMS + 7);
    }

    // Issue 11: the SNS message is the JSON body with a subject SNS accepts.
    #[test]
    fn sns_payload_has_a_subject_and_the_json_body() {
        let w = watch(&format!("[watch]\n{TARGETS}"));
        let m = &messages_for(&recorded(), &scan(), &w)[2];
        let p: SnsPayload = serde_json::from_str(&m.payload).unwrap();
        assert_eq!(
            p.subject,
            "rampart: 2 new failures, 2 risky changes in account 111122223333"
        );
        assert!(p.subject.len() <= 100 && p.subject.is_ascii());
        let body: serde_json::Value = serde_json::from_str(&p.message).unwrap();
        assert_eq!(body["delivery_id"], m.delivery_id.as_str());
        assert_eq!(body["findings"].as_array().unwrap().len(), 2);
    }

    /// Every risky kind; the match makes a new kind a compile error here until it is added
    /// (and documented).
    fn every_risk_kind() -> Vec<RiskKind> {
        use RiskKind::*;
        let all = vec![
            WorldOpen,
            MfaRemoved,
            AccessKeyCreated,
            AdminAttached,
            TrailStopped,
            GuardDutyDisabled,
            BucketPublic,
            RecorderStopped,
            MadePublic,
            TrustWidened,
            PasswordPolicyWeakened,
        ];
        for k in &all {
            match k {
                WorldOpen
                | MfaRemoved
                | AccessKeyCreated
                | AdminAttached
                | TrailStopped
                | GuardDutyDisabled
                | BucketPublic
                | RecorderStopped
                | MadePublic
                | TrustWidened
                | PasswordPolicyWeakened => {}
            }
        }
        all
    }

    // Issue 11: "The risky changes that `watch` reports by default are listed in the docs",
    // each by the name the settings file takes.
    #[test]
    fn docs_list_every_risky_kind_reported_by_default() {
        let docs = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/watch.md"),
        )
        .unwrap();
        for kind in every_risk_kind() {
            assert!(WatchRules::default().reports_change(kind));
            let row = format!("| `{}` |", risk_name(kind));
            assert!(docs.contains(&row), "docs/watch.md lacks the row {row}");
        }
    }
}
