//! The mutelist: YAML rules that mark accepted findings as muted, each with a required
//! reason and an optional expiry date. Muted findings stay in every report but never count
//! toward the exit code.
//!
//! ```yaml
//! version: 1
//! rules:
//!   - id: bastion-ssh                       # optional; else "rule N" (1-based)
//!     reason: "Bastion host, SSH is intended" # required, non-empty
//!     expires: 2027-03-31                   # optional; mutes through this day
//!     accounts: ["111122223333"]            # every key below: optional, a non-empty list
//!     regions: ["eu-west-1", "us-*"]        # globs
//!     checks: ["ec2_sg_ssh_open_to_world"]  # globs on check ids, each matching a check
//!     resources: ["arn:aws:ec2:*:*:security-group/sg-0abc*", "re:^arn:.*$"]
//!     tags: {env: "prod*", team: platform}  # every tag must be on the resource
//! ```
//!
//! A rule matches a finding when every key it gives matches (AND); the first matching rule
//! that has not expired mutes the finding (OR across rules, first match wins).

use crate::error::{one_line, TriageError};
use crate::pattern::{Glob, ResourcePattern};
use crate::validated::{self, FromScalar};
use chrono::NaiveDate;
use rampart_checks::{Finding, Muted};
use rampart_inventory::Tag;
use serde::{Deserialize, Deserializer};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The mutelist format version this build reads.
pub const MUTELIST_VERSION: u64 = 1;

/// A parsed and validated mutelist.
#[derive(Debug, Clone)]
pub struct Mutelist {
    path: PathBuf,
    rules: Vec<Rule>,
}

/// One mutelist rule. Every condition it gives must match; a condition it leaves out
/// matches anything.
#[derive(Debug, Clone)]
pub struct Rule {
    name: String,
    reason: String,
    expires: Option<NaiveDate>,
    accounts: Vec<Glob>,
    regions: Vec<Glob>,
    checks: Vec<Glob>,
    resources: Vec<ResourcePattern>,
    tags: Vec<(String, Glob)>,
}

impl Rule {
    /// The rule's `id`, or its 1-based position in the mutelist (`"3"`), as findings'
    /// [`Muted::rule`] names it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rule's reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The last day the rule mutes, if it expires.
    pub fn expires(&self) -> Option<NaiveDate> {
        self.expires
    }

    /// Whether the rule has expired on `today`: it mutes through its `expires` day and
    /// stops the day after.
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires.is_some_and(|d| today > d)
    }

    /// Whether every condition of the rule matches the finding. `tags` gives a resource's
    /// tags; it is called only when the rule has `tags` and everything else matched, and a
    /// resource it knows no tags for (`None`) does not match a rule with `tags`.
    pub fn matches<'t>(
        &self,
        finding: &Finding,
        tags: &impl Fn(&str) -> Option<&'t [Tag]>,
    ) -> bool {
        fn any(globs: &[Glob], s: &str) -> bool {
            globs.is_empty() || globs.iter().any(|g| g.is_match(s))
        }
        if !(any(&self.accounts, &finding.account_id)
            && any(&self.regions, &finding.region)
            && any(&self.checks, &finding.check_id)
            && (self.resources.is_empty()
                || self.resources.iter().any(|p| p.is_match(&finding.resource))))
        {
            return false;
        }
        if self.tags.is_empty() {
            return true;
        }
        let Some(resource_tags) = tags(&finding.resource) else {
            return false;
        };
        self.tags.iter().all(|(key, value)| {
            resource_tags
                .iter()
                .any(|t| &t.key == key && value.is_match(&t.value))
        })
    }
}

impl Mutelist {
    /// Read and validate a mutelist file.
    pub fn load(path: &Path) -> Result<Mutelist, TriageError> {
        let text = std::fs::read_to_string(path).map_err(|source| TriageError::Read {
            path: path.to_owned(),
            what: "mutelist",
            source,
        })?;
        Mutelist::parse(&text, path)
    }

