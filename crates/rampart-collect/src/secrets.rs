//! Scanning text the collector reads (user data) with the shared secret detectors, keeping
//! only redacted matches and fingerprints in the inventory.

use rampart_inventory::{ScannedText, SecretMatch};
use sha2::{Digest, Sha256};

/// Scan `text` and summarise it without keeping it.
pub(crate) fn scan(text: &[u8]) -> ScannedText {
    let secrets = rampart_secrets::Engine::builtin()
        .scan(text)
        .into_iter()
        .map(|m| SecretMatch {
            detector: m.detector_id,
            detector_name: m.detector_name,
            line: m.line,
            redacted: m.redacted,
            fingerprint: m.fingerprint,
        })
        .collect();
    ScannedText {
        size: text.len() as u64,
        sha256: hex::encode(Sha256::digest(text)),
        secrets,
    }
}
