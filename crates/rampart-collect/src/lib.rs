//! Builds a rampart [`Inventory`] from an AWS account through the AWS SDK for Rust.
//!
//! This is the only crate that talks to AWS; besides reading, [`apply`] makes the write
//! calls of a `rampart fix` plan. It reads every enabled region at once (a
//! bounded number at a time), IAM once per account, with the SDK's adaptive retries. A call
//! that fails (AccessDenied, an opted-out region, throttling past the retries, an API the
//! account lacks) never stops the scan: it becomes a [`Gap`] in the inventory and a
//! [`CollectionError`], and the checks that needed the data report ERROR.
//!
//! Every request goes through one scoped recorder (`recorder.rs`): collectors build a
//! request with the SDK's fluent builder and hand it over unsent (`request!`, `items!`,
//! `pages!`); the recorder sends it, records the gap or counts the success, and runs per-item
//! calls a bounded number at a time, item by item.

/// A client of SDK crate `$krate` from `$base` for `$region`, its requests counted in
/// `$ledger` under `$counter`.
macro_rules! client {
    ($krate:ident, $base:expr, $region:expr, $ledger:expr, $counter:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($base)
                .region(aws_types::region::Region::new($region.to_owned()))
                .interceptor($ledger.counter($counter))
                .retry_classifier($crate::transport::ErrorRetries)
                .build(),
        )
    };
}

/// `$read` awaited when `$service` is selected, else its data's default (not collected).
macro_rules! when_selected {
    ($services:expr, $service:expr, $read:expr) => {
        async {
            if $services.contains(&$service) {
                $read.await
            } else {
                Default::default()
            }
        }
    };
}

mod access_advisor;
mod credential_report;
mod detection;
mod ec2;
mod found_keys;
mod iam;
mod monitoring;
mod observer;
mod org_policies;
mod organization;
mod recorder;
mod regions;
mod sdk;
mod secrets;
mod storage;
mod transport;
mod workloads;

pub mod accounts;
pub mod apply;
pub mod notify;

use chrono::Utc;
use futures::StreamExt;
use rampart_inventory::*;
use recorder::{request, Recorder};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

pub use accounts::{
    AccountSession, Caller, ConnectOptions, Identity, OrgAccount, OrgError, OrgListing, RoleSpec,
};
pub use found_keys::{look_up_access_keys, AccessKeyLookup};
pub use rampart_inventory::Service;
pub use transport::{CallPolicy, RequestBudget};

pub use observer::{Observer, Progress};

/// What to collect and how.
#[derive(Clone)]
pub struct Options {
    /// Named profile (else the default chain: env, default profile, SSO, instance role).
    pub profile: Option<String>,
    /// Regions to read; empty means every region enabled for the account.
    pub regions: Vec<String>,
    /// Regions never to read (recorded as skipped, with the reason).
    pub exclude_regions: Vec<String>,
    /// Endpoint for every service (an emulator); the SDK also honours `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// Services to read.
    pub services: BTreeSet<Service>,
    /// Regions read at once.
    pub region_concurrency: usize,
    /// Per-item calls (user data, found key lookups) in flight at once, per region.
    pub item_concurrency: usize,
    /// Whole days without use after which a user's access keys are listed
    /// (`ListAccessKeys`), for `rampart fix` to name the idle ones: only the users whose
    /// credential report row has a key unused (or, never used, created) this many days or
    /// more before the collection are asked about. The scan's `unused_credentials_days`
    /// (45, CIS 2.11), so that every key its check finds idle can be planned.
    pub idle_key_days: i64,
    /// Retries, timeouts and requests in flight.
    pub policy: CallPolicy,
    /// Told of the collection's progress (parts read, requests, errors), if wanted.
    pub progress: Option<Progress>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: None,
            regions: Vec::new(),
            exclude_regions: Vec::new(),
            endpoint_url: None,
            services: Service::ALL.into_iter().collect(),
            region_concurrency: 8,
            item_concurrency: 16,
            idle_key_days: 45,
            policy: CallPolicy::default(),
            progress: None,
        }
    }
}

/// Collection could not start: nothing was read.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The account could not be identified (no credentials, expired credentials, an
    /// unreachable or invalid endpoint).
    #[error(
        "cannot identify the AWS account: {0}\nhint: configure credentials (AWS_PROFILE, `aws configure`, `aws sso login`) or check --endpoint-url"
    )]
    NoAccount(String),
    /// A role could not be assumed in an account.
    #[error("cannot assume role {role_arn}: {reason}")]
    AssumeRole {
        /// The role's ARN.
        role_arn: String,
        /// AWS's answer.
        reason: String,
    },
    /// The regions asked for cannot be read as asked: a name that is not a region, a region
    /// not enabled for the account, a region both requested and excluded, or nothing left
    /// to scan.
    #[error("{}", region_message(problem, enabled))]
    RegionSelection {
        /// What is wrong with the region lists.
        problem: String,
        /// The regions enabled for the account (empty when the list could not be read).
        enabled: Vec<String>,
    },
    /// A `rampart watch` message could not be published to an SNS topic.
    #[error("cannot publish to {topic_arn}: {reason}")]
    Publish {
        /// The topic.
        topic_arn: String,
        /// AWS's error code and message, or why no answer came.
        reason: String,
        /// Whether another try may succeed (throttling, a 5xx, no answer).
        transient: bool,
    },
}

