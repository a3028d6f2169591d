//! Git history: every blob reachable from any ref (`git rev-list --all --objects`), each
//! read and scanned once (`git cat-file --batch`, one process per worker), attributed to
//! the first commit that added it at a path (`git log --all --raw`), so a secret added and
//! deleted later is still found, with the commit and author that leaked it. A blob git
//! cannot read (missing from the object store, or corrupt) is an error in the report,
//! naming the object, and the scan goes on with the others.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ignore::gitignore::Gitignore;
use rampart_secrets::Engine;

use crate::finding::{Commit, Finding};
use crate::read::is_binary;
use crate::report::{AwsKeyIds, Report, ScanError, ScanOptions, Stats};
use crate::{ignore_files, Error, IGNORE_FILE_NAME};

/// Where a blob first appeared: the commit's place in parent-first order, the commit, the
/// path.
#[derive(Clone)]
struct Origin {
    order: usize,
    commit: Option<Arc<Commit>>,
    path: String,
}

/// A blob to scan.
struct Blob {
    sha: String,
    origin: Origin,
}

impl Blob {
    /// The report's error for this blob when git cannot read it: its path (when a commit
    /// names it), the object id, and the commit that added it.
    fn unreadable(&self, why: &str) -> ScanError {
        let added = match &self.origin.commit {
            Some(c) => format!(" (added in commit {})", short_sha(&c.sha)),
            None => String::new(),
        };
        ScanError {
            path: self.origin.path.clone(),
            message: format!("git cannot read blob {}{added}: {why}", self.sha),
        }
    }
}

/// An object of the history's listing.
enum Listed {
    /// A blob git can read the header of: its id, size and a path it has.
    Blob {
        sha: String,
        size: u64,
        path: String,
    },
    /// An object git cannot read: missing from the object store, or corrupt.
    Unreadable { sha: String },
}

