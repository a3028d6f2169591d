//! EC2 and VPC data of one region: networks, their gates and filters, and instances.

use crate::{Collected, ScannedText, Tag};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// EC2 and VPC, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ec2Data {
    /// VPCs.
    pub vpcs: Collected<Vec<Vpc>>,
    /// Subnets.
    pub subnets: Collected<Vec<Subnet>>,
    /// Route tables.
    pub route_tables: Collected<Vec<RouteTable>>,
    /// Internet gateways.
    pub internet_gateways: Collected<Vec<InternetGateway>>,
    /// NAT gateways.
    pub nat_gateways: Collected<Vec<NatGateway>>,
    /// Security groups.
    pub security_groups: Collected<Vec<SecurityGroup>>,
    /// Network ACLs.
    pub network_acls: Collected<Vec<NetworkAcl>>,
    /// Network interfaces.
    pub network_interfaces: Collected<Vec<NetworkInterface>>,
    /// Instances (not terminated).
    pub instances: Collected<Vec<Instance>>,
    /// VPC flow logs.
    pub flow_logs: Collected<Vec<FlowLog>>,
    /// `GetEbsEncryptionByDefault`.
    pub ebs_encryption_by_default: Collected<bool>,
    /// AMIs: those the account owns, and those its instances run.
    #[serde(default)]
    pub images: Collected<Vec<Image>>,
    /// Launch templates, with their default version's user data scanned for secrets.
    #[serde(default)]
    pub launch_templates: Collected<Vec<LaunchTemplate>>,
    /// EBS volumes.
    #[serde(default)]
    pub volumes: Collected<Vec<Volume>>,
    /// VPC peering connections.
    #[serde(default)]
    pub vpc_peering_connections: Collected<Vec<PeeringConnection>>,
    /// VPC endpoints.
    #[serde(default)]
    pub vpc_endpoints: Collected<Vec<VpcEndpoint>>,
    /// Elastic IP addresses.
    #[serde(default)]
    pub addresses: Collected<Vec<ElasticIp>>,
}

/// A VPC.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    /// `vpc-...`.
    pub id: String,
    /// IPv4 CIDR.
    pub cidr_block: String,
    /// The region's default VPC.
    pub is_default: bool,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// A subnet.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    /// `subnet-...`.
    pub id: String,
    /// ARN.
    pub arn: String,
    /// VPC.
    pub vpc_id: String,
    /// IPv4 CIDR.
    pub cidr_block: String,
    /// Availability zone.
    pub availability_zone: String,
    /// Instances launched here get a public IPv4 address by default.
    pub map_public_ip_on_launch: bool,
    /// The AZ's default subnet.
    pub default_for_az: bool,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// A route table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    /// `rtb-...`.
    pub id: String,
    /// VPC.
    pub vpc_id: String,
    /// The VPC's main route table (used by subnets with no explicit association).
    pub main: bool,
    /// Subnets explicitly associated.
    pub subnet_ids: Vec<String>,
    /// Routes.
    pub routes: Vec<Route>,
}

/// One route.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// IPv4 destination.
    pub destination_cidr: Option<String>,
    /// IPv6 destination.
    pub destination_ipv6_cidr: Option<String>,
    /// Internet gateway (`igw-...`) target.
    pub gateway_id: Option<String>,
    /// NAT gateway target.
    pub nat_gateway_id: Option<String>,
    /// VPC peering target.
    pub vpc_peering_connection_id: Option<String>,
    /// Other targets (instance, transit gateway, ...), as an id.
    pub other_target: Option<String>,
    /// `active` or `blackhole`.
    pub state: String,
}

/// An internet gateway.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InternetGateway {
    /// `igw-...`.
    pub id: String,
    /// VPCs it is attached to.
    pub vpc_ids: Vec<String>,
}

/// A NAT gateway.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    /// `nat-...`.
    pub id: String,
    /// VPC.
    pub vpc_id: String,
    /// Subnet.
    pub subnet_id: String,
    /// State.
    pub state: String,
}

/// A security group.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// `sg-...`.
    pub id: String,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// VPC.
    pub vpc_id: String,
    /// Description.
    pub description: String,
    /// Inbound rules.
    pub ingress: Vec<SgRule>,
    /// Outbound rules.
    pub egress: Vec<SgRule>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// One security group permission (an `IpPermission`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SgRule {
    /// `tcp`, `udp`, `icmp`, `icmpv6` or `-1` (all), or a protocol number.
    pub protocol: String,
    /// First port (`None` for all protocols).
    pub from_port: Option<i32>,
    /// Last port.
    pub to_port: Option<i32>,
    /// IPv4 sources.
    pub ipv4_ranges: Vec<String>,
    /// IPv6 sources.
    pub ipv6_ranges: Vec<String>,
    /// Source security groups.
    pub source_groups: Vec<String>,
    /// Source prefix lists.
    pub prefix_lists: Vec<String>,
}

/// A network ACL.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    /// `acl-...`.
    pub id: String,
    /// ARN.
    pub arn: String,
    /// VPC.
    pub vpc_id: String,
    /// The VPC's default ACL.
    pub is_default: bool,
    /// Subnets associated.
    pub subnet_ids: Vec<String>,
    /// Entries, both directions.
    pub entries: Vec<NaclEntry>,
}

/// One network ACL entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NaclEntry {
    /// Rule number (evaluated in ascending order; 32767 is the implicit deny).
    pub rule_number: i32,
    /// Outbound rather than inbound.
    pub egress: bool,
    /// Protocol number as a string (`-1` all, `6` TCP, `17` UDP).
    pub protocol: String,
    /// `allow` or `deny`.
    pub action: String,
    /// IPv4 CIDR.
    pub cidr_block: Option<String>,
    /// IPv6 CIDR.
    pub ipv6_cidr_block: Option<String>,
    /// First port, for TCP and UDP.
    pub from_port: Option<i32>,
    /// Last port.
    pub to_port: Option<i32>,
}

