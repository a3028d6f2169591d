//! The organization report (issue 10): one report for a run over many accounts. An
//! [`OrgHeader`] says what is known before the per-account reports are read (the
//! organization, the shards, every account considered and its outcome, the totals);
//! [`render_org`] writes it in any [`ReportFormat`] while the accounts' [`ScanReport`]s
//! are streamed to it one at a time, so that memory stays flat in the number of accounts.
//! [`OrgReport`] is the whole of it in memory, as `--format json` writes it, read back by
//! [`OrgReport::load`] and joined from shard reports by [`merge`].

mod load;
mod merge;
mod render;

pub use load::LoadError;
pub use merge::{merge, MergeError, MergeOptions};
pub(crate) use render::OrgWriter;
pub use render::{render_org, OrgRenderError};

use crate::report::{ScanReport, Summary, Tool, FORMAT_VERSION};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A run over many accounts, without its per-account reports: what is known before the
/// reports are streamed. Serialized as the head of an organization JSON report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgHeader {
    /// Report format version ([`FORMAT_VERSION`] when written by this build).
    pub format_version: u32,
    /// The program that wrote the report.
    pub tool: Tool,
    /// Always [`OrgKind::Organization`] (`"organization"`): what tells an organization
    /// report from a single-account one, which has no `kind`.
    pub kind: OrgKind,
    /// The AWS Organizations id (`o-…`), when the accounts came from Organizations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The organization's management account, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_account_id: Option<String>,
    /// When the run started (UTC).
    pub started_at: DateTime<Utc>,
    /// When the run finished (UTC).
    pub finished_at: DateTime<Utc>,
    /// The shards this report covers, sorted; empty when the run was not sharded.
    #[serde(default)]
    pub shards: Vec<Shard>,
    /// Every account considered (scanned, unreadable or skipped), sorted by id. Accounts
    /// of other shards are not listed.
    pub accounts: Vec<AccountEntry>,
    /// Counts over the findings of every scanned account ([`OrgHeader::total`]).
    pub summary: Summary,
}

/// The `kind` of an organization report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    /// A report over the accounts of an organization (or of an accounts file).
    Organization,
}

/// One part of a run split with `--shard K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// K: which shard, from 1.
    pub index: u32,
    /// N: how many shards the run was split in.
    pub count: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One account considered by the run, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    /// 12-digit account id.
    pub account_id: String,
    /// The account's name in the organization (set by whoever controls the account: data,
    /// never trusted as markup).
    #[serde(default)]
    pub name: String,
    /// The account's tags in the organization (or the accounts file).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Scanned, unreadable or skipped.
    pub outcome: AccountOutcome,
}

/// What became of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum AccountOutcome {
    /// Read and evaluated: its [`ScanReport`] is in the report.
    Scanned {
        /// Counts over the account's findings (`Summary::of` its findings).
        summary: Summary,
        /// How many regions were read.
        regions_scanned: usize,
        /// How many API calls failed during collection (gaps in what checks could see).
        collection_errors: usize,
    },
    /// Could not be read at all (a role that cannot be assumed, …): every check of the
    /// account is in ERROR, and the account must never look clean.
    Error {
        /// Why, in one line.
        reason: String,
    },
    /// Not scanned on purpose: suspended, pending closure, excluded by a filter.
    Skipped {
        /// Why, in one line.
        reason: String,
    },
}

impl AccountOutcome {
    /// `scanned`, `error` or `skipped`, as serialized.
    pub fn status(&self) -> &'static str {
        match self {
            AccountOutcome::Scanned { .. } => "scanned",
            AccountOutcome::Error { .. } => "error",
            AccountOutcome::Skipped { .. } => "skipped",
        }
    }

    /// The outcome of an account whose report is `report`.
    pub fn of(report: &ScanReport) -> AccountOutcome {
        AccountOutcome::Scanned {
            summary: Summary::of(&report.findings),
            regions_scanned: report.regions_scanned.len(),
            collection_errors: report.collection_errors.len(),
        }
    }

    /// The reason of an unreadable or skipped account.
    pub fn reason(&self) -> Option<&str> {
        match self {
            AccountOutcome::Scanned { .. } => None,
            AccountOutcome::Error { reason } | AccountOutcome::Skipped { reason } => Some(reason),
        }
    }
}

