//! The patterns a mutelist rule matches with: globs (`*`, `?`, `[abc]`, `{a,b}`) over the
//! whole text, and for resources, regular expressions written `re:...`.

use crate::error::one_line;

/// A glob that must match the whole text. `*` and `?` also match `/` and `:`, so
/// `arn:aws:iam::*:user/*` matches users under any path. Matching is case-sensitive, as AWS
/// identifiers are.
#[derive(Debug, Clone)]
pub struct Glob {
    text: String,
    matcher: globset::GlobMatcher,
}

impl Glob {
    /// Compile a glob; the error says what is wrong in one line.
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
            matcher: glob.compile_matcher(),
        })
    }

    /// The glob that matches only the empty text (an empty tag value is legal in AWS).
    pub fn empty() -> Glob {
        Glob {
            text: String::new(),
            matcher: globset::Glob::new("")
                .expect("the empty glob compiles")
                .compile_matcher(),
        }
    }

    /// Whether the whole of `s` matches.
    pub fn is_match(&self, s: &str) -> bool {
        self.matcher.is_match(s)
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
    Regex(regex::Regex),
}

impl ResourcePattern {
    /// Compile a resource pattern; the error says what is wrong in one line.
    pub fn new(text: &str) -> Result<ResourcePattern, String> {
        match text.strip_prefix("re:") {
            Some(re) => {
                if re.is_empty() {
                    return Err("empty regular expression after `re:`".into());
                }
                let bad = |e: regex::Error| {
                    format!(
                        "bad regular expression `{re}`: {}",
                        one_line(&e.to_string())
                    )
                };
                // Compiled alone first, so that a pattern such as `a)|(b` cannot break out
                // of the anchoring group below.
                regex::Regex::new(re).map_err(bad)?;
                regex::Regex::new(&format!("^(?:{re})$"))
                    .map(ResourcePattern::Regex)
                    .map_err(bad)
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
