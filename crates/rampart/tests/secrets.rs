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

/// The blob at `path` in HEAD of `repo`, and its loose object file.
fn loose_blob(repo: &Path, path: &str) -> (String, std::path::PathBuf) {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", &format!("HEAD:{path}")])
        .output()
        .unwrap();
    let sha = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(sha.len(), 40, "{path}");
    let file = repo.join(".git/objects").join(&sha[..2]).join(&sha[2..]);
    assert!(file.is_file(), "{path}: not a loose object");
    (sha, file)
}

// Issue 9, defect 3: `--git` on a repository whose blob is missing from .git/objects
// reports that object as an error in text, JSON and SARIF (its invocation's tool
// notifications), still reports the secret in the blob it could read, and exits 2: an
// incomplete scan says so whatever it found (it used to stop with `git rev-list` failing,
// and a corrupt blob was skipped with exit 0).
#[test]
fn unreadable_git_object_is_an_error_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"], "Nobody");
    write(
        &repo.join("kept.env"),
        "GITHUB_TOKEN=ghp_R8mT2qLz9VwK4yHs7NcB1pJd6FgJ3aUe0Qio\n",
    );
    write(
        &repo.join("lost.env"),
        "GITLAB_TOKEN=glpat-Zq8Lm2Vt9Kw4Rs7Nc1Bf\n",
    );
    git(repo, &["add", "-A"], "Ann");
    git(repo, &["commit", "-q", "-m", "tokens"], "Ann");
    let (sha, object) = loose_blob(repo, "lost.env");
    std::fs::remove_file(object).unwrap();
    let path = repo.to_str().unwrap();

    let text = secrets(&[path, "--git"]);
    assert_eq!(text.code, 2, "{}{}", text.stdout, text.stderr);
    assert!(text.stdout.contains("1 error(s):"), "{}", text.stdout);
    assert!(
        text.stdout
            .contains(&format!("lost.env: git cannot read blob {sha}")),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("kept.env:1:"), "{}", text.stdout);

    let json = secrets(&[path, "--git", "--format", "json", "--fail-on", "none"]);
    assert_eq!(json.code, 2, "{}", json.stderr);
    assert!(json.stderr.contains("1 error(s)"), "{}", json.stderr);
    let r = json.json();
    assert_eq!(r["errors"][0]["path"], "lost.env");
    assert!(r["errors"][0]["message"].as_str().unwrap().contains(&sha));
    assert_eq!(r["findings"][0]["path"], "kept.env");

    let sarif = secrets(&[path, "--git", "--format", "sarif"]);
    assert_eq!(sarif.code, 2, "{}", sarif.stderr);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(notes[0]["message"]["text"].as_str().unwrap().contains(&sha));
}

