//! `secrets_live_key_leaked`: no active access key of this account appears in any text the
//! collector scanned.

use crate::checks::scanned::all_sources;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity, Status};
use rampart_inventory::{Collected, FoundKey, Gap, KeyOwner};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "secrets_live_key_leaked",
    title: "No active access key of the account appears in scanned configuration",
    service: "secrets",
    severity: Severity::Critical,
    what: "Whether an AWS access key id that the detectors found in EC2 user data, launch \
           templates, EC2 and VPC tags, Lambda environments, CloudFormation parameters and \
           outputs or ECS container environments is an ACTIVE access key of one of this \
           account's IAM users. The collector asks IAM about each key id found, never about \
           each user: GetAccessKeyLastUsed names the owner (NoSuchEntity: not a key of this \
           account), then ListAccessKeys of that owner gives its status. The snapshot keeps \
           the answers by fingerprint (SHA-256 of the key id): neither the snapshot nor the \
           check ever holds a found key in clear. One finding per user holding a found key \
           (FAIL when one is active, ERROR when the status of one could not be read, PASS \
           when all are inactive); an ERROR for the account naming each found key whose owner \
           could not be looked up and each source that could not be read, else a PASS for the \
           account when no found key is active.",
    why: "A key id next to its secret in readable configuration is a working credential for \
          anyone who can read that configuration. A found key that is active in this account \
          is not a stale example but a live door into it, and must be rotated now.",
    fix: "Deactivate the key, then delete it once nothing depends on it: aws iam \
          update-access-key --user-name <USER> --access-key-id <ACCESS_KEY_ID> --status \
          Inactive; aws iam delete-access-key --user-name <USER> --access-key-id \
          <ACCESS_KEY_ID>. Give the workload a role instead, and remove the key from every \
          place named in the finding.",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles",
    ],
    cis: &[],
    needs: &[Service::Iam, Service::Ec2, Service::Lambda, Service::CloudFormation, Service::Ecs],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// The detector whose matches are AWS access key ids.
const AWS_ACCESS_KEY_ID: &str = "aws-access-key-id";

/// The first snapshot schema whose found keys are looked up one by one (issue 10); older
/// snapshots hold every user's `ListAccessKeys` instead.
const PER_KEY_SCHEMA: u32 = 4;

/// What the inventory says about one found key id.
enum Verdict<'a> {
    /// A key of user `user` (name), active or not.
    Held { user: &'a str, active: bool },
    /// A key of user `user` whose status could not be read.
    StatusUnread { user: &'a str, gap: &'a Gap },
    /// Not an active-able key of this account: another account's, or not a user key.
    NotOurs(&'static str),
    /// Unknown: the lookup failed (`Some`) or was never recorded (`None`).
    Unknown(Option<&'a Gap>),
}

/// What a found key of one of the account's users is.
#[derive(Clone, Copy)]
enum UserKey<'a> {
    /// Active: a live key.
    Active,
    /// Its status could not be read.
    Unread(&'a Gap),
    /// Inactive.
    Inactive,
}

impl UserKey<'_> {
    /// The order in which a user's keys are told: what decides the finding first.
    fn rank(&self) -> u8 {
        match self {
            UserKey::Active => 0,
            UserKey::Unread(_) => 1,
            UserKey::Inactive => 2,
        }
    }
}

/// A found key id: its redacted form and every place it was found, in order, without
/// repeats.
struct Found<'a> {
    redacted: &'a str,
    places: Vec<String>,
}

/// The keys of a schema 2 or 3 snapshot, by fingerprint of the key id: user and whether
/// the key is active.
type ListedKeys<'a> = BTreeMap<String, (&'a str, bool)>;

/// The answers of a schema 2 or 3 snapshot: every user's `ListAccessKeys`, and the users
/// whose keys could not be read (those the credential report shows without an active key
/// hide nothing). `Err`: the users themselves were not read.
fn listed_keys<'a>(ctx: &'a Context) -> Result<(ListedKeys<'a>, Vec<String>), String> {
    let iam = &ctx.inventory.iam;
    let users = iam.users.get().map_err(|gap| {
        format!(
            "could not be evaluated: the IAM users could not be read, so their access keys \
             are unknown: {}",
            gap.describe()
        )
    })?;
    let report = iam.credential_report.ok();
    let mut keys = BTreeMap::new();
    let mut unread = Vec::new();
    for user in users {
        match &user.access_keys {
            Some(Collected::Ok(list)) => {
                for k in list {
                    keys.insert(
                        hex::encode(Sha256::digest(k.id.as_bytes())),
                        (user.name.as_str(), k.active),
                    );
                }
            }
            Some(Collected::Missing(gap)) => {
                let no_active = report.is_some_and(|r| {
                    r.rows
                        .iter()
                        .find(|row| row.arn == user.arn || row.user == user.name)
                        .is_some_and(|row| !row.access_keys.iter().any(|k| k.active))
                });
                if !no_active {
                    unread.push(format!(
                        "access keys of user {} ({})",
                        user.name,
                        gap.describe()
                    ));
                }
            }
            None => unread.push(format!(
                "access keys of user {} (not in this schema {} snapshot)",
                user.name, ctx.inventory.schema_version
            )),
        }
    }
    Ok((keys, unread))
}

