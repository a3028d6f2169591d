//! `efs_encrypted`: EFS file systems are encrypted at rest.

use super::{label, over_file_systems};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "efs_encrypted",
    title: "EFS file systems are encrypted at rest",
    service: "efs",
    severity: Severity::High,
    what: "Whether each EFS file system was created with encryption at rest (`Encrypted`).",
    why: "Files on an unencrypted file system, and its backups, are stored in clear; \
          encryption with KMS adds a key whose use is logged and can be revoked. It can only \
          be chosen when the file system is created.",
    fix: "Create an encrypted file system and copy the data over (AWS DataSync or a mount of \
          both), then delete the old one: aws efs create-file-system --encrypted --kms-key-id \
          <KMS_KEY_ID> --creation-token <TOKEN> --region <REGION>",
    references: &[
        "CIS AWS Foundations v7.0 3.3.1",
        "https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html",
    ],
    cis: &["3.3.1"],
    needs: &[Service::Efs],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_file_systems(ctx, &META, |f, fs| {
        if fs.encrypted {
            let key = fs.kms_key_id.as_deref().unwrap_or("the default key");
            f.pass(format!("{} is encrypted at rest with {key}", label(fs)))
        } else {
            f.fail(format!("{} is not encrypted at rest", label(fs)))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::efs::testing::{efs, file_system};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, FileSystem};

    // CIS 3.3.1: an encrypted file system passes, an unencrypted one fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        efs(&mut fx).file_systems = Collected::Ok(vec![
            file_system("fs-1", "shared"),
            FileSystem {
                encrypted: false,
                kms_key_id: None,
                ..file_system("fs-2", "legacy")
            },
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
