//! `vpc_flow_logs_enabled`: every VPC has a flow log.

use crate::checks::ec2::{label, name_tag};
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "vpc_flow_logs_enabled",
    title: "Every VPC has flow logging enabled",
    service: "vpc",
    severity: Severity::Medium,
    what: "Whether a flow log is attached to each VPC itself (DescribeFlowLogs, resource id \
           equal to the VPC id). Flow logs on single subnets or interfaces do not count. The \
           reason gives each flow log's status, traffic type and destination.",
    why: "Flow logs record which addresses talked to which on which ports, accepted or \
          rejected. Without them there is no way to see scanning, data leaving the VPC or \
          the reach of a compromised instance after the fact.",
    fix: "aws ec2 create-flow-logs --region <REGION> --resource-type VPC --resource-ids \
          <VPC_ID> --traffic-type REJECT --log-destination-type cloud-watch-logs \
          --log-group-name <LOG_GROUP_NAME> --deliver-logs-permission-arn <DELIVERY_ROLE_ARN>",
    references: &[
        "CIS AWS Foundations v7.0 4.7",
        "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
    ],
    cis: &["4.7"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let account = &ctx.inventory.account;
    let mut findings = Vec::new();
    for (region, data) in ctx.regions() {
        let ec2 = &data.ec2;
        let gap_resource = ctx.region_resource("ec2", region);
        findings.extend(ctx.over(&META, region, &gap_resource, &ec2.vpcs, |vpc| {
            let arn = format!(
                "arn:{}:ec2:{region}:{}:vpc/{}",
                account.partition, account.id, vpc.id
            );
            let f = ctx.finding(&META, region, arn);
            let name = label(&vpc.id, name_tag(&vpc.tags));
            let logs = match ec2.flow_logs.get() {
                Ok(logs) => logs,
                Err(gap) => {
                    return f.error_reason(format!(
                        "could not be evaluated: the flow logs of {name} could not be listed: {}",
                        gap.describe()
                    ))
                }
            };
            let own: Vec<String> = logs
                .iter()
                .filter(|l| l.resource_id == vpc.id)
                .map(|l| {
                    format!(
                        "{} ({}, {} traffic to {})",
                        l.id, l.status, l.traffic_type, l.destination_type
                    )
                })
                .collect();
            if own.is_empty() {
                f.fail(format!("{name} has no flow log"))
            } else {
                f.pass(format!("{name} has flow log(s) {}", own.join(", ")))
            }
        }));
    }
    findings
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Creates a flow log of all traffic of the VPC (CreateFlowLogs) into a CloudWatch Logs \
          group `/rampart/vpc-flow-logs/<vpc>` kept 365 days, delivered by an IAM role \
          `rampart-vpc-flow-logs` created once for the account when the snapshot shows no \
          role of that name. Safe; starts CloudWatch Logs billing.",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Iam],
};

/// Name of the IAM role flow logs deliver with.
const ROLE_NAME: &str = "rampart-vpc-flow-logs";

/// Name of the role's inline policy.
const ROLE_POLICY: &str = "deliver-flow-logs";

/// The state of a step's resource: the delivery role (planning again gives no role step
/// once it exists), or the flow logs of a VPC (in the shape of [`vpc_state`]).
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    if step.resource.ends_with(&format!(":role/{ROLE_NAME}")) {
        let roles = ctx.inventory.iam.roles.get().map_err(|gap| {
            NotFixable::gap("the IAM roles (for the flow log delivery role)", gap)
        })?;
        return Ok(role_state(roles.iter().find(|r| r.name == ROLE_NAME)));
    }
    let region = step.region.as_str();
    let ec2 = &crate::fix::region_data(ctx, region)?.ec2;
    let vpc_id = step
        .resource
        .rsplit_once(":vpc/")
        .map(|(_, id)| id)
        .ok_or_else(|| NotFixable::new(format!("{} names no VPC", step.resource)))?;
    vpc_state(ec2, region, vpc_id)
}

/// The delivery role and its inline policies' names, or `null` when it does not exist.
fn role_state(role: Option<&rampart_inventory::Role>) -> serde_json::Value {
    serde_json::json!({"Role": role.map(|r| {
        let mut policies: Vec<&str> = r.inline_policies.iter().map(|p| p.name.as_str()).collect();
        policies.sort_unstable();
        serde_json::json!({"RoleName": r.name, "PolicyNames": policies})
    })})
}