/// The first 12 characters of an object id.
pub(crate) fn short_sha(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// Scan every blob of every commit reachable from any ref of the repository at `repo`
/// (branches, tags, remotes, stash). A secret that stays in a file over many commits is
/// reported once per path, at the first commit that added it; `.rampartignore` at the
/// top of the work tree and [`ScanOptions::ignore_files`] exclude paths. An object git
/// cannot read (missing, or corrupt) is a [`ScanError`] in the report naming it, and the
/// scan goes on.
pub fn scan_history(engine: &Engine, repo: &Path, opts: &ScanOptions) -> Result<Report, Error> {
    if std::fs::metadata(repo).is_err() {
        return Err(Error::PathNotFound {
            path: repo.to_owned(),
        });
    }
    let git = Git {
        repo: repo.to_owned(),
    };
    git.output(&["rev-parse", "--git-dir"])
        .map_err(|message| Error::NotAGitRepository {
            path: repo.to_owned(),
            message,
        })?;
    let ignore = ignore_rules(&git, opts)?;
    let (origins, commits) = git.origins()?;
    let mut stats = Stats {
        commits: commits as u64,
        ..Stats::default()
    };
    let mut blobs = Vec::new();
    let mut errors = Vec::new();
    for listed in git.blobs()? {
        let (sha, size, path) = match listed {
            Listed::Blob { sha, size, path } => (sha, Some(size), path),
            Listed::Unreadable { sha } if !origins.contains_key(&sha) => {
                // No commit puts it at a path: not a blob, or a blob of a tree that is
                // unreadable too.
                errors.push(ScanError {
                    path: repo.display().to_string(),
                    message: format!("git cannot read object {sha}: missing or corrupt"),
                });
                continue;
            }
            Listed::Unreadable { sha } => (sha, None, String::new()),
        };
        stats.blobs += 1;
        let origin = origins.get(&sha).cloned().unwrap_or(Origin {
            order: usize::MAX,
            commit: None,
            path,
        });
        if ignore
            .matched_path_or_any_parents(&origin.path, false)
            .is_ignore()
        {
            continue;
        }
        let blob = Blob { sha, origin };
        match size {
            None => errors.push(blob.unreadable("missing or corrupt object")),
            Some(size) if size > opts.max_file_size => stats.skipped_too_large += 1,
            Some(_) => blobs.push(blob),
        }
    }
    let mut report = git.scan_blobs(engine, blobs, opts.thread_count());
    report.scanned.add(&stats);
    report.errors.extend(errors);
    report.sort();
    Ok(report)
}

/// `.rampartignore` at the top of the work tree (if there is one) and the extra ignore
/// files, matched against paths in the repository.
pub(crate) fn ignore_rules(git: &Git, opts: &ScanOptions) -> Result<Gitignore, Error> {
    let top = git
        .output(&["rev-parse", "--show-toplevel"])
        .ok()
        .map(|s| PathBuf::from(s.trim_end_matches(['\n', '\r'])));
    let mut files: Vec<PathBuf> = top
        .as_ref()
        .map(|t| t.join(IGNORE_FILE_NAME))
        .filter(|p| p.is_file())
        .into_iter()
        .collect();
    files.extend(opts.ignore_files.iter().cloned());
    ignore_files::matcher(top.as_deref().unwrap_or(&git.repo), &files)
}

/// Runs git in one repository.
pub(crate) struct Git {
    pub(crate) repo: PathBuf,
}

impl Git {
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C")
            .arg(&self.repo)
            .args(["-c", "core.quotePath=false"])
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null());
        cmd
    }

    pub(crate) fn error(&self, args: &[&str], message: impl Into<String>) -> Error {
        Error::Git {
            path: self.repo.clone(),
            command: args.join(" "),
            message: message.into(),
        }
    }

    /// Run a git command to completion; its stdout, or its stderr as the error.
    pub(crate) fn output(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .command(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// For each blob, the first commit (parents before children) that added or changed a
    /// path to it; and the number of commits.
    fn origins(&self) -> Result<(HashMap<String, Origin>, usize), Error> {
        let args = [
            "log",
            "--all",
            "--topo-order",
            "--reverse",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "-z",
            "--format=%x01%H%x00%an%x00%ae%x00%aI%x00",
        ];
        let mut child = self
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.error(&args, e.to_string()))?;
        let stdout = child.stdout.take().expect("piped");
        let mut origins = HashMap::new();
        let mut commits = 0usize;
        let mut reader = BufReader::with_capacity(1 << 16, stdout);
        let mut record = Vec::new();
        loop {
            record.clear();
            let n = reader
                .read_until(0x01, &mut record)
                .map_err(|e| self.error(&args, e.to_string()))?;
            if n == 0 {
                break;
            }
            if record.last() == Some(&0x01) {
                record.pop();
            }
            if parse_log_record(&record, commits, &mut origins) {
                commits += 1;
            }
        }
        finish(child, &args, self)?;
        Ok((origins, commits))
    }

    /// Every blob reachable from any ref, once, and every object that cannot be read.
    /// `--missing=print` lists a missing object (as `?<id>`) instead of stopping the
    /// listing; `cat-file --batch-check` answers `<id> missing` for it, and for an object
    /// whose file is corrupt.
    fn blobs(&self) -> Result<Vec<Listed>, Error> {
        let list = [
            "rev-list",
            "--all",
            "--objects",
            "--missing=print",
            "--filter=object:type=blob",
        ];
        let check = [
            "cat-file",
            "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)",
        ];
        let mut lister = self
            .command(&list)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.error(&list, e.to_string()))?;
        let mut checker = self
            .command(&check)
            .stdin(lister.stdout.take().expect("piped"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.error(&check, e.to_string()))?;
        let mut out = Vec::new();
        let reader = BufReader::new(checker.stdout.take().expect("piped"));
        for line in reader.split(b'\n') {
            let line = line.map_err(|e| self.error(&check, e.to_string()))?;
            let line = String::from_utf8_lossy(&line);
            if let Some(name) = line.strip_suffix(" missing") {
                out.push(Listed::Unreadable {
                    sha: name.trim_start_matches('?').to_string(),
                });
                continue;
            }
            let mut parts = line.splitn(4, ' ');
            let (Some(sha), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if kind != "blob" {
                continue;
            }
            out.push(Listed::Blob {
                sha: sha.to_string(),
                size: size.parse().unwrap_or(u64::MAX),
                path: parts.next().unwrap_or("").to_string(),
            });
        }
        finish(lister, &list, self)?;
        finish(checker, &check, self)?;
        Ok(out)
    }

    /// Scan the blobs on `threads` workers, each with its own `git cat-file --batch`
    /// reading a share of them; keep, per detector, secret and path, the earliest commit.
    fn scan_blobs(&self, engine: &Engine, blobs: Vec<Blob>, threads: usize) -> Report {
        let chunk = blobs.len().div_ceil(threads.max(1) * 8).max(1);
        let chunks: Vec<&[Blob]> = blobs.chunks(chunk).collect();
        let next = AtomicUsize::new(0);
        let shared = Mutex::new(Scanned::default());
        std::thread::scope(|scope| {
            for _ in 0..threads.max(1).min(chunks.len()) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(i) else { break };
                    let out = self.scan_chunk(engine, chunk);
                    let mut shared = shared.lock().unwrap_or_else(|e| e.into_inner());
                    shared.found.extend(out.found);
                    shared.stats.add(&out.stats);
                    shared.errors.extend(out.errors);
                    shared.key_ids.extend(out.key_ids);
                });
            }
        });
        let Scanned {
            found,
            stats: scanned,
            errors,
            key_ids,
        } = shared.into_inner().unwrap_or_else(|e| e.into_inner());
        // One finding per detector, secret and path: the earliest commit's.
        let mut first: HashMap<(String, String, String), (usize, Finding)> = HashMap::new();
        for (order, f) in found {
            let key = (f.detector_id.clone(), f.fingerprint.clone(), f.path.clone());
            match first.get(&key) {
                Some((o, kept)) if (*o, kept.line) <= (order, f.line) => {}
                _ => {
                    first.insert(key, (order, f));
                }
            }
        }
        Report {
            scanned,
            findings: first.into_values().map(|(_, f)| f).collect(),
            errors,
            aws_key_ids: key_ids,
            ..Report::default()
        }
    }

    /// Read and scan `blobs`. When `git cat-file` stops answering (a corrupt object makes
    /// it exit), the blob it was on is an error and a new `git cat-file` goes on from the
    /// next one.
    fn scan_chunk(&self, engine: &Engine, blobs: &[Blob]) -> Scanned {
        let mut out = Scanned::default();
        let mut rest = blobs;
        while !rest.is_empty() {
            let done = self.cat_blobs(engine, rest, &mut out);
            rest = &rest[done.clamp(1, rest.len())..];
        }
        out
    }

    /// Read and scan `blobs` through one `git cat-file --batch` until it stops answering;
    /// returns how many blobs were dealt with (scanned, skipped, or recorded as errors).
    fn cat_blobs(&self, engine: &Engine, blobs: &[Blob], out: &mut Scanned) -> usize {
        let args = ["cat-file", "--batch"];
        let mut child = match self
            .command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => {
                out.errors.push(ScanError {
                    path: format!("{} (git cat-file)", self.repo.display()),
                    message: format!("cannot run git: {e}; {} blob(s) not read", blobs.len()),
                });
                return blobs.len();
            }
        };
        let mut stdin = child.stdin.take().expect("piped");
        let names: String = blobs.iter().map(|b| format!("{}\n", b.sha)).collect();
        // Write the names, and drain git's stderr, from other threads so that a full pipe
        // either way cannot deadlock.
        let writer = std::thread::spawn(move || stdin.write_all(names.as_bytes()));
        let mut stderr = child.stderr.take().expect("piped");
        let complaints = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let mut reader = BufReader::with_capacity(1 << 16, child.stdout.take().expect("piped"));
        let mut header = String::new();
        let mut content = Vec::new();
        let mut done = 0;
        // Why git stopped answering, at `blobs[done]`.
        let mut stopped = None;
        for blob in blobs {
            header.clear();
            match reader.read_line(&mut header) {
                Ok(0) => {
                    stopped = Some("git cat-file stopped".to_string());
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    stopped = Some(e.to_string());
                    break;
                }
            }
            let mut parts = header.split_whitespace();
            let (Some(_), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next())
            else {
                // `<id> missing`: this one is unreadable, and git goes on.
                out.errors.push(blob.unreadable(header.trim()));
                done += 1;
                continue;
            };
            let Ok(size) = size.parse::<usize>() else {
                stopped = Some(format!("unexpected answer from git: {}", header.trim()));
                break;
            };
            content.clear();
            // The content, then a newline.
            match (&mut reader)
                .take(size as u64 + 1)
                .read_to_end(&mut content)
            {
                Ok(n) if n == size + 1 => {}
                Ok(n) => {
                    stopped = Some(format!("read {} of its {size} byte(s)", n.min(size)));
                    break;
                }
                Err(e) => {
                    stopped = Some(e.to_string());
                    break;
                }
            }
            content.truncate(size);
            done += 1;
            if kind != "blob" {
                continue;
            }
            if is_binary(&content) {
                out.stats.skipped_binary += 1;
                continue;
            }
            out.stats.files += 1;
            out.stats.bytes += size as u64;
            let matches = engine.scan(&content);
            out.key_ids.note(&content, &matches);
            for m in matches {
                let commit = blob.origin.commit.as_deref().cloned();
                out.found.push((
                    blob.origin.order,
                    Finding::from_match(m, blob.origin.path.clone(), commit),
                ));
            }
        }
        drop(reader);
        if stopped.is_some() {
            let _ = child.kill();
        }
        let _ = writer.join();
        let _ = child.wait();
        let complaints = complaints.join().unwrap_or_default();
        if let (Some(why), Some(blob)) = (stopped, blobs.get(done)) {
            // What git said last is about the object it stopped on.
            let said = complaints.lines().rev().find(|l| !l.trim().is_empty());
            let why = match said {
                Some(said) => format!("{why}: {}", said.trim()),
                None => why,
            };
            out.errors.push(blob.unreadable(&why));
            done += 1;
        }
        done
    }
}

