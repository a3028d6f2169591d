//! What rampart gives the shell and the manual: `rampart completions SHELL` (a completion
//! script) and `rampart man` (the manual pages, roff), both generated from the clap
//! definitions of [`crate::cli`], so that they never drift from the arguments.

use crate::cli::Cli;
use anyhow::{Context as _, Result};
use clap::CommandFactory as _;
use clap_complete::Shell;
use rampart_output::terminal_safe;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Print the completion script for `shell` on standard output.
pub fn completions(shell: Shell) -> Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "rampart", &mut out);
    std::io::stdout()
        .write_all(&out)
        .context("cannot write the completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// Print `rampart(1)` on standard output, or with `out_dir`, write it and one page per
/// subcommand (`rampart-scan.1`, `rampart-secrets-install-hook.1`, ...) there, all or none.
pub fn man(out_dir: Option<&Path>) -> Result<ExitCode> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    match out_dir {
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            std::io::stdout()
                .write_all(&out)
                .context("cannot write the manual page")?;
        }
        Some(dir) => {
            let shown = terminal_safe(&dir.display().to_string()).into_owned();
            std::fs::create_dir_all(dir).with_context(|| format!("{shown}: cannot create"))?;
            let mut pages = Vec::new();
            pages_of(cmd, dir, &mut pages)?;
            rampart_output::write_files(&pages).map_err(|e| {
                anyhow::Error::new(e.source).context(format!(
                    "{}: cannot write the manual page",
                    terminal_safe(&e.path.display().to_string())
                ))
            })?;
            eprintln!("rampart: wrote {} manual page(s) to {shown}", pages.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The page of `cmd` and of each of its subcommands, rendered, with their file names.
fn pages_of(cmd: clap::Command, dir: &Path, pages: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages_of(sub.clone(), dir, pages)?;
    }
    let man = clap_mangen::Man::new(cmd);
    let mut out = Vec::new();
    man.render(&mut out)?;
    pages.push((dir.join(man.get_filename()), out));
    Ok(())
}
