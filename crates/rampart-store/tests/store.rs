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

// ---- Changes made by `rampart fix --apply` (issue 14) ----

const ACCOUNT: &str = "123456789012";

/// A change to security group `sg` applied on day `n`: SSH from the world removed.
fn ssh_change(account: &str, sg: &str, n: i64) -> NewChange {
    NewChange {
        account_id: account.into(),
        region: REGION.into(),
        check_id: "ec2_sg_ssh_open_to_world".into(),
        resource: format!("arn:aws:ec2:{REGION}:{account}:security-group/{sg}"),
        step: serde_json::json!({
            "calls": [{"api": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": sg}}],
            "risk": "low",
            "cli": format!("aws ec2 revoke-security-group-ingress --group-id {sg} --protocol tcp --port 22 --cidr 0.0.0.0/0"),
        }),
        before: serde_json::json!({"id": sg, "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "ipv4_ranges": ["0.0.0.0/0"]}]}),
        after: Some(serde_json::json!({"id": sg, "ingress": []})),
        outcome: ChangeOutcome::Applied,
        applied_at: day(n) + Duration::minutes(30),
        planned_scan_id: None,
    }
}

/// The scan of `ACCOUNT` stored on day `n`; its id.
fn account_scan(store: &mut Store, n: i64) -> i64 {
    let mut inv = demo();
    inv.account.id = ACCOUNT.into();
    store_scan(store, &mut inv, n).scan_id.unwrap()
}

// Issue 14: "every change is recorded: its before state, in the store". Recorded, read back
// field for field, listed and filtered.
both!(changes_are_recorded_and_listed, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let planned = account_scan(&mut store, 0);
    let mut first = ssh_change(ACCOUNT, "sg-0a1", 0);
    first.planned_scan_id = Some(planned);
    let mut failed = ssh_change(ACCOUNT, "sg-0b2", 1);
    failed.outcome = ChangeOutcome::Failed {
        error: "UnauthorizedOperation: not allowed to revoke".into(),
    };
    failed.after = None;
    let mut other = ssh_change("210987654321", "sg-0c3", 2);
    other.check_id = "guardduty_enabled".into();
    let ids: Vec<ChangeId> = [&first, &failed, &other]
        .iter()
        .map(|c| store.record_change(c).unwrap())
        .collect();
    for id in &ids {
        assert_eq!(id.as_str().len(), CHANGE_ID_LEN, "{id}");
        assert_eq!(id.as_str().parse::<ChangeId>().unwrap(), *id);
    }
    assert_ne!(ids[0], ids[1]);
    assert_ne!(ids[1], ids[2]);
    let got = store.change(&ids[0]).unwrap();
    assert_eq!(
        got,
        Change {
            id: ids[0].clone(),
            account_id: first.account_id.clone(),
            region: first.region.clone(),
            check_id: first.check_id.clone(),
            resource: first.resource.clone(),
            step: first.step.clone(),
            before: first.before.clone(),
            after: first.after.clone(),
            status: ChangeStatus::Applied,
            error: None,
            applied_at: first.applied_at,
            undone_at: None,
            planned_scan_id: Some(planned),
            verified_scan_id: None,
        }
    );
    let got = store.change(&ids[1]).unwrap();
    assert_eq!(got.status, ChangeStatus::Failed);
    assert_eq!(
        got.error.as_deref(),
        Some("UnauthorizedOperation: not allowed to revoke")
    );
    assert_eq!(got.after, None);
    // Listed oldest first, by account and by filter.
    let all = store.changes(None, &ChangeFilter::default()).unwrap();
    assert_eq!(all.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), ids);
    let mine = store
        .changes(Some(ACCOUNT), &ChangeFilter::default())
        .unwrap();
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|c| c.account_id == ACCOUNT));
    let list = |store: &mut Store, f: ChangeFilter| -> Vec<ChangeId> {
        store
            .changes(None, &f)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(
        list(
            &mut store,
            ChangeFilter {
                status: Some(ChangeStatus::Failed),
                ..ChangeFilter::default()
            }
        ),
        vec![ids[1].clone()]
    );
    assert_eq!(
        list(
            &mut store,
            ChangeFilter {
                check_id: Some("guardduty_enabled".into()),
                ..ChangeFilter::default()
            }
        ),
        vec![ids[2].clone()]
    );
    assert_eq!(
        list(
            &mut store,
            ChangeFilter {
                resource: Some(first.resource.clone()),
                ..ChangeFilter::default()
            }
        ),
        vec![ids[0].clone()]
    );
    assert_eq!(
        list(
            &mut store,
            ChangeFilter {
                since: Some(day(1)),
                ..ChangeFilter::default()
            }
        ),
        ids[1..].to_vec()
    );
    assert_eq!(
        list(
            &mut store,
            ChangeFilter {
                limit: Some(1),
                ..ChangeFilter::default()
            }
        ),
        vec![ids[2].clone()]
    );
    assert_eq!(store.stats().unwrap().changes, 3);
    // Recorded again, the same change gets an id of its own.
    let again = store.record_change(&first).unwrap();
    assert!(!ids.contains(&again), "{again} {ids:?}");
    // Bad input: an applied change without its after state; a plan from another account's
    // scan or from no scan at all. Nothing is written.
    let mut no_after = ssh_change(ACCOUNT, "sg-0d4", 3);
    no_after.after = None;
    let e = store.record_change(&no_after).unwrap_err();
    assert!(e.to_string().contains("no after state"), "{e}");
    let mut wrong_scan = ssh_change("210987654321", "sg-0d4", 3);
    wrong_scan.planned_scan_id = Some(planned);
    let e = store.record_change(&wrong_scan).unwrap_err();
    assert!(e.to_string().contains("not of account 210987654321"), "{e}");
    wrong_scan.planned_scan_id = Some(planned + 1000);
    let e = store.record_change(&wrong_scan).unwrap_err();
    assert!(e.to_string().contains("no scan"), "{e}");
    assert_eq!(store.stats().unwrap().changes, 4);
});

// Issue 14: `rampart undo` marks the change undone, once; the rescan marks it verified.
both!(undo_and_verify_marks, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let planned = account_scan(&mut store, 0);
    let mut change = ssh_change(ACCOUNT, "sg-0a1", 0);
    change.planned_scan_id = Some(planned);
    let id = store.record_change(&change).unwrap();
    // The plan's scan was collected before the change: it cannot verify it.
    let e = store.mark_verified(&id, planned).unwrap_err();
    assert!(e.to_string().contains("before change"), "{e}");
    let rescan = account_scan(&mut store, 1);
    let verified = store.mark_verified(&id, rescan).unwrap();
    assert_eq!(verified.verified_scan_id, Some(rescan));
    assert_eq!(verified.status, ChangeStatus::Applied);
    assert_eq!(store.change(&id).unwrap(), verified);
    // Not undone before it was applied.
    let e = store.mark_undone(&id, day(0)).unwrap_err();
    assert!(e.to_string().contains("cannot be undone before"), "{e}");
    let undone = store.mark_undone(&id, day(2)).unwrap();
    assert_eq!(undone.status, ChangeStatus::Undone);
    assert_eq!(undone.undone_at, Some(day(2)));
    assert_eq!(undone.verified_scan_id, Some(rescan));
    assert_eq!(store.change(&id).unwrap(), undone);
    // Twice: refused, and the first undo's time kept.
    let e = store.mark_undone(&id, day(3)).unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::ChangeState {
                status: ChangeStatus::Undone,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains(id.as_str()), "{e}");
    assert_eq!(store.change(&id).unwrap().undone_at, Some(day(2)));
    let e = store.mark_verified(&id, rescan).unwrap_err();
    assert!(matches!(e, StoreError::ChangeState { .. }), "{e}");
    // A failed change has nothing to undo, but its rescan is kept.
    let mut failed = ssh_change(ACCOUNT, "sg-0b2", 0);
    failed.outcome = ChangeOutcome::Failed {
        error: "Throttling".into(),
    };
    let failed = store.record_change(&failed).unwrap();
    let e = store.mark_undone(&failed, day(2)).unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::ChangeState {
                status: ChangeStatus::Failed,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        store
            .mark_verified(&failed, rescan)
            .unwrap()
            .verified_scan_id,
        Some(rescan)
    );
    assert_eq!(store.change(&failed).unwrap().status, ChangeStatus::Failed);
});

