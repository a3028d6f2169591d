//! `cloudtrail_multi_region_logging`: at least one multi-region trail is logging and records
//! every management event, read and write.

use super::trails::Trails;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Trail;
use serde_json::Value;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_multi_region_logging",
    title: "A multi-region trail logs all management events",
    service: "cloudtrail",
    severity: Severity::High,
    what: "Whether the account has at least one trail that applies to every region, is \
           logging, and whose event selectors record management events of both read and write \
           type: a basic selector with `IncludeManagementEvents` true and `ReadWriteType` \
           `All`, or an advanced selector on `eventCategory` = `Management` with no `readOnly` \
           filter. Each trail is judged once, from the copy in its home region.",
    why: "CloudTrail is the record of every API call in the account: who changed a security \
          group, who created an access key, who read a secret. A trail limited to one region \
          misses everything done in the others, where an intruder is most likely to work, and \
          a trail that drops read or write events hides reconnaissance or changes.",
    fix: "aws cloudtrail create-trail --name <TRAIL_NAME> --s3-bucket-name <BUCKET_NAME> \
          --is-multi-region-trail --enable-log-file-validation && aws cloudtrail \
          put-event-selectors --trail-name <TRAIL_NAME> --event-selectors \
          '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]' && aws cloudtrail \
          start-logging --name <TRAIL_NAME> (for an existing trail: aws cloudtrail update-trail \
          --name <TRAIL_NAME> --is-multi-region-trail --region <HOME_REGION>)",
    references: &[
        "CIS AWS Foundations v7.0 4.1",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html",
    ],
    cis: &["4.1"],
    needs: &[Service::CloudTrail],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let trails = Trails::of(ctx);
    let f = ctx.finding(&META, "global", ctx.account_arn());
    let mut lacking = Vec::new();
    let mut unknown = Vec::new();
    for trail in &trails.trails {
        let label = format!("trail `{}` (home {})", trail.name, trail.home_region);
        match judge(trail) {
            Verdict::Pass => {
                return vec![f.pass(format!(
                    "{label} is multi-region, logging, and records all read and write \
                     management events"
                ))]
            }
            Verdict::Fail(lacks) => lacking.push(format!("{label} {}", lacks.join(" and "))),
            Verdict::Unknown(unread) => {
                unknown.push(format!("{label} might: {}", unread.join(", ")))
            }
        }
    }
    if !trails.unread.is_empty() || !unknown.is_empty() {
        let unread_regions = trails.unread.iter().map(|(region, gap)| {
            format!(
                "the trails of {region} could not be listed ({})",
                gap.describe()
            )
        });
        let parts: Vec<String> = unread_regions.chain(unknown).collect();
        return vec![f.error_reason(format!(
            "could not be evaluated: no trail seen passes, but {}",
            parts.join("; ")
        ))];
    }
    vec![if lacking.is_empty() {
        f.fail("no CloudTrail trail exists in the scanned regions")
    } else {
        f.fail(format!(
            "no trail is multi-region, logging and recording all read and write management \
             events: {}",
            lacking.join("; ")
        ))
    }]
}

/// How one trail measures up.
enum Verdict {
    /// Multi-region, logging, all management events.
    Pass,
    /// What the trail lacks, each phrased to follow the trail's name.
    Fail(Vec<String>),
    /// Nothing known is lacking, but data needed to decide was not read.
    Unknown(Vec<String>),
}

fn judge(trail: &Trail) -> Verdict {
    let mut lacks = Vec::new();
    let mut unread = Vec::new();
    if !trail.is_multi_region {
        lacks.push("is not multi-region".to_owned());
    }
    match trail.status.get() {
        Ok(status) if !status.is_logging => lacks.push("is not logging".to_owned()),
        Ok(_) => {}
        Err(gap) => unread.push(format!("its status was not read ({})", gap.describe())),
    }
    match trail.event_selectors.get() {
        Ok(selectors) => match management_events(selectors) {
            Management::All => {}
            Management::Lacking(what) => lacks.push(what),
            Management::Unrecognized => {
                unread.push("its event selectors have a form rampart does not recognize".to_owned())
            }
        },
        Err(gap) => unread.push(format!(
            "its event selectors were not read ({})",
            gap.describe()
        )),
    }
    if !lacks.is_empty() {
        Verdict::Fail(lacks)
    } else if !unread.is_empty() {
        Verdict::Unknown(unread)
    } else {
        Verdict::Pass
    }
}

