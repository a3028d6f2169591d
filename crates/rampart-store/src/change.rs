//! What changed in a resource, as a person reads it: one [`ChangeLine`] per rule, policy,
//! flag or field, relative to the resource (`ingress + tcp/22 from 0.0.0.0/0`), with the
//! [`RiskKind`] of the risky ones. Kinds that matter for security have their own readings;
//! every other kind gets field-path lines (`path.to.field: old → new`).
//!
//! Text is raw (renderers escape it) and values are cut to [`MAX_VALUE`] characters. A field
//! that one of the two scans could not read is an unknown, never a change: its line is
//! `unread` and carries no risk. `docs/store-changes.md` lists the risky changes.

use crate::extract::is_collected;
use crate::model::{ChangeLine, RiskKind};
use serde_json::Value;
use std::collections::BTreeSet;

/// The longest value a line shows, in characters; longer ones end in `…`.
pub const MAX_VALUE: usize = 60;

const NULL: &Value = &Value::Null;

/// What changed in a resource of `kind` from `before` to `after` (bodies as
/// [`crate::extract`] gives them). Empty when the bodies are equal.
pub fn describe_changed(kind: &str, before: &Value, after: &Value) -> Vec<ChangeLine> {
    let mut out = Vec::new();
    if before == after {
        return out;
    }
    let renderer = RENDERERS.iter().find(|r| r.kind == kind);
    let handled: &[&str] = match renderer {
        Some(r) => {
            (r.changed)(before, after, &mut out);
            r.handles
        }
        None => &[],
    };
    if handled != WHOLE {
        diff_fields("", before, after, handled, &mut out);
    }
    if out.is_empty() {
        out.push(plain("content changed".into()));
    }
    out
}

/// What is notable (risky) about a resource that appeared: a security group open to the
/// world, an administrator policy, a public bucket, an active access key. Empty when nothing
/// is.
pub fn describe_added(kind: &str, body: &Value) -> Vec<ChangeLine> {
    let mut out = Vec::new();
    if let Some(r) = RENDERERS.iter().find(|r| r.kind == kind) {
        (r.added)(body, &mut out);
    }
    out
}

/// What is notable (risky) about a resource that is gone: a deleted trail, GuardDuty
/// detector, recording recorder or assigned MFA device. Empty when nothing is.
pub fn describe_removed(kind: &str, body: &Value) -> Vec<ChangeLine> {
    let mut out = Vec::new();
    if let Some(r) = RENDERERS.iter().find(|r| r.kind == kind) {
        (r.removed)(body, &mut out);
    }
    out
}

type Changed = fn(&Value, &Value, &mut Vec<ChangeLine>);
type Single = fn(&Value, &mut Vec<ChangeLine>);

/// The reading of one kind: the top-level fields it describes itself (the others get
/// field-path lines), and what it says of a change, an added and a removed resource.
struct Renderer {
    kind: &'static str,
    handles: &'static [&'static str],
    changed: Changed,
    added: Single,
    removed: Single,
}

/// `handles` of a reading that describes the whole body.
const WHOLE: &[&str] = &["*"];

fn nothing(_: &Value, _: &mut Vec<ChangeLine>) {}

const RENDERERS: &[Renderer] = &[
    Renderer {
        kind: "ec2:security_groups",
        handles: &["ingress", "egress"],
        changed: sg_changed,
        added: sg_added,
        removed: nothing,
    },
    Renderer {
        kind: "ec2:network_acls",
        handles: &["entries"],
        changed: nacl_changed,
        added: nothing,
        removed: nothing,
    },
    Renderer {
        kind: "ec2:images",
        handles: &["public"],
        changed: image_changed,
        added: nothing,
        removed: nothing,
    },
    Renderer {
        kind: "iam:users",
        handles: &[
            "groups",
            "attached_policies",
            "inline_policies",
            "access_keys",
        ],
        changed: user_changed,
        added: user_added,
        removed: nothing,
    },
    Renderer {
        kind: "iam:groups",
        handles: &["attached_policies", "inline_policies"],
        changed: principal_policies_changed,
        added: principal_policies_added,
        removed: nothing,
    },
    Renderer {
        kind: "iam:roles",
        handles: &["assume_role_policy", "attached_policies", "inline_policies"],
        changed: role_changed,
        added: role_added,
        removed: nothing,
    },
    Renderer {
        kind: "iam:policies",
        handles: &["document"],
        changed: policy_changed,
        added: policy_added,
        removed: nothing,
    },
    Renderer {
        kind: "iam:credential_report",
        handles: &[
            "access_keys",
            "mfa_active",
            "password_enabled",
            "password_last_changed",
            "cert_active",
        ],
        changed: report_changed,
        added: report_added,
        removed: nothing,
    },
    Renderer {
        kind: "iam:virtual_mfa_devices",
        handles: &["user_arn"],
        changed: mfa_device_changed,
        added: nothing,
        removed: mfa_device_removed,
    },
    Renderer {
        kind: "iam:account_summary",
        handles: &["AccountMFAEnabled", "AccountAccessKeysPresent"],
        changed: summary_changed,
        added: nothing,
        removed: nothing,
    },
    Renderer {
        kind: "iam:password_policy",
        handles: WHOLE,
        changed: password_policy_changed,
        added: nothing,
        removed: nothing,
    },
    Renderer {
        kind: "cloudtrail:trails",
        handles: &["status", "is_multi_region", "log_file_validation"],
        changed: trail_changed,
        added: nothing,
        removed: trail_removed,
    },
    Renderer {
        kind: "guardduty:detectors",
        handles: &["status"],
        changed: detector_changed,
        added: nothing,
        removed: detector_removed,
    },
    Renderer {
        kind: "config:recorders",
        handles: &["recording"],
        changed: recorder_changed,
        added: nothing,
        removed: recorder_removed,
    },
    Renderer {
        kind: "s3:buckets",
        handles: &["public_access_block", "policy", "acl_grants"],
        changed: bucket_changed,
        added: bucket_added,
        removed: nothing,
    },
    Renderer {
        kind: "s3:account_public_access_block",
        handles: WHOLE,
        changed: account_bpa_changed,
        added: nothing,
        removed: nothing,
    },
    Renderer {
        kind: "rds:instances",
        handles: &["publicly_accessible"],
        changed: rds_changed,
        added: rds_added,
        removed: nothing,
    },
];

