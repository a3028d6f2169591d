//! Reading one file for scanning: the size limit (looked at before reading, and bounding
//! every read), the binary test, and a memory map for large files (small ones are read
//! into a reused buffer, which costs fewer system calls than mapping and unmapping them).

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Bytes looked at for a NUL to call a file binary (what git and ripgrep look at too).
pub(crate) const BINARY_PROBE: usize = 8 * 1024;
/// Files at least this large are memory-mapped rather than read.
const MMAP_MIN: u64 = 256 * 1024;

/// Whether `bytes` looks binary: a NUL in its first [`BINARY_PROBE`] bytes.
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some()
}

/// What became of a file.
pub(crate) enum Outcome<R> {
    /// Scanned: `f`'s result and the file's size.
    Scanned(R, u64),
    /// Skipped: binary.
    Binary,
    /// Skipped: over the size limit.
    TooLarge,
}

/// Reads files for one worker thread: a buffer reused between files, and a count of the
/// bytes taken from them (read, or mapped and faulted in), which never exceeds the size
/// limit and a byte per file, whatever the files do while they are read.
#[derive(Default)]
pub(crate) struct Reader {
    buf: Vec<u8>,
    bytes_read: u64,
}

impl Reader {
    /// Bytes taken from files so far.
    #[cfg(test)]
    pub(crate) fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Open `path` and, unless it is too large or binary, call `f` on its bytes. The size
    /// is looked at first: a file over `max_size` is skipped without reading a byte.
    pub(crate) fn with_file<R>(
        &mut self,
        path: &Path,
        max_size: u64,
        f: impl FnOnce(&[u8]) -> R,
    ) -> std::io::Result<Outcome<R>> {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        if size > max_size {
            return Ok(Outcome::TooLarge);
        }
        self.with_open_file(&file, size, max_size, f)
    }

    /// [`Reader::with_file`] on an open file whose size was `size` (at most `max_size`)
    /// when it was looked at. The file may have grown since: no more than `size` bytes
    /// are mapped, no more than `max_size + 1` read.
    fn with_open_file<R>(
        &mut self,
        file: &File,
        size: u64,
        max_size: u64,
        f: impl FnOnce(&[u8]) -> R,
    ) -> std::io::Result<Outcome<R>> {
        if size >= MMAP_MIN {
            let len = usize::try_from(size).map_err(std::io::Error::other)?;
            let map = map(file, len)?;
            self.bytes_read += map.len() as u64;
            // Grown past the limit since it was looked at: skipped, as it would be now.
            // Shrunk: the map reaches past the end, so read what is there instead.
            let now = file.metadata()?.len();
            if now > max_size {
                return Ok(Outcome::TooLarge);
            }
            if now >= size {
                if is_binary(&map) {
                    return Ok(Outcome::Binary);
                }
                return Ok(Outcome::Scanned(f(&map), size));
            }
        }
        self.buf.clear();
        // `take` bounds the read even if the file grew after it was looked at.
        let read = file.take(max_size + 1).read_to_end(&mut self.buf);
        self.bytes_read += self.buf.len() as u64;
        read?;
        if self.buf.len() as u64 > max_size {
            return Ok(Outcome::TooLarge);
        }
        if is_binary(&self.buf) {
            return Ok(Outcome::Binary);
        }
        let len = self.buf.len() as u64;
        Ok(Outcome::Scanned(f(&self.buf), len))
    }
}

/// Memory-map the first `len` bytes of `file` read-only, asking the kernel to fault its
/// pages in up front (the scan reads all of it, in order).
#[allow(unsafe_code)]
fn map(file: &File, len: usize) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process, and lives only while the
    // scan of this one file runs. Another process truncating the file meanwhile could make
    // a read fault (SIGBUS), the known hazard of every mmap-based search tool (ripgrep
    // maps files too); it cannot make the program read memory it does not own.
    unsafe { memmap2::MmapOptions::new().len(len).populate().map(file) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    // Issue 5: binaries are skipped by a NUL in the first 8 KiB, as git decides.
    #[test]
    fn binary_means_nul_in_first_8k() {
        assert!(is_binary(b"\x7fELF\x02\x01\x01\0\0"));
        assert!(!is_binary(b"plain text\n"));
        let mut late = vec![b'a'; BINARY_PROBE];
        late.push(0);
        assert!(!is_binary(&late), "a NUL after the probe does not count");
    }

    // Issue 5: small files are read, large ones mapped; both see the same bytes, and the
    // size limit holds for both.
    #[test]
    fn read_and_map_give_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut reader = Reader::default();
        for size in [0usize, 10, MMAP_MIN as usize + 7] {
            let p = dir.path().join(format!("f{size}"));
            let bytes: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&p, &bytes).unwrap();
            match reader.with_file(&p, 1 << 20, |b| b.to_vec()).unwrap() {
                Outcome::Scanned(got, len) => {
                    assert_eq!(got, bytes);
                    assert_eq!(len, size as u64);
                }
                _ => panic!("{size}: not scanned"),
            }
            if size > 0 {
                let limit = size as u64 - 1;
                assert!(matches!(
                    reader.with_file(&p, limit, |_| ()).unwrap(),
                    Outcome::TooLarge
                ));
            }
        }
    }

    /// A sparse file of `len` bytes (no disk used), holding text at its start.
    fn sparse(dir: &Path, name: &str, len: u64) -> std::path::PathBuf {
        let p = dir.join(name);
        let f = File::create(&p).unwrap();
        (&f).write_all(b"token = 1\n").unwrap();
        f.set_len(len).unwrap();
        p
    }

    // Issue 9, defect 10: `--max-file-size` is decided from the size before reading: a
    // sparse file far over the limit is skipped with not one byte read (it used to be
    // read in full, 2.1 GB for a 2 GB file).
    #[test]
    fn a_file_over_the_limit_is_skipped_unread() {
        let dir = tempfile::tempdir().unwrap();
        let big = sparse(dir.path(), "big", 4 << 30);
        let mut reader = Reader::default();
        assert!(matches!(
            reader.with_file(&big, 1 << 20, |_| ()).unwrap(),
            Outcome::TooLarge
        ));
        assert_eq!(reader.bytes_read(), 0);
    }

    // Issue 9, defect 10: a file that grows past the limit after its size was looked at
    // is read no further than the limit (plus one byte to tell), whether it was to be
    // mapped or read: here the file is 64 MiB, its size when looked at was small, and the
    // limit is 1 MiB.
    #[test]
    fn a_file_that_grew_is_read_no_further_than_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let limit: u64 = 1 << 20;
        let grown = sparse(dir.path(), "grown", 64 << 20);
        let file = File::open(&grown).unwrap();
        for size_then in [10, MMAP_MIN + 10] {
            let mut reader = Reader::default();
            let outcome = reader
                .with_open_file(&file, size_then, limit, |_| ())
                .unwrap();
            assert!(matches!(outcome, Outcome::TooLarge), "{size_then}");
            assert!(
                reader.bytes_read() <= limit + 1,
                "{size_then}: {} bytes read",
                reader.bytes_read()
            );
        }
    }
}
