//! `cloudformation_parameter_no_echo`: parameters with secret-looking names are NoEcho.

use super::over_stacks;
use crate::checks::secret_names::looks_secret;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "cloudformation_parameter_no_echo",
    title: "CloudFormation parameters that look like secrets are NoEcho",
    service: "cloudformation",
    severity: Severity::Medium,
    what: "Whether a stack has a non-empty parameter whose name looks like it holds a secret \
           (password, passwd, pwd, secret, token, credential, auth, api key, private key; not \
           names about a secret such as PasswordMinLength or SecretArn) that is not declared \
           `NoEcho`, so that DescribeStacks shows its value in clear.",
    why: "A parameter value without NoEcho is returned by DescribeStacks and shown in the \
          console to everyone who can view the stack; even when no detector recognises the \
          value, a parameter named for a password most likely holds one.",
    fix: "Declare the parameter `NoEcho: true` in the template (better: replace it with a \
          dynamic reference {{resolve:secretsmanager:<SECRET_ID>}}), rotate the value, and \
          update the stack: aws cloudformation update-stack --stack-name <STACK> \
          --template-body file://<TEMPLATE_FILE> --parameters \
          ParameterKey=<PARAMETER>,ParameterValue=<NEW_VALUE> --region <REGION>",
    references: &[
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#parameters-section-structure-properties",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds",
    ],
    cis: &[],
    needs: &[Service::CloudFormation],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_stacks(ctx, &META, |f, stack| {
        let name = format!("stack {}", stack.name);
        let shown: Vec<&str> = stack
            .parameters
            .iter()
            .filter(|p| !p.no_echo && !p.empty && looks_secret(&p.key))
            .map(|p| p.key.as_str())
            .collect();
        if shown.is_empty() {
            let hidden = stack.parameters.iter().filter(|p| p.no_echo).count();
            f.pass(format!(
                "{name} shows no secret-looking parameter in clear ({} parameter(s), {hidden} \
                 NoEcho)",
                stack.parameters.len()
            ))
        } else {
            f.fail(format!(
                "{name} shows secret-looking parameter(s) in clear (not NoEcho): {}",
                shown.join(", ")
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudformation::testing::{cloudformation, param, stack};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::Collected;

    // Practice: a secret-looking parameter without NoEcho fails; NoEcho, empty and
    // metadata-named (PasswordMinLength, DbSecretArn) parameters pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let mut open = stack("open");
        open.parameters = vec![
            param("Environment", false, false),
            param("DbPassword", false, false),
            param("SlackApiKey", false, false),
            param("UnusedToken", false, true),
            param("PasswordMinLength", false, false),
            param("DbSecretArn", false, false),
        ];
        cloudformation(&mut fx).stacks = Collected::Ok(vec![stack("hidden"), open]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
