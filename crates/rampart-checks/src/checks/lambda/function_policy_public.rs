//! `lambda_function_policy_public`: no Lambda function policy grants access to everyone.

use super::over_functions;
use crate::checks::public_policy;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "lambda_function_policy_public",
    title: "Lambda function policies do not grant access to everyone",
    service: "lambda",
    severity: Severity::Critical,
    what: "Whether a function's resource-based policy (GetPolicy) has an Allow statement for \
           `Principal: \"*\"` without a condition that narrows it to known accounts or \
           sources (AWS:SourceAccount, AWS:SourceArn, aws:PrincipalOrgID, ...).",
    why: "A public function policy lets anyone invoke the function (running its code with \
          its role's permissions, at the account's expense) or, with lambda:* actions, read \
          and change it.",
    fix: "Remove the public statement by its Sid: aws lambda remove-permission \
          --function-name <FUNCTION> --statement-id <STATEMENT_ID> --region <REGION>",
    references: &[
        "CIS AWS Foundations v7.0 2.21",
        "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
    ],
    cis: &["2.21"],
    needs: &[Service::Lambda],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_functions(ctx, &META, |f, function| {
        public_policy::finding(f, &format!("function {}", function.name), &function.policy)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::lambda::testing::{function, lambda};
    use rampart_inventory::{Collected, Function};
    use serde_json::json;

    // CIS 2.21: no policy and an S3 permission narrowed by SourceAccount pass; an
    // invoke permission for everyone fails; an unreadable policy is an ERROR.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        lambda(&mut fx).functions = Collected::Ok(vec![
            function("private"),
            Function {
                policy: Collected::Ok(Some(json!({"Statement": [{"Sid": "s3-invoke",
                    "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": "lambda:InvokeFunction", "Resource": "*",
                    "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"}}}]}))),
                ..function("s3-trigger")
            },
            Function {
                policy: Collected::Ok(Some(json!({"Statement": [{"Sid": "public-invoke",
                    "Effect": "Allow", "Principal": "*",
                    "Action": "lambda:InvokeFunction", "Resource": "*"}]}))),
                ..function("open")
            },
            Function {
                policy: Collected::Missing(denied("lambda:GetPolicy")),
                ..function("unread")
            },
        ]);
        insta::assert_json_snapshot!("pass_fail_error", run_check(&CHECK, &fx.inv));
    }
}
