//! Condition operators in three-valued logic: a condition holds, does not hold, or cannot be
//! decided because its key's value is not known (not in the [`crate::RequestContext`] and
//! not derivable from the principal) or its operator is not one IAM defines. Semantics follow
//! the IAM User Guide, "IAM JSON policy elements: Condition operators" and "Single-valued vs.
//! multivalued context keys".

use crate::document::ConditionClause;
use crate::pattern::{resolve, KeyValue, Resolved, TokPattern};
use chrono::{DateTime, NaiveDate, Utc};
use std::net::IpAddr;

/// A truth value that may be unknown (Kleene logic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Cannot be decided from what is known.
    Unknown,
}

impl Tri {
    pub(crate) fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    /// Kleene AND.
    pub(crate) fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    /// Kleene OR.
    pub(crate) fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }

    /// Kleene NOT.
    pub(crate) fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// The comparison an operator makes, without its qualifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(std::cmp::Ordering, bool),
    NumericEquals,
    Date(std::cmp::Ordering, bool),
    DateEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    Arn,
    Null,
}

/// A parsed condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Operator {
    base: Base,
    /// The `Not` forms (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, ...): true when no
    /// policy value matches.
    negated: bool,
    /// `...IfExists`: true when the key is absent.
    if_exists: bool,
    /// `ForAllValues:` / `ForAnyValue:`.
    set: SetQualifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    None,
    ForAll,
    ForAny,
}

fn parse_operator(name: &str) -> Option<Operator> {
    use std::cmp::Ordering::*;
    let (set, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
        (SetQualifier::ForAll, r)
    } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (SetQualifier::ForAny, r)
    } else {
        (SetQualifier::None, name)
    };
    let (if_exists, rest) = match rest.strip_suffix("IfExists") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let (base, negated) = match rest {
        "StringEquals" => (Base::StringEquals, false),
        "StringNotEquals" => (Base::StringEquals, true),
        "StringEqualsIgnoreCase" => (Base::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Base::StringEqualsIgnoreCase, true),
        "StringLike" => (Base::StringLike, false),
        "StringNotLike" => (Base::StringLike, true),
        "NumericEquals" => (Base::NumericEquals, false),
        "NumericNotEquals" => (Base::NumericEquals, true),
        "NumericLessThan" => (Base::Numeric(Less, false), false),
        "NumericLessThanEquals" => (Base::Numeric(Less, true), false),
        "NumericGreaterThan" => (Base::Numeric(Greater, false), false),
        "NumericGreaterThanEquals" => (Base::Numeric(Greater, true), false),
        "DateEquals" => (Base::DateEquals, false),
        "DateNotEquals" => (Base::DateEquals, true),
        "DateLessThan" => (Base::Date(Less, false), false),
        "DateLessThanEquals" => (Base::Date(Less, true), false),
        "DateGreaterThan" => (Base::Date(Greater, false), false),
        "DateGreaterThanEquals" => (Base::Date(Greater, true), false),
        "Bool" => (Base::Bool, false),
        "BinaryEquals" => (Base::BinaryEquals, false),
        "IpAddress" => (Base::IpAddress, false),
        "NotIpAddress" => (Base::IpAddress, true),
        "ArnEquals" | "ArnLike" => (Base::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Base::Arn, true),
        "Null" if !if_exists && set == SetQualifier::None => (Base::Null, false),
        _ => return None,
    };
    Some(Operator {
        base,
        negated,
        if_exists,
        set,
    })
}

/// What evaluating one condition clause gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClauseOutcome {
    /// Whether it holds.
    pub tri: Tri,
    /// Why it could not be decided, when that is not simply the key's unknown value (an
    /// unknown operator, an unresolvable policy variable).
    pub note: Option<String>,
}

