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

mod assignment;
mod detector;
mod engine;
mod keywords;
mod located;
mod noise;
mod redact;
mod repo_config;

pub use detector::{Detector, DetectorError, Severity};
pub use engine::{Engine, Match};
pub use noise::ALLOW_COMMENT;
pub use redact::{fingerprint, redact};
pub use repo_config::{AllowedPattern, RepoConfigError, RepoSecretsConfig, REPO_CONFIG_FILE};

/// Id of the builtin detector for AWS access key ids. Its matches are redacted as
/// `AKIA************WXYZ` and fingerprinted over the key id, so a collector can compare
/// [`Match::fingerprint`] with `fingerprint(live_key_id)`.
pub const AWS_ACCESS_KEY_ID: &str = "aws-access-key-id";

/// Length of an AWS access key id: a four-character prefix and 16 base32 characters.
const AWS_ACCESS_KEY_ID_LEN: usize = 20;

/// The AWS access key id that match `m` found in `hay` (the buffer [`Engine::scan`] was
/// given), in clear, for a caller that must ask AWS about that key: `None` when `m` is not
/// an [`AWS_ACCESS_KEY_ID`] match of `hay`. The id is read back at the match's offset and
/// returned only when its [`fingerprint`] is the match's, so a match of another buffer
/// never yields a wrong id. Keep the result in memory only, as a [`Match`] is kept.
///
/// ```
/// use rampart_secrets::{aws_key_id, Engine};
///
/// let hay = b"export AWS_ACCESS_KEY_ID=AKIAUJZDEGXDNCF32EPF\n";
/// let m = &Engine::builtin().scan(hay)[0];
/// assert_eq!(aws_key_id(hay, m).as_deref(), Some("AKIAUJZDEGXDNCF32EPF"));
/// assert_eq!(aws_key_id(b"another buffer entirely, long enough", m), None);
/// ```
pub fn aws_key_id(hay: &[u8], m: &Match) -> Option<String> {
    if m.detector_id != AWS_ACCESS_KEY_ID {
        return None;
    }
    let id = hay.get(m.byte_offset..m.byte_offset.checked_add(AWS_ACCESS_KEY_ID_LEN)?)?;
    (fingerprint(id) == m.fingerprint)
        .then(|| String::from_utf8(id.to_vec()).ok())
        .flatten()
}
