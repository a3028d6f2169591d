//! `rampart.toml`: parsing, validation, discovery and path resolution.

use rampart_checks::{Settings, Severity};
use rampart_triage::{Compliance, Config, ConfigPath, FailOn, ReportFormat, TriageError};
use std::path::{Path, PathBuf};

fn parse(text: &str) -> Config {
    Config::parse(text, Path::new("/proj/rampart.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_err(text: &str) -> String {
    let e = Config::parse(text, Path::new("rampart.toml")).expect_err("should be refused");
    assert!(matches!(e, TriageError::Invalid { .. }));
    let s = e.to_string();
    assert!(!s.contains('\n'), "one line: {s}");
    s
}

// An empty file is a valid config that changes nothing.
#[test]
fn empty_config_is_all_defaults() {
    let c = parse("");
    assert_eq!(c, Config::default());
    assert_eq!(c.thresholds, Settings::default());
    assert_eq!(c.scan.fail_on, None);
}

#[test]
fn every_key_is_read() {
    let c = parse(
        r#"
[scan]
regions = ["eu-west-1"]
exclude_regions = ["us-west-1"]
services = ["iam", "ec2"]
checks = ["iam_root_mfa"]
exclude_checks = ["ec2_imdsv2_required"]
severity = ["critical", "HIGH"]
compliance = "cis"
fail_on = "none"
fail_on_new = true
mutelist = "ml.yaml"
baseline = "/abs/base.json"

[output]
formats = ["json", "sarif", "junit"]
output_dir = "out"
quiet = true

[thresholds]
access_key_max_age_days = 60
database_ports = [5432]
"#,
    );
    assert_eq!(c.scan.regions, ["eu-west-1"]);
    assert_eq!(c.scan.exclude_regions, ["us-west-1"]);
    assert_eq!(c.scan.services, ["iam", "ec2"]);
    assert_eq!(c.scan.checks, ["iam_root_mfa"]);
    assert_eq!(c.scan.exclude_checks, ["ec2_imdsv2_required"]);
    assert_eq!(c.scan.severity, [Severity::Critical, Severity::High]);
    assert_eq!(c.scan.compliance, Some(Compliance("cis-7.0".into())));
    assert_eq!(c.scan.fail_on, Some(FailOn::Never));
    assert!(c.scan.fail_on_new);
    // Relative paths resolve against the file's folder; absolute ones stay.
    assert_eq!(c.scan.mutelist, Some(ConfigPath("/proj/ml.yaml".into())));
    assert_eq!(c.scan.baseline, Some(ConfigPath("/abs/base.json".into())));
    assert_eq!(
        c.output.formats,
        [ReportFormat::Json, ReportFormat::Sarif, ReportFormat::Junit]
    );
    assert_eq!(c.output.output_dir, Some(ConfigPath("/proj/out".into())));
    assert!(c.output.quiet);
    assert_eq!(c.thresholds.access_key_max_age_days, 60);
    assert_eq!(c.thresholds.database_ports, [5432]);
    // Keys left out keep the CIS defaults.
    assert_eq!(c.thresholds.unused_credentials_days, 45);
    assert_eq!(c.thresholds.admin_ports, [22, 3389]);
    assert_eq!(
        parse("[scan]\nfail_on = \"medium\"\n").scan.fail_on,
        Some(FailOn::AtOrAbove(Severity::Medium))
    );
}

// Practice (cargo-deny): a config error names the file, line, column and key, in one line.
#[test]
fn malformed_configs_name_file_line_column_and_key() {
    let cases: &[(&str, &str)] = &[
        (
            "[thresholds]\naccess_key_max_age_days = \"ninety\"\n",
            "rampart.toml:2:27: [thresholds] access_key_max_age_days: invalid type: string \"ninety\", expected i64",
        ),
        (
            "[thresholds]\n\naccess_key_max_age_days = -5\n",
            "rampart.toml:3:27: [thresholds] access_key_max_age_days: must not be negative (found -5)",
        ),
        (
            "[thresholds]\nadmin_ports = []\n",
            "rampart.toml:2:15: [thresholds] admin_ports: empty list",
        ),
        (
            "[thresholds]\nadmin_ports = [22, 70000]\n",
            "rampart.toml:2:20: [thresholds] admin_ports[1]: ",
        ),
        (
            "[thresholds]\nmax_age = 3\n",
            "rampart.toml:2:1: [thresholds] max_age: unknown field `max_age`, expected one of `access_key_max_age_days`",
        ),
        (
            "[scan]\nseverity = [\"high\", \"urgent\"]\n",
            "rampart.toml:2:21: [scan] severity[1]: unknown severity `urgent`",
        ),
        (
            "[scan]\nfail_on = \"hgh\"\n",
            "rampart.toml:2:11: [scan] fail_on: unknown severity `hgh` (critical, high, medium, low, info), or none",
        ),
        (
            "[output]\nformats = [\"text\", \"xml\"]\n",
            "rampart.toml:2:20: [output] formats[1]: unknown format `xml` (text, json, ocsf, html, asff, sarif, csv, junit, markdown)",
        ),
        (
            "[output]\nformats = []\n",
            "rampart.toml:2:11: [output] formats: empty list",
        ),
        (
            "[scan]\nchecks = [\"iam_root_mfa\", \"iam_rot_mfa\"]\n",
            "rampart.toml:2:27: [scan] checks[1]: unknown check `iam_rot_mfa`",
        ),
        (
            "[scan]\nservices = [\"mainframe\"]\n",
            "rampart.toml:2:13: [scan] services[0]: unknown service `mainframe` (",
        ),
        (
            "[scan]\ncompliance = \"pci\"\n",
            "rampart.toml:2:14: [scan] compliance: unknown compliance framework `pci` (cis-7.0)",
        ),
        (
            "[scan]\nmutelist = \"\"\n",
            "rampart.toml:2:12: [scan] mutelist: empty path",
        ),
        (
            "[scan]\nfail_on_new = \"yes\"\n",
            "rampart.toml:2:15: [scan] fail_on_new: invalid type: string \"yes\", expected a boolean",
        ),
        ("[scna]\n", "rampart.toml:1:2: [scna]: unknown field `scna`, expected one of `scan`, `output`, `thresholds`"),
        ("[scan\nregions = []\n", "rampart.toml:1:"),
        ("[scan]\nregions = [\"a\",\n", "rampart.toml:"),
    ];
    for (text, want) in cases {
        let got = parse_err(text);
        assert!(
            got.starts_with(want),
            "for {text:?}\n got: {got}\nwant: {want}…"
        );
    }
}

// Zero is a legal threshold (rotate keys every day); only negatives are refused.
#[test]
fn zero_thresholds_are_accepted() {
    let c = parse("[thresholds]\naccess_key_max_age_days = 0\nunused_credentials_days = -0\n");
    assert_eq!(c.thresholds.access_key_max_age_days, 0);
}

// Discovery: an explicit path (relative to the working directory) must exist;
// otherwise ./rampart.toml is used when present, and no file is no config.
#[test]
fn discover_explicit_then_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    assert!(Config::discover(None, cwd).unwrap().is_none());

    std::fs::write(cwd.join("rampart.toml"), "[scan]\nmutelist = \"ml.yaml\"\n").unwrap();
    let (path, c) = Config::discover(None, cwd).unwrap().unwrap();
    assert_eq!(path, cwd.join("rampart.toml"));
    assert_eq!(c.scan.mutelist.unwrap().as_path(), cwd.join("ml.yaml"));

    std::fs::create_dir(cwd.join("ci")).unwrap();
    std::fs::write(
        cwd.join("ci/strict.toml"),
        "[scan]\nfail_on = \"low\"\nbaseline = \"../reports/base.json\"\n",
    )
    .unwrap();
    let (path, c) = Config::discover(Some(Path::new("ci/strict.toml")), cwd)
        .unwrap()
        .unwrap();
    assert_eq!(path, cwd.join("ci/strict.toml"));
    assert_eq!(c.scan.fail_on, Some(FailOn::AtOrAbove(Severity::Low)));
    assert_eq!(
        c.scan.baseline.unwrap().0,
        cwd.join("ci").join("../reports/base.json")
    );

    let e = Config::discover(Some(Path::new("missing.toml")), cwd).unwrap_err();
    assert!(matches!(e, TriageError::Read { .. }));
    // The message names the file; the I/O error is its source (printed by the error chain).
    assert!(
        e.to_string()
            .ends_with("missing.toml: cannot read config file"),
        "{e}"
    );
    let source = std::error::Error::source(&e).expect("the I/O error");
    assert_eq!(
        source.downcast_ref::<std::io::Error>().map(|io| io.kind()),
        Some(std::io::ErrorKind::NotFound)
    );

    std::fs::write(cwd.join("rampart.toml"), "[scan]\nfail_on = 3\n").unwrap();
    let e = Config::discover(None, cwd).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "{}:2:11: [scan] fail_on: ",
            cwd.join("rampart.toml").display()
        )),
        "{e}"
    );
}

