//! A synthetic account of any size, built in memory, for benchmarks: the evaluation
//! benchmark of `rampart-checks` and the store's benchmarks. [`account`] builds about as
//! many resources as asked for, always the same ones; [`drift`] changes a fraction of them
//! the way an account changes from one day to the next. Behind the `synthetic` feature.
//!
//! A resource is an element of any of the inventory's collections (a security group, an
//! instance, a network interface, a volume, a user, a role, a bucket, ...), as
//! [`resource_count`] counts them.

use crate::*;
use chrono::{Duration, TimeZone, Utc};
use std::collections::HashSet;

/// The synthetic account's id.
pub const ACCOUNT_ID: &str = "123456789012";

/// Regions, in the order they are used.
const REGION_NAMES: [&str; 24] = [
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

/// Resources every region has whatever its size: a VPC, four subnets, two route tables,
/// an internet gateway, a network ACL and [`IMAGES`] images.
pub const FIXED_PER_REGION: usize = 9 + IMAGES;

/// Images (AMIs) per region; instance `i` runs image `i % IMAGES`.
const IMAGES: usize = 20;

const INSTANCE_TYPES: [&str; 5] = [
    "t3.micro",
    "t3.large",
    "m6i.xlarge",
    "c7g.2xlarge",
    "r6i.large",
];
const RUNTIMES: [&str; 4] = ["python3.8", "python3.12", "nodejs20.x", "java21"];

/// How many resources of each kind the synthetic account has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Regions (24 at most: there are 24 names).
    pub regions: usize,
    /// EC2 instances per region, each with one network interface.
    pub instances_per_region: usize,
    /// Security groups per region (at least 1 when there are instances).
    pub security_groups_per_region: usize,
    /// EBS volumes per region; volume `j` is attached to instance `j` when there is one.
    pub volumes_per_region: usize,
    /// RDS DB instances per region.
    pub databases_per_region: usize,
    /// Lambda functions per region.
    pub functions_per_region: usize,
    /// IAM users, each with a row in the credential report.
    pub users: usize,
    /// IAM roles.
    pub roles: usize,
    /// S3 buckets.
    pub buckets: usize,
    /// Instances carry `Name` and `env` tags (the benchmark's do not: a tagged resource is
    /// one more finding of the tag secrets check).
    pub tagged_instances: bool,
}

impl Shape {
    /// The evaluation benchmark's account: `instances` instances and interfaces per region,
    /// 100 security groups, a tenth as many RDS instances and Lambda functions, no volumes;
    /// 2,000 IAM users with keys, no roles, 500 buckets.
    pub fn bench(regions: usize, instances: usize) -> Shape {
        Shape {
            regions,
            instances_per_region: instances,
            security_groups_per_region: 100,
            volumes_per_region: 0,
            databases_per_region: instances / 10,
            functions_per_region: instances / 10,
            users: 2000,
            roles: 0,
            buckets: 500,
            tagged_instances: false,
        }
    }

    /// A shape of `resources` resources in all (exactly, from about 100 up; below that the
    /// fixed network of one region, [`FIXED_PER_REGION`], is the least there is): one region
    /// per 5,000 resources up to 24, 85% of the rest in the regions (a tenth security
    /// groups; instances, their interfaces and volumes; a tenth as many RDS instances and
    /// functions as instances), 3% roles, 2% buckets, and users for what remains.
    pub fn for_resources(resources: usize) -> Shape {
        let regions = (resources / 5000).clamp(1, 24);
        let budget = resources.saturating_sub(regions * FIXED_PER_REGION);
        let per_region = budget * 85 / 100 / regions;
        let groups = per_region / 10;
        // Instances, interfaces and volumes, plus a tenth each of databases and functions.
        let instances = (per_region - groups) * 10 / 32;
        let mut shape = Shape {
            regions,
            instances_per_region: instances,
            security_groups_per_region: groups.max(usize::from(instances > 0)),
            volumes_per_region: instances,
            databases_per_region: instances / 10,
            functions_per_region: instances / 10,
            users: 0,
            roles: budget * 3 / 100,
            buckets: budget * 2 / 100,
            tagged_instances: true,
        };
        shape.users = resources.saturating_sub(shape.resources());
        shape
    }

    /// The number of resources [`build`] makes for this shape.
    pub fn resources(&self) -> usize {
        let region = FIXED_PER_REGION
            + self.security_groups_per_region
            + 2 * self.instances_per_region
            + self.volumes_per_region
            + self.databases_per_region
            + self.functions_per_region;
        self.regions.min(REGION_NAMES.len()) * region + self.users + self.roles + self.buckets
    }
}

/// When the synthetic account is collected (day 0 of [`drift`]): 2026-11-01 00:00 UTC.
pub fn collected_at(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap() + Duration::days(i64::from(day))
}

/// An account of about `resources` resources in all ([`Shape::for_resources`]); the same
/// inventory for the same number.
pub fn account(resources: usize) -> Inventory {
    build(&Shape::for_resources(resources))
}

