//! The changes `rampart fix` plans on trails, shared by the CloudTrail fixers: the KMS key
//! that encrypts log files (one per region, `alias/rampart-cloudtrail`, created once and
//! depended on), the trail `rampart-trail` with its bucket's policy, UpdateTrail and
//! StartLogging steps on existing trails, and reading each step's state back.

use super::trails::{TrailBucket, Trails};
use crate::checks::s3::delivery_grant::{self, Destination};
use crate::fix::render::{hcl_string, provider_alias, shell_command};
use crate::fix::{canonical, logical_id, response_ref, Call, NotFixable, Risk, Step};
use crate::{Context, Finding};
use rampart_inventory::{KmsKey, Trail};
use serde_json::{json, Map, Value};

/// Name of the trail rampart creates when no trail qualifies.
pub(crate) const TRAIL_NAME: &str = "rampart-trail";

/// Alias of the KMS key rampart creates to encrypt log files.
pub(crate) const KEY_ALIAS: &str = "alias/rampart-cloudtrail";

/// The Sid of the key policy statement that marks a key as rampart's CloudTrail key (the
/// snapshot holds key policies, not aliases).
pub(crate) const KEY_SID: &str = "RampartCloudTrailEncryptLogs";

/// The service principal CloudTrail delivers and encrypts as.
const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";

/// The trail a per-trail finding is about, when this account can change it: listed, and
/// owned by this account (an organization trail seen from a member account is changed in
/// the management account).
pub(crate) fn own_trail<'a>(ctx: &Context<'a>, finding: &Finding) -> Result<&'a Trail, NotFixable> {
    let trail = Trails::of(ctx)
        .trails
        .into_iter()
        .find(|t| t.arn == finding.resource)
        .ok_or_else(|| NotFixable::new(format!("{} is not in the snapshot", finding.resource)))?;
    let owner = trail.arn.split(':').nth(4).unwrap_or("");
    if owner != ctx.inventory.account.id {
        return Err(NotFixable::new(format!(
            "trail `{}` belongs to account {owner} (an organization trail): change it there",
            trail.name
        )));
    }
    Ok(trail)
}

/// The ARN of rampart's CloudTrail key alias in `region`.
pub(crate) fn alias_arn(ctx: &Context, region: &str) -> String {
    let a = &ctx.inventory.account;
    format!("arn:{}:kms:{region}:{}:{KEY_ALIAS}", a.partition, a.id)
}

/// The policy of rampart's CloudTrail key: the account administers it (so IAM policies
/// can grant its use), CloudTrail encrypts log files of this account's trails and
/// describes it, and principals of this account decrypt CloudTrail log files (as the key
/// CloudTrail's console creates allows, so that readers of the logs keep reading).
fn key_policy(ctx: &Context) -> Value {
    let a = &ctx.inventory.account;
    let trails = format!("arn:{}:cloudtrail:*:{}:trail/*", a.partition, a.id);
    canonical(json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "RampartAccountAdministersKey", "Effect": "Allow",
             "Principal": {"AWS": a.root_arn()}, "Action": "kms:*", "Resource": "*"},
            {"Sid": KEY_SID, "Effect": "Allow", "Principal": {"Service": CLOUDTRAIL},
             "Action": "kms:GenerateDataKey*", "Resource": "*",
             "Condition": {"StringLike": {"aws:SourceArn": trails,
                 "kms:EncryptionContext:aws:cloudtrail:arn": trails}}},
            {"Sid": "RampartCloudTrailDescribesKey", "Effect": "Allow",
             "Principal": {"Service": CLOUDTRAIL}, "Action": "kms:DescribeKey", "Resource": "*",
             "Condition": {"StringLike": {"aws:SourceArn": trails}}},
            {"Sid": "RampartAccountDecryptsLogs", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*",
             "Condition": {"StringEquals": {"kms:CallerAccount": a.id},
                 "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails}}},
        ],
    }))
}

/// Whether a key policy carries rampart's CloudTrail statement.
fn is_rampart_key(policy: &Value) -> bool {
    let statements = match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
        None => vec![],
    };
    statements
        .iter()
        .any(|s| s.get("Sid").and_then(Value::as_str) == Some(KEY_SID))
}

