//! Scanning text the collector reads (user data, environments, stack parameters and outputs,
//! EC2 tags) with the shared secret detectors, keeping only redacted matches and fingerprints
//! in the inventory. The AWS access key ids found are also noted in clear in [`FoundKeyIds`],
//! in memory only, so that IAM can be asked about each of them once the scan is done
//! (issue 10); they never reach the inventory.

use rampart_inventory::{ScannedText, SecretMatch, Tag};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The AWS access key ids found by one collection, by fingerprint, in clear: what IAM is
/// asked about after the scan. Shown by `Debug` as a count only.
#[derive(Default)]
pub(crate) struct FoundKeyIds(Mutex<BTreeMap<String, FoundKeyId>>);

/// One AWS access key id found while scanning.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct FoundKeyId {
    /// The key id, in clear (memory only).
    pub(crate) id: String,
    /// Its fingerprint, as the inventory's matches hold it.
    pub(crate) fingerprint: String,
    /// Its redacted form.
    pub(crate) redacted: String,
}

impl FoundKeyId {
    /// A key id given in clear (by `rampart secrets`, which found it in files).
    pub(crate) fn of(id: &str) -> FoundKeyId {
        FoundKeyId {
            id: id.to_owned(),
            fingerprint: rampart_secrets::fingerprint(id.as_bytes()),
            redacted: rampart_secrets::redact(rampart_secrets::AWS_ACCESS_KEY_ID, id.as_bytes()),
        }
    }
}

impl std::fmt::Debug for FoundKeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FoundKeyId({})", self.redacted)
    }
}

impl std::fmt::Debug for FoundKeyIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "FoundKeyIds({} key id(s))",
            self.0.lock().expect("key ids").len()
        )
    }
}

impl FoundKeyIds {
    /// Note the AWS access key ids among `found`, the matches of `text`.
    fn note(&self, text: &[u8], found: &[rampart_secrets::Match]) {
        let ids: Vec<FoundKeyId> = found
            .iter()
            .filter_map(|m| {
                rampart_secrets::aws_key_id(text, m).map(|id| FoundKeyId {
                    id,
                    fingerprint: m.fingerprint.clone(),
                    redacted: m.redacted.clone(),
                })
            })
            .collect();
        if ids.is_empty() {
            return;
        }
        let mut all = self.0.lock().expect("key ids");
        for k in ids {
            all.entry(k.fingerprint.clone()).or_insert(k);
        }
    }

    /// The distinct key ids noted so far, ordered by fingerprint; the set is left empty.
    pub(crate) fn take(&self) -> Vec<FoundKeyId> {
        std::mem::take(&mut *self.0.lock().expect("key ids"))
            .into_values()
            .collect()
    }
}

/// Scan `text` and summarise it without keeping it; AWS key ids found go to `keys`.
pub(crate) fn scan(text: &[u8], keys: &FoundKeyIds) -> ScannedText {
    ScannedText {
        size: text.len() as u64,
        sha256: hex::encode(Sha256::digest(text)),
        secrets: matches(text, keys),
    }
}

/// What the detectors find in `text`, redacted; AWS key ids found go to `keys`.
fn matches(text: &[u8], keys: &FoundKeyIds) -> Vec<SecretMatch> {
    let found = rampart_secrets::Engine::builtin().scan(text);
    keys.note(text, &found);
    found
        .into_iter()
        .map(|m| SecretMatch {
            detector: m.detector_id,
            detector_name: m.detector_name,
            line: m.line,
            redacted: m.redacted,
            fingerprint: m.fingerprint,
        })
        .collect()
}

/// Scan `NAME=value` pairs (an environment, stack parameters or outputs) one pair at a time,
/// so that a secret is reported by its pair and never by a line of a joined text: a match's
/// `line` is the 1-based position of its pair in `pairs`, whatever line breaks the names or
/// values hold. Size and digest are those of the pairs as `NAME=value` lines.
pub(crate) fn scan_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    keys: &FoundKeyIds,
) -> ScannedText {
    let mut text = Vec::new();
    let mut secrets = Vec::new();
    for (position, (name, value)) in pairs.into_iter().enumerate() {
        // One line per pair, so that a detector reads the name with its value.
        let line = format!("{}={}\n", one_line(name), one_line(value));
        secrets.extend(
            matches(line.as_bytes(), keys)
                .into_iter()
                .map(|m| SecretMatch {
                    line: u32::try_from(position + 1).unwrap_or(u32::MAX),
                    ..m
                }),
        );
        text.extend_from_slice(line.as_bytes());
    }
    ScannedText {
        size: text.len() as u64,
        sha256: hex::encode(Sha256::digest(&text)),
        secrets,
    }
}

