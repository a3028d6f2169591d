//! Typed IAM policy documents: the JSON of an identity, resource, trust, boundary, SCP or
//! RCP policy read once into statements whose every element has been checked, so that
//! evaluation never meets a malformed value. A document IAM would refuse is an error that
//! names the place (`Statement[2].Condition`), never an empty (harmless) policy.

use serde::Serialize;
use serde_json::{Map, Value};

/// Why a policy document could not be read: the place in the document and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    /// Where: `document`, `Statement`, `Statement[2].Condition.StringEquals`, ...
    pub place: String,
    /// What is wrong there.
    pub message: String,
}

impl DocumentError {
    fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        DocumentError {
            place: place.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// A statement's `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

impl std::fmt::Display for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// One pair of positive and negative elements: `Action`/`NotAction` or
/// `Resource`/`NotResource`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Elements {
    /// The positive element: the statement applies to the values these patterns match.
    Listed(Vec<String>),
    /// The negative element: the statement applies to every value these patterns do not
    /// match.
    AllExcept(Vec<String>),
    /// Neither element (trust and some resource policies have no `Resource`): the
    /// statement applies to the resource the policy is attached to.
    Absent,
}

impl Elements {
    /// Whether the element applies to every value: a positive element with a pattern made
    /// only of `*` (or `*:*` for actions), or a negative element that excludes nothing.
    pub fn covers_everything(&self) -> bool {
        match self {
            Elements::Listed(patterns) => patterns.iter().any(|p| pattern_covers_everything(p)),
            Elements::AllExcept(patterns) => patterns.is_empty(),
            Elements::Absent => true,
        }
    }
}

/// Whether a pattern matches every action or resource: only `*` characters, or `*:*`.
pub(crate) fn pattern_covers_everything(pattern: &str) -> bool {
    pattern.chars().all(|c| c == '*') && !pattern.is_empty() || pattern == "*:*"
}

/// The principals a `Principal` or `NotPrincipal` element names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Principals {
    /// `"*"` or `{"AWS": "*"}`: everyone.
    pub everyone: bool,
    /// `AWS` values: account ids, root, user, role and assumed-role ARNs, unique ids.
    pub aws: Vec<String>,
    /// `Service` values (`ec2.amazonaws.com`).
    pub service: Vec<String>,
    /// `Federated` values.
    pub federated: Vec<String>,
    /// `CanonicalUser` values.
    pub canonical_user: Vec<String>,
}

/// A statement's principal element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalElement {
    /// No principal element (identity policies, SCPs, boundaries).
    Absent,
    /// `Principal`: the statement applies to these principals.
    Principal(Principals),
    /// `NotPrincipal`: the statement applies to every principal except these.
    NotPrincipal(Principals),
}

/// One condition: an operator, a condition key, and the policy's values for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionClause {
    /// The operator as written (`StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`).
    pub operator: String,
    /// The condition key as written (`aws:SourceIp`); keys compare case-insensitively.
    pub key: String,
    /// The values, numbers and booleans written as strings.
    pub values: Vec<String>,
}

