//! Triage of a scan's findings, as pure logic: the mutelist that marks accepted findings,
//! the comparison with a baseline report, the exit-code rule ([`triage`] applies all three
//! in order), and the `rampart.toml` config file (with its `[watch]` and `[store]` tables).
//! Every input file is validated, and an error names the file, line, column and key.

mod accounts_file;
mod baseline;
mod config;
mod error;
mod exit_code;
mod mutelist;
mod pattern;
mod triage;
mod validated;
mod watch_config;

#[cfg(test)]
mod test_support;

pub use accounts_file::{AccountEntry, AccountsFile};
pub use baseline::Baseline;
pub use config::{
    Compliance, Config, ConfigPath, FailOn, OutputConfig, ReportFormat, ScanConfig,
    CONFIG_FILE_NAME,
};
pub use error::TriageError;
pub use exit_code::exit_failures;
pub use mutelist::{Mutelist, Rule, MUTELIST_VERSION};
pub use pattern::{AnchoredRegex, Glob, ResourcePattern};
pub use triage::{triage, TriageRules, Triaged};
pub use watch_config::{
    Period, Retention, StoreConfig, StoreLocation, TargetConfig, TargetKind, WatchConfig,
    WatchRules, MIN_WATCH_PERIOD,
};
