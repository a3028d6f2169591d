//! Added lines: what is about to be committed ([`scan_staged`], the index against `HEAD`)
//! and what a push or a pull request brings ([`scan_range`], the commits of `A..B`). Git
//! itself says which lines each file gains (`git diff -U0 --raw -p -z`); each new blob is
//! read whole (`git cat-file --batch`) and scanned by the engine, so that a secret keeps
//! its context, and a finding is kept when the line it starts on is one of the added
//! lines. Lines already committed, and changes not staged, are never reported.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;

use rampart_secrets::Engine;

use crate::finding::{Commit, Finding};
use crate::git::{finish, ignore_rules, Git};
use crate::read::is_binary;
use crate::report::{Report, ScanError, ScanOptions, Stats};
use crate::Error;

/// Options of every diff this module reads: no context, the raw listing (`-z`: paths as
/// they are) before the patch, full object ids, no renames (a renamed file's lines are
/// all added at its new path only when they changed), and none of the user's diff
/// settings that would change what is listed (external diff, text conversion, colour,
/// `diff.relative`).
const DIFF_ARGS: [&str; 10] = [
    "-U0",
    "--raw",
    "-p",
    "-z",
    "--no-renames",
    "--no-abbrev",
    "--full-index",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
];

/// A file a diff adds lines to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    /// The file's path in the repository.
    path: String,
    /// Its new blob.
    sha: String,
    /// The added lines of the new blob, as inclusive 1-based ranges.
    added: Vec<(u32, u32)>,
}

impl Change {
    fn adds(&self, line: u32) -> bool {
        self.added.iter().any(|&(a, b)| a <= line && line <= b)
    }
}

/// A commit of a range and the files it adds lines to.
struct CommitChanges {
    commit: Arc<Commit>,
    changes: Vec<Change>,
}

/// The sha git uses for "no object": all zeros (40 hex digits, or 64 in a SHA-256
/// repository). A pre-push hook receives it as the remote sha of a branch the remote does
/// not have yet.
pub fn is_null_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b == b'0')
}

/// Scan what is about to be committed in the repository at (or above) `repo`: the lines
/// the index adds against `HEAD` (on an unborn branch, every staged line). Findings name
/// the path from the top of the work tree and the line in the staged version of the file.
/// Lines already committed and changes in the working tree that are not staged are not
/// read. `.rampartignore` at the top of the work tree and [`ScanOptions::ignore_files`]
/// exclude paths, as in [`crate::scan_history`].
pub fn scan_staged(engine: &Engine, repo: &Path, opts: &ScanOptions) -> Result<Report, Error> {
    let git = open(repo)?;
    // A bare repository has no index to commit from.
    git.output(&["rev-parse", "--show-toplevel"])
        .map_err(|message| Error::NotAGitRepository {
            path: repo.to_owned(),
            message,
        })?;
    let mut args = vec!["diff", "--cached", "--no-relative", "--diff-filter=AMT"];
    args.extend(DIFF_ARGS);
    let out = git.output_bytes(&args)?;
    let changes = parse_diff(&out);
    let mut stats = Stats::default();
    let pending: Vec<(Option<Arc<Commit>>, Change)> =
        changes.into_iter().map(|c| (None, c)).collect();
    scan_changes(engine, &git, opts, pending, &mut stats, false)
}

/// Scan the commits of `range`, `A..B`: those reachable from `B` and not from `A`, each
/// commit's added lines against its parent (for a merge, only the lines it adds against
/// every parent: a conflict's resolution). `A` all zeros (a pre-push hook's remote sha for a
/// branch the remote does not have) means the commits of `B` that no remote-tracking
/// branch holds (`git rev-list B --not --remotes`): with no remote at all, the whole history
/// of `B`. `B` all zeros (a deleted branch) scans nothing. A secret added in several
/// commits of the range at one path is reported once, at the first. Findings carry their
/// commit and author, as in [`crate::scan_history`].
pub fn scan_range(
    engine: &Engine,
    repo: &Path,
    range: &str,
    opts: &ScanOptions,
) -> Result<Report, Error> {
    let git = open(repo)?;
    let bad = |message: String| Error::BadRange {
        path: repo.to_owned(),
        range: range.to_owned(),
        message,
    };
    let (from, to) = match range.split_once("..") {
        Some((_, to)) if to.starts_with('.') => {
            return Err(bad("`A...B` is not supported: give `A..B`".into()))
        }
        Some((from, to)) if !from.is_empty() && !to.is_empty() => (from, to),
        _ => return Err(bad("expected `A..B`, two revisions".into())),
    };
    if is_null_sha(to) {
        return Ok(Report::default());
    }
    let resolve = |rev: &str| -> Result<String, Error> {
        let spec = format!("{rev}^{{commit}}");
        git.output(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ])
        .map(|s| s.trim().to_string())
        .map_err(|_| bad(format!("unknown revision `{rev}`")))
    };
    let to = resolve(to)?;
    let mut args = vec![
        "log",
        "--topo-order",
        "--reverse",
        "--diff-merges=dense-combined",
        "--diff-filter=AMT",
        "--format=%x01%H%x00%an%x00%ae%x00%aI%x00",
    ];
    args.extend(DIFF_ARGS);
    let from_sha;
    if is_null_sha(from) {
        args.extend([to.as_str(), "--not", "--remotes"]);
    } else {
        from_sha = format!("^{}", resolve(from)?);
        args.extend([to.as_str(), from_sha.as_str()]);
    }
    let out = git.output_bytes(&args)?;
    let commits = parse_log(&out);
    let mut stats = Stats {
        commits: commits.len() as u64,
        ..Stats::default()
    };
    let pending = commits
        .into_iter()
        .flat_map(|c| {
            let commit = c.commit;
            c.changes
                .into_iter()
                .map(move |ch| (Some(commit.clone()), ch))
        })
        .collect();
    scan_changes(engine, &git, opts, pending, &mut stats, true)
}

