//! Scans of many accounts: every account of an AWS Organization (`--organization`, `--ou`)
//! or of an accounts file (`--accounts-file`), a few at a time, within one request budget.
//!
//! Each account is read, evaluated and written to the run folder as soon as it is read, and
//! its inventory dropped: memory does not grow with the number of accounts. An account is
//! finished when its entry file is in the run folder (written atomically, after its report),
//! so a run killed at any moment (even `kill -9`) continues with `--resume` and reads only
//! the accounts it had not finished. The reports of the whole run are rendered at the end
//! by streaming the finished accounts from the folder, one at a time.
//!
//! `--shard K/N` keeps the accounts whose id hashes to K (SHA-256 of the id, modulo N), so N
//! processes split an Organization without talking to each other; Organization-level checks
//! run only in the management account, which is in exactly one shard.

use crate::cli::{AccountArgs, FleetArgs};
use crate::commands::{call_policy, create_dir, nothing_read, services_for};
use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, Utc};
use rampart_checks::Selection;
use rampart_collect::{AccountSession, Caller, CollectError, ConnectOptions, RoleSpec};
use rampart_inventory::{Collected, Inventory};
use rampart_output::terminal_safe;
use rampart_report::{AccountEntry as OrgAccount, AccountOutcome, OrgHeader, ScanReport, Shard};
use rampart_triage::AccountsFile;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The glibc setting that keeps memory flat over many accounts, and its value.
pub(crate) const MMAP_THRESHOLD: (&str, &str) = ("MALLOC_MMAP_THRESHOLD_", "131072");

/// Whether a command line scans or collects many accounts and should run with a fixed
/// glibc mmap threshold, not yet set (`env`): glibc raises its threshold after freeing a
/// large block, so each account's large responses (IAM details of several MB) are then
/// carved from the heap and fragment it, and peak RSS creeps up with the number of
/// accounts though the live heap does not (heaptrack: 22.6 MiB of heap at 90 MiB RSS for
/// 101 accounts; with the threshold fixed, 10 and 100 accounts peak at 58.3 and 60.0 MiB).
pub(crate) fn wants_fixed_mmap_threshold(
    args: &[std::ffi::OsString],
    env: Option<std::ffi::OsString>,
) -> bool {
    let fleet = args.iter().skip(1).any(|a| {
        let a = a.to_string_lossy();
        a == "--organization" || a == "--accounts-file" || a.starts_with("--accounts-file=")
    });
    fleet && env.is_none()
}

/// `--shard K/N`.
pub(crate) fn parse_shard(value: &str) -> Result<Shard> {
    let parsed = value
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?)));
    match parsed {
        Some((k, n)) if n >= 1 && (1..=n).contains(&k) => Ok(Shard { index: k, count: n }),
        Some((k, n)) if n >= 1 => {
            bail!("--shard {value}: shard {k} does not exist in a split into {n} (use 1/{n} to {n}/{n})")
        }
        _ => bail!("--shard {value}: expected K/N with 1 <= K <= N, such as 2/4"),
    }
}

/// The shard (1-based) an account belongs to in a split into `count`: the first eight bytes
/// of SHA-256 of its id, modulo `count`. The same on every machine and every run.
pub(crate) fn shard_of(account_id: &str, count: u32) -> u32 {
    let digest = Sha256::digest(account_id.as_bytes());
    let n = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    (n % u64::from(count.max(1))) as u32 + 1
}

/// An account to scan, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Target {
    /// 12-digit id.
    pub id: String,
    /// Its name (the Organization's, the accounts file's, or the id).
    pub name: String,
    /// Tags from the accounts file.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The role to assume; `None` for the caller's own account.
    pub role_arn: Option<String>,
    /// `sts:ExternalId` for the role.
    pub external_id: Option<String>,
    /// Regions to read (empty: the account's enabled regions, narrowed by `--region`).
    #[serde(default)]
    pub regions: Vec<String>,
    /// Why the account is not read (suspended, closed...), if it is not.
    pub skip: Option<String>,
    /// Whether the Organization-level checks run in it (the management account).
    #[serde(default)]
    pub organization_level: bool,
}

