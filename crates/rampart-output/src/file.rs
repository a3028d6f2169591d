//! Report and snapshot files, written so that a failure never leaves half a file and a
//! path that is not a regular file keeps being what it is.
//!
//! A regular file (or a path that does not exist yet) is written to a temporary file beside
//! it, then renamed into place. Anything else is opened and written in place: a FIFO, a
//! device node such as `/dev/null` or `/dev/stdout`, and a symlink, which is followed (its
//! regular target is replaced atomically, the link itself stays). Renaming over such a path
//! would replace a device node by a regular file when run as root, and fails for other
//! users. [`write_files`] writes several files as one: all of them, or none.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file that could not be written, with the path at fault.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write the file", path.display())]
pub struct WriteError {
    /// The file.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: io::Error,
}

impl WriteError {
    fn new(path: &Path, source: io::Error) -> Self {
        WriteError {
            path: path.to_owned(),
            source,
        }
    }
}

/// How a path is written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// Through a temporary file renamed onto this path (the path itself, or a symlink's
    /// regular target).
    Atomic(PathBuf),
    /// Opened and written in place: a FIFO, a device node, a socket, a dangling symlink.
    InPlace,
}

/// How `path` must be written: a regular file or a missing path atomically; a symlink
/// whose final target is a regular file atomically at that target; anything else (a FIFO,
/// a device, a symlink to one, a dangling symlink, and a file descriptor's link such as
/// `/dev/stdout`) in place.
fn target(path: &Path) -> io::Result<Target> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Target::Atomic(path.to_owned())),
        Err(e) => Err(e),
        Ok(m) if m.file_type().is_file() => Ok(Target::Atomic(path.to_owned())),
        Ok(m) if m.file_type().is_symlink() && !through_proc(path) => {
            match fs::canonicalize(path) {
                Ok(resolved) if resolved.is_file() => Ok(Target::Atomic(resolved)),
                _ => Ok(Target::InPlace),
            }
        }
        Ok(_) => Ok(Target::InPlace),
    }
}

/// Whether `path`, or a link on the way to its target, is a file descriptor's link in
/// `/proc` (`/dev/stdout` → `/proc/self/fd/1`, `/dev/fd/1`). The file behind it is an
/// open file of this process: a shell's `>> log` must be appended to, not replaced by a
/// new file.
fn through_proc(path: &Path) -> bool {
    let mut p = path.to_owned();
    // Links nested deeper than this are refused by the kernel anyway (ELOOP).
    for _ in 0..40 {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        let dir = fs::canonicalize(&dir).unwrap_or(dir);
        if p.starts_with("/proc") || dir.starts_with("/proc") {
            return true;
        }
        match fs::read_link(&p) {
            Ok(next) => p = dir.join(next),
            Err(_) => return false,
        }
    }
    false
}

/// The temporary file beside `path` that is renamed onto it, and `suffix` marks its use.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    dir.join(format!(".{name}.{suffix}{}", std::process::id()))
}

/// Write `bytes` to a new file at `tmp`, flushed to disk; removed again on failure. A file
/// already there (left by a run that crashed with the same process id) is removed first;
/// the new file is created, never opened through whatever was at its name.
fn write_temporary(tmp: &Path, content: Content) -> io::Result<()> {
    let create = || OpenOptions::new().write(true).create_new(true).open(tmp);
    let result = (|| {
        let mut f = match create() {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                fs::remove_file(tmp)?;
                create()?
            }
            other => other?,
        };
        let mut w = io::BufWriter::new(&mut f);
        content(&mut w)?;
        w.flush()?;
        drop(w);
        f.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(tmp);
    }
    result
}

/// Open `path` as it is (following symlinks) and write `bytes` into it, at its end: a
/// FIFO or a device has no end to keep, and a file behind `/dev/stdout` is written where
/// the shell left it (at its start after `>`, after what was there after `>>`).
fn write_in_place(path: &Path, content: Content) -> io::Result<()> {
    let f = OpenOptions::new().append(true).create(true).open(path)?;
    let mut w = io::BufWriter::new(f);
    content(&mut w)?;
    w.flush()
}

/// What a file receives: a function that writes it, called once.
pub type Content<'a> = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + 'a>;

/// Write `bytes` to `path` exactly as given (no newline added): atomically when `path` is
/// a regular file or does not exist, in place when it is a FIFO, a device node or a
/// symlink to one (see the [module documentation](self)).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_files(&[(path.to_owned(), bytes.to_vec())])
}

