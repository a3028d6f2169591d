//! What each subcommand does.

use crate::cli::{AccountArgs, CatalogueFormat, ChecksArgs, Cli, CollectArgs, Command, SelectArgs};
use anyhow::{bail, Context as _, Result};
use rampart_checks::{Selection, Severity};
use rampart_collect::{Options, Service};
use rampart_inventory::{save_snapshot, Inventory};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => crate::scan_cmd::run(*args),
        Command::Collect(args) => collect_cmd(args),
        Command::Checks(args) => checks(args),
        Command::Secrets(args) => crate::secrets_cmd::run(args),
        Command::Explain { id } => explain(&id),
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

fn stderr_progress() -> Option<rampart_collect::Progress> {
    std::io::stderr()
        .is_terminal()
        .then(|| Arc::new(|msg: &str| eprintln!("rampart: {msg}")) as rampart_collect::Progress)
}

/// Read the account through the SDK.
pub(crate) fn collect_account(
    account: &AccountArgs,
    services: BTreeSet<Service>,
) -> Result<Inventory> {
    let opts = Options {
        profile: account.profile.clone(),
        regions: account.regions.clone(),
        exclude_regions: account.exclude_regions.clone(),
        endpoint_url: account.endpoint_url.clone(),
        services,
        region_concurrency: account.region_concurrency,
        progress: stderr_progress(),
        ..Options::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let inventory = runtime.block_on(rampart_collect::collect(&opts))?;
    // Decided from the calls that succeeded, whatever the services selected: a healthy
    // account with nothing in them (`--services efs` on an account without file systems)
    // was read.
    if inventory.stats.total_successful_calls() == 0 {
        let first = inventory
            .errors
            .first()
            .map(|e| e.gap.describe())
            .unwrap_or_else(|| "no API call succeeded".into());
        bail!(
            "nothing could be read from account {}: {first}",
            inventory.account.id
        );
    }
    Ok(inventory)
}

fn collect_cmd(args: CollectArgs) -> Result<ExitCode> {
    let inventory = collect_account(&args.account, Service::ALL.into_iter().collect())?;
    save_snapshot(&inventory, &args.out)?;
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
                println!(
                    "{:<44} {:<14} {:<8} {}{}",
                    m.id,
                    m.service,
                    m.severity.as_str(),
                    m.title,
                    cis
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
