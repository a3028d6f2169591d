//! The store's test suite, run the same on SQLite and on a real PostgreSQL server (issue 11:
//! "the same store test suite runs on SQLite and on PostgreSQL"). Scans are the demo
//! snapshot, changed the way an account changes, and evaluated by the real checks.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rampart_checks::{evaluate, registry, CheckMeta, Finding, Selection, Settings, Status};
use rampart_inventory::{
    load_snapshot, Collected, CollectionError, Gap, Inventory, SecurityGroup, SgRule,
};
use rampart_store::*;
use std::path::PathBuf;

/// Run a test body on both back ends.
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                let loc = StoreLocation::Sqlite(dir.path().join("store.db"));
                ($body)(loc);
            }
            #[test]
            fn postgres() {
                let url = rampart_testdb::shared().create_database(stringify!($name));
                ($body)(StoreLocation::Postgres(url));
            }
        }
    };
}

fn demo() -> Inventory {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-snapshot.json");
    load_snapshot(&path).unwrap()
}

fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 6, 0, 0).unwrap() + Duration::days(n)
}

fn checks() -> Vec<&'static CheckMeta> {
    registry().iter().map(|c| c.meta).collect()
}

fn findings(inv: &Inventory) -> Vec<Finding> {
    evaluate(inv, &Settings::default(), &Selection::default())
}

/// A scan of `inv` with its findings, evaluated by `checks`.
fn scan_input<'a>(
    inventory: &'a Inventory,
    findings: &'a [Finding],
    checks: &'a [&'a CheckMeta],
    renamed: &'a [(&'a str, &'a str)],
) -> ScanInput<'a> {
    ScanInput {
        kind: ScanKind::Scan,
        inventory,
        findings,
        checks,
        source: "test".into(),
        renamed,
    }
}

/// Store `inv` as a scan collected on day `n`.
fn store_scan(store: &mut Store, inv: &mut Inventory, n: i64) -> Recorded {
    inv.collected_at = day(n);
    let f = findings(inv);
    let checks = checks();
    store
        .record(
            &scan_input(inv, &f, &checks, &[]),
            day(n) + Duration::minutes(1),
        )
        .unwrap()
}

const REGION: &str = "us-east-1";

fn groups(inv: &mut Inventory) -> &mut Vec<SecurityGroup> {
    match &mut inv.regional.get_mut(REGION).unwrap().ec2.security_groups {
        Collected::Ok(g) => g,
        Collected::Missing(g) => panic!("{g:?}"),
    }
}

/// Open SSH to the world on the first non-default security group; its id.
fn open_ssh(inv: &mut Inventory) -> String {
    // A group that admits nothing from the world yet.
    let g = groups(inv)
        .iter_mut()
        .find(|g| {
            g.name != "default"
                && !g
                    .ingress
                    .iter()
                    .any(|r| r.ipv4_ranges.iter().any(|c| c == "0.0.0.0/0"))
        })
        .unwrap();
    g.ingress.push(SgRule {
        protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        ipv4_ranges: vec!["0.0.0.0/0".into()],
        ..Default::default()
    });
    g.id.clone()
}

fn close_ssh(inv: &mut Inventory, id: &str) {
    let g = groups(inv).iter_mut().find(|g| g.id == id).unwrap();
    g.ingress
        .retain(|r| !(r.from_port == Some(22) && r.ipv4_ranges.iter().any(|c| c == "0.0.0.0/0")));
}

fn sg_finding<'a>(d: &'a ScanDiff, sg: &str, l: Lifecycle) -> Option<&'a FindingChange> {
    d.findings
        .iter()
        .find(|f| f.resource.contains(sg) && f.lifecycle == l && f.check_id.contains("ssh"))
}