// Issue 14: an unknown change id is a clear error, for every operation.
both!(unknown_change_id_is_a_clear_error, |loc: StoreLocation| {
    let mut store = Store::open(&loc).unwrap();
    let known = store
        .record_change(&ssh_change(ACCOUNT, "sg-0a1", 0))
        .unwrap();
    let unknown: ChangeId = if known.as_str() == "0123456789" {
        "9876543210"
    } else {
        "0123456789"
    }
    .parse()
    .unwrap();
    let e = store.change(&unknown).unwrap_err();
    assert!(matches!(e, StoreError::UnknownChange(_)), "{e}");
    assert!(
        e.to_string().contains("no change 0123456789")
            || e.to_string().contains("no change 9876543210"),
        "{e}"
    );
    let e = store.mark_undone(&unknown, day(1)).unwrap_err();
    assert!(matches!(e, StoreError::UnknownChange(_)), "{e}");
    let e = store.mark_verified(&unknown, 1).unwrap_err();
    assert!(matches!(e, StoreError::UnknownChange(_)), "{e}");
    // Typed by a user: case and spaces do not matter; anything else is not an id.
    let typed: ChangeId = format!(" {} ", known.as_str().to_uppercase())
        .parse()
        .unwrap();
    assert_eq!(store.change(&typed).unwrap().id, known);
    for bad in ["", "xyz", "0123456789a", "012345678g"] {
        let e = bad.parse::<ChangeId>().unwrap_err();
        assert!(e.to_string().contains("not a change id"), "{bad}: {e}");
    }
});

