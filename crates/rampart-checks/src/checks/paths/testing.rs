//! Fixture pieces for the joined attack path checks: a principal that reads data, and the
//! three footholds (an exposed instance, a leaked live key, a public function) that lead to
//! it, for the checks' own tests and the registry's exercised account.

use crate::checks::ec2::reachability::tests::{iface, two_subnets};
use crate::checks::ec2::testing::{ec2, instance, name};
use crate::checks::fixtures::{Fixture, ACCOUNT};
use crate::checks::iam::testing::{inline, role, user};
use rampart_inventory::*;
use serde_json::json;

/// An inline policy reading the bucket `data`, decrypting with any key and reading any
/// parameter.
pub(crate) fn reads_data() -> InlinePolicy {
    inline(
        "reads",
        json!({"Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
            {"Effect": "Allow", "Action": ["kms:Decrypt", "ssm:GetParameter"], "Resource": "*"}]}),
    )
}

/// The bucket `data`, the key `k-data` (its policy delegating to the account) and the
/// parameter `/app/db` in us-east-1.
pub(crate) fn data(fx: &mut Fixture) {
    if let Collected::Ok(list) = &mut fx.inv.s3.buckets {
        list.push(Bucket {
            name: "data".into(),
            arn: "arn:aws:s3:::data".into(),
            region: "us-east-1".into(),
            policy: Collected::Ok(None),
            public_access_block: Collected::Ok(None),
            ..Default::default()
        });
    }
    let region = fx.region("us-east-1");
    region.kms.keys = Collected::Ok(vec![KmsKey {
        id: "k-data".into(),
        arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k-data"),
        manager: "CUSTOMER".into(),
        state: "Enabled".into(),
        spec: "SYMMETRIC_DEFAULT".into(),
        origin: "AWS_KMS".into(),
        rotation_enabled: Collected::Ok(true),
        policy: Collected::Ok(Some(json!({"Statement": [{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
            "Action": "kms:*", "Resource": "*"}]}))),
        ..Default::default()
    }]);
    region.ssm.parameters = Collected::Ok(vec![SsmParameter {
        name: "/app/db".into(),
        arn: format!("arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/db"),
        kind: "SecureString".into(),
        last_modified: None,
    }]);
}

/// A running instance `id` in `subnet` (of [`two_subnets`]) with the instance profile
/// `profile`, in the groups of `two_subnets` (SSH and HTTPS open to the world).
pub(crate) fn placed(fx: &mut Fixture, id: &str, subnet: &str, ip: Option<&str>, profile: &str) {
    let eni = format!("eni-{}", id.trim_start_matches("i-"));
    let data = ec2(fx);
    let i = Instance {
        subnet_id: Some(subnet.into()),
        public_ip: ip.map(String::from),
        security_group_ids: vec!["sg-web".into()],
        network_interface_ids: vec![eni.clone()],
        tags: name(id.trim_start_matches("i-0")),
        iam_instance_profile_arn: Some(format!(
            "arn:aws:iam::{ACCOUNT}:instance-profile/{profile}"
        )),
        ..instance(id)
    };
    let e = NetworkInterface {
        instance_id: Some(id.into()),
        private_ip: i.private_ip.clone(),
        ..iface(&eni, subnet, ip)
    };
    if let Collected::Ok(list) = &mut data.instances {
        list.push(i);
    }
    if let Collected::Ok(list) = &mut data.network_interfaces {
        list.push(e);
    }
}

/// An instance profile holding `role`.
pub(crate) fn profile(name: &str, role: &str) -> InstanceProfile {
    InstanceProfile {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:instance-profile/{name}"),
        roles: vec![role.into()],
    }
}

fn push<T>(list: &mut Collected<Vec<T>>, items: impl IntoIterator<Item = T>) {
    if let Collected::Ok(l) = list {
        l.extend(items);
    }
}

/// The three footholds, each leading to the data of [`data`]: instance `i-0web` reachable
/// on SSH with role `web`; the live key of user `ci` in that instance's user data; the
/// function `api` with an unauthenticated URL and role `api-role`. Also a user `dev` who
/// escalates to the administrator user `ops` with iam:CreateAccessKey. The groups and
/// subnets of the fixture's network are added to what is there.
pub(crate) fn footholds(fx: &mut Fixture) {
    let kept: Vec<SecurityGroup> = ec2(fx).security_groups.ok().cloned().unwrap_or_default();
    two_subnets(fx);
    push(&mut ec2(fx).security_groups, kept);
    data(fx);
    let mut web = role("web");
    web.inline_policies = vec![reads_data()];
    web.instance_profiles = vec!["web".into()];
    let mut api = role("api-role");
    api.inline_policies = vec![reads_data()];
    push(&mut fx.inv.iam.roles, [web, api]);
    push(&mut fx.inv.iam.instance_profiles, [profile("web", "web")]);
    let mut ci = user("ci");
    ci.inline_policies = vec![reads_data()];
    let mut dev = user("dev");
    dev.inline_policies = vec![inline(
        "dev-inline",
        json!({"Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey",
            "Resource": format!("arn:aws:iam::{ACCOUNT}:user/ops")}]}),
    )];
    let mut ops = user("ops");
    ops.inline_policies = vec![inline(
        "all",
        json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    )];
    push(&mut fx.inv.iam.users, [ci, dev, ops]);
    placed(fx, "i-0web", "subnet-pub", Some("3.3.3.3"), "web");
    let fp = "f1".repeat(32);
    if let Collected::Ok(list) = &mut ec2(fx).instances {
        if let Some(i) = list.iter_mut().find(|i| i.id == "i-0web") {
            i.user_data = Collected::Ok(Some(ScannedText {
                size: 120,
                sha256: "ab".repeat(32),
                secrets: vec![SecretMatch {
                    detector: "aws-access-key-id".into(),
                    detector_name: "AWS access key ID".into(),
                    line: 2,
                    redacted: "AKIA************F1F1".into(),
                    fingerprint: fp.clone(),
                }],
            }));
        }
    }
    if let Collected::Ok(keys) = &mut fx.inv.iam.found_keys {
        keys.insert(
            fp,
            FoundKey {
                redacted: "AKIA************F1F1".into(),
                owner: Collected::Ok(KeyOwner::User {
                    name: "ci".into(),
                    active: Collected::Ok(true),
                }),
            },
        );
    }
    let mut f = crate::checks::lambda::testing::function("api");
    f.role = format!("arn:aws:iam::{ACCOUNT}:role/api-role");
    f.url = Collected::Ok(Some(FunctionUrl {
        url: "https://api.lambda-url.us-east-1.on.aws/".into(),
        auth_type: "NONE".into(),
    }));
    push(&mut fx.region("us-east-1").lambda.functions, [f]);
}
