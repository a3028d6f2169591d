//! Builders for SSM fixtures: parameters in `us-east-1`.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;

/// The SSM data of `us-east-1`.
pub(crate) fn ssm(fx: &mut Fixture) -> &mut SsmData {
    &mut fx.region("us-east-1").ssm
}

/// A parameter of `kind` (`String`, `StringList`, `SecureString`) named `name` (a path).
pub(crate) fn parameter(name: &str, kind: &str) -> SsmParameter {
    SsmParameter {
        name: name.into(),
        arn: format!(
            "arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/{}",
            name.trim_start_matches('/')
        ),
        kind: kind.into(),
        last_modified: None,
    }
}