/// The repository at `repo`, or why it is not one.
fn open(repo: &Path) -> Result<Git, Error> {
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
    Ok(git)
}

impl Git {
    /// Run a git command to completion; its stdout as bytes, or an error with its stderr.
    fn output_bytes(&self, args: &[&str]) -> Result<Vec<u8>, Error> {
        let out = self
            .command(args)
            .output()
            .map_err(|e| self.error(args, format!("cannot run git: {e}")))?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(self.error(args, String::from_utf8_lossy(&out.stderr).trim()))
        }
    }
}

/// Read each new blob of `pending` once, scan it, and keep the findings on added lines:
/// for each detector, secret and path, the first commit's (the order of `pending`).
/// `history`: count the distinct blobs read, as history scans do.
fn scan_changes(
    engine: &Engine,
    git: &Git,
    opts: &ScanOptions,
    pending: Vec<(Option<Arc<Commit>>, Change)>,
    stats: &mut Stats,
    history: bool,
) -> Result<Report, Error> {
    let ignore = ignore_rules(git, opts)?;
    let pending: Vec<_> = pending
        .into_iter()
        .filter(|(_, c)| {
            !c.added.is_empty()
                && !ignore
                    .matched_path_or_any_parents(&c.path, false)
                    .is_ignore()
        })
        .collect();
    let mut wanted: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    for (_, c) in &pending {
        if seen.insert(c.sha.as_str()) {
            wanted.push(c.sha.as_str());
        }
    }
    if history {
        stats.blobs += wanted.len() as u64;
    }
    let mut report = Report::default();
    let blobs = read_blobs(
        engine,
        git,
        &wanted,
        opts.max_file_size,
        stats,
        &mut report.errors,
    )?;
    let mut kept: HashSet<(String, String, String)> = HashSet::new();
    for (commit, change) in &pending {
        let Some((content, matches)) = blobs.get(&change.sha) else {
            continue;
        };
        let added: Vec<_> = matches
            .iter()
            .filter(|m| change.adds(m.line))
            .cloned()
            .collect();
        report.aws_key_ids.note(content, &added);
        for m in added {
            let key = (
                m.detector_id.clone(),
                m.fingerprint.clone(),
                change.path.clone(),
            );
            if kept.insert(key) {
                let commit = commit.as_deref().cloned();
                report
                    .findings
                    .push(Finding::from_match(m, change.path.clone(), commit));
            }
        }
    }
    report.scanned.add(stats);
    report.sort();
    Ok(report)
}

/// A blob read and scanned: its content and the engine's matches.
type Scanned = (Vec<u8>, Vec<rampart_secrets::Match>);

