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

/// The id of the KMS key [`applied`] creates for a CreateKey call.
pub(crate) const NEW_KEY_ID: &str = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

/// `fx` as a scan shows it once `plan`'s calls were made in order, as AWS answers them:
/// CreateKey adds an enabled key (id [`NEW_KEY_ID`]) with the policy given, rotation turned
/// on by EnableKeyRotation; CreateTrail adds the trail with the default event selectors
/// (all management events), stopped until StartLogging, and `KmsKeyId` resolved to the
/// key's ARN as DescribeTrails gives it; UpdateTrail and StartLogging change the trail;
/// PutBucketPolicy replaces the bucket's policy.
pub(crate) fn applied(fx: &Fixture, plan: &crate::fix::Plan) -> Fixture {
    let mut fixed = Fixture {
        inv: fx.inv.clone(),
    };
    for step in &plan.steps {
        for call in &step.calls {
            apply_call(&mut fixed, &step.region, call);
        }
    }
    fixed
}

/// The ARN of the key `id` names (a key ARN, or an alias ARN of rampart's key, resolved to
/// the key whose policy carries rampart's CloudTrail statement).
fn resolve_key(fx: &mut Fixture, id: &str) -> String {
    if !id.contains(":alias/") {
        return id.to_owned();
    }
    let region = id.split(':').nth(3).unwrap_or_default().to_owned();
    let keys = fx.region(&region).kms.keys.get().unwrap();
    keys.iter()
        .find(|k| {
            k.policy.get().is_ok_and(|p| {
                p.as_ref()
                    .is_some_and(|p| p.to_string().contains(super::changes::KEY_SID))
            })
        })
        .map(|k| k.arn.clone())
        .unwrap_or_else(|| panic!("no key behind {id}"))
}

fn apply_call(fx: &mut Fixture, region: &str, call: &crate::fix::Call) {
    use rampart_inventory::KmsKey;
    let p = &call.params;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let trail_named = |fx: &mut Fixture, name: &str| -> Trail {
        fx.region(region)
            .cloudtrail
            .trails
            .get()
            .unwrap()
            .iter()
            .find(|t| t.name == name)
            .cloned()
            .unwrap_or_else(|| panic!("no trail {name} in {region}"))
    };
    let replace = |fx: &mut Fixture, t: Trail| {
        for (name, data) in fx.inv.regional.iter_mut() {
            if let Collected::Ok(list) = &mut data.cloudtrail.trails {
                for existing in list.iter_mut().filter(|e| e.arn == t.arn) {
                    *existing = if *name == t.home_region {
                        t.clone()
                    } else {
                        shadow(&t)
                    };
                }
            }
        }
    };
    match call.operation.as_str() {
        "CreateKey" => {
            let policy: serde_json::Value = serde_json::from_str(&text(&p["Policy"])).unwrap();
            let keys = &mut fx.region(region).kms.keys;
            if let Collected::Ok(keys) = keys {
                keys.push(KmsKey {
                    id: NEW_KEY_ID.into(),
                    arn: format!("arn:aws:kms:{region}:{ACCOUNT}:key/{NEW_KEY_ID}"),
                    manager: "CUSTOMER".into(),
                    state: "Enabled".into(),
                    spec: "SYMMETRIC_DEFAULT".into(),
                    origin: "AWS_KMS".into(),
                    deletion_date: None,
                    rotation_enabled: Collected::Ok(false),
                    policy: Collected::Ok(Some(policy)),
                });
            }
        }
        "EnableKeyRotation" => {
            if let Collected::Ok(keys) = &mut fx.region(region).kms.keys {
                for k in keys.iter_mut().filter(|k| k.id == NEW_KEY_ID) {
                    k.rotation_enabled = Collected::Ok(true);
                }
            }
        }
        "CreateTrail" => {
            let name = text(&p["Name"]);
            let kms = p.get("KmsKeyId").map(|k| resolve_key(fx, &text(k)));
            let mut t = trail(&name, region);
            t.is_multi_region = p["IsMultiRegionTrail"] == true;
            t.log_file_validation = p["EnableLogFileValidation"] == true;
            t.include_global_service_events = p["IncludeGlobalServiceEvents"] == true;
            t.s3_bucket_name = Some(text(&p["S3BucketName"]));
            t.kms_key_id = kms;
            t.cloudwatch_logs_log_group_arn = None;
            if let Collected::Ok(status) = &mut t.status {
                status.is_logging = false;
                status.latest_cloudwatch_logs_delivery_time = None;
            }
            add(fx, t);
        }
        "UpdateTrail" => {
            let mut t = trail_named(fx, &text(&p["Name"]));
            if let Some(v) = p.get("IsMultiRegionTrail") {
                t.is_multi_region = v == true;
            }
            if let Some(v) = p.get("IncludeGlobalServiceEvents") {
                t.include_global_service_events = v == true;
            }
            if let Some(v) = p.get("EnableLogFileValidation") {
                t.log_file_validation = v == true;
            }
            if let Some(v) = p.get("KmsKeyId") {
                let id = text(v);
                t.kms_key_id = (!id.is_empty()).then(|| resolve_key(fx, &id));
            }
            let was_multi = fx
                .inv
                .regional
                .values()
                .filter_map(|d| d.cloudtrail.trails.get().ok())
                .flatten()
                .filter(|e| e.arn == t.arn)
                .count()
                > 1;
            if t.is_multi_region && !was_multi {
                // Now listed in every region, as a shadow copy outside its home.
                if let Collected::Ok(list) = &mut fx.region(region).cloudtrail.trails {
                    list.retain(|e| e.arn != t.arn);
                }
                add(fx, t);
            } else {
                replace(fx, t);
            }
        }
        "PutEventSelectors" => {
            let mut t = trail_named(fx, &text(&p["TrailName"]));
            t.event_selectors =
                Collected::Ok(serde_json::json!({"EventSelectors": p["EventSelectors"].clone()}));
            replace(fx, t);
        }
        "StartLogging" => {
            let mut t = trail_named(fx, &text(&p["Name"]));
            if let Collected::Ok(status) = &mut t.status {
                status.is_logging = true;
            }
            replace(fx, t);
        }
        "PutBucketPolicy" => {
            let doc: serde_json::Value = serde_json::from_str(&text(&p["Policy"])).unwrap();
            if let Collected::Ok(buckets) = &mut fx.inv.s3.buckets {
                let b = buckets.iter_mut().find(|b| b.name == p["Bucket"]).unwrap();
                b.policy = Collected::Ok(Some(doc));
            }
        }
        "CreateAlias" => {}
        other => panic!("the CloudTrail fix tests do not apply {other}"),
    }
}
