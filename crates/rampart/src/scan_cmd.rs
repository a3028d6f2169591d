//! `rampart scan`: the command line and `rampart.toml` turned into a [`Plan`] (settings from
//! the command line, then the config file, then the defaults; every input file read and
//! validated before anything is written), and the plan run: read the account or the
//! snapshot, evaluate, triage ([`rampart_triage::triage`]), and write the reports
//! ([`rampart_report::render`]; files through [`rampart_output::write_files`]). With many
//! accounts (`--organization`, `--accounts-file`) the plan is run by [`crate::fleet`], one
//! account at a time into the run folder, and the organization report is streamed from it
//! ([`write_org`]).

use crate::cli::{AccountArgs, ColorChoice, FleetArgs, ScanArgs};
use crate::commands::{collect_account, compliance_framework, create_dir, selection, services_for};
use anyhow::{bail, Context as _, Result};
use rampart_checks::{Selection, Severity};
use rampart_inventory::{load_snapshot, save_snapshot, Inventory};
use rampart_output::terminal_safe;
use rampart_report::{ReportFormat, ScanReport, TextOptions};
use rampart_triage::{Baseline, Config, ConfigPath, FailOn, Mutelist, TriageRules};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// `--fail-on`: a severity, or `none`.
pub(crate) fn fail_on(value: &str) -> Result<FailOn> {
    if value.eq_ignore_ascii_case("none") {
        return Ok(FailOn::Never);
    }
    value
        .parse::<Severity>()
        .map(FailOn::AtOrAbove)
        .map_err(|e| anyhow::anyhow!("--fail-on: {e}, or none"))
}

/// Where the inventory comes from.
enum Source {
    /// A saved snapshot file.
    Snapshot(PathBuf),
    /// The account, read through the SDK with these options.
    Account(AccountArgs),
}

/// Where the reports go.
#[derive(Debug, PartialEq)]
pub(crate) enum Output {
    /// One format to standard output.
    Stdout(ReportFormat),
    /// One format to a file (`--output-file`).
    File(ReportFormat, PathBuf),
    /// Each format to its file in a folder; with `echo_text`, the text report is printed
    /// on standard output too (several formats and no `--output-dir`).
    Dir {
        dir: PathBuf,
        formats: Vec<ReportFormat>,
        echo_text: bool,
    },
}

/// What the command line and the config file settle on: everything the scan does.
pub(crate) struct Plan {
    source: Source,
    /// Many accounts (`--organization`, `--accounts-file`), else one.
    fleet: Option<FleetArgs>,
    per_account: bool,
    /// Warnings already printed (each account's triage repeats the mutelist's).
    warned: std::sync::Mutex<std::collections::BTreeSet<String>>,
    save_snapshot: Option<PathBuf>,
    /// Where the scan is kept (none with --no-store).
    store: Option<crate::store_cmd::StorePlan>,
    selection: Selection,
    settings: rampart_checks::Settings,
    compliance: Option<&'static rampart_checks::compliance::Framework>,
    mutelist: Option<Mutelist>,
    baseline: Option<Baseline>,
    fail_on: FailOn,
    fail_on_new: bool,
    output: Output,
    color: ColorChoice,
    verbose: bool,
    quiet: bool,
}

/// A path given on the command line, else the one in the config file (already resolved
/// against the file's directory).
fn cli_or_config(cli: &Option<PathBuf>, config: &Option<ConfigPath>) -> Option<PathBuf> {
    cli.clone()
        .or_else(|| config.as_ref().map(|p| p.as_path().to_owned()))
}

