//! Fixture trails for the CloudTrail check tests.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::{Collected, Gap, Trail, TrailStatus};

/// A trail homed in `home` that meets every CloudTrail check: multi-region, logging, all
/// management events, log file validation, KMS encryption, CloudWatch Logs delivery.
pub(crate) fn trail(name: &str, home: &str) -> Trail {
    Trail {
        name: name.into(),
        arn: format!("arn:aws:cloudtrail:{home}:{ACCOUNT}:trail/{name}"),
        home_region: home.into(),
        is_multi_region: true,
        is_organization_trail: false,
        log_file_validation: true,
        kms_key_id: Some(format!(
            "arn:aws:kms:{home}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )),
        cloudwatch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:{home}:{ACCOUNT}:log-group:cloudtrail-{name}:*"
        )),
        s3_bucket_name: Some(format!("cloudtrail-logs-{ACCOUNT}")),
        include_global_service_events: true,
        status: Collected::Ok(TrailStatus {
            is_logging: true,
            latest_delivery_error: None,
            latest_cloudwatch_logs_delivery_time: Some("2026-06-01T11:55:00Z".into()),
        }),
        event_selectors: Collected::Ok(serde_json::json!({
            "TrailARN": format!("arn:aws:cloudtrail:{home}:{ACCOUNT}:trail/{name}"),
            "EventSelectors": [{
                "ReadWriteType": "All",
                "IncludeManagementEvents": true,
                "DataResources": [],
                "ExcludeManagementEventSources": []
            }]
        })),
    }
}

/// The copy of `trail` listed outside its home region: status and selectors are read in the
/// home region only.
pub(crate) fn shadow(trail: &Trail) -> Trail {
    Trail {
        status: Collected::Missing(Gap::not_collected()),
        event_selectors: Collected::Missing(Gap::not_collected()),
        ..trail.clone()
    }
}

/// List `trail` in `region` (whose trail list must have been read).
pub(crate) fn list(fx: &mut Fixture, region: &str, trail: Trail) {
    match &mut fx.region(region).cloudtrail.trails {
        Collected::Ok(trails) => trails.push(trail),
        Collected::Missing(_) => panic!("the trails of {region} are missing in this fixture"),
    }
}

/// List `trail` in its home region and, when it is multi-region, a shadow copy in every other
/// region of the fixture whose trails were read (add regions first).
pub(crate) fn add(fx: &mut Fixture, trail: Trail) {
    if trail.is_multi_region {
        let others: Vec<String> = fx
            .inv
            .regional
            .iter()
            .filter(|(r, d)| **r != trail.home_region && d.cloudtrail.trails.is_ok())
            .map(|(r, _)| r.clone())
            .collect();
        for region in others {
            list(fx, &region, shadow(&trail));
        }
    }
    let home = trail.home_region.clone();
    list(fx, &home, trail);
}

/// A bucket of the fixture account with every setting read: private (Block Public Access
/// on, no policy, owner-only ACL), versioned, encrypted, logging to `access-logs-<ACCOUNT>`.
pub(crate) fn bucket(name: &str) -> rampart_inventory::Bucket {
    use rampart_inventory::{BucketVersioning, PublicAccessBlock};
    rampart_inventory::Bucket {
        name: name.into(),
        arn: format!("arn:aws:s3:::{name}"),
        region: "us-east-1".into(),
        creation_date: crate::checks::fixtures::days_ago(500),
        public_access_block: Collected::Ok(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        })),
        policy: Collected::Ok(None),
        acl_grants: Collected::Ok(vec![]),
        versioning: Collected::Ok(BucketVersioning {
            status: Some("Enabled".into()),
            mfa_delete: None,
        }),
        logging_target: Collected::Ok(Some(format!("access-logs-{ACCOUNT}"))),
        default_encryption: Collected::Ok(Some("aws:kms".into())),
        tags: Collected::Ok(vec![]),
    }
}

/// Add buckets to the fixture account's (read) bucket list.
pub(crate) fn add_buckets(fx: &mut Fixture, buckets: Vec<rampart_inventory::Bucket>) {
    match &mut fx.inv.s3.buckets {
        Collected::Ok(list) => list.extend(buckets),
        Collected::Missing(_) => panic!("the bucket list is missing in this fixture"),
    }
}

/// Basic event selectors that record management events and S3 object events of type `rw`
/// (`ReadOnly`, `WriteOnly` or `All`) for all buckets.
fn s3_objects(rw: &str) -> serde_json::Value {
    serde_json::json!({"EventSelectors": [{"ReadWriteType": rw, "IncludeManagementEvents": true,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]})
}

/// For the S3 data event checks: one multi-region, logging trail that records S3 object
/// events of type `rw` for all buckets.
pub(crate) fn s3_data_events_pass(rw: &str) -> Fixture {
    let mut fx = Fixture::new();
    let mut t = trail("main", "us-east-1");
    t.event_selectors = Collected::Ok(s3_objects(rw));
    add(&mut fx, t);
    fx
}

/// For the S3 data event checks: a trail with management events only, one that records only
/// `other_rw` S3 object events, and a single-region trail that records all of them.
pub(crate) fn s3_data_events_fail(other_rw: &str) -> Fixture {
    let mut fx = Fixture::new();
    add(&mut fx, trail("a-management", "us-east-1"));
    let mut other = trail("b-other-type", "us-east-1");
    other.event_selectors = Collected::Ok(s3_objects(other_rw));
    add(&mut fx, other);
    let mut single = trail("c-single", "us-east-1");
    single.is_multi_region = false;
    single.event_selectors = Collected::Ok(s3_objects("All"));
    add(&mut fx, single);
    fx
}
