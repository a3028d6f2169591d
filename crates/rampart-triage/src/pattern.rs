//! The patterns a mutelist rule matches with: globs (`*`, `?`, `[abc]`, `{a,b}`) over the
//! whole text, and for resources, regular expressions written `re:...`.

use crate::error::one_line;
use std::cell::Cell;
use std::sync::OnceLock;

thread_local! {
    /// Matchers compiled on this thread: single patterns compiled on first use, and the
    /// sets a mutelist compiles its rules into. Tests read it to check that a large
    /// mutelist compiles to a few sets, not to one automaton per rule.
    static COMPILED: Cell<usize> = const { Cell::new(0) };
}

/// Count one compiled matcher (see [`compiled_matchers`]).
pub(crate) fn count_compiled() {
    COMPILED.with(|c| c.set(c.get() + 1));
}

/// How many matchers this thread has compiled so far.
#[cfg(test)]
pub(crate) fn compiled_matchers() -> usize {
    COMPILED.with(Cell::get)
}

/// A glob that must match the whole text. `*` and `?` also match `/` and `:`, so
/// `arn:aws:iam::*:user/*` matches users under any path. Matching is case-sensitive, as AWS
/// identifiers are.
///
/// The glob is parsed and checked when made; its matcher is compiled on first use of
/// [`Glob::is_match`]. A mutelist matches its rules' globs through one set per field
/// instead.
#[derive(Debug, Clone)]
pub struct Glob {
    text: String,
    glob: globset::Glob,
    matcher: OnceLock<globset::GlobMatcher>,
}

impl Glob {
    /// Parse a glob; the error says what is wrong in one line.
    pub fn new(text: &str) -> Result<Glob, String> {
        if text.is_empty() {
            return Err("empty pattern (leave the field out to match anything)".into());
        }
        let glob = globset::GlobBuilder::new(text)
            .literal_separator(false)
            .backslash_escape(true)
            .case_insensitive(false)
            .build()
            .map_err(|e| format!("bad glob `{text}`: {}", e.kind()))?;
        Ok(Glob {
            text: text.to_owned(),
            glob,
            matcher: OnceLock::new(),
        })
    }

    /// The glob that matches only the empty text (an empty tag value is legal in AWS).
    pub fn empty() -> Glob {
        Glob {
            text: String::new(),
            glob: globset::Glob::new("").expect("the empty glob parses"),
            matcher: OnceLock::new(),
        }
    }

    /// Whether the whole of `s` matches.
    pub fn is_match(&self, s: &str) -> bool {
        self.matcher
            .get_or_init(|| {
                count_compiled();
                self.glob.compile_matcher()
            })
            .is_match(s)
    }

    /// Whether the glob has no wildcard, class or alternative: it matches only its own
    /// text (backslash escapes aside, which such a text does not hold either).
    pub(crate) fn literal(&self) -> Option<&str> {
        let special = |c: char| matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\');
        (!self.text.contains(special)).then_some(self.text.as_str())
    }

    /// The parsed glob, to compile into a set.
    pub(crate) fn parsed(&self) -> &globset::Glob {
        &self.glob
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A resource pattern: a [`Glob`], or with the prefix `re:` a regular expression (Rust
/// `regex` syntax) that must match the whole resource, as if written `^(?:...)$`.
#[derive(Debug, Clone)]
pub enum ResourcePattern {
    /// A glob over the whole ARN or id.
    Glob(Glob),
    /// A regular expression, anchored at both ends.
    Regex(AnchoredRegex),
}

/// A regular expression checked when parsed and anchored at both ends; compiled on first
/// use of [`AnchoredRegex::is_match`]. A mutelist compiles its rules' expressions into one
/// set instead.
#[derive(Debug, Clone)]
pub struct AnchoredRegex {
    /// `^(?:...)$`.
    anchored: String,
    compiled: OnceLock<regex::Regex>,
}

impl AnchoredRegex {
    /// The expression as compiled: `^(?:...)$`.
    pub fn as_str(&self) -> &str {
        &self.anchored
    }

    /// Whether the whole of `s` matches.
    pub fn is_match(&self, s: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                count_compiled();
                regex::Regex::new(&self.anchored).expect("checked when parsed")
            })
            .is_match(s)
    }
}

impl ResourcePattern {
    /// Parse a resource pattern; the error says what is wrong in one line.
    ///
    /// A regular expression is parsed (its syntax checked, as `regex` would) but not
    /// compiled: compiling thousands of rules one by one took seconds and hundreds of
    /// megabytes (issue 9, defect 10).
    pub fn new(text: &str) -> Result<ResourcePattern, String> {
        match text.strip_prefix("re:") {
            Some(re) => {
                if re.is_empty() {
                    return Err("empty regular expression after `re:`".into());
                }
                let bad = |e: regex_syntax::Error| {
                    format!(
                        "bad regular expression `{re}`: {}",
                        one_line(&e.to_string())
                    )
                };
                // Parsed alone first, so that a pattern such as `a)|(b` cannot break out
                // of the anchoring group below.
                regex_syntax::Parser::new().parse(re).map_err(bad)?;
                let anchored = format!("^(?:{re})$");
                regex_syntax::Parser::new().parse(&anchored).map_err(bad)?;
                Ok(ResourcePattern::Regex(AnchoredRegex {
                    anchored,
                    compiled: OnceLock::new(),
                }))
            }
            None => Glob::new(text).map(ResourcePattern::Glob),
        }
    }