/// One file of [`write_files`] on its way: staged in a temporary file, then renamed.
struct Staged<'a> {
    path: PathBuf,
    content: Option<Content<'a>>,
    target: Target,
    /// The temporary file holding the new content (atomic targets only).
    tmp: Option<PathBuf>,
    /// A hard link to the file being replaced, to put back if another file fails.
    backup: Option<PathBuf>,
    /// Whether the new content is in place.
    done: bool,
}

/// Write every `(path, bytes)` or none of them: each atomic target is first written to a
/// temporary file, then all are renamed into place, then in-place targets (FIFOs,
/// devices) are written. When one step fails, the files renamed so far are removed, or the
/// files they replaced put back, and the temporary files removed; the error names the
/// path at fault. (A write into a FIFO or a device cannot be taken back; those come last.)
pub fn write_files(files: &[(PathBuf, Vec<u8>)]) -> Result<(), WriteError> {
    write_streams(
        files
            .iter()
            .map(|(path, bytes)| {
                let content: Content = Box::new(move |w: &mut dyn Write| w.write_all(bytes));
                (path.clone(), content)
            })
            .collect(),
    )
}

/// [`write_files`] for content written piece by piece (a report streamed account by
/// account), never held whole in memory: each function is called once, with a buffered
/// writer into the temporary file (or the FIFO or device, last).
pub fn write_streams(files: Vec<(PathBuf, Content<'_>)>) -> Result<(), WriteError> {
    let mut staged: Vec<Staged> = Vec::with_capacity(files.len());
    let result = stage_and_commit(files, &mut staged);
    match &result {
        Ok(()) => {
            for s in &staged {
                if let Some(b) = &s.backup {
                    let _ = fs::remove_file(b);
                }
            }
        }
        Err(_) => roll_back(&staged),
    }
    result
}

fn stage_and_commit<'a>(
    files: Vec<(PathBuf, Content<'a>)>,
    staged: &mut Vec<Staged<'a>>,
) -> Result<(), WriteError> {
    for (path, content) in files {
        let target = target(&path).map_err(|e| WriteError::new(&path, e))?;
        let mut s = Staged {
            path,
            content: Some(content),
            target,
            tmp: None,
            backup: None,
            done: false,
        };
        if let Target::Atomic(to) = &s.target {
            let tmp = beside(to, "tmp");
            let content = s.content.take().expect("content written once");
            write_temporary(&tmp, content).map_err(|e| WriteError::new(&s.path, e))?;
            s.tmp = Some(tmp);
        }
        staged.push(s);
    }
    for s in staged.iter_mut() {
        let (Target::Atomic(to), Some(tmp)) = (&s.target, &s.tmp) else {
            continue;
        };
        if fs::symlink_metadata(to).is_ok_and(|m| m.file_type().is_file()) {
            let backup = beside(to, "old");
            let _ = fs::remove_file(&backup);
            // Without a backup (a file system without hard links), a failure later
            // removes the new file instead of restoring the old one.
            if fs::hard_link(to, &backup).is_ok() {
                s.backup = Some(backup);
            }
        }
        fs::rename(tmp, to).map_err(|e| WriteError::new(&s.path, e))?;
        s.done = true;
    }
    for s in staged.iter_mut().filter(|s| s.target == Target::InPlace) {
        let content = s.content.take().expect("content written once");
        write_in_place(&s.path, content).map_err(|e| WriteError::new(&s.path, e))?;
        s.done = true;
    }
    Ok(())
}

fn roll_back(staged: &[Staged]) {
    for s in staged {
        if let Some(tmp) = &s.tmp {
            if !s.done {
                let _ = fs::remove_file(tmp);
            }
        }
        let Target::Atomic(to) = &s.target else {
            continue;
        };
        match (&s.backup, s.done) {
            (Some(backup), true) => {
                let _ = fs::rename(backup, to);
            }
            (Some(backup), false) => {
                let _ = fs::remove_file(backup);
            }
            (None, true) => {
                let _ = fs::remove_file(to);
            }
            (None, false) => {}
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    // A temporary file left by a crashed run with the same process id does not stop the
    // next one, and a symlink planted at its name is not written through.
    #[test]
    fn a_stale_temporary_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.txt");
        let elsewhere = dir.path().join("elsewhere");
        fs::write(&elsewhere, b"keep").unwrap();
        std::os::unix::fs::symlink(&elsewhere, beside(&p, "tmp")).unwrap();
        write_file(&p, b"new\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new\n");
        assert_eq!(fs::read(&elsewhere).unwrap(), b"keep");
        assert_eq!(files_in(dir.path()), ["elsewhere", "r.txt"]);
    }

    #[test]
    fn regular_and_missing_files_are_replaced_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.txt");
        write_file(&p, b"one\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one\n");
        write_file(&p, b"two\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two\n");
        // No temporary or backup file left behind.
        assert_eq!(files_in(dir.path()), ["r.txt"]);
    }

    // Issue 9, defect 4: a FIFO given as the output file is written into, not replaced by
    // a regular file.
    #[test]
    fn a_fifo_is_written_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_file(&fifo, b"report\n").unwrap();
        assert_eq!(reader.join().unwrap(), b"report\n");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(files_in(dir.path()), ["pipe"]);
    }

    // Issue 9, defect 4: /dev/null stays the null device (renaming over it would replace
    // it when run as root, and fails for anyone else).
    #[test]
    fn dev_null_stays_a_device() {
        write_file(Path::new("/dev/null"), b"report\n").unwrap();
        let m = fs::symlink_metadata("/dev/null").unwrap();
        assert!(m.file_type().is_char_device(), "{m:?}");
    }

    // Issue 9, defect 4: a symlink stays a symlink; its regular target gets the content.
    #[test]
    fn a_symlink_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, b"new\n").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new\n");
        assert_eq!(files_in(dir.path()), ["link.json", "real.json"]);

        // A symlink to a FIFO: written through the link, in place.
        let fifo = dir.path().join("pipe");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let to_fifo = dir.path().join("to-fifo");
        std::os::unix::fs::symlink(&fifo, &to_fifo).unwrap();
        let reader = std::thread::spawn(move || fs::read(fifo).unwrap());
        write_file(&to_fifo, b"piped").unwrap();
        assert_eq!(reader.join().unwrap(), b"piped");
        assert!(fs::symlink_metadata(&to_fifo)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    // Issue 9, defect 4: `/dev/stdout` (here a file descriptor's link in /proc, as
    // `/dev/stdout` is) redirected to a file with `>>` is appended to, not replaced.
    #[test]
    fn a_file_descriptor_link_is_written_in_place() {
        use std::os::fd::AsRawFd;
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.txt");
        fs::write(&log, b"earlier\n").unwrap();
        let open = OpenOptions::new().append(true).open(&log).unwrap();
        let fd_link = PathBuf::from(format!("/proc/self/fd/{}", open.as_raw_fd()));
        let stdout_like = dir.path().join("stdout");
        std::os::unix::fs::symlink(&fd_link, &stdout_like).unwrap();
        assert_eq!(target(&stdout_like).unwrap(), Target::InPlace);
        assert_eq!(target(&fd_link).unwrap(), Target::InPlace);
        write_file(&stdout_like, b"report\n").unwrap();
        assert_eq!(fs::read(&log).unwrap(), b"earlier\nreport\n");
        assert_eq!(files_in(dir.path()), ["log.txt", "stdout"]);
        drop(open);
    }

    // Issue 9, defect 7: when one file of several cannot be written, none of the others
    // appears, and a file that was being replaced keeps its old content.
    #[test]
    fn several_files_are_written_all_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("b.json"), b"old b").unwrap();
        // A directory where the third file should go: it cannot be written.
        fs::create_dir(d.join("c.csv")).unwrap();
        let files = vec![
            (d.join("a.txt"), b"a\n".to_vec()),
            (d.join("b.json"), b"b\n".to_vec()),
            (d.join("c.csv"), b"c\n".to_vec()),
            (d.join("e.md"), b"e\n".to_vec()),
        ];
        let err = write_files(&files).unwrap_err();
        assert_eq!(err.path, d.join("c.csv"));
        assert_eq!(files_in(d), ["b.json", "c.csv"]);
        assert_eq!(fs::read(d.join("b.json")).unwrap(), b"old b");
        assert!(d.join("c.csv").is_dir());

        fs::remove_dir(d.join("c.csv")).unwrap();
        write_files(&files).unwrap();
        assert_eq!(files_in(d), ["a.txt", "b.json", "c.csv", "e.md"]);
        assert_eq!(fs::read(d.join("b.json")).unwrap(), b"b\n");
    }
}
