//! `rampart fix`: a plan of API calls that would turn the failing findings of a scan into
//! passing ones, made by a pure function over the inventory and the findings. Nothing here
//! writes to an account; applying a plan is the binary's job (see `docs/fix.md`).
//!
//! Each fixer lives in its check's file, beside the check's `CheckMeta`, as
//! `pub(crate) fn fix(ctx, finding) -> Result<Vec<Step>, NotFixable>`; [`fixers`] registers
//! them. Renderers for `--format json|sh|terraform|cloudformation` are in [`render`].

pub mod render;

use crate::checks;
use crate::{CheckMeta, Context, Finding, Inventory, Settings, Status};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The version of the plan's JSON shape. Bump it when a field changes meaning or goes away.
pub const PLAN_SCHEMA: u32 = 1;

/// Whether a step can break something that runs today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Nothing that runs today can break: the step adds a control or tightens a setting
    /// that, as the snapshot shows the resource, nothing relies on being loose.
    Safe,
    /// May cut off traffic or a user; applied only with `--include-disruptive`.
    Disruptive,
}

impl Risk {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Disruptive => "disruptive",
        }
    }
}

/// One AWS API call, as the AWS API reference names it: `service` is the SDK's service
/// (`s3`, `s3control`, `guardduty`, ...), `operation` the API action in PascalCase, and
/// `params` the action's input with the reference's PascalCase member names, so that each
/// maps one to one to an SDK fluent call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// SDK service name.
    pub service: String,
    /// API action (`PutPublicAccessBlock`).
    pub operation: String,
    /// Input members (`{"Bucket": "...", "PublicAccessBlockConfiguration": {...}}`).
    pub params: Value,
}

impl Call {
    /// A call of `operation` on `service` with `params`.
    pub fn new(service: &str, operation: &str, params: Value) -> Self {
        Call {
            service: service.to_owned(),
            operation: operation.to_owned(),
            params: canonical(params),
        }
    }
}

/// One change to one resource: the calls that make it, the state before and after, and
/// how to review, reproduce and undo it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Stable id: a hash of the check, resource, region and calls (the same change gives
    /// the same id in every plan).
    pub id: String,
    /// The check whose failing finding the step fixes.
    pub check_id: String,
    /// ARN (or id) of the resource changed, as the finding names it.
    pub resource: String,
    /// Region of the calls, or `global`.
    pub region: String,
    /// Other checks whose failing findings the same calls fix (the password policy is one
    /// call for its length, complexity and reuse checks), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_fixes: Vec<String>,
    /// Safe or disruptive.
    pub risk: Risk,
    /// Why the step has its risk class, naming the fact in the snapshot that decided it.
    pub risk_reason: String,
    /// Ids of steps that must be applied first (such as the IAM role a flow log delivers
    /// with).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// The API calls, in the order they must be made.
    pub calls: Vec<Call>,
    /// The resource's relevant state as the snapshot shows it.
    pub before: Value,
    /// The same state once the step is applied.
    pub after: Value,
    /// The same change as runnable `aws` CLI commands, values shell-quoted.
    pub cli: Vec<String>,
    /// CloudFormation resources (logical id → resource) that express the change, where a
    /// template can (it cannot change a resource it does not manage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation: Option<Value>,
    /// Terraform HCL that expresses the change, where it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
    /// What the step starts billing for, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<String>,
    /// How the step is undone, and what undoing it loses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<String>,
    /// The calls that restore `before`, in order (`rampart undo` makes them). A value
    /// `{"$response": {"call": N, "member": "A.B"}}` in their params stands for the member
    /// `A.B` of the response to this step's `N`-th call, as recorded when it was applied (a
    /// created detector's id). Empty when the step cannot be undone by API calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undo_calls: Vec<Call>,
    /// What undoing the step loses (a detector's findings, a log group's records), when it
    /// loses anything: `rampart undo` asks first, or needs `--yes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo_loses: Option<String>,
}

impl Step {
    /// A step of `check_id` on `resource` in `region`; the id is set when the plan is made.
    pub(crate) fn new(
        check_id: &str,
        resource: impl Into<String>,
        region: &str,
        risk: Risk,
        risk_reason: impl Into<String>,
        calls: Vec<Call>,
    ) -> Self {
        Step {
            id: String::new(),
            check_id: check_id.to_owned(),
            resource: resource.into(),
            region: region.to_owned(),
            also_fixes: Vec::new(),
            risk,
            risk_reason: risk_reason.into(),
            depends_on: Vec::new(),
            calls,
            before: Value::Null,
            after: Value::Null,
            cli: Vec::new(),
            cloudformation: None,
            terraform: None,
            billing: None,
            undo: None,
            undo_calls: Vec::new(),
            undo_loses: None,
        }
    }