/// Evaluates one clause. `value` is what is known of the clause's key; `lookup` resolves
/// policy variables in the policy's values when `variables` is true.
pub(crate) fn evaluate_clause(
    clause: &ConditionClause,
    value: &KeyValue,
    variables: bool,
    lookup: &dyn Fn(&str) -> KeyValue,
) -> ClauseOutcome {
    let Some(op) = parse_operator(&clause.operator) else {
        return ClauseOutcome {
            tri: Tri::Unknown,
            note: Some(format!(
                "condition operator {:?} is not one rampart knows: the condition is not decided",
                clause.operator
            )),
        };
    };
    let mut note = None;
    let tri = match value {
        KeyValue::Unknown => Tri::Unknown,
        KeyValue::Absent => match (op.base, op.set) {
            // "Null": true means the key must be absent.
            (Base::Null, _) => any_null(&clause.values, true),
            // "ForAllValues ... returns true if there's no context key in the request".
            (_, SetQualifier::ForAll) => Tri::True,
            // "ForAnyValue ... If there is no matching context key ... returns false".
            (_, SetQualifier::ForAny) => Tri::False,
            _ if op.if_exists => Tri::True,
            // "If the key ... is not present in the request context, the values do not
            // match and the condition is false"; for the Not forms the condition is true.
            _ => Tri::from_bool(op.negated),
        },
        KeyValue::Known(values) => {
            if op.base == Base::Null {
                any_null(&clause.values, false)
            } else {
                let policy = PolicyValues::new(op.base, &clause.values, variables, lookup);
                if let Some(key) = &policy.unknown_variable {
                    note = Some(format!(
                        "policy variable ${{{key}}} in the values of {} {} is not known",
                        clause.operator, clause.key
                    ));
                }
                let one = |v: &str| {
                    let m = policy.matches(op.base, v);
                    if op.negated {
                        m.not()
                    } else {
                        m
                    }
                };
                match op.set {
                    SetQualifier::ForAll => values.iter().fold(Tri::True, |acc, v| acc.and(one(v))),
                    // Without a qualifier a key with several values holds when one does.
                    SetQualifier::ForAny | SetQualifier::None => {
                        values.iter().fold(Tri::False, |acc, v| acc.or(one(v)))
                    }
                }
            }
        }
    };
    ClauseOutcome { tri, note }
}

/// `Null`: whether the policy values say `true` (key absent) or `false` (key present), given
/// whether the key is absent.
fn any_null(values: &[String], absent: bool) -> Tri {
    Tri::from_bool(values.iter().any(|v| {
        let want_absent = v.eq_ignore_ascii_case("true");
        want_absent == absent
    }))
}

/// A clause's policy values, compiled for its operator.
struct PolicyValues {
    /// Strings as written (or with variables replaced).
    literal: Vec<String>,
    /// Patterns for `StringLike` and `Arn*`.
    patterns: Vec<TokPattern>,
    /// Some value's variable is unknown: a value that does not match may yet match.
    unknown_variable: Option<String>,
}

impl PolicyValues {
    fn new(
        base: Base,
        values: &[String],
        variables: bool,
        lookup: &dyn Fn(&str) -> KeyValue,
    ) -> Self {
        // Policy variables apply to string and ARN operators only ("IAM policy elements:
        // Variables and tags", "Where you can use policy variables").
        let takes_variables = variables
            && matches!(
                base,
                Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike | Base::Arn
            );
        let mut out = PolicyValues {
            literal: Vec::new(),
            patterns: Vec::new(),
            unknown_variable: None,
        };
        for v in values {
            match resolve(v, takes_variables, lookup) {
                Resolved::Pattern(p) => {
                    out.literal.push(p.literal());
                    out.patterns.push(p);
                }
                Resolved::NoMatch => {}
                Resolved::Unknown(key) => out.unknown_variable = Some(key),
            }
        }
        out
    }

    /// Whether some policy value matches the request value `v` (the positive form).
    fn matches(&self, base: Base, v: &str) -> Tri {
        let found = match base {
            Base::StringEquals | Base::BinaryEquals => self.literal.iter().any(|p| p == v),
            Base::StringEqualsIgnoreCase => self
                .literal
                .iter()
                .any(|p| p.to_lowercase() == v.to_lowercase()),
            Base::StringLike => self.patterns.iter().any(|p| p.matches(v, false)),
            Base::Arn => self.patterns.iter().any(|p| p.matches_arn(v)),
            Base::Bool => self.literal.iter().any(|p| {
                p.eq_ignore_ascii_case(v)
                    && (v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"))
            }),
            Base::NumericEquals => number(v).is_some_and(|n| {
                self.literal
                    .iter()
                    .filter_map(|p| number(p))
                    .any(|p| p == n)
            }),
            Base::Numeric(ord, or_equal) => number(v).is_some_and(|n| {
                self.literal.iter().filter_map(|p| number(p)).any(|p| {
                    n.partial_cmp(&p)
                        .is_some_and(|c| c == ord || or_equal && c == std::cmp::Ordering::Equal)
                })
            }),
            Base::DateEquals => {
                date(v).is_some_and(|d| self.literal.iter().filter_map(|p| date(p)).any(|p| p == d))
            }
            Base::Date(ord, or_equal) => date(v).is_some_and(|d| {
                self.literal.iter().filter_map(|p| date(p)).any(|p| {
                    let c = d.cmp(&p);
                    c == ord || or_equal && c == std::cmp::Ordering::Equal
                })
            }),
            Base::IpAddress => {
                ip(v).is_some_and(|addr| self.literal.iter().any(|cidr| in_cidr(addr, cidr)))
            }
            Base::Null => unreachable!("Null is decided on presence"),
        };
        if found {
            Tri::True
        } else if self.unknown_variable.is_some() {
            Tri::Unknown
        } else {
            Tri::False
        }
    }
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

/// A date as IAM's Date operators read it: ISO 8601 (`2026-01-01T00:00:00Z`, or a day) or
/// seconds since the epoch.
fn date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc());
    }
    s.parse::<i64>()
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

