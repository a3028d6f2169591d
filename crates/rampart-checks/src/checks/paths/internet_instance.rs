//! `paths_internet_instance_to_privileges`: no instance the internet reaches runs as a role
//! that is, or escalates to, an administrator, or that reads data.

use super::{with_graph, Reach};
use crate::checks::ec2::instance_internet_exposed::Verdict;
use crate::checks::ec2::reachability::Network;
use crate::checks::ec2::{instance_label, over_instances};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use std::collections::{BTreeMap, HashMap};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "paths_internet_instance_to_privileges",
    title: "No instance reachable from the internet runs as a privileged role",
    service: "paths",
    severity: Severity::Critical,
    what: "Every running EC2 instance with an instance profile, joined end to end: whether \
           the internet reaches it (the reachability engine of \
           ec2_instance_internet_exposed: public address, route, network ACL, security \
           groups), which role its instance profile holds, and what that role reaches with \
           the policy engine: an administrator (it is one, or the escalation graph of \
           iam_principal_escalates_to_admin has a path from it to one), or data (s3:GetObject \
           on a bucket, kms:Decrypt with a key, ssm:GetParameter on a parameter of the \
           snapshot, secretsmanager:GetSecretValue on every secret, dynamodb:Scan on every \
           table). The finding tells the whole chain. An instance that is not reachable, or \
           whose role reaches neither, passes; an instance whose reachability or role is \
           unknown is an ERROR.",
    why: "Each link alone is a medium finding; joined, they are the shortest road from \
          anyone on the internet to the account: one exploitable service on the instance \
          gives the role's credentials from the metadata service, and with them the data or \
          the whole account.",
    fix: "Break the cheapest link: close the path from the internet (aws ec2 \
          revoke-security-group-ingress --region <REGION> --group-id <GROUP_ID> \
          --security-group-rule-ids <RULE_ID>), or give the instance a role limited to what \
          it needs (aws iam detach-role-policy --role-name <ROLE_NAME> --policy-arn \
          <POLICY_ARN>), and require IMDSv2 (aws ec2 modify-instance-metadata-options \
          --region <REGION> --instance-id <INSTANCE_ID> --http-tokens required).",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
        "https://docs.aws.amazon.com/vpc/latest/reachability/what-is-reachability-analyzer.html",
        "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
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

fn run(ctx: &Context) -> Vec<Finding> {
    let with_profile = |i: &rampart_inventory::Instance| {
        i.state == "running" && i.iam_instance_profile_arn.is_some()
    };
    // Only an account with such instances needs the graph.
    let any = ctx.regions().any(|(_, d)| {
        d.ec2
            .instances
            .ok()
            .is_some_and(|list| list.iter().any(&with_profile))
    });
    if !any {
        return over_instances(ctx, &META, with_profile, |_, _| unreachable!());
    }
    with_graph(ctx, &META, |reach| judge(ctx, reach, &with_profile))
}

