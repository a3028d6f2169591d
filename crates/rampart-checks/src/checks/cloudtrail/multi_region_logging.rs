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
