//! `s3_bucket_acl_public`: no bucket ACL grants access to everyone or to every AWS user.

use super::{effective, over_buckets, Setting};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "s3_bucket_acl_public",
    title: "S3 bucket ACLs do not grant access to everyone",
    service: "s3",
    severity: Severity::High,
    what: "Whether a bucket's ACL (GetBucketAcl) has a grant to the AllUsers group (anyone) \
           or the AuthenticatedUsers group (anyone with an AWS account). When \
           IgnorePublicAcls is on for the bucket or the account, S3 ignores such grants and \
           the finding is lowered to low.",
    why: "A public ACL grant lets anyone list the bucket (READ), write to it (WRITE) or \
          change its permissions (WRITE_ACP), with no credentials of this account.",
    fix: "aws s3api put-bucket-acl --bucket <BUCKET> --acl private",
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html",
    ],
    cis: &[],
    needs: &[Service::S3],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = &ctx.inventory.s3.account_public_access_block;
    over_buckets(ctx, &META, |f, bucket| {
        let name = format!("bucket {}", bucket.name);
        let grants = match bucket.acl_grants.get() {
            Ok(g) => g,
            Err(gap) => return f.error(gap),
        };
        let public: Vec<String> = grants
            .iter()
            .filter(|g| g.is_public())
            .map(|g| {
                let uri = g.grantee_uri.as_deref().unwrap_or_default();
                let group = uri.rsplit('/').next().unwrap_or(uri);
                format!("{} to {group}", g.permission)
            })
            .collect();
        if public.is_empty() {
            return f.pass(format!(
                "{name} has no ACL grant to AllUsers or AuthenticatedUsers"
            ));
        }
        let reason = format!("{name} has a public ACL: {}", public.join(", "));
        match effective(&bucket.public_access_block, account, |b| {
            b.ignore_public_acls
        }) {
            Setting::On(level) => f.severity(Severity::Low).fail(format!(
                "{reason} (ignored while IgnorePublicAcls is on at the {level} level)"
            )),
            Setting::Off => f.fail(format!(
                "{reason} (IgnorePublicAcls is off at the bucket and the account level)"
            )),
            Setting::Unknown(_, gap) => f.fail(format!(
                "{reason} (whether IgnorePublicAcls applies is unknown: {})",
                gap.describe()
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::s3::testing::{bucket, set_account_block, set_buckets, ALL_OFF};
    use rampart_inventory::{AclGrant, Bucket, Collected, PublicAccessBlock};

    fn public_acl(name: &str) -> Bucket {
        let mut b = bucket(name);
        b.public_access_block = Collected::Ok(None);
        if let Collected::Ok(grants) = &mut b.acl_grants {
            grants.push(AclGrant {
                grantee_uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
                grantee_id: None,
                permission: "READ".into(),
            });
            grants.push(AclGrant {
                grantee_uri: Some(
                    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers".into(),
                ),
                grantee_id: None,
                permission: "WRITE".into(),
            });
        }
        b
    }

    // Practice: grants to AllUsers/AuthenticatedUsers fail high; lowered to low when the
    // bucket ignores public ACLs; owner-only ACLs pass; unreadable ACLs are an ERROR.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        set_account_block(&mut fx, None);
        set_buckets(
            &mut fx,
            vec![
                bucket("private"),
                public_acl("open"),
                Bucket {
                    public_access_block: Collected::Ok(Some(PublicAccessBlock {
                        ignore_public_acls: true,
                        ..ALL_OFF
                    })),
                    ..public_acl("ignored")
                },
                Bucket {
                    acl_grants: Collected::Missing(denied("s3:GetBucketAcl")),
                    ..bucket("unread")
                },
            ],
        );
        insta::assert_json_snapshot!("pass_fail_error", run_check(&CHECK, &fx.inv));
    }
}
