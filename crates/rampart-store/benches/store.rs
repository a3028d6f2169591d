//! Store benchmark (issue 11): the evaluation benchmark's synthetic account scaled to
//! 100,000 resources, evaluated by every check, then
//! 1. stored once in a new SQLite store (target: under 2 s),
//! 2. changed by 1% and stored again, and the two scans compared with `diff` (under 1 s),
//! 3. stored for 30 days in all, 1% of the resources changing each day: the store's size
//!    against the first scan's (under 1.5×; storing every scan whole would be 30×).
//!
//! Run with `cargo bench -p rampart-store --bench store` (size: RAMPART_BENCH_RESOURCES,
//! days: RAMPART_BENCH_DAYS; `RAMPART_BENCH_STORE=postgres://...` runs steps 1 and 2 on a
//! PostgreSQL database too).

use rampart_checks::{evaluate, registry, CheckMeta, Selection, Settings};
use rampart_inventory::synthetic;
use rampart_inventory::Inventory;
use rampart_store::{ScanInput, ScanKind, Store, StoreLocation};
use std::path::Path;
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Store one scan: evaluation first (not timed), then the store's part (timed).
fn store(store: &mut Store, inv: &Inventory, checks: &[&CheckMeta]) -> (f64, usize, usize) {
    let findings = evaluate(inv, &Settings::default(), &Selection::default());
    let started = Instant::now();
    let recorded = store
        .record(
            &ScanInput {
                kind: ScanKind::Scan,
                inventory: inv,
                findings: &findings,
                checks,
                source: "bench".into(),
                renamed: &[],
            },
            inv.collected_at,
        )
        .expect("store the scan");
    assert!(recorded.scan_id.is_some(), "{:?}", recorded.skipped);
    (
        started.elapsed().as_secs_f64(),
        findings.len(),
        recorded.resources.len(),
    )
}

/// Bytes on disk: the database and its write-ahead log.
fn size(path: &Path) -> u64 {
    let wal = path.with_extension("db-wal");
    [path.to_path_buf(), wal]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let resources = env("RAMPART_BENCH_RESOURCES", 100_000);
    let days = env("RAMPART_BENCH_DAYS", 30) as u32;
    let checks: Vec<&CheckMeta> = registry().iter().map(|c| c.meta).collect();
    let started = Instant::now();
    let mut inv = synthetic::account(resources);
    println!(
        "synthetic account: {} resources ({:.1} s to build)",
        synthetic::resource_count(&inv),
        started.elapsed().as_secs_f64()
    );
    let snapshot_bytes = serde_json::to_vec(&inv).expect("serialize").len() as u64;

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("store.db");
    let location = StoreLocation::Sqlite(path.clone());
    let mut db = Store::open(&location).expect("open the store");
    let (secs, findings, _) = store(&mut db, &inv, &checks);
    let first = size(&path);
    println!(
        "1. store the first scan: {secs:.2} s (SQLite; {findings} findings; store {:.1} MiB, \
         snapshot JSON {:.1} MiB)",
        mib(first),
        mib(snapshot_bytes)
    );

    synthetic::drift(&mut inv, 1, 0.01);
    let (secs, _, changed) = store(&mut db, &inv, &checks);
    let scans = db.scans(None, None).expect("scans");
    let (a, b) = (scans[0].id, scans[1].id);
    let started = Instant::now();
    let diff = db.diff(a, b).expect("diff");
    let diff_secs = started.elapsed().as_secs_f64();
    println!(
        "2. store a scan with 1% changed: {secs:.2} s ({changed} resources changed); diff of \
         the two: {diff_secs:.2} s ({} findings, {} resources)",
        diff.findings.len(),
        diff.resources.len()
    );

    for day in 2..days {
        synthetic::drift(&mut inv, day, 0.01);
        store(&mut db, &inv, &checks);
    }
    let stats = db.stats().expect("stats");
    drop(db);
    let last = size(&path);
    println!(
        "3. {days} daily scans, 1% changed each day: store {:.1} MiB = {:.2}× the first \
         scan's {:.1} MiB (every scan whole: {days}×); {} revisions, {} finding states, {} \
         coverage rows",
        mib(last),
        last as f64 / first as f64,
        mib(first),
        stats.revisions,
        stats.finding_states,
        stats.coverage
    );

    if let Ok(url) = std::env::var("RAMPART_BENCH_STORE") {
        let mut inv = synthetic::account(resources);
        let mut pg = Store::open(&StoreLocation::parse(&url)).expect("open PostgreSQL");
        let (secs, _, _) = store(&mut pg, &inv, &checks);
        synthetic::drift(&mut inv, 1, 0.01);
        let (secs2, _, _) = store(&mut pg, &inv, &checks);
        let (a, b) = pg.diff_pair(None, None, None).expect("pair");
        let started = Instant::now();
        pg.diff(a, b).expect("diff");
        println!(
            "PostgreSQL: first scan {secs:.2} s, 1% changed {secs2:.2} s, diff {:.2} s",
            started.elapsed().as_secs_f64()
        );
    }
}
