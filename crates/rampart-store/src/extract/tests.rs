use super::*;
use chrono::{TimeZone, Utc};
use rampart_inventory::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

fn demo() -> Inventory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-snapshot.json");
    load_snapshot(&path).expect("the demo snapshot loads")
}

fn account() -> Account {
    Account {
        id: "111122223333".into(),
        partition: "aws".into(),
        caller_arn: "arn:aws:iam::111122223333:user/scanner".into(),
    }
}

fn at(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 10, 0, 0).unwrap()
}

fn find<'a>(x: &'a Extracted, kind: &str, region: &str, key: &str) -> &'a ExtractedResource {
    x.resources
        .iter()
        .find(|r| r.kind == kind && r.region == region && r.key == key)
        .unwrap_or_else(|| panic!("no {kind} {key} in {region}"))
}

fn of_kind<'a>(x: &'a Extracted, kind: &str, region: &str) -> Vec<&'a ExtractedResource> {
    x.resources
        .iter()
        .filter(|r| r.kind == kind && r.region == region)
        .collect()
}

fn assert_unique_keys(x: &Extracted) {
    let mut seen = HashSet::new();
    for r in &x.resources {
        assert!(
            seen.insert((r.kind.as_str(), r.region.as_str(), r.key.as_str())),
            "duplicate key {} {} {}",
            r.kind,
            r.region,
            r.key
        );
    }
}

