//! Many accounts and faults (issue 10): Organization scans of a moto Organization whose
//! members are reached through AssumeRole, shards and `merge`, resume after `kill -9`, and
//! scans through the fault-injecting proxy (throttling, 500s, resets, AccessDenied, an
//! endpoint that never answers).

mod common;

use common::*;
use rampart_faultproxy::{Config, FaultProxy};
use rampart_testkit::org::{build_org, Org, MEMBER_ROLE};
use rampart_testkit::Moto;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

/// Fast retries for tests: the proxy's faults are retried in milliseconds, not seconds.
const FAST: &[&str] = &[
    "--retry-backoff-ms",
    "1",
    "--max-attempts",
    "10",
    "--region",
    "us-east-1",
];

fn org_with(members: usize) -> (Moto, Org) {
    let moto = Moto::start();
    let org = block_on(async { build_org(&moto.sdk_config().await, members).await });
    (moto, org)
}

/// The environment of a run through `endpoint` (moto itself or the proxy in front of it).
fn env_at(moto: &Moto, endpoint: &str) -> Vec<(String, String)> {
    let mut env = moto.env();
    env.retain(|(k, _)| k != "AWS_ENDPOINT_URL");
    env.push(("AWS_ENDPOINT_URL".into(), endpoint.to_owned()));
    env
}

fn scan(env: &[(String, String)], dir: &Path, extra: &[&str]) -> Run {
    let run_dir = dir.join("run");
    let mut args = vec![
        "scan",
        "--format",
        "json",
        "--fail-on",
        "none",
        "--run-dir",
        run_dir.to_str().unwrap(),
    ];
    args.extend_from_slice(FAST);
    args.extend_from_slice(extra);
    rampart(&args, env)
}

fn report_of<'a>(org_report: &'a Value, account: &str) -> &'a Value {
    org_report["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["account_id"] == account)
        .unwrap_or_else(|| panic!("no report of account {account}"))
}

fn entry_of<'a>(org_report: &'a Value, account: &str) -> &'a Value {
    org_report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["account_id"] == account)
        .unwrap_or_else(|| panic!("no entry of account {account}"))
}

/// Every finding of an organization report, without what changes between runs (times), as
/// comparable lines.
fn finding_lines(org_report: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in org_report["reports"].as_array().unwrap() {
        for f in r["findings"].as_array().unwrap() {
            out.insert(format!(
                "{} {} {} {} {}",
                f["account_id"], f["check_id"], f["region"], f["resource"], f["status"]
            ));
        }
    }
    out
}

