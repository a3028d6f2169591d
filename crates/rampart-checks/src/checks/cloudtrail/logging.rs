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
