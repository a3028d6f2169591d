//! `kms_key_policy_public`: no KMS key policy grants access to everyone.

use super::{customer_managed, over_keys};
use crate::checks::public_policy;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "kms_key_policy_public",
    title: "KMS key policies do not grant access to everyone",
    service: "kms",
    severity: Severity::Critical,
    what: "Whether the key policy of each customer managed key (GetKeyPolicy) has an Allow \
           statement for `Principal: \"*\"` without a condition that narrows it to known \
           accounts, organizations or calling services (kms:CallerAccount, kms:ViaService, \
           aws:PrincipalOrgID, ...).",
    why: "A key policy open to everyone lets any AWS account use the key: decrypt what it \
          protects, or, with kms:PutKeyPolicy or kms:ScheduleKeyDeletion, take it over or \
          destroy it.",
    fix: "Remove the public statements (or add a narrowing condition) and put the policy \
          back: aws kms put-key-policy --key-id <KEY_ID> --policy-name default --policy \
          file://<POLICY_JSON_FILE> --region <REGION>",
    references: &[
        "CIS AWS Foundations v7.0 2.21",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
    ],
    cis: &["2.21"],
    needs: &[Service::Kms],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    over_keys(ctx, &META, customer_managed, |f, key| {
        public_policy::finding(f, &format!("key {}", key.id), &key.policy)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::kms::testing::{aws_managed, key, kms};
    use rampart_inventory::{Collected, KmsKey};
    use serde_json::json;

    // CIS 2.21: the account-only default policy and a CallerAccount-conditioned wildcard
    // pass; an unconditioned wildcard fails; an unreadable policy is an ERROR; AWS managed
    // keys are not examined.
    #[test]
    fn pass_fail_error() {
        let mut fx = Fixture::new();
        kms(&mut fx).keys = Collected::Ok(vec![
            key("k-private"),
            KmsKey {
                policy: Collected::Ok(Some(json!({"Statement": [{"Effect": "Allow",
                    "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt"], "Resource": "*",
                    "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}}]}))),
                ..key("k-narrowed")
            },
            KmsKey {
                policy: Collected::Ok(Some(json!({"Statement": [{"Sid": "Open",
                    "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}))),
                ..key("k-open")
            },
            KmsKey {
                policy: Collected::Missing(denied("kms:GetKeyPolicy")),
                ..key("k-unread")
            },
            aws_managed("k-aws"),
        ]);
        insta::assert_json_snapshot!("pass_fail_error", run_check(&CHECK, &fx.inv));
    }
}
