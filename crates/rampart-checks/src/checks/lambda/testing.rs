//! Builders for Lambda fixtures: a function in `us-east-1` on a supported runtime, with a
//! clean environment and no resource policy.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;

/// The Lambda data of `us-east-1`.
pub(crate) fn lambda(fx: &mut Fixture) -> &mut LambdaData {
    &mut fx.region("us-east-1").lambda
}

/// A python3.12 function with two environment variables in which nothing was found.
pub(crate) fn function(name: &str) -> Function {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"),
        runtime: Some("python3.12".into()),
        role: format!("arn:aws:iam::{ACCOUNT}:role/{name}-role"),
        environment_keys: vec!["LOG_LEVEL".into(), "TABLE_NAME".into()],
        environment: ScannedText {
            size: 31,
            sha256: "3b4c".repeat(16),
            secrets: vec![],
        },
        policy: Collected::Ok(None),
        url: Collected::Ok(None),
        last_modified: Some("2026-05-01T10:00:00.000+0000".into()),
    }
}

/// A detector match on `line`.
pub(crate) fn secret(detector: &str, name: &str, line: u32, redacted: &str) -> SecretMatch {
    SecretMatch {
        detector: detector.into(),
        detector_name: name.into(),
        line,
        redacted: redacted.into(),
        fingerprint: "c".repeat(64),
    }
}