/// `--format` names, in order, without repeats.
pub(crate) fn formats(names: &[String]) -> Result<Vec<ReportFormat>> {
    let mut formats = Vec::new();
    for name in names {
        let format = ReportFormat::parse(name).map_err(|e| anyhow::anyhow!("--format: {e}"))?;
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    Ok(formats)
}

/// Where reports go: standard output, `--output-file` or `--output-dir`.
pub(crate) fn output(
    formats: Vec<ReportFormat>,
    output_file: Option<PathBuf>,
    output_dir: Option<PathBuf>,
) -> Result<Output> {
    Ok(match (output_file, output_dir, formats.as_slice()) {
        (Some(_), _, [_, _, ..]) => {
            bail!("--output-file takes one format; with several, use --output-dir")
        }
        (Some(file), _, [one]) => Output::File(*one, file),
        (None, Some(dir), _) => Output::Dir {
            dir,
            formats,
            echo_text: false,
        },
        (None, None, [one]) => Output::Stdout(*one),
        (None, None, _) => Output::Dir {
            dir: PathBuf::from("."),
            echo_text: formats.contains(&ReportFormat::Text),
            formats,
        },
        (Some(_), _, []) => unreachable!("there is always at least one format"),
    })
}

pub(crate) fn plan(args: &ScanArgs) -> Result<Plan> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let config = Config::discover(args.config.as_deref(), &cwd)?;
    let (config_path, config) = match config {
        Some((p, c)) => (Some(p), c),
        None => (None, Config::default()),
    };
    let sc = &config.scan;
    let mut select = args.select.clone();
    if select.checks.is_empty() {
        select.checks = sc.checks.clone();
    }
    if select.services.is_empty() {
        select.services = sc.services.clone();
    }
    if select.severity.is_empty() {
        select.severity = sc.severity.iter().map(|s| s.as_str().to_owned()).collect();
    }
    if select.exclude_checks.is_empty() {
        select.exclude_checks = sc.exclude_checks.clone();
    }
    let selection = selection(&select)?;
    let formats = match (formats(&args.format)?, config.output.formats.as_slice()) {
        (cli, _) if !cli.is_empty() => cli,
        (_, []) => vec![ReportFormat::Text],
        (_, from_config) => from_config.to_vec(),
    };
    let output = output(
        formats,
        args.output_file.clone(),
        cli_or_config(&args.output_dir, &config.output.output_dir),
    )?;
    let compliance = match args
        .compliance
        .as_deref()
        .or(sc.compliance.as_ref().map(|c| c.0.as_str()))
    {
        Some(id) => Some(compliance_framework(id)?),
        None => None,
    };
    let mutelist = match cli_or_config(&args.mutelist, &sc.mutelist) {
        Some(p) => Some(Mutelist::load(&p)?),
        None => None,
    };
    let baseline = match cli_or_config(&args.baseline, &sc.baseline) {
        Some(p) => Some(Baseline::load(&p)?),
        None => None,
    };
    let fail_on_new = args.fail_on_new || sc.fail_on_new;
    if fail_on_new && baseline.is_none() {
        bail!("--fail-on-new needs a baseline (--baseline FILE, or `baseline` in rampart.toml)");
    }
    let fail_on = match (&args.fail_on, sc.fail_on) {
        (Some(v), _) => fail_on(v)?,
        (None, Some(v)) => v,
        (None, None) => FailOn::AtOrAbove(Severity::Info),
    };
    if let Some(p) = &config_path {
        if !args.quiet && std::io::stderr().is_terminal() {
            eprintln!(
                "rampart: settings from {}",
                terminal_safe(&p.to_string_lossy())
            );
        }
    }
    let fleet = args.fleet.is_fleet().then(|| args.fleet.clone());
    if fleet.is_none() {
        let single = [
            (args.fleet.shard.is_some(), "--shard"),
            (args.fleet.resume, "--resume"),
            (!args.fleet.accounts.is_empty(), "--accounts"),
            (
                !args.fleet.exclude_accounts.is_empty(),
                "--exclude-accounts",
            ),
            (args.per_account, "--per-account"),
        ];
        if let Some((_, flag)) = single.iter().find(|(given, _)| *given) {
            bail!("{flag} is for scans of many accounts: add --organization or --accounts-file");
        }
    } else if baseline.is_some() {
        bail!(
            "--baseline compares one account with its earlier report; with many accounts, use --mutelist (its rules can name accounts)"
        );
    }
    if fleet.is_some() && args.save_snapshot.as_ref().is_some_and(|p| p.is_file()) {
        bail!("--save-snapshot takes a folder with many accounts (one <ACCOUNT_ID>.json each)");
    }
    let source = match &args.snapshot {
        Some(path) => Source::Snapshot(path.clone()),
        None => {
            let mut account = args.account.clone();
            if account.regions.is_empty() {
                account.regions = sc.regions.clone();
            }
            if account.exclude_regions.is_empty() {
                account.exclude_regions = sc.exclude_regions.clone();
            }
            Source::Account(account)
        }
    };
    let store = crate::store_cmd::plan(&args.store, &config)?;
    if let Some(store) = &store {
        crate::store_cmd::preflight(store)?;
    }
    Ok(Plan {
        source,
        fleet,
        per_account: args.per_account,
        warned: Default::default(),
        save_snapshot: args.save_snapshot.clone(),
        store,
        selection,
        settings: config.thresholds.clone(),
        compliance,
        mutelist,
        baseline,
        fail_on,
        fail_on_new,
        output,
        color: args.color,
        verbose: args.verbose,
        quiet: args.quiet || config.output.quiet,
    })
}

