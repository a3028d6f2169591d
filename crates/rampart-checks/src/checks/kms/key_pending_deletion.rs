//! `kms_key_pending_deletion`: no customer managed key is scheduled for deletion.

use super::{customer_managed, over_keys};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "kms_key_pending_deletion",
    title: "No customer managed KMS key is scheduled for deletion",
    service: "kms",
    severity: Severity::Medium,
    what: "Whether a customer managed key is in the `PendingDeletion` (or \
           `PendingReplicaDeletion`) state, and when it will be deleted.",
    why: "Once a key is deleted, every piece of data encrypted under it (EBS volumes, RDS \
          storage, S3 objects, secrets) can never be decrypted again. A deletion scheduled by \
          mistake, or by an attacker, must be caught during the waiting period.",
    fix: "If the key is still needed: aws kms cancel-key-deletion --key-id <KEY_ID> --region \
          <REGION>, then aws kms enable-key --key-id <KEY_ID> --region <REGION>",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-creating-cloudwatch-alarm.html",
    ],
    cis: &[],
    needs: &[Service::Kms],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_keys(ctx, &META, customer_managed, |f, key| {
        if !key.state.starts_with("Pending") || !key.state.ends_with("Deletion") {
            return f.pass(format!(
                "key {} is not scheduled for deletion ({})",
                key.id, key.state
            ));
        }
        let when = match key.deletion_date {
            Some(d) if d >= ctx.now() => format!(
                "on {} ({} day(s) after collection)",
                d.format("%Y-%m-%d"),
                (d - ctx.now()).num_days()
            ),
            Some(d) => format!("on {} (already past at collection)", d.format("%Y-%m-%d")),
            None => "on a date KMS did not report".to_owned(),
        };
        f.fail(format!(
            "key {} is {} and will be deleted {when}: data encrypted under it becomes \
             unreadable for good unless the deletion is cancelled",
            key.id, key.state
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::kms::testing::{aws_managed, key, kms};
    use chrono::{Duration, TimeZone, Utc};
    use rampart_inventory::{Collected, KmsKey};

    // Practice: a key pending deletion fails, naming the date; enabled and disabled keys
    // pass; AWS managed keys are not examined.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let when = fx.inv.collected_at + Duration::days(5);
        kms(&mut fx).keys = Collected::Ok(vec![
            key("k-live"),
            KmsKey {
                state: "Disabled".into(),
                ..key("k-disabled")
            },
            KmsKey {
                state: "PendingDeletion".into(),
                deletion_date: Some(when),
                ..key("k-doomed")
            },
            KmsKey {
                state: "PendingDeletion".into(),
                deletion_date: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
                ..key("k-past")
            },
            aws_managed("k-aws"),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
