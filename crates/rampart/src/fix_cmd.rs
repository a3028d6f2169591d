//! `rampart fix` and `rampart undo`: a plan of the API calls that turn failing findings into
//! passing ones (printed, or written as JSON, a script, Terraform or CloudFormation), applied
//! through a separate write profile with a re-read of each resource just before its write,
//! every change recorded in the store, the touched checks rescanned, and each change undone
//! on request unless the resource changed since. The plan itself is a pure function in
//! `rampart_checks::fix`; the writes are `rampart_collect::apply`.

use crate::cli::{AccountArgs, FixArgs, FixFormat, SelectArgs, UndoArgs};
use crate::commands::{collect_account, selection};
use anyhow::{bail, Context as _, Result};
use chrono::Utc;
use rampart_checks::fix::{self, Plan, Risk, Step};
use rampart_checks::{Finding, Selection, Settings, Status};
use rampart_collect::apply::Writer;
use rampart_inventory::Inventory;
use rampart_output::terminal_safe;
use rampart_store::{ChangeOutcome, ChangeStatus, FindingKey, NewChange, ScanKind, Store};
use rampart_triage::{FailOn, Mutelist, TriageRules};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write as _};
use std::path::Path;
use std::process::ExitCode;

/// What every `fix` run needs, from the command line and rampart.toml.
struct Setup {
    selection: Selection,
    settings: Settings,
    mutelist: Option<Mutelist>,
    store: Option<crate::store_cmd::StorePlan>,
}

impl Setup {
    fn new(args: &FixArgs) -> Result<Setup> {
        let config = crate::store_cmd::settings(args.config.as_deref())?;
        let selection = fix_selection(&args.select)?;
        let mut settings = config.thresholds.clone();
        settings.fix = config.fix.clone();
        let flags = &mut settings.fix;
        if let Some(b) = &args.trail_bucket {
            flags.trail_bucket = Some(b.clone());
        }
        if let Some(b) = &args.config_bucket {
            flags.config_bucket = Some(b.clone());
        }
        if let Some(e) = &args.notify_email {
            flags.notify_email = Some(e.clone());
        }
        if let Some(l) = args.billing_limit {
            if !(l.is_finite() && l > 0.0) {
                bail!("--billing-limit must be a positive amount in USD, not {l}");
            }
            flags.billing_limit_usd = Some(l);
        }
        let mutelist = match args.mutelist.clone().or_else(|| {
            config
                .scan
                .mutelist
                .as_ref()
                .map(|p| p.as_path().to_owned())
        }) {
            Some(p) => Some(Mutelist::load(&p)?),
            None => None,
        };
        let store = crate::store_cmd::plan(&args.store, &config)?;
        if let Some(store) = &store {
            crate::store_cmd::preflight(store)?;
        }
        Ok(Setup {
            selection,
            settings,
            mutelist,
            store,
        })
    }

    /// The findings of `inventory` for the selected checks, muted as the mutelist says.
    fn evaluate(&self, inventory: &Inventory) -> Result<Vec<Finding>> {
        let findings = rampart_checks::evaluate(inventory, &self.settings, &self.selection);
        let rules = TriageRules {
            mutelist: self.mutelist.as_ref(),
            baseline: None,
            fail_on: FailOn::AtOrAbove(rampart_checks::Severity::Info),
            fail_on_new: false,
        };
        let triaged = rampart_triage::triage(
            findings,
            inventory,
            &self.selection,
            &rules,
            Utc::now().date_naive(),
        )
        .map_err(|e| anyhow::anyhow!("{}", terminal_safe(&e.to_string())))?;
        for w in &triaged.warnings {
            eprintln!("rampart: warning: {}", terminal_safe(w));
        }
        Ok(triaged.findings)
    }
}

/// The checks `fix` looks at: those selected that have a fixer (every one by default). A
/// check named with `--checks` that has no fixer is refused.
fn fix_selection(select: &SelectArgs) -> Result<Selection> {
    let with_fixer: BTreeSet<&str> = fix::fixers().iter().map(|f| f.meta.id).collect();
    for id in &select.checks {
        if rampart_checks::find(id).is_some() && !with_fixer.contains(id.as_str()) {
            bail!(
                "check {id} has no fixer: `rampart explain {id}` gives the command that fixes \
                 it (`rampart checks --fixable` lists the checks rampart fix can fix)"
            );
        }
    }
    let mut sel = selection(select)?;
    if sel.checks.is_empty() {
        let services = &sel.services;
        sel.checks = fix::fixers()
            .iter()
            .filter(|f| {
                services.is_empty()
                    || services
                        .iter()
                        .any(|s| f.meta.service.eq_ignore_ascii_case(s))
            })
            .map(|f| f.meta.id.to_owned())
            .collect();
        sel.services.clear();
        if sel.checks.is_empty() {
            bail!("no check with a fixer among the services selected");
        }
    }
    Ok(sel)
}