/// Run `rampart scan`.
pub(crate) fn run(args: ScanArgs) -> Result<ExitCode> {
    let plan = plan(&args)?;
    match &plan.fleet {
        Some(fleet) => {
            let fleet = fleet.clone();
            Arc::new(plan).run_fleet(&fleet, &args)
        }
        None => plan.run(),
    }
}

impl Plan {
    /// Whether many accounts are scanned.
    pub(crate) fn is_fleet(&self) -> bool {
        self.fleet.is_some()
    }

    /// Where scans are kept (none with --no-store).
    pub(crate) fn store(&self) -> Option<&crate::store_cmd::StorePlan> {
        self.store.as_ref()
    }

    /// The account options, when an account is read (not a snapshot).
    pub(crate) fn account_args(&self) -> Option<&crate::cli::AccountArgs> {
        match &self.source {
            Source::Account(a) => Some(a),
            Source::Snapshot(_) => None,
        }
    }

    /// The snapshot evaluated, when one is.
    pub(crate) fn snapshot_path(&self) -> Option<&std::path::Path> {
        match &self.source {
            Source::Snapshot(p) => Some(p),
            Source::Account(_) => None,
        }
    }

    /// One scan for `watch`: read (or load), evaluate and triage; reports written as
    /// `scan` writes them when output options were given. Not kept: watch keeps it with its
    /// messages.
    pub(crate) fn scan_for_watch(&self) -> Result<(Inventory, ScanReport, Selection)> {
        let inventory = match &self.source {
            Source::Snapshot(path) => load_snapshot(path)?,
            Source::Account(account) => collect_account(
                account,
                services_for(&self.selection),
                self.settings.unused_credentials_days,
                self.color,
            )?,
        };
        let evaluated = self.evaluate(&inventory, &self.selection)?;
        if !matches!(self.output, Output::Stdout(_)) {
            self.write_reports(&evaluated.report)?;
        }
        Ok((inventory, evaluated.report, self.selection.clone()))
    }

