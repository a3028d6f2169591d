//! `iam_unused_credentials`: IAM users' console passwords and active access keys unused for
//! `unused_credentials_days` (45) days or more are disabled.

use super::days;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use chrono::{DateTime, Utc};
use rampart_inventory::{Collected, CredentialReportRow};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_unused_credentials",
    title: "Credentials unused for 45 days or more are disabled",
    service: "iam",
    severity: Severity::Medium,
    what: "For every IAM user in the credential report (root excluded) with a console \
           password or an active access key: whether each of these credentials was used in \
           the last `unused_credentials_days` days (default 45), counted back from when the \
           snapshot was collected. A credential never used counts from when it was set: the \
           password's last change (or the user's creation), the key's creation.",
    why: "A credential nobody uses still works for whoever finds it: a forgotten password or \
          a key left in an old script or image. Disabling what is not used removes that \
          exposure at no cost to anyone.",
    fix: "For the console password: aws iam delete-login-profile --user-name <USER_NAME>; \
          for an access key: aws iam update-access-key --user-name <USER_NAME> \
          --access-key-id <ACCESS_KEY_ID> --status Inactive (list the keys with aws iam \
          list-access-keys --user-name <USER_NAME>)",
    references: &[
        "CIS AWS Foundations v7.0 2.11",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
    ],
    cis: &["2.11"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// One credential of a user, and what the report says about its use.
struct Credential {
    /// `console password`, `access key 1`, `access key 2`.
    name: String,
    /// The access key's slot in the report (0 or 1); `None` for the password.
    slot: Option<usize>,
    /// Last use.
    last_used: Option<DateTime<Utc>>,
    /// When it was set, counted from if it was never used.
    set: Option<DateTime<Utc>>,
}

fn credentials(row: &CredentialReportRow) -> Vec<Credential> {
    let mut creds = Vec::new();
    if row.password_enabled {
        creds.push(Credential {
            name: "console password".into(),
            slot: None,
            last_used: row.password_last_used,
            set: row.password_last_changed.or(row.user_creation_time),
        });
    }
    for (slot, key) in row.access_keys.iter().enumerate() {
        if key.active {
            creds.push(Credential {
                name: format!("access key {}", slot + 1),
                slot: Some(slot),
                last_used: key.last_used,
                set: key.last_rotated,
            });
        }
    }
    creds
}

/// How long a credential has been idle, in days, and a phrase saying so (`access key 2
/// last used 50 days ago`); `None` when the report gives no date to count from.
fn idle(ctx: &Context, cred: &Credential) -> Option<(i64, String)> {
    match (cred.last_used, cred.set) {
        (Some(t), _) => {
            let n = ctx.days_since(t);
            Some((n, format!("{} last used {} ago", cred.name, days(n))))
        }
        (None, Some(t)) => {
            let n = ctx.days_since(t);
            Some((n, format!("{} never used, set {} ago", cred.name, days(n))))
        }
        (None, None) => None,
    }
}

fn run(ctx: &Context) -> Vec<Finding> {
    let report = match ctx.inventory.iam.credential_report.get() {
        Ok(report) => report,
        Err(gap) => return vec![ctx.finding(&META, "global", ctx.account_arn()).error(gap)],
    };
    let limit = ctx.settings.unused_credentials_days;
    let mut findings = Vec::new();
    for row in report.rows.iter().filter(|r| !r.is_root()) {
        let creds = credentials(row);
        if creds.is_empty() {
            continue;
        }
        let (mut stale, mut fresh, mut undated) = (Vec::new(), Vec::new(), Vec::new());
        for cred in creds {
            match idle(ctx, &cred) {
                Some((n, text)) if n >= limit => stale.push(text),
                Some((_, text)) => fresh.push(text),
                None => undated.push(cred.name),
            }
        }
        let f = ctx.finding(&META, "global", &row.arn);
        findings.push(if !stale.is_empty() {
            f.fail(format!(
                "user {} has credentials unused for {} or more: {}",
                row.user,
                days(limit),
                stale.join("; ")
            ))
        } else if !undated.is_empty() {
            f.error_reason(format!(
                "could not be evaluated: the credential report gives no date for user {}'s {}",
                row.user,
                undated.join(" and ")
            ))
        } else {
            f.pass(format!(
                "user {} used every credential within the last {}: {}",
                row.user,
                days(limit),
                fresh.join("; ")
            ))
        });
    }
    findings
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Deactivates each access key unused for `unused_credentials_days` \
          (UpdateAccessKey with Status `Inactive`); undo makes it active again. Disruptive: a \
          job that runs less often than that (a quarterly report, a yearly renewal) loses \
          access until the key is reactivated. Not planned when a console password is unused: \
          rampart does not delete a login profile, since the password cannot be restored \
          (`aws iam delete-login-profile` does it). A key is matched to its credential report \
          slot by its creation time (to the second, the report's precision) in the user's \
          ListAccessKeys, which the collector reads for the users with a key idle for \
          `unused_credentials_days` (snapshots of schema 2 and 3 hold it for every user, \
          those of schema 4 and 5 for none): without it the key's id is unknown and the key \
          is not planned.",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Iam],
};

/// The access keys ListAccessKeys gave for the user of a credential report row.
fn listed_keys<'a>(
    ctx: &Context<'a>,
    user_name: &str,
) -> Result<&'a [rampart_inventory::AccessKey], crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let users = ctx
        .inventory
        .iam
        .users
        .get()
        .map_err(|gap| NotFixable::gap("the IAM users", gap))?;
    let user = users
        .iter()
        .find(|u| u.name == user_name)
        .ok_or_else(|| NotFixable::new(format!("user {user_name} is not in the snapshot")))?;
    match &user.access_keys {
        Some(Collected::Ok(keys)) => Ok(keys),
        Some(Collected::Missing(gap)) => Err(NotFixable::gap(
            &format!("the access keys of user {user_name} (ListAccessKeys)"),
            gap,
        )),
        None => Err(NotFixable::new(format!(
            "the snapshot holds no ListAccessKeys for user {user_name}: the credential report \
             names keys by slot only, and the collector lists the keys of the users with a key \
             idle for its `unused_credentials_days` (none in snapshots of schema 4 and 5), so \
             the ids of its access keys are unknown; collect again with the same \
             `[thresholds] unused_credentials_days`"
        ))),
    }
}

