//! `rampart secrets`: leaked credentials in working trees and git history, AWS access key
//! ids cross-checked against an account's keys (from a snapshot, or read live through
//! the collector), a baseline applied, the report in text, JSON or SARIF. Paths in
//! messages are shown with their control characters escaped, as the text report shows
//! them. With `--staged` or `--range`, only the lines a commit adds are read (the
//! commit path: `rampart secrets install-hook` writes the git hooks, [`crate::secrets_hook`]).

use crate::cli::{SecretsAction, SecretsArgs, SecretsFormat};
use anyhow::{bail, Context as _, Result};
use rampart_codescan::{
    render_json, render_sarif, render_text, repo_config_for, scan_history, scan_range, scan_staged,
    scan_tree, Baseline, LiveKeys, Report, ScanOptions, Severity, MAX_THREADS_PER_CORE,
};
use rampart_collect::{Options, Service};
use rampart_inventory::{load_snapshot, Collected, FoundKey, Inventory, KeyOwner};
use rampart_output::terminal_safe;
use rampart_secrets::{Engine, RepoSecretsConfig};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// Run `rampart secrets`. Exit codes: 0 no finding at or above `--fail-on`, 1 such
/// findings, 2 bad usage or input, or an incomplete scan: a file, directory or git object
/// that could not be read. As in ripgrep, such errors do not stop the scan (each is in the
/// report) but decide the exit code, before any finding: exit 0 or 1 means every file
/// and blob was read.
pub fn run(mut args: SecretsArgs) -> Result<ExitCode> {
    if let Some(SecretsAction::InstallHook(hook)) = &args.action {
        return crate::secrets_hook::install(hook);
    }
    let threshold = fail_threshold(&args.fail_on)?;
    let diff_scan = args.staged || args.range.is_some();
    if diff_scan {
        let option = if args.staged { "--staged" } else { "--range" };
        match args.paths.len() {
            0 => args.paths.push(".".into()),
            1 => {}
            n => bail!("{option} reads one repository, not {n} paths"),
        }
    }
    for path in &args.paths {
        if std::fs::symlink_metadata(path).is_err() {
            bail!("{}: no such file or directory", shown(path));
        }
    }
    for file in &args.ignore_files {
        if !file.is_file() {
            bail!("{}: ignore file not found", shown(file));
        }
    }
    // Inputs first, so that a bad baseline or snapshot fails before a long scan.
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let snapshot_keys = match &args.snapshot {
        Some(path) => Some(
            live_keys_of(&load_snapshot(path)?)
                .with_context(|| format!("{}: cannot check AWS keys against it", shown(path)))?,
        ),
        None => None,
    };

    // The repository's own detectors and allowed patterns (`.rampart/secrets.yaml` at the
    // top of the work tree of the first path), checked before anything is scanned.
    let repo_config = repo_config_for(args.paths.first().map_or(Path::new("."), |p| p.as_path()))?;
    let engine = repo_config
        .as_ref()
        .map_or(Engine::builtin(), RepoSecretsConfig::engine);
    let opts = ScanOptions {
        max_file_size: args.max_file_size.saturating_mul(1024 * 1024),
        threads: args.threads,
        ignore_files: args.ignore_files.clone(),
        respect_gitignore: !args.no_gitignore,
    };
    let threads = opts.thread_count();
    if args.threads > threads {
        eprintln!(
            "rampart: --threads {} capped to {threads} ({MAX_THREADS_PER_CORE} per available core)",
            args.threads
        );
    }
    let mut report = if args.staged {
        scan_staged(engine, &args.paths[0], &opts)?
    } else if let Some(range) = &args.range {
        scan_range(engine, &args.paths[0], range, &opts)?
    } else if args.git {
        let mut report = Report::default();
        for repo in &args.paths {
            report.merge(scan_history(engine, repo, &opts)?);
        }
        report
    } else {
        scan_tree(engine, &args.paths, &opts)?
    };

    let keys = match snapshot_keys {
        Some(keys) => Some(keys),
        None if args.live_keys && report.findings.iter().any(is_aws_key_id) => {
            Some(read_live_keys(&args, &report)?)
        }
        None if args.live_keys => {
            // Nothing to check: no need to call AWS, but say so.
            eprintln!("rampart: no AWS access key id found; the account was not read");
            None
        }
        None => None,
    };
    if let Some(keys) = &keys {
        keys.apply(&mut report);
    }
    if let Some(baseline) = &baseline {
        report.apply_baseline(baseline);
    }

    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let color = args.color.enabled(to_terminal);
    let rendered = match args.format {
        SecretsFormat::Text => render_text(&report, color),
        SecretsFormat::Json => render_json(&report),
        SecretsFormat::Sarif => render_sarif(&report, engine.detectors()),
    };
    match &args.output_file {
        Some(path) => {
            // Atomically for a regular file, in place for a FIFO or a device (issue 9,
            // defect 4), ending with one newline.
            let bytes = format!("{}\n", rendered.trim_end()).into_bytes();
            rampart_output::write_file(path, &bytes).map_err(|e| {
                anyhow::Error::new(e.source)
                    .context(format!("{}: cannot write the report", shown(path)))
            })?;
            eprint!("{}", summary(&report));
        }
        None => {
            print!("{rendered}");
            // The text report lists the errors; the others need a word on stderr.
            if args.format != SecretsFormat::Text && !report.errors.is_empty() {
                eprintln!(
                    "rampart: {} error(s): the scan is incomplete (see `errors` in the report)",
                    report.errors.len()
                );
            }
        }
    }
    let failing = threshold.map_or(0, |t| report.count_at_or_above(t));
    Ok(exit_code(failing, report.errors.len()))
}