fn region_message(problem: &str, enabled: &[String]) -> String {
    if enabled.is_empty() {
        problem.to_owned()
    } else {
        format!(
            "{problem}\nregions enabled for this account: {}",
            enabled.join(", ")
        )
    }
}

/// Shared state of one collection.
pub(crate) struct Collector {
    ledger: sdk::Ledger,
    item_concurrency: usize,
    /// The AWS access key ids the scans found, for the IAM lookup that follows them.
    found_keys: secrets::FoundKeyIds,
}

impl Collector {
    /// A collector with an empty ledger, running per-item calls `item_concurrency` at a
    /// time.
    pub(crate) fn new(item_concurrency: usize) -> Collector {
        Collector {
            ledger: sdk::Ledger::default(),
            item_concurrency: item_concurrency.max(1),
            found_keys: Default::default(),
        }
    }

    /// A recorder for the calls of `service` in `region` (`global` for account-wide calls).
    pub(crate) fn recorder<'a>(&'a self, service: &'a str, region: &'a str) -> Recorder<'a> {
        Recorder::new(self, service, region)
    }
}

/// One region being read.
pub(crate) struct RegionCtx {
    name: String,
    partition: String,
    account: String,
    /// When the collection started: metrics are read over the days before it.
    collected_at: chrono::DateTime<Utc>,
}

impl RegionCtx {
    /// An ARN in this region and account.
    pub(crate) fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.name, self.account
        )
    }
}

/// The region IAM and STS are signed for in a partition (also where `rampart fix` reads
/// and writes what is not regional).
pub fn global_region(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "cn-north-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    }
}

/// Read the account that the configured credentials reach (`opts.profile`, else the
/// default chain).
pub async fn collect(opts: &Options) -> Result<Inventory, CollectError> {
    let caller = Caller::connect(&ConnectOptions {
        profile: opts.profile.clone(),
        endpoint_url: opts.endpoint_url.clone(),
        policy: opts.policy.clone(),
        time_source: None,
    })
    .await;
    collect_account(&caller.session(), opts).await
}

