//! Reading what the collector's secret detectors found in the text it scanned: how a reason
//! names a match (the variable or parameter on its line, the detector, the redacted value,
//! never the fingerprint), and every scanned text of the inventory, for the cross-check of
//! leaked keys against the account's live ones.

use crate::Context;
use rampart_inventory::{Collected, Gap, ScannedText, SecretMatch, Tag};

/// One match for a reason: `DB_URL (database URL with password, postgr…(52 chars))`, or
/// `line 3 (...)` when the line names no known variable.
pub(crate) fn describe(m: &SecretMatch, name_of_line: impl Fn(u32) -> Option<String>) -> String {
    match name_of_line(m.line) {
        Some(name) => format!("{name} ({}, {})", m.detector_name, m.redacted),
        None => format!("line {} ({}, {})", m.line, m.detector_name, m.redacted),
    }
}

/// Every match of a text, described with [`describe`].
pub(crate) fn describe_all(
    text: &ScannedText,
    name_of_line: impl Fn(u32) -> Option<String>,
) -> Vec<String> {
    text.secrets
        .iter()
        .map(|m| describe(m, &name_of_line))
        .collect()
}

/// The name at 1-based `line` of a text scanned as `NAME=value` lines in the order of
/// `names`.
pub(crate) fn name_at(names: &[String], line: u32) -> Option<String> {
    let i = usize::try_from(line).ok()?.checked_sub(1)?;
    names.get(i).cloned()
}

/// A resource as a reason names it (`volume vol-1`), with its tags.
type Named<'a> = (String, &'a [Tag]);

/// A text the collector scanned, with where it came from.
pub(crate) struct Source<'a> {
    /// Where the text is, for a reason: `user data of instance i-0abc in us-east-1`.
    pub place: String,
    /// What the detectors found.
    pub secrets: &'a [SecretMatch],
    /// Whether a match's `line` places it in the text (false for a tag, one `key=value`).
    pub by_line: bool,
}

impl<'a> Source<'a> {
    /// A scanned text, its matches placed by line.
    fn text(place: String, text: &'a ScannedText) -> Self {
        Source {
            place,
            secrets: &text.secrets,
            by_line: true,
        }
    }

    /// The tags of one resource that hold secrets, each its own source: `tag deploy-key of
    /// VPC vpc-1 in us-east-1`.
    fn tags(resource: &str, tags: &'a [Tag]) -> Vec<Self> {
        tags.iter()
            .filter(|t| !t.secrets.is_empty())
            .map(|t| Source {
                place: format!("tag {} of {resource}", t.key),
                secrets: &t.secrets,
                by_line: false,
            })
            .collect()
    }
}

/// A list of scanned texts that could not be read.
pub(crate) struct Unread<'a> {
    /// What could not be read: `EC2 instances in us-east-1`.
    pub what: String,
    /// Why.
    pub gap: &'a Gap,
}