/// Run `rampart fix`.
pub(crate) fn run(args: FixArgs) -> Result<ExitCode> {
    let setup = Setup::new(&args)?;
    if args.changes {
        return list_changes(&args, &setup);
    }
    let applying = args.apply.is_some();
    if applying {
        if args.fix_profile.is_none() {
            bail!(
                "--apply writes through a separate profile: give --fix-profile NAME (a profile \
                 allowed to make the plan's calls; scans keep their read-only one)"
            );
        }
        if setup.store.is_none() {
            bail!(
                "--apply records every change in the store for `rampart undo`: it cannot run \
                 with --no-store"
            );
        }
        if args.output.is_some() || args.format != FixFormat::Text {
            bail!("--apply applies the plan: write it for review first, without --apply");
        }
    }
    let plan_file = args.apply.clone().filter(|p| !p.as_os_str().is_empty());
    if let Some(path) = plan_file {
        let plan = load_plan(&path)?;
        return apply(&args, &setup, plan, None, &path.display().to_string());
    }
    let Some(made) = make_plan(&args, &setup)? else {
        return Ok(ExitCode::SUCCESS);
    };
    if applying {
        print!("{}", render_text(&made.plan, args.include_disruptive));
        return apply(&args, &setup, made.plan, made.scan_id, "a fresh plan");
    }
    write_plan(
        &made.plan,
        args.format,
        args.output.as_deref(),
        args.include_disruptive,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// A plan and the stored scan it was made from.
struct Made {
    plan: Plan,
    scan_id: Option<i64>,
}

/// Plan from a snapshot, or from the account read now (kept in the store as a scan),
/// limited to the failures of `--report` or of the last stored scan when asked.
fn make_plan(args: &FixArgs, setup: &Setup) -> Result<Option<Made>> {
    let from_snapshot = args.snapshot.is_some();
    let inventory = match &args.snapshot {
        Some(path) => rampart_inventory::load_snapshot(path)?,
        None => {
            let checks: BTreeSet<&str> =
                setup.selection.checks.iter().map(String::as_str).collect();
            collect_account(
                &args.account,
                needs(&checks),
                setup.settings.unused_credentials_days,
                args.color,
            )?
        }
    };
    if !args.accounts.is_empty() && !args.accounts.contains(&inventory.account.id) {
        eprintln!(
            "rampart: account {} is not among --accounts: nothing to fix",
            inventory.account.id
        );
        return Ok(None);
    }
    let mut findings = setup.evaluate(&inventory)?;
    // Read before this scan is kept: "the last scan" is the one before it.
    let earlier = earlier_failures(args, setup, &inventory.account.id)?;
    let scan_id = match (&setup.store, from_snapshot) {
        (Some(store), false) => {
            let checks = crate::store_cmd::selected_checks(&setup.selection);
            let recorded = crate::store_cmd::keep(
                store,
                ScanKind::Scan,
                &inventory,
                &findings,
                &checks,
                crate::store_cmd::source(None),
                None,
            )?;
            recorded.scan_id
        }
        _ => None,
    };
    if let Some(failing) = earlier {
        findings.retain(|f| failing.contains(&key(f)));
    }
    let plan = fix::plan(&inventory, &setup.settings, &findings);
    Ok(Some(Made { plan, scan_id }))
}

/// A finding's identity across scans.
fn key(f: &Finding) -> FindingKey {
    (f.check_id.clone(), f.region.clone(), f.resource.clone())
}

/// The findings that failed (and were not muted) in `--report`, or in the account's last
/// stored scan with `--last-scan`; none when neither is asked.
fn earlier_failures(
    args: &FixArgs,
    setup: &Setup,
    account: &str,
) -> Result<Option<BTreeSet<FindingKey>>> {
    if let Some(path) = &args.report {
        let org = rampart_report::OrgReport::load(path)?;
        let report = org
            .reports
            .iter()
            .find(|r| r.account_id == account)
            .with_context(|| {
                format!(
                    "{} has no scan of account {account}, the account the credentials reach",
                    path.display()
                )
            })?;
        return Ok(Some(
            report
                .findings
                .iter()
                .filter(|f| f.status == Status::Fail && f.muted.is_none())
                .map(key)
                .collect(),
        ));
    }
    if args.last_scan {
        let store = setup
            .store
            .as_ref()
            .context("--last-scan reads the store: it cannot run with --no-store")?;
        let mut db = Store::open(&store.location).map_err(|e| anyhow::anyhow!("{e}"))?;
        let failing = db
            .failing_findings(account)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .with_context(|| format!("the store has no earlier scan of account {account}"))?;
        return Ok(Some(failing.into_iter().collect()));
    }
    Ok(None)
}

/// A plan file read back, or a clear error naming the file and the place.
fn load_plan(path: &Path) -> Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the plan {}", path.display()))?;
    let plan: Plan = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a rampart fix plan: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if plan.schema != fix::PLAN_SCHEMA {
        bail!(
            "{}: plan schema {} is not the one this rampart applies ({}): make the plan again",
            path.display(),
            plan.schema,
            fix::PLAN_SCHEMA
        );
    }
    for (i, step) in plan.steps.iter().enumerate() {
        let place = format!("{}: steps[{i}] ({})", path.display(), step.id);
        if step.id != step.stable_id() {
            bail!(
                "{place}: the step was edited after it was planned (its id does not match its \
                 check, resource, region and calls): make the plan again"
            );
        }
        if fix::fixer(&step.check_id).is_none() {
            bail!("{place}: no fixer for check `{}`", step.check_id);
        }
        for call in step.calls.iter().chain(&step.undo_calls) {
            if !rampart_collect::apply::supports(&call.service, &call.operation) {
                bail!(
                    "{place}: rampart does not make the call {} {}",
                    call.service,
                    call.operation
                );
            }
        }
    }
    Ok(plan)
}

/// Print the plan, or write it where `--output` says.
fn write_plan(
    plan: &Plan,
    format: FixFormat,
    output: Option<&Path>,
    include_disruptive: bool,
) -> Result<()> {
    let text = match format {
        FixFormat::Text => render_text(plan, include_disruptive),
        FixFormat::Json => fix::render::json(plan),
        FixFormat::Sh => fix::render::sh(plan, include_disruptive),
        FixFormat::Terraform => fix::render::terraform(plan),
        FixFormat::Cloudformation => {
            let templates = fix::render::cloudformation(plan);
            let dir = output.unwrap_or(Path::new("."));
            crate::commands::create_dir(dir, "the templates")?;
            let files: Vec<(std::path::PathBuf, Vec<u8>)> = templates
                .iter()
                .map(|(region, template)| {
                    let path = dir.join(format!("fix-{region}.template.json"));
                    (path, template.clone().into_bytes())
                })
                .collect();
            // Every template or none.
            rampart_output::write_files(&files).map_err(|e| anyhow::anyhow!("{e}"))?;
            for (path, _) in &files {
                eprintln!("rampart: wrote {}", path.display());
            }
            if templates.is_empty() {
                eprintln!("rampart: no step of this plan can be expressed as CloudFormation");
            }
            return Ok(());
        }
    };
    match output {
        Some(path) => {
            rampart_output::write_file(path, text.as_bytes())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!("rampart: wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// The plan for a reader: each step with its calls, states, risk and commands; everything
/// read from the account made safe for a terminal.
fn render_text(plan: &Plan, include_disruptive: bool) -> String {
    let t = |s: &str| terminal_safe(s).into_owned();
    let mut out = String::new();
    let safe = plan.steps.iter().filter(|s| s.risk == Risk::Safe).count();
    let _ = writeln!(
        out,
        "Plan for account {} (read at {}): {} step(s), {} safe and {} disruptive; {} failing \
         finding(s) not planned.",
        t(&plan.account_id),
        plan.collected_at.format("%Y-%m-%d %H:%M:%S UTC"),
        plan.steps.len(),
        safe,
        plan.steps.len() - safe,
        plan.not_planned.len()
    );
    for (n, step) in plan.steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n[{}] {} {} ({}){}",
            n + 1,
            step.id,
            step.check_id,
            step.risk.as_str(),
            if step.risk == Risk::Disruptive && !include_disruptive {
                ": applied only with --include-disruptive"
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "    resource: {}  region: {}",
            t(&step.resource),
            t(&step.region)
        );
        if !step.also_fixes.is_empty() {
            let _ = writeln!(out, "    also fixes: {}", step.also_fixes.join(", "));
        }
        let _ = writeln!(out, "    risk: {}", t(&step.risk_reason));
        let calls: Vec<String> = step
            .calls
            .iter()
            .map(|c| format!("{} {}", c.service, c.operation))
            .collect();
        let _ = writeln!(out, "    calls: {}", calls.join(", "));
        let _ = writeln!(out, "    before: {}", t(&step.before.to_string()));
        let _ = writeln!(out, "    after:  {}", t(&step.after.to_string()));
        if let Some(b) = &step.billing {
            let _ = writeln!(out, "    billing: {}", t(b));
        }
        if let Some(u) = &step.undo {
            let _ = writeln!(out, "    undo: {}", t(u));
        }
        if let Some(l) = &step.undo_loses {
            let _ = writeln!(out, "    undoing loses: {}", t(l));
        }
        for c in &step.cli {
            let _ = writeln!(out, "    $ {}", t(c));
        }
    }
    if !plan.not_planned.is_empty() {
        let _ = writeln!(out, "\nNot planned:");
        for np in &plan.not_planned {
            let _ = writeln!(
                out,
                "  {} {} ({}): {}",
                np.check_id,
                t(&np.resource),
                t(&np.region),
                t(&np.reason)
            );
        }
    }
    out
}

/// The value `v` with every response reference replaced by the recorded response member.
fn resolve(v: &Value, responses: &[Value]) -> Result<Value, String> {
    if let Some((call, member)) = fix::as_response_ref(v) {
        let response = responses
            .get(call)
            .ok_or_else(|| format!("call {call}'s response is not recorded"))?;
        let mut at = response;
        for part in member.split('.') {
            at = at
                .get(part)
                .ok_or_else(|| format!("call {call}'s response has no member {member}"))?;
        }
        return Ok(at.clone());
    }
    Ok(match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), resolve(v, responses)?)))
                .collect::<Result<_, String>>()?,
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| resolve(v, responses))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// Ask a yes/no question on the terminal; without one, `--yes` is required.
fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!("{question}\nno terminal to ask on: give --yes to go ahead without asking");
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// The services the checks of `checks` and their fixers read.
fn needs(checks: &BTreeSet<&str>) -> BTreeSet<rampart_inventory::Service> {
    checks.iter().flat_map(|id| fix::needs(id)).collect()
}

/// Read again what the checks of `checks` need, in `regions` (the global services are read
/// whatever the regions), with the `settings` the steps were planned with (the keys of
/// users idle for `unused_credentials_days` are listed, as when planning).
fn reread(
    account: &AccountArgs,
    checks: &BTreeSet<&str>,
    regions: &BTreeSet<String>,
    partition: &str,
    settings: &Settings,
    color: crate::cli::ColorChoice,
) -> Result<Inventory> {
    let mut account = account.clone();
    let mut list: Vec<String> = regions.iter().filter(|r| *r != "global").cloned().collect();
    if list.is_empty() {
        list.push(rampart_collect::global_region(partition).to_owned());
    }
    account.regions = list;
    account.exclude_regions.clear();
    collect_account(
        &account,
        needs(checks),
        settings.unused_credentials_days,
        color,
    )
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Written; the change's id in the store, and whether the re-read state is the planned
    /// one.
    Applied { change: String, verified: bool },
    /// The resource was already as the step would leave it.
    AlreadyDone,
    /// Not written: the resource is not as planned, a dependency did not apply, or the
    /// step is disruptive and not included or was declined.
    Skipped(String),
    /// A call failed; the calls before it were made.
    Failed(String),
}

/// Apply `plan`: the writer must reach the plan's account; steps in plan order, each
/// resource re-read just before its write; every change recorded; the touched checks
/// evaluated again.
fn apply(
    args: &FixArgs,
    setup: &Setup,
    plan: Plan,
    planned_scan_id: Option<i64>,
    what: &str,
) -> Result<ExitCode> {
    let store_plan = setup.store.as_ref().expect("checked by run");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let writer = runtime
        .block_on(Writer::connect(
            args.fix_profile.clone(),
            args.account.endpoint_url.clone(),
        ))
        .map_err(|e| anyhow::anyhow!("the fix profile cannot be used: {e}"))?;
    if writer.account_id() != plan.account_id {
        bail!(
            "{what} is for account {}, but --fix-profile reaches account {}: nothing was \
             changed",
            terminal_safe(&plan.account_id),
            terminal_safe(writer.account_id())
        );
    }
    if !args.accounts.is_empty() && !args.accounts.contains(&plan.account_id) {
        bail!(
            "{what} is for account {}, which is not among --accounts",
            plan.account_id
        );
    }
    let age = Utc::now() - plan.collected_at;
    if age > chrono::Duration::hours(i64::from(args.max_plan_age)) {
        bail!(
            "{what} is stale: it was made from the account as read at {} ({} hours ago; \
             --max-plan-age {}): make the plan again",
            plan.collected_at.format("%Y-%m-%d %H:%M UTC"),
            age.num_hours(),
            args.max_plan_age
        );
    }
    if plan.steps.is_empty() {
        println!("Nothing to apply: the plan has no step.");
        return Ok(ExitCode::SUCCESS);
    }
    // Ask once per risk class, before anything is written.
    let mut go: BTreeMap<Risk, bool> = BTreeMap::new();
    for risk in [Risk::Safe, Risk::Disruptive] {
        let n = plan.steps.iter().filter(|s| s.risk == risk).count();
        if n == 0 || (risk == Risk::Disruptive && !args.include_disruptive) {
            continue;
        }
        let billing = plan
            .steps
            .iter()
            .filter(|s| s.risk == risk && s.billing.is_some())
            .count();
        let q = format!(
            "Apply {n} {} step(s) to account {} through profile {}{}?",
            risk.as_str(),
            plan.account_id,
            terminal_safe(args.fix_profile.as_deref().unwrap_or_default()),
            if billing > 0 {
                format!(" ({billing} of them start billing: see `billing` in the plan)")
            } else {
                String::new()
            }
        );
        go.insert(risk, confirm(&q, args.yes)?);
    }
    let mut store = Store::open(&store_plan.location).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut outcomes: Vec<(Step, Outcome)> = Vec::new();
    let mut status_of: BTreeMap<String, bool> = BTreeMap::new(); // step id -> in place
    let mut rescanned: Vec<Finding> = Vec::new();
    let mut after_of: BTreeMap<String, Value> = BTreeMap::new();
    let steps = plan.steps.clone();
    let mut i = 0;
    while i < steps.len() {
        // A group: consecutive steps of one check, re-read together.
        let check = steps[i].check_id.clone();
        let mut j = i;
        while j < steps.len() && steps[j].check_id == check {
            j += 1;
        }
        let group = &steps[i..j];
        i = j;
        let wanted: Vec<&Step> = group
            .iter()
            .filter(|s| {
                let skip = skip_reason(s, args, &go);
                if let Some(why) = &skip {
                    status_of.insert(s.id.clone(), false);
                    outcomes.push(((*s).clone(), Outcome::Skipped(why.clone())));
                }
                skip.is_none()
            })
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let mut checks: BTreeSet<&str> = BTreeSet::new();
        let mut regions = BTreeSet::new();
        for s in &wanted {
            checks.insert(&s.check_id);
            checks.extend(s.also_fixes.iter().map(String::as_str));
            regions.insert(s.region.clone());
        }
        let before_inv = reread(
            &args.account,
            &checks,
            &regions,
            &plan.partition,
            &setup.settings,
            args.color,
        )?;
        let mut written: Vec<(Step, Value, Vec<Value>)> = Vec::new();
        for step in wanted {
            if let Some(why) = deps_failed(step, &status_of) {
                status_of.insert(step.id.clone(), false);
                outcomes.push((step.clone(), Outcome::Skipped(why)));
                continue;
            }
            let now = match fix::current_state(&before_inv, &setup.settings, step) {
                Ok(v) => v,
                Err(e) => {
                    status_of.insert(step.id.clone(), false);
                    outcomes.push((
                        step.clone(),
                        Outcome::Skipped(format!("not re-read just before the write: {}", e.0)),
                    ));
                    continue;
                }
            };
            if now == step.after {
                status_of.insert(step.id.clone(), true);
                outcomes.push((step.clone(), Outcome::AlreadyDone));
                continue;
            }
            if !as_planned(&now, &step.before, &step.after) {
                status_of.insert(step.id.clone(), false);
                outcomes.push((
                    step.clone(),
                    Outcome::Skipped(format!(
                        "the resource changed since the plan: planned from {}, now {}",
                        step.before, now
                    )),
                ));
                continue;
            }
            let (responses, error) = runtime.block_on(make_calls(&writer, step, &step.calls, None));
            match error {
                None => {
                    status_of.insert(step.id.clone(), true);
                    written.push((step.clone(), now, responses));
                }
                Some(error) => {
                    status_of.insert(step.id.clone(), false);
                    let id = store
                        .record_change(&NewChange {
                            account_id: plan.account_id.clone(),
                            region: step.region.clone(),
                            check_id: step.check_id.clone(),
                            resource: step.resource.clone(),
                            step: stored_step(step, &responses),
                            before: now,
                            after: None,
                            outcome: ChangeOutcome::Failed {
                                error: error.clone(),
                            },
                            applied_at: Utc::now(),
                            planned_scan_id,
                        })
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    let done = if responses.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " (after {} call(s) that succeeded: change {id} records them)",
                            responses.len()
                        )
                    };
                    outcomes.push((step.clone(), Outcome::Failed(format!("{error}{done}"))));
                }
            }
        }
        if written.is_empty() {
            continue;
        }
        // The rescan of what was touched: re-read, record each change with its state as
        // read back, and evaluate the checks again.
        let after_inv = reread(
            &args.account,
            &checks,
            &regions,
            &plan.partition,
            &setup.settings,
            args.color,
        )?;
        let touched = Selection {
            checks: checks.iter().map(|s| (*s).to_owned()).collect(),
            ..Selection::default()
        };
        // The newest reading of each finding wins: an earlier group's rescan saw this
        // group's resources before their writes.
        let fresh = rampart_checks::evaluate(&after_inv, &setup.settings, &touched);
        let read: BTreeSet<(String, String)> = fresh
            .iter()
            .map(|f| (f.check_id.clone(), f.region.clone()))
            .collect();
        rescanned.retain(|old| !read.contains(&(old.check_id.clone(), old.region.clone())));
        rescanned.extend(fresh);
        for (step, before, responses) in written {
            let after = fix::current_state(&after_inv, &setup.settings, &step)
                .unwrap_or_else(|e| serde_json::json!({"unread": e.0}));
            let verified = after == step.after;
            after_of.insert(step.id.clone(), after.clone());
            let id = store
                .record_change(&NewChange {
                    account_id: plan.account_id.clone(),
                    region: step.region.clone(),
                    check_id: step.check_id.clone(),
                    resource: step.resource.clone(),
                    step: stored_step(&step, &responses),
                    before,
                    after: Some(after),
                    outcome: ChangeOutcome::Applied,
                    applied_at: Utc::now(),
                    planned_scan_id,
                })
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            outcomes.push((
                step,
                Outcome::Applied {
                    change: id.to_string(),
                    verified,
                },
            ));
        }
    }
    Ok(report(&plan, &outcomes, &rescanned, &after_of))
}

