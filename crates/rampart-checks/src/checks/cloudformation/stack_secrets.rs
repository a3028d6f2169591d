//! `cloudformation_stack_secrets`: stack parameters and outputs hold no secrets.

use super::over_stacks;
use crate::checks::scanned::{describe_all, name_at};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Stack;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudformation_stack_secrets",
    title: "CloudFormation stack parameters and outputs hold no secrets",
    service: "cloudformation",
    severity: Severity::Critical,
    what: "Whether the secret detectors found credentials in the parameter values \
           DescribeStacks shows (every parameter not declared NoEcho) or in the stack's \
           outputs, scanned at collection as `Key=value` lines. The snapshot keeps only the \
           detector, the parameter or output and a redacted value.",
    why: "Parameter values and outputs are shown in clear to anyone allowed \
          cloudformation:DescribeStacks, kept in the stack's history and events, and \
          exported to other stacks: a secret there is readable far beyond who needs it.",
    fix: "Rotate the exposed secret, keep it in Secrets Manager and reference it from the \
          template with a dynamic reference ({{resolve:secretsmanager:<SECRET_ID>}}) instead \
          of a parameter or output, then update the stack: aws cloudformation update-stack \
          --stack-name <STACK> --template-body file://<TEMPLATE_FILE> --parameters \
          <PARAMETERS_WITHOUT_SECRETS> --region <REGION>",
    references: &[
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html",
    ],
    cis: &[],
    needs: &[Service::CloudFormation],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// The names of the lines of `parameter_values`: the parameters DescribeStacks shows in
/// clear (those not NoEcho), in the order of `parameters`.
pub(crate) fn shown_parameters(stack: &Stack) -> Vec<String> {
    stack
        .parameters
        .iter()
        .filter(|p| !p.no_echo)
        .map(|p| p.key.clone())
        .collect()
}

fn run(ctx: &Context) -> Vec<Finding> {
    over_stacks(ctx, &META, |f, stack| {
        let shown = shown_parameters(stack);
        let mut found: Vec<String> = describe_all(&stack.parameter_values, |l| {
            name_at(&shown, l).map(|k| format!("parameter {k}"))
        });
        found.extend(describe_all(&stack.outputs, |l| {
            name_at(&stack.output_keys, l).map(|k| format!("output {k}"))
        }));
        let name = format!("stack {}", stack.name);
        if found.is_empty() {
            f.pass(format!(
                "{name}: no detector found a secret in its {} shown parameter value(s) or {} \
                 output(s)",
                shown.len(),
                stack.output_keys.len()
            ))
        } else {
            f.fail(format!(
                "{name} shows {} secret(s) to anyone allowed DescribeStacks: {}",
                found.len(),
                found.join("; ")
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudformation::testing::{cloudformation, param, stack};
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::lambda::testing::secret;
    use rampart_inventory::Collected;

    // Practice: secrets in shown parameter values and in outputs fail, named by parameter
    // (line N is the Nth parameter not NoEcho) and output; a clean stack passes.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let mut leaky = stack("leaky");
        leaky.parameters = vec![
            param("Environment", false, false),
            param("AdminPassword", true, false),
            param("GitHubToken", false, false),
        ];
        leaky.parameter_values.secrets =
            vec![secret("github-token", "GitHub token", 2, "ghp_…(40 chars)")];
        leaky.output_keys = vec!["ApiUrl".into(), "DeployKeyId".into()];
        leaky.outputs.secrets = vec![secret(
            "aws-access-key-id",
            "AWS access key ID",
            2,
            "AKIA************2EPF",
        )];
        cloudformation(&mut fx).stacks = Collected::Ok(vec![stack("clean"), leaky]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