// A second scan of an unchanged account writes no revision, no finding state and no
// coverage row: storage proportional to change.
both!(
    unchanged_scan_writes_nothing_but_its_row,
    |loc: StoreLocation| {
        let mut store = Store::open(&loc).unwrap();
        let mut inv = demo();
        let first = store_scan(&mut store, &mut inv, 0);
        assert!(first.scan_id.is_some());
        let after_one = store.stats().unwrap();
        assert!(after_one.revisions > 100, "{after_one:?}");
        assert!(after_one.finding_states > 100, "{after_one:?}");
        let second = store_scan(&mut store, &mut inv, 1);
        assert!(second.findings.is_empty(), "{:?}", second.findings);
        assert!(second.resources.is_empty(), "{:?}", second.resources);
        let after_two = store.stats().unwrap();
        assert_eq!(after_two.scans, 2);
        assert_eq!(
            (
                after_two.revisions,
                after_two.finding_states,
                after_two.coverage
            ),
            (
                after_one.revisions,
                after_one.finding_states,
                after_one.coverage
            )
        );
        let scans = store.scans(None, None).unwrap();
        assert_eq!(scans.len(), 2);
        assert_eq!(scans[1].seq, Some(2));
        assert_eq!(scans[1].state, ScanState::Complete);
        assert!(scans[1].counts.fail > 0);
    }
);

// A finding's lifecycle over four scans: new, unchanged, resolved, reopened; first seen and
// time to fix; and the resource's field-level change.
both!(lifecycle_new_resolved_reopened, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let mut inv = demo();
    store_scan(&mut store, &mut inv, 0);
    let sg = open_ssh(&mut inv);
    let r = store_scan(&mut store, &mut inv, 1);
    let new = r
        .findings
        .iter()
        .find(|f| f.resource.contains(&sg) && f.lifecycle == Lifecycle::New)
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert_eq!(new.first_seen, Some(day(1)));
    let change = r.resources.iter().find(|c| c.key.contains(&sg)).unwrap();
    assert_eq!(change.change, ResourceChangeKind::Changed);
    assert!(
        change
            .lines
            .iter()
            .any(|l| l.text.contains("22") && l.risk == Some(RiskKind::WorldOpen)),
        "{change:?}"
    );
    store_scan(&mut store, &mut inv, 2);
    close_ssh(&mut inv, &sg);
    let r = store_scan(&mut store, &mut inv, 3);
    let resolved = r
        .findings
        .iter()
        .find(|f| f.resource.contains(&sg) && f.lifecycle == Lifecycle::Resolved)
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert_eq!(resolved.time_to_fix_secs, Some(2 * 86_400));
    assert_eq!(resolved.first_seen, Some(day(1)));
    open_ssh_again(&mut inv, &sg);
    let r = store_scan(&mut store, &mut inv, 4);
    assert!(
        r.findings
            .iter()
            .any(|f| f.resource.contains(&sg) && f.lifecycle == Lifecycle::Reopened),
        "{:#?}",
        r.findings
    );
    // The same answers from diff, between any two scans.
    let ids: Vec<i64> = store
        .scans(None, None)
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    let d = store.diff(ids[0], ids[2]).unwrap();
    assert!(
        sg_finding(&d, &sg, Lifecycle::New).is_some(),
        "{:#?}",
        d.findings
    );
    let d = store.diff(ids[1], ids[3]).unwrap();
    let fixed = sg_finding(&d, &sg, Lifecycle::Resolved).unwrap();
    assert_eq!(fixed.time_to_fix_secs, Some(2 * 86_400));
    let d = store.diff(ids[1], ids[2]).unwrap();
    assert!(sg_finding(&d, &sg, Lifecycle::New).is_none());
    assert!(d.resources.is_empty(), "{:#?}", d.resources);
    let d = store.diff(ids[3], ids[4]).unwrap();
    assert!(sg_finding(&d, &sg, Lifecycle::Reopened).is_some());
    // Still failing, another way: changed, in the scan and in diff.
    let g = groups(&mut inv).iter_mut().find(|g| g.id == sg).unwrap();
    g.ingress.push(SgRule {
        protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        ipv6_ranges: vec!["::/0".into()],
        ..Default::default()
    });
    let r = store_scan(&mut store, &mut inv, 5);
    assert!(
        r.findings
            .iter()
            .any(|f| f.resource.contains(&sg) && f.lifecycle == Lifecycle::Changed),
        "{:#?}",
        r.findings
    );
    let last = store.scans(None, None).unwrap()[5].id;
    let d = store.diff(ids[4], last).unwrap();
    assert!(
        sg_finding(&d, &sg, Lifecycle::Changed).is_some(),
        "{:#?}",
        d.findings
    );
    // Default pair: the account's last two scans.
    assert_eq!(store.diff_pair(None, None, None).unwrap(), (ids[4], last));
    assert_eq!(
        store.diff_pair(Some(ids[1]), None, None).unwrap(),
        (ids[1], last)
    );
});

