//! `rds_deletion_protection`: RDS DB instances have deletion protection.

use super::over_setting;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "rds_deletion_protection",
    title: "RDS DB instances have deletion protection",
    service: "rds",
    severity: Severity::Low,
    what: "Whether each DB instance has `DeletionProtection` on.",
    why: "Without it, one DeleteDBInstance call (a mistaken script, a stolen key) removes the database; with it, protection must be turned off first, a deliberate second step.",
    fix: "aws rds modify-db-instance --db-instance-identifier <DB_INSTANCE> --deletion-protection --apply-immediately",
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection"],
    cis: &[],
    needs: &[Service::Rds],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_setting(
        ctx,
        &META,
        |db| db.deletion_protection,
        "has deletion protection on",
        "can be deleted in one call (DeletionProtection is false)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::run_check;
    use crate::checks::rds::testing::orders_and_legacy;

    // Practice: an instance with the setting passes, one without fails.
    #[test]
    fn pass_and_fail() {
        let fx = orders_and_legacy(|bad| bad.deletion_protection = false);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
