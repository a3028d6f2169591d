//! `lambda_env_secrets`: Lambda environment variables hold no secrets.

use super::over_functions;
use crate::checks::scanned::{describe_all, name_at};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "lambda_env_secrets",
    title: "Lambda environment variables hold no secrets",
    service: "lambda",
    severity: Severity::Critical,
    what: "Whether the secret detectors found credentials (access keys, private keys, \
           tokens, passwords, connection strings) in a function's environment variables, \
           scanned at collection as `NAME=value` lines. The snapshot keeps only the detector, \
           the variable and a redacted value.",
    why: "Environment variables are shown in clear to anyone allowed \
          lambda:GetFunctionConfiguration, copied into every published version and into \
          infrastructure templates, and never rotated: a secret there leaks far beyond the \
          function.",
    fix: "Rotate the exposed secret, store it in Secrets Manager and read it at run time \
          (or through the Parameters and Secrets Lambda extension), then drop the variable: \
          aws lambda update-function-configuration --function-name <FUNCTION> --environment \
          file://<ENVIRONMENT_WITHOUT_SECRETS_JSON> --region <REGION>",
    references: &[
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
    ],
    cis: &[],
    needs: &[Service::Lambda],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_functions(ctx, &META, |f, function| {
        let env = &function.environment;
        let name = format!("function {}", function.name);
        if env.secrets.is_empty() {
            return f.pass(format!(
                "{name} has {} environment variable(s) in which no detector found a secret",
                function.environment_keys.len()
            ));
        }
        let found = describe_all(env, |line| name_at(&function.environment_keys, line));
        f.fail(format!(
            "{name} has {} secret(s) in its environment: {}",
            found.len(),
            found.join("; ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::lambda::testing::{function, lambda, secret};
    use rampart_inventory::Collected;

    // Practice: detector matches fail naming the variable (line N is environment_keys[N-1])
    // and the redacted value only; a clean environment passes.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let mut leaky = function("leaky");
        leaky.environment_keys = vec!["LOG_LEVEL".into(), "STRIPE_KEY".into(), "DB_URL".into()];
        leaky.environment.secrets = vec![
            secret("stripe-key", "Stripe secret key", 2, "sk_l…(32 chars)"),
            secret(
                "database-url-password",
                "Database URL with password",
                3,
                "hu…(12 chars)",
            ),
        ];
        lambda(&mut fx).functions = Collected::Ok(vec![function("clean"), leaky]);
        let findings = run_check(&CHECK, &fx.inv);
        assert!(findings.iter().all(|f| !f.reason.contains("cccc")));
        insta::assert_json_snapshot!("pass_and_fail", findings);
    }
}
