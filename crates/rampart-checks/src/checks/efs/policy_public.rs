//! `efs_policy_public`: no EFS file system policy grants access to everyone.

use super::{label, over_file_systems};
use crate::checks::public_policy;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "efs_policy_public",
    title: "EFS file system policies do not grant access to everyone",
    service: "efs",
    severity: Severity::High,
    what: "Whether a file system's resource policy (DescribeFileSystemPolicy) has an Allow \
           statement for `Principal: \"*\"` without a condition that narrows it to known \
           accounts, organizations, networks or access points.",
    why: "A public file system policy lets any AWS principal that can reach a mount target \
          mount, read and write the file system: network controls become the only barrier.",
    fix: "Put a policy without the public statements (or with a condition such as \
          aws:PrincipalOrgID or aws:SourceVpc): aws efs put-file-system-policy \
          --file-system-id <FILE_SYSTEM_ID> --policy file://<POLICY_JSON_FILE>; or remove it: \
          aws efs delete-file-system-policy --file-system-id <FILE_SYSTEM_ID>",
    references: &[
        "CIS AWS Foundations v7.0 2.21",
        "https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html",
    ],
    cis: &["2.21"],
    needs: &[Service::Efs],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_file_systems(ctx, &META, |f, fs| {
        public_policy::finding(f, &label(fs), &fs.policy)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::efs::testing::{efs, file_system};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::{Collected, FileSystem};
    use serde_json::json;

    // CIS 2.21: no policy and a VPC-conditioned wildcard pass; an unconditioned wildcard
    // fails; an unreadable policy is an ERROR.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        efs(&mut fx).file_systems = Collected::Ok(vec![
            file_system("fs-1", "private"),
            FileSystem {
                policy: Collected::Ok(Some(json!({"Statement": [{"Effect": "Allow",
                    "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:ClientMount",
                    "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}]}))),
                ..file_system("fs-2", "vpc-only")
            },
            FileSystem {
                policy: Collected::Ok(Some(json!({"Statement": [{"Sid": "Everyone",
                    "Effect": "Allow", "Principal": {"AWS": "*"},
                    "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]}]}))),
                ..file_system("fs-3", "open")
            },
            FileSystem {
                policy: Collected::Missing(denied("elasticfilesystem:DescribeFileSystemPolicy")),
                ..file_system("fs-4", "unread")
            },
        ]);
        insta::assert_json_snapshot!("pass_fail_error", run_check(&CHECK, &fx.inv));
    }
}
