//! `ec2_imdsv2_required`: instances accept only IMDSv2 (token) metadata requests.

use super::{instance_label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_imdsv2_required",
    title: "EC2 instances require IMDSv2",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether each instance's metadata service requires session tokens (`HttpTokens` \
           is `required`) or is turned off (`HttpEndpoint` is `disabled`), from \
           DescribeInstances `MetadataOptions`.",
    why: "IMDSv1 answers any plain GET from the instance, so a server-side request forgery \
          or an open proxy on the instance hands an attacker the instance role's \
          credentials. IMDSv2 needs a PUT-issued token that such requests cannot obtain.",
    fix: "aws ec2 modify-instance-metadata-options --region <REGION> --instance-id \
          <INSTANCE_ID> --http-tokens required --http-endpoint enabled",
    references: &[
        "CIS AWS Foundations v7.0 6.7",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html",
    ],
    cis: &["6.7"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_instances(
        ctx,
        &META,
        |_| true,
        |region, instance| {
            let f = ctx.finding(&META, region, instance.arn.clone());
            let name = instance_label(instance);
            let md = &instance.metadata;
            if md.http_endpoint == "disabled" {
                f.pass(format!(
                    "{name} has the instance metadata service turned off"
                ))
            } else if md.http_tokens == "required" {
                f.pass(format!("{name} requires IMDSv2 session tokens"))
            } else if md.http_tokens.is_empty() {
                f.error_reason(format!(
                    "could not be evaluated: DescribeInstances reported no metadata options for \
                 {name}"
                ))
            } else {
                f.fail(format!(
                    "{name} accepts IMDSv1 requests (HttpTokens is `{}`)",
                    md.http_tokens
                ))
            }
        },
    )
}

/// The window of `Instance::metadata_no_token`, in days.
const WINDOW_DAYS: i64 = 14;

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Requires session tokens on the instance's metadata service \
          (ModifyInstanceMetadataOptions with HttpTokens `required`, HttpEndpoint `enabled`), \
          planned only when CloudWatch's `MetadataNoToken` shows no IMDSv1 request from the \
          instance in the 14 days before the snapshot. Disruptive: a client that still speaks \
          only IMDSv1 and runs less often than that (an old SDK in a monthly job) would lose \
          the instance role's credentials. An instance with IMDSv1 requests, or whose count \
          could not be read, is not planned.",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Ec2],
};

/// The instance a finding or step names, in its region's EC2 data.
fn find_instance<'a>(
    ctx: &Context<'a>,
    region: &str,
    resource: &str,
) -> Result<&'a rampart_inventory::Instance, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    crate::fix::region_data(ctx, region)?
        .ec2
        .instances
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the instances of {region}"), gap))?
        .iter()
        .find(|i| i.arn == resource)
        .ok_or_else(|| NotFixable::new(format!("{resource} is not in the snapshot")))
}

/// What the count of IMDSv1 requests covers: `the 14 days before the snapshot`, shorter
/// for an instance launched since, with a note when it is not running.
fn window(ctx: &Context, instance: &rampart_inventory::Instance) -> String {
    let since = instance
        .launch_time
        .map(|t| ctx.days_since(t))
        .filter(|d| *d < WINDOW_DAYS);
    let mut text = match since {
        Some(0) => "since it was launched, the day of the snapshot".to_owned(),
        Some(1) => "in the 1 day since it was launched".to_owned(),
        Some(d) => format!("in the {d} days since it was launched"),
        None => format!("in the {WINDOW_DAYS} days before the snapshot"),
    };
    if instance.state != "running" {
        text.push_str(&format!(
            " (it is {}: the count covers only the time it ran)",
            instance.state
        ));
    }
    text
}

