//! rampart's one secret-detection engine.
//!
//! Detectors are data (`detectors.yaml` in this crate, embedded at build time): each
//! names a regex whose one capture group is the secret, the keywords that gate it, and
//! examples and negative examples that the engine must report and ignore. All detectors'
//! keywords go into one case-insensitive Aho-Corasick automaton; a detector's regex then
//! runs only on the lines around its keywords' hits.
//!
//! A [`Match`] never holds the secret: only a redacted form ([`redact`]) and the hex
//! SHA-256 of the secret ([`fingerprint`]), so a match can be stored, printed and compared
//! with a live credential's fingerprint without leaking it.
//!
//! ```
//! use rampart_secrets::{fingerprint, Engine, AWS_ACCESS_KEY_ID};
//!
//! let matches = Engine::builtin().scan(b"aws_access_key_id = AKIAUJZDEGXDNCF32EPF\n");
//! assert_eq!(matches.len(), 1);
//! assert_eq!(matches[0].detector_id, AWS_ACCESS_KEY_ID);
//! assert_eq!(matches[0].redacted, "AKIA************2EPF");
//! assert_eq!(matches[0].fingerprint, fingerprint(b"AKIAUJZDEGXDNCF32EPF"));
//! ```

mod detector;
mod engine;
mod keywords;
mod noise;
mod redact;

pub use detector::{Detector, DetectorError, Severity};
pub use engine::{Engine, Match};
pub use noise::ALLOW_COMMENT;
pub use redact::{fingerprint, redact};

/// Id of the builtin detector for AWS access key ids. Its matches are redacted as
/// `AKIA************WXYZ` and fingerprinted over the key id, so a collector can compare
/// [`Match::fingerprint`] with `fingerprint(live_key_id)`.
pub const AWS_ACCESS_KEY_ID: &str = "aws-access-key-id";
