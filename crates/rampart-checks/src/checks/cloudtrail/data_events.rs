//! Reading S3 object-level (data event) logging from trails' event selectors, shared by the
//! write and read checks (CIS 4.8 and 4.9).

use super::trails::Trails;
use crate::{CheckMeta, Context, Finding};
use rampart_inventory::Trail;
use serde_json::Value;

/// Which S3 object events a check needs recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// PutObject, DeleteObject, ... (`readOnly` = false, `WriteOnly`).
    Write,
    /// GetObject, ... (`readOnly` = true, `ReadOnly`).
    Read,
}

impl Access {
    fn word(self) -> &'static str {
        match self {
            Access::Write => "write",
            Access::Read => "read",
        }
    }
}

/// What a trail's selectors say about S3 object events of one access type.
#[derive(Debug, PartialEq)]
pub(crate) enum Recording {
    /// Recorded for all buckets, by the named selector.
    AllBuckets(String),
    /// Not recorded for all buckets: why, phrased to follow the trail's name.
    Lacking(String),
    /// The selectors' JSON is not in the form GetEventSelectors returns.
    Unrecognized,
}

/// Whether `values` (a basic selector's DataResources `Values`) cover every bucket:
/// `arn:<partition>:s3` or `arn:<partition>:s3:::`.
fn all_buckets(values: &[Value], partition: &str) -> bool {
    let short = format!("arn:{partition}:s3");
    let long = format!("arn:{partition}:s3:::");
    values
        .iter()
        .filter_map(Value::as_str)
        .any(|v| v == short || v == long)
}

/// Read a GetEventSelectors response for S3 object events of `access` on every bucket.
pub(crate) fn s3_object_events(selectors: &Value, partition: &str, access: Access) -> Recording {
    let basic = selectors.get("EventSelectors").and_then(Value::as_array);
    let advanced = selectors
        .get("AdvancedEventSelectors")
        .and_then(Value::as_array);
    if basic.is_none() && advanced.is_none() {
        return Recording::Unrecognized;
    }
    let wanted = match access {
        Access::Write => "WriteOnly",
        Access::Read => "ReadOnly",
    };
    let mut partial: Option<String> = None;
    for (i, selector) in basic.into_iter().flatten().enumerate() {
        let s3_all = selector
            .get("DataResources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|r| {
                r.get("Type").and_then(Value::as_str) == Some("AWS::S3::Object")
                    && r.get("Values")
                        .and_then(Value::as_array)
                        .is_some_and(|v| all_buckets(v, partition))
            });
        if !s3_all {
            continue;
        }
        match selector.get("ReadWriteType").and_then(Value::as_str) {
            Some(rw) if rw == "All" || rw == wanted => {
                return Recording::AllBuckets(format!("event selector {}", i + 1))
            }
            Some(rw) => {
                partial.get_or_insert_with(|| {
                    format!("records S3 object events of all buckets as {rw} only")
                });
            }
            None => return Recording::Unrecognized,
        }
    }
    for selector in advanced.into_iter().flatten() {
        let name = selector.get("Name").and_then(Value::as_str).unwrap_or("");
        let fields: Vec<&Value> = selector
            .get("FieldSelectors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        fn equals(field: &Value) -> Vec<&str> {
            field
                .get("Equals")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect()
        }
        let field = |n: &str| {
            fields
                .iter()
                .copied()
                .find(|f| f.get("Field").and_then(Value::as_str) == Some(n))
        };
        let is_data = field("eventCategory").is_some_and(|f| equals(f).contains(&"Data"));
        let is_s3 = field("resources.type").is_some_and(|f| equals(f).contains(&"AWS::S3::Object"));
        if !is_data || !is_s3 {
            continue;
        }
        let narrowing: Vec<&str> = fields
            .iter()
            .filter_map(|f| f.get("Field").and_then(Value::as_str))
            .filter(|n| !["eventCategory", "resources.type", "readOnly"].contains(n))
            .collect();
        if !narrowing.is_empty() {
            partial.get_or_insert_with(|| {
                format!(
                    "records S3 object events only where {} match (advanced selector `{name}`)",
                    narrowing.join(", ")
                )
            });
            continue;
        }
        let read_only = field("readOnly").map(equals);
        let covers = match read_only {
            None => true,
            Some(values) => {
                let want = if access == Access::Read {
                    "true"
                } else {
                    "false"
                };
                values.contains(&want)
            }
        };
        if covers {
            return Recording::AllBuckets(format!("advanced selector `{name}`"));
        }
        partial.get_or_insert_with(|| {
            format!(
                "records S3 object events without {} events (advanced selector `{name}` \
                 filters on readOnly)",
                access.word()
            )
        });
    }
    Recording::Lacking(
        partial.unwrap_or_else(|| "records no S3 object events for all buckets".to_owned()),
    )
}