fn ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse().ok().or_else(|| {
        // A request value written as a /32 or /128 network.
        s.split_once('/').and_then(|(a, _)| a.parse().ok())
    })
}

/// Whether `addr` is in the CIDR block `cidr` (`203.0.113.0/24`, `2001:db8::/32`, or one
/// address).
pub(crate) fn in_cidr(addr: IpAddr, cidr: &str) -> bool {
    let (net, bits) = match cidr.trim().split_once('/') {
        Some((n, b)) => match b.parse::<u32>() {
            Ok(b) => (n, Some(b)),
            Err(_) => return false,
        },
        None => (cidr.trim(), None),
    };
    let Ok(net) = net.parse::<IpAddr>() else {
        return false;
    };
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32);
            if bits > 32 {
                return false;
            }
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128);
            if bits > 128 {
                return false;
            }
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(op: &str, key: &str, values: &[&str]) -> ConditionClause {
        ConditionClause {
            operator: op.into(),
            key: key.into(),
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn eval(op: &str, values: &[&str], request: &KeyValue) -> Tri {
        let lookup = |k: &str| match k {
            "aws:username" => KeyValue::Known(vec!["alice".into()]),
            _ => KeyValue::Unknown,
        };
        evaluate_clause(&clause(op, "k", values), request, true, &lookup).tri
    }

    fn known(v: &[&str]) -> KeyValue {
        KeyValue::Known(v.iter().map(|s| s.to_string()).collect())
    }

    // "IAM JSON policy elements: Condition operators", "Numeric condition operators", "Date
    // condition operators", "Boolean", "Binary", "IP address", "Amazon Resource Name".
    #[test]
    fn operators_true_false() {
        let cases: &[(&str, &[&str], &[&str], Tri)] = &[
            ("NumericLessThan", &["10"], &["9"], Tri::True),
            ("NumericLessThan", &["10"], &["10"], Tri::False),
            ("NumericLessThanEquals", &["10"], &["10"], Tri::True),
            ("NumericGreaterThan", &["10"], &["10.5"], Tri::True),
            ("NumericGreaterThanEquals", &["10"], &["9"], Tri::False),
            ("NumericEquals", &["10"], &["10.0"], Tri::True),
            ("NumericNotEquals", &["10"], &["10"], Tri::False),
            ("NumericEquals", &["10"], &["ten"], Tri::False),
            (
                "DateLessThan",
                &["2026-01-01T00:00:00Z"],
                &["2025-12-31T23:59:59Z"],
                Tri::True,
            ),
            (
                "DateGreaterThan",
                &["2026-01-01T00:00:00Z"],
                &["2025-12-31T23:59:59Z"],
                Tri::False,
            ),
            ("DateEquals", &["2026-01-01"], &["1767225600"], Tri::True),
            (
                "DateNotEquals",
                &["2026-01-01"],
                &["2026-01-01T00:00:00Z"],
                Tri::False,
            ),
            (
                "DateLessThanEquals",
                &["2026-01-01"],
                &["2026-01-01T00:00:00Z"],
                Tri::True,
            ),
            (
                "DateGreaterThanEquals",
                &["2026-01-01"],
                &["2025-06-01"],
                Tri::False,
            ),
            ("Bool", &["true"], &["true"], Tri::True),
            ("Bool", &["true"], &["false"], Tri::False),
            ("BinaryEquals", &["QmluYXJ5"], &["QmluYXJ5"], Tri::True),
            ("BinaryEquals", &["QmluYXJ5"], &["QmluYXJ6"], Tri::False),
            (
                "IpAddress",
                &["203.0.113.0/24"],
                &["203.0.113.7"],
                Tri::True,
            ),
            (
                "IpAddress",
                &["203.0.113.0/24"],
                &["203.0.114.7"],
                Tri::False,
            ),
            (
                "NotIpAddress",
                &["203.0.113.0/24"],
                &["198.51.100.1"],
                Tri::True,
            ),
            (
                "IpAddress",
                &["2001:db8::/32"],
                &["2001:db8:1::1"],
                Tri::True,
            ),
            (
                "IpAddress",
                &["2001:db8::/32"],
                &["2001:db9::1"],
                Tri::False,
            ),
            (
                "IpAddress",
                &["203.0.113.0/24"],
                &["2001:db8::1"],
                Tri::False,
            ),
            ("StringEquals", &["Prod"], &["prod"], Tri::False),
            ("StringEqualsIgnoreCase", &["Prod"], &["prod"], Tri::True),
            (
                "StringNotEqualsIgnoreCase",
                &["Prod"],
                &["PROD"],
                Tri::False,
            ),
            ("StringLike", &["home/*/x?"], &["home/a/b/xy"], Tri::True),
            ("StringNotLike", &["home/*"], &["other"], Tri::True),
            ("StringEquals", &["a", "b"], &["b"], Tri::True),
            ("StringNotEquals", &["a", "b"], &["b"], Tri::False),
            (
                "ArnLike",
                &["arn:aws:iam::*:role/ops-*"],
                &["arn:aws:iam::111122223333:role/ops-1"],
                Tri::True,
            ),
            (
                "ArnEquals",
                &["arn:aws:iam::*:role/ops"],
                &["arn:aws:iam::111122223333:role/OPS"],
                Tri::False,
            ),
            (
                "ArnNotLike",
                &["arn:aws:iam::*:role/ops"],
                &["arn:aws:iam::111122223333:role/dev"],
                Tri::True,
            ),
            (
                "StringEquals",
                &["home/${aws:username}"],
                &["home/alice"],
                Tri::True,
            ),
            (
                "StringLike",
                &["${aws:SourceIp}"],
                &["1.2.3.4"],
                Tri::Unknown,
            ),
        ];
        for (op, policy, request, want) in cases {
            assert_eq!(
                eval(op, policy, &known(request)),
                *want,
                "{op} {policy:?} {request:?}"
            );
        }
    }

    // "Condition operators": a key absent from the request makes the condition false, and
    // true for the Not forms; `...IfExists` is true when the key is absent; `Null` tests
    // presence. "Single-valued vs. multivalued context keys": ForAllValues is true and
    // ForAnyValue false when the key is absent.
    #[test]
    fn absent_and_unknown_keys() {
        assert_eq!(eval("StringEquals", &["a"], &KeyValue::Absent), Tri::False);
        assert_eq!(
            eval("StringNotEquals", &["a"], &KeyValue::Absent),
            Tri::True
        );
        assert_eq!(
            eval("StringEqualsIfExists", &["a"], &KeyValue::Absent),
            Tri::True
        );
        assert_eq!(
            eval("StringEqualsIfExists", &["a"], &known(&["b"])),
            Tri::False
        );
        assert_eq!(eval("Null", &["true"], &KeyValue::Absent), Tri::True);
        assert_eq!(eval("Null", &["false"], &KeyValue::Absent), Tri::False);
        assert_eq!(eval("Null", &["false"], &known(&["x"])), Tri::True);
        assert_eq!(
            eval("ForAllValues:StringEquals", &["a"], &KeyValue::Absent),
            Tri::True
        );
        assert_eq!(
            eval("ForAnyValue:StringEquals", &["a"], &KeyValue::Absent),
            Tri::False
        );
        assert_eq!(
            eval(
                "ForAllValues:StringEquals",
                &["a", "b"],
                &known(&["a", "b"])
            ),
            Tri::True
        );
        assert_eq!(
            eval("ForAllValues:StringEquals", &["a"], &known(&["a", "c"])),
            Tri::False
        );
        assert_eq!(
            eval("ForAnyValue:StringEquals", &["a"], &known(&["a", "c"])),
            Tri::True
        );
        assert_eq!(
            eval("ForAnyValue:StringNotEquals", &["a"], &known(&["a", "c"])),
            Tri::True
        );
        assert_eq!(
            eval("ForAllValues:StringNotEquals", &["a"], &known(&["a", "c"])),
            Tri::False
        );
        for op in [
            "StringEquals",
            "StringNotEquals",
            "BoolIfExists",
            "Null",
            "ForAllValues:StringLike",
        ] {
            assert_eq!(eval(op, &["a"], &KeyValue::Unknown), Tri::Unknown, "{op}");
        }
    }

    // An operator IAM does not define is undecided, with a note, never true or false.
    #[test]
    fn unknown_operator() {
        let out = evaluate_clause(
            &clause("StringEqualz", "k", &["a"]),
            &known(&["a"]),
            true,
            &|_| KeyValue::Unknown,
        );
        assert_eq!(out.tri, Tri::Unknown);
        assert!(out.note.unwrap().contains("StringEqualz"));
        assert!(parse_operator("NullIfExists").is_none());
    }

    #[test]
    fn kleene() {
        use Tri::*;
        assert_eq!(True.and(Unknown), Unknown);
        assert_eq!(False.and(Unknown), False);
        assert_eq!(True.or(Unknown), True);
        assert_eq!(False.or(Unknown), Unknown);
        assert_eq!(Unknown.not(), Unknown);
    }
}
