//! RDS checks: encryption at rest, minor version upgrades, public accessibility, Multi-AZ,
//! backups and deletion protection of DB instances.

use crate::{Check, CheckMeta, Context, Finding, FindingBuilder};
use rampart_inventory::DbInstance;

mod auto_minor_version_upgrade;
mod backup_enabled;
mod deletion_protection;
mod multi_az;
mod not_publicly_accessible;
mod storage_encrypted;

#[cfg(test)]
pub(crate) mod testing;

/// The RDS checks.
pub const CHECKS: &[Check] = &[
    auto_minor_version_upgrade::CHECK,
    backup_enabled::CHECK,
    deletion_protection::CHECK,
    multi_az::CHECK,
    not_publicly_accessible::CHECK,
    storage_encrypted::CHECK,
];

/// The RDS fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[not_publicly_accessible::FIXER];

/// How a reason names a DB instance: `DB instance orders (postgres 16.3)`.
fn label(db: &DbInstance) -> String {
    format!(
        "DB instance {} ({} {})",
        db.id, db.engine, db.engine_version
    )
}

/// The usual shape of an RDS check: for every region, one ERROR when its DB instances could
/// not be listed, else `each` for every instance (with its region).
fn over_instances<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    mut each: impl FnMut(FindingBuilder, &'a str, &'a DbInstance) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("rds", region);
        findings.extend(
            ctx.over(meta, region, &gap_resource, &data.rds.instances, |db| {
                each(ctx.finding(meta, region, db.arn.clone()), region, db)
            }),
        );
    }
    findings
}

/// A check over one yes/no setting of each instance: PASS with `good`, FAIL with `bad`
/// (both appended to the instance's label).
fn over_setting(
    ctx: &Context,
    meta: &'static CheckMeta,
    setting: impl Fn(&DbInstance) -> bool,
    good: &str,
    bad: &str,
) -> Vec<Finding> {
    over_instances(ctx, meta, |f, _, db| {
        if setting(db) {
            f.pass(format!("{} {good}", label(db)))
        } else {
            f.fail(format!("{} {bad}", label(db)))
        }
    })
}
