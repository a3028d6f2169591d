//! What each subcommand does.

use crate::cli::{
    AccountArgs, CallArgs, CatalogueFormat, ChecksArgs, Cli, CollectArgs, ColorChoice, Command,
    SelectArgs,
};
use anyhow::{bail, Context as _, Result};
use rampart_checks::{Selection, Severity};
use rampart_collect::{Options, Service};
use rampart_inventory::{save_snapshot, Inventory};
use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::Arc;

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => crate::scan_cmd::run(*args),
        Command::Collect(args) => collect_cmd(*args),
        Command::Checks(args) => checks(args),
        Command::Secrets(args) => crate::secrets_cmd::run(args),
        Command::Merge(args) => crate::merge_cmd::run(args),
        Command::History(args) => crate::store_cmd::history(args),
        Command::Diff(args) => crate::store_cmd::diff(args),
        Command::Show(args) => crate::store_cmd::show(args),
        Command::Prune(args) => crate::store_cmd::prune(args),
        Command::Watch(args) => crate::watch_cmd::run(*args),
        Command::Can(args) => crate::iam_cmd::can(*args),
        Command::Paths(args) => crate::iam_cmd::paths(*args),
        Command::Rightsize(args) => crate::iam_cmd::rightsize_cmd(*args),
        Command::Fix(args) => crate::fix_cmd::run(*args),
        Command::Undo(args) => crate::fix_cmd::undo(*args),
        Command::Explain { id } => explain(&id),
        Command::Completions { shell } => crate::shell_cmd::completions(shell),
        Command::Man { out_dir } => crate::shell_cmd::man(out_dir.as_deref()),
    }
}

/// The check selection, refusing names that match nothing.
pub(crate) fn selection(args: &SelectArgs) -> Result<Selection> {
    let severities = args
        .severity
        .iter()
        .map(|s| s.parse::<Severity>().map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    let sel = Selection {
        checks: args.checks.clone(),
        services: args.services.clone(),
        severities,
        exclude_checks: args.exclude_checks.clone(),
    };
    let unknown = sel.unknown_names();
    if !unknown.is_empty() {
        bail!("unknown {} (see `rampart checks`)", unknown.join(", "));
    }
    Ok(sel)
}

/// The collectors the selected checks need: the union of their declared `needs`.
pub(crate) fn services_for(sel: &Selection) -> BTreeSet<Service> {
    rampart_checks::registry()
        .iter()
        .filter(|c| sel.includes(c.meta))
        .flat_map(|c| c.meta.needs.iter().copied())
        .collect()
}

/// Why nothing could be read from an account, when nothing was: decided from the calls
/// that succeeded, whatever the services selected (a healthy account with nothing in them,
/// `--services efs` on an account without file systems, was read).
pub(crate) fn nothing_read(inventory: &Inventory) -> Option<String> {
    (inventory.stats.total_successful_calls() == 0).then(|| {
        inventory
            .errors
            .first()
            .map(|e| e.gap.describe())
            .unwrap_or_else(|| "no API call succeeded".into())
    })
}

/// Create folder `dir` (and its parents) for `what`, or say which folder could not be made.
pub(crate) fn create_dir(dir: &std::path::Path, what: &str) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "{}: cannot create the {what}",
            rampart_output::terminal_safe(&dir.to_string_lossy())
        )
    })
}

/// Retries, timeouts and requests in flight, from the command line.
pub(crate) fn call_policy(args: &CallArgs) -> rampart_collect::CallPolicy {
    let seconds = |s: f64| std::time::Duration::from_secs_f64(s.clamp(0.001, 86_400.0));
    rampart_collect::CallPolicy {
        max_attempts: args.max_attempts.max(1),
        adaptive: args.retry_mode == crate::cli::RetryMode::Adaptive,
        max_error_attempts: args.max_error_attempts.clamp(1, args.max_attempts.max(1)),
        initial_backoff: std::time::Duration::from_millis(args.retry_backoff_ms),
        connect_timeout: seconds(args.connect_timeout),
        read_timeout: seconds(args.read_timeout),
        max_in_flight: args.max_requests.max(1),
        max_in_flight_per_account: args.max_account_requests.max(1),
        max_in_flight_per_service: args.max_service_requests.max(1),
        ..rampart_collect::CallPolicy::default()
    }
}

