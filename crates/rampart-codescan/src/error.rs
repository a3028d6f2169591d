//! Errors that stop a scan before it starts: bad input named with its file. Problems met
//! while scanning (an unreadable file) do not stop it; they are [`crate::ScanError`]s in
//! the report.

use std::path::PathBuf;

/// Why a scan could not run, or an input file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path to scan does not exist.
    #[error("{path}: no such file or directory")]
    PathNotFound {
        /// The path.
        path: PathBuf,
    },
    /// `--git` on a path that is not in a git repository.
    #[error("{path}: not a git repository: {message}")]
    NotAGitRepository {
        /// The path.
        path: PathBuf,
        /// What git said.
        message: String,
    },
    /// A git command failed while reading history.
    #[error("{path}: `git {command}` failed: {message}")]
    Git {
        /// The repository.
        path: PathBuf,
        /// The git subcommand.
        command: String,
        /// What went wrong.
        message: String,
    },
    /// An ignore file could not be read or parsed.
    #[error("{path}: bad ignore file: {message}")]
    IgnoreFile {
        /// The ignore file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A baseline file could not be read or is not a rampart secrets report.
    #[error("{path}{at}: bad baseline: {message}", at = location(*line, *column))]
    Baseline {
        /// The baseline file.
        path: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What is wrong with it.
        message: String,
    },
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}
