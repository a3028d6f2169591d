//! The command line on bad input and on the built-in example snapshot, with no AWS at all
//! (DEVELOPERS.md "Bad input"; issue 2 exit codes).

mod common;

use common::*;
use std::path::PathBuf;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-snapshot.json")
}

// README's first command: the example snapshot evaluates offline.
#[test]
fn example_snapshot_scans_offline() {
    let ex = example();
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("FAIL"), "{}", run.stdout);
    assert!(run.stdout.contains("fix:"), "{}", run.stdout);
    // The same snapshot fails a CI gate on its high findings.
    let gate = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--fail-on",
            "high",
        ],
        &[],
    );
    assert_eq!(gate.code, 1);
}

// Issue 2: JSON and OCSF from the same snapshot, each parseable, each finding complete.
#[test]
fn json_and_ocsf_formats() {
    let ex = example();
    let ex = ex.to_str().unwrap();
    let json = rampart(
        &[
            "scan",
            "--snapshot",
            ex,
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    )
    .json();
    let f = findings(&json);
    assert!(f.len() > 50);
    for x in f {
        for key in [
            "id",
            "check_id",
            "status",
            "severity",
            "account_id",
            "region",
            "resource",
            "reason",
        ] {
            assert!(x[key].is_string(), "{key} missing in {x}");
        }
    }
    let ocsf = rampart(
        &[
            "scan",
            "--snapshot",
            ex,
            "--format",
            "ocsf",
            "--fail-on",
            "none",
        ],
        &[],
    )
    .json();
    let events = ocsf.as_array().unwrap();
    assert_eq!(events.len(), f.len());
    assert!(events
        .iter()
        .all(|e| e["class_uid"] == 2004 && e["metadata"]["event_code"].is_string()));
}

// DEVELOPERS.md: a malformed snapshot is named with the place, exit 2, nothing written.
#[test]
fn malformed_snapshot_exit_2_and_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    write(&bad, "{\n  \"schema_version\": 1,\n  \"account\": [\n");
    let out = dir.path().join("report.json");
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            bad.to_str().unwrap(),
            "--output-file",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.json:"), "{}", run.stderr);
    assert!(run.stderr.contains("malformed snapshot"), "{}", run.stderr);
    assert!(!out.exists());
    assert!(
        std::fs::read_dir(dir.path()).unwrap().count() == 1,
        "no stray temp files"
    );

    // A well-formed file with a wrong field names the key path.
    let mut snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    snap["account"]["id"] = serde_json::json!(42);
    write(&bad, &serde_json::to_string_pretty(&snap).unwrap());
    let run = rampart(&["scan", "--snapshot", bad.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("account.id"), "{}", run.stderr);
}

// Issue 2: a newer snapshot is refused with a clear message.
#[test]
fn newer_snapshot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    snap["schema_version"] = serde_json::json!(999);
    let p = dir.path().join("future.json");
    write(&p, &snap.to_string());
    let run = rampart(&["scan", "--snapshot", p.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("newer"), "{}", run.stderr);
}

#[test]
fn missing_snapshot_and_bad_usage_exit_2() {
    let run = rampart(&["scan", "--snapshot", "/nonexistent/snap.json"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/nonexistent/snap.json"),
        "{}",
        run.stderr
    );

    let ex = example();
    let ex = ex.to_str().unwrap();
    for args in [
        vec!["scan", "--snapshot", ex, "--checks", "no_such_check"],
        vec!["scan", "--snapshot", ex, "--services", "nosuch"],
        vec!["scan", "--snapshot", ex, "--severity", "urgent"],
        vec!["scan", "--snapshot", ex, "--fail-on", "sometimes"],
        vec!["scan", "--snapshot", ex, "--format", "xml"],
        vec!["explain", "no_such_check"],
    ] {
        let run = rampart(&args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty());
    }
}

// Issue 2 options: --checks, --services and --severity narrow the findings.
#[test]
fn selection_narrows_findings() {
    let ex = example();
    let ex = ex.to_str().unwrap();
    let one = rampart(
        &[
            "scan",
            "--snapshot",
            ex,
            "--checks",
            "iam_root_mfa",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    )
    .json();
    assert!(findings(&one)
        .iter()
        .all(|f| f["check_id"] == "iam_root_mfa"));
    assert_eq!(findings(&one).len(), 1);
    let high = rampart(
        &[
            "scan",
            "--snapshot",
            ex,
            "--severity",
            "critical",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    )
    .json();
    assert!(!findings(&high).is_empty());
    // Severity selects checks by their catalogue severity (a finding may carry a lower one,
    // with its reason saying why).
    let critical = rampart(
        &["checks", "--severity", "critical", "--format", "json"],
        &[],
    )
    .json();
    let ids: Vec<&str> = critical
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(findings(&high)
        .iter()
        .all(|f| ids.contains(&f["check_id"].as_str().unwrap())));
}

// The catalogue: every check listed and explained.
#[test]
fn checks_and_explain() {
    // Issue 3: at least 80 checks, filtered by service, severity and framework; the
    // Markdown catalogue is docs/checks.md.
    let run = rampart(&["checks"], &[]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.lines().count() >= 80, "{}", run.stdout);
    let run = rampart(
        &["checks", "--services", "s3", "--severity", "critical"],
        &[],
    );
    assert!(run.stdout.lines().count() >= 1);
    assert!(run
        .stdout
        .lines()
        .all(|l| l.starts_with("s3_") && l.contains("critical")));
    let all = rampart(&["checks", "--format", "json"], &[]).json();
    let cis = rampart(
        &["checks", "--compliance", "cis-7.0", "--format", "json"],
        &[],
    )
    .json();
    let (all, cis) = (all.as_array().unwrap(), cis.as_array().unwrap());
    assert!(cis.len() < all.len());
    assert!(cis.iter().all(|c| !c["cis"].as_array().unwrap().is_empty()));
    let run = rampart(&["checks", "--compliance", "pci"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let md = rampart(&["checks", "--format", "markdown"], &[]);
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md"),
    )
    .unwrap();
    assert_eq!(md.stdout, page);
    let run = rampart(&["checks", "--cis", "2.10"], &[]);
    assert!(run.stdout.contains("iam_user_console_mfa"));
    let run = rampart(&["explain", "iam_root_access_keys"], &[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("aws iam delete-access-key"),
        "{}",
        run.stdout
    );
}

/// The example snapshot with the IAM user `bob` renamed to a name holding a title change,
/// a clear-screen and a conceal sequence.
fn hostile_snapshot(dir: &std::path::Path) -> PathBuf {
    let text = std::fs::read_to_string(example()).unwrap();
    assert!(text.contains("\"bob\""));
    let text = text.replace("bob", r"bob\u001b]0;pwned\u0007\u001b[2J\u001b[8m");
    let p = dir.join("hostile.json");
    write(&p, &text);
    p
}

// Issue 9, defect 1: escape sequences in AWS data are shown escaped, never sent to the
// terminal, in the text and Markdown reports.
#[test]
fn escape_sequences_from_the_account_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let snap = hostile_snapshot(dir.path());
    for format in ["text", "markdown"] {
        let run = rampart(
            &[
                "scan",
                "--snapshot",
                snap.to_str().unwrap(),
                "--format",
                format,
                "--verbose",
                "--fail-on",
                "none",
            ],
            &[],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stdout.contains('\u{1b}'), "{format}: {}", run.stdout);
        assert!(!run.stdout.contains('\u{7}'), "{format}: {}", run.stdout);
        // The Markdown summary lists the top failures only; the text report lists all.
        if format == "text" {
            assert!(
                run.stdout.contains(r"bob\x1b]0;pwned\x07\x1b[2J\x1b[8m"),
                "{}",
                run.stdout
            );
        }
    }
}

// Issue 9, defect 4: /dev/null as the output file stays the null device (renaming over
// it replaced it when run as root), and a FIFO is written into, not replaced.
#[cfg(unix)]
#[test]
fn output_file_that_is_a_device_or_fifo_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let ex = example();
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--format",
            "json",
            "--output-file",
            "/dev/null",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(m.file_type().is_char_device(), "{m:?}");

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--format",
            "csv",
            "--output-file",
            fifo.to_str().unwrap(),
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = reader.join().unwrap();
    assert!(csv.starts_with("id,status,"), "{csv}");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());

    // A symlink stays a symlink; its target gets the report.
    let target = dir.path().join("target.json");
    write(&target, "old");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--format",
            "json",
            "--output-file",
            link.to_str().unwrap(),
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert!(report["findings"].is_array());
}

// Issue 9, defect 4: `--output-file /dev/stdout` writes to standard output, also when
// it is a file the shell appends to (`>> log`): what was there stays.
#[cfg(target_os = "linux")]
#[test]
fn output_file_dev_stdout_appends_to_a_redirected_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    write(&log, "earlier line\n");
    let stdout = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let ex = example();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .env("RAMPART_NO_STORE", "1")
        .args([
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--format",
            "csv",
            "--output-file",
            "/dev/stdout",
            "--fail-on",
            "none",
        ])
        .stdout(stdout)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("earlier line\nid,status,"), "{text}");
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "no temporary file left");
}