    /// The stable id of this step's change.
    pub fn stable_id(&self) -> String {
        let mut h = Sha256::new();
        for part in [&self.check_id, &self.resource, &self.region] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        h.update(
            serde_json::to_string(&self.calls)
                .unwrap_or_default()
                .as_bytes(),
        );
        format!("fix-{}", hex::encode(&h.finalize()[..8]))
    }

    /// With the before and after states.
    pub(crate) fn states(mut self, before: Value, after: Value) -> Self {
        self.before = canonical(before);
        self.after = canonical(after);
        self
    }

    /// With CLI commands, each given as its arguments (quoted here).
    pub(crate) fn cli(mut self, commands: &[&[&str]]) -> Self {
        self.cli = commands.iter().map(|c| render::shell_command(c)).collect();
        self
    }

    /// With CloudFormation resources.
    pub(crate) fn cloudformation(mut self, resources: Value) -> Self {
        self.cloudformation = Some(canonical(resources));
        self
    }

    /// With a Terraform snippet.
    pub(crate) fn terraform(mut self, hcl: String) -> Self {
        self.terraform = Some(hcl);
        self
    }

    /// With a billing note.
    pub(crate) fn billing(mut self, note: impl Into<String>) -> Self {
        self.billing = Some(note.into());
        self
    }

    /// With the way to undo it.
    pub(crate) fn undo(mut self, how: impl Into<String>) -> Self {
        self.undo = Some(how.into());
        self
    }

    /// With the calls that restore the before state (see [`Step::undo_calls`];
    /// [`response_ref`] names a value the forward calls return).
    pub(crate) fn undo_calls(mut self, calls: Vec<Call>) -> Self {
        self.undo_calls = calls;
        self
    }

    /// With what undoing the step loses.
    pub(crate) fn undo_loses(mut self, what: impl Into<String>) -> Self {
        self.undo_loses = Some(what.into());
        self
    }

    /// Applied after the steps with these ids (computed with [`Step::stable_id`]).
    pub(crate) fn after_steps(mut self, ids: Vec<String>) -> Self {
        self.depends_on = ids;
        self
    }

    /// This step with its id set.
    pub(crate) fn with_id(mut self) -> Self {
        self.id = self.stable_id();
        self
    }
}

/// A params value taken, when the step is applied, from the response to the step's
/// `call`-th call (0-based): `member` is the response member's path with dots
/// (`KeyMetadata.KeyId`), as the API reference names the members. Usable in later forward
/// calls of the step and in its undo calls.
pub fn response_ref(call: usize, member: &str) -> Value {
    serde_json::json!({"$response": {"call": call, "member": member}})
}

/// If `value` is a [`response_ref`], the call index and member path it names.
pub fn as_response_ref(value: &Value) -> Option<(usize, &str)> {
    let obj = value.as_object()?;
    if obj.len() != 1 {
        return None;
    }
    let inner = obj.get("$response")?.as_object()?;
    let call = usize::try_from(inner.get("call")?.as_u64()?).ok()?;
    Some((call, inner.get("member")?.as_str()?))
}

/// Why a failing finding gets no step: the data the fixer needs is a gap in the snapshot,
/// or the resource is in a state no API call can fix. Never a guess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotFixable(pub String);

impl NotFixable {
    /// The reason, naming the resource and the missing fact.
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        NotFixable(reason.into())
    }

    /// The data at `what` could not be read.
    pub(crate) fn gap(what: &str, gap: &rampart_inventory::Gap) -> Self {
        NotFixable(format!("{what} could not be read: {}", gap.describe()))
    }
}

/// The data of the finding's region, which a regional fixer reads, or why there is none.
pub(crate) fn region_data<'a>(
    ctx: &Context<'a>,
    region: &str,
) -> Result<&'a rampart_inventory::RegionData, NotFixable> {
    ctx.inventory
        .regional
        .get(region)
        .ok_or_else(|| NotFixable::new(format!("region {region} is not in the snapshot")))
}

