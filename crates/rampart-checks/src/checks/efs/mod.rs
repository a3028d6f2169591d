//! EFS checks: file systems encrypted at rest, and their policies not open to everyone.

use crate::{Check, CheckMeta, Context, Finding, FindingBuilder};
use rampart_inventory::FileSystem;

mod encrypted;
mod policy_public;

#[cfg(test)]
pub(crate) mod testing;

/// The EFS checks.
pub const CHECKS: &[Check] = &[encrypted::CHECK, policy_public::CHECK];

/// How a reason names a file system: `file system fs-1 (shared)`.
fn label(fs: &FileSystem) -> String {
    match fs.name.as_deref() {
        Some(n) if !n.is_empty() => format!("file system {} ({n})", fs.id),
        _ => format!("file system {}", fs.id),
    }
}

/// For every region, one ERROR when its file systems could not be listed, else `each` for
/// every file system.
fn over_file_systems<'a>(
    ctx: &Context<'a>,
    meta: &'static CheckMeta,
    mut each: impl FnMut(FindingBuilder, &'a FileSystem) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("elasticfilesystem", region);
        findings.extend(
            ctx.over(meta, region, &gap_resource, &data.efs.file_systems, |fs| {
                each(ctx.finding(meta, region, fs.arn.clone()), fs)
            }),
        );
    }
    findings
}