/// The accounts of a run and where they come from, kept in the run folder (`run.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunManifest {
    /// What identifies the run's options; `--resume` refuses a folder of other options.
    key: String,
    started_at: DateTime<Utc>,
    organization_id: Option<String>,
    management_account_id: Option<String>,
    shard: Option<Shard>,
    targets: Vec<Target>,
}

/// How each account's data is used once read: evaluated into a report (`scan`), or saved
/// as a snapshot (`collect`).
pub(crate) trait AccountWork: Send + Sync + 'static {
    /// The selection of checks for an account: every check in the management account,
    /// the account-level ones elsewhere.
    fn selection(&self, organization_level: bool) -> Selection;
    /// The `unused_credentials_days` the accounts are evaluated with: the users with a key
    /// idle that long have their keys listed, for `rampart fix`.
    fn idle_key_days(&self) -> i64;
    /// Turn the account's inventory into its report (and write what else is asked for).
    fn finish(&self, target: &Target, inventory: Inventory) -> Result<ScanReport>;
}

/// The accounts asked for, before `--shard`.
async fn resolve_targets(
    fleet: &FleetArgs,
    accounts_file: Option<AccountsFile>,
    caller: &Caller,
    caller_account: &str,
) -> Result<(Vec<Target>, Option<String>, Option<String>)> {
    let role_arn = |account: &str, partition: &str| {
        format!("arn:{partition}:iam::{account}:role/{}", fleet.role_name)
    };
    let mut targets = Vec::new();
    let (mut org_id, mut management) = (None, None);
    if fleet.organization {
        let listing = caller.organization(fleet.ou.as_deref()).await?;
        for a in listing.accounts {
            let skip = match a.state.as_str() {
                "ACTIVE" | "" => None,
                "SUSPENDED" => Some("the account is suspended".to_owned()),
                "PENDING_CLOSURE" => Some("the account is pending closure".to_owned()),
                "CLOSED" => Some("the account is closed".to_owned()),
                other => Some(format!("the account's state is {other}")),
            };
            let own = a.id == caller_account;
            targets.push(Target {
                role_arn: (!own).then(|| role_arn(&a.id, &listing.partition)),
                external_id: fleet.external_id.clone(),
                name: if a.name.is_empty() {
                    a.id.clone()
                } else {
                    a.name
                },
                organization_level: a.id == listing.management_account_id,
                id: a.id,
                tags: BTreeMap::new(),
                regions: Vec::new(),
                skip,
            });
        }
        org_id = Some(listing.organization_id);
        management = Some(listing.management_account_id);
    } else if let Some(file) = accounts_file {
        for a in file.accounts {
            let own = a.id == caller_account;
            targets.push(Target {
                role_arn: match a.role_arn {
                    Some(arn) => Some(arn),
                    None if own => None,
                    None => Some(role_arn(&a.id, "aws")),
                },
                external_id: a.external_id.or_else(|| fleet.external_id.clone()),
                name: a.name.unwrap_or_else(|| a.id.clone()),
                tags: a.tags,
                regions: a.regions,
                skip: None,
                organization_level: true,
                id: a.id,
            });
        }
    }
    for id in fleet.accounts.iter().chain(&fleet.exclude_accounts) {
        if !targets.iter().any(|t| &t.id == id) {
            let source = match &org_id {
                Some(o) => format!("organization {o}"),
                None => "the accounts file".to_owned(),
            };
            bail!("account {id} (--accounts / --exclude-accounts) is not in {source}");
        }
    }
    targets.retain(|t| fleet.accounts.is_empty() || fleet.accounts.contains(&t.id));
    targets.retain(|t| !fleet.exclude_accounts.contains(&t.id));
    targets.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((targets, org_id, management))
}

/// The run folder for a set of options: `--run-dir`, else one per options key in the user's
/// state directory.
fn run_dir(fleet: &FleetArgs, key: &str) -> Result<PathBuf> {
    if let Some(d) = &fleet.run_dir {
        return Ok(d.clone());
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .context("cannot find a state directory for the run (set HOME, or give --run-dir)")?;
    Ok(state.join("rampart/runs").join(key))
}

/// What a run is: the same key means `--resume` may continue it.
fn run_key(parts: &[String]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..8])
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text = std::fs::read(path)
        .with_context(|| format!("{}: cannot read", terminal_safe(&path.to_string_lossy())))?;
    serde_json::from_slice(&text).with_context(|| {
        format!(
            "{}: not a file of this run (corrupt?)",
            terminal_safe(&path.to_string_lossy())
        )
    })
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let bytes = serde_json::to_vec(value)?;
    rampart_output::write_file(path, &bytes)
        .with_context(|| format!("{}: cannot write", terminal_safe(&path.to_string_lossy())))
}