/// Read `shas` through one `git cat-file --batch` and scan each text blob under the size
/// limit; a blob git cannot read is an error in the report.
fn read_blobs(
    engine: &Engine,
    git: &Git,
    shas: &[&str],
    max_size: u64,
    stats: &mut Stats,
    errors: &mut Vec<ScanError>,
) -> Result<HashMap<String, Scanned>, Error> {
    let mut out = HashMap::new();
    if shas.is_empty() {
        return Ok(out);
    }
    let args = ["cat-file", "--batch"];
    let mut child = git
        .command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| git.error(&args, format!("cannot run git: {e}")))?;
    let mut stdin = child.stdin.take().expect("piped");
    let names: String = shas.iter().map(|s| format!("{s}\n")).collect();
    // Written from another thread, so that a full pipe either way cannot deadlock.
    let writer = std::thread::spawn(move || stdin.write_all(names.as_bytes()));
    let mut reader = BufReader::with_capacity(1 << 16, child.stdout.take().expect("piped"));
    let mut header = String::new();
    for sha in shas {
        header.clear();
        let read = reader.read_line(&mut header);
        let mut parts = header.split_whitespace();
        let size = match (read, parts.next(), parts.next(), parts.next()) {
            (Ok(n), Some(_), Some(_), Some(size)) if n > 0 => size.parse::<u64>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            errors.push(ScanError {
                path: sha.to_string(),
                message: format!("git cannot read blob {sha}: {}", header.trim()),
            });
            if header.trim().ends_with("missing") {
                continue;
            }
            break;
        };
        let mut content = Vec::with_capacity(size as usize);
        if (&mut reader)
            .take(size + 1)
            .read_to_end(&mut content)
            .map_or(true, |n| n as u64 != size + 1)
        {
            errors.push(ScanError {
                path: sha.to_string(),
                message: format!("git cannot read blob {sha}: short read"),
            });
            break;
        }
        content.truncate(size as usize);
        if size > max_size {
            stats.skipped_too_large += 1;
        } else if is_binary(&content) {
            stats.skipped_binary += 1;
        } else {
            stats.files += 1;
            stats.bytes += size;
            let matches = engine.scan(&content);
            out.insert(sha.to_string(), (content, matches));
        }
    }
    drop(reader);
    let _ = writer.join();
    finish(child, &args, git)?;
    Ok(out)
}

/// `git log --format=%x01%H%x00%an%x00%ae%x00%aI%x00` with [`DIFF_ARGS`]: each commit and
/// the files it adds lines to. A record starts with `\x01` and a full object id at the
/// start of the output or after a newline or NUL (a `\x01` in a file's lines is always
/// after a `+`, `-` or space).
fn parse_log(out: &[u8]) -> Vec<CommitChanges> {
    let mut starts = Vec::new();
    for (i, &b) in out.iter().enumerate() {
        if b == 0x01
            && (i == 0 || matches!(out[i - 1], b'\n' | 0))
            && is_record_start(&out[i + 1..])
        {
            starts.push(i);
        }
    }
    let mut commits = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(out.len());
        let record = &out[start + 1..end];
        let mut fields = record.splitn(5, |&b| b == 0);
        let (Some(sha), Some(author), Some(email), Some(date), rest) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            continue;
        };
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        commits.push(CommitChanges {
            commit: Arc::new(Commit {
                sha: text(sha),
                author: text(author),
                email: text(email),
                date: text(date),
            }),
            changes: parse_diff(rest.unwrap_or_default()),
        });
    }
    commits
}

/// Whether `rest` starts with a full object id and a NUL.
fn is_record_start(rest: &[u8]) -> bool {
    let hex = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    (hex == 40 || hex == 64) && rest.get(hex) == Some(&0)
}

/// One diff of [`DIFF_ARGS`]: the raw listing (`:meta\0path\0` records, `::meta` for a
/// merge's combined diff), then the patch. The patch's file sections come in the raw
/// listing's order; each is matched to its raw record by its new object id (a section has
/// one when it has hunks), so that a listed file without a section (unmerged, or left out
/// of a merge's dense diff) cannot shift the others. Regular files and executables only.
fn parse_diff(out: &[u8]) -> Vec<Change> {
    let mut rest = out;
    let mut listed: Vec<(String, String)> = Vec::new();
    loop {
        while let [b'\n' | 0, tail @ ..] = rest {
            rest = tail;
        }
        if rest.first() != Some(&b':') {
            break;
        }
        let mut parts = rest.splitn(3, |&b| b == 0);
        let (Some(meta), Some(path)) = (parts.next(), parts.next()) else {
            break;
        };
        rest = parts.next().unwrap_or_default();
        let colons = meta.iter().take_while(|&&b| b == b':').count();
        let fields: Vec<&[u8]> = meta[colons..].split(|&b| b == b' ').collect();
        // `colons + 1` modes, then as many object ids (the new one last), then the status.
        let (Some(mode), Some(sha)) = (fields.get(colons), fields.get(2 * colons + 1)) else {
            continue;
        };
        let olds = &fields[colons + 1..2 * colons + 1];
        // A file whose new content is an old one (a mode change) adds no line.
        if mode.starts_with(b"100") && !sha.iter().all(|&b| b == b'0') && !olds.contains(sha) {
            listed.push((
                String::from_utf8_lossy(sha).into_owned(),
                String::from_utf8_lossy(path).into_owned(),
            ));
        }
    }
    let mut changes = Vec::new();
    let mut cursor = 0;
    let mut current: Option<Change> = None;
    for line in rest.split(|&b| b == b'\n') {
        if line.starts_with(b"diff --git ") || line.starts_with(b"diff --cc ") {
            changes.extend(current.take());
        } else if let Some(ids) = line.strip_prefix(b"index ") {
            // `index OLD..NEW MODE`, or `index OLD1,OLD2..NEW` for a merge.
            let ids = String::from_utf8_lossy(ids);
            let new = ids
                .split_once("..")
                .and_then(|(_, new)| new.split(' ').next())
                .unwrap_or_default();
            if let Some(k) = listed[cursor..].iter().position(|(sha, _)| sha == new) {
                let (sha, path) = listed[cursor + k].clone();
                cursor += k + 1;
                current = Some(Change {
                    path,
                    sha,
                    added: Vec::new(),
                });
            }
        } else if line.starts_with(b"@@") {
            if let (Some(change), Some(range)) = (current.as_mut(), added_range(line)) {
                change.added.push(range);
            }
        }
    }
    changes.extend(current);
    changes.retain(|c| !c.added.is_empty());
    changes
}

