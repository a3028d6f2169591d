//! What a check function receives, and the builder that makes its findings.

use crate::{CheckMeta, Finding, Settings, Severity, Status};
use chrono::{DateTime, Utc};
use rampart_inventory::{Collected, Gap, Inventory, RegionData};
use rampart_policy::{Authorizer, Escalation, Graph};
use std::sync::OnceLock;

/// The inventory and settings a check evaluates.
pub struct Context<'a> {
    /// The inventory.
    pub inventory: &'a Inventory,
    /// Thresholds.
    pub settings: &'a Settings,
    /// The escalation graph's conclusions, computed once for every check that reads them
    /// ([`Context::escalation`]).
    escalation: OnceLock<Result<Escalation, String>>,
}

impl<'a> Context<'a> {
    /// A context over an inventory.
    pub fn new(inventory: &'a Inventory, settings: &'a Settings) -> Self {
        Context {
            inventory,
            settings,
            escalation: OnceLock::new(),
        }
    }

    /// Who can become an administrator in the account: the escalation graph of
    /// `rampart-policy` over the inventory, built the first time a check asks and shared by
    /// the others (it is the costly part of evaluating them). `Err` when a policy document
    /// cannot be read.
    pub fn escalation(&self) -> Result<&Escalation, &str> {
        self.escalation
            .get_or_init(|| {
                let auth = Authorizer::new(self.inventory)
                    .map_err(|e| format!("the account's policies cannot be read: {e}"))?;
                Ok(Escalation::of(&Graph::build(&auth)))
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The moment ages are measured from: when the snapshot was collected.
    pub fn now(&self) -> DateTime<Utc> {
        self.inventory.collected_at
    }

    /// Whole days from `t` to [`Context::now`].
    pub fn days_since(&self, t: DateTime<Utc>) -> i64 {
        (self.now() - t).num_days()
    }

    /// The scanned regions with their data, in name order.
    pub fn regions(&self) -> impl Iterator<Item = (&'a str, &'a RegionData)> {
        self.inventory.regional.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// A finding of `meta`'s check about `resource` in `region` (`global` for account-wide).
    pub fn finding(
        &self,
        meta: &'static CheckMeta,
        region: &str,
        resource: impl Into<String>,
    ) -> FindingBuilder {
        FindingBuilder {
            meta,
            account_id: self.inventory.account.id.clone(),
            region: region.to_owned(),
            resource: resource.into(),
            severity: meta.severity,
        }
    }

    /// The account root ARN, the resource of account-wide findings.
    pub fn account_arn(&self) -> String {
        self.inventory.account.root_arn()
    }

    /// The usual shape of a check over one collected list: an ERROR finding on
    /// `gap_resource` when the list is missing, else `each` for every item.
    pub fn over<T>(
        &self,
        meta: &'static CheckMeta,
        region: &str,
        gap_resource: &str,
        data: &'a Collected<Vec<T>>,
        mut each: impl FnMut(&'a T) -> Finding,
    ) -> Vec<Finding> {
        match data.get() {
            Ok(items) => items.iter().map(&mut each).collect(),
            Err(gap) => vec![self.finding(meta, region, gap_resource).error(gap)],
        }
    }

    /// A resource name for a whole region's worth of one kind of data, used as the
    /// resource of ERROR findings when the list itself could not be read.
    pub fn region_resource(&self, service: &str, region: &str) -> String {
        format!(
            "arn:{}:{}:{}:{}:*",
            self.inventory.account.partition, service, region, self.inventory.account.id
        )
    }
}

/// Builds one finding; finish it with [`pass`](Self::pass), [`fail`](Self::fail) or
/// [`error`](Self::error).
pub struct FindingBuilder {
    meta: &'static CheckMeta,
    account_id: String,
    region: String,
    resource: String,
    severity: Severity,
}

impl FindingBuilder {
    /// Lower (or raise) this finding's severity; the reason must say why.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The resource meets the check.
    pub fn pass(self, reason: impl Into<String>) -> Finding {
        self.build(Status::Pass, reason.into())
    }

    /// The resource fails the check.
    pub fn fail(self, reason: impl Into<String>) -> Finding {
        self.build(Status::Fail, reason.into())
    }

    /// The data could not be read.
    pub fn error(self, gap: &Gap) -> Finding {
        let reason = format!("could not be evaluated: {}", gap.describe());
        self.build(Status::Error, reason)
    }

    /// The data could not be read, for a reason of the check's own.
    pub fn error_reason(self, reason: impl Into<String>) -> Finding {
        self.build(Status::Error, reason.into())
    }

    fn build(self, status: Status, reason: String) -> Finding {
        Finding {
            id: Finding::stable_id(self.meta.id, &self.account_id, &self.region, &self.resource),
            check_id: self.meta.id.to_owned(),
            status,
            severity: self.severity,
            account_id: self.account_id,
            region: self.region,
            resource: self.resource,
            reason,
            muted: None,
            baseline: None,
        }
    }
}
