//! `ec2_tag_secrets`: no EC2 or VPC resource carries a secret in its tags.

use crate::checks::scanned::describe;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, Gap, Tag};

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

/// A list of resources seen through their tags, or the gap that left it unread.
fn view<'a, T>(
    list: &'a Collected<Vec<T>>,
    each: impl Fn(&'a T) -> (String, String, &'a [Tag]),
) -> Result<Vec<Tagged<'a>>, &'a Gap> {
    list.get().map(|items| {
        items
            .iter()
            .map(|item| {
                let (label, arn, tags) = each(item);
                Tagged { label, arn, tags }
            })
            .collect()
    })
}

fn run(ctx: &Context) -> Vec<Finding> {
    let p = &ctx.inventory.account.partition;
    let account = &ctx.inventory.account.id;
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let ec2 = &data.ec2;
        let arn = |kind: &str, id: &str| format!("arn:{p}:ec2:{region}:{account}:{kind}/{id}");
        let lists = [
            (
                "instance",
                view(&ec2.instances, |i| {
                    (format!("instance {}", i.id), i.arn.clone(), &i.tags)
                }),
            ),
            (
                "volume",
                view(&ec2.volumes, |v| {
                    (format!("volume {}", v.id), arn("volume", &v.id), &v.tags)
                }),
            ),
            (
                "security-group",
                view(&ec2.security_groups, |g| {
                    let label = format!("security group {} ({})", g.id, g.name);
                    (label, g.arn.clone(), &g.tags)
                }),
            ),
            (
                "vpc",
                view(&ec2.vpcs, |v| {
                    (format!("VPC {}", v.id), arn("vpc", &v.id), &v.tags)
                }),
            ),
            (
                "subnet",
                view(&ec2.subnets, |s| {
                    (format!("subnet {}", s.id), s.arn.clone(), &s.tags)
                }),
            ),
        ];
        for (kind, list) in lists {
            match list {
                Ok(items) => findings.extend(items.iter().filter_map(|t| judge(ctx, region, t))),
                Err(gap) => findings.push(ctx.finding(&META, region, arn(kind, "*")).error(gap)),
            }
        }
    }
    findings
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
    use rampart_inventory::{Instance, SecurityGroup, Tag, Volume};

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