/// Why a step is not applied before anything is read: disruptive and not included, or its
/// class declined.
fn skip_reason(step: &Step, args: &FixArgs, go: &BTreeMap<Risk, bool>) -> Option<String> {
    if step.risk == Risk::Disruptive && !args.include_disruptive {
        return Some("disruptive: applied only with --include-disruptive".into());
    }
    if go.get(&step.risk) == Some(&false) {
        return Some(format!("{} steps declined", step.risk.as_str()));
    }
    None
}

/// Whether a resource read just before the write is as the plan saw it: its state is the
/// step's `before`, or each of its members is as `before` or already as `after` has it (an
/// earlier step of the same run, or someone else, made part of the change: the calls set
/// members, so making them again changes nothing). A member with any other value means the
/// resource changed since the plan.
fn as_planned(now: &Value, before: &Value, after: &Value) -> bool {
    if now == before {
        return true;
    }
    match (now, before, after) {
        (Value::Object(n), Value::Object(b), Value::Object(a)) => {
            let keys: BTreeSet<&String> = n.keys().chain(b.keys()).chain(a.keys()).collect();
            keys.into_iter().all(|k| {
                let v = n.get(k).unwrap_or(&Value::Null);
                v == b.get(k).unwrap_or(&Value::Null) || v == a.get(k).unwrap_or(&Value::Null)
            })
        }
        _ => false,
    }
}

