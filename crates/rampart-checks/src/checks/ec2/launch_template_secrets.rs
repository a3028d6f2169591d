//! `ec2_launch_template_secrets`: launch template user data holds no secrets.

use super::over_launch_templates;
use crate::checks::scanned::describe_all;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_launch_template_secrets",
    title: "EC2 launch template user data holds no secrets",
    service: "ec2",
    severity: Severity::Critical,
    what: "Whether the secret detectors found credentials (access keys, private keys, \
           tokens, passwords) in the user data of each launch template's default version. \
           The snapshot keeps only the detector, the line and a redacted value.",
    why: "Launch template user data is readable by anyone allowed \
          ec2:DescribeLaunchTemplateVersions, is handed to every instance launched from the \
          template (and readable there through the metadata service), and stays in every \
          old version: a secret there is as good as published inside the account.",
    fix: "Rotate the exposed secret, read it at boot from Secrets Manager or Parameter Store \
          instead, then publish a clean version and make it the default: aws ec2 \
          create-launch-template-version --launch-template-id <LAUNCH_TEMPLATE_ID> \
          --source-version <VERSION> --launch-template-data \
          '{\"UserData\":\"<USER_DATA_WITHOUT_SECRETS_BASE64>\"}' --region <REGION>; aws ec2 \
          modify-launch-template --launch-template-id <LAUNCH_TEMPLATE_ID> --default-version \
          <NEW_VERSION> --region <REGION>; then delete the old versions: aws ec2 \
          delete-launch-template-versions --launch-template-id <LAUNCH_TEMPLATE_ID> \
          --versions <OLD_VERSIONS>",
    references: &[
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-launch-templates.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_launch_templates(ctx, &META, |f, t| {
        let name = format!(
            "launch template {} ({}, version {})",
            t.id, t.name, t.version
        );
        let user_data = match t.user_data.get() {
            Ok(user_data) => user_data,
            Err(gap) => {
                return f.error_reason(format!(
                    "could not be evaluated: the default version of {name} could not be read: {}",
                    gap.describe()
                ))
            }
        };
        match user_data {
            None => f.pass(format!("{name} has no user data")),
            Some(text) if text.secrets.is_empty() => f.pass(format!(
                "{name} has user data ({} bytes) in which no detector found a secret",
                text.size
            )),
            Some(text) => {
                let found = describe_all(text, |_| None);
                f.fail(format!(
                    "{name} has {} secret(s) in its user data: {}",
                    found.len(),
                    found.join("; ")
                ))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::ec2;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::lambda::testing::secret;
    use rampart_inventory::{Collected, LaunchTemplate, ScannedText};

    fn template(id: &str, name: &str, user_data: Option<ScannedText>) -> LaunchTemplate {
        LaunchTemplate {
            id: id.into(),
            name: name.into(),
            version: 4,
            user_data: Collected::Ok(user_data),
            http_tokens: Collected::Ok(Some("required".into())),
        }
    }

    // Practice: a detector match in user data fails with the line and redacted value; clean
    // user data and none pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let text = |secrets| ScannedText {
            size: 512,
            sha256: "e3b0".repeat(16),
            secrets,
        };
        ec2(&mut fx).launch_templates = Collected::Ok(vec![
            template("lt-0aaa", "web", Some(text(vec![]))),
            template("lt-0bbb", "bare", None),
            template(
                "lt-0ccc",
                "worker",
                Some(text(vec![secret(
                    "aws-secret-access-key",
                    "AWS secret access key",
                    7,
                    "FkM+…(40 chars)",
                )])),
            ),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}
