//! `cloudtrail_log_file_validation`: every trail has log file integrity validation enabled.

use super::trails::per_trail;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_log_file_validation",
    title: "CloudTrail log file validation is enabled",
    service: "cloudtrail",
    severity: Severity::Medium,
    what: "Whether each trail has log file integrity validation enabled \
           (DescribeTrails `LogFileValidationEnabled`).",
    why: "With validation on, CloudTrail writes an hourly digest file, signed by AWS, holding \
          the hash of every log file it delivered. `aws cloudtrail validate-logs` can then \
          prove that no log file was changed or deleted after delivery. Without it, someone \
          who can write to the bucket can edit the record of what they did, and no one can \
          tell.",
    fix: "aws cloudtrail update-trail --name <TRAIL_NAME> --enable-log-file-validation \
          --region <HOME_REGION>",
    references: &[
        "CIS AWS Foundations v7.0 4.2",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-enabling.html",
    ],
    cis: &["4.2"],
    needs: &[Service::CloudTrail],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| {
        if trail.log_file_validation {
            f.pass(format!(
                "trail `{}` has log file validation enabled",
                trail.name
            ))
        } else {
            f.fail(format!(
                "trail `{}` has log file validation disabled",
                trail.name
            ))
        }
    })
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Turns log file validation on for the trail (UpdateTrail `EnableLogFileValidation`), \
          in its home region. Safe; CloudTrail then writes an hourly digest file to the \
          bucket.",
    plan: fix,
    state: Some(super::changes::state),
    reads: &[
        rampart_inventory::Service::S3,
        rampart_inventory::Service::Kms,
    ],
};

/// The step that turns on log file validation.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use super::changes::{own_trail, Update};
    use crate::fix::NotFixable;
    use serde_json::json;
    let trail = own_trail(ctx, finding)?;
    let name = &trail.name;
    if trail.log_file_validation {
        return Err(NotFixable::new(format!(
            "trail `{name}` already validates its log files"
        )));
    }
    Ok(vec![Update {
        check_id: META.id,
        trail,
        set: json!({"EnableLogFileValidation": true}),
        undo_set: json!({"EnableLogFileValidation": false}),
        flags: &["--enable-log-file-validation"],
        before: json!({"LogFileValidationEnabled": false}),
        after: json!({"LogFileValidationEnabled": true}),
        reason: format!(
            "trail `{name}` then also writes signed digest files; what it records and where \
             is unchanged"
        ),
        billing: "S3 storage of the digest files (one an hour per region, a few KB each)"
            .to_owned(),
        undo: format!(
            "aws cloudtrail update-trail --name {name} --no-enable-log-file-validation \
             --region {}; the digest files written stay in the bucket",
            trail.home_region
        ),
    }
    .step()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, trail};
    use crate::checks::fixtures::{run_check, Fixture};

    // CIS 4.2: a trail with log file validation passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("main", "us-east-1"));
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.2: a trail without log file validation fails, reported once in its home region
    // although listed in two.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1");
        let mut unvalidated = trail("main", "eu-west-1");
        unvalidated.log_file_validation = false;
        add(&mut fx, unvalidated);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::cloudtrail::testing::{add, applied, trail};
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::fix::render;
    use crate::fix::testing::{assert_plan_states, plan_with};
    use crate::{Settings, Status};
    use serde_json::json;

    // Issue 14 (CIS 4.2): a trail without validation gets UpdateTrail in its home region;
    // undo turns it off again; a validated trail gets nothing.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1");
        let mut main = trail("main", "eu-west-1");
        main.log_file_validation = false;
        add(&mut fx, main);
        add(&mut fx, trail("validated", "us-east-1"));
        let settings = Settings::default();
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        let step = &plan.steps[0];
        assert_eq!(step.region, "eu-west-1");
        assert_eq!(
            step.calls[0].params,
            json!({"Name": "main", "EnableLogFileValidation": true})
        );
        assert_eq!(
            step.undo_calls[0].params,
            json!({"Name": "main", "EnableLogFileValidation": false})
        );
        insta::assert_snapshot!("fix_step", render::json(&plan));
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert!(run_check(&CHECK, &fixed.inv)
            .iter()
            .all(|f| f.status == Status::Pass));
    }
}