/// The steps that deactivate a user's idle access keys.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let report = ctx
        .inventory
        .iam
        .credential_report
        .get()
        .map_err(|gap| NotFixable::gap("the credential report", gap))?;
    let row = report
        .rows
        .iter()
        .find(|r| r.arn == finding.resource && !r.is_root())
        .ok_or_else(|| {
            NotFixable::new(format!(
                "{} is not in the credential report",
                finding.resource
            ))
        })?;
    let limit = ctx.settings.unused_credentials_days;
    let mut stale_keys = Vec::new();
    let mut stale_password = None;
    for cred in credentials(row) {
        match (idle(ctx, &cred), cred.slot) {
            (Some((n, text)), Some(slot)) if n >= limit => stale_keys.push((slot, text)),
            (Some((n, text)), None) if n >= limit => stale_password = Some(text),
            _ => {}
        }
    }
    let user = row.user.as_str();
    if let Some(text) = stale_password {
        let then = if stale_keys.is_empty() {
            ""
        } else {
            " (rampart fix then deactivates its idle access keys)"
        };
        return Err(NotFixable::new(format!(
            "user {user}'s {text}: rampart does not delete a login profile, since the password \
             cannot be restored; run {}{then}",
            crate::fix::render::shell_command(&[
                "aws",
                "iam",
                "delete-login-profile",
                "--user-name",
                user
            ])
        )));
    }
    if stale_keys.is_empty() {
        return Err(NotFixable::new(format!(
            "user {user} has no credential unused for {} in this snapshot",
            days(limit)
        )));
    }
    let keys = listed_keys(ctx, user)?;
    stale_keys
        .into_iter()
        .map(|(slot, text)| key_step(row, keys, slot, &text))
        .collect()
}

