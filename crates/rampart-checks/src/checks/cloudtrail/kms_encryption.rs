//! `cloudtrail_kms_encryption`: every trail encrypts its log files with a KMS key.

use super::trails::per_trail;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_kms_encryption",
    title: "CloudTrail logs are encrypted with a KMS key",
    service: "cloudtrail",
    severity: Severity::Medium,
    what: "Whether each trail encrypts its log files with an AWS KMS key (SSE-KMS; \
           DescribeTrails `KmsKeyId`) rather than relying on the bucket's default encryption \
           alone.",
    why: "CloudTrail logs show who did what, from where, and which resources exist: a map for \
          an attacker. With SSE-KMS, reading a log file needs `kms:Decrypt` on the key as well \
          as `s3:GetObject` on the bucket, so a bucket policy mistake alone does not expose \
          them, and every use of the key is itself logged.",
    fix: "aws cloudtrail update-trail --name <TRAIL_NAME> --kms-key-id <KMS_KEY_ARN> \
          --region <HOME_REGION> (the key policy must allow cloudtrail.amazonaws.com to \
          GenerateDataKey*)",
    references: &[
        "CIS AWS Foundations v7.0 4.5",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html",
    ],
    cis: &["4.5"],
    needs: &[Service::CloudTrail],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| match &trail.kms_key_id {
        Some(key) => f.pass(format!(
            "trail `{}` encrypts its log files with KMS key {key}",
            trail.name
        )),
        None => f.fail(format!(
            "trail `{}` does not encrypt its log files with a KMS key",
            trail.name
        )),
    })
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Points the trail at rampart's KMS key `alias/rampart-cloudtrail` in its bucket's \
          region (UpdateTrail `KmsKeyId`), creating that key once when the snapshot has none \
          (CreateKey with a policy letting CloudTrail encrypt this account's trails and the \
          account's principals decrypt their log files, CreateAlias, EnableKeyRotation). \
          Safe; KMS bills the key and its requests. Not planned when the bucket is another \
          account's (its region, where the key must be, is unknown).",
    plan: fix,
    state: Some(super::changes::state),
    reads: &[
        rampart_inventory::Service::S3,
        rampart_inventory::Service::Kms,
    ],
};

