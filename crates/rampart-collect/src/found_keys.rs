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
#[derive(Debug)]
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
        .await
        .map(|out| out.user_name().map(str::to_owned));
    let sts_rec = rec.service("sts");
    decide(rec, account, asked, || async move {
        sts_rec
            .try_call(
                "sts:GetAccessKeyInfo",
                request!(sts.get_access_key_info().access_key_id(id)),
            )
            .await
            .map(|out| out.account().map(str::to_owned))
            .inspect_err(|g| sts_rec.record(g))
    })
    .await
}

/// The owner from `GetAccessKeyLastUsed`'s answer (`asked`: the user name it gave, or its
/// gap, not yet recorded), asking STS for the key's account (`ask_sts`, which records its
/// own failure) only after an `AccessDenied`.
async fn decide<F, Fut>(
    rec: &Recorder<'_>,
    account: &str,
    asked: Result<Option<String>, Gap>,
    ask_sts: F,
) -> Collected<Owner>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Option<String>, Gap>>,
{
    match asked {
        Ok(Some(name)) if !name.is_empty() => Collected::Ok(Owner::User(name)),
        Ok(_) => rec.missing(Gap {
            api: "iam:GetAccessKeyLastUsed".into(),
            code: "NoUserName".into(),
            message: "IAM answered without naming the key's user".into(),
        }),
        Err(g) if g.code == "NoSuchEntity" => {
            rec.fact();
            Collected::Ok(Owner::Other(KeyOwner::NotInAccount { account: None }))
        }
        Err(g) if g.code.starts_with("AccessDenied") => match ask_sts().await {
            Ok(Some(other)) if !other.is_empty() && other != account => {
                Collected::Ok(Owner::Other(KeyOwner::NotInAccount {
                    account: Some(other),
                }))
            }
            // This account's key (or STS could not say): the denial is the key's gap.
            _ => rec.missing(g),
        },
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
        &opts.policy,
        None,
    )
    .await;
    let c = Collector::new(opts.item_concurrency);
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

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";

    fn gap(api: &str, code: &str) -> Gap {
        Gap {
            api: api.into(),
            code: code.into(),
            message: "test".into(),
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    /// `decide` over `asked`, STS answering `sts` (and whether it was asked); the ledger's
    /// errors and successes after it.
    fn decided(
        asked: Result<Option<String>, Gap>,
        sts: Result<Option<String>, Gap>,
    ) -> (Collected<Owner>, bool, Vec<String>, u64) {
        let c = Collector::new(1);
        let rec = Recorder::new(&c, "iam", "global");
        let asked_sts = std::cell::Cell::new(false);
        let owner = runtime().block_on(decide(&rec, ACCOUNT, asked, || async {
            asked_sts.set(true);
            sts
        }));
        let errors = c
            .ledger
            .take_errors()
            .into_iter()
            .map(|e| format!("{} {}", e.gap.api, e.gap.code))
            .collect();
        let successes = c.ledger.successes().get("iam").copied().unwrap_or(0);
        (owner, asked_sts.get(), errors, successes)
    }

    fn owner_name(o: &Collected<Owner>) -> Option<&str> {
        match o {
            Collected::Ok(Owner::User(n)) => Some(n),
            _ => None,
        }
    }

    fn other(o: &Collected<Owner>) -> Option<&KeyOwner> {
        match o {
            Collected::Ok(Owner::Other(k)) => Some(k),
            _ => None,
        }
    }

    // Issue 10: how a key's owner is decided. A named user is the owner; NoSuchEntity (moto's
    // answer for a key of no user) is the fact "not in this account", counted as read, not a
    // gap, and STS is not asked; after an AccessDenied, STS placing the key in another
    // account is that fact, while STS naming this account (or failing) leaves the denial as
    // the key's gap, recorded; any other failure is the key's gap.
    #[test]
    fn owner_facts_and_gaps() {
        let ok_sts = Ok(Some("999988887777".to_owned()));
        let (o, sts, errors, read) = decided(Ok(Some("bob".into())), ok_sts.clone());
        assert_eq!(
            (owner_name(&o), sts, errors.len(), read),
            (Some("bob"), false, 0, 0)
        );

        let (o, sts, errors, read) = decided(
            Err(gap("iam:GetAccessKeyLastUsed", "NoSuchEntity")),
            ok_sts.clone(),
        );
        assert_eq!(other(&o), Some(&KeyOwner::NotInAccount { account: None }));
        assert_eq!((sts, errors.len(), read), (false, 0, 1));

        let denied = || Err(gap("iam:GetAccessKeyLastUsed", "AccessDenied"));
        let (o, sts, errors, _) = decided(denied(), ok_sts);
        assert_eq!(
            other(&o),
            Some(&KeyOwner::NotInAccount {
                account: Some("999988887777".into())
            })
        );
        assert!(sts && errors.is_empty(), "{errors:?}");

        for sts_answer in [
            Ok(Some(ACCOUNT.to_owned())),
            Ok(None),
            Err(gap("sts:GetAccessKeyInfo", "AccessDenied")),
        ] {
            let (o, sts, errors, _) = decided(denied(), sts_answer);
            let Collected::Missing(g) = &o else {
                panic!("{o:?}")
            };
            assert_eq!(
                (g.api.as_str(), g.code.as_str()),
                ("iam:GetAccessKeyLastUsed", "AccessDenied")
            );
            assert!(sts);
            assert_eq!(errors, ["iam:GetAccessKeyLastUsed AccessDenied"]);
        }

        let (o, sts, errors, _) =
            decided(Err(gap("iam:GetAccessKeyLastUsed", "Throttling")), Ok(None));
        assert!(matches!(o, Collected::Missing(ref g) if g.code == "Throttling"));
        assert!(!sts);
        assert_eq!(errors.len(), 1);

        let (o, _, errors, _) = decided(Ok(None), Ok(None));
        assert!(matches!(o, Collected::Missing(ref g) if g.code == "NoUserName"));
        assert_eq!(errors.len(), 1);
    }
}
