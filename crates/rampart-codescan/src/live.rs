//! The live-key cross-check: AWS access key ids found in code compared, by fingerprint,
//! with the access keys of an account. An active key of the account is critical, an
//! inactive one medium, one that is not the account's high.

use std::collections::HashMap;

use rampart_secrets::{fingerprint, AWS_ACCESS_KEY_ID};

use crate::{AwsKeyState, AwsKeyStatus, Finding, Report, Severity};

/// An account's access keys, known only by fingerprint once added.
#[derive(Debug, Clone, Default)]
pub struct LiveKeys {
    account: String,
    /// Fingerprint of the key id → (user, active).
    keys: HashMap<String, (String, bool)>,
    /// Users whose keys could not be read.
    unread: Vec<String>,
}

impl LiveKeys {
    /// No keys yet, of account `account` (its 12-digit id).
    pub fn new(account: impl Into<String>) -> LiveKeys {
        LiveKeys {
            account: account.into(),
            ..LiveKeys::default()
        }
    }

    /// Add a key of IAM user `user`. Only the key id's fingerprint is kept.
    pub fn add(&mut self, user: &str, key_id: &str, active: bool) {
        self.keys
            .insert(fingerprint(key_id.as_bytes()), (user.to_string(), active));
    }

    /// Note that the keys of `user` (or of all users, with `*`) could not be read, so an
    /// id not among the known keys may still be the account's.
    pub fn add_unread(&mut self, user: &str) {
        self.unread.push(user.to_string());
    }

    /// The account id.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Number of keys known.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is known.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Mark every AWS access key id finding of `report` with its verdict and severity.
    pub fn apply(&self, report: &mut Report) {
        report.aws_account = Some(self.account.clone());
        for f in &mut report.findings {
            if f.detector_id == AWS_ACCESS_KEY_ID {
                self.mark(f);
            }
        }
        report.sort();
    }

    fn mark(&self, f: &mut Finding) {
        let account = &self.account;
        let id = &f.redacted;
        let status = match self.keys.get(&f.fingerprint) {
            Some((user, true)) => AwsKeyStatus {
                state: AwsKeyState::Active,
                account: account.clone(),
                user: Some(user.clone()),
                message: format!(
                    "ACTIVE access key of IAM user {user} in account {account}: deactivate it now, \
                     then rotate it and remove it from the code and its history"
                ),
                fix: format!(
                    "aws iam update-access-key --user-name {user} --access-key-id {id} --status Inactive \
                     (the id is shown redacted: use the full one, from `aws iam list-access-keys --user-name {user}`)"
                ),
            },
            Some((user, false)) => AwsKeyStatus {
                state: AwsKeyState::Inactive,
                account: account.clone(),
                user: Some(user.clone()),
                message: format!(
                    "inactive access key of IAM user {user} in account {account}: delete it, \
                     so that it cannot be re-activated"
                ),
                fix: format!(
                    "aws iam delete-access-key --user-name {user} --access-key-id {id} \
                     (the id is shown redacted: use the full one, from `aws iam list-access-keys --user-name {user}`)"
                ),
            },
            None => {
                let caveat = if self.unread.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (the keys of {} user(s) could not be read)",
                        self.unread.len()
                    )
                };
                AwsKeyStatus {
                    state: AwsKeyState::Unknown,
                    account: account.clone(),
                    user: None,
                    message: format!(
                        "not an access key of account {account}{caveat}: it may be live in \
                         another account"
                    ),
                    fix: "aws sts get-access-key-info --access-key-id KEY_ID names the \
                          account that owns it (put the full key id in place of KEY_ID); \
                          remove it from the code and its history"
                        .to_string(),
                }
            }
        };
        f.severity = match status.state {
            AwsKeyState::Active => Severity::Critical,
            AwsKeyState::Inactive => Severity::Medium,
            AwsKeyState::Unknown => Severity::High,
        };
        f.aws_key = Some(status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_secrets::Engine;

    fn report_of(text: &str) -> Report {
        let findings = Engine::builtin()
            .scan(text.as_bytes())
            .into_iter()
            .map(|m| Finding::from_match(m, "config.py".into(), None))
            .collect();
        Report {
            findings,
            ..Report::default()
        }
    }

    // Issue 5: active key of the account → critical naming the user and the command;
    // inactive → medium; unknown → high; other detectors untouched; the key id never in
    // full in any message.
    #[test]
    fn verdicts_and_severities() {
        let (live, dead, stranger) = (
            "AKIAUJZDEGXDNCF32EPF",
            "AKIA4HKQ2MXZPL7QWNRT",
            "AKIAQW3RTY7UIOP2ASDF",
        );
        let mut keys = LiveKeys::new("123456789012");
        keys.add("alice", live, true);
        keys.add("bob", dead, false);
        let mut report = report_of(&format!(
            "a = \"{live}\"\nb = \"{dead}\"\nc = \"{stranger}\"\nGITHUB_TOKEN=ghp_jI6GKFSufrdZSlB5er8bOfZqfM2oeq3hDavJ\n"
        ));
        keys.apply(&mut report);
        assert_eq!(report.aws_account.as_deref(), Some("123456789012"));
        let by_line = |line| report.findings.iter().find(|f| f.line == line).unwrap();
        let a = by_line(1);
        assert_eq!(a.severity, Severity::Critical);
        let status = a.aws_key.as_ref().unwrap();
        assert_eq!(status.state, AwsKeyState::Active);
        assert_eq!(status.user.as_deref(), Some("alice"));
        assert!(
            status.message.contains("IAM user alice"),
            "{}",
            status.message
        );
        assert!(
            status.fix.starts_with(
                "aws iam update-access-key --user-name alice --access-key-id AKIA************2EPF --status Inactive"
            ),
            "{}",
            status.fix
        );
        let b = by_line(2);
        assert_eq!(b.severity, Severity::Medium);
        assert_eq!(b.aws_key.as_ref().unwrap().state, AwsKeyState::Inactive);
        let c = by_line(3);
        assert_eq!(c.severity, Severity::High);
        assert_eq!(c.aws_key.as_ref().unwrap().state, AwsKeyState::Unknown);
        let gh = by_line(4);
        assert_eq!((gh.severity, gh.aws_key.is_none()), (Severity::High, true));
        let json = serde_json::to_string(&report).unwrap();
        for key in [live, dead, stranger] {
            assert!(!json.contains(key));
        }
        // Most severe first.
        assert_eq!(report.findings[0].line, 1);
    }
}
