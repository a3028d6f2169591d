//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Audit AWS accounts against security best practice and the CIS AWS Foundations
/// Benchmark: what is wrong, why it matters, and the command that fixes it.
#[derive(Debug, Parser)]
#[command(name = "rampart", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read an account (or a saved snapshot) and report what is wrong.
    Scan(Box<ScanArgs>),
    /// Read an account and save its inventory as a snapshot file, evaluated later with
    /// `rampart scan --snapshot FILE`.
    Collect(Box<CollectArgs>),
    /// List the checks.
    Checks(ChecksArgs),
    /// Find leaked credentials in files, git history, staged changes (`--staged`) or the
    /// commits of a push (`--range`); `install-hook` makes git refuse them. With
    /// `--snapshot` or `--live-keys`, say which AWS access keys found are live keys.
    Secrets(SecretsArgs),
    /// Join the JSON reports of `rampart scan --shard K/N` runs (or of single accounts)
    /// into one report.
    Merge(MergeArgs),
    /// List the scans kept in the store, with their counts and the trend per severity.
    History(HistoryArgs),
    /// What changed between two stored scans of an account: findings new, resolved,
    /// changed and unknown; resources added, removed and changed, field by field (default:
    /// the account's last two scans).
    Diff(DiffArgs),
    /// A resource as the store holds it: every revision, or the one in force `--at` a time.
    Show(ShowArgs),
    /// Remove stored scans older than `--keep` (each account's latest scan stays).
    Prune(PruneArgs),
    /// Scan on a schedule, keep each scan, and notify the `[[watch.targets]]` of
    /// rampart.toml (webhook, Slack, SNS) about new failures and risky changes.
    Watch(Box<WatchArgs>),
    /// Whether a principal may perform an action on a resource: allowed, denied or
    /// conditional, with the statements that decided it (IAM policy simulation, offline
    /// with `--snapshot`). Exit 0 allowed, 1 denied, 3 conditional.
    Can(Box<CanArgs>),
    /// Who can become an administrator: each principal's shortest privilege-escalation
    /// path, hop by hop, with the permission that makes each hop possible.
    Paths(Box<PathsArgs>),
    /// A narrowed policy for a principal, built from what Access Advisor says it used,
    /// with the services it removes and why, verified by the policy engine.
    Rightsize(Box<RightsizeArgs>),
    /// A plan that turns failing findings into passing ones: each step's API calls, the
    /// resource before and after, its risk (safe or disruptive) and the same change as `aws`
    /// commands, Terraform or CloudFormation. Nothing changes without `--apply`, which
    /// writes through `--fix-profile`, re-reads each resource first, records every change
    /// for `rampart undo`, and rescans what it touched.
    Fix(Box<FixArgs>),
    /// Restore what a change of `rampart fix --apply` changed (its id as `fix` printed it,
    /// or from `rampart fix --changes`), unless the resource changed since.
    Undo(Box<UndoArgs>),
    /// Print a check's documentation.
    Explain {
        /// Check id, such as `iam_root_mfa`.
        id: String,
    },
    /// Print a shell completion script, generated from rampart's own arguments; e.g.
    /// `rampart completions bash > ~/.local/share/bash-completion/completions/rampart`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page `rampart(1)` in roff (`rampart man | man -l -`), or with
    /// `--out-dir`, write it and one page per subcommand (`rampart-scan.1`, ...) there.
    Man {
        /// Write `rampart.1` and every subcommand's page to this folder.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

/// How `rampart fix` writes its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    /// Human-readable text.
    Text,
    /// The plan as JSON: what `--apply PLAN.json` reads back.
    Json,
    /// A bash script of `aws` commands (disruptive steps commented out unless
    /// `--include-disruptive`).
    Sh,
    /// Terraform HCL.
    Terraform,
    /// One CloudFormation template per region (`fix-<region>.template.json` in `--output`,
    /// a folder).
    Cloudformation,
}

