//! Workloads, per region: Lambda functions, CloudFormation stacks, ECS task definitions and
//! SSM parameters (their configuration scanned for secrets, only redacted matches kept), and
//! Elastic Load Balancing v2 load balancers with listeners and attributes.

use crate::sdk::{gap, policy_document, s, time};
use crate::secrets::scan;
use crate::{Collector, RegionCtx};
use futures::StreamExt;
use rampart_inventory::*;

/// `NAME=value` lines for a list of pairs, the text the secret detectors read.
fn key_value_text<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut text = String::new();
    for (k, v) in pairs {
        // One line per variable: a value's own line breaks are flattened so that line
        // numbers keep naming the variable.
        text.push_str(k);
        text.push('=');
        text.push_str(&v.replace(['\n', '\r'], " "));
        text.push('\n');
    }
    text.into_bytes()
}

/// Lambda functions of a region, environments scanned, policies read.
pub(crate) async fn lambda(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_lambda::Client,
) -> LambdaData {
    const SERVICE: &str = "lambda";
    let res = client
        .list_functions()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let list = match res {
        Ok(l) => l,
        Err(e) => {
            return LambdaData {
                functions: c.missing(SERVICE, &r.name, gap("lambda:ListFunctions", &e)),
            }
        }
    };
    let mut functions = futures::stream::iter(list)
        .map(|f| async move {
            let name = s(f.function_name());
            let mut vars: Vec<(&str, &str)> = f
                .environment()
                .and_then(|e| e.variables())
                .map(|m| m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
                .unwrap_or_default();
            vars.sort();
            let environment = scan(&key_value_text(vars.iter().copied()));
            let res = client.get_policy().function_name(&name).send().await;
            let policy = c.record_optional(
                SERVICE,
                &r.name,
                "lambda:GetPolicy",
                res,
                &["ResourceNotFoundException"],
                |out| {
                    out.policy()
                        .filter(|p| !p.trim().is_empty())
                        .map(|p| policy_document(Some(p)))
                },
            );
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
                last_modified: f.last_modified().map(str::to_owned),
            }
        })
        .buffer_unordered(c.item_concurrency)
        .collect::<Vec<_>>()
        .await;
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    LambdaData {
        functions: Collected::Ok(functions),
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
    const SERVICE: &str = "cloudformation";
    let res = client
        .describe_stacks()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let list = match res {
        Ok(l) => l,
        Err(e) => {
            return CloudFormationData {
                stacks: c.missing(SERVICE, &r.name, gap("cloudformation:DescribeStacks", &e)),
            }
        }
    };
    let mut stacks = futures::stream::iter(list.into_iter().filter(|st| {
        st.stack_status()
            .is_none_or(|v| v.as_str() != "DELETE_COMPLETE")
    }))
    .map(|st| async move {
        let id = s(st.stack_id());
        let summary = client.get_template_summary().stack_name(&id).send().await;
        let no_echo: Vec<String> = match summary {
            Ok(out) => out
                .parameters()
                .iter()
                .filter(|p| p.no_echo().unwrap_or(false))
                .filter_map(|p| p.parameter_key().map(str::to_owned))
                .collect(),
            Err(e) => {
                // Without the template, NoEcho parameters are still known by their masked
                // values; the gap is recorded.
                c.ledger.error(
                    SERVICE,
                    &r.name,
                    &gap("cloudformation:GetTemplateSummary", &e),
                );
                Vec::new()
            }
        };
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
            arn: id.clone(),
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
            parameter_values: scan(&key_value_text(
                params
                    .iter()
                    .filter(|(_, _, hidden)| !hidden)
                    .map(|(k, v, _)| (*k, *v)),
            )),
            output_keys: outputs.iter().map(|(k, _)| (*k).to_owned()).collect(),
            outputs: scan(&key_value_text(outputs.into_iter())),
        }
    })
    .buffer_unordered(c.item_concurrency)
    .collect::<Vec<_>>()
    .await;
    stacks.sort_by(|a, b| a.name.cmp(&b.name));
    CloudFormationData {
        stacks: Collected::Ok(stacks),
    }
}