// ---------------------------------------------------------------------------------------
// Lines and values

fn plain(text: String) -> ChangeLine {
    ChangeLine {
        text,
        risk: None,
        unread: false,
    }
}

fn risky(text: String, risk: RiskKind) -> ChangeLine {
    ChangeLine {
        text,
        risk: Some(risk),
        unread: false,
    }
}

fn risky_if(text: String, risk: RiskKind, cond: bool) -> ChangeLine {
    if cond {
        risky(text, risk)
    } else {
        plain(text)
    }
}

/// A string cut to [`MAX_VALUE`] characters.
fn abbr(s: &str) -> String {
    if s.chars().count() <= MAX_VALUE {
        s.to_owned()
    } else {
        let mut cut: String = s.chars().take(MAX_VALUE - 1).collect();
        cut.push('…');
        cut
    }
}

/// A value as a line shows it: strings raw, `none` for null, `not read` for a gap, compact
/// JSON for the rest; cut to [`MAX_VALUE`] characters.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => abbr(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ if is_collected(v) => match v.get("ok") {
            Some(inner) => show(inner),
            None => "not read".into(),
        },
        _ => abbr(&v.to_string()),
    }
}

fn get<'a>(v: &'a Value, field: &str) -> &'a Value {
    v.get(field).unwrap_or(NULL)
}

fn flag(v: &Value, field: &str) -> bool {
    get(v, field).as_bool().unwrap_or(false)
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    get(v, field).as_str().unwrap_or("")
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Both sides of a `Collected` field.
enum Pair<'a> {
    /// Read in both scans (plain values count as read).
    Read(&'a Value, &'a Value),
    /// Not read in one scan or both: an unknown, not a change.
    Unread(ChangeLine),
    /// Not read in either scan, for the same reason.
    Same,
}

fn gap_code(v: &Value) -> Option<&str> {
    if is_collected(v) {
        v.get("missing")
            .map(|g| g.get("code").and_then(Value::as_str).unwrap_or("?"))
    } else {
        None
    }
}

fn read_value(v: &Value) -> &Value {
    if is_collected(v) {
        v.get("ok").unwrap_or(NULL)
    } else {
        v
    }
}

fn pair<'a>(label: &str, before: &'a Value, after: &'a Value) -> Pair<'a> {
    let unread = |text: String| {
        Pair::Unread(ChangeLine {
            text,
            risk: None,
            unread: true,
        })
    };
    let label = if label.is_empty() { "value" } else { label };
    match (gap_code(before), gap_code(after)) {
        (None, None) => Pair::Read(read_value(before), read_value(after)),
        (Some(_), Some(_)) if before == after => Pair::Same,
        (Some(_), Some(code)) => unread(format!("{label}: not read ({code})")),
        (Some(code), None) => unread(format!("{label}: not read in the earlier scan ({code})")),
        (None, Some(code)) => unread(format!("{label}: not read in the later scan ({code})")),
    }
}

// ---------------------------------------------------------------------------------------
// The generic reading: field paths

/// Field-path lines for every top-level field of two objects but `skip`.
fn diff_fields(
    path: &str,
    before: &Value,
    after: &Value,
    skip: &[&str],
    out: &mut Vec<ChangeLine>,
) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) if !is_collected(before) && !is_collected(after) => {
            let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for k in keys {
                if skip.contains(&k.as_str()) {
                    continue;
                }
                diff(&join(path, k), get(before, k), get(after, k), out);
            }
        }
        _ => diff(path, before, after, out),
    }
}

/// Field-path lines for one value: `path: old → new`, `path + element`, `path - element`.
fn diff(path: &str, before: &Value, after: &Value, out: &mut Vec<ChangeLine>) {
    if before == after {
        return;
    }
    let (b, a) = match pair(path, before, after) {
        Pair::Read(b, a) => (b, a),
        Pair::Unread(line) => return out.push(line),
        Pair::Same => return,
    };
    if b == a {
        return;
    }
    match (b, a) {
        (Value::Object(_), Value::Object(_)) => diff_fields(path, b, a, &[], out),
        (Value::Array(b), Value::Array(a)) => diff_list(path, b, a, out),
        _ => {
            let label = if path.is_empty() { "value" } else { path };
            out.push(plain(format!("{label}: {} → {}", show(b), show(a))));
        }
    }
}