/// An account with `n` of most things, duplicates where AWS allows them (metric filters of
/// the same name in two log groups, pending subscriptions), and every volatile field set.
fn generated(n: usize) -> Inventory {
    let mut inv = Inventory::new(account(), at(1));
    inv.regions.scanned = vec!["eu-west-1".into(), "us-east-1".into()];
    let row = |i: usize| CredentialReportRow {
        user: format!("user-{i}"),
        arn: format!("arn:aws:iam::111122223333:user/user-{i}"),
        password_enabled: true,
        password_last_used: Some(at(2)),
        access_keys: [
            KeyReport {
                active: true,
                last_rotated: Some(at(1)),
                last_used: Some(at(3)),
                last_used_service: Some("s3".into()),
            },
            KeyReport::default(),
        ],
        ..Default::default()
    };
    inv.iam.credential_report = Collected::Ok(CredentialReport {
        generated_at: Some(at(4)),
        rows: (0..n).map(row).collect(),
    });
    inv.iam.users = Collected::Ok(
        (0..n)
            .map(|i| User {
                name: format!("user-{i}"),
                arn: format!("arn:aws:iam::111122223333:user/user-{i}"),
                id: format!("AIDA{i}"),
                tags: vec![Tag::new("team", "a")],
                ..Default::default()
            })
            .collect(),
    );
    inv.iam.roles = Collected::Ok(vec![Role {
        name: "deploy".into(),
        arn: "arn:aws:iam::111122223333:role/deploy".into(),
        last_used: Some(at(5)),
        ..Default::default()
    }]);
    inv.iam.account_summary = Collected::Ok(BTreeMap::from([("AccountMFAEnabled".into(), 1)]));
    inv.iam.password_policy = Collected::Ok(None);
    inv.iam.virtual_mfa_devices = Collected::Ok(vec![VirtualMfaDevice {
        serial_number: "arn:aws:iam::111122223333:mfa/root".into(),
        user_arn: None,
        enable_date: None,
    }]);
    inv.iam.found_keys = Collected::Ok(BTreeMap::new());
    inv.iam.service_last_accessed = Collected::Ok(BTreeMap::from([(
        "arn:aws:iam::111122223333:user/user-0".to_owned(),
        Collected::Ok(ServiceLastAccessed {
            job_completion_date: Some(at(2)),
            services: vec![ServiceAccess {
                namespace: "s3".into(),
                name: "Amazon S3".into(),
                last_authenticated: Some(at(2)),
                last_authenticated_entity: Some("arn:aws:iam::111122223333:user/user-0".into()),
                last_authenticated_region: Some("us-east-1".into()),
                tracked_actions: vec![TrackedAction {
                    action: "GetObject".into(),
                    last_accessed: Some(at(2)),
                }],
            }],
        }),
    )]));
    inv.organizations.iam_features = Collected::Ok(vec![
        "RootCredentialsManagement".into(),
        "RootSessions".into(),
    ]);
    inv.organizations.delegated_administrators = Collected::Ok(vec![DelegatedAdministrator {
        account_id: "444455556666".into(),
        name: "security".into(),
    }]);
    for region in ["eu-west-1", "us-east-1"] {
        let mut r = RegionData::default();
        r.ec2.security_groups = Collected::Ok(
            (0..n)
                .map(|i| SecurityGroup {
                    id: format!("sg-{i:05}"),
                    name: format!("group-{i}"),
                    arn: format!("arn:aws:ec2:{region}:111122223333:security-group/sg-{i:05}"),
                    tags: vec![Tag::new("Name", format!("web-{i}"))],
                    ..Default::default()
                })
                .collect(),
        );
        r.ec2.addresses = Collected::Ok(vec![ElasticIp {
            allocation_id: "eipalloc-1".into(),
            public_ip: "203.0.113.1".into(),
            instance_id: None,
            network_interface_id: None,
        }]);
        r.ec2.ebs_encryption_by_default = Collected::Ok(true);
        r.logs.metric_filters = Collected::Ok(
            ["trail", "audit"]
                .into_iter()
                .map(|g| MetricFilter {
                    name: "root-usage".into(),
                    log_group: g.into(),
                    ..Default::default()
                })
                .collect(),
        );
        r.sns.subscriptions = Collected::Ok(vec![
            Subscription {
                arn: "PendingConfirmation".into(),
                topic_arn: "arn:aws:sns:eu-west-1:111122223333:alerts".into(),
                protocol: "email".into(),
            };
            3
        ]);
        r.config.recorders = Collected::Ok(vec![ConfigRecorder {
            name: "default".into(),
            recording: Some(true),
            last_status: Some("SUCCESS".into()),
            ..Default::default()
        }]);
        r.cloudtrail.trails = Collected::Ok(vec![Trail {
            name: "main".into(),
            arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/main".into(),
            status: Collected::Ok(TrailStatus {
                is_logging: true,
                latest_delivery_error: Some("AccessDenied".into()),
                latest_cloudwatch_logs_delivery_time: Some("2026-11-01T10:00:00Z".into()),
            }),
            ..Default::default()
        }]);
        r.cloudwatch.alarms = Collected::Ok(vec![MetricAlarm {
            name: "root".into(),
            arn: format!("arn:aws:cloudwatch:{region}:111122223333:alarm:root"),
            state: "OK".into(),
            ..Default::default()
        }]);
        r.ec2.flow_logs = Collected::Ok(vec![FlowLog {
            id: "fl-1".into(),
            deliver_logs_status: Some("FAILED".into()),
            ..Default::default()
        }]);
        inv.regional.insert(region.into(), r);
    }
    inv
}

