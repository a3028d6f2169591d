//! Data stores: S3 buckets and the account's Block Public Access (once per account, each
//! bucket read in its own region), and per region RDS instances, EFS file systems and KMS
//! keys.

use crate::sdk::{gap, policy_document, s, time};
use crate::{Collector, RegionCtx};
use futures::StreamExt;
use rampart_inventory::*;

/// An endpoint resolver that always answers the endpoint the user gave.
#[derive(Debug)]
struct FixedEndpoint(String);

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
    let account_block = async {
        let res = control
            .get_public_access_block()
            .account_id(account_id)
            .send()
            .await;
        c.record_optional(
            SERVICE,
            "global",
            "s3control:GetPublicAccessBlock",
            res,
            &["NoSuchPublicAccessBlockConfiguration"],
            |out| out.public_access_block_configuration().map(block),
        )
    };
    let global_client = client_in(&global.name);
    let buckets = async {
        let res = global_client
            .list_buckets()
            .into_paginator()
            .send()
            .collect::<Vec<_>>()
            .await;
        let mut list = Vec::new();
        for page in res {
            match page {
                Ok(out) => list.extend(
                    out.buckets()
                        .iter()
                        .map(|b| (s(b.name()), time(b.creation_date()))),
                ),
                Err(e) => return c.missing(SERVICE, "global", gap("s3:ListBuckets", &e)),
            }
        }
        let read = futures::stream::iter(list)
            .map(|(name, created)| {
                let global_client = &global_client;
                let client_in = &client_in;
                async move {
                    let loc = global_client
                        .get_bucket_location()
                        .bucket(&name)
                        .send()
                        .await;
                    let region = match loc {
                        Ok(out) => bucket_region(out.location_constraint().map(|l| l.as_str())),
                        Err(e) => {
                            let g = gap("s3:GetBucketLocation", &e);
                            c.ledger.error(SERVICE, "global", &g);
                            String::new()
                        }
                    };
                    let client = if region.is_empty() || region == global.name {
                        global_client.clone()
                    } else {
                        client_in(&region)
                    };
                    bucket(c, &client, global, name, region, created).await
                }
            })
            .buffer_unordered(c.item_concurrency)
            .collect::<Vec<_>>()
            .await;
        let mut read = read;
        read.sort_by(|a, b| a.name.cmp(&b.name));
        Collected::Ok(read)
    };
    let (account_public_access_block, buckets) = tokio::join!(account_block, buckets);
    S3Data {
        account_public_access_block,
        buckets,
    }
}

fn block(b: &aws_sdk_s3control::types::PublicAccessBlockConfiguration) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: b.block_public_acls().unwrap_or(false),
        ignore_public_acls: b.ignore_public_acls().unwrap_or(false),
        block_public_policy: b.block_public_policy().unwrap_or(false),
        restrict_public_buckets: b.restrict_public_buckets().unwrap_or(false),
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
    let (pab, policy, acl, versioning, logging, encryption, tags) = tokio::join!(
        client.get_public_access_block().bucket(&name).send(),
        client.get_bucket_policy().bucket(&name).send(),
        client.get_bucket_acl().bucket(&name).send(),
        client.get_bucket_versioning().bucket(&name).send(),
        client.get_bucket_logging().bucket(&name).send(),
        client.get_bucket_encryption().bucket(&name).send(),
        client.get_bucket_tagging().bucket(&name).send(),
    );
    let public_access_block = c.record_optional(
        SERVICE,
        at,
        "s3:GetPublicAccessBlock",
        pab,
        &["NoSuchPublicAccessBlockConfiguration"],
        |out| {
            out.public_access_block_configuration()
                .map(|b| PublicAccessBlock {
                    block_public_acls: b.block_public_acls().unwrap_or(false),
                    ignore_public_acls: b.ignore_public_acls().unwrap_or(false),
                    block_public_policy: b.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: b.restrict_public_buckets().unwrap_or(false),
                })
        },
    );
    let policy = c.record_optional(
        SERVICE,
        at,
        "s3:GetBucketPolicy",
        policy,
        &["NoSuchBucketPolicy"],
        |out| resource_policy(out.policy()),
    );
    let acl_grants = c.record(SERVICE, at, "s3:GetBucketAcl", acl, |out| {
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
    });
    let versioning = c.record(SERVICE, at, "s3:GetBucketVersioning", versioning, |out| {
        BucketVersioning {
            status: out.status().map(|v| v.as_str().to_owned()),
            mfa_delete: out.mfa_delete().map(|v| v.as_str().to_owned()),
        }
    });
    let logging_target = c.record(SERVICE, at, "s3:GetBucketLogging", logging, |out| {
        out.logging_enabled().map(|l| l.target_bucket().to_owned())
    });
    let default_encryption = c.record_optional(
        SERVICE,
        at,
        "s3:GetBucketEncryption",
        encryption,
        &["ServerSideEncryptionConfigurationNotFoundError"],
        |out| {
            out.server_side_encryption_configuration()
                .and_then(|cfg| cfg.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default())
                .map(|d| d.sse_algorithm().as_str().to_owned())
        },
    );
    let tags = c
        .record_optional(
            SERVICE,
            at,
            "s3:GetBucketTagging",
            tags,
            &["NoSuchTagSet", "NoSuchTagSetError"],
            |out| {
                Some(
                    out.tag_set()
                        .iter()
                        .map(|t| Tag {
                            key: t.key().to_owned(),
                            value: t.value().to_owned(),
                        })
                        .collect::<Vec<_>>(),
                )
            },
        )
        .map(Option::unwrap_or_default);
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
        tags,
    }
}

