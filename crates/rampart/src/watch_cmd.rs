//! `rampart watch`: scan on a schedule, keep each scan, put what is worth a message in the
//! store's outbox (in the scan's own transaction), and deliver what is due: webhooks, Slack
//! and SNS, retried with backoff, at least once, surviving restarts.

use crate::cli::WatchArgs;
use crate::store_cmd::StorePlan;
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use rampart_notify::{
    deliver_due, messages_for, run_schedule, Outbox, RetryPolicy, ScanRef, SendError, Senders,
    SnsSender, SystemClock,
};
use rampart_output::terminal_safe;
use rampart_store::{DeliveryOutcome, OutboxMessage, ScanKind, Store};
use rampart_triage::{Config, TargetKind};
use std::process::ExitCode;
use std::time::Duration;

/// The store's outbox, as delivery sees it.
struct StoreOutbox<'a>(&'a mut Store);

impl Outbox for StoreOutbox<'_> {
    fn due(&mut self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxMessage>> {
        Ok(self.0.outbox_due(now, limit)?)
    }

    fn record(&mut self, id: i64, outcome: DeliveryOutcome, now: DateTime<Utc>) -> Result<()> {
        Ok(self.0.outbox_record(id, &outcome, now)?)
    }
}

/// Run `rampart watch`.
pub(crate) fn run(args: WatchArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let config = Config::discover(args.scan.config.as_deref(), &cwd)?
        .map(|(_, c)| c)
        .unwrap_or_default();
    let plan = crate::scan_cmd::plan(&args.scan)?;
    if plan.is_fleet() {
        bail!("watch scans one account: run one watch per account (or per shard)");
    }
    let Some(store) = plan.store().cloned() else {
        bail!("watch keeps every scan and its outbox in the store: leave out --no-store");
    };
    let every = match (&args.every, &config.watch.every) {
        (Some(e), _) => humantime::parse_duration(e).with_context(|| {
            format!(
                "--every `{}`: give a duration like 1h or 30m",
                terminal_safe(e)
            )
        })?,
        (None, Some(p)) => p.0,
        (None, None) if args.once => Duration::from_secs(3600),
        (None, None) => {
            bail!("how often? give --every 1h, or `every` under [watch] in rampart.toml")
        }
    };
    let retry = RetryPolicy {
        first_delay: humantime::parse_duration(&args.retry_after).with_context(|| {
            format!(
                "--retry-after `{}`: give a duration like 30s",
                terminal_safe(&args.retry_after)
            )
        })?,
        ..RetryPolicy::default()
    };
    if config.watch.targets.is_empty() {
        eprintln!(
            "rampart watch: no [[watch.targets]] in the settings: scans are kept, nothing is sent"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut senders = Senders::http(&config.watch, retry, Duration::from_secs(10));
    for target in &config.watch.targets {
        if let TargetKind::Sns {
            topic_arn,
            region,
            profile,
        } = &target.kind
        {
            let account = plan.account_args();
            let connect = rampart_collect::ConnectOptions {
                profile: profile
                    .clone()
                    .or_else(|| account.and_then(|a| a.profile.clone())),
                endpoint_url: account.and_then(|a| a.endpoint_url.clone()),
                policy: account
                    .map(|a| crate::commands::call_policy(&a.calls))
                    .unwrap_or_default(),
                time_source: None,
            };
            let session = runtime
                .block_on(rampart_collect::Caller::connect(&connect))
                .session();
            let (topic, region) = (topic_arn.clone(), region.clone());
            let handle = runtime.handle().clone();
            senders.insert(
                &target.name,
                Box::new(SnsSender::new(move |m: &rampart_notify::SnsMessage| {
                    handle
                        .block_on(rampart_collect::notify::publish_sns(
                            &session,
                            &topic,
                            region.as_deref(),
                            &m.subject,
                            &m.message,
                            &m.delivery_id,
                        ))
                        .map(drop)
                        .map_err(|e| match &e {
                            rampart_collect::CollectError::Publish {
                                transient: true, ..
                            } => SendError::Transient(e.to_string()),
                            _ => SendError::Refused(e.to_string()),
                        })
                })),
            );
        }
    }
    let watch = config.watch.clone();
    run_schedule(every, &SystemClock, args.once, || {
        cycle(&plan, &store, &watch, &mut senders)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// One cycle: scan, keep, queue the messages, deliver what is due.
fn cycle(
    plan: &crate::scan_cmd::Plan,
    store: &StorePlan,
    watch: &rampart_triage::WatchConfig,
    senders: &mut Senders,
) -> Result<()> {
    let (inventory, report, selection) = plan.scan_for_watch()?;
    let checks = crate::store_cmd::selected_checks(&selection);
    let mut messages = |row: &rampart_store::ScanRow, rec: &rampart_store::Recorded| {
        let scan = ScanRef {
            account_id: row.account_id.clone(),
            scan_id: row.id,
            collected_at: row.collected_at,
        };
        messages_for(rec, &scan, watch)
    };
    let recorded = crate::store_cmd::keep(
        store,
        ScanKind::Scan,
        &inventory,
        &report.findings,
        &checks,
        crate::store_cmd::source(plan.snapshot_path()),
        Some(&mut messages),
    )?;
    drop(inventory);
    let mut db = Store::open(&store.location).map_err(|e| anyhow::anyhow!("{e}"))?;
    let delivered = deliver_due(&mut StoreOutbox(&mut db), senders, &SystemClock)?;
    let new = recorded
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.lifecycle,
                rampart_store::Lifecycle::New | rampart_store::Lifecycle::Reopened
            )
        })
        .count();
    let risky: usize = recorded.resources.iter().map(|r| r.risks().count()).sum();
    eprintln!(
        "rampart watch: {} at {}: {new} new failure(s), {risky} risky change(s); messages \
         delivered {}, to retry {}, failed {}",
        recorded
            .scan_id
            .map_or_else(|| "scan not stored".to_owned(), |id| format!("scan {id}")),
        report.collected_at.format("%Y-%m-%d %H:%M:%S UTC"),
        delivered.delivered(),
        delivered.retried(),
        delivered.failed()
    );
    for a in &delivered.attempts {
        if let DeliveryOutcome::Failed { error } | DeliveryOutcome::Retry { error, .. } = &a.outcome
        {
            eprintln!(
                "rampart watch: message {} to {}: {}",
                a.delivery_id,
                terminal_safe(&a.target),
                terminal_safe(error)
            );
        }
    }
    Ok(())
}
