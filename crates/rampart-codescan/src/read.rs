//! Reading one file for scanning: the size limit, the binary test, and a memory map for
//! large files (small ones are read into a reused buffer, which costs fewer system calls
//! than mapping and unmapping them).

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

/// Open `path` and, unless it is too large or binary, call `f` on its bytes. `buf` is a
/// buffer the caller reuses between files.
pub(crate) fn with_file<R>(
    path: &Path,
    max_size: u64,
    buf: &mut Vec<u8>,
    f: impl FnOnce(&[u8]) -> R,
) -> std::io::Result<Outcome<R>> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > max_size {
        return Ok(Outcome::TooLarge);
    }
    if size >= MMAP_MIN {
        let map = map(&file)?;
        // The file may have shrunk or grown since `metadata`; judge what was mapped.
        if map.len() as u64 > max_size {
            return Ok(Outcome::TooLarge);
        }
        if is_binary(&map) {
            return Ok(Outcome::Binary);
        }
        let len = map.len() as u64;
        return Ok(Outcome::Scanned(f(&map), len));
    }
    buf.clear();
    // `take` bounds the read even if the file grew after `metadata`.
    file.take(max_size + 1).read_to_end(buf)?;
    if buf.len() as u64 > max_size {
        return Ok(Outcome::TooLarge);
    }
    if is_binary(buf) {
        return Ok(Outcome::Binary);
    }
    let len = buf.len() as u64;
    Ok(Outcome::Scanned(f(buf), len))
}

/// Memory-map `file` read-only, asking the kernel to fault its pages in up front (the
/// scan reads all of it, in order).
#[allow(unsafe_code)]
fn map(file: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process, and lives only while the
    // scan of this one file runs. Another process truncating the file meanwhile could make
    // a read fault (SIGBUS), the known hazard of every mmap-based search tool (ripgrep
    // maps files too); it cannot make the program read memory it does not own.
    unsafe { memmap2::MmapOptions::new().populate().map(file) }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut buf = Vec::new();
        for size in [0usize, 10, MMAP_MIN as usize + 7] {
            let p = dir.path().join(format!("f{size}"));
            let bytes: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&p, &bytes).unwrap();
            match with_file(&p, 1 << 20, &mut buf, |b| b.to_vec()).unwrap() {
                Outcome::Scanned(got, len) => {
                    assert_eq!(got, bytes);
                    assert_eq!(len, size as u64);
                }
                _ => panic!("{size}: not scanned"),
            }
            if size > 0 {
                let limit = size as u64 - 1;
                assert!(matches!(
                    with_file(&p, limit, &mut buf, |_| ()).unwrap(),
                    Outcome::TooLarge
                ));
            }
        }
    }
}