/// Fields that identify an element of a list, tried in turn.
const IDENTITY: &[&str] = &["id", "arn", "name", "key", "serial_number", "user", "Sid"];

fn identity<'a>(b: &'a [Value], a: &'a [Value]) -> Option<&'static str> {
    IDENTITY.iter().copied().find(|f| {
        [b, a].iter().all(|list| {
            let mut seen = BTreeSet::new();
            list.iter().all(|e| {
                e.get(*f)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty() && seen.insert(s))
            })
        })
    })
}

fn diff_list(path: &str, b: &[Value], a: &[Value], out: &mut Vec<ChangeLine>) {
    let label = if path.is_empty() { "value" } else { path };
    let start = out.len();
    if let Some(id) = identity(b, a) {
        let ident = |e: &Value| e.get(id).and_then(Value::as_str).unwrap_or("").to_owned();
        for e in b {
            if !a.iter().any(|x| ident(x) == ident(e)) {
                out.push(plain(format!("{label} - {}", abbr(&ident(e)))));
            }
        }
        for e in a {
            match b.iter().find(|x| ident(x) == ident(e)) {
                None => out.push(plain(format!("{label} + {}", abbr(&ident(e))))),
                Some(old) => diff(&format!("{label}[{}]", abbr(&ident(e))), old, e, out),
            }
        }
    } else if b.len() == a.len() && b.iter().chain(a).any(|e| !e.is_string()) {
        // Positional lists (the two key slots of a report row) and lists of unnamed objects
        // of the same length: element by element.
        for (i, (old, new)) in b.iter().zip(a).enumerate() {
            diff(&format!("{label}[{i}]"), old, new, out);
        }
    } else {
        for e in b {
            if !a.contains(e) {
                out.push(plain(format!("{label} - {}", show(e))));
            }
        }
        for e in a {
            if !b.contains(e) {
                out.push(plain(format!("{label} + {}", show(e))));
            }
        }
    }
    if out.len() == start {
        out.push(plain(format!("{label}: order changed")));
    }
}

/// `+`/`-` lines for two lists of atoms (already formatted), the risk of an added one
/// decided by `risk`.
fn atoms_diff(
    prefix: &str,
    before: &[String],
    after: &[String],
    risk: impl Fn(&str) -> Option<RiskKind>,
    out: &mut Vec<ChangeLine>,
) {
    for atom in before {
        if !after.contains(atom) {
            out.push(plain(format!("{prefix} - {atom}")));
        }
    }
    for atom in after {
        if !before.contains(atom) {
            let text = format!("{prefix} + {atom}");
            out.push(match risk(atom) {
                Some(r) => risky(text, r),
                None => plain(text),
            });
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(abbr)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Network: security groups, network ACLs, AMIs

fn protocol_name(p: &str) -> &str {
    match p {
        "-1" | "all" => "all",
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        other => other,
    }
}

/// `tcp/22`, `tcp/1024-2048`, `udp`, `icmp/8`, `all`.
fn protocol_text(rule: &Value) -> String {
    let name = protocol_name(text(rule, "protocol"));
    let from = get(rule, "from_port").as_i64();
    let to = get(rule, "to_port").as_i64();
    match name {
        "all" => "all".into(),
        "icmp" | "icmpv6" => match (from, to) {
            (Some(t), Some(c)) if t >= 0 && c >= 0 => format!("{name}/{t}:{c}"),
            (Some(t), _) if t >= 0 => format!("{name}/{t}"),
            _ => name.into(),
        },
        _ => match (from, to) {
            (Some(f), Some(t)) if f == t => format!("{name}/{f}"),
            (Some(f), Some(t)) => format!("{name}/{f}-{t}"),
            (Some(f), None) => format!("{name}/{f}"),
            _ => abbr(name),
        },
    }
}

fn is_world(cidr: &str) -> bool {
    cidr == "0.0.0.0/0" || cidr == "::/0"
}

/// One atom per peer of each rule: `tcp/22 from 0.0.0.0/0` (`to` for egress).
fn sg_atoms(rules: &Value, dir: &str) -> Vec<String> {
    let mut atoms = Vec::new();
    for rule in rules.as_array().into_iter().flatten() {
        let proto = protocol_text(rule);
        for field in [
            "ipv4_ranges",
            "ipv6_ranges",
            "source_groups",
            "prefix_lists",
        ] {
            for peer in strings(get(rule, field)) {
                let atom = format!("{proto} {dir} {peer}");
                if !atoms.contains(&atom) {
                    atoms.push(atom);
                }
            }
        }
    }
    atoms
}

fn admits_world(atom: &str) -> bool {
    atom.rsplit_once(' ')
        .is_some_and(|(_, peer)| is_world(peer))
}

fn sg_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let world = |atom: &str| admits_world(atom).then_some(RiskKind::WorldOpen);
    atoms_diff(
        "ingress",
        &sg_atoms(get(b, "ingress"), "from"),
        &sg_atoms(get(a, "ingress"), "from"),
        world,
        out,
    );
    atoms_diff(
        "egress",
        &sg_atoms(get(b, "egress"), "to"),
        &sg_atoms(get(a, "egress"), "to"),
        |_| None,
        out,
    );
}

fn sg_added(body: &Value, out: &mut Vec<ChangeLine>) {
    for atom in sg_atoms(get(body, "ingress"), "from") {
        if admits_world(&atom) {
            out.push(risky(format!("ingress {atom}"), RiskKind::WorldOpen));
        }
    }
}

/// `100 allow tcp/22 from 0.0.0.0/0`, with whether it admits the world inbound.
fn nacl_atoms(entries: &Value, egress: bool) -> Vec<(String, bool)> {
    let mut atoms = Vec::new();
    for e in entries.as_array().into_iter().flatten() {
        if flag(e, "egress") != egress {
            continue;
        }
        let cidr = get(e, "cidr_block")
            .as_str()
            .or_else(|| get(e, "ipv6_cidr_block").as_str())
            .unwrap_or("?");
        let action = text(e, "action");
        let dir = if egress { "to" } else { "from" };
        let atom = format!(
            "{} {} {} {dir} {}",
            show(get(e, "rule_number")),
            abbr(action),
            protocol_text(e),
            abbr(cidr)
        );
        let world = !egress && action == "allow" && is_world(cidr);
        atoms.push((atom, world));
    }
    atoms
}

fn nacl_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    for (egress, prefix) in [(false, "inbound"), (true, "outbound")] {
        let before = nacl_atoms(get(b, "entries"), egress);
        let after = nacl_atoms(get(a, "entries"), egress);
        let names = |v: &[(String, bool)]| v.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>();
        let world: Vec<&str> = after
            .iter()
            .filter(|(_, w)| *w)
            .map(|(s, _)| s.as_str())
            .collect();
        atoms_diff(
            prefix,
            &names(&before),
            &names(&after),
            |atom| world.contains(&atom).then_some(RiskKind::WorldOpen),
            out,
        );
    }
}

fn image_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let (was, is) = (flag(b, "public"), flag(a, "public"));
    if was != is {
        out.push(risky_if(
            format!("public: {was} → {is}"),
            RiskKind::MadePublic,
            is,
        ));
    }
}

