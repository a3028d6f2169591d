//! Seeds an AWS Organization into a moto server for the Organization benchmark (issue 10):
//! the caller becomes the management account, MEMBERS accounts are created through
//! `CreateAccount`, and each member is seeded lightly through `OrganizationAccountAccessRole`
//! assumed in it: USERS IAM users with an access key (the first also with a console
//! password), and in each region SGS security groups with one ingress rule (the first open to
//! the world on port 22 in even-numbered members, to 10.0.0.0/8 in the others).
//! Prints the member account ids, one a line, in creation order.
//! Usage: `org-seed ENDPOINT MEMBERS [REGIONS] [USERS] [SGS]`
//! (defaults: `us-east-1,eu-west-1`, 3 users, 2 security groups per region).

use aws_config::SdkConfig;
use aws_sdk_organizations::types::OrganizationFeatureSet;
use aws_types::region::Region;
use futures::StreamExt;

/// Members created or seeded at the same time.
const CONCURRENCY: usize = 8;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: org-seed ENDPOINT MEMBERS [REGIONS] [USERS] [SGS]";
    let endpoint = args.get(1).expect(usage);
    let members: usize = args
        .get(2)
        .expect(usage)
        .parse()
        .expect("MEMBERS: a number");
    let regions: Vec<String> = args
        .get(3)
        .map_or("us-east-1,eu-west-1", String::as_str)
        .split(',')
        .map(str::to_owned)
        .collect();
    let n = |i: usize, d: usize| args.get(i).map(|v| v.parse().expect("number")).unwrap_or(d);
    let (users, sgs) = (n(4, 3), n(5, 2));
    let management = rampart_testkit::moto::sdk_config_for(endpoint, "testing", "testing").await;
    let started = std::time::Instant::now();

    let org = aws_sdk_organizations::Client::new(&management);
    org.create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("create organization");
    let mut ids: Vec<(usize, String)> = futures::stream::iter(0..members)
        .map(|i| {
            let org = org.clone();
            async move {
                let name = format!("bench-member-{i:03}");
                (i, rampart_testkit::org::create_member(&org, &name).await)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    ids.sort();
    eprintln!("{members} member accounts in {:?}", started.elapsed());

    futures::stream::iter(ids.iter())
        .for_each_concurrent(CONCURRENCY, |(i, id)| {
            let management = &management;
            let regions = &regions;
            async move {
                let cfg = rampart_testkit::org::assume(management, id).await;
                seed_member(&cfg, *i, regions, users, sgs).await;
            }
        })
        .await;
    eprintln!(
        "{members} members seeded ({users} users, {sgs} security groups in each of {} regions) in {:?}",
        regions.len(),
        started.elapsed()
    );
    for (_, id) in &ids {
        println!("{id}");
    }
}

async fn seed_member(cfg: &SdkConfig, i: usize, regions: &[String], users: usize, sgs: usize) {
    let iam = aws_sdk_iam::Client::new(cfg);
    for j in 0..users {
        let name = format!("m{i:03}-user{j}");
        iam.create_user()
            .user_name(&name)
            .send()
            .await
            .expect("create user");
        iam.create_access_key()
            .user_name(&name)
            .send()
            .await
            .expect("create key");
        if j == 0 {
            iam.create_login_profile()
                .user_name(&name)
                .password("Bench-password-123!")
                .send()
                .await
                .expect("login profile");
        }
    }
    for region in regions {
        let ec2 = aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(cfg)
                .region(Region::new(region.clone()))
                .build(),
        );
        let vpc = rampart_testkit::org::default_vpc(&ec2).await;
        for k in 0..sgs {
            let id = ec2
                .create_security_group()
                .group_name(format!("sg-m{i:03}-{k}"))
                .description("bench")
                .vpc_id(&vpc)
                .send()
                .await
                .expect("sg")
                .group_id()
                .expect("group id")
                .to_owned();
            let (port, cidr) = if k == 0 && i.is_multiple_of(2) {
                (22, "0.0.0.0/0")
            } else {
                (443, "10.0.0.0/8")
            };
            ec2.authorize_security_group_ingress()
                .group_id(&id)
                .ip_protocol("tcp")
                .from_port(port)
                .to_port(port)
                .cidr_ip(cidr)
                .send()
                .await
                .expect("rule");
        }
    }
}
