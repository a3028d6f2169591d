//! Errors that stop a scan before it starts: bad input named with its file. Problems met
//! while scanning (an unreadable file) do not stop it; they are [`crate::ScanError`]s in
//! the report. Paths and messages are shown with control characters escaped
//! ([`rampart_output::terminal_safe`]): they come from the command line, the file system
//! and git, and end up on a terminal.

use std::path::{Path, PathBuf};

use rampart_output::terminal_safe;

/// Why a scan could not run, or an input file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path to scan does not exist.
    #[error("{}: no such file or directory", shown(path))]
    PathNotFound {
        /// The path.
        path: PathBuf,
    },
    /// `--git` on a path that is not in a git repository.
    #[error("{}: not a git repository: {}", shown(path), terminal_safe(message))]
    NotAGitRepository {
        /// The path.
        path: PathBuf,
        /// What git said.
        message: String,
    },
    /// A git command failed while reading history.
    #[error(
        "{}: `git {}` failed: {}",
        shown(path),
        terminal_safe(command),
        terminal_safe(message)
    )]
    Git {
        /// The repository.
        path: PathBuf,
        /// The git subcommand.
        command: String,
        /// What went wrong.
        message: String,
    },
    /// A range of commits (`--range A..B`) that is not two revisions git knows.
    #[error(
        "{}: bad range `{}`: {}",
        shown(path),
        terminal_safe(range),
        terminal_safe(message)
    )]
    BadRange {
        /// The repository.
        path: PathBuf,
        /// The range as given.
        range: String,
        /// What is wrong with it.
        message: String,
    },
    /// An ignore file could not be read or parsed.
    #[error("{}: bad ignore file: {}", shown(path), terminal_safe(message))]
    IgnoreFile {
        /// The ignore file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A baseline file could not be read or is not a rampart secrets report.
    #[error("{}{}: bad baseline: {}", shown(path), location(*line, *column), terminal_safe(message))]
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
    /// A repository's `.rampart/secrets.yaml` could not be read or was refused.
    #[error("{}{}: {}", shown(path), location(*line, *column), terminal_safe(message))]
    RepoConfig {
        /// The file.
        path: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What is wrong, naming the detector and field or the `allowed` entry.
        message: String,
    },
}

/// A path as error messages show it: control characters escaped.
fn shown(path: &Path) -> String {
    terminal_safe(&path.display().to_string()).into_owned()
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 9, defect 1: a path given on the command line or met in a tree, and what git
    // says, reach standard error with their control characters escaped.
    #[test]
    fn paths_and_messages_are_shown_escaped() {
        let e = Error::PathNotFound {
            path: "x\u{1b}]0;pwned\u{7}\nFAKE".into(),
        };
        assert_eq!(
            e.to_string(),
            "x\\x1b]0;pwned\\x07\\nFAKE: no such file or directory"
        );
        let e = Error::NotAGitRepository {
            path: "r\u{9b}2J".into(),
            message: "fatal: not a git repository\nhint: \u{1b}[8m".into(),
        };
        assert_eq!(
            e.to_string(),
            "r\\x9b2J: not a git repository: fatal: not a git repository\\nhint: \\x1b[8m"
        );
    }
}