/// Every scanned text of the inventory (EC2 user data, launch templates and tags, Lambda
/// environments, CloudFormation parameters and outputs, ECS container environments), and
/// the lists that could not be read.
pub(crate) fn all_sources<'a>(ctx: &Context<'a>) -> (Vec<Source<'a>>, Vec<Unread<'a>>) {
    let mut sources = Vec::new();
    let mut unread = Vec::new();
    let mut list = |what: String, gap: &'a Gap| unread.push(Unread { what, gap });
    for (region, data) in ctx.regions() {
        match data.ec2.instances.get() {
            Ok(instances) => {
                for i in instances {
                    let resource = format!("instance {} in {region}", i.id);
                    sources.extend(Source::tags(&resource, &i.tags));
                    match &i.user_data {
                        Collected::Ok(Some(text)) => sources.push(Source::text(
                            format!("user data of instance {} in {region}", i.id),
                            text,
                        )),
                        Collected::Ok(None) => {}
                        Collected::Missing(gap) => {
                            list(format!("user data of instance {} in {region}", i.id), gap)
                        }
                    }
                }
            }
            Err(gap) => list(format!("EC2 instances in {region}"), gap),
        }
        let ec2 = &data.ec2;
        let tagged: [(&str, Result<Vec<Named<'a>>, &'a Gap>); 4] = [
            (
                "EC2 volumes",
                ec2.volumes.get().map(|l| {
                    l.iter()
                        .map(|v| (format!("volume {}", v.id), &v.tags[..]))
                        .collect()
                }),
            ),
            (
                "EC2 security groups",
                ec2.security_groups.get().map(|l| {
                    l.iter()
                        .map(|g| (format!("security group {}", g.id), &g.tags[..]))
                        .collect()
                }),
            ),
            (
                "VPCs",
                ec2.vpcs.get().map(|l| {
                    l.iter()
                        .map(|v| (format!("VPC {}", v.id), &v.tags[..]))
                        .collect()
                }),
            ),
            (
                "subnets",
                ec2.subnets.get().map(|l| {
                    l.iter()
                        .map(|s| (format!("subnet {}", s.id), &s.tags[..]))
                        .collect()
                }),
            ),
        ];
        for (what, resources) in tagged {
            match resources {
                Ok(resources) => {
                    for (name, tags) in resources {
                        sources.extend(Source::tags(&format!("{name} in {region}"), tags));
                    }
                }
                Err(gap) => list(format!("{what} in {region}"), gap),
            }
        }
        match data.ec2.launch_templates.get() {
            Ok(templates) => {
                for t in templates {
                    let place = format!("user data of launch template {} in {region}", t.name);
                    match &t.user_data {
                        Collected::Ok(Some(text)) => sources.push(Source::text(place, text)),
                        Collected::Ok(None) => {}
                        Collected::Missing(gap) => list(place, gap),
                    }
                }
            }
            Err(gap) => list(format!("EC2 launch templates in {region}"), gap),
        }
        match data.lambda.functions.get() {
            Ok(functions) => sources.extend(functions.iter().map(|f| {
                Source::text(
                    format!("environment of Lambda function {} in {region}", f.name),
                    &f.environment,
                )
            })),
            Err(gap) => list(format!("Lambda functions in {region}"), gap),
        }
        match data.cloudformation.stacks.get() {
            Ok(stacks) => {
                for s in stacks {
                    sources.push(Source::text(
                        format!("parameters of stack {} in {region}", s.name),
                        &s.parameter_values,
                    ));
                    sources.push(Source::text(
                        format!("outputs of stack {} in {region}", s.name),
                        &s.outputs,
                    ));
                }
            }
            Err(gap) => list(format!("CloudFormation stacks in {region}"), gap),
        }
        match data.ecs.task_definitions.get() {
            Ok(defs) => {
                for d in defs {
                    let containers = match d.containers.get() {
                        Ok(containers) => containers,
                        Err(gap) => {
                            list(
                                format!("task definition family {} in {region}", d.family),
                                gap,
                            );
                            continue;
                        }
                    };
                    for c in containers {
                        sources.push(Source::text(
                            format!(
                                "environment of container {} of task definition {}:{} in {region}",
                                c.name, d.family, d.revision
                            ),
                            &c.environment,
                        ));
                    }
                }
            }
            Err(gap) => list(format!("ECS task definitions in {region}"), gap),
        }
    }
    (sources, unread)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(line: u32) -> SecretMatch {
        SecretMatch {
            detector: "generic-password".into(),
            detector_name: "Generic password".into(),
            line,
            redacted: "hu…(12 chars)".into(),
            fingerprint: "f".repeat(64),
        }
    }

    // Practice: a match is named by the variable on its line, never by its fingerprint.
    #[test]
    fn names_the_variable() {
        let names = vec!["A".to_owned(), "DB_PASSWORD".to_owned()];
        assert_eq!(
            describe(&m(2), |l| name_at(&names, l)),
            "DB_PASSWORD (Generic password, hu…(12 chars))"
        );
        assert_eq!(
            describe(&m(3), |l| name_at(&names, l)),
            "line 3 (Generic password, hu…(12 chars))"
        );
        assert_eq!(name_at(&names, 0), None);
    }
}
