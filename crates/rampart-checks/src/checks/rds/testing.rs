//! Builders for RDS fixtures: a DB instance in `us-east-1` that passes every check.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;

/// The RDS data of `us-east-1`.
pub(crate) fn rds(fx: &mut Fixture) -> &mut RdsData {
    &mut fx.region("us-east-1").rds
}

/// An encrypted, private, Multi-AZ PostgreSQL instance with backups, deletion protection and
/// minor version upgrades, in security group `sg-db`.
pub(crate) fn db(id: &str) -> DbInstance {
    DbInstance {
        id: id.into(),
        arn: format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:{id}"),
        engine: "postgres".into(),
        engine_version: "16.3".into(),
        status: "available".into(),
        storage_encrypted: true,
        publicly_accessible: false,
        auto_minor_version_upgrade: true,
        multi_az: true,
        backup_retention_period: 7,
        deletion_protection: true,
        vpc_id: Some("vpc-1".into()),
        subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
        security_group_ids: vec!["sg-db".into()],
        port: Some(5432),
        tags: vec![],
    }
}

/// Two instances in `us-east-1`: `orders` as [`db`] builds it, and `legacy` with the one
/// setting under test spoiled by `spoil`.
pub(crate) fn orders_and_legacy(spoil: impl FnOnce(&mut DbInstance)) -> Fixture {
    let mut fx = Fixture::new();
    let mut bad = db("legacy");
    spoil(&mut bad);
    rds(&mut fx).instances = Collected::Ok(vec![db("orders"), bad]);
    fx
}
