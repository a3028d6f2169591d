//! The store on the command line: where it is (`--store`, `[store] path`, the user's data
//! directory), keeping each scan and collect, and the commands that read it back: `history`,
//! `diff`, `show` and `prune`.

use crate::cli::{DiffArgs, HistoryArgs, PruneArgs, ShowArgs, StoreArgs, StoreLocationArgs};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rampart_checks::{CheckMeta, Finding, Selection};
use rampart_inventory::Inventory;
use rampart_output::terminal_safe;
use rampart_report::history::{
    render_diff, render_history, render_show, HistoryFormat, View, ViewOptions,
};
use rampart_store::{Recorded, ScanInput, ScanKind, Store, StoreLocation};
use rampart_triage::Config;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Where scans are kept, and for how long.
#[derive(Debug, Clone)]
pub(crate) struct StorePlan {
    /// The store.
    pub location: StoreLocation,
    /// Scans older than this are pruned after each stored scan (`[store] keep`).
    pub keep: Option<std::time::Duration>,
}

/// The store a command uses: `--store` (or `RAMPART_STORE`), else `[store] path` in the
/// settings file, else `rampart/store.db` in the user's data directory; none with
/// `--no-store`.
pub(crate) fn plan(args: &StoreArgs, config: &Config) -> Result<Option<StorePlan>> {
    if args.no_store {
        return Ok(None);
    }
    located(args.store.as_deref(), config).map(Some)
}

/// The store at `--store`, else `[store] path`, else the default.
pub(crate) fn located(store: Option<&str>, config: &Config) -> Result<StorePlan> {
    let location = match (store, &config.store.path) {
        (Some(s), _) => StoreLocation::parse(s),
        (None, Some(p)) => from_config(p),
        (None, None) => match StoreLocation::default_location() {
            Some(l) => l,
            None => bail!(
                "no data directory to keep scans in (neither XDG_DATA_HOME nor HOME is set): \
                 give --store PATH, or --no-store"
            ),
        },
    };
    Ok(StorePlan {
        location,
        keep: config.store.keep.as_ref().map(|k| k.0),
    })
}

fn from_config(p: &rampart_triage::StoreLocation) -> StoreLocation {
    match p {
        rampart_triage::StoreLocation::Sqlite(path) => {
            StoreLocation::Sqlite(path.as_path().to_path_buf())
        }
        rampart_triage::StoreLocation::Postgres(url) => StoreLocation::Postgres(url.clone()),
    }
}

/// Check the store before a scan reads anything: an unreachable server, a damaged file or a
/// store of a newer rampart stops the command at once (exit 2), before any AWS call. A
/// SQLite store that does not exist yet is created with the first scan.
pub(crate) fn preflight(plan: &StorePlan) -> Result<()> {
    match &plan.location {
        StoreLocation::Sqlite(p) if !p.exists() => Ok(()),
        loc => Store::open(loc).map(drop).map_err(store_error),
    }
}

fn store_error(e: rampart_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// The checks a selection evaluates.
pub(crate) fn selected_checks(selection: &Selection) -> Vec<&'static CheckMeta> {
    rampart_checks::registry()
        .iter()
        .map(|c| c.meta)
        .filter(|m| selection.includes(m))
        .collect()
}

/// Where an inventory came from, as the store records it.
pub(crate) fn source(snapshot: Option<&Path>) -> String {
    match snapshot {
        Some(p) => format!(
            "snapshot:{}",
            p.file_name().map_or_else(
                || p.to_string_lossy().into_owned(),
                |n| n.to_string_lossy().into_owned()
            )
        ),
        None => "live".into(),
    }
}

/// What turns a stored scan's changes into outbox messages (`watch`).
pub(crate) type MessagesOf<'a> =
    dyn FnMut(&rampart_store::ScanRow, &Recorded) -> Vec<rampart_store::NewMessage> + 'a;

/// Keep one scan (or collect) in the store, then apply `[store] keep`. A line on standard
/// error says where it went when standard error is a terminal.
pub(crate) fn keep(
    plan: &StorePlan,
    kind: ScanKind,
    inventory: &Inventory,
    findings: &[Finding],
    checks: &[&CheckMeta],
    source: String,
    messages: Option<&mut MessagesOf<'_>>,
) -> Result<Recorded> {
    let mut store = Store::open(&plan.location).map_err(store_error)?;
    let input = ScanInput {
        kind,
        inventory,
        findings,
        checks,
        source,
        renamed: rampart_checks::RENAMED_CHECKS,
    };
    let now = Utc::now();
    let recorded = match messages {
        Some(m) => store.record_with(&input, now, m),
        None => store.record(&input, now),
    }
    .map_err(store_error)?;
    if let Some(keep) = plan.keep {
        let cutoff = now - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::MAX);
        store.prune(cutoff).map_err(store_error)?;
    }
    let tty = std::io::stderr().is_terminal();
    match (&recorded.scan_id, &recorded.skipped) {
        (_, Some(why)) => eprintln!("rampart: note: {}", terminal_safe(why)),
        (Some(id), None) if tty => {
            let count = |l: rampart_store::Lifecycle| {
                recorded
                    .findings
                    .iter()
                    .filter(|f| f.lifecycle == l)
                    .count()
            };
            eprintln!(
                "rampart: kept as scan {id} in {} ({} new, {} resolved, {} resources changed; \
                 `rampart diff` shows them)",
                terminal_safe(&plan.location.to_string()),
                count(rampart_store::Lifecycle::New) + count(rampart_store::Lifecycle::Reopened),
                count(rampart_store::Lifecycle::Resolved),
                recorded.resources.len()
            );
        }
        _ => {}
    }
    Ok(recorded)
}