/// The step that deactivates the key in `slot` of a report row: the listed active key
/// created when the report says the slot's key was, to the second (the report gives whole
/// seconds; ListAccessKeys may give fractions, as moto does).
fn key_step(
    row: &CredentialReportRow,
    keys: &[rampart_inventory::AccessKey],
    slot: usize,
    idle: &str,
) -> Result<crate::fix::Step, crate::fix::NotFixable> {
    use crate::fix::{render::shell_command, Call, NotFixable, Risk, Step};
    let user = row.user.as_str();
    let report = &row.access_keys[slot];
    let matching: Vec<&rampart_inventory::AccessKey> = keys
        .iter()
        .filter(|k| {
            k.active && k.create_date.is_some() && same_second(k.create_date, report.last_rotated)
        })
        .collect();
    let [key] = matching.as_slice() else {
        let created = report.last_rotated.map_or_else(
            || "no creation time".to_owned(),
            |t| format!("created {}", t.to_rfc3339()),
        );
        return Err(NotFixable::new(format!(
            "access key {} of user {user} ({created}) matches {} of the active keys \
             ListAccessKeys gave for the user, so which key it is cannot be told",
            slot + 1,
            matching.len()
        )));
    };
    let service = report
        .last_used_service
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "N/A")
        .map(|s| format!(" (with {s})"))
        .unwrap_or_default();
    let reason = format!(
        "user {user}'s {idle}{service}: a job that runs less often than that (a quarterly \
         report, a yearly renewal) loses access until the key is reactivated"
    );
    // The call's input and the key's state have the same members.
    let params = |status: &str| {
        let id = key.id.as_str();
        serde_json::json!({"UserName": user, "AccessKeyId": id, "Status": status})
    };
    let command = |status: &'static str| {
        [
            "aws",
            "iam",
            "update-access-key",
            "--user-name",
            user,
            "--access-key-id",
            key.id.as_str(),
            "--status",
            status,
        ]
    };
    Ok(Step::new(
        META.id,
        &row.arn,
        "global",
        Risk::Disruptive,
        reason,
        vec![Call::new("iam", "UpdateAccessKey", params("Inactive"))],
    )
    .states(params("Active"), params("Inactive"))
    .cli(&[&command("Inactive")])
    .undo(format!(
        "{}; nothing is lost",
        shell_command(&command("Active"))
    ))
    .undo_calls(vec![Call::new("iam", "UpdateAccessKey", params("Active"))]))
}

