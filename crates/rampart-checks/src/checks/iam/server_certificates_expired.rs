//! `iam_server_certificates_expired`: no expired TLS certificate is stored in IAM.

use super::days;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "iam_server_certificates_expired",
    title: "No expired TLS certificates are stored in IAM",
    service: "iam",
    severity: Severity::Medium,
    what: "Every server certificate stored in IAM (ListServerCertificates): whether its \
           expiration date is before the moment the snapshot was collected.",
    why: "An expired certificate left in IAM can be deployed by mistake to a load balancer or \
          CloudFront distribution, which then serves a certificate browsers reject, or \
          silently keeps a service on a stale key. Removing expired certificates removes the \
          chance.",
    fix: "aws iam delete-server-certificate --server-certificate-name <CERTIFICATE_NAME> \
          (first confirm nothing uses it; prefer AWS Certificate Manager, which renews \
          certificates itself)",
    references: &[
        "CIS AWS Foundations v7.0 2.17",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html",
    ],
    cis: &["2.17"],
    needs: &[Service::Iam],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = ctx.account_arn();
    ctx.over(
        &META,
        "global",
        &account,
        &ctx.inventory.iam.server_certificates,
        |cert| {
            let f = ctx.finding(&META, "global", &cert.arn);
            let name = &cert.name;
            match cert.expiration {
                None => f.error_reason(format!(
                    "could not be evaluated: IAM reported no expiration date for server \
                     certificate {name}"
                )),
                Some(t) if t <= ctx.now() => f.fail(format!(
                    "server certificate {name} expired on {} ({} ago)",
                    t.format("%Y-%m-%d"),
                    days(ctx.days_since(t))
                )),
                Some(t) => f.pass(format!(
                    "server certificate {name} is valid until {}",
                    t.format("%Y-%m-%d")
                )),
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{collected_at, days_ago, denied, run_check, Fixture, ACCOUNT};
    use chrono::Duration;
    use rampart_inventory::{Collected, ServerCertificate};

    fn cert(name: &str, expiration: Option<chrono::DateTime<chrono::Utc>>) -> ServerCertificate {
        ServerCertificate {
            name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:server-certificate/{name}"),
            expiration,
            upload_date: days_ago(500),
        }
    }

    // CIS 2.17: a certificate valid at collection time passes.
    #[test]
    fn pass() {
        let mut fx = Fixture::new();
        fx.inv.iam.server_certificates =
            Collected::Ok(vec![cert("www", Some(collected_at() + Duration::days(30)))]);
        insta::assert_json_snapshot!("pass", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.17: a certificate past its expiration fails, naming the date.
    #[test]
    fn fail() {
        let mut fx = Fixture::new();
        fx.inv.iam.server_certificates = Collected::Ok(vec![
            cert("old", days_ago(40)),
            cert("www", Some(collected_at() + Duration::days(30))),
        ]);
        insta::assert_json_snapshot!("fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 2.17: an unread list, or a certificate without an expiration date, is an ERROR.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        fx.inv.iam.server_certificates = Collected::Missing(denied("iam:ListServerCertificates"));
        insta::assert_json_snapshot!("error", run_check(&CHECK, &fx.inv));

        fx.inv.iam.server_certificates = Collected::Ok(vec![cert("odd", None)]);
        insta::assert_json_snapshot!("error_no_expiration", run_check(&CHECK, &fx.inv));
    }
}
