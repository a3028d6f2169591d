//! `cloudtrail_logging`: every trail is logging.

use super::trails::per_trail;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudtrail_logging",
    title: "Every CloudTrail trail is logging",
    service: "cloudtrail",
    severity: Severity::High,
    what: "Whether each trail is logging (GetTrailStatus `IsLogging`, read in the trail's home \
           region). A trail that exists but was stopped records nothing.",
    why: "Stopping a trail is one of the first things an intruder does to hide what follows; a \
          stopped trail looks configured in the console while the account goes unrecorded. \
          The last delivery error, when there is one, is shown because a trail that logs but \
          cannot write to its bucket loses events too.",
    fix: "aws cloudtrail start-logging --name <TRAIL_ARN> --region <HOME_REGION>",
    references: &[
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-turning-off-logging.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html",
    ],
    cis: &[],
    needs: &[Service::CloudTrail],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    per_trail(ctx, &META, |trail, f| {
        let name = &trail.name;
        match trail.status.get() {
            Err(gap) => f.error(gap),
            Ok(status) if !status.is_logging => f.fail(format!("trail `{name}` is not logging")),
            Ok(status) => match &status.latest_delivery_error {
                Some(error) => f.pass(format!(
                    "trail `{name}` is logging, but its last delivery to S3 failed: {error}"
                )),
                None => f.pass(format!("trail `{name}` is logging")),
            },
        }
    })
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Starts the trail (StartLogging), in its home region. Safe; delivery, and its \
          billing, resume.",
    plan: fix,
    state: Some(super::changes::state),
    reads: &[
        rampart_inventory::Service::S3,
        rampart_inventory::Service::Kms,
    ],
};

/// The step that starts a stopped trail.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let trail = super::changes::own_trail(ctx, finding)?;
    let status = trail
        .status
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the status of trail `{}`", trail.name), gap))?;
    if status.is_logging {
        return Err(NotFixable::new(format!(
            "trail `{}` is logging already",
            trail.name
        )));
    }
    Ok(vec![super::changes::start_logging(META.id, trail)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, trail};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    // CloudTrail logging: a logging trail passes once, though listed in two regions; a
    // delivery error is reported.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1");
        add(&mut fx, trail("main", "us-east-1"));
        let mut failing_delivery = trail("audit", "eu-west-1");
        failing_delivery.is_multi_region = false;
        if let Collected::Ok(status) = &mut failing_delivery.status {
            status.latest_delivery_error = Some("NoSuchBucket".into());
        }
        add(&mut fx, failing_delivery);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CloudTrail logging: a stopped trail fails.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        let mut stopped = trail("main", "us-east-1");
        if let Collected::Ok(status) = &mut stopped.status {
            status.is_logging = false;
        }
        add(&mut fx, stopped);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::cloudtrail::testing::{add, applied, trail};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::fix::testing::{assert_plan_states, failing, plan_with};
    use crate::fix::{plan, render};
    use crate::{Settings, Status};
    use rampart_inventory::Collected;

    // Issue 14: a stopped trail is started (StartLogging in its home region) and stopped
    // again on undo; a logging trail gets nothing.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        let mut main = trail("main", "us-east-1");
        if let Collected::Ok(s) = &mut main.status {
            s.is_logging = false;
        }
        add(&mut fx, main);
        add(&mut fx, trail("running", "us-east-1"));
        let settings = Settings::default();
        let plan = plan_with(&CHECK, &fx.inv, &settings);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        assert_eq!(plan.steps[0].calls[0].operation, "StartLogging");
        assert_eq!(plan.steps[0].undo_calls[0].operation, "StopLogging");
        insta::assert_snapshot!("fix_step", render::json(&plan));
        let fixed = applied(&fx, &plan);
        assert_plan_states(&plan, &fx.inv, &fixed.inv, &settings);
        assert!(run_check(&CHECK, &fixed.inv)
            .iter()
            .all(|f| f.status == Status::Pass));
    }

    // Issue 14: a trail whose status was not read (an ERROR now) is not planned from an
    // earlier failing finding.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        let mut main = trail("main", "us-east-1");
        main.status = Collected::Missing(denied("cloudtrail:GetTrailStatus"));
        let arn = main.arn.clone();
        add(&mut fx, main);
        let finding = failing(&META, &fx.inv, "us-east-1", &arn);
        let plan = plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0]
            .reason
            .contains("cloudtrail:GetTrailStatus"));
    }
}