/// The account of the given shape; the same inventory for the same shape.
pub fn build(shape: &Shape) -> Inventory {
    let at = collected_at(0);
    let mut inv = Inventory::new(
        Account {
            id: ACCOUNT_ID.into(),
            partition: "aws".into(),
            caller_arn: format!("arn:aws:iam::{ACCOUNT_ID}:user/auditor"),
        },
        at,
    );
    for (r, name) in REGION_NAMES.iter().take(shape.regions).enumerate() {
        inv.regions.scanned.push((*name).into());
        inv.regional.insert((*name).into(), region(r, name, shape));
    }
    inv.regions.scanned.sort();
    let users: Vec<User> = (0..shape.users).map(user).collect();
    let rows = users
        .iter()
        .enumerate()
        .map(|(i, u)| report_row(i, u, at))
        .collect();
    let last_accessed_by_arn = users
        .iter()
        .map(|u| (u.arn.clone(), Collected::Ok(last_accessed(at, &u.arn))))
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
        roles: Collected::Ok(
            (0..shape.roles)
                .map(|i| role(&format!("role-{i}"), i))
                .collect(),
        ),
        policies: Collected::Ok(vec![]),
        virtual_mfa_devices: Collected::Ok(vec![]),
        instance_profiles: Collected::Ok(vec![]),
        server_certificates: Collected::Ok(vec![]),
        found_keys: Collected::Ok(Default::default()),
        service_last_accessed: Collected::Ok(last_accessed_by_arn),
    };
    inv.s3 = S3Data {
        account_public_access_block: Collected::Ok(None),
        buckets: Collected::Ok(
            (0..shape.buckets)
                .map(|i| bucket(&format!("bucket-{i}")))
                .collect(),
        ),
    };
    inv
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

fn ec2_arn(region: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT_ID}:{kind}/{id}")
}

/// Ids are unique in the account: they carry the region's number.
fn ec2_id(prefix: &str, r: usize, i: usize) -> String {
    format!("{prefix}-{r:02x}{i:06x}")
}

fn security_group(r: usize, region: &str, i: usize, id: String) -> SecurityGroup {
    let ingress = match i % 5 {
        0 => vec![rule(22, "0.0.0.0/0")],
        1 => vec![rule(443, "0.0.0.0/0"), rule(80, "0.0.0.0/0")],
        2 => vec![rule(5432, "0.0.0.0/0")],
        3 => vec![rule(3389, "10.0.0.0/8")],
        _ => vec![rule(8080, "172.16.0.0/12")],
    };
    SecurityGroup {
        arn: ec2_arn(region, "security-group", &id),
        id,
        name: if i == 0 {
            "default".into()
        } else {
            format!("g{i}")
        },
        vpc_id: ec2_id("vpc", r, 0),
        ingress,
        ..Default::default()
    }
}

/// Instance `i` of region `r` and its network interface.
fn instance(
    r: usize,
    region: &str,
    i: usize,
    id: String,
    groups: &[String],
    tagged: bool,
) -> (Instance, NetworkInterface) {
    let vpc = ec2_id("vpc", r, 0);
    let subnet = ec2_id("subnet", r, i % 4);
    let public =
        (i % 4 < 2).then(|| format!("3.{}.{}.{}", (i / 65536) % 256, (i / 256) % 256, i % 256));
    let groups: Vec<String> = match groups.len() {
        0 => vec![],
        n => vec![groups[i % n].clone(), groups[(i * 7) % n].clone()],
    };
    let eni = format!("eni-{}", &id[2..]);
    let interface = NetworkInterface {
        id: eni.clone(),
        subnet_id: subnet.clone(),
        vpc_id: vpc.clone(),
        interface_type: "interface".into(),
        security_group_ids: groups.clone(),
        public_ip: public.clone(),
        instance_id: Some(id.clone()),
        ..Default::default()
    };
    let instance = Instance {
        arn: ec2_arn(region, "instance", &id),
        id,
        state: "running".into(),
        instance_type: INSTANCE_TYPES[i % INSTANCE_TYPES.len()].into(),
        image_id: ec2_id("ami", r, i % IMAGES),
        vpc_id: Some(vpc),
        subnet_id: Some(subnet),
        public_ip: public,
        security_group_ids: groups,
        network_interface_ids: vec![eni],
        metadata: MetadataOptions {
            http_tokens: if i.is_multiple_of(3) {
                "optional"
            } else {
                "required"
            }
            .into(),
            http_endpoint: "enabled".into(),
            http_put_response_hop_limit: Some(1),
        },
        user_data: Collected::Ok(None),
        tags: if tagged {
            vec![
                Tag::new("Name", format!("web-{i}")),
                Tag::new("env", if i.is_multiple_of(2) { "prod" } else { "dev" }),
            ]
        } else {
            vec![]
        },
        ..Default::default()
    };
    (instance, interface)
}

fn volume(id: String, i: usize, attached_to: Option<String>) -> Volume {
    Volume {
        id,
        encrypted: !i.is_multiple_of(3),
        state: if attached_to.is_some() {
            "in-use"
        } else {
            "available"
        }
        .into(),
        size_gib: 8 << (i % 4),
        instance_ids: attached_to.into_iter().collect(),
        tags: vec![],
    }
}

fn database(region: &str, i: usize, id: String, groups: &[String]) -> DbInstance {
    DbInstance {
        arn: format!("arn:aws:rds:{region}:{ACCOUNT_ID}:db:{id}"),
        id,
        engine: "postgres".into(),
        storage_encrypted: i.is_multiple_of(2),
        publicly_accessible: i.is_multiple_of(7),
        security_group_ids: groups
            .get(i % groups.len().max(1))
            .cloned()
            .into_iter()
            .collect(),
        port: Some(5432),
        ..Default::default()
    }
}

fn function(region: &str, i: usize, name: String) -> Function {
    Function {
        arn: format!("arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"),
        name,
        runtime: Some(
            if i.is_multiple_of(5) {
                "python3.8"
            } else {
                "python3.12"
            }
            .into(),
        ),
        policy: Collected::Ok(None),
        ..Default::default()
    }
}

