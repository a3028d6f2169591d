//! Evaluation benchmark: every check over a large synthetic account (by default 24 regions,
//! 12,000 instances and network interfaces, 2,400 security groups, 1,200 RDS instances and
//! Lambda functions, 2,000 IAM users with keys, 500 buckets), so the cost of the catalogue,
//! the reachability engine included, is measured apart from collection. The account is
//! `rampart_inventory::synthetic` (feature `synthetic`).
//! Run with `cargo bench -p rampart-checks` (sizes: RAMPART_BENCH_REGIONS,
//! RAMPART_BENCH_INSTANCES per region).

use rampart_checks::{evaluate, Selection, Settings};
use rampart_inventory::synthetic;
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let regions = env("RAMPART_BENCH_REGIONS", 24);
    let instances = env("RAMPART_BENCH_INSTANCES", 500);
    let build = Instant::now();
    let inv = synthetic::build(&synthetic::Shape::bench(regions, instances));
    let built = build.elapsed();
    let settings = Settings::default();
    let selection = Selection::default();
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..7 {
        let t = Instant::now();
        let findings = evaluate(&inv, &settings, &selection);
        times.push(t.elapsed());
        count = findings.len();
        std::hint::black_box(findings);
    }
    times.sort();
    println!(
        "evaluate: {} checks over {regions} regions x {instances} instances, {} resources \
         (inventory built in {:.0?}): {count} findings; min {:.1?}, median {:.1?}, max {:.1?} \
         over {} runs",
        rampart_checks::registry().len(),
        synthetic::resource_count(&inv),
        built,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
}
