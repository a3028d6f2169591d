//! `paths_public_function_to_privileges`: no Lambda function anyone may call runs as a role
//! that is, or escalates to, an administrator, or that reads data.

use super::with_graph;
use crate::checks::public_policy::{describe_grants, exposure, PolicyExposure};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::{Collected, Function};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "paths_public_function_to_privileges",
    title: "No Lambda function anyone may call runs as a privileged role",
    service: "paths",
    severity: Severity::Critical,
    what: "Every Lambda function that anyone may call: a function URL with auth type NONE, \
           or a function policy that allows everyone (Principal \"*\" without a narrowing \
           condition, as lambda_function_policy_public reads it), joined end to end with its \
           execution role and what that role reaches with the policy engine: an \
           administrator (it is one, or the escalation graph has a path from it to one) or \
           data (s3:GetObject on a bucket, kms:Decrypt with a key, ssm:GetParameter on a \
           parameter, secretsmanager:GetSecretValue on every secret, dynamodb:Scan on every \
           table). A function nobody outside may call, or whose role reaches neither, \
           passes; one whose URL or policy could not be read is an ERROR.",
    why: "Whatever the function's code lets a caller do, it does with the execution role's \
          credentials. A bug in a public function whose role is an administrator (or reads \
          the data) hands the account to anyone on the internet.",
    fix: "Require IAM authentication on the URL (aws lambda update-function-url-config \
          --function-name <FUNCTION_NAME> --auth-type AWS_IAM) or remove the public \
          statement (aws lambda remove-permission --function-name <FUNCTION_NAME> \
          --statement-id <SID>), and narrow the execution role (aws iam detach-role-policy \
          --role-name <ROLE_NAME> --policy-arn <POLICY_ARN>).",
    references: &[
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    ],
    cis: &[],
    needs: &[
        Service::Iam,
        Service::Ec2,
        Service::Lambda,
        Service::S3,
        Service::Kms,
        Service::Ssm,
        Service::Organizations,
    ],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// Who may call the function: `Ok(Some(how))` when anyone may, `Ok(None)` when not,
/// `Err(reason)` when its URL or policy could not be read.
fn public(function: &Function) -> Result<Option<String>, String> {
    let mut how = Vec::new();
    match &function.url {
        Collected::Ok(Some(url)) if url.auth_type.eq_ignore_ascii_case("NONE") => {
            how.push(format!(
                "its function URL {} takes calls without authentication",
                url.url
            ))
        }
        Collected::Ok(_) => {}
        Collected::Missing(gap) => {
            return Err(format!(
                "its function URL could not be read: {}",
                gap.describe()
            ))
        }
    }
    match exposure(&function.policy) {
        PolicyExposure::Public(grants) => how.push(format!(
            "its function policy is open to everyone: {}",
            describe_grants(&grants)
        )),
        PolicyExposure::Unknown(reason) => return Err(reason),
        PolicyExposure::NoPolicy | PolicyExposure::Private => {}
    }
    Ok((!how.is_empty()).then(|| how.join(", and ")))
}

fn run(ctx: &Context) -> Vec<Finding> {
    let any = ctx.regions().any(|(_, d)| {
        d.lambda
            .functions
            .ok()
            .is_some_and(|fs| fs.iter().any(|f| matches!(public(f), Ok(Some(_)))))
    });
    if !any {
        return each(ctx, None);
    }
    with_graph(ctx, &META, |reach| each(ctx, Some(reach)))
}

fn each(ctx: &Context, reach: Option<&super::Reach>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("lambda", region);
        findings.extend(ctx.over(
            &META,
            region,
            &gap_resource,
            &data.lambda.functions,
            |function| {
                let f = ctx.finding(&META, region, function.arn.clone());
                let name = format!("function {}", function.name);
                let how = match public(function) {
                    Err(reason) => {
                        return f.error_reason(format!("could not be evaluated: {name}: {reason}"))
                    }
                    Ok(None) => {
                        return f.pass(format!(
                            "{name} takes no calls from everyone (no unauthenticated URL, no \
                         public function policy)"
                        ))
                    }
                    Ok(Some(how)) => how,
                };
                let Some(reach) = reach else {
                    unreachable!("the graph is built when a function is public")
                };
                match reach.of(&function.role) {
                    Err(e) => f.error_reason(format!(
                        "could not be evaluated: {name} is public ({how}), but its execution \
                     role is unknown: {e}"
                    )),
                    Ok(None) => f.pass(format!(
                        "{name} is public ({how}), but its execution role reaches no \
                     administrator and reads no data"
                    )),
                    Ok(Some(r)) => {
                        let f = if r.conditional {
                            f.severity(Severity::High)
                        } else {
                            f
                        };
                        f.fail(format!(
                            "anyone → {name} ({how}) → execution role → {}{}",
                            r.text,
                            if r.conditional {
                                " (what it reaches hangs on a condition the engine cannot decide: \
                             high rather than critical)"
                            } else {
                                ""
                            }
                        ))
                    }
                }
            },
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{inline, role};
    use crate::checks::lambda::testing::{function, lambda};
    use rampart_inventory::FunctionUrl;
    use serde_json::json;

    fn account(fx: &mut Fixture) {
        let mut admin = role("api-role");
        admin.inline_policies = vec![inline(
            "all",
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )];
        let mut reader = role("reader-role");
        reader.inline_policies = vec![inline(
            "secrets",
            json!({"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}),
        )];
        fx.inv.iam.roles = Collected::Ok(vec![admin, reader, role("quiet-role")]);
    }

    fn url(auth: &str) -> Collected<Option<FunctionUrl>> {
        Collected::Ok(Some(FunctionUrl {
            url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
            auth_type: auth.into(),
        }))
    }

    // Joined path (issue 12): a public URL on an admin-role function fails critical; a
    // public policy on a function whose role reads secrets only under an undecidable
    // condition fails high; an IAM-authenticated URL, and a public function whose role
    // reaches nothing, pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        account(&mut fx);
        let mut api = function("api");
        api.url = url("NONE");
        let mut reader = function("reader");
        reader.policy = Collected::Ok(Some(json!({"Statement": [{"Sid": "open",
            "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Resource": "*"}]})));
        let mut internal = function("internal");
        internal.url = url("AWS_IAM");
        internal.role = "arn:aws:iam::111122223333:role/api-role".into();
        let mut quiet = function("quiet");
        quiet.url = url("NONE");
        lambda(&mut fx).functions = Collected::Ok(vec![api, reader, internal, quiet]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // An unread URL or function list is an ERROR, never a PASS.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        account(&mut fx);
        let mut api = function("api");
        api.url = Collected::Missing(denied("lambda:GetFunctionUrlConfig"));
        lambda(&mut fx).functions = Collected::Ok(vec![api]);
        let mut findings = run_check(&CHECK, &fx.inv);
        lambda(&mut fx).functions = Collected::Missing(denied("lambda:ListFunctions"));
        findings.extend(run_check(&CHECK, &fx.inv));
        insta::assert_json_snapshot!("error", findings);
    }
}
