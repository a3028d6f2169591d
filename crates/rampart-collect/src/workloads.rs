//! Workloads, per region: Lambda functions, CloudFormation stacks, ECS task definitions and
//! SSM parameters (their configuration scanned for secrets, only redacted matches kept), and
//! Elastic Load Balancing v2 load balancers with listeners and attributes.

use crate::recorder::{items, pages, request};
use crate::sdk::{policy_document, s, time};
use crate::secrets::{scan_pairs, FoundKeyIds};
use crate::{Collector, RegionCtx};
use rampart_inventory::*;

/// Lambda functions of a region, environments scanned, policies read.
pub(crate) async fn lambda(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_lambda::Client,
) -> LambdaData {
    let rec = &c.recorder("lambda", &r.name);
    let functions = rec
        .list_each(
            "lambda:ListFunctions",
            items!(client.list_functions()),
            |f| async move {
                let name = s(f.function_name());
                let mut vars: Vec<(&str, &str)> = f
                    .environment()
                    .and_then(|e| e.variables())
                    .map(|m| m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
                    .unwrap_or_default();
                vars.sort();
                let environment = scan_pairs(vars.iter().copied(), rec.found_keys());
                let policy = rec.optional(
                    "lambda:GetPolicy",
                    request!(client.get_policy().function_name(&name)),
                    &["ResourceNotFoundException"],
                    |out| {
                        out.policy()
                            .filter(|p| !p.trim().is_empty())
                            .map(|p| policy_document(Some(p)))
                    },
                );
                // Whether the function can be called from the internet on its own URL.
                let url = rec.optional(
                    "lambda:GetFunctionUrlConfig",
                    request!(client.get_function_url_config().function_name(&name)),
                    &["ResourceNotFoundException"],
                    |out| {
                        Some(FunctionUrl {
                            url: out.function_url().to_owned(),
                            auth_type: out.auth_type().as_str().to_owned(),
                        })
                    },
                );
                let (policy, url) = tokio::join!(policy, url);
                Function {
                    arn: f
                        .function_arn()
                        .map(str::to_owned)
                        .unwrap_or_else(|| r.arn("lambda", &format!("function:{name}"))),
                    name,
                    runtime: f.runtime().map(|v| v.as_str().to_owned()),
                    role: s(f.role()),
                    environment_keys: vars.iter().map(|(k, _)| (*k).to_owned()).collect(),
                    environment,
                    policy,
                    url,
                    last_modified: f.last_modified().map(str::to_owned),
                }
            },
        )
        .await;
    LambdaData {
        functions: functions.map(|mut list| {
            list.sort_by(|a, b| a.name.cmp(&b.name));
            list
        }),
    }
}

/// CloudFormation stacks of a region (not deleted): parameters and outputs scanned. Which
/// parameters are NoEcho comes from each stack's template summary, and from DescribeStacks
/// masking their values (`****`).
pub(crate) async fn cloudformation(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_cloudformation::Client,
) -> CloudFormationData {
    let rec = &c.recorder("cloudformation", &r.name);
    let stacks = rec
        .list_each(
            "cloudformation:DescribeStacks",
            items!(client.describe_stacks()),
            |st| async move {
                if st
                    .stack_status()
                    .is_some_and(|v| v.as_str() == "DELETE_COMPLETE")
                {
                    return None;
                }
                let id = s(st.stack_id());
                // Without the template, NoEcho parameters are still known by their masked
                // values; the gap is recorded.
                let no_echo: Vec<String> = rec
                    .call(
                        "cloudformation:GetTemplateSummary",
                        request!(client.get_template_summary().stack_name(&id)),
                        |out| {
                            out.parameters()
                                .iter()
                                .filter(|p| p.no_echo().unwrap_or(false))
                                .filter_map(|p| p.parameter_key().map(str::to_owned))
                                .collect()
                        },
                    )
                    .await
                    .ok()
                    .cloned()
                    .unwrap_or_default();
                Some(stack(&st, id, &no_echo, rec.found_keys()))
            },
        )
        .await;
    CloudFormationData {
        stacks: stacks.map(|list| {
            let mut list: Vec<Stack> = list.into_iter().flatten().collect();
            list.sort_by(|a, b| a.name.cmp(&b.name));
            list
        }),
    }
}

fn stack(
    st: &aws_sdk_cloudformation::types::Stack,
    id: String,
    no_echo: &[String],
    keys: &FoundKeyIds,
) -> Stack {
    let params: Vec<(&str, &str, bool)> = st
        .parameters()
        .iter()
        .map(|p| {
            let key = p.parameter_key().unwrap_or("");
            let value = p.parameter_value().unwrap_or("");
            (
                key,
                value,
                value == "****" || no_echo.iter().any(|k| k == key),
            )
        })
        .collect();
    let outputs: Vec<(&str, &str)> = st
        .outputs()
        .iter()
        .map(|o| (o.output_key().unwrap_or(""), o.output_value().unwrap_or("")))
        .collect();
    Stack {
        name: s(st.stack_name()),
        arn: id,
        status: st
            .stack_status()
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default(),
        parameters: params
            .iter()
            .map(|(k, v, hidden)| StackParameter {
                key: (*k).to_owned(),
                no_echo: *hidden,
                empty: v.is_empty(),
            })
            .collect(),
        parameter_values: scan_pairs(
            params
                .iter()
                .filter(|(_, _, hidden)| !hidden)
                .map(|(k, v, _)| (*k, *v)),
            keys,
        ),
        output_keys: outputs.iter().map(|(k, _)| (*k).to_owned()).collect(),
        outputs: scan_pairs(outputs, keys),
    }
}

/// ECS: the latest active revision of each task definition family, environments scanned,
/// item by item: a definition that cannot be read leaves its family listed, its containers
/// missing.
pub(crate) async fn ecs(c: &Collector, r: &RegionCtx, client: &aws_sdk_ecs::Client) -> EcsData {
    let rec = &c.recorder("ecs", &r.name);
    let read = rec
        .list_each(
            "ecs:ListTaskDefinitionFamilies",
            items!(client
                .list_task_definition_families()
                .status(aws_sdk_ecs::types::TaskDefinitionFamilyStatus::Active)),
            |family| async move {
                let read = rec
                    .call(
                        "ecs:DescribeTaskDefinition",
                        request!(client.describe_task_definition().task_definition(&family)),
                        |out| {
                            out.task_definition()
                                .map(|td| task_definition(td, rec.found_keys()))
                        },
                    )
                    .await;
                match read {
                    Collected::Ok(def) => def,
                    Collected::Missing(g) => Some(TaskDefinition {
                        arn: r.arn("ecs", &format!("task-definition/{family}")),
                        family,
                        revision: 0,
                        containers: Collected::Missing(g),
                    }),
                }
            },
        )
        .await;
    EcsData {
        task_definitions: read.map(|list| {
            let mut defs: Vec<TaskDefinition> = list.into_iter().flatten().collect();
            defs.sort_by(|a, b| a.family.cmp(&b.family));
            defs
        }),
    }
}

fn task_definition(td: &aws_sdk_ecs::types::TaskDefinition, keys: &FoundKeyIds) -> TaskDefinition {
    TaskDefinition {
        arn: s(td.task_definition_arn()),
        family: s(td.family()),
        revision: td.revision(),
        containers: Collected::Ok(
            td.container_definitions()
                .iter()
                .map(|cd| {
                    let mut vars: Vec<(&str, &str)> = cd
                        .environment()
                        .iter()
                        .map(|kv| (kv.name().unwrap_or(""), kv.value().unwrap_or("")))
                        .collect();
                    vars.sort();
                    ContainerDefinition {
                        name: s(cd.name()),
                        environment_keys: vars.iter().map(|(k, _)| (*k).to_owned()).collect(),
                        environment: scan_pairs(vars.iter().copied(), keys),
                        secret_refs: cd.secrets().iter().map(|x| x.name().to_owned()).collect(),
                        privileged: cd.privileged().unwrap_or(false),
                    }
                })
                .collect(),
        ),
    }
}

/// SSM parameters of a region: metadata only, never values.
pub(crate) async fn ssm(c: &Collector, r: &RegionCtx, client: &aws_sdk_ssm::Client) -> SsmData {
    let parameters = c
        .recorder("ssm", &r.name)
        .call(
            "ssm:DescribeParameters",
            pages!(client.describe_parameters()),
            |pages| {
                pages
                    .iter()
                    .flat_map(|page| page.parameters())
                    .map(|p| {
                        let name = s(p.name());
                        SsmParameter {
                            arn: p.arn().map(str::to_owned).unwrap_or_else(|| {
                                r.arn(
                                    "ssm",
                                    &format!("parameter/{}", name.trim_start_matches('/')),
                                )
                            }),
                            name,
                            kind: p
                                .r#type()
                                .map(|t| t.as_str().to_owned())
                                .unwrap_or_default(),
                            last_modified: time(p.last_modified_date()),
                        }
                    })
                    .collect()
            },
        )
        .await;
    SsmData { parameters }
}

/// Load balancers of a region with listeners, attributes and tags.
pub(crate) async fn elbv2(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_elasticloadbalancingv2::Client,
) -> Elbv2Data {
    let rec = &c.recorder("elasticloadbalancing", &r.name);
    let lbs = rec
        .list_each(
            "elasticloadbalancing:DescribeLoadBalancers",
            items!(client.describe_load_balancers()),
            |lb| async move {
                let arn = s(lb.load_balancer_arn());
                let listeners = rec.call(
                    "elasticloadbalancing:DescribeListeners",
                    request!(client.describe_listeners().load_balancer_arn(&arn)),
                    |out| {
                        out.listeners()
                            .iter()
                            .map(|l| {
                                let actions = l.default_actions();
                                Listener {
                                    arn: s(l.listener_arn()),
                                    port: l.port().unwrap_or(0),
                                    protocol: l
                                        .protocol()
                                        .map(|p| p.as_str().to_owned())
                                        .unwrap_or_default(),
                                    ssl_policy: l.ssl_policy().map(str::to_owned),
                                    redirects_to_https: !actions.is_empty()
                                        && actions.iter().all(|a| {
                                            a.redirect_config()
                                                .and_then(|rc| rc.protocol())
                                                .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
                                        }),
                                }
                            })
                            .collect()
                    },
                );
                let attributes = rec.call(
                    "elasticloadbalancing:DescribeLoadBalancerAttributes",
                    request!(client
                        .describe_load_balancer_attributes()
                        .load_balancer_arn(&arn)),
                    |out| {
                        out.attributes()
                            .iter()
                            .map(|a| (s(a.key()), s(a.value())))
                            .collect()
                    },
                );
                let (listeners, attributes) = tokio::join!(listeners, attributes);
                LoadBalancer {
                    name: s(lb.load_balancer_name()),
                    arn,
                    kind: lb
                        .r#type()
                        .map(|t| t.as_str().to_owned())
                        .unwrap_or_default(),
                    scheme: lb
                        .scheme()
                        .map(|t| t.as_str().to_owned())
                        .unwrap_or_default(),
                    vpc_id: lb.vpc_id().map(str::to_owned),
                    subnet_ids: lb
                        .availability_zones()
                        .iter()
                        .filter_map(|z| z.subnet_id().map(str::to_owned))
                        .collect(),
                    security_group_ids: lb.security_groups().to_vec(),
                    listeners,
                    attributes,
                    tags: Vec::new(),
                }
            },
        )
        .await;
    let Collected::Ok(mut lbs) = lbs else {
        return Elbv2Data {
            load_balancers: lbs,
        };
    };
    // Tags of up to 20 load balancers per DescribeTags (issue 10). They only name a load
    // balancer for mutelist rules: without them it is still judged (the gap is recorded).
    let arns: Vec<String> = lbs.iter().map(|lb| lb.arn.clone()).collect();
    let batches: Vec<Vec<String>> = arns.chunks(TAGS_PER_CALL).map(<[_]>::to_vec).collect();
    let tagged: Vec<Collected<Vec<TagsOf>>> = rec
        .each(batches, |batch| async move {
            rec.call(
                "elasticloadbalancing:DescribeTags",
                request!(client.describe_tags().set_resource_arns(Some(batch))),
                |out| {
                    out.tag_descriptions()
                        .iter()
                        .map(|d| {
                            (
                                s(d.resource_arn()),
                                d.tags()
                                    .iter()
                                    .map(|t| Tag::new(s(t.key()), s(t.value())))
                                    .collect(),
                            )
                        })
                        .collect()
                },
            )
            .await
        })
        .await;
    let mut tags: std::collections::HashMap<String, Vec<Tag>> = tagged
        .into_iter()
        .filter_map(|c| c.ok().cloned())
        .flatten()
        .collect();
    for lb in &mut lbs {
        lb.tags = tags.remove(&lb.arn).unwrap_or_default();
    }
    lbs.sort_by(|a, b| a.name.cmp(&b.name));
    Elbv2Data {
        load_balancers: Collected::Ok(lbs),
    }
}

/// A load balancer's ARN and its tags.
type TagsOf = (String, Vec<Tag>);

/// Load balancers whose tags one `DescribeTags` reads (the API's limit).
const TAGS_PER_CALL: usize = 20;