/// The first dependency of `step` that did not apply, as a reason.
fn deps_failed(step: &Step, status_of: &BTreeMap<String, bool>) -> Option<String> {
    step.depends_on
        .iter()
        .find(|d| status_of.get(*d) != Some(&true))
        .map(|d| format!("step {d}, which it needs, did not apply"))
}

/// The step as the store keeps it: the plan's step and the responses of its calls (the
/// created ids its undo needs).
fn stored_step(step: &Step, responses: &[Value]) -> Value {
    let mut v = serde_json::to_value(step).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("responses".into(), Value::Array(responses.to_vec()));
    }
    v
}

/// Make `calls` in order for `step`; the responses of those that succeeded, and the error
/// that stopped the rest. Response references resolve from `recorded` (an undo: the forward
/// calls' responses, as the store kept them), else from the calls made so far.
async fn make_calls(
    writer: &Writer,
    step: &Step,
    calls: &[fix::Call],
    recorded: Option<&[Value]>,
) -> (Vec<Value>, Option<String>) {
    let mut responses: Vec<Value> = Vec::new();
    for call in calls {
        let params = match resolve(&call.params, recorded.unwrap_or(&responses)) {
            Ok(p) => p,
            Err(e) => {
                return (
                    responses,
                    Some(format!("{} {}: {e}", call.service, call.operation)),
                )
            }
        };
        match writer
            .call(&step.region, &call.service, &call.operation, &params)
            .await
        {
            Ok(r) => responses.push(r),
            Err(e) => {
                let denied = if e.denied {
                    " denied to the fix profile"
                } else {
                    ""
                };
                return (
                    responses,
                    Some(format!("{} {}{denied}: {e}", call.service, call.operation)),
                );
            }
        }
    }
    (responses, None)
}

