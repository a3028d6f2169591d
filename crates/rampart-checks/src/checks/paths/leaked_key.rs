//! `paths_leaked_key_to_privileges`: no live access key found in scanned configuration
//! belongs to a user that is, or escalates to, an administrator, or that reads data.

use super::with_graph;
use crate::checks::scanned::all_sources;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, KeyOwner};
use std::collections::BTreeMap;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "paths_leaked_key_to_privileges",
    title: "No leaked live access key leads to an administrator or to data",
    service: "paths",
    severity: Severity::Critical,
    what: "Every access key id the secret detectors found in scanned configuration (EC2 user \
           data, launch templates, tags, Lambda environments, CloudFormation, ECS) that IAM \
           names as an ACTIVE key of a user of this account (secrets_live_key_leaked's \
           data), joined end to end: the key, its user, and what that user reaches with the \
           policy engine: an administrator (it is one, or the escalation graph has a path \
           from it to one) or data (s3:GetObject on a bucket, kms:Decrypt with a key, \
           ssm:GetParameter on a parameter, secretsmanager:GetSecretValue on every secret, \
           dynamodb:Scan on every table). One finding per user with a live leaked key: FAIL \
           telling the chain, PASS when the user reaches neither; one PASS for the account \
           when no live key was found; ERROR when the key owners or the IAM data are \
           missing.",
    why: "A live key in readable configuration is a credential anyone who reads that \
          configuration holds. What it is worth is what its user reaches: when that is the \
          whole account or its data, this is the finding to act on first.",
    fix: "Deactivate the key now (aws iam update-access-key --user-name <USER> \
          --access-key-id <ACCESS_KEY_ID> --status Inactive), remove it from every place \
          named, then limit the user's permissions (aws iam detach-user-policy --user-name \
          <USER> --policy-arn <POLICY_ARN>) and give the workload a role instead.",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console",
        "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
    ],
    cis: &[],
    needs: &[
        Service::Iam,
        Service::Ec2,
        Service::Lambda,
        Service::CloudFormation,
        Service::Ecs,
        Service::S3,
        Service::Kms,
        Service::Ssm,
        Service::Organizations,
    ],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = ctx.finding(&META, "global", ctx.account_arn());
    let answers = match ctx.inventory.iam.found_keys.get() {
        Ok(a) => a,
        Err(gap) => return vec![account.error(gap)],
    };
    // Where each found key id is, by fingerprint.
    let (sources, unread_sources) = all_sources(ctx);
    let mut places: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for s in &sources {
        for m in s.secrets.iter() {
            let place = if s.by_line {
                format!("{} line {}", s.place, m.line)
            } else {
                s.place.clone()
            };
            let list = places.entry(m.fingerprint.as_str()).or_default();
            if !list.contains(&place) {
                list.push(place);
            }
        }
    }
    // Live keys by user name: the redacted key and its places; and the keys whose owner or
    // status is unknown.
    let mut live: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut unread: Vec<String> = Vec::new();
    for (fp, key) in answers {
        let at = places
            .get(fp.as_str())
            .map(|p| p.join("; "))
            .unwrap_or_else(|| "scanned configuration".into());
        match &key.owner {
            Collected::Ok(KeyOwner::User {
                name,
                active: Collected::Ok(true),
            }) => live
                .entry(name.as_str())
                .or_default()
                .push(format!("{} (in {at})", key.redacted)),
            Collected::Ok(KeyOwner::User {
                name,
                active: Collected::Missing(gap),
            }) => unread.push(format!(
                "whether key {} of user {name} is active ({})",
                key.redacted,
                gap.describe()
            )),
            Collected::Missing(gap) => unread.push(format!(
                "the owner of key {} found in {at} ({})",
                key.redacted,
                gap.describe()
            )),
            Collected::Ok(_) => {}
        }
    }
    for (fp, at) in &places {
        let is_key = sources.iter().any(|s| {
            s.secrets
                .iter()
                .any(|m| m.fingerprint == *fp && m.detector == "aws-access-key-id")
        });
        if is_key && !answers.contains_key(*fp) {
            unread.push(format!(
                "the owner of a key found in {} (no lookup is recorded in the snapshot)",
                at.join("; ")
            ));
        }
    }
    unread.extend(
        unread_sources
            .iter()
            .map(|u| format!("{} ({})", u.what, u.gap.describe())),
    );
    let unread_finding = || {
        ctx.finding(&META, "global", ctx.account_arn())
            .error_reason(format!(
                "could not be fully evaluated: a live key among what could not be read would \
                 go unnoticed: {}",
                unread.join("; ")
            ))
    };
    if live.is_empty() {
        if !unread.is_empty() {
            return vec![unread_finding()];
        }
        return vec![account.pass(format!(
            "none of the {} AWS key id(s) found in scanned configuration is an active key of \
             a user of this account",
            answers.len()
        ))];
    }
    let mut findings = with_graph(ctx, &META, |reach| {
        let users = ctx
            .inventory
            .iam
            .users
            .ok()
            .map(Vec::as_slice)
            .unwrap_or_default();
        live.iter()
            .map(|(name, keys)| {
                let arn = users
                    .iter()
                    .find(|u| u.name == *name)
                    .map(|u| u.arn.clone())
                    .unwrap_or_else(|| {
                        format!(
                            "arn:{}:iam::{}:user/{name}",
                            ctx.inventory.account.partition, ctx.inventory.account.id
                        )
                    });
                let f = ctx.finding(&META, "global", arn.clone());
                let key = format!("live access key {}", keys.join(", "));
                match reach.of(&arn) {
                    Err(e) => f.error_reason(format!("could not be evaluated: {key}: {e}")),
                    Ok(None) => f.pass(format!(
                        "{key} of user {name} leaks, but user/{name} reaches no administrator \
                         and reads no data (secrets_live_key_leaked reports the key itself)"
                    )),
                    Ok(Some(r)) => {
                        let f = if r.conditional {
                            f.severity(Severity::High)
                        } else {
                            f
                        };
                        f.fail(format!(
                            "{key} → {}{}",
                            r.text,
                            if r.conditional {
                                " (what it reaches hangs on a condition the engine cannot \
                                 decide: high rather than critical)"
                            } else {
                                ""
                            }
                        ))
                    }
                }
            })
            .collect()
    });
    if !unread.is_empty() {
        findings.push(unread_finding());
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, instance};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{inline, role, user};
    use rampart_inventory::{FoundKey, Instance, ScannedText, SecretMatch};
    use serde_json::json;

    fn key_match(fp: &str, line: u32) -> SecretMatch {
        SecretMatch {
            detector: "aws-access-key-id".into(),
            detector_name: "AWS access key ID".into(),
            line,
            redacted: format!("AKIA************{}", &fp[..4].to_uppercase()),
            fingerprint: fp.into(),
        }
    }

    fn answer(fp: &str, user: &str, active: bool) -> (String, FoundKey) {
        (
            fp.into(),
            FoundKey {
                redacted: format!("AKIA************{}", &fp[..4].to_uppercase()),
                owner: Collected::Ok(KeyOwner::User {
                    name: user.into(),
                    active: Collected::Ok(active),
                }),
            },
        )
    }

    /// `ci` can create a key for `ops`, which can assume the admin role; `intern` has no
    /// permission; `old` is admin but its found key is inactive.
    fn account(fx: &mut Fixture) {
        let mut ci = user("ci");
        ci.inline_policies = vec![inline(
            "keys",
            json!({"Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey",
                "Resource": "arn:aws:iam::111122223333:user/ops"}]}),
        )];
        let mut ops = user("ops");
        ops.inline_policies = vec![inline(
            "assume",
            json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": "*"}]}),
        )];
        let mut old = user("old");
        old.inline_policies = vec![inline(
            "all",
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )];
        fx.inv.iam.users = Collected::Ok(vec![ci, ops, user("intern"), old]);
        let mut admin = role("admin");
        admin.assume_role_policy = json!({"Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]});
        admin.inline_policies = vec![inline(
            "all",
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )];
        fx.inv.iam.roles = Collected::Ok(vec![admin]);
        fx.inv.iam.found_keys = Collected::Ok(
            [
                answer(&"a1".repeat(32), "ci", true),
                answer(&"b2".repeat(32), "intern", true),
                answer(&"c3".repeat(32), "old", false),
            ]
            .into_iter()
            .collect(),
        );
        ec2(fx).instances = Collected::Ok(vec![Instance {
            user_data: Collected::Ok(Some(ScannedText {
                size: 100,
                sha256: "ab".repeat(32),
                secrets: vec![
                    key_match(&"a1".repeat(32), 2),
                    key_match(&"b2".repeat(32), 5),
                    key_match(&"c3".repeat(32), 7),
                ],
            })),
            ..instance("i-0aaa")
        }]);
    }

    // Joined path (issue 12): a live key of a user who escalates to the admin role fails
    // with the chain; a live key of a user who reaches nothing passes; an inactive key is
    // not a foothold.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        account(&mut fx);
        let findings = run_check(&CHECK, &fx.inv);
        assert!(!findings.iter().any(|f| f.resource.ends_with("user/old")));
        insta::assert_json_snapshot!("pass_and_fail", findings);
    }

    // No found key is live: one PASS for the account; a found key without an answer, found
    // keys not looked up, or IAM not read: ERROR.
    #[test]
    fn pass_account_and_error() {
        let mut fx = Fixture::new();
        account(&mut fx);
        fx.inv.iam.found_keys = Collected::Ok(
            [
                answer(&"a1".repeat(32), "ci", false),
                answer(&"b2".repeat(32), "intern", false),
                answer(&"c3".repeat(32), "old", false),
            ]
            .into_iter()
            .collect(),
        );
        let mut findings = run_check(&CHECK, &fx.inv);
        // A found key without an answer: ERROR, never the account's PASS.
        if let Collected::Ok(keys) = &mut fx.inv.iam.found_keys {
            keys.remove(&"a1".repeat(32));
        }
        findings.extend(run_check(&CHECK, &fx.inv));
        fx.inv.iam.found_keys = Collected::Missing(denied("iam:GetAccessKeyLastUsed"));
        findings.extend(run_check(&CHECK, &fx.inv));
        let mut fx = Fixture::new();
        account(&mut fx);
        fx.inv.iam.groups = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        findings.extend(run_check(&CHECK, &fx.inv));
        insta::assert_json_snapshot!("pass_account_and_error", findings);
    }
}