/// The verdict on the key with fingerprint `fp` from the per-key answers (schema 4).
fn looked_up<'a>(found: &'a BTreeMap<String, FoundKey>, fp: &str) -> Verdict<'a> {
    match found.get(fp).map(|k| &k.owner) {
        None => Verdict::Unknown(None),
        Some(Collected::Missing(gap)) => Verdict::Unknown(Some(gap)),
        Some(Collected::Ok(KeyOwner::User { name, active })) => match active {
            Collected::Ok(active) => Verdict::Held {
                user: name,
                active: *active,
            },
            Collected::Missing(gap) => Verdict::StatusUnread { user: name, gap },
        },
        Some(Collected::Ok(KeyOwner::NotInAccount { .. })) => {
            Verdict::NotOurs("not a key of this account")
        }
        Some(Collected::Ok(KeyOwner::NotUserKey)) => Verdict::NotOurs("not an IAM user key"),
    }
}

fn run(ctx: &Context) -> Vec<Finding> {
    let iam = &ctx.inventory.iam;
    let account = ctx.finding(&META, "global", ctx.account_arn());

    let (sources, unread_sources) = all_sources(ctx);
    let mut found: BTreeMap<&str, Found> = BTreeMap::new();
    for source in &sources {
        for m in source
            .secrets
            .iter()
            .filter(|m| m.detector == AWS_ACCESS_KEY_ID)
        {
            let place = if source.by_line {
                format!("{} line {}", source.place, m.line)
            } else {
                source.place.clone()
            };
            let entry = found.entry(m.fingerprint.as_str()).or_insert(Found {
                redacted: &m.redacted,
                places: Vec::new(),
            });
            if !entry.places.contains(&place) {
                entry.places.push(place);
            }
        }
    }

    let mut unread: Vec<String> = Vec::new();
    let listed = if ctx.inventory.schema_version < PER_KEY_SCHEMA {
        match listed_keys(ctx) {
            Ok((keys, users_unread)) => {
                unread.extend(users_unread);
                Some(keys)
            }
            Err(reason) => return vec![account.error_reason(reason)],
        }
    } else {
        None
    };
    let answers = match (&listed, iam.found_keys.get()) {
        (Some(_), _) => None,
        (None, Ok(answers)) => Some(answers),
        (None, Err(gap)) => {
            if !found.is_empty() {
                unread.push(format!(
                    "the owners of the {} AWS key id(s) found ({})",
                    found.len(),
                    gap.describe()
                ));
            }
            None
        }
    };

    let user_arn = |name: &str| {
        iam.users
            .ok()
            .and_then(|users| users.iter().find(|u| u.name == name))
            .map(|u| u.arn.clone())
            .unwrap_or_else(|| {
                format!(
                    "arn:{}:iam::{}:user/{name}",
                    ctx.inventory.account.partition, ctx.inventory.account.id
                )
            })
    };
    // Per user (one finding each): what each of its found keys is.
    let mut per_user: BTreeMap<&str, Vec<(UserKey, String)>> = BTreeMap::new();
    let mut not_ours: BTreeMap<&str, usize> = BTreeMap::new();
    for (fp, key) in &found {
        let verdict = match (&listed, answers) {
            (Some(keys), _) => match keys.get(*fp) {
                Some((user, active)) => Verdict::Held {
                    user,
                    active: *active,
                },
                None => Verdict::NotOurs("not a key of this account"),
            },
            (None, Some(answers)) => looked_up(answers, fp),
            // The lookups as a whole are missing: said once, above.
            (None, None) => continue,
        };
        let places = key.places.join("; ");
        let redacted = key.redacted;
        let (user, what) = match verdict {
            Verdict::Held { user, active: true } => (user, UserKey::Active),
            Verdict::Held {
                user,
                active: false,
            } => (user, UserKey::Inactive),
            Verdict::StatusUnread { user, gap } => (user, UserKey::Unread(gap)),
            Verdict::NotOurs(why) => {
                *not_ours.entry(why).or_default() += 1;
                continue;
            }
            Verdict::Unknown(gap) => {
                unread.push(format!(
                    "the owner of key {redacted} found in {places} ({})",
                    gap.map_or_else(
                        || "no lookup of this key is recorded in the snapshot".to_owned(),
                        Gap::describe
                    )
                ));
                continue;
            }
        };
        per_user.entry(user).or_default().push((
            what,
            match what {
                UserKey::Active => {
                    format!("active access key {redacted} of user {user} is exposed in {places}")
                }
                UserKey::Inactive => format!(
                    "access key {redacted} of user {user}, exposed in {places}, is inactive: it \
                     cannot sign requests (delete it, so that nobody can re-activate it)"
                ),
                UserKey::Unread(gap) => format!(
                    "access key {redacted} of user {user} is exposed in {places}, but whether \
                     it is active could not be read: {}",
                    gap.describe()
                ),
            },
        ));
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut inactive = 0;
    for (user, keys) in per_user {
        let f = ctx.finding(&META, "global", user_arn(user));
        // The decisive keys first: active, then unread, then inactive.
        let mut keys = keys;
        keys.sort_by_key(|(what, _)| what.rank());
        let reason = keys
            .iter()
            .map(|(_, r)| r.as_str())
            .collect::<Vec<_>>()
            .join("; also ");
        inactive += keys
            .iter()
            .filter(|(w, _)| matches!(w, UserKey::Inactive))
            .count();
        findings.push(match keys[0].0 {
            UserKey::Active => f.fail(reason),
            UserKey::Unread(_) => f.error_reason(format!("could not be evaluated: {reason}")),
            UserKey::Inactive => f.pass(reason),
        });
    }

    unread.extend(
        unread_sources
            .iter()
            .map(|u| format!("{} ({})", u.what, u.gap.describe())),
    );
    if !unread.is_empty() {
        findings.push(account.error_reason(format!(
            "could not be fully evaluated: {} could not be read, so a live key there would go \
             unnoticed: {}",
            if unread.len() == 1 {
                "one source"
            } else {
                "some sources"
            },
            unread.join("; ")
        )));
    } else if !findings.iter().any(|f| f.status != Status::Pass) {
        let mut counts: Vec<String> = not_ours
            .iter()
            .map(|(why, n)| format!("{n} {why}"))
            .collect();
        if inactive > 0 {
            counts.push(format!("{inactive} inactive"));
        }
        findings.push(account.pass(format!(
            "none of the {} AWS key id(s) found in the {} scanned text(s) is an active access \
             key of this account{}",
            found.len(),
            sources.len(),
            if counts.is_empty() {
                String::new()
            } else {
                format!(" ({})", counts.join(", "))
            }
        )));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudformation::testing::{cloudformation, stack};
    use crate::checks::ec2::testing::{ec2, instance};
    use crate::checks::fixtures::{days_ago, denied, run_check, Fixture};
    use crate::checks::iam::testing::{active_key, row, set_rows, user};
    use crate::checks::lambda::testing::{function, lambda};
    use rampart_inventory::{AccessKey, Instance, ScannedText, SecretMatch, Tag, Vpc};

    /// `AKIA************WXYZ`: the first and last four characters, as IAM and the detectors
    /// show a key id.
    fn redact_key_id(id: &str) -> String {
        if id.len() > 8 && id.is_ascii() {
            format!(
                "{}{}{}",
                &id[..4],
                "*".repeat(id.len() - 8),
                &id[id.len() - 4..]
            )
        } else {
            "****".to_owned()
        }
    }

    const LIVE: &str = "AKIAUJZDEGXDNCF32EPF";
    const INACTIVE: &str = "AKIAGMXGEDN73U55XTPL";
    const FOREIGN: &str = "AKIA3DHODZDOCIS2JHTL";

    fn fingerprint(id: &str) -> String {
        hex::encode(Sha256::digest(id.as_bytes()))
    }

    /// A match of key id `id` on `line`, as the collector records it: fingerprint of the
    /// whole id, redacted form.
    fn key_match(id: &str, line: u32) -> SecretMatch {
        SecretMatch {
            detector: AWS_ACCESS_KEY_ID.into(),
            detector_name: "AWS access key ID".into(),
            line,
            redacted: redact_key_id(id),
            fingerprint: fingerprint(id),
        }
    }

    fn text(secrets: Vec<SecretMatch>) -> ScannedText {
        ScannedText {
            size: 200,
            sha256: "ab".repeat(32),
            secrets,
        }
    }

    /// The collector's answer for key `id`.
    fn answer(id: &str, owner: Collected<KeyOwner>) -> (String, FoundKey) {
        (
            fingerprint(id),
            FoundKey {
                redacted: redact_key_id(id),
                owner,
            },
        )
    }

    fn held(user: &str, active: Collected<bool>) -> Collected<KeyOwner> {
        Collected::Ok(KeyOwner::User {
            name: user.into(),
            active,
        })
    }

    /// Users `deploy` and `alice`; the answers the collector got for the three keys the
    /// tests plant: LIVE and INACTIVE are deploy's, FOREIGN is of another account.
    fn account(fx: &mut Fixture) {
        fx.inv.iam.users = Collected::Ok(vec![user("deploy"), user("alice")]);
        fx.inv.iam.found_keys = Collected::Ok(
            [
                answer(LIVE, held("deploy", Collected::Ok(true))),
                answer(INACTIVE, held("deploy", Collected::Ok(false))),
                answer(
                    FOREIGN,
                    Collected::Ok(KeyOwner::NotInAccount { account: None }),
                ),
            ]
            .into_iter()
            .collect(),
        );
    }

    // Practice, issue 10: an active key found in user data and a Lambda environment fails
    // once, on the user, naming the redacted key and every place; an inactive key found
    // elsewhere is a PASS that says it is inactive; another account's key is no finding.
    #[test]
    fn fail_live_key() {
        let mut fx = Fixture::new();
        account(&mut fx);
        ec2(&mut fx).instances = Collected::Ok(vec![Instance {
            user_data: Collected::Ok(Some(text(vec![key_match(LIVE, 3)]))),
            ..instance("i-0aaa")
        }]);
        let mut f = function("deployer");
        f.environment = text(vec![key_match(LIVE, 1), key_match(FOREIGN, 2)]);
        lambda(&mut fx).functions = Collected::Ok(vec![f]);
        let mut s = stack("old");
        s.outputs = text(vec![key_match(INACTIVE, 1)]);
        cloudformation(&mut fx).stacks = Collected::Ok(vec![s]);
        let findings = run_check(&CHECK, &fx.inv);
        // Never the whole key id in a reason.
        assert!(findings.iter().all(|f| !f.reason.contains(LIVE)));
        insta::assert_json_snapshot!("fail", findings);
    }

    // Issue 9, defect 8: a live key written into a tag (here of a VPC, and of the instance
    // that also has it in its user data) is named by the tag, never by a line.
    #[test]
    fn fail_live_key_in_tags() {
        let mut fx = Fixture::new();
        account(&mut fx);
        let tag = Tag {
            key: "deploy-key".into(),
            value: "<redacted: aws-access-key-id>".into(),
            secrets: vec![key_match(LIVE, 1)],
        };
        let data = ec2(&mut fx);
        data.instances = Collected::Ok(vec![Instance {
            tags: vec![Tag::new("Name", "web"), tag.clone()],
            user_data: Collected::Ok(Some(text(vec![key_match(LIVE, 3)]))),
            ..instance("i-0aaa")
        }]);
        data.vpcs = Collected::Ok(vec![Vpc {
            id: "vpc-0aaa".into(),
            tags: vec![tag],
            ..Default::default()
        }]);
        let findings = run_check(&CHECK, &fx.inv);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let reason = &findings[0].reason;
        assert_eq!(findings[0].status, Status::Fail, "{reason}");
        for place in [
            "tag deploy-key of instance i-0aaa in us-east-1",
            "user data of instance i-0aaa in us-east-1 line 3",
            "tag deploy-key of VPC vpc-0aaa in us-east-1",
        ] {
            assert!(reason.contains(place), "{place} in {reason}");
        }
        assert!(
            !reason.contains("deploy-key of VPC vpc-0aaa in us-east-1 line"),
            "{reason}"
        );
        assert!(!reason.contains(LIVE), "{reason}");
    }

    // Practice, issue 10: no live key anywhere passes for the account, counting what was
    // found; the inactive key found is its own PASS, naming the user.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        account(&mut fx);
        let mut f = function("deployer");
        f.environment = text(vec![key_match(FOREIGN, 1), key_match(INACTIVE, 2)]);
        lambda(&mut fx).functions = Collected::Ok(vec![f]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // Issue 10: a key whose owner could not be looked up, one the snapshot holds no answer
    // for, and unreadable sources make the account ERROR naming each; a key whose status
    // could not be read is an ERROR on its user; never a PASS. Without any answers (IAM not
    // read), found keys are an ERROR too.
    #[test]
    fn error() {
        const UNASKED: &str = "AKIAQW3RTY7UIOP2ASDF";
        let mut fx = Fixture::new();
        account(&mut fx);
        let Collected::Ok(answers) = &mut fx.inv.iam.found_keys else {
            unreachable!()
        };
        answers.extend([
            answer(
                FOREIGN,
                Collected::Missing(denied("iam:GetAccessKeyLastUsed")),
            ),
            answer(
                INACTIVE,
                held("deploy", Collected::Missing(denied("iam:ListAccessKeys"))),
            ),
        ]);
        let mut f = function("deployer");
        f.environment = text(vec![
            key_match(FOREIGN, 1),
            key_match(INACTIVE, 2),
            key_match(UNASKED, 3),
        ]);
        lambda(&mut fx).functions = Collected::Ok(vec![f]);
        cloudformation(&mut fx).stacks =
            Collected::Missing(denied("cloudformation:DescribeStacks"));
        let findings = run_check(&CHECK, &fx.inv);
        assert!(
            findings.iter().all(|f| f.status == Status::Error),
            "{findings:#?}"
        );
        insta::assert_json_snapshot!("error_lookups_and_sources", findings);

        fx.inv.iam.found_keys = Collected::Missing(Gap::not_collected());
        cloudformation(&mut fx).stacks = Collected::Ok(vec![]);
        let findings = run_check(&CHECK, &fx.inv);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].status, Status::Error);
        assert!(
            findings[0]
                .reason
                .contains("the owners of the 3 AWS key id(s) found (NotCollected"),
            "{}",
            findings[0].reason
        );
    }

    /// A schema 3 account: `deploy` listed with LIVE (active) and INACTIVE, `alice` without
    /// keys, no per-key answers.
    fn schema_3_account(fx: &mut Fixture) {
        fx.inv.schema_version = 3;
        fx.inv.iam.found_keys = Collected::default();
        let key = |id: &str, active| AccessKey {
            id: id.into(),
            active,
            create_date: days_ago(30),
        };
        let mut deploy = user("deploy");
        deploy.access_keys = Some(Collected::Ok(vec![key(LIVE, true), key(INACTIVE, false)]));
        let mut alice = user("alice");
        alice.access_keys = Some(Collected::Ok(vec![]));
        fx.inv.iam.users = Collected::Ok(vec![deploy, alice]);
    }

    // Issue 10: snapshots of schema 2 and 3 still evaluate from their ListAccessKeys lists:
    // the live key fails, the inactive one is said inactive, another account's is none of
    // this account's.
    #[test]
    fn schema_3_snapshots_evaluate_from_their_key_lists() {
        let mut fx = Fixture::new();
        schema_3_account(&mut fx);
        let mut f = function("deployer");
        f.environment = text(vec![
            key_match(LIVE, 1),
            key_match(INACTIVE, 2),
            key_match(FOREIGN, 3),
        ]);
        lambda(&mut fx).functions = Collected::Ok(vec![f]);
        insta::assert_json_snapshot!("schema_3_fail", run_check(&CHECK, &fx.inv));

        lambda(&mut fx).functions = Collected::Ok(vec![]);
        let findings = run_check(&CHECK, &fx.inv);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].status, Status::Pass, "{findings:#?}");
    }

    // Practice (schema 3): unreadable users are an ERROR; so are unreadable keys of a user
    // the credential report shows with an active key, and unreadable sources; a user the
    // report shows without active keys hides nothing.
    #[test]
    fn schema_3_error() {
        let mut fx = Fixture::new();
        schema_3_account(&mut fx);
        fx.inv.iam.users = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        insta::assert_json_snapshot!("error_users", run_check(&CHECK, &fx.inv));

        let mut fx = Fixture::new();
        schema_3_account(&mut fx);
        let mut bob = user("bob");
        bob.access_keys = Some(Collected::Missing(denied("iam:ListAccessKeys")));
        let mut carol = user("carol");
        carol.access_keys = Some(Collected::Missing(denied("iam:ListAccessKeys")));
        fx.inv.iam.users = Collected::Ok(vec![bob, carol]);
        let mut bob_row = row("bob");
        bob_row.access_keys[0] = active_key(10, None);
        set_rows(&mut fx, vec![bob_row, row("carol")]);
        lambda(&mut fx).functions = Collected::Missing(denied("lambda:ListFunctions"));
        insta::assert_json_snapshot!("error_keys_and_sources", run_check(&CHECK, &fx.inv));
    }

    // The redacted form keeps the first and last four characters only.
    #[test]
    fn redaction() {
        assert_eq!(redact_key_id(LIVE), "AKIA************2EPF");
        assert_eq!(redact_key_id("short"), "****");
    }
}