fn region(r: usize, name: &str, shape: &Shape) -> RegionData {
    let vpc = ec2_id("vpc", r, 0);
    let subnets: Vec<Subnet> = (0..4)
        .map(|i| {
            let id = ec2_id("subnet", r, i);
            Subnet {
                arn: ec2_arn(name, "subnet", &id),
                id,
                vpc_id: vpc.clone(),
                cidr_block: format!("10.0.{i}.0/24"),
                map_public_ip_on_launch: i < 2,
                ..Default::default()
            }
        })
        .collect();
    let security_groups: Vec<SecurityGroup> = (0..shape.security_groups_per_region)
        .map(|i| security_group(r, name, i, ec2_id("sg", r, i)))
        .collect();
    let groups: Vec<String> = security_groups.iter().map(|g| g.id.clone()).collect();
    let (instances, interfaces): (Vec<_>, Vec<_>) = (0..shape.instances_per_region)
        .map(|i| {
            instance(
                r,
                name,
                i,
                ec2_id("i", r, i),
                &groups,
                shape.tagged_instances,
            )
        })
        .unzip();
    let volumes = (0..shape.volumes_per_region)
        .map(|j| {
            let attached = instances.get(j).map(|i: &Instance| i.id.clone());
            volume(ec2_id("vol", r, j), j, attached)
        })
        .collect();
    let open = |egress: bool| NaclEntry {
        rule_number: 100,
        egress,
        protocol: "-1".into(),
        action: "allow".into(),
        cidr_block: Some("0.0.0.0/0".into()),
        ..Default::default()
    };
    let (igw, acl) = (ec2_id("igw", r, 0), ec2_id("acl", r, 0));
    let at = collected_at(0);
    let ec2 = Ec2Data {
        vpcs: Collected::Ok(vec![Vpc {
            id: vpc.clone(),
            cidr_block: "10.0.0.0/16".into(),
            ..Default::default()
        }]),
        route_tables: Collected::Ok(vec![
            RouteTable {
                id: ec2_id("rtb", r, 0),
                vpc_id: vpc.clone(),
                main: false,
                subnet_ids: subnets[..2].iter().map(|s| s.id.clone()).collect(),
                routes: vec![Route {
                    destination_cidr: Some("0.0.0.0/0".into()),
                    gateway_id: Some(igw.clone()),
                    state: "active".into(),
                    ..Default::default()
                }],
            },
            RouteTable {
                id: ec2_id("rtb", r, 1),
                vpc_id: vpc.clone(),
                main: true,
                ..Default::default()
            },
        ]),
        internet_gateways: Collected::Ok(vec![InternetGateway {
            id: igw,
            vpc_ids: vec![vpc.clone()],
        }]),
        nat_gateways: Collected::Ok(vec![]),
        network_acls: Collected::Ok(vec![NetworkAcl {
            arn: ec2_arn(name, "network-acl", &acl),
            id: acl,
            vpc_id: vpc.clone(),
            is_default: true,
            subnet_ids: subnets.iter().map(|s| s.id.clone()).collect(),
            entries: vec![open(false), open(true)],
        }]),
        subnets: Collected::Ok(subnets),
        security_groups: Collected::Ok(security_groups),
        network_interfaces: Collected::Ok(interfaces),
        instances: Collected::Ok(instances),
        flow_logs: Collected::Ok(vec![]),
        ebs_encryption_by_default: Collected::Ok(false),
        images: Collected::Ok(
            (0..IMAGES)
                .map(|i| Image {
                    id: ec2_id("ami", r, i),
                    owner_id: ACCOUNT_ID.into(),
                    creation_date: Some(at - Duration::days(i as i64 * 10)),
                    state: "available".into(),
                    ..Default::default()
                })
                .collect(),
        ),
        launch_templates: Collected::Ok(vec![]),
        volumes: Collected::Ok(volumes),
        vpc_peering_connections: Collected::Ok(vec![]),
        vpc_endpoints: Collected::Ok(vec![]),
        addresses: Collected::Ok(vec![]),
    };
    let databases = (0..shape.databases_per_region)
        .map(|i| database(name, i, format!("db-{i}"), &groups))
        .collect();
    let functions = (0..shape.functions_per_region)
        .map(|i| function(name, i, format!("fn-{i}")))
        .collect();
    RegionData {
        ec2,
        rds: RdsData {
            instances: Collected::Ok(databases),
        },
        lambda: LambdaData {
            functions: Collected::Ok(functions),
        },
        ..Default::default()
    }
}

fn user(i: usize) -> User {
    user_named(format!("user-{i}"), i)
}

fn user_named(name: String, i: usize) -> User {
    User {
        arn: format!("arn:aws:iam::{ACCOUNT_ID}:user/{name}"),
        name,
        groups: if i.is_multiple_of(3) {
            vec![]
        } else {
            vec!["devs".into()]
        },
        ..Default::default()
    }
}

/// Access Advisor's report for a user: S3 used five days before `at` (GetObject, not
/// PutObject), DynamoDB granted and never used.
fn last_accessed(at: chrono::DateTime<Utc>, arn: &str) -> ServiceLastAccessed {
    let used = at - Duration::days(5);
    ServiceLastAccessed {
        job_completion_date: Some(at),
        services: vec![
            ServiceAccess {
                namespace: "dynamodb".into(),
                name: "Amazon DynamoDB".into(),
                ..ServiceAccess::default()
            },
            ServiceAccess {
                namespace: "s3".into(),
                name: "Amazon S3".into(),
                last_authenticated: Some(used),
                last_authenticated_entity: Some(arn.to_owned()),
                last_authenticated_region: Some("us-east-1".into()),
                tracked_actions: vec![
                    TrackedAction {
                        action: "GetObject".into(),
                        last_accessed: Some(used),
                    },
                    TrackedAction {
                        action: "PutObject".into(),
                        last_accessed: None,
                    },
                ],
            },
        ],
    }
}

