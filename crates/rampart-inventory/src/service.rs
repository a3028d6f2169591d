//! The services rampart reads: each a group of API calls that collection can switch on or
//! off, and that fills one part of the [`Inventory`](crate::Inventory). Checks declare the
//! services they need (`CheckMeta::needs` in rampart-checks), and a scan collects the union.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// A group of API calls that can be switched on or off, filling one part of the inventory.
///
/// Its name (`iam`, `ec2`, `cloudwatch`, ...) is the same in JSON, in `Display` and in
/// `FromStr`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    VariantArray,
    IntoStaticStr,
    EnumString,
    strum::Display,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Service {
    /// IAM (global).
    Iam,
    /// EC2 and VPC.
    Ec2,
    /// GuardDuty.
    GuardDuty,
    /// EventBridge (rules routing security findings).
    EventBridge,
    /// CloudTrail.
    CloudTrail,
    /// AWS Config.
    Config,
    /// S3 (read once per account).
    S3,
    /// RDS.
    Rds,
    /// EFS.
    Efs,
    /// KMS.
    Kms,
    /// CloudWatch alarms.
    CloudWatch,
    /// CloudWatch Logs metric filters.
    Logs,
    /// SNS.
    Sns,
    /// Security Hub.
    SecurityHub,
    /// IAM Access Analyzer.
    AccessAnalyzer,
    /// AWS Budgets (read once per account).
    Budgets,
    /// Lambda.
    Lambda,
    /// CloudFormation.
    CloudFormation,
    /// ECS.
    Ecs,
    /// SSM Parameter Store.
    Ssm,
    /// Elastic Load Balancing v2.
    Elbv2,
    /// AWS Organizations and IAM organization features (read once per account).
    Organizations,
    /// Account Management: contacts (read once per account).
    Account,
    /// Amazon Macie.
    Macie,
    /// IAM Access Advisor: one job per user and role (read once per account, after IAM;
    /// its data is `iam.service_last_accessed`).
    AccessAdvisor,
}

impl Service {
    /// Every service, in declaration order (derived, so a new variant is never left out).
    pub const ALL: [Service; <Service as VariantArray>::VARIANTS.len()] =
        variants_array(<Service as VariantArray>::VARIANTS, false);

    /// Lower-case name, as in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether the service is read once per account rather than in every region.
    pub fn is_global(self) -> bool {
        matches!(
            self,
            Service::Iam
                | Service::S3
                | Service::Budgets
                | Service::Organizations
                | Service::Account
                | Service::AccessAdvisor
        )
    }

    /// Where this service's data is, below [`Service::inventory_field`]: the whole field
    /// (empty), or one part of it (Access Advisor: `service_last_accessed` of `iam`).
    pub fn inventory_subfield(self) -> Option<&'static str> {
        match self {
            Service::AccessAdvisor => Some("service_last_accessed"),
            _ => None,
        }
    }

    /// The field of [`Inventory`](crate::Inventory) (global services) or of
    /// [`RegionData`](crate::RegionData) (regional ones) that holds this service's data.
    pub fn inventory_field(self) -> &'static str {
        match self {
            Service::Account => "account_settings",
            Service::AccessAdvisor => "iam",
            other => other.as_str(),
        }
    }
}

/// An enum's derived variant list ([`VariantArray::VARIANTS`]) as an array, reversed when
/// `reverse` is set, so that an `ALL` constant can be iterated by value and indexed like a
/// hand-written array while staying generated.
pub const fn variants_array<T: Copy, const N: usize>(variants: &[T], reverse: bool) -> [T; N] {
    assert!(
        variants.len() == N && N > 0,
        "N must be the number of variants"
    );
    let mut out = [variants[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if reverse {
            variants[N - 1 - i]
        } else {
            variants[i]
        };
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 9: the list is derived, and the names agree between serde, Display and FromStr.
    #[test]
    fn all_is_derived_and_names_round_trip() {
        assert_eq!(Service::ALL.len(), 25);
        assert_eq!(Service::ALL.first(), Some(&Service::Iam));
        assert_eq!(Service::ALL.last(), Some(&Service::AccessAdvisor));
        for s in Service::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(s.as_str().parse::<Service>(), Ok(s));
            assert_eq!(serde_json::from_str::<Service>(&json).unwrap(), s);
        }
        assert_eq!(Service::GuardDuty.to_string(), "guardduty");
        assert_eq!(Service::AccessAdvisor.to_string(), "accessadvisor");
        assert!("nope".parse::<Service>().is_err());
    }

    // Issue 9: every service names an existing part of the inventory.
    #[test]
    fn inventory_field_exists() {
        let inv = serde_json::to_value(crate::Inventory::new(
            crate::Account {
                id: "111122223333".into(),
                partition: "aws".into(),
                caller_arn: String::new(),
            },
            chrono::Utc::now(),
        ))
        .unwrap();
        let region = serde_json::to_value(crate::RegionData::default()).unwrap();
        for s in Service::ALL {
            let holder = if s.is_global() { &inv } else { &region };
            let field = holder.get(s.inventory_field());
            assert!(field.is_some(), "{s}: no field `{}`", s.inventory_field());
            if let Some(sub) = s.inventory_subfield() {
                assert!(field.unwrap().get(sub).is_some(), "{s}: no field `{sub}`");
            }
        }
    }

    #[test]
    fn variants_array_reverses() {
        assert_eq!(variants_array::<u8, 3>(&[1, 2, 3], true), [3, 2, 1]);
        assert_eq!(variants_array::<u8, 3>(&[1, 2, 3], false), [1, 2, 3]);
    }
}
