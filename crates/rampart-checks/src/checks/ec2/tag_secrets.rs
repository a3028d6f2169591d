//! `ec2_tag_secrets`: no EC2 or VPC resource carries a secret in its tags.

use crate::checks::scanned::describe;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Gap, Tag};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_tag_secrets",
    title: "EC2 and VPC resource tags hold no secrets",
    service: "ec2",
    severity: Severity::High,
    what: "Whether the secret detectors found credentials (access keys, private keys, \
           tokens, passwords) in the tags (`Key=Value`) of each tagged instance, volume, \
           security group, VPC and subnet. The snapshot keeps only the detector and a \
           redacted value, never the tag as it was.",
    why: "Tags are metadata, not a vault: anyone allowed ec2:Describe* reads them, as do \
          Cost Explorer, billing exports, AWS Config, the tag editor and every inventory \
          tool, and they are copied to snapshots, images and logs. A key written into a tag \
          to pass it to a script is as good as published inside the account and beyond.",
    fix: "Rotate the exposed secret, store it in Secrets Manager or Parameter Store, then \
          remove the tag: aws ec2 delete-tags --resources <RESOURCE_ID> --tags \
          Key=<TAG_KEY> --region <REGION>",
    references: &[
        "https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// A tagged resource, as a reason names it, with its ARN and tags.
struct Tagged<'a> {
    label: String,
    arn: String,
    tags: &'a [Tag],
}

fn run(ctx: &Context) -> Vec<Finding> {
    let p = &ctx.inventory.account.partition;
    let account = &ctx.inventory.account.id;
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let ec2 = &data.ec2;
        let arn = |kind: &str, id: &str| format!("arn:{p}:ec2:{region}:{account}:{kind}/{id}");
        let mut over = |kind: &str, tagged: Result<Vec<Tagged>, &Gap>| match tagged {
            Ok(items) => findings.extend(items.iter().map(|t| judge(ctx, region, t))),
            Err(gap) => findings.push(Some(ctx.finding(&META, region, arn(kind, "*")).error(gap))),
        };
        over(
            "instance",
            ec2.instances.get().map(|l| {
                l.iter()
                    .map(|i| Tagged {
                        label: format!("instance {}", i.id),
                        arn: i.arn.clone(),
                        tags: &i.tags,
                    })
                    .collect()
            }),
        );
        over(
            "volume",
            ec2.volumes.get().map(|l| {
                l.iter()
                    .map(|v| Tagged {
                        label: format!("volume {}", v.id),
                        arn: arn("volume", &v.id),
                        tags: &v.tags,
                    })
                    .collect()
            }),
        );
        over(
            "security-group",
            ec2.security_groups.get().map(|l| {
                l.iter()
                    .map(|g| Tagged {
                        label: format!("security group {} ({})", g.id, g.name),
                        arn: g.arn.clone(),
                        tags: &g.tags,
                    })
                    .collect()
            }),
        );
        over(
            "vpc",
            ec2.vpcs.get().map(|l| {
                l.iter()
                    .map(|v| Tagged {
                        label: format!("VPC {}", v.id),
                        arn: arn("vpc", &v.id),
                        tags: &v.tags,
                    })
                    .collect()
            }),
        );
        over(
            "subnet",
            ec2.subnets.get().map(|l| {
                l.iter()
                    .map(|s| Tagged {
                        label: format!("subnet {}", s.id),
                        arn: s.arn.clone(),
                        tags: &s.tags,
                    })
                    .collect()
            }),
        );
    }
    findings.into_iter().flatten().collect()
}

/// PASS or FAIL for a tagged resource; nothing for an untagged one.
fn judge(ctx: &Context, region: &str, t: &Tagged) -> Option<Finding> {
    if t.tags.is_empty() {
        return None;
    }
    let f = ctx.finding(&META, region, t.arn.clone());
    let found: Vec<String> = t
        .tags
        .iter()
        .flat_map(|tag| {
            tag.secrets
                .iter()
                .map(move |m| describe(m, |_| Some(format!("tag {}", tag.key))))
        })
        .collect();
    Some(if found.is_empty() {
        f.pass(format!(
            "{} has {} tag(s) in which no detector found a secret",
            t.label,
            t.tags.len()
        ))
    } else {
        f.fail(format!(
            "{} has {} secret(s) in its tags: {}",
            t.label,
            found.len(),
            found.join("; ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, instance, name, sg};
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::lambda::testing::secret;
    use rampart_inventory::{Collected, Instance, SecurityGroup, Tag, Volume};

    // Issue 9, defect 8: a secret in a tag fails, named by the tag's key with the value
    // redacted; clean tags pass; untagged resources are not reported.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let leaked = Tag {
            key: "deploy-key".into(),
            value: "<redacted: aws-secret-access-key>".into(),
            secrets: vec![secret(
                "aws-secret-access-key",
                "AWS secret access key",
                1,
                "wJal…(40 chars)",
            )],
        };
        let data = ec2(&mut fx);
        data.instances = Collected::Ok(vec![
            Instance {
                tags: name("web"),
                ..instance("i-0aaa")
            },
            Instance {
                tags: vec![Tag::new("Name", "build"), leaked.clone()],
                ..instance("i-0bbb")
            },
            instance("i-0ccc"),
        ]);
        data.security_groups = Collected::Ok(vec![SecurityGroup {
            tags: name("web"),
            ..sg("sg-0aaa", "web", vec![])
        }]);
        data.volumes = Collected::Ok(vec![Volume {
            id: "vol-0aaa".into(),
            tags: vec![leaked],
            ..Default::default()
        }]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
