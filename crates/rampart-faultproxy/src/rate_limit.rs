//! AWS-like token buckets. A request takes one token from every bucket whose limit matches it;
//! when one of them is empty the request is refused (the proxy answers with the protocol's
//! throttling error). Buckets are kept per limit, action (when the limit names actions),
//! region and access key id, start full and refill continuously at `per_second`.
//! Unlike the fault schedule, this depends on timing, as AWS's own limits do.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::config::{glob_match, RateLimit};
use crate::request::RequestInfo;

struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Clone, Hash, PartialEq, Eq)]
struct BucketKey {
    limit: usize,
    action: String,
    region: String,
    access_key: String,
}

/// The buckets of the current configuration.
#[derive(Default)]
pub(crate) struct RateLimiter(Mutex<HashMap<BucketKey, Bucket>>);

impl RateLimiter {
    /// Takes a token from each matching bucket and returns true, or takes none and returns
    /// false when one of them is empty.
    pub(crate) fn admit(&self, limits: &[RateLimit], info: &RequestInfo) -> bool {
        let now = Instant::now();
        let mut buckets = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let matching: Vec<(usize, &RateLimit)> = limits
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.service == info.service
                    && l.action
                        .as_ref()
                        .is_none_or(|a| glob_match(a, &info.action))
            })
            .collect();
        let mut keys = Vec::with_capacity(matching.len());
        for (i, limit) in &matching {
            let key = BucketKey {
                limit: *i,
                action: if limit.action.is_some() {
                    info.action.clone()
                } else {
                    String::new()
                },
                region: info.region.clone(),
                access_key: info.access_key.clone(),
            };
            let bucket = buckets.entry(key.clone()).or_insert(Bucket {
                tokens: limit.burst.get(),
                last: now,
            });
            let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
            bucket.tokens =
                (bucket.tokens + elapsed * limit.per_second.get()).min(limit.burst.get());
            bucket.last = now;
            if bucket.tokens < 1.0 {
                return false;
            }
            keys.push(key);
        }
        for key in keys {
            if let Some(bucket) = buckets.get_mut(&key) {
                bucket.tokens -= 1.0;
            }
        }
        true
    }

    /// Forgets every bucket (when the configuration is replaced).
    pub(crate) fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}
