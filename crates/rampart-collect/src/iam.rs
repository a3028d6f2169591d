//! IAM, once per account: account summary, password policy, credential report, the
//! authorization details (users, groups, roles, policies in a few bulk calls), virtual MFA
//! devices, instance profiles and server certificates. Access key ages and activity are the
//! credential report's (issue 10); only the users it shows with an idle key have their keys
//! listed (`ListAccessKeys`), for `rampart fix` to name them (issue 14). The keys found in
//! scanned configuration are looked up one by one afterwards (`found_keys.rs`).

use crate::recorder::{items, pages, request, Recorder};
use crate::sdk::{policy_document, s, time};
use crate::Collector;
use aws_sdk_iam::types::{EntityType, ReportStateType, StatusType};
use aws_sdk_iam::Client;
use chrono::{DateTime, Utc};
use rampart_inventory::*;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

const SERVICE: &str = "iam";

/// When an access key counts as idle: unused (or, never used, created) `days` whole days or
/// more before `now`, the collection's start, as `iam_unused_credentials` counts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdleKeys {
    /// When the collection started (the snapshot's `collected_at`).
    pub(crate) now: DateTime<Utc>,
    /// The threshold, in whole days ([`crate::Options::idle_key_days`]).
    pub(crate) days: i64,
}

/// Read the account's IAM data.
pub(crate) async fn collect(c: &Collector, client: &Client, idle: IdleKeys) -> IamData {
    let rec = &c.recorder(SERVICE, "global");
    let (
        account_summary,
        password_policy,
        credential_report,
        details,
        virtual_mfa_devices,
        instance_profiles,
        server_certificates,
    ) = tokio::join!(
        account_summary(rec, client),
        password_policy(rec, client),
        credential_report(rec, client),
        authorization_details(rec, client),
        virtual_mfa_devices(rec, client),
        instance_profiles(rec, client),
        server_certificates(rec, client),
    );
    let (users, groups, roles, policies) = match details {
        Ok(mut d) => {
            if let Collected::Ok(report) = &credential_report {
                list_idle_keys(rec, client, &mut d.users, report, idle).await;
            }
            (
                Collected::Ok(d.users),
                Collected::Ok(d.groups),
                Collected::Ok(d.roles),
                Collected::Ok(d.policies),
            )
        }
        Err(g) => (
            Collected::Missing(g.clone()),
            Collected::Missing(g.clone()),
            Collected::Missing(g.clone()),
            Collected::Missing(g),
        ),
    };
    IamData {
        account_summary,
        password_policy,
        credential_report,
        users,
        groups,
        roles,
        policies,
        virtual_mfa_devices,
        instance_profiles,
        server_certificates,
        // Filled once the regions are scanned: see `found_keys.rs`.
        found_keys: Collected::default(),
        // Filled after the principals are known: see `access_advisor.rs`.
        service_last_accessed: Collected::default(),
    }
}

async fn server_certificates(
    rec: &Recorder<'_>,
    client: &Client,
) -> Collected<Vec<ServerCertificate>> {
    rec.list(
        "iam:ListServerCertificates",
        items!(client.list_server_certificates()),
        |m| ServerCertificate {
            name: m.server_certificate_name().to_owned(),
            arn: m.arn().to_owned(),
            expiration: time(m.expiration()),
            upload_date: time(m.upload_date()),
        },
    )
    .await
}

async fn account_summary(rec: &Recorder<'_>, client: &Client) -> Collected<BTreeMap<String, i64>> {
    rec.call(
        "iam:GetAccountSummary",
        request!(client.get_account_summary()),
        |out| {
            out.summary_map()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.as_str().to_owned(), i64::from(*v)))
                        .collect()
                })
                .unwrap_or_default()
        },
    )
    .await
}

async fn password_policy(rec: &Recorder<'_>, client: &Client) -> Collected<Option<PasswordPolicy>> {
    // No policy (NoSuchEntity) is a fact about the account, not a failure to read it.
    rec.optional(
        "iam:GetAccountPasswordPolicy",
        request!(client.get_account_password_policy()),
        &["NoSuchEntity"],
        |out| {
            out.password_policy().map(|p| PasswordPolicy {
                minimum_password_length: p.minimum_password_length(),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase_characters: p.require_uppercase_characters(),
                require_lowercase_characters: p.require_lowercase_characters(),
                allow_users_to_change_password: p.allow_users_to_change_password(),
                max_password_age: p.max_password_age(),
                password_reuse_prevention: p.password_reuse_prevention(),
                hard_expiry: p.hard_expiry(),
            })
        },
    )
    .await
}

