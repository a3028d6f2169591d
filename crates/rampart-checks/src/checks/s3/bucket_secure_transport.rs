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
