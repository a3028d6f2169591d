//! The account's place in AWS Organizations and its account-level settings: alternate
//! contacts, contact information, and the IAM organization features (centralized root
//! access), read once per account.

use crate::Collected;
use serde::{Deserialize, Serialize};

/// AWS Organizations as seen from this account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OrganizationsData {
    /// The organization (`DescribeOrganization`); `None` when the account is in none.
    pub organization: Collected<Option<Organization>>,
    /// Service control policies (`ListPolicies`; only the management account or a
    /// delegated administrator may read them).
    pub service_control_policies: Collected<Vec<OrgPolicy>>,
    /// Delegated administrator accounts (`ListDelegatedAdministrators`; management account
    /// only).
    pub delegated_administrators: Collected<Vec<DelegatedAdministrator>>,
    /// IAM organization features enabled (`iam:ListOrganizationsFeatures`:
    /// `RootCredentialsManagement`, `RootSessions`).
    pub iam_features: Collected<Vec<String>>,
    /// The service and resource control policies that apply to this account, level by
    /// level from the root down to the account (schema 5). `None` when the account is in
    /// no organization. Only the management account (or a delegated administrator) may
    /// read them: an Organization scan reads them there for every member.
    #[serde(default)]
    pub applied_policies: Collected<Option<AppliedOrgPolicies>>,
}

/// The organization policies that apply to one account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppliedOrgPolicies {
    /// Service control policies, one level per target from the root down to the account:
    /// an action is allowed only if every level allows it and none denies it.
    pub service_control_policies: Vec<OrgPolicyLevel>,
    /// Resource control policies, level by level likewise; a gap when they could not be
    /// read, and empty levels when the policy type is not enabled.
    pub resource_control_policies: Collected<Vec<OrgPolicyLevel>>,
}

/// The policies of one type attached to one target (the root, an OU or the account).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicyLevel {
    /// Target id (`r-...`, `ou-...`, or the account id).
    pub target_id: String,
    /// `ROOT`, `ORGANIZATIONAL_UNIT` or `ACCOUNT`.
    pub target_type: String,
    /// Target name.
    pub name: String,
    /// The policies attached to it, with their documents.
    pub policies: Vec<OrgPolicyDocument>,
}

/// An organization policy and its content.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicyDocument {
    /// Id (`p-...`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Managed by AWS (`FullAWSAccess`, `RCPFullAWSAccess`).
    pub aws_managed: bool,
    /// The policy document (`DescribePolicy`), parsed JSON.
    pub document: serde_json::Value,
}

/// An organization.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Id (`o-...`).
    pub id: String,
    /// The management account's id.
    pub management_account_id: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
}

/// A policy of the organization.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicy {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Managed by AWS (`FullAWSAccess`).
    pub aws_managed: bool,
}

/// A delegated administrator account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DelegatedAdministrator {
    /// Account id.
    pub account_id: String,
    /// Account name.
    pub name: String,
}

/// Account-level settings (AWS Account Management).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountSettings {
    /// Whether a SECURITY alternate contact is registered (`GetAlternateContact`); the
    /// contact's details are not stored.
    pub security_contact: Collected<bool>,
    /// Whether the account's contact information has a name, phone number and address
    /// (`GetContactInformation`); the details are not stored.
    pub contact_information: Collected<bool>,
}

/// Amazon Macie, per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MacieData {
    /// Macie session status (`ENABLED`, `PAUSED`); `None` when Macie is not enabled.
    pub status: Collected<Option<String>>,
}
