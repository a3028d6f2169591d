//! Reading IAM policy documents: the statements of a document, and the elements that IAM lets
//! a policy write either as one string or as an array of strings. Checks that judge what a
//! policy grants (administrator access, privilege escalation, trust policies) read documents
//! through this module, so that they all agree on what a document says.

use serde_json::{Map, Value};

/// Why a policy document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError(String);

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DocumentError {}

/// A statement's `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

/// What a statement says with one pair of positive and negative elements: `Action` and
/// `NotAction`, or `Resource` and `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elements<'a> {
    /// The positive element (`Action`, `Resource`): the statement applies to these values.
    Listed(Vec<&'a str>),
    /// The negative element (`NotAction`, `NotResource`): the statement applies to every
    /// value except these.
    AllExcept(Vec<&'a str>),
    /// Neither element is present.
    Absent,
}

impl Elements<'_> {
    /// Whether the statement applies to every value: the positive element holds the wildcard
    /// `*`, or the negative element excludes nothing (an empty `NotAction` / `NotResource`).
    /// A negative element that excludes anything is never "everything", even though it may
    /// come close.
    pub fn covers_everything(&self) -> bool {
        match self {
            Elements::Listed(values) => values.contains(&"*"),
            Elements::AllExcept(values) => values.is_empty(),
            Elements::Absent => false,
        }
    }
}

impl Elements<'_> {
    /// Whether the statement applies to `action` (such as `iam:PassRole`): a listed pattern
    /// matches it, or a negative element does not exclude it. Patterns are IAM's: `*` and
    /// `?` wildcards, case-insensitive.
    pub fn allows(&self, action: &str) -> bool {
        match self {
            Elements::Listed(patterns) => patterns.iter().any(|p| wildcard_match(p, action)),
            Elements::AllExcept(patterns) => !patterns.iter().any(|p| wildcard_match(p, action)),
            Elements::Absent => false,
        }
    }
}

/// Whether an IAM pattern with `*` (any run of characters) and `?` (one character) matches
/// `value`, ignoring ASCII case, as IAM compares action names.
pub fn wildcard_match(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let v: Vec<char> = value.to_ascii_lowercase().chars().collect();
    // Iterative matching with backtracking to the last `*`.
    let (mut pi, mut vi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// One statement of a policy document, as written (no wildcard is expanded).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement<'a> {
    /// 1-based position in the document.
    pub position: usize,
    /// `Sid`, when it is a string.
    pub sid: Option<&'a str>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub action: Elements<'a>,
    /// `Resource` or `NotResource`.
    pub resource: Elements<'a>,
    /// `Principal`, as written (resource and trust policies only).
    pub principal: Option<&'a Value>,
    /// `NotPrincipal`, as written.
    pub not_principal: Option<&'a Value>,
    /// `Condition`: operator to condition keys and values.
    pub condition: Option<&'a Map<String, Value>>,
}

impl Statement<'_> {
    /// Whether the statement has a condition that limits it (an empty `Condition` object
    /// limits nothing).
    pub fn has_condition(&self) -> bool {
        self.condition.is_some_and(|c| !c.is_empty())
    }

    /// How a finding names the statement: `statement 2 ("AllowAll")`, or `statement 2`
    /// when it has no `Sid`.
    pub fn label(&self) -> String {
        match self.sid {
            Some(sid) if !sid.is_empty() => format!("statement {} ({sid:?})", self.position),
            _ => format!("statement {}", self.position),
        }
    }
}

/// The statements of a policy document, whose `Statement` may be one object or an array of
/// objects.
///
/// Fails when the document is not a JSON object, has no `Statement`, or a statement is not
/// one IAM would accept on the points this module reads: `Effect` must be `Allow` or `Deny`,
/// at most one of `Action`/`NotAction` and of `Resource`/`NotResource` may appear, each as a
/// string or an array of strings, and `Condition` must be an object.
pub fn statements(document: &Value) -> Result<Vec<Statement<'_>>, DocumentError> {
    let doc = match document {
        Value::Object(doc) => doc,
        Value::Null => return Err(DocumentError("the document is missing".into())),
        other => {
            return Err(DocumentError(format!(
                "the document is a JSON {}, not an object",
                json_kind(other)
            )))
        }
    };
    let raw: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        Some(other) => {
            return Err(DocumentError(format!(
                "`Statement` is a JSON {}, not an object or an array",
                json_kind(other)
            )))
        }
        None => return Err(DocumentError("the document has no `Statement`".into())),
    };
    raw.into_iter()
        .enumerate()
        .map(|(i, value)| statement(i + 1, value))
        .collect()
}

