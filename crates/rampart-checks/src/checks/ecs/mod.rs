//! ECS checks: no secrets in the plain environment of task definitions.

use crate::Check;

mod task_definition_secrets;

#[cfg(test)]
pub(crate) mod testing;

/// The ECS checks.
pub const CHECKS: &[Check] = &[task_definition_secrets::CHECK];