/// Which management events a trail's selectors record.
#[derive(Debug, PartialEq)]
pub(crate) enum Management {
    /// All of them, read and write.
    All,
    /// Fewer: what is missing, phrased to follow the trail's name.
    Lacking(String),
    /// The selectors' JSON is not in the form GetEventSelectors returns.
    Unrecognized,
}

/// Read a GetEventSelectors response: `{"EventSelectors": [...]}` (basic) or
/// `{"AdvancedEventSelectors": [...]}`. Only explicit values count: a basic selector without
/// `ReadWriteType` makes the answer unrecognized rather than assumed.
pub(crate) fn management_events(selectors: &Value) -> Management {
    let basic = selectors.get("EventSelectors").and_then(Value::as_array);
    let advanced = selectors
        .get("AdvancedEventSelectors")
        .and_then(Value::as_array);
    if basic.is_none() && advanced.is_none() {
        return Management::Unrecognized;
    }
    let mut partial: Option<String> = None;
    let mut unrecognized = false;
    for selector in basic.into_iter().flatten() {
        if selector
            .get("IncludeManagementEvents")
            .and_then(Value::as_bool)
            != Some(true)
        {
            continue;
        }
        match selector.get("ReadWriteType").and_then(Value::as_str) {
            Some("All") => return Management::All,
            Some(rw) => {
                partial.get_or_insert_with(|| format!("records only {rw} management events"));
            }
            None => unrecognized = true,
        }
    }
    for selector in advanced.into_iter().flatten() {
        let fields: Vec<&Value> = selector
            .get("FieldSelectors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        let field = |name: &str| {
            fields
                .iter()
                .find(|f| f.get("Field").and_then(Value::as_str) == Some(name))
        };
        let management = field("eventCategory").is_some_and(|f| {
            f.get("Equals")
                .and_then(Value::as_array)
                .is_some_and(|e| e.iter().any(|v| v.as_str() == Some("Management")))
        });
        if !management {
            continue;
        }
        match field("readOnly") {
            None => return Management::All,
            Some(read_only) => {
                let name = selector.get("Name").and_then(Value::as_str).unwrap_or("");
                let filter: Vec<&str> = read_only
                    .get("Equals")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let filter = filter.join(" or ");
                partial.get_or_insert_with(|| {
                    format!(
                        "records only some management events (advanced selector `{name}` \
                         keeps only readOnly = {filter})"
                    )
                });
            }
        }
    }
    if unrecognized {
        return Management::Unrecognized;
    }
    Management::Lacking(partial.unwrap_or_else(|| "records no management events".to_owned()))
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Prefers a trail of this account that records all management events: a stopped \
          multi-region one is started (StartLogging), a single-region one made multi-region \
          (UpdateTrail `IsMultiRegionTrail`, and started when stopped). Else creates \
          `rampart-trail` (CreateTrail, StartLogging): multi-region, with log file \
          validation and global service events, into the bucket `--trail-bucket` names; when \
          that bucket is this account's the trail is homed in its region, encrypted with \
          rampart's KMS key `alias/rampart-cloudtrail` there (created once, with rotation), \
          and the bucket's policy gets CloudTrail's statements; otherwise its owner must \
          grant them. Safe; CloudTrail bills copies of management events beyond the first.",
    plan: fix,
    state: Some(super::changes::state),
    reads: &[
        rampart_inventory::Service::S3,
        rampart_inventory::Service::Kms,
    ],
};

