//! `rampart secrets` as a user runs it (issue 5): every detector's examples found through
//! the whole command, history with commit and author, exit codes, baseline, output file,
//! and no secret in full in any format.

mod common;

use common::*;
use rampart_secrets::Engine;
use regex::bytes::RegexBuilder;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The secret a detector's pattern captures in `text` (what must never be printed).
fn secret_of(pattern: &str, text: &str) -> String {
    let re = RegexBuilder::new(pattern).unicode(false).build().unwrap();
    let caps = re
        .captures(text.as_bytes())
        .expect("the pattern matches its example");
    String::from_utf8_lossy(caps.get(1).unwrap().as_bytes()).into_owned()
}

fn secrets(args: &[&str]) -> Run {
    let mut all = vec!["secrets"];
    all.extend_from_slice(args);
    rampart(&all, &[])
}

fn git(dir: &Path, args: &[&str], who: &str) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", who)
        .env(
            "GIT_AUTHOR_EMAIL",
            format!("{}@example.com", who.to_lowercase()),
        )
        .env("GIT_COMMITTER_NAME", who)
        .env("GIT_COMMITTER_EMAIL", "ci@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// Issue 5 "Done when: the tests cover every detector's examples": each example, alone in
// a file, is reported by its detector through the CLI; no negative example is reported;
// and no example's secret appears in full in the text, JSON or SARIF output.
#[test]
fn every_detector_example_through_the_cli_redacted_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let pos = dir.path().join("positive");
    let neg = dir.path().join("negative");
    std::fs::create_dir_all(&pos).unwrap();
    std::fs::create_dir_all(&neg).unwrap();
    let mut expected = Vec::new();
    let mut secrets_planted = Vec::new();
    for d in Engine::builtin().detectors() {
        for (i, ex) in d.examples.iter().enumerate() {
            let name = format!("{}-{i}.txt", d.id);
            write(&pos.join(&name), ex);
            expected.push((format!("positive/{name}"), d.id.clone()));
            secrets_planted.push(secret_of(&d.pattern, ex));
        }
        for (i, ex) in d.negative_examples.iter().enumerate() {
            write(&neg.join(format!("{}-{i}.txt", d.id)), ex);
        }
    }
    let root = dir.path().to_str().unwrap();
    // Paths relative to the scanned root, as code scanning wants them.
    let in_dir = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
        cmd.current_dir(root)
            .arg("secrets")
            .args(args)
            .env("NO_COLOR", "1");
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, json) = in_dir(&[".", "--format", "json"]);
    assert_eq!(code, 1, "{json}");
    let report: Value = serde_json::from_str(&json).unwrap();
    let findings = report["findings"].as_array().unwrap();
    for (path, detector) in &expected {
        assert!(
            findings
                .iter()
                .any(|f| f["path"] == path.as_str() && f["detector_id"] == detector.as_str()),
            "{detector} not reported in {path}"
        );
    }
    assert!(
        findings
            .iter()
            .all(|f| f["path"].as_str().unwrap().starts_with("positive/")),
        "a negative example was reported: {findings:#?}"
    );
    let (_, text) = in_dir(&["."]);
    let (_, sarif) = in_dir(&[".", "--format", "sarif"]);
    let sarif_json: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif_json["version"], "2.1.0");
    assert_eq!(
        sarif_json["runs"][0]["results"].as_array().unwrap().len(),
        findings.len()
    );
    assert!(text.contains("positive/github-token-0.txt:1:14"), "{text}");
    for (format, out) in [("text", &text), ("JSON", &json), ("SARIF", &sarif)] {
        for s in &secrets_planted {
            assert!(
                !out.contains(s.as_str()),
                "{format} output shows a secret in full ({}…)",
                &s[..4]
            );
        }
    }
}