/// A run over many accounts, under way in its folder.
pub(crate) struct Run {
    dir: PathBuf,
    manifest: RunManifest,
}

/// The outcome of one run: the header of its report, and where the reports of its accounts
/// are.
pub(crate) struct Finished {
    run: Run,
    /// The header of the organization report.
    pub header: OrgHeader,
}

impl Finished {
    /// The scanned accounts' reports, one at a time, in account order.
    pub fn reports(&self) -> impl Iterator<Item = Result<ScanReport>> + '_ {
        self.header
            .accounts
            .iter()
            .filter(|a| matches!(a.outcome, AccountOutcome::Scanned { .. }))
            .map(|a| read_json::<ScanReport>(&self.run.report_path(&a.account_id)))
    }

    /// Mark the run complete: its reports are written.
    pub fn complete(&self) -> Result<()> {
        write_json(
            &self.run.dir.join("complete.json"),
            &self.header.finished_at,
        )
    }
}

impl Run {
    fn entry_path(&self, id: &str) -> PathBuf {
        self.dir.join("accounts").join(format!("{id}.entry.json"))
    }

    fn report_path(&self, id: &str) -> PathBuf {
        self.dir.join("accounts").join(format!("{id}.report.json"))
    }

    fn finished(&self, id: &str) -> Option<OrgAccount> {
        let path = self.entry_path(id);
        path.exists().then(|| read_json(&path).ok()).flatten()
    }
}

/// What identifies a run: its command and settings (`plan.key_parts`), the caller's account,
/// where the accounts come from and which, the shard, the role and the regions. `--resume`
/// continues only a run of the same identity.
fn run_identity(plan: &FleetPlan, caller_account: &str, shard: Option<Shard>) -> Vec<String> {
    let fleet = plan.fleet;
    let accounts_file = fleet.accounts_file.as_ref().map(|p| {
        (
            std::fs::canonicalize(p).unwrap_or(p.clone()),
            std::fs::read(p).ok(),
        )
    });
    let mut parts = plan.key_parts.clone();
    parts.extend([
        caller_account.to_owned(),
        format!("{:?} {:?} {accounts_file:?}", fleet.organization, fleet.ou),
        format!("{:?}/{:?}", fleet.accounts, fleet.exclude_accounts),
        format!("{shard:?}"),
        format!("{} {:?}", fleet.role_name, fleet.external_id),
        format!(
            "{:?}/{:?}",
            plan.account.regions, plan.account.exclude_regions
        ),
    ]);
    parts
}

/// Empty the run folder for a new run. A folder that is neither empty nor a run folder
/// (`run.json` in it) is refused: `--run-dir` may name a folder of the user's by mistake.
fn clear_run_folder(dir: &Path) -> Result<()> {
    let shown = || terminal_safe(&dir.to_string_lossy()).into_owned();
    let Ok(mut entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    if entries.next().is_none() {
        return Ok(());
    }
    if !dir.join("run.json").is_file() {
        bail!(
            "{}: not a rampart run folder (no run.json) and not empty; give --run-dir a new or empty folder",
            shown()
        );
    }
    std::fs::remove_dir_all(dir)
        .with_context(|| format!("{}: cannot clear the run folder", shown()))
}

/// Everything a fleet run needs from the command line.
pub(crate) struct FleetPlan<'a> {
    pub fleet: &'a FleetArgs,
    pub account: &'a AccountArgs,
    /// What else identifies the run (the check selection, the command).
    pub key_parts: Vec<String>,
    pub quiet: bool,
    /// Colour of the progress line (drawn only on a terminal).
    pub color: crate::cli::ColorChoice,
}

