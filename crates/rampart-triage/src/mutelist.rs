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
//!
//! The rules' patterns are compiled once per field, all rules together: one glob set for
//! the accounts, one for the regions, one for the checks, and for the resources one glob
//! set and one regular-expression set. Twenty thousand rules are five automata, not twenty
//! thousand (issue 9, defect 10).

use crate::error::{one_line, TriageError};
use crate::pattern::{count_compiled, Glob, ResourcePattern};
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
    sets: RuleSets,
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
        self.tags_match(finding, tags)
    }

    /// Whether the rule's `tags` (if any) are all on the finding's resource.
    fn tags_match<'t>(&self, finding: &Finding, tags: &impl Fn(&str) -> Option<&'t [Tag]>) -> bool {
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
        let rules: Vec<Rule> = raw
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
        let sets = RuleSets::compile(&rules).map_err(|message| TriageError::Invalid {
            path: path.to_owned(),
            line: 1,
            column: 1,
            message,
        })?;
        Ok(Mutelist {
            path: path.to_owned(),
            rules,
            sets,
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
        let mut candidates = vec![false; self.rules.len()];
        for finding in findings.iter_mut() {
            let mut muted = None;
            self.sets.candidates(finding, &mut candidates);
            for (i, rule) in self.rules.iter().enumerate() {
                if !candidates[i] || !rule.tags_match(finding, &tags) {
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

/// The rules' account, region, check and resource patterns, each field compiled into one
/// set over all rules. Tags are matched rule by rule, for the rules the sets leave.
#[derive(Debug, Clone)]
struct RuleSets {
    accounts: GlobField,
    regions: GlobField,
    checks: GlobField,
    resource_globs: GlobField,
    resource_regexes: RegexField,
    /// Rules that give `resources` (globs or expressions): the others match any resource.
    has_resources: Vec<bool>,
}

/// One field's globs over all rules, as one set.
#[derive(Debug, Clone)]
struct GlobField {
    set: globset::GlobSet,
    /// The rule of each glob in the set.
    owner: Vec<usize>,
    /// Rules that give no glob for the field (they match anything).
    open: Vec<bool>,
}

impl GlobField {
    fn compile<'r>(
        rules: &'r [Rule],
        globs: impl Fn(&'r Rule) -> Vec<&'r Glob>,
    ) -> Result<GlobField, String> {
        let mut builder = globset::GlobSetBuilder::new();
        let mut owner = Vec::new();
        let mut open = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            let globs = globs(rule);
            open.push(globs.is_empty());
            for g in globs {
                builder.add(g.parsed().clone());
                owner.push(i);
            }
        }
        count_compiled();
        let set = builder
            .build()
            .map_err(|e| format!("the mutelist's globs cannot be compiled: {e}"))?;
        Ok(GlobField { set, owner, open })
    }

    /// Set `hit[i]` for every rule `i` with a glob that matches `s`.
    fn mark(&self, s: &str, hit: &mut [bool]) {
        for p in self.set.matches(s) {
            hit[self.owner[p]] = true;
        }
    }
}

/// The rules' `re:` resource expressions, as one set; split in halves, as often as
/// needed, when the expressions are too large to compile together (Unicode classes
/// repeated many times each, in thousands of rules).
#[derive(Debug, Clone)]
struct RegexField {
    /// Each set, with the rule of each of its expressions.
    sets: Vec<(regex::RegexSet, Vec<usize>)>,
}

/// The most memory one set of expressions may compile to.
const SET_SIZE_LIMIT: usize = 256 << 20;

impl RegexField {
    fn compile(expressions: &[&str], owner: &[usize], limit: usize) -> Result<RegexField, String> {
        let mut field = RegexField { sets: Vec::new() };
        field.add(expressions, owner, limit)?;
        Ok(field)
    }

    fn add(&mut self, expressions: &[&str], owner: &[usize], limit: usize) -> Result<(), String> {
        count_compiled();
        match regex::RegexSetBuilder::new(expressions)
            .size_limit(limit)
            .build()
        {
            Ok(set) => {
                self.sets.push((set, owner.to_vec()));
                Ok(())
            }
            Err(regex::Error::CompiledTooBig(_)) if expressions.len() > 1 => {
                let half = expressions.len() / 2;
                self.add(&expressions[..half], &owner[..half], limit)?;
                self.add(&expressions[half..], &owner[half..], limit)
            }
            Err(e) => {
                let what = match owner {
                    // One expression alone too large: name its rule.
                    [rule] => format!("the regular expression of rule {}", rule + 1),
                    _ => "the mutelist's regular expressions".to_owned(),
                };
                Err(format!(
                    "{what} cannot be compiled: {}",
                    one_line(&e.to_string())
                ))
            }
        }
    }

    /// Set `hit[i]` for every rule `i` with an expression that matches `s`.
    fn mark(&self, s: &str, hit: &mut [bool]) {
        for (set, owner) in &self.sets {
            for p in set.matches(s).iter() {
                hit[owner[p]] = true;
            }
        }
    }
}

impl RuleSets {
    fn compile(rules: &[Rule]) -> Result<RuleSets, String> {
        let mut expressions = Vec::new();
        let mut owner = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for p in &rule.resources {
                if let ResourcePattern::Regex(r) = p {
                    expressions.push(r.as_str());
                    owner.push(i);
                }
            }
        }
        Ok(RuleSets {
            accounts: GlobField::compile(rules, |r| r.accounts.iter().collect())?,
            regions: GlobField::compile(rules, |r| r.regions.iter().collect())?,
            checks: GlobField::compile(rules, |r| r.checks.iter().collect())?,
            resource_globs: GlobField::compile(rules, |r| {
                r.resources
                    .iter()
                    .filter_map(|p| match p {
                        ResourcePattern::Glob(g) => Some(g),
                        ResourcePattern::Regex(_) => None,
                    })
                    .collect()
            })?,
            resource_regexes: RegexField::compile(&expressions, &owner, SET_SIZE_LIMIT)?,
            has_resources: rules.iter().map(|r| !r.resources.is_empty()).collect(),
        })
    }

    /// Set `candidate[i]` when rule `i`'s accounts, regions, checks and resources all
    /// match the finding (its tags are left to check).
    fn candidates(&self, finding: &Finding, candidate: &mut [bool]) {
        let mut hit = vec![false; candidate.len()];
        candidate.copy_from_slice(&self.accounts.open);
        self.accounts.mark(&finding.account_id, candidate);
        for (field, text) in [
            (&self.regions, finding.region.as_str()),
            (&self.checks, finding.check_id.as_str()),
        ] {
            hit.copy_from_slice(&field.open);
            field.mark(text, &mut hit);
            and(candidate, &hit);
        }
        for (h, has) in hit.iter_mut().zip(&self.has_resources) {
            *h = !has;
        }
        self.resource_globs.mark(&finding.resource, &mut hit);
        self.resource_regexes.mark(&finding.resource, &mut hit);
        and(candidate, &hit);
    }
}

fn and(into: &mut [bool], other: &[bool]) {
    for (a, b) in into.iter_mut().zip(other) {
        *a &= *b;
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
pub(crate) fn yaml_error(
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
        if literal && !validated::is_account_id(s) {
            return Err(format!("`{s}` is not a 12-digit account id"));
        }
        Glob::new(s).map(Account)
    }
    fn from_u64(n: u64) -> Result<Self, String> {
        Self::from_str(&validated::account_id_number(n)?)
    }
}

/// A check-id glob that matches at least one check of this build.
struct CheckPattern(Glob);

impl FromScalar for CheckPattern {
    const EXPECTING: &'static str = "a check id or glob";
    fn from_str(s: &str) -> Result<Self, String> {
        let glob = Glob::new(s)?;
        let matches_a_check = match glob.literal() {
            Some(id) => rampart_checks::find(id).is_some(),
            None => {
                // Compiled for this check only and dropped: the mutelist matches through
                // its sets.
                count_compiled();
                let matcher = glob.parsed().compile_matcher();
                rampart_checks::registry()
                    .iter()
                    .any(|c| matcher.is_match(c.meta.id))
            }
        };
        if matches_a_check {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::compiled_matchers;
    use crate::test_support::at;
    use rampart_checks::{Severity, Status};

    const SSH: &str = "ec2_sg_ssh_open_to_world";

    /// `n` rules, each muting one instance by a `re:` expression, in one region and on
    /// one check, plus a tag condition on every hundredth.
    fn many_rules(n: usize) -> String {
        let mut yaml = String::from("version: 1\nrules:\n");
        for i in 0..n {
            yaml.push_str(&format!(
                "  - id: r{i}\n    reason: accepted {i}\n    regions: [\"eu-west-*\"]\n    \
                 checks: [{SSH}]\n    resources: [\"re:arn:aws:ec2:[a-z0-9-]+:[0-9]{{12}}:\
                 security-group/sg-{i:08}[a-f]*\"]\n"
            ));
            if i % 100 == 99 {
                yaml.push_str("    tags: {env: \"prod*\"}\n");
            }
        }
        yaml
    }

    fn sg(i: usize, suffix: &str) -> Finding {
        let resource =
            format!("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-{i:08}{suffix}");
        at(SSH, "eu-west-1", &resource, Status::Fail, Severity::High)
    }

    // Issue 9, defect 10: 20,000 regular-expression rules took 11.5 s and 551 MB, one
    // compiled expression per rule. They now compile into one set per field: five
    // automata for the whole mutelist, whatever its size, with the same first-match
    // semantics.
    #[test]
    fn twenty_thousand_rules_compile_into_one_set_per_field() {
        let yaml = many_rules(20_000);
        let before = compiled_matchers();
        let list = Mutelist::parse(&yaml, Path::new("big.yaml")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(list.rules().len(), 20_000);
        let sets = &list.sets.resource_regexes.sets;
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].0.len(), 20_000);
        assert_eq!(list.sets.regions.owner.len(), 20_000);
        let mut findings = vec![
            sg(19_998, "abc"),
            sg(7, ""),
            sg(7, "xyz"), // `[a-f]*`: no match
            sg(99, ""),   // rule r99 wants a tag the resource does not have
            at(
                SSH,
                "us-east-1",
                &sg(5, "").resource,
                Status::Fail,
                Severity::High,
            ),
        ];
        let warnings = list.apply(&mut findings, |_| None, NaiveDate::MIN);
        assert!(warnings.is_empty());
        let rules: Vec<Option<&str>> = findings
            .iter()
            .map(|f| f.muted.as_ref().map(|m| m.rule.as_str()))
            .collect();
        assert_eq!(rules, [Some("r19998"), Some("r7"), None, None, None]);
        assert_eq!(
            compiled_matchers() - before,
            5,
            "accounts, regions, checks, resource globs and resource expressions"
        );
    }

    // First match wins across the sets, in file order.
    #[test]
    fn the_first_matching_rule_in_file_order_mutes() {
        let yaml =
            "version: 1\nrules:\n  - id: late\n    reason: b\n    resources: [\"re:.*sg-1\"]\n    \
             expires: 2020-01-01\n  - id: wide\n    reason: a\n    checks: [\"ec2_*\"]\n  \
             - id: narrow\n    reason: c\n    resources: [\"*sg-1\"]\n";
        let list = Mutelist::parse(yaml, Path::new("m.yaml")).unwrap();
        let mut f = vec![at(SSH, "eu-west-1", "sg-1", Status::Fail, Severity::High)];
        let warnings = list.apply(
            &mut f,
            |_| None,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        );
        assert_eq!(f[0].muted.as_ref().unwrap().rule, "wide");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("(1 finding it matches reported)"),
            "{warnings:?}"
        );
    }

    // Expressions too large to compile together are split into sets that fit, and match
    // as before.
    #[test]
    fn expressions_too_large_together_are_split() {
        let expressions: Vec<String> = (0..64).map(|i| format!(r"^(?:\w{{20}}-{i})$")).collect();
        let refs: Vec<&str> = expressions.iter().map(String::as_str).collect();
        let owner: Vec<usize> = (0..64).collect();
        let field = RegexField::compile(&refs, &owner, 2_000_000).unwrap();
        assert!(field.sets.len() > 1, "{}", field.sets.len());
        assert_eq!(field.sets.iter().map(|(s, _)| s.len()).sum::<usize>(), 64);
        let mut hit = vec![false; 64];
        field.mark(&format!("{}-37", "é".repeat(20)), &mut hit);
        let hits: Vec<usize> = (0..64).filter(|&i| hit[i]).collect();
        assert_eq!(hits, [37]);
    }

    // An expression too large even alone is refused, naming its rule.
    #[test]
    fn an_expression_too_large_alone_names_its_rule() {
        let e = RegexField::compile(&["^(?:a)$", r"^(?:\w{50})$"], &[0, 6], 100_000).unwrap_err();
        assert!(
            e.starts_with("the regular expression of rule 7 cannot be compiled:"),
            "{e}"
        );
    }
}
