//! Resources out of an inventory: every collection of the snapshot cut into resources with a
//! kind, a key, a body and a content hash, so the store keeps a new revision of a resource
//! only when its configuration changes, and every collected section (read, or the gap that
//! says why not) so the store knows which parts of the account a scan covered.
//!
//! The walk is generic over the snapshot's JSON form: a collector added later is covered
//! without touching this file. See `docs/store-changes.md` for the kinds, keys and volatile
//! fields.

use rampart_inventory::{Gap, Inventory, RegionData, Service};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;

/// One resource of a scan, as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedResource {
    /// `<service>:<collection>`, such as `ec2:security_groups`.
    pub kind: String,
    /// Unique per (kind, region): the ARN, else the id, else a composite or the name; for a
    /// setting `<region>/<kind>`.
    pub key: String,
    /// Region, or `global` for account-wide sections.
    pub region: String,
    /// A name a person knows it by: the tag `Name`, else a `name` field that is not the key.
    pub name: Option<String>,
    /// The resource's content as the snapshot holds it, without the [`VOLATILE_FIELDS`].
    pub body: Value,
    /// [`content_hash`] of `body`.
    pub hash: String,
}

/// One collected section of a scan (`iam:users` in `global`, `ec2:security_groups` in
/// `eu-west-1`): read, or not read and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Region, or `global`.
    pub region: String,
    /// The service, as [`Service`]'s lower-case name (`iam`, `ec2`, `account`).
    pub service: String,
    /// `<service>:<collection>`.
    pub kind: String,
    /// Why it was not read; `None` when it was read.
    pub gap: Option<Gap>,
}

/// Everything a scan holds: its resources and its sections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// Resources of the sections that were read, in snapshot order.
    pub resources: Vec<ExtractedResource>,
    /// Every section, read or not.
    pub sections: Vec<Section>,
}

/// Fields that change without anyone changing configuration, removed from a resource's body
/// before it is hashed and stored, so that a resource is revised only when its
/// configuration changes: `(kind, path)`, the path's segments separated by `.`, a segment
/// ending in `[]` standing for every element of that list, and `ok` stepping into a nested
/// `Collected`.
///
/// The credential report's `generated_at` is dropped as well: the report is split into one
/// resource per user row ([`SPLIT_SECTIONS`]) and only the rows are kept.
pub const VOLATILE_FIELDS: &[(&str, &str)] = &[
    // Last console sign-in.
    ("iam:credential_report", "password_last_used"),
    // Last use of each access key, and the service it was used with.
    ("iam:credential_report", "access_keys[].last_used"),
    ("iam:credential_report", "access_keys[].last_used_service"),
    // Last time a role was assumed.
    ("iam:roles", "last_used"),
    // Access Advisor's report date, and each service's and tracked action's last use.
    ("iam:service_last_accessed", "ok.job_completion_date"),
    (
        "iam:service_last_accessed",
        "ok.services[].last_authenticated",
    ),
    (
        "iam:service_last_accessed",
        "ok.services[].last_authenticated_entity",
    ),
    (
        "iam:service_last_accessed",
        "ok.services[].last_authenticated_region",
    ),
    (
        "iam:service_last_accessed",
        "ok.services[].tracked_actions[].last_accessed",
    ),
    // The outcome of the recorder's last delivery.
    ("config:recorders", "last_status"),
    // A trail's last delivery to CloudWatch Logs, and its last delivery error.
    (
        "cloudtrail:trails",
        "status.ok.latest_cloudwatch_logs_delivery_time",
    ),
    ("cloudtrail:trails", "status.ok.latest_delivery_error"),
    // An alarm's state (OK, ALARM, INSUFFICIENT_DATA) follows its metric.
    ("cloudwatch:alarms", "state"),
    // A flow log's delivery error.
    ("ec2:flow_logs", "deliver_logs_status"),
];

/// The first snapshot schema whose users' `access_keys` are not every user's keys: none in
/// schemas 4 and 5, since schema 6 only those of the users with an idle key (for `rampart
/// fix`), so a list appears and goes as time passes, without any change. They are not
/// kept: the credential report's rows hold every key's changes. The lists of schema 2 and
/// 3 (every user's keys) are kept.
const LISTED_WHEN_IDLE_SCHEMA: u32 = 4;

/// Sections that hold one object with a list inside, cut into one resource per element of
/// that list (`(kind, field)`); the object's other fields are not kept. The credential report
/// is one: one user's change does not rewrite the whole report.
pub const SPLIT_SECTIONS: &[(&str, &str)] = &[("iam:credential_report", "rows")];

/// Kinds whose elements are keyed by several fields joined with `:` (after `arn` and `id`,
/// which they lack or do not always have).
const COMPOSITE_KEYS: &[(&str, &[&str])] = &[
    // A filter's name is unique within its log group only.
    ("logs:metric_filters", &["log_group", "name"]),
    // A subscription pending confirmation has no ARN (`PendingConfirmation`).
    ("sns:subscriptions", &["topic_arn", "protocol"]),
];

