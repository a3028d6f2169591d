//! What of a secret may be shown and kept: a redacted form that helps a person find it,
//! and a SHA-256 fingerprint that identifies it without revealing it.

use sha2::{Digest, Sha256};

use crate::AWS_ACCESS_KEY_ID;

/// Characters shown at most from the start of a secret.
const SHOWN_MAX: usize = 4;

/// The redacted form of `secret` as found by detector `detector_id`.
///
/// - An AWS access key id keeps its 4-character prefix (which says the kind of key) and
///   its last 4 characters (which IAM shows too), the rest starred:
///   `AKIA************WXYZ`.
/// - Any other secret keeps at most its first 4 characters, and fewer for short secrets
///   (one per 5 characters of length), then its length: `ghp_…(40 chars)`, `hu…(12 chars)`.
///   Only printable ASCII is shown.
pub fn redact(detector_id: &str, secret: &[u8]) -> String {
    if detector_id == AWS_ACCESS_KEY_ID && secret.len() == 20 && secret.is_ascii() {
        let mut out = String::with_capacity(20);
        out.extend(secret[..4].iter().map(|&b| b as char));
        out.push_str(&"*".repeat(12));
        out.extend(secret[16..].iter().map(|&b| b as char));
        return out;
    }
    let shown = SHOWN_MAX.min(secret.len() / 5);
    let prefix: String = secret[..shown]
        .iter()
        .take_while(|b| b.is_ascii_graphic())
        .map(|&b| b as char)
        .collect();
    let chars = String::from_utf8_lossy(secret).chars().count();
    format!("{prefix}…({chars} chars)")
}

/// Hex SHA-256 of the full secret: equal secrets have equal fingerprints, so a match can
/// be compared with a known credential (e.g. `fingerprint(live_key_id)`) without storing
/// either.
pub fn fingerprint(secret: &[u8]) -> String {
    hex::encode(Sha256::digest(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Practice: AWS key ids show prefix and last four, like IAM does, never the middle.
    #[test]
    fn aws_key_id_keeps_prefix_and_last_four() {
        assert_eq!(
            redact(AWS_ACCESS_KEY_ID, b"AKIAUJZDEGXDNCF32EPF"),
            "AKIA************2EPF"
        );
        // Not 20 characters: falls back to the generic form rather than guessing.
        assert_eq!(redact(AWS_ACCESS_KEY_ID, b"AKIAUJZDEG"), "AK…(10 chars)");
    }

    // Practice: other secrets show at most 4 leading characters, fewer when short.
    #[test]
    fn other_secrets_show_little() {
        assert_eq!(
            redact("github-token", b"ghp_jI6GKFSufrdZSlB5er8bOfZqfM2oeq3hDavJ"),
            "ghp_…(40 chars)"
        );
        assert_eq!(redact("generic-password", b"Zt7xQ9vLm2pW"), "Zt…(12 chars)");
        assert_eq!(redact("generic-password", b"abcd"), "…(4 chars)");
        assert_eq!(redact("x", b""), "…(0 chars)");
        // Control bytes and spaces are never shown.
        assert_eq!(redact("x", b"a\nbcdefghijk"), "a…(12 chars)");
    }

    // Practice: the fingerprint is the hex SHA-256 of the full secret.
    #[test]
    fn fingerprint_is_sha256_hex() {
        assert_eq!(
            fingerprint(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(fingerprint(b"abc"), fingerprint(b"abd"));
    }
}