// Issue 5: `--git` finds a secret added and later deleted, naming file, line, commit and
// author, in text and JSON; the key never in full.
#[test]
fn git_history_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let key = "AKIAZ7Q3M5N2B4V6CWLD";
    git(repo, &["init", "-q", "-b", "main"], "Nobody");
    write(&repo.join("README.md"), "# app\n");
    write_all(
        &repo.join("deploy"),
        "creds.sh",
        &format!("#!/bin/sh\nexport AWS_ACCESS_KEY_ID={key}\n"),
    );
    git(repo, &["add", "-A"], "Mallory");
    git(repo, &["commit", "-q", "-m", "deploy"], "Mallory");
    std::fs::remove_file(repo.join("deploy/creds.sh")).unwrap();
    git(repo, &["add", "-A"], "Trent");
    git(repo, &["commit", "-q", "-m", "oops"], "Trent");
    let path = repo.to_str().unwrap();

    // The working tree is clean now.
    assert_eq!(secrets(&[path]).code, 0);
    let run = secrets(&[path, "--git", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r = run.json();
    let f = &r["findings"][0];
    assert_eq!(f["path"], "deploy/creds.sh");
    assert_eq!(f["line"], 2);
    assert_eq!(f["commit"]["author"], "Mallory");
    assert_eq!(f["commit"]["email"], "mallory@example.com");
    assert_eq!(f["commit"]["sha"].as_str().unwrap().len(), 40);
    assert_eq!(r["scanned"]["commits"], 2);
    assert!(!run.stdout.contains(key));
    let text = secrets(&[path, "--git"]);
    assert!(
        text.stdout.contains("deploy/creds.sh:2:"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("by Mallory <mallory@example.com>"),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains(key));
}

// Issue 5: exit codes like `scan`: 0 nothing at or above --fail-on, 1 findings, 2 bad
// usage or input, with a message naming the file.
#[test]
fn exit_codes_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        &d.join("app.env"),
        "GITHUB_TOKEN=ghp_R8mT2qLz9VwK4yHs7NcB1pJd6FgJ3aUe0Qio\n",
    );
    let p = d.to_str().unwrap();
    assert_eq!(secrets(&[p]).code, 1);
    assert_eq!(secrets(&[p, "--fail-on", "high"]).code, 1);
    assert_eq!(secrets(&[p, "--fail-on", "critical"]).code, 0);
    assert_eq!(secrets(&[p, "--fail-on", "none"]).code, 0);

    let clean = tempfile::tempdir().unwrap();
    write(&clean.path().join("a.py"), "print('hi')\n");
    assert_eq!(secrets(&[clean.path().to_str().unwrap()]).code, 0);

    let bad = |args: &[&str], names: &str| {
        let run = secrets(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(names), "{args:?}: {}", run.stderr);
    };
    let missing = d.join("missing-dir");
    bad(&[missing.to_str().unwrap()], "missing-dir");
    bad(&[p, "--git"], "not a git repository");
    bad(&[p, "--fail-on", "severe"], "--fail-on");
    bad(&[p, "--format", "xml"], "xml");
    bad(&[], "PATH");

    let baseline = d.join("baseline.json");
    write(&baseline, "{\"findings\": [ {\"id\": 7} ]}");
    bad(
        &[p, "--baseline", baseline.to_str().unwrap()],
        "baseline.json",
    );
    write(&baseline, "{ not json");
    bad(
        &[p, "--baseline", baseline.to_str().unwrap()],
        "baseline.json:1:",
    );
    let snapshot = d.join("snap.json");
    write(&snapshot, "{\"schema_version\": 1, \"account\": 5}");
    bad(&[p, "--snapshot", snapshot.to_str().unwrap()], "snap.json");
    let ignore = d.join("no-such-ignore");
    bad(
        &[p, "--ignore-file", ignore.to_str().unwrap()],
        "no-such-ignore",
    );
}

// Issue 5 (--baseline, --output-file): a JSON report written atomically to a file serves
// as the baseline of the next run, which then passes; a new secret still fails it.
#[test]
fn baseline_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    write_all(
        &tree,
        "a.env",
        "GITHUB_TOKEN=ghp_R8mT2qLz9VwK4yHs7NcB1pJd6FgJ3aUe0Qio\n",
    );
    let t = tree.to_str().unwrap();
    let base = dir.path().join("accepted.json");
    let b = base.to_str().unwrap();
    let run = secrets(&[t, "--format", "json", "--output-file", b]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "report goes to the file");
    assert!(run.stderr.contains("1 secret(s)"), "{}", run.stderr);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    assert_eq!(saved["findings"].as_array().unwrap().len(), 1);

    let again = secrets(&[t, "--baseline", b]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(
        again
            .stdout
            .contains("1 finding(s) accepted by the baseline"),
        "{}",
        again.stdout
    );

    write_all(&tree, "b.env", "GITLAB_TOKEN=glpat-Zq8Lm2Vt9Kw4Rs7Nc1Bf\n");
    let third = secrets(&[t, "--baseline", b, "--format", "json"]);
    assert_eq!(third.code, 1);
    let r = third.json();
    assert_eq!(r["baselined"], 1);
    assert_eq!(r["findings"][0]["detector_id"], "gitlab-token");
}

fn write_all(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    write(&dir.join(name), text);
}