/// Rampart's CloudTrail key of `region`, not pending deletion, if the snapshot has one.
/// `NotFixable` when the region's keys, or the policy of a customer managed key, could not
/// be read (any of them might be it).
fn rampart_key<'a>(ctx: &Context<'a>, region: &str) -> Result<Option<&'a KmsKey>, NotFixable> {
    let keys = crate::fix::region_data(ctx, region)?
        .kms
        .keys
        .get()
        .map_err(|gap| NotFixable::gap(&format!("the KMS keys of {region}"), gap))?;
    for key in keys.iter().filter(|k| k.manager == "CUSTOMER") {
        if key.state == "PendingDeletion" {
            continue;
        }
        let policy = key.policy.get().map_err(|gap| {
            NotFixable::gap(
                &format!("the policy of KMS key {} in {region}", key.id),
                gap,
            )
        })?;
        if policy.as_ref().is_some_and(is_rampart_key) {
            return Ok(Some(key));
        }
    }
    Ok(None)
}

/// The KMS key a trail's log files are to be encrypted with.
pub(crate) enum TrailKey {
    /// Rampart's key of the region exists: its ARN.
    Existing(String),
    /// It is to be created by `step`, which the trail's step depends on; the trail names it
    /// by `alias_arn`.
    New { step: Box<Step>, alias_arn: String },
}

impl TrailKey {
    /// The value for UpdateTrail's or CreateTrail's `KmsKeyId`.
    pub(crate) fn key_id(&self) -> &str {
        match self {
            TrailKey::Existing(arn) => arn,
            TrailKey::New { alias_arn, .. } => alias_arn,
        }
    }
}

