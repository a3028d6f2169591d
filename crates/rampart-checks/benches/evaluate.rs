//! Evaluation benchmark: every check over a large synthetic account (by default 24 regions,
//! 12,000 instances and network interfaces, 2,400 security groups, 1,200 RDS instances and
//! Lambda functions, 2,000 IAM users with keys, 500 buckets), so the cost of the catalogue,
//! the reachability engine included, is measured apart from collection.
//! Run with `cargo bench -p rampart-checks` (sizes: RAMPART_BENCH_REGIONS,
//! RAMPART_BENCH_INSTANCES per region).

use chrono::{Duration, TimeZone, Utc};
use rampart_checks::{evaluate, Selection, Settings};
use rampart_inventory::*;
use std::time::Instant;

const ACCOUNT: &str = "123456789012";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rule(port: i32, cidr: &str) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        ipv4_ranges: vec![cidr.into()],
        ..Default::default()
    }
}

fn region(name: &str, instances: usize) -> RegionData {
    let arn = |kind: &str, id: &str| format!("arn:aws:ec2:{name}:{ACCOUNT}:{kind}/{id}");
    let vpc = "vpc-1".to_owned();
    let subnets: Vec<Subnet> = (0..4)
        .map(|i| Subnet {
            id: format!("subnet-{i}"),
            arn: arn("subnet", &format!("subnet-{i}")),
            vpc_id: vpc.clone(),
            cidr_block: format!("10.0.{i}.0/24"),
            map_public_ip_on_launch: i < 2,
            ..Default::default()
        })
        .collect();
    let groups: Vec<SecurityGroup> = (0..100)
        .map(|i| {
            let ingress = match i % 5 {
                0 => vec![rule(22, "0.0.0.0/0")],
                1 => vec![rule(443, "0.0.0.0/0"), rule(80, "0.0.0.0/0")],
                2 => vec![rule(5432, "0.0.0.0/0")],
                3 => vec![rule(3389, "10.0.0.0/8")],
                _ => vec![rule(8080, "172.16.0.0/12")],
            };
            SecurityGroup {
                id: format!("sg-{i:04}"),
                name: if i == 0 {
                    "default".into()
                } else {
                    format!("g{i}")
                },
                arn: arn("security-group", &format!("sg-{i:04}")),
                vpc_id: vpc.clone(),
                ingress,
                ..Default::default()
            }
        })
        .collect();
    let (mut list, mut enis) = (Vec::new(), Vec::new());
    for i in 0..instances {
        let id = format!("i-{i:08x}");
        let subnet = format!("subnet-{}", i % 4);
        let public =
            (i % 4 < 2).then(|| format!("3.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256));
        let groups = vec![
            format!("sg-{:04}", i % 100),
            format!("sg-{:04}", (i * 7) % 100),
        ];
        let eni = format!("eni-{i:08x}");
        enis.push(NetworkInterface {
            id: eni.clone(),
            subnet_id: subnet.clone(),
            vpc_id: vpc.clone(),
            interface_type: "interface".into(),
            security_group_ids: groups.clone(),
            public_ip: public.clone(),
            instance_id: Some(id.clone()),
            ..Default::default()
        });
        list.push(Instance {
            arn: arn("instance", &id),
            id,
            state: "running".into(),
            image_id: format!("ami-{:04}", i % 20),
            vpc_id: Some(vpc.clone()),
            subnet_id: Some(subnet),
            public_ip: public,
            security_group_ids: groups,
            network_interface_ids: vec![eni],
            metadata: MetadataOptions {
                http_tokens: if i % 3 == 0 { "optional" } else { "required" }.into(),
                http_endpoint: "enabled".into(),
                http_put_response_hop_limit: Some(1),
            },
            user_data: Collected::Ok(None),
            ..Default::default()
        });
    }
    let open = |egress: bool| NaclEntry {
        rule_number: 100,
        egress,
        protocol: "-1".into(),
        action: "allow".into(),
        cidr_block: Some("0.0.0.0/0".into()),
        ..Default::default()
    };
    let ec2 = Ec2Data {
        vpcs: Collected::Ok(vec![Vpc {
            id: vpc.clone(),
            cidr_block: "10.0.0.0/16".into(),
            ..Default::default()
        }]),
        route_tables: Collected::Ok(vec![
            RouteTable {
                id: "rtb-public".into(),
                vpc_id: vpc.clone(),
                main: false,
                subnet_ids: vec!["subnet-0".into(), "subnet-1".into()],
                routes: vec![Route {
                    destination_cidr: Some("0.0.0.0/0".into()),
                    gateway_id: Some("igw-1".into()),
                    state: "active".into(),
                    ..Default::default()
                }],
            },
            RouteTable {
                id: "rtb-main".into(),
                vpc_id: vpc.clone(),
                main: true,
                ..Default::default()
            },
        ]),
        internet_gateways: Collected::Ok(vec![InternetGateway {
            id: "igw-1".into(),
            vpc_ids: vec![vpc.clone()],
        }]),
        nat_gateways: Collected::Ok(vec![]),
        network_acls: Collected::Ok(vec![NetworkAcl {
            id: "acl-1".into(),
            arn: arn("network-acl", "acl-1"),
            vpc_id: vpc.clone(),
            is_default: true,
            subnet_ids: subnets.iter().map(|s| s.id.clone()).collect(),
            entries: vec![open(false), open(true)],
        }]),
        subnets: Collected::Ok(subnets),
        security_groups: Collected::Ok(groups),
        network_interfaces: Collected::Ok(enis),
        instances: Collected::Ok(list),
        flow_logs: Collected::Ok(vec![]),
        ebs_encryption_by_default: Collected::Ok(false),
        images: Collected::Ok(
            (0..20)
                .map(|i| Image {
                    id: format!("ami-{i:04}"),
                    owner_id: ACCOUNT.into(),
                    creation_date: Some(Utc::now() - Duration::days(i * 10)),
                    state: "available".into(),
                    ..Default::default()
                })
                .collect(),
        ),
        launch_templates: Collected::Ok(vec![]),
        volumes: Collected::Ok(vec![]),
        vpc_peering_connections: Collected::Ok(vec![]),
        vpc_endpoints: Collected::Ok(vec![]),
        addresses: Collected::Ok(vec![]),
    };
    let rds = (0..instances / 10)
        .map(|i| DbInstance {
            id: format!("db-{i}"),
            arn: format!("arn:aws:rds:{name}:{ACCOUNT}:db:db-{i}"),
            engine: "postgres".into(),
            storage_encrypted: i % 2 == 0,
            publicly_accessible: i % 7 == 0,
            security_group_ids: vec![format!("sg-{:04}", i % 100)],
            port: Some(5432),
            ..Default::default()
        })
        .collect();
    let functions = (0..instances / 10)
        .map(|i| Function {
            name: format!("fn-{i}"),
            arn: format!("arn:aws:lambda:{name}:{ACCOUNT}:function:fn-{i}"),
            runtime: Some(
                if i % 5 == 0 {
                    "python3.8"
                } else {
                    "python3.12"
                }
                .into(),
            ),
            policy: Collected::Ok(None),
            ..Default::default()
        })
        .collect();
    RegionData {
        ec2,
        rds: RdsData {
            instances: Collected::Ok(rds),
        },
        lambda: LambdaData {
            functions: Collected::Ok(functions),
        },
        ..Default::default()
    }
}

fn inventory(regions: usize, instances: usize) -> Inventory {
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let mut inv = Inventory::new(
        Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
        },
        at,
    );
    let names = [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-north-1",
        "eu-south-1",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "sa-east-1",
        "af-south-1",
        "me-south-1",
        "ap-east-1",
        "eu-south-2",
        "il-central-1",
        "mx-central-1",
    ];
    for name in names.iter().cycle().take(regions) {
        inv.regions.scanned.push((*name).into());
        inv.regional.insert((*name).into(), region(name, instances));
    }
    let users: Vec<User> = (0..2000)
        .map(|i| User {
            name: format!("user-{i}"),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/user-{i}"),
            groups: if i % 3 == 0 {
                vec![]
            } else {
                vec!["devs".into()]
            },
            ..Default::default()
        })
        .collect();
    let rows = users
        .iter()
        .enumerate()
        .map(|(i, u)| CredentialReportRow {
            user: u.name.clone(),
            arn: u.arn.clone(),
            password_enabled: i % 2 == 0,
            mfa_active: i % 4 == 0,
            access_keys: [
                KeyReport {
                    active: true,
                    last_rotated: Some(at - Duration::days((i % 200) as i64)),
                    ..Default::default()
                },
                KeyReport::default(),
            ],
            ..Default::default()
        })
        .collect();
    inv.iam = IamData {
        account_summary: Collected::Ok(Default::default()),
        password_policy: Collected::Ok(None),
        credential_report: Collected::Ok(CredentialReport {
            generated_at: Some(at),
            rows,
        }),
        users: Collected::Ok(users),
        groups: Collected::Ok(vec![]),
        roles: Collected::Ok(vec![]),
        policies: Collected::Ok(vec![]),
        virtual_mfa_devices: Collected::Ok(vec![]),
        instance_profiles: Collected::Ok(vec![]),
        server_certificates: Collected::Ok(vec![]),
        found_keys: Collected::Ok(Default::default()),
    };
    inv.s3 = S3Data {
        account_public_access_block: Collected::Ok(None),
        buckets: Collected::Ok(
            (0..500)
                .map(|i| Bucket {
                    name: format!("bucket-{i}"),
                    arn: format!("arn:aws:s3:::bucket-{i}"),
                    region: "us-east-1".into(),
                    public_access_block: Collected::Ok(None),
                    policy: Collected::Ok(None),
                    acl_grants: Collected::Ok(vec![]),
                    versioning: Collected::Ok(BucketVersioning::default()),
                    logging_target: Collected::Ok(None),
                    default_encryption: Collected::Ok(Some("AES256".into())),
                    tags: Collected::Ok(vec![]),
                    ..Default::default()
                })
                .collect(),
        ),
    };
    inv
}

fn main() {
    let regions = env("RAMPART_BENCH_REGIONS", 24);
    let instances = env("RAMPART_BENCH_INSTANCES", 500);
    let build = Instant::now();
    let inv = inventory(regions, instances);
    let built = build.elapsed();
    let settings = Settings::default();
    let selection = Selection::default();
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..7 {
        let t = Instant::now();
        let findings = evaluate(&inv, &settings, &selection);
        times.push(t.elapsed());
        count = findings.len();
        std::hint::black_box(findings);
    }
    times.sort();
    println!(
        "evaluate: {} checks over {regions} regions x {instances} instances (inventory built in {:.0?}): \
         {count} findings; min {:.1?}, median {:.1?}, max {:.1?} over {} runs",
        rampart_checks::registry().len(),
        built,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
}