// ---------------------------------------------------------------------------------------
// IAM

/// Whether a managed policy ARN is AWS's `AdministratorAccess` (any partition).
fn is_admin_arn(arn: &str) -> bool {
    arn.starts_with("arn:") && arn.ends_with(":iam::aws:policy/AdministratorAccess")
}

fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    one_or_many(get(doc, "Statement"))
}

fn is_allow(statement: &Value) -> bool {
    text(statement, "Effect").eq_ignore_ascii_case("allow")
}

fn has_star(v: &Value) -> bool {
    one_or_many(v)
        .iter()
        .any(|x| matches!(x.as_str(), Some("*") | Some("*:*")))
}

/// Whether a policy document allows every action on every resource.
fn allows_admin(doc: &Value) -> bool {
    statements(doc)
        .iter()
        .any(|s| is_allow(s) && has_star(get(s, "Action")) && has_star(get(s, "Resource")))
}

fn attached_arns(v: &Value) -> Vec<String> {
    get(v, "attached_policies")
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| text(p, "arn").to_owned())
        .collect()
}

fn inline_policies(v: &Value) -> Vec<(&str, &Value)> {
    get(v, "inline_policies")
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| (text(p, "name"), get(p, "document")))
        .collect()
}

fn principal_policies_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let (before, after) = (attached_arns(b), attached_arns(a));
    for arn in &before {
        if !after.contains(arn) {
            out.push(plain(format!("policy - {}", abbr(arn))));
        }
    }
    for arn in &after {
        if !before.contains(arn) {
            out.push(risky_if(
                format!("policy + {}", abbr(arn)),
                RiskKind::AdminAttached,
                is_admin_arn(arn),
            ));
        }
    }
    let (before, after) = (inline_policies(b), inline_policies(a));
    for (name, _) in &before {
        if !after.iter().any(|(n, _)| n == name) {
            out.push(plain(format!("inline policy - {}", abbr(name))));
        }
    }
    for (name, doc) in &after {
        match before.iter().find(|(n, _)| n == name) {
            None => out.push(risky_if(
                format!("inline policy + {}", abbr(name)),
                RiskKind::AdminAttached,
                allows_admin(doc),
            )),
            Some((_, old)) if old != doc => {
                if allows_admin(doc) && !allows_admin(old) {
                    out.push(risky(
                        format!("inline policy {} now allows * on *", abbr(name)),
                        RiskKind::AdminAttached,
                    ));
                }
                diff(&format!("inline policy {}", abbr(name)), old, doc, out);
            }
            Some(_) => {}
        }
    }
}

fn principal_policies_added(body: &Value, out: &mut Vec<ChangeLine>) {
    for arn in attached_arns(body) {
        if is_admin_arn(&arn) {
            out.push(risky(format!("policy + {arn}"), RiskKind::AdminAttached));
        }
    }
    for (name, doc) in inline_policies(body) {
        if allows_admin(doc) {
            out.push(risky(
                format!("inline policy {} allows * on *", abbr(name)),
                RiskKind::AdminAttached,
            ));
        }
    }
}

/// An access key id as a line shows it: `AKIA…WXYZ`.
fn key_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return abbr(id);
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