/// `rampart fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Apply the plan: the reviewed plan file given (`rampart fix --format json > plan.json`),
    /// else a fresh plan. Asks before each risk class unless `--yes`.
    #[arg(long, value_name = "PLAN.json", num_args = 0..=1, default_missing_value = "")]
    pub apply: Option<PathBuf>,
    /// The AWS profile that writes (required with `--apply`): scans keep their read-only
    /// credentials.
    #[arg(long, value_name = "NAME")]
    pub fix_profile: Option<String>,
    /// Apply without asking.
    #[arg(long)]
    pub yes: bool,
    /// Also apply disruptive steps (those that may cut off traffic or a user).
    #[arg(long)]
    pub include_disruptive: bool,
    /// Plan from this snapshot instead of reading the account (no AWS access; not with
    /// `--apply`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["apply", "profile", "endpoint_url"])]
    pub snapshot: Option<PathBuf>,
    /// Plan only the findings that fail in this JSON report of an earlier scan (`rampart
    /// scan --format json`), over the account as it is now.
    #[arg(long, value_name = "FILE", conflicts_with = "last_scan")]
    pub report: Option<PathBuf>,
    /// Plan only the findings that failed in the account's last scan in the store.
    #[arg(long)]
    pub last_scan: bool,
    /// Only these accounts (the plan is for one account: the one the credentials reach, or
    /// the one of the report).
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub accounts: Vec<String>,
    /// Which checks to fix (by default every check that has a fixer).
    #[command(flatten)]
    pub select: SelectArgs,
    /// Account options.
    #[command(flatten)]
    pub account: AccountArgs,
    /// Where scans and changes are kept.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Settings file (default: ./rampart.toml if present): `[thresholds]`, `[fix]`, the
    /// mutelist.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Findings muted by this mutelist are not fixed.
    #[arg(long, value_name = "FILE")]
    pub mutelist: Option<PathBuf>,
    /// Plan format.
    #[arg(long, value_enum, default_value_t = FixFormat::Text)]
    pub format: FixFormat,
    /// Write the plan to this file (a folder for `cloudformation`) instead of standard
    /// output.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// The S3 bucket a new CloudTrail trail delivers to (`[fix] trail_bucket`).
    #[arg(long, value_name = "BUCKET")]
    pub trail_bucket: Option<String>,
    /// The S3 bucket an AWS Config delivery channel writes to (`[fix] config_bucket`).
    #[arg(long, value_name = "BUCKET")]
    pub config_bucket: Option<String>,
    /// An email address subscribed to the SNS topics rampart creates (`[fix] notify_email`).
    #[arg(long, value_name = "ADDRESS")]
    pub notify_email: Option<String>,
    /// The monthly spend in USD above which the billing alarm fires (`[fix]
    /// billing_limit_usd`).
    #[arg(long, value_name = "USD")]
    pub billing_limit: Option<f64>,
    /// Refuse to apply a plan file made from a snapshot older than this many hours.
    #[arg(long, value_name = "HOURS", default_value_t = 24)]
    pub max_plan_age: u32,
    /// List the changes `--apply` recorded for the account (with their ids for `rampart
    /// undo`) instead of planning.
    #[arg(long, conflicts_with_all = ["apply", "snapshot", "report", "last_scan"])]
    pub changes: bool,
    /// Colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `rampart undo`.
#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The change's id, as `rampart fix --apply` printed it.
    #[arg(value_name = "CHANGE_ID")]
    pub change: String,
    /// The AWS profile that writes (as for `fix --apply`).
    #[arg(long, value_name = "NAME")]
    pub fix_profile: Option<String>,
    /// Undo without asking, even when undoing loses data (a detector's findings).
    #[arg(long)]
    pub yes: bool,
    /// Account options (the read-only profile re-reads the resource first).
    #[command(flatten)]
    pub account: AccountArgs,
    /// Where the change was recorded.
    #[command(flatten)]
    pub store: StoreLocationArgs,
    /// Settings file (default: ./rampart.toml if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Where the IAM commands read the account: a snapshot, or the account itself.
#[derive(Debug, Args, Clone)]
pub struct IamSourceArgs {
    /// Read this snapshot (`rampart collect --out FILE`) instead of the account: no AWS
    /// access needed.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Account options (without `--snapshot`).
    #[command(flatten)]
    pub account: AccountArgs,
}

/// Output of the IAM commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IamFormat {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
}

/// `rampart can`.
#[derive(Debug, Args)]
pub struct CanArgs {
    /// The principal: its ARN, `user/NAME`, `role/NAME`, `root`, or a name.
    #[arg(value_name = "PRINCIPAL")]
    pub principal: String,
    /// The action, `service:Action` (`s3:GetObject`; wildcards allowed).
    #[arg(value_name = "ACTION")]
    pub action: String,
    /// The resource's ARN (default `*`: every resource).
    #[arg(value_name = "RESOURCE")]
    pub resource: Option<String>,
    /// A condition key's value for the request, `KEY=VALUE` (repeatable:
    /// `--context aws:SourceIp=203.0.113.7 --context aws:MultiFactorAuthPresent=true`);
    /// `KEY=` states that the key is absent. Keys not given are unknown, and conditions on
    /// them make the answer conditional.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Where to read the account.
    #[command(flatten)]
    pub source: IamSourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = IamFormat::Text)]
    pub format: IamFormat,
}

