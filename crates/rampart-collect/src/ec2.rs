//! EC2 and VPC, per region: the network (VPCs, subnets, routes, gateways, security groups,
//! ACLs, interfaces), instances with their user data (scanned for secrets, never stored),
//! flow logs and EBS default encryption; each instance's IMDSv1 use comes from CloudWatch's
//! `AWS/EC2 MetadataNoToken` metric.

use crate::recorder::{items, pages, request, Recorder};
use crate::sdk::{s, time};
use crate::secrets::FoundKeyIds;
use crate::{Collector, RegionCtx};
use aws_sdk_ec2::types::{AttributeValue, InstanceAttributeName, InstanceStateName, IpPermission};
use aws_sdk_ec2::Client;
use base64::Engine as _;
use rampart_inventory::*;
use std::io::Read;

const SERVICE: &str = "ec2";

/// Read the region's EC2 and VPC data, every list at once; `cloudwatch` reads the
/// instances' IMDSv1 use.
pub(crate) async fn collect(
    c: &Collector,
    r: &RegionCtx,
    client: &Client,
    cloudwatch: &aws_sdk_cloudwatch::Client,
) -> Ec2Data {
    let rec = &c.recorder(SERVICE, &r.name);
    let (vpcs, subnets, route_tables, internet_gateways, nat_gateways, security_groups) = tokio::join!(
        vpcs(rec, client),
        subnets(rec, r, client),
        route_tables(rec, client),
        internet_gateways(rec, client),
        nat_gateways(rec, client),
        security_groups(rec, r, client),
    );
    let (network_acls, network_interfaces, instances, flow_logs, ebs_encryption_by_default) = tokio::join!(
        network_acls(rec, r, client),
        network_interfaces(rec, client),
        async {
            let listed = instances(rec, r, client).await;
            metadata_no_token(&c.recorder("cloudwatch", &r.name), r, cloudwatch, listed).await
        },
        flow_logs(rec, client),
        ebs_default(rec, client),
    );
    let (images, launch_templates, volumes, vpc_peering_connections, vpc_endpoints, addresses) = tokio::join!(
        images(rec, client, instances.ok()),
        launch_templates(rec, client),
        volumes(rec, client),
        peering_connections(rec, client),
        vpc_endpoints(rec, client),
        addresses(rec, client),
    );
    Ec2Data {
        images,
        launch_templates,
        volumes,
        vpc_peering_connections,
        vpc_endpoints,
        addresses,
        vpcs,
        subnets,
        route_tables,
        internet_gateways,
        nat_gateways,
        security_groups,
        network_acls,
        network_interfaces,
        instances,
        flow_logs,
        ebs_encryption_by_default,
    }
}

/// EC2 tags, each scanned for secrets: a value holding one is kept only redacted, with the
/// matches on the tag (issue 9, defect 8); AWS key ids found are noted for the IAM lookup.
fn tags(rec: &Recorder<'_>, list: &[aws_sdk_ec2::types::Tag]) -> Vec<Tag> {
    list.iter()
        .map(|t| {
            crate::secrets::scanned_tag(
                t.key().unwrap_or(""),
                t.value().unwrap_or(""),
                rec.found_keys(),
            )
        })
        .collect()
}

async fn vpcs(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<Vpc>> {
    rec.list("ec2:DescribeVpcs", items!(client.describe_vpcs()), |v| {
        Vpc {
            id: s(v.vpc_id()),
            cidr_block: s(v.cidr_block()),
            is_default: v.is_default().unwrap_or(false),
            tags: tags(rec, v.tags()),
        }
    })
    .await
}

async fn subnets(rec: &Recorder<'_>, r: &RegionCtx, client: &Client) -> Collected<Vec<Subnet>> {
    rec.list(
        "ec2:DescribeSubnets",
        items!(client.describe_subnets()),
        |sn| {
            let id = s(sn.subnet_id());
            Subnet {
                arn: sn
                    .subnet_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| r.arn("ec2", &format!("subnet/{id}"))),
                id,
                vpc_id: s(sn.vpc_id()),
                cidr_block: s(sn.cidr_block()),
                availability_zone: s(sn.availability_zone()),
                map_public_ip_on_launch: sn.map_public_ip_on_launch().unwrap_or(false),
                default_for_az: sn.default_for_az().unwrap_or(false),
                tags: tags(rec, sn.tags()),
            }
        },
    )
    .await
}

