//! The `rampart` command line: scan an AWS account (or a saved snapshot), collect a
//! snapshot, list and explain checks. Exit codes: 0 no failing finding at or above
//! `--fail-on`, 1 failing findings, 2 bad usage or input, or nothing could be scanned.

mod cli;
mod commands;
mod fix_cmd;
mod fleet;
mod iam_cmd;
mod merge_cmd;
mod progress;
mod scan_cmd;
mod secrets_cmd;
mod secrets_hook;
mod shell_cmd;
mod store_cmd;
mod watch_cmd;

use std::process::ExitCode;

/// Start again with glibc's mmap threshold fixed when many accounts are scanned
/// ([`fleet::wants_fixed_mmap_threshold`]): the same process (`exec`), the same arguments and
/// descriptors. If `exec` fails, the run goes on as it is.
fn fix_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        let (var, value) = fleet::MMAP_THRESHOLD;
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        if !fleet::wants_fixed_mmap_threshold(&args, std::env::var_os(var)) {
            return;
        }
        if let Ok(exe) = std::env::current_exe() {
            let _failed = std::process::Command::new(exe)
                .args(&args[1..])
                .env(var, value)
                .exec();
        }
    }
}

fn main() -> ExitCode {
    fix_mmap_threshold();
    let cli = <cli::Cli as clap::Parser>::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote what was read (a name from a snapshot, a pattern from a
            // mutelist): control characters in it are shown escaped (issue 9, defect 1).
            // Line by line, so the `hint:` lines of rampart's own messages stay lines.
            let message = format!("{e:#}");
            eprintln!(
                "rampart: error: {}",
                rampart_output::terminal_safe_lines(&message)
            );
            ExitCode::from(2)
        }
    }
}
