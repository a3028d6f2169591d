//! `secrets_live_key_leaked`: no active access key of this account appears in any text the
//! collector scanned.

use crate::checks::scanned::all_sources;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, User};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "secrets_live_key_leaked",
    title: "No active access key of the account appears in scanned configuration",
    service: "secrets",
    severity: Severity::Critical,
    what: "Whether an AWS access key id that the detectors found in EC2 user data, launch \
           templates, EC2 and VPC tags, Lambda environments, CloudFormation parameters and outputs or ECS \
           container environments is an ACTIVE access key of one of this account's IAM users \
           (ListAccessKeys). Matches are compared by fingerprint (SHA-256 of the key id): \
           neither the snapshot nor the check ever holds a found key in clear. One finding per \
           leaked live key; a PASS for the account when none is found.",
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

/// An active key of the account, known only by its fingerprint and redacted form.
struct LiveKey<'a> {
    user: &'a User,
    redacted: String,
}

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

fn run(ctx: &Context) -> Vec<Finding> {
    let iam = &ctx.inventory.iam;
    let account = ctx.finding(&META, "global", ctx.account_arn());
    let users = match iam.users.get() {
        Ok(u) => u,
        Err(gap) => {
            return vec![account.error_reason(format!(
                "could not be evaluated: the IAM users could not be read, so their access keys \
                 are unknown: {}",
                gap.describe()
            ))]
        }
    };
    let report = iam.credential_report.ok();
    let mut live: BTreeMap<String, LiveKey> = BTreeMap::new();
    let mut unread_users = Vec::new();
    for user in users {
        match &user.access_keys {
            Collected::Ok(keys) => {
                for k in keys.iter().filter(|k| k.active) {
                    live.insert(
                        hex::encode(Sha256::digest(k.id.as_bytes())),
                        LiveKey {
                            user,
                            redacted: redact_key_id(&k.id),
                        },
                    );
                }
            }
            Collected::Missing(gap) => {
                // The credential report says whether the user has an active key at all: a
                // user it shows without one hides nothing.
                let no_active = report.is_some_and(|r| {
                    r.rows
                        .iter()
                        .find(|row| row.arn == user.arn || row.user == user.name)
                        .is_some_and(|row| !row.access_keys.iter().any(|k| k.active))
                });
                if !no_active {
                    unread_users.push(format!("{} ({})", user.name, gap.describe()));
                }
            }
        }
    }

    let (sources, unread_sources) = all_sources(ctx);
    // Fingerprint of a live key → the places it was found, in order, without repeats.
    let mut leaks: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut key_ids_seen = 0usize;
    for source in &sources {
        for m in source
            .secrets
            .iter()
            .filter(|m| m.detector == AWS_ACCESS_KEY_ID)
        {
            key_ids_seen += 1;
            if let Some((fp, _)) = live.get_key_value(&m.fingerprint) {
                let place = if source.by_line {
                    format!("{} line {}", source.place, m.line)
                } else {
                    source.place.clone()
                };
                let places = leaks.entry(fp.as_str()).or_default();
                if !places.contains(&place) {
                    places.push(place);
                }
            }
        }
    }

    let mut findings: Vec<Finding> = leaks
        .iter()
        .map(|(fp, places)| {
            let key = &live[*fp];
            ctx.finding(&META, "global", key.user.arn.clone())
                .fail(format!(
                    "active access key {} of user {} is exposed in {}",
                    key.redacted,
                    key.user.name,
                    places.join("; ")
                ))
        })
        .collect();

    let mut unread: Vec<String> = unread_users
        .iter()
        .map(|u| format!("access keys of user {u}"))
        .collect();
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
    } else if findings.is_empty() {
        findings.push(account.pass(format!(
            "none of the account's {} active access key(s) appears in the {} scanned text(s) \
             ({key_ids_seen} AWS key id(s) found there belong to no active key of this account)",
            live.len(),
            sources.len()
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
    use crate::Status;
    use rampart_inventory::{AccessKey, Instance, ScannedText, SecretMatch, Tag, Vpc};

    const LIVE: &str = "AKIAUJZDEGXDNCF32EPF";
    const INACTIVE: &str = "AKIAGMXGEDN73U55XTPL";
    const FOREIGN: &str = "AKIA3DHODZDOCIS2JHTL";

    /// A match of key id `id` on `line`, as the collector records it: fingerprint of the
    /// whole id, redacted form.
    fn key_match(id: &str, line: u32) -> SecretMatch {
        SecretMatch {
            detector: AWS_ACCESS_KEY_ID.into(),
            detector_name: "AWS access key ID".into(),
            line,
            redacted: redact_key_id(id),
            fingerprint: hex::encode(Sha256::digest(id.as_bytes())),
        }
    }

    fn text(secrets: Vec<SecretMatch>) -> ScannedText {
        ScannedText {
            size: 200,
            sha256: "ab".repeat(32),
            secrets,
        }
    }

    fn key(id: &str, active: bool) -> AccessKey {
        AccessKey {
            id: id.into(),
            active,
            create_date: days_ago(30),
        }
    }

    fn account(fx: &mut Fixture) {
        let mut deploy = user("deploy");
        deploy.access_keys = Collected::Ok(vec![key(LIVE, true), key(INACTIVE, false)]);
        fx.inv.iam.users = Collected::Ok(vec![deploy, user("alice")]);
    }

    // Practice: an active key found in user data and a Lambda environment fails once, on the
    // user, naming the redacted key and every place; an inactive key or another account's
    // key found elsewhere does not.
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

    // Practice: no live key anywhere passes for the account, counting what was scanned.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        account(&mut fx);
        let mut f = function("deployer");
        f.environment = text(vec![key_match(FOREIGN, 1), key_match(INACTIVE, 2)]);
        lambda(&mut fx).functions = Collected::Ok(vec![f]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // Practice: unreadable users are an ERROR; so are unreadable keys of a user the
    // credential report shows with an active key, and unreadable sources; a user the report
    // shows without active keys hides nothing.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.iam.users = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        insta::assert_json_snapshot!("error_users", run_check(&CHECK, &fx.inv));

        let mut fx = Fixture::new();
        let mut bob = user("bob");
        bob.access_keys = Collected::Missing(denied("iam:ListAccessKeys"));
        let mut carol = user("carol");
        carol.access_keys = Collected::Missing(denied("iam:ListAccessKeys"));
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