/// One statement, its elements checked but not expanded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// 0-based position in the `Statement` array (0 when `Statement` is one object).
    pub index: usize,
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action` or `NotAction` (never [`Elements::Absent`]).
    pub action: Elements,
    /// `Resource` or `NotResource`.
    pub resource: Elements,
    /// `Principal` or `NotPrincipal`.
    pub principal: PrincipalElement,
    /// Every operator/key pair of `Condition`, in document order. All must hold.
    pub conditions: Vec<ConditionClause>,
}

/// A policy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    /// `Version`, when present.
    pub version: Option<String>,
    /// The statements.
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// Reads a document, checking every element evaluation reads.
    pub fn parse(document: &Value) -> Result<Self, DocumentError> {
        let doc = match document {
            Value::Object(doc) => doc,
            Value::Null => return Err(DocumentError::new("document", "the document is missing")),
            other => {
                return Err(DocumentError::new(
                    "document",
                    format!("is a JSON {}, not an object", json_kind(other)),
                ))
            }
        };
        let version = match doc.get("Version") {
            None => None,
            Some(Value::String(v)) => Some(v.clone()),
            Some(other) => {
                return Err(DocumentError::new(
                    "Version",
                    format!("is a JSON {}, not a string", json_kind(other)),
                ))
            }
        };
        let raw: Vec<&Value> = match doc.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            Some(other) => {
                return Err(DocumentError::new(
                    "Statement",
                    format!("is a JSON {}, not an object or an array", json_kind(other)),
                ))
            }
            None => return Err(DocumentError::new("Statement", "missing")),
        };
        let statements = raw
            .into_iter()
            .enumerate()
            .map(|(i, v)| statement(i, v))
            .collect::<Result<_, _>>()?;
        Ok(PolicyDocument {
            version,
            statements,
        })
    }

    /// Whether policy variables (`${aws:username}`) are substituted: only in documents of
    /// version `2012-10-17`; in others (`2008-10-17`, or no `Version`) they are literal text.
    pub fn variables_enabled(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }
}

fn statement(index: usize, value: &Value) -> Result<Statement, DocumentError> {
    let here = format!("Statement[{index}]");
    let Value::Object(st) = value else {
        return Err(DocumentError::new(
            here,
            format!("is a JSON {}, not an object", json_kind(value)),
        ));
    };
    let sid = match st.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(DocumentError::new(
                format!("{here}.Sid"),
                format!("is a JSON {}, not a string", json_kind(other)),
            ))
        }
    };
    let effect = match st.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        Some(Value::String(s)) => {
            return Err(DocumentError::new(
                format!("{here}.Effect"),
                format!("{s:?} is not \"Allow\" or \"Deny\""),
            ))
        }
        Some(other) => {
            return Err(DocumentError::new(
                format!("{here}.Effect"),
                format!("is a JSON {}, not a string", json_kind(other)),
            ))
        }
        None => return Err(DocumentError::new(here, "has no Effect")),
    };
    let action = elements(st, &here, "Action", "NotAction")?;
    if action == Elements::Absent {
        return Err(DocumentError::new(here, "has neither Action nor NotAction"));
    }
    let (Elements::Listed(actions) | Elements::AllExcept(actions)) = &action else {
        unreachable!("checked above")
    };
    let action_key = if matches!(action, Elements::Listed(_)) {
        "Action"
    } else {
        "NotAction"
    };
    for (i, a) in actions.iter().enumerate() {
        if !pattern_covers_everything(a) && !a.contains(':') {
            return Err(DocumentError::new(
                format!("{here}.{action_key}[{i}]"),
                format!("{a:?} is not \"*\" or \"service:action\""),
            ));
        }
    }
    let resource = elements(st, &here, "Resource", "NotResource")?;
    let principal = match (st.get("Principal"), st.get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            return Err(DocumentError::new(
                here,
                "has both Principal and NotPrincipal",
            ))
        }
        (Some(p), None) => {
            PrincipalElement::Principal(principals(p, &format!("{here}.Principal"))?)
        }
        (None, Some(p)) => {
            PrincipalElement::NotPrincipal(principals(p, &format!("{here}.NotPrincipal"))?)
        }
        (None, None) => PrincipalElement::Absent,
    };
    let conditions = match st.get("Condition") {
        None => Vec::new(),
        Some(Value::Object(block)) => conditions(block, &format!("{here}.Condition"))?,
        Some(other) => {
            return Err(DocumentError::new(
                format!("{here}.Condition"),
                format!("is a JSON {}, not an object", json_kind(other)),
            ))
        }
    };
    Ok(Statement {
        index,
        sid,
        effect,
        action,
        resource,
        principal,
        conditions,
    })
}

fn strings(value: &Value, place: &str) -> Result<Vec<String>, DocumentError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(DocumentError::new(
                    format!("{place}[{i}]"),
                    format!("is a JSON {}, not a string", json_kind(other)),
                )),
            })
            .collect(),
        other => Err(DocumentError::new(
            place,
            format!(
                "is a JSON {}, not a string or an array of strings",
                json_kind(other)
            ),
        )),
    }
}

fn elements(
    st: &Map<String, Value>,
    here: &str,
    positive: &str,
    negative: &str,
) -> Result<Elements, DocumentError> {
    match (st.get(positive), st.get(negative)) {
        (Some(_), Some(_)) => Err(DocumentError::new(
            here,
            format!("has both {positive} and {negative}"),
        )),
        (Some(v), None) => Ok(Elements::Listed(strings(v, &format!("{here}.{positive}"))?)),
        (None, Some(v)) => Ok(Elements::AllExcept(strings(
            v,
            &format!("{here}.{negative}"),
        )?)),
        (None, None) => Ok(Elements::Absent),
    }
}

fn principals(value: &Value, place: &str) -> Result<Principals, DocumentError> {
    let mut out = Principals::default();
    match value {
        Value::String(s) if s == "*" => out.everyone = true,
        Value::Object(map) => {
            for (kind, v) in map {
                let values = strings(v, &format!("{place}.{kind}"))?;
                let list = match kind.as_str() {
                    "AWS" => &mut out.aws,
                    "Service" => &mut out.service,
                    "Federated" => &mut out.federated,
                    "CanonicalUser" => &mut out.canonical_user,
                    other => {
                        return Err(DocumentError::new(
                            place,
                            format!(
                                "unknown principal type {other:?} (AWS, Service, Federated or CanonicalUser)"
                            ),
                        ))
                    }
                };
                if kind == "AWS" && values.iter().any(|v| v == "*") {
                    out.everyone = true;
                }
                list.extend(values);
            }
        }
        Value::String(s) => {
            return Err(DocumentError::new(
                place,
                format!("{s:?} is not \"*\" or an object of principal types"),
            ))
        }
        other => {
            return Err(DocumentError::new(
                place,
                format!("is a JSON {}, not \"*\" or an object", json_kind(other)),
            ))
        }
    }
    Ok(out)
}

fn conditions(
    block: &Map<String, Value>,
    place: &str,
) -> Result<Vec<ConditionClause>, DocumentError> {
    let mut out = Vec::new();
    for (operator, keys) in block {
        let here = format!("{place}.{operator}");
        let Value::Object(keys) = keys else {
            return Err(DocumentError::new(
                here,
                format!(
                    "is a JSON {}, not an object of condition keys",
                    json_kind(keys)
                ),
            ));
        };
        for (key, values) in keys {
            let at = format!("{here}.{key}");
            let scalar = |v: &Value, at: &str| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Number(n) => Ok(n.to_string()),
                other => Err(DocumentError::new(
                    at,
                    format!(
                        "is a JSON {}, not a string, number or boolean",
                        json_kind(other)
                    ),
                )),
            };
            let values = match values {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| scalar(v, &format!("{at}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?,
                one => vec![scalar(one, &at)?],
            };
            out.push(ConditionClause {
                operator: operator.clone(),
                key: key.clone(),
                values,
            });
        }
    }
    Ok(out)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // IAM JSON policy grammar (IAM User Guide, "Grammar of the IAM JSON policy language"):
    // `Statement` may be one object or an array; values may be a string or an array.
    #[test]
    fn single_statement_and_arrays() {
        let one = PolicyDocument::parse(&json!({"Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}))
        .unwrap();
        assert_eq!(one.statements.len(), 1);
        assert_eq!(one.statements[0].index, 0);
        assert!(one.variables_enabled());
        let many = PolicyDocument::parse(&json!({"Statement": [
            {"Sid": "A", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": []},
            {"Effect": "Allow", "Action": "*", "Principal": {"AWS": ["111122223333", "*"]},
             "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:max-keys": [10, 20]}}}
        ]}))
        .unwrap();
        assert!(!many.variables_enabled());
        let s = &many.statements;
        assert_eq!(s[0].sid.as_deref(), Some("A"));
        assert_eq!(
            s[0].action,
            Elements::AllExcept(vec!["iam:*".into(), "sts:*".into()])
        );
        assert_eq!(s[0].resource, Elements::AllExcept(vec![]));
        assert_eq!(s[1].resource, Elements::Absent);
        let PrincipalElement::Principal(p) = &s[1].principal else {
            panic!("principal")
        };
        assert!(p.everyone);
        assert_eq!(p.aws, ["111122223333", "*"]);
        assert_eq!(s[1].conditions.len(), 2);
        assert_eq!(s[1].conditions[0].values, ["false"]);
        assert_eq!(s[1].conditions[1].values, ["10", "20"]);
    }

    // A document IAM would refuse is an error naming the place, never an empty policy.
    #[test]
    fn malformed_documents_name_the_place() {
        let cases = [
            (Value::Null, "document: the document is missing"),
            (json!([]), "document: is a JSON array, not an object"),
            (json!({"Version": "x"}), "Statement: missing"),
            (
                json!({"Statement": "x"}),
                "Statement: is a JSON string, not an object or an array",
            ),
            (
                json!({"Statement": [1]}),
                "Statement[0]: is a JSON number, not an object",
            ),
            (
                json!({"Statement": [{"Action": "*"}]}),
                "Statement[0]: has no Effect",
            ),
            (
                json!({"Statement": [{"Effect": "allow", "Action": "*"}]}),
                "Statement[0].Effect: \"allow\" is not \"Allow\" or \"Deny\"",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]}),
                "Statement[0]: has both Action and NotAction",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
                "Statement[0]: has neither Action nor NotAction",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", 1]}]}),
                "Statement[0].Action[1]: is a JSON number, not a string",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "GetObject"}]}),
                "Statement[0].Action[0]: \"GetObject\" is not \"*\" or \"service:action\"",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": 3}]}),
                "Statement[0].Resource: is a JSON number, not a string or an array of strings",
            ),
            (
                json!({"Statement": [{}, {"Effect": "Allow", "Action": "*", "Condition": []}]}),
                "Statement[0]: has no Effect",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*"}, {"Effect": "Allow", "Action": "*", "Condition": []}]}),
                "Statement[1].Condition: is a JSON array, not an object",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": "x"}}]}),
                "Statement[0].Condition.StringEquals: is a JSON string, not an object of condition keys",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"k": {"a": 1}}}}]}),
                "Statement[0].Condition.StringEquals.k: is a JSON object, not a string, number or boolean",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "me"}]}),
                "Statement[0].Principal: \"me\" is not \"*\" or an object of principal types",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"User": "x"}}]}),
                "Statement[0].Principal: unknown principal type \"User\" (AWS, Service, Federated or CanonicalUser)",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "*", "NotPrincipal": {"AWS": "1"}}]}),
                "Statement[0]: has both Principal and NotPrincipal",
            ),
        ];
        for (doc, want) in cases {
            assert_eq!(
                PolicyDocument::parse(&doc).unwrap_err().to_string(),
                want,
                "document {doc}"
            );
        }
    }

    #[test]
    fn covers_everything() {
        assert!(Elements::Listed(vec!["s3:*".into(), "*".into()]).covers_everything());
        assert!(Elements::Listed(vec!["*:*".into()]).covers_everything());
        assert!(!Elements::Listed(vec!["s3:*".into()]).covers_everything());
        assert!(Elements::AllExcept(vec![]).covers_everything());
        assert!(!Elements::AllExcept(vec!["iam:*".into()]).covers_everything());
    }
}
