//! Seeds a large account into a moto server for the collection benchmark: IAM users with
//! access keys, security groups with rules, instances with user data, spread over three
//! regions unless a comma-separated list of regions is given.
//! Usage: `bench-seed ENDPOINT [USERS] [SECURITY_GROUPS] [INSTANCES] [REGIONS]`.

use aws_types::region::Region;
use base64::Engine as _;
use futures::StreamExt;

const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let endpoint = args
        .get(1)
        .expect("usage: bench-seed ENDPOINT [USERS] [SGS] [INSTANCES] [REGIONS]");
    let n = |i: usize, d: usize| args.get(i).map(|v| v.parse().expect("number")).unwrap_or(d);
    let (users, sgs, instances) = (n(2, 1000), n(3, 2000), n(4, 500));
    let regions: Vec<String> = match args.get(5) {
        Some(list) => list.split(',').map(str::to_owned).collect(),
        None => REGIONS.iter().map(|r| (*r).to_owned()).collect(),
    };
    let cfg = rampart_testkit::moto::sdk_config_for(endpoint, "testing", "testing").await;
    let started = std::time::Instant::now();
    let iam = aws_sdk_iam::Client::new(&cfg);
    futures::stream::iter(0..users)
        .for_each_concurrent(16, |i| {
            let iam = iam.clone();
            async move {
                let name = format!("user-{i:05}");
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
                if i % 3 == 0 {
                    iam.create_login_profile()
                        .user_name(&name)
                        .password("Bench-password-123!")
                        .send()
                        .await
                        .expect("login profile");
                }
            }
        })
        .await;
    eprintln!("{users} users with keys in {:?}", started.elapsed());
    for (ri, region) in regions.iter().enumerate() {
        let ec2 = aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(&cfg)
                .region(Region::new(region.clone()))
                .build(),
        );
        let vpc = rampart_testkit::org::default_vpc(&ec2).await;
        let per_region = sgs / regions.len() + usize::from(ri < sgs % regions.len());
        let group_ids: Vec<String> = futures::stream::iter(0..per_region)
            .map(|i| {
                let ec2 = ec2.clone();
                let vpc = vpc.clone();
                async move {
                    let id = ec2
                        .create_security_group()
                        .group_name(format!("sg-bench-{i:05}"))
                        .description("bench")
                        .vpc_id(&vpc)
                        .send()
                        .await
                        .expect("sg")
                        .group_id()
                        .unwrap()
                        .to_owned();
                    let port = [22, 443, 5432, 3389][i % 4];
                    let cidr = if i % 2 == 0 {
                        "0.0.0.0/0"
                    } else {
                        "10.0.0.0/8"
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
                    id
                }
            })
            .buffer_unordered(16)
            .collect()
            .await;
        let image = ec2
            .describe_images()
            .owners("amazon")
            .send()
            .await
            .expect("images")
            .images()
            .first()
            .and_then(|i| i.image_id())
            .expect("an AMI")
            .to_owned();
        let per_region_i = instances / regions.len() + usize::from(ri < instances % regions.len());
        let user_data = base64::engine::general_purpose::STANDARD
            .encode("#!/bin/bash\nyum -y install httpd\nsystemctl enable --now httpd\n");
        let mut left = per_region_i;
        let mut batch = 0;
        while left > 0 {
            let count = left.min(50) as i32;
            ec2.run_instances()
                .image_id(&image)
                .min_count(count)
                .max_count(count)
                .security_group_ids(&group_ids[batch % group_ids.len().max(1)])
                .user_data(&user_data)
                .send()
                .await
                .expect("run instances");
            left -= count as usize;
            batch += 1;
        }
        eprintln!(
            "{region}: {per_region} security groups, {per_region_i} instances ({:?})",
            started.elapsed()
        );
    }
}
