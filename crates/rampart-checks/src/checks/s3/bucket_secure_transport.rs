//! `s3_bucket_secure_transport`: every bucket policy denies requests over plain HTTP.

use super::over_buckets;
use crate::checks::iam::policy_document::{statements, Effect, Elements, Statement};
use crate::checks::resource_policy::principal_is_everyone;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Collected;
use serde_json::Value;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "s3_bucket_secure_transport",
    title: "S3 bucket policies deny requests over plain HTTP",
    service: "s3",
    severity: Severity::Medium,
    what: "Whether each bucket's policy has a Deny statement, for every principal (\"*\") \
           and every S3 action (`s3:*` or `*`), on both the bucket and its objects, under the \
           condition `Bool` (or `BoolIfExists`) `aws:SecureTransport` = false. A bucket \
           without a policy fails. A deny on `s3:TlsVersion` alone does not count: a plain \
           HTTP request carries no TLS version, so it is not denied by it.",
    why: "S3 accepts HTTP as well as HTTPS unless the bucket policy refuses it. Over HTTP, \
          data and request signatures cross the network in clear text and can be read or \
          altered on the way.",
    fix: "Add the statement {\"Sid\":\"DenyInsecureTransport\",\"Effect\":\"Deny\",\
          \"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::<BUCKET>\",\
          \"arn:aws:s3:::<BUCKET>/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\
          \"false\"}}} to the policy, then: aws s3api put-bucket-policy --bucket <BUCKET> \
          --policy file://<POLICY_JSON_FILE>",
    references: &[
        "CIS AWS Foundations v7.0 3.1.1",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
        "https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule",
    ],
    cis: &["3.1.1"],
    needs: &[Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_buckets(ctx, &META, |f, bucket| {
        let name = format!("bucket {}", bucket.name);
        let doc = match &bucket.policy {
            Collected::Missing(gap) => return f.error(gap),
            Collected::Ok(None) => {
                return f.fail(format!(
                    "{name} has no bucket policy, so nothing denies requests over plain HTTP"
                ))
            }
            Collected::Ok(Some(doc)) => doc,
        };
        let statements = match statements(doc) {
            Ok(s) => s,
            Err(e) => {
                return f.error_reason(format!(
                    "could not be evaluated: the policy of {name} is not a readable policy \
                     document: {e}"
                ))
            }
        };
        let mut partial = Vec::new();
        for s in statements.iter().filter(|s| denies_http(s)) {
            let gaps = coverage_gaps(s, &bucket.arn);
            if gaps.is_empty() {
                return f.pass(format!(
                    "{name} denies requests over plain HTTP ({} denies s3:* to everyone \
                     when aws:SecureTransport is false)",
                    s.label()
                ));
            }
            partial.push(format!("{} {}", s.label(), gaps.join(" and ")));
        }
        if partial.is_empty() {
            f.fail(format!(
                "{name} has a policy with no Deny statement on aws:SecureTransport = false"
            ))
        } else {
            f.fail(format!(
                "{name} denies plain HTTP only in part: {}",
                partial.join("; ")
            ))
        }
    })
}

/// Whether a statement is a Deny conditioned on `aws:SecureTransport` being false.
fn denies_http(s: &Statement<'_>) -> bool {
    s.effect == Effect::Deny
        && s.condition.is_some_and(|c| {
            c.iter().any(|(op, keys)| {
                (op.eq_ignore_ascii_case("Bool") || op.eq_ignore_ascii_case("BoolIfExists"))
                    && keys.as_object().is_some_and(|k| {
                        k.iter().any(|(key, v)| {
                            key.eq_ignore_ascii_case("aws:SecureTransport") && is_false(v)
                        })
                    })
            })
        })
}

/// `false`, `"false"`, or a list holding one of them.
fn is_false(v: &Value) -> bool {
    match v {
        Value::Bool(b) => !b,
        Value::String(s) => s.eq_ignore_ascii_case("false"),
        Value::Array(items) => items.iter().any(is_false),
        _ => false,
    }
}

