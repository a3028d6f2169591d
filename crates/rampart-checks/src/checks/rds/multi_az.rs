//! `rds_multi_az`: RDS DB instances are Multi-AZ deployments.

use super::over_setting;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "rds_multi_az",
    title: "RDS DB instances are Multi-AZ deployments",
    service: "rds",
    severity: Severity::Low,
    what: "Whether each DB instance is a Multi-AZ deployment (`MultiAZ`).",
    why: "A single-AZ instance is down for as long as its Availability Zone or host is: Multi-AZ keeps a synchronous standby in another zone and fails over to it automatically.",
    fix: "aws rds modify-db-instance --db-instance-identifier <DB_INSTANCE> --multi-az --apply-immediately",
    references: &["CIS AWS Foundations v7.0 3.2.4", "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html"],
    cis: &["3.2.4"],
    needs: &[Service::Rds],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_setting(
        ctx,
        &META,
        |db| db.multi_az,
        "is a Multi-AZ deployment",
        "runs in a single Availability Zone (MultiAZ is false)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::run_check;
    use crate::checks::rds::testing::orders_and_legacy;

    // CIS 3.2.4: an instance with the setting passes, one without fails.
    #[test]
    fn pass_and_fail() {
        let fx = orders_and_legacy(|bad| bad.multi_az = false);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