/// A request count as a whole number when it is one.
fn request_count(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The step for an instance that accepts IMDSv1.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::{Call, NotFixable, Risk, Step};
    let region = finding.region.as_str();
    let instance = find_instance(ctx, region, &finding.resource)?;
    let name = instance_label(instance);
    let md = &instance.metadata;
    if md.http_endpoint != "enabled" {
        return Err(NotFixable::new(format!(
            "{name} reports HttpEndpoint `{}`, not `enabled`",
            md.http_endpoint
        )));
    }
    let no_token = *instance.metadata_no_token.get().map_err(|gap| {
        NotFixable::gap(
            &format!("the IMDSv1 requests of {name} (CloudWatch AWS/EC2 MetadataNoToken)"),
            gap,
        )
    })?;
    if no_token != 0.0 {
        return Err(NotFixable::new(format!(
            "{name} made {} metadata requests without a token {}: move those clients to \
             IMDSv2 first",
            request_count(no_token),
            window(ctx, instance)
        )));
    }
    let reason = format!(
        "{name} made no metadata request without a token {} (CloudWatch MetadataNoToken), but \
         a client that speaks only IMDSv1 and runs less often than that (an old SDK in a \
         monthly job) would lose the instance role's credentials",
        window(ctx, instance)
    );
    let id = instance.id.as_str();
    let step = Step::new(
        META.id,
        &instance.arn,
        region,
        Risk::Disruptive,
        reason,
        vec![Call::new(
            "ec2",
            "ModifyInstanceMetadataOptions",
            serde_json::json!({
                "InstanceId": id,
                "HttpTokens": "required",
                "HttpEndpoint": "enabled",
            }),
        )],
    )
    .states(
        serde_json::json!({"HttpTokens": md.http_tokens, "HttpEndpoint": md.http_endpoint}),
        serde_json::json!({"HttpTokens": "required", "HttpEndpoint": "enabled"}),
    )
    .cli(&[&[
        "aws",
        "ec2",
        "modify-instance-metadata-options",
        "--region",
        region,
        "--instance-id",
        id,
        "--http-tokens",
        "required",
        "--http-endpoint",
        "enabled",
    ]])
    .undo(format!(
        "{}; nothing is lost",
        crate::fix::render::shell_command(&[
            "aws",
            "ec2",
            "modify-instance-metadata-options",
            "--region",
            region,
            "--instance-id",
            id,
            "--http-tokens",
            &md.http_tokens,
        ])
    ))
    .undo_calls(vec![Call::new(
        "ec2",
        "ModifyInstanceMetadataOptions",
        serde_json::json!({"InstanceId": id, "HttpTokens": md.http_tokens}),
    )]);
    Ok(vec![step])
}

