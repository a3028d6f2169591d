//! The live-key cross-check: AWS access key ids found in code compared, by fingerprint,
//! with what an account says about them. An active key of the account is critical, an
//! inactive one medium, one that is not the account's high, and one the account could not
//! be asked about (unverified) high too, never "not the account's".

use std::collections::HashMap;

use rampart_secrets::{fingerprint, AWS_ACCESS_KEY_ID};

use crate::{AwsKeyState, AwsKeyStatus, Finding, Report, Severity};

/// What an account says about AWS access key ids, known only by fingerprint once added.
///
/// Two kinds: [`LiveKeys::new`] holds every key of the account (the per-user lists of an
/// older snapshot), so a key it does not hold is not the account's; [`LiveKeys::answers`]
/// holds answers about particular keys (asked one by one, as `rampart secrets --live-keys`
/// and schema 4 snapshots do), so a key it holds no answer for is unverified, never "not
/// the account's".
#[derive(Debug, Clone, Default)]
pub struct LiveKeys {
    account: String,
    /// Fingerprint of the key id → (user, active).
    keys: HashMap<String, (String, bool)>,
    /// Users whose keys could not be read.
    unread: Vec<String>,
    /// Fingerprint → why the key is not the account's (per-key answers).
    not_ours: HashMap<String, String>,
    /// Fingerprint → why the key could not be checked (per-key answers).
    unverified: HashMap<String, String>,
    /// For per-key answers: why a key without an answer is unverified. `None`: every key
    /// of the account is held, so a key without an answer is not the account's.
    unanswered: Option<String>,
}

impl LiveKeys {
    /// Every key of account `account` (its 12-digit id), to be added with [`LiveKeys::add`].
    pub fn new(account: impl Into<String>) -> LiveKeys {
        LiveKeys {
            account: account.into(),
            ..LiveKeys::default()
        }
    }

    /// Answers of account `account` about particular keys, to be added by fingerprint; a
    /// key without one is unverified, for the reason `unanswered` (one line).
    pub fn answers(account: impl Into<String>, unanswered: impl Into<String>) -> LiveKeys {
        LiveKeys {
            account: account.into(),
            unanswered: Some(unanswered.into()),
            ..LiveKeys::default()
        }
    }

    /// Add a key of IAM user `user`. Only the key id's fingerprint is kept.
    pub fn add(&mut self, user: &str, key_id: &str, active: bool) {
        self.add_held(&fingerprint(key_id.as_bytes()), user, active);
    }

    /// The key with fingerprint `fp` is held by IAM user `user`, active or not.
    pub fn add_held(&mut self, fp: &str, user: &str, active: bool) {
        self.keys.insert(fp.to_string(), (user.to_string(), active));
    }

    /// The key with fingerprint `fp` is not the account's, for the reason `why` (one line:
    /// `IAM knows no such key`).
    pub fn add_not_ours(&mut self, fp: &str, why: &str) {
        self.not_ours.insert(fp.to_string(), why.to_string());
    }

    /// The key with fingerprint `fp` could not be checked, for the reason `why` (one line:
    /// the failed call).
    pub fn add_unverified(&mut self, fp: &str, why: &str) {
        self.unverified.insert(fp.to_string(), why.to_string());
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

    /// Number of keys known to be the account's.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is known to be the account's.
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
        let not_ours = |why: Option<&String>| {
            let because = why.map(|w| format!(" ({w})")).unwrap_or_default();
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
                    "not an access key of account {account}{because}{caveat}: it may be live \
                     in another account"
                ),
                fix: "aws sts get-access-key-info --access-key-id KEY_ID names the \
                      account that owns it (put the full key id in place of KEY_ID); \
                      remove it from the code and its history"
                    .to_string(),
            }
        };
        let unverified = |why: &str| AwsKeyStatus {
            state: AwsKeyState::Unverified,
            account: account.clone(),
            user: None,
            message: format!(
                "UNVERIFIED: whether this is a live key of account {account} is unknown: {why}; \
                 treat it as live until checked"
            ),
            fix: format!(
                "aws iam get-access-key-last-used --access-key-id KEY_ID names its user if it is \
                 a key of account {account} (put the full key id in place of KEY_ID, here \
                 {id}); then rotate it and remove it from the code and its history"
            ),
        };
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
            None => match (
                self.not_ours.get(&f.fingerprint),
                self.unverified.get(&f.fingerprint),
                &self.unanswered,
            ) {
                (Some(why), _, _) => not_ours(Some(why)),
                (None, Some(why), _) => unverified(why),
                (None, None, Some(why)) => unverified(why),
                (None, None, None) => not_ours(None),
            },
        };
        f.severity = match status.state {
            AwsKeyState::Active => Severity::Critical,
            AwsKeyState::Inactive => Severity::Medium,
            AwsKeyState::Unknown | AwsKeyState::Unverified => Severity::High,
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

    // Issue 10: with per-key answers, a key the account could not be asked about, or that
    // the answers do not cover (a schema 4 snapshot holds answers only for the keys found in
    // the account's configuration), is UNVERIFIED, never "not an access key of the account";
    // a key IAM placed elsewhere is "not an access key", with the reason.
    #[test]
    fn per_key_answers_never_call_an_unanswered_key_foreign() {
        let (live, denied, stranger, unasked) = (
            "AKIAUJZDEGXDNCF32EPF",
            "AKIA4HKQ2MXZPL7QWNRT",
            "AKIAQW3RTY7UIOP2ASDF",
            "AKIAGMXGEDN73U55XTPL",
        );
        let fp = |k: &str| fingerprint(k.as_bytes());
        let mut keys = LiveKeys::answers("123456789012", "the snapshot holds no answer for it");
        keys.add_held(&fp(live), "alice", true);
        keys.add_unverified(&fp(denied), "AccessDenied on iam:GetAccessKeyLastUsed");
        keys.add_not_ours(&fp(stranger), "IAM knows no such key");
        let mut report = report_of(&format!(
            "a = \"{live}\"\nb = \"{denied}\"\nc = \"{stranger}\"\nd = \"{unasked}\"\n"
        ));
        keys.apply(&mut report);
        let by_line = |line| report.findings.iter().find(|f| f.line == line).unwrap();
        assert_eq!(
            by_line(1).aws_key.as_ref().unwrap().state,
            AwsKeyState::Active
        );
        for (line, why) in [
            (2, "AccessDenied on iam:GetAccessKeyLastUsed"),
            (4, "the snapshot holds no answer for it"),
        ] {
            let f = by_line(line);
            let status = f.aws_key.as_ref().unwrap();
            assert_eq!(status.state, AwsKeyState::Unverified, "line {line}");
            assert_eq!(f.severity, Severity::High);
            assert!(status.message.contains(why), "{}", status.message);
            assert!(
                !status.message.contains("not an access key"),
                "{}",
                status.message
            );
        }
        let c = by_line(3).aws_key.as_ref().unwrap();
        assert_eq!(c.state, AwsKeyState::Unknown);
        assert!(
            c.message.contains("(IAM knows no such key)"),
            "{}",
            c.message
        );
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains("\"unverified\""), "{json}");
        for key in [live, denied, stranger, unasked] {
            assert!(!json.contains(key));
        }
    }
}