/// A failing finding the plan has no step for, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotPlanned {
    /// Check id.
    pub check_id: String,
    /// Resource of the finding.
    pub resource: String,
    /// Region of the finding.
    pub region: String,
    /// Why no step was planned.
    pub reason: String,
}

/// The plan for one account's snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`PLAN_SCHEMA`].
    pub schema: u32,
    /// Account id.
    pub account_id: String,
    /// Partition (`aws`, `aws-us-gov`, `aws-cn`).
    pub partition: String,
    /// When the snapshot the plan was made from was collected (the plan's only timestamp).
    pub collected_at: chrono::DateTime<chrono::Utc>,
    /// Steps, ordered by check, region, resource and id; dependencies come first.
    pub steps: Vec<Step>,
    /// Failing findings without a step, ordered by check, region and resource.
    pub not_planned: Vec<NotPlanned>,
}

/// The signature of a fixer: the steps that fix one failing finding of its check.
pub(crate) type FixFn = fn(&Context, &Finding) -> Result<Vec<Step>, NotFixable>;

/// The signature of a fixer's state reader: the current state of a step's resource in the
/// inventory, in the shape of the step's `before` and `after`.
pub(crate) type StateFn = fn(&Context, &Step) -> Result<Value, NotFixable>;

/// A check's fixer and its documentation.
#[derive(Clone)]
pub struct Fixer {
    /// The check it fixes.
    pub meta: &'static CheckMeta,
    /// One or two sentences for the check's documentation: "How rampart fix does it".
    pub how: &'static str,
    /// Plans the steps for one failing finding.
    pub(crate) plan: FixFn,
    /// Reads a step's state from an inventory, when planning again for the step's resource
    /// does not give it (see [`current_state`]).
    pub(crate) state: Option<StateFn>,
    /// The services the fixer reads beyond those its check needs (the EventBridge rules a
    /// GuardDuty route might already be, the IAM roles a flow log role might be): `rampart
    /// fix` collects them too, see [`needs`].
    pub reads: &'static [rampart_inventory::Service],
}

/// The services `rampart fix` reads for a check: those its check needs and those its fixer
/// reads besides. Empty for a check without a fixer.
pub fn needs(check_id: &str) -> std::collections::BTreeSet<rampart_inventory::Service> {
    fixer(check_id)
        .map(|f| f.meta.needs.iter().chain(f.reads).copied().collect())
        .unwrap_or_default()
}

/// Every fixer, ordered by check id.
pub fn fixers() -> &'static [Fixer] {
    static ALL: std::sync::OnceLock<Vec<Fixer>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = checks::fixers();
        all.sort_by_key(|f| f.meta.id);
        all
    })
}

/// The fixer of a check, if it has one.
pub fn fixer(check_id: &str) -> Option<&'static Fixer> {
    fixers().iter().find(|f| f.meta.id == check_id)
}

/// The plan for the active failures (FAIL, not muted) among `findings`, over the inventory
/// they were evaluated on. Pure: the same inventory and the same set of findings, in any
/// order, give the same plan.
pub fn plan(inventory: &Inventory, settings: &Settings, findings: &[Finding]) -> Plan {
    let ctx = Context::new(inventory, settings);
    let mut failing: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.muted.is_none())
        .collect();
    failing.sort_by(|a, b| {
        (&a.check_id, &a.region, &a.resource).cmp(&(&b.check_id, &b.region, &b.resource))
    });
    failing.dedup_by(|a, b| a.id == b.id);
    let mut steps: Vec<Step> = Vec::new();
    let mut not_planned = Vec::new();
    // (id of a step dropped as the same change, id of the step kept in its place): steps
    // that depended on the dropped one depend on the kept one.
    let mut merged: Vec<(String, String)> = Vec::new();
    for finding in failing {
        let outcome = match fixer(&finding.check_id) {
            Some(fixer) => (fixer.plan)(&ctx, finding),
            None => Err(NotFixable::new(format!(
                "rampart fix has no fixer for {} yet",
                finding.check_id
            ))),
        };
        match outcome {
            Ok(new) => {
                for step in new {
                    let step = step.with_id();
                    let same_change = |s: &Step| {
                        s.id == step.id
                            || (s.resource == step.resource
                                && s.region == step.region
                                && s.calls == step.calls)
                    };
                    match steps.iter_mut().find(|s| same_change(s)) {
                        None => steps.push(step),
                        Some(existing) => {
                            if existing.id != step.id {
                                merged.push((step.id.clone(), existing.id.clone()));
                            }
                            if existing.check_id != step.check_id
                                && !existing.also_fixes.contains(&step.check_id)
                            {
                                existing.also_fixes.push(step.check_id);
                                existing.also_fixes.sort();
                            }
                        }
                    }
                }
            }
            Err(NotFixable(reason)) => not_planned.push(NotPlanned {
                check_id: finding.check_id.clone(),
                resource: finding.resource.clone(),
                region: finding.region.clone(),
                reason,
            }),
        }
    }
    for step in &mut steps {
        let mut depends: Vec<String> = Vec::with_capacity(step.depends_on.len());
        for dep in &step.depends_on {
            let kept = merged
                .iter()
                .find(|(dropped, _)| dropped == dep)
                .map_or(dep, |(_, kept)| kept);
            if !depends.contains(kept) {
                depends.push(kept.clone());
            }
        }
        step.depends_on = depends;
    }
    Plan {
        schema: PLAN_SCHEMA,
        account_id: inventory.account.id.clone(),
        partition: inventory.account.partition.clone(),
        collected_at: inventory.collected_at,
        steps: order(absorb(merge_bucket_policies(steps))),
        not_planned,
    }
}

