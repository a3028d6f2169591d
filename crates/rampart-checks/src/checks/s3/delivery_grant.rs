//! The bucket policy statements that let an AWS service (CloudTrail, AWS Config) deliver
//! into a bucket of this account, as `rampart fix` plans them: merged into the bucket's
//! policy with every existing statement kept, and written back whole (PutBucketPolicy).

use crate::fix::render::{hcl_string, provider_alias};
use crate::fix::{canonical, logical_id, Call, NotFixable, Risk, Step};
use crate::Context;
use rampart_inventory::Bucket;
use serde_json::{json, Map, Value};

/// Where a bucket named in the fix settings is.
pub(crate) enum Destination<'a> {
    /// Among this account's buckets, with its region read.
    Owned(&'a Bucket),
    /// Not among this account's buckets (which were read): another account owns it.
    Elsewhere,
}

/// Look `name` up among the account's buckets. `NotFixable` when the bucket list could not
/// be read (whether the policy can be changed from here is then unknown), or when the
/// bucket is this account's but its region could not be read.
pub(crate) fn destination<'a>(
    ctx: &Context<'a>,
    name: &str,
) -> Result<Destination<'a>, NotFixable> {
    let buckets =
        ctx.inventory.s3.buckets.get().map_err(|gap| {
            NotFixable::gap(&format!("the bucket list (to find bucket {name})"), gap)
        })?;
    match buckets.iter().find(|b| b.name == name) {
        None => Ok(Destination::Elsewhere),
        Some(b) if b.region.is_empty() => Err(NotFixable::new(format!(
            "the region of bucket {name} could not be read"
        ))),
        Some(b) => Ok(Destination::Owned(b)),
    }
}

/// The policy's members other than `Statement`, and its statements (a single statement
/// object counts as a list of one).
fn split_policy(
    policy: Option<&Value>,
    name: &str,
) -> Result<(Map<String, Value>, Vec<Value>), NotFixable> {
    let mut object = match policy {
        None => Map::new(),
        Some(Value::Object(o)) => o.clone(),
        Some(_) => {
            return Err(NotFixable::new(format!(
                "the policy of bucket {name} is not a JSON object"
            )))
        }
    };
    let statements = match object.remove("Statement") {
        None => vec![],
        Some(Value::Array(items)) => items,
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => {
            return Err(NotFixable::new(format!(
                "the Statement of bucket {name}'s policy is neither a list nor a statement"
            )))
        }
    };
    Ok((object, statements))
}

/// A statement without its `Sid`, for comparing what two statements grant.
fn without_sid(statement: &Value) -> Value {
    let mut s = statement.clone();
    if let Some(o) = s.as_object_mut() {
        o.remove("Sid");
    }
    canonical(s)
}

/// `base`, or `base` numbered from 2 when an existing statement already has that Sid.
fn free_sid(base: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| match n {
            1 => base.to_owned(),
            n => format!("{base}{n}"),
        })
        .find(|s| !taken.contains(s))
        .unwrap_or_default()
}

/// The statement as a CloudFormation `PolicyDocument` entry: resources on `bucket` name it
/// through `Fn::Sub` with the stack's partition, so the name stays a value and never part
/// of a pattern-checked ARN.
fn template_statement(statement: &Value, bucket: &Bucket) -> Value {
    let mut s = statement.clone();
    if let Some(Value::String(resource)) = s.get("Resource") {
        if let Some(suffix) = resource.strip_prefix(&bucket.arn) {
            s["Resource"] = json!({"Fn::Sub": [
                format!("arn:${{AWS::Partition}}:s3:::${{Bucket}}{suffix}"),
                {"Bucket": bucket.name},
            ]});
        }
    }
    s
}