/// A network interface.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    /// `eni-...`.
    pub id: String,
    /// Subnet.
    pub subnet_id: String,
    /// VPC.
    pub vpc_id: String,
    /// Type (`interface`, `nat_gateway`, `network_load_balancer`, ...).
    pub interface_type: String,
    /// Security groups.
    pub security_group_ids: Vec<String>,
    /// Public IPv4 address, if any.
    pub public_ip: Option<String>,
    /// Private IPv4 address.
    pub private_ip: Option<String>,
    /// Instance attached to, if any.
    pub instance_id: Option<String>,
    /// Description.
    pub description: String,
}

/// An EC2 instance (terminated ones are left out).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// `i-...`.
    pub id: String,
    /// ARN.
    pub arn: String,
    /// `pending`, `running`, `stopped`, ...
    pub state: String,
    /// Instance type.
    pub instance_type: String,
    /// AMI.
    pub image_id: String,
    /// Launch time.
    pub launch_time: Option<DateTime<Utc>>,
    /// VPC.
    pub vpc_id: Option<String>,
    /// Subnet.
    pub subnet_id: Option<String>,
    /// Public IPv4 address.
    pub public_ip: Option<String>,
    /// Private IPv4 address.
    pub private_ip: Option<String>,
    /// Instance profile ARN, if one is attached.
    pub iam_instance_profile_arn: Option<String>,
    /// Security groups.
    pub security_group_ids: Vec<String>,
    /// Network interfaces.
    pub network_interface_ids: Vec<String>,
    /// Metadata options.
    pub metadata: MetadataOptions,
    /// User data, scanned for secrets (`None`: the instance has no user data).
    pub user_data: Collected<Option<ScannedText>>,
    /// Instance metadata requests made without a token (IMDSv1) over the last 14 days: the
    /// sum of CloudWatch's `AWS/EC2` `MetadataNoToken` metric for the instance (0 when no
    /// datapoint). Schema 6; older snapshots load it as not collected.
    #[serde(default)]
    pub metadata_no_token: Collected<f64>,
    /// Tags.
    pub tags: Vec<Tag>,
}

impl Instance {
    /// The `Name` tag, if set.
    pub fn name(&self) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.key == "Name")
            .map(|t| t.value.as_str())
    }
}

/// Instance metadata service options.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    pub http_tokens: String,
    /// `enabled` or `disabled`.
    pub http_endpoint: String,
    /// Hop limit for PUT responses.
    pub http_put_response_hop_limit: Option<i32>,
}

/// A VPC flow log.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FlowLog {
    /// `fl-...`.
    pub id: String,
    /// The VPC, subnet or interface it covers.
    pub resource_id: String,
    /// `ACTIVE`, ...
    pub status: String,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: String,
    /// Where it delivers (`cloud-watch-logs`, `s3`, `kinesis-data-firehose`).
    pub destination_type: String,
    /// Delivery error, if any.
    pub deliver_logs_status: Option<String>,
}

/// An AMI.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Id (`ami-...`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Owner account id.
    pub owner_id: String,
    /// When it was created.
    pub creation_date: Option<DateTime<Utc>>,
    /// When it is or was deprecated.
    pub deprecation_time: Option<DateTime<Utc>>,
    /// Launch permission is public.
    pub public: bool,
    /// `available`, `deregistered`, ...
    pub state: String,
}

/// A launch template (its default version).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LaunchTemplate {
    /// Id (`lt-...`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Default version number.
    pub version: i64,
    /// User data of the default version, decoded and scanned; `None` when it has none;
    /// missing when the default version could not be read (the template is still listed).
    #[serde(deserialize_with = "crate::collected_or_plain")]
    pub user_data: Collected<Option<ScannedText>>,
    /// `HttpTokens` of the default version's metadata options, when set; missing when the
    /// default version could not be read.
    #[serde(deserialize_with = "crate::collected_or_plain")]
    pub http_tokens: Collected<Option<String>>,
}

/// An EBS volume.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// Id (`vol-...`).
    pub id: String,
    /// Encrypted.
    pub encrypted: bool,
    /// `in-use`, `available`, ...
    pub state: String,
    /// Size in GiB.
    pub size_gib: i32,
    /// Instances it is attached to.
    pub instance_ids: Vec<String>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// A VPC peering connection.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PeeringConnection {
    /// Id (`pcx-...`).
    pub id: String,
    /// Requester VPC.
    pub requester_vpc_id: String,
    /// Requester account.
    pub requester_owner_id: String,
    /// Requester VPC CIDR.
    pub requester_cidr: Option<String>,
    /// Accepter VPC.
    pub accepter_vpc_id: String,
    /// Accepter account.
    pub accepter_owner_id: String,
    /// Accepter VPC CIDR.
    pub accepter_cidr: Option<String>,
    /// `active`, `pending-acceptance`, ...
    pub status: String,
}

/// A VPC endpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpoint {
    /// Id (`vpce-...`).
    pub id: String,
    /// VPC.
    pub vpc_id: String,
    /// Service (`com.amazonaws.eu-west-1.s3`).
    pub service_name: String,
    /// `Gateway`, `Interface`, ...
    pub kind: String,
    /// State.
    pub state: String,
}

/// An Elastic IP address.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ElasticIp {
    /// Allocation id.
    pub allocation_id: String,
    /// Public IP.
    pub public_ip: String,
    /// Instance it is associated with.
    pub instance_id: Option<String>,
    /// Network interface it is associated with.
    pub network_interface_id: Option<String>,
}
