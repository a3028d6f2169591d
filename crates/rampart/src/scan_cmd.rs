//! `rampart scan`: read an account (or a snapshot), evaluate the checks, apply the
//! mutelist and the baseline, and write the reports. Settings come from the command line,
//! then `rampart.toml`, then the defaults. Every input (config, mutelist, baseline,
//! snapshot) is read and validated before anything is written.

use crate::cli::ScanArgs;
use crate::commands::{collect_account, compliance_framework, selection, services_for};
use anyhow::{bail, Context as _, Result};
use rampart_checks::{Selection, Severity};
use rampart_inventory::{load_snapshot, save_snapshot, write_atomically};
use rampart_report::ScanReport;
use rampart_triage::{Baseline, Config, ConfigPath, FailOn, Mutelist, ReportFormat};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The file name a format is written to in `--output-dir`.
fn file_name(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Text => "rampart-report.txt",
        ReportFormat::Json => "rampart-report.json",
        ReportFormat::Ocsf => "rampart-report.ocsf.json",
        ReportFormat::Html => "rampart-report.html",
        ReportFormat::Asff => "rampart-report.asff.json",
        ReportFormat::Sarif => "rampart-report.sarif",
        ReportFormat::Csv => "rampart-report.csv",
        ReportFormat::Junit => "rampart-report.junit.xml",
        ReportFormat::Markdown => "rampart-report.md",
    }
}

fn parse_format(name: &str) -> Result<ReportFormat> {
    ReportFormat::ALL
        .into_iter()
        .find(|f| f.as_str().eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            let known: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.as_str()).collect();
            anyhow::anyhow!("--format: unknown format `{name}` ({})", known.join(", "))
        })
}

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

/// What the command line and the config file settle on.
struct Plan {
    selection: Selection,
    settings: rampart_checks::Settings,
    formats: Vec<ReportFormat>,
    output_dir: Option<PathBuf>,
    compliance: Option<&'static rampart_checks::compliance::Framework>,
    mutelist: Option<Mutelist>,
    baseline: Option<Baseline>,
    fail_on: FailOn,
    fail_on_new: bool,
    quiet: bool,
    regions: Vec<String>,
    exclude_regions: Vec<String>,
}

/// A path given on the command line, else the one in the config file (already resolved
/// against the file's directory).
fn cli_or_config(cli: &Option<PathBuf>, config: &Option<ConfigPath>) -> Option<PathBuf> {
    cli.clone()
        .or_else(|| config.as_ref().map(|p| p.as_path().to_owned()))
}

fn plan(args: &ScanArgs) -> Result<Plan> {
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
    let formats = if args.format.is_empty() {
        if config.output.formats.is_empty() {
            vec![ReportFormat::Text]
        } else {
            config.output.formats.clone()
        }
    } else {
        let mut f = Vec::new();
        for name in &args.format {
            let format = parse_format(name)?;
            if !f.contains(&format) {
                f.push(format);
            }
        }
        f
    };
    let output_dir = cli_or_config(&args.output_dir, &config.output.output_dir);
    if formats.len() > 1 && args.output_file.is_some() {
        bail!("--output-file takes one format; with several, use --output-dir");
    }
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
            eprintln!("rampart: settings from {}", p.display());
        }
    }
    Ok(Plan {
        selection,
        settings: config.thresholds.clone(),
        formats,
        output_dir,
        compliance,
        mutelist,
        baseline,
        fail_on,
        fail_on_new,
        quiet: args.quiet || config.output.quiet,
        regions: if args.account.regions.is_empty() {
            sc.regions.clone()
        } else {
            args.account.regions.clone()
        },
        exclude_regions: if args.account.exclude_regions.is_empty() {
            sc.exclude_regions.clone()
        } else {
            args.account.exclude_regions.clone()
        },
    })
}