// Issue 9, defect 1: a file named with a title-change escape or a newline is shown
// escaped in the text report and in messages on stderr, so it cannot drive the terminal
// or forge a line of a CI log; JSON keeps the name exact.
#[test]
fn hostile_file_names_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let token = "GITHUB_TOKEN=ghp_R8mT2qLz9VwK4yHs7NcB1pJd6FgJ3aUe0Qio\n";
    write(&dir.path().join("x\u{1b}]0;pwned\u{7}.env"), token);
    write(&dir.path().join("a.env\nCRITICAL  forged.env:1:1"), token);
    let root = dir.path().to_str().unwrap();

    let run = secrets(&[root, "--color", "always"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut uncoloured = run.stdout.clone();
    for code in ["1;31", "31", "33", "36", "0"] {
        uncoloured = uncoloured.replace(&format!("\u{1b}[{code}m"), "");
    }
    let raw: Vec<char> = uncoloured
        .chars()
        .filter(|&c| c != '\n' && rampart_output::is_unsafe_char(c))
        .collect();
    assert_eq!(raw, [], "{:?}", run.stdout);
    assert!(
        run.stdout.contains("x\\x1b]0;pwned\\x07.env:1:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("a.env\\nCRITICAL  forged.env:1:1:1:"),
        "{}",
        run.stdout
    );

    let json = secrets(&[root, "--format", "json"]).json();
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("/x\u{1b}]0;pwned\u{7}.env")),
        "{paths:?}"
    );

    let missing = dir.path().join("gone\u{1b}[2J\nFAKE");
    let run = secrets(&[missing.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(
        run.stderr
            .contains("gone\\x1b[2J\\nFAKE: no such file or directory"),
        "{}",
        run.stderr
    );
    let ignore = dir.path().join("ign\u{7}");
    let run = secrets(&[root, "--ignore-file", ignore.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ign\\x07: ignore file not found"),
        "{}",
        run.stderr
    );
}

// Issue 9, defect 10: `--threads 10000` is capped (the cap itself is tested in
// rampart-codescan) and says so on stderr; the scan runs as usual.
#[test]
fn threads_over_the_cap_are_capped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.py"), "print('hi')\n");
    let run = secrets(&[dir.path().to_str().unwrap(), "--threads", "10000"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("--threads 10000 capped to"),
        "{}",
        run.stderr
    );
    let fine = secrets(&[dir.path().to_str().unwrap(), "--threads", "1"]);
    assert!(fine.stderr.is_empty(), "{}", fine.stderr);
}

/// Write `text` to `path`, creating its folders.
fn put(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    write(path, text);
}

/// A planted AWS access key id, and how reports show it.
const PLANTED: &str = "AKIAZ7Q3M5N2B4V6CWLD";

/// Run git in `dir` as a user would (hooks included), with no machine or user settings;
/// the outcome, not asserted.
fn git_run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// [`git_run`], which must succeed; its stdout.
fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git_run(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A new repository at `dir` with one commit of a clean README.
fn repo_with_readme(dir: &Path) {
    git_ok(dir, &["init", "-q"]);
    put(&dir.join("README.md"), "# app\n");
    git_ok(dir, &["add", "README.md"]);
    git_ok(dir, &["commit", "-q", "-m", "readme"]);
}

fn key_line() -> String {
    format!("aws_access_key_id = {PLANTED}\n")
}

// Issue 13 (in the commit path): the installed pre-commit hook refuses a commit whose
// staged lines hold a key, naming file and line, the key redacted and `--no-verify` named
// as the escape; `--no-verify` does commit; a clean commit passes the hook.
#[test]
fn pre_commit_hook_refuses_a_staged_secret_and_passes_a_clean_commit() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    repo_with_readme(repo);
    let run = rampart_in(repo, &["secrets", "install-hook"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hook = std::fs::read_to_string(repo.join(".git/hooks/pre-commit")).unwrap();
    // The hook calls this binary by its absolute path.
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_rampart")).unwrap();
    assert!(
        hook.contains(&format!("'{}' secrets --staged", exe.display())),
        "{hook}"
    );

    put(
        &repo.join("deploy/prod.env"),
        &format!("# prod\nregion = eu-west-1\n{}", key_line()),
    );
    git_ok(repo, &["add", "deploy/prod.env"]);
    let out = git_run(repo, &["commit", "-q", "-m", "deploy"]);
    let said =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the commit went through: {said}");
    assert!(said.contains("deploy/prod.env:3:21"), "{said}");
    assert!(said.contains("AKIA************CWLD"), "{said}");
    assert!(!said.contains(PLANTED), "the key in full: {said}");
    assert!(said.contains("git commit --no-verify"), "{said}");
    assert_eq!(git_ok(repo, &["rev-list", "--count", "HEAD"]), "1");

    // The documented escape.
    git_ok(repo, &["commit", "-q", "--no-verify", "-m", "deploy"]);
    assert_eq!(git_ok(repo, &["rev-list", "--count", "HEAD"]), "2");

    // A clean change to the file that holds the committed key passes: that line is not
    // added again.
    put(
        &repo.join("deploy/prod.env"),
        &format!("# prod\nregion = eu-west-1\n{}replicas = 3\n", key_line()),
    );
    put(&repo.join("app.py"), "print('hello')\n");
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "clean"]);
    assert_eq!(git_ok(repo, &["rev-list", "--count", "HEAD"]), "3");
}

// Issue 13: `--staged` reads the lines the index adds, nothing else: not lines already
// committed, not changes in the working tree that are not staged (a key only there
// passes), and a staged key is reported at its line in the staged version of the file
// even when the working tree has moved it; on a first commit (no HEAD), every staged
// line; from a subfolder, paths from the top of the work tree.
#[test]
fn staged_reads_only_the_lines_the_index_adds() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_ok(repo, &["init", "-q"]);
    // First commit: no HEAD yet, every staged line is read.
    put(
        &repo.join("src/config.py"),
        &format!("# settings\n{}", key_line()),
    );
    git_ok(repo, &["add", "-A"]);
    let run = rampart_in(repo, &["secrets", "--staged", "--format", "json"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r = run.json();
    assert_eq!(r["findings"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["findings"][0]["path"], "src/config.py");
    assert_eq!(r["findings"][0]["line"], 2);
    assert!(r["findings"][0].get("commit").is_none());
    git_ok(repo, &["commit", "-q", "-m", "first"]);

    // Nothing staged: nothing to read, whatever the committed files hold.
    let run = rampart_in(repo, &["secrets", "--staged"], &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // A staged clean line in the file with the committed key, and a key in the working
    // tree only (an unstaged edit, and an untracked file): passes.
    put(
        &repo.join("src/config.py"),
        &format!("# settings\n{}debug = False\n", key_line()),
    );
    git_ok(repo, &["add", "src/config.py"]);
    put(
        &repo.join("src/config.py"),
        &format!(
            "# settings\n{}debug = False\ntoken = \"{}\"\n",
            key_line(),
            "ghp_R8mT2qLz9VwK4yHs7NcB1pJd6FgJ3aUe0Qio"
        ),
    );
    put(&repo.join("notes.txt"), &key_line());
    let run = rampart_in(repo, &["secrets", "--staged"], &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // A key staged at line 3 of the staged version; the working tree adds lines above it.
    put(
        &repo.join("app/settings.ini"),
        &format!("[aws]\nregion = eu-west-1\n{}", key_line()),
    );
    git_ok(repo, &["add", "app/settings.ini"]);
    put(
        &repo.join("app/settings.ini"),
        &format!(
            "; comment\n; more\n[aws]\nregion = eu-west-1\n{}",
            key_line()
        ),
    );
    let sub = repo.join("src");
    let run = rampart_in(&sub, &["secrets", "--staged", "--format", "json"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r = run.json();
    let found: Vec<(String, u64)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, vec![("app/settings.ini".to_string(), 3)]);
    assert!(!run.stdout.contains(PLANTED));
    // The text report too, redacted.
    let run = rampart_in(repo, &["secrets", "--staged"], &[]);
    assert!(
        run.stdout.contains("app/settings.ini:3:21"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(PLANTED), "{}", run.stdout);
}

// Issue 13: `--range A..B` reads the lines each commit of the range adds: a key added in
// the middle commit is found (with that commit), a key added before the range is not. An
// `A` of zeros (pre-push, new branch) means the commits no remote-tracking branch holds;
// a `B` of zeros (a deleted branch) scans nothing.
#[test]
fn range_reads_the_commits_of_a_push() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_ok(repo, &["init", "-q"]);
    put(&repo.join("old.env"), &format!("OLD_{}", key_line()));
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "before the range"]);
    let base = git_ok(repo, &["rev-parse", "HEAD"]);
    put(&repo.join("app.py"), "print('one')\n");
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "first of the range"]);
    let token = "ghp_R8mT2qLz9VwK4yHs7NcB1pJd6FgJ3aUe0Qio";
    put(
        &repo.join("app.py"),
        &format!("print('one')\nTOKEN = \"{token}\"\n"),
    );
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "middle"]);
    let middle = git_ok(repo, &["rev-parse", "HEAD"]);
    put(
        &repo.join("app.py"),
        &format!("print('one')\nTOKEN = \"{token}\"\nprint('two')\n"),
    );
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "last"]);

    let range = format!("{base}..HEAD");
    let run = rampart_in(
        repo,
        &["secrets", "--range", &range, "--format", "json"],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r = run.json();
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{r}");
    assert_eq!(findings[0]["path"], "app.py");
    assert_eq!(findings[0]["line"], 2);
    assert_eq!(findings[0]["commit"]["sha"], middle.as_str());
    assert_eq!(r["scanned"]["commits"], 3);
    assert!(!run.stdout.contains(token));

    // From the middle commit on: nothing added.
    let run = rampart_in(
        repo,
        &["secrets", "--range", &format!("{middle}..HEAD")],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // A new branch, no remote at all: every commit of HEAD, the old key too.
    let zeros = "0".repeat(40);
    let run = rampart_in(
        repo,
        &[
            "secrets",
            "--range",
            &format!("{zeros}..HEAD"),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.json()["findings"].as_array().unwrap().len(), 2);
    // What a remote-tracking branch holds is not read again.
    git_ok(repo, &["update-ref", "refs/remotes/origin/main", &base]);
    let run = rampart_in(
        repo,
        &[
            "secrets",
            "--range",
            &format!("{zeros}..HEAD"),
            "--format",
            "json",
        ],
        &[],
    );
    let r = run.json();
    assert_eq!(r["findings"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["findings"][0]["commit"]["sha"], middle.as_str());
    let run = rampart_in(
        repo,
        &["secrets", "--range", &format!("HEAD..{zeros}")],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // Merges: a side branch's key is reported once, at the side commit that added it, not
    // again at the merge; a key the merge itself adds (in its conflict's resolution) is
    // found at the merge.
    let tip = git_ok(repo, &["rev-parse", "HEAD"]);
    git_ok(repo, &["checkout", "-q", "-b", "side"]);
    put(&repo.join("side.env"), &key_line());
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "side"]);
    let side = git_ok(repo, &["rev-parse", "HEAD"]);
    put(&repo.join("shared.txt"), "side\n");
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "side 2"]);
    git_ok(repo, &["checkout", "-q", "-"]);
    put(&repo.join("shared.txt"), "main\n");
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "main"]);
    assert!(
        !git_run(repo, &["merge", "-q", "side"]).status.success(),
        "a conflict"
    );
    put(
        &repo.join("shared.txt"),
        &format!("main and side\nSECRET = \"{token}\"\n"),
    );
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "--no-edit"]);
    let merge = git_ok(repo, &["rev-parse", "HEAD"]);
    let run = rampart_in(
        repo,
        &[
            "secrets",
            "--range",
            &format!("{tip}..HEAD"),
            "--format",
            "json",
        ],
        &[],
    );
    let r = run.json();
    let mut found: Vec<(&str, &str, u64)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["commit"]["sha"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    let mut expected = vec![
        ("shared.txt", merge.as_str(), 2),
        ("side.env", side.as_str(), 1),
    ];
    expected.sort();
    assert_eq!(found, expected, "{r}");
}