/// Read one account through `session` (the caller's own credentials, or a role assumed in
/// the account). `opts.profile` and `opts.endpoint_url` are not read: the session has them.
pub async fn collect_account(
    session: &AccountSession,
    opts: &Options,
) -> Result<Inventory, CollectError> {
    let started = Instant::now();
    let collected_at = Utc::now();
    let base = session.config().clone();
    let mut collector = Collector::new(opts.item_concurrency);
    let watch = observer::Watch(opts.progress.clone());
    collector.ledger.watch = watch.clone();
    let collector = Arc::new(collector);
    let done = |part: &str| watch.tell(|o| o.part_done(part));
    let default_region = base
        .region()
        .map(|r| r.as_ref().to_owned())
        .unwrap_or_else(|| "us-east-1".into());

    // Who are we? Nothing else is tried when this fails.
    let sts = client!(aws_sdk_sts, &base, default_region, collector.ledger, "sts");
    let identity = Recorder::setup(&collector, "sts", "global")
        .try_call("sts:GetCallerIdentity", request!(sts.get_caller_identity()))
        .await
        .map_err(|g| CollectError::NoAccount(g.describe()))?;
    let caller_arn = sdk::s(identity.arn());
    let partition = caller_arn.split(':').nth(1).unwrap_or("aws").to_owned();
    let account = Account {
        id: sdk::s(identity.account()),
        partition: partition.clone(),
        caller_arn,
    };
    watch.tell(|o| o.account(&account.id, &account.caller_arn));

    let mut inventory = Inventory::new(account, collected_at);
    inventory.regions = discover_regions(&collector, &base, &default_region, opts).await?;
    let account_wide = [
        Service::Iam,
        Service::AccessAdvisor,
        Service::S3,
        Service::Budgets,
        Service::Organizations,
        Service::Account,
    ];
    let parts = inventory.regions.scanned.len()
        + account_wide
            .iter()
            .filter(|s| opts.services.contains(s))
            // Access Advisor is read after IAM, and only with it.
            .filter(|s| **s != Service::AccessAdvisor || opts.services.contains(&Service::Iam))
            .count();
    watch.tell(|o| o.parts(parts));

    // One IAM client for the account-wide IAM data and the IAM organization features.
    let iam_client = client!(
        aws_sdk_iam,
        &base,
        global_region(&partition),
        collector.ledger,
        "iam"
    );
    let iam_fut = async {
        if !opts.services.contains(&Service::Iam) {
            return IamData::default();
        }
        let idle = iam::IdleKeys {
            now: collected_at,
            days: opts.idle_key_days,
        };
        let mut data = iam::collect(&collector, &iam_client, idle).await;
        done("iam");
        if opts.services.contains(&Service::AccessAdvisor) {
            data.service_last_accessed =
                access_advisor::collect(&collector, &iam_client, &data).await;
            done("accessadvisor");
        }
        data
    };
    let regions_fut = futures::stream::iter(inventory.regions.scanned.clone())
        .map(|name| {
            let base = &base;
            let collector = &collector;
            let partition = &partition;
            let account = inventory.account.id.clone();
            async move {
                let r = RegionCtx {
                    name: name.clone(),
                    partition: partition.clone(),
                    account,
                    collected_at,
                };
                let data = collect_region(collector, base, &r, &opts.services).await;
                (name, data)
            }
        })
        .buffer_unordered(opts.region_concurrency.max(1))
        .inspect(|(name, _)| done(name))
        .collect::<Vec<_>>();
    let global = RegionCtx {
        name: global_region(&partition).to_owned(),
        partition: partition.clone(),
        account: inventory.account.id.clone(),
        collected_at,
    };
    let s3_fut = async {
        if !opts.services.contains(&Service::S3) {
            return S3Data::default();
        }
        let data = storage::s3(&collector, &base, &global, &global.account).await;
        done("s3");
        data
    };
    let (services, ledger) = (&opts.services, &collector.ledger);
    let budgets_fut = then_done(
        &watch,
        services,
        Service::Budgets,
        when_selected!(
            services,
            Service::Budgets,
            monitoring::budgets(
                &collector,
                &client!(aws_sdk_budgets, &base, global.name, ledger, "budgets"),
                &global.account,
            )
        ),
    );
    let organizations_fut = then_done(
        &watch,
        services,
        Service::Organizations,
        when_selected!(
            services,
            Service::Organizations,
            organization::organizations(
                &collector,
                &client!(
                    aws_sdk_organizations,
                    &base,
                    global.name,
                    ledger,
                    "organizations"
                ),
                &iam_client,
                &global.account,
            )
        ),
    );
    let account_fut = then_done(
        &watch,
        services,
        Service::Account,
        when_selected!(
            services,
            Service::Account,
            organization::account_settings(
                &collector,
                &client!(aws_sdk_account, &base, global.name, ledger, "account"),
            )
        ),
    );
    let (iam, regional, s3, budgets, organizations, account_settings) = tokio::join!(
        iam_fut,
        regions_fut,
        s3_fut,
        budgets_fut,
        organizations_fut,
        account_fut
    );
    inventory.organizations = organizations;
    inventory.account_settings = account_settings;
    inventory.iam = iam;
    inventory.s3 = s3;
    inventory.budgets = budgets;
    inventory.regional = regional.into_iter().collect();
    found_keys::after_scan(&collector, &iam_client, &sts, opts, &mut inventory).await;
    inventory.errors = collector.ledger.take_errors();
    inventory.stats = CollectionStats {
        duration_ms: started.elapsed().as_millis() as u64,
        api_calls: collector.ledger.calls(),
        successful_calls: collector.ledger.successes(),
    };
    Ok(inventory)
}