fn user_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    atoms_diff(
        "group",
        &strings(get(b, "groups")),
        &strings(get(a, "groups")),
        |_| None,
        out,
    );
    principal_policies_changed(b, a, out);
    // Access keys as schema 2 and 3 snapshots list them per user.
    let (kb, ka) = (get(b, "access_keys"), get(a, "access_keys"));
    if kb == ka {
        return;
    }
    match pair("access keys", kb, ka) {
        Pair::Unread(line) => out.push(line),
        Pair::Same => {}
        Pair::Read(kb, ka) => {
            let list = |v: &Value| -> Vec<(String, bool)> {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|k| (text(k, "id").to_owned(), flag(k, "active")))
                    .collect()
            };
            let (before, after) = (list(kb), list(ka));
            for (id, _) in &before {
                if !after.iter().any(|(i, _)| i == id) {
                    out.push(plain(format!("access key - {}", key_id(id))));
                }
            }
            for (id, active) in &after {
                match before.iter().find(|(i, _)| i == id) {
                    None => out.push(risky_if(
                        format!("access key + {}", key_id(id)),
                        RiskKind::AccessKeyCreated,
                        *active,
                    )),
                    Some((_, was)) if was != active => out.push(risky_if(
                        format!(
                            "access key {} {}",
                            key_id(id),
                            if *active { "activated" } else { "deactivated" }
                        ),
                        RiskKind::AccessKeyCreated,
                        *active,
                    )),
                    Some(_) => {}
                }
            }
        }
    }
}

fn user_added(body: &Value, out: &mut Vec<ChangeLine>) {
    principal_policies_added(body, out);
    let keys = read_value(get(body, "access_keys"));
    for k in keys.as_array().into_iter().flatten() {
        if flag(k, "active") {
            out.push(risky(
                format!("access key {} active", key_id(text(k, "id"))),
                RiskKind::AccessKeyCreated,
            ));
        }
    }
}

/// The account a principal belongs to: a bare 12-digit id, or the fifth field of an ARN.
fn principal_account(p: &str) -> Option<&str> {
    if p.len() == 12 && p.bytes().all(|c| c.is_ascii_digit()) {
        return Some(p);
    }
    if p.starts_with("arn:") {
        return p.split(':').nth(4).filter(|a| !a.is_empty());
    }
    None
}