/// `rampart paths`.
#[derive(Debug, Args)]
pub struct PathsArgs {
    /// What the paths lead to (only `admin` today).
    #[arg(long, value_name = "TARGET", default_value = "admin")]
    pub to: String,
    /// Only this principal's path (ARN, `user/NAME`, `role/NAME` or a name).
    #[arg(long, value_name = "PRINCIPAL")]
    pub from: Option<String>,
    /// Where to read the account.
    #[command(flatten)]
    pub source: IamSourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = IamFormat::Text)]
    pub format: IamFormat,
}

/// `rampart rightsize`.
#[derive(Debug, Args)]
pub struct RightsizeArgs {
    /// The user or role (ARN, `user/NAME`, `role/NAME` or a name).
    #[arg(value_name = "PRINCIPAL")]
    pub principal: String,
    /// Services not used for this many days are removed (default: `[thresholds]
    /// unused_service_days`, else 90).
    #[arg(long, value_name = "N")]
    pub days: Option<i64>,
    /// Settings file (default: `rampart.toml` in the working directory, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where to read the account.
    #[command(flatten)]
    pub source: IamSourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = IamFormat::Text)]
    pub format: IamFormat,
}

/// Where the account is read from.
#[derive(Debug, Args, Clone)]
pub struct AccountArgs {
    /// Named AWS profile (else the standard chain: env, default profile, SSO, instance role).
    #[arg(long)]
    pub profile: Option<String>,
    /// Region to scan (repeatable or comma-separated; default: every enabled region).
    #[arg(long = "region", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Region never to scan (repeatable or comma-separated).
    #[arg(long = "exclude-region", value_delimiter = ',')]
    pub exclude_regions: Vec<String>,
    /// Send every AWS call to this endpoint (an emulator); `AWS_ENDPOINT_URL` works too.
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// Regions read at the same time.
    #[arg(long, default_value_t = 8)]
    pub region_concurrency: usize,
    /// Retries and requests in flight.
    #[command(flatten)]
    pub calls: CallArgs,
}

/// How calls are made: retries, timeouts and how many are in flight at once.
#[derive(Debug, Args, Clone)]
pub struct CallArgs {
    /// Attempts per AWS call, the first included (adaptive retry with exponential backoff
    /// and jitter; throttling, 5xx answers and dropped connections are retried; server
    /// errors only up to --max-error-attempts).
    #[arg(
        help_heading = "AWS calls",
        long,
        default_value_t = 10,
        value_name = "N"
    )]
    pub max_attempts: u32,
    /// Attempts per AWS call when the answers are server errors (HTTP 500, 502, 504) rather
    /// than throttling: an API that keeps failing this way is reported, not waited for.
    #[arg(
        help_heading = "AWS calls",
        long,
        default_value_t = 3,
        value_name = "N"
    )]
    pub max_error_attempts: u32,
    /// Retry mode: `adaptive` (the SDK slows each service client down after throttling) or
    /// `standard` (exponential backoff only).
    #[arg(help_heading = "AWS calls", long, value_enum, default_value_t = RetryMode::Adaptive)]
    pub retry_mode: RetryMode,
    /// Backoff before the first retry, in milliseconds (later ones double, with jitter, up
    /// to 20 s).
    #[arg(
        help_heading = "AWS calls",
        long,
        default_value_t = 500,
        value_name = "MS"
    )]
    pub retry_backoff_ms: u64,
    /// Seconds to wait for a connection; an endpoint that does not answer fails fast.
    #[arg(
        help_heading = "AWS calls",
        long,
        default_value_t = 3.0,
        value_name = "SECONDS"
    )]
    pub connect_timeout: f64,
    /// Seconds to wait for an answer once a request is sent. After two timeouts in a row,
    /// an endpoint (host and region) is given up for the rest of the account's scan.
    #[arg(
        help_heading = "AWS calls",
        long,
        default_value_t = 30.0,
        value_name = "SECONDS"
    )]
    pub read_timeout: f64,
    /// AWS requests in flight at once, for the whole run (every account).
    #[arg(
        help_heading = "AWS calls",
        long,
        default_value_t = 64,
        value_name = "N"
    )]
    pub max_requests: usize,
    /// AWS requests in flight at once in one account.
    #[arg(
        help_heading = "AWS calls",
        long,
        default_value_t = 32,
        value_name = "N"
    )]
    pub max_account_requests: usize,
    /// AWS requests in flight at once to one service in one region of one account.
    #[arg(
        help_heading = "AWS calls",
        long,
        default_value_t = 8,
        value_name = "N"
    )]
    pub max_service_requests: usize,
}