/// Ask IAM to generate the report, poll with backoff until it is complete, then decode it.
async fn credential_report(rec: &Recorder<'_>, client: &Client) -> Collected<CredentialReport> {
    let mut delay = Duration::from_millis(100);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let generated = rec
            .try_call(
                "iam:GenerateCredentialReport",
                request!(client.generate_credential_report()),
            )
            .await;
        match generated {
            Ok(out) if out.state() == Some(&ReportStateType::Complete) => break,
            Ok(_) => {}
            Err(g) => return rec.missing(g),
        }
        if tokio::time::Instant::now() >= deadline {
            return rec.missing(Gap {
                api: "iam:GenerateCredentialReport".into(),
                code: "ReportNotReady".into(),
                message: "the credential report was not ready after 60 seconds".into(),
            });
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    }
    let out = match rec
        .try_call(
            "iam:GetCredentialReport",
            request!(client.get_credential_report()),
        )
        .await
    {
        Ok(out) => out,
        Err(g) => return rec.missing(g),
    };
    let content = out.content().map(|b| b.as_ref()).unwrap_or_default();
    match crate::credential_report::parse(content) {
        Ok(rows) => Collected::Ok(CredentialReport {
            generated_at: time(out.generated_time()),
            rows,
        }),
        Err(message) => rec.missing(Gap {
            api: "iam:GetCredentialReport".into(),
            code: "MalformedReport".into(),
            message,
        }),
    }
}

/// The users of `report` whose access keys are listed: those with a key, active or not,
/// idle as `idle` says, by its last use or, never used, its creation (the report's
/// `last_rotated`). Inactive keys are included so that, once `rampart fix` deactivated a
/// key, the re-read before `rampart undo` (and the one that checks the fix) still finds it
/// by id. A key without a creation time cannot be matched to a listed key, and root is no
/// IAM user: neither is asked about. Users whose keys are all in use within `idle.days` are
/// never asked about, so a healthy account pays no call.
pub(crate) fn idle_key_users(report: &CredentialReport, idle: IdleKeys) -> BTreeSet<&str> {
    report
        .rows
        .iter()
        .filter(|row| !row.is_root())
        .filter(|row| {
            row.access_keys.iter().any(|key| {
                key.last_rotated.is_some_and(|created| {
                    (idle.now - key.last_used.unwrap_or(created)).num_days() >= idle.days
                })
            })
        })
        .map(|row| row.user.as_str())
        .collect()
}

/// `ListAccessKeys(UserName)` for each of `users` that [`idle_key_users`] selects, a bounded
/// number at a time: its keys, or the gap, into the user's `access_keys`; every other user
/// keeps `None` (not read).
async fn list_idle_keys(
    rec: &Recorder<'_>,
    client: &Client,
    users: &mut [User],
    report: &CredentialReport,
    idle: IdleKeys,
) {
    let idle_users = idle_key_users(report, idle);
    let names: Vec<String> = users
        .iter()
        .filter(|u| idle_users.contains(u.name.as_str()))
        .map(|u| u.name.clone())
        .collect();
    let mut listed: BTreeMap<String, Collected<Vec<AccessKey>>> = rec
        .each(names, |name| async move {
            let keys = rec
                .list(
                    "iam:ListAccessKeys",
                    items!(client.list_access_keys().user_name(&name)),
                    |k| AccessKey {
                        id: s(k.access_key_id()),
                        active: k.status() == Some(&StatusType::Active),
                        create_date: time(k.create_date()),
                    },
                )
                .await;
            (name, keys)
        })
        .await
        .into_iter()
        .collect();
    for user in users {
        user.access_keys = listed.remove(&user.name);
    }
}

struct Details {
    users: Vec<User>,
    groups: Vec<Group>,
    roles: Vec<Role>,
    policies: Vec<ManagedPolicy>,
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|p| AttachedPolicy {
            name: s(p.policy_name()),
            arn: s(p.policy_arn()),
        })
        .collect()
}

