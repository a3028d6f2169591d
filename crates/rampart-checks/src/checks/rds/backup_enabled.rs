//! `rds_backup_enabled`: RDS DB instances keep automated backups.

use super::{label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "rds_backup_enabled",
    title: "RDS DB instances keep automated backups",
    service: "rds",
    severity: Severity::Medium,
    what: "Whether each DB instance keeps automated backups (`BackupRetentionPeriod` > 0 \
           days).",
    why: "Automated backups allow point-in-time restore after data is corrupted, deleted or \
          encrypted by an attacker; with a retention of 0 there is nothing to restore from.",
    fix: "aws rds modify-db-instance --db-instance-identifier <DB_INSTANCE> \
          --backup-retention-period <DAYS> --apply-immediately",
    references: &[
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html",
    ],
    cis: &[],
    needs: &[Service::Rds],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_instances(ctx, &META, |f, _, db| {
        let days = db.backup_retention_period;
        if days > 0 {
            f.pass(format!(
                "{} keeps automated backups for {days} day(s)",
                label(db)
            ))
        } else {
            f.fail(format!(
                "{} has automated backups off (BackupRetentionPeriod is {days})",
                label(db)
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::run_check;
    use crate::checks::rds::testing::orders_and_legacy;

    // Practice: a retention of 7 days passes, 0 fails.
    #[test]
    fn pass_and_fail() {
        let fx = orders_and_legacy(|bad| bad.backup_retention_period = 0);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