    fn run(&self) -> Result<ExitCode> {
        let inventory = match &self.source {
            Source::Snapshot(path) => load_snapshot(path)?,
            Source::Account(account) => collect_account(
                account,
                services_for(&self.selection),
                self.settings.unused_credentials_days,
                self.color,
            )?,
        };
        if let Some(path) = &self.save_snapshot {
            save_snapshot(&inventory, path)?;
        }
        let report = self.evaluate(&inventory, &self.selection)?;
        for w in &report.report.warnings {
            eprintln!("rampart: warning: {}", terminal_safe(w));
        }
        self.write_reports(&report.report)?;
        let snapshot = match &self.source {
            Source::Snapshot(path) => Some(path.as_path()),
            Source::Account(_) => None,
        };
        self.keep(&inventory, &report.report, &self.selection, snapshot)?;
        Ok(if report.failures > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }

    /// Keep the scan in the store (unless --no-store).
    fn keep(
        &self,
        inventory: &Inventory,
        report: &ScanReport,
        selection: &Selection,
        snapshot: Option<&std::path::Path>,
    ) -> Result<()> {
        if let Some(store) = &self.store {
            let checks = crate::store_cmd::selected_checks(selection);
            crate::store_cmd::keep(
                store,
                rampart_store::ScanKind::Scan,
                inventory,
                &report.findings,
                &checks,
                crate::store_cmd::source(snapshot),
                None,
            )?;
        }
        Ok(())
    }

    /// Evaluate the checks over `inventory` and triage the findings into the report.
    fn evaluate(&self, inventory: &Inventory, selection: &Selection) -> Result<Evaluated> {
        let started = Instant::now();
        let findings = rampart_checks::evaluate(inventory, &self.settings, selection);
        let evaluation_ms = started.elapsed().as_millis() as u64;
        let rules = TriageRules {
            mutelist: self.mutelist.as_ref(),
            baseline: self.baseline.as_ref(),
            fail_on: self.fail_on,
            fail_on_new: self.fail_on_new,
        };
        let today = chrono::Utc::now().date_naive();
        let triaged = rampart_triage::triage(findings, inventory, selection, &rules, today)
            // The message holds account ids read from the baseline file.
            .map_err(|e| anyhow::anyhow!("{}", terminal_safe(&e.to_string())))?;
        let mut report = ScanReport::new(
            inventory,
            triaged.findings,
            chrono::Utc::now(),
            evaluation_ms,
        );
        report.resolved = triaged.resolved;
        report.warnings = triaged.warnings;
        if let Some(fw) = self.compliance {
            report.compliance = Some(rampart_report::ComplianceSummary::of(
                fw,
                &report.findings,
                |id| rampart_checks::find(id).is_some_and(|c| selection.includes(c.meta)),
            ));
        }
        Ok(Evaluated {
            report,
            failures: triaged.failures,
        })
    }

    /// How to render the text report for a terminal (`tty`) or a file.
    fn text_options(&self, tty: bool) -> TextOptions {
        let width = if tty {
            terminal_size::terminal_size()
                .map(|(w, _)| usize::from(w.0).clamp(60, 160))
                .unwrap_or(100)
        } else {
            100
        };
        TextOptions {
            color: self.color.enabled(tty),
            width,
            verbose: self.verbose,
            quiet: self.quiet,
        }
    }

    fn print(&self, format: ReportFormat, report: &ScanReport) {
        let tty = std::io::stdout().is_terminal();
        print!(
            "{}",
            rampart_report::render(format, report, &self.text_options(tty))
        );
    }

    /// Write the reports: every file rendered first, then all written or none (issue 9,
    /// defect 7), each atomically when it is a regular file and in place when it is a
    /// FIFO or a device (defect 4).
    fn write_reports(&self, report: &ScanReport) -> Result<()> {
        let file_options = self.text_options(false);
        let (files, echo_text) = match &self.output {
            Output::Stdout(format) => {
                self.print(*format, report);
                return Ok(());
            }
            Output::File(format, path) => (
                vec![(
                    path.clone(),
                    rampart_report::render(*format, report, &file_options).into_bytes(),
                )],
                false,
            ),
            Output::Dir {
                dir,
                formats,
                echo_text,
            } => {
                create_dir(dir, "output directory")?;
                let files = formats
                    .iter()
                    .map(|&f| {
                        let text = rampart_report::render(f, report, &file_options);
                        (dir.join(f.file_name()), text.into_bytes())
                    })
                    .collect();
                (files, *echo_text)
            }
        };
        rampart_output::write_files(&files).map_err(|e| {
            let path = terminal_safe(&e.path.to_string_lossy()).into_owned();
            anyhow::Error::new(e.source).context(format!("{path}: cannot write the report"))
        })?;
        if echo_text {
            self.print(ReportFormat::Text, report);
        }
        if matches!(self.output, Output::Dir { .. }) {
            for (path, _) in &files {
                eprintln!("rampart: wrote {}", terminal_safe(&path.to_string_lossy()));
            }
        }
        Ok(())
    }
}

impl Plan {
    /// Scan many accounts: each read, evaluated and kept in the run folder as soon as it is
    /// read, then the reports of the whole run written from the folder.
    fn run_fleet(self: Arc<Self>, fleet: &FleetArgs, args: &ScanArgs) -> Result<ExitCode> {
        let Source::Account(account) = &self.source else {
            bail!("--snapshot reads one account; leave out --organization and --accounts-file");
        };
        // What changes the findings of an account: a run resumed with other settings
        // would mix two kinds of results.
        let file = |p: &Option<PathBuf>| p.as_ref().map(|p| std::fs::read(p).unwrap_or_default());
        let key_parts = vec![
            "scan".to_owned(),
            format!("{:?}", self.selection),
            format!("{:?}", self.settings),
            format!("{:?}", self.compliance.map(|c| c.id)),
            format!("{:?}", self.mutelist),
            format!("{:?}", file(&args.config)),
            format!("{:?}", self.save_snapshot),
        ];
        let plan = crate::fleet::FleetPlan {
            fleet,
            account,
            key_parts,
            quiet: self.quiet,
            color: self.color,
        };
        let finished = crate::fleet::run(&plan, self.clone())?;
        self.write_org_reports(&finished)?;
        finished.complete()?;
        Ok(org_exit_code(&finished.header, self.fail_on))
    }

