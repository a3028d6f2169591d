//! Thresholds the checks use, with the benchmark's values as defaults.

use serde::{Deserialize, Serialize};

/// Thresholds and port lists. Defaults follow CIS AWS Foundations v7.0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Access keys older than this many days fail rotation (CIS 2.12: 90).
    pub access_key_max_age_days: i64,
    /// Credentials unused for this many days should be disabled (CIS 2.11: 45).
    pub unused_credentials_days: i64,
    /// Minimum password length (CIS 2.8: 14).
    pub password_min_length: i32,
    /// Previous passwords remembered (CIS 2.9: 24).
    pub password_reuse_prevention: i32,
    /// Remote administration ports (CIS 6.2-6.4: SSH 22, RDP 3389).
    pub admin_ports: Vec<u16>,
    /// Database ports that must not be open to the world.
    pub database_ports: Vec<u16>,
    /// Ports meant to be public on a web tier or load balancer (HTTP, HTTPS): open to the
    /// world there, they are not a high-severity finding.
    pub public_web_ports: Vec<u16>,
    /// AMIs older than this many days behind running instances fail (default 90).
    pub ami_max_age_days: i64,
    /// IAM roles not used for this many days are reported as unused (default 90).
    pub unused_role_days: i64,
    /// Root user activity (sign-in or key use) within this many days fails (default 90).
    pub root_use_days: i64,
    /// Services a principal is granted but has not used (Access Advisor) for this many days
    /// are reported as unused (default 90).
    pub unused_service_days: i64,
    /// What `rampart fix` needs to be told rather than guess (`[fix]` in rampart.toml and
    /// the `fix` command's flags); not a threshold, so not read from `[thresholds]`.
    #[serde(skip)]
    pub fix: FixSettings,
}

/// Names and amounts a fixer cannot take from the snapshot. A fixer that needs one that is
/// not given plans nothing and says which flag or setting names it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FixSettings {
    /// The S3 bucket a new CloudTrail trail delivers to (`--trail-bucket`,
    /// `[fix] trail_bucket`).
    pub trail_bucket: Option<String>,
    /// The S3 bucket an AWS Config delivery channel writes to (`--config-bucket`,
    /// `[fix] config_bucket`).
    pub config_bucket: Option<String>,
    /// An email address subscribed to the SNS topics rampart creates (`--notify-email`,
    /// `[fix] notify_email`).
    pub notify_email: Option<String>,
    /// The monthly spend in USD above which the billing alarm fires and the budget warns
    /// (`--billing-limit`, `[fix] billing_limit_usd`).
    pub billing_limit_usd: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            access_key_max_age_days: 90,
            unused_credentials_days: 45,
            password_min_length: 14,
            password_reuse_prevention: 24,
            admin_ports: vec![22, 3389],
            // MySQL/Aurora, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, Memcached,
            // Cassandra, Elasticsearch/OpenSearch, CouchDB.
            database_ports: vec![
                1433, 1521, 2483, 2484, 3306, 5432, 5984, 6379, 7000, 7001, 9042, 9200, 9300,
                11211, 27017, 27018,
            ],
            public_web_ports: vec![80, 443],
            ami_max_age_days: 90,
            unused_role_days: 90,
            root_use_days: 90,
            unused_service_days: 90,
            fix: FixSettings::default(),
        }
    }
}