/// What workers found in their share of the blobs.
#[derive(Default)]
struct Scanned {
    found: Vec<(usize, Finding)>,
    stats: Stats,
    errors: Vec<ScanError>,
    key_ids: AwsKeyIds,
}

/// Wait for a git process, turning a failure into an error with its stderr.
pub(crate) fn finish(
    mut child: std::process::Child,
    args: &[&str],
    git: &Git,
) -> Result<(), Error> {
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let status = child.wait().map_err(|e| git.error(args, e.to_string()))?;
    if status.success() {
        Ok(())
    } else {
        Err(git.error(args, format!("{status}: {}", stderr.trim())))
    }
}

/// One `git log -z --raw` record (without its leading `\x01`): the header fields (commit,
/// author, e-mail, date), then `:meta\0path\0` pairs. Records each new blob's first
/// origin. Returns whether the record was a commit.
fn parse_log_record(record: &[u8], order: usize, origins: &mut HashMap<String, Origin>) -> bool {
    let mut fields = record.split(|&b| b == 0);
    let (Some(sha), Some(author), Some(email), Some(date)) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return false;
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let sha = text(sha).trim().to_string();
    if sha.is_empty() {
        return false;
    }
    let commit = Arc::new(Commit {
        sha,
        author: text(author),
        email: text(email),
        date: text(date),
    });
    let mut fields = fields.peekable();
    while let Some(field) = fields.next() {
        let meta = field.trim_ascii_start();
        let Some(meta) = meta.strip_prefix(b":") else {
            continue;
        };
        let Some(path) = fields.next() else { break };
        // `:old_mode new_mode old_sha new_sha status`
        let parts: Vec<&[u8]> = meta.split(|&b| b == b' ').collect();
        let (Some(new_mode), Some(new_sha)) = (parts.get(1), parts.get(3)) else {
            continue;
        };
        // Regular files and executables only: no submodules (160000), no symlinks (120000).
        if !new_mode.starts_with(b"100") || new_sha.iter().all(|&b| b == b'0') {
            continue;
        }
        origins.entry(text(new_sha)).or_insert_with(|| Origin {
            order,
            commit: Some(commit.clone()),
            path: text(path),
        });
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 5: the log parser reads the header and the raw pairs, keeps the first origin
    // of a blob, and skips deletions, symlinks and submodules.
    #[test]
    fn parses_raw_log_records() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let first = format!(
            "{}\0Al Ice\0al@x\02026-01-01T00:00:00Z\0\0\n:000000 100644 {z} {a} A\0dir/a b.txt\0:000000 120000 {z} {b} A\0link\0:000000 160000 {z} {c} A\0sub\0",
            "1".repeat(40)
        );
        let second = format!(
            "{}\0Bob\0bob@x\02026-01-02T00:00:00Z\0\0\n:100644 000000 {a} {z} D\0dir/a b.txt\0:000000 100755 {z} {a} A\0copy.sh\0",
            "2".repeat(40)
        );
        let mut origins = HashMap::new();
        assert!(parse_log_record(first.as_bytes(), 0, &mut origins));
        assert!(parse_log_record(second.as_bytes(), 1, &mut origins));
        assert!(!parse_log_record(b"", 2, &mut origins));
        assert_eq!(origins.len(), 1, "symlink and submodule skipped");
        let o = &origins[&a];
        assert_eq!((o.order, o.path.as_str()), (0, "dir/a b.txt"));
        let commit = o.commit.as_ref().unwrap();
        assert_eq!(commit.author, "Al Ice");
        assert_eq!(commit.email, "al@x");
        assert_eq!(commit.sha, "1".repeat(40));
    }
}