async fn route_tables(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<RouteTable>> {
    rec.list(
        "ec2:DescribeRouteTables",
        items!(client.describe_route_tables()),
        |t| RouteTable {
            id: s(t.route_table_id()),
            vpc_id: s(t.vpc_id()),
            main: t.associations().iter().any(|a| a.main().unwrap_or(false)),
            subnet_ids: t
                .associations()
                .iter()
                .filter_map(|a| a.subnet_id().map(str::to_owned))
                .collect(),
            routes: t
                .routes()
                .iter()
                .map(|rt| Route {
                    destination_cidr: rt.destination_cidr_block().map(str::to_owned),
                    destination_ipv6_cidr: rt.destination_ipv6_cidr_block().map(str::to_owned),
                    gateway_id: rt.gateway_id().map(str::to_owned),
                    nat_gateway_id: rt.nat_gateway_id().map(str::to_owned),
                    vpc_peering_connection_id: rt.vpc_peering_connection_id().map(str::to_owned),
                    other_target: rt
                        .instance_id()
                        .or(rt.transit_gateway_id())
                        .or(rt.network_interface_id())
                        .or(rt.egress_only_internet_gateway_id())
                        .or(rt.local_gateway_id())
                        .or(rt.carrier_gateway_id())
                        .map(str::to_owned),
                    state: rt
                        .state()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default(),
                })
                .collect(),
        },
    )
    .await
}

async fn internet_gateways(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<InternetGateway>> {
    rec.list(
        "ec2:DescribeInternetGateways",
        items!(client.describe_internet_gateways()),
        |g| InternetGateway {
            id: s(g.internet_gateway_id()),
            vpc_ids: g
                .attachments()
                .iter()
                .filter_map(|a| a.vpc_id().map(str::to_owned))
                .collect(),
        },
    )
    .await
}

async fn nat_gateways(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<NatGateway>> {
    rec.list(
        "ec2:DescribeNatGateways",
        items!(client.describe_nat_gateways()),
        |g| NatGateway {
            id: s(g.nat_gateway_id()),
            vpc_id: s(g.vpc_id()),
            subnet_id: s(g.subnet_id()),
            state: g.state().map(|v| v.as_str().to_owned()).unwrap_or_default(),
        },
    )
    .await
}

fn sg_rules(list: &[IpPermission]) -> Vec<SgRule> {
    list.iter()
        .map(|p| SgRule {
            protocol: s(p.ip_protocol()),
            from_port: p.from_port(),
            to_port: p.to_port(),
            ipv4_ranges: p
                .ip_ranges()
                .iter()
                .filter_map(|x| x.cidr_ip().map(str::to_owned))
                .collect(),
            ipv6_ranges: p
                .ipv6_ranges()
                .iter()
                .filter_map(|x| x.cidr_ipv6().map(str::to_owned))
                .collect(),
            source_groups: p
                .user_id_group_pairs()
                .iter()
                .filter_map(|x| x.group_id().map(str::to_owned))
                .collect(),
            prefix_lists: p
                .prefix_list_ids()
                .iter()
                .filter_map(|x| x.prefix_list_id().map(str::to_owned))
                .collect(),
        })
        .collect()
}

async fn security_groups(
    rec: &Recorder<'_>,
    r: &RegionCtx,
    client: &Client,
) -> Collected<Vec<SecurityGroup>> {
    rec.list(
        "ec2:DescribeSecurityGroups",
        items!(client.describe_security_groups()),
        |g| {
            let id = s(g.group_id());
            SecurityGroup {
                arn: g
                    .security_group_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| r.arn("ec2", &format!("security-group/{id}"))),
                id,
                name: s(g.group_name()),
                vpc_id: s(g.vpc_id()),
                description: s(g.description()),
                ingress: sg_rules(g.ip_permissions()),
                egress: sg_rules(g.ip_permissions_egress()),
                tags: tags(rec, g.tags()),
            }
        },
    )
    .await
}

async fn network_acls(
    rec: &Recorder<'_>,
    r: &RegionCtx,
    client: &Client,
) -> Collected<Vec<NetworkAcl>> {
    rec.list(
        "ec2:DescribeNetworkAcls",
        items!(client.describe_network_acls()),
        |a| {
            let id = s(a.network_acl_id());
            NetworkAcl {
                arn: r.arn("ec2", &format!("network-acl/{id}")),
                id,
                vpc_id: s(a.vpc_id()),
                is_default: a.is_default().unwrap_or(false),
                subnet_ids: a
                    .associations()
                    .iter()
                    .filter_map(|x| x.subnet_id().map(str::to_owned))
                    .collect(),
                entries: a
                    .entries()
                    .iter()
                    .map(|e| NaclEntry {
                        rule_number: e.rule_number().unwrap_or(32767),
                        egress: e.egress().unwrap_or(false),
                        protocol: s(e.protocol()),
                        action: e
                            .rule_action()
                            .map(|v| v.as_str().to_owned())
                            .unwrap_or_default(),
                        cidr_block: e.cidr_block().map(str::to_owned),
                        ipv6_cidr_block: e.ipv6_cidr_block().map(str::to_owned),
                        from_port: e.port_range().and_then(|p| p.from()),
                        to_port: e.port_range().and_then(|p| p.to()),
                    })
                    .collect(),
            }
        },
    )
    .await
}

async fn network_interfaces(
    rec: &Recorder<'_>,
    client: &Client,
) -> Collected<Vec<NetworkInterface>> {
    rec.list(
        "ec2:DescribeNetworkInterfaces",
        items!(client.describe_network_interfaces()),
        |n| NetworkInterface {
            id: s(n.network_interface_id()),
            subnet_id: s(n.subnet_id()),
            vpc_id: s(n.vpc_id()),
            interface_type: n
                .interface_type()
                .map(|v| v.as_str().to_owned())
                .unwrap_or_default(),
            security_group_ids: n
                .groups()
                .iter()
                .filter_map(|g| g.group_id().map(str::to_owned))
                .collect(),
            public_ip: n
                .association()
                .and_then(|a| a.public_ip())
                .map(str::to_owned),
            private_ip: n.private_ip_address().map(str::to_owned),
            instance_id: n
                .attachment()
                .and_then(|a| a.instance_id())
                .map(str::to_owned),
            description: s(n.description()),
        },
    )
    .await
}

async fn instances(rec: &Recorder<'_>, r: &RegionCtx, client: &Client) -> Collected<Vec<Instance>> {
    let listed = rec
        .call(
            "ec2:DescribeInstances",
            items!(client.describe_instances()),
            |reservations| {
                reservations
                    .iter()
                    .flat_map(|res| res.instances())
                    .filter(|i| {
                        !matches!(
                            i.state().and_then(|st| st.name()),
                            Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
                        )
                    })
                    .map(|i| instance(rec, r, i))
                    .collect::<Vec<_>>()
            },
        )
        .await;
    let Collected::Ok(list) = listed else {
        return listed;
    };
    // One DescribeInstanceAttribute per instance: there is no bulk API for user data.
    let list = rec
        .each(list, |mut i| async move {
            i.user_data = rec
                .call(
                    "ec2:DescribeInstanceAttribute",
                    request!(client
                        .describe_instance_attribute()
                        .instance_id(&i.id)
                        .attribute(InstanceAttributeName::UserData)),
                    |out| scan_user_data(out.user_data(), rec.found_keys()),
                )
                .await;
            i
        })
        .await;
    Collected::Ok(list)
}

fn instance(rec: &Recorder<'_>, r: &RegionCtx, i: &aws_sdk_ec2::types::Instance) -> Instance {
    let id = s(i.instance_id());
    let md = i.metadata_options();
    Instance {
        arn: r.arn("ec2", &format!("instance/{id}")),
        id,
        state: i
            .state()
            .and_then(|st| st.name())
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default(),
        instance_type: i
            .instance_type()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        image_id: s(i.image_id()),
        launch_time: time(i.launch_time()),
        vpc_id: i.vpc_id().map(str::to_owned),
        subnet_id: i.subnet_id().map(str::to_owned),
        public_ip: i.public_ip_address().map(str::to_owned),
        private_ip: i.private_ip_address().map(str::to_owned),
        iam_instance_profile_arn: i
            .iam_instance_profile()
            .and_then(|p| p.arn())
            .map(str::to_owned),
        security_group_ids: i
            .security_groups()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_owned))
            .collect(),
        network_interface_ids: i
            .network_interfaces()
            .iter()
            .filter_map(|n| n.network_interface_id().map(str::to_owned))
            .collect(),
        metadata: MetadataOptions {
            // An instance that reports no metadata options runs with the EC2 defaults of
            // its launch: IMDSv1 allowed.
            http_tokens: md
                .and_then(|m| m.http_tokens())
                .map(|v| v.as_str().to_owned())
                .unwrap_or_else(|| "optional".into()),
            http_endpoint: md
                .and_then(|m| m.http_endpoint())
                .map(|v| v.as_str().to_owned())
                .unwrap_or_else(|| "enabled".into()),
            http_put_response_hop_limit: md.and_then(|m| m.http_put_response_hop_limit()),
        },
        user_data: Collected::default(),
        metadata_no_token: Collected::default(),
        tags: tags(rec, i.tags()),
    }
}