/// Read the account through the SDK, with a progress line on a terminal (coloured as
/// `color` says). The access keys of the users with a key unused for `idle_key_days` or
/// more are listed, for `rampart fix`: pass the `unused_credentials_days` the findings are
/// evaluated with.
pub(crate) fn collect_account(
    account: &AccountArgs,
    services: BTreeSet<Service>,
    idle_key_days: i64,
    color: ColorChoice,
) -> Result<Inventory> {
    let bar = crate::progress::Bar::on_stderr(color);
    let opts = Options {
        profile: account.profile.clone(),
        regions: account.regions.clone(),
        exclude_regions: account.exclude_regions.clone(),
        endpoint_url: account.endpoint_url.clone(),
        services,
        region_concurrency: account.region_concurrency,
        policy: call_policy(&account.calls),
        progress: bar.clone().map(|b| b as Arc<dyn rampart_collect::Observer>),
        idle_key_days,
        ..Options::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let inventory = runtime.block_on(rampart_collect::collect(&opts));
    if let Some(bar) = &bar {
        bar.finish();
    }
    let inventory = inventory?;
    if let Some(why) = nothing_read(&inventory) {
        bail!(
            "nothing could be read from account {}: {why}",
            inventory.account.id
        );
    }
    Ok(inventory)
}

fn collect_cmd(args: CollectArgs) -> Result<ExitCode> {
    if args.fleet.is_fleet() {
        return collect_fleet(args);
    }
    let (store, thresholds) = collect_settings(&args)?;
    let inventory = collect_account(
        &args.account,
        Service::ALL.into_iter().collect(),
        thresholds.unused_credentials_days,
        ColorChoice::Auto,
    )?;
    save_snapshot(&inventory, &args.out)?;
    if let Some(store) = &store {
        keep_collect(store, &inventory)?;
    }
    eprintln!(
        "rampart: wrote {} ({} region(s), {} API calls, {} gap(s), {} ms)",
        args.out.display(),
        inventory.regions.scanned.len(),
        inventory.stats.total_api_calls(),
        inventory.errors.len(),
        inventory.stats.duration_ms
    );
    Ok(ExitCode::SUCCESS)
}

/// Where `collect` keeps its inventories (checked before anything is read), and the
/// `[thresholds]` of its settings file.
fn collect_settings(
    args: &CollectArgs,
) -> Result<(
    Option<crate::store_cmd::StorePlan>,
    rampart_checks::Settings,
)> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let config = rampart_triage::Config::discover(args.config.as_deref(), &cwd)?
        .map(|(_, c)| c)
        .unwrap_or_default();
    let store = crate::store_cmd::plan(&args.store, &config)?;
    if let Some(s) = &store {
        crate::store_cmd::preflight(s)?;
    }
    Ok((store, config.thresholds))
}

/// Keep a collected inventory in the store: resources and coverage, no findings.
fn keep_collect(store: &crate::store_cmd::StorePlan, inventory: &Inventory) -> Result<()> {
    crate::store_cmd::keep(
        store,
        rampart_store::ScanKind::Collect,
        inventory,
        &[],
        &[],
        crate::store_cmd::source(None),
        None,
    )
    .map(drop)
}

