//! The policy engine's escalation scenario (`rampart_policy::scenario`), built in moto
//! through the SDK: customer managed policies, groups, users and roles with their inline
//! and attached policies, permissions boundaries and instance profiles, so that the
//! end-to-end tests of `rampart paths` and of the escalation checks read it back through
//! the real collectors.

use crate::scenario::HOME;
use aws_config::SdkConfig;
use rampart_policy::scenario::Scenario;

/// Create every policy, group, user and role of `s` in account `account` (the one the
/// scenario was parsed for).
pub async fn build(cfg: &SdkConfig, account: &str, s: &Scenario) {
    let iam = client!(aws_sdk_iam, cfg, HOME);
    let policy_arn = |name: &str| format!("arn:aws:iam::{account}:policy/{name}");
    for (name, document) in &s.policies {
        iam.create_policy()
            .policy_name(name)
            .policy_document(document.to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("policy {name}: {e:?}"));
    }
    for g in &s.groups {
        iam.create_group().group_name(&g.name).send().await.unwrap();
        for (name, document) in &g.inline {
            iam.put_group_policy()
                .group_name(&g.name)
                .policy_name(name)
                .policy_document(document.to_string())
                .send()
                .await
                .unwrap();
        }
        for p in &g.attached {
            iam.attach_group_policy()
                .group_name(&g.name)
                .policy_arn(policy_arn(p))
                .send()
                .await
                .unwrap();
        }
    }
    for u in &s.users {
        let mut create = iam.create_user().user_name(&u.name);
        if let Some(b) = &u.boundary {
            create = create.permissions_boundary(policy_arn(b));
        }
        create
            .send()
            .await
            .unwrap_or_else(|e| panic!("user {}: {e:?}", u.name));
        for g in &u.groups {
            iam.add_user_to_group()
                .user_name(&u.name)
                .group_name(g)
                .send()
                .await
                .unwrap();
        }
        for (name, document) in &u.inline {
            iam.put_user_policy()
                .user_name(&u.name)
                .policy_name(name)
                .policy_document(document.to_string())
                .send()
                .await
                .unwrap();
        }
        for p in &u.attached {
            iam.attach_user_policy()
                .user_name(&u.name)
                .policy_arn(policy_arn(p))
                .send()
                .await
                .unwrap();
        }
    }
    for r in &s.roles {
        let mut create = iam
            .create_role()
            .role_name(&r.name)
            .assume_role_policy_document(r.trust.to_string());
        if let Some(b) = &r.boundary {
            create = create.permissions_boundary(policy_arn(b));
        }
        create
            .send()
            .await
            .unwrap_or_else(|e| panic!("role {}: {e:?}", r.name));
        for (name, document) in &r.inline {
            iam.put_role_policy()
                .role_name(&r.name)
                .policy_name(name)
                .policy_document(document.to_string())
                .send()
                .await
                .unwrap();
        }
        for p in &r.attached {
            iam.attach_role_policy()
                .role_name(&r.name)
                .policy_arn(policy_arn(p))
                .send()
                .await
                .unwrap();
        }
        if let Some(profile) = &r.instance_profile {
            iam.create_instance_profile()
                .instance_profile_name(profile)
                .send()
                .await
                .unwrap();
            iam.add_role_to_instance_profile()
                .instance_profile_name(profile)
                .role_name(&r.name)
                .send()
                .await
                .unwrap();
        }
    }
}

/// An instance the internet reaches: in a new VPC's public subnet (public IPs, a route to
/// an internet gateway), SSH open to the world, holding instance profile `profile`;
/// returns its id. The first hop of the joined attack path *internet → instance → role*.
pub async fn exposed_instance(cfg: &SdkConfig, profile: &str) -> String {
    use aws_sdk_ec2::types::*;
    let c = client!(aws_sdk_ec2, cfg, HOME);
    let vpc = c
        .create_vpc()
        .cidr_block("10.8.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_owned();
    let subnet = c
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.8.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap()
        .subnet()
        .unwrap()
        .subnet_id()
        .unwrap()
        .to_owned();
    c.modify_subnet_attribute()
        .subnet_id(&subnet)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap();
    let igw = crate::scenario::internet_gateway(&c, &vpc).await;
    let table = c
        .create_route_table()
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .route_table()
        .unwrap()
        .route_table_id()
        .unwrap()
        .to_owned();
    c.create_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    c.associate_route_table()
        .route_table_id(&table)
        .subnet_id(&subnet)
        .send()
        .await
        .unwrap();
    let sg = crate::scenario::sg(
        &c,
        &vpc,
        "ssh-world",
        vec![crate::scenario::perm("tcp", 22, 22, &["0.0.0.0/0"], &[])],
    )
    .await;
    c.run_instances()
        .image_id("ami-12c6146b")
        .min_count(1)
        .max_count(1)
        .subnet_id(&subnet)
        .security_group_ids(&sg)
        .iam_instance_profile(
            IamInstanceProfileSpecification::builder()
                .name(profile)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned()
}