/// The settings file (`--config`, else `rampart.toml` here if present).
pub(crate) fn settings(config: Option<&Path>) -> Result<Config> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    Ok(Config::discover(config, &cwd)?
        .map(|(_, c)| c)
        .unwrap_or_default())
}

/// The store a reading command opens: it must exist.
fn open_for_reading(args: &StoreLocationArgs, config: Option<&Path>) -> Result<Store> {
    let config = settings(config)?;
    let plan = located(args.store.as_deref(), &config)?;
    Store::open_existing(&plan.location).map_err(store_error)
}

fn format(name: &str, view: View) -> Result<HistoryFormat> {
    let f: HistoryFormat = name.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    if !view.formats().contains(&f) {
        let list: Vec<&str> = view.formats().iter().map(|f| f.as_str()).collect();
        bail!(
            "`rampart {}` writes {}, not {}",
            view.as_str(),
            list.join(", "),
            f.as_str()
        );
    }
    Ok(f)
}

fn view_options(color: crate::cli::ColorChoice, verbose: bool, to_terminal: bool) -> ViewOptions {
    let width = if to_terminal {
        terminal_size::terminal_size()
            .map(|(w, _)| usize::from(w.0).clamp(60, 160))
            .unwrap_or(100)
    } else {
        100
    };
    ViewOptions {
        color: color.enabled(to_terminal),
        width,
        verbose,
    }
}

/// Write to `--output-file` (atomically) or standard output.
fn emit(output_file: Option<&Path>, render: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<()> {
    let mut buf = Vec::new();
    render(&mut buf)?;
    match output_file {
        Some(path) => rampart_output::write_file(path, &buf)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&buf)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// `rampart history`.
pub(crate) fn history(args: HistoryArgs) -> Result<ExitCode> {
    let fmt = format(&args.format, View::History)?;
    let mut store = open_for_reading(&args.store, args.config.as_deref())?;
    let scans = store
        .scans(args.account.as_deref(), Some(args.limit))
        .map_err(store_error)?;
    let tty = args.output_file.is_none() && std::io::stdout().is_terminal();
    let opts = view_options(args.color, args.verbose, tty);
    emit(args.output_file.as_deref(), |buf| {
        render_history(&scans, fmt, &opts, buf).map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `rampart diff [A] [B]`.
pub(crate) fn diff(args: DiffArgs) -> Result<ExitCode> {
    let fmt = format(&args.format, View::Diff)?;
    let mut store = open_for_reading(&args.store, args.config.as_deref())?;
    let (a, b) = store
        .diff_pair(args.from, args.to, args.account.as_deref())
        .map_err(store_error)?;
    let diff = store.diff(a, b).map_err(store_error)?;
    let tty = args.output_file.is_none() && std::io::stdout().is_terminal();
    let opts = view_options(args.color, args.verbose, tty);
    emit(args.output_file.as_deref(), |buf| {
        render_diff(&diff, fmt, &opts, buf).map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A time as `--at` takes it: RFC 3339 (`2026-11-30T12:00:00Z`), or a date (its end, UTC).
pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let end = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
        return Ok(d.and_time(end).and_utc());
    }
    bail!(
        "--at `{}`: give a time like 2026-11-30T12:00:00Z, or a date like 2026-11-30",
        terminal_safe(s)
    )
}

/// `rampart show RESOURCE [--at TIME]`.
pub(crate) fn show(args: ShowArgs) -> Result<ExitCode> {
    let fmt = format(&args.format, View::Show)?;
    let at = args.at.as_deref().map(parse_time).transpose()?;
    let mut store = open_for_reading(&args.store, args.config.as_deref())?;
    let h = store
        .show(&args.resource, args.account.as_deref(), at)
        .map_err(|e| anyhow::anyhow!("{}", terminal_safe(&e.to_string())))?;
    let tty = std::io::stdout().is_terminal();
    let opts = view_options(args.color, args.verbose, tty);
    emit(None, |buf| {
        render_show(&h, at, fmt, &opts, buf).map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `rampart prune --keep 90d`.
pub(crate) fn prune(args: PruneArgs) -> Result<ExitCode> {
    let config = settings(args.config.as_deref())?;
    let keep = match (&args.keep, &config.store.keep) {
        (Some(k), _) => humantime::parse_duration(k).with_context(|| {
            format!(
                "--keep `{}`: give a duration like 90d or 12w",
                terminal_safe(k)
            )
        })?,
        (None, Some(k)) => k.0,
        (None, None) => bail!(
            "how long to keep scans? give --keep 90d, or `keep` under [store] in rampart.toml"
        ),
    };
    let plan = located(args.store.store.as_deref(), &config)?;
    let mut store = Store::open_existing(&plan.location).map_err(store_error)?;
    let cutoff = Utc::now() - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::MAX);
    let stats = store.prune(cutoff).map_err(store_error)?;
    println!(
        "removed {} scans collected before {} ({} resource revisions, {} finding states, {} \
         delivered or failed messages); each account's latest scan is kept",
        stats.scans,
        cutoff.format("%Y-%m-%d %H:%M UTC"),
        stats.revisions,
        stats.finding_states,
        stats.messages
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_or_dates() {
        assert_eq!(
            parse_time("2026-11-30T12:00:00Z").unwrap().to_rfc3339(),
            "2026-11-30T12:00:00+00:00"
        );
        assert_eq!(
            parse_time("2026-11-30").unwrap().to_rfc3339(),
            "2026-11-30T23:59:59+00:00"
        );
        assert!(parse_time("yesterday").is_err());
    }
}
