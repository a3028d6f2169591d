//! The benchmark's scanner (issue 5): `scan_tree` over paths, as `rampart secrets` runs it,
//! without building the AWS SDK. Prints throughput, findings by detector and, with a
//! manifest from `gen-corpus`, recall on the planted secrets and every other finding (a
//! false positive), redacted.
//!
//! ```text
//! codescan-bench [--no-ignore] [--threads N] [--manifest FILE] [--list] PATH...
//! codescan-bench --joined-regex      # the detectors' patterns as one regex, for ripgrep
//! ```
//!
//! `--list` prints every finding (`finding: PATH:LINE:COLUMN DETECTOR REDACTED`), for the
//! real-code precision benchmark (`bench/secrets-precision.sh`).
//!
//! The last line is machine-readable: `RESULT files=.. bytes=.. seconds=.. findings=..
//! planted=.. found=.. false_positives=..`.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use rampart_codescan::{scan_tree, ScanOptions};
use rampart_secrets::Engine;

fn main() {
    let mut opts = ScanOptions::default();
    let mut manifest = None;
    let mut list = false;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--no-ignore" => opts.respect_gitignore = false,
            "--threads" => opts.threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--manifest" => manifest = args.next().map(PathBuf::from),
            "--list" => list = true,
            "--joined-regex" => {
                let joined: Vec<String> = Engine::builtin()
                    .detectors()
                    .iter()
                    .map(|d| format!("(?:{})", d.pattern))
                    .collect();
                println!("{}", joined.join("|"));
                return;
            }
            _ => paths.push(PathBuf::from(a)),
        }
    }
    if paths.is_empty() {
        eprintln!(
            "usage: codescan-bench [--no-ignore] [--threads N] [--manifest FILE] [--list] PATH..."
        );
        std::process::exit(2);
    }
    let started = Instant::now();
    let report = scan_tree(Engine::builtin(), &paths, &opts).unwrap_or_else(|e| {
        eprintln!("codescan-bench: {e}");
        std::process::exit(2);
    });
    let seconds = started.elapsed().as_secs_f64();
    let s = &report.scanned;
    println!(
        "scanned {} files, {:.1} MB in {seconds:.3} s: {:.0} MB/s ({} binary and {} too large skipped, {} errors)",
        s.files,
        s.bytes as f64 / 1e6,
        s.bytes as f64 / 1e6 / seconds,
        s.skipped_binary,
        s.skipped_too_large,
        report.errors.len()
    );
    let mut by_detector: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_detector.entry(f.detector_id.as_str()).or_default() += 1;
    }
    println!("findings: {} {by_detector:?}", report.findings.len());
    if list {
        for f in &report.findings {
            println!(
                "finding: {}:{}:{} {} {}",
                f.path, f.line, f.column, f.detector_id, f.redacted
            );
        }
    }

    let (mut planted, mut found, mut false_positives) = (0usize, 0usize, 0usize);
    if let Some(manifest) = manifest {
        let text = std::fs::read_to_string(&manifest).expect("read manifest");
        // Findings' paths start with the scanned root; the manifest's are relative to it.
        let root = paths[0].to_string_lossy().trim_end_matches('/').to_string() + "/";
        let reported: HashSet<(String, u32, String, String)> = report
            .findings
            .iter()
            .map(|f| {
                (
                    f.path.strip_prefix(&root).unwrap_or(&f.path).to_string(),
                    f.line,
                    f.detector_id.clone(),
                    f.fingerprint.clone(),
                )
            })
            .collect();
        let mut expected = HashSet::new();
        for line in text.lines() {
            let parts: Vec<&str> = line.split('\t').collect();
            let [path, line, detector, fp] = parts[..] else {
                continue;
            };
            // A sample of the corpus holds only some of its files.
            if !paths[0].join(path).exists() {
                continue;
            }
            let key = (
                path.to_string(),
                line.parse().unwrap_or(0),
                detector.to_string(),
                fp.to_string(),
            );
            planted += 1;
            if reported.contains(&key) {
                found += 1;
            } else if found + 10 > planted {
                println!("missed: {path}:{line} {detector}");
            }
            expected.insert(key);
        }
        for f in &report.findings {
            let key = (
                f.path.strip_prefix(&root).unwrap_or(&f.path).to_string(),
                f.line,
                f.detector_id.clone(),
                f.fingerprint.clone(),
            );
            if !expected.contains(&key) {
                false_positives += 1;
                if false_positives <= 10 {
                    println!(
                        "false positive: {}:{} {} {}",
                        f.path, f.line, f.detector_id, f.redacted
                    );
                }
            }
        }
        println!(
            "recall: {found}/{planted} planted secrets found; {false_positives} other findings"
        );
    }
    println!(
        "RESULT files={} bytes={} seconds={seconds:.4} findings={} planted={planted} found={found} false_positives={false_positives}",
        s.files,
        s.bytes,
        report.findings.len()
    );
}
