//! Extra ignore files (`--ignore-file`): `.gitignore`-syntax patterns matched relative to
//! the root being scanned (a directory walked, or a repository's top level), so one file
//! serves every root and both working-tree and history scans.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::Error;

/// A matcher of `files`' patterns, anchored at `root`.
pub(crate) fn matcher(root: &Path, files: &[PathBuf]) -> Result<Gitignore, Error> {
    let mut builder = GitignoreBuilder::new(root);
    for file in files {
        // `add` reports a missing file and bad globs alike, naming neither line nor file
        // consistently, so the file is named here.
        if !file.is_file() {
            return Err(Error::IgnoreFile {
                path: file.clone(),
                message: "no such file".into(),
            });
        }
        if let Some(e) = builder.add(file) {
            return Err(Error::IgnoreFile {
                path: file.clone(),
                message: e.to_string(),
            });
        }
    }
    builder.build().map_err(|e| Error::IgnoreFile {
        path: files.last().cloned().unwrap_or_default(),
        message: e.to_string(),
    })
}