/// The steps that give the account a multi-region trail that logs all management events.
pub(crate) fn fix(
    ctx: &Context,
    _finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use super::changes::{create_trail, start_logging, Update, TRAIL_NAME};
    use crate::fix::NotFixable;
    use serde_json::json;
    let trails = Trails::of(ctx);
    if let Some((region, gap)) = trails.unread.first() {
        return Err(NotFixable::gap(
            &format!("the trails of {region} (a trail there may already qualify)"),
            gap,
        ));
    }
    let account = &ctx.inventory.account.id;
    // The best trail to change: stopped multi-region (0), logging single-region (1), or
    // stopped single-region (2); ties go to the first by ARN.
    let mut best: Option<(u8, &Trail)> = None;
    for trail in &trails.trails {
        if trail.arn.split(':').nth(4) != Some(account.as_str()) {
            continue;
        }
        let (Ok(status), Ok(selectors)) = (trail.status.get(), trail.event_selectors.get()) else {
            continue;
        };
        if management_events(selectors) != Management::All {
            continue;
        }
        let rank = match (trail.is_multi_region, status.is_logging) {
            (true, true) => {
                return Err(NotFixable::new(format!(
                    "trail `{}` already is multi-region, logging and records all management \
                     events",
                    trail.name
                )))
            }
            (true, false) => 0,
            (false, true) => 1,
            (false, false) => 2,
        };
        if best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, trail));
        }
    }
    let Some((rank, trail)) = best else {
        if let Some(t) = trails.trails.iter().find(|t| t.name == TRAIL_NAME) {
            return Err(NotFixable::new(format!(
                "a trail named {TRAIL_NAME} exists ({}) but does not qualify: fix or delete it",
                t.arn
            )));
        }
        return create_trail(ctx, META.id);
    };
    if rank == 0 {
        return Ok(vec![start_logging(META.id, trail)]);
    }
    let name = &trail.name;
    let mut set = json!({"IsMultiRegionTrail": true});
    let mut undo_set = json!({"IsMultiRegionTrail": false});
    let mut before = json!({"IsMultiRegionTrail": false});
    let mut after = json!({"IsMultiRegionTrail": true});
    let mut flags = vec!["--is-multi-region-trail"];
    // A multi-region trail records global service events; CloudTrail refuses the
    // combination otherwise.
    if !trail.include_global_service_events {
        set["IncludeGlobalServiceEvents"] = json!(true);
        undo_set["IncludeGlobalServiceEvents"] = json!(false);
        before["IncludeGlobalServiceEvents"] = json!(false);
        after["IncludeGlobalServiceEvents"] = json!(true);
        flags.push("--include-global-service-events");
    }
    let logging = rank == 1;
    before["IsLogging"] = json!(logging);
    after["IsLogging"] = json!(true);
    let mut step =
        Update {
            check_id: META.id,
            trail,
            set,
            undo_set,
            flags: &flags,
            before,
            after,
            reason: format!(
                "trail `{name}` then records every region's API activity; it blocks nothing"
            ),
            billing: format!(
                "trail `{name}` records every region: management events beyond the first copy in \
             a region, and data events it selects, are charged per event; more log files in \
             its bucket (and its CloudWatch Logs group, if it has one)"
            ),
            undo: format!(
            "aws cloudtrail update-trail --name {name} --no-is-multi-region-trail --region {}{}",
            trail.home_region,
            if logging { "" } else { ", then aws cloudtrail stop-logging" }
        ),
        }
        .step();
    if !logging {
        let start = start_logging(META.id, trail);
        step.calls.extend(start.calls);
        step.cli.extend(start.cli);
        step.undo_calls.insert(0, start.undo_calls[0].clone());
    }
    Ok(vec![step])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, trail};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::Collected;
    use serde_json::json;

    /// Selectors that record management events with the given ReadWriteType.
    fn basic(read_write: &str, management: bool) -> Value {
        json!({"EventSelectors": [{
            "ReadWriteType": read_write,
            "IncludeManagementEvents": management,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            "ExcludeManagementEventSources": []
        }]})
    }

    /// Advanced selectors: management events (with an optional readOnly filter) and S3 data.
    fn advanced(read_only: Option<&str>) -> Value {
        let mut management = vec![json!({"Field": "eventCategory", "Equals": ["Management"]})];
        if let Some(v) = read_only {
            management.push(json!({"Field": "readOnly", "Equals": [v]}));
        }
        json!({"AdvancedEventSelectors": [
            {"Name": "S3 data", "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}
            ]},
            {"Name": "Management events", "FieldSelectors": management}
        ]})
    }

    // CIS 4.1: a multi-region, logging trail with all management events passes; its shadow
    // copy (no status read), met first in eu-west-1, does not make it an ERROR.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1");
        let mut single = trail("app", "eu-west-1");
        single.is_multi_region = false;
        add(&mut fx, single);
        add(&mut fx, trail("main", "us-east-1"));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.1: advanced selectors on eventCategory = Management, without readOnly, pass.
    #[test]
    fn pass_advanced_selectors() {
        let mut fx = Fixture::new();
        let mut t = trail("main", "us-east-1");
        t.event_selectors = Collected::Ok(advanced(None));
        add(&mut fx, t);
        insta::assert_json_snapshot!("pass_advanced", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.1: a passing trail is enough even when another region's trails were unread.
    #[test]
    fn pass_despite_unread_region() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        fx.region("eu-west-1").cloudtrail.trails =
            Collected::Missing(denied("cloudtrail:DescribeTrails"));
        insta::assert_json_snapshot!("pass_despite_unread", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.1: no trail at all fails.
    #[test]
    fn fail_no_trail() {
        let fx = Fixture::new();
        insta::assert_json_snapshot!("fail_no_trail", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.1: single-region, stopped, write-only, read-only (advanced) and data-only trails
    // each fail, and the reason names what each lacks.
    #[test]
    fn fail_lacking() {
        let mut fx = Fixture::new();
        let mut single = trail("a-single", "us-east-1");
        single.is_multi_region = false;
        add(&mut fx, single);
        let mut stopped = trail("b-stopped", "us-east-1");
        if let Collected::Ok(status) = &mut stopped.status {
            status.is_logging = false;
        }
        add(&mut fx, stopped);
        let mut write_only = trail("c-write-only", "us-east-1");
        write_only.event_selectors = Collected::Ok(basic("WriteOnly", true));
        add(&mut fx, write_only);
        let mut read_only = trail("d-read-only", "us-east-1");
        read_only.event_selectors = Collected::Ok(advanced(Some("true")));
        add(&mut fx, read_only);
        let mut data_only = trail("e-data-only", "us-east-1");
        data_only.event_selectors = Collected::Ok(basic("All", false));
        add(&mut fx, data_only);
        insta::assert_json_snapshot!("fail_lacking", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.1: with no passing trail, a region whose trails are unread gives ERROR, not FAIL.
    #[test]
    fn error_unread_region() {
        let mut fx = Fixture::new();
        let mut single = trail("app", "us-east-1");
        single.is_multi_region = false;
        add(&mut fx, single);
        fx.region("eu-west-1").cloudtrail.trails =
            Collected::Missing(denied("cloudtrail:DescribeTrails"));
        insta::assert_json_snapshot!("error_unread_region", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.1: a multi-region trail whose status or selectors were not read gives ERROR.
    #[test]
    fn error_unread_status() {
        let mut fx = Fixture::new();
        let mut t = trail("main", "us-east-1");
        t.status = Collected::Missing(denied("cloudtrail:GetTrailStatus"));
        add(&mut fx, t);
        let mut t = trail("second", "us-east-1");
        t.event_selectors = Collected::Missing(denied("cloudtrail:GetEventSelectors"));
        add(&mut fx, t);
        insta::assert_json_snapshot!("error_unread_status", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.1: how selectors are read, including forms that must not be guessed at.
    #[test]
    fn reads_selectors() {
        assert_eq!(management_events(&basic("All", true)), Management::All);
        assert_eq!(
            management_events(&basic("ReadOnly", true)),
            Management::Lacking("records only ReadOnly management events".into())
        );
        assert_eq!(
            management_events(&basic("All", false)),
            Management::Lacking("records no management events".into())
        );
        assert_eq!(management_events(&advanced(None)), Management::All);
        assert!(matches!(
            management_events(&advanced(Some("false"))),
            Management::Lacking(_)
        ));
        assert_eq!(
            management_events(&json!({"EventSelectors": []})),
            Management::Lacking("records no management events".into())
        );
        assert_eq!(
            management_events(&json!({"eventSelectors": [{"readWriteType": "All"}]})),
            Management::Unrecognized
        );
        assert_eq!(
            management_events(&json!({"EventSelectors": [{"IncludeManagementEvents": true}]})),
            Management::Unrecognized
        );
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::cloudtrail::changes::{KEY_SID, TRAIL_NAME};
    use crate::checks::cloudtrail::testing::{
        add, add_buckets, applied, bucket, trail, NEW_KEY_ID,
    };
    use crate::checks::fixtures::{denied, run_check, Fixture, ACCOUNT};
    use crate::fix::testing::{assert_plan_states, failing, fix_settings, plan_with};
    use crate::fix::{plan, render, response_ref};
    use crate::{evaluate, Selection, Settings, Status};
    use rampart_inventory::Collected;
    use serde_json::json;

    const ALIAS_ARN: &str = "arn:aws:kms:us-east-1:111122223333:alias/rampart-cloudtrail";

    /// An account without trails, in two regions, whose bucket `rampart-trail-logs` (in
    /// us-east-1) is its own when `owned`.
    fn no_trail(owned: bool) -> Fixture {
        let mut fx = Fixture::new();
        fx.region("eu-west-1");
        if owned {
            add_buckets(&mut fx, vec![bucket("rampart-trail-logs")]);
        }
        fx
    }

    /// The plan for the account's finding (global, the account root).
    fn plan_for(fx: &Fixture, settings: &Settings) -> crate::fix::Plan {
        plan_with(&CHECK, &fx.inv, settings)
    }

    // Issue 14 (CIS 4.1): with no trail and a bucket of this account, rampart's key is
    // created (with rotation), CloudTrail's statements are added to the bucket's policy, and
    // `rampart-trail` is created encrypted with the key, multi-region, validated, and
    // started; its steps read back as `before` now and `after` once applied, when every
    // CloudTrail check of the trail passes, and so do the checks of the key and the bucket.
    #[test]
    fn fix_creates_an_encrypted_trail() {
        let fx = no_trail(true);
        let settings = fix_settings();
        let plan = plan_for(&fx, &settings);
        assert!(plan.not_planned.is_empty(), "{:#?}", plan.not_planned);
        let resources: Vec<&str> = plan.steps.iter().map(|s| s.resource.as_str()).collect();
        let trail_arn = format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{TRAIL_NAME}");
        assert_eq!(
            resources,
            [
                "arn:aws:s3:::rampart-trail-logs",
                ALIAS_ARN,
                trail_arn.as_str()
            ]
        );
        let (grant, key, new) = (&plan.steps[0], &plan.steps[1], &plan.steps[2]);
        assert_eq!(new.depends_on, [grant.id.clone(), key.id.clone()]);
        let ops = |calls: &[crate::fix::Call]| -> Vec<String> {
            calls
                .iter()
                .map(|c| format!("{} {}", c.service, c.operation))
                .collect()
        };
        assert_eq!(
            ops(&key.calls),
            ["kms CreateKey", "kms CreateAlias", "kms EnableKeyRotation"]
        );
        let key_id = response_ref(0, "KeyMetadata.KeyId");
        assert_eq!(key.calls[1].params["TargetKeyId"], key_id);
        assert_eq!(key.calls[2].params["KeyId"], key_id);
        assert_eq!(
            ops(&key.undo_calls),
            ["kms DeleteAlias", "kms ScheduleKeyDeletion"]
        );
        assert_eq!(
            key.undo_calls[1].params,
            json!({"KeyId": key_id, "PendingWindowInDays": 30})
        );
        assert!(key
            .undo_loses
            .as_deref()
            .is_some_and(|l| l.contains("unreadable")));
        assert!(key.calls[0].params["Policy"]
            .as_str()
            .unwrap()
            .contains(KEY_SID));
        assert_eq!(
            ops(&new.calls),
            [
                "cloudtrail CreateTrail",
                "cloudtrail PutEventSelectors",
                "cloudtrail StartLogging"
            ]
        );
        assert_eq!(
            new.calls[0].params,
            json!({"Name": TRAIL_NAME, "S3BucketName": "rampart-trail-logs",
                   "IsMultiRegionTrail": true, "EnableLogFileValidation": true,
                   "IncludeGlobalServiceEvents": true, "KmsKeyId": ALIAS_ARN})
        );
        assert_eq!(
            ops(&new.undo_calls),
            ["cloudtrail StopLogging", "cloudtrail DeleteTrail"]
        );
        assert!(new.undo_loses.is_some());
        // The key's CLI lines create and use the key in one line each, starting with `aws`.
        assert!(
            key.cli[0].starts_with("aws kms create-alias ")
                && key.cli[0].contains("\"$(aws kms create-key ")
        );
        insta::assert_snapshot!("fix_steps", render::json(&plan));

        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        let findings = evaluate(&fixed.inv, &settings, &Selection::default());
        let key_arn = format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{NEW_KEY_ID}");
        for (check, resource) in [
            (META.id, format!("arn:aws:iam::{ACCOUNT}:root")),
            ("cloudtrail_kms_encryption", trail_arn.clone()),
            ("cloudtrail_log_file_validation", trail_arn.clone()),
            ("cloudtrail_logging", trail_arn.clone()),
            ("kms_key_rotation", key_arn.clone()),
            ("kms_key_policy_public", key_arn.clone()),
            (
                "s3_bucket_policy_public",
                "arn:aws:s3:::rampart-trail-logs".to_owned(),
            ),
        ] {
            let f = findings
                .iter()
                .find(|f| f.check_id == check && f.resource == resource)
                .unwrap_or_else(|| panic!("no {check} finding for {resource}"));
            assert_eq!(f.status, Status::Pass, "{check} {resource}: {}", f.reason);
        }
        assert!(plan_for(&fixed, &settings).steps.is_empty());
    }

    // Issue 14: a bucket of another account gets no policy step, and the trail no KMS key
    // (its key must be in the bucket's region, which is unknown); the step says the owner
    // must grant CloudTrail's statements.
    #[test]
    fn fix_trail_into_a_bucket_of_another_account() {
        let fx = no_trail(false);
        let settings = fix_settings();
        let plan = plan_for(&fx, &settings);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        let step = &plan.steps[0];
        assert_eq!(step.region, "us-east-1");
        assert!(step.calls[0].params.get("KmsKeyId").is_none());
        assert!(step
            .risk_reason
            .contains("its owner must let cloudtrail.amazonaws.com"));
        assert_eq!(step.after["Trail"]["KmsKeyId"], serde_json::Value::Null);
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert_eq!(run_check(&CHECK, &fixed.inv)[0].status, Status::Pass);
    }

    // Issue 14: a single-region trail that logs all management events is made multi-region
    // (with global service events, which a multi-region trail needs) rather than a new one
    // created; undo makes it single-region again.
    #[test]
    fn fix_makes_a_logging_trail_multi_region() {
        let mut fx = no_trail(true);
        let mut app = trail("app", "us-east-1");
        app.is_multi_region = false;
        app.include_global_service_events = false;
        add(&mut fx, app);
        let settings = Settings::default();
        let plan = plan_for(&fx, &settings);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        let step = &plan.steps[0];
        assert_eq!(
            step.resource,
            format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/app")
        );
        assert_eq!(
            step.calls[0].params,
            json!({"Name": "app", "IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true})
        );
        assert_eq!(
            step.undo_calls[0].params,
            json!({"Name": "app", "IsMultiRegionTrail": false, "IncludeGlobalServiceEvents": false})
        );
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert_eq!(run_check(&CHECK, &fixed.inv)[0].status, Status::Pass);
    }

    // Issue 14: a stopped single-region trail is made multi-region and started in one step.
    #[test]
    fn fix_makes_a_stopped_trail_multi_region_and_starts_it() {
        let mut fx = no_trail(true);
        let mut app = trail("app", "us-east-1");
        app.is_multi_region = false;
        if let Collected::Ok(s) = &mut app.status {
            s.is_logging = false;
        }
        add(&mut fx, app);
        let settings = Settings::default();
        let plan = plan_for(&fx, &settings);
        let step = &plan.steps[0];
        let ops: Vec<&str> = step.calls.iter().map(|c| c.operation.as_str()).collect();
        assert_eq!(ops, ["UpdateTrail", "StartLogging"]);
        let undo: Vec<&str> = step
            .undo_calls
            .iter()
            .map(|c| c.operation.as_str())
            .collect();
        assert_eq!(undo, ["StopLogging", "UpdateTrail"]);
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert_eq!(run_check(&CHECK, &fixed.inv)[0].status, Status::Pass);
    }

    // Issue 14: a stopped multi-region trail is started: the same step as
    // `cloudtrail_logging` plans, so the plan holds it once, fixing both.
    #[test]
    fn fix_starts_a_stopped_trail_once_for_two_checks() {
        let mut fx = no_trail(true);
        let mut main = trail("main", "us-east-1");
        if let Collected::Ok(s) = &mut main.status {
            s.is_logging = false;
        }
        add(&mut fx, main);
        let settings = Settings::default();
        let mut findings = run_check(&CHECK, &fx.inv);
        findings.extend(run_check(&super::super::logging::CHECK, &fx.inv));
        let plan = plan(&fx.inv, &settings, &findings);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        assert_eq!(plan.steps[0].check_id, "cloudtrail_logging");
        assert_eq!(plan.steps[0].also_fixes, [META.id]);
        assert_eq!(plan.steps[0].calls[0].operation, "StartLogging");
    }

    // Issue 14: rampart's key of the bucket's region, from an earlier fix, is reused by its
    // ARN: no second key, and the state names it by its alias as before.
    #[test]
    fn fix_reuses_rampart_key() {
        let fx = no_trail(true);
        let settings = fix_settings();
        let first = plan_for(&fx, &settings);
        // Only the key of the first plan was applied.
        let keyed = crate::fix::Plan {
            steps: first
                .steps
                .iter()
                .filter(|s| s.resource == ALIAS_ARN)
                .cloned()
                .collect(),
            ..first.clone()
        };
        let fx = applied(&fx, &keyed);
        let plan = plan_for(&fx, &settings);
        assert!(
            !plan.steps.iter().any(|s| s.resource == ALIAS_ARN),
            "{plan:#?}"
        );
        let new = plan.steps.last().unwrap();
        let key_arn = format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{NEW_KEY_ID}");
        assert_eq!(new.calls[0].params["KmsKeyId"], key_arn.as_str());
        assert_eq!(new.after["Trail"]["KmsKeyId"], ALIAS_ARN);
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
    }

    // Issue 14: never guessed: without `--trail-bucket`, with a region's trails unread, with
    // a `rampart-trail` that does not qualify, or with the bucket's policy or the region's
    // keys unread, nothing is planned and the reason says why.
    #[test]
    fn fix_not_planned() {
        let reason = |fx: &Fixture, settings: &Settings| {
            let finding = failing(
                &META,
                &fx.inv,
                "global",
                &format!("arn:aws:iam::{ACCOUNT}:root"),
            );
            let plan = plan(&fx.inv, settings, &[finding]);
            assert!(plan.steps.is_empty(), "{plan:#?}");
            plan.not_planned[0].reason.clone()
        };
        let fx = no_trail(true);
        assert!(reason(&fx, &Settings::default()).contains("--trail-bucket"));

        let mut fx = no_trail(true);
        fx.region("eu-west-1").cloudtrail.trails =
            Collected::Missing(denied("cloudtrail:DescribeTrails"));
        assert!(reason(&fx, &fix_settings()).contains("cloudtrail:DescribeTrails"));

        let mut fx = no_trail(true);
        let mut ours = trail(TRAIL_NAME, "us-east-1");
        ours.event_selectors = Collected::Ok(json!({"EventSelectors": []}));
        add(&mut fx, ours);
        assert!(reason(&fx, &fix_settings()).contains("exists"));

        let mut fx = no_trail(true);
        if let Collected::Ok(b) = &mut fx.inv.s3.buckets {
            b[0].policy = Collected::Missing(denied("s3:GetBucketPolicy"));
        }
        assert!(reason(&fx, &fix_settings()).contains("s3:GetBucketPolicy"));

        let mut fx = no_trail(true);
        fx.region("us-east-1").kms.keys = Collected::Missing(denied("kms:ListKeys"));
        assert!(reason(&fx, &fix_settings()).contains("kms:ListKeys"));
    }
}