fn open_ssh_again(inv: &mut Inventory, id: &str) {
    let g = groups(inv).iter_mut().find(|g| g.id == id).unwrap();
    g.ingress.push(SgRule {
        protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        ipv4_ranges: vec!["0.0.0.0/0".into()],
        ..Default::default()
    });
}

// Issue 11, partial scans: a second scan with permission denied for one service. Its
// findings are unknown in the diff, not resolved; its resources unknown, not removed.
both!(
    partial_scan_is_unknown_never_resolved,
    |loc: StoreLocation| {
        let mut store = Store::open(&loc).unwrap();
        let mut inv = demo();
        let sg = open_ssh(&mut inv);
        store_scan(&mut store, &mut inv, 0);
        let gap = Gap {
            api: "ec2:DescribeSecurityGroups".into(),
            code: "AccessDenied".into(),
            message: "not authorized".into(),
        };
        let mut denied = inv.clone();
        denied.regional.get_mut(REGION).unwrap().ec2.security_groups =
            Collected::Missing(gap.clone());
        denied.errors.push(CollectionError {
            service: "ec2".into(),
            region: REGION.into(),
            gap,
        });
        let r = store_scan(&mut store, &mut denied, 1);
        assert!(
            !r.findings
                .iter()
                .any(|f| f.lifecycle == Lifecycle::Resolved),
            "{:#?}",
            r.findings
        );
        let unknown = r
            .findings
            .iter()
            .find(|f| f.resource.contains(&sg) && f.lifecycle == Lifecycle::Unknown)
            .unwrap_or_else(|| panic!("{:#?}", r.findings));
        assert!(unknown
            .unknown_reason
            .as_ref()
            .unwrap()
            .contains("AccessDenied"));
        assert!(r
            .resources
            .iter()
            .all(|c| c.change != ResourceChangeKind::Removed));
        assert!(r
            .resources
            .iter()
            .any(|c| c.key.contains(&sg) && c.change == ResourceChangeKind::Unknown));
        let ids: Vec<i64> = store
            .scans(None, None)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        let d = store.diff(ids[0], ids[1]).unwrap();
        assert!(d
            .findings
            .iter()
            .all(|f| f.lifecycle != Lifecycle::Resolved));
        assert!(
            sg_finding(&d, &sg, Lifecycle::Unknown).is_some(),
            "{:#?}",
            d.findings
        );
        assert!(d
            .resources
            .iter()
            .all(|c| c.change != ResourceChangeKind::Removed));
        assert!(d
            .coverage
            .iter()
            .any(|c| c.section == "ec2:security_groups" && c.before_read && !c.after_read));
        // Read again: still failing, so it is neither new nor resolved.
        let r = store_scan(&mut store, &mut inv, 2);
        assert!(
            !r.findings.iter().any(|f| f.resource.contains(&sg)
                && matches!(f.lifecycle, Lifecycle::New | Lifecycle::Resolved)),
            "{:#?}",
            r.findings
        );
        let third = store.scans(None, None).unwrap()[2].id;
        let d = store.diff(ids[0], third).unwrap();
        assert!(sg_finding(&d, &sg, Lifecycle::New).is_none());
        assert!(sg_finding(&d, &sg, Lifecycle::Resolved).is_none());
    }
);

// A resource read as gone is removed, and its failing findings resolved.
both!(
    removed_resource_resolves_its_findings,
    |loc: StoreLocation| {
        let mut store = Store::open(&loc).unwrap();
        let mut inv = demo();
        let sg = open_ssh(&mut inv);
        store_scan(&mut store, &mut inv, 0);
        groups(&mut inv).retain(|g| g.id != sg);
        let r = store_scan(&mut store, &mut inv, 1);
        assert!(r
            .resources
            .iter()
            .any(|c| c.key.contains(&sg) && c.change == ResourceChangeKind::Removed));
        let fixed = r
            .findings
            .iter()
            .find(|f| f.resource.contains(&sg) && f.lifecycle == Lifecycle::Resolved)
            .unwrap_or_else(|| panic!("{:#?}", r.findings));
        assert!(fixed.after.is_none());
        let h = store.show(&sg, None, None).unwrap();
        assert_eq!(h.revisions.len(), 2);
        assert!(!h.revisions[1].present);
        // As it was on day 0.
        let h = store
            .show(&sg, None, Some(day(0) + Duration::hours(1)))
            .unwrap();
        let at = h.at.unwrap();
        assert!(h.revisions[at]
            .body
            .as_ref()
            .unwrap()
            .to_string()
            .contains("0.0.0.0/0"));
        // After its removal nothing was in force.
        let h = store
            .show(&sg, None, Some(day(1) + Duration::hours(1)))
            .unwrap();
        assert_eq!(h.at, None);
    }
);

