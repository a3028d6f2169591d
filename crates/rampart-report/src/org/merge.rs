//! `rampart merge`: the reports of the shards of one run (or of separate runs over
//! different accounts) joined into one organization report.

use super::{AccountEntry, AccountOutcome, OrgHeader, OrgKind, OrgReport, Shard};
use crate::report::{ScanReport, Tool, FORMAT_VERSION};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// How strict [`merge`] is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// Join the shards given even when some shards of the split are missing (the result
    /// lists the shards it covers).
    pub allow_partial: bool,
}

/// Why reports could not be merged. Each message is one line that names the files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// No report was given.
    #[error("nothing to merge: no report given")]
    Empty,
    /// One account is in two reports.
    #[error("account {account} is in both {} and {}", first.display(), second.display())]
    DuplicateAccount {
        /// The account id.
        account: String,
        /// The file it was first found in.
        first: PathBuf,
        /// The file it was found in again.
        second: PathBuf,
    },
    /// The reports are of different organizations.
    #[error(
        "{} is of organization {first_id} but {} is of organization {second_id}",
        first.display(),
        second.display()
    )]
    DifferentOrganizations {
        /// A file.
        first: PathBuf,
        /// Its organization.
        first_id: String,
        /// A file of another organization.
        second: PathBuf,
        /// That organization.
        second_id: String,
    },
    /// The same shard is in two reports.
    #[error("shard {shard} is in both {} and {}", first.display(), second.display())]
    DuplicateShard {
        /// The shard.
        shard: Shard,
        /// The file it was first found in.
        first: PathBuf,
        /// The file it was found in again.
        second: PathBuf,
    },
    /// Shards of splits in different numbers of shards.
    #[error(
        "shards of different splits: {} has shard {first_shard} but {} has shard \
         {second_shard}",
        first.display(),
        second.display()
    )]
    MixedShardCounts {
        /// A file.
        first: PathBuf,
        /// One of its shards.
        first_shard: Shard,
        /// A file of another split.
        second: PathBuf,
        /// One of its shards.
        second_shard: Shard,
    },
    /// A shard report mixed with a report that is not a shard.
    #[error(
        "{} is shard {shard} of a split but {} is not a shard report",
        sharded.display(),
        unsharded.display()
    )]
    ShardedAndNot {
        /// A shard report.
        sharded: PathBuf,
        /// Its shard.
        shard: Shard,
        /// A report that is not a shard.
        unsharded: PathBuf,
    },
    /// Shards of the split are missing (and partial results were not allowed).
    #[error("{} missing (pass --allow-partial to merge the shards given)", missing_list(.missing))]
    MissingShards {
        /// The shards not given.
        missing: Vec<Shard>,
    },
    /// A report lists a scanned account without its report, or a report of an account it
    /// does not list as scanned.
    #[error("{}: {problem}", path.display())]
    Inconsistent {
        /// The file.
        path: PathBuf,
        /// What does not match.
        problem: String,
    },
}

fn missing_list(missing: &[Shard]) -> String {
    let list: Vec<String> = missing.iter().map(Shard::to_string).collect();
    match list.len() {
        1 => format!("shard {}", list[0]),
        _ => format!("shards {}", list.join(", ")),
    }
}

/// The reports in `inputs` (each with the file it was read from, for the messages) joined
/// into one: accounts and reports unioned and sorted by account id, the summary totalled
/// again, `started_at` the earliest and `finished_at` the latest. When the inputs are
/// every shard of a split, the result is the whole run and lists no shards; with
/// `options.allow_partial` and shards missing, it lists the shards it covers.
///
/// Refused: an account in two inputs (except an account skipped, with the same entry, in
/// both: a shard may list the accounts it left out on purpose); inputs of different
/// organizations; the same shard twice; shards of splits in different numbers; a shard with
/// a report that is not one; and, unless `options.allow_partial`, a split with shards
/// missing. An input whose reports do not match its scanned accounts is refused too.
pub fn merge(
    inputs: Vec<(PathBuf, OrgReport)>,
    options: MergeOptions,
) -> Result<OrgReport, MergeError> {
    if inputs.is_empty() {
        return Err(MergeError::Empty);
    }
    for (path, report) in &inputs {
        consistent(path, report)?;
    }
    let organization_id = same(&inputs, |h| h.organization_id.as_deref())?;
    let management_account_id = same(&inputs, |h| h.management_account_id.as_deref())?;
    let shards = shards(&inputs, options)?;

    let mut accounts: BTreeMap<String, (usize, AccountEntry)> = BTreeMap::new();
    let mut reports: BTreeMap<String, ScanReport> = BTreeMap::new();
    let started_at = inputs.iter().map(|(_, r)| r.header.started_at).min();
    let finished_at = inputs.iter().map(|(_, r)| r.header.finished_at).max();
    for (i, (path, report)) in inputs.iter().enumerate() {
        for entry in &report.header.accounts {
            if let Some((first, existing)) = accounts.get(&entry.account_id) {
                let both_skipped = matches!(entry.outcome, AccountOutcome::Skipped { .. });
                if both_skipped && existing == entry {
                    continue;
                }
                return Err(MergeError::DuplicateAccount {
                    account: entry.account_id.clone(),
                    first: inputs[*first].0.clone(),
                    second: path.clone(),
                });
            }
            accounts.insert(entry.account_id.clone(), (i, entry.clone()));
        }
    }
    for (_, report) in inputs {
        for r in report.reports {
            reports.insert(r.account_id.clone(), r);
        }
    }
    let accounts: Vec<AccountEntry> = accounts.into_values().map(|(_, e)| e).collect();
    let header = OrgHeader {
        format_version: FORMAT_VERSION,
        tool: Tool::current(),
        kind: OrgKind::Organization,
        organization_id,
        management_account_id,
        started_at: started_at.expect("inputs is not empty"),
        finished_at: finished_at.expect("inputs is not empty"),
        shards,
        summary: OrgHeader::total(&accounts),
        accounts,
    };
    Ok(OrgReport {
        header,
        reports: reports.into_values().collect(),
    })
}