/// The new side of a hunk header, `@@ -a,b +c,d @@` (or `@@@ -a,b -c,d +e,f @@@`), as the
/// inclusive range of lines it adds; none when it adds no line.
fn added_range(header: &[u8]) -> Option<(u32, u32)> {
    let header = std::str::from_utf8(header).ok()?;
    let new = header
        .split(' ')
        .skip(1)
        .take_while(|t| !t.starts_with("@@"))
        .find_map(|t| t.strip_prefix('+'))?;
    let (start, count) = match new.split_once(',') {
        Some((s, c)) => (s.parse::<u32>().ok()?, c.parse::<u32>().ok()?),
        None => (new.parse::<u32>().ok()?, 1),
    };
    (count > 0).then(|| (start, start + count - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 13: hunk headers give the added lines of the new file, merges' combined
    // headers too; a hunk that only removes adds nothing.
    #[test]
    fn hunk_headers_give_added_lines() {
        assert_eq!(added_range(b"@@ -1,0 +2 @@ a"), Some((2, 2)));
        assert_eq!(added_range(b"@@ -0,0 +1,3 @@"), Some((1, 3)));
        assert_eq!(added_range(b"@@ -4,2 +3,0 @@ x"), None);
        assert_eq!(added_range(b"@@@ -1,0 -1,0 +1,2 @@@"), Some((1, 2)));
        assert_eq!(added_range(b"@@ +1,2 @@ -9 +9"), Some((1, 2)));
    }

    // Issue 13: the raw listing names each file (hostile characters as they are), the
    // patch's sections are matched to it by object id, and a file without a section
    // (unmerged) or without added lines (mode change, deletion, symlink) gives nothing.
    #[test]
    fn raw_listing_and_patch_are_matched_by_object_id() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let out = format!(
            ":000000 000000 {z} {z} U\0unmerged\0\
             :100644 100644 {c} {a} M\0we ird\tname\0\
             :000000 120000 {z} {c} A\0link\0\
             :100644 100755 {b} {b} M\0mode-only\0\
             :000000 100644 {z} {b} A\0new\0\0\
             diff --git \"a/we ird\\tname\" \"b/we ird\\tname\"\n\
             index {c}..{a} 100644\n--- a/x\n+++ b/x\n@@ -1,0 +2 @@ a\n+\x01{a}\0\n@@ -5 +6,2 @@\n+x\n+y\n\
             diff --git a/link b/link\nnew file mode 120000\nindex {z}..{c}\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+target\n\
             diff --git a/mode-only b/mode-only\nold mode 100644\nnew mode 100755\n\
             diff --git a/new b/new\nnew file mode 100644\nindex {z}..{b}\n--- /dev/null\n+++ b/new\n@@ -0,0 +1,4 @@\n+1\n+2\n+3\n+4\n"
        );
        let changes = parse_diff(out.as_bytes());
        assert_eq!(
            changes,
            vec![
                Change {
                    path: "we ird\tname".into(),
                    sha: a.clone(),
                    added: vec![(2, 2), (6, 7)],
                },
                Change {
                    path: "new".into(),
                    sha: b.clone(),
                    added: vec![(1, 4)],
                },
            ]
        );
        // A `\x01` in a line of the patch does not start a commit record.
        let log = format!(
            "\x01{}\0Ann\0ann@x\02026-01-01T00:00:00Z\0\n{out}",
            "1".repeat(40)
        );
        let commits = parse_log(log.as_bytes());
        assert_eq!(commits.len(), 1);
        assert_eq!(commits[0].commit.author, "Ann");
        assert_eq!(commits[0].changes, changes);
    }

    #[test]
    fn null_shas() {
        assert!(is_null_sha(&"0".repeat(40)));
        assert!(is_null_sha(&"0".repeat(64)));
        assert!(!is_null_sha("0000"));
        assert!(!is_null_sha(&"a".repeat(40)));
    }
}