// Issue 13: bad input in the commit path is exit 2 with a clear message: `--staged`
// outside a repository, a range git does not know or that is not `A..B`, `--staged` with
// an option it cannot honour, more than one repository, `install-hook` outside a
// repository.
#[test]
fn commit_path_bad_input() {
    let outside = tempfile::tempdir().unwrap();
    let o = outside.path();
    let bad = |dir: &Path, args: &[&str], says: &str| {
        let run = rampart_in(dir, args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    };
    let env = [(
        "GIT_CEILING_DIRECTORIES".to_string(),
        o.display().to_string(),
    )];
    let run = rampart_in(o, &["secrets", "--staged"], &env);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a git repository"),
        "{}",
        run.stderr
    );
    let run = rampart_in(o, &["secrets", "install-hook"], &env);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a git repository"),
        "{}",
        run.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    repo_with_readme(repo);
    bad(
        repo,
        &["secrets", "--range", "no-such-rev..HEAD"],
        "unknown revision `no-such-rev`",
    );
    bad(repo, &["secrets", "--range", "HEAD"], "expected `A..B`");
    bad(
        repo,
        &["secrets", "--range", "HEAD...HEAD"],
        "`A...B` is not supported",
    );
    bad(
        repo,
        &["secrets", "--staged", "--git"],
        "cannot be used with",
    );
    bad(
        repo,
        &["secrets", "--staged", "--range", "HEAD..HEAD"],
        "cannot be used with",
    );
    bad(repo, &["secrets", "--staged", ".", "src"], "one repository");
}