// The shipped example loads, and its relative paths resolve beside it.
#[test]
fn the_example_config_loads() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/rampart.toml");
    let c = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.scan.fail_on, Some(FailOn::AtOrAbove(Severity::High)));
    let mutelist = c.scan.mutelist.unwrap();
    assert!(
        mutelist.as_path().is_file(),
        "{}",
        mutelist.as_path().display()
    );
    rampart_triage::Mutelist::load(mutelist.as_path()).unwrap();
}

// Issue 11: `[watch]` and `[store]` are read whole, relative store paths resolve against
// the file's folder, and each target's rules are `[watch]`'s with its own overrides.
#[test]
fn watch_and_store_tables_are_read() {
    use rampart_store::RiskKind;
    use rampart_triage::{StoreLocation, TargetKind, WatchRules};
    use std::time::Duration;
    let c = parse(
        r#"
[store]
path = "state/rampart.db"
keep = "90d"

[watch]
every = "1h"
min_severity = "medium"
new_only = false
resource_changes = ["world_open", "mfa_removed"]

[[watch.targets]]
name = "hook"
kind = "webhook"
url = "https://hooks.example.com/rampart"

[[watch.targets]]
name = "chat"
kind = "slack"
url = "http://127.0.0.1:9/slack"
min_severity = "critical"
resource_changes = []

[[watch.targets]]
name = "pager"
kind = "sns"
topic_arn = "arn:aws:sns:eu-west-1:111122223333:alerts.fifo"
region = "eu-west-1"
profile = "notify"
new_only = true
"#,
    );
    assert_eq!(
        c.store.path,
        Some(StoreLocation::Sqlite(ConfigPath(PathBuf::from(
            "/proj/state/rampart.db"
        ))))
    );
    assert_eq!(
        c.store.keep.map(|k| k.0),
        Some(Duration::from_secs(90 * 86400))
    );
    assert_eq!(c.watch.every.map(|p| p.0), Some(Duration::from_secs(3600)));
    let base = c.watch.rules();
    assert_eq!(base.min_severity, Severity::Medium);
    assert!(!base.new_only);
    assert!(base.reports_change(RiskKind::WorldOpen));
    assert!(!base.reports_change(RiskKind::AdminAttached));
    assert_eq!(c.watch.targets.len(), 3);

    let hook = c.watch.target("hook").unwrap();
    assert_eq!(
        hook.kind,
        TargetKind::Webhook {
            url: "https://hooks.example.com/rampart".into()
        }
    );
    assert_eq!(hook.rules(&base), base, "no overrides: the [watch] rules");

    let chat = c.watch.target("chat").unwrap().rules(&base);
    assert_eq!(chat.min_severity, Severity::Critical);
    assert!(!chat.new_only, "not overridden: inherited");
    assert!(
        !chat.reports_change(RiskKind::WorldOpen),
        "an empty list: no resource changes"
    );

    let pager = c.watch.target("pager").unwrap();
    assert_eq!(
        pager.kind,
        TargetKind::Sns {
            topic_arn: "arn:aws:sns:eu-west-1:111122223333:alerts.fifo".into(),
            region: Some("eu-west-1".into()),
            profile: Some("notify".into()),
        }
    );
    assert!(pager.rules(&base).new_only);

    // Defaults: high, new only, every risky kind.
    let d = parse("[watch]\n").watch.rules();
    assert_eq!(d, WatchRules::default());
    assert_eq!(d.min_severity, Severity::High);
    assert!(d.new_only);
    assert!(d.reports_change(RiskKind::PasswordPolicyWeakened));
}

