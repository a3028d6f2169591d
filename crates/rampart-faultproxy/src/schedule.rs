//! The seeded fault schedule. Whether a request gets a fault is a pure function of the seed,
//! the request's service, region and action, a hash of its method, path, query and body, and
//! its attempt number: how many requests with that same key the proxy has seen before it. The
//! k-th attempt of a request therefore always gets the same decision for a given seed, however
//! concurrent requests interleave, and a retry (attempt k+1) is a fresh draw.
//!
//! Limit: two requests with the same key from different callers (the same `DescribeVpcs` in the
//! same region for two accounts, which the proxy cannot tell apart) share one attempt counter,
//! so which of them gets the k-th draw depends on their order.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::config::{glob_match, Config, FaultKind, Rule};
use crate::request::{Fnv, RequestInfo};

/// The salt of the draw for the global shortcut fractions; rule `i` draws with salt `i + 1`.
const GLOBAL_SALT: u64 = 0;
/// The salt of the jitter draw.
const JITTER_SALT: u64 = u64::MAX;

/// The key under which a request's attempts are counted.
pub(crate) fn request_key(info: &RequestInfo) -> u64 {
    let mut h = Fnv::new();
    for part in [&info.service, &info.region, &info.action] {
        h.write(part.as_bytes());
        h.write(&[0]);
    }
    h.write_u64(info.content_hash);
    h.finish()
}

/// A uniform number in `[0, 1)` for (seed, key, attempt, salt).
pub(crate) fn draw(seed: u64, key: u64, attempt: u64, salt: u64) -> f64 {
    let mut h = Fnv::new();
    h.write_u64(seed);
    h.write_u64(key);
    h.write_u64(attempt);
    h.write_u64(salt);
    let x = splitmix64(h.finish());
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The fault the schedule gives the `attempt`-th (0-based) attempt of a request, if any:
/// the first rule whose filters match decides with its own draw; a request no rule faulted
/// then draws once against the shortcut fractions (throttle, then error, then reset).
pub fn decide(config: &Config, info: &RequestInfo, attempt: u64) -> Option<FaultKind> {
    let key = request_key(info);
    if let Some((i, rule)) = config
        .rules
        .iter()
        .enumerate()
        .find(|(_, r)| rule_matches(r, info))
    {
        if draw(config.seed, key, attempt, i as u64 + 1) < rule.fraction.get() {
            return Some(rule.fault);
        }
    }
    let u = draw(config.seed, key, attempt, GLOBAL_SALT);
    let throttle = config.throttle_fraction.get();
    let error = throttle + config.error_fraction.get();
    let reset = error + config.reset_fraction.get();
    if u < throttle {
        Some(FaultKind::Throttle)
    } else if u < error {
        Some(FaultKind::Error)
    } else if u < reset {
        Some(FaultKind::Reset)
    } else {
        None
    }
}

/// The jitter added to the latency of this attempt, in milliseconds.
pub(crate) fn jitter_ms(config: &Config, info: &RequestInfo, attempt: u64) -> u64 {
    if config.jitter_ms == 0 {
        return 0;
    }
    let u = draw(config.seed, request_key(info), attempt, JITTER_SALT);
    (u * (config.jitter_ms + 1) as f64) as u64
}

/// Whether every filter of `rule` matches the request.
pub(crate) fn rule_matches(rule: &Rule, info: &RequestInfo) -> bool {
    rule.service.as_ref().is_none_or(|s| *s == info.service)
        && rule
            .action
            .as_ref()
            .is_none_or(|a| glob_match(a, &info.action))
        && rule.region.as_ref().is_none_or(|r| *r == info.region)
        && rule.role_arn.as_ref().is_none_or(|pattern| {
            info.role_arn
                .as_ref()
                .is_some_and(|arn| glob_match(pattern, arn))
        })
        && rule.body_contains.as_ref().is_none_or(|needle| {
            info.body_text
                .as_deref()
                .is_some_and(|b| b.contains(needle.as_str()))
                || info
                    .form_body
                    .as_deref()
                    .is_some_and(|b| b.contains(needle.as_str()))
        })
}

/// How many attempts of each request key the proxy has seen.
#[derive(Default)]
pub(crate) struct Attempts(Mutex<HashMap<u64, u64>>);

impl Attempts {
    /// The 0-based attempt number of this request, counting it.
    pub(crate) fn next(&self, key: u64) -> u64 {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(key).or_insert(0);
        let attempt = *n;
        *n += 1;
        attempt
    }

    /// Forgets every count.
    pub(crate) fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // issue 10: draws are uniform enough that a fraction means that fraction.
    #[test]
    fn draws_are_uniform() {
        let n = 100_000u64;
        let mut buckets = [0u32; 10];
        for k in 0..n {
            let u = draw(7, k, 0, 0);
            assert!((0.0..1.0).contains(&u));
            buckets[(u * 10.0) as usize] += 1;
        }
        for b in buckets {
            assert!((9_500..10_500).contains(&b), "{buckets:?}");
        }
    }

    // issue 10: the seed, the attempt and the salt each change the draw.
    #[test]
    fn every_input_changes_the_draw() {
        let base = draw(1, 2, 3, 4);
        assert_eq!(base, draw(1, 2, 3, 4));
        assert_ne!(base, draw(9, 2, 3, 4));
        assert_ne!(base, draw(1, 9, 3, 4));
        assert_ne!(base, draw(1, 2, 9, 4));
        assert_ne!(base, draw(1, 2, 3, 9));
    }

    // issue 10: attempts are counted per key, from 0.
    #[test]
    fn attempts_count_per_key() {
        let a = Attempts::default();
        assert_eq!((a.next(1), a.next(1), a.next(2), a.next(1)), (0, 1, 0, 2));
        a.clear();
        assert_eq!(a.next(1), 0);
    }
}