// Issue 11: every collection present in the demo snapshot yields its resources, or its
// setting; counts follow the snapshot's own lists and maps.
#[test]
fn demo_snapshot_yields_every_collection() {
    let inv = demo();
    let raw = serde_json::to_value(&inv).unwrap();
    let x = extract(&inv);
    assert_unique_keys(&x);
    let mut checked = 0;
    for s in x.sections.iter().filter(|s| s.gap.is_none()) {
        let (service, collection) = s.kind.split_once(':').unwrap();
        let field = Service::ALL
            .iter()
            .find(|sv| sv.as_str() == service)
            .map(|sv| sv.inventory_field())
            .unwrap();
        let holder = if s.region == GLOBAL {
            &raw[field]
        } else {
            &raw["regional"][&s.region][field]
        };
        let data = &holder[collection]["ok"];
        let expected = match data {
            Value::Array(a) => a.len(),
            Value::Object(m) if s.kind == "iam:credential_report" => {
                m["rows"].as_array().unwrap().len()
            }
            Value::Object(m) if m.values().all(Value::is_object) => m.len(),
            _ => 1,
        };
        assert_eq!(
            of_kind(&x, &s.kind, &s.region).len(),
            expected,
            "{} in {}",
            s.kind,
            s.region
        );
        checked += 1;
    }
    assert!(checked > 80, "only {checked} sections read");
    // Every demo resource has a natural key: none falls back to its content hash.
    for r in &x.resources {
        assert!(!r.key.contains('#'), "{} {}: {}", r.kind, r.region, r.key);
    }
    // Known parts of the demo account.
    assert_eq!(of_kind(&x, "ec2:security_groups", "us-east-1").len(), 8);
    assert_eq!(of_kind(&x, "iam:users", GLOBAL).len(), 5);
    let alice = find(
        &x,
        "iam:users",
        GLOBAL,
        "arn:aws:iam::123456789012:user/alice",
    );
    assert_eq!(alice.name.as_deref(), Some("alice"));
    let carol = find(
        &x,
        "iam:credential_report",
        GLOBAL,
        "arn:aws:iam::123456789012:user/carol",
    );
    assert_eq!(carol.body["user"], "carol");
    assert!(carol.body.get("generated_at").is_none());
    let key = find(
        &x,
        "iam:found_keys",
        GLOBAL,
        "49cdfbe19fc27a19400528f523dfff5507c7cfc5d53678742a732a1e561cdaca",
    );
    assert_eq!(key.name.as_deref(), Some("AKIA************CNGS"));
    let bpa = find(
        &x,
        "s3:account_public_access_block",
        GLOBAL,
        "global/s3:account_public_access_block",
    );
    assert_eq!(bpa.body, Value::Null);
    let hub = find(
        &x,
        "securityhub:hub",
        "us-east-1",
        "us-east-1/securityhub:hub",
    );
    assert!(hub.body["arn"].as_str().unwrap().contains("hub/default"));
    let filter = find(
        &x,
        "logs:metric_filters",
        "us-east-1",
        "cloudtrail:unauthorized-api-calls",
    );
    assert_eq!(filter.name.as_deref(), Some("unauthorized-api-calls"));
    // A security group is named by its Name tag, else its group name.
    for sg in of_kind(&x, "ec2:security_groups", "us-east-1") {
        assert!(sg.key.starts_with("arn:aws:ec2:"), "{}", sg.key);
        assert!(sg.name.is_some(), "{}", sg.key);
    }
    // Nested Collected fields stay in the body as they are.
    let bucket = &of_kind(&x, "s3:buckets", GLOBAL)[0];
    assert!(
        bucket.body["policy"].get("ok").is_some() || bucket.body["policy"].get("missing").is_some()
    );
}

// Issue 11: a section that was not read is a section with its gap and no resources;
// account_settings is the `account` service.
#[test]
fn missing_sections_carry_their_gap() {
    let x = extract(&demo());
    let features = x
        .sections
        .iter()
        .find(|s| s.kind == "organizations:iam_features")
        .unwrap();
    assert_eq!(features.region, GLOBAL);
    assert_eq!(features.service, "organizations");
    assert_eq!(features.gap.as_ref().unwrap().code, "HTTP500");
    assert!(of_kind(&x, "organizations:iam_features", GLOBAL).is_empty());
    let contact = x
        .sections
        .iter()
        .find(|s| s.kind == "account:contact_information")
        .unwrap();
    assert_eq!(contact.service, "account");
    assert_eq!(contact.gap.as_ref().unwrap().code, "HTTP404");
    let security = x
        .sections
        .iter()
        .find(|s| s.kind == "account:security_contact")
        .unwrap();
    assert!(security.gap.is_none());
    for region in ["eu-west-1", "us-east-1"] {
        let analyzers = x
            .sections
            .iter()
            .find(|s| s.kind == "accessanalyzer:analyzers" && s.region == region)
            .unwrap();
        assert!(analyzers.gap.is_some());
        assert!(of_kind(&x, "accessanalyzer:analyzers", region).is_empty());
    }
    // Every section's service is one of rampart's services.
    for s in &x.sections {
        assert!(
            s.service.parse::<Service>().is_ok(),
            "{}: {}",
            s.kind,
            s.service
        );
        assert!(s.kind.starts_with(&format!("{}:", s.service)));
    }
}