/// Fields tried in turn for an element's key, after `arn` and `id` and any composite.
const KEY_FIELDS: &[&str] = &["account_id", "allocation_id", "serial_number", "name"];

/// Fields of the inventory's top level that are not a service's data.
const NOT_SERVICES: &[&str] = &[
    "schema_version",
    "rampart_version",
    "collected_at",
    "account",
    "regions",
    "regional",
    "errors",
    "stats",
];

/// Region name of account-wide sections.
pub const GLOBAL: &str = "global";

/// Cut an inventory into its resources and sections.
pub fn extract(inv: &Inventory) -> Extracted {
    let mut root = match serde_json::to_value(inv) {
        Ok(Value::Object(m)) => m,
        // An inventory is a struct of strings, numbers and maps with string keys: it always
        // serializes to an object.
        _ => return Extracted::default(),
    };
    if inv.schema_version >= LISTED_WHEN_IDLE_SCHEMA {
        if let Some(iam) = root.get_mut("iam") {
            strip_path(iam, &["users", "ok[]", "access_keys"]);
        }
    }
    let mut out = Extracted::default();
    let mut regional = match root.remove("regional") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for (field, data) in root.iter_mut() {
        if NOT_SERVICES.contains(&field.as_str()) {
            continue;
        }
        walk_service(GLOBAL, field, data, &mut out);
    }
    for scanned in &inv.regions.scanned {
        if !regional.contains_key(scanned) {
            // A scanned region without data: every section of it was not collected.
            let empty = serde_json::to_value(RegionData::default()).unwrap_or(Value::Null);
            regional.insert(scanned.clone(), empty);
        }
    }
    for (region, mut data) in regional {
        if let Value::Object(services) = &mut data {
            for (field, data) in services.iter_mut() {
                walk_service(&region, field, data, &mut out);
            }
        }
    }
    out
}

/// The [`Service`] name of an inventory field (`account_settings` is `account`).
fn service_name(field: &str) -> &str {
    Service::ALL
        .iter()
        .find(|s| s.inventory_field() == field)
        .map(|s| s.as_str())
        .unwrap_or(field)
}

/// Whether a value is a `Collected` (`{"ok": ..}` or `{"missing": {..}}`).
pub(crate) fn is_collected(v: &Value) -> bool {
    match v {
        Value::Object(m) if m.len() == 1 => {
            m.contains_key("ok") || m.get("missing").is_some_and(|g| g.get("code").is_some())
        }
        _ => false,
    }
}

fn walk_service(region: &str, field: &str, data: &mut Value, out: &mut Extracted) {
    let Value::Object(collections) = data else {
        return;
    };
    let service = service_name(field);
    for (collection, value) in collections.iter_mut() {
        if !is_collected(value) {
            continue;
        }
        let kind = format!("{service}:{collection}");
        let Value::Object(wrapper) = value else {
            continue;
        };
        let gap = wrapper.get_mut("missing").map(|g| {
            serde_json::from_value::<Gap>(std::mem::take(g)).unwrap_or_else(|e| Gap {
                api: String::new(),
                code: "Unreadable".into(),
                message: format!("the gap could not be read: {e}"),
            })
        });
        if gap.is_none() {
            let data = wrapper
                .get_mut("ok")
                .map(std::mem::take)
                .unwrap_or_default();
            section_resources(region, &kind, data, &mut out.resources);
        }
        out.sections.push(Section {
            region: region.to_owned(),
            service: service.to_owned(),
            kind,
            gap,
        });
    }
}

/// The resources of one read section, appended to `out` with keys unique in the section.
fn section_resources(region: &str, kind: &str, data: Value, out: &mut Vec<ExtractedResource>) {
    let start = out.len();
    let split = SPLIT_SECTIONS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, f)| *f);
    let data = match (split, data) {
        (Some(field), Value::Object(mut m)) => m.remove(field).unwrap_or(Value::Array(vec![])),
        (_, data) => data,
    };
    match data {
        Value::Array(items) => {
            for item in items {
                let key = element_key(kind, &item);
                out.push(resource(kind, region, key, item));
            }
        }
        Value::Object(m) if !m.is_empty() && m.values().all(Value::is_object) => {
            for (key, item) in m {
                out.push(resource(kind, region, Some(key), item));
            }
        }
        Value::Object(m) if m.is_empty() => {}
        setting => {
            let key = format!("{region}/{kind}");
            let mut r = resource(kind, region, Some(key), setting);
            r.name = None;
            out.push(r);
        }
    }
    make_unique(&mut out[start..]);
}

fn resource(kind: &str, region: &str, key: Option<String>, mut body: Value) -> ExtractedResource {
    strip_volatile(kind, &mut body);
    let hash = content_hash(&body);
    let key = key.unwrap_or_else(|| format!("#{}", &hash[..16]));
    let name = display_name(&body, &key);
    ExtractedResource {
        kind: kind.to_owned(),
        key,
        region: region.to_owned(),
        name,
        body,
        hash,
    }
}

