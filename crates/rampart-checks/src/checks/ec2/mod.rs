//! EC2 checks: instances (profiles, public addresses, reachability from the internet, the
//! metadata service, user data, AMIs), security groups open to the internet, launch
//! templates (IMDSv2, secrets in user data), and EBS encryption.

use crate::{Check, CheckMeta, Context, Finding, FindingBuilder};
use rampart_inventory::{Instance, LaunchTemplate, Tag};

mod ami_age;
mod ami_public;
mod default_sg_restricts_all;
mod ebs_default_encryption;
mod ebs_volume_encrypted;
mod imdsv2_required;
pub(crate) mod instance_internet_exposed;
mod instance_profile_attached;
mod instance_public_ip;
mod launch_template_imdsv2;
mod launch_template_secrets;
mod sg_all_ports_open_to_world;
mod sg_cifs_open_to_world;
mod sg_database_ports_open_to_world;
mod sg_rdp_open_to_world;
mod sg_ssh_open_to_world;
mod single_bastion;
mod tag_secrets;
mod user_data_secrets;

pub(crate) mod exposure;
pub(crate) mod reachability;
mod sg_revoke;
#[cfg(test)]
pub(crate) mod testing;

/// The ec2 checks.
pub const CHECKS: &[Check] = &[
    ami_age::CHECK,
    ami_public::CHECK,
    default_sg_restricts_all::CHECK,
    ebs_default_encryption::CHECK,
    ebs_volume_encrypted::CHECK,
    imdsv2_required::CHECK,
    instance_internet_exposed::CHECK,
    instance_profile_attached::CHECK,
    instance_public_ip::CHECK,
    launch_template_imdsv2::CHECK,
    launch_template_secrets::CHECK,
    sg_all_ports_open_to_world::CHECK,
    sg_cifs_open_to_world::CHECK,
    sg_database_ports_open_to_world::CHECK,
    sg_rdp_open_to_world::CHECK,
    sg_ssh_open_to_world::CHECK,
    single_bastion::CHECK,
    tag_secrets::CHECK,
    user_data_secrets::CHECK,
];

/// The value of a `Name` tag, if there is a non-empty one.
pub(crate) fn name_tag(tags: &[Tag]) -> Option<&str> {
    tags.iter()
        .find(|t| t.key == "Name" && !t.value.is_empty())
        .map(|t| t.value.as_str())
}

/// How a reason names a resource: `id (name)`, or the id alone when it has no name.
pub(crate) fn label(id: &str, name: Option<&str>) -> String {
    match name {
        Some(n) if !n.is_empty() => format!("{id} ({n})"),
        _ => id.to_owned(),
    }
}

/// How a reason names an instance: its id and `Name` tag.
pub(crate) fn instance_label(instance: &Instance) -> String {
    label(&instance.id, instance.name())
}

/// The usual shape of an instance check: for every region, one ERROR finding when its
/// instances could not be listed, else `each` for every instance `keep` selects (terminated
/// instances are never examined).
pub(crate) fn over_instances<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    keep: impl Fn(&Instance) -> bool,
    mut each: impl FnMut(&str, &'a Instance) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        match data.ec2.instances.get() {
            Ok(instances) => findings.extend(
                instances
                    .iter()
                    .filter(|i| i.state != "terminated" && keep(i))
                    .map(|i| each(region, i)),
            ),
            Err(gap) => findings.push(
                ctx.finding(meta, region, ctx.region_resource("ec2", region))
                    .error(gap),
            ),
        }
    }
    findings
}

/// The usual shape of a launch template check: for every region, one ERROR finding when its
/// launch templates could not be listed, else `each` for every template, given a finding
/// already addressed to the template's ARN.
pub(crate) fn over_launch_templates<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    mut each: impl FnMut(FindingBuilder, &'a LaunchTemplate) -> Finding,
) -> Vec<Finding> {
    let account = &ctx.inventory.account;
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("ec2", region);
        findings.extend(ctx.over(
            meta,
            region,
            &gap_resource,
            &data.ec2.launch_templates,
            |t| {
                let arn = format!(
                    "arn:{}:ec2:{region}:{}:launch-template/{}",
                    account.partition, account.id, t.id
                );
                each(ctx.finding(meta, region, arn), t)
            },
        ));
    }
    findings
}

/// The EC2 fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[
    default_sg_restricts_all::FIXER,
    ebs_default_encryption::FIXER,
    imdsv2_required::FIXER,
    sg_all_ports_open_to_world::FIXER,
    sg_cifs_open_to_world::FIXER,
    sg_database_ports_open_to_world::FIXER,
    sg_rdp_open_to_world::FIXER,
    sg_ssh_open_to_world::FIXER,
];
