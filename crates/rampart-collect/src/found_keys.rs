//! Who holds each AWS access key id found in scanned configuration (issue 10): IAM is asked
//! about each key found, never about each user. `GetAccessKeyLastUsed(AccessKeyId)` names
//! the owning user, then `ListAccessKeys(UserName)`, once per distinct owner, gives the
//! key's status. The key ids are in clear only here, in memory; the inventory keeps the
//! answers by fingerprint.

use crate::recorder::{items, request, Recorder};
use crate::secrets::FoundKeyId;
use crate::{sdk, CollectError, Collector, Options};
use aws_sdk_iam::types::StatusType;
use rampart_inventory::{Collected, CollectionError, FoundKey, Gap, Inventory, KeyOwner, Service};
use std::collections::{BTreeMap, BTreeSet};

/// Prefix of the access key ids of IAM users (long-term keys); `ASIA` and the others are
/// temporary or service credentials that IAM does not list.
const USER_KEY_PREFIX: &str = "AKIA";

/// Owner of a key as `GetAccessKeyLastUsed` (and STS) answer, before the status is read.
enum Owner {
    User(String),
    Other(KeyOwner),
}

/// Once every region was scanned: IAM asked about each key id the scans found, into
/// `inventory.iam.found_keys` (when IAM is collected).
pub(crate) async fn after_scan(
    c: &Collector,
    iam: &aws_sdk_iam::Client,
    sts: &aws_sdk_sts::Client,
    opts: &Options,
    inventory: &mut Inventory,
) {
    let found = c.found_keys.take();
    if opts.services.contains(&Service::Iam) {
        let keys = look_up(c, iam, sts, &inventory.account.id, found).await;
        inventory.iam.found_keys = Collected::Ok(keys);
    }
}

/// Ask IAM about each key of `found`, a bounded number at a time (`Recorder::each`): the
/// answers by fingerprint, a gap on each key IAM could not answer for. `account` is the
/// account being read.
pub(crate) async fn look_up(
    c: &Collector,
    iam: &aws_sdk_iam::Client,
    sts: &aws_sdk_sts::Client,
    account: &str,
    found: Vec<FoundKeyId>,
) -> BTreeMap<String, FoundKey> {
    let rec = &c.recorder("iam", "global");
    let owners: Vec<(FoundKeyId, Collected<Owner>)> = rec
        .each(found, |k| async move {
            let owner = if k.id.starts_with(USER_KEY_PREFIX) {
                owner_of(rec, iam, sts, account, &k.id).await
            } else {
                Collected::Ok(Owner::Other(KeyOwner::NotUserKey))
            };
            (k, owner)
        })
        .await;
    // One ListAccessKeys per distinct owner, for the status of its keys.
    let names: BTreeSet<String> = owners
        .iter()
        .filter_map(|(_, o)| match o {
            Collected::Ok(Owner::User(name)) => Some(name.clone()),
            _ => None,
        })
        .collect();
    let statuses: BTreeMap<String, Collected<Vec<(String, bool)>>> = rec
        .each(names, |name| async move {
            let keys = rec
                .list(
                    "iam:ListAccessKeys",
                    items!(iam.list_access_keys().user_name(&name)),
                    |k| {
                        (
                            sdk::s(k.access_key_id()),
                            k.status() == Some(&StatusType::Active),
                        )
                    },
                )
                .await;
            (name, keys)
        })
        .await
        .into_iter()
        .collect();
    owners
        .into_iter()
        .map(|(k, owner)| {
            let owner = match owner {
                Collected::Ok(Owner::User(name)) => {
                    let active = match &statuses[&name] {
                        Collected::Ok(keys) => match keys.iter().find(|(id, _)| *id == k.id) {
                            Some((_, active)) => Collected::Ok(*active),
                            None => Collected::Missing(Gap {
                                api: "iam:ListAccessKeys".into(),
                                code: "KeyNotListed".into(),
                                message: format!(
                                    "user {name} did not list key {} (deleted or rotated \
                                     between the two calls?)",
                                    k.redacted
                                ),
                            }),
                        },
                        Collected::Missing(g) => Collected::Missing(g.clone()),
                    };
                    Collected::Ok(KeyOwner::User { name, active })
                }
                Collected::Ok(Owner::Other(o)) => Collected::Ok(o),
                Collected::Missing(g) => Collected::Missing(g),
            };
            (
                k.fingerprint,
                FoundKey {
                    redacted: k.redacted,
                    owner,
                },
            )
        })
        .collect()
}

