//! IAM's wildcard patterns and policy variables: `*` (any run of characters) and `?` (one
//! character) in actions (case-insensitive) and ARNs (case-sensitive, segment by segment),
//! and `${aws:username}`-style variables resolved from what is known of the request.

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A character that must appear as is (including `*` written `${*}`).
    Lit(char),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
}

/// What is known of a condition key's value, for a variable or a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyValue {
    /// The key is in the request, with these values.
    Known(Vec<String>),
    /// The key is known not to be in the request.
    Absent,
    /// Nothing is known of it.
    Unknown,
}

/// A pattern after its policy variables were replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// Every variable was resolved.
    Pattern(TokPattern),
    /// A variable's key is absent from the request and has no default: the pattern matches
    /// nothing (IAM User Guide, "IAM policy elements: Variables and tags", "Specifying
    /// default values" / "Request information that you can use for policy variables").
    NoMatch,
    /// A variable's key is not known: the match is conditional on it.
    Unknown(String),
}

/// A compiled pattern (opaque).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokPattern(Vec<Tok>);

/// Compiles `pattern`, replacing `${...}` variables when `variables` is true (documents of
/// version 2012-10-17); `lookup` says what is known of a key.
pub(crate) fn resolve(
    pattern: &str,
    variables: bool,
    lookup: &dyn Fn(&str) -> KeyValue,
) -> Resolved {
    let mut toks = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while !rest.is_empty() {
        if variables && rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                let inner = &rest[2..end];
                rest = &rest[end + 1..];
                match inner {
                    "*" => toks.push(Tok::Lit('*')),
                    "?" => toks.push(Tok::Lit('?')),
                    "$" => toks.push(Tok::Lit('$')),
                    _ => {
                        let (key, default) = match inner.split_once(',') {
                            Some((k, d)) => {
                                let d = d.trim();
                                let d = d
                                    .strip_prefix('\'')
                                    .and_then(|d| d.strip_suffix('\''))
                                    .unwrap_or(d);
                                (k.trim(), Some(d))
                            }
                            None => (inner.trim(), None),
                        };
                        let value = match (lookup(key), default) {
                            (KeyValue::Known(v), _) if !v.is_empty() => v[0].clone(),
                            (KeyValue::Known(_) | KeyValue::Absent, Some(d)) => d.to_owned(),
                            (KeyValue::Known(_) | KeyValue::Absent, None) => {
                                return Resolved::NoMatch
                            }
                            (KeyValue::Unknown, _) => return Resolved::Unknown(key.to_owned()),
                        };
                        toks.extend(value.chars().map(Tok::Lit));
                    }
                }
                continue;
            }
        }
        let c = rest.chars().next().expect("not empty");
        rest = &rest[c.len_utf8()..];
        toks.push(match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        });
    }
    Resolved::Pattern(TokPattern(toks))
}

impl TokPattern {
    /// Compiles a pattern without variables.
    pub(crate) fn plain(pattern: &str) -> Self {
        TokPattern(
            pattern
                .chars()
                .map(|c| match c {
                    '*' => Tok::Star,
                    '?' => Tok::One,
                    c => Tok::Lit(c),
                })
                .collect(),
        )
    }

    /// The pattern as a plain string, wildcards as their characters (for the operators that
    /// compare without wildcards).
    pub(crate) fn literal(&self) -> String {
        self.0
            .iter()
            .map(|t| match t {
                Tok::Lit(c) => *c,
                Tok::Star => '*',
                Tok::One => '?',
            })
            .collect()
    }

    /// Whether the pattern matches all of `value`.
    pub(crate) fn matches(&self, value: &str, ignore_case: bool) -> bool {
        let v: Vec<char> = value.chars().collect();
        glob(&self.0, &v, ignore_case)
    }

    /// Whether the pattern matches the ARN `arn` as IAM compares ARNs: each of the first
    /// five colon-separated segments on its own, then the resource part; a wildcard never
    /// spans a segment boundary. Case-sensitive. A pattern or value with fewer than six
    /// segments is compared as one string.
    pub(crate) fn matches_arn(&self, arn: &str) -> bool {
        let segments: Vec<&[Tok]> = {
            let mut out = Vec::new();
            let mut start = 0;
            for (i, t) in self.0.iter().enumerate() {
                if out.len() == 5 {
                    break;
                }
                if *t == Tok::Lit(':') {
                    out.push(&self.0[start..i]);
                    start = i + 1;
                }
            }
            out.push(&self.0[start..]);
            out
        };
        let values: Vec<&str> = arn.splitn(6, ':').collect();
        if segments.len() != 6 || values.len() != 6 {
            return self.matches(arn, false);
        }
        segments.iter().zip(&values).all(|(p, v)| {
            let v: Vec<char> = v.chars().collect();
            glob(p, &v, false)
        })
    }
}