/// Which accounts to scan, beyond the caller's own: an Organization, or a list in a file.
#[derive(Debug, Args, Clone)]
pub struct FleetArgs {
    /// Scan every account of the caller's AWS Organization (run from the management account
    /// or a delegated administrator). The caller's own account is read with the caller's
    /// credentials, every other through `--role-name`.
    #[arg(help_heading = "Many accounts", long, conflicts_with = "accounts_file")]
    pub organization: bool,
    /// With --organization: only the accounts of this organizational unit and of every OU
    /// under it.
    #[arg(
        help_heading = "Many accounts",
        long,
        value_name = "OU_ID",
        requires = "organization"
    )]
    pub ou: Option<String>,
    /// Scan the accounts listed in this YAML file (id, role_arn, regions, name, tags,
    /// external_id), without AWS Organizations.
    #[arg(help_heading = "Many accounts", long, value_name = "FILE")]
    pub accounts_file: Option<PathBuf>,
    /// Only these account ids (comma-separated).
    #[arg(
        help_heading = "Many accounts",
        long,
        value_delimiter = ',',
        value_name = "IDS"
    )]
    pub accounts: Vec<String>,
    /// Never these account ids (comma-separated).
    #[arg(
        help_heading = "Many accounts",
        long,
        value_delimiter = ',',
        value_name = "IDS"
    )]
    pub exclude_accounts: Vec<String>,
    /// The role assumed in each member account.
    #[arg(
        long,
        default_value = "OrganizationAccountAccessRole",
        value_name = "NAME"
    )]
    pub role_name: String,
    /// `sts:ExternalId` given when assuming the role.
    #[arg(help_heading = "Many accounts", long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Session name of the assumed roles (seen in each account's CloudTrail).
    #[arg(
        help_heading = "Many accounts",
        long,
        default_value = "rampart",
        value_name = "NAME"
    )]
    pub role_session_name: String,
    /// Seconds each set of assumed-role credentials lasts; they are refreshed before they
    /// expire.
    #[arg(
        help_heading = "Many accounts",
        long,
        default_value_t = 3600,
        value_name = "SECONDS"
    )]
    pub role_duration: u64,
    /// Accounts read at the same time.
    #[arg(
        help_heading = "Many accounts",
        long,
        default_value_t = 4,
        value_name = "N"
    )]
    pub account_concurrency: usize,
    /// Scan only shard K of N (1-based): the accounts whose id hashes to K. N processes with
    /// 1/N ... N/N scan the whole Organization between them; `rampart merge` joins their
    /// JSON reports.
    #[arg(help_heading = "Many accounts", long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Continue the interrupted run with the same options: the accounts it finished are not
    /// read again.
    #[arg(help_heading = "Many accounts", long)]
    pub resume: bool,
    /// Where the run keeps each finished account (default: a folder per set of options in
    /// the user's state directory, `$XDG_STATE_HOME/rampart/runs`).
    #[arg(help_heading = "Many accounts", long, value_name = "DIR")]
    pub run_dir: Option<PathBuf>,
}

impl FleetArgs {
    /// Whether more than the caller's own account is asked for.
    pub fn is_fleet(&self) -> bool {
        self.organization || self.accounts_file.is_some()
    }
}

/// Where scans are kept.
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// The store: a SQLite file, or a PostgreSQL URL (`postgres://user@host/db`) for a team
    /// (default: `[store] path` in rampart.toml, else `rampart/store.db` in the user's data
    /// directory).
    #[arg(
        help_heading = "Store",
        long,
        env = "RAMPART_STORE",
        value_name = "PATH|URL"
    )]
    pub store: Option<String>,
    /// Do not keep this scan (wins over --store; `RAMPART_NO_STORE=1` in the environment).
    #[arg(
        help_heading = "Store",
        long,
        env = "RAMPART_NO_STORE",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub no_store: bool,
}