/// The strings of an element that IAM accepts as one string or an array of strings
/// (`Action`, `Resource`, a principal's `AWS`, a condition's values, ...). `None` when the
/// value is neither.
pub fn string_or_array(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

fn statement(position: usize, value: &Value) -> Result<Statement<'_>, DocumentError> {
    let at = |what: String| DocumentError(format!("statement {position}: {what}"));
    let Value::Object(st) = value else {
        return Err(at(format!("is a JSON {}, not an object", json_kind(value))));
    };
    let effect = match st.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(at(format!("unknown `Effect` {other:?}"))),
        None => return Err(at("no `Effect` string".into())),
    };
    let condition = match st.get("Condition") {
        None => None,
        Some(Value::Object(c)) => Some(c),
        Some(other) => {
            return Err(at(format!(
                "`Condition` is a JSON {}, not an object",
                json_kind(other)
            )))
        }
    };
    Ok(Statement {
        position,
        sid: st.get("Sid").and_then(Value::as_str),
        effect,
        action: elements(st, "Action", "NotAction").map_err(at)?,
        resource: elements(st, "Resource", "NotResource").map_err(at)?,
        principal: st.get("Principal"),
        not_principal: st.get("NotPrincipal"),
        condition,
    })
}

fn elements<'a>(
    st: &'a Map<String, Value>,
    positive: &str,
    negative: &str,
) -> Result<Elements<'a>, String> {
    let read = |key: &str, value: &'a Value| {
        string_or_array(value)
            .ok_or_else(|| format!("`{key}` is not a string or an array of strings"))
    };
    match (st.get(positive), st.get(negative)) {
        (Some(_), Some(_)) => Err(format!("both `{positive}` and `{negative}`")),
        (Some(v), None) => read(positive, v).map(Elements::Listed),
        (None, Some(v)) => read(negative, v).map(Elements::AllExcept),
        (None, None) => Ok(Elements::Absent),
    }
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

    // IAM grammar: `Statement` may be a single object.
    #[test]
    fn single_statement_object() {
        let doc = json!({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}
        });
        let st = statements(&doc).unwrap();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].position, 1);
        assert_eq!(st[0].effect, Effect::Allow);
        assert_eq!(st[0].action, Elements::Listed(vec!["*"]));
        assert_eq!(st[0].resource, Elements::Listed(vec!["*"]));
        assert!(!st[0].has_condition());
        assert_eq!(st[0].label(), "statement 1");
    }

    // IAM grammar: `Statement` may be an array; `Action` and `Resource` may be arrays;
    // `NotAction` / `NotResource` are the negative forms.
    #[test]
    fn statement_array_with_arrays_and_negative_elements() {
        let doc = json!({"Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
            {"Effect": "Deny", "NotAction": "iam:*", "NotResource": []}
        ]});
        let st = statements(&doc).unwrap();
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].sid, Some("Read"));
        assert_eq!(st[0].label(), "statement 1 (\"Read\")");
        assert_eq!(
            st[0].action,
            Elements::Listed(vec!["s3:GetObject", "s3:ListBucket"])
        );
        assert_eq!(st[1].position, 2);
        assert_eq!(st[1].effect, Effect::Deny);
        assert_eq!(st[1].action, Elements::AllExcept(vec!["iam:*"]));
        assert_eq!(st[1].resource, Elements::AllExcept(vec![]));
    }

    // CIS 2.14: "*" anywhere in `Action` covers every action; a `NotAction` that excludes
    // something does not; an empty `NotAction` excludes nothing.
    #[test]
    fn covers_everything() {
        assert!(Elements::Listed(vec!["s3:*", "*"]).covers_everything());
        assert!(!Elements::Listed(vec!["s3:*"]).covers_everything());
        assert!(!Elements::Listed(vec![]).covers_everything());
        assert!(!Elements::AllExcept(vec!["iam:*"]).covers_everything());
        assert!(Elements::AllExcept(vec![]).covers_everything());
        assert!(!Elements::Absent.covers_everything());
    }

    // An empty `Condition` object limits nothing; a non-empty one does.
    #[test]
    fn condition() {
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {}},
            {"Effect": "Allow", "Action": "*", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
        ]});
        let st = statements(&doc).unwrap();
        assert!(!st[0].has_condition());
        assert!(st[1].has_condition());
    }

    // Trust policies: `Principal` and `NotPrincipal` are kept as written.
    #[test]
    fn principal_kept_as_written() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "ec2.amazonaws.com"}}]});
        let st = statements(&doc).unwrap();
        assert_eq!(
            st[0].principal,
            Some(&json!({"Service": "ec2.amazonaws.com"}))
        );
        assert_eq!(st[0].not_principal, None);
        assert_eq!(st[0].resource, Elements::Absent);
    }

    // A document that cannot be read is an error, never an empty (harmless) policy.
    #[test]
    fn malformed_documents() {
        let cases = [
            (Value::Null, "the document is missing"),
            (json!("{}"), "the document is a JSON string, not an object"),
            (
                json!({"Version": "2012-10-17"}),
                "the document has no `Statement`",
            ),
            (
                json!({"Statement": "x"}),
                "`Statement` is a JSON string, not an object or an array",
            ),
            (
                json!({"Statement": [1]}),
                "statement 1: is a JSON number, not an object",
            ),
            (
                json!({"Statement": [{"Action": "*", "Resource": "*"}]}),
                "statement 1: no `Effect` string",
            ),
            (
                json!({"Statement": [{"Effect": "allow", "Action": "*"}]}),
                "statement 1: unknown `Effect` \"allow\"",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]}),
                "statement 1: both `Action` and `NotAction`",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": 3}]}),
                "statement 1: `Resource` is not a string or an array of strings",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": ["*", 1]}]}),
                "statement 1: `Action` is not a string or an array of strings",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": []}]}),
                "statement 1: `Condition` is a JSON array, not an object",
            ),
        ];
        for (doc, want) in cases {
            assert_eq!(
                statements(&doc).unwrap_err().to_string(),
                want,
                "document {doc}"
            );
        }
    }

    // IAM action matching: `*` and `?` wildcards, case-insensitive; NotAction allows what it
    // does not exclude.
    #[test]
    fn wildcards() {
        assert!(wildcard_match("iam:*", "iam:PassRole"));
        assert!(wildcard_match("IAM:put*", "iam:PutRolePolicy"));
        assert!(wildcard_match("iam:*Policy", "iam:AttachRolePolicy"));
        assert!(wildcard_match("iam:?assRole", "iam:PassRole"));
        assert!(wildcard_match("*", "s3:GetObject"));
        assert!(!wildcard_match("iam:Get*", "iam:PassRole"));
        assert!(!wildcard_match("iam:PassRol", "iam:PassRole"));
        assert!(!wildcard_match("iam:PassRolee", "iam:PassRole"));
        assert!(Elements::Listed(vec!["s3:*", "iam:Pass*"]).allows("iam:PassRole"));
        assert!(!Elements::Listed(vec!["s3:*"]).allows("iam:PassRole"));
        assert!(Elements::AllExcept(vec!["s3:*"]).allows("iam:PassRole"));
        assert!(!Elements::AllExcept(vec!["iam:*"]).allows("iam:PassRole"));
        assert!(!Elements::Absent.allows("iam:PassRole"));
    }

    // IAM grammar: a string or an array of strings, nothing else.
    #[test]
    fn string_or_array_values() {
        assert_eq!(string_or_array(&json!("a")), Some(vec!["a"]));
        assert_eq!(string_or_array(&json!(["a", "b"])), Some(vec!["a", "b"]));
        assert_eq!(string_or_array(&json!([])), Some(vec![]));
        assert_eq!(string_or_array(&json!(["a", null])), None);
        assert_eq!(string_or_array(&json!({"a": 1})), None);
    }
}
