//! Working-tree scans: what is walked and what is not (issue 5: "respecting .gitignore,
//! skipping binaries"; `.rampartignore` and `--ignore-file`; the size limit).

mod fixtures;

use std::path::{Path, PathBuf};

use fixtures::*;
use rampart_codescan::{scan_tree, Error, Report, ScanOptions};
use rampart_secrets::Engine;

fn write(root: &Path, path: &str, content: &[u8]) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn scan(roots: &[PathBuf], opts: &ScanOptions) -> Report {
    scan_tree(Engine::builtin(), roots, opts).expect("scan")
}

/// Paths of the findings, relative to `root`, sorted.
fn found_paths(report: &Report, root: &Path) -> Vec<String> {
    let root = root.to_string_lossy();
    let mut paths: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(root.as_ref())
                .unwrap_or(&f.path)
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    paths.sort();
    paths
}

// Issue 5: .gitignore and .rampartignore are honoured (nested ones too), hidden files
// such as .env are scanned, the .git directory is not, binaries and files over the size
// limit are skipped and counted.
#[test]
fn walk_honours_ignore_files_and_skips_binaries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let key_line = format!("aws_access_key_id = {AWS_KEY_ID}\n");
    assert_detected(&key_line, AWS_KEY_ID);
    let key = key_line.as_bytes();
    write(root, ".gitignore", b"build/\n*.log\n");
    write(root, ".rampartignore", b"fixtures/**\n");
    write(root, "sub/.rampartignore", b"local.cfg\n");
    write(root, "src/app.py", key);
    write(root, ".env", key);
    write(root, "build/out.txt", key);
    write(root, "debug.log", key);
    write(root, "fixtures/keys.txt", key);
    write(root, "sub/local.cfg", key);
    write(root, "sub/other.cfg", key);
    write(root, ".git/config", key);
    let mut binary = b"\x7fELF\x02\x01\x01\x00\x00".to_vec();
    binary.extend_from_slice(key);
    write(root, "bin/tool", &binary);
    let mut big = vec![b'#'; 5000];
    big.push(b'\n');
    big.extend_from_slice(key);
    write(root, "big.txt", &big);

    let opts = ScanOptions {
        max_file_size: 4096,
        ..ScanOptions::default()
    };
    let report = scan(&[root.to_path_buf()], &opts);
    assert_eq!(
        found_paths(&report, root),
        vec![".env", "src/app.py", "sub/other.cfg"]
    );
    assert_eq!(report.scanned.skipped_binary, 1);
    assert_eq!(report.scanned.skipped_too_large, 1);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // .gitignore, 2 × .rampartignore, app.py, .env, other.cfg
    assert_eq!(report.scanned.files, 6);

    // Without .gitignore (the benchmark's `--no-ignore`), its files come back;
    // .rampartignore still applies.
    let all = scan(
        &[root.to_path_buf()],
        &ScanOptions {
            respect_gitignore: false,
            ..opts.clone()
        },
    );
    assert_eq!(
        found_paths(&all, root),
        vec![
            ".env",
            "build/out.txt",
            "debug.log",
            "src/app.py",
            "sub/other.cfg"
        ]
    );
}

// Issue 5 (`--ignore-file`): an extra ignore file of glob patterns excludes paths; one
// that does not exist is refused, naming it.
#[test]
fn extra_ignore_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    let line = format!("GITHUB_TOKEN={GITHUB_TOKEN}\n");
    assert_detected(&line, GITHUB_TOKEN);
    write(&root, "a/keep.sh", line.as_bytes());
    write(&root, "a/test_data.sh", line.as_bytes());
    write(&root, "docs/guide.md", line.as_bytes());
    let ignore = dir.path().join("extra-ignore");
    std::fs::write(&ignore, "test_*\n/docs/\n").unwrap();
    let opts = ScanOptions {
        ignore_files: vec![ignore],
        ..ScanOptions::default()
    };
    let report = scan(std::slice::from_ref(&root), &opts);
    assert_eq!(found_paths(&report, &root), vec!["a/keep.sh"]);

    let missing = dir.path().join("no-such-ignore");
    let err = scan_tree(
        Engine::builtin(),
        &[root],
        &ScanOptions {
            ignore_files: vec![missing.clone()],
            ..ScanOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::IgnoreFile { .. }), "{err}");
    assert!(err.to_string().contains(&*missing.to_string_lossy()));
}

// Issue 5: a missing path is an error naming it, not an empty report.
#[test]
fn missing_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = scan_tree(
        Engine::builtin(),
        std::slice::from_ref(&missing),
        &ScanOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::PathNotFound { .. }));
    assert!(err.to_string().contains("nope"), "{err}");
}

// Issue 5: files named directly are scanned; several roots in one walk; findings carry
// line and column; many files on several threads give the same result as one thread.
#[test]
fn files_as_roots_and_parallel_equals_serial() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..200 {
        let mut text = "fn main() {}\n".repeat(i);
        if i % 7 == 0 {
            text.push_str(&format!("    let key = \"{STRIPE_KEY}\";\n"));
        }
        write(root, &format!("d{}/f{i}.rs", i % 5), text.as_bytes());
    }
    assert_detected(&format!("let key = \"{STRIPE_KEY}\";"), STRIPE_KEY);
    let parallel = scan(
        &[
            root.join("d0"),
            root.join("d1"),
            root.join("d2"),
            root.join("d3"),
            root.join("d4"),
        ],
        &ScanOptions {
            threads: 4,
            ..ScanOptions::default()
        },
    );
    let serial = scan(
        &[root.to_path_buf()],
        &ScanOptions {
            threads: 1,
            ..ScanOptions::default()
        },
    );
    assert_eq!(parallel.findings.len(), 29);
    assert_eq!(parallel.findings, serial.findings);
    assert_eq!(parallel.scanned, serial.scanned);
    let f14 = parallel
        .findings
        .iter()
        .find(|f| f.path.ends_with("d4/f14.rs"))
        .unwrap();
    assert_eq!((f14.line, f14.column), (15, 16));

    let one = root.join("d0/f0.rs");
    let single = scan(&[one], &ScanOptions::default());
    assert_eq!(single.findings.len(), 1);
    assert_eq!(single.scanned.files, 1);
}

// Issue 10: the AWS key ids a tree scan finds are kept in clear, once each, in memory only,
// for `--live-keys` to ask the account about each; other secrets are not.
#[test]
fn aws_key_ids_are_kept_in_memory_for_the_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "a.env",
        format!("AWS_ACCESS_KEY_ID={AWS_KEY_ID}\n").as_bytes(),
    );
    write(
        root,
        "sub/b.py",
        format!("key = '{AWS_KEY_ID}'\ntoken = '{GITHUB_TOKEN}'\n").as_bytes(),
    );
    let report = scan(&[root.to_path_buf()], &ScanOptions::default());
    assert_eq!(report.findings.len(), 3, "{:#?}", report.findings);
    assert_eq!(report.aws_key_ids.ids().collect::<Vec<_>>(), [AWS_KEY_ID]);
    assert!(!format!("{report:?}").contains(AWS_KEY_ID));
}
