//! `rampart fix` end to end on moto (issue 14): for every fixer, a scan that fails, the plan,
//! `fix --apply --yes` through a separate profile, a scan that passes, each step's resource
//! read back as the plan declared it, `undo` restoring the state the findings fail on, and a
//! resource changed between plan and apply refused. Also: denied writes reported step by
//! step, bad input refused with exit 2 before any write, and a byte-stable plan.

mod common;
/// The writer alone: every mapped call against moto, with its undo calls.
#[path = "fix_moto/writer.rs"]
mod writer;

use common::*;
use rampart_checks::fix::{current_state, Plan};
use rampart_checks::Settings;
use rampart_testkit::fix_scenario::{self, EMAIL, LOG_BUCKET};
use rampart_testkit::Moto;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const REGION: &str = "us-east-1";

/// One fixer's round trip: the scenario's name, the checks it fixes, and the flags its
/// plan needs.
struct Case {
    scenario: &'static str,
    checks: &'static [&'static str],
    flags: &'static [&'static str],
    /// rampart.toml in the folder the runs start in (empty: none).
    config: &'static str,
}

/// A test's working folder: the store, the profiles file, the plans and snapshots.
struct Bench {
    moto: Moto,
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Bench {
        let moto = Moto::start();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("aws-config"),
            "[profile fixer]\naws_access_key_id = testing\naws_secret_access_key = testing\nregion = us-east-1\n",
        )
        .unwrap();
        Bench { moto, dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn store(&self) -> String {
        self.path("store.db").display().to_string()
    }

    /// The environment of a run: moto's, the profiles file, and the store kept.
    fn env(&self) -> Vec<(String, String)> {
        let mut env = self.moto.env();
        env.push((
            "AWS_CONFIG_FILE".into(),
            self.path("aws-config").display().to_string(),
        ));
        env.push(("RAMPART_NO_STORE".into(), "0".into()));
        env
    }

    fn run(&self, args: &[&str]) -> Run {
        rampart_in(self.dir.path(), args, &self.env())
    }

    /// `rampart scan` of `checks` as JSON.
    fn scan(&self, checks: &[&str]) -> Value {
        let checks = checks.join(",");
        let store = self.store();
        let run = self.run(&[
            "scan", "--region", REGION, "--checks", &checks, "--format", "json", "--store", &store,
        ]);
        assert!(run.code == 0 || run.code == 1, "scan: {}", run.stderr);
        run.json()
    }

    /// A snapshot of the account, for reading the steps' states.
    fn snapshot(&self, name: &str) -> rampart_inventory::Inventory {
        let out = self.path(name);
        let out_s = out.display().to_string();
        let run = self.run(&["collect", "--region", REGION, "--out", &out_s, "--no-store"]);
        assert_eq!(run.code, 0, "collect: {}", run.stderr);
        rampart_inventory::load_snapshot(&out).unwrap()
    }

    /// `rampart fix --format json` of `checks` with `flags`, saved as `name`.
    fn plan(&self, name: &str, checks: &[&str], flags: &[&str]) -> (PathBuf, Plan, Value) {
        let checks = checks.join(",");
        let store = self.store();
        let mut args = vec![
            "fix", "--region", REGION, "--checks", &checks, "--format", "json", "--store", &store,
        ];
        args.extend_from_slice(flags);
        let run = self.run(&args);
        assert_eq!(run.code, 0, "fix: {}", run.stderr);
        let path = self.path(name);
        std::fs::write(&path, &run.stdout).unwrap();
        let json: Value = run.json();
        let plan: Plan = serde_json::from_value(json.clone()).unwrap();
        (path, plan, json)
    }

    /// `rampart fix --apply PLAN --fix-profile fixer --yes`.
    fn apply(&self, plan: &Path, flags: &[&str]) -> Run {
        let plan = plan.display().to_string();
        let store = self.store();
        let mut args = vec![
            "fix",
            "--apply",
            &plan,
            "--fix-profile",
            "fixer",
            "--yes",
            "--region",
            REGION,
            "--store",
            &store,
        ];
        args.extend_from_slice(flags);
        self.run(&args)
    }

    /// The ids of the changes recorded as applied, newest first.
    fn changes(&self) -> Vec<String> {
        self.change_rows()
            .iter()
            .filter(|l| l.contains(" applied "))
            .map(|l| l.split_whitespace().next().unwrap().to_owned())
            .collect()
    }

    /// Every change recorded, as `fix --changes` lists them.
    fn change_rows(&self) -> Vec<String> {
        let store = self.store();
        let run = self.run(&["fix", "--changes", "--store", &store]);
        assert_eq!(run.code, 0, "fix --changes: {}", run.stderr);
        run.stdout
            .lines()
            .filter(|l| !l.starts_with("No change"))
            .map(str::to_owned)
            .collect()
    }

    fn undo(&self, id: &str) -> Run {
        let store = self.store();
        self.run(&[
            "undo",
            id,
            "--fix-profile",
            "fixer",
            "--yes",
            "--region",
            REGION,
            "--store",
            &store,
        ])
    }
}

/// The (check, resource) of the active failures of `checks` in a report.
fn failing(report: &Value, checks: &[&str]) -> BTreeSet<(String, String)> {
    findings(report)
        .iter()
        .filter(|f| {
            f["status"] == "FAIL" && checks.contains(&f["check_id"].as_str().unwrap_or_default())
        })
        .map(|f| {
            (
                f["check_id"].as_str().unwrap().to_owned(),
                f["resource"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The status of `check` on `resource` in a report, if it has a finding there.
fn status_of(report: &Value, check: &str, resource: &str) -> Option<String> {
    findings(report)
        .iter()
        .find(|f| f["check_id"] == check && f["resource"] == resource)
        .map(|f| f["status"].as_str().unwrap().to_owned())
}

/// Whether every call of the plan was made, as moto recorded the requests it served (the
/// query and JSON protocols name the action; REST ones do not, and are not compared).
fn assert_calls_made(moto: &Moto, plan: &Plan) {
    let recorded = moto.recorded_calls();
    let rest = [
        "s3",
        "s3control",
        "guardduty",
        "securityhub",
        "accessanalyzer",
    ];
    for step in &plan.steps {
        for call in step
            .calls
            .iter()
            .filter(|c| !rest.contains(&c.service.as_str()))
        {
            assert!(
                recorded.iter().any(|r| r.action == call.operation
                    || r.action
                        .ends_with(&format!("/operation/{}", call.operation))),
                "{} {} of step {} was not made; recorded: {:?}",
                call.service,
                call.operation,
                step.id,
                recorded.iter().map(|r| &r.action).collect::<Vec<_>>()
            );
        }
    }
}

/// The whole round trip of one fixer.
fn round_trip(case: &Case) {
    let b = Bench::new();
    let cfg = block_on(b.moto.sdk_config());
    block_on(fix_scenario::setup(case.scenario, &cfg));
    if !case.config.is_empty() {
        std::fs::write(b.path("rampart.toml"), case.config).unwrap();
    }
    let mut settings = rampart_triage::Config::discover(None, b.dir.path())
        .unwrap()
        .map(|(_, c)| c.thresholds)
        .unwrap_or_default();
    settings.fix = settings_for(case.flags).fix;

    // The scan fails, and the plan covers every failure.
    let before_report = b.scan(case.checks);
    let failures = failing(&before_report, case.checks);
    assert!(!failures.is_empty(), "{}: nothing fails", case.scenario);
    let (plan_path, plan, _) = b.plan("plan.json", case.checks, case.flags);
    assert!(
        !plan.steps.is_empty(),
        "{}: empty plan; not planned: {:?}",
        case.scenario,
        plan.not_planned
    );
    for (check, resource) in &failures {
        assert!(
            plan.steps
                .iter()
                .any(|s| s.check_id == *check || s.also_fixes.contains(check)),
            "{}: no step for {check} on {resource}; not planned: {:?}",
            case.scenario,
            plan.not_planned
        );
    }
    let before_inv = b.snapshot("before.json");
    for step in &plan.steps {
        assert_eq!(
            current_state(&before_inv, &settings, step).unwrap(),
            step.before,
            "{}: step {} before",
            case.scenario,
            step.id
        );
    }

    // Applied through the fix profile, every step's findings pass on the rescan.
    b.moto.start_recording();
    let applied = b.apply(&plan_path, case.flags);
    assert_eq!(
        applied.code, 0,
        "{}: apply\n{}\n{}",
        case.scenario, applied.stdout, applied.stderr
    );
    assert_eq!(
        applied.stdout.matches("rescan: PASS").count(),
        plan.steps.len(),
        "{}: {}",
        case.scenario,
        applied.stdout
    );
    assert_calls_made(&b.moto, &plan);
    let after_report = b.scan(case.checks);
    for (check, resource) in &failures {
        let now = status_of(&after_report, check, resource);
        assert!(
            now.as_deref() == Some("PASS")
                || (now.is_none()
                    && findings(&after_report)
                        .iter()
                        .filter(|f| f["check_id"] == check.as_str())
                        .all(|f| f["status"] == "PASS")),
            "{}: {check} on {resource} is {now:?} after the fix",
            case.scenario
        );
    }
    // The account changed exactly as the plan declared: each step's resource reads back
    // as its `after`.
    let after_inv = b.snapshot("after.json");
    for step in &plan.steps {
        assert_eq!(
            current_state(&after_inv, &settings, step).unwrap(),
            step.after,
            "{}: step {} after",
            case.scenario,
            step.id
        );
    }

    // Undo, newest change first: the state is the one before, and the findings fail again.
    let changes = b.changes();
    assert_eq!(changes.len(), plan.steps.len(), "{}", case.scenario);
    for id in &changes {
        let undone = b.undo(id);
        assert_eq!(
            undone.code, 0,
            "{}: undo {id}\n{}\n{}",
            case.scenario, undone.stdout, undone.stderr
        );
        assert!(
            undone.stdout.contains("reads back as before"),
            "{}",
            undone.stdout
        );
    }
    let undone_report = b.scan(case.checks);
    assert_eq!(
        failing(&undone_report, case.checks),
        failures,
        "{}: the same findings fail after the undo",
        case.scenario
    );
    let again = b.undo(&changes[0]);
    assert_eq!(again.code, 2, "an undone change is not undone twice");
    assert!(again.stderr.contains("already undone"), "{}", again.stderr);

    // A resource changed between plan and apply is refused, and not written.
    let (plan2_path, plan2, _) = b.plan("plan2.json", case.checks, case.flags);
    if case.scenario == "cloudwatch_alarms" {
        // Someone else's alarms of the names the plan would create.
        let names: Vec<String> = plan2
            .steps
            .iter()
            .filter_map(|s| s.after["Alarm"]["AlarmName"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(names.len(), plan2.steps.len());
        block_on(fix_scenario::alarms(&cfg, &names));
    } else {
        block_on(fix_scenario::mutate(case.scenario, &cfg));
    }
    let mutated = b.snapshot("mutated.json");
    // The steps whose resource the change touched: read now, their state is no longer the
    // plan's `before`.
    let touched: Vec<&rampart_checks::fix::Step> = plan2
        .steps
        .iter()
        .filter(|s| current_state(&mutated, &settings, s).ok().as_ref() != Some(&s.before))
        .collect();
    assert!(
        !touched.is_empty(),
        "{}: the change touched no step",
        case.scenario
    );
    let stale = b.apply(&plan2_path, case.flags);
    for step in &touched {
        let line = stale
            .stdout
            .lines()
            .find(|l| l.contains(&step.id))
            .unwrap_or_else(|| panic!("no line for {}:\n{}", step.id, stale.stdout));
        assert!(
            line.contains("changed since the plan")
                || line.contains("already as the plan would leave it")
                || line.contains("not re-read just before the write"),
            "{}: the changed resource is not refused:\n{}\n{}",
            case.scenario,
            stale.stdout,
            stale.stderr
        );
    }
    let applied = stale.stdout.matches("  applied ").count();
    assert_eq!(
        b.change_rows().len(),
        changes.len() + applied,
        "only the steps applied are recorded"
    );
    let untouched = b.snapshot("untouched.json");
    for step in &touched {
        assert_eq!(
            current_state(&untouched, &settings, step).ok(),
            current_state(&mutated, &settings, step).ok(),
            "{}: step {} was written",
            case.scenario,
            step.id
        );
    }
}

/// The fix settings the flags give, as the binary reads them.
fn settings_for(flags: &[&str]) -> Settings {
    let mut s = Settings::default();
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        if *flag == "--include-disruptive" {
            continue;
        }
        let value = it.next().map(|v| (*v).to_owned());
        match *flag {
            "--trail-bucket" => s.fix.trail_bucket = value,
            "--config-bucket" => s.fix.config_bucket = value,
            "--notify-email" => s.fix.notify_email = value,
            "--billing-limit" => s.fix.billing_limit_usd = value.and_then(|v| v.parse().ok()),
            other => panic!("unknown flag {other}"),
        }
    }
    s
}

macro_rules! round_trips {
    ($($name:ident: $scenario:literal, [$($check:literal),+], [$($flag:literal),*];)+) => {
        $(
            #[test]
            fn $name() {
                round_trip(&Case {
                    scenario: $scenario,
                    checks: &[$($check),+],
                    flags: &[$($flag),*],
                    config: "",
                });
            }
        )+
    };
}

round_trips! {
    s3_bucket_public_access_block: "s3_bucket_public_access_block",
        ["s3_bucket_public_access_block"], [];
    s3_account_public_access_block: "s3_account_public_access_block",
        ["s3_account_public_access_block"], [];
    s3_bucket_secure_transport: "s3_bucket_secure_transport",
        ["s3_bucket_secure_transport"], [];
    guardduty_enabled: "guardduty_enabled", ["guardduty_enabled"], ["--notify-email", "secops@example.com"];
    guardduty_findings_routed: "guardduty_findings_routed", ["guardduty_findings_routed"], [];
    ec2_ebs_default_encryption: "ec2_ebs_default_encryption", ["ec2_ebs_default_encryption"], [];
    iam_password_policy: "iam_password_policy",
        ["iam_password_policy_length", "iam_password_policy_complexity", "iam_password_policy_reuse"], [];
    kms_key_rotation: "kms_key_rotation", ["kms_key_rotation"], [];
    vpc_flow_logs_enabled: "vpc_flow_logs_enabled", ["vpc_flow_logs_enabled"], [];
    securityhub_enabled: "securityhub_enabled", ["securityhub_enabled"], [];
    cloudwatch_alarms: "cloudwatch_alarms", [
        "cloudwatch_alarm_unauthorized_api_calls", "cloudwatch_alarm_console_signin_without_mfa",
        "cloudwatch_alarm_root_usage", "cloudwatch_alarm_iam_policy_changes",
        "cloudwatch_alarm_cloudtrail_changes", "cloudwatch_alarm_console_auth_failures",
        "cloudwatch_alarm_cmk_disable_or_deletion", "cloudwatch_alarm_s3_bucket_policy_changes",
        "cloudwatch_alarm_config_changes", "cloudwatch_alarm_security_group_changes",
        "cloudwatch_alarm_nacl_changes", "cloudwatch_alarm_network_gateway_changes",
        "cloudwatch_alarm_route_table_changes", "cloudwatch_alarm_vpc_changes",
        "cloudwatch_alarm_organizations_changes"], [];
    config_recorder_enabled: "config_recorder_enabled", ["config_recorder_enabled"],
        ["--config-bucket", "rampart-fix-logs"];
    cloudtrail_new_trail: "cloudtrail_new_trail", ["cloudtrail_multi_region_logging"],
        ["--trail-bucket", "rampart-fix-logs"];
    cloudtrail_weak_trail: "cloudtrail_weak_trail", [
        "cloudtrail_multi_region_logging", "cloudtrail_log_file_validation",
        "cloudtrail_kms_encryption", "cloudtrail_logging"], ["--trail-bucket", "rampart-fix-logs"];
    cloudwatch_billing_alarm: "cloudwatch_billing_alarm", ["cloudwatch_billing_alarm"],
        ["--billing-limit", "250"];
    ec2_imdsv2_required: "ec2_imdsv2_required", ["ec2_imdsv2_required"], ["--include-disruptive"];
    ec2_sg_open_to_world: "ec2_sg_open_to_world",
        ["ec2_sg_ssh_open_to_world", "ec2_sg_rdp_open_to_world", "ec2_sg_cifs_open_to_world",
         "ec2_sg_database_ports_open_to_world", "ec2_sg_all_ports_open_to_world"],
        ["--include-disruptive"];
    ec2_default_sg_restricts_all: "ec2_default_sg_restricts_all",
        ["ec2_default_sg_restricts_all"], ["--include-disruptive"];
    rds_not_publicly_accessible: "rds_not_publicly_accessible",
        ["rds_not_publicly_accessible"], ["--include-disruptive"];
}

// Writes the fix profile may not make are reported step by step; the other steps still
// run, and the summary says what was and was not changed.
#[test]
fn denied_writes_are_reported_per_step() {
    let b = Bench::new();
    let cfg = block_on(b.moto.sdk_config());
    block_on(fix_scenario::setup("s3_bucket_public_access_block", &cfg));
    let checks = [
        "s3_bucket_public_access_block",
        "ec2_ebs_default_encryption",
    ];
    let (plan_path, plan, _) = b.plan("plan.json", &checks, &[]);
    assert_eq!(plan.steps.len(), 2, "{:?}", plan.steps);
    // The fix profile may write to S3 only; the scan's identity may read everything.
    let reader = block_on(rampart_testkit::scenario::limited_auditor(&cfg, &["*"]));
    let writer = block_on(fix_scenario::user_allowed(
        &cfg,
        "fixer",
        &["s3:*", "sts:GetCallerIdentity"],
    ));
    std::fs::write(
        b.path("aws-config"),
        format!(
            "[profile fixer]\naws_access_key_id = {}\naws_secret_access_key = {}\nregion = us-east-1\n",
            writer.0, writer.1
        ),
    )
    .unwrap();
    b.moto.enforce_iam();
    let plan_s = plan_path.display().to_string();
    let store = b.store();
    let mut env = b.env();
    env.retain(|(k, _)| k != "AWS_ACCESS_KEY_ID" && k != "AWS_SECRET_ACCESS_KEY");
    env.push(("AWS_ACCESS_KEY_ID".into(), reader.0));
    env.push(("AWS_SECRET_ACCESS_KEY".into(), reader.1));
    let run = rampart_in(
        b.dir.path(),
        &[
            "fix",
            "--apply",
            &plan_s,
            "--fix-profile",
            "fixer",
            "--yes",
            "--region",
            REGION,
            "--store",
            &store,
        ],
        &env,
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let line = |check: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(check))
            .unwrap_or_else(|| panic!("no line for {check}:\n{}", run.stdout))
            .to_owned()
    };
    assert!(
        line("s3_bucket_public_access_block").contains("rescan: PASS"),
        "{}",
        run.stdout
    );
    let ebs = line("ec2_ebs_default_encryption");
    assert!(
        ebs.contains("FAILED")
            && ebs.contains("ec2 EnableEbsEncryptionByDefault denied to the fix profile"),
        "{ebs}"
    );
    assert!(
        run.stdout.contains("Summary: 1 applied, 1 failed."),
        "{}",
        run.stdout
    );
    // Both are recorded: the failure with its error.
    let listed = rampart_in(b.dir.path(), &["fix", "--changes", "--store", &store], &env);
    assert_eq!(
        listed.stdout.matches(" applied ").count(),
        1,
        "{}",
        listed.stdout
    );
    assert_eq!(
        listed.stdout.matches(" failed ").count(),
        1,
        "{}",
        listed.stdout
    );
}

// Bad input gets a clear message and exit 2, and nothing is written.
#[test]
fn bad_input_is_refused_before_any_write() {
    let b = Bench::new();
    let cfg = block_on(b.moto.sdk_config());
    block_on(fix_scenario::setup("kms_key_rotation", &cfg));
    let (plan_path, _, json) = b.plan("plan.json", &["kms_key_rotation"], &[]);
    let store = b.store();
    let refused = |args: &[&str], says: &str| {
        let run = b.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}\n{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    };
    refused(
        &["fix", "--checks", "no_such_check", "--store", &store],
        "unknown",
    );
    refused(
        &["fix", "--checks", "iam_root_mfa", "--store", &store],
        "has no fixer",
    );
    let p = plan_path.display().to_string();
    refused(&["fix", "--apply", &p, "--store", &store], "--fix-profile");
    refused(
        &["fix", "--apply", &p, "--fix-profile", "fixer", "--no-store"],
        "--no-store",
    );
    let variant = |name: &str, edit: &dyn Fn(&mut Value)| -> String {
        let mut v = json.clone();
        edit(&mut v);
        let path = b.path(name);
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
        path.display().to_string()
    };
    let other = variant("other.json", &|v| v["account_id"] = "210987654321".into());
    let old = variant("old.json", &|v| {
        v["collected_at"] = "2026-01-01T00:00:00Z".into();
    });
    let edited = variant("edited.json", &|v| {
        v["steps"][0]["calls"][0]["params"]["KeyId"] = "someone-elses-key".into();
    });
    let broken = b.path("broken.json");
    std::fs::write(&broken, "{\"schema\": 1,\n \"steps\": [}").unwrap();
    let broken = broken.display().to_string();
    b.moto.start_recording();
    let apply = |plan: &str, says: &str| {
        refused(
            &[
                "fix",
                "--apply",
                plan,
                "--fix-profile",
                "fixer",
                "--yes",
                "--store",
                &store,
            ],
            says,
        )
    };
    apply(&other, "is for account 210987654321");
    apply(&old, "stale");
    apply(&edited, "was edited after it was planned");
    apply(&broken, "broken.json:2:");
    let writes: Vec<String> = b
        .moto
        .recorded_calls()
        .into_iter()
        .map(|c| c.action)
        .filter(|a| a != "GetCallerIdentity")
        .collect();
    assert!(writes.is_empty(), "calls were made: {writes:?}");
}

// The same snapshot gives a byte-identical plan; its CloudFormation passes cfn-lint where
// it is installed, its script parses in bash.
#[test]
fn plans_are_stable_and_their_renderings_parse() {
    let b = Bench::new();
    let cfg = block_on(b.moto.sdk_config());
    for s in [
        "s3_bucket_public_access_block",
        "kms_key_rotation",
        "cloudwatch_alarms",
    ] {
        block_on(fix_scenario::setup(s, &cfg));
    }
    let snap = b.path("snap.json").display().to_string();
    let run = b.run(&["collect", "--region", REGION, "--out", &snap, "--no-store"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan = |format: &str| {
        let run = b.run(&["fix", "--snapshot", &snap, "--format", format, "--no-store"]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        run.stdout
    };
    let first = plan("json");
    assert_eq!(first, plan("json"), "byte-identical");
    let parsed: Plan = serde_json::from_str(&first).unwrap();
    assert!(parsed.steps.len() >= 17, "{}", parsed.steps.len());
    let sh = plan("sh");
    let script = b.path("plan.sh");
    std::fs::write(&script, &sh).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success(), "bash -n: {sh}");
    let text = plan("text");
    assert!(text.contains("Plan for account"), "{text}");
    let dir = b.path("cfn");
    let dir_s = dir.display().to_string();
    let run = b.run(&[
        "fix",
        "--snapshot",
        &snap,
        "--format",
        "cloudformation",
        "--output",
        &dir_s,
        "--no-store",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let template = dir.join(format!("fix-{REGION}.template.json"));
    assert!(template.is_file(), "{}", run.stderr);
    let lint = rampart_testkit::moto::workspace_root().join(".venv/bin/cfn-lint");
    if lint.is_file() {
        let out = std::process::Command::new(&lint)
            .arg(&template)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cfn-lint: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "cfn-lint is not installed"
        );
    }
    let _ = (EMAIL, LOG_BUCKET);
}

// `--report` and `--last-scan` plan only what failed then, over the account as it is now: a
// bucket made after the scan is not in the plan, and a finding fixed since is not either.
#[test]
fn plans_follow_an_earlier_report_or_the_last_stored_scan() {
    let b = Bench::new();
    let cfg = block_on(b.moto.sdk_config());
    block_on(fix_scenario::setup("s3_bucket_public_access_block", &cfg));
    block_on(fix_scenario::setup("kms_key_rotation", &cfg));
    let checks = "s3_bucket_public_access_block,kms_key_rotation";
    let store = b.store();
    let report = b.path("report.json").display().to_string();
    let run = b.run(&[
        "scan",
        "--region",
        REGION,
        "--checks",
        checks,
        "--format",
        "json",
        "--output-file",
        &report,
        "--store",
        &store,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // After the scan: a new failing bucket, and the key rotated by someone else.
    block_on(fix_scenario::later_changes(&cfg));
    let plan_of = |source: &[&str]| -> Plan {
        let mut args = vec![
            "fix", "--region", REGION, "--checks", checks, "--format", "json", "--store", &store,
        ];
        args.extend_from_slice(source);
        let run = b.run(&args);
        assert_eq!(run.code, 0, "{source:?}: {}", run.stderr);
        serde_json::from_str(&run.stdout).unwrap()
    };
    let resources =
        |plan: &Plan| -> Vec<String> { plan.steps.iter().map(|s| s.resource.clone()).collect() };
    // The last stored scan is the one above (fix keeps its own scan after reading it).
    let from_store = plan_of(&["--last-scan"]);
    assert_eq!(
        resources(&from_store),
        [format!("arn:aws:s3:::{}", fix_scenario::BUCKET)]
    );
    let everything = plan_of(&[]);
    assert_eq!(
        resources(&everything),
        [
            format!("arn:aws:s3:::{}", fix_scenario::BUCKET),
            format!("arn:aws:s3:::{}", fix_scenario::LATER_BUCKET),
        ],
        "the key is rotated now"
    );
    let from_report = plan_of(&["--report", &report]);
    assert_eq!(
        resources(&from_report),
        [format!("arn:aws:s3:::{}", fix_scenario::BUCKET)]
    );
    // Each plan kept a scan of its own: the last scan is now one in which both buckets fail.
    let from_store = plan_of(&["--last-scan"]);
    assert_eq!(resources(&from_store), resources(&everything));
    let other = b.run(&[
        "fix",
        "--report",
        "/nonexistent/report.json",
        "--store",
        &store,
    ]);
    assert_eq!(other.code, 2, "{}", other.stderr);
}

// moto cannot age an access key, so the threshold is 0 days: every key counts as idle, its
// user's keys are listed, and the fixer deactivates them.
#[test]
fn iam_unused_credentials() {
    round_trip(&Case {
        scenario: "iam_unused_credentials",
        checks: &["iam_unused_credentials"],
        flags: &["--include-disruptive"],
        config: "[thresholds]\nunused_credentials_days = 0\n",
    });
}
