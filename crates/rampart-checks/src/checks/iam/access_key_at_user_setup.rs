//! `iam_access_key_at_user_setup`: console users have no unused access key created together
//! with the user.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use chrono::Duration;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_access_key_at_user_setup",
    title: "Console users have no unused access keys created at user setup",
    service: "iam",
    severity: Severity::Low,
    what: "For every IAM user with a console password (credential report), whether an active \
           access key was created within 10 minutes of the user itself and has never been \
           used. Keys created later, keys that have been used, and users without a console \
           password are not reported.",
    why: "The console's create-user wizard makes it easy to create an access key along with \
          the user, whether or not the person needs programmatic access. A key made this way \
          and never used is a long-lived credential with the user's permissions that nobody \
          relies on: it can only leak. Keys should be created when a need appears.",
    fix: "aws iam delete-access-key --user-name <USER_NAME> --access-key-id <ACCESS_KEY_ID> \
          (list the user's keys with aws iam list-access-keys --user-name <USER_NAME>)",
    references: &[
        "CIS AWS Foundations v1.4 1.11 (earlier benchmark versions)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
    ],
    cis: &[],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// How close to the user's creation a key must be created to count as made at setup.
const SETUP_WINDOW_MINUTES: i64 = 10;

fn run(ctx: &Context) -> Vec<Finding> {
    let report = match ctx.inventory.iam.credential_report.get() {
        Ok(report) => report,
        Err(gap) => return vec![ctx.finding(&META, "global", ctx.account_arn()).error(gap)],
    };
    let window = Duration::minutes(SETUP_WINDOW_MINUTES);
    report
        .rows
        .iter()
        .filter(|r| !r.is_root() && r.password_enabled)
        .map(|row| {
            let f = ctx.finding(&META, "global", &row.arn);
            let Some(created) = row.user_creation_time else {
                return f.error_reason(format!(
                    "could not be evaluated: the credential report gives no creation time for \
                     user {}",
                    row.user
                ));
            };
            let at_setup: Vec<String> = row
                .access_keys
                .iter()
                .enumerate()
                .filter(|(_, k)| {
                    k.active
                        && k.last_used.is_none()
                        && k.last_rotated
                            .is_some_and(|t| t >= created - window && t <= created + window)
                })
                .map(|(i, _)| format!("access key {}", i + 1))
                .collect();
            if at_setup.is_empty() {
                f.pass(format!(
                    "console user {} has no unused access key created at user setup",
                    row.user
                ))
            } else {
                f.fail(format!(
                    "console user {} has {} created with the user on {} and never used",
                    row.user,
                    at_setup.join(" and "),
                    created.format("%Y-%m-%d")
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::iam::testing::{active_key, row, set_rows, with_password};

    // CIS v1.4 1.11: a console user whose setup-time key is used, or whose key came later,
    // passes; a user without a password is not examined.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        let mut used = with_password(row("alice"), 100, Some(1));
        used.access_keys[0] = active_key(400, Some(2));
        let mut later = with_password(row("bob"), 100, Some(1));
        later.access_keys[0] = active_key(300, None);
        let mut api = row("ci");
        api.access_keys[0] = active_key(400, None);
        set_rows(&mut fx, vec![used, later, api]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS v1.4 1.11: an active key made within minutes of the user and never used fails.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        let mut carol = with_password(row("carol"), 100, Some(1));
        carol.access_keys[0] = active_key(400, None);
        carol.access_keys[0].last_rotated =
            carol.user_creation_time.map(|t| t + Duration::minutes(3));
        set_rows(&mut fx, vec![carol]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}