/// Rampart's CloudTrail key of `region` (where the trail's bucket is: CloudTrail needs the
/// key in the bucket's region), reused when it exists and enabled, else the step that
/// creates it, planned under `check_id`.
pub(crate) fn trail_key(
    ctx: &Context,
    check_id: &str,
    region: &str,
) -> Result<TrailKey, NotFixable> {
    if let Some(key) = rampart_key(ctx, region)? {
        if key.state != "Enabled" {
            return Err(NotFixable::new(format!(
                "rampart's CloudTrail key {} in {region} is {}: enable it, or schedule its \
                 deletion and plan again",
                key.id, key.state
            )));
        }
        return Ok(TrailKey::Existing(key.arn.clone()));
    }
    let alias_arn = alias_arn(ctx, region);
    let policy = key_policy(ctx);
    let text = serde_json::to_string(&policy).unwrap_or_default();
    let description = "rampart: encrypts CloudTrail log files";
    let key_id = response_ref(0, "KeyMetadata.KeyId");
    let create = [
        "aws",
        "kms",
        "create-key",
        "--region",
        region,
        "--description",
        description,
        "--key-usage",
        "ENCRYPT_DECRYPT",
        "--policy",
        &text,
        "--query",
        "KeyMetadata.KeyId",
        "--output",
        "text",
    ];
    let describe = [
        "aws",
        "kms",
        "describe-key",
        "--region",
        region,
        "--key-id",
        KEY_ALIAS,
        "--query",
        "KeyMetadata.KeyId",
        "--output",
        "text",
    ];
    let cli = vec![
        format!(
            "{} \"$({})\"",
            shell_command(&[
                "aws",
                "kms",
                "create-alias",
                "--region",
                region,
                "--alias-name",
                KEY_ALIAS,
                "--target-key-id"
            ]),
            shell_command(&create)
        ),
        format!(
            "{} \"$({})\"",
            shell_command(&[
                "aws",
                "kms",
                "enable-key-rotation",
                "--region",
                region,
                "--key-id"
            ]),
            shell_command(&describe)
        ),
    ];
    let cfn_key = logical_id("RampartCloudTrailKey", &alias_arn);
    let cfn_alias = logical_id("RampartCloudTrailKeyAlias", &alias_arn);
    let tf = logical_id("cloudtrail_key_", &alias_arn);
    let alias = provider_alias(region);
    let mut step = Step::new(
        check_id,
        &alias_arn,
        region,
        Risk::Safe,
        format!(
            "a new key that only encrypts what CloudTrail writes with it; the snapshot does not \
             list KMS aliases: should {KEY_ALIAS} exist in {region}, KMS refuses CreateAlias, \
             and the step stops with the key CreateKey made left to schedule for deletion"
        ),
        vec![
            Call::new(
                "kms",
                "CreateKey",
                json!({"Description": description, "KeyUsage": "ENCRYPT_DECRYPT", "Policy": text}),
            ),
            Call::new(
                "kms",
                "CreateAlias",
                json!({"AliasName": KEY_ALIAS, "TargetKeyId": key_id}),
            ),
            Call::new("kms", "EnableKeyRotation", json!({"KeyId": key_id})),
        ],
    )
    .states(
        json!({"Key": null}),
        json!({"Key": {"KeyState": "Enabled", "KeyRotationEnabled": true}}),
    )
    .cloudformation(json!({
        cfn_key.clone(): {"Type": "AWS::KMS::Key", "Properties": {
            "Description": description, "KeyUsage": "ENCRYPT_DECRYPT",
            "EnableKeyRotation": true, "KeyPolicy": policy}},
        cfn_alias: {"Type": "AWS::KMS::Alias", "Properties": {
            "AliasName": KEY_ALIAS, "TargetKeyId": {"Ref": cfn_key}}},
    }))
    .terraform(format!(
        "resource \"aws_kms_key\" \"{tf}\" {{\n  provider            = aws.{alias}\n  description         = {d}\n  enable_key_rotation = true\n  policy              = {p}\n}}\n\n\
         resource \"aws_kms_alias\" \"{tf}\" {{\n  provider      = aws.{alias}\n  name          = {a}\n  target_key_id = aws_kms_key.{tf}.key_id\n}}\n",
        d = hcl_string(description),
        p = hcl_string(&text),
        a = hcl_string(KEY_ALIAS),
    ))
    .billing(format!(
        "a KMS key in {region}: a monthly charge per key, and per-request charges for each \
         log file CloudTrail encrypts and each one read"
    ))
    .undo(format!(
        "aws kms delete-alias --alias-name {KEY_ALIAS} and aws kms schedule-key-deletion \
         --key-id <KEY_ID> --pending-window-in-days 30 in {region}"
    ))
    .undo_calls(vec![
        Call::new("kms", "DeleteAlias", json!({"AliasName": KEY_ALIAS})),
        Call::new(
            "kms",
            "ScheduleKeyDeletion",
            json!({"KeyId": key_id, "PendingWindowInDays": 30}),
        ),
    ])
    .undo_loses(
        "log files encrypted with the key become unreadable once it is deleted; the deletion \
         can be cancelled for 30 days (aws kms cancel-key-deletion)",
    );
    step.cli = cli;
    Ok(TrailKey::New {
        step: Box::new(step),
        alias_arn,
    })
}

/// The region of the bucket a trail delivers to, where its KMS key must be; it must have
/// been scanned, since the key is looked for there.
pub(crate) fn key_region<'a>(ctx: &Context<'a>, trail: &'a Trail) -> Result<&'a str, NotFixable> {
    let name = &trail.name;
    let region = match TrailBucket::of(ctx, trail) {
        TrailBucket::Owned(b) if !b.region.is_empty() => b.region.as_str(),
        TrailBucket::Owned(b) => {
            return Err(NotFixable::new(format!(
                "the region of bucket {} of trail `{name}` could not be read, and the trail's \
                 KMS key must be in it",
                b.name
            )))
        }
        TrailBucket::Elsewhere(b) => {
            return Err(NotFixable::new(format!(
                "bucket {b} of trail `{name}` is not this account's: its region, where the \
                 trail's KMS key must be, is unknown"
            )))
        }
        TrailBucket::None => {
            return Err(NotFixable::new(format!(
                "trail `{name}` names no S3 bucket"
            )))
        }
        TrailBucket::Unread(gap) => {
            return Err(NotFixable::gap(
                &format!("the bucket list (to find the bucket of trail `{name}`)"),
                gap,
            ))
        }
    };
    crate::fix::region_data(ctx, region)?;
    Ok(region)
}

