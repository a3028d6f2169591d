//! `rds_auto_minor_version_upgrade`: RDS DB instances apply minor version upgrades automatically.

use super::over_setting;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "rds_auto_minor_version_upgrade",
    title: "RDS DB instances apply minor version upgrades automatically",
    service: "rds",
    severity: Severity::Low,
    what: "Whether each DB instance has `AutoMinorVersionUpgrade` on.",
    why: "Minor engine versions carry security fixes; with automatic upgrades they are applied in the maintenance window instead of waiting for someone to remember.",
    fix: "aws rds modify-db-instance --db-instance-identifier <DB_INSTANCE> --auto-minor-version-upgrade --apply-immediately",
    references: &["CIS AWS Foundations v7.0 3.2.2", "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades"],
    cis: &["3.2.2"],
    needs: &[Service::Rds],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_setting(
        ctx,
        &META,
        |db| db.auto_minor_version_upgrade,
        "applies minor version upgrades automatically",
        "does not apply minor version upgrades automatically (AutoMinorVersionUpgrade is false)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::run_check;
    use crate::checks::rds::testing::orders_and_legacy;

    // CIS 3.2.2: an instance with the setting passes, one without fails.
    #[test]
    fn pass_and_fail() {
        let fx = orders_and_legacy(|bad| bad.auto_minor_version_upgrade = false);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