/// The hook install of `rampart secrets install-hook ARGS` run in `dir`.
fn install_hook(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["secrets", "install-hook"];
    all.extend_from_slice(args);
    rampart_in(dir, &all, &[])
}

// Issue 13: install-hook refuses a hook already there (exit 2, the hook untouched) and
// `--force` replaces it; it writes where `core.hooksPath` says; from a linked worktree it
// writes the hooks the worktree runs, and its commits are checked; `--pre-push` refuses a
// push whose commits add a key, and `git push --no-verify` goes through.
#[test]
fn install_hook_existing_hooks_path_worktrees_and_pre_push() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    repo_with_readme(&repo);
    let hook = repo.join(".git/hooks/pre-commit");
    put(&hook, "#!/bin/sh\necho mine\n");
    let run = install_hook(&repo, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("pre-commit: a hook is already there"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    let run = install_hook(&repo, &["--force", "--use-path"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&hook).unwrap();
    assert!(text.contains("\nrampart secrets --staged\n"), "{text}");
    std::fs::remove_file(&hook).unwrap();

    // core.hooksPath, relative to the top of the work tree.
    git_ok(&repo, &["config", "core.hooksPath", ".githooks"]);
    let run = install_hook(&repo.join(".git"), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a git work tree"), "{}", run.stderr);
    std::fs::create_dir(repo.join("src")).unwrap();
    let run = install_hook(&repo, &["--repo", "src"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(repo.join(".githooks/pre-commit").is_file());
    assert!(!hook.exists());
    put(&repo.join("key.env"), &key_line());
    git_ok(&repo, &["add", "key.env"]);
    assert!(!git_run(&repo, &["commit", "-q", "-m", "key"])
        .status
        .success());
    git_ok(&repo, &["reset", "-q"]);
    std::fs::remove_file(repo.join("key.env")).unwrap();
    git_ok(&repo, &["config", "--unset", "core.hooksPath"]);

    // A linked worktree: its hooks are the repository's.
    let wt = dir.path().join("wt");
    git_ok(&repo, &["worktree", "add", "-q", wt.to_str().unwrap()]);
    let run = install_hook(&wt, &["--pre-push"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(hook.is_file() && repo.join(".git/hooks/pre-push").is_file());
    let run = install_hook(&wt, &["--pre-push"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    put(&wt.join("wt.env"), &key_line());
    git_ok(&wt, &["add", "wt.env"]);
    let out = git_run(&wt, &["commit", "-q", "-m", "key in a worktree"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wt.env:1:21"));

    // Pre-push: the key committed past the pre-commit hook is caught on its way out.
    git_ok(
        &wt,
        &["commit", "-q", "--no-verify", "-m", "key in a worktree"],
    );
    let remote = dir.path().join("remote.git");
    git_ok(
        dir.path(),
        &["init", "-q", "--bare", remote.to_str().unwrap()],
    );
    git_ok(
        &repo,
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );
    git_ok(&repo, &["push", "-q", "origin", "main"]);
    let out = git_run(&wt, &["push", "-q", "origin", "HEAD:refs/heads/feature"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("wt.env:1:21"), "{said}");
    assert!(said.contains("git push --no-verify"), "{said}");
    assert!(!said.contains(PLANTED), "{said}");
    git_ok(
        &wt,
        &[
            "push",
            "-q",
            "--no-verify",
            "origin",
            "HEAD:refs/heads/feature",
        ],
    );
    // A clean commit on top: pushing it reads only what the remote lacks.
    put(&wt.join("app.py"), "print('hi')\n");
    git_ok(&wt, &["add", "app.py"]);
    git_ok(&wt, &["commit", "-q", "-m", "clean"]);
    git_ok(&wt, &["push", "-q", "origin", "HEAD:refs/heads/feature"]);
}

// Issue 13: the hooks of `.pre-commit-hooks.yaml` (the pre-commit framework, `language:
// system`) run the `rampart` on PATH: the staged hook refuses a staged key and passes a
// clean index; the push hook reads the range pre-commit gives in PRE_COMMIT_FROM_REF and
// PRE_COMMIT_TO_REF, and with no FROM, the commits no remote-tracking branch holds.
#[test]
fn pre_commit_framework_hooks_run_the_installed_rampart() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let entry = |id: &str| -> String {
        let block = text
            .split("\n- id: ")
            .find(|b| b.starts_with(&format!("{id}\n")))
            .unwrap_or_else(|| panic!("no hook {id}"));
        assert!(block.contains("\n  language: system\n"), "{block}");
        assert!(block.contains("\n  pass_filenames: false\n"), "{block}");
        let line = block
            .lines()
            .find_map(|l| l.strip_prefix("  entry: "))
            .unwrap();
        line.to_string()
    };
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_rampart")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let run_hook = |repo: &Path, id: &str, env: &[(&str, &str)]| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(entry(id))
            .current_dir(repo)
            .env("PATH", &path)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    repo_with_readme(repo);
    let base = git_ok(repo, &["rev-parse", "HEAD"]);
    assert_eq!(run_hook(repo, "rampart-secrets", &[]).0, Some(0));
    put(&repo.join("k.env"), &key_line());
    git_ok(repo, &["add", "k.env"]);
    let (code, out) = run_hook(repo, "rampart-secrets", &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("k.env:1:21") && !out.contains(PLANTED),
        "{out}"
    );
    git_ok(repo, &["commit", "-q", "-m", "key"]);
    let head = git_ok(repo, &["rev-parse", "HEAD"]);

    let push = |from: Option<&str>| {
        let mut env = vec![("PRE_COMMIT_TO_REF", head.as_str())];
        env.extend(from.map(|f| ("PRE_COMMIT_FROM_REF", f)));
        run_hook(repo, "rampart-secrets-push", &env)
    };
    let (code, out) = push(Some(&base));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("k.env:1:21"), "{out}");
    assert_eq!(push(Some(&head)).0, Some(0));
    assert_eq!(push(None).0, Some(1));
    git_ok(repo, &["update-ref", "refs/remotes/origin/main", &head]);
    assert_eq!(push(None).0, Some(0));
}

// Issue 13 (team patterns and exceptions): `.rampart/secrets.yaml` at the top of the work
// tree adds the team's detector and its allowed patterns, for a tree scanned from a
// subfolder and for a staged scan alike; a malformed file, or a detector whose own example
// it does not find, is refused with file:line:col and exit 2, before anything is scanned.
#[test]
fn repository_detectors_and_allowed_patterns() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    repo_with_readme(repo);
    let config = repo.join(".rampart/secrets.yaml");
    put(
        &config,
        "detectors:\n\
         \x20 - id: acme-api-key\n\
         \x20   name: ACME API key\n\
         \x20   severity: high\n\
         \x20   pattern: '\\b(acme_[a-z0-9]{24})\\b'\n\
         \x20   keywords: [acme_]\n\
         \x20   examples:\n\
         \x20     - 'ACME_KEY=acme_k3j9x2m7q8w4e5r6t1y0u2i3'\n\
         allowed:\n\
         \x20 - pattern: 'fixtures/fake-'\n\
         \x20   reason: fake keys of the tests\n",
    );
    let team_key = "acme_p8x2m4n6b1v3c5z7l9k0j2h4";
    put(&repo.join("src/app.env"), &format!("ACME_KEY={team_key}\n"));
    put(
        &repo.join("src/load.py"),
        &format!("path = 'fixtures/fake-{PLANTED}'\n"),
    );
    let run = secrets(&[repo.join("src").to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["detector_id"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "acme-api-key");
    assert!(found[0].1.ends_with("app.env"), "{found:?}");
    assert!(!run.stdout.contains(team_key), "printed in full");
    // Without the file, the allowed key is reported and the team's is not.
    let plain = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("src/load.py"), plain.path().join("load.py")).unwrap();
    std::fs::copy(repo.join("src/app.env"), plain.path().join("app.env")).unwrap();
    let run = secrets(&[plain.path().to_str().unwrap(), "--format", "json"]);
    let detectors: Vec<String> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["detector_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        detectors.iter().any(|d| d.starts_with("aws-access-key")),
        "{detectors:?}"
    );
    assert!(
        !detectors.iter().any(|d| d == "acme-api-key"),
        "{detectors:?}"
    );

    // The staged scan reads the same file.
    git_ok(repo, &["add", "src/app.env"]);
    let run = secrets(&["--staged", repo.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["findings"][0]["detector_id"], "acme-api-key");

    // A detector that does not find its own example: refused at its place.
    let text = std::fs::read_to_string(&config).unwrap();
    put(
        &config,
        &text.replace("ACME_KEY=acme_k3j9", "ACME_KEY=acme_K3J9"),
    );
    let run = secrets(&[repo.join("src").to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(".rampart/secrets.yaml:8:")
            && run.stderr.contains("acme-api-key")
            && run.stderr.contains("examples[0]"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    // Malformed YAML: the line and column.
    put(&config, "detectors:\n  - id: [unclosed\n");
    let run = secrets(&[repo.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        regex::Regex::new(r"\.rampart/secrets\.yaml:\d+:\d+: ")
            .unwrap()
            .is_match(&run.stderr),
        "{}",
        run.stderr
    );
}