/// The statements of a `{"Policy": ...}` state (none for a bucket without a policy).
fn policy_statements(state: &Value) -> Vec<Value> {
    match state.get("Policy").and_then(|p| p.get("Statement")) {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

/// Whether a step is one PutBucketPolicy writing a whole bucket policy, with `{"Policy":
/// ...}` states (secure transport, the delivery grants of CloudTrail and AWS Config).
fn is_policy_step(step: &Step) -> bool {
    step.calls.len() == 1
        && step.calls[0].service == "s3"
        && step.calls[0].operation == "PutBucketPolicy"
        && step.before.get("Policy").is_some()
        && step.after.get("Policy").is_some()
}

/// Steps with every PutBucketPolicy on one bucket made one: each writes the whole policy, so
/// two would overwrite each other (the second would also find the bucket changed since the
/// plan). The first step, by check, keeps its place; the statements the others add are added
/// after its own, a `Sid` already taken numbered; its command, template and Terraform are
/// written for the merged policy; the others' checks go to `also_fixes`, and what named them
/// (dependencies, Terraform addresses, CloudFormation logical ids) names it.
fn merge_bucket_policies(mut steps: Vec<Step>) -> Vec<Step> {
    steps.sort_by(|a, b| (&a.check_id, &a.id).cmp(&(&b.check_id, &b.id)));
    let mut i = 0;
    while i < steps.len() {
        if !is_policy_step(&steps[i]) {
            i += 1;
            continue;
        }
        let same: Vec<usize> = (i + 1..steps.len())
            .filter(|&j| {
                is_policy_step(&steps[j])
                    && steps[j].resource == steps[i].resource
                    && steps[j].before == steps[i].before
            })
            .collect();
        if same.is_empty() {
            i += 1;
            continue;
        }
        let base_before = policy_statements(&steps[i].before);
        let mut statements = policy_statements(&steps[i].after);
        let mut template = steps[i]
            .cloudformation
            .as_ref()
            .and_then(|c| c.as_object())
            .and_then(|o| o.values().next())
            .and_then(|r| r["Properties"]["PolicyDocument"]["Statement"].as_array())
            .cloned();
        let mut renames: Vec<(String, String)> = Vec::new();
        let keep_cfn = steps[i]
            .cloudformation
            .as_ref()
            .and_then(|c| c.as_object())
            .and_then(|o| o.keys().next().cloned());
        let keep_tf = steps[i].terraform.as_deref().and_then(terraform_label);
        for &j in &same {
            let other = steps[j].clone();
            let added: Vec<Value> = policy_statements(&other.after)
                .into_iter()
                .filter(|s| !base_before.contains(s))
                .collect();
            let other_template: Vec<Value> = other
                .cloudformation
                .as_ref()
                .and_then(|c| c.as_object())
                .and_then(|o| o.values().next())
                .and_then(|r| r["Properties"]["PolicyDocument"]["Statement"].as_array())
                .cloned()
                .unwrap_or_default();
            let skip = other_template.len().saturating_sub(added.len());
            for (n, mut statement) in added.into_iter().enumerate() {
                let mut entry = other_template.get(skip + n).cloned();
                let taken: Vec<&str> = statements
                    .iter()
                    .filter_map(|s| s.get("Sid").and_then(Value::as_str))
                    .collect();
                if let Some(sid) = statement.get("Sid").and_then(Value::as_str) {
                    if taken.contains(&sid) {
                        let free = (2..)
                            .map(|k| format!("{sid}{k}"))
                            .find(|c| !taken.contains(&c.as_str()))
                            .unwrap_or_default();
                        statement["Sid"] = Value::String(free.clone());
                        if let Some(e) = entry.as_mut() {
                            e["Sid"] = Value::String(free);
                        }
                    }
                }
                statements.push(statement);
                if let (Some(t), Some(e)) = (template.as_mut(), entry) {
                    t.push(e);
                }
            }
            if let (Some(from), Some(to)) = (
                other
                    .cloudformation
                    .as_ref()
                    .and_then(|c| c.as_object())
                    .and_then(|o| o.keys().next().cloned()),
                keep_cfn.clone(),
            ) {
                renames.push((from, to));
            }
            if let (Some(from), Some(to)) = (
                other.terraform.as_deref().and_then(terraform_label),
                keep_tf.clone(),
            ) {
                renames.push((
                    format!("aws_s3_bucket_policy.{from}"),
                    format!("aws_s3_bucket_policy.{to}"),
                ));
            }
            let base = &mut steps[i];
            for check in std::iter::once(&other.check_id).chain(&other.also_fixes) {
                if *check != base.check_id && !base.also_fixes.contains(check) {
                    base.also_fixes.push(check.clone());
                }
            }
            if other.risk > base.risk {
                base.risk = other.risk;
            }
            base.risk_reason = format!("{}; {}", base.risk_reason, other.risk_reason);
            for d in other.depends_on {
                if !base.depends_on.contains(&d) {
                    base.depends_on.push(d);
                }
            }
        }
        let base = &mut steps[i];
        base.also_fixes.sort();
        let mut policy = base.after["Policy"].clone();
        policy["Statement"] = Value::Array(statements);
        let policy = canonical(policy);
        let text = serde_json::to_string(&policy).unwrap_or_default();
        let bucket = base.calls[0].params["Bucket"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        base.calls[0] = Call::new(
            "s3",
            "PutBucketPolicy",
            serde_json::json!({"Bucket": bucket, "Policy": text}),
        );
        base.after = canonical(serde_json::json!({"Policy": policy}));
        base.cli = vec![render::shell_command(&[
            "aws",
            "s3api",
            "put-bucket-policy",
            "--region",
            &base.region,
            "--bucket",
            &bucket,
            "--policy",
            &text,
        ])];
        if let (Some(cfn), Some(t)) = (base.cloudformation.as_mut(), template) {
            if let Some(resource) = cfn.as_object_mut().and_then(|o| o.values_mut().next()) {
                resource["Properties"]["PolicyDocument"]["Statement"] = Value::Array(t);
            }
        }
        if let Some(label) = &keep_tf {
            base.terraform = Some(format!(
                "resource \"aws_s3_bucket_policy\" \"{label}\" {{\n  provider = aws.{}\n  bucket   = {}\n  policy   = {}\n}}\n",
                render::provider_alias(&base.region),
                render::hcl_string(&bucket),
                render::hcl_string(&text)
            ));
        }
        let old_ids: Vec<String> = std::iter::once(base.id.clone())
            .chain(same.iter().map(|&j| steps[j].id.clone()))
            .collect();
        let new_id = steps[i].stable_id();
        steps[i].id = new_id.clone();
        for j in same.iter().rev() {
            steps.remove(*j);
        }
        for s in steps.iter_mut() {
            for d in s.depends_on.iter_mut() {
                if old_ids.contains(d) {
                    *d = new_id.clone();
                }
            }
            s.depends_on.retain(|d| *d != s.id);
            s.depends_on.dedup();
            for (from, to) in &renames {
                if let Some(tf) = s.terraform.as_mut() {
                    *tf = tf.replace(from.as_str(), to);
                }
                if let Some(cfn) = s.cloudformation.take() {
                    let text = serde_json::to_string(&cfn)
                        .unwrap_or_default()
                        .replace(&format!("\"{from}\""), &format!("\"{to}\""));
                    s.cloudformation = serde_json::from_str(&text).ok().or(Some(cfn));
                }
            }
        }
        i += 1;
    }
    steps
}

/// The label of the first `aws_s3_bucket_policy` resource of a Terraform snippet.
fn terraform_label(hcl: &str) -> Option<String> {
    let rest = hcl.split("resource \"aws_s3_bucket_policy\" \"").nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

/// Steps without those whose calls another step on the same resource and region makes too
/// (starting a trail's logging is part of making it multi-region): the larger step keeps
/// the smaller one's checks in `also_fixes`, and its dependants. Two steps never change the
/// same resource state in one plan, so each reads back as its `before` just before its
/// write, and its undo restores only what it changed.
fn absorb(mut steps: Vec<Step>) -> Vec<Step> {
    loop {
        let pair = steps.iter().enumerate().find_map(|(i, small)| {
            steps.iter().enumerate().find_map(|(j, big)| {
                (i != j
                    && small.resource == big.resource
                    && small.region == big.region
                    && small.calls.len() < big.calls.len()
                    && small.calls.iter().all(|c| big.calls.contains(c)))
                .then_some((i, j))
            })
        });
        let Some((i, j)) = pair else {
            return steps;
        };
        let small = steps[i].clone();
        let big_id = steps[j].id.clone();
        let big = &mut steps[j];
        for check in std::iter::once(&small.check_id).chain(&small.also_fixes) {
            if *check != big.check_id && !big.also_fixes.contains(check) {
                big.also_fixes.push(check.clone());
            }
        }
        big.also_fixes.sort();
        for s in steps.iter_mut() {
            for d in s.depends_on.iter_mut() {
                if *d == small.id {
                    *d = big_id.clone();
                }
            }
            s.depends_on.dedup();
        }
        steps.remove(i);
    }
}

/// The current state of `step`'s resource in `inventory`, in the shape of the step's
/// `before` and `after`: what `rampart fix --apply` compares with `before` just before it
/// writes (a resource changed since the plan is refused), and `rampart undo` with `after`
/// (a resource changed since the fix is not undone). The fixer's own state reader when it
/// has one; else the `before` of the step its fixer plans for the same resource and region
/// over this inventory. An error when the state cannot be read: never a guess.
pub fn current_state(
    inventory: &Inventory,
    settings: &Settings,
    step: &Step,
) -> Result<Value, NotFixable> {
    let fixer = fixer(&step.check_id).ok_or_else(|| {
        NotFixable::new(format!("rampart fix has no fixer for {}", step.check_id))
    })?;
    let ctx = Context::new(inventory, settings);
    if let Some(state) = fixer.state {
        return state(&ctx, step).map(canonical);
    }
    let finding = ctx
        .finding(fixer.meta, &step.region, &step.resource)
        .fail("re-read for rampart fix");
    (fixer.plan)(&ctx, &finding)?
        .into_iter()
        .find(|s| s.resource == step.resource && s.region == step.region)
        .map(|s| s.before)
        .ok_or_else(|| {
            NotFixable::new(format!(
                "the state of {} in {} cannot be read from this snapshot",
                step.resource, step.region
            ))
        })
}

/// Steps in a deterministic order where each comes after the steps it depends on: sorted by
/// check, region, resource and id, then each dependency moved before its first dependant.
fn order(mut steps: Vec<Step>) -> Vec<Step> {
    steps.sort_by(|a, b| {
        (&a.check_id, &a.region, &a.resource, &a.id).cmp(&(
            &b.check_id,
            &b.region,
            &b.resource,
            &b.id,
        ))
    });
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    fn place(i: usize, steps: &[Step], out: &mut Vec<Step>, seen: &mut Vec<bool>) {
        if seen[i] {
            return;
        }
        seen[i] = true;
        for dep in &steps[i].depends_on {
            if let Some(j) = steps.iter().position(|s| &s.id == dep) {
                place(j, steps, out, seen);
            }
        }
        out.push(steps[i].clone());
    }
    let mut seen = vec![false; steps.len()];
    for i in 0..steps.len() {
        place(i, &steps, &mut out, &mut seen);
    }
    out
}

/// A JSON value with every object's keys sorted, whatever map type serde_json was built
/// with: the plan's byte stability must not hang on a cargo feature another crate turns on.
pub(crate) fn canonical(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonical(v)))
                    .collect::<Map<String, Value>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// A CloudFormation logical id or Terraform label for a resource: `prefix` and a hash of
/// `key`, so it is stable for the same resource and valid whatever the resource's name.
pub(crate) fn logical_id(prefix: &str, key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    format!("{prefix}{}", hex::encode(&digest[..4]))
}

/// Test support: the plan for one check's findings over a fixture.
#[cfg(test)]
pub(crate) mod testing {
    use super::{plan, Plan};
    use crate::checks::fixtures::run_check;
    use crate::{Check, CheckMeta, Context, Finding, Inventory, Settings};

    /// The plan for the findings `check` gives on `inv`.
    pub(crate) fn plan_for(check: &Check, inv: &Inventory) -> Plan {
        plan(inv, &Settings::default(), &run_check(check, inv))
    }

    /// The words bash reads from one of a step's `cli` lines, `aws` first; `None` where
    /// bash is not installed. Checks that a value from the account stays one word.
    pub(crate) fn cli_words(line: &str) -> Option<Vec<String>> {
        let script = format!("set -- {line}\nprintf '%s\\0' \"$@\"");
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .output()
            .ok()?;
        assert!(
            out.status.success(),
            "bash cannot read {line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut words: Vec<String> = out
            .stdout
            .split(|b| *b == 0)
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        words.pop();
        Some(words)
    }

    /// Asserts the state contract of `step` ([`super::current_state`]): over the inventory it
    /// was planned from, its state is its `before`; over the inventory as a rescan shows it
    /// once its calls are made, its `after`; and the two differ.
    pub(crate) fn assert_states(
        settings: &Settings,
        failing: &Inventory,
        fixed: &Inventory,
        step: &super::Step,
    ) {
        assert_ne!(step.before, step.after, "{} changes nothing", step.id);
        assert_eq!(
            super::current_state(failing, settings, step),
            Ok(step.before.clone()),
            "the state of {} {} before the fix is not its `before`",
            step.check_id,
            step.resource
        );
        assert_eq!(
            super::current_state(fixed, settings, step),
            Ok(step.after.clone()),
            "the state of {} {} once fixed is not its `after`",
            step.check_id,
            step.resource
        );
    }

    /// The plan for the findings `check` gives on `inv`, with `settings` (the names and
    /// amounts of `[fix]`).
    pub(crate) fn plan_with(check: &Check, inv: &Inventory, settings: &Settings) -> Plan {
        plan(inv, settings, &run_check(check, inv))
    }

    /// Settings with every `[fix]` value given: buckets `rampart-trail-logs` and
    /// `rampart-config-logs`, address `security@example.com`, a limit of 100 USD.
    pub(crate) fn fix_settings() -> Settings {
        Settings {
            fix: crate::FixSettings {
                trail_bucket: Some("rampart-trail-logs".into()),
                config_bucket: Some("rampart-config-logs".into()),
                notify_email: Some("security@example.com".into()),
                billing_limit_usd: Some(100.0),
            },
            ..Settings::default()
        }
    }

    /// The property every fixer keeps (issue 14): each step's `before` is its resource's
    /// state in the inventory it was planned from, and its `after` the state in `fixed`, the
    /// inventory as a scan shows the account once the step's calls were made.
    pub(crate) fn assert_plan_states(
        plan: &Plan,
        failing: &Inventory,
        fixed: &Inventory,
        settings: &Settings,
    ) {
        assert!(!plan.steps.is_empty(), "no steps: {plan:#?}");
        for step in &plan.steps {
            let now = super::current_state(failing, settings, step);
            assert_eq!(
                now.as_ref(),
                Ok(&step.before),
                "before of {}",
                step.resource
            );
            let then = super::current_state(fixed, settings, step);
            assert_eq!(then.as_ref(), Ok(&step.after), "after of {}", step.resource);
        }
    }

    /// A FAIL finding of `meta` on `resource`, as an earlier scan of the account gave it:
    /// for plans over a snapshot that has since lost the data the fixer needs.
    pub(crate) fn failing(
        meta: &'static CheckMeta,
        inv: &Inventory,
        region: &str,
        resource: &str,
    ) -> Finding {
        let settings = Settings::default();
        Context::new(inv, &settings)
            .finding(meta, region, resource)
            .fail("failing in the scan the plan is made from")
    }
}

#[cfg(test)]
mod tests;
