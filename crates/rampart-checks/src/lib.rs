//! rampart's checks: pure functions from an [`Inventory`] to [`Finding`]s.
//!
//! Each check lives in one file under `checks/<service>/`, with its documentation in a
//! [`CheckMeta`] constant beside the function; [`registry`] lists them all. Checks read the
//! inventory and nothing else: no clock (ages are measured from
//! [`Inventory::collected_at`]), no network, no files.

mod checks;
pub mod compliance;
mod context;
pub mod docs;
pub mod fix;
mod model;
mod settings;

pub use context::{Context, FindingBuilder};
pub use model::{BaselineState, CheckMeta, Finding, Muted, Severity, Status};
pub use rampart_inventory::{Inventory, Service};
pub use settings::{FixSettings, Settings};

/// A check: its documentation and the function that evaluates it.
#[derive(Clone)]
pub struct Check {
    /// Documentation and metadata.
    pub meta: &'static CheckMeta,
    /// Evaluates the check over an inventory: one finding per resource examined.
    pub run: fn(&Context) -> Vec<Finding>,
}

/// Checks that were renamed, `(old id, new id)`, oldest first. The store follows these so
/// that a finding keeps its identity (first seen, lifecycle) across a rename: it is neither
/// resolved under its old name nor new under the new one. Add a line here whenever a check
/// id changes; never reuse an old id.
pub const RENAMED_CHECKS: &[(&str, &str)] = &[];

/// Every check, in catalogue order (by service, then id).
pub fn registry() -> &'static [Check] {
    static ALL: std::sync::OnceLock<Vec<Check>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<Check> = checks::by_service()
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        all.sort_by_key(|c| (c.meta.service, c.meta.id));
        all
    })
}

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    registry().iter().find(|c| c.meta.id == id)
}

/// Which checks to run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these check ids (empty: all).
    pub checks: Vec<String>,
    /// Only checks of these services (empty: all).
    pub services: Vec<String>,
    /// Only checks of these severities (empty: all).
    pub severities: Vec<Severity>,
    /// Never these check ids.
    pub exclude_checks: Vec<String>,
}

impl Selection {
    /// This selection without the Organization-level checks (those of service
    /// `organizations`): in a scan of a whole Organization they are evaluated once, in the
    /// management account, not in every member account, where they could only say what
    /// the management account says.
    pub fn without_organization_level(&self) -> Selection {
        let mut s = self.clone();
        s.exclude_checks.extend(
            registry()
                .iter()
                .filter(|c| c.meta.is_organization_level())
                .map(|c| c.meta.id.to_owned()),
        );
        s
    }

    /// Whether a check is selected.
    pub fn includes(&self, meta: &CheckMeta) -> bool {
        (self.checks.is_empty() || self.checks.iter().any(|c| c == meta.id))
            && (self.services.is_empty() || self.services.iter().any(|s| s == meta.service))
            && (self.severities.is_empty() || self.severities.contains(&meta.severity))
            && !self.exclude_checks.iter().any(|c| c == meta.id)
    }

    /// Names in `checks` and `services` that match no check or service, for a usage error.
    pub fn unknown_names(&self) -> Vec<String> {
        let mut unknown = Vec::new();
        for c in self.checks.iter().chain(&self.exclude_checks) {
            if find(c).is_none() {
                unknown.push(format!("check `{c}`"));
            }
        }
        for s in &self.services {
            if !registry().iter().any(|c| c.meta.service == s) {
                unknown.push(format!("service `{s}`"));
            }
        }
        unknown
    }
}

/// Run the selected checks over an inventory. Findings come sorted by check id, region and
/// resource, so that two evaluations of one snapshot give identical output.
pub fn evaluate(inventory: &Inventory, settings: &Settings, selection: &Selection) -> Vec<Finding> {
    let ctx = Context::new(inventory, settings);
    let mut findings: Vec<Finding> = registry()
        .iter()
        .filter(|c| selection.includes(c.meta))
        .flat_map(|c| (c.run)(&ctx))
        .collect();
    findings.sort_by(|a, b| {
        (&a.check_id, &a.region, &a.resource).cmp(&(&b.check_id, &b.region, &b.resource))
    });
    findings
}