/// The principals a trust policy allows: `*`, `AWS arn:...`, `Service ec2.amazonaws.com`.
fn trusted(doc: &Value) -> Vec<String> {
    let mut atoms = Vec::new();
    for s in statements(doc) {
        if !is_allow(s) {
            continue;
        }
        match get(s, "Principal") {
            Value::String(p) => atoms.push(p.clone()),
            Value::Object(m) => {
                for (kind, v) in m {
                    for p in one_or_many(v) {
                        if let Some(p) = p.as_str() {
                            atoms.push(format!("{kind} {p}"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    atoms.dedup();
    atoms
}

/// A trusted principal as a line shows it: its type, and its value cut to [`MAX_VALUE`].
fn show_principal(atom: &str) -> String {
    match atom.split_once(' ') {
        Some((kind, p)) => format!("{} {}", abbr(kind), abbr(p)),
        None => abbr(atom),
    }
}

/// Whether trusting `atom` lets in everyone or another account than `own`.
fn widens(atom: &str, own: Option<&str>) -> bool {
    if atom == "*" {
        return true;
    }
    let Some(p) = atom.strip_prefix("AWS ") else {
        return false;
    };
    if p == "*" {
        return true;
    }
    match (principal_account(p), own) {
        (Some(acct), Some(own)) => acct != own,
        _ => true,
    }
}

fn own_account(role: &Value) -> Option<&str> {
    principal_account(text(role, "arn"))
}

fn role_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let own = own_account(a).or_else(|| own_account(b));
    let (tb, ta) = (get(b, "assume_role_policy"), get(a, "assume_role_policy"));
    if tb != ta {
        let (before, after) = (trusted(tb), trusted(ta));
        let start = out.len();
        for atom in &before {
            if !after.contains(atom) {
                out.push(plain(format!("trust - {}", show_principal(atom))));
            }
        }
        for atom in &after {
            if !before.contains(atom) {
                out.push(risky_if(
                    format!("trust + {}", show_principal(atom)),
                    RiskKind::TrustWidened,
                    widens(atom, own),
                ));
            }
        }
        if out.len() == start {
            diff("trust policy", tb, ta, out);
        }
    }
    principal_policies_changed(b, a, out);
}

fn role_added(body: &Value, out: &mut Vec<ChangeLine>) {
    let own = own_account(body);
    for atom in trusted(get(body, "assume_role_policy")) {
        if widens(&atom, own) {
            out.push(risky(
                format!("trusts {}", show_principal(&atom)),
                RiskKind::TrustWidened,
            ));
        }
    }
    principal_policies_added(body, out);
}

fn policy_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let (db, da) = (get(b, "document"), get(a, "document"));
    if allows_admin(da) && !allows_admin(db) {
        out.push(risky(
            "document now allows * on *".into(),
            RiskKind::AdminAttached,
        ));
    }
    diff("document", db, da, out);
}

fn policy_added(body: &Value, out: &mut Vec<ChangeLine>) {
    if allows_admin(get(body, "document")) {
        out.push(risky("allows * on *".into(), RiskKind::AdminAttached));
    }
}

fn report_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let slots = |v: &Value| -> Vec<Value> {
        get(v, "access_keys")
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let (sb, sa) = (slots(b), slots(a));
    for i in 0..sb.len().max(sa.len()) {
        let (kb, ka) = (sb.get(i).unwrap_or(NULL), sa.get(i).unwrap_or(NULL));
        let n = i + 1;
        let (was, is) = (flag(kb, "active"), flag(ka, "active"));
        let (rb, ra) = (get(kb, "last_rotated"), get(ka, "last_rotated"));
        let line = match (was, is) {
            (false, true) if rb != ra => Some(risky(
                format!("access key {n} created"),
                RiskKind::AccessKeyCreated,
            )),
            (false, true) => Some(risky(
                format!("access key {n} activated"),
                RiskKind::AccessKeyCreated,
            )),
            (true, true) if rb != ra => Some(risky(
                format!("access key {n} rotated"),
                RiskKind::AccessKeyCreated,
            )),
            (true, false) if ra.is_null() => Some(plain(format!("access key {n} deleted"))),
            (true, false) => Some(plain(format!("access key {n} deactivated"))),
            (false, false) if rb != ra && ra.is_null() => {
                Some(plain(format!("access key {n} deleted")))
            }
            (false, false) if rb != ra => Some(plain(format!("access key {n} created inactive"))),
            _ => None,
        };
        out.extend(line);
        diff_fields(
            &format!("access key {n}"),
            kb,
            ka,
            &["active", "last_rotated"],
            out,
        );
    }
    match (flag(b, "mfa_active"), flag(a, "mfa_active")) {
        (true, false) => out.push(risky("MFA device removed".into(), RiskKind::MfaRemoved)),
        (false, true) => out.push(plain("MFA device added".into())),
        _ => {}
    }
    let (pb, pa) = (flag(b, "password_enabled"), flag(a, "password_enabled"));
    match (pb, pa) {
        (false, true) => out.push(plain("console password (login profile) created".into())),
        (true, false) => out.push(plain("console password (login profile) removed".into())),
        _ => {
            if get(b, "password_last_changed") != get(a, "password_last_changed") && pa {
                out.push(plain("console password changed".into()));
            }
        }
    }
    let certs = |v: &Value| -> Vec<bool> {
        get(v, "cert_active")
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c.as_bool().unwrap_or(false))
            .collect()
    };
    let (cb, ca) = (certs(b), certs(a));
    for i in 0..cb.len().max(ca.len()) {
        let (was, is) = (
            cb.get(i).copied().unwrap_or(false),
            ca.get(i).copied().unwrap_or(false),
        );
        if was != is {
            let state = if is { "activated" } else { "deactivated" };
            out.push(plain(format!("signing certificate {} {state}", i + 1)));
        }
    }
}

fn report_added(body: &Value, out: &mut Vec<ChangeLine>) {
    for (i, k) in get(body, "access_keys")
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if flag(k, "active") {
            out.push(risky(
                format!("access key {} active", i + 1),
                RiskKind::AccessKeyCreated,
            ));
        }
    }
}

fn mfa_device_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let (ub, ua) = (get(b, "user_arn"), get(a, "user_arn"));
    match (ub.as_str(), ua.as_str()) {
        (Some(u), None) => out.push(risky(
            format!("unassigned from {}", abbr(u)),
            RiskKind::MfaRemoved,
        )),
        (None, Some(u)) => out.push(plain(format!("assigned to {}", abbr(u)))),
        (Some(old), Some(new)) if old != new => out.push(risky(
            format!("moved from {} to {}", abbr(old), abbr(new)),
            RiskKind::MfaRemoved,
        )),
        _ => {}
    }
}

fn mfa_device_removed(body: &Value, out: &mut Vec<ChangeLine>) {
    if let Some(u) = get(body, "user_arn").as_str() {
        out.push(risky(
            format!("deleted while assigned to {}", abbr(u)),
            RiskKind::MfaRemoved,
        ));
    }
}

fn summary_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let n = |v: &Value, f: &str| get(v, f).as_i64().unwrap_or(0);
    let (mb, ma) = (n(b, "AccountMFAEnabled"), n(a, "AccountMFAEnabled"));
    if mb != ma {
        out.push(risky_if(
            format!("root MFA: {} → {}", mb > 0, ma > 0),
            RiskKind::MfaRemoved,
            mb > 0 && ma == 0,
        ));
    }
    let (kb, ka) = (
        n(b, "AccountAccessKeysPresent"),
        n(a, "AccountAccessKeysPresent"),
    );
    if kb != ka {
        out.push(risky_if(
            format!("root access keys: {} → {}", kb > 0, ka > 0),
            RiskKind::AccessKeyCreated,
            kb == 0 && ka > 0,
        ));
    }
}

/// Whether a password policy field's new value is weaker than its old one.
fn weaker(field: &str, old: &Value, new: &Value) -> bool {
    match field {
        "minimum_password_length" | "password_reuse_prevention" => {
            match (old.as_i64(), new.as_i64()) {
                (Some(o), Some(n)) => n < o,
                (Some(o), None) => o > 0,
                _ => false,
            }
        }
        // Passwords live longer: a higher maximum age, or none.
        "max_password_age" => match (old.as_i64(), new.as_i64()) {
            (Some(o), Some(n)) => n > o || n == 0,
            (Some(o), None) => o > 0,
            _ => false,
        },
        "require_symbols"
        | "require_numbers"
        | "require_uppercase_characters"
        | "require_lowercase_characters" => {
            old.as_bool() == Some(true) && new.as_bool() != Some(true)
        }
        _ => false,
    }
}

fn password_policy_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    match (b, a) {
        (Value::Object(_), Value::Null) => out.push(risky(
            "password policy deleted".into(),
            RiskKind::PasswordPolicyWeakened,
        )),
        (Value::Null, Value::Object(_)) => out.push(plain("password policy set".into())),
        (Value::Object(mb), Value::Object(ma)) => {
            let keys: BTreeSet<&String> = mb.keys().chain(ma.keys()).collect();
            for k in keys {
                let (old, new) = (get(b, k), get(a, k));
                if old != new {
                    out.push(risky_if(
                        format!("{}: {} → {}", abbr(k), show(old), show(new)),
                        RiskKind::PasswordPolicyWeakened,
                        weaker(k, old, new),
                    ));
                }
            }
        }
        _ => diff("", b, a, out),
    }
}

// ---------------------------------------------------------------------------------------
// Logging and detection

fn lost(label: &str, b: &Value, a: &Value, field: &str, risk: RiskKind, out: &mut Vec<ChangeLine>) {
    let (was, is) = (flag(b, field), flag(a, field));
    if get(b, field) != get(a, field) {
        out.push(risky_if(
            format!("{label}: {} → {}", show(get(b, field)), show(get(a, field))),
            risk,
            was && !is,
        ));
    }
}

fn trail_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let (sb, sa) = (get(b, "status"), get(a, "status"));
    if sb != sa {
        match pair("status", sb, sa) {
            Pair::Unread(line) => out.push(line),
            Pair::Same => {}
            Pair::Read(sb, sa) => {
                lost("logging", sb, sa, "is_logging", RiskKind::TrailStopped, out);
                diff_fields("status", sb, sa, &["is_logging"], out);
            }
        }
    }
    lost(
        "multi-region",
        b,
        a,
        "is_multi_region",
        RiskKind::TrailStopped,
        out,
    );
    lost(
        "log file validation",
        b,
        a,
        "log_file_validation",
        RiskKind::TrailStopped,
        out,
    );
}