// Issue 11: a finding keeps its identity when a check is renamed: neither resolved nor new.
both!(renamed_check_keeps_its_findings, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let mut inv = demo();
    inv.collected_at = day(0);
    let mut old = findings(&inv);
    let failing = old
        .iter()
        .find(|f| f.status == Status::Fail)
        .unwrap()
        .check_id
        .clone();
    for f in old.iter_mut().filter(|f| f.check_id == failing) {
        f.check_id = "legacy_name".into();
    }
    let mut old_checks = checks();
    let meta = Box::leak(Box::new(CheckMeta {
        id: "legacy_name",
        ..*rampart_checks::find(&failing).unwrap().meta
    }));
    old_checks.retain(|c| c.id != failing);
    old_checks.push(meta);
    store
        .record(&scan_input(&inv, &old, &old_checks, &[]), day(0))
        .unwrap();
    inv.collected_at = day(1);
    let new = findings(&inv);
    let checks = checks();
    let renamed = [("legacy_name", failing.as_str())];
    let r = store
        .record(&scan_input(&inv, &new, &checks, &renamed), day(1))
        .unwrap();
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // Without the rename, the same change is a resolve and a new finding.
    let mut inv2 = demo();
    inv2.account.id = "999988887777".into();
    let mut old2 = findings(&inv2);
    for f in old2.iter_mut() {
        f.account_id = inv2.account.id.clone();
        if f.check_id == failing {
            f.check_id = "legacy_name".into();
        }
    }
    inv2.collected_at = day(0);
    store
        .record(&scan_input(&inv2, &old2, &old_checks, &[]), day(0))
        .unwrap();
    inv2.collected_at = day(1);
    let new2: Vec<Finding> = findings(&inv2)
        .into_iter()
        .map(|mut f| {
            f.account_id = inv2.account.id.clone();
            f
        })
        .collect();
    let r = store
        .record(&scan_input(&inv2, &new2, &checks, &[]), day(1))
        .unwrap();
    assert!(r
        .findings
        .iter()
        .any(|f| f.lifecycle == Lifecycle::New && f.check_id == failing));
    assert!(r
        .findings
        .iter()
        .any(|f| f.lifecycle == Lifecycle::Unknown || f.lifecycle == Lifecycle::Resolved));
});

// A collect keeps the inventory and leaves findings alone; a scan of a check subset makes
// the other checks' findings unknown, not resolved.
both!(collect_and_check_subsets, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let mut inv = demo();
    let sg = open_ssh(&mut inv);
    store_scan(&mut store, &mut inv, 0);
    inv.collected_at = day(1);
    let r = store
        .record(
            &ScanInput {
                kind: ScanKind::Collect,
                inventory: &inv,
                findings: &[],
                checks: &[],
                source: "test".into(),
                renamed: &[],
            },
            day(1),
        )
        .unwrap();
    assert!(r.findings.is_empty());
    assert_eq!(store.scans(None, None).unwrap()[1].kind, ScanKind::Collect);
    // Only IAM checks run.
    inv.collected_at = day(2);
    let iam: Vec<&CheckMeta> = checks()
        .into_iter()
        .filter(|c| c.service == "iam")
        .collect();
    let sel = Selection {
        services: vec!["iam".into()],
        ..Selection::default()
    };
    let f = evaluate(&inv, &Settings::default(), &sel);
    let r = store
        .record(&scan_input(&inv, &f, &iam, &[]), day(2))
        .unwrap();
    assert!(
        r.findings
            .iter()
            .all(|f| f.lifecycle != Lifecycle::Resolved),
        "{:#?}",
        r.findings
    );
    let u = r
        .findings
        .iter()
        .find(|f| f.resource.contains(&sg))
        .unwrap();
    assert_eq!(u.lifecycle, Lifecycle::Unknown);
    assert!(u.unknown_reason.as_ref().unwrap().contains("did not run"));
});

