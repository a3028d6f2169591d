//! What a scan returns: the findings, what was read, and the problems met on the way
//! (which never stop a scan), plus the options that shape it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::finding::Finding;
use crate::{Baseline, Severity};

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Files (and blobs) larger than this many bytes are skipped and counted.
    pub max_file_size: u64,
    /// Worker threads; 0 uses every available core.
    pub threads: usize,
    /// Extra ignore files (`.gitignore` syntax), on top of `.gitignore` and
    /// `.rampartignore`.
    pub ignore_files: Vec<PathBuf>,
    /// Honour `.gitignore` files, `.git/info/exclude` and the global git excludes file
    /// (working trees only). `.rampartignore` and `ignore_files` apply regardless.
    pub respect_gitignore: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: 32 * 1024 * 1024,
            threads: 0,
            ignore_files: Vec::new(),
            respect_gitignore: true,
        }
    }
}

impl ScanOptions {
    /// The number of worker threads a scan uses: [`ScanOptions::threads`] on this
    /// machine's cores, through [`thread_count`].
    pub fn thread_count(&self) -> usize {
        thread_count(
            self.threads,
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        )
    }
}

/// The most worker threads a scan runs per available core. Scanning is CPU-bound, and in
/// history scans each worker runs its own `git cat-file`: more threads than this only add
/// processes and switching (`--threads 10000` took over a minute on a small tree).
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The worker threads to use when `requested` are asked for (0: one per core) on a
/// machine with `cores` cores: never more than [`MAX_THREADS_PER_CORE`] per core, and at
/// least one.
pub fn thread_count(requested: usize, cores: usize) -> usize {
    let cores = cores.max(1);
    match requested {
        0 => cores,
        n => n.min(cores.saturating_mul(MAX_THREADS_PER_CORE)),
    }
}

/// What a scan read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Files (or blobs) scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Files (or blobs) skipped as binary: a NUL byte in their first 8 KiB.
    pub skipped_binary: u64,
    /// Files (or blobs) skipped as larger than the size limit.
    pub skipped_too_large: u64,
    /// Commits read (history scans).
    pub commits: u64,
    /// Distinct blobs examined (history scans), each once whatever the commits and
    /// branches that hold it.
    pub blobs: u64,
}

impl Stats {
    pub(crate) fn add(&mut self, other: &Stats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped_binary += other.skipped_binary;
        self.skipped_too_large += other.skipped_too_large;
        self.commits += other.commits;
        self.blobs += other.blobs;
    }
}

/// A problem met while scanning that did not stop the scan (an unreadable file or
/// directory, a blob git could not read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanError {
    /// The file, directory or blob.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// The AWS access key ids a scan found, in clear, so that the account can be asked about
/// each (`rampart secrets --live-keys`). Memory only: never serialized, and `Debug` shows
/// a count.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AwsKeyIds(BTreeSet<String>);

impl AwsKeyIds {
    /// Note the AWS access key ids among `matches`, the matches of `hay`.
    pub(crate) fn note(&mut self, hay: &[u8], matches: &[rampart_secrets::Match]) {
        self.0.extend(
            matches
                .iter()
                .filter_map(|m| rampart_secrets::aws_key_id(hay, m)),
        );
    }

    /// Add another set.
    pub(crate) fn extend(&mut self, other: AwsKeyIds) {
        self.0.extend(other.0);
    }

    /// The distinct key ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Number of distinct key ids.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for AwsKeyIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AwsKeyIds({} key id(s))", self.0.len())
    }
}

/// The result of one or more scans.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// What was read.
    pub scanned: Stats,
    /// The account AWS key ids were checked against, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_account: Option<String>,
    /// Findings left out because the baseline accepts them.
    pub baselined: u64,
    /// The findings, most severe first.
    pub findings: Vec<Finding>,
    /// Problems met on the way.
    pub errors: Vec<ScanError>,
    /// The AWS access key ids found, in clear, for the live-key cross-check (never
    /// serialized).
    #[serde(skip)]
    pub aws_key_ids: AwsKeyIds,
}

impl Report {
    /// Add another scan's results to this one.
    pub fn merge(&mut self, other: Report) {
        self.scanned.add(&other.scanned);
        self.baselined += other.baselined;
        self.findings.extend(other.findings);
        self.errors.extend(other.errors);
        self.aws_key_ids.extend(other.aws_key_ids);
        self.sort();
    }

    /// Order findings most severe first, then by path, line and column.
    pub fn sort(&mut self) {
        self.findings.sort_by(Finding::report_order);
        self.errors
            .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    }

    /// Drop the findings the baseline accepts, counting them.
    pub fn apply_baseline(&mut self, baseline: &Baseline) {
        let before = self.findings.len();
        self.findings.retain(|f| !baseline.accepts(f));
        self.baselined += (before - self.findings.len()) as u64;
    }

    /// Findings at or above `threshold`.
    pub fn count_at_or_above(&self, threshold: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= threshold)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 9, defect 10: `--threads 10000` is capped to a few threads per core; what is
    // asked for below the cap is used as asked, and 0 means one per core.
    #[test]
    fn threads_are_capped_per_core() {
        assert_eq!(thread_count(10_000, 2), 2 * MAX_THREADS_PER_CORE);
        assert_eq!(thread_count(10_000, 16), 16 * MAX_THREADS_PER_CORE);
        assert_eq!(thread_count(usize::MAX, usize::MAX), usize::MAX);
        assert_eq!(thread_count(3, 2), 3);
        assert_eq!(
            thread_count(2 * MAX_THREADS_PER_CORE, 2),
            2 * MAX_THREADS_PER_CORE
        );
        assert_eq!(thread_count(0, 6), 6);
        assert_eq!(thread_count(0, 0), 1);
        assert_eq!(thread_count(10_000, 0), MAX_THREADS_PER_CORE);
    }
}