/// The findings of the rescan for a step: its check's (and the checks it also fixes) on its
/// resource; else those in its region, then anywhere, on resources no other step or failure
/// of the plan names (a fixed account-wide control is reported on the account, a created
/// detector under its new id). None when the check no longer reports the resource at all
/// (a user whose idle key was deactivated has no finding any more).
fn step_statuses<'a>(
    step: &Step,
    rescanned: &'a [Finding],
    others: &BTreeSet<&str>,
) -> Vec<&'a Finding> {
    let ids: BTreeSet<&str> = std::iter::once(step.check_id.as_str())
        .chain(step.also_fixes.iter().map(String::as_str))
        .collect();
    let of_check: Vec<&Finding> = rescanned
        .iter()
        .filter(|f| ids.contains(f.check_id.as_str()))
        .filter(|f| f.resource == step.resource || !others.contains(f.resource.as_str()))
        .collect();
    let pick = |keep: &dyn Fn(&Finding) -> bool| -> Vec<&'a Finding> {
        of_check.iter().copied().filter(|f| keep(f)).collect()
    };
    let exact = pick(&|f| f.resource == step.resource);
    if !exact.is_empty() {
        return exact;
    }
    let regional = pick(&|f| f.region == step.region);
    if !regional.is_empty() {
        return regional;
    }
    of_check
}