fn inline(list: &[aws_sdk_iam::types::PolicyDetail]) -> Vec<InlinePolicy> {
    list.iter()
        .map(|p| InlinePolicy {
            name: s(p.policy_name()),
            document: policy_document(p.policy_document()),
        })
        .collect()
}

fn tags(list: &[aws_sdk_iam::types::Tag]) -> Vec<Tag> {
    list.iter()
        .map(|t| Tag::new(t.key().to_owned(), t.value().to_owned()))
        .collect()
}

/// Users, groups, roles and managed policies with their documents, through
/// `GetAccountAuthorizationDetails` (a few pages instead of one call per entity).
async fn authorization_details(rec: &Recorder<'_>, client: &Client) -> Result<Details, Gap> {
    let pages = rec
        .try_call(
            "iam:GetAccountAuthorizationDetails",
            pages!(client
                .get_account_authorization_details()
                .filter(EntityType::User)
                .filter(EntityType::Group)
                .filter(EntityType::Role)
                .filter(EntityType::LocalManagedPolicy)
                .filter(EntityType::AwsManagedPolicy)),
        )
        .await;
    let pages = match pages {
        Ok(p) => p,
        Err(g) => {
            rec.record(&g);
            return Err(g);
        }
    };
    let mut d = Details {
        users: vec![],
        groups: vec![],
        roles: vec![],
        policies: vec![],
    };
    for page in pages {
        d.users.extend(page.user_detail_list().iter().map(|u| {
            User {
                name: s(u.user_name()),
                arn: s(u.arn()),
                id: s(u.user_id()),
                path: s(u.path()),
                create_date: time(u.create_date()),
                groups: u.group_list().to_vec(),
                attached_policies: attached(u.attached_managed_policies()),
                inline_policies: inline(u.user_policy_list()),
                permissions_boundary: u
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
                access_keys: None,
                tags: tags(u.tags()),
            }
        }));
        d.groups
            .extend(page.group_detail_list().iter().map(|g| Group {
                name: s(g.group_name()),
                arn: s(g.arn()),
                attached_policies: attached(g.attached_managed_policies()),
                inline_policies: inline(g.group_policy_list()),
            }));
        d.roles.extend(page.role_detail_list().iter().map(|r| {
            Role {
                name: s(r.role_name()),
                arn: s(r.arn()),
                path: s(r.path()),
                create_date: time(r.create_date()),
                assume_role_policy: policy_document(r.assume_role_policy_document()),
                attached_policies: attached(r.attached_managed_policies()),
                inline_policies: inline(r.role_policy_list()),
                instance_profiles: r
                    .instance_profile_list()
                    .iter()
                    .map(|p| p.instance_profile_name().to_owned())
                    .collect(),
                permissions_boundary: r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
                last_used: r.role_last_used().and_then(|u| time(u.last_used_date())),
                tags: tags(r.tags()),
            }
        }));
        for p in page.policies() {
            let arn = s(p.arn());
            let aws_managed = arn.contains(":iam::aws:policy/");
            let attachment_count = p.attachment_count().unwrap_or(0);
            // AWS managed policies matter only where they are used; keeping the hundreds
            // unused ones would only bloat the snapshot.
            if aws_managed && attachment_count == 0 {
                continue;
            }
            let default_version_id = s(p.default_version_id());
            let document = p
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version() || v.version_id() == Some(&default_version_id))
                .map(|v| policy_document(v.document()))
                .unwrap_or(serde_json::Value::Null);
            d.policies.push(ManagedPolicy {
                // Some emulators leave PolicyName out; the ARN ends with it.
                name: p
                    .policy_name()
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_owned()),
                arn,
                aws_managed,
                attachment_count,
                default_version_id,
                document,
            });
        }
    }
    Ok(d)
}

async fn virtual_mfa_devices(
    rec: &Recorder<'_>,
    client: &Client,
) -> Collected<Vec<VirtualMfaDevice>> {
    rec.list(
        "iam:ListVirtualMFADevices",
        items!(client.list_virtual_mfa_devices()),
        |d| VirtualMfaDevice {
            serial_number: d.serial_number().to_owned(),
            user_arn: d.user().map(|u| u.arn().to_owned()),
            enable_date: time(d.enable_date()),
        },
    )
    .await
}