fn report_row(i: usize, user: &User, at: chrono::DateTime<Utc>) -> CredentialReportRow {
    CredentialReportRow {
        user: user.name.clone(),
        arn: user.arn.clone(),
        password_enabled: i.is_multiple_of(2),
        mfa_active: i.is_multiple_of(4),
        access_keys: [
            KeyReport {
                active: true,
                last_rotated: Some(at - Duration::days((i % 200) as i64)),
                ..Default::default()
            },
            KeyReport::default(),
        ],
        ..Default::default()
    }
}

fn role(name: &str, i: usize) -> Role {
    let service = ["ec2", "lambda", "ecs-tasks"][i % 3];
    Role {
        arn: format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}"),
        name: name.into(),
        path: "/".into(),
        assume_role_policy: serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": format!("{service}.amazonaws.com")},
                "Action": "sts:AssumeRole"
            }]
        }),
        ..Default::default()
    }
}

fn bucket(name: &str) -> Bucket {
    Bucket {
        arn: format!("arn:aws:s3:::{name}"),
        name: name.into(),
        region: "us-east-1".into(),
        public_access_block: Collected::Ok(None),
        policy: Collected::Ok(None),
        acl_grants: Collected::Ok(vec![]),
        versioning: Collected::Ok(BucketVersioning::default()),
        logging_target: Collected::Ok(None),
        default_encryption: Collected::Ok(Some("AES256".into())),
        tags: Collected::Ok(vec![]),
        ..Default::default()
    }
}

/// The resources in `inv`: the elements of every collection of the inventory, account-wide
/// and in every region (the credential report's rows are a report, not resources; nor are
/// Organizations' feature names).
pub fn resource_count(inv: &Inventory) -> usize {
    fn n<T>(c: &Collected<Vec<T>>) -> usize {
        c.ok().map_or(0, Vec::len)
    }
    let iam = &inv.iam;
    let org = &inv.organizations;
    let global = n(&iam.users)
        + n(&iam.groups)
        + n(&iam.roles)
        + n(&iam.policies)
        + n(&iam.virtual_mfa_devices)
        + n(&iam.instance_profiles)
        + n(&iam.server_certificates)
        + n(&inv.s3.buckets)
        + n(&inv.budgets.budgets)
        + n(&org.service_control_policies)
        + n(&org.delegated_administrators);
    let regional: usize = inv
        .regional
        .values()
        .map(|r| {
            let e = &r.ec2;
            n(&e.vpcs)
                + n(&e.subnets)
                + n(&e.route_tables)
                + n(&e.internet_gateways)
                + n(&e.nat_gateways)
                + n(&e.security_groups)
                + n(&e.network_acls)
                + n(&e.network_interfaces)
                + n(&e.instances)
                + n(&e.flow_logs)
                + n(&e.images)
                + n(&e.launch_templates)
                + n(&e.volumes)
                + n(&e.vpc_peering_connections)
                + n(&e.vpc_endpoints)
                + n(&e.addresses)
                + n(&r.guardduty.detectors)
                + n(&r.eventbridge.rules)
                + n(&r.cloudtrail.trails)
                + n(&r.config.recorders)
                + n(&r.rds.instances)
                + n(&r.efs.file_systems)
                + n(&r.kms.keys)
                + n(&r.cloudwatch.alarms)
                + n(&r.logs.metric_filters)
                + n(&r.sns.topics)
                + n(&r.sns.subscriptions)
                + n(&r.accessanalyzer.analyzers)
                + n(&r.lambda.functions)
                + n(&r.cloudformation.stacks)
                + n(&r.ecs.task_definitions)
                + n(&r.ssm.parameters)
                + n(&r.elbv2.load_balancers)
        })
        .sum();
    global + regional
}

/// A small deterministic generator (SplitMix64): the same day gives the same changes.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The kinds [`drift`] edits, adds and removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    SecurityGroup,
    Instance,
    Interface,
    Volume,
    Database,
    Function,
    User,
    Role,
    Bucket,
}

/// One resource: its kind, its region's position in `inv.regional` (0 for account-wide
/// kinds) and its position in its collection.
type Slot = (Kind, usize, usize);

fn slots(inv: &Inventory) -> Vec<Slot> {
    fn each<T>(out: &mut Vec<Slot>, kind: Kind, r: usize, c: &Collected<Vec<T>>) {
        out.extend((0..c.ok().map_or(0, Vec::len)).map(|i| (kind, r, i)));
    }
    let mut out = Vec::new();
    for (r, data) in inv.regional.values().enumerate() {
        each(&mut out, Kind::SecurityGroup, r, &data.ec2.security_groups);
        each(&mut out, Kind::Instance, r, &data.ec2.instances);
        each(&mut out, Kind::Interface, r, &data.ec2.network_interfaces);
        each(&mut out, Kind::Volume, r, &data.ec2.volumes);
        each(&mut out, Kind::Database, r, &data.rds.instances);
        each(&mut out, Kind::Function, r, &data.lambda.functions);
    }
    each(&mut out, Kind::User, 0, &inv.iam.users);
    each(&mut out, Kind::Role, 0, &inv.iam.roles);
    each(&mut out, Kind::Bucket, 0, &inv.s3.buckets);
    out
}

/// Set tag `key` to `value`, adding it when absent.
fn set_tag(tags: &mut Vec<Tag>, key: &str, value: String) {
    match tags.iter_mut().find(|t| t.key == key) {
        Some(t) => t.value = value,
        None => tags.push(Tag::new(key, value)),
    }
}

