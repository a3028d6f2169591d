//! The one error type of this crate: every failure names the file, and where the file is
//! malformed, the line, the column and the key.

use std::path::{Path, PathBuf};

/// Why a mutelist, baseline report or config file could not be used.
///
/// Each variant displays as one line that starts with the file, in the form compilers use:
/// `rampart.toml:12:5: [thresholds] access_key_max_age_days: expected an integer`.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    /// The file could not be opened or read (including: it does not exist).
    #[error("{}: cannot read {what}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file was to be: `mutelist`, `baseline report`, `config file`.
        what: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file was read but is malformed or holds an invalid value.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending value or key.
        line: usize,
        /// 1-based column (in characters) of the offending value or key.
        column: usize,
        /// What is wrong, naming the key (and, in a mutelist, the rule).
        message: String,
    },
    /// The baseline is a report of another account than the one scanned.
    #[error(
        "{}: the baseline is a report of account {baseline}, not of the scanned account {scanned}",
        path.display()
    )]
    BaselineAccount {
        /// The baseline file.
        path: PathBuf,
        /// The account the baseline reports on.
        baseline: String,
        /// The account scanned.
        scanned: String,
    },
}

impl TriageError {
    /// An [`TriageError::Invalid`] at a byte offset of `text`.
    pub(crate) fn at_offset(path: &Path, text: &str, offset: usize, message: String) -> Self {
        let (line, column) = line_column(text, offset);
        TriageError::Invalid {
            path: path.to_owned(),
            line,
            column,
            message,
        }
    }

    /// The 1-based line and column of an [`TriageError::Invalid`], `None` otherwise.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            TriageError::Read { .. } | TriageError::BaselineAccount { .. } => None,
            TriageError::Invalid { line, column, .. } => Some((*line, *column)),
        }
    }
}

/// The 1-based line and column (in characters) of a byte offset in `text`. An offset past
/// the end, or inside a character, is clamped to the nearest character boundary before it.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Collapse a multi-line message (such as the `regex` crate's, which draws a caret under
/// the pattern) into its one line that says what is wrong.
pub(crate) fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message.lines().map(str::trim).collect();
    if lines.len() <= 1 {
        return message.trim().to_owned();
    }
    lines
        .iter()
        .find_map(|l| l.strip_prefix("error: "))
        .map(str::to_owned)
        .unwrap_or_else(|| lines.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Locations are 1-based and count characters, as editors show them (practice: errors
    // point at the exact place in the user's file, cargo-deny style).
    #[test]
    fn line_column_counts_from_one_in_characters() {
        let text = "ab\ncé d\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // `d` is after the two-byte `é` and a space: byte 7, character column 4.
        assert_eq!(line_column(text, 7), (2, 4));
        assert_eq!(
            line_column(text, 5),
            (2, 2),
            "inside `é` clamps to its start"
        );
        assert_eq!(line_column(text, 999), (3, 1));
    }

    // The error is one line, file first (practice: one-line diagnostics a CI log shows whole).
    #[test]
    fn display_is_one_line_with_file_line_column() {
        let e = TriageError::at_offset(
            Path::new("rampart.toml"),
            "[thresholds]\naccess_key_max_age_days = \"x\"\n",
            39,
            "[thresholds] access_key_max_age_days: expected an integer".into(),
        );
        assert_eq!(
            e.to_string(),
            "rampart.toml:2:27: [thresholds] access_key_max_age_days: expected an integer"
        );
        assert_eq!(e.location(), Some((2, 27)));
    }

    #[test]
    fn one_line_keeps_the_error_line_of_a_regex_diagnostic() {
        let unclosed = String::from("(abc");
        let err = regex::Regex::new(&unclosed).unwrap_err().to_string();
        assert!(err.contains('\n'), "regex errors are multi-line: {err}");
        assert_eq!(one_line(&err), "unclosed group");
        assert_eq!(one_line("plain"), "plain");
    }
}