/// The instance's metadata options (not its IMDSv1 count, which the step does not change).
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    let md = &find_instance(ctx, &step.region, &step.resource)?.metadata;
    Ok(serde_json::json!({"HttpTokens": md.http_tokens, "HttpEndpoint": md.http_endpoint}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, instance, name};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, Instance, MetadataOptions};

    fn metadata(tokens: &str, endpoint: &str) -> MetadataOptions {
        MetadataOptions {
            http_tokens: tokens.into(),
            http_endpoint: endpoint.into(),
            http_put_response_hop_limit: Some(1),
        }
    }

    // CIS 6.7: tokens required passes, optional fails, a disabled endpoint passes whatever the
    // token setting, and options that were not reported are an ERROR, not a verdict.
    #[test]
    fn pass_fail_and_unreported() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(vec![
            instance("i-0aaa"),
            Instance {
                metadata: metadata("optional", "enabled"),
                tags: name("legacy"),
                ..instance("i-0bbb")
            },
            Instance {
                metadata: metadata("optional", "disabled"),
                ..instance("i-0ccc")
            },
            Instance {
                metadata: metadata("", ""),
                state: "pending".into(),
                ..instance("i-0ddd")
            },
        ]);
        insta::assert_json_snapshot!("pass_fail_and_unreported", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::ec2::testing::{arn, ec2, instance, name};
    use crate::checks::fixtures::{days_ago, denied, Fixture};
    use crate::fix::testing::{assert_states, cli_words, plan_for};
    use crate::fix::{render, Risk};
    use rampart_inventory::{Collected, Instance, MetadataOptions};
    use serde_json::json;

    fn optional(id: &str, no_token: Collected<f64>) -> Instance {
        Instance {
            metadata: MetadataOptions {
                http_tokens: "optional".into(),
                http_endpoint: "enabled".into(),
                http_put_response_hop_limit: Some(1),
            },
            metadata_no_token: no_token,
            ..instance(id)
        }
    }

    fn instances() -> Vec<Instance> {
        vec![
            Instance {
                tags: name("web"),
                ..optional("i-0aaa", Collected::Ok(0.0))
            },
            instance("i-0bbb"),
            optional("i-0ccc", Collected::Ok(37.0)),
            optional(
                "i-0ddd",
                Collected::Missing(denied("cloudwatch:GetMetricData")),
            ),
        ]
    }

    // Issue 14: IMDSv2 is required only where CloudWatch shows no IMDSv1 request over 14
    // days: that instance gets one disruptive ModifyInstanceMetadataOptions step undone by
    // restoring its HttpTokens; one with IMDSv1 requests and one whose count was not read
    // are not planned, saying why; one that already requires tokens gets nothing.
    #[test]
    fn fix_only_without_imdsv1_use() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(instances());
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        let step = &plan.steps[0];
        assert_eq!(step.resource, arn("instance", "i-0aaa"));
        assert_eq!(step.risk, Risk::Disruptive);
        assert!(step
            .risk_reason
            .contains("made no metadata request without a token in the 14 days before"));
        assert_eq!(step.calls[0].operation, "ModifyInstanceMetadataOptions");
        assert_eq!(
            step.calls[0].params,
            json!({"InstanceId": "i-0aaa", "HttpTokens": "required", "HttpEndpoint": "enabled"})
        );
        assert_eq!(
            step.undo_calls[0].params,
            json!({"InstanceId": "i-0aaa", "HttpTokens": "optional"})
        );
        let reasons: Vec<(&str, &str)> = plan
            .not_planned
            .iter()
            .map(|n| (n.resource.as_str(), n.reason.as_str()))
            .collect();
        let (ccc, ddd) = (arn("instance", "i-0ccc"), arn("instance", "i-0ddd"));
        assert_eq!(
            reasons,
            [
                (
                    ccc.as_str(),
                    "i-0ccc made 37 metadata requests without a token in the 14 days before \
                     the snapshot: move those clients to IMDSv2 first"
                ),
                (
                    ddd.as_str(),
                    "the IMDSv1 requests of i-0ddd (CloudWatch AWS/EC2 MetadataNoToken) could \
                     not be read: AccessDenied on cloudwatch:GetMetricData: User is not \
                     authorized to perform: cloudwatch:GetMetricData"
                ),
            ]
        );
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: the count covers less than 14 days for an instance launched since, and
    // only the time it ran for a stopped one: the reason says so.
    #[test]
    fn fix_reason_names_a_shorter_window() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(vec![Instance {
            launch_time: days_ago(3),
            state: "stopped".into(),
            ..optional("i-0new", Collected::Ok(0.0))
        }]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(
            plan.steps[0].risk_reason.contains(
                "in the 3 days since it was launched (it is stopped: the count covers only \
                 the time it ran)"
            ),
            "{}",
            plan.steps[0].risk_reason
        );
    }

    // Issue 14: the step's state is the instance's metadata options: `before` over the
    // snapshot it was planned from, `after` once AWS shows tokens required, whatever the
    // IMDSv1 count then reads (it is not part of the state).
    #[test]
    fn fix_states_before_and_after() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(instances());
        let plan = plan_for(&CHECK, &fx.inv);
        let mut fixed = Fixture::new();
        let mut now = instances();
        now[0] = Instance {
            metadata_no_token: Collected::Missing(denied("cloudwatch:GetMetricData")),
            tags: name("web"),
            ..instance("i-0aaa")
        };
        ec2(&mut fixed).instances = Collected::Ok(now);
        assert_states(
            &crate::Settings::default(),
            &fx.inv,
            &fixed.inv,
            &plan.steps[0],
        );
    }

    // Issue 14: an instance list that could not be read gives no step.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Missing(denied("ec2:DescribeInstances"));
        let finding = crate::fix::testing::failing(
            &super::META,
            &fx.inv,
            "us-east-1",
            &arn("instance", "i-0aaa"),
        );
        let plan = crate::fix::plan(&fx.inv, &crate::Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0].reason.contains("ec2:DescribeInstances"));
    }

    // Issue 14: a hostile Name tag stays inside the reason's comment line and a hostile
    // instance id stays one shell word.
    #[test]
    fn fix_hostile_values_are_quoted() {
        let hostile = "evil'; rm -rf ~ #\n${jndi}";
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(vec![Instance {
            tags: name(hostile),
            ..optional(hostile, Collected::Ok(0.0))
        }]);
        let plan = plan_for(&CHECK, &fx.inv);
        let step = &plan.steps[0];
        assert!(step.risk_reason.contains(hostile));
        if let Some(words) = cli_words(&step.cli[0]) {
            assert_eq!(words[6], hostile);
            assert_eq!(words.len(), 11);
        }
        for line in render::sh(&plan, true).lines().filter(|l| !l.is_empty()) {
            assert!(
                line.starts_with('#') || line == "set -euo pipefail" || line.starts_with("aws "),
                "{line}"
            );
        }
    }
}