/// A step of UpdateTrail on an existing trail, setting `set` (input members) and showing
/// `before` and `after` (state members, see [`state`]); `undo_set` restores `before`.
pub(crate) struct Update<'a> {
    /// The check the step fixes.
    pub check_id: &'a str,
    /// The trail.
    pub trail: &'a Trail,
    /// UpdateTrail's members besides `Name`.
    pub set: Value,
    /// UpdateTrail's members that restore the trail.
    pub undo_set: Value,
    /// CLI flags for `set`.
    pub flags: &'a [&'a str],
    /// The state before.
    pub before: Value,
    /// The state after.
    pub after: Value,
    /// Why it is safe.
    pub reason: String,
    /// What it starts billing for.
    pub billing: String,
    /// The undo in words.
    pub undo: String,
}

impl Update<'_> {
    /// The step.
    pub(crate) fn step(self) -> Step {
        let trail = self.trail;
        let region = trail.home_region.as_str();
        let with_name = |members: &Value| {
            let mut m = members.as_object().cloned().unwrap_or_default();
            m.insert("Name".into(), json!(trail.name));
            Value::Object(m)
        };
        let mut cli: Vec<&str> = vec![
            "aws",
            "cloudtrail",
            "update-trail",
            "--region",
            region,
            "--name",
            &trail.name,
        ];
        cli.extend_from_slice(self.flags);
        Step::new(
            self.check_id,
            &trail.arn,
            region,
            Risk::Safe,
            self.reason,
            vec![Call::new("cloudtrail", "UpdateTrail", with_name(&self.set))],
        )
        .states(self.before, self.after)
        .cli(&[&cli])
        .billing(self.billing)
        .undo(self.undo)
        .undo_calls(vec![Call::new(
            "cloudtrail",
            "UpdateTrail",
            with_name(&self.undo_set),
        )])
    }
}

/// The step that starts a stopped trail (StartLogging), the same whichever check plans it.
pub(crate) fn start_logging(check_id: &str, trail: &Trail) -> Step {
    let region = trail.home_region.as_str();
    let name = trail.name.as_str();
    Step::new(
        check_id,
        &trail.arn,
        region,
        Risk::Safe,
        format!("starting trail `{name}` only records API activity; nothing is blocked"),
        vec![Call::new(
            "cloudtrail",
            "StartLogging",
            json!({"Name": name}),
        )],
    )
    .states(json!({"IsLogging": false}), json!({"IsLogging": true}))
    .cli(&[&[
        "aws",
        "cloudtrail",
        "start-logging",
        "--region",
        region,
        "--name",
        name,
    ]])
    .billing(format!(
        "trail `{name}` delivers again: S3 storage of its log files; management events beyond \
         the first copy in a region, and data events, are charged per event"
    ))
    .undo(format!(
        "aws cloudtrail stop-logging --name {name} --region {region}; the logs delivered \
         meanwhile stay in the bucket"
    ))
    .undo_calls(vec![Call::new(
        "cloudtrail",
        "StopLogging",
        json!({"Name": name}),
    )])
}