/// Run `rampart scan`.
pub(crate) fn run(args: ScanArgs) -> Result<ExitCode> {
    let plan = plan(&args)?;
    let inventory = match &args.snapshot {
        Some(path) => load_snapshot(path)?,
        None => {
            let mut account = args.account.clone();
            account.regions = plan.regions.clone();
            account.exclude_regions = plan.exclude_regions.clone();
            collect_account(&account, services_for(&plan.selection))?
        }
    };
    if let Some(path) = &args.save_snapshot {
        save_snapshot(&inventory, path)?;
    }
    let started = Instant::now();
    let mut findings = rampart_checks::evaluate(&inventory, &plan.settings, &plan.selection);
    let evaluation_ms = started.elapsed().as_millis() as u64;

    let mut warnings = Vec::new();
    if let Some(m) = &plan.mutelist {
        let tags = inventory.tags_by_resource();
        let today = chrono::Utc::now().date_naive();
        warnings.extend(m.apply(&mut findings, |r| tags.get(r).copied(), today));
    }
    let mut resolved = Vec::new();
    if let Some(b) = &plan.baseline {
        if b.report().account_id != inventory.account.id {
            bail!(
                "{}: the baseline is a report of account {}, not of the scanned account {}",
                b.path().display(),
                b.report().account_id,
                inventory.account.id
            );
        }
        let scanned: std::collections::BTreeSet<&str> = inventory
            .regions
            .scanned
            .iter()
            .map(String::as_str)
            .chain(["global"])
            .collect();
        resolved = b.apply_scoped(&mut findings, |f| {
            rampart_checks::find(&f.check_id).is_some_and(|c| plan.selection.includes(c.meta))
                && scanned.contains(f.region.as_str())
        });
    }
    let failing = match plan.fail_on {
        FailOn::Never => 0,
        FailOn::AtOrAbove(t) => rampart_triage::exit_failures(&findings, t, plan.fail_on_new),
    };
    let mut report = ScanReport::new(&inventory, findings, chrono::Utc::now(), evaluation_ms);
    report.resolved = resolved;
    report.warnings = warnings;
    if let Some(fw) = plan.compliance {
        report.compliance = Some(rampart_report::ComplianceSummary::of(
            fw,
            &report.findings,
            |id| rampart_checks::find(id).is_some_and(|c| plan.selection.includes(c.meta)),
        ));
    }
    for w in &report.warnings {
        eprintln!("rampart: warning: {w}");
    }
    write_reports(&args, &plan, &report)?;
    Ok(if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn render(
    format: ReportFormat,
    report: &ScanReport,
    args: &ScanArgs,
    plan: &Plan,
    tty: bool,
) -> String {
    match format {
        ReportFormat::Text => {
            let width = if tty {
                terminal_size::terminal_size()
                    .map(|(w, _)| usize::from(w.0).clamp(60, 160))
                    .unwrap_or(100)
            } else {
                100
            };
            rampart_report::render_text(
                report,
                &rampart_report::TextOptions {
                    color: args.color.enabled(tty),
                    width,
                    verbose: args.verbose,
                    quiet: plan.quiet,
                },
            )
        }
        ReportFormat::Json => rampart_report::render_json(report),
        ReportFormat::Ocsf => rampart_report::render_ocsf(report),
        ReportFormat::Html => rampart_report::render_html(report),
        ReportFormat::Asff => rampart_report::render_asff(report),
        ReportFormat::Sarif => rampart_report::render_sarif(report),
        ReportFormat::Csv => rampart_report::render_csv(report),
        ReportFormat::Junit => rampart_report::render_junit(report),
        ReportFormat::Markdown => rampart_report::render_markdown(report),
    }
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    let mut bytes = text.trim_end().as_bytes().to_vec();
    bytes.push(b'\n');
    write_atomically(path, &bytes)
        .with_context(|| format!("{}: cannot write the report", path.display()))
}

fn write_reports(args: &ScanArgs, plan: &Plan, report: &ScanReport) -> Result<()> {
    if let Some(path) = &args.output_file {
        return write_file(path, &render(plan.formats[0], report, args, plan, false));
    }
    let dir = match (&plan.output_dir, plan.formats.as_slice()) {
        (Some(dir), _) => dir.clone(),
        (None, [one]) => {
            let tty = std::io::stdout().is_terminal();
            print!("{}", render(*one, report, args, plan, tty));
            return Ok(());
        }
        (None, _) => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create the output directory", dir.display()))?;
    for &format in &plan.formats {
        let path = dir.join(file_name(format));
        write_file(&path, &render(format, report, args, plan, false))?;
        if format == ReportFormat::Text && plan.output_dir.is_none() {
            let tty = std::io::stdout().is_terminal();
            print!("{}", render(format, report, args, plan, tty));
        }
        eprintln!("rampart: wrote {}", path.display());
    }
    Ok(())
}
