//! Reading and writing snapshot files, with errors that name the file and the place.

use crate::{Inventory, SCHEMA_VERSION};
use serde::{Deserialize, Deserializer};
use std::path::{Path, PathBuf};

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read snapshot")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid snapshot.
    #[error("{path}:{line}:{column}: malformed snapshot: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, with the JSON path of the offending key.
        message: String,
    },
    /// The snapshot was written by a newer rampart.
    #[error(
        "{path}: snapshot format version {found} is newer than this rampart reads ({supported}); upgrade rampart"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: u64,
        /// Version this build reads.
        supported: u32,
    },
    /// The file could not be written.
    #[error("{path}: cannot write snapshot")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Read a snapshot file, refusing one that is malformed or newer than this build.
pub fn load_snapshot(path: &Path) -> Result<Inventory, SnapshotError> {
    let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_snapshot(path, &text)
}

fn parse_snapshot(path: &Path, text: &str) -> Result<Inventory, SnapshotError> {
    let malformed = |e: serde_json::Error, message: String| SnapshotError::Malformed {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message,
    };
    // First the version, so that a newer snapshot is refused as such rather than as
    // malformed.
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| malformed_json(path, &e))?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        None => {
            return Err(SnapshotError::Malformed {
                path: path.to_owned(),
                line: 1,
                column: 1,
                message: "missing or non-integer `schema_version`: is this a rampart snapshot?"
                    .into(),
            })
        }
        Some(v) if v > u64::from(SCHEMA_VERSION) => {
            return Err(SnapshotError::TooNew {
                path: path.to_owned(),
                found: v,
                supported: SCHEMA_VERSION,
            })
        }
        // Issue 9, defect 10: no rampart ever wrote version 0; refuse it at its place.
        Some(0) => {
            return Err(match serde_json::from_str::<VersionProbe>(text) {
                Err(e) => {
                    let message = strip_position(&e);
                    malformed(e, message)
                }
                // The probe refuses 0 wherever the key is; this is not reached.
                Ok(_) => SnapshotError::Malformed {
                    path: path.to_owned(),
                    line: 1,
                    column: 1,
                    message: "`schema_version`: 0 is not a snapshot version".into(),
                },
            });
        }
        Some(_) => {}
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        let inner = e.into_inner();
        let msg = format!("at `{at}`: {inner}");
        malformed(inner, msg)
    })
}

/// The snapshot's version alone, refused when it is 0, so that the error carries the
/// value's line and column.
#[derive(Deserialize)]
struct VersionProbe {
    #[serde(deserialize_with = "known_version")]
    #[allow(dead_code)]
    schema_version: u64,
}

fn known_version<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = u64::deserialize(d)?;
    if v == 0 {
        return Err(serde::de::Error::custom(format!(
            "`schema_version`: 0 is not a snapshot version (versions start at 1; this \
             rampart reads 1 to {SCHEMA_VERSION})"
        )));
    }
    Ok(v)
}

/// serde_json's message without its trailing ` at line L column C` (the error names the
/// place itself).
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    s.strip_suffix(&suffix).unwrap_or(&s).to_owned()
}

fn malformed_json(path: &Path, e: &serde_json::Error) -> SnapshotError {
    SnapshotError::Malformed {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Write a snapshot as pretty JSON ending with one newline: atomically through a
/// temporary file and a rename when `path` is a regular file or new, so a failure never
/// leaves a half-written snapshot; in place when it is a FIFO or a device
/// ([`rampart_output::write_file`]).
pub fn save_snapshot(inventory: &Inventory, path: &Path) -> Result<(), SnapshotError> {
    let werr = |source| SnapshotError::Write {
        path: path.to_owned(),
        source,
    };
    let mut json = serde_json::to_vec_pretty(inventory).map_err(|e| werr(e.into()))?;
    json.push(b'\n');
    rampart_output::write_file(path, &json).map_err(|e| werr(e.source))
}

#[cfg(test)]
mod tests {
    use super::*;

    // DEVELOPERS.md "Bad input": a malformed snapshot names the file and the place.
    #[test]
    fn malformed_snapshot_names_file_line_and_key() {
        let p = Path::new("snap.json");
        let err = parse_snapshot(p, "{\n  \"schema_version\": 1,\n  \"account\": 7\n}")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("snap.json:"), "{err}");
        assert!(err.contains("malformed snapshot"), "{err}");

        let err = parse_snapshot(p, "{ \"schema_version\": 1, ")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("snap.json:1:"), "{err}");
    }

    // Issue 2: a newer snapshot is refused with a clear message.
    #[test]
    fn newer_snapshot_is_refused() {
        let err = parse_snapshot(Path::new("s.json"), "{\"schema_version\": 99}").unwrap_err();
        assert!(
            matches!(err, SnapshotError::TooNew { found: 99, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("upgrade rampart"));
    }

    // Issue 9, defect 10: version 0 was accepted; it is refused with the file and the
    // place of the value.
    #[test]
    fn version_zero_is_refused_at_its_place() {
        let err = parse_snapshot(
            Path::new("s.json"),
            "{\n  \"schema_version\": 0,\n  \"account\": null\n}",
        )
        .unwrap_err();
        assert!(
            matches!(err, SnapshotError::Malformed { line: 2, .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.starts_with("s.json:2:"), "{msg}");
        assert!(
            msg.contains("`schema_version`: 0 is not a snapshot version"),
            "{msg}"
        );
    }

    #[test]
    fn missing_version_is_refused() {
        let err = parse_snapshot(Path::new("s.json"), "{\"x\": 1}").unwrap_err();
        assert!(err.to_string().contains("schema_version"), "{err}");
    }

    #[test]
    fn round_trip() {
        let inv = Inventory::new(
            crate::Account {
                id: "123456789012".into(),
                partition: "aws".into(),
                caller_arn: "arn:aws:iam::123456789012:user/a".into(),
            },
            chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                .unwrap()
                .into(),
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        save_snapshot(&inv, &p).unwrap();
        assert_eq!(load_snapshot(&p).unwrap(), inv);
        // Issue 9, defect 10: one newline at the end, not two.
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.ends_with("}\n") && !text.ends_with("\n\n"), "{text:?}");
    }
}
