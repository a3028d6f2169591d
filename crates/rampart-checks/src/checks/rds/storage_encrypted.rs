//! `rds_storage_encrypted`: RDS DB instances are encrypted at rest.

use super::over_setting;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "rds_storage_encrypted",
    title: "RDS DB instances are encrypted at rest",
    service: "rds",
    severity: Severity::High,
    what: "Whether each DB instance has storage encryption (`StorageEncrypted`) on.",
    why: "Unencrypted storage, its automated backups, snapshots and read replicas can be read by anyone who gets hold of a copy (a shared snapshot, a disk outside AWS's control). Encryption can only be chosen when an instance is created.",
    fix: "Encryption cannot be turned on in place: snapshot the instance, copy the snapshot with a KMS key, and restore it: aws rds create-db-snapshot --db-instance-identifier <DB_INSTANCE> --db-snapshot-identifier <SNAPSHOT>; aws rds copy-db-snapshot --source-db-snapshot-identifier <SNAPSHOT> --target-db-snapshot-identifier <ENCRYPTED_SNAPSHOT> --kms-key-id <KMS_KEY_ID>; aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <NEW_DB_INSTANCE> --db-snapshot-identifier <ENCRYPTED_SNAPSHOT>",
    references: &["CIS AWS Foundations v7.0 3.2.1", "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html"],
    cis: &["3.2.1"],
    needs: &[Service::Rds],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_setting(
        ctx,
        &META,
        |db| db.storage_encrypted,
        "has storage encryption on",
        "stores its data unencrypted (StorageEncrypted is false)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::run_check;
    use crate::checks::rds::testing::orders_and_legacy;

    // CIS 3.2.1: an instance with the setting passes, one without fails.
    #[test]
    fn pass_and_fail() {
        let fx = orders_and_legacy(|bad| bad.storage_encrypted = false);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
