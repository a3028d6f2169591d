//! Builders for EFS fixtures: an encrypted file system in `us-east-1` without a policy.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;

/// The EFS data of `us-east-1`.
pub(crate) fn efs(fx: &mut Fixture) -> &mut EfsData {
    &mut fx.region("us-east-1").efs
}

/// An encrypted file system named `name`, with no resource policy.
pub(crate) fn file_system(id: &str, name: &str) -> FileSystem {
    FileSystem {
        id: id.into(),
        arn: format!("arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/{id}"),
        name: Some(name.into()),
        encrypted: true,
        kms_key_id: Some(format!(
            "arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )),
        policy: Collected::Ok(None),
        tags: vec![],
    }
}