fn trail_removed(_: &Value, out: &mut Vec<ChangeLine>) {
    out.push(risky("trail deleted".into(), RiskKind::TrailStopped));
}

fn detector_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let (sb, sa) = (get(b, "status"), get(a, "status"));
    match pair("status", sb, sa) {
        Pair::Unread(line) => out.push(line),
        Pair::Same => {}
        Pair::Read(sb, sa) if sb != sa => out.push(risky_if(
            format!("status: {} → {}", show(sb), show(sa)),
            RiskKind::GuardDutyDisabled,
            sb.as_str() == Some("ENABLED"),
        )),
        Pair::Read(..) => {}
    }
}

fn detector_removed(_: &Value, out: &mut Vec<ChangeLine>) {
    out.push(risky(
        "detector deleted".into(),
        RiskKind::GuardDutyDisabled,
    ));
}

fn recorder_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    lost(
        "recording",
        b,
        a,
        "recording",
        RiskKind::RecorderStopped,
        out,
    );
}

fn recorder_removed(body: &Value, out: &mut Vec<ChangeLine>) {
    out.push(risky_if(
        "recorder deleted".into(),
        RiskKind::RecorderStopped,
        get(body, "recording").as_bool() != Some(false),
    ));
}

// ---------------------------------------------------------------------------------------
// Storage: S3 and RDS

const BPA_FLAGS: [(&str, &str); 4] = [
    ("block_public_acls", "BlockPublicAcls"),
    ("ignore_public_acls", "IgnorePublicAcls"),
    ("block_public_policy", "BlockPublicPolicy"),
    ("restrict_public_buckets", "RestrictPublicBuckets"),
];

fn bpa_lines(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let label = "Block Public Access";
    let any_on = |v: &Value| BPA_FLAGS.iter().any(|(f, _)| flag(v, f));
    match (b.is_object(), a.is_object()) {
        (true, false) => out.push(risky_if(
            format!("{label} removed"),
            RiskKind::BucketPublic,
            any_on(b),
        )),
        (false, true) => {
            let on: Vec<&str> = BPA_FLAGS
                .iter()
                .filter(|(f, _)| flag(a, f))
                .map(|(_, n)| *n)
                .collect();
            out.push(plain(format!("{label} set: {}", on.join(", "))));
        }
        (true, true) => {
            for (field, name) in BPA_FLAGS {
                match (flag(b, field), flag(a, field)) {
                    (true, false) => out.push(risky(
                        format!("{label}: {name} off"),
                        RiskKind::BucketPublic,
                    )),
                    (false, true) => out.push(plain(format!("{label}: {name} on"))),
                    _ => {}
                }
            }
        }
        (false, false) => {}
    }
}

fn account_bpa_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    bpa_lines(b, a, out);
}

/// Whether a policy statement allows everyone (`"*"` or `{"AWS": "*"}`).
fn is_public_statement(s: &Value) -> bool {
    if !is_allow(s) {
        return false;
    }
    match get(s, "Principal") {
        Value::String(p) => p == "*",
        Value::Object(m) => m.get("AWS").is_some_and(has_star),
        _ => false,
    }
}