impl AccountEntry {
    /// The entry of a scanned account, from its report.
    pub fn scanned(report: &ScanReport, name: impl Into<String>) -> AccountEntry {
        AccountEntry {
            account_id: report.account_id.clone(),
            name: name.into(),
            tags: BTreeMap::new(),
            outcome: AccountOutcome::of(report),
        }
    }

    /// The account's summary when it was scanned.
    pub fn summary(&self) -> Option<&Summary> {
        match &self.outcome {
            AccountOutcome::Scanned { summary, .. } => Some(summary),
            _ => None,
        }
    }
}

/// Accounts by outcome: what every format's headline says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountCounts {
    /// Read and evaluated.
    pub scanned: usize,
    /// Could not be read at all.
    pub error: usize,
    /// Skipped on purpose.
    pub skipped: usize,
}

impl OrgHeader {
    /// A header over `accounts` (sorted here by id), with the summary totalled from them,
    /// written by this build, not sharded and with no organization known.
    pub fn new(
        mut accounts: Vec<AccountEntry>,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
    ) -> OrgHeader {
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        OrgHeader {
            format_version: FORMAT_VERSION,
            tool: Tool::current(),
            kind: OrgKind::Organization,
            organization_id: None,
            management_account_id: None,
            started_at,
            finished_at,
            shards: Vec::new(),
            summary: OrgHeader::total(&accounts),
            accounts,
        }
    }

    /// Counts over the findings of every scanned account.
    pub fn total(accounts: &[AccountEntry]) -> Summary {
        let mut total = Summary::default();
        for s in accounts.iter().filter_map(AccountEntry::summary) {
            total.add(s);
        }
        total
    }

    /// How many accounts were scanned, unreadable and skipped.
    pub fn counts(&self) -> AccountCounts {
        let mut c = AccountCounts::default();
        for a in &self.accounts {
            match a.outcome {
                AccountOutcome::Scanned { .. } => c.scanned += 1,
                AccountOutcome::Error { .. } => c.error += 1,
                AccountOutcome::Skipped { .. } => c.skipped += 1,
            }
        }
        c
    }

    /// The scanned accounts, in id order: the reports [`render_org`] expects, in order.
    pub fn scanned(&self) -> impl Iterator<Item = &AccountEntry> {
        self.accounts
            .iter()
            .filter(|a| matches!(a.outcome, AccountOutcome::Scanned { .. }))
    }

    /// "shards 1/4, 3/4", or `None` when not sharded.
    pub fn shards_label(&self) -> Option<String> {
        if self.shards.is_empty() {
            return None;
        }
        let list: Vec<String> = self.shards.iter().map(Shard::to_string).collect();
        let word = if list.len() == 1 { "shard" } else { "shards" };
        Some(format!("{word} {}", list.join(", ")))
    }
}

/// A run over many accounts with every account's report: the organization JSON report
/// (`docs/json-report.md`, "Organization reports").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgReport {
    /// Everything but the reports.
    #[serde(flatten)]
    pub header: OrgHeader,
    /// The report of every scanned account, in account id order.
    pub reports: Vec<ScanReport>,
}

impl OrgReport {
    /// A single-account report as an organization report of that one scanned account
    /// (its name unknown: empty), started when it was collected and finished when it was
    /// evaluated.
    pub fn from_single(report: ScanReport) -> OrgReport {
        let entry = AccountEntry::scanned(&report, "");
        let mut header = OrgHeader::new(vec![entry], report.collected_at, report.evaluated_at);
        header.tool = report.tool.clone();
        OrgReport {
            header,
            reports: vec![report],
        }
    }
}

#[cfg(test)]
mod tests;

/// "1 AWS account", "3 AWS accounts": what a report of accounts outside a known
/// Organization is of.
pub(crate) fn accounts_phrase(n: usize) -> String {
    if n == 1 {
        "1 AWS account".to_owned()
    } else {
        format!("{n} AWS accounts")
    }
}