/// The element `i` of a collection that [`slots`] listed.
fn item<T>(c: &mut Collected<Vec<T>>, i: usize) -> &mut T {
    match c {
        Collected::Ok(v) => &mut v[i],
        Collected::Missing(_) => unreachable!("slots lists collected elements only"),
    }
}

fn items<T>(c: &mut Collected<Vec<T>>) -> Option<&mut Vec<T>> {
    match c {
        Collected::Ok(v) => Some(v),
        Collected::Missing(_) => None,
    }
}

/// Append to a collection that was read (a missing one stays missing).
fn push<T>(c: &mut Collected<Vec<T>>, x: T) {
    if let Collected::Ok(v) = c {
        v.push(x);
    }
}

/// Change `inv` as an account changes in a day: about `fraction` of its resources
/// ([`resource_count`]) change, 80% of them edited (security group rules, tags, instance
/// types and states, a bucket's versioning, logging or encryption, a database's public
/// access, a function's runtime, ...), 10% added and 10% removed (an instance goes with its
/// network interface). Every edit changes the resource it touches. The changes depend on
/// `day` and on `inv` only, so they are the same on every run and differ from day to day;
/// apply each day once, in order, to an inventory from [`account`] or [`build`].
/// `collected_at` becomes day `day` ([`collected_at`]), and the credential report's date
/// with it.
pub fn drift(inv: &mut Inventory, day: u32, fraction: f64) {
    let mut dice = Dice(u64::from(day).wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x5eed);
    let total = resource_count(inv);
    let changes = (total as f64 * fraction.clamp(0.0, 1.0)).round() as usize;
    let (adds, removes) = (changes / 10, changes / 10);
    let edits = changes - adds - removes;

    // Distinct resources: the first `edits` of a partial shuffle are edited, the next
    // removable ones removed.
    let mut pool = slots(inv);
    let mut shuffled = 0;
    let mut take = |dice: &mut Dice| {
        if shuffled == pool.len() {
            return None;
        }
        let j = shuffled + dice.below(pool.len() - shuffled);
        pool.swap(shuffled, j);
        shuffled += 1;
        Some(pool[shuffled - 1])
    };
    for _ in 0..edits {
        let Some(slot) = take(&mut dice) else { break };
        edit(inv, slot, day, &mut dice);
    }
    let mut gone: HashSet<Slot> = HashSet::new();
    let mut removed = 0;
    while removed < removes {
        let Some(slot) = take(&mut dice) else { break };
        match slot.0 {
            // Other resources refer to security groups; AWS refuses to delete those.
            Kind::SecurityGroup | Kind::Interface => continue,
            Kind::Instance => removed += 2,
            _ => removed += 1,
        }
        gone.insert(slot);
    }
    remove(inv, &gone);

    let mut added = 0;
    let mut n = 0;
    while added < adds {
        added += add(inv, day, n, &mut dice);
        n += 1;
    }

    inv.collected_at = collected_at(day);
    if let Collected::Ok(report) = &mut inv.iam.credential_report {
        report.generated_at = Some(inv.collected_at);
    }
}