/// `GetAccessKeyLastUsed(AccessKeyId)`: the user that owns `id`. IAM answers `NoSuchEntity`
/// for a key it does not know (moto does; so did AWS's API reference): a key of no user of
/// this account, which is a fact, not a gap. An `AccessDenied` may be the caller's own lack
/// of permission or (on AWS) a key of another account: STS `GetAccessKeyInfo` decides, and
/// only a key STS places in another account is a fact; otherwise the denial is the key's gap.
async fn owner_of(
    rec: &Recorder<'_>,
    iam: &aws_sdk_iam::Client,
    sts: &aws_sdk_sts::Client,
    account: &str,
    id: &str,
) -> Collected<Owner> {
    let asked = rec
        .try_call(
            "iam:GetAccessKeyLastUsed",
            request!(iam.get_access_key_last_used().access_key_id(id)),
        )
        .await;
    match asked {
        Ok(out) => match out.user_name().filter(|n| !n.is_empty()) {
            Some(name) => Collected::Ok(Owner::User(name.to_owned())),
            None => rec.missing(Gap {
                api: "iam:GetAccessKeyLastUsed".into(),
                code: "NoUserName".into(),
                message: "IAM answered without naming the key's user".into(),
            }),
        },
        Err(g) if g.code == "NoSuchEntity" => {
            rec.fact();
            Collected::Ok(Owner::Other(KeyOwner::NotInAccount { account: None }))
        }
        Err(g) if g.code.starts_with("AccessDenied") => {
            let sts_rec = rec.service("sts");
            match sts_rec
                .try_call(
                    "sts:GetAccessKeyInfo",
                    request!(sts.get_access_key_info().access_key_id(id)),
                )
                .await
            {
                Ok(info) => match info.account() {
                    Some(other) if !other.is_empty() && other != account => {
                        Collected::Ok(Owner::Other(KeyOwner::NotInAccount {
                            account: Some(other.to_owned()),
                        }))
                    }
                    // This account's key: the denial was the caller's.
                    _ => rec.missing(g),
                },
                Err(sts_gap) => {
                    sts_rec.record(&sts_gap);
                    rec.missing(g)
                }
            }
        }
        Err(g) => rec.missing(g),
    }
}

/// What IAM says about AWS access key ids found outside the account (by `rampart secrets`
/// in files and git history).
#[derive(Debug, Clone, PartialEq)]
pub struct AccessKeyLookup {
    /// The account that was asked (the caller's).
    pub account: String,
    /// The answer for each key id, by its fingerprint.
    pub keys: BTreeMap<String, FoundKey>,
    /// The calls that failed (each also a gap on its key).
    pub errors: Vec<CollectionError>,
}

/// Ask the account of `opts`' credentials about each of `key_ids` (in clear; kept in memory
/// only): its owner and status, as a collection asks about the keys its scans found. Two
/// calls per `AKIA` key at most, none per user. Fails only when the account cannot be
/// identified.
pub async fn look_up_access_keys(
    opts: &Options,
    key_ids: &[String],
) -> Result<AccessKeyLookup, CollectError> {
    let base = sdk::load_config(
        opts.profile.as_deref(),
        opts.endpoint_url.as_deref(),
        opts.max_attempts,
    )
    .await;
    let c = Collector {
        ledger: sdk::Ledger::default(),
        item_concurrency: opts.item_concurrency.max(1),
        found_keys: Default::default(),
    };
    let region = opts
        .regions
        .first()
        .cloned()
        .or_else(|| base.region().map(|r| r.as_ref().to_owned()))
        .unwrap_or_else(|| "us-east-1".into());
    let sts = client!(aws_sdk_sts, &base, region, c.ledger, "sts");
    let identity = Recorder::setup(&c, "sts", "global")
        .try_call("sts:GetCallerIdentity", request!(sts.get_caller_identity()))
        .await
        .map_err(|g| CollectError::NoAccount(g.describe()))?;
    let account = sdk::s(identity.account());
    let partition = sdk::s(identity.arn())
        .split(':')
        .nth(1)
        .unwrap_or("aws")
        .to_owned();
    let iam = client!(
        aws_sdk_iam,
        &base,
        crate::global_region(&partition),
        c.ledger,
        "iam"
    );
    let found: BTreeMap<String, FoundKeyId> = key_ids
        .iter()
        .map(|id| FoundKeyId::of(id))
        .map(|k| (k.fingerprint.clone(), k))
        .collect();
    let keys = look_up(&c, &iam, &sts, &account, found.into_values().collect()).await;
    Ok(AccessKeyLookup {
        account,
        keys,
        errors: c.ledger.take_errors(),
    })
}