// A snapshot collected before the account's latest stored scan is not stored again.
both!(older_scans_are_not_stored, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let mut inv = demo();
    store_scan(&mut store, &mut inv, 5);
    let r = store_scan(&mut store, &mut inv, 5);
    assert!(r.scan_id.is_none());
    assert!(r.skipped.unwrap().contains("already holds"));
    let r = store_scan(&mut store, &mut inv, 3);
    assert!(r.scan_id.is_none());
    assert_eq!(store.scans(None, None).unwrap().len(), 1);
    // A collection time finer than the store keeps (nanoseconds) is the same time.
    inv.collected_at = day(6) + Duration::nanoseconds(123_456_789);
    let f = findings(&inv);
    let checks = checks();
    let input = scan_input(&inv, &f, &checks, &[]);
    assert!(store.record(&input, day(6)).unwrap().scan_id.is_some());
    assert!(store.record(&input, day(6)).unwrap().scan_id.is_none());
});

// Retention: prune keeps each account's latest scan and every scan after the cutoff; what
// remains still compares.
both!(prune_keeps_what_is_needed, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let mut inv = demo();
    let sg = open_ssh(&mut inv);
    for n in 0..4 {
        if n == 2 {
            close_ssh(&mut inv, &sg);
        }
        store_scan(&mut store, &mut inv, n);
    }
    let before = store.stats().unwrap();
    let stats = store.prune(day(2)).unwrap();
    assert_eq!(stats.scans, 2);
    let after = store.stats().unwrap();
    assert!(after.revisions < before.revisions, "{before:?} {after:?}");
    let scans = store.scans(None, None).unwrap();
    assert_eq!(scans.len(), 2);
    let d = store.diff(scans[0].id, scans[1].id).unwrap();
    assert!(d.findings.is_empty(), "{:#?}", d.findings);
    // Everything old: the latest scan stays.
    store.prune(day(30)).unwrap();
    assert_eq!(store.scans(None, None).unwrap().len(), 1);
    // And the next scan still knows the account.
    let r = store_scan(&mut store, &mut inv, 31);
    assert!(
        r.findings.iter().all(|f| f.lifecycle != Lifecycle::New),
        "{:#?}",
        r.findings
    );
});

// The outbox: messages written with their scan, ids stable, delivered at least once,
// retried, failed with a reason.
both!(outbox_rows_follow_deliveries, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let mut inv = demo();
    inv.collected_at = day(0);
    let f = findings(&inv);
    let checks = checks();
    let input = scan_input(&inv, &f, &checks, &[]);
    let r = store
        .record_with(&input, day(0), &mut |scan, rec| {
            assert!(!rec.findings.is_empty());
            vec![
                NewMessage {
                    delivery_id: format!("hook-{}", scan.id),
                    target: "hook".into(),
                    payload: "{}".into(),
                },
                NewMessage {
                    delivery_id: format!("hook-{}", scan.id),
                    target: "hook".into(),
                    payload: "{\"again\": true}".into(),
                },
                NewMessage {
                    delivery_id: format!("other-{}", scan.id),
                    target: "other".into(),
                    payload: "{}".into(),
                },
            ]
        })
        .unwrap();
    let id = r.scan_id.unwrap();
    let due = store.outbox_due(day(0), 10).unwrap();
    assert_eq!(due.len(), 2, "one row per delivery id: {due:?}");
    assert_eq!(due[0].delivery_id, format!("hook-{id}"));
    assert_eq!(due[0].payload, "{}");
    store
        .outbox_record(
            due[0].id,
            &DeliveryOutcome::Retry {
                error: "HTTP 500".into(),
                next_attempt_at: day(0) + Duration::minutes(5),
            },
            day(0),
        )
        .unwrap();
    store
        .outbox_record(
            due[1].id,
            &DeliveryOutcome::Failed {
                error: "HTTP 404: no such hook".into(),
            },
            day(0),
        )
        .unwrap();
    assert!(store
        .outbox_due(day(0) + Duration::minutes(1), 10)
        .unwrap()
        .is_empty());
    let again = store.outbox_due(day(0) + Duration::minutes(5), 10).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].attempts, again[0].last_error.as_deref()),
        (1, Some("HTTP 500"))
    );
    store
        .outbox_record(again[0].id, &DeliveryOutcome::Delivered, day(0))
        .unwrap();
    let all = store.outbox_list(10).unwrap();
    let status = |d: &str| all.iter().find(|m| m.delivery_id.starts_with(d)).unwrap();
    assert_eq!(status("hook").status, DeliveryStatus::Delivered);
    assert_eq!(status("other").status, DeliveryStatus::Failed);
    assert_eq!(
        status("other").last_error.as_deref(),
        Some("HTTP 404: no such hook")
    );
});