/// Print what happened to each step and the touched checks' new results; exit 0 when every
/// applied step's findings pass and nothing failed or was refused.
fn report(
    plan: &Plan,
    outcomes: &[(Step, Outcome)],
    rescanned: &[Finding],
    after_of: &BTreeMap<String, Value>,
) -> ExitCode {
    let t = |s: &str| terminal_safe(s).into_owned();
    let mut ok = true;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    println!("\nApplied to account {}:", t(&plan.account_id));
    let named: Vec<&str> = plan
        .steps
        .iter()
        .map(|s| s.resource.as_str())
        .chain(plan.not_planned.iter().map(|n| n.resource.as_str()))
        .collect();
    for (step, outcome) in outcomes {
        let others: BTreeSet<&str> = named
            .iter()
            .copied()
            .filter(|r| *r != step.resource)
            .collect();
        let head = format!("{} {} {}", step.id, step.check_id, t(&step.resource));
        match outcome {
            Outcome::Applied { change, verified } => {
                *counts.entry("applied").or_default() += 1;
                let findings = step_statuses(step, rescanned, &others);
                let failing: Vec<&&Finding> = findings
                    .iter()
                    .filter(|f| f.status != Status::Pass)
                    .collect();
                if failing.is_empty() && *verified {
                    let gone = if findings.is_empty() {
                        " (its check no longer reports it)"
                    } else {
                        ""
                    };
                    println!("  applied   {head}: change {change}; rescan: PASS{gone}");
                } else {
                    ok = false;
                    let why = if !failing.is_empty() {
                        failing
                            .iter()
                            .map(|f| format!("{} {}: {}", f.status, f.check_id, t(&f.reason)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    } else {
                        let read = after_of.get(&step.id).cloned().unwrap_or(Value::Null);
                        format!(
                            "the resource reads back as {read}, not as planned ({})",
                            step.after
                        )
                    };
                    println!(
                        "  applied   {head}: change {change}; NOT fixed: {}",
                        t(&why)
                    );
                }
            }
            Outcome::AlreadyDone => {
                *counts.entry("already as planned").or_default() += 1;
                println!("  unchanged {head}: already as the plan would leave it");
            }
            Outcome::Skipped(why) => {
                *counts.entry("not applied").or_default() += 1;
                if !why.starts_with("disruptive") {
                    ok = false;
                }
                println!("  skipped   {head}: {}", t(why));
            }
            Outcome::Failed(why) => {
                *counts.entry("failed").or_default() += 1;
                ok = false;
                println!("  FAILED    {head}: {}", t(why));
            }
        }
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    println!("Summary: {}.", summary.join(", "));
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `rampart fix --changes`: the changes recorded for the account, newest first.
fn list_changes(args: &FixArgs, setup: &Setup) -> Result<ExitCode> {
    let store = setup
        .store
        .as_ref()
        .context("--changes reads the store: it cannot run with --no-store")?;
    let mut db = Store::open(&store.location).map_err(|e| anyhow::anyhow!("{e}"))?;
    let filter = rampart_store::ChangeFilter::default();
    let mut any = false;
    let mut changes = db
        .changes(None, &filter)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    changes.retain(|c| args.accounts.is_empty() || args.accounts.contains(&c.account_id));
    changes.reverse();
    for c in changes {
        any = true;
        println!(
            "{}  {}  {}  {:<8} {}  {} {}",
            c.id,
            c.account_id,
            c.applied_at.format("%Y-%m-%d %H:%M:%S"),
            c.status.as_str(),
            c.check_id,
            terminal_safe(&c.resource),
            c.error
                .as_deref()
                .map(|e| format!("({})", terminal_safe(e)))
                .unwrap_or_default()
        );
    }
    if !any {
        println!("No change recorded.");
    }
    Ok(ExitCode::SUCCESS)
}

/// Run `rampart undo CHANGE_ID`.
pub(crate) fn undo(args: UndoArgs) -> Result<ExitCode> {
    let config = crate::store_cmd::settings(args.config.as_deref())?;
    let mut settings = config.thresholds.clone();
    settings.fix = config.fix.clone();
    let id: rampart_store::ChangeId = args
        .change
        .parse()
        .map_err(|e: rampart_store::StoreError| anyhow::anyhow!("{e}"))?;
    let location = crate::store_cmd::located(args.store.store.as_deref(), &config)?.location;
    let mut store = Store::open_existing(&location).map_err(|e| anyhow::anyhow!("{e}"))?;
    let change = store.change(&id).map_err(|e| anyhow::anyhow!("{e}"))?;
    match change.status {
        ChangeStatus::Applied => {}
        ChangeStatus::Failed => bail!(
            "change {id} failed when it was applied ({}): there is nothing to undo",
            terminal_safe(change.error.as_deref().unwrap_or("no error recorded"))
        ),
        ChangeStatus::Undone => bail!("change {id} was already undone"),
    }
    let step: Step = serde_json::from_value(change.step.clone())
        .with_context(|| format!("change {id}'s recorded step cannot be read"))?;
    let responses: Vec<Value> = change
        .step
        .get("responses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if step.undo_calls.is_empty() {
        bail!(
            "change {id} cannot be undone by rampart: {}",
            terminal_safe(step.undo.as_deref().unwrap_or("no undo is known for it"))
        );
    }
    // A change that others rely on (the role flow logs deliver with) is undone last.
    let dependants: Vec<String> = store
        .changes(
            Some(&change.account_id),
            &rampart_store::ChangeFilter::default(),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .filter(|c| c.status == ChangeStatus::Applied && c.id != id)
        .filter(|c| {
            c.step
                .get("depends_on")
                .and_then(Value::as_array)
                .is_some_and(|d| d.iter().any(|x| x.as_str() == Some(step.id.as_str())))
        })
        .map(|c| c.id.to_string())
        .collect();
    if !dependants.is_empty() {
        bail!(
            "change {id} is needed by change(s) {}, still applied: undo them first",
            dependants.join(", ")
        );
    }
    let Some(fix_profile) = args.fix_profile.clone() else {
        bail!("undo writes through a separate profile: give --fix-profile NAME");
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let writer = runtime
        .block_on(Writer::connect(
            Some(fix_profile),
            args.account.endpoint_url.clone(),
        ))
        .map_err(|e| anyhow::anyhow!("the fix profile cannot be used: {e}"))?;
    if writer.account_id() != change.account_id {
        bail!(
            "change {id} was made in account {}, but --fix-profile reaches account {}",
            change.account_id,
            writer.account_id()
        );
    }
    let mut checks: BTreeSet<&str> = BTreeSet::new();
    checks.insert(&step.check_id);
    checks.extend(step.also_fixes.iter().map(String::as_str));
    let regions: BTreeSet<String> = [step.region.clone()].into();
    let partition = writer.partition().to_owned();
    let now_inv = reread(
        &args.account,
        &checks,
        &regions,
        &partition,
        &settings,
        args.color,
    )?;
    let now = fix::current_state(&now_inv, &settings, &step)
        .map_err(|e| anyhow::anyhow!("{}: nothing was undone", e.0))?;
    let after = change.after.clone().unwrap_or(Value::Null);
    if now != after {
        println!(
            "Refused: {} changed after the fix (as fixed: {}; now: {}). Nothing was undone.",
            terminal_safe(&step.resource),
            terminal_safe(&after.to_string()),
            terminal_safe(&now.to_string())
        );
        return Ok(ExitCode::from(1));
    }
    if let Some(loses) = &step.undo_loses {
        let q = format!(
            "Undoing change {id} loses data: {}. Go ahead?",
            terminal_safe(loses)
        );
        if !confirm(&q, args.yes)? {
            println!("Nothing was undone.");
            return Ok(ExitCode::from(1));
        }
    }
    let (_, error) = runtime.block_on(make_calls(
        &writer,
        &step,
        &step.undo_calls,
        Some(&responses),
    ));
    if let Some(error) = error {
        println!(
            "FAILED to undo change {id}: {}. The change stays recorded as applied.",
            terminal_safe(&error)
        );
        return Ok(ExitCode::from(1));
    }
    store
        .mark_undone(&id, Utc::now())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let back = reread(
        &args.account,
        &checks,
        &regions,
        &partition,
        &settings,
        args.color,
    )?;
    let back_state = fix::current_state(&back, &settings, &step);
    let restored = back_state.as_ref().ok() == Some(&change.before);
    let findings = rampart_checks::evaluate(
        &back,
        &settings,
        &Selection {
            checks: checks.iter().map(|s| (*s).to_owned()).collect(),
            ..Selection::default()
        },
    );
    let statuses: Vec<String> = step_statuses(&step, &findings, &BTreeSet::new())
        .iter()
        .map(|f| format!("{} {}", f.check_id, f.status))
        .collect();
    println!(
        "Undone change {id} ({} on {}): {}; rescan: {}.",
        step.check_id,
        terminal_safe(&step.resource),
        if restored {
            "the resource reads back as before the fix".to_owned()
        } else {
            format!(
                "the resource does NOT read back exactly as before the fix (now {}; before \
                 {})",
                terminal_safe(
                    &back_state
                        .as_ref()
                        .map(|v| v.to_string())
                        .unwrap_or_else(|e| e.0.clone())
                ),
                terminal_safe(&change.before.to_string())
            )
        },
        if statuses.is_empty() {
            "no finding".to_owned()
        } else {
            statuses.join(", ")
        }
    );
    Ok(if restored {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Make the undo calls of `step`, their references resolved from the forward calls'
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every `Call::new(service, operation, ...)` written in the fixers' sources, as
    /// (service, operation, file).
    fn calls_in_fixers() -> Vec<(String, String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rampart-checks/src");
        let call = regex::Regex::new(r#"Call::new\(\s*"([a-z0-9]+)",\s*"([A-Za-z0-9]+)""#).unwrap();
        let mut out = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for c in call.captures_iter(&text) {
                        out.push((c[1].to_owned(), c[2].to_owned(), path.display().to_string()));
                    }
                }
            }
        }
        out
    }

    // Issue 14: a fixer that emits a call the writer does not make fails here, not in front
    // of a user (`--apply` would refuse the plan before any write).
    #[test]
    fn the_writer_makes_every_call_a_fixer_writes() {
        let calls = calls_in_fixers();
        assert!(
            calls.len() > 60,
            "the scan of the sources found {}",
            calls.len()
        );
        let missing: Vec<_> = calls
            .iter()
            .filter(|(service, op, _)| !rampart_collect::apply::supports(service, op))
            .collect();
        assert!(missing.is_empty(), "not made by the writer: {missing:#?}");
        // The scan itself sees an unsupported call.
        assert!(!rampart_collect::apply::supports(
            "ec2",
            "TerminateInstances"
        ));
    }

    // Names, tags and policies come from whoever controls the account: the text plan shows
    // their control characters escaped, never raw.
    #[test]
    fn the_text_plan_is_terminal_safe() {
        let hostile = "web\u{1b}[31m\u{7}\ninjected";
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "schema": fix::PLAN_SCHEMA,
            "account_id": "123456789012",
            "partition": "aws",
            "collected_at": "2026-12-01T12:00:00Z",
            "steps": [{
                "id": "fix-0000000000000000",
                "check_id": "ec2_sg_ssh_open_to_world",
                "resource": format!("arn:aws:ec2:us-east-1:123456789012:security-group/{hostile}"),
                "region": "us-east-1",
                "risk": "disruptive",
                "risk_reason": format!("used by instance {hostile}"),
                "calls": [],
                "before": {"Name": hostile},
                "after": {"Name": hostile},
                "cli": [format!("aws ec2 describe-tags --filter {hostile}")],
                "billing": hostile,
                "undo": hostile,
                "undo_loses": hostile,
            }],
            "not_planned": [{"check_id": "x", "resource": hostile, "region": "us-east-1",
                "reason": hostile}],
        }))
        .unwrap();
        let text = render_text(&plan, false);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(text.contains("injected"), "{text}");
        // Each field stays on its line: the newline in the names is shown, not made.
        assert!(!text.lines().any(|l| l.starts_with("injected")), "{text}");
    }

    #[test]
    fn response_references_are_resolved_from_the_recorded_responses() {
        let responses = vec![
            json!({"DetectorId": "abc"}),
            json!({"KeyMetadata": {"KeyId": "k-1"}, "FlowLogIds": ["fl-1", "fl-2"]}),
        ];
        let params = json!({
            "detectorId": fix::response_ref(0, "DetectorId"),
            "Nested": [{"Key": fix::response_ref(1, "KeyMetadata.KeyId")}],
            "FlowLogIds": fix::response_ref(1, "FlowLogIds"),
            "Plain": {"$response": "not a reference: a string"},
        });
        assert_eq!(
            resolve(&params, &responses).unwrap(),
            json!({
                "detectorId": "abc",
                "Nested": [{"Key": "k-1"}],
                "FlowLogIds": ["fl-1", "fl-2"],
                "Plain": {"$response": "not a reference: a string"},
            })
        );
        let missing = json!({"X": fix::response_ref(2, "Id")});
        assert!(resolve(&missing, &responses)
            .unwrap_err()
            .contains("call 2's response is not recorded"));
        let no_member = json!({"X": fix::response_ref(0, "Nope")});
        assert!(resolve(&no_member, &responses)
            .unwrap_err()
            .contains("no member Nope"));
    }
}