/// The step that adds the `wanted` statements (each with its `Sid` as AWS documents it) to
/// `bucket`'s policy so that `service` can deliver into it, or `None` when the policy
/// already has each of them (compared without the Sid). Planned for `check_id`; safe, since
/// the statements only allow the service principal, scoped by the conditions they carry.
pub(crate) fn step(
    check_id: &str,
    bucket: &Bucket,
    service: &str,
    wanted: Vec<Value>,
) -> Result<Option<Step>, NotFixable> {
    let name = &bucket.name;
    let before = bucket
        .policy
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the policy of bucket {name}"), gap))?;
    let (mut object, mut statements) = split_policy(before.as_ref(), name)?;
    let present: Vec<Value> = statements.iter().map(without_sid).collect();
    let mut taken: Vec<String> = statements
        .iter()
        .filter_map(|s| s.get("Sid").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let mut added = Vec::new();
    for mut statement in wanted {
        if present.contains(&without_sid(&statement)) {
            continue;
        }
        let base = statement
            .get("Sid")
            .and_then(Value::as_str)
            .unwrap_or("RampartDelivery")
            .to_owned();
        let sid = free_sid(&base, &taken);
        taken.push(sid.clone());
        statement["Sid"] = json!(sid);
        added.push(canonical(statement));
    }
    if added.is_empty() {
        return Ok(None);
    }
    statements.extend(added.iter().cloned());
    object.insert("Statement".into(), Value::Array(statements.clone()));
    object
        .entry("Version")
        .or_insert_with(|| json!("2012-10-17"));
    let policy = canonical(Value::Object(object.clone()));
    let text = serde_json::to_string(&policy).unwrap_or_default();
    let region = bucket.region.as_str();
    let sids: Vec<&str> = added
        .iter()
        .filter_map(|s| s.get("Sid").and_then(Value::as_str))
        .collect();
    let mut template = object;
    let kept = statements.len() - added.len();
    template.insert(
        "Statement".into(),
        Value::Array(
            statements
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if i < kept {
                        s.clone()
                    } else {
                        template_statement(s, bucket)
                    }
                })
                .collect(),
        ),
    );
    let key = format!("{service}/{}", bucket.arn);
    let cfn = logical_id("RampartDeliveryPolicy", &key);
    let tf = logical_id("delivery_policy_", &key);
    let alias = provider_alias(region);
    let (undo, undo_call) = match before {
        Some(doc) => (
            format!("put the `before` policy back with aws s3api put-bucket-policy --bucket {name}; nothing is lost"),
            Call::new(
                "s3",
                "PutBucketPolicy",
                json!({"Bucket": name, "Policy": serde_json::to_string(&canonical(doc.clone())).unwrap_or_default()}),
            ),
        ),
        None => (
            format!("aws s3api delete-bucket-policy --bucket {name}; nothing is lost"),
            Call::new("s3", "DeleteBucketPolicy", json!({"Bucket": name})),
        ),
    };
    Ok(Some(
        Step::new(
            check_id,
            &bucket.arn,
            region,
            Risk::Safe,
            format!(
                "adds {} to the policy of bucket {name}, allowing only the {service} service \
                 principal, within the conditions they carry; every existing statement is kept",
                sids.join(", ")
            ),
            vec![Call::new(
                "s3",
                "PutBucketPolicy",
                json!({"Bucket": name, "Policy": text}),
            )],
        )
        .states(json!({"Policy": before}), json!({"Policy": policy}))
        .cli(&[&[
            "aws",
            "s3api",
            "put-bucket-policy",
            "--region",
            region,
            "--bucket",
            name,
            "--policy",
            &text,
        ]])
        .cloudformation(json!({cfn: {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": name, "PolicyDocument": Value::Object(template)}}}))
        .terraform(format!(
            "resource \"aws_s3_bucket_policy\" \"{tf}\" {{\n  provider = aws.{alias}\n  bucket   = {}\n  policy   = {}\n}}\n",
            hcl_string(name),
            hcl_string(&text)
        ))
        .undo(undo)
        .undo_calls(vec![undo_call]),
    ))
}

/// The Terraform address of the policy resource [`step`] writes for `service` on `bucket`,
/// for resources that must be created after it.
pub(crate) fn terraform_address(service: &str, bucket: &Bucket) -> String {
    format!(
        "aws_s3_bucket_policy.{}",
        logical_id("delivery_policy_", &format!("{service}/{}", bucket.arn))
    )
}

/// The CloudFormation logical id of the policy resource [`step`] writes for `service` on
/// `bucket`.
pub(crate) fn cloudformation_id(service: &str, bucket: &Bucket) -> String {
    logical_id(
        "RampartDeliveryPolicy",
        &format!("{service}/{}", bucket.arn),
    )
}

/// The state of a [`step`]'s bucket in an inventory: `{"Policy": ...}` as the snapshot
/// holds it (`null` for no policy).
pub(crate) fn state(ctx: &Context, step: &Step) -> Result<Value, NotFixable> {
    let buckets = ctx
        .inventory
        .s3
        .buckets
        .get()
        .map_err(|gap| NotFixable::gap("the bucket list", gap))?;
    let bucket = buckets
        .iter()
        .find(|b| b.arn == step.resource)
        .ok_or_else(|| NotFixable::new(format!("{} is not in the snapshot", step.resource)))?;
    let policy = bucket
        .policy
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the policy of bucket {}", bucket.name), gap))?;
    Ok(json!({"Policy": policy}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::denied;
    use crate::checks::s3::testing::bucket;
    use rampart_inventory::Collected;

    fn grant() -> Vec<Value> {
        vec![json!({"Sid": "ServiceCheck", "Effect": "Allow",
            "Principal": {"Service": "example.amazonaws.com"}, "Action": "s3:GetBucketAcl",
            "Resource": "arn:aws:s3:::logs"})]
    }

    // Issue 14: the service's statement is added beside the existing ones, with the next
    // free Sid when its own is taken; a policy that already grants it gets no step.
    #[test]
    fn merges_keeps_and_skips() {
        let mut b = bucket("logs");
        let other = json!({"Sid": "ServiceCheck", "Effect": "Deny", "Principal": "*",
            "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::logs"});
        b.policy = Collected::Ok(Some(json!({"Version": "2012-10-17", "Statement": other})));
        let step = step("c", &b, "Example", grant()).unwrap().unwrap();
        let statements = step.after["Policy"]["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[0], canonical(other));
        assert_eq!(statements[1]["Sid"], "ServiceCheck2");
        // The call writes exactly the `after` policy.
        let written: Value =
            serde_json::from_str(step.calls[0].params["Policy"].as_str().unwrap()).unwrap();
        assert_eq!(canonical(written), step.after["Policy"]);
        assert_eq!(step.undo_calls[0].operation, "PutBucketPolicy");

        b.policy = Collected::Ok(Some(step.after["Policy"].clone()));
        assert!(super::step("c", &b, "Example", grant()).unwrap().is_none());

        b.policy = Collected::Ok(None);
        let fresh = super::step("c", &b, "Example", grant()).unwrap().unwrap();
        assert_eq!(fresh.undo_calls[0].operation, "DeleteBucketPolicy");
        assert_eq!(fresh.after["Policy"]["Version"], "2012-10-17");
    }

    // Issue 14: an unread policy is never guessed at.
    #[test]
    fn unread_policy_is_not_fixable() {
        let mut b = bucket("logs");
        b.policy = Collected::Missing(denied("s3:GetBucketPolicy"));
        let err = step("c", &b, "Example", grant()).unwrap_err();
        assert!(err.0.contains("s3:GetBucketPolicy"), "{err:?}");
    }
}
