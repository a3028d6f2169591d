//! The findings model: one secret at one place (a file, or a path in a commit), redacted,
//! with the stable id a baseline refers to.

use rampart_secrets::{Match, Severity};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One secret found. It holds no more of the secret than [`rampart_secrets::redact`] shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable id over the detector, the secret's fingerprint and the path (not the line,
    /// so an edit above it keeps the id): what a [`crate::Baseline`] lists.
    pub id: String,
    /// The detector's id, e.g. `aws-access-key-id`.
    pub detector_id: String,
    /// The detector's name.
    pub detector_name: String,
    /// The detector's severity, or the verdict of the live-key cross-check for AWS key ids.
    pub severity: Severity,
    /// The file as walked (working tree) or the path in the commit (history).
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: u32,
    /// 1-based column (in bytes) of the secret's first byte.
    pub column: u32,
    /// The secret, redacted.
    pub redacted: String,
    /// Hex SHA-256 of the full secret.
    pub fingerprint: String,
    /// The commit that first added the secret's blob at this path (history scans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<Commit>,
    /// For AWS access key ids checked against an account: whose key it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_key: Option<AwsKeyStatus>,
}

/// A commit, as `git log` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// Full commit id.
    pub sha: String,
    /// Author name.
    pub author: String,
    /// Author e-mail.
    pub email: String,
    /// Author date, ISO 8601.
    pub date: String,
}

/// What the live-key cross-check found for one AWS access key id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AwsKeyState {
    /// An active key of the account: anyone with the file can use it now.
    Active,
    /// An inactive key of the account: harmless until someone re-activates it.
    Inactive,
    /// Not a key of the account: another account's, a deleted key, or made up.
    Unknown,
    /// Not checked: the account could not say (a lookup was denied or failed), or the
    /// snapshot holds no answer for this key. It may be live.
    Unverified,
}

/// The verdict of the live-key cross-check on one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwsKeyStatus {
    /// Active, inactive, unknown (not of this account) or unverified.
    pub state: AwsKeyState,
    /// The account the key was checked against.
    pub account: String,
    /// The IAM user the key belongs to (active and inactive keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// One line saying what this means.
    pub message: String,
    /// The command that fixes it, the key id shown redacted: put the full id (from
    /// `aws iam list-access-keys`) in its place.
    pub fix: String,
}

impl Finding {
    /// A finding from an engine match at `path`.
    pub fn from_match(m: Match, path: String, commit: Option<Commit>) -> Finding {
        Finding {
            id: finding_id(&m.detector_id, &m.fingerprint, &path),
            detector_id: m.detector_id,
            detector_name: m.detector_name,
            severity: m.severity,
            path,
            line: m.line,
            column: m.column,
            redacted: m.redacted,
            fingerprint: m.fingerprint,
            commit,
            aws_key: None,
        }
    }

    /// One line saying what was found (the live-key verdict when there is one).
    pub fn message(&self) -> String {
        match &self.aws_key {
            Some(k) => format!("{} {}: {}", self.detector_name, self.redacted, k.message),
            None => format!("{} {}", self.detector_name, self.redacted),
        }
    }

    /// Ordering for reports: most severe first, then by place.
    pub(crate) fn report_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.column.cmp(&b.column))
            .then_with(|| a.detector_id.cmp(&b.detector_id))
    }
}

/// The stable id of a finding: hex SHA-256 over detector id, secret fingerprint and path.
pub(crate) fn finding_id(detector_id: &str, fingerprint: &str, path: &str) -> String {
    let mut h = Sha256::new();
    for part in [detector_id, fingerprint, path] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..16])
}

/// A path as reports show it: lossy UTF-8, `/` separators, no leading `./`.
pub(crate) fn display_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 5, baseline: the id ignores the line (an edit above keeps it) but not the path
    // or the secret.
    #[test]
    fn finding_id_is_stable_over_lines_only() {
        let a = finding_id("github-token", "ff", "src/a.rs");
        assert_eq!(a, finding_id("github-token", "ff", "src/a.rs"));
        assert_ne!(a, finding_id("github-token", "fe", "src/a.rs"));
        assert_ne!(a, finding_id("github-token", "ff", "src/b.rs"));
        assert_ne!(a, finding_id("gitlab-token", "ff", "src/a.rs"));
        assert_eq!(a.len(), 32);
    }

    // Issue 5: reports name files as walked, without the `./` of `rampart secrets .`, so
    // SARIF paths are relative to the repository root.
    #[test]
    fn display_paths_drop_dot_slash() {
        assert_eq!(display_path(std::path::Path::new("./a/b.rs")), "a/b.rs");
        assert_eq!(display_path(std::path::Path::new("/x/y")), "/x/y");
    }
}