/// What an HTTP-denying statement leaves out: principals, actions, the bucket, its objects.
fn coverage_gaps(s: &Statement<'_>, bucket_arn: &str) -> Vec<&'static str> {
    let mut gaps = Vec::new();
    if !s.principal.is_some_and(principal_is_everyone) {
        gaps.push("is not for every principal");
    }
    let all_actions = match &s.action {
        Elements::Listed(a) => a
            .iter()
            .any(|a| *a == "*" || a.eq_ignore_ascii_case("s3:*")),
        Elements::AllExcept(a) => a.is_empty(),
        Elements::Absent => false,
    };
    if !all_actions {
        gaps.push("does not cover every S3 action");
    }
    let resources: Vec<&str> = match &s.resource {
        Elements::Listed(r) => r.clone(),
        _ => vec![],
    };
    let object = format!("{bucket_arn}/any-object");
    if !resources.iter().any(|r| wildcard_match(r, bucket_arn)) {
        gaps.push("does not cover the bucket");
    }
    if !resources.iter().any(|r| wildcard_match(r, &object)) {
        gaps.push("does not cover its objects");
    }
    gaps
}

/// IAM's resource matching: `*` any run of characters, `?` one character.
fn wildcard_match(pattern: &str, value: &str) -> bool {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    let (mut pi, mut vi, mut star, mut mark) = (0, 0, None, 0);
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = vi;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            vi = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Adds a statement `RampartDenyInsecureTransport` (Deny s3:* to everyone on the bucket \
          and its objects when aws:SecureTransport is false) to the bucket's policy, keeping \
          every existing statement, and writes the whole policy back (PutBucketPolicy). \
          Disruptive on a bucket that serves content to everyone (its website endpoint \
          speaks only HTTP); otherwise safe, as AWS SDKs and the CLI use HTTPS, with the \
          reminder that the snapshot holds no access logs to show plain HTTP clients.",
    plan: fix,
    state: None,
    reads: &[],
};

/// The step for a bucket whose policy does not deny plain HTTP.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{canonical, logical_id, Call, NotFixable, Risk, Step};
    use serde_json::json;
    let bucket = super::finding_bucket(ctx, finding)?;
    let name = &bucket.name;
    let region = bucket.region.as_str();
    let before = bucket
        .policy
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the policy of bucket {name}"), gap))?;
    let mut policy = match before {
        None => json!({"Version": "2012-10-17", "Statement": []}),
        Some(doc) => doc.clone(),
    };
    let Some(object) = policy.as_object_mut() else {
        return Err(NotFixable::new(format!(
            "the policy of bucket {name} is not a JSON object"
        )));
    };
    let mut existing = match object.remove("Statement") {
        None => vec![],
        Some(Value::Array(items)) => items,
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => {
            return Err(NotFixable::new(format!(
                "the Statement of bucket {name}'s policy is neither a list nor a statement"
            )))
        }
    };
    let sids: Vec<&str> = existing
        .iter()
        .filter_map(|s| s.get("Sid").and_then(Value::as_str))
        .collect();
    let sid = (1..)
        .map(|n| match n {
            1 => "RampartDenyInsecureTransport".to_owned(),
            n => format!("RampartDenyInsecureTransport{n}"),
        })
        .find(|s| !sids.contains(&s.as_str()))
        .unwrap_or_default();
    existing.push(json!({
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket.arn, format!("{}/*", bucket.arn)],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }));
    object.insert("Statement".into(), Value::Array(existing));
    object
        .entry("Version")
        .or_insert_with(|| json!("2012-10-17"));
    let policy = canonical(policy);
    let text = serde_json::to_string(&policy).unwrap_or_default();
    let (risk, risk_reason) = match super::serves_public(bucket)? {
        Some(fact) => (
            Risk::Disruptive,
            format!("{fact}; a website endpoint and many public links use plain HTTP, which the statement would refuse"),
        ),
        None => (
            Risk::Safe,
            format!(
                "bucket {name} serves nothing to everyone, and AWS SDKs and the CLI use HTTPS; \
                 the snapshot holds no access logs, so check them for plain HTTP clients first"
            ),
        ),
    };
    // In the template the new statement names the bucket through `Fn::Sub`, with the
    // stack's partition: the name stays a value, never part of a pattern-checked ARN.
    let mut template_policy = policy.clone();
    if let Some(Value::Array(all)) = template_policy.get_mut("Statement") {
        if let Some(last) = all.last_mut() {
            last["Resource"] = json!([
                {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${Bucket}", {"Bucket": name}]},
                {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${Bucket}/*", {"Bucket": name}]},
            ]);
        }
    }
    let undo = match before {
        Some(doc) => Call::new(
            "s3",
            "PutBucketPolicy",
            json!({"Bucket": name, "Policy": serde_json::to_string(&canonical(doc.clone())).unwrap_or_default()}),
        ),
        None => Call::new("s3", "DeleteBucketPolicy", json!({"Bucket": name})),
    };
    let alias = provider_alias(region);
    let tf = logical_id("bucket_policy_", &bucket.arn);
    let cfn = logical_id("RampartBucketPolicy", &bucket.arn);
    Ok(vec![Step::new(
        META.id,
        &bucket.arn,
        region,
        risk,
        risk_reason,
        vec![Call::new(
            "s3",
            "PutBucketPolicy",
            json!({"Bucket": name, "Policy": text}),
        )],
    )
    .states(
        json!({"Policy": before}),
        json!({"Policy": policy}),
    )
    .cli(&[&["aws", "s3api", "put-bucket-policy", "--region", region, "--bucket", name, "--policy", &text]])
    .cloudformation(json!({cfn: {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": name, "PolicyDocument": template_policy}}}))
    .terraform(format!(
        "resource \"aws_s3_bucket_policy\" \"{tf}\" {{\n  provider = aws.{alias}\n  bucket   = {}\n  policy   = {}\n}}\n",
        hcl_string(name),
        hcl_string(&text)
    ))
    .undo(match before {
        Some(_) => format!(
            "put the `before` policy back with aws s3api put-bucket-policy --bucket {name}; \
             nothing is lost"
        ),
        None => format!("aws s3api delete-bucket-policy --bucket {name}; nothing is lost"),
    })
    .undo_calls(vec![undo])])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::s3::testing::{bucket, set_buckets};
    use rampart_inventory::Bucket;
    use serde_json::json;

    fn with_policy(name: &str, policy: Value) -> Bucket {
        Bucket {
            policy: Collected::Ok(Some(policy)),
            ..bucket(name)
        }
    }

    // CIS 3.1.1: a full deny passes (string or boolean false, `*` resources too); no policy,
    // a policy without the deny, a deny only on objects or only on GetObject, and a
    // TlsVersion deny alone fail.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        set_buckets(
            &mut fx,
            vec![
                bucket("https-only"),
                with_policy(
                    "bool-false",
                    json!({"Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"},
                        "Action": "*", "Resource": "arn:aws:s3:::bool-false*",
                        "Condition": {"Bool": {"aws:SecureTransport": false}}}]}),
                ),
                Bucket {
                    policy: Collected::Ok(None),
                    ..bucket("no-policy")
                },
                with_policy(
                    "no-deny",
                    json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::no-deny/*"}]}),
                ),
                with_policy(
                    "objects-only",
                    json!({"Statement": [{"Sid": "Tls", "Effect": "Deny", "Principal": "*",
                        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::objects-only/*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}),
                ),
                with_policy(
                    "tls-version",
                    json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                        "Resource": ["arn:aws:s3:::tls-version", "arn:aws:s3:::tls-version/*"],
                        "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}]}),
                ),
            ],
        );
        insta::assert_json_snapshot!("pass_fail", run_check(&CHECK, &fx.inv));
    }

    // IAM wildcards in resources.
    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", "arn:aws:s3:::b"));
        assert!(wildcard_match("arn:aws:s3:::b*", "arn:aws:s3:::b/x"));
        assert!(wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/x"));
        assert!(!wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
        assert!(wildcard_match("arn:aws:s3:::?", "arn:aws:s3:::b"));
        assert!(!wildcard_match("arn:aws:s3:::c", "arn:aws:s3:::b"));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::fixtures::{denied, Fixture};
    use crate::checks::s3::testing::{bucket, set_buckets};
    use crate::fix::{render, testing::assert_states, testing::plan_for, Call, Risk};
    use crate::Settings;
    use rampart_inventory::{Bucket, Collected};
    use serde_json::{json, Value};

    // Issue 14: a bucket whose policy lets one role read gets the deny statement added
    // beside that statement (kept as it was); a bucket without a policy gets a new one; a
    // bucket that already denies plain HTTP gets none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        let reader = json!({"Version": "2012-10-17", "Statement": {
            "Sid": "RampartDenyInsecureTransport", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}});
        set_buckets(
            &mut fx,
            vec![
                Bucket {
                    policy: Collected::Ok(Some(reader.clone())),
                    ..bucket("reports")
                },
                Bucket {
                    policy: Collected::Ok(None),
                    ..bucket("bare")
                },
                bucket("compliant"),
            ],
        );
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        let reports = plan
            .steps
            .iter()
            .find(|s| s.resource.ends_with("reports"))
            .unwrap();
        assert_eq!(reports.risk, Risk::Safe);
        let statements = reports.after["Policy"]["Statement"].as_array().unwrap();
        assert_eq!(statements[0], reader["Statement"]);
        // The reader's Sid was taken: the new statement gets the next free one.
        assert_eq!(statements[1]["Sid"], "RampartDenyInsecureTransport2");
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: the state is the bucket's policy: as the snapshot holds it before, and as
    // S3 returns the written policy after. Undo writes the old policy back, or deletes the
    // policy a bucket did not have.
    #[test]
    fn fix_states_and_undo() {
        let mut fx = Fixture::new();
        let reader = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Read",
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]});
        set_buckets(
            &mut fx,
            vec![
                Bucket {
                    policy: Collected::Ok(Some(reader.clone())),
                    ..bucket("reports")
                },
                Bucket {
                    policy: Collected::Ok(None),
                    ..bucket("bare")
                },
            ],
        );
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2);
        // A rescan reads back the policy each PutBucketPolicy wrote.
        let mut fixed = Fixture::new();
        let written = |name: &str| -> Value {
            let step = plan
                .steps
                .iter()
                .find(|s| s.resource.ends_with(name))
                .unwrap();
            serde_json::from_str(step.calls[0].params["Policy"].as_str().unwrap()).unwrap()
        };
        set_buckets(
            &mut fixed,
            vec![
                Bucket {
                    policy: Collected::Ok(Some(written("reports"))),
                    ..bucket("reports")
                },
                Bucket {
                    policy: Collected::Ok(Some(written("bare"))),
                    ..bucket("bare")
                },
            ],
        );
        for step in &plan.steps {
            assert_states(&Settings::default(), &fx.inv, &fixed.inv, step);
        }
        let undo = |name: &str| {
            let step = plan
                .steps
                .iter()
                .find(|s| s.resource.ends_with(name))
                .unwrap();
            step.undo_calls.clone()
        };
        assert_eq!(undo("reports").len(), 1);
        assert_eq!(undo("reports")[0].operation, "PutBucketPolicy");
        let restored: Value =
            serde_json::from_str(undo("reports")[0].params["Policy"].as_str().unwrap()).unwrap();
        assert_eq!(restored, reader);
        assert_eq!(
            undo("bare"),
            [Call::new(
                "s3",
                "DeleteBucketPolicy",
                json!({"Bucket": "bare"})
            )]
        );
    }

    // Issue 14: a bucket that serves a public website is read over plain HTTP (the website
    // endpoint has no HTTPS): disruptive.
    #[test]
    fn fix_website_bucket_is_disruptive() {
        let mut fx = Fixture::new();
        let site = json!({"Statement": [{"Sid": "PublicRead", "Effect": "Allow",
            "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}]});
        set_buckets(
            &mut fx,
            vec![Bucket {
                policy: Collected::Ok(Some(site)),
                ..bucket("site")
            }],
        );
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps[0].risk, Risk::Disruptive);
        assert!(plan.steps[0].risk_reason.contains("plain HTTP"));
    }

    // Issue 14: the ACL decides the risk too; unread, the step is not planned.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        set_buckets(
            &mut fx,
            vec![Bucket {
                policy: Collected::Ok(None),
                acl_grants: Collected::Missing(denied("s3:GetBucketAcl")),
                ..bucket("unread")
            }],
        );
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0].reason.contains("s3:GetBucketAcl"));
    }
}
