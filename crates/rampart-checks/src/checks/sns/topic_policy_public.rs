//! `sns_topic_policy_public`: no SNS topic policy grants access to everyone.

use crate::checks::public_policy;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "sns_topic_policy_public",
    title: "SNS topic policies do not grant access to everyone",
    service: "sns",
    severity: Severity::High,
    what: "Whether a topic's access policy (GetTopicAttributes `Policy`) has an Allow \
           statement for `Principal: \"*\"` without a condition that narrows it to known \
           accounts, sources or organizations (the default policy's AWS:SourceOwner does).",
    why: "A public topic policy lets anyone publish to the topic (spam, forged alerts, \
          events that trigger subscribed functions) or subscribe and receive every message.",
    fix: "Put a policy without the public statements (or with a narrowing condition): aws \
          sns set-topic-attributes --topic-arn <TOPIC_ARN> --attribute-name Policy \
          --attribute-value file://<POLICY_JSON_FILE>",
    references: &[
        "CIS AWS Foundations v7.0 2.21",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html",
    ],
    cis: &["2.21"],
    needs: &[Service::Sns],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("sns", region);
        findings.extend(
            ctx.over(&META, region, &gap_resource, &data.sns.topics, |t| {
                let name = t.arn.rsplit(':').next().unwrap_or(&t.arn);
                public_policy::finding(
                    ctx.finding(&META, region, t.arn.clone()),
                    &format!("topic {name}"),
                    &t.policy,
                )
            }),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::sns::testing::{sns, topic};
    use rampart_inventory::{Collected, Topic};
    use serde_json::json;

    // CIS 2.21: the default SourceOwner policy and no policy pass; an unconditioned
    // wildcard fails; an unreadable policy is an ERROR.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        sns(&mut fx).topics = Collected::Ok(vec![
            topic("alerts"),
            Topic {
                policy: Collected::Ok(None),
                ..topic("bare")
            },
            Topic {
                policy: Collected::Ok(Some(json!({"Statement": [{"Effect": "Allow",
                    "Principal": "*", "Action": "SNS:Publish", "Resource": "*"}]}))),
                ..topic("open")
            },
            Topic {
                policy: Collected::Missing(denied("sns:GetTopicAttributes")),
                ..topic("unread")
            },
        ]);
        insta::assert_json_snapshot!("pass_fail_error", run_check(&CHECK, &fx.inv));
    }
}
