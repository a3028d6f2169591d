//! Builders for ECS fixtures: a task definition in `us-east-1` whose containers take their
//! secrets from `secrets` (valueFrom) and keep a clean plain environment.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;

/// The ECS data of `us-east-1`.
pub(crate) fn ecs(fx: &mut Fixture) -> &mut EcsData {
    &mut fx.region("us-east-1").ecs
}

/// A container with a clean plain environment and its password from Secrets Manager.
pub(crate) fn container(name: &str, env: &[&str]) -> ContainerDefinition {
    ContainerDefinition {
        name: name.into(),
        environment_keys: env.iter().map(|k| k.to_string()).collect(),
        environment: ScannedText {
            size: 24,
            sha256: "9a0b".repeat(16),
            secrets: vec![],
        },
        secret_refs: vec!["DB_PASSWORD".into()],
        privileged: false,
    }
}

/// Revision 3 of a family with these containers.
pub(crate) fn task_definition(
    family: &str,
    containers: Vec<ContainerDefinition>,
) -> TaskDefinition {
    TaskDefinition {
        arn: format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{family}:3"),
        family: family.into(),
        revision: 3,
        containers: Collected::Ok(containers),
    }
}
