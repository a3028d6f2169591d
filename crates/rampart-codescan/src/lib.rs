//! rampart's code scanner: finds leaked credentials in working trees and in every commit
//! of a git repository with the one secret engine of `rampart-secrets`, and reports them
//! as text, JSON or SARIF without ever showing a secret in full.
//!
//! - [`scan_tree`] walks directories in parallel, honouring `.gitignore`, `.rampartignore`
//!   and extra ignore files, skipping binaries (a NUL byte in the first 8 KiB) and files over
//!   a size limit, and memory-maps large files.
//! - [`scan_history`] reads every blob reachable from any ref once, through the `git`
//!   command line, and attributes each to the first commit (and author) that added it.
//! - [`scan_staged`] reads the lines a commit is about to add (the index against `HEAD`),
//!   and [`scan_range`] those the commits of `A..B` add (a push, a pull request): each new
//!   blob is scanned whole and a finding kept when it starts on an added line.
//! - [`LiveKeys`] marks AWS access key ids found as keys of a known account (active or
//!   inactive), of none, or unverified (the account could not say), by fingerprint; the
//!   caller supplies the answers (a snapshot, or the live account asked about each key id
//!   in [`Report::aws_key_ids`]), so this crate needs no AWS SDK.
//! - [`load_repo_config`] reads a repository's `.rampart/secrets.yaml` (team detectors and
//!   allowed patterns); scanning with its engine applies them to trees and history alike.
//! - [`Baseline`] suppresses accepted findings; [`render_text`], [`render_json`] and
//!   [`render_sarif`] write the report.
//!
//! ```no_run
//! use rampart_codescan::{scan_tree, ScanOptions};
//! use rampart_secrets::Engine;
//!
//! let report = scan_tree(Engine::builtin(), &[".".into()], &ScanOptions::default())?;
//! for f in &report.findings {
//!     println!("{}:{} {} {}", f.path, f.line, f.detector_id, f.redacted);
//! }
//! # Ok::<(), rampart_codescan::Error>(())
//! ```

mod baseline;
mod diff;
mod error;
mod finding;
mod git;
mod ignore_files;
mod json;
mod live;
mod read;
mod repo_config;
mod report;
mod sarif;
mod text;
mod tree;

pub use baseline::Baseline;
pub use diff::{is_null_sha, scan_range, scan_staged};
pub use error::Error;
pub use finding::{AwsKeyState, AwsKeyStatus, Commit, Finding};
pub use git::scan_history;
pub use json::render_json;
pub use live::LiveKeys;
pub use rampart_secrets::Severity;
pub use repo_config::{load_repo_config, repo_config_for};
pub use report::{
    thread_count, AwsKeyIds, Report, ScanError, ScanOptions, Stats, MAX_THREADS_PER_CORE,
};
pub use sarif::render_sarif;
pub use text::render_text;
pub use tree::scan_tree;

/// Name of the per-directory ignore file: glob patterns in `.gitignore` syntax of paths
/// that are not scanned.
pub const IGNORE_FILE_NAME: &str = ".rampartignore";