// Issue 11: a PostgreSQL store URL is kept as written, never resolved as a path.
#[test]
fn store_path_may_be_a_postgres_url() {
    let c = parse("[store]\npath = \"postgres://rampart@127.0.0.1/rampart\"\n");
    assert_eq!(
        c.store.path,
        Some(rampart_triage::StoreLocation::Postgres(
            "postgres://rampart@127.0.0.1/rampart".into()
        ))
    );
}

// Issue 11 with practice "errors point at the user's file": every bad `[watch]` or
// `[store]` value is refused with the file, line, column and key.
#[test]
fn bad_watch_and_store_values_name_their_place() {
    let e = parse_err("[watch]\nresource_changes = [\"world_open\", \"wide_open\"]\n");
    assert!(
        e.starts_with(
            "rampart.toml:2:35: [watch] resource_changes[1]: unknown risky change kind `wide_open`"
        ),
        "{e}"
    );
    assert!(e.contains("mfa_removed"), "lists the known kinds: {e}");

    let e = parse_err("[watch]\nevery = \"soon\"\n");
    assert!(
        e.starts_with("rampart.toml:2:9: [watch] every: `soon` is not a duration"),
        "{e}"
    );
    let e = parse_err("[watch]\nevery = \"10s\"\n");
    assert!(e.contains("too short"), "{e}");
    let e = parse_err("[store]\nkeep = \"0d\"\n");
    assert!(e.starts_with("rampart.toml:2:8: [store] keep:"), "{e}");
    let e = parse_err("[store]\nkeep = 90\n");
    assert!(e.contains("expected a duration"), "{e}");
    let e = parse_err("[watch]\nmin_severity = \"urgent\"\n");
    assert!(
        e.contains("[watch] min_severity: unknown severity `urgent`"),
        "{e}"
    );
    let e = parse_err("[watch]\nevery = \"1h\"\nfrequency = \"1h\"\n");
    assert!(e.starts_with("rampart.toml:3:1:"), "{e}");
    assert!(e.contains("unknown field `frequency`"), "{e}");

    let target = |body: &str| parse_err(&format!("[watch]\n\n[[watch.targets]]\n{body}"));
    let e = target("name = \"a\"\nkind = \"webhook\"\n");
    assert!(
        e.starts_with("rampart.toml:3:1: [watch] targets[0]:"),
        "the target's header: {e}"
    );
    assert!(
        e.contains("target `a`: a webhook target needs `url`"),
        "{e}"
    );
    let e = target("name = \"a\"\nkind = \"email\"\nurl = \"https://x.example\"\n");
    assert!(
        e.contains("unknown kind `email` (webhook, slack, sns)"),
        "{e}"
    );
    let e = target("name = \"a\"\nkind = \"slack\"\nurl = \"ftp://x.example\"\n");
    assert!(e.contains("must start with https:// or http://"), "{e}");
    let e = target("name = \"a\"\nkind = \"webhook\"\nurl = \"https://x\"\ntopic_arn = \"arn:aws:sns:us-east-1:111122223333:t\"\n");
    assert!(
        e.contains("`topic_arn` does not apply to a webhook target"),
        "{e}"
    );
    let e = target(
        "name = \"a\"\nkind = \"sns\"\ntopic_arn = \"arn:aws:sqs:us-east-1:111122223333:q\"\n",
    );
    assert!(e.contains("not an SNS topic ARN"), "{e}");
    let e = target("name = \"a\"\nkind = \"sns\"\n");
    assert!(e.contains("an sns target needs `topic_arn`"), "{e}");
    let e = target("name = \"a\"\nkind = \"webhook\"\nurl = \"https://x\"\nheaders = 1\n");
    assert!(e.contains("unknown field `headers`"), "{e}");
    let e = target("name = \"a\"\nkind = \"webhook\"\nurl = \"https://x\"\n\n[[watch.targets]]\nname = \"a\"\nkind = \"slack\"\nurl = \"https://y\"\n");
    assert!(e.contains("two targets are named `a`"), "{e}");
}
