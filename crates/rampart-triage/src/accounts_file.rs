//! The accounts file (`--accounts-file accounts.yaml`): the accounts to scan and how to reach
//! them, for people who scan many accounts without AWS Organizations access.
//!
//! ```yaml
//! accounts:
//!   - id: "111122223333"
//!     role_arn: arn:aws:iam::111122223333:role/SecurityAudit
//!     name: prod
//!     regions: [us-east-1, eu-west-1]
//!     external_id: 8c1f...
//!     tags: {env: prod, team: payments}
//! ```
//!
//! `id` is required; `role_arn` defaults to `--role-name` in the account (the caller's own
//! account is read with the caller's credentials); `regions` defaults to the account's
//! enabled regions (narrowed by `--region`); `external_id` defaults to `--external-id`.
//! Errors name the file, line, column and key.

use crate::error::TriageError;
use crate::mutelist::yaml_error;
use crate::validated::{self, FromScalar};
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// One account of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEntry {
    /// 12-digit id.
    pub id: String,
    /// The role to assume in it, when given.
    pub role_arn: Option<String>,
    /// A name to show in reports (default: the id).
    pub name: Option<String>,
    /// Regions to read (empty: the account's enabled regions).
    pub regions: Vec<String>,
    /// `sts:ExternalId` for this account's role.
    pub external_id: Option<String>,
    /// Tags shown in reports.
    pub tags: BTreeMap<String, String>,
}

/// The accounts of an accounts file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountsFile {
    /// The accounts.
    pub accounts: Vec<AccountEntry>,
}

impl AccountsFile {
    /// Read and validate `path`.
    pub fn load(path: &Path) -> Result<AccountsFile, TriageError> {
        let text = std::fs::read_to_string(path).map_err(|source| TriageError::Read {
            path: path.to_owned(),
            what: "accounts file",
            source,
        })?;
        AccountsFile::parse(&text, path)
    }

    /// Parse and validate an accounts file's text; `path` names the file in errors.
    ///
    /// Refused, with the line and column: malformed YAML, an unknown key, an id that is not
    /// 12 digits, an id given twice, a role ARN that is not an IAM role of that account,
    /// an empty region, name or tag key, and a file with no account.
    pub fn parse(text: &str, path: &Path) -> Result<AccountsFile, TriageError> {
        let de = yaml_serde::Deserializer::from_str(text);
        let raw: RawFile =
            serde_path_to_error::deserialize(de).map_err(|e| yaml_error(text, path, e))?;
        let invalid = |message: String| {
            let (line, column) = locate(text, &message);
            TriageError::Invalid {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        };
        if raw.accounts.is_empty() {
            return Err(invalid("accounts: the file lists no account".into()));
        }
        let mut seen = HashSet::new();
        let mut accounts = Vec::new();
        for (i, a) in raw.accounts.into_iter().enumerate() {
            let id = a.id.0;
            if !seen.insert(id.clone()) {
                return Err(invalid(format!(
                    "accounts[{i}].id: account {id} is listed twice"
                )));
            }
            if let Some(RoleArn(arn)) = &a.role_arn {
                let owner = arn.split(':').nth(4).unwrap_or_default();
                if owner != id {
                    return Err(invalid(format!(
                        "accounts[{i}].role_arn: {arn} is a role of account {owner}, not of account {id}"
                    )));
                }
            }
            accounts.push(AccountEntry {
                id,
                role_arn: a.role_arn.map(|r| r.0),
                name: a.name.map(|n| n.0),
                regions: a.regions.into_iter().map(|r| r.0).collect(),
                external_id: a.external_id.map(|n| n.0),
                tags: a.tags.into_iter().map(|(k, v)| (k, v.0)).collect(),
            });
        }
        Ok(AccountsFile { accounts })
    }
}

/// Where the value a validation message quotes appears first (1-based line and column),
/// else the start of the file.
fn locate(text: &str, message: &str) -> (usize, usize) {
    let quoted = message
        .split_whitespace()
        .find(|w| validated::is_account_id(w) || w.starts_with("arn:"));
    let Some(needle) = quoted else {
        return (1, 1);
    };
    let needle = needle.trim_end_matches(',');
    let mut hits = text.lines().enumerate().filter_map(|(n, line)| {
        line.find(needle)
            .map(|c| (n + 1, line[..c].chars().count() + 1))
    });
    // An id listed twice: its second place.
    let nth = usize::from(message.contains("listed twice"));
    hits.nth(nth).unwrap_or((1, 1))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    accounts: Vec<RawAccount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    #[serde(deserialize_with = "validated::scalar")]
    id: AccountId,
    #[serde(default, deserialize_with = "some")]
    role_arn: Option<RoleArn>,
    #[serde(default, deserialize_with = "some")]
    name: Option<NonEmpty>,
    #[serde(default)]
    regions: Vec<Region>,
    #[serde(default, deserialize_with = "some")]
    external_id: Option<NonEmpty>,
    #[serde(default)]
    tags: BTreeMap<String, TagValue>,
}

fn some<'de, T: FromScalar, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    validated::scalar(d).map(Some)
}

struct AccountId(String);