    /// Parse and validate a mutelist's text; `path` names the file in errors.
    ///
    /// Refused, with the file, line, column, rule and key: malformed YAML, an unknown key, a
    /// `version` other than 1, a missing or empty `reason`, a date that is not `YYYY-MM-DD`,
    /// an empty list or pattern, a bad glob or regular expression, an account id that is not
    /// 12 digits, a duplicate rule `id`, and a `checks` pattern that matches no check of
    /// this build (a typo there would silently mute nothing, the same reason `--checks`
    /// refuses unknown ids).
    pub fn parse(text: &str, path: &Path) -> Result<Mutelist, TriageError> {
        SEEN_IDS.with(|s| s.borrow_mut().clear());
        let de = yaml_serde::Deserializer::from_str(text);
        let parsed: Result<RawMutelist, _> = serde_path_to_error::deserialize(de);
        SEEN_IDS.with(|s| s.borrow_mut().clear());
        let raw = parsed.map_err(|e| yaml_error(text, path, e))?;
        let rules = raw
            .rules
            .into_iter()
            .enumerate()
            .map(|(i, r)| Rule {
                name: r.id.map_or_else(|| (i + 1).to_string(), |RuleId(id)| id),
                reason: r.reason.0,
                expires: r.expires.map(|d| d.0),
                accounts: r
                    .accounts
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| a.0)
                    .collect(),
                regions: r.regions.unwrap_or_default(),
                checks: r
                    .checks
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| c.0)
                    .collect(),
                resources: r.resources.unwrap_or_default(),
                tags: r
                    .tags
                    .map(|t| t.0.into_iter().collect())
                    .unwrap_or_default(),
            })
            .collect();
        Ok(Mutelist {
            path: path.to_owned(),
            rules,
        })
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The file the mutelist was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Mark the findings that a rule mutes, and say which rules have expired.
    ///
    /// Every finding's `muted` is set afresh: to the first rule that matches it and has not
    /// expired on `today`, else `None`. Findings of every status are muted (an accepted
    /// resource is accepted whether its check passes, fails or could not be read), though
    /// only FAIL findings ever counted toward the exit code. `tags` gives a resource's tags
    /// (by ARN or id), for rules with `tags`.
    ///
    /// Returns one warning per expired rule, in file order, naming the file, the rule and
    /// its date, and how many findings it would still match: an expired rule is a decision
    /// to look at again, not one to forget silently.
    pub fn apply<'t>(
        &self,
        findings: &mut [Finding],
        tags: impl Fn(&str) -> Option<&'t [Tag]>,
        today: NaiveDate,
    ) -> Vec<String> {
        let mut expired_matches = vec![0usize; self.rules.len()];
        for finding in findings.iter_mut() {
            let mut muted = None;
            for (i, rule) in self.rules.iter().enumerate() {
                if !rule.matches(finding, &tags) {
                    continue;
                }
                if rule.is_expired(today) {
                    expired_matches[i] += 1;
                    continue;
                }
                muted = Some(Muted {
                    reason: rule.reason.clone(),
                    rule: rule.name.clone(),
                    expires: rule.expires,
                });
                break;
            }
            finding.muted = muted;
        }
        self.rules
            .iter()
            .zip(expired_matches)
            .filter(|(rule, _)| rule.is_expired(today))
            .map(|(rule, n)| {
                let date = rule.expires.map(|d| d.to_string()).unwrap_or_default();
                let plural = if n == 1 { "" } else { "s" };
                format!(
                    "{}: mutelist {} expired on {date} and no longer mutes \
                     ({n} finding{plural} it matches reported)",
                    self.path.display(),
                    rule_label(&rule.name),
                )
            })
            .collect()
    }
}

/// How a message names a rule: `rule \`bastion-ssh\`` for one with an id, `rule 3` for one
/// named by its position.
fn rule_label(name: &str) -> String {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
        format!("rule {name}")
    } else {
        format!("rule `{name}`")
    }
}

