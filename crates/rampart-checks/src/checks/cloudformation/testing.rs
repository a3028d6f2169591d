//! Builders for CloudFormation fixtures: a stack in `us-east-1` with clean parameters and
//! outputs.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;

/// The CloudFormation data of `us-east-1`.
pub(crate) fn cloudformation(fx: &mut Fixture) -> &mut CloudFormationData {
    &mut fx.region("us-east-1").cloudformation
}

/// A parameter.
pub(crate) fn param(key: &str, no_echo: bool, empty: bool) -> StackParameter {
    StackParameter {
        key: key.into(),
        no_echo,
        empty,
    }
}

/// A clean scanned text of `size` bytes.
pub(crate) fn clean(size: u64) -> ScannedText {
    ScannedText {
        size,
        sha256: "5d41".repeat(16),
        secrets: vec![],
    }
}

/// A stack with an `Environment` parameter, a NoEcho `DbPassword`, and one output, all
/// clean.
pub(crate) fn stack(name: &str) -> Stack {
    Stack {
        name: name.into(),
        arn: format!(
            "arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{name}/5b1c2a40-0000-11ef-9d35-0a1b2c3d4e5f"
        ),
        status: "CREATE_COMPLETE".into(),
        parameters: vec![param("Environment", false, false), param("DbPassword", true, false)],
        parameter_values: clean(16),
        outputs: clean(40),
        output_keys: vec!["ApiUrl".into()],
    }
}
