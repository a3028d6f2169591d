//! `rampart merge`: the JSON reports of the shards of an organization scan (or of single
//! accounts) joined into one report, in any format.

use crate::cli::{ColorChoice, MergeArgs};
use crate::scan_cmd::{fail_on, formats, org_exit_code, output, write_org, ReportStream};
use anyhow::Result;
use rampart_report::{MergeOptions, OrgReport, ReportFormat, TextOptions};
use std::process::ExitCode;

/// Run `rampart merge`.
pub(crate) fn run(args: MergeArgs) -> Result<ExitCode> {
    let formats = match formats(&args.format)? {
        f if f.is_empty() => vec![ReportFormat::Json],
        f => f,
    };
    // Checked before anything is read.
    fail_on(&args.fail_on)?;
    let output = output(formats, args.output_file.clone(), args.output_dir.clone())?;
    let mut inputs = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        inputs.push((path.clone(), OrgReport::load(path)?));
    }
    let merged = rampart_report::merge(
        inputs,
        MergeOptions {
            allow_partial: args.allow_partial,
        },
    )?;
    let reports = || -> ReportStream<'_> { Box::new(merged.reports.iter().cloned().map(Ok)) };
    write_org(&output, &merged.header, &reports, &|tty| TextOptions {
        color: ColorChoice::Auto.enabled(tty),
        width: 100,
        verbose: false,
        quiet: false,
    })?;
    Ok(org_exit_code(&merged.header, fail_on(&args.fail_on)?))
}