    /// Whether the whole of `resource` matches.
    pub fn is_match(&self, resource: &str) -> bool {
        match self {
            ResourcePattern::Glob(g) => g.is_match(resource),
            ResourcePattern::Regex(r) => r.is_match(resource),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Globs match the whole text, and `*` crosses ARN separators (Prowler's mutelist
    // matches ARNs the same way: a resource pattern is about the whole ARN).
    #[test]
    fn glob_matches_whole_text_and_crosses_separators() {
        let g = Glob::new("arn:aws:ec2:*:*:security-group/sg-0abc*").unwrap();
        assert!(g.is_match("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc123"));
        assert!(!g.is_match("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abd123"));
        assert!(!g.is_match("xarn:aws:ec2:eu-west-1:1:security-group/sg-0abc"));
        let users = Glob::new("arn:aws:iam::*:user/*").unwrap();
        assert!(users.is_match("arn:aws:iam::111122223333:user/path/to/alice"));
        let exact = Glob::new("us-east-1").unwrap();
        assert!(exact.is_match("us-east-1"));
        assert!(!exact.is_match("us-east-10"), "no implicit prefix match");
    }

    #[test]
    fn glob_question_mark_classes_alternatives_and_case() {
        let g = Glob::new("eu-west-?").unwrap();
        assert!(g.is_match("eu-west-1") && !g.is_match("eu-west-10"));
        let c = Glob::new("us-[ew]*").unwrap();
        assert!(c.is_match("us-east-1") && c.is_match("us-west-2") && !c.is_match("us-gov-west-1"));
        let alt = Glob::new("{ec2,vpc}_*").unwrap();
        assert!(alt.is_match("ec2_imdsv2_required") && alt.is_match("vpc_flow_logs_enabled"));
        assert!(!alt.is_match("iam_root_mfa"));
        assert!(
            !Glob::new("prod").unwrap().is_match("PROD"),
            "case-sensitive"
        );
        assert!(Glob::new(r"a\*b").unwrap().is_match("a*b"));
        assert!(
            !Glob::new(r"a\*b").unwrap().is_match("axb"),
            "escaped star is literal"
        );
    }

    #[test]
    fn bad_and_empty_globs_are_refused() {
        assert!(Glob::new("sg-[abc")
            .unwrap_err()
            .contains("bad glob `sg-[abc`"));
        assert!(Glob::new("{a,b").is_err());
        assert!(Glob::new("").unwrap_err().contains("empty pattern"));
        assert!(Glob::empty().is_match("") && !Glob::empty().is_match("x"));
    }

    // A regex is anchored: `re:sg-0abc` must not mute `sg-0abcdef` by accident.
    #[test]
    fn regex_resources_are_anchored() {
        let r = ResourcePattern::new(r"re:arn:aws:s3:::logs-\d{4}").unwrap();
        assert!(r.is_match("arn:aws:s3:::logs-2024"));
        assert!(!r.is_match("arn:aws:s3:::logs-2024-old"));
        assert!(!r.is_match("prefix-arn:aws:s3:::logs-2024"));
        let alt = ResourcePattern::new("re:a|b").unwrap();
        assert!(alt.is_match("a") && alt.is_match("b") && !alt.is_match("ab"));
        let e = ResourcePattern::new("re:(unclosed").unwrap_err();
        assert_eq!(e, "bad regular expression `(unclosed`: unclosed group");
        assert!(ResourcePattern::new("re:").is_err());
        // An unbalanced pattern cannot escape the anchors by closing the group itself.
        assert!(ResourcePattern::new("re:a)|(b").is_err());
    }
}