impl FromScalar for AccountId {
    const EXPECTING: &'static str = "a 12-digit account id";
    fn from_str(s: &str) -> Result<Self, String> {
        if validated::is_account_id(s) {
            Ok(AccountId(s.to_owned()))
        } else {
            Err(format!("`{s}` is not a 12-digit account id"))
        }
    }
    fn from_u64(n: u64) -> Result<Self, String> {
        Self::from_str(&validated::account_id_number(n)?)
    }
}

struct RoleArn(String);

impl FromScalar for RoleArn {
    const EXPECTING: &'static str = "an IAM role ARN";
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", partition, "iam", "", account, resource]
                if !partition.is_empty()
                    && validated::is_account_id(account)
                    && resource.starts_with("role/")
                    && resource.len() > 5 =>
            {
                Ok(RoleArn(s.to_owned()))
            }
            _ => Err(format!(
                "`{s}` is not an IAM role ARN (arn:aws:iam::111122223333:role/NAME)"
            )),
        }
    }
}

struct NonEmpty(String);

impl FromScalar for NonEmpty {
    const EXPECTING: &'static str = "a non-empty string";
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            Err("empty value".into())
        } else {
            Ok(NonEmpty(s.to_owned()))
        }
    }
}

struct Region(String);

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        validated::scalar(d)
    }
}

impl FromScalar for Region {
    const EXPECTING: &'static str = "a region name such as eu-west-1";
    fn from_str(s: &str) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && s.contains('-');
        if ok {
            Ok(Region(s.to_owned()))
        } else {
            Err(format!("`{s}` is not a region name (such as eu-west-1)"))
        }
    }
}

struct TagValue(String);

impl<'de> Deserialize<'de> for TagValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        validated::scalar(d)
    }
}

impl FromScalar for TagValue {
    const EXPECTING: &'static str = "a tag value";
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(TagValue(s.to_owned()))
    }
    fn from_u64(n: u64) -> Result<Self, String> {
        Ok(TagValue(n.to_string()))
    }
    fn from_bool(b: bool) -> Result<Self, String> {
        Ok(TagValue(b.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<AccountsFile, String> {
        AccountsFile::parse(text, Path::new("accounts.yaml")).map_err(|e| e.to_string())
    }

    // Issue 10: an accounts file for people without Organizations access.
    #[test]
    fn a_valid_file_is_read_in_order() {
        let f = parse(
            "accounts:\n  - id: \"111122223333\"\n    role_arn: arn:aws:iam::111122223333:role/Audit\n    name: prod\n    regions: [us-east-1, eu-west-1]\n    tags: {env: prod, tier: 1}\n  - id: 444455556666\n    external_id: x-1\n",
        )
        .unwrap();
        assert_eq!(f.accounts.len(), 2);
        let prod = &f.accounts[0];
        assert_eq!(prod.id, "111122223333");
        assert_eq!(
            prod.role_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/Audit")
        );
        assert_eq!(prod.regions, ["us-east-1", "eu-west-1"]);
        assert_eq!(prod.tags["tier"], "1");
        assert_eq!(f.accounts[1].id, "444455556666");
        assert_eq!(f.accounts[1].external_id.as_deref(), Some("x-1"));
        assert!(f.accounts[1].role_arn.is_none());
    }

    // Issue 10: a malformed accounts file gets file:line:col and the key.
    #[test]
    fn errors_name_the_file_line_column_and_key() {
        let cases = [
            ("accounts:\n  - id: \"12345\"\n", "accounts.yaml:2:9: accounts[0].id: `12345` is not a 12-digit account id"),
            ("accounts:\n  - id: 12345678901\n", "accounts.yaml:2:9: accounts[0].id: account id 12345678901 is not 12 digits"),
            ("accounts:\n  - id: \"111122223333\"\n    role: x\n", "accounts.yaml:3:5: accounts[0].role: unknown field `role`"),
            ("accounts:\n  - id: \"111122223333\"\n    role_arn: arn:aws:iam::111122223333:user/bob\n", "accounts.yaml:3:15: accounts[0].role_arn: `arn:aws:iam::111122223333:user/bob` is not an IAM role ARN"),
            ("accounts:\n  - id: \"111122223333\"\n    role_arn: arn:aws:iam::444455556666:role/A\n", "accounts.yaml:3:15: accounts[0].role_arn: arn:aws:iam::444455556666:role/A is a role of account 444455556666, not of account 111122223333"),
            ("accounts:\n  - id: \"111122223333\"\n  - id: \"111122223333\"\n", "accounts.yaml:3:10: accounts[1].id: account 111122223333 is listed twice"),
            ("accounts:\n  - id: \"111122223333\"\n    regions: [\"EU West\"]\n", "accounts.yaml:3:15: accounts[0].regions[0]: `EU West` is not a region name"),
            ("accounts: []\n", "accounts.yaml:1:1: accounts: the file lists no account"),
            ("accounts:\n  - id: [\n", "accounts.yaml:2:9: accounts[0].id: invalid type: sequence"),
            ("accounts:\n  - id: \"1\n", "accounts.yaml:"),
        ];
        for (text, expected) in cases {
            let e = parse(text).unwrap_err();
            assert!(
                e.starts_with(expected),
                "{text:?}\n got: {e}\nwant: {expected}"
            );
        }
    }
}