// Issue 11: a scanned region without data has every section, not read.
#[test]
fn scanned_region_without_data_is_not_read() {
    let mut inv = generated(1);
    inv.regions.scanned.push("ap-south-1".into());
    let x = extract(&inv);
    let sections: Vec<_> = x
        .sections
        .iter()
        .filter(|s| s.region == "ap-south-1")
        .collect();
    assert!(sections.len() > 20);
    assert!(sections
        .iter()
        .all(|s| s.gap.as_ref().is_some_and(|g| g.code == "NotCollected")));
    assert!(x.resources.iter().all(|r| r.region != "ap-south-1"));
}

// Issue 11: keys are unique per (kind, region), also where AWS gives two elements the same
// name (metric filters in two log groups) or no ARN at all (pending subscriptions).
#[test]
fn keys_are_unique_in_a_generated_inventory() {
    let x = extract(&generated(50));
    assert_unique_keys(&x);
    assert_eq!(of_kind(&x, "ec2:security_groups", "eu-west-1").len(), 50);
    assert_eq!(of_kind(&x, "iam:credential_report", GLOBAL).len(), 50);
    let filters: Vec<&str> = of_kind(&x, "logs:metric_filters", "eu-west-1")
        .iter()
        .map(|r| r.key.as_str())
        .collect();
    assert_eq!(filters, ["trail:root-usage", "audit:root-usage"]);
    let subs = of_kind(&x, "sns:subscriptions", "eu-west-1");
    assert_eq!(subs.len(), 3);
    assert!(subs[0]
        .key
        .starts_with("arn:aws:sns:eu-west-1:111122223333:alerts:email#"));
    let features: Vec<&str> = of_kind(&x, "organizations:iam_features", GLOBAL)
        .iter()
        .map(|r| r.key.as_str())
        .collect();
    assert_eq!(features, ["RootCredentialsManagement", "RootSessions"]);
    let admin = find(
        &x,
        "organizations:delegated_administrators",
        GLOBAL,
        "444455556666",
    );
    assert_eq!(admin.name.as_deref(), Some("security"));
    find(&x, "ec2:addresses", "us-east-1", "eipalloc-1");
    find(
        &x,
        "iam:virtual_mfa_devices",
        GLOBAL,
        "arn:aws:iam::111122223333:mfa/root",
    );
    let ebs = find(
        &x,
        "ec2:ebs_encryption_by_default",
        "eu-west-1",
        "eu-west-1/ec2:ebs_encryption_by_default",
    );
    assert_eq!(ebs.body, Value::Bool(true));
    assert_eq!(ebs.name, None);
    // An empty map (no found keys) gives no resource; a null setting gives one.
    assert!(of_kind(&x, "iam:found_keys", GLOBAL).is_empty());
    assert_eq!(of_kind(&x, "iam:password_policy", GLOBAL).len(), 1);
    let sg = find(
        &x,
        "ec2:security_groups",
        "us-east-1",
        "arn:aws:ec2:us-east-1:111122223333:security-group/sg-00007",
    );
    assert_eq!(sg.name.as_deref(), Some("web-7"));
}

// Issue 11: duplicate keys that even their content cannot tell apart get an ordinal, so
// the store never sees two resources under one key.
#[test]
fn identical_elements_get_an_ordinal() {
    let inv = generated(1);
    let x = extract(&inv);
    let subs: Vec<String> = of_kind(&x, "sns:subscriptions", "us-east-1")
        .iter()
        .map(|r| r.key.clone())
        .collect();
    let base = subs[0].clone();
    assert_eq!(subs[1], format!("{base}#2"));
    assert_eq!(subs[2], format!("{base}#3"));
}