fn edit(inv: &mut Inventory, (kind, r, i): Slot, day: u32, dice: &mut Dice) {
    let stamp = format!("day-{day}");
    let data = inv.regional.values_mut().nth(r);
    match kind {
        Kind::SecurityGroup => {
            let sg = item(&mut data.unwrap().ec2.security_groups, i);
            match dice.below(3) {
                // A rule opened or closed.
                0 if sg.ingress.len() >= 4 => {
                    sg.ingress.remove(0);
                }
                0 => {
                    let port = 1024 + dice.below(60000) as i32;
                    let cidr = ["0.0.0.0/0", "10.0.0.0/8", "192.168.0.0/16"][dice.below(3)];
                    sg.ingress.push(rule(port, cidr));
                }
                // A rule's port moved.
                1 => match sg.ingress.first_mut() {
                    Some(first) => {
                        let port = match first.from_port {
                            Some(p) if p < 65535 => p + 1,
                            _ => 1024,
                        };
                        (first.from_port, first.to_port) = (Some(port), Some(port));
                    }
                    None => sg.ingress.push(rule(443, "0.0.0.0/0")),
                },
                _ => set_tag(&mut sg.tags, "reviewed", stamp),
            }
        }
        Kind::Instance => {
            let inst = item(&mut data.unwrap().ec2.instances, i);
            match dice.below(4) {
                0 => {
                    let at = INSTANCE_TYPES
                        .iter()
                        .position(|t| *t == inst.instance_type)
                        .unwrap_or(0);
                    let next =
                        (at + 1 + dice.below(INSTANCE_TYPES.len() - 1)) % INSTANCE_TYPES.len();
                    inst.instance_type = INSTANCE_TYPES[next].into();
                }
                1 => {
                    inst.state = if inst.state == "running" {
                        "stopped"
                    } else {
                        "running"
                    }
                    .into()
                }
                2 => {
                    let optional = inst.metadata.http_tokens == "optional";
                    inst.metadata.http_tokens =
                        if optional { "required" } else { "optional" }.into();
                }
                _ => set_tag(&mut inst.tags, "patched", stamp),
            }
        }
        Kind::Interface => {
            item(&mut data.unwrap().ec2.network_interfaces, i).description =
                format!("changed on {stamp}");
        }
        Kind::Volume => {
            let vol = item(&mut data.unwrap().ec2.volumes, i);
            match dice.below(2) {
                0 => vol.encrypted = !vol.encrypted,
                _ => set_tag(&mut vol.tags, "snapshot", stamp),
            }
        }
        Kind::Database => {
            let db = item(&mut data.unwrap().rds.instances, i);
            match dice.below(3) {
                0 => db.publicly_accessible = !db.publicly_accessible,
                1 => {
                    db.backup_retention_period = if db.backup_retention_period == 0 {
                        7
                    } else {
                        0
                    }
                }
                _ => set_tag(&mut db.tags, "owner", stamp),
            }
        }
        Kind::Function => {
            let f = item(&mut data.unwrap().lambda.functions, i);
            match dice.below(2) {
                0 => {
                    let at = RUNTIMES
                        .iter()
                        .position(|t| f.runtime.as_deref() == Some(*t))
                        .unwrap_or(0);
                    let next = (at + 1 + dice.below(RUNTIMES.len() - 1)) % RUNTIMES.len();
                    f.runtime = Some(RUNTIMES[next].into());
                }
                _ => f.last_modified = Some(collected_at(day).to_rfc3339()),
            }
        }
        Kind::User => {
            let u = item(&mut inv.iam.users, i);
            match dice.below(2) {
                0 if u.groups.is_empty() => u.groups.push("devs".into()),
                0 => u.groups.clear(),
                _ => set_tag(&mut u.tags, "team", stamp),
            }
        }
        Kind::Role => {
            let role = item(&mut inv.iam.roles, i);
            match dice.below(2) {
                0 => role.last_used = Some(collected_at(day)),
                _ => set_tag(&mut role.tags, "reviewed", stamp),
            }
        }
        Kind::Bucket => {
            let b = item(&mut inv.s3.buckets, i);
            match dice.below(4) {
                0 => {
                    if let Collected::Ok(v) = &mut b.versioning {
                        let on = v.status.as_deref() == Some("Enabled");
                        v.status = Some(if on { "Suspended" } else { "Enabled" }.into());
                    }
                }
                1 => {
                    let target = match &b.logging_target {
                        Collected::Ok(Some(_)) => None,
                        _ => Some("bucket-logs".to_owned()),
                    };
                    b.logging_target = Collected::Ok(target);
                }
                2 => {
                    let kms =
                        matches!(&b.default_encryption, Collected::Ok(Some(a)) if a == "aws:kms");
                    b.default_encryption =
                        Collected::Ok(Some(if kms { "AES256" } else { "aws:kms" }.into()));
                }
                _ => {
                    if let Collected::Ok(tags) = &mut b.tags {
                        set_tag(tags, "reviewed", stamp);
                    } else {
                        b.tags = Collected::Ok(vec![Tag::new("reviewed", stamp)]);
                    }
                }
            }
        }
    }
}

/// Remove the listed resources; an instance goes with its network interfaces, and the
/// volumes attached to it become available. A user goes with its credential report row.
fn remove(inv: &mut Inventory, gone: &HashSet<Slot>) {
    fn drop_listed<T>(list: &mut Vec<T>, gone: &HashSet<Slot>, kind: Kind, r: usize) {
        let mut i = 0;
        list.retain(|_| {
            i += 1;
            !gone.contains(&(kind, r, i - 1))
        });
    }
    for (r, data) in inv.regional.values_mut().enumerate() {
        let ec2 = &mut data.ec2;
        let mut stopped = HashSet::new();
        if let Some(list) = items(&mut ec2.instances) {
            for (i, inst) in list.iter().enumerate() {
                if gone.contains(&(Kind::Instance, r, i)) {
                    stopped.insert(inst.id.clone());
                }
            }
            drop_listed(list, gone, Kind::Instance, r);
        }
        if let Some(list) = items(&mut ec2.network_interfaces) {
            list.retain(|e| {
                !e.instance_id
                    .as_ref()
                    .is_some_and(|id| stopped.contains(id))
            });
        }
        if let Some(list) = items(&mut ec2.volumes) {
            drop_listed(list, gone, Kind::Volume, r);
            for vol in list.iter_mut() {
                if vol.instance_ids.iter().any(|id| stopped.contains(id)) {
                    vol.instance_ids.retain(|id| !stopped.contains(id));
                    vol.state = "available".into();
                }
            }
        }
        if let Some(list) = items(&mut data.rds.instances) {
            drop_listed(list, gone, Kind::Database, r);
        }
        if let Some(list) = items(&mut data.lambda.functions) {
            drop_listed(list, gone, Kind::Function, r);
        }
    }
    let mut names = HashSet::new();
    if let Some(list) = items(&mut inv.iam.users) {
        for (i, u) in list.iter().enumerate() {
            if gone.contains(&(Kind::User, 0, i)) {
                names.insert(u.name.clone());
            }
        }
        drop_listed(list, gone, Kind::User, 0);
    }
    if let Collected::Ok(report) = &mut inv.iam.credential_report {
        report.rows.retain(|row| !names.contains(&row.user));
    }
    if let Some(list) = items(&mut inv.iam.roles) {
        drop_listed(list, gone, Kind::Role, 0);
    }
    if let Some(list) = items(&mut inv.s3.buckets) {
        drop_listed(list, gone, Kind::Bucket, 0);
    }
}

