//! Data stores: S3 buckets and the account's Block Public Access (once per account, each
//! bucket read in its own region), and per region RDS instances, EFS file systems and KMS
//! keys.

use crate::recorder::{items, pages, request};
use crate::sdk::{policy_document, s, time};
use crate::{Collector, RegionCtx};
use rampart_inventory::*;

/// A Block Public Access configuration, from S3 (a bucket's) or S3 Control (the account's):
/// two SDK types with the same four settings.
macro_rules! public_access_block {
    ($b:expr) => {
        PublicAccessBlock {
            block_public_acls: $b.block_public_acls().unwrap_or(false),
            ignore_public_acls: $b.ignore_public_acls().unwrap_or(false),
            block_public_policy: $b.block_public_policy().unwrap_or(false),
            restrict_public_buckets: $b.restrict_public_buckets().unwrap_or(false),
        }
    };
}

/// An endpoint resolver that always answers the endpoint the user gave.
#[derive(Debug)]
pub(crate) struct FixedEndpoint(pub(crate) String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// Parse a resource policy returned as a JSON string; `None` for an empty one.
fn resource_policy(raw: Option<&str>) -> Option<serde_json::Value> {
    raw.filter(|p| !p.trim().is_empty())
        .map(|p| policy_document(Some(p)))
}

/// The S3 region a `GetBucketLocation` constraint names (`None`/empty is us-east-1, `EU` is
/// eu-west-1).
fn bucket_region(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".into(),
        Some("EU") => "eu-west-1".into(),
        Some(r) => r.into(),
    }
}

/// S3 for the whole account.
pub(crate) async fn s3(
    c: &Collector,
    base: &aws_config::SdkConfig,
    global: &RegionCtx,
    account_id: &str,
) -> S3Data {
    const SERVICE: &str = "s3";
    let path_style = base.endpoint_url().is_some();
    let client_in = |region: &str| {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(base)
                .region(aws_types::region::Region::new(region.to_owned()))
                .force_path_style(path_style)
                .interceptor(c.ledger.counter(SERVICE))
                .build(),
        )
    };
    let mut control_config = aws_sdk_s3control::config::Builder::from(base)
        .region(aws_types::region::Region::new(global.name.clone()))
        .interceptor(c.ledger.counter("s3control"));
    if let Some(url) = base.endpoint_url() {
        // S3 Control's endpoint rules put the account id in front of the host
        // (`111122223333.s3-control...`), which an emulator's `127.0.0.1:PORT` cannot take:
        // an explicit endpoint is used as it is.
        control_config = control_config.endpoint_resolver(FixedEndpoint(url.to_owned()));
    }
    let control = aws_sdk_s3control::Client::from_conf(control_config.build());
    let rec = &c.recorder(SERVICE, "global");
    let account_block = rec.optional(
        "s3control:GetPublicAccessBlock",
        request!(control.get_public_access_block().account_id(account_id)),
        &["NoSuchPublicAccessBlockConfiguration"],
        |out| {
            out.public_access_block_configuration()
                .map(|b| public_access_block!(b))
        },
    );
    let global_client = client_in(&global.name);
    let buckets = async {
        let listed = rec
            .call(
                "s3:ListBuckets",
                pages!(global_client.list_buckets()),
                |pages| {
                    pages
                        .iter()
                        .flat_map(|page| page.buckets())
                        .map(|b| (s(b.name()), time(b.creation_date())))
                        .collect::<Vec<_>>()
                },
            )
            .await;
        let Collected::Ok(list) = listed else {
            return listed.map(|_| Vec::new());
        };
        let global_client = &global_client;
        let client_in = &client_in;
        let mut read = rec
            .each(list, |(name, created)| async move {
                let region = match rec
                    .call(
                        "s3:GetBucketLocation",
                        request!(global_client.get_bucket_location().bucket(&name)),
                        |out| bucket_region(out.location_constraint().map(|l| l.as_str())),
                    )
                    .await
                {
                    Collected::Ok(region) => region,
                    Collected::Missing(_) => String::new(),
                };
                let client = if region.is_empty() || region == global.name {
                    global_client.clone()
                } else {
                    client_in(&region)
                };
                bucket(c, &client, global, name, region, created).await
            })
            .await;
        read.sort_by(|a, b| a.name.cmp(&b.name));
        Collected::Ok(read)
    };
    let (account_public_access_block, buckets) = tokio::join!(account_block, buckets);
    S3Data {
        account_public_access_block,
        buckets,
    }
}