/// The one value of a header field that the inputs give (inputs without it agree with
/// any), or an error naming two files that differ.
fn same(
    inputs: &[(PathBuf, OrgReport)],
    field: impl Fn(&OrgHeader) -> Option<&str>,
) -> Result<Option<String>, MergeError> {
    let mut found: Option<(&Path, &str)> = None;
    for (path, report) in inputs {
        let Some(value) = field(&report.header) else {
            continue;
        };
        match found {
            None => found = Some((path, value)),
            Some((first, first_id)) if first_id != value => {
                return Err(MergeError::DifferentOrganizations {
                    first: first.to_owned(),
                    first_id: first_id.to_owned(),
                    second: path.clone(),
                    second_id: value.to_owned(),
                })
            }
            Some(_) => {}
        }
    }
    Ok(found.map(|(_, v)| v.to_owned()))
}

/// The shards the inputs cover, sorted, checked as [`merge`] says.
fn shards(
    inputs: &[(PathBuf, OrgReport)],
    options: MergeOptions,
) -> Result<Vec<Shard>, MergeError> {
    let mut seen: BTreeMap<Shard, &Path> = BTreeMap::new();
    let mut unsharded: Option<&Path> = None;
    for (path, report) in inputs {
        if report.header.shards.is_empty() {
            unsharded.get_or_insert(path);
        }
        for &shard in &report.header.shards {
            if let Some(first) = seen.get(&shard) {
                return Err(MergeError::DuplicateShard {
                    shard,
                    first: first.to_path_buf(),
                    second: path.clone(),
                });
            }
            if let Some((&other, first)) = seen.iter().find(|(s, _)| s.count != shard.count) {
                return Err(MergeError::MixedShardCounts {
                    first: first.to_path_buf(),
                    first_shard: other,
                    second: path.clone(),
                    second_shard: shard,
                });
            }
            seen.insert(shard, path);
        }
    }
    let Some((&any, sharded)) = seen.iter().next() else {
        return Ok(Vec::new());
    };
    if let Some(unsharded) = unsharded {
        return Err(MergeError::ShardedAndNot {
            sharded: sharded.to_path_buf(),
            shard: any,
            unsharded: unsharded.to_owned(),
        });
    }
    let missing: Vec<Shard> = (1..=any.count)
        .map(|index| Shard {
            index,
            count: any.count,
        })
        .filter(|s| !seen.contains_key(s))
        .collect();
    if missing.is_empty() {
        // Every shard of the split: the whole run, as if it had not been split.
        return Ok(Vec::new());
    }
    if !options.allow_partial {
        return Err(MergeError::MissingShards { missing });
    }
    Ok(seen.into_keys().collect())
}

/// Whether an input's reports are exactly those of its scanned accounts.
fn consistent(path: &Path, report: &OrgReport) -> Result<(), MergeError> {
    let scanned: BTreeSet<&str> = report
        .header
        .scanned()
        .map(|a| a.account_id.as_str())
        .collect();
    let with_report: BTreeSet<&str> = report
        .reports
        .iter()
        .map(|r| r.account_id.as_str())
        .collect();
    let problem = if let Some(a) = scanned.difference(&with_report).next() {
        format!("account {a} is listed as scanned but its report is missing")
    } else if let Some(a) = with_report.difference(&scanned).next() {
        format!("holds a report of account {a}, which it does not list as scanned")
    } else if with_report.len() != report.reports.len() {
        "holds two reports of one account".to_owned()
    } else {
        return Ok(());
    };
    Err(MergeError::Inconsistent {
        path: path.to_owned(),
        problem,
    })
}