/// Read every account of the fleet (those not finished yet when resuming), each handed to
/// `work` as soon as it is read.
pub(crate) fn run(plan: &FleetPlan, work: Arc<dyn AccountWork>) -> Result<Finished> {
    let fleet = plan.fleet;
    let shard = fleet.shard.as_deref().map(parse_shard).transpose()?;
    // Bad input is reported before anything is asked of AWS.
    let accounts_file = fleet
        .accounts_file
        .as_deref()
        .map(AccountsFile::load)
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let caller = Caller::connect(&ConnectOptions {
            profile: plan.account.profile.clone(),
            endpoint_url: plan.account.endpoint_url.clone(),
            policy: call_policy(&plan.account.calls),
            time_source: None,
        })
        .await;
        let identity = caller.identity().await?;
        let key = run_key(&run_identity(plan, &identity.account_id, shard));
        let dir = run_dir(fleet, &key)?;
        let manifest_path = dir.join("run.json");
        let resumed: Option<RunManifest> = if fleet.resume && manifest_path.exists() {
            let m: RunManifest = read_json(&manifest_path)?;
            if m.key != key {
                bail!(
                    "--resume: the run in {} was started with other options; give the same options, or leave out --resume to start again",
                    terminal_safe(&dir.to_string_lossy())
                );
            }
            Some(m)
        } else {
            None
        };
        let manifest = match resumed {
            Some(m) => m,
            None => {
                if fleet.resume {
                    eprintln!(
                        "rampart: --resume: no interrupted run in {}; starting one",
                        terminal_safe(&dir.to_string_lossy())
                    );
                } else if manifest_path.exists() && !dir.join("complete.json").exists() {
                    eprintln!(
                        "rampart: an interrupted run in {} is started again (--resume continues one)",
                        terminal_safe(&dir.to_string_lossy())
                    );
                }
                let (mut targets, organization_id, management_account_id) =
                    resolve_targets(fleet, accounts_file, &caller, &identity.account_id).await?;
                if let Some(s) = shard {
                    targets.retain(|t| shard_of(&t.id, s.count) == s.index);
                }
                clear_run_folder(&dir)?;
                create_dir(&dir.join("accounts"), "run folder")?;
                let m = RunManifest {
                    key,
                    started_at: Utc::now(),
                    organization_id,
                    management_account_id,
                    shard,
                    targets,
                };
                write_json(&manifest_path, &m)?;
                m
            }
        };
        let run = Run { dir, manifest };
        let pending: Vec<Target> = run
            .manifest
            .targets
            .iter()
            .filter(|t| run.finished(&t.id).is_none())
            .cloned()
            .collect();
        let total = run.manifest.targets.len();
        if !plan.quiet {
            let in_shard = shard
                .map(|s| format!(" in shard {}/{}", s.index, s.count))
                .unwrap_or_default();
            eprintln!(
                "rampart: {total} account(s){in_shard}; {} to read; run folder {}",
                pending.iter().filter(|t| t.skip.is_none()).count(),
                terminal_safe(&run.dir.to_string_lossy())
            );
        }
        let bar = crate::progress::Bar::accounts(plan.color, pending.len());
        let run = Arc::new(run);
        let caller = Arc::new(caller);
        use futures::StreamExt;
        let results: Vec<Result<()>> = futures::stream::iter(pending)
            .map(|target| {
                let (run, caller, work) = (run.clone(), caller.clone(), work.clone());
                let fleet = fleet.clone();
                let account = plan.account.clone();
                let quiet = plan.quiet;
                let bar = bar.clone();
                async move {
                    let observer = bar.as_ref().map(|b| b.for_account());
                    let entry =
                        scan_account(&caller, &target, &fleet, &account, &run, work, observer)
                            .await?;
                    if !quiet {
                        let name = terminal_safe(&target.name);
                        let outcome = describe(&entry.outcome);
                        let line = format!("rampart: account {} ({name}): {outcome}", target.id);
                        match &bar {
                            Some(b) => b.println(line),
                            None => eprintln!("{line}"),
                        }
                    }
                    if let Some(b) = &bar {
                        b.account_done();
                    }
                    write_json(&run.entry_path(&target.id), &entry)
                }
            })
            .buffer_unordered(fleet.account_concurrency.max(1))
            .collect()
            .await;
        if let Some(b) = &bar {
            b.finish();
        }
        results.into_iter().collect::<Result<Vec<()>>>()?;
        let run = Arc::try_unwrap(run).map_err(|_| anyhow::anyhow!("run still shared"))?;
        let accounts: Vec<OrgAccount> = run
            .manifest
            .targets
            .iter()
            .map(|t| {
                run.finished(&t.id)
                    .with_context(|| format!("account {} has no result in the run folder", t.id))
            })
            .collect::<Result<_>>()?;
        let mut header = OrgHeader::new(accounts, run.manifest.started_at, Utc::now());
        header.organization_id = run.manifest.organization_id.clone();
        header.management_account_id = run.manifest.management_account_id.clone();
        header.shards = run.manifest.shard.into_iter().collect();
        Ok(Finished { run, header })
    })
}