/// ECS: the latest active revision of each task definition family, environments scanned.
pub(crate) async fn ecs(c: &Collector, r: &RegionCtx, client: &aws_sdk_ecs::Client) -> EcsData {
    const SERVICE: &str = "ecs";
    let res = client
        .list_task_definition_families()
        .status(aws_sdk_ecs::types::TaskDefinitionFamilyStatus::Active)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let families = match res {
        Ok(l) => l,
        Err(e) => {
            return EcsData {
                task_definitions: c.missing(
                    SERVICE,
                    &r.name,
                    gap("ecs:ListTaskDefinitionFamilies", &e),
                ),
            }
        }
    };
    let read = futures::stream::iter(families)
        .map(|family| async move {
            let res = client
                .describe_task_definition()
                .task_definition(&family)
                .send()
                .await;
            match res {
                Ok(out) => Ok(out.task_definition().map(task_definition)),
                Err(e) => Err(gap("ecs:DescribeTaskDefinition", &e)),
            }
        })
        .buffer_unordered(c.item_concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut defs = Vec::new();
    for item in read {
        match item {
            Ok(Some(d)) => defs.push(d),
            Ok(None) => {}
            // A definition that could not be read leaves the list incomplete: the checks
            // must not pass it.
            Err(g) => {
                return EcsData {
                    task_definitions: c.missing(SERVICE, &r.name, g),
                }
            }
        }
    }
    defs.sort_by(|a, b| a.family.cmp(&b.family));
    EcsData {
        task_definitions: Collected::Ok(defs),
    }
}

fn task_definition(td: &aws_sdk_ecs::types::TaskDefinition) -> TaskDefinition {
    TaskDefinition {
        arn: s(td.task_definition_arn()),
        family: s(td.family()),
        revision: td.revision(),
        containers: td
            .container_definitions()
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
                    environment: scan(&key_value_text(vars.iter().copied())),
                    secret_refs: cd.secrets().iter().map(|x| x.name().to_owned()).collect(),
                    privileged: cd.privileged().unwrap_or(false),
                }
            })
            .collect(),
    }
}

/// SSM parameters of a region: metadata only, never values.
pub(crate) async fn ssm(c: &Collector, r: &RegionCtx, client: &aws_sdk_ssm::Client) -> SsmData {
    let res = client
        .describe_parameters()
        .into_paginator()
        .send()
        .try_collect()
        .await;
    let parameters = c.record("ssm", &r.name, "ssm:DescribeParameters", res, |pages| {
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
    });
    SsmData { parameters }
}

/// Load balancers of a region with listeners, attributes and tags.
pub(crate) async fn elbv2(
    c: &Collector,
    r: &RegionCtx,
    client: &aws_sdk_elasticloadbalancingv2::Client,
) -> Elbv2Data {
    const SERVICE: &str = "elasticloadbalancing";
    let res = client
        .describe_load_balancers()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let list = match res {
        Ok(l) => l,
        Err(e) => {
            return Elbv2Data {
                load_balancers: c.missing(
                    SERVICE,
                    &r.name,
                    gap("elasticloadbalancing:DescribeLoadBalancers", &e),
                ),
            }
        }
    };
    let mut lbs = futures::stream::iter(list)
        .map(|lb| async move {
            let arn = s(lb.load_balancer_arn());
            let (listeners, attributes, tags) = tokio::join!(
                client.describe_listeners().load_balancer_arn(&arn).send(),
                client
                    .describe_load_balancer_attributes()
                    .load_balancer_arn(&arn)
                    .send(),
                client.describe_tags().resource_arns(&arn).send(),
            );
            let listeners = c.record(
                SERVICE,
                &r.name,
                "elasticloadbalancing:DescribeListeners",
                listeners,
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
            let attributes = c.record(
                SERVICE,
                &r.name,
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                attributes,
                |out| {
                    out.attributes()
                        .iter()
                        .map(|a| (s(a.key()), s(a.value())))
                        .collect()
                },
            );
            let tags = match tags {
                Ok(out) => out
                    .tag_descriptions()
                    .iter()
                    .flat_map(|d| d.tags())
                    .map(|t| Tag {
                        key: s(t.key()),
                        value: s(t.value()),
                    })
                    .collect(),
                Err(e) => {
                    c.ledger.error(
                        SERVICE,
                        &r.name,
                        &gap("elasticloadbalancing:DescribeTags", &e),
                    );
                    Vec::new()
                }
            };
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
                tags,
            }
        })
        .buffer_unordered(c.item_concurrency)
        .collect::<Vec<_>>()
        .await;
    lbs.sort_by(|a, b| a.name.cmp(&b.name));
    Elbv2Data {
        load_balancers: Collected::Ok(lbs),
    }
}