/// `collect` over many accounts: one snapshot per account in the `--out` folder.
fn collect_fleet(args: CollectArgs) -> Result<ExitCode> {
    struct SaveSnapshots {
        dir: std::path::PathBuf,
        store: Option<crate::store_cmd::StorePlan>,
        idle_key_days: i64,
    }
    impl crate::fleet::AccountWork for SaveSnapshots {
        fn idle_key_days(&self) -> i64 {
            self.idle_key_days
        }
        fn selection(&self, organization_level: bool) -> Selection {
            let all = Selection::default();
            if organization_level {
                all
            } else {
                all.without_organization_level()
            }
        }
        fn finish(
            &self,
            target: &crate::fleet::Target,
            inventory: Inventory,
        ) -> Result<rampart_report::ScanReport> {
            // Made with the first snapshot, so that bad input leaves no folder behind.
            create_dir(&self.dir, "snapshot folder")?;
            save_snapshot(&inventory, &self.dir.join(format!("{}.json", target.id)))?;
            if let Some(store) = &self.store {
                keep_collect(store, &inventory)?;
            }
            // The run folder keeps what was read, without findings: `collect` evaluates
            // nothing.
            Ok(rampart_report::ScanReport::new(
                &inventory,
                Vec::new(),
                chrono::Utc::now(),
                0,
            ))
        }
    }
    let (store, thresholds) = collect_settings(&args)?;
    if args.out.is_file() {
        bail!(
            "--out {}: with many accounts, --out is a folder (one <ACCOUNT_ID>.json snapshot each)",
            rampart_output::terminal_safe(&args.out.to_string_lossy())
        );
    }
    let plan = crate::fleet::FleetPlan {
        fleet: &args.fleet,
        account: &args.account,
        key_parts: vec![
            "collect".to_owned(),
            args.out.to_string_lossy().into_owned(),
        ],
        quiet: false,
        color: ColorChoice::Auto,
    };
    let finished = crate::fleet::run(
        &plan,
        Arc::new(SaveSnapshots {
            dir: args.out.clone(),
            store,
            idle_key_days: thresholds.unused_credentials_days,
        }),
    )?;
    finished.complete()?;
    let counts = finished.header.counts();
    eprintln!(
        "rampart: wrote {} snapshot(s) to {} ({} account(s) could not be read, {} skipped)",
        counts.scanned,
        rampart_output::terminal_safe(&args.out.to_string_lossy()),
        counts.error,
        counts.skipped
    );
    Ok(if counts.error > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn checks(args: ChecksArgs) -> Result<ExitCode> {
    if args.format == CatalogueFormat::Markdown {
        print!("{}", rampart_checks::docs::catalogue_markdown());
        return Ok(ExitCode::SUCCESS);
    }
    let sel = selection(&args.select)?;
    let framework = match &args.compliance {
        Some(id) => Some(compliance_framework(id)?),
        None => None,
    };
    let shown: Vec<&rampart_checks::CheckMeta> = rampart_checks::registry()
        .iter()
        .map(|c| c.meta)
        .filter(|m| sel.includes(m))
        .filter(|m| {
            args.cis
                .as_ref()
                .is_none_or(|id| m.cis.contains(&id.as_str()))
        })
        .filter(|m| framework.is_none_or(|_| !m.cis.is_empty()))
        .filter(|m| !args.fixable || rampart_checks::fix::fixer(m.id).is_some())
        .collect();
    match args.format {
        CatalogueFormat::Json => println!("{}", serde_json::to_string_pretty(&shown)?),
        _ => {
            for m in &shown {
                let cis = if m.cis.is_empty() {
                    String::new()
                } else {
                    format!("  [CIS {}]", m.cis.join(", "))
                };
                let fix = if rampart_checks::fix::fixer(m.id).is_some() {
                    "  [fix]"
                } else {
                    ""
                };
                println!(
                    "{:<44} {:<14} {:<8} {}{}{}",
                    m.id,
                    m.service,
                    m.severity.as_str(),
                    m.title,
                    cis,
                    fix
                );
            }
        }
    }
    eprintln!("{} check(s)", shown.len());
    Ok(ExitCode::SUCCESS)
}

/// A compliance framework by id, or an error listing the known ones.
pub(crate) fn compliance_framework(
    id: &str,
) -> Result<&'static rampart_checks::compliance::Framework> {
    rampart_checks::compliance::framework(id).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown compliance framework `{id}` (known: {})",
            rampart_checks::compliance::FRAMEWORK_IDS.join(", ")
        )
    })
}

fn explain(id: &str) -> Result<ExitCode> {
    let Some(c) = rampart_checks::find(id) else {
        bail!("unknown check `{id}` (see `rampart checks`)");
    };
    print!("{}", rampart_checks::docs::explain_text(c.meta));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(services: &[&str], checks: &[&str]) -> Selection {
        Selection {
            services: services.iter().map(|s| s.to_string()).collect(),
            checks: checks.iter().map(|s| s.to_string()).collect(),
            ..Selection::default()
        }
    }

    // Issue 9: a scan collects the union of the selected checks' declared needs, with no
    // string match that can fall through to nothing: `--services efs` reads EFS alone,
    // GuardDuty routing reads EventBridge too, the whole catalogue reads every service.
    #[test]
    fn services_for_is_the_union_of_needs() {
        assert_eq!(
            services_for(&select(&["efs"], &[])),
            BTreeSet::from([Service::Efs])
        );
        assert_eq!(
            services_for(&select(&[], &["guardduty_findings_routed"])),
            BTreeSet::from([Service::GuardDuty, Service::EventBridge])
        );
        for service in ["sns", "ecs", "ssm", "cloudformation"] {
            assert!(!services_for(&select(&[service], &[])).is_empty());
        }
        assert_eq!(
            services_for(&Selection::default()),
            Service::ALL.into_iter().collect::<BTreeSet<_>>()
        );
    }
}