/// Add the `n`th new resource of `day` (an instance comes with its network interface and
/// a volume); returns how many resources were added. Names carry the day and `n`, so they
/// are new.
fn add(inv: &mut Inventory, day: u32, n: usize, dice: &mut Dice) -> usize {
    let tag = format!("d{day}n{n}");
    let regions = inv.regional.len();
    let kind = dice.below(if regions == 0 { 3 } else { 8 });
    match kind {
        0 => {
            let name = format!("user-{tag}");
            let u = user_named(name, n);
            let row = report_row(n, &u, collected_at(day));
            push(&mut inv.iam.users, u);
            if let Collected::Ok(report) = &mut inv.iam.credential_report {
                report.rows.push(row);
            }
        }
        1 => {
            push(&mut inv.iam.roles, role(&format!("role-{tag}"), n));
        }
        2 => {
            push(&mut inv.s3.buckets, bucket(&format!("bucket-{tag}")));
        }
        _ => {
            let (name, data) = inv
                .regional
                .iter_mut()
                .nth(dice.below(regions))
                .expect("a region");
            // The region's number in ids (its place among the names, as `build` gave it).
            let r = REGION_NAMES.iter().position(|n| n == name).unwrap_or(0);
            let groups: Vec<String> = data
                .ec2
                .security_groups
                .ok()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|g| g.id.clone())
                .collect();
            // A number past every original one: ids stay unique in the account.
            let i = (1 << 24) + (day as usize) * 65536 + n;
            match kind {
                3 | 4 => {
                    let (inst, eni) = instance(r, name, i, ec2_id("i", r, i), &groups, true);
                    let vol = volume(ec2_id("vol", r, i), i, Some(inst.id.clone()));
                    push(&mut data.ec2.instances, inst);
                    push(&mut data.ec2.network_interfaces, eni);
                    push(&mut data.ec2.volumes, vol);
                    return 3;
                }
                5 => {
                    let sg = security_group(r, name, i, ec2_id("sg", r, i));
                    push(&mut data.ec2.security_groups, sg);
                }
                6 => {
                    let db = database(name, i, format!("db-{tag}"), &groups);
                    push(&mut data.rds.instances, db);
                }
                _ => {
                    let f = function(name, i, format!("fn-{tag}"));
                    push(&mut data.lambda.functions, f);
                }
            }
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// Every resource by a key unique in the account (`<service>.<collection>/<arn or id or
    /// name>`, regional ones under their region), found by walking the JSON form: each
    /// element of a collection read as `{"ok": [...]}` one level under a service. Independent
    /// of [`resource_count`], so it checks it.
    fn keyed(inv: &Inventory) -> BTreeMap<String, Value> {
        fn service(out: &mut BTreeMap<String, Value>, prefix: &str, svc: &str, v: &Value) {
            let Some(fields) = v.as_object() else { return };
            for (field, value) in fields {
                let Some(list) = value.get("ok").and_then(Value::as_array) else {
                    continue;
                };
                for element in list.iter().filter(|e| e.is_object()) {
                    let id = ["arn", "id", "name"]
                        .iter()
                        .find_map(|k| element.get(*k).and_then(Value::as_str))
                        .expect("an element with an arn, id or name");
                    let key = format!("{prefix}{svc}.{field}/{id}");
                    assert!(
                        out.insert(key.clone(), element.clone()).is_none(),
                        "{key} twice"
                    );
                }
            }
        }
        let json = serde_json::to_value(inv).unwrap();
        let mut out = BTreeMap::new();
        for (svc, v) in json.as_object().unwrap() {
            if svc == "regional" {
                for (region, data) in v.as_object().unwrap() {
                    for (svc, v) in data.as_object().unwrap() {
                        service(&mut out, &format!("{region}:"), svc, v);
                    }
                }
            } else {
                service(&mut out, "", svc, v);
            }
        }
        out
    }

    /// Keys of the resources that differ between two inventories: edited, added, removed.
    fn changed(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Vec<String> {
        let edited = a.iter().filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v));
        let removed = a.keys().filter(|k| !b.contains_key(*k));
        let added = b.keys().filter(|k| !a.contains_key(*k));
        edited
            .map(|(k, _)| k)
            .chain(removed)
            .chain(added)
            .cloned()
            .collect()
    }

    fn list<T>(c: &Collected<Vec<T>>) -> &[T] {
        c.ok().map_or(&[], Vec::as_slice)
    }

    // Issue 11 (store benchmarks): an account of the size asked for, up to 100,000
    // resources, with every kind present at that size.
    #[test]
    fn an_account_has_the_resources_asked_for() {
        for n in [100, 1_000, 10_000, 100_000] {
            let inv = account(n);
            assert_eq!(resource_count(&inv), n, "account({n})");
            assert_eq!(Shape::for_resources(n).resources(), n);
        }
        // Below one region's network, that network is what there is.
        assert_eq!(resource_count(&account(10)), FIXED_PER_REGION);

        let big = account(100_000);
        assert_eq!(big.regional.len(), 20);
        let region = &big.regional["us-east-1"];
        for (kind, count) in [
            ("security groups", list(&region.ec2.security_groups).len()),
            ("instances", list(&region.ec2.instances).len()),
            ("interfaces", list(&region.ec2.network_interfaces).len()),
            ("volumes", list(&region.ec2.volumes).len()),
            ("databases", list(&region.rds.instances).len()),
            ("functions", list(&region.lambda.functions).len()),
            ("users", list(&big.iam.users).len()),
            ("roles", list(&big.iam.roles).len()),
            ("buckets", list(&big.s3.buckets).len()),
        ] {
            assert!(count >= 100, "{count} {kind}");
        }
        let rows = big.iam.credential_report.ok().unwrap().rows.len();
        assert_eq!(rows, list(&big.iam.users).len());
    }

    // Issue 11: resource_count counts what is in the inventory: the same number as the
    // collections of its JSON form, whose keys are unique in the account.
    #[test]
    fn resource_count_agrees_with_the_json_form() {
        let mut inv = account(6_000);
        assert_eq!(keyed(&inv).len(), resource_count(&inv));
        drift(&mut inv, 1, 0.2);
        assert_eq!(keyed(&inv).len(), resource_count(&inv));
    }

    // Issue 11: the evaluation benchmark's default account keeps its size (README,
    // Evaluation benchmark): 24 regions of 500 instances and interfaces, 100 groups, 50 RDS
    // instances and 50 functions; 2,000 users, 500 buckets.
    #[test]
    fn the_bench_shape_keeps_its_sizes() {
        let shape = Shape::bench(24, 500);
        let inv = build(&shape);
        assert_eq!(inv.regional.len(), 24);
        let per_region = FIXED_PER_REGION + 100 + 1000 + 50 + 50;
        assert_eq!(resource_count(&inv), 24 * per_region + 2500);
        assert_eq!(shape.resources(), resource_count(&inv));
        let region = &inv.regional["eu-west-1"];
        assert!(list(&region.ec2.volumes).is_empty());
        assert_eq!(list(&region.ec2.instances).len(), 500);
        assert_eq!(list(&inv.iam.users).len(), 2000);
    }

    // Issue 11: the same number gives the same account, and the same day the same drift.
    #[test]
    fn accounts_and_drift_are_deterministic() {
        assert_eq!(account(3_000), account(3_000));
        let (mut a, mut b) = (account(3_000), account(3_000));
        for day in 1..=3 {
            drift(&mut a, day, 0.05);
            drift(&mut b, day, 0.05);
        }
        assert_eq!(a, b);
        assert_eq!(a.collected_at, collected_at(3));
    }

    // Issue 11 (store benchmarks): a day's drift changes about the fraction asked for, by
    // edits, additions and removals of several kinds, and moves the collection date a day.
    #[test]
    fn drift_changes_about_the_fraction() {
        let mut inv = account(20_000);
        let before = keyed(&inv);
        drift(&mut inv, 1, 0.05);
        let after = keyed(&inv);
        let changes = changed(&before, &after);
        assert!(
            (900..=1100).contains(&changes.len()),
            "{} changes for 5% of 20,000",
            changes.len()
        );
        let removed = before.keys().filter(|k| !after.contains_key(*k)).count();
        let added = after.keys().filter(|k| !before.contains_key(*k)).count();
        assert!((80..=140).contains(&removed), "{removed} removed");
        assert!((80..=140).contains(&added), "{added} added");
        for kind in [
            "ec2.security_groups",
            "ec2.instances",
            "ec2.volumes",
            "rds.instances",
            "lambda.functions",
            "iam.users",
            "iam.roles",
            "s3.buckets",
        ] {
            assert!(
                changes.iter().any(|k| k.contains(kind)),
                "no change to {kind}"
            );
        }
        assert_eq!(inv.collected_at, collected_at(1));
        assert_eq!(
            inv.iam.credential_report.ok().unwrap().generated_at,
            Some(collected_at(1))
        );

        // Nothing changes at fraction 0, but the date.
        let mut still = account(2_000);
        drift(&mut still, 1, 0.0);
        assert!(changed(&keyed(&account(2_000)), &keyed(&still)).is_empty());
    }

    // Issue 11: each day changes other resources.
    #[test]
    fn each_day_drifts_differently() {
        let base = account(10_000);
        let keys = base.clone();
        let day = |d: u32| {
            let mut inv = base.clone();
            drift(&mut inv, d, 0.02);
            changed(&keyed(&keys), &keyed(&inv))
        };
        let (one, two) = (day(1), day(2));
        let common = one.iter().filter(|k| two.contains(k)).count();
        assert!(
            common < one.len() / 4,
            "days 1 and 2 share {common} of {} changes",
            one.len()
        );
    }

    // Issue 11: a month of drift keeps the account whole: an interface's instance, an
    // instance's interfaces and a volume's instance exist, every user has its credential
    // report row, ids stay unique (keyed checks), and the size stays near the start.
    #[test]
    fn a_month_of_drift_keeps_the_account_consistent() {
        let mut inv = account(8_000);
        for day in 1..=30 {
            drift(&mut inv, day, 0.05);
        }
        keyed(&inv);
        for region in inv.regional.values() {
            let instances: HashSet<&str> = list(&region.ec2.instances)
                .iter()
                .map(|i| i.id.as_str())
                .collect();
            let interfaces: HashSet<&str> = list(&region.ec2.network_interfaces)
                .iter()
                .map(|e| e.id.as_str())
                .collect();
            for eni in list(&region.ec2.network_interfaces) {
                let owner = eni.instance_id.as_deref().unwrap();
                assert!(instances.contains(owner), "{} without {owner}", eni.id);
            }
            for inst in list(&region.ec2.instances) {
                for eni in &inst.network_interface_ids {
                    assert!(
                        interfaces.contains(eni.as_str()),
                        "{} without {eni}",
                        inst.id
                    );
                }
            }
            for vol in list(&region.ec2.volumes) {
                for id in &vol.instance_ids {
                    assert!(instances.contains(id.as_str()), "{} on {id}", vol.id);
                }
                assert_eq!(vol.state == "in-use", !vol.instance_ids.is_empty());
            }
        }
        let users: Vec<&str> = list(&inv.iam.users)
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        let rows: Vec<&str> = inv
            .iam
            .credential_report
            .ok()
            .unwrap()
            .rows
            .iter()
            .map(|r| r.user.as_str())
            .collect();
        assert_eq!(users, rows);
        let size = resource_count(&inv);
        assert!(
            (7_600..=8_400).contains(&size),
            "{size} resources after a month"
        );
    }
}
