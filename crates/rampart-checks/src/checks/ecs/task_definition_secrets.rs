//! `ecs_task_definition_secrets`: task definitions keep no secrets in plain environment
//! variables.

use crate::checks::scanned::{describe_all, name_at};
use crate::checks::secret_names::looks_secret;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ecs_task_definition_secrets",
    title: "ECS task definitions keep no secrets in plain environment variables",
    service: "ecs",
    severity: Severity::Critical,
    what: "For the latest active revision of each task definition family: whether the secret \
           detectors found credentials in a container's plain `environment` (critical), and \
           otherwise whether a plain variable's NAME looks like a secret (password, token, \
           api key, ...; high), which should come from `secrets` with `valueFrom` instead.",
    why: "Plain environment values are part of the task definition: shown in clear to anyone \
          allowed ecs:DescribeTaskDefinition, kept in every revision forever (revisions can \
          only be deregistered), and copied into infrastructure code.",
    fix: "Rotate the exposed secret, store it in Secrets Manager or Parameter Store, move the \
          variable from `environment` to `secrets` ({\"name\": \"<VARIABLE>\", \"valueFrom\": \
          \"<SECRET_ARN>\"}) and register a new revision: aws ecs register-task-definition \
          --cli-input-json file://<TASK_DEFINITION_JSON> --region <REGION>; then deregister \
          the old ones: aws ecs deregister-task-definition --task-definition <FAMILY>:<REVISION>",
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html",
    ],
    cis: &[],
    needs: &[Service::Ecs],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("ecs", region);
        findings.extend(ctx.over(
            &META,
            region,
            &gap_resource,
            &data.ecs.task_definitions,
            |td| {
                let f = ctx.finding(&META, region, td.arn.clone());
                let name = format!("task definition {}:{}", td.family, td.revision);
                let containers = match td.containers.get() {
                    Ok(containers) => containers,
                    Err(gap) => {
                        return f.error_reason(format!(
                            "could not be evaluated: the latest task definition of family {} \
                             could not be read: {}",
                            td.family,
                            gap.describe()
                        ))
                    }
                };
                let mut found = Vec::new();
                let mut named = Vec::new();
                for c in containers {
                    found.extend(
                        describe_all(&c.environment, |l| name_at(&c.environment_keys, l))
                            .into_iter()
                            .map(|m| format!("container {}: {m}", c.name)),
                    );
                    let flagged: std::collections::BTreeSet<u32> =
                        c.environment.secrets.iter().map(|s| s.line).collect();
                    named.extend(
                        c.environment_keys
                            .iter()
                            .enumerate()
                            .filter(|(i, k)| looks_secret(k) && !flagged.contains(&(*i as u32 + 1)))
                            .map(|(_, k)| format!("container {}: {k}", c.name)),
                    );
                }
                let names = if named.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; plain variable(s) named like secrets, to move to `secrets` with \
                     valueFrom: {}",
                        named.join(", ")
                    )
                };
                if !found.is_empty() {
                    f.fail(format!(
                        "{name} has {} secret(s) in plain environment variables: {}{names}",
                        found.len(),
                        found.join("; ")
                    ))
                } else if !named.is_empty() {
                    f.severity(Severity::High).fail(format!(
                        "{name} has plain environment variable(s) named like secrets (no detector \
                     recognised the values), to move to `secrets` with valueFrom: {}",
                        named.join(", ")
                    ))
                } else {
                    let vars: usize = containers.iter().map(|c| c.environment_keys.len()).sum();
                    f.pass(format!(
                        "{name}: no secret found in, and no secret-looking name among, the {vars} \
                     plain environment variable(s) of its {} container(s)",
                        containers.len()
                    ))
                }
            },
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ecs::testing::{container, ecs, task_definition};
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::lambda::testing::secret;
    use rampart_inventory::Collected;

    // Practice: a detector hit fails critical naming the container and variable; a plain
    // variable only named like a secret fails high; clean definitions (secrets from
    // valueFrom, metadata names such as TOKEN_TTL) pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let mut leaky = container("app", &["LOG_LEVEL", "AWS_ACCESS_KEY_ID", "API_TOKEN"]);
        leaky.environment.secrets = vec![secret(
            "aws-access-key-id",
            "AWS access key ID",
            2,
            "AKIA************2EPF",
        )];
        ecs(&mut fx).task_definitions = Collected::Ok(vec![
            task_definition("clean", vec![container("app", &["LOG_LEVEL", "TOKEN_TTL"])]),
            task_definition(
                "named",
                vec![
                    container("web", &["PORT"]),
                    container("worker", &["DB_PASSWORD", "QUEUE_URL"]),
                ],
            ),
            task_definition("leaky", vec![leaky]),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