/// Whether two times fall in the same whole second.
fn same_second(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> bool {
    a.map(|t| t.timestamp()) == b.map(|t| t.timestamp())
}

/// The status of the step's key in the user's ListAccessKeys.
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let params = step.calls.first().map(|c| &c.params);
    let member = |name: &str| {
        params
            .and_then(|p| p.get(name))
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| NotFixable::new(format!("the step names no {name}")))
    };
    let (user, key_id) = (member("UserName")?, member("AccessKeyId")?);
    let key = listed_keys(ctx, user)?
        .iter()
        .find(|k| k.id == key_id)
        .ok_or_else(|| {
            NotFixable::new(format!("the access key of user {user} is no longer listed"))
        })?;
    let status = if key.active { "Active" } else { "Inactive" };
    Ok(serde_json::json!({"UserName": user, "AccessKeyId": key.id, "Status": status}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{
        active_key, inactive_key, root_row, row, set_rows, with_password,
    };
    use rampart_inventory::{Collected, KeyReport};

    // CIS 2.11: recently used password and key pass; idle 45+ days (or never used and set
    // 45+ days ago) fail; inactive keys, users without credentials and root are not examined.
    #[test]
    fn pass_fail() {
        let mut fx = Fixture::new();
        let mut recent = with_password(row("recent"), 200, Some(3));
        recent.access_keys[0] = active_key(100, Some(1));
        recent.access_keys[1] = inactive_key(300);
        let idle_password = with_password(row("idle-password"), 200, Some(45));
        let fresh_password = with_password(row("fresh-password"), 44, None);
        let old_password = with_password(row("never-signed-in"), 60, None);
        let mut idle_key = row("idle-key");
        idle_key.access_keys[1] = active_key(400, Some(46));
        let mut unused_key = row("unused-key");
        unused_key.access_keys[0] = active_key(10, Some(2));
        unused_key.access_keys[1] = active_key(50, None);
        let mut inactive_only = row("inactive-only");
        inactive_only.access_keys[0] = inactive_key(500);
        let mut root = with_password(root_row(), 900, Some(400));
        root.access_keys[0] = active_key(900, None);
        set_rows(
            &mut fx,
            vec![
                root,
                recent,
                idle_password,
                fresh_password,
                old_password,
                idle_key,
                unused_key,
                inactive_only,
                row("no-credentials"),
            ],
        );
        insta::assert_json_snapshot!("pass_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.11: an active key the report gives no date for cannot pass (but a stale
    // credential beside it still fails); the report itself missing is one ERROR on the
    // account.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        let no_date = KeyReport {
            active: true,
            ..Default::default()
        };
        let mut undated = row("undated-key");
        undated.access_keys[0] = no_date.clone();
        let mut stale_and_undated = with_password(row("stale-and-undated"), 300, Some(100));
        stale_and_undated.access_keys[1] = no_date;
        set_rows(&mut fx, vec![undated, stale_and_undated]);
        insta::assert_json_snapshot!("error_undated", run_check(&CHECK, &fx.inv));

        fx.inv.iam.credential_report = Collected::Missing(denied("iam:GetCredentialReport"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::fixtures::{days_ago, denied, Fixture};
    use crate::checks::iam::testing::{
        active_key, inactive_key, row, set_rows, user, user_arn, with_password,
    };
    use crate::fix::testing::{assert_states, cli_words, failing, plan_for};
    use crate::fix::{render, Risk};
    use crate::Settings;
    use rampart_inventory::{AccessKey, Collected, CredentialReportRow, User};
    use serde_json::{json, Value};

    fn key(id: &str, active: bool, created: i64) -> AccessKey {
        AccessKey {
            id: id.into(),
            active,
            create_date: days_ago(created),
        }
    }

    fn listed(name: &str, keys: Vec<AccessKey>) -> User {
        User {
            access_keys: Some(Collected::Ok(keys)),
            ..user(name)
        }
    }

    /// `deploy`: key 1 idle 100 days, key 2 used 2 days ago; `backup`: both keys idle;
    /// `console`: an idle password and an idle key; `fresh`: everything recent. Every user's
    /// ListAccessKeys is in the snapshot (as schema 2 and 3 held it).
    fn account() -> Fixture {
        let mut fx = Fixture::new();
        let mut deploy = row("deploy");
        deploy.access_keys = [active_key(400, Some(100)), active_key(30, Some(2))];
        let mut backup = row("backup");
        backup.access_keys = [active_key(300, None), active_key(200, Some(90))];
        let mut console = with_password(row("console"), 300, Some(200));
        console.access_keys[0] = active_key(250, Some(60));
        let mut fresh = row("fresh");
        fresh.access_keys[0] = active_key(100, Some(1));
        set_rows(&mut fx, vec![deploy, backup, console, fresh]);
        fx.inv.iam.users = Collected::Ok(vec![
            listed(
                "deploy",
                vec![
                    key("AKIAIOSFODNN7DEPLOY2", true, 30),
                    key("AKIAIOSFODNN7DEPLOY1", true, 400),
                ],
            ),
            listed(
                "backup",
                vec![
                    key("AKIAIOSFODNN7BACKUP1", true, 300),
                    key("AKIAIOSFODNN7BACKUP2", true, 200),
                ],
            ),
            listed("console", vec![key("AKIAIOSFODNN7CONSOLE", true, 250)]),
            listed("fresh", vec![key("AKIAIOSFODNN7FRESH01", true, 100)]),
        ]);
        fx
    }

    // Issue 14: each idle access key gets a disruptive UpdateAccessKey step to Inactive,
    // the key found by its creation time in ListAccessKeys (not by list order), undone by
    // making it Active again; a recently used key is left alone; an idle console password
    // is not planned: rampart does not delete a login profile.
    #[test]
    fn fix_deactivates_idle_keys() {
        let fx = account();
        let plan = plan_for(&CHECK, &fx.inv);
        let keys: Vec<(&str, &str)> = plan
            .steps
            .iter()
            .map(|s| {
                (
                    s.calls[0].params["UserName"].as_str().unwrap_or(""),
                    s.calls[0].params["AccessKeyId"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("backup", "AKIAIOSFODNN7BACKUP1"),
                ("backup", "AKIAIOSFODNN7BACKUP2"),
                ("deploy", "AKIAIOSFODNN7DEPLOY1"),
            ]
        );
        let deploy = &plan.steps[2];
        assert_eq!(deploy.risk, Risk::Disruptive);
        assert_eq!(
            deploy.risk_reason,
            "user deploy's access key 1 last used 100 days ago (with s3): a job that runs \
             less often than that (a quarterly report, a yearly renewal) loses access until \
             the key is reactivated"
        );
        assert_eq!(deploy.calls[0].operation, "UpdateAccessKey");
        assert_eq!(deploy.calls[0].params["Status"], "Inactive");
        assert_eq!(
            deploy.undo_calls[0].params,
            json!({"UserName": "deploy", "AccessKeyId": "AKIAIOSFODNN7DEPLOY1", "Status": "Active"})
        );
        assert_eq!(plan.not_planned.len(), 1);
        assert_eq!(plan.not_planned[0].resource, user_arn("console"));
        assert_eq!(
            plan.not_planned[0].reason,
            "user console's console password last used 200 days ago: rampart does not delete a \
             login profile, since the password cannot be restored; run aws iam \
             delete-login-profile --user-name console (rampart fix then deactivates its idle \
             access keys)"
        );
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: never guessed: without the user's ListAccessKeys (snapshots since schema
    // 4), with it unreadable, or with no listed key created when the report says, the key's
    // id is unknown and nothing is planned.
    #[test]
    fn fix_unknown_key_id_is_not_planned() {
        let cases: [(Option<Collected<Vec<AccessKey>>>, &str); 3] = [
            (None, "holds no ListAccessKeys for user deploy"),
            (
                Some(Collected::Missing(denied("iam:ListAccessKeys"))),
                "the access keys of user deploy (ListAccessKeys) could not be read",
            ),
            (
                Some(Collected::Ok(vec![
                    key("AKIAIOSFODNN7DEPLOY2", true, 30),
                    key("AKIAIOSFODNN7NEWKEY1", true, 5),
                ])),
                "access key 1 of user deploy (created 2025-04-27T12:00:00+00:00) matches 0 of \
                 the active keys",
            ),
        ];
        for (keys, reason) in cases {
            let mut fx = account();
            if let Collected::Ok(users) = &mut fx.inv.iam.users {
                users[0].access_keys = keys;
            }
            let plan = plan_for(&CHECK, &fx.inv);
            let np = plan
                .not_planned
                .iter()
                .find(|n| n.resource == user_arn("deploy"))
                .expect("deploy not planned");
            assert!(np.reason.contains(reason), "{}", np.reason);
            assert!(!plan.steps.iter().any(|s| s.resource == user_arn("deploy")));
        }
    }

    // Issue 14: a snapshot as the collector writes it since schema 6: ListAccessKeys only
    // for the users the credential report shows with an idle key (active or deactivated),
    // `None` for the others; ListAccessKeys dates with fractions of a second (moto's) match
    // the report's whole seconds. The idle key is planned, the user in use is not asked
    // about, and an idle key of a user the collector did not list (collected with a longer
    // threshold) is not planned, saying how to get its id.
    #[test]
    fn fix_plans_from_a_collected_snapshot() {
        let mut fx = Fixture::new();
        let mut deploy = row("deploy");
        deploy.access_keys = [active_key(400, Some(100)), active_key(30, Some(2))];
        let mut retired = row("retired");
        retired.access_keys[0] = inactive_key(300);
        let mut fresh = row("fresh");
        fresh.access_keys[0] = active_key(100, Some(1));
        let mut unlisted = row("unlisted");
        unlisted.access_keys[0] = active_key(200, Some(50));
        set_rows(&mut fx, vec![deploy, retired, fresh, unlisted]);
        let fraction = |k: AccessKey| AccessKey {
            create_date: k
                .create_date
                .map(|t| t + chrono::Duration::milliseconds(250)),
            ..k
        };
        fx.inv.iam.users = Collected::Ok(vec![
            listed(
                "deploy",
                vec![
                    fraction(key("AKIAIOSFODNN7DEPLOY1", true, 400)),
                    fraction(key("AKIAIOSFODNN7DEPLOY2", true, 30)),
                ],
            ),
            listed(
                "retired",
                vec![fraction(key("AKIAIOSFODNN7RETIRED", false, 300))],
            ),
            user("fresh"),
            user("unlisted"),
        ]);
        let plan = plan_for(&CHECK, &fx.inv);
        let planned: Vec<(&str, &Value)> = plan
            .steps
            .iter()
            .map(|s| (s.resource.as_str(), &s.calls[0].params["AccessKeyId"]))
            .collect();
        assert_eq!(
            planned,
            [(user_arn("deploy").as_str(), &json!("AKIAIOSFODNN7DEPLOY1"))]
        );
        assert_eq!(plan.not_planned.len(), 1, "{:?}", plan.not_planned);
        assert_eq!(plan.not_planned[0].resource, user_arn("unlisted"));
        assert!(
            plan.not_planned[0]
                .reason
                .contains("holds no ListAccessKeys for user unlisted")
                && plan.not_planned[0]
                    .reason
                    .contains("collect again with the same `[thresholds] unused_credentials_days`"),
            "{}",
            plan.not_planned[0].reason
        );
        // Read back once deactivated, the key is still listed (the collector lists idle
        // inactive keys too): its state is the step's `after`.
        let mut fixed = fx.inv.clone();
        if let Collected::Ok(users) = &mut fixed.iam.users {
            if let Some(Collected::Ok(keys)) = &mut users[0].access_keys {
                keys[0].active = false;
            }
        }
        if let Collected::Ok(report) = &mut fixed.iam.credential_report {
            report.rows[0].access_keys[0].active = false;
        }
        assert_states(&Settings::default(), &fx.inv, &fixed, &plan.steps[0]);
    }

    // Issue 14: a credential report that could not be read gives no step.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = account();
        fx.inv.iam.credential_report = Collected::Missing(denied("iam:GetCredentialReport"));
        let finding = failing(&META, &fx.inv, "global", &user_arn("deploy"));
        let plan = crate::fix::plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0]
            .reason
            .contains("iam:GetCredentialReport"));
    }

    // Issue 14: the state is the key's status in ListAccessKeys: Active as planned,
    // Inactive once AWS shows it deactivated.
    #[test]
    fn fix_states_before_and_after() {
        let fx = account();
        let plan = plan_for(&CHECK, &fx.inv);
        let deactivated = [
            "AKIAIOSFODNN7BACKUP1",
            "AKIAIOSFODNN7BACKUP2",
            "AKIAIOSFODNN7DEPLOY1",
        ];
        let mut fixed = account();
        if let Collected::Ok(users) = &mut fixed.inv.iam.users {
            for u in users.iter_mut() {
                if let Some(Collected::Ok(keys)) = &mut u.access_keys {
                    for k in keys
                        .iter_mut()
                        .filter(|k| deactivated.contains(&k.id.as_str()))
                    {
                        k.active = false;
                    }
                }
            }
        }
        if let Collected::Ok(report) = &mut fixed.inv.iam.credential_report {
            for r in report.rows.iter_mut() {
                match r.user.as_str() {
                    "deploy" => r.access_keys[0].active = false,
                    "backup" => r.access_keys.iter_mut().for_each(|k| k.active = false),
                    _ => {}
                }
            }
        }
        for step in &plan.steps {
            assert_states(&Settings::default(), &fx.inv, &fixed.inv, step);
        }
    }

    // Issue 14: a hostile user name stays one shell word in the command and in the
    // not-planned reason's command.
    #[test]
    fn fix_hostile_user_name_is_quoted() {
        let hostile = "evil'; rm -rf ~ #\n${jndi}";
        let mut fx = Fixture::new();
        let mut r = CredentialReportRow {
            user: hostile.into(),
            ..row(hostile)
        };
        r.access_keys[0] = active_key(100, None);
        set_rows(&mut fx, vec![r]);
        fx.inv.iam.users = Collected::Ok(vec![listed(
            hostile,
            vec![key("AKIAIOSFODNN7EXAMPLE", true, 100)],
        )]);
        let plan = plan_for(&CHECK, &fx.inv);
        let step = &plan.steps[0];
        if let Some(words) = cli_words(&step.cli[0]) {
            assert_eq!(
                words,
                [
                    "aws",
                    "iam",
                    "update-access-key",
                    "--user-name",
                    hostile,
                    "--access-key-id",
                    "AKIAIOSFODNN7EXAMPLE",
                    "--status",
                    "Inactive"
                ]
            );
        }
        for line in render::sh(&plan, true).lines().filter(|l| !l.is_empty()) {
            assert!(
                line.starts_with('#') || line == "set -euo pipefail" || line.starts_with("aws "),
                "{line}"
            );
        }
    }
}