/// The metric queries one `GetMetricData` request may hold.
const METRIC_QUERIES_PER_CALL: usize = 500;

/// The days of IMDSv1 use read before the collection.
const NO_TOKEN_DAYS: i64 = 14;

const GET_METRIC_DATA: &str = "cloudwatch:GetMetricData";

/// Each instance's IMDSv1 use: the sum of `AWS/EC2 MetadataNoToken` over the 14 days before
/// the collection, 0 when there is no datapoint. One `GetMetricData` per 500 instances (its
/// pages walked with `NextToken`); a failed call is the gap of each instance it asked about,
/// recorded once.
async fn metadata_no_token(
    rec: &Recorder<'_>,
    r: &RegionCtx,
    client: &aws_sdk_cloudwatch::Client,
    listed: Collected<Vec<Instance>>,
) -> Collected<Vec<Instance>> {
    let Collected::Ok(mut list) = listed else {
        return listed;
    };
    let to_sdk =
        |t: chrono::DateTime<chrono::Utc>| aws_smithy_types::DateTime::from_secs(t.timestamp());
    let end = r.collected_at;
    let start = end - chrono::Duration::days(NO_TOKEN_DAYS);
    for batch in list.chunks_mut(METRIC_QUERIES_PER_CALL) {
        let queries = batch
            .iter()
            .enumerate()
            .map(|(n, i)| no_token_query(n, &i.id))
            .collect();
        let request = pages!(client
            .get_metric_data()
            .set_metric_data_queries(Some(queries))
            .start_time(to_sdk(start))
            .end_time(to_sdk(end)));
        match rec.try_call(GET_METRIC_DATA, request).await {
            Ok(pages) => {
                let results = pages.iter().flat_map(|p| p.metric_data_results());
                let sums = no_token_sums(results, batch.len());
                for (i, sum) in batch.iter_mut().zip(sums) {
                    i.metadata_no_token = sum;
                }
            }
            Err(g) => {
                rec.record(&g);
                for i in batch.iter_mut() {
                    i.metadata_no_token = Collected::Missing(g.clone());
                }
            }
        }
    }
    Collected::Ok(list)
}

