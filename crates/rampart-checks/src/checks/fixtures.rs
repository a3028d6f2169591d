//! Fixture inventories for check tests: a small account where every list was read and is
//! empty, which each test then fills or breaks.

use crate::{Check, Context, Finding, Settings};
use chrono::{DateTime, Duration, Utc};
use rampart_inventory::*;

/// The fixed moment fixture snapshots are collected at.
pub(crate) fn collected_at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
        .unwrap()
        .into()
}

/// `days` days before [`collected_at`].
pub(crate) fn days_ago(days: i64) -> Option<DateTime<Utc>> {
    Some(collected_at() - Duration::days(days))
}

/// The account id of fixtures.
pub(crate) const ACCOUNT: &str = "111122223333";

/// A fixture inventory under construction.
pub(crate) struct Fixture {
    pub inv: Inventory,
}

impl Fixture {
    /// An account with one region, `us-east-1`, where every list was read and is empty.
    pub fn new() -> Self {
        let mut inv = Inventory::new(
            Account {
                id: ACCOUNT.into(),
                partition: "aws".into(),
                caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
            },
            collected_at(),
        );
        inv.iam = IamData {
            account_summary: Collected::Ok(Default::default()),
            password_policy: Collected::Ok(None),
            credential_report: Collected::Ok(CredentialReport {
                generated_at: Some(collected_at()),
                rows: vec![],
            }),
            users: Collected::Ok(vec![]),
            groups: Collected::Ok(vec![]),
            roles: Collected::Ok(vec![]),
            policies: Collected::Ok(vec![]),
            virtual_mfa_devices: Collected::Ok(vec![]),
            instance_profiles: Collected::Ok(vec![]),
            server_certificates: Collected::Ok(vec![]),
            found_keys: Collected::Ok(Default::default()),
            service_last_accessed: Collected::Ok(Default::default()),
        };
        inv.s3 = S3Data {
            account_public_access_block: Collected::Ok(Some(PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            })),
            buckets: Collected::Ok(vec![]),
        };
        inv.budgets = BudgetsData {
            budgets: Collected::Ok(vec![]),
        };
        inv.organizations = OrganizationsData {
            organization: Collected::Ok(None),
            service_control_policies: Collected::Ok(vec![]),
            delegated_administrators: Collected::Ok(vec![]),
            iam_features: Collected::Ok(vec![]),
            applied_policies: Collected::Ok(None),
        };
        inv.account_settings = AccountSettings {
            security_contact: Collected::Ok(true),
            contact_information: Collected::Ok(true),
        };
        inv.regions.scanned = vec!["us-east-1".into()];
        inv.regional.insert("us-east-1".into(), empty_region());
        Fixture { inv }
    }

    /// Set one account summary counter.
    pub fn summary(&mut self, key: &str, value: i64) {
        if let Collected::Ok(m) = &mut self.inv.iam.account_summary {
            m.insert(key.into(), value);
        }
    }

    /// The data of a region, added (with every list read and empty) if not there yet.
    pub fn region(&mut self, name: &str) -> &mut RegionData {
        if !self.inv.regions.scanned.iter().any(|r| r == name) {
            self.inv.regions.scanned.push(name.into());
        }
        self.inv
            .regional
            .entry(name.into())
            .or_insert_with(empty_region)
    }
}

/// A region where every list was read and is empty.
pub(crate) fn empty_region() -> RegionData {
    RegionData {
        ec2: Ec2Data {
            vpcs: Collected::Ok(vec![]),
            subnets: Collected::Ok(vec![]),
            route_tables: Collected::Ok(vec![]),
            internet_gateways: Collected::Ok(vec![]),
            nat_gateways: Collected::Ok(vec![]),
            security_groups: Collected::Ok(vec![]),
            network_acls: Collected::Ok(vec![]),
            network_interfaces: Collected::Ok(vec![]),
            instances: Collected::Ok(vec![]),
            flow_logs: Collected::Ok(vec![]),
            ebs_encryption_by_default: Collected::Ok(true),
            images: Collected::Ok(vec![]),
            launch_templates: Collected::Ok(vec![]),
            volumes: Collected::Ok(vec![]),
            vpc_peering_connections: Collected::Ok(vec![]),
            vpc_endpoints: Collected::Ok(vec![]),
            addresses: Collected::Ok(vec![]),
        },
        guardduty: GuardDutyData {
            detectors: Collected::Ok(vec![]),
        },
        eventbridge: EventBridgeData {
            rules: Collected::Ok(vec![]),
        },
        cloudtrail: CloudTrailData {
            trails: Collected::Ok(vec![]),
        },
        config: ConfigData {
            recorders: Collected::Ok(vec![]),
        },
        rds: RdsData {
            instances: Collected::Ok(vec![]),
        },
        efs: EfsData {
            file_systems: Collected::Ok(vec![]),
        },
        kms: KmsData {
            keys: Collected::Ok(vec![]),
        },
        cloudwatch: CloudWatchData {
            alarms: Collected::Ok(vec![]),
        },
        logs: LogsData {
            metric_filters: Collected::Ok(vec![]),
        },
        sns: SnsData {
            topics: Collected::Ok(vec![]),
            subscriptions: Collected::Ok(vec![]),
        },
        securityhub: SecurityHubData {
            hub: Collected::Ok(None),
        },
        accessanalyzer: AccessAnalyzerData {
            analyzers: Collected::Ok(vec![]),
        },
        lambda: LambdaData {
            functions: Collected::Ok(vec![]),
        },
        cloudformation: CloudFormationData {
            stacks: Collected::Ok(vec![]),
        },
        ecs: EcsData {
            task_definitions: Collected::Ok(vec![]),
        },
        ssm: SsmData {
            parameters: Collected::Ok(vec![]),
        },
        elbv2: Elbv2Data {
            load_balancers: Collected::Ok(vec![]),
        },
        macie: MacieData {
            status: Collected::Ok(Some("ENABLED".into())),
        },
    }
}

/// A gap as an `AccessDenied` on `api`.
pub(crate) fn denied(api: &str) -> Gap {
    Gap {
        api: api.into(),
        code: "AccessDenied".into(),
        message: format!("User is not authorized to perform: {api}"),
    }
}

/// Run one check with default settings, findings sorted as `evaluate` sorts them.
pub(crate) fn run_check(check: &Check, inv: &Inventory) -> Vec<Finding> {
    let settings = Settings::default();
    let mut f = (check.run)(&Context::new(inv, &settings));
    f.sort_by(|a, b| (&a.region, &a.resource).cmp(&(&b.region, &b.resource)));
    f
}