/// The exit code of a scan with `failing` findings at or above `--fail-on` and `errors`
/// things it could not read: 2 when the scan is incomplete, whatever it found; then 1 for
/// failing findings; else 0.
fn exit_code(failing: usize, errors: usize) -> ExitCode {
    if errors > 0 {
        ExitCode::from(2)
    } else if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A path as messages show it: control characters escaped.
fn shown(path: &Path) -> String {
    terminal_safe(&path.display().to_string()).into_owned()
}

fn is_aws_key_id(f: &rampart_codescan::Finding) -> bool {
    f.detector_id == rampart_secrets::AWS_ACCESS_KEY_ID
}

/// One line for standard error when the report goes to a file.
fn summary(report: &Report) -> String {
    let mut s = format!(
        "rampart: {} secret(s) found in {} file(s)",
        report.findings.len(),
        report.scanned.files
    );
    if !report.errors.is_empty() {
        s.push_str(&format!(
            ", {} error(s): the scan is incomplete",
            report.errors.len()
        ));
    }
    s.push('\n');
    s
}

/// `--fail-on`: a severity, `info` (any finding, as for `scan`), or `none`.
fn fail_threshold(value: &str) -> Result<Option<Severity>> {
    Ok(Some(match value.to_ascii_lowercase().as_str() {
        "none" => return Ok(None),
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "medium" => Severity::Medium,
        "low" | "info" => Severity::Low,
        other => {
            bail!("--fail-on: unknown severity `{other}`: critical, high, medium, low, or none")
        }
    }))
}

/// What a snapshot says about AWS access keys. A schema 2 or 3 snapshot holds every user's
/// keys (`ListAccessKeys`), so a key it does not hold is not the account's; it fails when
/// the users themselves were not read, and notes users whose keys were not read. A schema 4
/// snapshot holds answers only for the keys found in the account's own configuration
/// (issue 10): any other key is UNVERIFIED, never "not the account's".
fn live_keys_of(inventory: &Inventory) -> Result<LiveKeys> {
    let account = inventory.account.id.clone();
    if inventory.schema_version >= 4 {
        return Ok(match &inventory.iam.found_keys {
            Collected::Ok(answers) => {
                let mut keys = LiveKeys::answers(
                    account,
                    "the snapshot holds no answer for this key (a snapshot records the owner \
                     and status of the keys found in the account's own configuration only); \
                     check it with --live-keys",
                );
                add_answers(&mut keys, answers);
                keys
            }
            Collected::Missing(gap) => LiveKeys::answers(
                account,
                format!(
                    "the snapshot's key lookups are missing ({}); check it with --live-keys",
                    gap.describe()
                ),
            ),
        });
    }
    let users = match &inventory.iam.users {
        Collected::Ok(users) => users,
        Collected::Missing(gap) => bail!("the IAM users were not read: {}", gap.describe()),
    };
    let mut keys = LiveKeys::new(account);
    for user in users {
        match &user.access_keys {
            Some(Collected::Ok(list)) => {
                for k in list {
                    keys.add(&user.name, &k.id, k.active);
                }
            }
            Some(Collected::Missing(_)) | None => keys.add_unread(&user.name),
        }
    }
    Ok(keys)
}

/// Add the account's answers about particular keys, by fingerprint.
fn add_answers(keys: &mut LiveKeys, answers: &BTreeMap<String, FoundKey>) {
    for (fp, key) in answers {
        match &key.owner {
            Collected::Ok(KeyOwner::User {
                name,
                active: Collected::Ok(active),
            }) => keys.add_held(fp, name, *active),
            Collected::Ok(KeyOwner::User {
                name,
                active: Collected::Missing(gap),
            }) => keys.add_unverified(
                fp,
                &format!(
                    "it is a key of IAM user {name}, but whether it is active could not be \
                     read ({})",
                    gap.describe()
                ),
            ),
            Collected::Ok(KeyOwner::NotInAccount { account: None }) => {
                keys.add_not_ours(fp, "IAM knows no such key")
            }
            Collected::Ok(KeyOwner::NotInAccount {
                account: Some(other),
            }) => keys.add_not_ours(fp, &format!("STS names account {other} as its owner")),
            Collected::Ok(KeyOwner::NotUserKey) => {
                keys.add_not_ours(fp, "not a long-term IAM user key (no AKIA prefix)")
            }
            Collected::Missing(gap) => keys.add_unverified(
                fp,
                &format!("its owner could not be looked up ({})", gap.describe()),
            ),
        }
    }
}

/// `--live-keys`: ask the account about each AWS access key id the scan found, one by one
/// (its owner, then that owner's key status), never about each user (issue 10).
fn read_live_keys(args: &SecretsArgs, report: &Report) -> Result<LiveKeys> {
    let region = args
        .region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .unwrap_or_else(|| "us-east-1".into());
    let opts = Options {
        profile: args.profile.clone(),
        regions: vec![region],
        endpoint_url: args.endpoint_url.clone(),
        services: [Service::Iam].into(),
        ..Options::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let ids: Vec<String> = report.aws_key_ids.ids().map(str::to_owned).collect();
    let lookup = runtime.block_on(rampart_collect::look_up_access_keys(&opts, &ids))?;
    for e in &lookup.errors {
        eprintln!(
            "rampart: {}",
            terminal_safe(&format!("key lookup failed: {}", e.gap.describe()))
        );
    }
    let mut keys = LiveKeys::answers(lookup.account, "the account was not asked about this key");
    add_answers(&mut keys, &lookup.keys);
    Ok(keys)
}
