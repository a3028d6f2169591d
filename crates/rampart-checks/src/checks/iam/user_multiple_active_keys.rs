//! `iam_user_multiple_active_keys`: no IAM user has two active access keys.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_user_multiple_active_keys",
    title: "IAM users have at most one active access key",
    service: "iam",
    severity: Severity::Medium,
    what: "For every IAM user in the credential report with an active access key (root \
           excluded: see iam_root_access_keys), whether both of its key slots are active.",
    why: "Two active keys are needed only for the moment of a rotation. A second key left \
          active doubles the secrets to protect, and is often the old key that was meant to \
          be retired and still sits in some file or pipeline.",
    fix: "Find which key is in use with aws iam get-access-key-last-used --access-key-id \
          <ACCESS_KEY_ID>, then deactivate the other: aws iam update-access-key --user-name \
          <USER_NAME> --access-key-id <UNUSED_ACCESS_KEY_ID> --status Inactive",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
    ],
    cis: &[],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let report = match ctx.inventory.iam.credential_report.get() {
        Ok(report) => report,
        Err(gap) => return vec![ctx.finding(&META, "global", ctx.account_arn()).error(gap)],
    };
    report
        .rows
        .iter()
        .filter(|row| !row.is_root())
        .filter_map(|row| {
            let active = row.access_keys.iter().filter(|k| k.active).count();
            let f = ctx.finding(&META, "global", &row.arn);
            match active {
                0 => None,
                1 => Some(f.pass(format!("user {} has one active access key", row.user))),
                n => Some(f.fail(format!("user {} has {n} active access keys", row.user))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::iam::testing::{active_key, inactive_key, root_row, row, set_rows};

    // AWS access key guidance: one active key passes (an inactive second key is fine), two
    // fail; users without active keys and root are not examined.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        let mut one = row("one-key");
        one.access_keys[1] = active_key(10, Some(1));
        one.access_keys[0] = inactive_key(200);
        let mut two = row("two-keys");
        two.access_keys = [active_key(10, Some(1)), active_key(200, Some(100))];
        let mut none = row("inactive-keys");
        none.access_keys[0] = inactive_key(200);
        let mut root = root_row();
        root.access_keys = [active_key(10, None), active_key(20, None)];
        set_rows(&mut fx, vec![root, one, two, none]);
        insta::assert_json_snapshot!("pass_fail", run_check(&CHECK, &fx.inv));
    }
}