// Issue 14, concurrency as the rest of the store: two processes record changes to one
// account at once, the same changes even, and two undo one change at once.
both!(two_change_writers_at_once, |loc: StoreLocation| {
    Store::open(&loc).unwrap();
    const WRITERS: usize = 4;
    const EACH: i64 = 12;
    let start = std::sync::Arc::new(std::sync::Barrier::new(WRITERS));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let loc = loc.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&loc).unwrap();
                start.wait();
                (0..EACH)
                    .map(|n| {
                        store
                            .record_change(&ssh_change(ACCOUNT, "sg-0a1", n))
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut ids: Vec<ChangeId> = writers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), WRITERS * EACH as usize, "{ids:?}");
    let mut store = Store::open(&loc).unwrap();
    assert_eq!(
        store
            .changes(Some(ACCOUNT), &ChangeFilter::default())
            .unwrap()
            .len(),
        WRITERS * EACH as usize
    );
    let target = ids[0].clone();
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let undoers: Vec<_> = (0..2)
        .map(|i| {
            let loc = loc.clone();
            let target = target.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&loc).unwrap();
                start.wait();
                store.mark_undone(&target, day(20 + i))
            })
        })
        .collect();
    let results: Vec<_> = undoers.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(results
        .iter()
        .any(|r| matches!(r, Err(StoreError::ChangeState { .. }))));
    let winner = results.iter().find_map(|r| r.as_ref().ok()).unwrap();
    assert_eq!(store.change(&target).unwrap(), *winner);
});

mod v1_sqlite {
    refinery::embed_migrations!("migrations/sqlite");
}
mod v1_postgres {
    refinery::embed_migrations!("migrations/postgres");
}

