//! Working trees: a parallel walk (the `ignore` crate's, as in ripgrep) that honours
//! `.gitignore`, `.rampartignore` and extra ignore files, each file scanned by the thread
//! that met it.

use std::path::PathBuf;
use std::sync::Mutex;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use rampart_secrets::Engine;

use crate::finding::{display_path, Finding};
use crate::read::{Outcome, Reader};
use crate::report::{AwsKeyIds, Report, ScanError, ScanOptions, Stats};
use crate::{ignore_files, Error, IGNORE_FILE_NAME};

/// Scan files and directories. Directories are walked recursively (hidden files included,
/// `.git` directories and symbolic links not); a file named on the command line is
/// scanned even if an ignore file names it.
pub fn scan_tree(engine: &Engine, roots: &[PathBuf], opts: &ScanOptions) -> Result<Report, Error> {
    let Some((first, rest)) = roots.split_first() else {
        return Ok(Report::default());
    };
    for root in roots {
        if std::fs::symlink_metadata(root).is_err() {
            return Err(Error::PathNotFound { path: root.clone() });
        }
    }
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .ignore(false)
        .parents(true)
        .git_ignore(opts.respect_gitignore)
        .git_exclude(opts.respect_gitignore)
        .git_global(opts.respect_gitignore)
        .require_git(false)
        .follow_links(false)
        .threads(opts.thread_count())
        .add_custom_ignore_filename(IGNORE_FILE_NAME);
    // `--ignore-file` patterns, anchored at each directory walked.
    let mut extra = Vec::new();
    for root in roots.iter().filter(|r| r.is_dir()) {
        extra.push((
            root.clone(),
            ignore_files::matcher(root, &opts.ignore_files)?,
        ));
    }
    builder.filter_entry(move |e| {
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        if is_dir && e.file_name() == ".git" {
            return false;
        }
        // Roots are scanned as named.
        e.depth() == 0
            || !extra.iter().any(|(root, rules)| {
                e.path().starts_with(root) && rules.matched(e.path(), is_dir).is_ignore()
            })
    });
    let shared = Mutex::new(Report::default());
    let mut visitors = Visitors {
        engine,
        max_size: opts.max_file_size,
        shared: &shared,
    };
    builder.build_parallel().visit(&mut visitors);
    let mut report = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    report.sort();
    Ok(report)
}

/// Makes one [`Visitor`] per walker thread.
struct Visitors<'a> {
    engine: &'a Engine,
    max_size: u64,
    shared: &'a Mutex<Report>,
}

impl<'s> ParallelVisitorBuilder<'s> for Visitors<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            engine: self.engine,
            max_size: self.max_size,
            shared: self.shared,
            reader: Reader::default(),
            findings: Vec::new(),
            stats: Stats::default(),
            errors: Vec::new(),
            key_ids: AwsKeyIds::default(),
        })
    }
}

/// One walker thread's state; hands its results over when the walk drops it.
struct Visitor<'a> {
    engine: &'a Engine,
    max_size: u64,
    shared: &'a Mutex<Report>,
    reader: Reader,
    findings: Vec<Finding>,
    stats: Stats,
    errors: Vec<ScanError>,
    key_ids: AwsKeyIds,
}

impl Visitor<'_> {
    fn scan(&mut self, entry: &DirEntry) {
        let path = entry.path();
        let engine = self.engine;
        match self.reader.with_file(path, self.max_size, |bytes| {
            let matches = engine.scan(bytes);
            let mut ids = AwsKeyIds::default();
            ids.note(bytes, &matches);
            (matches, ids)
        }) {
            Ok(Outcome::Scanned((matches, ids), len)) => {
                self.key_ids.extend(ids);
                self.stats.files += 1;
                self.stats.bytes += len;
                if !matches.is_empty() {
                    let shown = display_path(path);
                    self.findings.extend(
                        matches
                            .into_iter()
                            .map(|m| Finding::from_match(m, shown.clone(), None)),
                    );
                }
            }
            Ok(Outcome::Binary) => self.stats.skipped_binary += 1,
            Ok(Outcome::TooLarge) => self.stats.skipped_too_large += 1,
            Err(e) => self.errors.push(ScanError {
                path: display_path(path),
                message: e.to_string(),
            }),
        }
    }
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => self.scan(&entry),
            Ok(_) => {}
            Err(e) => self.errors.push(ScanError {
                path: walk_error_path(&e),
                message: e.to_string(),
            }),
        }
        WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.scanned.add(&self.stats);
        shared.findings.append(&mut self.findings);
        shared.errors.append(&mut self.errors);
        shared.aws_key_ids.extend(std::mem::take(&mut self.key_ids));
    }
}

/// The path an `ignore` error is about, if it names one.
fn walk_error_path(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, .. } => display_path(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => String::new(),
    }
}