/// A public statement as a line shows it: its actions (and `with condition` when it has
/// one).
fn public_statement_text(s: &Value) -> String {
    let actions: Vec<&str> = one_or_many(get(s, "Action"))
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    let mut t = format!("public statement: {}", abbr(&actions.join(",")));
    if !get(s, "Condition").is_null() {
        t.push_str(" (with condition)");
    }
    t
}

/// The document without its public statements.
fn without_public(doc: &Value) -> Value {
    let mut doc = doc.clone();
    if let Some(Value::Array(list)) = doc.get_mut("Statement") {
        list.retain(|s| !is_public_statement(s));
    } else if doc.get("Statement").is_some_and(is_public_statement) {
        if let Some(m) = doc.as_object_mut() {
            m.remove("Statement");
        }
    }
    doc
}

fn grant_text(g: &Value) -> String {
    let grantee = match (
        get(g, "grantee_uri").as_str(),
        get(g, "grantee_id").as_str(),
    ) {
        (Some(uri), _) => uri.rsplit('/').next().unwrap_or(uri).to_owned(),
        (None, Some(id)) => key_id(id),
        (None, None) => "?".into(),
    };
    format!("{} to {}", abbr(text(g, "permission")), abbr(&grantee))
}

fn is_public_grant(g: &Value) -> bool {
    get(g, "grantee_uri").as_str().is_some_and(|u| {
        u.ends_with("/global/AllUsers") || u.ends_with("/global/AuthenticatedUsers")
    })
}

fn bucket_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let field = |f: &str| (get(b, f), get(a, f));
    let (pb, pa) = field("public_access_block");
    if pb != pa {
        match pair("Block Public Access", pb, pa) {
            Pair::Read(pb, pa) => bpa_lines(pb, pa, out),
            Pair::Unread(line) => out.push(line),
            Pair::Same => {}
        }
    }
    let (db, da) = field("policy");
    if db != da {
        match pair("policy", db, da) {
            Pair::Read(db, da) => {
                match (db.is_null(), da.is_null()) {
                    (true, false) => out.push(plain("policy set".into())),
                    (false, true) => out.push(plain("policy deleted".into())),
                    _ => {}
                }
                let public = |doc| -> Vec<&Value> {
                    statements(doc)
                        .into_iter()
                        .filter(|s| is_public_statement(s))
                        .collect()
                };
                let (before, after) = (public(db), public(da));
                for s in &before {
                    if !after.contains(s) {
                        out.push(plain(format!("policy - {}", public_statement_text(s))));
                    }
                }
                for s in &after {
                    if !before.contains(s) {
                        out.push(risky(
                            format!("policy + {}", public_statement_text(s)),
                            RiskKind::BucketPublic,
                        ));
                    }
                }
                if !db.is_null() && !da.is_null() {
                    diff("policy", &without_public(db), &without_public(da), out);
                }
            }
            Pair::Unread(line) => out.push(line),
            Pair::Same => {}
        }
    }
    let (gb, ga) = field("acl_grants");
    if gb != ga {
        match pair("ACL", gb, ga) {
            Pair::Read(gb, ga) => {
                let grants = |v: &Value| -> Vec<(String, bool)> {
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .map(|g| (grant_text(g), is_public_grant(g)))
                        .collect()
                };
                let (before, after) = (grants(gb), grants(ga));
                let names =
                    |v: &[(String, bool)]| v.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>();
                let public: Vec<&str> = after
                    .iter()
                    .filter(|(_, p)| *p)
                    .map(|(s, _)| s.as_str())
                    .collect();
                atoms_diff(
                    "ACL",
                    &names(&before),
                    &names(&after),
                    |atom| public.contains(&atom).then_some(RiskKind::BucketPublic),
                    out,
                );
            }
            Pair::Unread(line) => out.push(line),
            Pair::Same => {}
        }
    }
}

fn bucket_added(body: &Value, out: &mut Vec<ChangeLine>) {
    if gap_code(get(body, "policy")).is_none() {
        for s in statements(read_value(get(body, "policy"))) {
            if is_public_statement(s) {
                out.push(risky(
                    format!("policy {}", public_statement_text(s)),
                    RiskKind::BucketPublic,
                ));
            }
        }
    }
    if gap_code(get(body, "acl_grants")).is_none() {
        for g in read_value(get(body, "acl_grants"))
            .as_array()
            .into_iter()
            .flatten()
        {
            if is_public_grant(g) {
                out.push(risky(
                    format!("ACL {}", grant_text(g)),
                    RiskKind::BucketPublic,
                ));
            }
        }
    }
}

fn rds_changed(b: &Value, a: &Value, out: &mut Vec<ChangeLine>) {
    let (was, is) = (
        flag(b, "publicly_accessible"),
        flag(a, "publicly_accessible"),
    );
    if was != is {
        out.push(risky_if(
            format!("publicly accessible: {was} → {is}"),
            RiskKind::MadePublic,
            is,
        ));
    }
}

fn rds_added(body: &Value, out: &mut Vec<ChangeLine>) {
    if flag(body, "publicly_accessible") {
        out.push(risky("publicly accessible".into(), RiskKind::MadePublic));
    }
}

/// The kinds with their own reading (the others get field-path lines).
pub fn described_kinds() -> impl Iterator<Item = &'static str> {
    RENDERERS.iter().map(|r| r.kind)
}

#[cfg(test)]
mod tests;