/// A tag as the inventory keeps it: `key=value` scanned, and where a detector finds
/// something, the matches kept on the tag and the value (the key too, if the secret is in
/// it) replaced by the redacted matches.
pub(crate) fn scanned_tag(key: &str, value: &str, keys: &FoundKeyIds) -> Tag {
    let secrets = matches(
        format!("{}={}", one_line(key), one_line(value)).as_bytes(),
        keys,
    );
    if secrets.is_empty() {
        return Tag::new(key, value);
    }
    let redacted = |found: &[SecretMatch]| {
        let shown: Vec<&str> = found.iter().map(|m| m.redacted.as_str()).collect();
        format!("<redacted: {}>", shown.join(" "))
    };
    let in_key = matches(key.as_bytes(), keys);
    Tag {
        key: if in_key.is_empty() {
            key.to_owned()
        } else {
            redacted(&in_key)
        },
        value: redacted(&secrets),
        secrets,
    }
}

/// Line breaks flattened to spaces.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AKIA4HKQ2EXMPL7QWNRT";
    const SECRET: &str = "q8Zr3Lx9Pw2Kd7Vn5Tb1Hs4Jc6Mf0Ya8Ue2Gi5Ro";

    // Issue 9, defect 8: a secret in a tag value is kept only redacted, with its match.
    #[test]
    fn tag_values_holding_secrets_are_redacted() {
        let keys = FoundKeyIds::default();
        let plain = scanned_tag("Name", "web-1", &keys);
        assert_eq!(plain, Tag::new("Name", "web-1"));
        let t = scanned_tag("aws_secret_access_key", SECRET, &keys);
        assert_eq!(t.key, "aws_secret_access_key");
        assert!(!t.value.contains(SECRET), "{t:?}");
        assert!(t.value.starts_with("<redacted: "), "{t:?}");
        assert!(!t.secrets.is_empty());
        assert!(t
            .secrets
            .iter()
            .all(|m| m.line == 1 && !m.redacted.contains(SECRET)));
        let t = scanned_tag(KEY, "x", &keys);
        assert!(!t.key.contains(KEY), "{t:?}");
        // The key id is noted in clear for the IAM lookup, once, and shown redacted only.
        let noted = keys.take();
        assert_eq!(noted.len(), 1, "{noted:?}");
        assert_eq!(noted[0].id, KEY);
        assert_eq!(
            noted[0].fingerprint,
            rampart_secrets::fingerprint(KEY.as_bytes())
        );
        assert!(!format!("{noted:?}").contains(KEY));
        assert!(keys.take().is_empty());
    }

    // Issue 9, defect 9: variable names holding line breaks do not shift where a secret is
    // reported; each match names the position of its own variable.
    #[test]
    fn pairs_report_secrets_by_variable_whatever_their_line_breaks() {
        let env = [
            ("A\nB\nC\nD", "plain"),
            ("MULTI", "one\ntwo\nthree"),
            ("AWS_ACCESS_KEY_ID", KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ];
        let keys = FoundKeyIds::default();
        let scanned = scan_pairs(env.iter().copied(), &keys);
        assert!(!scanned.secrets.is_empty(), "{scanned:?}");
        for m in &scanned.secrets {
            assert!(
                m.line == 3 || m.line == 4,
                "{m:?} must name AWS_ACCESS_KEY_ID (3) or AWS_SECRET_ACCESS_KEY (4)"
            );
            assert!(!m.redacted.contains(SECRET));
        }
        assert!(scanned.secrets.iter().any(|m| m.line == 3), "{scanned:?}");
        let joined = format!(
            "A B C D=plain\nMULTI=one two three\nAWS_ACCESS_KEY_ID={KEY}\n\
             AWS_SECRET_ACCESS_KEY={SECRET}\n"
        );
        assert_eq!(scanned.size as usize, joined.len());
        // Issue 10: the key id found in a pair is noted for the IAM lookup.
        let noted = keys.take();
        assert_eq!(
            noted.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
            [KEY]
        );
    }
}