    /// Write the organization reports, streamed from the run folder one account at a time.
    fn write_org_reports(&self, finished: &crate::fleet::Finished) -> Result<()> {
        write_org(
            &self.output,
            &finished.header,
            &|| Box::new(finished.reports()),
            &|tty| self.text_options(tty),
        )
    }
}

/// The exit code of a scan of many accounts: 1 when a finding at or above `fail_on` fails in
/// any account, or when an account could not be read (unless `fail_on` is `none`); the
/// unreadable accounts are named on standard error.
pub(crate) fn org_exit_code(header: &rampart_report::OrgHeader, fail_on: FailOn) -> ExitCode {
    let unreadable: Vec<&str> = header
        .accounts
        .iter()
        .filter(|a| matches!(a.outcome, rampart_report::AccountOutcome::Error { .. }))
        .map(|a| a.account_id.as_str())
        .collect();
    if !unreadable.is_empty() {
        eprintln!(
            "rampart: warning: {} account(s) could not be read: {}",
            unreadable.len(),
            unreadable.join(", ")
        );
    }
    let failures: u64 = match fail_on {
        FailOn::Never => 0,
        FailOn::AtOrAbove(min) => {
            let by = &header.summary.fail_by_severity;
            Severity::ALL
                .iter()
                .filter(|s| **s >= min)
                .map(|s| by.get(*s))
                .sum::<u64>()
                + unreadable.len() as u64
        }
    };
    if failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The reports of the accounts of an organization report, one at a time.
pub(crate) type ReportStream<'a> = Box<dyn Iterator<Item = Result<ScanReport>> + 'a>;

/// Write an organization report in every format `output` asks for; `reports` gives a
/// fresh stream of the accounts' reports for each format, `text` the text options for a
/// terminal (`true`) or a file.
pub(crate) fn write_org<'a>(
    output: &Output,
    header: &rampart_report::OrgHeader,
    reports: &dyn Fn() -> ReportStream<'a>,
    text: &dyn Fn(bool) -> TextOptions,
) -> Result<()> {
    let render = |format: ReportFormat, tty: bool, out: &mut dyn std::io::Write| {
        let mut stream = reports();
        rampart_report::render_org(format, header, &mut stream, &text(tty), out)
            .map_err(|e| std::io::Error::other(format!("{e:#}")))
    };
    let to_stdout = |format: ReportFormat| -> Result<()> {
        let tty = std::io::stdout().is_terminal();
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        render(format, tty, &mut out).context("cannot write the report")?;
        std::io::Write::flush(&mut out).context("cannot write the report")
    };
    let (files, echo_text): (Vec<(PathBuf, ReportFormat)>, bool) = match output {
        Output::Stdout(format) => return to_stdout(*format),
        Output::File(format, path) => (vec![(path.clone(), *format)], false),
        Output::Dir {
            dir,
            formats,
            echo_text,
        } => {
            create_dir(dir, "output directory")?;
            (
                formats
                    .iter()
                    .map(|f| (dir.join(f.file_name()), *f))
                    .collect(),
                *echo_text,
            )
        }
    };
    let streams: Vec<(PathBuf, rampart_output::Content)> = files
        .iter()
        .map(|(path, format)| {
            let format = *format;
            let content: rampart_output::Content =
                Box::new(move |out: &mut dyn std::io::Write| render(format, false, out));
            (path.clone(), content)
        })
        .collect();
    rampart_output::write_streams(streams).map_err(|e| {
        let path = terminal_safe(&e.path.to_string_lossy()).into_owned();
        anyhow::Error::new(e.source).context(format!("{path}: cannot write the report"))
    })?;
    if echo_text {
        to_stdout(ReportFormat::Text)?;
    }
    if matches!(output, Output::Dir { .. }) {
        for (path, _) in &files {
            eprintln!("rampart: wrote {}", terminal_safe(&path.to_string_lossy()));
        }
    }
    Ok(())
}

impl crate::fleet::AccountWork for Plan {
    fn idle_key_days(&self) -> i64 {
        self.settings.unused_credentials_days
    }

