//! Extraction benchmark: a synthetic account of about 100,000 resources (security groups
//! with rules and tags, instances, IAM users and their credential report rows) cut into
//! resources and hashed, and every changed security group described, so the store's cost
//! per scan is measured apart from the database.
//! Run with `cargo bench -p rampart-store --bench extract` (size: RAMPART_BENCH_RESOURCES).

use chrono::{TimeZone, Utc};
use rampart_inventory::*;
use rampart_store::change::describe_changed;
use rampart_store::extract::extract;
use std::time::Instant;

fn sg(region: &str, i: usize, port: i32) -> SecurityGroup {
    let rule = |port: i32, cidr: &str| SgRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        ipv4_ranges: vec![cidr.into()],
        ..Default::default()
    };
    SecurityGroup {
        id: format!("sg-{i:08x}"),
        name: format!("group-{i}"),
        arn: format!("arn:aws:ec2:{region}:123456789012:security-group/sg-{i:08x}"),
        vpc_id: "vpc-1".into(),
        description: "managed by terraform".into(),
        ingress: vec![rule(443, "0.0.0.0/0"), rule(port, "10.0.0.0/8")],
        egress: vec![rule(0, "0.0.0.0/0")],
        tags: vec![
            Tag::new("Name", format!("web-{i}")),
            Tag::new("team", "platform"),
        ],
    }
}

fn inventory(total: usize, port: i32) -> Inventory {
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let mut inv = Inventory::new(
        Account {
            id: "123456789012".into(),
            partition: "aws".into(),
            caller_arn: "arn:aws:iam::123456789012:user/bench".into(),
        },
        at,
    );
    let regions = ["eu-west-1", "us-east-1", "us-west-2", "ap-south-1"];
    inv.regions.scanned = regions.iter().map(|r| r.to_string()).collect();
    let users = total / 5;
    inv.iam.users = Collected::Ok(
        (0..users)
            .map(|i| User {
                name: format!("user-{i}"),
                arn: format!("arn:aws:iam::123456789012:user/user-{i}"),
                id: format!("AIDA{i:016}"),
                path: "/".into(),
                groups: vec!["devs".into()],
                attached_policies: vec![AttachedPolicy {
                    name: "ReadOnlyAccess".into(),
                    arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
                }],
                ..Default::default()
            })
            .collect(),
    );
    inv.iam.credential_report = Collected::Ok(CredentialReport {
        generated_at: Some(at),
        rows: (0..users)
            .map(|i| CredentialReportRow {
                user: format!("user-{i}"),
                arn: format!("arn:aws:iam::123456789012:user/user-{i}"),
                password_enabled: true,
                password_last_used: Some(at),
                ..Default::default()
            })
            .collect(),
    });
    let per_region = (total - 2 * users) / regions.len();
    for region in regions {
        let mut data = RegionData::default();
        data.ec2.security_groups =
            Collected::Ok((0..per_region / 2).map(|i| sg(region, i, port)).collect());
        data.ec2.instances = Collected::Ok(
            (0..per_region / 2)
                .map(|i| Instance {
                    id: format!("i-{i:017x}"),
                    arn: format!("arn:aws:ec2:{region}:123456789012:instance/i-{i:017x}"),
                    state: "running".into(),
                    instance_type: "t3.micro".into(),
                    security_group_ids: vec![format!("sg-{i:08x}")],
                    user_data: Collected::Ok(None),
                    tags: vec![Tag::new("Name", format!("app-{i}"))],
                    ..Default::default()
                })
                .collect(),
        );
        inv.regional.insert(region.into(), data);
    }
    inv
}

fn main() {
    let total = std::env::var("RAMPART_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let before = inventory(total, 22);
    let after = inventory(total, 2222);

    let start = Instant::now();
    let value = serde_json::to_value(&before).expect("serializes");
    println!(
        "serde_json::to_value alone: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    drop(value);

    let start = Instant::now();
    let a = extract(&before);
    let took = start.elapsed();
    println!(
        "extract: {} resources, {} sections in {:.1} ms",
        a.resources.len(),
        a.sections.len(),
        took.as_secs_f64() * 1e3
    );

    let b = extract(&after);
    let start = Instant::now();
    let mut lines = 0;
    for (x, y) in a.resources.iter().zip(&b.resources) {
        if x.hash != y.hash {
            lines += describe_changed(&x.kind, &x.body, &y.body).len();
        }
    }
    println!(
        "describe_changed: {lines} lines in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
}