// Issue 11, concurrency: two scans write to the same store at once, from two connections,
// of one account and of two accounts.
both!(concurrent_writers, |loc: StoreLocation| {
    Store::open(&loc).unwrap();
    let mut handles = Vec::new();
    for (i, account) in ["111111111111", "111111111111", "222222222222"]
        .iter()
        .enumerate()
    {
        let loc = loc.clone();
        let account = account.to_string();
        handles.push(std::thread::spawn(move || {
            let mut store = Store::open(&loc).unwrap();
            let mut inv = demo();
            inv.account.id = account;
            store_scan(&mut store, &mut inv, i as i64)
        }));
    }
    let results: Vec<Recorded> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut store = Store::open(&loc).unwrap();
    let scans = store.scans(None, None).unwrap();
    // The two scans of one account: one may be refused as older than the other, never
    // lost half-written.
    assert!(
        scans.iter().all(|s| s.state == ScanState::Complete),
        "{scans:?}"
    );
    let stored = results.iter().filter(|r| r.scan_id.is_some()).count();
    assert_eq!(scans.len(), stored);
    assert!(stored >= 2);
    let mut seqs: Vec<(String, Option<i64>)> = scans
        .iter()
        .map(|s| (s.account_id.clone(), s.seq))
        .collect();
    seqs.sort();
    seqs.dedup();
    assert_eq!(seqs.len(), scans.len());
});

// Bad input: a store from a newer rampart is refused, and left as it is.
both!(newer_store_is_refused, |loc: StoreLocation| {
    Store::open(&loc).unwrap();
    let newer = Store::schema_version() + 1;
    match &loc {
        StoreLocation::Sqlite(p) => {
            let c = rusqlite::Connection::open(p).unwrap();
            c.execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                 VALUES (?1, 'future', '2027-01-01T00:00:00Z', '0')",
                [newer],
            )
            .unwrap();
        }
        StoreLocation::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            c.execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                 VALUES ($1, 'future', '2027-01-01T00:00:00Z', '0')",
                &[&(newer as i32)],
            )
            .unwrap();
        }
    }
    let e = Store::open(&loc).unwrap_err();
    assert!(matches!(e, StoreError::Newer { .. }), "{e}");
    assert!(e.to_string().contains("newer rampart"), "{e}");
});

// Bad input: a damaged SQLite file is refused and not touched; the file is created 0600.
#[test]
fn corrupt_sqlite_is_left_alone_and_new_files_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    std::fs::write(
        &path,
        b"this is not a database, it is my notes\n".repeat(200),
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let e = Store::open(&StoreLocation::Sqlite(path.clone())).unwrap_err();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("store.db-wal").exists());
    // Another program's database is not taken over either.
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (t TEXT)")
        .unwrap();
    let e = Store::open(&StoreLocation::Sqlite(other)).unwrap_err();
    assert!(e.to_string().contains("notes"), "{e}");
    let fresh = dir.path().join("sub/dir/new.db");
    Store::open(&StoreLocation::Sqlite(fresh.clone())).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Read-only commands never create a store.
    let e = Store::open_existing(&StoreLocation::Sqlite(dir.path().join("none.db"))).unwrap_err();
    assert!(matches!(e, StoreError::Missing(_)), "{e}");
    assert!(!dir.path().join("none.db").exists());
}

// Bad input: an unreachable PostgreSQL server is one clear error.
#[test]
fn unreachable_postgres_is_one_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://rampart:hunter2@127.0.0.1:{port}/rampart?connect_timeout=3");
    let e = Store::open(&StoreLocation::Postgres(url)).unwrap_err();
    assert!(matches!(e, StoreError::Unreachable { .. }), "{e}");
    let text = e.to_string();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("cannot connect"), "{text}");
}