/// The account-level finding of a data-events check: PASS when some multi-region, logging
/// trail records S3 object events of `access` for all buckets.
pub(crate) fn evaluate(ctx: &Context, meta: &'static CheckMeta, access: Access) -> Vec<Finding> {
    let trails = Trails::of(ctx);
    let f = ctx.finding(meta, "global", ctx.account_arn());
    let word = access.word();
    let mut lacking = Vec::new();
    let mut unknown = Vec::new();
    for trail in &trails.trails {
        let label = format!("trail `{}` (home {})", trail.name, trail.home_region);
        match judge(trail, &ctx.inventory.account.partition, access) {
            Ok(how) => {
                return vec![f.pass(format!(
                    "{label} is multi-region, logging, and records S3 object-level {word} \
                     events for all buckets ({how})"
                ))]
            }
            Err((lacks, _)) if !lacks.is_empty() => {
                lacking.push(format!("{label} {}", lacks.join(" and ")))
            }
            Err((_, unread)) => unknown.push(format!("{label} might: {}", unread.join(", "))),
        }
    }
    if !trails.unread.is_empty() || !unknown.is_empty() {
        let parts: Vec<String> = trails
            .unread
            .iter()
            .map(|(region, gap)| {
                format!(
                    "the trails of {region} could not be listed ({})",
                    gap.describe()
                )
            })
            .chain(unknown)
            .collect();
        return vec![f.error_reason(format!(
            "could not be evaluated: no trail seen records S3 object-level {word} events, but {}",
            parts.join("; ")
        ))];
    }
    vec![if lacking.is_empty() {
        f.fail("no CloudTrail trail exists in the scanned regions")
    } else {
        f.fail(format!(
            "no multi-region, logging trail records S3 object-level {word} events for all \
             buckets: {}",
            lacking.join("; ")
        ))
    }]
}

/// `Ok(how)` when the trail qualifies, else what it lacks and what was not read.
fn judge(
    trail: &Trail,
    partition: &str,
    access: Access,
) -> Result<String, (Vec<String>, Vec<String>)> {
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
    let mut how = String::new();
    match trail.event_selectors.get() {
        Ok(selectors) => match s3_object_events(selectors, partition, access) {
            Recording::AllBuckets(by) => how = by,
            Recording::Lacking(what) => lacks.push(what),
            Recording::Unrecognized => {
                unread.push("its event selectors have a form rampart does not recognize".into())
            }
        },
        Err(gap) => unread.push(format!(
            "its event selectors were not read ({})",
            gap.describe()
        )),
    }
    if lacks.is_empty() && unread.is_empty() {
        Ok(how)
    } else {
        Err((lacks, unread))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn basic(rw: &str, values: Value) -> Value {
        json!({"EventSelectors": [{"ReadWriteType": rw, "IncludeManagementEvents": true,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": values}]}]})
    }

    fn advanced(extra: Vec<Value>) -> Value {
        let mut fields = vec![
            json!({"Field": "eventCategory", "Equals": ["Data"]}),
            json!({"Field": "resources.type", "Equals": ["AWS::S3::Object"]}),
        ];
        fields.extend(extra);
        json!({"AdvancedEventSelectors": [{"Name": "S3", "FieldSelectors": fields}]})
    }

    // CIS 4.8/4.9: basic selectors on all buckets (`arn:aws:s3` or `arn:aws:s3:::`) with a
    // matching ReadWriteType record the access; one bucket, or the other type, does not.
    #[test]
    fn basic_selectors() {
        let all = |rw, access| s3_object_events(&basic(rw, json!(["arn:aws:s3"])), "aws", access);
        assert!(matches!(
            all("All", Access::Write),
            Recording::AllBuckets(_)
        ));
        assert!(matches!(
            all("WriteOnly", Access::Write),
            Recording::AllBuckets(_)
        ));
        assert!(matches!(
            all("ReadOnly", Access::Read),
            Recording::AllBuckets(_)
        ));
        assert!(matches!(
            all("ReadOnly", Access::Write),
            Recording::Lacking(_)
        ));
        let long = basic("All", json!(["arn:aws:s3:::"]));
        assert!(matches!(
            s3_object_events(&long, "aws", Access::Read),
            Recording::AllBuckets(_)
        ));
        let one = basic("All", json!(["arn:aws:s3:::my-bucket/"]));
        assert_eq!(
            s3_object_events(&one, "aws", Access::Read),
            Recording::Lacking("records no S3 object events for all buckets".into())
        );
        assert_eq!(
            s3_object_events(&json!({"Selectors": []}), "aws", Access::Read),
            Recording::Unrecognized
        );
    }

    // CIS 4.8/4.9: advanced selectors: no readOnly records both, readOnly picks one, and any
    // other field (a bucket ARN prefix, an event name) narrows and does not count.
    #[test]
    fn advanced_selectors() {
        assert!(matches!(
            s3_object_events(&advanced(vec![]), "aws", Access::Write),
            Recording::AllBuckets(_)
        ));
        let read = advanced(vec![json!({"Field": "readOnly", "Equals": ["true"]})]);
        assert!(matches!(
            s3_object_events(&read, "aws", Access::Read),
            Recording::AllBuckets(_)
        ));
        assert!(matches!(
            s3_object_events(&read, "aws", Access::Write),
            Recording::Lacking(_)
        ));
        let narrow = advanced(vec![
            json!({"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::one/"]}),
        ]);
        assert!(matches!(
            s3_object_events(&narrow, "aws", Access::Write),
            Recording::Lacking(_)
        ));
    }
}