/// Await `read`, then tell the observer that account-wide part `service` is done (when it
/// was selected, and so read).
async fn then_done<T>(
    watch: &observer::Watch,
    services: &BTreeSet<Service>,
    service: Service,
    read: impl std::future::Future<Output = T>,
) -> T {
    let data = read.await;
    if services.contains(&service) {
        watch.tell(|o| o.part_done(<&'static str>::from(service)));
    }
    data
}

/// Read one region: every selected service at once.
async fn collect_region(
    c: &Collector,
    base: &aws_config::SdkConfig,
    r: &RegionCtx,
    services: &BTreeSet<Service>,
) -> RegionData {
    macro_rules! regional_client {
        ($krate:ident, $counter:expr) => {
            client!($krate, base, r.name, c.ledger, $counter)
        };
    }
    macro_rules! read {
        ($service:expr, $read:expr) => {
            when_selected!(services, $service, $read)
        };
    }
    let (ec2, guardduty, eventbridge, cloudtrail, config) = tokio::join!(
        read!(
            Service::Ec2,
            ec2::collect(
                c,
                r,
                &regional_client!(aws_sdk_ec2, "ec2"),
                // Each instance's IMDSv1 use is EC2 data read from CloudWatch: read with EC2.
                &regional_client!(aws_sdk_cloudwatch, "cloudwatch")
            )
        ),
        read!(
            Service::GuardDuty,
            detection::guardduty(c, r, &regional_client!(aws_sdk_guardduty, "guardduty"))
        ),
        read!(
            Service::EventBridge,
            detection::eventbridge(c, r, &regional_client!(aws_sdk_eventbridge, "events"))
        ),
        read!(
            Service::CloudTrail,
            detection::cloudtrail(c, r, &regional_client!(aws_sdk_cloudtrail, "cloudtrail"))
        ),
        read!(
            Service::Config,
            detection::config(c, r, &regional_client!(aws_sdk_config, "config"))
        ),
    );
    let (rds, efs, kms, cloudwatch, logs, sns, securityhub, accessanalyzer) = tokio::join!(
        read!(
            Service::Rds,
            storage::rds(c, r, &regional_client!(aws_sdk_rds, "rds"))
        ),
        read!(
            Service::Efs,
            storage::efs(c, r, &regional_client!(aws_sdk_efs, "efs"))
        ),
        read!(
            Service::Kms,
            storage::kms(c, r, &regional_client!(aws_sdk_kms, "kms"))
        ),
        read!(
            Service::CloudWatch,
            monitoring::cloudwatch(c, r, &regional_client!(aws_sdk_cloudwatch, "cloudwatch"))
        ),
        read!(
            Service::Logs,
            monitoring::logs(c, r, &regional_client!(aws_sdk_cloudwatchlogs, "logs"))
        ),
        read!(
            Service::Sns,
            monitoring::sns(c, r, &regional_client!(aws_sdk_sns, "sns"))
        ),
        read!(
            Service::SecurityHub,
            monitoring::securityhub(c, r, &regional_client!(aws_sdk_securityhub, "securityhub"))
        ),
        read!(
            Service::AccessAnalyzer,
            monitoring::accessanalyzer(
                c,
                r,
                &regional_client!(aws_sdk_accessanalyzer, "access-analyzer")
            )
        ),
    );
    let (lambda, cloudformation, ecs, ssm, elbv2, macie) = tokio::join!(
        read!(
            Service::Lambda,
            workloads::lambda(c, r, &regional_client!(aws_sdk_lambda, "lambda"))
        ),
        read!(
            Service::CloudFormation,
            workloads::cloudformation(
                c,
                r,
                &regional_client!(aws_sdk_cloudformation, "cloudformation")
            )
        ),
        read!(
            Service::Ecs,
            workloads::ecs(c, r, &regional_client!(aws_sdk_ecs, "ecs"))
        ),
        read!(
            Service::Ssm,
            workloads::ssm(c, r, &regional_client!(aws_sdk_ssm, "ssm"))
        ),
        read!(
            Service::Elbv2,
            workloads::elbv2(
                c,
                r,
                &regional_client!(aws_sdk_elasticloadbalancingv2, "elasticloadbalancing")
            )
        ),
        read!(
            Service::Macie,
            organization::macie(c, r, &regional_client!(aws_sdk_macie2, "macie2"))
        ),
    );
    RegionData {
        ec2,
        guardduty,
        eventbridge,
        cloudtrail,
        config,
        rds,
        efs,
        kms,
        cloudwatch,
        logs,
        sns,
        securityhub,
        accessanalyzer,
        lambda,
        cloudformation,
        ecs,
        ssm,
        elbv2,
        macie,
    }
}

/// The regions to read: those enabled for the account (`DescribeRegions` with opt-in
/// status), narrowed by the user's lists ([`regions::select`]). When the region list cannot
/// be read, the requested regions (or the default one) are read and the failure is recorded
/// ([`regions::fallback`]).
async fn discover_regions(
    c: &Collector,
    base: &aws_config::SdkConfig,
    default_region: &str,
    opts: &Options,
) -> Result<Regions, CollectError> {
    let ec2 = client!(aws_sdk_ec2, base, default_region, c.ledger, "ec2");
    let rec = Recorder::setup(c, "ec2", "global");
    let res = rec
        .try_call(
            "ec2:DescribeRegions",
            request!(ec2.describe_regions().all_regions(true)),
        )
        .await;
    match res {
        Ok(out) => {
            let available: Vec<regions::AvailableRegion> = out
                .regions()
                .iter()
                .map(|r| regions::AvailableRegion {
                    name: sdk::s(r.region_name()),
                    opt_in_status: r.opt_in_status().unwrap_or("opt-in-not-required").into(),
                })
                .collect();
            regions::select(&available, &opts.regions, &opts.exclude_regions)
        }
        Err(g) => {
            rec.record(&g);
            regions::fallback(&opts.regions, &opts.exclude_regions, default_region, &g)
        }
    }
}