fn non_empty_str<'a>(v: &'a Value, field: &str) -> Option<&'a str> {
    v.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// An element's key: its ARN, id, composite, account id, allocation id, MFA serial or name;
/// the element itself when it is a string or number. `None`: nothing identifies it (its
/// content hash stands in).
fn element_key(kind: &str, item: &Value) -> Option<String> {
    match item {
        Value::String(s) => return Some(s.clone()),
        Value::Number(n) => return Some(n.to_string()),
        Value::Bool(b) => return Some(b.to_string()),
        _ => {}
    }
    if let Some(arn) = non_empty_str(item, "arn").filter(|a| a.starts_with("arn:")) {
        return Some(arn.to_owned());
    }
    if let Some(id) = non_empty_str(item, "id") {
        return Some(id.to_owned());
    }
    if let Some((_, fields)) = COMPOSITE_KEYS.iter().find(|(k, _)| *k == kind) {
        let parts: Vec<&str> = fields
            .iter()
            .filter_map(|f| non_empty_str(item, f))
            .collect();
        if parts.len() == fields.len() {
            return Some(parts.join(":"));
        }
    }
    KEY_FIELDS
        .iter()
        .find_map(|f| non_empty_str(item, f))
        .map(str::to_owned)
}

/// The tag `Name` (tags as a list, or a `Collected` list), else a `name`, `user` or
/// `redacted` field that is not the key.
fn display_name(body: &Value, key: &str) -> Option<String> {
    let tags = body.get("tags").map(|t| t.get("ok").unwrap_or(t));
    if let Some(Value::Array(tags)) = tags {
        let name = tags
            .iter()
            .find(|t| t.get("key").and_then(Value::as_str) == Some("Name"))
            .and_then(|t| t.get("value").and_then(Value::as_str));
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            return Some(n.to_owned());
        }
    }
    ["name", "user", "redacted"]
        .iter()
        .find_map(|f| non_empty_str(body, f))
        .filter(|n| *n != key)
        .map(str::to_owned)
}

/// Keys unique within one section: elements sharing a key get their content hash appended
/// (`key#<12 hex>`), and identical ones an ordinal after that.
fn make_unique(resources: &mut [ExtractedResource]) {
    let mut count: HashMap<&str, usize> = HashMap::with_capacity(resources.len());
    for r in resources.iter() {
        *count.entry(r.key.as_str()).or_default() += 1;
    }
    if count.values().all(|&c| c == 1) {
        return;
    }
    let dup: std::collections::HashSet<String> = count
        .into_iter()
        .filter(|(_, c)| *c > 1)
        .map(|(k, _)| k.to_owned())
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in resources.iter_mut() {
        if dup.contains(&r.key) {
            let mut key = format!("{}#{}", r.key, &r.hash[..12]);
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            if *n > 1 {
                key = format!("{key}#{n}");
            }
            r.key = key;
        }
    }
}

/// Remove the [`VOLATILE_FIELDS`] of `kind` from a body.
pub fn strip_volatile(kind: &str, body: &mut Value) {
    for (k, path) in VOLATILE_FIELDS {
        if *k == kind {
            let segments: Vec<&str> = path.split('.').collect();
            strip_path(body, &segments);
        }
    }
}

fn strip_path(v: &mut Value, segments: &[&str]) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    let Value::Object(m) = v else {
        return;
    };
    let (field, each) = match first.strip_suffix("[]") {
        Some(f) => (f, true),
        None => (*first, false),
    };
    if rest.is_empty() && !each {
        m.remove(field);
        return;
    }
    let Some(child) = m.get_mut(field) else {
        return;
    };
    if each {
        if let Value::Array(items) = child {
            for item in items {
                strip_path(item, rest);
            }
        }
    } else {
        strip_path(child, rest);
    }
}

/// SHA-256 (hex) of a value's canonical JSON: object keys sorted, no whitespace, strings and
/// numbers as serde_json writes them. Independent of the map order serde_json was built with.
pub fn content_hash(v: &Value) -> String {
    let mut buf = Vec::with_capacity(512);
    write_canonical(v, &mut buf);
    hex::encode(Sha256::digest(&buf))
}

fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            // Writing into a Vec cannot fail.
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(m) => {
            out.push(b'{');
            // serde_json's maps are sorted unless its `preserve_order` feature is on.
            let sorted = m.keys().zip(m.keys().skip(1)).all(|(a, b)| a < b);
            let mut entries: Vec<(&String, &Value)>;
            let entries: &mut dyn Iterator<Item = (&String, &Value)> = if sorted {
                &mut m.iter()
            } else {
                entries = m.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                &mut entries.into_iter()
            };
            for (i, (k, item)) in entries.enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_canonical(item, out);
            }
            out.push(b'}');
        }
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

#[cfg(test)]
mod tests;