async fn bucket(
    c: &Collector,
    client: &aws_sdk_s3::Client,
    global: &RegionCtx,
    name: String,
    region: String,
    creation_date: Option<chrono::DateTime<chrono::Utc>>,
) -> Bucket {
    const SERVICE: &str = "s3";
    let at = if region.is_empty() {
        "global"
    } else {
        region.as_str()
    };
    let rec = c.recorder(SERVICE, at);
    let (
        public_access_block,
        policy,
        acl_grants,
        versioning,
        logging_target,
        default_encryption,
        tags,
    ) = tokio::join!(
        rec.optional(
            "s3:GetPublicAccessBlock",
            request!(client.get_public_access_block().bucket(&name)),
            &["NoSuchPublicAccessBlockConfiguration"],
            |out| {
                out.public_access_block_configuration()
                    .map(|b| public_access_block!(b))
            },
        ),
        rec.optional(
            "s3:GetBucketPolicy",
            request!(client.get_bucket_policy().bucket(&name)),
            &["NoSuchBucketPolicy"],
            |out| resource_policy(out.policy()),
        ),
        rec.call(
            "s3:GetBucketAcl",
            request!(client.get_bucket_acl().bucket(&name)),
            |out| {
                out.grants()
                    .iter()
                    .map(|g| AclGrant {
                        grantee_uri: g.grantee().and_then(|x| x.uri()).map(str::to_owned),
                        grantee_id: g.grantee().and_then(|x| x.id()).map(str::to_owned),
                        permission: g
                            .permission()
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_default(),
                    })
                    .collect()
            },
        ),
        rec.call(
            "s3:GetBucketVersioning",
            request!(client.get_bucket_versioning().bucket(&name)),
            |out| BucketVersioning {
                status: out.status().map(|v| v.as_str().to_owned()),
                mfa_delete: out.mfa_delete().map(|v| v.as_str().to_owned()),
            },
        ),
        rec.call(
            "s3:GetBucketLogging",
            request!(client.get_bucket_logging().bucket(&name)),
            |out| out.logging_enabled().map(|l| l.target_bucket().to_owned()),
        ),
        rec.optional(
            "s3:GetBucketEncryption",
            request!(client.get_bucket_encryption().bucket(&name)),
            &["ServerSideEncryptionConfigurationNotFoundError"],
            |out| {
                out.server_side_encryption_configuration()
                    .and_then(|cfg| cfg.rules().first())
                    .and_then(|r| r.apply_server_side_encryption_by_default())
                    .map(|d| d.sse_algorithm().as_str().to_owned())
            },
        ),
        rec.optional(
            "s3:GetBucketTagging",
            request!(client.get_bucket_tagging().bucket(&name)),
            &["NoSuchTagSet", "NoSuchTagSetError"],
            |out| {
                Some(
                    out.tag_set()
                        .iter()
                        .map(|t| Tag::new(t.key(), t.value()))
                        .collect::<Vec<_>>(),
                )
            },
        ),
    );
    Bucket {
        arn: format!("arn:{}:s3:::{name}", global.partition),
        name,
        region,
        creation_date,
        public_access_block,
        policy,
        acl_grants,
        versioning,
        logging_target,
        default_encryption,
        tags: tags.map(Option::unwrap_or_default),
    }
}