/// The bucket policy statements CloudTrail needs to deliver `trail_arn`'s log files, as
/// AWS documents them.
fn bucket_statements(ctx: &Context, bucket_arn: &str, trail_arn: &str) -> Vec<Value> {
    let account = &ctx.inventory.account.id;
    vec![
        json!({"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL}, "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn, "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}}),
        json!({"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL}, "Action": "s3:PutObject",
            "Resource": format!("{bucket_arn}/AWSLogs/{account}/*"),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceArn": trail_arn}}}),
    ]
}

/// The steps that create `rampart-trail`: multi-region, log file validation, global service
/// events, logging, delivering to the bucket `--trail-bucket` names. When the bucket is
/// this account's, the trail is homed in the bucket's region, encrypted with rampart's key
/// there, and the bucket's policy gets CloudTrail's statements; otherwise the trail is
/// homed in us-east-1 (or the first scanned region), unencrypted (the key must be in the
/// bucket's region, which is unknown), and the bucket's owner must grant the statements.
pub(crate) fn create_trail(ctx: &Context, check_id: &str) -> Result<Vec<Step>, NotFixable> {
    let bucket_name = ctx.settings.fix.trail_bucket.as_deref().ok_or_else(|| {
        NotFixable::new(
            "no trail qualifies, and a new trail needs a bucket to deliver to: give it with \
             --trail-bucket (or `trail_bucket` under [fix] in rampart.toml)",
        )
    })?;
    let account = &ctx.inventory.account;
    let mut steps = Vec::new();
    let mut depends = Vec::new();
    let (region, key, grant, note) = match delivery_grant::destination(ctx, bucket_name)? {
        Destination::Owned(bucket) => {
            let region = bucket.region.as_str();
            crate::fix::region_data(ctx, region)?;
            let trail_arn = format!(
                "arn:{}:cloudtrail:{region}:{}:trail/{TRAIL_NAME}",
                account.partition, account.id
            );
            let key = trail_key(ctx, check_id, region)?;
            let grant = delivery_grant::step(
                check_id,
                bucket,
                "CloudTrail",
                bucket_statements(ctx, &bucket.arn, &trail_arn),
            )?;
            let tf_cfn = grant.as_ref().map(|_| {
                (
                    delivery_grant::terraform_address("CloudTrail", bucket),
                    delivery_grant::cloudformation_id("CloudTrail", bucket),
                )
            });
            if let Some(g) = grant {
                depends.push(g.stable_id());
                steps.push(g);
            }
            (
                region.to_owned(),
                Some(key),
                tf_cfn,
                format!("Bucket {bucket_name} is this account's and lets CloudTrail deliver"),
            )
        }
        Destination::Elsewhere => {
            let region = ctx
                .regions()
                .map(|(r, _)| r)
                .find(|r| *r == "us-east-1")
                .or_else(|| ctx.regions().map(|(r, _)| r).next())
                .ok_or_else(|| NotFixable::new("the snapshot has no scanned region"))?;
            (
                region.to_owned(),
                None,
                None,
                format!(
                    "Bucket {bucket_name} is not this account's: its owner must let \
                     cloudtrail.amazonaws.com read its ACL (s3:GetBucketAcl) and write \
                     AWSLogs/{}/ (s3:PutObject with bucket-owner-full-control), with \
                     aws:SourceArn the new trail's ARN, as AWS documents, or CreateTrail is \
                     refused; the trail is not encrypted with KMS, since its key must be in \
                     the bucket's region, which the snapshot does not show",
                    account.id
                ),
            )
        }
    };
    let region = region.as_str();
    let trail_arn = format!(
        "arn:{}:cloudtrail:{region}:{}:trail/{TRAIL_NAME}",
        account.partition, account.id
    );
    let (tf_key, cfn_key) = match &key {
        Some(TrailKey::New { step, alias_arn }) => {
            depends.push(step.stable_id());
            steps.push((**step).clone());
            (
                Some(format!(
                    "aws_kms_key.{}.arn",
                    logical_id("cloudtrail_key_", alias_arn)
                )),
                Some(json!({"Fn::GetAtt": [logical_id("RampartCloudTrailKey", alias_arn), "Arn"]})),
            )
        }
        Some(TrailKey::Existing(arn)) => (Some(hcl_string(arn)), Some(json!(arn))),
        None => (None, None),
    };
    let mut create = json!({
        "Name": TRAIL_NAME,
        "S3BucketName": bucket_name,
        "IsMultiRegionTrail": true,
        "EnableLogFileValidation": true,
        "IncludeGlobalServiceEvents": true,
    });
    let mut cli: Vec<&str> = vec![
        "aws",
        "cloudtrail",
        "create-trail",
        "--region",
        region,
        "--name",
        TRAIL_NAME,
        "--s3-bucket-name",
        bucket_name,
        "--is-multi-region-trail",
        "--enable-log-file-validation",
        "--include-global-service-events",
    ];
    let key_id = key.as_ref().map(|k| k.key_id().to_owned());
    if let Some(id) = &key_id {
        create["KmsKeyId"] = json!(id);
        cli.extend_from_slice(&["--kms-key-id", id]);
    }
    let mut properties = json!({
        "TrailName": TRAIL_NAME,
        "S3BucketName": bucket_name,
        "IsLogging": true,
        "IsMultiRegionTrail": true,
        "EnableLogFileValidation": true,
        "IncludeGlobalServiceEvents": true,
    });
    if let Some(k) = cfn_key {
        properties["KMSKeyId"] = k;
    }
    let mut resource = Map::new();
    resource.insert("Type".into(), json!("AWS::CloudTrail::Trail"));
    resource.insert("Properties".into(), properties);
    if let Some((_, cfn_policy)) = &grant {
        resource.insert("DependsOn".into(), json!(cfn_policy));
    }
    let tf = logical_id("trail_", &trail_arn);
    let alias = provider_alias(region);
    let mut hcl = format!(
        "resource \"aws_cloudtrail\" \"{tf}\" {{\n  provider                      = aws.{alias}\n  name                          = {n}\n  s3_bucket_name                = {b}\n  is_multi_region_trail         = true\n  enable_log_file_validation    = true\n  include_global_service_events = true\n",
        n = hcl_string(TRAIL_NAME),
        b = hcl_string(bucket_name),
    );
    if let Some(k) = &tf_key {
        hcl.push_str(&format!("  kms_key_id                    = {k}\n"));
    }
    if let Some((policy, _)) = &grant {
        hcl.push_str(&format!("  depends_on                    = [{policy}]\n"));
    }
    hcl.push_str("}\n");
    let after = json!({"Trail": {
        "Name": TRAIL_NAME,
        "HomeRegion": region,
        "IsMultiRegionTrail": true,
        "LogFileValidationEnabled": true,
        "IncludeGlobalServiceEvents": true,
        "S3BucketName": bucket_name,
        "KmsKeyId": key.as_ref().map(|_| alias_arn(ctx, region)),
        "IsLogging": true,
    }});
    steps.push(
        Step::new(
            check_id,
            &trail_arn,
            region,
            Risk::Safe,
            format!("a new trail only records API activity; nothing is blocked. {note}"),
            vec![
                Call::new("cloudtrail", "CreateTrail", create),
                // Every read and write management event, said rather than left to the
                // service's default (CIS 4.1 asks for all of them).
                Call::new(
                    "cloudtrail",
                    "PutEventSelectors",
                    json!({"TrailName": TRAIL_NAME, "EventSelectors": [
                        {"ReadWriteType": "All", "IncludeManagementEvents": true}]}),
                ),
                Call::new("cloudtrail", "StartLogging", json!({"Name": TRAIL_NAME})),
            ],
        )
        .after_steps(depends)
        .states(json!({"Trail": null}), after)
        .cli(&[
            &cli,
            &[
                "aws",
                "cloudtrail",
                "put-event-selectors",
                "--region",
                region,
                "--trail-name",
                TRAIL_NAME,
                "--event-selectors",
                r#"[{"ReadWriteType":"All","IncludeManagementEvents":true}]"#,
            ],
            &[
                "aws",
                "cloudtrail",
                "start-logging",
                "--region",
                region,
                "--name",
                TRAIL_NAME,
            ],
        ])
        .cloudformation(json!({logical_id("RampartTrail", &trail_arn): Value::Object(resource)}))
        .terraform(hcl)
        .billing(format!(
            "CloudTrail: the first copy of management events in each region is free, further \
             copies (where another trail records them too) are charged per 100,000 events; S3 \
             storage of the log files in {bucket_name}{}",
            if key_id.is_some() {
                "; KMS requests to encrypt them"
            } else {
                ""
            }
        ))
        .undo(format!(
            "aws cloudtrail stop-logging and aws cloudtrail delete-trail --name {TRAIL_NAME} \
             in {region}"
        ))
        .undo_calls(vec![
            Call::new("cloudtrail", "StopLogging", json!({"Name": TRAIL_NAME})),
            Call::new("cloudtrail", "DeleteTrail", json!({"Name": TRAIL_NAME})),
        ])
        .undo_loses(format!(
            "new API activity is no longer recorded by {TRAIL_NAME} (the log files already \
             delivered stay in bucket {bucket_name})"
        )),
    );
    Ok(steps)
}

/// A trail's `KmsKeyId` as a state: `null` without a key; the ARN of rampart's key alias
/// when the key is rampart's CloudTrail key (DescribeTrails gives the key's ARN, which
/// a plan cannot know before the key exists); else the value as DescribeTrails gives it.
fn key_state(ctx: &Context, kms_key_id: Option<&str>) -> Result<Value, NotFixable> {
    let Some(id) = kms_key_id else {
        return Ok(Value::Null);
    };
    let parts: Vec<&str> = id.split(':').collect();
    if parts.len() == 6 && parts[2] == "kms" && parts[5].starts_with("key/") {
        let region = parts[3];
        if !ctx.inventory.regional.contains_key(region) {
            return Ok(json!(id));
        }
        if let Some(key) = rampart_key(ctx, region)? {
            if key.arn == id {
                return Ok(json!(alias_arn(ctx, region)));
            }
        }
    }
    Ok(json!(id))
}

/// One state member of a trail, by its API name.
fn trail_member(ctx: &Context, trail: &Trail, member: &str) -> Result<Value, NotFixable> {
    Ok(match member {
        "Name" => json!(trail.name),
        "HomeRegion" => json!(trail.home_region),
        "IsMultiRegionTrail" => json!(trail.is_multi_region),
        "LogFileValidationEnabled" => json!(trail.log_file_validation),
        "IncludeGlobalServiceEvents" => json!(trail.include_global_service_events),
        "S3BucketName" => json!(trail.s3_bucket_name),
        "KmsKeyId" => key_state(ctx, trail.kms_key_id.as_deref())?,
        "IsLogging" => json!(
            trail
                .status
                .get()
                .map_err(|gap| NotFixable::gap(
                    &format!("the status of trail `{}`", trail.name),
                    gap
                ))?
                .is_logging
        ),
        other => {
            return Err(NotFixable::new(format!(
                "rampart does not read a trail's {other}"
            )))
        }
    })
}

/// The members of `shape` (an object) read from `trail`.
fn trail_members(ctx: &Context, trail: &Trail, shape: &Value) -> Result<Value, NotFixable> {
    let mut out = Map::new();
    for key in shape.as_object().into_iter().flat_map(|o| o.keys()) {
        out.insert(key.clone(), trail_member(ctx, trail, key)?);
    }
    Ok(Value::Object(out))
}

/// The state of a CloudTrail step's resource, in the shape of its `after`: rampart's key
/// of a region (`{"Key": ...}`), a delivery bucket's policy, a created trail
/// (`{"Trail": ...}`), or the members an UpdateTrail or StartLogging step changes.
pub(crate) fn state(ctx: &Context, step: &Step) -> Result<Value, NotFixable> {
    let partition = &ctx.inventory.account.partition;
    if step.resource.starts_with(&format!("arn:{partition}:s3:::")) {
        return delivery_grant::state(ctx, step);
    }
    if step.resource.starts_with(&format!("arn:{partition}:kms:")) {
        let key = rampart_key(ctx, &step.region)?;
        return Ok(json!({"Key": match key {
            None => Value::Null,
            Some(k) => json!({
                "KeyState": k.state,
                "KeyRotationEnabled": k.rotation_enabled.get().map_err(|gap| {
                    NotFixable::gap(&format!("the rotation status of KMS key {}", k.id), gap)
                })?,
            }),
        }}));
    }
    let trails = Trails::of(ctx);
    if let Some((region, gap)) = trails.unread.first() {
        return Err(NotFixable::gap(&format!("the trails of {region}"), gap));
    }
    let trail = trails.trails.into_iter().find(|t| t.arn == step.resource);
    if let Some(shape) = step.after.get("Trail") {
        return Ok(json!({"Trail": match trail {
            None => Value::Null,
            Some(t) => trail_members(ctx, t, shape)?,
        }}));
    }
    let trail = trail.ok_or_else(|| {
        NotFixable::new(format!("trail {} is not in the snapshot", step.resource))
    })?;
    trail_members(ctx, trail, &step.after)
}