/// The store a reading command opens.
#[derive(Debug, Args, Clone)]
pub struct StoreLocationArgs {
    /// The store: a SQLite file, or a PostgreSQL URL (default: `[store] path` in
    /// rampart.toml, else `rampart/store.db` in the user's data directory).
    #[arg(long, env = "RAMPART_STORE", value_name = "PATH|URL")]
    pub store: Option<String>,
}

/// Which checks to run.
#[derive(Debug, Args, Clone)]
pub struct SelectArgs {
    /// Only these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub checks: Vec<String>,
    /// Only checks of these services (iam, ec2, vpc, s3, rds, cloudtrail, cloudwatch, ...;
    /// see `rampart checks`).
    #[arg(long, value_delimiter = ',')]
    pub services: Vec<String>,
    /// Only checks of these severities (critical, high, medium, low, info).
    #[arg(long, value_delimiter = ',')]
    pub severity: Vec<String>,
    /// Never these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub exclude_checks: Vec<String>,
}

/// `rampart scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Evaluate a saved snapshot instead of reading an account (no AWS access needed).
    #[arg(long, conflicts_with_all = ["profile", "regions", "endpoint_url", "organization", "accounts_file"])]
    pub snapshot: Option<PathBuf>,
    /// Account options.
    #[command(flatten)]
    pub account: AccountArgs,
    /// Many accounts.
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// Check selection.
    #[command(flatten)]
    pub select: SelectArgs,
    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Settings file (default: `rampart.toml` in the working directory, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Report formats, comma-separated: text, json, ocsf, html, asff, sarif, csv, junit,
    /// markdown (default: text). Several formats are written to `--output-dir`.
    #[arg(long, value_delimiter = ',')]
    pub format: Vec<String>,
    /// Write the report to this file instead of standard output (one format only).
    #[arg(long, conflicts_with = "output_dir")]
    pub output_file: Option<PathBuf>,
    /// Write each report format to `rampart-report.<ext>` in this directory.
    #[arg(long)]
    pub output_dir: Option<PathBuf>,
    /// With many accounts: also write each account's own reports to
    /// `<output-dir>/accounts/<ACCOUNT_ID>/`.
    #[arg(long, requires = "output_dir")]
    pub per_account: bool,
    /// Also save the collected inventory as a snapshot file.
    #[arg(long)]
    pub save_snapshot: Option<PathBuf>,
    /// Add a compliance summary for this framework (`cis-7.0`): each control with its
    /// checks and PASS, FAIL, ERROR or MANUAL, and a score.
    #[arg(long)]
    pub compliance: Option<String>,
    /// Mute findings matched by the rules of this YAML file (shown as MUTED, never
    /// failing the scan).
    #[arg(long)]
    pub mutelist: Option<PathBuf>,
    /// An earlier JSON report: mark each failing finding new or unchanged, and list the
    /// resolved ones.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity fails (`none`: never; default:
    /// info, or the config file's `fail_on`).
    #[arg(long)]
    pub fail_on: Option<String>,
    /// Count only findings that are new against `--baseline` toward the exit code.
    #[arg(long)]
    pub fail_on_new: bool,
    /// List passing findings too (text format).
    #[arg(long, short)]
    pub verbose: bool,
    /// Show only failing findings and the summary (text format).
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `rampart collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The snapshot file to write; with many accounts, a folder that receives one
    /// `<ACCOUNT_ID>.json` snapshot per account.
    #[arg(long)]
    pub out: PathBuf,
    /// Account options.
    #[command(flatten)]
    pub account: AccountArgs,
    /// Many accounts.
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Settings file (default: `rampart.toml` in the working directory, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// `rampart history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The store.
    #[command(flatten)]
    pub store: StoreLocationArgs,
    /// Settings file (default: `rampart.toml` in the working directory, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only this account's scans.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// The last N scans.
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub limit: usize,
    /// Output: text, json or markdown.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// More detail.
    #[arg(long, short)]
    pub verbose: bool,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `rampart diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier scan's id (from `rampart history`; default: the account's previous scan).
    #[arg(value_name = "A")]
    pub from: Option<i64>,
    /// The later scan's id (default: the account's latest scan).
    #[arg(value_name = "B")]
    pub to: Option<i64>,
    /// The account, when the store holds several.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// The store.
    #[command(flatten)]
    pub store: StoreLocationArgs,
    /// Settings file (default: `rampart.toml` in the working directory, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Output: text, json, markdown or html.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// List unchanged findings too (text).
    #[arg(long, short)]
    pub verbose: bool,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `rampart show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The resource: its ARN, its id (`sg-0abc`) or its name.
    #[arg(value_name = "RESOURCE")]
    pub resource: String,
    /// As it was at this time (`2026-11-30T12:00:00Z`, or a date: its end).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// The account, when the name is used in several.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// The store.
    #[command(flatten)]
    pub store: StoreLocationArgs,
    /// Settings file (default: `rampart.toml` in the working directory, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Output: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Every revision's whole content (text).
    #[arg(long, short)]
    pub verbose: bool,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `rampart watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Time between the starts of two scans (`1h`, `30m`, `1d`; default: `every` under
    /// [watch] in rampart.toml).
    #[arg(long, value_name = "DURATION")]
    pub every: Option<String>,
    /// Run one cycle (scan, keep, queue messages, deliver what is due) and exit: for cron
    /// and tests.
    #[arg(long)]
    pub once: bool,
    /// Wait after a failed delivery before the first retry; it doubles after each failure,
    /// up to an hour.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub retry_after: String,
    /// What each scan reads and evaluates, as `rampart scan` takes it.
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// `rampart prune`.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Keep scans collected within this long (`90d`, `12w`, `36h`; default: `keep` under
    /// [store] in rampart.toml).
    #[arg(long, value_name = "DURATION")]
    pub keep: Option<String>,
    /// The store.
    #[command(flatten)]
    pub store: StoreLocationArgs,
    /// Settings file (default: `rampart.toml` in the working directory, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// `rampart merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports to join: the shards of one organization scan (`--shard K/N`), or
    /// single-account reports.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Report formats, comma-separated (default: json).
    #[arg(long, value_delimiter = ',')]
    pub format: Vec<String>,
    /// Write the report to this file instead of standard output (one format only).
    #[arg(long, conflicts_with = "output_dir")]
    pub output_file: Option<PathBuf>,
    /// Write each report format to `rampart-report.<ext>` in this directory.
    #[arg(long)]
    pub output_dir: Option<PathBuf>,
    /// Join the shards given even when some shards of the split are missing.
    #[arg(long)]
    pub allow_partial: bool,
    /// Exit 1 when a finding at or above this severity fails in any account, or an account
    /// could not be read (`none`: never).
    #[arg(long, default_value = "none", value_name = "SEVERITY")]
    pub fail_on: String,
}

