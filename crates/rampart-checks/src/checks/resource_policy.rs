//! Resource policies open to everyone: the statements of an S3 bucket, KMS key, EFS, SNS
//! topic or Lambda function policy (or a role's trust policy) that allow `Principal: "*"`
//! without a condition that narrows who can use them. CIS 2.21 and the per-service
//! "public policy" checks read policies through this module so that they agree.

use super::iam::policy_document::{statements, string_or_array, DocumentError, Effect, Statement};
use serde_json::Value;

/// Condition keys that tie a statement to known accounts, organizations, networks or
/// calling services: a statement limited by one of them is not open to everyone.
const NARROWING_KEYS: &[&str] = &[
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:resourceorgid",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "aws:username",
    "kms:calleraccount",
    "kms:viaservice",
    "lambda:functionurlauthtype",
    "sts:externalid",
    "elasticfilesystem:accesspointarn",
    "s3:dataaccesspointaccount",
];

/// A statement that allows everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicGrant {
    /// How a finding names the statement (`statement 2 ("Public")`).
    pub statement: String,
    /// The actions it allows, as written (`*` for all), or `all actions except ...`.
    pub actions: String,
}

/// Whether a `Principal` element names everyone: `"*"`, `{"AWS": "*"}` (alone or in a list)
/// or a `CanonicalUser`/`Federated` of `*`.
pub fn principal_is_everyone(principal: &Value) -> bool {
    match principal {
        Value::String(s) => s == "*",
        Value::Object(map) => map
            .values()
            .any(|v| string_or_array(v).is_some_and(|items| items.contains(&"*"))),
        _ => false,
    }
}

/// Whether a statement's condition narrows who may use it (see [`NARROWING_KEYS`]). A
/// `Bool` condition on `aws:SecureTransport` alone narrows nothing.
pub fn condition_narrows(statement: &Statement<'_>) -> bool {
    let Some(condition) = statement.condition else {
        return false;
    };
    condition.iter().any(|(operator, keys)| {
        let negated = operator.starts_with("StringNotEquals")
            || operator.starts_with("StringNotLike")
            || operator.starts_with("ArnNotEquals")
            || operator.starts_with("ArnNotLike")
            || operator.starts_with("NotIpAddress");
        !negated
            && keys.as_object().is_some_and(|k| {
                k.keys()
                    .any(|key| NARROWING_KEYS.contains(&key.to_ascii_lowercase().as_str()))
            })
    })
}

/// The `Allow` statements of a resource policy that grant access to everyone without a
/// narrowing condition.
pub fn public_grants(document: &Value) -> Result<Vec<PublicGrant>, DocumentError> {
    let mut grants = Vec::new();
    for s in statements(document)? {
        if s.effect != Effect::Allow {
            continue;
        }
        let everyone = match (s.principal, s.not_principal) {
            (Some(p), _) => principal_is_everyone(p),
            // `Allow` with `NotPrincipal` allows everyone but the listed principals.
            (None, Some(_)) => true,
            (None, None) => false,
        };
        if !everyone || condition_narrows(&s) {
            continue;
        }
        let actions = match &s.action {
            super::iam::policy_document::Elements::Listed(a) => a.join(", "),
            super::iam::policy_document::Elements::AllExcept(a) => {
                format!("all actions except {}", a.join(", "))
            }
            super::iam::policy_document::Elements::Absent => "no action".to_owned(),
        };
        grants.push(PublicGrant {
            statement: s.label(),
            actions,
        });
    }
    Ok(grants)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // CIS 2.21: `Principal: "*"` and `{"AWS": "*"}` are public; an account principal is not;
    // a source-account or organization condition narrows a wildcard principal; a
    // SecureTransport condition does not; Deny statements never grant.
    #[test]
    fn public_statements() {
        let doc = json!({"Statement": [
            {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]}, "Action": ["sqs:*"], "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*",
             "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"}}},
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-123"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}
        ]});
        let grants = public_grants(&doc).unwrap();
        let labels: Vec<&str> = grants.iter().map(|g| g.statement.as_str()).collect();
        assert_eq!(
            labels,
            [
                "statement 1 (\"Open\")",
                "statement 2",
                "statement 5",
                "statement 6"
            ]
        );
        assert_eq!(grants[1].actions, "sqs:*");
        assert!(public_grants(&json!({"Statement": "x"})).is_err());
    }
}