/// What an older rampart (schema 1) stored: one complete scan holding one resource.
const V1_SCAN: &str = "
    INSERT INTO scans (account_id, seq, eval_seq, kind, state, collected_at, stored_at,
        rampart_version, source, resources)
    VALUES ('123456789012', 1, 1, 'scan', 'complete', '2026-10-01T06:00:00.000000Z',
        '2026-10-01T06:01:00.000000Z', '0.1.0', 'live', 1);
    INSERT INTO resources (account_id, kind, region, key, name)
    VALUES ('123456789012', 'ec2:security_groups', 'us-east-1', 'sg-0fromv1', 'from-v1');
    INSERT INTO revisions (resource_id, first_seq, end_seq, present, hash, body)
    SELECT id, 1, NULL, 1, 'v1hash', '{\"id\": \"sg-0fromv1\", \"ingress\": []}'
    FROM resources WHERE key = 'sg-0fromv1';
";

// Issue 14: a store written by an older build (schema 1, no changes table) migrates
// forward: its scan is kept, and changes can be recorded.
both!(v1_store_migrates_forward, |loc: StoreLocation| {
    let v1 = refinery::Target::Version(1);
    let history = match &loc {
        StoreLocation::Sqlite(p) => {
            let mut c = rusqlite::Connection::open(p).unwrap();
            v1_sqlite::migrations::runner()
                .set_target(v1)
                .run(&mut c)
                .unwrap();
            c.execute_batch(V1_SCAN).unwrap();
            let tables: i64 = c
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_master WHERE name = 'changes'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(tables, 0, "schema 1 has no changes table");
            "SELECT MAX(version) FROM refinery_schema_history"
        }
        StoreLocation::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            v1_postgres::migrations::runner()
                .set_target(v1)
                .run(&mut c)
                .unwrap();
            c.batch_execute(V1_SCAN).unwrap();
            let t: Option<String> = c
                .query_one("SELECT to_regclass('changes')::text", &[])
                .unwrap()
                .get(0);
            assert_eq!(t, None, "schema 1 has no changes table");
            "SELECT MAX(version)::bigint FROM refinery_schema_history"
        }
    };
    let mut store = Store::open(&loc).unwrap();
    let version: i64 = match &loc {
        StoreLocation::Sqlite(p) => rusqlite::Connection::open(p)
            .unwrap()
            .query_row(history, [], |r| r.get(0))
            .unwrap(),
        StoreLocation::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
            .unwrap()
            .query_one(history, &[])
            .unwrap()
            .get(0),
    };
    assert_eq!(version, Store::schema_version());
    assert!(version >= 2);
    // The old scan is kept, and read as before.
    let scans = store.scans(None, None).unwrap();
    assert_eq!(scans.len(), 1, "{scans:?}");
    assert_eq!(
        (scans[0].account_id.as_str(), scans[0].seq),
        (ACCOUNT, Some(1))
    );
    let h = store.show("sg-0fromv1", None, None).unwrap();
    assert_eq!(h.name.as_deref(), Some("from-v1"));
    assert_eq!(h.revisions.len(), 1);
    assert_eq!(
        h.revisions[0].body,
        Some(serde_json::json!({"id": "sg-0fromv1", "ingress": []}))
    );
    // Changes work, planned from the old scan.
    let mut change = ssh_change(ACCOUNT, "sg-0fromv1", 0);
    change.planned_scan_id = Some(scans[0].id);
    let id = store.record_change(&change).unwrap();
    assert_eq!(
        store.change(&id).unwrap().planned_scan_id,
        Some(scans[0].id)
    );
    // And the next scan follows the old one.
    let next = account_scan(&mut store, 1);
    assert_eq!(store.scan(next).unwrap().seq, Some(2));
    assert_eq!(
        store.mark_verified(&id, next).unwrap().verified_scan_id,
        Some(next)
    );
    // Opened again: nothing left to migrate.
    drop(store);
    assert_eq!(
        Store::open(&loc)
            .unwrap()
            .changes(None, &ChangeFilter::default())
            .unwrap()
            .len(),
        1
    );
});
