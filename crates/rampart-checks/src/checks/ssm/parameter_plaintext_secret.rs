//! `ssm_parameter_plaintext_secret`: parameters named like secrets are SecureStrings.

use crate::checks::secret_names::looks_secret;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ssm_parameter_plaintext_secret",
    title: "SSM parameters named like secrets are SecureStrings",
    service: "ssm",
    severity: Severity::Medium,
    what: "Whether a `String` or `StringList` parameter has a name whose last path segment \
           looks like it holds a secret (password, token, secret, api key, private key, ...; \
           not names about a secret such as password_min_length or secret_arn). Values are \
           never read: the name decides.",
    why: "A plain String parameter is stored unencrypted and returned in clear to anyone \
          allowed ssm:GetParameter, with no KMS key whose use is logged and can be denied. A \
          SecureString is encrypted with KMS and needs kms:Decrypt as well.",
    fix: "Recreate the parameter as a SecureString (rotate the value if it may have been \
          read): aws ssm put-parameter --name <PARAMETER_NAME> --type SecureString --value \
          <NEW_VALUE> --overwrite --region <REGION> (AWS does not change an existing \
          parameter's type in place: delete it first with aws ssm delete-parameter --name \
          <PARAMETER_NAME> if put-parameter refuses)",
    references: &[
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html",
    ],
    cis: &[],
    needs: &[Service::Ssm],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let gap_resource = ctx.region_resource("ssm", region);
        findings.extend(
            ctx.over(&META, region, &gap_resource, &data.ssm.parameters, |p| {
                let f = ctx.finding(&META, region, p.arn.clone());
                let name = format!("parameter {}", p.name);
                // The path is a hierarchy (`/prod/secrets/log_level`): its last segment names
                // the value.
                let leaf = p.name.rsplit('/').next().unwrap_or(&p.name);
                if p.kind == "SecureString" {
                    f.pass(format!("{name} is a SecureString"))
                } else if looks_secret(leaf) {
                    f.fail(format!(
                        "{name} is named like a secret but stored as a plain {} (unencrypted)",
                        p.kind
                    ))
                } else {
                    f.pass(format!(
                        "{name} is a {} whose name does not look like a secret",
                        p.kind
                    ))
                }
            }),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::ssm::testing::{parameter, ssm};
    use rampart_inventory::Collected;

    // Practice: a String named like a secret fails; a SecureString passes whatever its
    // name; ordinary names and settings about secrets pass, judged by the last segment.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        ssm(&mut fx).parameters = Collected::Ok(vec![
            parameter("/prod/db/password", "String"),
            parameter("/prod/slack/api-key", "StringList"),
            parameter("/prod/db/master-password", "SecureString"),
            parameter("/prod/secrets/log_level", "String"),
            parameter("/prod/auth/password_min_length", "String"),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