/// A member of an Organization may not read the organization policies that apply to it
/// (and a scan of account-level checks does not ask); the management account (the caller
/// of an Organization scan) reads them for it, for the policy engine of the IAM checks. The
/// member's own denial is then no longer a gap of its inventory.
async fn fill_org_policies(caller: &Caller, inventory: &mut Inventory) {
    if !matches!(
        inventory.organizations.applied_policies,
        Collected::Missing(_)
    ) {
        return;
    }
    if let Collected::Ok(applied) = caller.applied_org_policies(&inventory.account.id).await {
        inventory.organizations.applied_policies = Collected::Ok(Some(applied));
        inventory.errors.retain(|e| {
            !(e.gap.api == "organizations:ListParents"
                || e.gap.api == "organizations:ListPoliciesForTarget"
                || e.gap.api == "organizations:DescribePolicy"
                || e.gap.api == "organizations:DescribeOrganizationalUnit")
        });
    }
}

fn describe(outcome: &AccountOutcome) -> String {
    match outcome {
        AccountOutcome::Scanned { summary, .. } => format!(
            "{} finding(s), {} failing, {} error(s)",
            summary.total, summary.fail, summary.error
        ),
        AccountOutcome::Error { reason } => format!("ERROR: {}", terminal_safe(reason)),
        AccountOutcome::Skipped { reason } => format!("skipped: {}", terminal_safe(reason)),
    }
}