/// The steps that encrypt a trail's log files with rampart's key: the key (when new), then
/// UpdateTrail.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use super::changes::{alias_arn, key_region, own_trail, trail_key, TrailKey, Update};
    use crate::fix::NotFixable;
    use serde_json::json;
    let trail = own_trail(ctx, finding)?;
    if let Some(key) = &trail.kms_key_id {
        return Err(NotFixable::new(format!(
            "trail `{}` already encrypts with {key}",
            trail.name
        )));
    }
    let region = key_region(ctx, trail)?;
    let key = trail_key(ctx, META.id, region)?;
    let name = &trail.name;
    let alias_arn = alias_arn(ctx, region);
    let mut steps = Vec::new();
    let mut depends = Vec::new();
    if let TrailKey::New { step, .. } = &key {
        depends.push(step.stable_id());
        steps.push((**step).clone());
    }
    let key_id = key.key_id().to_owned();
    let flags = ["--kms-key-id", key_id.as_str()];
    steps.push(
        Update {
            check_id: META.id,
            trail,
            set: json!({"KmsKeyId": key_id}),
            undo_set: json!({"KmsKeyId": ""}),
            flags: &flags,
            before: json!({"KmsKeyId": null}),
            after: json!({"KmsKeyId": alias_arn}),
            reason: format!(
                "new log files of trail `{name}` are encrypted with the key, whose policy lets \
                 this account's principals decrypt them, so readers in the account keep \
                 reading; readers in other accounts would need a grant on the key, and the \
                 snapshot holds no record of who reads the bucket"
            ),
            billing: format!(
                "KMS requests in {region}: one per log file CloudTrail encrypts, and one per \
                 log file read"
            ),
            undo: format!(
                "aws cloudtrail update-trail --name {name} --kms-key-id '' --region {}; log \
                 files written meanwhile stay encrypted (readable while the key exists)",
                trail.home_region
            ),
        }
        .step()
        .after_steps(depends),
    );
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, trail};
    use crate::checks::fixtures::{run_check, Fixture};

    // CIS 4.5: a trail with a KMS key passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.5: a trail without a KMS key fails, while an encrypted one passes beside it.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        let mut plain = trail("legacy", "us-east-1");
        plain.kms_key_id = None;
        plain.is_multi_region = false;
        add(&mut fx, plain);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::cloudtrail::multi_region_logging::CHECK as MULTI_REGION;
    use crate::checks::cloudtrail::testing::{add, add_buckets, applied, bucket, trail};
    use crate::checks::fixtures::{run_check, Fixture, ACCOUNT};
    use crate::fix::testing::{assert_plan_states, failing, fix_settings, plan_with};
    use crate::fix::{plan, render};
    use crate::{Settings, Status};
    use serde_json::json;

    const ALIAS_ARN: &str = "arn:aws:kms:us-east-1:111122223333:alias/rampart-cloudtrail";

    /// Trail `main` without a KMS key, delivering to its bucket of this account.
    fn unencrypted() -> Fixture {
        let mut fx = Fixture::new();
        let mut main = trail("main", "us-east-1");
        main.kms_key_id = None;
        add(&mut fx, main);
        add_buckets(&mut fx, vec![bucket(&format!("cloudtrail-logs-{ACCOUNT}"))]);
        fx
    }

    // Issue 14 (CIS 4.5): rampart's key is created in the bucket's region, then the trail
    // is pointed at it; undo removes the key from the trail (`KmsKeyId` empty).
    #[test]
    fn fix_encrypts_with_a_new_key() {
        let fx = unencrypted();
        let settings = Settings::default();
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        let (key, update) = (&plan.steps[0], &plan.steps[1]);
        assert_eq!(key.resource, ALIAS_ARN);
        assert_eq!(update.depends_on, std::slice::from_ref(&key.id));
        assert_eq!(
            update.calls[0].params,
            json!({"Name": "main", "KmsKeyId": ALIAS_ARN})
        );
        assert_eq!(
            update.undo_calls[0].params,
            json!({"Name": "main", "KmsKeyId": ""})
        );
        insta::assert_snapshot!("fix_steps", render::json(&plan));
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert!(run_check(&CHECK, &fixed.inv)
            .iter()
            .all(|f| f.status == Status::Pass));
    }

    // Issue 14: when the multi-region fixer creates `rampart-trail` and this fixer encrypts
    // another trail, both need rampart's key of us-east-1: the plan holds one key step
    // (fixing both checks), and both trail steps depend on the step it kept.
    #[test]
    fn fix_shares_one_key_with_a_new_trail() {
        let mut fx = Fixture::new();
        let mut legacy = trail("legacy", "us-east-1");
        legacy.kms_key_id = None;
        legacy.is_multi_region = false;
        legacy.event_selectors = rampart_inventory::Collected::Ok(json!({"EventSelectors": []}));
        add(&mut fx, legacy);
        add_buckets(
            &mut fx,
            vec![
                bucket(&format!("cloudtrail-logs-{ACCOUNT}")),
                bucket("rampart-trail-logs"),
            ],
        );
        let settings = fix_settings();
        let mut findings = run_check(&CHECK, &fx.inv);
        findings.extend(run_check(&MULTI_REGION, &fx.inv));
        let plan = plan(&fx.inv, &settings, &findings);
        assert!(plan.not_planned.is_empty(), "{:#?}", plan.not_planned);
        let keys: Vec<_> = plan
            .steps
            .iter()
            .filter(|s| s.resource == ALIAS_ARN)
            .collect();
        assert_eq!(keys.len(), 1, "{plan:#?}");
        assert_eq!(keys[0].check_id, META.id);
        assert_eq!(keys[0].also_fixes, ["cloudtrail_multi_region_logging"]);
        let dependants: Vec<_> = plan
            .steps
            .iter()
            .filter(|s| s.depends_on.contains(&keys[0].id))
            .map(|s| s.calls[0].operation.as_str())
            .collect();
        assert_eq!(dependants, ["UpdateTrail", "CreateTrail"]);
        for s in &plan.steps {
            for dep in &s.depends_on {
                assert!(
                    plan.steps.iter().any(|d| &d.id == dep),
                    "{} depends on a dropped step",
                    s.id
                );
            }
        }
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
    }

    // Issue 14: a bucket of another account (its region, where the key must be, is
    // unknown) and an organization trail of another account are not planned.
    #[test]
    fn fix_not_planned() {
        let mut fx = Fixture::new();
        let mut main = trail("main", "us-east-1");
        main.kms_key_id = None;
        add(&mut fx, main);
        let elsewhere = plan_with(&CHECK, &fx.inv, &Settings::default());
        assert!(elsewhere.steps.is_empty());
        assert!(
            elsewhere.not_planned[0]
                .reason
                .contains("is not this account's"),
            "{elsewhere:#?}"
        );

        let mut fx = unencrypted();
        let org = "arn:aws:cloudtrail:us-east-1:999988887777:trail/org".to_owned();
        let mut t = trail("org", "us-east-1");
        t.arn = org.clone();
        t.kms_key_id = None;
        t.is_organization_trail = true;
        add(&mut fx, t);
        let finding = failing(&META, &fx.inv, "us-east-1", &org);
        let plan = plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.not_planned[0]
            .reason
            .contains("belongs to account 999988887777"));
    }
}