/// `rampart checks`.
#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Check selection.
    #[command(flatten)]
    pub select: SelectArgs,
    /// Only checks mapped to this CIS AWS Foundations v7.0 control (e.g. 2.10).
    #[arg(long)]
    pub cis: Option<String>,
    /// Only checks mapped to this compliance framework (`cis-7.0`).
    #[arg(long)]
    pub compliance: Option<String>,
    /// Only checks `rampart fix` can fix (marked `[fix]` in the table).
    #[arg(long)]
    pub fixable: bool,
    /// Output: a table, JSON (every field of every check), or the Markdown page
    /// `docs/checks.md` (the whole catalogue; filters do not apply).
    #[arg(long, value_enum, default_value_t = CatalogueFormat::Text)]
    pub format: CatalogueFormat,
}

/// How `rampart checks` prints the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogueFormat {
    /// One line per check.
    Text,
    /// JSON array of check metadata.
    Json,
    /// The documentation page.
    Markdown,
}

/// How throttled calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RetryMode {
    /// The SDK's adaptive mode: backoff, and a client-side rate limiter.
    Adaptive,
    /// The SDK's standard mode: backoff only.
    Standard,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to a terminal (`to_terminal`) or elsewhere.
    pub fn enabled(self, to_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

/// `rampart secrets`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "In the commit path: `rampart secrets install-hook` makes git run `rampart \
secrets --staged` before each commit (and, with --pre-push, `--range` before each push); \
`git commit --no-verify` skips it. Exit codes: 0 nothing at or above --fail-on, 1 such \
findings, 2 bad usage or input, or an incomplete scan."
)]
pub struct SecretsArgs {
    /// Install a git hook.
    #[command(subcommand)]
    pub action: Option<SecretsAction>,
    /// Files and directories to scan; with `--git`, repositories; with `--staged` or
    /// `--range`, one repository (default: the current directory).
    #[arg(required_unless_present_any = ["staged", "range"], value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Scan every commit of every branch (each blob once), not the working tree.
    #[arg(long)]
    pub git: bool,
    /// Scan what is about to be committed: the lines the index adds against HEAD (on a
    /// first commit, every staged line), not the working tree and not lines already
    /// committed. Lines are those of the staged version of each file.
    #[arg(long, conflicts_with_all = ["git", "range", "no_gitignore"])]
    pub staged: bool,
    /// Scan the lines added by each commit of `A..B` (reachable from B, not from A): a push
    /// or a pull request. An `A` of all zeros (what a pre-push hook is given for a branch
    /// the remote does not have yet) means the commits of B on no remote-tracking branch
    /// (`git rev-list B --not --remotes`); a `B` of all zeros (a deleted branch) scans
    /// nothing. A merge's own lines (a conflict's resolution) are scanned too.
    #[arg(long, value_name = "A..B", conflicts_with_all = ["git", "no_gitignore"])]
    pub range: Option<String>,
    /// Check AWS access key ids found against what this snapshot (`rampart collect --out
    /// FILE`) says about them. Since snapshot schema 4 it answers only for the keys found in
    /// the account's own configuration: any other key is reported unverified.
    #[arg(long, value_name = "FILE", conflicts_with = "live_keys")]
    pub snapshot: Option<PathBuf>,
    /// Check AWS access key ids found against the account the AWS credentials reach, asking
    /// it about each key found (`GetAccessKeyLastUsed` for its owner, then that owner's
    /// `ListAccessKeys`), never about each user.
    #[arg(long)]
    pub live_keys: bool,
    /// Named AWS profile for `--live-keys`.
    #[arg(long, requires = "live_keys")]
    pub profile: Option<String>,
    /// Region to sign `--live-keys` calls for (IAM is global; default: `AWS_REGION`, else
    /// us-east-1).
    #[arg(long, requires = "live_keys")]
    pub region: Option<String>,
    /// Send `--live-keys` calls to this endpoint (an emulator); `AWS_ENDPOINT_URL` works too.
    #[arg(long, requires = "live_keys")]
    pub endpoint_url: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SecretsFormat::Text)]
    pub format: SecretsFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Leave out the findings listed in this JSON report of `rampart secrets` (accepted
    /// findings).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity (critical, high, medium, low;
    /// `none`: never).
    #[arg(long, default_value = "low", value_name = "SEVERITY")]
    pub fail_on: String,
    /// A file of glob patterns (`.gitignore` syntax, relative to each PATH) not to scan;
    /// repeatable. `.gitignore` and `.rampartignore` files are honoured too.
    #[arg(long = "ignore-file", value_name = "FILE")]
    pub ignore_files: Vec<PathBuf>,
    /// Do not honour `.gitignore` files (`.rampartignore` still applies).
    #[arg(long)]
    pub no_gitignore: bool,
    /// Skip files (and blobs) larger than this many MiB.
    #[arg(long, default_value_t = 32, value_name = "MIB")]
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// What `rampart secrets` does instead of scanning.
#[derive(Debug, Subcommand)]
pub enum SecretsAction {
    /// Write a git pre-commit hook that runs `rampart secrets --staged` (with `--pre-push`,
    /// also a pre-push hook that runs `--range` on the commits pushed).
    ///
    /// Hooks go where git looks for them: `core.hooksPath` if set, else the hooks folder of
    /// the repository (shared by its linked worktrees). A hook already there is kept (exit
    /// 2) unless `--force`. The hook calls this rampart by its absolute path (`--use-path`:
    /// the `rampart` found on PATH when the hook runs). `git commit --no-verify` skips it.
    InstallHook(InstallHookArgs),
}

/// `rampart secrets install-hook`.
#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// The repository, or any folder in its work tree.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Replace a hook that is already there (else: exit 2, nothing written).
    #[arg(long)]
    pub force: bool,
    /// Also write a pre-push hook that scans the commits being pushed.
    #[arg(long)]
    pub pre_push: bool,
    /// Call `rampart` as found on PATH when the hook runs, not this binary's absolute path.
    #[arg(long)]
    pub use_path: bool,
}

/// `rampart secrets` report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecretsFormat {
    /// Human-readable text.
    Text,
    /// JSON (also the baseline format).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}