/// RDS DB instances of a region.
pub(crate) async fn rds(c: &Collector, r: &RegionCtx, client: &aws_sdk_rds::Client) -> RdsData {
    let instances = c
        .recorder("rds", &r.name)
        .list(
            "rds:DescribeDBInstances",
            items!(client.describe_db_instances()),
            |d| DbInstance {
                id: s(d.db_instance_identifier()),
                arn: s(d.db_instance_arn()),
                engine: s(d.engine()),
                engine_version: s(d.engine_version()),
                status: s(d.db_instance_status()),
                storage_encrypted: d.storage_encrypted().unwrap_or(false),
                publicly_accessible: d.publicly_accessible().unwrap_or(false),
                auto_minor_version_upgrade: d.auto_minor_version_upgrade().unwrap_or(false),
                multi_az: d.multi_az().unwrap_or(false),
                backup_retention_period: d.backup_retention_period().unwrap_or(0),
                deletion_protection: d.deletion_protection().unwrap_or(false),
                vpc_id: d
                    .db_subnet_group()
                    .and_then(|g| g.vpc_id())
                    .map(str::to_owned),
                subnet_ids: d
                    .db_subnet_group()
                    .map(|g| {
                        g.subnets()
                            .iter()
                            .filter_map(|sn| sn.subnet_identifier().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                security_group_ids: d
                    .vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(str::to_owned))
                    .collect(),
                port: d.endpoint().and_then(|e| e.port()).or(d.db_instance_port()),
                tags: d
                    .tag_list()
                    .iter()
                    .map(|t| Tag::new(s(t.key()), s(t.value())))
                    .collect(),
            },
        )
        .await;
    RdsData { instances }
}

/// EFS file systems of a region, with their policies.
pub(crate) async fn efs(c: &Collector, r: &RegionCtx, client: &aws_sdk_efs::Client) -> EfsData {
    let rec = &c.recorder("efs", &r.name);
    let file_systems = rec
        .list_each(
            "elasticfilesystem:DescribeFileSystems",
            items!(client.describe_file_systems()),
            |fs| async move {
                let id = fs.file_system_id().to_owned();
                let policy = rec
                    .optional(
                        "elasticfilesystem:DescribeFileSystemPolicy",
                        request!(client.describe_file_system_policy().file_system_id(&id)),
                        &["PolicyNotFound"],
                        |out| resource_policy(out.policy()),
                    )
                    .await;
                FileSystem {
                    arn: fs.file_system_arn().map(str::to_owned).unwrap_or_else(|| {
                        r.arn("elasticfilesystem", &format!("file-system/{id}"))
                    }),
                    id,
                    name: fs.name().map(str::to_owned),
                    encrypted: fs.encrypted().unwrap_or(false),
                    kms_key_id: fs.kms_key_id().map(str::to_owned),
                    policy,
                    tags: fs
                        .tags()
                        .iter()
                        .map(|t| Tag::new(t.key().to_owned(), t.value().to_owned()))
                        .collect(),
                }
            },
        )
        .await;
    EfsData {
        file_systems: file_systems.map(|mut list| {
            list.sort_by(|a, b| a.id.cmp(&b.id));
            list
        }),
    }
}

/// KMS keys of a region: each described, and customer managed keys' rotation and policy.
pub(crate) async fn kms(c: &Collector, r: &RegionCtx, client: &aws_sdk_kms::Client) -> KmsData {
    let rec = &c.recorder("kms", &r.name);
    let keys = rec
        .list_each("kms:ListKeys", items!(client.list_keys()), |k| async move {
            let id = s(k.key_id());
            let arn = k
                .key_arn()
                .map(str::to_owned)
                .unwrap_or_else(|| r.arn("kms", &format!("key/{id}")));
            let described = rec
                .call(
                    "kms:DescribeKey",
                    request!(client.describe_key().key_id(&id)),
                    |out| out.key_metadata().cloned(),
                )
                .await;
            let m = match described {
                Collected::Ok(Some(m)) => m,
                Collected::Ok(None) => {
                    return KmsKey {
                        id,
                        arn,
                        ..KmsKey::default()
                    }
                }
                Collected::Missing(g) => {
                    return KmsKey {
                        id,
                        arn,
                        rotation_enabled: Collected::Missing(g.clone()),
                        policy: Collected::Missing(g),
                        ..KmsKey::default()
                    }
                }
            };
            let text = |v: Option<&str>| v.unwrap_or_default().to_owned();
            let mut key = KmsKey {
                id,
                arn,
                manager: text(m.key_manager().map(|v| v.as_str())),
                state: text(m.key_state().map(|v| v.as_str())),
                spec: text(m.key_spec().map(|v| v.as_str())),
                origin: text(m.origin().map(|v| v.as_str())),
                deletion_date: time(m.deletion_date()),
                rotation_enabled: Collected::default(),
                policy: Collected::default(),
            };
            if key.manager == "CUSTOMER" {
                key.policy = rec
                    .call(
                        "kms:GetKeyPolicy",
                        request!(client
                            .get_key_policy()
                            .key_id(&key.id)
                            .policy_name("default")),
                        |out| resource_policy(out.policy()),
                    )
                    .await;
                if key.rotatable() {
                    key.rotation_enabled = rec
                        .call(
                            "kms:GetKeyRotationStatus",
                            request!(client.get_key_rotation_status().key_id(&key.id)),
                            |out| out.key_rotation_enabled(),
                        )
                        .await;
                }
            }
            key
        })
        .await;
    KmsData {
        keys: keys.map(|mut list| {
            list.sort_by(|a, b| a.id.cmp(&b.id));
            list
        }),
    }
}
