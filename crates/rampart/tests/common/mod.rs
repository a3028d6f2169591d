//! Running the built `rampart` binary as a user would, isolated from the machine's AWS
//! configuration and from any real endpoint.

#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// The outcome of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Run `rampart ARGS` with only the given AWS environment: no profile files, no instance
/// metadata service, nothing inherited from the machine.
pub fn rampart(args: &[&str], env: &[(String, String)]) -> Run {
    rampart_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, env)
}

/// Like [`rampart`], run in `dir` (where `rampart.toml` is looked for).
pub fn rampart_in(dir: &Path, args: &[&str], env: &[(String, String)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/rampart-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rampart-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        // Scans are not kept unless a test asks (RAMPART_NO_STORE=0 and --store).
        .env_remove("RAMPART_STORE")
        .env("RAMPART_NO_STORE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run rampart");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// The findings of a JSON report.
pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings array")
}

/// The one finding of `check` whose resource contains `resource`.
pub fn finding<'a>(report: &'a Value, check: &str, resource: &str) -> &'a Value {
    let all: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["check_id"] == check && f["resource"].as_str().unwrap().contains(resource))
        .collect();
    assert_eq!(
        all.len(),
        1,
        "expected one {check} finding on {resource}, got {}: {all:#?}",
        all.len()
    );
    all[0]
}

/// Assert a finding's status, showing its reason on failure.
pub fn assert_status(report: &Value, check: &str, resource: &str, status: &str) {
    let f = finding(report, check, resource);
    assert_eq!(
        f["status"], status,
        "{check} on {resource}: {}",
        f["reason"]
    );
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// A tokio runtime for building scenarios through the SDK.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Checks that are ERROR against moto because moto cannot serve their data, with the text
/// their reason must contain (the failed call): everything else must be read.
pub const MOTO_UNSERVED: &[(&str, &str)] = &[
    ("accessanalyzer_enabled", "access-analyzer:ListAnalyzers"),
    ("account_contact_details", "account:GetContactInformation"),
    (
        "organizations_centralized_root_access",
        "iam:ListOrganizationsFeatures",
    ),
    ("macie_enabled", "macie2:GetMacieSession"),
    // Access Advisor (issue 12): its collector is tested against a stub on 127.0.0.1.
    (
        "iam_unused_services",
        "iam:GenerateServiceLastAccessedDetails",
    ),
    ("s3_bucket_versioning", "s3:GetBucketVersioning"),
    ("s3_bucket_mfa_delete", "s3:GetBucketVersioning"),
    // moto's credential report has no root row.
    ("iam_root_recent_use", "root user row"),
];

/// Assert that every ERROR finding of a report is one moto cannot serve.
pub fn assert_only_unserved_errors(report: &Value) {
    for f in findings(report).iter().filter(|f| f["status"] == "ERROR") {
        let check = f["check_id"].as_str().unwrap();
        let reason = f["reason"].as_str().unwrap();
        assert!(
            MOTO_UNSERVED
                .iter()
                .any(|(c, why)| *c == check && reason.contains(why)),
            "unexpected ERROR: {f}"
        );
    }
}
