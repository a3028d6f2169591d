//! `ec2_user_data_secrets`: instance user data holds no secrets.

use super::{instance_label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Collected;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_user_data_secrets",
    title: "EC2 instance user data holds no secrets",
    service: "ec2",
    severity: Severity::Critical,
    what: "Whether the secret detectors found credentials (access keys, private keys, \
           tokens, passwords) in each instance's user data (DescribeInstanceAttribute \
           `userData`). The snapshot keeps only the detector, the line and a redacted \
           value, never the secret.",
    why: "User data is readable by anyone allowed ec2:DescribeInstanceAttribute and by every \
          process on the instance through the metadata service, is copied into launch \
          templates and snapshots of configuration, and is never rotated. A secret there is \
          as good as published inside the account.",
    fix: "Rotate the exposed secret first, keep it in Secrets Manager or Parameter Store and \
          read it at boot, then, with the instance stopped, replace the user data: aws ec2 \
          modify-instance-attribute --region <REGION> --instance-id <INSTANCE_ID> --attribute \
          userData --value file://<USER_DATA_WITHOUT_SECRETS_BASE64_FILE>",
    references: &[
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html",
    ],
    cis: &[],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_instances(
        ctx,
        &META,
        |_| true,
        |region, instance| {
            let f = ctx.finding(&META, region, instance.arn.clone());
            let name = instance_label(instance);
            match &instance.user_data {
                Collected::Missing(gap) => f.error_reason(format!(
                    "could not be evaluated: the user data of {name} could not be read: {}",
                    gap.describe()
                )),
                Collected::Ok(None) => f.pass(format!("{name} has no user data")),
                Collected::Ok(Some(scanned)) if scanned.secrets.is_empty() => f.pass(format!(
                    "{name} has user data ({} bytes) in which no detector found a secret",
                    scanned.size
                )),
                Collected::Ok(Some(scanned)) => {
                    // Only the detector, the line and the already-redacted value: never the
                    // fingerprint or anything else about the secret.
                    let found: Vec<String> = scanned
                        .secrets
                        .iter()
                        .map(|s| format!("{} on line {} ({})", s.detector_name, s.line, s.redacted))
                        .collect();
                    f.fail(format!(
                        "{name} has {} secret(s) in its user data: {}",
                        found.len(),
                        found.join("; ")
                    ))
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, instance, name};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::{Instance, ScannedText, SecretMatch};

    fn scanned(secrets: Vec<SecretMatch>) -> Collected<Option<ScannedText>> {
        Collected::Ok(Some(ScannedText {
            size: 412,
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            secrets,
        }))
    }

    // Secrets in user data: detectors' matches fail with the redacted value only; clean user
    // data and no user data pass; unreadable user data is an ERROR.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        ec2(&mut fx).instances = Collected::Ok(vec![
            Instance {
                user_data: scanned(vec![
                    SecretMatch {
                        detector: "aws-access-key-id".into(),
                        detector_name: "AWS access key ID".into(),
                        line: 3,
                        redacted: "AKIA…(20 chars)".into(),
                        fingerprint: "a".repeat(64),
                    },
                    SecretMatch {
                        detector: "private-key".into(),
                        detector_name: "PEM private key".into(),
                        line: 9,
                        redacted: "-----BEGIN…(1704 chars)".into(),
                        fingerprint: "b".repeat(64),
                    },
                ]),
                tags: name("worker"),
                ..instance("i-0aaa")
            },
            Instance {
                user_data: scanned(vec![]),
                ..instance("i-0bbb")
            },
            instance("i-0ccc"),
            Instance {
                user_data: Collected::Missing(denied("ec2:DescribeInstanceAttribute")),
                ..instance("i-0ddd")
            },
        ]);
        let findings = run_check(&CHECK, &fx.inv);
        // The fingerprint never reaches a reason.
        assert!(findings.iter().all(|f| !f.reason.contains("aaaa")));
        insta::assert_json_snapshot!("pass_fail_error", findings);
    }
}