fn eq(a: char, b: char, ignore_case: bool) -> bool {
    if ignore_case {
        a.to_lowercase().eq(b.to_lowercase())
    } else {
        a == b
    }
}

/// Iterative glob matching with backtracking to the last `*`.
fn glob(p: &[Tok], v: &[char], ignore_case: bool) -> bool {
    let (mut pi, mut vi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        match p.get(pi) {
            Some(Tok::One) => {
                pi += 1;
                vi += 1;
            }
            Some(Tok::Lit(c)) if eq(*c, v[vi], ignore_case) => {
                pi += 1;
                vi += 1;
            }
            Some(Tok::Star) => {
                star = Some((pi, vi));
                pi += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    pi = sp + 1;
                    vi = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|t| *t == Tok::Star)
}

/// Whether the IAM action pattern (`iam:Put*`, `s3:?etObject`, `*`) matches `action`,
/// ignoring case as IAM compares action names.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    TokPattern::plain(pattern).matches(action, true)
}

/// Whether the IAM resource pattern matches the ARN `arn`: `*` and `?` wildcards within
/// each colon-separated segment, case-sensitive.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    TokPattern::plain(pattern).matches_arn(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    // IAM User Guide, "IAM JSON policy elements: Action": action names are case-insensitive
    // and may use `*` and `?`.
    #[test]
    fn actions() {
        assert!(action_matches("iam:*", "iam:PassRole"));
        assert!(action_matches("IAM:put*", "iam:PutRolePolicy"));
        assert!(action_matches("iam:?assRole", "iam:PassRole"));
        assert!(action_matches("*", "s3:GetObject"));
        assert!(!action_matches("iam:Get*", "iam:PassRole"));
        assert!(!action_matches("iam:PassRol", "iam:PassRole"));
        assert!(!action_matches("iam:?PassRole", "iam:PassRole"));
    }

    // IAM User Guide, "IAM JSON policy elements: Resource": ARNs are case-sensitive; `*` and
    // `?` match within a segment.
    #[test]
    fn arns() {
        assert!(arn_matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b:c"
        ));
        assert!(!arn_matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::Bucket/a"
        ));
        assert!(arn_matches(
            "arn:aws:iam::*:role/a?min",
            "arn:aws:iam::111122223333:role/admin"
        ));
        assert!(!arn_matches(
            "arn:aws:iam::*:role/a?min",
            "arn:aws:iam::111122223333:role/aadmin"
        ));
        // `*` in the region segment does not reach into the account segment.
        assert!(!arn_matches(
            "arn:aws:lambda:*:function:f",
            "arn:aws:lambda:us-east-1:111122223333:function:f"
        ));
        assert!(arn_matches("*", "arn:aws:s3:::b"));
        assert!(arn_matches("arn:*", "arn:aws:s3:::b"));
    }

    // IAM User Guide, "IAM policy elements: Variables and tags", "Special characters":
    // `${*}`, `${?}` and `${$}` are the literal characters.
    #[test]
    fn variables() {
        let lookup = |k: &str| match k {
            "aws:username" => KeyValue::Known(vec!["alice".into()]),
            "aws:PrincipalTag/team" => KeyValue::Absent,
            _ => KeyValue::Unknown,
        };
        let Resolved::Pattern(p) = resolve("home/${aws:username}/*", true, &lookup) else {
            panic!()
        };
        assert!(p.matches("home/alice/x", false));
        assert!(!p.matches("home/bob/x", false));
        let Resolved::Pattern(p) = resolve("a${*}b${?}${$}", true, &lookup) else {
            panic!()
        };
        assert!(p.matches("a*b?$", false));
        assert!(!p.matches("axb?$", false));
        assert_eq!(
            resolve("${aws:PrincipalTag/team}", true, &lookup),
            Resolved::NoMatch
        );
        let Resolved::Pattern(p) = resolve("${aws:PrincipalTag/team, 'all'}", true, &lookup) else {
            panic!()
        };
        assert!(p.matches("all", false));
        assert_eq!(
            resolve("${aws:SourceIp}", true, &lookup),
            Resolved::Unknown("aws:SourceIp".into())
        );
        // Version 2008-10-17: the variable is literal text.
        let Resolved::Pattern(p) = resolve("${aws:username}", false, &lookup) else {
            panic!()
        };
        assert!(p.matches("${aws:username}", false));
    }
}