/// RDS DB instances of a region.
pub(crate) async fn rds(c: &Collector, r: &RegionCtx, client: &aws_sdk_rds::Client) -> RdsData {
    let res = client
        .describe_db_instances()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let instances = c.record("rds", &r.name, "rds:DescribeDBInstances", res, |list| {
        list.iter()
            .map(|d| DbInstance {
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
                    .map(|t| Tag {
                        key: s(t.key()),
                        value: s(t.value()),
                    })
                    .collect(),
            })
            .collect()
    });
    RdsData { instances }
}

/// EFS file systems of a region, with their policies.
pub(crate) async fn efs(c: &Collector, r: &RegionCtx, client: &aws_sdk_efs::Client) -> EfsData {
    const SERVICE: &str = "efs";
    let res = client
        .describe_file_systems()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let list = match res {
        Ok(l) => l,
        Err(e) => {
            return EfsData {
                file_systems: c.missing(
                    SERVICE,
                    &r.name,
                    gap("elasticfilesystem:DescribeFileSystems", &e),
                ),
            }
        }
    };
    let file_systems = futures::stream::iter(list)
        .map(|fs| async move {
            let id = fs.file_system_id().to_owned();
            let res = client
                .describe_file_system_policy()
                .file_system_id(&id)
                .send()
                .await;
            let policy = c.record_optional(
                SERVICE,
                &r.name,
                "elasticfilesystem:DescribeFileSystemPolicy",
                res,
                &["PolicyNotFound"],
                |out| resource_policy(out.policy()),
            );
            FileSystem {
                arn: fs
                    .file_system_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| r.arn("elasticfilesystem", &format!("file-system/{id}"))),
                id,
                name: fs.name().map(str::to_owned),
                encrypted: fs.encrypted().unwrap_or(false),
                kms_key_id: fs.kms_key_id().map(str::to_owned),
                policy,
                tags: fs
                    .tags()
                    .iter()
                    .map(|t| Tag {
                        key: t.key().to_owned(),
                        value: t.value().to_owned(),
                    })
                    .collect(),
            }
        })
        .buffer_unordered(c.item_concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut file_systems = file_systems;
    file_systems.sort_by(|a, b| a.id.cmp(&b.id));
    EfsData {
        file_systems: Collected::Ok(file_systems),
    }
}

/// KMS keys of a region: each described, and customer managed keys' rotation and policy.
pub(crate) async fn kms(c: &Collector, r: &RegionCtx, client: &aws_sdk_kms::Client) -> KmsData {
    const SERVICE: &str = "kms";
    let res = client
        .list_keys()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let list = match res {
        Ok(l) => l,
        Err(e) => {
            return KmsData {
                keys: c.missing(SERVICE, &r.name, gap("kms:ListKeys", &e)),
            }
        }
    };
    let keys = futures::stream::iter(list)
        .map(|k| async move {
            let id = s(k.key_id());
            let arn = k
                .key_arn()
                .map(str::to_owned)
                .unwrap_or_else(|| r.arn("kms", &format!("key/{id}")));
            let described = client.describe_key().key_id(&id).send().await;
            let meta = match described {
                Ok(out) => out.key_metadata().cloned(),
                Err(e) => {
                    let g = gap("kms:DescribeKey", &e);
                    c.ledger.error(SERVICE, &r.name, &g);
                    let mut key = KmsKey {
                        id,
                        arn,
                        ..KmsKey::default()
                    };
                    key.rotation_enabled = Collected::Missing(g.clone());
                    key.policy = Collected::Missing(g);
                    return key;
                }
            };
            let Some(m) = meta else {
                return KmsKey {
                    id,
                    arn,
                    ..KmsKey::default()
                };
            };
            let mut key = KmsKey {
                id,
                arn,
                manager: m
                    .key_manager()
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default(),
                state: m
                    .key_state()
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default(),
                spec: m
                    .key_spec()
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default(),
                origin: m
                    .origin()
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default(),
                deletion_date: time(m.deletion_date()),
                rotation_enabled: Collected::default(),
                policy: Collected::default(),
            };
            if key.manager == "CUSTOMER" {
                let policy = client
                    .get_key_policy()
                    .key_id(&key.id)
                    .policy_name("default")
                    .send()
                    .await;
                key.policy = c.record(SERVICE, &r.name, "kms:GetKeyPolicy", policy, |out| {
                    resource_policy(out.policy())
                });
                if key.rotatable() {
                    let rot = client
                        .get_key_rotation_status()
                        .key_id(&key.id)
                        .send()
                        .await;
                    key.rotation_enabled =
                        c.record(SERVICE, &r.name, "kms:GetKeyRotationStatus", rot, |out| {
                            out.key_rotation_enabled()
                        });
                }
            }
            key
        })
        .buffer_unordered(c.item_concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut keys = keys;
    keys.sort_by(|a, b| a.id.cmp(&b.id));
    KmsData {
        keys: Collected::Ok(keys),
    }
}
