//! Counts of what the proxy did, per (service, action): requests seen and each outcome.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// What happened to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Forwarded,
    Answered,
    Throttled,
    Error,
    Reset,
    Denied,
    Hung,
    RateLimited,
    UpstreamFailed,
}

/// Request counts by outcome. `seen` is the sum of the others.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Requests received (admin requests under `/__proxy/` are not counted).
    pub seen: u64,
    /// Forwarded upstream and answered by it.
    pub forwarded: u64,
    /// Answered by the test's own [`Responder`](crate::Responder) instead of the upstream.
    #[serde(default)]
    pub answered: u64,
    /// Answered with a throttling error by a rule or `throttle_fraction`.
    pub throttled: u64,
    /// Answered with a 500 error.
    pub error: u64,
    /// Connection reset without an answer.
    pub reset: u64,
    /// Answered with an access-denied error.
    pub denied: u64,
    /// Never answered.
    pub hung: u64,
    /// Answered with a throttling error because a rate-limit bucket was empty.
    pub rate_limited: u64,
    /// Forwarded, but the upstream could not be reached (answered 502).
    pub upstream_failed: u64,
}

impl Counts {
    fn add(&mut self, outcome: Outcome) {
        self.seen += 1;
        let field = match outcome {
            Outcome::Forwarded => &mut self.forwarded,
            Outcome::Answered => &mut self.answered,
            Outcome::Throttled => &mut self.throttled,
            Outcome::Error => &mut self.error,
            Outcome::Reset => &mut self.reset,
            Outcome::Denied => &mut self.denied,
            Outcome::Hung => &mut self.hung,
            Outcome::RateLimited => &mut self.rate_limited,
            Outcome::UpstreamFailed => &mut self.upstream_failed,
        };
        *field += 1;
    }

    fn merge(&mut self, other: &Counts) {
        self.seen += other.seen;
        self.forwarded += other.forwarded;
        self.answered += other.answered;
        self.throttled += other.throttled;
        self.error += other.error;
        self.reset += other.reset;
        self.denied += other.denied;
        self.hung += other.hung;
        self.rate_limited += other.rate_limited;
        self.upstream_failed += other.upstream_failed;
    }
}

/// The counts of one API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiStats {
    /// Signing name of the service.
    pub service: String,
    /// The action.
    pub action: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// A snapshot of the counts, as `GET /__proxy/stats` serves it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Over every API.
    pub total: Counts,
    /// Per API, sorted by service then action.
    pub apis: Vec<ApiStats>,
}

impl Stats {
    /// The counts of one API (all zero if it was never seen).
    pub fn get(&self, service: &str, action: &str) -> Counts {
        self.apis
            .iter()
            .find(|a| a.service == service && a.action == action)
            .map(|a| a.counts)
            .unwrap_or_default()
    }

    /// The counts of one service, over its actions.
    pub fn service(&self, service: &str) -> Counts {
        let mut total = Counts::default();
        for api in self.apis.iter().filter(|a| a.service == service) {
            total.merge(&api.counts);
        }
        total
    }
}

/// The live counts.
#[derive(Default)]
pub(crate) struct StatsTable(Mutex<BTreeMap<(String, String), Counts>>);

impl StatsTable {
    pub(crate) fn record(&self, service: &str, action: &str, outcome: Outcome) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.get_mut(&(service.to_string(), action.to_string())) {
            Some(counts) => counts.add(outcome),
            None => {
                let mut counts = Counts::default();
                counts.add(outcome);
                map.insert((service.to_string(), action.to_string()), counts);
            }
        }
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut stats = Stats::default();
        for ((service, action), counts) in map.iter() {
            stats.total.merge(counts);
            stats.apis.push(ApiStats {
                service: service.clone(),
                action: action.clone(),
                counts: *counts,
            });
        }
        stats
    }

    pub(crate) fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}