// Issue 11: the hash is of canonical JSON (sorted keys, no whitespace), the same in every
// run and build.
#[test]
fn content_hash_is_canonical_and_stable() {
    let v: Value =
        serde_json::from_str(r#"{"b": {"c": "é\"\n"}, "a": [true, null, "x", 1.5, -2]}"#).unwrap();
    // sha256 of `{"a":[true,null,"x",1.5,-2],"b":{"c":"é\"\n"}}`
    assert_eq!(
        content_hash(&v),
        "997d19d34a459b63a59c93b426b3a2c91411cc10e7bf1e332d1d2519f9655941"
    );
    let a = extract(&demo());
    let b = extract(&demo());
    assert_eq!(a, b);
    for r in &a.resources {
        assert_eq!(r.hash, content_hash(&r.body));
    }
}

// Issue 11: volatile fields change nothing: same hashes when only they move, and they are
// not in the bodies; a configuration change does change the hash.
#[test]
fn volatile_fields_do_not_change_hashes() {
    let base = generated(3);
    let mut moved = base.clone();
    if let Collected::Ok(report) = &mut moved.iam.credential_report {
        report.generated_at = Some(at(20));
        for row in &mut report.rows {
            row.password_last_used = Some(at(21));
            row.access_keys[0].last_used = Some(at(22));
            row.access_keys[0].last_used_service = Some("ec2".into());
        }
    }
    if let Collected::Ok(roles) = &mut moved.iam.roles {
        roles[0].last_used = Some(at(23));
    }
    if let Collected::Ok(reports) = &mut moved.iam.service_last_accessed {
        for report in reports.values_mut() {
            if let Collected::Ok(report) = report {
                report.job_completion_date = Some(at(24));
                for s in &mut report.services {
                    s.last_authenticated = Some(at(25));
                    s.last_authenticated_entity = Some("arn:aws:iam::111122223333:role/x".into());
                    s.last_authenticated_region = Some("eu-west-1".into());
                    for a in &mut s.tracked_actions {
                        a.last_accessed = Some(at(26));
                    }
                }
            }
        }
    }
    for r in moved.regional.values_mut() {
        if let Collected::Ok(recorders) = &mut r.config.recorders {
            recorders[0].last_status = Some("FAILURE".into());
        }
        if let Collected::Ok(trails) = &mut r.cloudtrail.trails {
            if let Collected::Ok(status) = &mut trails[0].status {
                status.latest_delivery_error = None;
                status.latest_cloudwatch_logs_delivery_time = Some("2026-11-20T00:00:00Z".into());
            }
        }
        if let Collected::Ok(alarms) = &mut r.cloudwatch.alarms {
            alarms[0].state = "ALARM".into();
        }
        if let Collected::Ok(logs) = &mut r.ec2.flow_logs {
            logs[0].deliver_logs_status = None;
        }
    }
    let a = extract(&base);
    let b = extract(&moved);
    assert_eq!(a.resources, b.resources);

    // Each volatile path exists in the unstripped content of its kind (a renamed field
    // would leave a dead entry) and is absent from the stored body.
    let raw = serde_json::to_value(&base).unwrap();
    for (kind, path) in VOLATILE_FIELDS {
        let r = a
            .resources
            .iter()
            .find(|r| r.kind == *kind)
            .unwrap_or_else(|| panic!("no {kind} in the generated inventory"));
        let (service, collection) = kind.split_once(':').unwrap();
        let holder = if r.region == GLOBAL {
            &raw[service]
        } else {
            &raw["regional"][&r.region][service]
        };
        let mut element = holder[collection]["ok"].clone();
        if let Some((_, field)) = SPLIT_SECTIONS.iter().find(|(k, _)| k == kind) {
            element = element[field].clone();
        }
        // A list's first element, or a map's first value (Access Advisor, by ARN).
        let element = match &element {
            Value::Object(m) => m.values().next().unwrap(),
            other => &other[0],
        };
        assert!(has_path(element, path), "{kind} {path} not in {element}");
        assert!(!has_path(&r.body, path), "{kind} {path} kept");
    }

    // A configuration change is a new hash.
    let mut changed = base.clone();
    if let Collected::Ok(report) = &mut changed.iam.credential_report {
        report.rows[1].mfa_active = true;
    }
    let c = extract(&changed);
    let key = "arn:aws:iam::111122223333:user/user-1";
    assert_ne!(
        find(&a, "iam:credential_report", GLOBAL, key).hash,
        find(&c, "iam:credential_report", GLOBAL, key).hash
    );
    let other = "arn:aws:iam::111122223333:user/user-0";
    assert_eq!(
        find(&a, "iam:credential_report", GLOBAL, other).hash,
        find(&c, "iam:credential_report", GLOBAL, other).hash
    );
}

// Issue 14: since schema 4 a user's access keys are listed only while one of them is idle
// (for `rampart fix`), so the list comes and goes as time passes: it is not kept, and the
// user's hash does not move. The lists of schema 2 and 3 snapshots (every user's keys) are
// kept, and a change in them is a change.
#[test]
fn keys_listed_while_idle_are_not_kept() {
    let base = generated(2);
    let with_keys = |inv: &Inventory, active: bool| {
        let mut inv = inv.clone();
        if let Collected::Ok(users) = &mut inv.iam.users {
            users[0].access_keys = Some(Collected::Ok(vec![AccessKey {
                id: "AKIAIOSFODNN7EXAMPLE".into(),
                active,
                create_date: Some(at(1)),
            }]));
        }
        inv
    };
    let key = "arn:aws:iam::111122223333:user/user-0";
    let hash = |inv: &Inventory| find(&extract(inv), "iam:users", GLOBAL, key).hash.clone();
    let listed = with_keys(&base, true);
    assert_eq!(base.schema_version, SCHEMA_VERSION);
    assert_eq!(hash(&listed), hash(&base));
    assert!(!has_path(
        &find(&extract(&listed), "iam:users", GLOBAL, key).body,
        "access_keys"
    ));

    let mut legacy = listed.clone();
    legacy.schema_version = 3;
    let x = extract(&legacy);
    assert!(has_path(
        &find(&x, "iam:users", GLOBAL, key).body,
        "access_keys"
    ));
    let mut deactivated = with_keys(&base, false);
    deactivated.schema_version = 3;
    assert_ne!(hash(&legacy), hash(&deactivated));
}

fn has_path(v: &Value, path: &str) -> bool {
    let mut cur = vec![v];
    for seg in path.split('.') {
        let (field, each) = match seg.strip_suffix("[]") {
            Some(f) => (f, true),
            None => (seg, false),
        };
        let mut next = Vec::new();
        for c in cur {
            if let Some(child) = c.get(field) {
                if each {
                    next.extend(child.as_array().into_iter().flatten());
                } else {
                    next.push(child);
                }
            }
        }
        cur = next;
    }
    !cur.is_empty()
}

// Issue 11: hostile names pass through as data (escaping is the renderers' job), and a
// name that is the key is not repeated.
#[test]
fn names_pass_through_and_are_not_the_key() {
    let mut inv = generated(1);
    let hostile = "<script>alert(1)</script>\u{1b}[31m";
    inv.iam.users = Collected::Ok(vec![User {
        name: hostile.into(),
        arn: "arn:aws:iam::111122223333:user/x".into(),
        ..Default::default()
    }]);
    inv.budgets.budgets = Collected::Ok(vec![Budget {
        name: "monthly".into(),
        ..Default::default()
    }]);
    let x = extract(&inv);
    let user = find(&x, "iam:users", GLOBAL, "arn:aws:iam::111122223333:user/x");
    assert_eq!(user.name.as_deref(), Some(hostile));
    let budget = find(&x, "budgets:budgets", GLOBAL, "monthly");
    assert_eq!(budget.name, None);
}
