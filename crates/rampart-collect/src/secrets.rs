//! Scanning text the collector reads (user data, environments, stack parameters and outputs,
//! EC2 tags) with the shared secret detectors, keeping only redacted matches and fingerprints
//! in the inventory.

use rampart_inventory::{ScannedText, SecretMatch, Tag};
use sha2::{Digest, Sha256};

/// Scan `text` and summarise it without keeping it.
pub(crate) fn scan(text: &[u8]) -> ScannedText {
    ScannedText {
        size: text.len() as u64,
        sha256: hex::encode(Sha256::digest(text)),
        secrets: matches(text),
    }
}

/// What the detectors find in `text`, redacted.
fn matches(text: &[u8]) -> Vec<SecretMatch> {
    rampart_secrets::Engine::builtin()
        .scan(text)
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
pub(crate) fn scan_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ScannedText {
    let mut text = Vec::new();
    let mut secrets = Vec::new();
    for (position, (name, value)) in pairs.into_iter().enumerate() {
        // One line per pair, so that a detector reads the name with its value.
        let line = format!("{}={}\n", one_line(name), one_line(value));
        secrets.extend(matches(line.as_bytes()).into_iter().map(|m| SecretMatch {
            line: u32::try_from(position + 1).unwrap_or(u32::MAX),
            ..m
        }));
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
pub(crate) fn scanned_tag(key: &str, value: &str) -> Tag {
    let secrets = matches(format!("{}={}", one_line(key), one_line(value)).as_bytes());
    if secrets.is_empty() {
        return Tag::new(key, value);
    }
    let redacted = |found: &[SecretMatch]| {
        let shown: Vec<&str> = found.iter().map(|m| m.redacted.as_str()).collect();
        format!("<redacted: {}>", shown.join(" "))
    };
    let in_key = matches(key.as_bytes());
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
        let plain = scanned_tag("Name", "web-1");
        assert_eq!(plain, Tag::new("Name", "web-1"));
        let t = scanned_tag("aws_secret_access_key", SECRET);
        assert_eq!(t.key, "aws_secret_access_key");
        assert!(!t.value.contains(SECRET), "{t:?}");
        assert!(t.value.starts_with("<redacted: "), "{t:?}");
        assert!(!t.secrets.is_empty());
        assert!(t
            .secrets
            .iter()
            .all(|m| m.line == 1 && !m.redacted.contains(SECRET)));
        let t = scanned_tag(KEY, "x");
        assert!(!t.key.contains(KEY), "{t:?}");
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
        let scanned = scan_pairs(env.iter().copied());
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
    }
}