/// The flow logs attached to the VPC itself, each as its traffic type and destination
/// type, sorted (their ids and status are left out: a new flow log's id is only known once
/// it is created).
fn vpc_state(
    ec2: &rampart_inventory::Ec2Data,
    region: &str,
    vpc_id: &str,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    let logs = ec2
        .flow_logs
        .get()
        .map_err(|gap| crate::fix::NotFixable::gap(&format!("the flow logs of {region}"), gap))?;
    let mut own: Vec<serde_json::Value> = logs
        .iter()
        .filter(|l| l.resource_id == vpc_id)
        .map(|l| {
            serde_json::json!({"TrafficType": l.traffic_type, "LogDestinationType": l.destination_type})
        })
        .collect();
    own.sort_by_key(|v| v.to_string());
    Ok(serde_json::json!({"FlowLogs": own}))
}

/// The steps for a VPC without a flow log: the delivery role (when absent), then the flow
/// log.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{logical_id, Call, NotFixable, Risk, Step};
    use serde_json::json;
    let account = &ctx.inventory.account;
    let region = finding.region.as_str();
    let ec2 = &crate::fix::region_data(ctx, region)?.ec2;
    let vpcs = ec2
        .vpcs
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the VPCs of {region}"), gap))?;
    let vpc = vpcs
        .iter()
        .find(|v| finding.resource.ends_with(&format!(":vpc/{}", v.id)))
        .ok_or_else(|| NotFixable::new(format!("{} is not in the snapshot", finding.resource)))?;
    let roles =
        ctx.inventory.iam.roles.get().map_err(|gap| {
            NotFixable::gap("the IAM roles (for the flow log delivery role)", gap)
        })?;
    let role_arn = format!(
        "arn:{}:iam::{}:role/{ROLE_NAME}",
        account.partition, account.id
    );
    let mut steps = Vec::new();
    let mut depends = Vec::new();
    if !roles.iter().any(|r| r.name == ROLE_NAME) {
        let trust = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account.id}},
            }],
        });
        let permissions = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                "Resource": format!("arn:{}:logs:*:{}:log-group:/rampart/vpc-flow-logs/*", account.partition, account.id),
            }],
        });
        let text = |v: &serde_json::Value| {
            serde_json::to_string(&crate::fix::canonical(v.clone())).unwrap_or_default()
        };
        let (trust_text, perm_text) = (text(&trust), text(&permissions));
        let role = Step::new(
            META.id,
            &role_arn,
            "global",
            Risk::Safe,
            "a new role that only the flow logs service can assume",
            vec![
                Call::new("iam", "CreateRole", json!({"RoleName": ROLE_NAME, "AssumeRolePolicyDocument": trust_text})),
                Call::new("iam", "PutRolePolicy", json!({"RoleName": ROLE_NAME, "PolicyName": ROLE_POLICY, "PolicyDocument": perm_text})),
            ],
        )
        .states(role_state(None), json!({"Role": {"RoleName": ROLE_NAME, "PolicyNames": [ROLE_POLICY]}}))
        .cli(&[
            &["aws", "iam", "create-role", "--role-name", ROLE_NAME, "--assume-role-policy-document", &trust_text],
            &["aws", "iam", "put-role-policy", "--role-name", ROLE_NAME, "--policy-name", ROLE_POLICY, "--policy-document", &perm_text],
        ])
        .terraform(format!(
            "resource \"aws_iam_role\" \"rampart_vpc_flow_logs\" {{\n  name               = {}\n  assume_role_policy = {}\n}}\n\nresource \"aws_iam_role_policy\" \"rampart_vpc_flow_logs\" {{\n  name   = \"deliver-flow-logs\"\n  role   = aws_iam_role.rampart_vpc_flow_logs.id\n  policy = {}\n}}\n",
            hcl_string(ROLE_NAME), hcl_string(&trust_text), hcl_string(&perm_text)
        ))
        .undo(format!("aws iam delete-role-policy --role-name {ROLE_NAME} --policy-name {ROLE_POLICY}, then aws iam delete-role --role-name {ROLE_NAME}, once the flow log steps that deliver with it are undone; nothing is lost"))
        .undo_calls(vec![
            Call::new("iam", "DeleteRolePolicy", json!({"RoleName": ROLE_NAME, "PolicyName": ROLE_POLICY})),
            Call::new("iam", "DeleteRole", json!({"RoleName": ROLE_NAME})),
        ]);
        depends.push(role.stable_id());
        steps.push(role);
    }
    // In Terraform the role is referenced when this plan creates it, so that Terraform
    // creates it first; otherwise by its ARN.
    let tf_role = if depends.is_empty() {
        hcl_string(&role_arn)
    } else {
        "aws_iam_role.rampart_vpc_flow_logs.arn".to_owned()
    };
    let before = vpc_state(ec2, region, &vpc.id)?;
    let group = format!("/rampart/vpc-flow-logs/{}", vpc.id);
    let alias = provider_alias(region);
    let tf = logical_id("flow_log_", &finding.resource);
    let cfn_id = logical_id("RampartFlowLog", &finding.resource);
    let cfn_group = logical_id("RampartFlowLogGroup", &finding.resource);
    steps.push(
        Step::new(
            META.id,
            &finding.resource,
            region,
            Risk::Safe,
            "a flow log only records traffic metadata; it does not alter traffic",
            vec![
                Call::new("logs", "CreateLogGroup", json!({"logGroupName": group})),
                Call::new("logs", "PutRetentionPolicy", json!({"logGroupName": group, "retentionInDays": 365})),
                Call::new("ec2", "CreateFlowLogs", json!({
                    "ResourceIds": [vpc.id],
                    "ResourceType": "VPC",
                    "TrafficType": "ALL",
                    "LogDestinationType": "cloud-watch-logs",
                    "LogGroupName": group,
                    "DeliverLogsPermissionArn": role_arn,
                })),
            ],
        )
        .after_steps(depends)
        .states(before, json!({"FlowLogs": [{"TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"}]}))
        .cli(&[
            &["aws", "logs", "create-log-group", "--region", region, "--log-group-name", &group],
            &["aws", "logs", "put-retention-policy", "--region", region, "--log-group-name", &group, "--retention-in-days", "365"],
            &["aws", "ec2", "create-flow-logs", "--region", region, "--resource-type", "VPC", "--resource-ids", &vpc.id, "--traffic-type", "ALL", "--log-destination-type", "cloud-watch-logs", "--log-group-name", &group, "--deliver-logs-permission-arn", &role_arn],
        ])
        .cloudformation(json!({
            cfn_group.clone(): {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": group, "RetentionInDays": 365}},
            cfn_id: {"Type": "AWS::EC2::FlowLog", "Properties": {
                "ResourceId": vpc.id, "ResourceType": "VPC", "TrafficType": "ALL",
                "LogDestinationType": "cloud-watch-logs", "LogGroupName": {"Ref": cfn_group},
                "DeliverLogsPermissionArn": role_arn,
            }},
        }))
        .terraform(format!(
            "resource \"aws_cloudwatch_log_group\" \"{tf}\" {{\n  provider          = aws.{alias}\n  name              = {g}\n  retention_in_days = 365\n}}\n\nresource \"aws_flow_log\" \"{tf}\" {{\n  provider        = aws.{alias}\n  vpc_id          = {v}\n  traffic_type    = \"ALL\"\n  log_destination = aws_cloudwatch_log_group.{tf}.arn\n  iam_role_arn    = {r}\n}}\n",
            g = hcl_string(&group), v = hcl_string(&vpc.id), r = tf_role
        ))
        .billing(format!("starts CloudWatch Logs billing in {region}: flow log ingestion (vended logs, per GB) and storage for 365 days"))
        .undo(format!("aws ec2 delete-flow-logs --region {region} --flow-log-ids <the id CreateFlowLogs returned>, then aws logs delete-log-group --region {region} --log-group-name {group}, which drops the recorded traffic"))
        .undo_calls(vec![
            Call::new("ec2", "DeleteFlowLogs", json!({"FlowLogIds": crate::fix::response_ref(2, "FlowLogIds")})),
            Call::new("logs", "DeleteLogGroup", json!({"logGroupName": group})),
        ])
        .undo_loses(format!("the traffic of {} recorded in log group {group}", vpc.id)),
    );
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::testing::{ec2, flow_log, name, vpc};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::{Collected, Vpc};

    // CIS 4.7: a VPC with its own flow log passes (status noted), one whose only flow log is
    // on a subnet fails.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.vpcs = Collected::Ok(vec![
            Vpc {
                tags: name("prod"),
                ..vpc("vpc-01")
            },
            vpc("vpc-02"),
            vpc("vpc-03"),
        ]);
        ec2.flow_logs = Collected::Ok(vec![
            flow_log("fl-01", "vpc-01", "ACTIVE"),
            flow_log("fl-02", "subnet-0abc", "ACTIVE"),
            flow_log("fl-03", "vpc-03", "FAILED"),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // CIS 4.7: flow logs that could not be listed make every VPC an ERROR, and VPCs that
    // could not be listed give one ERROR for the region.
    #[test]
    fn errors() {
        let mut fx = Fixture::new();
        let ec2 = ec2(&mut fx);
        ec2.vpcs = Collected::Ok(vec![vpc("vpc-01")]);
        ec2.flow_logs = Collected::Missing(denied("ec2:DescribeFlowLogs"));
        insta::assert_json_snapshot!("flow_logs_missing", run_check(&CHECK, &fx.inv));

        fx.region("us-east-1").ec2.vpcs = Collected::Missing(denied("ec2:DescribeVpcs"));
        insta::assert_json_snapshot!("vpcs_missing", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::ec2::testing::{ec2, flow_log, vpc};
    use crate::checks::fixtures::{denied, Fixture};
    use crate::fix::{render, response_ref, testing::assert_states, testing::plan_for};
    use crate::Settings;
    use rampart_inventory::{Collected, FlowLog, InlinePolicy, Role};
    use serde_json::json;

    // Issue 14: two VPCs without flow logs share one delivery-role step, which comes first
    // and which both flow-log steps depend on; a VPC with a flow log gets none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        let e = ec2(&mut fx);
        e.vpcs = Collected::Ok(vec![vpc("vpc-01"), vpc("vpc-02"), vpc("vpc-03")]);
        e.flow_logs = Collected::Ok(vec![flow_log("fl-01", "vpc-03", "ACTIVE")]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 3, "{plan:#?}");
        assert_eq!(plan.steps[0].calls[0].operation, "CreateRole");
        for s in &plan.steps[1..] {
            assert_eq!(s.depends_on, [plan.steps[0].id.clone()]);
            assert!(s.billing.is_some());
        }
        assert!(!plan.steps.iter().any(|s| s.resource.ends_with("vpc-03")));
        insta::assert_snapshot!("fix_step", render::json(&plan));

        // The role exists already: no role step, no dependency.
        fx.inv.iam.roles = Collected::Ok(vec![Role {
            name: "rampart-vpc-flow-logs".into(),
            ..Default::default()
        }]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2);
        assert!(plan.steps.iter().all(|s| s.depends_on.is_empty()));
    }

    // Issue 14: the states `rampart fix --apply` and `rampart undo` compare. Before: no
    // role, no flow log on the VPC (a subnet's does not count). After, as a rescan shows it:
    // the role with its inline policy (planning again would give no role step), and a flow
    // log of all traffic to CloudWatch Logs under a new id. Undo deletes the flow log by the
    // id CreateFlowLogs returns, then the log group (which loses the records), and the role.
    #[test]
    fn fix_states_and_undo() {
        let mut fx = Fixture::new();
        let e = ec2(&mut fx);
        e.vpcs = Collected::Ok(vec![vpc("vpc-01")]);
        e.flow_logs = Collected::Ok(vec![flow_log("fl-sub", "subnet-01", "ACTIVE")]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 2, "{plan:#?}");
        let mut fixed = Fixture::new();
        let e = ec2(&mut fixed);
        e.vpcs = Collected::Ok(vec![vpc("vpc-01")]);
        e.flow_logs = Collected::Ok(vec![
            flow_log("fl-sub", "subnet-01", "ACTIVE"),
            FlowLog {
                deliver_logs_status: None,
                ..flow_log("fl-0a1b2c3d4e5f67890", "vpc-01", "ACTIVE")
            },
        ]);
        fixed.inv.iam.roles = Collected::Ok(vec![Role {
            name: "rampart-vpc-flow-logs".into(),
            arn: "arn:aws:iam::111122223333:role/rampart-vpc-flow-logs".into(),
            inline_policies: vec![InlinePolicy {
                name: "deliver-flow-logs".into(),
                document: json!({"Version": "2012-10-17", "Statement": []}),
            }],
            ..Default::default()
        }]);
        for step in &plan.steps {
            assert_states(&Settings::default(), &fx.inv, &fixed.inv, step);
        }
        let ops = |s: &crate::fix::Step| -> Vec<String> {
            s.undo_calls.iter().map(|c| c.operation.clone()).collect()
        };
        assert_eq!(ops(&plan.steps[0]), ["DeleteRolePolicy", "DeleteRole"]);
        let flow = &plan.steps[1];
        assert_eq!(ops(flow), ["DeleteFlowLogs", "DeleteLogGroup"]);
        assert_eq!(flow.calls[2].operation, "CreateFlowLogs");
        assert_eq!(
            flow.undo_calls[0].params["FlowLogIds"],
            response_ref(2, "FlowLogIds")
        );
        assert_eq!(
            flow.undo_calls[1].params["logGroupName"],
            "/rampart/vpc-flow-logs/vpc-01"
        );
        assert!(flow
            .undo_loses
            .as_deref()
            .is_some_and(|l| l.contains("vpc-01")));
        assert!(plan.steps[0].undo_loses.is_none());
    }

    // Issue 14: whether the delivery role exists is unknown: not planned.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        ec2(&mut fx).vpcs = Collected::Ok(vec![vpc("vpc-01")]);
        fx.inv.iam.roles = Collected::Missing(denied("iam:ListRoles"));
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0].reason.contains("iam:ListRoles"));
    }
}