async fn instance_profiles(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<InstanceProfile>> {
    rec.list(
        "iam:ListInstanceProfiles",
        items!(client.list_instance_profiles()),
        |p| InstanceProfile {
            name: p.instance_profile_name().to_owned(),
            arn: p.arn().to_owned(),
            roles: p.roles().iter().map(|r| r.role_name().to_owned()).collect(),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
    }

    /// `seconds` before [`now`].
    fn ago(seconds: i64) -> Option<DateTime<Utc>> {
        Some(now() - chrono::Duration::seconds(seconds))
    }

    const DAY: i64 = 86_400;

    /// A key slot: active or not, created and last used that many seconds ago.
    fn key(active: bool, created: i64, used: Option<i64>) -> KeyReport {
        KeyReport {
            active,
            last_rotated: ago(created),
            last_used: used.and_then(ago),
            last_used_service: used.map(|_| "s3".into()),
        }
    }

    fn row(user: &str, keys: [KeyReport; 2]) -> CredentialReportRow {
        CredentialReportRow {
            user: user.into(),
            arn: format!("arn:aws:iam::111122223333:user/{user}"),
            access_keys: keys,
            ..Default::default()
        }
    }

    fn report() -> CredentialReport {
        let none = KeyReport::default;
        let undated = KeyReport {
            active: true,
            last_used: ago(100 * DAY),
            ..Default::default()
        };
        let mut root = row(
            CredentialReportRow::ROOT,
            [key(true, 900 * DAY, None), none()],
        );
        root.arn = "arn:aws:iam::111122223333:root".into();
        CredentialReport {
            generated_at: Some(now()),
            rows: vec![
                root,
                row("no-keys", [none(), none()]),
                row(
                    "used-recently",
                    [key(true, 400 * DAY, Some(3 * DAY)), none()],
                ),
                row(
                    "used-long-ago",
                    [key(true, 400 * DAY, Some(46 * DAY)), none()],
                ),
                row(
                    "used-exactly-45-days-ago",
                    [key(true, 400 * DAY, Some(45 * DAY)), none()],
                ),
                row(
                    "used-a-second-short",
                    [key(true, 400 * DAY, Some(45 * DAY - 1)), none()],
                ),
                row("never-used-old", [key(true, 60 * DAY, None), none()]),
                row(
                    "never-used-created-45-days-ago",
                    [key(true, 45 * DAY, None), none()],
                ),
                row("never-used-new", [key(true, 10 * DAY, None), none()]),
                row(
                    "inactive-idle",
                    [key(false, 300 * DAY, Some(200 * DAY)), none()],
                ),
                row("inactive-used", [key(false, 300 * DAY, Some(DAY)), none()]),
                row(
                    "second-key-idle",
                    [key(true, 20 * DAY, Some(DAY)), key(true, 90 * DAY, None)],
                ),
                row("undated", [undated, none()]),
            ],
        }
    }

    fn selected(days: i64) -> Vec<String> {
        let report = report();
        let idle = IdleKeys { now: now(), days };
        idle_key_users(&report, idle)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    // Issue 14: ListAccessKeys only for the users whose credential report row has a key
    // idle `days` whole days or more, as iam_unused_credentials counts (45 days to the
    // second is idle, a second less is not); by last use, else by creation; an inactive
    // idle key too (so that undo can read a deactivated key back); never root, a user
    // without keys, or a key the report gives no creation time for.
    #[test]
    fn only_users_with_an_idle_key_are_listed() {
        assert_eq!(
            selected(45),
            [
                "inactive-idle",
                "never-used-created-45-days-ago",
                "never-used-old",
                "second-key-idle",
                "used-exactly-45-days-ago",
                "used-long-ago",
            ]
        );
        // A threshold of 0 days (legal in rampart.toml) lists every user with a dated key.
        let every: Vec<String> = report()
            .rows
            .iter()
            .map(|r| r.user.clone())
            .filter(|u| ![CredentialReportRow::ROOT, "no-keys", "undated"].contains(&u.as_str()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(selected(0), every);
    }

    // Issue 14: an account whose keys are all in use makes no call.
    #[test]
    fn a_healthy_account_lists_no_user() {
        let mut report = report();
        report.rows.retain(|r| {
            [
                "no-keys",
                "used-recently",
                "never-used-new",
                "inactive-used",
            ]
            .contains(&r.user.as_str())
        });
        assert!(idle_key_users(
            &report,
            IdleKeys {
                now: now(),
                days: 45
            }
        )
        .is_empty());
    }
}