    fn selection(&self, organization_level: bool) -> Selection {
        if organization_level {
            self.selection.clone()
        } else {
            self.selection.without_organization_level()
        }
    }

    fn finish(&self, target: &crate::fleet::Target, inventory: Inventory) -> Result<ScanReport> {
        if let Some(dir) = &self.save_snapshot {
            create_dir(dir, "snapshot folder")?;
            save_snapshot(&inventory, &dir.join(format!("{}.json", target.id)))?;
        }
        let selection = crate::fleet::AccountWork::selection(self, target.organization_level);
        let evaluated = self.evaluate(&inventory, &selection)?;
        self.keep(&inventory, &evaluated.report, &selection, None)?;
        drop(inventory);
        {
            let mut seen = self.warned.lock().expect("warnings lock");
            for w in &evaluated.report.warnings {
                if seen.insert(w.clone()) {
                    eprintln!("rampart: warning: {}", terminal_safe(w));
                }
            }
        }
        if let (true, Output::Dir { dir, formats, .. }) = (self.per_account, &self.output) {
            let dir = dir.join("accounts").join(&target.id);
            create_dir(&dir, "output directory")?;
            let options = self.text_options(false);
            let files: Vec<(PathBuf, Vec<u8>)> = formats
                .iter()
                .map(|&f| {
                    let text = rampart_report::render(f, &evaluated.report, &options);
                    (dir.join(f.file_name()), text.into_bytes())
                })
                .collect();
            rampart_output::write_files(&files).map_err(|e| {
                let path = terminal_safe(&e.path.to_string_lossy()).into_owned();
                anyhow::Error::new(e.source).context(format!("{path}: cannot write the report"))
            })?;
        }
        Ok(evaluated.report)
    }
}

/// A triaged report and how many of its findings fail the scan.
struct Evaluated {
    report: ScanReport,
    failures: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn formats_are_parsed_in_order_without_repeats() {
        assert_eq!(
            formats(&names(&["json", "HTML", "json", " csv"])).unwrap(),
            [ReportFormat::Json, ReportFormat::Html, ReportFormat::Csv]
        );
        let e = formats(&names(&["pdf"])).unwrap_err().to_string();
        assert!(
            e.starts_with("--format: unknown format `pdf` (text, json"),
            "{e}"
        );
    }

    #[test]
    fn output_follows_the_options() {
        use ReportFormat::{Json, Text};
        let file = || Some(PathBuf::from("r.json"));
        let dir = || Some(PathBuf::from("out"));
        assert_eq!(
            output(vec![Json], None, None).unwrap(),
            Output::Stdout(Json)
        );
        assert_eq!(
            output(vec![Json], file(), None).unwrap(),
            Output::File(Json, PathBuf::from("r.json"))
        );
        assert!(output(vec![Json, Text], file(), None).is_err());
        assert_eq!(
            output(vec![Json, Text], None, dir()).unwrap(),
            Output::Dir {
                dir: PathBuf::from("out"),
                formats: vec![Json, Text],
                echo_text: false
            }
        );
        assert_eq!(
            output(vec![Json, Text], None, None).unwrap(),
            Output::Dir {
                dir: PathBuf::from("."),
                formats: vec![Json, Text],
                echo_text: true
            }
        );
    }
}