fn judge(
    ctx: &Context,
    reach: &Reach,
    with_profile: &dyn Fn(&rampart_inventory::Instance) -> bool,
) -> Vec<Finding> {
    let networks: BTreeMap<&str, Network> = ctx
        .regions()
        .map(|(region, data)| (region, Network::new(&data.ec2)))
        .collect();
    let iam = &ctx.inventory.iam;
    let profiles: Option<HashMap<&str, (&str, &[String])>> = iam.instance_profiles.ok().map(|ps| {
        ps.iter()
            .map(|p| (p.arn.as_str(), (p.name.as_str(), p.roles.as_slice())))
            .collect()
    });
    let role_arn: HashMap<&str, &str> = iam
        .roles
        .ok()
        .into_iter()
        .flatten()
        .map(|r| (r.name.as_str(), r.arn.as_str()))
        .collect();
    over_instances(ctx, &META, with_profile, |region, instance| {
        let f = ctx.finding(&META, region, instance.arn.clone());
        let name = instance_label(instance);
        let exposure = match Verdict::of(instance, &networks[region].instance(instance)) {
            Verdict::Blocked(reason) => return f.pass(reason),
            Verdict::Unknown(gaps) => {
                return f.error_reason(format!(
                    "could not be evaluated: whether {name} is reachable from the internet is \
                     unknown: {gaps}"
                ))
            }
            Verdict::Exposed { reason, .. } => reason,
        };
        let profile_arn = instance
            .iam_instance_profile_arn
            .as_deref()
            .unwrap_or_default();
        let Some(profiles) = &profiles else {
            return f.error_reason(format!(
                "could not be evaluated: {exposure}, but its instance profile's role is \
                 unknown: {}",
                iam.instance_profiles
                    .get()
                    .err()
                    .map(|g| g.describe())
                    .unwrap_or_default()
            ));
        };
        let Some((profile, roles)) = profiles.get(profile_arn) else {
            return f.error_reason(format!(
                "could not be evaluated: {exposure}, but its instance profile {profile_arn} is \
                 not in the IAM data"
            ));
        };
        let mut chains = Vec::new();
        let mut conditional = true;
        for role in roles.iter() {
            let Some(arn) = role_arn.get(role.as_str()) else {
                return f.error_reason(format!(
                    "could not be evaluated: {exposure}; its instance profile {profile} holds \
                     role {role}, which is not in the IAM data"
                ));
            };
            match reach.of(arn) {
                Err(e) => return f.error_reason(format!("could not be evaluated: {e}")),
                Ok(None) => {}
                Ok(Some(r)) => {
                    conditional &= r.conditional;
                    chains.push(r.text);
                }
            }
        }
        if chains.is_empty() {
            return f.pass(format!(
                "{exposure}, but the role(s) of its instance profile {profile} reach no \
                 administrator and read no data"
            ));
        }
        let f = if conditional {
            f.severity(Severity::High)
        } else {
            f
        };
        f.fail(format!(
            "internet → {exposure} → instance profile {profile} → {}{}",
            chains.join("; "),
            if conditional {
                " (every step after the instance hangs on a condition the engine cannot \
                 decide: high rather than critical)"
            } else {
                ""
            }
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::reachability::tests::two_subnets;
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use crate::checks::iam::testing::{inline, role};
    use crate::checks::paths::testing::{placed, profile};
    use rampart_inventory::Collected;
    use serde_json::json;

    fn account(fx: &mut Fixture) {
        two_subnets(fx);
        let mut web = role("web");
        web.inline_policies = vec![inline(
            "pass",
            json!({"Statement": [{"Effect": "Allow", "Action": ["iam:PassRole",
                "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}]}),
        )];
        web.instance_profiles = vec!["web".into()];
        let mut admin = role("deploy-admin");
        admin.assume_role_policy = json!({"Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        admin.inline_policies = vec![inline(
            "all",
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )];
        let mut reader = role("reader");
        reader.inline_policies = vec![inline(
            "read",
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::logs/*"}]}),
        )];
        let plain = role("plain");
        fx.inv.iam.roles = Collected::Ok(vec![web, admin, reader, plain]);
        fx.inv.iam.instance_profiles = Collected::Ok(vec![
            profile("web", "web"),
            profile("reader", "reader"),
            profile("plain", "plain"),
        ]);
        fx.inv.s3.buckets = Collected::Ok(vec![rampart_inventory::Bucket {
            name: "logs".into(),
            arn: "arn:aws:s3:::logs".into(),
            region: "us-east-1".into(),
            policy: Collected::Ok(None),
            ..Default::default()
        }]);
    }

    // Joined path (issue 12): an exposed instance whose role escalates to an administrator
    // fails with the whole chain; one whose role reads a bucket fails naming it; an exposed
    // instance with a role that reaches nothing, and a private one, pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        account(&mut fx);
        placed(&mut fx, "i-0web", "subnet-pub", Some("3.3.3.3"), "web");
        placed(&mut fx, "i-0read", "subnet-pub", Some("3.3.3.4"), "reader");
        placed(&mut fx, "i-0plain", "subnet-pub", Some("3.3.3.5"), "plain");
        placed(&mut fx, "i-0priv", "subnet-priv", None, "web");
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // Missing IAM data or instance profiles: ERROR, never PASS.
    #[test]
    fn error() {
        let mut fx = Fixture::new();
        account(&mut fx);
        placed(&mut fx, "i-0web", "subnet-pub", Some("3.3.3.3"), "web");
        fx.inv.iam.roles = Collected::Missing(denied("iam:GetAccountAuthorizationDetails"));
        let mut findings = run_check(&CHECK, &fx.inv);
        let mut fx = Fixture::new();
        account(&mut fx);
        placed(&mut fx, "i-0web", "subnet-pub", Some("3.3.3.3"), "web");
        fx.inv.iam.instance_profiles = Collected::Missing(denied("iam:ListInstanceProfiles"));
        findings.extend(run_check(&CHECK, &fx.inv));
        insta::assert_json_snapshot!("error", findings);
    }
}