// Issue 9, defect 7: when one format of several cannot be written, none of the others
// is left behind.
#[test]
fn a_failed_format_leaves_no_other_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("rampart-report.csv")).unwrap();
    let ex = example();
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--format",
            "json,csv,markdown",
            "--output-dir",
            out.to_str().unwrap(),
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("rampart-report.csv: cannot write the report"),
        "{}",
        run.stderr
    );
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        ["rampart-report.csv"],
        "only the directory in the way"
    );
}

// Issue 9, defect 10: every report file ends with one newline, not two (the second gave
// CSV an empty last record).
#[test]
fn report_files_end_with_one_newline() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--format",
            "text,json,ocsf,html,asff,sarif,csv,junit,markdown",
            "--output-dir",
            dir.path().to_str().unwrap(),
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with('\n') && !text.ends_with("\n\n"),
            "{}",
            path.display()
        );
        files += 1;
    }
    assert_eq!(files, 9);
    let csv = std::fs::read_to_string(dir.path().join("rampart-report.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        assert!(record.iter().any(|c| !c.is_empty()), "empty record");
    }
    // The snapshot written by --save-snapshot too.
    let saved = dir.path().join("saved.json");
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--save-snapshot",
            saved.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
}

// Issue 9, defect 10: a snapshot of version 0 is refused with the file and the place,
// exit 2.
#[test]
fn snapshot_version_zero_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example()).unwrap();
    let mut snap: serde_json::Value = serde_json::from_str(&text).unwrap();
    snap["schema_version"] = serde_json::json!(0);
    let p = dir.path().join("zero.json");
    write(&p, &serde_json::to_string_pretty(&snap).unwrap());
    let run = rampart(&["scan", "--snapshot", p.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("zero.json:"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`schema_version`: 0 is not a snapshot version"),
        "{}",
        run.stderr
    );
}

// Issue 9, defect 1: an error that quotes what it read (here a mutelist pattern) shows
// its control characters escaped on standard error.
#[test]
fn errors_quoting_data_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let mutelist = dir.path().join("mutelist.yaml");
    write(
        &mutelist,
        "version: 1\nrules:\n  - reason: r\n    checks: [\"x\\e]0;pwned\\a\\e[2J\"]\n",
    );
    let ex = example();
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--mutelist",
            mutelist.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("mutelist.yaml:4:"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(
        run.stderr.contains(r"x\x1b]0;pwned\x07\x1b[2J"),
        "{}",
        run.stderr
    );
}

// Issue 10, bad input: an accounts file is read and validated before anything is asked of
// AWS (here there are no credentials at all), and nothing is left behind: no report, no
// snapshot folder.
#[test]
fn accounts_file_errors_come_before_credentials_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let run = rampart(
        &[
            "scan",
            "--accounts-file",
            dir.path().join("missing.yaml").to_str().unwrap(),
            "--output-file",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("missing.yaml: cannot read accounts file"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());

    let bad = dir.path().join("accounts.yaml");
    write(&bad, "accounts:\n  - id: 12\n");
    let snapshots = dir.path().join("snapshots");
    let run = rampart(
        &[
            "collect",
            "--accounts-file",
            bad.to_str().unwrap(),
            "--out",
            snapshots.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("accounts.yaml:2:9: accounts[0].id: account id 12 is not 12 digits"),
        "{}",
        run.stderr
    );
    assert!(!snapshots.exists(), "no snapshot folder for bad input");
}

/// Environment that keeps scans in the store given with `--store`.
fn keep_scans() -> Vec<(String, String)> {
    vec![("RAMPART_NO_STORE".into(), "0".into())]
}

/// The example snapshot, collected `days` after its own date, with SSH open to the world on
/// one security group when `open` (its id returned).
fn example_on(dir: &std::path::Path, days: i64, open: bool) -> (PathBuf, String) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(v["collected_at"].as_str().unwrap()).unwrap()
        + chrono::Duration::days(days);
    v["collected_at"] = at.to_rfc3339().into();
    let groups = v["regional"]["us-east-1"]["ec2"]["security_groups"]["ok"]
        .as_array_mut()
        .unwrap();
    // A group that admits nothing from the world yet.
    let g = groups
        .iter_mut()
        .find(|g| g["name"] != "default" && !g["ingress"].to_string().contains("0.0.0.0/0"))
        .unwrap();
    let id = g["id"].as_str().unwrap().to_owned();
    if open {
        g["ingress"].as_array_mut().unwrap().push(serde_json::json!({
            "protocol": "tcp", "from_port": 22, "to_port": 22,
            "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": [], "source_groups": [], "prefix_lists": []
        }));
    }
    let path = dir.join(format!("day{days}.json"));
    std::fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
    (path, id)
}

// Issue 11: every scan is kept; history lists them with their counts, diff says what changed
// (a field-level line a person reads at a glance) in text, JSON, Markdown and HTML, and show
// gives a resource as it was.
#[test]
fn store_history_diff_show() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.db");
    let store_s = store.to_str().unwrap();
    // Ten and nine days ago, so that retention below has something to remove.
    let (day0, sg) = example_on(dir.path(), -10, false);
    let (day1, _) = example_on(dir.path(), -9, true);
    for snap in [&day0, &day1] {
        scan_into(snap.to_str().unwrap(), store_s);
    }
    // The same snapshot again is not stored twice.
    let again = scan_into(day1.to_str().unwrap(), store_s);
    assert!(again.stderr.contains("already holds"), "{}", again.stderr);
    let history = rampart(&["history", "--store", store_s, "--format", "json"], &[]);
    assert_eq!(history.code, 0, "{}", history.stderr);
    let h = history.json();
    assert_eq!(h["scans"].as_array().unwrap().len(), 2, "{h:#}");
    let text = rampart(&["history", "--store", store_s], &[]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("SCANS OF ACCOUNT"), "{}", text.stdout);
    assert_eq!(
        text.stdout.matches("  scan  ").count(),
        2,
        "{}",
        text.stdout
    );

    let diff = rampart(&["diff", "--store", store_s], &[]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert!(diff.stdout.contains(&sg), "{}", diff.stdout);
    assert!(
        diff.stdout.contains("tcp/22") && diff.stdout.contains("0.0.0.0/0"),
        "{}",
        diff.stdout
    );
    let json = rampart(&["diff", "--store", store_s, "--format", "json"], &[]).json();
    let new: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["lifecycle"] == "new")
        .collect();
    assert!(
        new.iter()
            .any(|f| f["resource"].as_str().unwrap().contains(&sg)),
        "{json:#}"
    );
    for (format, marker) in [("markdown", "|"), ("html", "<html")] {
        let out = dir.path().join(format!("diff.{format}"));
        let run = rampart(
            &[
                "diff",
                "--store",
                store_s,
                "--format",
                format,
                "--output-file",
                out.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(marker) && text.contains(&sg), "{text}");
    }
    let show = rampart(&["show", &sg, "--store", store_s, "--format", "json"], &[]).json();
    assert_eq!(show["revisions"].as_array().unwrap().len(), 2, "{show:#}");
    // As it was before SSH was opened.
    let first_day =
        chrono::DateTime::parse_from_rfc3339(show["revisions"][0]["first_seen"].as_str().unwrap())
            .unwrap();
    let at = (first_day + chrono::Duration::hours(1)).to_rfc3339();
    let then = rampart(&["show", &sg, "--store", store_s, "--at", &at], &[]);
    assert_eq!(then.code, 0, "{}", then.stderr);
    let then = rampart(
        &[
            "show", &sg, "--store", store_s, "--at", &at, "--format", "json",
        ],
        &[],
    )
    .json();
    assert_eq!(then["at"], 0, "{then:#}");
    let ingress = then["revisions"][0]["body"]["ingress"].to_string();
    assert!(!ingress.contains("0.0.0.0/0"), "{ingress}");
    assert!(then["revisions"][1]["body"]["ingress"]
        .to_string()
        .contains("0.0.0.0/0"));
    // Retention: everything older than a day goes, the latest scan stays.
    let prune = rampart(&["prune", "--store", store_s, "--keep", "1d"], &[]);
    assert_eq!(prune.code, 0, "{}", prune.stderr);
    let h = rampart(&["history", "--store", store_s, "--format", "json"], &[]).json();
    assert_eq!(h["scans"].as_array().unwrap().len(), 1, "{h:#}");
}

// Issue 11, bad input: a corrupt SQLite file, a store from a newer rampart and an
// unreachable PostgreSQL URL each get one clear line and exit 2; the user's data is never
// touched.
#[test]
fn store_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let corrupt = dir.path().join("notes.db");
    std::fs::write(&corrupt, "my notes, not a database\n".repeat(100)).unwrap();
    let before = std::fs::read(&corrupt).unwrap();
    for args in [
        vec![
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--store",
            corrupt.to_str().unwrap(),
        ],
        vec!["history", "--store", corrupt.to_str().unwrap()],
    ] {
        let run = rampart(&args, &keep_scans());
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains("not a rampart store"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "nothing written: {}", run.stdout);
    }
    assert_eq!(std::fs::read(&corrupt).unwrap(), before);

    let newer = dir.path().join("newer.db");
    let ok = rampart(
        &[
            "scan",
            "--snapshot",
            ex.to_str().unwrap(),
            "--store",
            newer.to_str().unwrap(),
            "--fail-on",
            "none",
        ],
        &keep_scans(),
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
             VALUES (999, 'future', '2030-01-01T00:00:00Z', '0')",
        )
        .unwrap();
    let run = rampart(&["history", "--store", newer.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("newer rampart"), "{}", run.stderr);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://rampart:hunter2@127.0.0.1:{port}/rampart");
    let run = rampart(
        &["scan", "--snapshot", ex.to_str().unwrap(), "--store", &url],
        &keep_scans(),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot connect to PostgreSQL"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "no report before the store is known good: {}",
        run.stdout
    );

    let missing = dir.path().join("none.db");
    let run = rampart(&["diff", "--store", missing.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!missing.exists());
}

/// `rampart scan --snapshot SNAP --store STORE --format json`, kept; it must succeed.
fn scan_into(snap: &str, store: &str) -> Run {
    let run = rampart(
        &[
            "scan",
            "--snapshot",
            snap,
            "--store",
            store,
            "--fail-on",
            "none",
            "--format",
            "json",
        ],
        &keep_scans(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// Both back ends: a SQLite file in `dir`, and a database on the shared PostgreSQL server.
fn stores(dir: &std::path::Path, name: &str) -> Vec<String> {
    vec![
        dir.join(format!("{name}.db"))
            .to_string_lossy()
            .into_owned(),
        rampart_testdb::shared().create_database(name),
    ]
}

// Issue 11, concurrency: two scans write to the same store at once, on both back ends.
#[test]
fn store_two_processes_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = example_on(dir.path(), 0, false);
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    v["account"]["id"] = "222233334444".into();
    let b = dir.path().join("other-account.json");
    std::fs::write(&b, v.to_string()).unwrap();
    for store in stores(dir.path(), "two_processes") {
        let spawn = |snap: &PathBuf| {
            std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
                .args([
                    "scan",
                    "--snapshot",
                    snap.to_str().unwrap(),
                    "--store",
                    &store,
                    "--fail-on",
                    "none",
                    "--format",
                    "json",
                ])
                .env("RAMPART_NO_STORE", "0")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let children = [spawn(&a), spawn(&b)];
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let h = rampart(&["history", "--store", &store, "--format", "json"], &[]).json();
        let scans = h["scans"].as_array().unwrap();
        assert_eq!(scans.len(), 2, "{h:#}");
        assert!(scans.iter().all(|s| s["state"] == "complete"), "{h:#}");
    }
}

// Issue 11, crash safety: `kill -9` while a large scan is being stored. The store opens
// afterwards, the interrupted scan is marked incomplete with none of its rows, and every
// earlier scan is intact. On both back ends.
#[test]
fn store_survives_kill_while_storing() {
    use rampart_store::{ScanState, Store, StoreLocation};
    let dir = tempfile::tempdir().unwrap();
    let (small, _) = example_on(dir.path(), -400, false);
    let mut big = rampart_inventory::synthetic::account(60_000);
    big.account.id =
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&small).unwrap())
            .unwrap()["account"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let big_path = dir.path().join("big.json");
    rampart_inventory::save_snapshot(&big, &big_path).unwrap();
    for store in stores(dir.path(), "kill_while_storing") {
        scan_into(small.to_str().unwrap(), &store);
        let loc = StoreLocation::parse(&store);
        let before = Store::open(&loc).unwrap().stats().unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args([
                "scan",
                "--snapshot",
                big_path.to_str().unwrap(),
                "--store",
                &store,
                "--fail-on",
                "none",
                "--format",
                "json",
            ])
            .env("RAMPART_NO_STORE", "0")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the scan's mark, then a little more: the rows are being written.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
        loop {
            assert!(
                std::time::Instant::now() < deadline,
                "the scan never started storing"
            );
            assert!(
                child.try_wait().unwrap().is_none(),
                "the scan finished before it could be killed"
            );
            let scans = Store::open(&loc).unwrap().scans(None, None).unwrap();
            if scans.iter().any(|s| s.state == ScanState::Incomplete) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the scan finished before it could be killed"
        );
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let mut s = Store::open(&loc).unwrap();
        let scans = s.scans(None, None).unwrap();
        assert_eq!(scans.len(), 2, "{scans:?}");
        assert_eq!(scans[0].state, ScanState::Complete);
        assert_eq!(scans[1].state, ScanState::Incomplete);
        // None of the interrupted scan's rows, all of the earlier one's.
        let after = s.stats().unwrap();
        assert_eq!(
            (after.revisions, after.finding_states),
            (before.revisions, before.finding_states)
        );
        let h = rampart(&["history", "--store", &store], &[]);
        assert_eq!(h.code, 0, "{}", h.stderr);
        assert!(
            h.stdout.to_lowercase().contains("incomplete"),
            "{}",
            h.stdout
        );
        // The store takes the next scan.
        let (next, _) = example_on(dir.path(), -399, true);
        scan_into(next.to_str().unwrap(), &store);
        let d = rampart(&["diff", "--store", &store, "--format", "json"], &[]).json();
        assert!(
            d["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["lifecycle"] == "new"),
            "{d:#}"
        );
        if let StoreLocation::Sqlite(p) = &loc {
            let ok: String = rusqlite::Connection::open(p)
                .unwrap()
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(ok, "ok");
        }
    }
}

/// A child process killed when dropped: a failing test leaves no process behind.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The outbox's messages, newest first.
fn outbox(store: &std::path::Path) -> Vec<rampart_store::OutboxMessage> {
    rampart_store::Store::open(&rampart_store::StoreLocation::Sqlite(store.to_path_buf()))
        .unwrap()
        .outbox_list(100)
        .unwrap()
}

// Issue 11, outbox: while the webhook receiver is down, watch is killed (-9) and started
// again; when the receiver returns the message arrives, and every repeat carries the same
// delivery id. A 500 is retried; a 4xx is recorded as failed, with the reason.
#[test]
fn watch_outbox_survives_kill_and_outage() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.db");
    let store_s = store.to_str().unwrap().to_owned();
    let mut receiver = rampart_testkit::webhook::WebhookReceiver::start();
    let url = receiver.url("/hook");
    receiver.stop();
    write(
        &dir.path().join("rampart.toml"),
        &format!(
            "[watch]\nmin_severity = \"low\"\n\n[[watch.targets]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{url}\"\n"
        ),
    );
    let (day0, _) = example_on(dir.path(), 0, false);
    let watch_once = |snap: &PathBuf| {
        rampart_in(
            dir.path(),
            &[
                "watch",
                "--once",
                "--snapshot",
                snap.to_str().unwrap(),
                "--store",
                &store_s,
                "--retry-after",
                "1s",
            ],
            &keep_scans(),
        )
    };
    // First cycle: the scan is kept, its message queued, the receiver is down.
    let run = watch_once(&day0);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let queued = outbox(&store);
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].status, rampart_store::DeliveryStatus::Pending);
    assert_eq!(queued[0].attempts, 1);
    let delivery_id = queued[0].delivery_id.clone();

    // A scheduled watch tries again when the retry is due, still down, and is killed -9.
    while chrono::Utc::now() < queued[0].next_attempt_at {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Killed when the test ends, however it ends.
    let mut child = KillOnDrop(
        std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args([
                "watch",
                "--every",
                "10m",
                "--snapshot",
                day0.to_str().unwrap(),
                "--store",
                &store_s,
                "--retry-after",
                "1s",
            ])
            .current_dir(dir.path())
            .env("RAMPART_NO_STORE", "0")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while outbox(&store)[0].attempts < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "watch never tried again"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    assert!(receiver.requests().is_empty());

    // The receiver is back; a new watch delivers what the killed one left.
    receiver.restart();
    let due = outbox(&store)[0].next_attempt_at;
    while chrono::Utc::now() < due {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let run = watch_once(&day0);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = receiver.requests();
    assert!(!got.is_empty());
    for r in &got {
        assert_eq!(
            r.header("x-rampart-delivery-id"),
            Some(delivery_id.as_str()),
            "{r:?}"
        );
        assert!(r.body.contains(&delivery_id));
    }
    assert_eq!(
        outbox(&store)[0].status,
        rampart_store::DeliveryStatus::Delivered
    );

    // A 500 is retried, then delivered.
    receiver.answer_with(&[500]);
    let (day1, sg) = example_on(dir.path(), 1, true);
    let run = watch_once(&day1);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m = &outbox(&store)[0];
    assert_eq!(
        (m.status, m.attempts),
        (rampart_store::DeliveryStatus::Pending, 1),
        "{m:?}"
    );
    assert!(
        m.last_error.as_deref().unwrap_or("").contains("500"),
        "{m:?}"
    );
    assert!(m.payload.contains(&sg), "{}", m.payload);
    while chrono::Utc::now() < m.next_attempt_at {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let run = watch_once(&day1);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        outbox(&store)[0].status,
        rampart_store::DeliveryStatus::Delivered
    );
    let day1_id = outbox(&store)[0].delivery_id.clone();
    let statuses: Vec<u16> = receiver
        .requests()
        .iter()
        .filter(|r| r.header("x-rampart-delivery-id") == Some(day1_id.as_str()))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        [500, 200],
        "the 500 and the retry, with one delivery id"
    );

    // A 4xx is failed, with the reason, and not tried again.
    receiver.answer_once(404, "no such hook");
    let (day2, _) = example_on(dir.path(), 2, true);
    // And RDP too: a new failure worth a message.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&day2).unwrap()).unwrap();
    for g in v["regional"]["us-east-1"]["ec2"]["security_groups"]["ok"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .filter(|g| g["id"] == sg.as_str())
    {
        g["ingress"].as_array_mut().unwrap().push(serde_json::json!({
            "protocol": "tcp", "from_port": 3389, "to_port": 3389,
            "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": [], "source_groups": [], "prefix_lists": []
        }));
    }
    std::fs::write(&day2, v.to_string()).unwrap();
    let run = watch_once(&day2);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m = &outbox(&store)[0];
    assert_eq!(m.status, rampart_store::DeliveryStatus::Failed, "{m:?}");
    assert!(m.last_error.as_deref().unwrap().contains("404"), "{m:?}");
    assert!(
        m.last_error.as_deref().unwrap().contains("no such hook"),
        "{m:?}"
    );
}

/// The subcommands `rampart --help` lists.
fn subcommands() -> Vec<String> {
    let help = rampart(&["--help"], &[]);
    assert_eq!(help.code, 0, "{}", help.stderr);
    let names: Vec<String> = help
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A subcommand's line, not the continuation of a description.
        .filter(|l| {
            l.as_bytes()
                .get(2)
                .is_some_and(|b| !b.is_ascii_whitespace())
        })
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 12, "{}", help.stdout);
    names
}

/// Whether `program` runs here.
fn installed(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

// Issue 13 (CLI conventions): `rampart completions SHELL` for bash, zsh, fish and
// powershell names every subcommand (and the nested `install-hook`); each script is
// accepted by its shell where the shell is installed; in bash, completing `rampart se`
// offers `secrets`, and `rampart secrets --st` offers `--staged`.
#[test]
fn completions_for_each_shell() {
    let names = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = rampart(&["completions", shell], &[]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for name in names.iter().map(String::as_str).chain(["install-hook"]) {
            assert!(run.stdout.contains(name), "{shell}: no {name}");
        }
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("rampart.completion");
        write(&script, &run.stdout);
        let check: Option<(&str, Vec<&str>)> = match shell {
            "bash" => Some(("bash", vec!["-n"])),
            "zsh" => Some(("zsh", vec!["-n"])),
            "fish" => Some(("fish", vec!["--no-execute"])),
            _ => Some((
                "pwsh",
                vec![
                    "-NoProfile",
                    "-Command",
                    "$null = [ScriptBlock]::Create((Get-Content -Raw $args[0]))",
                ],
            )),
        };
        if let Some((program, args)) = check.filter(|(p, _)| installed(p)) {
            let out = std::process::Command::new(program)
                .args(&args)
                .arg(&script)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{program} refuses the {shell} script: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("rampart.bash");
    write(&script, &rampart(&["completions", "bash"], &[]).stdout);
    let complete =
        |line: &str| {
            let words: Vec<&str> = line.split(' ').collect();
            let program =
                format!(
            "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{line}'; COMP_POINT={}; \
             _rampart rampart '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display(),
            words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
            words.len() - 1,
            line.len(),
            words[words.len() - 1],
            words[words.len() - 2],
        );
            let out = std::process::Command::new("bash")
                .args(["-c", &program])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
    let offered = complete("rampart se");
    assert!(offered.lines().any(|l| l == "secrets"), "{offered}");
    let offered = complete("rampart secrets --st");
    assert!(offered.lines().any(|l| l == "--staged"), "{offered}");
}

// Issue 13 (CLI conventions): `rampart man` prints rampart(1) in roff: title, NAME,
// SYNOPSIS, and every subcommand; `man -l` renders it where man is installed; `--out-dir`
// writes one page per subcommand, the nested `secrets install-hook` included, each
// generated from the same arguments as `--help`.
#[test]
fn man_page_renders_with_every_subcommand() {
    let run = rampart(&["man"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = &run.stdout;
    assert!(page.contains(".TH rampart 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section}: {page}");
    }
    let names = subcommands();
    for name in &names {
        let roff_name = format!("rampart\\-{}(1)", name.replace('-', "\\-"));
        assert!(page.contains(&roff_name), "{roff_name}: {page}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rampart.1");
    write(&file, page);
    if installed("man") {
        let out = std::process::Command::new("man")
            .arg("-l")
            .arg(&file)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(shown.contains("SYNOPSIS"), "{shown}");
        assert!(shown.contains("rampart-secrets(1)"), "{shown}");
        assert!(!shown.contains(".TH"), "{shown}");
    }

    let out = dir.path().join("man1");
    let run = rampart(&["man", "--out-dir", out.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in names.iter().map(|n| format!("rampart-{n}.1")).chain([
        "rampart.1".to_string(),
        "rampart-secrets-install-hook.1".to_string(),
    ]) {
        let text =
            std::fs::read_to_string(out.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.starts_with(".ie") || text.contains("\n.TH "), "{name}");
    }
    let secrets = std::fs::read_to_string(out.join("rampart-secrets.1")).unwrap();
    for flag in ["\\-\\-staged", "\\-\\-range", "install\\-hook"] {
        assert!(secrets.contains(flag), "{flag}: {secrets}");
    }
    let hook = std::fs::read_to_string(out.join("rampart-secrets-install-hook.1")).unwrap();
    assert!(hook.contains("\\-\\-pre\\-push"), "{hook}");
}

/// A snapshot for the IAM commands: `dev` may create keys for `ops` (an administrator)
/// and read `data` objects from one network; `ro` reads S3 and is granted DynamoDB, which
/// Access Advisor says it never used; `app`'s inline policy is refused when `broken`.
fn iam_snapshot(dir: &std::path::Path, broken: bool) -> PathBuf {
    use rampart_inventory::{
        Collected, InlinePolicy, ServiceAccess, ServiceLastAccessed, TrackedAction,
    };
    use serde_json::json;
    let mut f = rampart_policy::testing::Fixture::new();
    let inline = |name: &str, doc: serde_json::Value| InlinePolicy {
        name: name.into(),
        document: doc,
    };
    f.user("dev").inline_policies.push(inline(
        "keys",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "MakeKeys", "Effect": "Allow", "Action": "iam:CreateAccessKey",
             "Resource": "arn:aws:iam::111122223333:user/ops"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*",
             "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}),
    ));
    f.user("ops").inline_policies.push(inline(
        "all",
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    ));
    f.user("ro").inline_policies.push(inline(
        "read",
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "dynamodb:*"],
             "Resource": "*"}]}),
    ));
    f.bucket("data", None);
    let at = f.inv.collected_at;
    let used = at - chrono::Duration::days(3);
    f.inv.iam.service_last_accessed = Collected::Ok(
        [(
            "arn:aws:iam::111122223333:user/ro".to_owned(),
            Collected::Ok(ServiceLastAccessed {
                job_completion_date: Some(at),
                services: vec![
                    ServiceAccess {
                        namespace: "dynamodb".into(),
                        name: "Amazon DynamoDB".into(),
                        ..Default::default()
                    },
                    ServiceAccess {
                        namespace: "s3".into(),
                        name: "Amazon S3".into(),
                        last_authenticated: Some(used),
                        tracked_actions: vec![TrackedAction {
                            action: "GetObject".into(),
                            last_accessed: Some(used),
                        }],
                        ..Default::default()
                    },
                ],
            }),
        )]
        .into_iter()
        .collect(),
    );
    let role = f.role(
        "app",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    );
    let effect = if broken { "Maybe" } else { "Allow" };
    role.inline_policies.push(inline(
        "logs",
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"},
            {"Effect": effect, "Action": "logs:CreateLogStream", "Resource": "*"}]}),
    ));
    let path = dir.join(if broken { "broken.json" } else { "iam.json" });
    rampart_inventory::save_snapshot(&f.inv, &path).unwrap();
    path
}

// Issue 12: `rampart can` answers offline from a snapshot: allowed, denied or conditional
// (exit 0, 1, 3), with the statements that decided it (file, policy, statement index and
// Sid) and the conditions it could not decide; a condition value given with --context
// decides it.
#[test]
fn can_decides_offline_with_the_deciding_statements() {
    let dir = tempfile::tempdir().unwrap();
    let snap = iam_snapshot(dir.path(), false);
    let snap = snap.to_str().unwrap();
    let run = rampart(
        &[
            "can",
            "user/dev",
            "iam:CreateAccessKey",
            "arn:aws:iam::111122223333:user/ops",
            "--snapshot",
            snap,
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("ALLOWED: "), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "{snap}: inline policy \"keys\" Statement[0] (\"MakeKeys\")"
        )),
        "{}",
        run.stdout
    );
    let run = rampart(
        &[
            "can",
            "dev",
            "iam:CreateAccessKey",
            "arn:aws:iam::111122223333:user/ro",
            "--snapshot",
            snap,
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.starts_with("DENIED: "), "{}", run.stdout);
    let object = "arn:aws:s3:::data/report.csv";
    let run = rampart(
        &["can", "dev", "s3:GetObject", object, "--snapshot", snap],
        &[],
    );
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.stdout.starts_with("CONDITIONAL: "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("IpAddress aws:SourceIp [\"203.0.113.0/24\"]"),
        "{}",
        run.stdout
    );
    let inside = "aws:SourceIp=203.0.113.9";
    let run = rampart(
        &[
            "can",
            "dev",
            "s3:GetObject",
            object,
            "--context",
            inside,
            "--snapshot",
            snap,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let r = run.json();
    assert_eq!(r["decision"]["verdict"], "allowed");
    assert_eq!(r["decision"]["statements"][0]["index"], 1);
    assert_eq!(r["principal"], "arn:aws:iam::111122223333:user/dev");
    let outside = "aws:SourceIp=198.51.100.1";
    let run = rampart(
        &[
            "can",
            "dev",
            "s3:GetObject",
            object,
            "--context",
            outside,
            "--snapshot",
            snap,
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
}

// Issue 12: paths from a snapshot, hop by hop with the permission of each hop; rightsize
// narrows `ro` to what it used, says why DynamoDB goes, and is verified by the engine.
#[test]
fn paths_and_rightsize_from_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let snap = iam_snapshot(dir.path(), false);
    let snap = snap.to_str().unwrap();
    let run = rampart(&["paths", "--to", "admin", "--snapshot", snap], &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("user/dev"), "{}", run.stdout);
    assert!(
        run.stdout.contains("iam:CreateAccessKey on user/ops"),
        "{}",
        run.stdout
    );
    let run = rampart(&["paths", "--from", "ro", "--snapshot", snap], &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = rampart(&["paths", "--snapshot", snap, "--format", "json"], &[]);
    let r = run.json();
    let from: Vec<&str> = r["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["from"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(from, ["user/dev"]);

    let run = rampart(
        &["rightsize", "ro", "--snapshot", snap, "--format", "json"],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let r = run.json();
    assert_eq!(r["verified"], true, "{r:#}");
    assert_eq!(r["removed"][0]["namespace"], "dynamodb", "{r:#}");
    assert_eq!(r["kept"][0]["namespace"], "s3", "{r:#}");
    let policy = r["policy"].to_string();
    assert!(
        policy.contains("s3:GetObject") && !policy.contains("dynamodb"),
        "{policy}"
    );
    let run = rampart(&["rightsize", "ro", "--snapshot", snap], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("dynamodb"), "{}", run.stdout);
}

// Issue 12, bad input: an unknown principal or action, a malformed policy document in a
// snapshot, a malformed --context, and a rightsize without Access Advisor data get one
// clear line and exit 2.
#[test]
fn iam_commands_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let snap = iam_snapshot(dir.path(), false);
    let snap = snap.to_str().unwrap();
    let broken = iam_snapshot(dir.path(), true);
    let broken = broken.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["can", "nobody", "s3:GetObject", "--snapshot", snap],
            "unknown principal \"nobody\"",
        ),
        (
            &["can", "dev", "nosuch:Thing", "--snapshot", snap],
            "unknown action \"nosuch:Thing\"",
        ),
        (
            &["can", "dev", "sts:FlyAway", "--snapshot", snap],
            "sts has no such action",
        ),
        (
            &[
                "can",
                "dev",
                "s3:GetObject",
                "--context",
                "aws:SourceIp",
                "--snapshot",
                snap,
            ],
            "expected KEY=VALUE",
        ),
        (
            &["can", "dev", "s3:GetObject", "data/x", "--snapshot", snap],
            "expected an ARN",
        ),
        (
            &["paths", "--from", "nobody", "--snapshot", snap],
            "unknown principal",
        ),
        (
            &["paths", "--to", "root", "--snapshot", snap],
            "only `admin`",
        ),
        (
            &["rightsize", "dev", "--snapshot", snap],
            "Access Advisor has no report",
        ),
        (
            &["rightsize", "ro", "--days", "0", "--snapshot", snap],
            "positive number of days",
        ),
        (
            &["can", "dev", "s3:GetObject", "--snapshot", broken],
            "Statement[1].Effect",
        ),
        (
            &["paths", "--snapshot", broken],
            "role/app inline policy \"logs\"",
        ),
    ];
    for (args, expected) in cases {
        let run = rampart(args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
    }
}