/// The `n`-th query of a request: the instance's `MetadataNoToken` sum, one period over
/// the whole window (id `m<n>`: ids must start with a lower-case letter).
fn no_token_query(n: usize, instance_id: &str) -> aws_sdk_cloudwatch::types::MetricDataQuery {
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
    let metric = Metric::builder()
        .namespace("AWS/EC2")
        .metric_name("MetadataNoToken")
        .dimensions(
            Dimension::builder()
                .name("InstanceId")
                .value(instance_id)
                .build(),
        )
        .build();
    MetricDataQuery::builder()
        .id(format!("m{n}"))
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period((NO_TOKEN_DAYS * 24 * 3600) as i32)
                .stat("Sum")
                .build(),
        )
        .return_data(true)
        .build()
}

/// Per query of a request of `n`, the sum of the values its results hold across pages (0
/// without datapoints); a query CloudWatch reports `Forbidden` or `InternalError` for, or
/// never answers, is a gap.
fn no_token_sums<'a>(
    results: impl Iterator<Item = &'a aws_sdk_cloudwatch::types::MetricDataResult>,
    n: usize,
) -> Vec<Collected<f64>> {
    use aws_sdk_cloudwatch::types::StatusCode;
    let mut sums: Vec<Option<Collected<f64>>> = vec![None; n];
    for result in results {
        let Some(slot) = result
            .id()
            .and_then(|id| id.strip_prefix('m'))
            .and_then(|k| k.parse::<usize>().ok())
            .and_then(|k| sums.get_mut(k))
        else {
            continue;
        };
        let failed = match result.status_code() {
            Some(code @ (StatusCode::Forbidden | StatusCode::InternalError)) => {
                Some(code.as_str().to_owned())
            }
            _ => None,
        };
        *slot = Some(match (failed, slot.take()) {
            (_, Some(Collected::Missing(g))) => Collected::Missing(g),
            (Some(code), _) => Collected::Missing(Gap {
                api: GET_METRIC_DATA.into(),
                code,
                message: result
                    .messages()
                    .iter()
                    .filter_map(|m| m.value())
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
            (None, previous) => {
                let earlier_pages = match previous {
                    Some(Collected::Ok(v)) => v,
                    _ => 0.0,
                };
                Collected::Ok(earlier_pages + result.values().iter().sum::<f64>())
            }
        });
    }
    sums.into_iter()
        .map(|s| {
            s.unwrap_or_else(|| {
                Collected::Missing(Gap {
                    api: GET_METRIC_DATA.into(),
                    code: "NoResult".into(),
                    message: "CloudWatch returned no result for the instance's query".into(),
                })
            })
        })
        .collect()
}

/// Decode user data (base64, possibly gzip) and keep only what the secret detectors find;
/// AWS key ids found go to `keys`.
pub(crate) fn scan_user_data(
    attr: Option<&AttributeValue>,
    keys: &FoundKeyIds,
) -> Option<ScannedText> {
    scan_encoded(attr.and_then(|a| a.value())?, keys)
}

/// Decode base64 (possibly gzip) user data and scan it; `None` when it is empty.
fn scan_encoded(encoded: &str, keys: &FoundKeyIds) -> Option<ScannedText> {
    if encoded.is_empty() {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .unwrap_or_else(|_| encoded.as_bytes().to_vec());
    let text = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        match flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut out) {
            Ok(_) => out,
            Err(_) => raw,
        }
    } else {
        raw
    };
    Some(crate::secrets::scan(&text, keys))
}

async fn flow_logs(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<FlowLog>> {
    rec.list(
        "ec2:DescribeFlowLogs",
        items!(client.describe_flow_logs()),
        |f| FlowLog {
            id: s(f.flow_log_id()),
            resource_id: s(f.resource_id()),
            status: s(f.flow_log_status()),
            traffic_type: f
                .traffic_type()
                .map(|v| v.as_str().to_owned())
                .unwrap_or_default(),
            destination_type: f
                .log_destination_type()
                .map(|v| v.as_str().to_owned())
                .unwrap_or_default(),
            deliver_logs_status: f.deliver_logs_status().map(str::to_owned),
        },
    )
    .await
}

async fn ebs_default(rec: &Recorder<'_>, client: &Client) -> Collected<bool> {
    rec.call(
        "ec2:GetEbsEncryptionByDefault",
        request!(client.get_ebs_encryption_by_default()),
        |out| out.ebs_encryption_by_default().unwrap_or(false),
    )
    .await
}

/// The AMIs the account owns, and those its instances run (whoever owns them).
async fn images(
    rec: &Recorder<'_>,
    client: &Client,
    instances: Option<&Vec<Instance>>,
) -> Collected<Vec<Image>> {
    const API: &str = "ec2:DescribeImages";
    let mut list = match rec
        .try_call(API, items!(client.describe_images().owners("self")))
        .await
    {
        Ok(l) => l,
        Err(g) => return rec.missing(g),
    };
    let mut wanted: Vec<String> = instances
        .map(|l| l.iter().map(|i| i.image_id.clone()).collect())
        .unwrap_or_default();
    wanted.sort();
    wanted.dedup();
    wanted.retain(|id| !id.is_empty() && !list.iter().any(|i| i.image_id() == Some(id)));
    for chunk in wanted.chunks(100) {
        let res = rec
            .try_call(
                API,
                request!(client.describe_images().set_image_ids(Some(chunk.to_vec()))),
            )
            .await;
        match res {
            Ok(out) => list.extend(out.images().iter().cloned()),
            // A deregistered AMI makes the whole call fail: ask one at a time, so the
            // others are still described and the missing one is simply absent.
            Err(g) if g.code.starts_with("InvalidAMIID") => {
                for id in chunk {
                    let one = request!(client.describe_images().image_ids(id));
                    if let Ok(out) = rec.try_call(API, one).await {
                        list.extend(out.images().iter().cloned());
                    }
                }
            }
            Err(g) => return rec.missing(g),
        }
    }
    let parse = |t: Option<&str>| {
        t.and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
            .map(|d| d.with_timezone(&chrono::Utc))
    };
    let mut images: Vec<Image> = list
        .iter()
        .map(|i| Image {
            id: s(i.image_id()),
            name: s(i.name()),
            owner_id: s(i.owner_id()),
            creation_date: parse(i.creation_date()),
            deprecation_time: parse(i.deprecation_time()),
            public: i.public().unwrap_or(false),
            state: i.state().map(|v| v.as_str().to_owned()).unwrap_or_default(),
        })
        .collect();
    images.sort_by(|a, b| a.id.cmp(&b.id));
    Collected::Ok(images)
}

/// Launch templates with their default version's user data scanned. The default versions
/// of every template of the region come in one paginated `DescribeLaunchTemplateVersions`
/// (`Versions=$Default` without a template id), not one call per template (issue 10). When
/// that call fails, or a template's version is not in its answer, the template stays listed
/// with its details missing.
async fn launch_templates(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<LaunchTemplate>> {
    let listed = rec
        .list(
            "ec2:DescribeLaunchTemplates",
            items!(client.describe_launch_templates()),
            |lt| lt,
        )
        .await;
    let Collected::Ok(listed) = listed else {
        return listed.map(|_| vec![]);
    };
    let versions = if listed.is_empty() {
        Collected::Ok(vec![])
    } else {
        rec.list(
            "ec2:DescribeLaunchTemplateVersions",
            items!(client
                .describe_launch_template_versions()
                .versions("$Default")),
            |v| v,
        )
        .await
    };
    let mut templates: Vec<LaunchTemplate> = listed
        .iter()
        .map(|lt| {
            let id = s(lt.launch_template_id());
            let read: Collected<&aws_sdk_ec2::types::LaunchTemplateVersion> = match &versions {
                Collected::Ok(all) => {
                    match all
                        .iter()
                        .find(|v| v.launch_template_id() == Some(id.as_str()))
                    {
                        Some(v) => Collected::Ok(v),
                        None => Collected::Missing(Gap {
                            api: "ec2:DescribeLaunchTemplateVersions".into(),
                            code: "VersionNotListed".into(),
                            message: format!(
                                "the default version of launch template {id} was not in the \
                                 region's answer (created since the list?)"
                            ),
                        }),
                    }
                }
                Collected::Missing(g) => Collected::Missing(g.clone()),
            };
            let version = read.ok().copied();
            let data = version.and_then(|v| v.launch_template_data());
            LaunchTemplate {
                name: s(lt.launch_template_name()),
                version: version
                    .and_then(|v| v.version_number())
                    .or(lt.default_version_number())
                    .unwrap_or(0),
                user_data: read.clone().map(|_| {
                    data.and_then(|d| d.user_data())
                        .and_then(|u| scan_encoded(u, rec.found_keys()))
                }),
                http_tokens: read.map(|_| {
                    data.and_then(|d| d.metadata_options())
                        .and_then(|m| m.http_tokens())
                        .map(|t| t.as_str().to_owned())
                }),
                id,
            }
        })
        .collect();
    templates.sort_by(|a, b| a.id.cmp(&b.id));
    Collected::Ok(templates)
}

async fn volumes(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<Volume>> {
    rec.list(
        "ec2:DescribeVolumes",
        items!(client.describe_volumes()),
        |v| Volume {
            id: s(v.volume_id()),
            encrypted: v.encrypted().unwrap_or(false),
            state: v.state().map(|x| x.as_str().to_owned()).unwrap_or_default(),
            size_gib: v.size().unwrap_or(0),
            instance_ids: v
                .attachments()
                .iter()
                .filter_map(|a| a.instance_id().map(str::to_owned))
                .collect(),
            tags: tags(rec, v.tags()),
        },
    )
    .await
}

async fn peering_connections(
    rec: &Recorder<'_>,
    client: &Client,
) -> Collected<Vec<PeeringConnection>> {
    rec.list(
        "ec2:DescribeVpcPeeringConnections",
        items!(client.describe_vpc_peering_connections()),
        |p| {
            let req = p.requester_vpc_info();
            let acc = p.accepter_vpc_info();
            PeeringConnection {
                id: s(p.vpc_peering_connection_id()),
                requester_vpc_id: s(req.and_then(|v| v.vpc_id())),
                requester_owner_id: s(req.and_then(|v| v.owner_id())),
                requester_cidr: req.and_then(|v| v.cidr_block()).map(str::to_owned),
                accepter_vpc_id: s(acc.and_then(|v| v.vpc_id())),
                accepter_owner_id: s(acc.and_then(|v| v.owner_id())),
                accepter_cidr: acc.and_then(|v| v.cidr_block()).map(str::to_owned),
                status: p
                    .status()
                    .and_then(|st| st.code())
                    .map(|x| x.as_str().to_owned())
                    .unwrap_or_default(),
            }
        },
    )
    .await
}

async fn vpc_endpoints(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<VpcEndpoint>> {
    rec.list(
        "ec2:DescribeVpcEndpoints",
        items!(client.describe_vpc_endpoints()),
        |e| VpcEndpoint {
            id: s(e.vpc_endpoint_id()),
            vpc_id: s(e.vpc_id()),
            service_name: s(e.service_name()),
            kind: e
                .vpc_endpoint_type()
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
            state: e.state().map(|x| x.as_str().to_owned()).unwrap_or_default(),
        },
    )
    .await
}

async fn addresses(rec: &Recorder<'_>, client: &Client) -> Collected<Vec<ElasticIp>> {
    rec.call(
        "ec2:DescribeAddresses",
        request!(client.describe_addresses()),
        |out| {
            out.addresses()
                .iter()
                .map(|a| ElasticIp {
                    allocation_id: s(a.allocation_id()),
                    public_ip: s(a.public_ip()),
                    instance_id: a.instance_id().map(str::to_owned),
                    network_interface_id: a.network_interface_id().map(str::to_owned),
                })
                .collect()
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::types::{MessageData, MetricDataResult, StatusCode};

    fn result(id: &str, values: &[f64], status: StatusCode) -> MetricDataResult {
        let mut b = MetricDataResult::builder().id(id).status_code(status);
        for v in values {
            b = b.values(*v);
        }
        b.build()
    }

    // Issue 14: IMDSv1 use is the sum over every datapoint and page of the instance's query,
    // 0 without datapoints; a query CloudWatch could not answer is that instance's gap,
    // never a 0 that would let `rampart fix` require IMDSv2 on an instance using IMDSv1.
    #[test]
    fn metadata_no_token_sums_pages_and_keeps_failed_queries_as_gaps() {
        let forbidden = MetricDataResult::builder()
            .id("m2")
            .status_code(StatusCode::Forbidden)
            .messages(MessageData::builder().value("not authorized").build())
            .build();
        let results = [
            result("m0", &[3.0, 4.0], StatusCode::PartialData),
            result("m1", &[], StatusCode::Complete),
            forbidden,
            result("m0", &[5.0], StatusCode::Complete),
            // An id the request did not hold is ignored.
            result("m9", &[1.0], StatusCode::Complete),
        ];
        let sums = no_token_sums(results.iter(), 4);
        assert_eq!(sums[0], Collected::Ok(12.0));
        assert_eq!(sums[1], Collected::Ok(0.0));
        let Collected::Missing(g) = &sums[2] else {
            panic!("{:?}", sums[2])
        };
        assert_eq!(
            (g.api.as_str(), g.code.as_str(), g.message.as_str()),
            (GET_METRIC_DATA, "Forbidden", "not authorized")
        );
        let Collected::Missing(g) = &sums[3] else {
            panic!("{:?}", sums[3])
        };
        assert_eq!(g.code, "NoResult");
    }

    #[test]
    fn metadata_no_token_query_reads_the_instance_sum_over_fourteen_days() {
        let q = no_token_query(7, "i-0abc");
        assert_eq!(q.id(), Some("m7"));
        let stat = q.metric_stat().unwrap();
        assert_eq!(stat.stat(), Some("Sum"));
        assert_eq!(stat.period(), Some(14 * 24 * 3600));
        let metric = stat.metric().unwrap();
        assert_eq!(
            (metric.namespace(), metric.metric_name()),
            (Some("AWS/EC2"), Some("MetadataNoToken"))
        );
        let d = &metric.dimensions()[0];
        assert_eq!((d.name(), d.value()), (Some("InstanceId"), Some("i-0abc")));
    }
}