// Issue 10: an Organization scan lists the accounts, skips the closed one and says so,
// reads the management account with the caller's credentials and each member through its
// role, and every finding lands in its own account; Organization-level checks run in the
// management account only.
#[test]
fn organization_scan_puts_every_finding_in_its_account() {
    let (moto, org) = org_with(3);
    let dir = tempfile::tempdir().unwrap();
    let run = scan(&moto.env(), dir.path(), &["--organization"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    assert_eq!(r["kind"], "organization");
    assert_eq!(r["organization_id"], org.organization_id.as_str());
    assert_eq!(r["management_account_id"], org.management.as_str());
    let closed = entry_of(&r, &org.closed);
    assert_eq!(closed["outcome"]["status"], "skipped", "{closed}");
    assert!(
        closed["outcome"]["reason"]
            .as_str()
            .unwrap()
            .contains("suspended"),
        "{closed}"
    );
    assert_eq!(
        r["reports"].as_array().unwrap().len(),
        4,
        "management + 3 members"
    );
    for (i, member) in org.members.iter().enumerate() {
        assert_eq!(entry_of(&r, member)["outcome"]["status"], "scanned");
        let report = report_of(&r, member);
        // Member i has users member{i}-user0..=i with a console password and no MFA.
        let users: BTreeSet<String> = findings(report)
            .iter()
            .filter(|f| f["check_id"] == "iam_user_console_mfa" && f["status"] == "FAIL")
            .map(|f| f["resource"].as_str().unwrap().to_owned())
            .collect();
        let expected: BTreeSet<String> = (0..=i)
            .map(|j| format!("arn:aws:iam::{member}:user/member{i}-user{j}"))
            .collect();
        assert_eq!(users, expected, "account {member}");
        assert!(findings(report)
            .iter()
            .all(|f| f["account_id"] == member.as_str()));
        let world_ssh = findings(report).iter().any(|f| {
            f["status"] == "FAIL"
                && f["check_id"] == "ec2_sg_ssh_open_to_world"
                && f["reason"].as_str().unwrap().contains("member0-ssh")
        });
        assert_eq!(
            world_ssh,
            i == 0,
            "only member 0 opened SSH: account {member}"
        );
        assert!(
            !findings(report).iter().any(|f| f["check_id"]
                .as_str()
                .unwrap()
                .starts_with("organizations_")),
            "Organization-level checks only in the management account"
        );
        assert!(report["collection"]["api_calls"]["sts"].as_u64().unwrap() >= 1);
    }
    let management = report_of(&r, &org.management);
    assert!(findings(management)
        .iter()
        .any(|f| f["check_id"] == "organizations_delegated_administrators"));
    assert!(
        report_of(&r, &org.management)["collection"]["api_calls"]
            .get("organizations")
            .is_some(),
        "the management account reads Organizations"
    );
}

// Issue 10: `--ou` takes one subtree; `--accounts` / `--exclude-accounts` filter; bad
// input (an unknown OU, an account not in the Organization, `--shard 5/4`, a malformed
// accounts file) is one clear line and exit 2, with nothing written.
#[test]
fn filters_and_bad_input() {
    let (moto, org) = org_with(2);
    let dir = tempfile::tempdir().unwrap();
    let run = scan(
        &moto.env(),
        dir.path(),
        &["--organization", "--ou", &org.ou],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    let ids: Vec<&str> = r["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [org.members[0].as_str()]);

    let excluded = org.members[1].clone();
    let run = scan(
        &moto.env(),
        dir.path(),
        &[
            "--organization",
            "--exclude-accounts",
            &excluded,
            "--accounts",
            &format!("{},{}", org.management, org.members[0]),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    let ids: BTreeSet<&str> = r["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from([org.management.as_str(), org.members[0].as_str()])
    );

    let out = dir.path().join("report.json");
    let out_arg = out.to_str().unwrap();
    let bad: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--organization".into(),
                "--ou".into(),
                "ou-zzzz-zzzzzzzz".into(),
            ],
            "organizational unit ou-zzzz-zzzzzzzz not found",
        ),
        (
            vec![
                "--organization".into(),
                "--accounts".into(),
                "999999999999".into(),
            ],
            "account 999999999999 (--accounts / --exclude-accounts) is not in organization",
        ),
        (
            vec!["--organization".into(), "--shard".into(), "5/4".into()],
            "--shard 5/4: shard 5 does not exist in a split into 4",
        ),
        (
            vec!["--shard".into(), "1/4".into()],
            "--shard is for scans of many accounts",
        ),
    ];
    for (args, message) in bad {
        let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
        all.extend(["--output-file", out_arg]);
        let run = scan(&moto.env(), dir.path(), &all);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr.trim().lines().count(),
            1 + run.stderr.matches("hint:").count(),
            "{}",
            run.stderr
        );
        assert!(!out.exists(), "nothing written for {args:?}");
    }
    // `collect` takes the same flags: one snapshot per account, each evaluable offline.
    let snapshots = dir.path().join("snapshots");
    let run = rampart(
        &[
            "collect",
            "--organization",
            "--ou",
            &org.ou,
            "--region",
            "us-east-1",
            "--out",
            snapshots.to_str().unwrap(),
            "--run-dir",
            dir.path().join("collect-run").to_str().unwrap(),
        ],
        &moto.env(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let snapshot = snapshots.join(format!("{}.json", org.members[0]));
    // Issue 12: the organization policies that apply to a member are read for it by the
    // management account, root level first, with their documents.
    let inv: Value = serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    let scps = &inv["organizations"]["applied_policies"]["ok"]["service_control_policies"];
    let levels: Vec<&str> = scps
        .as_array()
        .unwrap_or_else(|| panic!("{:#}", inv["organizations"]))
        .iter()
        .map(|l| l["target_type"].as_str().unwrap())
        .collect();
    assert_eq!(levels.first(), Some(&"ROOT"), "{scps:#}");
    assert_eq!(levels.last(), Some(&"ACCOUNT"), "{scps:#}");
    assert!(levels.contains(&"ORGANIZATIONAL_UNIT"), "{scps:#}");
    assert_eq!(scps[levels.len() - 1]["target_id"], org.members[0].as_str());
    assert_eq!(scps[0]["policies"][0]["name"], "FullAWSAccess", "{scps:#}");
    assert_eq!(
        scps[0]["policies"][0]["document"]["Statement"][0]["Action"],
        "*"
    );
    assert!(
        !inv["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["api"] == "organizations:ListParents"),
        "{:#}",
        inv["errors"]
    );
    let offline = rampart(
        &[
            "scan",
            "--snapshot",
            snapshot.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(offline.code, 0, "{}", offline.stderr);
    assert_eq!(offline.json()["account_id"], org.members[0].as_str());
    assert_eq!(std::fs::read_dir(&snapshots).unwrap().count(), 1);

    // --per-account: each account's own reports beside the organization's.
    let out_dir = dir.path().join("out");
    let run = scan(
        &moto.env(),
        dir.path(),
        &[
            "--organization",
            "--ou",
            &org.ou,
            "--format",
            "json,csv",
            "--output-dir",
            out_dir.to_str().unwrap(),
            "--per-account",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let own: Value = serde_json::from_str(
        &std::fs::read_to_string(
            out_dir
                .join("accounts")
                .join(&org.members[0])
                .join("rampart-report.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(own["account_id"], org.members[0].as_str());
    assert!(out_dir.join("rampart-report.csv").exists());

    let accounts = dir.path().join("accounts.yaml");
    write(&accounts, "accounts:\n  - id: \"111122223333\"\n    role_arn: arn:aws:iam::111122223333:role/A\n  - id: 1234\n");
    let run = scan(
        &moto.env(),
        dir.path(),
        &[
            "--accounts-file",
            accounts.to_str().unwrap(),
            "--output-file",
            out_arg,
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("accounts.yaml:4:9: accounts[1].id:"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

// Issue 10: an accounts file, for people without Organizations access: each account
// through its own role, with its regions, name and tags; a role that cannot be assumed
// (the proxy answers AccessDenied for it, as moto lets any role be assumed) makes that
// account an ERROR with AWS's reason, and the others are scanned.
#[test]
fn accounts_file_and_a_role_that_cannot_be_assumed() {
    let (moto, org) = org_with(2);
    let denied = org.members[1].clone();
    let proxy = FaultProxy::spawn(
        &moto.endpoint(),
        Config::from_toml_str(
            &format!(
                "[[rule]]\nservice = \"sts\"\naction = \"AssumeRole\"\nrole_arn = \"*{denied}*\"\nfault = \"deny\"\n"
            ),
            "test",
        )
        .unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.yaml");
    write(
        &file,
        &format!(
            "accounts:\n  - id: \"{m0}\"\n    role_arn: arn:aws:iam::{m0}:role/{MEMBER_ROLE}\n    name: payments\n    tags: {{env: prod}}\n  - id: \"{denied}\"\n",
            m0 = org.members[0]
        ),
    );
    let run = scan(
        &env_at(&moto, &proxy.url()),
        dir.path(),
        &["--accounts-file", file.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "--fail-on none: {}", run.stderr);
    assert!(
        run.stderr.contains("1 account(s) could not be read"),
        "{}",
        run.stderr
    );
    let r = run.json();
    let ok = entry_of(&r, &org.members[0]);
    assert_eq!(ok["name"], "payments");
    assert_eq!(ok["tags"]["env"], "prod");
    assert_eq!(ok["outcome"]["status"], "scanned");
    let bad = entry_of(&r, &denied);
    assert_eq!(bad["outcome"]["status"], "error", "{bad}");
    let reason = bad["outcome"]["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!(
            "cannot assume role arn:aws:iam::{denied}:role/{MEMBER_ROLE}"
        )),
        "{reason}"
    );
    assert!(reason.contains("AccessDenied"), "{reason}");
    assert_eq!(r["reports"].as_array().unwrap().len(), 1);

    // Without --fail-on none, an account that could not be read fails the run.
    let run = rampart(
        &[
            "scan",
            "--accounts-file",
            file.to_str().unwrap(),
            "--format",
            "json",
            "--run-dir",
            dir.path().join("run2").to_str().unwrap(),
            "--region",
            "us-east-1",
            "--retry-backoff-ms",
            "1",
            "--checks",
            "iam_password_policy_length",
        ],
        &env_at(&moto, &proxy.url()),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

// Issue 10: `--shard K/N` splits the accounts so that 4 processes give exactly the findings
// of one, and `rampart merge` joins their reports; Organization-level checks run in exactly
// one shard.
#[test]
fn four_shards_merged_equal_one_process() {
    let (moto, org) = org_with(4);
    let dir = tempfile::tempdir().unwrap();
    let whole = scan(&moto.env(), dir.path(), &["--organization"]);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let whole = whole.json();
    let mut files = Vec::new();
    let mut org_level = 0;
    for k in 1..=4 {
        let path = dir.path().join(format!("shard{k}.json"));
        let run = rampart(
            &[
                "scan",
                "--organization",
                "--shard",
                &format!("{k}/4"),
                "--format",
                "json",
                "--fail-on",
                "none",
                "--region",
                "us-east-1",
                "--retry-backoff-ms",
                "1",
                "--output-file",
                path.to_str().unwrap(),
                "--run-dir",
                dir.path().join(format!("run{k}")).to_str().unwrap(),
            ],
            &moto.env(),
        );
        assert_eq!(run.code, 0, "shard {k}: {}", run.stderr);
        let shard: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            shard["shards"],
            serde_json::json!([{"index": k, "count": 4}])
        );
        org_level += finding_lines(&shard)
            .iter()
            .filter(|l| l.contains("\"organizations_"))
            .count()
            .min(1);
        files.push(path);
    }
    assert_eq!(
        org_level, 1,
        "Organization-level checks in exactly one shard"
    );
    let mut args = vec!["merge", "--format", "json"];
    args.extend(files.iter().map(|p| p.to_str().unwrap()));
    let merged = rampart(&args, &moto.env());
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let merged = merged.json();
    assert_eq!(finding_lines(&merged), finding_lines(&whole));
    assert_eq!(
        merged["accounts"].as_array().unwrap().len(),
        org.members.len() + 2
    );
    assert_eq!(merged["summary"], whole["summary"]);
    // merge gates CI like scan: exit 1 on a failing finding at or above --fail-on.
    let mut gate = vec!["merge", "--fail-on", "low", "--format", "text"];
    gate.extend(files.iter().map(|p| p.to_str().unwrap()));
    let gated = rampart(&gate, &moto.env());
    assert_eq!(gated.code, 1, "{}", gated.stderr);
    assert!(
        gated.stdout.contains(&org.members[0]),
        "text report lists the accounts"
    );

    // A missing shard is refused, unless asked for.
    let args = [
        "merge",
        files[0].to_str().unwrap(),
        files[1].to_str().unwrap(),
    ];
    let partial = rampart(&args, &moto.env());
    assert_eq!(partial.code, 2, "{}", partial.stderr);
    assert!(partial.stderr.contains("missing"), "{}", partial.stderr);
}

// Issue 10: a run killed with `kill -9` halfway continues with `--resume`, reads only the
// accounts it had not finished, and the report has every account once.
#[test]
fn a_killed_run_resumes_without_reading_finished_accounts_again() {
    let (moto, org) = org_with(3);
    // Slow enough to be killed between two accounts.
    let proxy = FaultProxy::spawn(
        &moto.endpoint(),
        Config::from_toml_str("latency_ms = 15\n", "test").unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    let out = dir.path().join("report.json");
    let args = [
        "scan",
        "--organization",
        "--account-concurrency",
        "1",
        "--format",
        "json",
        "--fail-on",
        "none",
        "--region",
        "us-east-1",
        "--retry-backoff-ms",
        "1",
        "--run-dir",
        run_dir.to_str().unwrap(),
        "--output-file",
        out.to_str().unwrap(),
    ];
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args)
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RAMPART_NO_STORE", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (k, v) in env_at(&moto, &proxy.url()) {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let entries = |dir: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir.join("accounts"))
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.to_string_lossy().ends_with(".entry.json"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    // The closed account is finished at once (skipped); wait for two real ones.
    while entries(&run_dir).len() < 3 {
        assert!(std::time::Instant::now() < deadline, "no account finished");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!out.exists(), "no report from a killed run");
    let before: Vec<(std::path::PathBuf, std::time::SystemTime)> = entries(&run_dir)
        .into_iter()
        .map(|p| {
            let t = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, t)
        })
        .collect();
    assert!(before.len() < 5, "killed before the end");
    proxy.reset_stats();
    let mut resumed_args: Vec<&str> = args.to_vec();
    resumed_args.push("--resume");
    let run = rampart(&resumed_args, &env_at(&moto, &proxy.url()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (p, t) in &before {
        assert_eq!(
            std::fs::metadata(p).unwrap().modified().unwrap(),
            *t,
            "{} read again",
            p.display()
        );
    }
    let assumed = proxy.stats().get("sts", "AssumeRole").seen;
    let finished_members = before
        .iter()
        .filter(|(p, _)| {
            org.members
                .iter()
                .any(|m| p.to_string_lossy().contains(m.as_str()))
        })
        .count() as u64;
    assert_eq!(
        assumed,
        org.members.len() as u64 - finished_members,
        "only the members not finished are assumed again"
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let ids: Vec<&str> = r["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5, "every account once: {ids:?}");
    assert_eq!(r["reports"].as_array().unwrap().len(), 4);
}

// Issue 10: at 20% throttling (seeded), 500s and resets, a scan gives exactly the findings
// of a clean scan, because retries are sized for it; at 100% failure of one service, that
// service's checks are ERROR, never PASS, and the rest of the report is unchanged.
#[test]
fn faults_do_not_change_findings_and_a_dead_service_is_error() {
    let moto = Moto::start();
    block_on(async { rampart_testkit::scenario::build_mixed(&moto.sdk_config().await).await });
    let dir = tempfile::tempdir().unwrap();
    let single = |endpoint: &str, extra: &[&str]| -> Value {
        let mut args = vec!["scan", "--format", "json", "--fail-on", "none"];
        args.extend_from_slice(FAST);
        args.extend_from_slice(extra);
        let run = rampart_in(dir.path(), &args, &env_at(&moto, endpoint));
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.json()
    };
    // Every finding with its reason, but for ERROR findings, whose reason quotes the
    // last answer of an API moto does not serve.
    let lines = |r: &Value| -> BTreeSet<String> {
        findings(r)
            .iter()
            .map(|f| {
                let reason = if f["status"] == "ERROR" {
                    Value::Null
                } else {
                    f["reason"].clone()
                };
                format!(
                    "{} {} {} {} {}",
                    f["check_id"], f["region"], f["resource"], f["status"], reason
                )
            })
            .collect()
    };
    let clean = single(&moto.endpoint(), &[]);
    let proxy = FaultProxy::spawn(
        &moto.endpoint(),
        Config::from_toml_str(
            "seed = 7\nthrottle_fraction = 0.2\nerror_fraction = 0.02\nreset_fraction = 0.02\n",
            "test",
        )
        .unwrap(),
    )
    .unwrap();
    let faulty = single(&proxy.url(), &[]);
    let stats = proxy.stats();
    let (throttled, seen) = (stats.total.throttled, stats.total.seen);
    assert!(
        throttled * 100 >= seen * 12 && throttled >= 15,
        "the proxy throttled {throttled} of {seen} requests"
    );
    // The same calls failed (those moto cannot serve); their last answer may differ (a
    // throttle on the last of the attempts at an unserved API).
    let failed = |r: &Value| -> Vec<String> {
        r["collection_errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{} {} {}", e["service"], e["region"], e["api"]))
            .collect()
    };
    assert_eq!(failed(&faulty), failed(&clean));
    assert_eq!(lines(&faulty), lines(&clean));

    proxy
        .set_config(
            Config::from_toml_str("[[rule]]\nservice = \"kms\"\nfault = \"error\"\n", "test")
                .unwrap(),
        )
        .unwrap();
    proxy.reset_stats();
    let dead = single(&proxy.url(), &[]);
    // A call answered only with 500s stops after --max-error-attempts (3), not after the
    // 10 attempts throttling gets: KMS is one ListKeys call in the one region read.
    let kms_calls = proxy.stats().service("kms");
    assert_eq!((kms_calls.seen, kms_calls.error), (3, 3));
    let kms: Vec<&Value> = findings(&dead)
        .iter()
        .filter(|f| f["check_id"].as_str().unwrap().starts_with("kms_"))
        .collect();
    assert!(!kms.is_empty());
    for f in &kms {
        assert_eq!(f["status"], "ERROR", "{f}");
    }
    let needs_kms = |f: &Value| {
        let id = f["check_id"].as_str().unwrap();
        id.starts_with("kms_") || id.starts_with("cloudtrail_") || id.starts_with("cloudwatch_")
    };
    let rest = |r: &Value| -> BTreeSet<String> {
        findings(r)
            .iter()
            .filter(|f| !needs_kms(f) && f["status"] != "ERROR")
            .map(|f| {
                format!(
                    "{} {} {} {}",
                    f["check_id"], f["region"], f["resource"], f["status"]
                )
            })
            .collect()
    };
    assert!(!findings(&dead)
        .iter()
        .any(|f| f["status"] == "PASS" && f["check_id"].as_str().unwrap().starts_with("kms_")));
    assert_eq!(
        rest(&dead),
        rest(&clean)
            .into_iter()
            .filter(|l| !l.contains("\"kms_"))
            .collect()
    );
}

// Issue 10: a region whose endpoint never answers fails fast: after two timeouts the
// endpoint is given up, its checks are ERROR with the reason, the other region is read.
#[test]
fn a_region_that_never_answers_is_given_up() {
    let moto = Moto::start();
    let proxy = FaultProxy::spawn(
        &moto.endpoint(),
        Config::from_toml_str(
            "[[rule]]\nregion = \"eu-west-1\"\nfault = \"hang\"\n",
            "test",
        )
        .unwrap(),
    )
    .unwrap();
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1,eu-west-1",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--read-timeout",
            "8",
            "--retry-backoff-ms",
            "1",
            "--max-attempts",
            "3",
            "--services",
            "ec2,vpc,kms",
        ],
        &env_at(&moto, &proxy.url()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    let hung = proxy.stats().total.hung;
    // Without the breaker, every call of the region would hang three times (about 80).
    assert!(
        hung <= 20,
        "given up after the first timeouts, not one per call: {hung}"
    );
    eprintln!("hung requests: {hung}");
    let eu: Vec<&Value> = findings(&r)
        .iter()
        .filter(|f| f["region"] == "eu-west-1")
        .collect();
    assert!(!eu.is_empty());
    for f in eu {
        assert_eq!(f["status"], "ERROR", "{f}");
    }
    assert!(findings(&r)
        .iter()
        .any(|f| f["region"] == "us-east-1" && f["status"] != "ERROR"));
    assert!(
        r["collection_errors"]
            .to_string()
            .contains("did not answer"),
        "{}",
        r["collection_errors"]
    );
}

// Issue 10: assumed-role credentials are refreshed before they expire on long runs. moto's
// credentials never expire, so the clock is injected: after it moves past the expiry, the
// next call assumes the role again.
#[test]
fn assumed_credentials_are_refreshed_when_they_expire() {
    use aws_smithy_async::time::{SharedTimeSource, TimeSource};
    use std::sync::{Arc, Mutex};
    use std::time::SystemTime;

    #[derive(Debug)]
    struct Clock(Mutex<SystemTime>);
    impl TimeSource for Clock {
        fn now(&self) -> SystemTime {
            *self.0.lock().unwrap()
        }
    }

    let (moto, org) = org_with(1);
    let proxy = FaultProxy::spawn(&moto.endpoint(), Config::default()).unwrap();
    let clock = Arc::new(Clock(Mutex::new(SystemTime::now())));
    // A scan's future is deep: give it the stack the binary's main thread has.
    let scope_clock = clock.clone();
    let clock = scope_clock;
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn_scoped(scope, || refresh(&moto, &org, &proxy, &clock))
            .unwrap()
            .join()
            .unwrap()
    });

    fn refresh(moto: &Moto, org: &Org, proxy: &FaultProxy, clock: &Arc<Clock>) {
        let _ = moto;
        block_on(async {
            std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
            std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
            std::env::set_var("AWS_REGION", "us-east-1");
            std::env::set_var("AWS_CONFIG_FILE", "/nonexistent");
            std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
            let caller = rampart_collect::Caller::connect(&rampart_collect::ConnectOptions {
                endpoint_url: Some(proxy.url()),
                time_source: Some(SharedTimeSource::new(ClockRef(clock.clone()))),
                ..Default::default()
            })
            .await;
            let session = caller
                .assume(&rampart_collect::RoleSpec {
                    role_arn: format!("arn:aws:iam::{}:role/{MEMBER_ROLE}", org.members[0]),
                    external_id: None,
                    session_name: "refresh-test".into(),
                    duration: Duration::from_secs(900),
                })
                .await
                .expect("assume");
            let opts = rampart_collect::Options {
                regions: vec!["us-east-1".into()],
                services: [rampart_collect::Service::Iam].into_iter().collect(),
                ..Default::default()
            };
            let first = rampart_collect::collect_account(&session, &opts)
                .await
                .unwrap();
            assert_eq!(first.account.id, org.members[0]);
            assert_eq!(
                proxy.stats().get("sts", "AssumeRole").seen,
                1,
                "valid credentials are not fetched again"
            );
            *clock.0.lock().unwrap() += Duration::from_secs(2 * 3600);
            let second = rampart_collect::collect_account(&session, &opts)
                .await
                .unwrap();
            assert_eq!(second.account.id, org.members[0]);
            assert_eq!(second.errors, first.errors, "read as well as before");
            assert_eq!(
                second.iam.users.get().unwrap().len(),
                first.iam.users.get().unwrap().len()
            );
            // moto dates the new credentials by the real clock, which the injected one has left
            // behind, so they look expired too and are fetched again as each call needs them:
            // at least one more assumption, never a call with expired credentials.
            assert!(
                proxy.stats().get("sts", "AssumeRole").seen >= 2,
                "the expired credentials were replaced"
            );
        });
    }

    #[derive(Debug)]
    struct ClockRef(Arc<Clock>);
    impl TimeSource for ClockRef {
        fn now(&self) -> SystemTime {
            self.0.now()
        }
    }
}

// Issue 11: `watch`'s SNS target publishes through the AWS SDK (against moto): the subject,
// the JSON message and the delivery id as a message attribute, and on a FIFO topic the
// delivery id as the deduplication id too; a topic that does not exist is a failure that
// is not worth another try.
#[test]
fn watch_publishes_to_sns_with_the_delivery_id() {
    use rampart_collect::notify::{publish_sns, DELIVERY_ID_ATTRIBUTE, FIFO_GROUP};
    let moto = Moto::start();
    let (topic, fifo) = block_on(async {
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
        std::env::set_var("AWS_REGION", "us-east-1");
        std::env::set_var("AWS_CONFIG_FILE", "/nonexistent");
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        let sns = aws_sdk_sns::Client::new(&moto.sdk_config().await);
        let arn = |name: &'static str, fifo: bool| {
            let mut req = sns.create_topic().name(name);
            if fifo {
                req = req.attributes("FifoTopic", "true");
            }
            async move { req.send().await.unwrap().topic_arn().unwrap().to_owned() }
        };
        (
            arn("rampart-alerts", false).await,
            arn("rampart-alerts.fifo", true).await,
        )
    });
    moto.start_recording();
    block_on(async {
        let caller = rampart_collect::Caller::connect(&rampart_collect::ConnectOptions {
            endpoint_url: Some(moto.endpoint()),
            ..Default::default()
        })
        .await;
        let session = caller.session();
        let message_id = publish_sns(
            &session,
            &topic,
            None,
            "rampart: 1 new failure in account 123456789012",
            r#"{"delivery_id":"d0d0"}"#,
            "d0d0",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!message_id.is_empty());
        publish_sns(
            &session,
            &fifo,
            Some("us-east-1"),
            "rampart: fifo",
            "{}",
            "f1f1",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let missing = topic.replace("rampart-alerts", "no-such-topic");
        match publish_sns(&session, &missing, None, "s", "{}", "e2e2").await {
            Err(rampart_collect::CollectError::Publish {
                topic_arn,
                reason,
                transient,
            }) => {
                assert_eq!(topic_arn, missing);
                assert!(reason.starts_with("NotFound"), "{reason}");
                assert!(!transient, "an unknown topic is not retried");
            }
            other => panic!("{other:?}"),
        }
    });
    let publishes: Vec<String> = moto
        .recorded_calls()
        .into_iter()
        .filter(|c| c.action == "Publish")
        .map(|c| c.params)
        .collect();
    assert_eq!(publishes.len(), 3, "{publishes:?}");
    let plain = &publishes[0];
    for part in [
        format!("TopicArn={topic}"),
        "Subject=rampart: 1 new failure in account 123456789012".into(),
        format!("MessageAttributes.entry.1.Name={DELIVERY_ID_ATTRIBUTE}"),
        "MessageAttributes.entry.1.Value.DataType=String".into(),
        "MessageAttributes.entry.1.Value.StringValue=d0d0".into(),
    ] {
        assert!(plain.split('&').any(|p| p == part), "{part} in {plain}");
    }
    assert!(!plain.contains("MessageDeduplicationId"), "{plain}");
    let fifo_call = &publishes[1];
    for part in [
        format!("TopicArn={fifo}"),
        "MessageDeduplicationId=f1f1".into(),
        format!("MessageGroupId={FIFO_GROUP}"),
        "MessageAttributes.entry.1.Value.StringValue=f1f1".into(),
    ] {
        assert!(
            fifo_call.split('&').any(|p| p == part),
            "{part} in {fifo_call}"
        );
    }
}
