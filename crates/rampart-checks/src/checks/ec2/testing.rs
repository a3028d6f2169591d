//! Builders for EC2 and VPC fixtures, so that each test states only what matters to it.
//! Every builder makes a resource in [`REGION`] of the fixture account that passes every
//! check; tests change the one field they are about.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;

/// The region builders put resources in (the fixture's first region).
pub(crate) const REGION: &str = "us-east-1";

/// The EC2 data of [`REGION`].
pub(crate) fn ec2(fx: &mut Fixture) -> &mut Ec2Data {
    &mut fx.region(REGION).ec2
}

/// The ARN of an EC2 resource of `kind` (`instance`, `security-group`, ...) in [`REGION`].
pub(crate) fn arn(kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{id}")
}

/// Tags holding only a `Name`.
pub(crate) fn name(value: &str) -> Vec<Tag> {
    vec![Tag::new("Name", value)]
}

/// A running instance with an instance profile, no public IP, IMDSv2 required and no user
/// data.
pub(crate) fn instance(id: &str) -> Instance {
    Instance {
        id: id.into(),
        arn: arn("instance", id),
        state: "running".into(),
        instance_type: "t3.micro".into(),
        image_id: "ami-0123456789abcdef0".into(),
        vpc_id: Some("vpc-1".into()),
        subnet_id: Some("subnet-1".into()),
        private_ip: Some("10.0.1.10".into()),
        iam_instance_profile_arn: Some(format!("arn:aws:iam::{ACCOUNT}:instance-profile/app")),
        metadata: MetadataOptions {
            http_tokens: "required".into(),
            http_endpoint: "enabled".into(),
            http_put_response_hop_limit: Some(1),
        },
        user_data: Collected::Ok(None),
        metadata_no_token: Collected::Ok(0.0),
        ..Default::default()
    }
}

/// A security group with these inbound rules.
pub(crate) fn sg(id: &str, name: &str, ingress: Vec<SgRule>) -> SecurityGroup {
    SecurityGroup {
        id: id.into(),
        name: name.into(),
        arn: arn("security-group", id),
        vpc_id: "vpc-1".into(),
        description: format!("{name} group"),
        ingress,
        egress: vec![rule("-1", None, &["0.0.0.0/0"])],
        tags: vec![],
    }
}

/// A security group rule: protocol, port range (`None`: no bounds) and CIDR sources, IPv6
/// ones told apart by their colon.
pub(crate) fn rule(protocol: &str, ports: Option<(i32, i32)>, sources: &[&str]) -> SgRule {
    let (v6, v4): (Vec<&str>, Vec<&str>) = sources.iter().partition(|s| s.contains(':'));
    SgRule {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ipv4_ranges: v4.into_iter().map(String::from).collect(),
        ipv6_ranges: v6.into_iter().map(String::from).collect(),
        ..Default::default()
    }
}

/// A network interface that uses these security groups.
pub(crate) fn eni(id: &str, group_ids: &[&str]) -> NetworkInterface {
    NetworkInterface {
        id: id.into(),
        subnet_id: "subnet-1".into(),
        vpc_id: "vpc-1".into(),
        interface_type: "interface".into(),
        security_group_ids: group_ids.iter().map(|g| g.to_string()).collect(),
        ..Default::default()
    }
}

/// A network ACL of `vpc-1` associated with these subnets.
pub(crate) fn nacl(id: &str, subnet_ids: &[&str], entries: Vec<NaclEntry>) -> NetworkAcl {
    NetworkAcl {
        id: id.into(),
        arn: arn("network-acl", id),
        vpc_id: "vpc-1".into(),
        is_default: false,
        subnet_ids: subnet_ids.iter().map(|s| s.to_string()).collect(),
        entries,
    }
}

/// An inbound network ACL entry: number, protocol number, `allow` or `deny`, one CIDR (IPv6
/// told apart by its colon) and port range (`None`: no bounds).
pub(crate) fn inbound(
    rule_number: i32,
    protocol: &str,
    action: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> NaclEntry {
    let v6 = cidr.contains(':');
    NaclEntry {
        rule_number,
        egress: false,
        protocol: protocol.into(),
        action: action.into(),
        cidr_block: (!v6).then(|| cidr.into()),
        ipv6_cidr_block: v6.then(|| cidr.into()),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
    }
}

/// The same entry as [`inbound`], outbound.
pub(crate) fn outbound(
    rule_number: i32,
    protocol: &str,
    action: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> NaclEntry {
    NaclEntry {
        egress: true,
        ..inbound(rule_number, protocol, action, cidr, ports)
    }
}

/// The entries every ACL ends with: rule 32767 denies everything, both ways, both families.
pub(crate) fn implicit_deny() -> Vec<NaclEntry> {
    let mut entries = Vec::new();
    for cidr in ["0.0.0.0/0", "::/0"] {
        entries.push(inbound(32767, "-1", "deny", cidr, None));
        entries.push(outbound(32767, "-1", "deny", cidr, None));
    }
    entries
}

/// A subnet of `vpc-1`.
pub(crate) fn subnet(id: &str, map_public_ip_on_launch: bool) -> Subnet {
    Subnet {
        id: id.into(),
        arn: arn("subnet", id),
        vpc_id: "vpc-1".into(),
        cidr_block: "10.0.1.0/24".into(),
        availability_zone: format!("{REGION}a"),
        map_public_ip_on_launch,
        default_for_az: false,
        tags: vec![],
    }
}

/// A VPC.
pub(crate) fn vpc(id: &str) -> Vpc {
    Vpc {
        id: id.into(),
        cidr_block: "10.0.0.0/16".into(),
        is_default: false,
        tags: vec![],
    }
}

/// A flow log of all traffic to CloudWatch Logs, covering `resource_id`.
pub(crate) fn flow_log(id: &str, resource_id: &str, status: &str) -> FlowLog {
    FlowLog {
        id: id.into(),
        resource_id: resource_id.into(),
        status: status.into(),
        traffic_type: "ALL".into(),
        destination_type: "cloud-watch-logs".into(),
        deliver_logs_status: Some("SUCCESS".into()),
    }
}

/// An available AMI owned by the fixture account, created `age_days` before collection.
pub(crate) fn image(id: &str, age_days: i64) -> Image {
    Image {
        id: id.into(),
        name: format!("{id}-build"),
        owner_id: ACCOUNT.into(),
        creation_date: crate::checks::fixtures::days_ago(age_days),
        deprecation_time: None,
        public: false,
        state: "available".into(),
    }
}