/// Read one account and hand it to `work`; an account that cannot be read is an Error
/// entry with the reason, never a crash of the run.
async fn scan_account(
    caller: &Caller,
    target: &Target,
    fleet: &FleetArgs,
    account: &AccountArgs,
    run: &Run,
    work: Arc<dyn AccountWork>,
    progress: Option<Arc<dyn rampart_collect::Observer>>,
) -> Result<OrgAccount> {
    let entry = |outcome| OrgAccount {
        account_id: target.id.clone(),
        name: target.name.clone(),
        tags: target.tags.clone(),
        outcome,
    };
    if let Some(reason) = &target.skip {
        return Ok(entry(AccountOutcome::Skipped {
            reason: reason.clone(),
        }));
    }
    let session: AccountSession = match &target.role_arn {
        // The caller's own account (or an accounts-file entry without a role).
        None => caller.session(),
        Some(role_arn) => {
            let role = RoleSpec {
                role_arn: role_arn.clone(),
                external_id: target.external_id.clone(),
                session_name: fleet.role_session_name.clone(),
                duration: Duration::from_secs(fleet.role_duration),
            };
            match caller.assume(&role).await {
                Ok(s) => s,
                Err(e) => {
                    return Ok(entry(AccountOutcome::Error {
                        reason: e.to_string(),
                    }))
                }
            }
        }
    };
    let selection = work.selection(target.organization_level);
    let opts = rampart_collect::Options {
        regions: if target.regions.is_empty() {
            account.regions.clone()
        } else {
            target.regions.clone()
        },
        exclude_regions: account.exclude_regions.clone(),
        services: services_for(&selection),
        region_concurrency: account.region_concurrency,
        policy: call_policy(&account.calls),
        progress,
        idle_key_days: work.idle_key_days(),
        ..rampart_collect::Options::default()
    };
    let mut inventory = match rampart_collect::collect_account(&session, &opts).await {
        Ok(inv) => inv,
        Err(e @ CollectError::RegionSelection { .. }) => {
            return Ok(entry(AccountOutcome::Error {
                reason: e.to_string().replace('\n', "; "),
            }))
        }
        Err(e) => {
            return Ok(entry(AccountOutcome::Error {
                reason: e.to_string().lines().next().unwrap_or_default().to_owned(),
            }))
        }
    };
    if inventory.account.id != target.id {
        return Ok(entry(AccountOutcome::Error {
            reason: format!(
                "the credentials for account {} are of account {}",
                target.id, inventory.account.id
            ),
        }));
    }
    if fleet.organization && opts.services.contains(&rampart_collect::Service::Iam) {
        fill_org_policies(caller, &mut inventory).await;
    }
    if let Some(why) = nothing_read(&inventory) {
        return Ok(entry(AccountOutcome::Error {
            reason: format!("nothing could be read: {why}"),
        }));
    }
    let report_path = run.report_path(&target.id);
    let target = target.clone();
    let outcome = tokio::task::spawn_blocking(move || -> Result<AccountOutcome> {
        let report = work.finish(&target, inventory)?;
        let outcome = AccountOutcome::of(&report);
        write_json(&report_path, &report)?;
        Ok(outcome)
    })
    .await
    .context("an account's evaluation stopped")??;
    Ok(entry(outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 10: `--shard K/N` is checked, and a bad one says why.
    #[test]
    fn shards_are_parsed_and_checked() {
        assert_eq!(parse_shard("2/4").unwrap(), Shard { index: 2, count: 4 });
        assert_eq!(parse_shard("1/1").unwrap(), Shard { index: 1, count: 1 });
        let e = parse_shard("5/4").unwrap_err().to_string();
        assert!(
            e.contains("shard 5 does not exist in a split into 4"),
            "{e}"
        );
        for bad in ["0/4", "4", "a/b", "1/0", "-1/4"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    // Issue 10: memory flat in the number of accounts: only runs over many accounts are
    // started again with the threshold, and only once.
    #[test]
    fn only_fleet_runs_fix_the_mmap_threshold() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert!(wants_fixed_mmap_threshold(
            &args(&["rampart", "scan", "--organization"]),
            None
        ));
        assert!(wants_fixed_mmap_threshold(
            &args(&["rampart", "collect", "--accounts-file=a.yaml", "--out", "d"]),
            None
        ));
        assert!(!wants_fixed_mmap_threshold(
            &args(&["rampart", "scan", "--organization"]),
            Some("131072".into())
        ));
        assert!(!wants_fixed_mmap_threshold(
            &args(&["rampart", "scan", "--region", "us-east-1"]),
            None
        ));
        assert!(
            !wants_fixed_mmap_threshold(&args(&["--organization"]), None),
            "argv[0] is not an option"
        );
    }

    // Issue 10: a new run empties its folder, but never a folder of the user's that
    // `--run-dir` names by mistake.
    #[test]
    fn only_a_run_folder_is_cleared() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("new");
        clear_run_folder(&missing).unwrap();
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        clear_run_folder(&empty).unwrap();
        assert!(empty.exists());
        let mine = tmp.path().join("reports");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("q3.pdf"), "keep").unwrap();
        let e = clear_run_folder(&mine).unwrap_err().to_string();
        assert!(e.contains("not a rampart run folder"), "{e}");
        assert!(mine.join("q3.pdf").exists());
        let run = tmp.path().join("run");
        std::fs::create_dir_all(run.join("accounts")).unwrap();
        std::fs::write(run.join("run.json"), "{}").unwrap();
        clear_run_folder(&run).unwrap();
        assert!(!run.exists());
    }

    // Issue 10: the split is deterministic and covers every account exactly once, and is
    // roughly even.
    #[test]
    fn every_account_is_in_exactly_one_shard() {
        let ids: Vec<String> = (0..1000)
            .map(|i| format!("{:012}", 100_000_000_000u64 + i * 7919))
            .collect();
        let mut sizes = [0usize; 4];
        for id in &ids {
            let k = shard_of(id, 4);
            assert!((1..=4).contains(&k));
            assert_eq!(k, shard_of(id, 4), "deterministic");
            sizes[k as usize - 1] += 1;
        }
        assert_eq!(sizes.iter().sum::<usize>(), 1000);
        assert!(sizes.iter().all(|&n| (200..300).contains(&n)), "{sizes:?}");
        // Fixed values: the split must not change between versions (machines of one run
        // may run different builds).
        assert_eq!(shard_of("111122223333", 4), shard_of("111122223333", 4));
        assert_eq!(shard_of("123456789012", 1), 1);
    }
}