/// Turn a YAML or validation error into one naming the file, line, column, rule and key.
fn yaml_error(
    text: &str,
    path: &Path,
    e: serde_path_to_error::Error<yaml_serde::Error>,
) -> TriageError {
    let segments: Vec<String> = e
        .path()
        .iter()
        .map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => format!("[{index}]"),
            serde_path_to_error::Segment::Map { key } => key.clone(),
            serde_path_to_error::Segment::Enum { variant } => variant.clone(),
            serde_path_to_error::Segment::Unknown => "?".into(),
        })
        .collect();
    let inner = e.into_inner();
    let (line, column) = inner.location().map_or((1, 1), |l| (l.line(), l.column()));
    let mut message = inner.to_string();
    let at = format!(" at line {line} column {column}");
    if let Some(i) = message.find(&at) {
        message.replace_range(i..i + at.len(), "");
    }
    // The YAML parser starts its message with the path where it noticed the error, which
    // may be the serde path or a prefix of it (an unknown key is reported at its mapping).
    for n in (1..=segments.len()).rev() {
        let prefix = join_keys(&segments[..n]);
        if let Some(rest) = message.strip_prefix(&format!("{prefix}: ")) {
            message = rest.to_owned();
            break;
        }
    }
    // Name the rule by its id where it has one (read again loosely, as the strict parse
    // failed), else by its position; then the key within it.
    let place = match segments.as_slice() {
        [rules, index, rest @ ..] if rules == "rules" && index.starts_with('[') => {
            let i: usize = index
                .trim_matches(|c| c == '[' || c == ']')
                .parse()
                .unwrap_or(0);
            let name = rule_id_at(text, i).unwrap_or_else(|| (i + 1).to_string());
            let mut place = rule_label(&name);
            if !rest.is_empty() {
                place.push(' ');
                place.push_str(&join_keys(rest));
            }
            place
        }
        [] => String::new(),
        keys => join_keys(keys),
    };
    let message = one_line(&message);
    TriageError::Invalid {
        path: path.to_owned(),
        line,
        column,
        message: if place.is_empty() {
            message
        } else {
            format!("{place}: {message}")
        },
    }
}

fn join_keys(keys: &[String]) -> String {
    let mut out = String::new();
    for k in keys {
        if !out.is_empty() && !k.starts_with('[') {
            out.push('.');
        }
        out.push_str(k);
    }
    out
}

/// The `id` of rule `index`, read from the text without validation.
fn rule_id_at(text: &str, index: usize) -> Option<String> {
    let doc: yaml_serde::Value = yaml_serde::from_str(text).ok()?;
    let id = doc.get("rules")?.get(index)?.get("id")?;
    id.as_str().map(str::to_owned)
}

thread_local! {
    /// Rule ids seen so far in the parse under way on this thread, to refuse a duplicate at
    /// its own location. Cleared before and after every parse.
    static SEEN_IDS: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMutelist {
    #[serde(deserialize_with = "validated::scalar")]
    #[allow(dead_code)]
    version: Version,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default, deserialize_with = "optional_scalar")]
    id: Option<RuleId>,
    #[serde(deserialize_with = "validated::scalar")]
    reason: Reason,
    #[serde(default, deserialize_with = "optional_scalar")]
    expires: Option<Date>,
    #[serde(default, deserialize_with = "validated::optional_non_empty_list")]
    accounts: Option<Vec<Account>>,
    #[serde(default, deserialize_with = "validated::optional_non_empty_list")]
    regions: Option<Vec<Glob>>,
    #[serde(default, deserialize_with = "validated::optional_non_empty_list")]
    checks: Option<Vec<CheckPattern>>,
    #[serde(default, deserialize_with = "validated::optional_non_empty_list")]
    resources: Option<Vec<ResourcePattern>>,
    #[serde(default, deserialize_with = "optional_tags")]
    tags: Option<TagPatterns>,
}

fn optional_scalar<'de, T: FromScalar, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    validated::scalar(d).map(Some)
}

fn optional_tags<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TagPatterns>, D::Error> {
    TagPatterns::deserialize(d).map(Some)
}

struct Version;

impl FromScalar for Version {
    const EXPECTING: &'static str = "the mutelist format version, 1";
    fn from_str(s: &str) -> Result<Self, String> {
        Err(format!(
            "unsupported mutelist version `{s}`: this rampart reads version {MUTELIST_VERSION}"
        ))
    }
    fn from_u64(n: u64) -> Result<Self, String> {
        if n == MUTELIST_VERSION {
            Ok(Version)
        } else {
            Err(format!(
                "unsupported mutelist version {n}: this rampart reads version {MUTELIST_VERSION}"
            ))
        }
    }
}

struct RuleId(String);

impl FromScalar for RuleId {
    const EXPECTING: &'static str = "a rule id";
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            return Err("empty rule id (leave `id` out to name the rule by its position)".into());
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "rule id `{s}` is a number, which would read as a rule's position; use a name"
            ));
        }
        SEEN_IDS.with(|seen| {
            if seen.borrow_mut().insert(s.to_owned()) {
                Ok(RuleId(s.to_owned()))
            } else {
                Err(format!("duplicate rule id `{s}`"))
            }
        })
    }
}

struct Reason(String);

impl FromScalar for Reason {
    const EXPECTING: &'static str = "a reason";
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            Err("empty reason: say why these findings are accepted".into())
        } else {
            Ok(Reason(s.trim().to_owned()))
        }
    }
}

struct Date(NaiveDate);

impl FromScalar for Date {
    const EXPECTING: &'static str = "a date as YYYY-MM-DD";
    fn from_str(s: &str) -> Result<Self, String> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 10)
            .map(Date)
            .ok_or_else(|| {
                format!("bad date `{s}`: expected a date as YYYY-MM-DD, such as 2027-03-31")
            })
    }
}

impl FromScalar for Glob {
    const EXPECTING: &'static str = "a glob pattern";
    fn from_str(s: &str) -> Result<Self, String> {
        Glob::new(s)
    }
}

impl FromScalar for ResourcePattern {
    const EXPECTING: &'static str = "a resource ARN glob or `re:` regular expression";
    fn from_str(s: &str) -> Result<Self, String> {
        ResourcePattern::new(s)
    }
}

/// An account-id glob. Unquoted 12-digit ids are accepted as YAML reads them, as numbers;
/// a shorter number is refused, since YAML would have dropped leading zeros.
struct Account(Glob);

impl FromScalar for Account {
    const EXPECTING: &'static str = "a 12-digit account id or glob";
    fn from_str(s: &str) -> Result<Self, String> {
        let literal = !s.contains(['*', '?', '[', '{']);
        if literal && !(s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())) {
            return Err(format!("`{s}` is not a 12-digit account id"));
        }
        Glob::new(s).map(Account)
    }
    fn from_u64(n: u64) -> Result<Self, String> {
        let s = n.to_string();
        if s.len() == 12 {
            Self::from_str(&s)
        } else {
            Err(format!(
                "account id {n} is not 12 digits; quote account ids (\"012345678901\"), as \
                 YAML drops the leading zeros of a number"
            ))
        }
    }
}

/// A check-id glob that matches at least one check of this build.
struct CheckPattern(Glob);

impl FromScalar for CheckPattern {
    const EXPECTING: &'static str = "a check id or glob";
    fn from_str(s: &str) -> Result<Self, String> {
        let glob = Glob::new(s)?;
        if rampart_checks::registry()
            .iter()
            .any(|c| glob.is_match(c.meta.id))
        {
            Ok(CheckPattern(glob))
        } else {
            Err(format!(
                "`{s}` matches no check (`rampart checks` lists them); a rule for it would \
                 mute nothing"
            ))
        }
    }
}

/// `tags`: tag key to a glob on its value. Numbers and booleans are read as their text, as
/// AWS tag values are always strings.
struct TagPatterns(BTreeMap<String, Glob>);

struct TagValue(Glob);

impl FromScalar for TagValue {
    const EXPECTING: &'static str = "a glob on the tag's value";
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            // An empty tag value is legal in AWS; match exactly it.
            return Ok(TagValue(Glob::empty()));
        }
        Glob::new(s).map(TagValue)
    }
    fn from_u64(n: u64) -> Result<Self, String> {
        Self::from_str(&n.to_string())
    }
    fn from_i64(n: i64) -> Result<Self, String> {
        Self::from_str(&n.to_string())
    }
    fn from_bool(b: bool) -> Result<Self, String> {
        Self::from_str(&b.to_string())
    }
}

impl<'de> Deserialize<'de> for TagValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        validated::scalar(d)
    }
}

impl<'de> Deserialize<'de> for TagPatterns {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TagPatterns;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of tag key to value glob, such as {env: \"prod*\"}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TagPatterns, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key.is_empty() {
                        return Err(serde::de::Error::custom("empty tag key"));
                    }
                    let TagValue(glob) = map.next_value()?;
                    if out.insert(key.clone(), glob).is_some() {
                        return Err(serde::de::Error::custom(format!("tag `{key}` given twice")));
                    }
                }
                if out.is_empty() {
                    return Err(serde::de::Error::custom(
                        "empty tags (leave the key out to match anything)",
                    ));
                }
                Ok(TagPatterns(out))
            }
        }
        d.deserialize_map(V)
    }
}
