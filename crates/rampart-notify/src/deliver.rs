//! Delivery of the outbox's due messages: each is sent to its target once per pass, and the
//! outcome recorded in the outbox: delivered, retried later with exponential backoff, or
//! failed with the reason. The outbox lives in the store, so a message survives a restart
//! until it is delivered or given up; delivery is at least once, and a repeat carries the
//! same delivery id.

use crate::message::SnsPayload;
use crate::schedule::Clock;
use chrono::{DateTime, Utc};
use rampart_store::{DeliveryOutcome, OutboxMessage};
use rampart_triage::{TargetKind, WatchConfig};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

/// The header that carries a message's delivery id on every webhook POST.
pub const DELIVERY_ID_HEADER: &str = "X-Rampart-Delivery-Id";

/// Messages asked of the outbox at a time.
const BATCH: usize = 50;

/// Characters of a refusing receiver's body kept in the failure's reason.
const BODY_IN_REASON: usize = 200;

/// The store's queue of messages, as delivery sees it.
pub trait Outbox {
    /// Pending messages whose next attempt is at or before `now`, oldest first, at most
    /// `limit`.
    fn due(&mut self, now: DateTime<Utc>, limit: usize) -> anyhow::Result<Vec<OutboxMessage>>;
    /// Record the outcome of an attempt at message `id` made at `now` (one more attempt).
    fn record(
        &mut self,
        id: i64,
        outcome: DeliveryOutcome,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth another try: a 5xx or 429, a refused connection, a timeout, throttling.
    Transient(String),
    /// Not worth another try: a 4xx, a topic that does not exist, access denied.
    Refused(String),
}

/// Sends a message's payload to one target.
pub trait Sender {
    /// Send `payload` with its delivery id.
    fn send(&mut self, delivery_id: &str, payload: &str) -> Result<(), SendError>;
}

/// POSTs JSON to a webhook (generic or Slack-compatible): only to the configured URL (no
/// redirect is followed, no proxy is taken from the environment), with timeouts.
pub struct HttpSender {
    url: String,
    agent: ureq::Agent,
}

impl HttpSender {
    /// A sender to `url`; `timeout` bounds each request whole (connection included).
    pub fn new(url: &str, timeout: Duration) -> HttpSender {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .proxy(None)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
            .user_agent(concat!("rampart/", env!("CARGO_PKG_VERSION")))
            .build();
        HttpSender {
            url: url.to_owned(),
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

impl Sender for HttpSender {
    fn send(&mut self, delivery_id: &str, payload: &str) -> Result<(), SendError> {
        let mut response = self
            .agent
            .post(self.url.as_str())
            .header("Content-Type", "application/json")
            .header(DELIVERY_ID_HEADER, delivery_id)
            .send(payload.as_bytes())
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let body = if (200..300).contains(&status) {
            String::new()
        } else {
            response
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_string()
                .unwrap_or_default()
        };
        classify_status(status, &body)
    }
}

/// A request that got no HTTP answer: a URL that cannot be requested is refused; a
/// connection refused or reset, a timeout, a name not found or a TLS failure may pass.
fn transport_error(e: ureq::Error) -> SendError {
    match e {
        ureq::Error::BadUri(_)
        | ureq::Error::Http(_)
        | ureq::Error::InvalidProxyUrl
        | ureq::Error::RequireHttpsOnly(_) => SendError::Refused(format!("cannot send: {e}")),
        e => SendError::Transient(format!("no answer: {e}")),
    }
}

/// An HTTP answer: 2xx delivered; 5xx, 429 and 408 worth another try; anything else
/// (4xx, and 3xx since redirects are not followed) refused, with the status and the start
/// of the body.
pub fn classify_status(status: u16, body: &str) -> Result<(), SendError> {
    let reason = || {
        let body: String = body
            .chars()
            .take(BODY_IN_REASON)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!("HTTP {status}: {}", body.trim())
    };
    match status {
        200..=299 => Ok(()),
        408 | 429 | 500..=599 => Err(SendError::Transient(reason())),
        _ => Err(SendError::Refused(reason())),
    }
}

/// Publishes SNS messages through a function the caller gives (the AWS SDK call lives in
/// `rampart-collect`): the outbox's payload is read back as [`SnsPayload`].
pub struct SnsSender<F> {
    publish: F,
}

/// One SNS publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsMessage {
    /// Subject.
    pub subject: String,
    /// Message body (JSON).
    pub message: String,
    /// The delivery id, sent as a message attribute (and as the deduplication id of a FIFO
    /// topic).
    pub delivery_id: String,
}

impl<F: FnMut(&SnsMessage) -> Result<(), SendError>> SnsSender<F> {
    /// A sender that publishes with `publish`.
    pub fn new(publish: F) -> Self {
        SnsSender { publish }
    }
}

impl<F: FnMut(&SnsMessage) -> Result<(), SendError>> Sender for SnsSender<F> {
    fn send(&mut self, delivery_id: &str, payload: &str) -> Result<(), SendError> {
        let p: SnsPayload = serde_json::from_str(payload)
            .map_err(|e| SendError::Refused(format!("not an SNS message: {e}")))?;
        (self.publish)(&SnsMessage {
            subject: p.subject,
            message: p.message,
            delivery_id: delivery_id.to_owned(),
        })
    }
}

/// When to try again, and when to give up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt; it doubles after each one.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// Attempts before a message is given up as failed.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 30 s doubling to 1 h, 20 attempts (about 14 hours of trying).
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
            max_attempts: 20,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1 for the first) of `delivery_id`:
    /// `first_delay · 2^(attempt-1)`, at most `max_delay`, plus a jitter of up to a tenth of
    /// it taken from the delivery id and the attempt, so many messages failing together do
    /// not all come back together, yet a run is reproducible.
    pub fn delay(&self, delivery_id: &str, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        let base = self
            .first_delay
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.max_delay);
        let tenth = base.as_millis() as u64 / 10;
        let jitter = if tenth == 0 {
            0
        } else {
            let mut h = Sha256::new();
            h.update(delivery_id.as_bytes());
            h.update(attempt.to_le_bytes());
            let d = h.finalize();
            u64::from_le_bytes(d[..8].try_into().expect("8 bytes")) % (tenth + 1)
        };
        base + Duration::from_millis(jitter)
    }
}

/// The targets' senders, by target name, and the retry policy.
pub struct Senders {
    senders: BTreeMap<String, Box<dyn Sender>>,
    /// When to try again and when to give up.
    pub retry: RetryPolicy,
}

impl Senders {
    /// No senders yet.
    pub fn new(retry: RetryPolicy) -> Senders {
        Senders {
            senders: BTreeMap::new(),
            retry,
        }
    }

    /// Send target `name`'s messages with `sender`.
    pub fn insert(&mut self, name: &str, sender: Box<dyn Sender>) {
        self.senders.insert(name.to_owned(), sender);
    }

    /// An [`HttpSender`] for each webhook and Slack target of `watch`, each request bounded
    /// by `timeout`. SNS targets are left to the caller, who owns the AWS session
    /// ([`SnsSender`]).
    pub fn http(watch: &WatchConfig, retry: RetryPolicy, timeout: Duration) -> Senders {
        let mut senders = Senders::new(retry);
        for t in &watch.targets {
            match &t.kind {
                TargetKind::Webhook { url } | TargetKind::Slack { url } => {
                    senders.insert(&t.name, Box::new(HttpSender::new(url, timeout)));
                }
                TargetKind::Sns { .. } => {}
            }
        }
        senders
    }
}

/// One attempt made by [`deliver_due`].
#[derive(Debug, Clone, PartialEq)]
pub struct Attempted {
    /// The outbox row.
    pub id: i64,
    /// Its delivery id.
    pub delivery_id: String,
    /// Its target.
    pub target: String,
    /// What became of it (as recorded in the outbox).
    pub outcome: DeliveryOutcome,
}

/// What one delivery pass did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryReport {
    /// Every attempt, in order.
    pub attempts: Vec<Attempted>,
}

impl DeliveryReport {
    /// Messages delivered.
    pub fn delivered(&self) -> usize {
        self.count(|o| matches!(o, DeliveryOutcome::Delivered))
    }

    /// Messages to be tried again.
    pub fn retried(&self) -> usize {
        self.count(|o| matches!(o, DeliveryOutcome::Retry { .. }))
    }

    /// Messages given up.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, DeliveryOutcome::Failed { .. }))
    }

    fn count(&self, f: impl Fn(&DeliveryOutcome) -> bool) -> usize {
        self.attempts.iter().filter(|a| f(&a.outcome)).count()
    }
}

/// Try every message of `outbox` that is due now, once each, and record each outcome:
/// delivered; a transient error retried after [`RetryPolicy::delay`] until the last
/// attempt, then failed; a refusal, or a target no longer configured, failed with the
/// reason. Stops at the first outbox error (what was recorded stays recorded).
pub fn deliver_due(
    outbox: &mut dyn Outbox,
    senders: &mut Senders,
    clock: &dyn Clock,
) -> anyhow::Result<DeliveryReport> {
    let mut report = DeliveryReport::default();
    let mut tried = HashSet::new();
    loop {
        let batch = outbox.due(clock.now(), BATCH)?;
        let fresh: Vec<OutboxMessage> = batch
            .into_iter()
            .filter(|m| !tried.contains(&m.id))
            .collect();
        if fresh.is_empty() {
            return Ok(report);
        }
        for m in fresh {
            tried.insert(m.id);
            let result = match senders.senders.get_mut(&m.target) {
                Some(sender) => sender.send(&m.delivery_id, &m.payload),
                None => Err(SendError::Refused(format!(
                    "target `{}` is no longer configured",
                    m.target
                ))),
            };
            let now = clock.now();
            let attempt = m.attempts.saturating_add(1);
            let outcome = match result {
                Ok(()) => DeliveryOutcome::Delivered,
                Err(SendError::Refused(error)) => DeliveryOutcome::Failed { error },
                Err(SendError::Transient(error)) if attempt >= senders.retry.max_attempts => {
                    DeliveryOutcome::Failed {
                        error: format!("{error} (gave up after {attempt} attempts)"),
                    }
                }
                Err(SendError::Transient(error)) => {
                    let wait = senders.retry.delay(&m.delivery_id, attempt);
                    DeliveryOutcome::Retry {
                        error,
                        next_attempt_at: now
                            + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1)),
                    }
                }
            };
            outbox.record(m.id, outcome.clone(), now)?;
            report.attempts.push(Attempted {
                id: m.id,
                delivery_id: m.delivery_id,
                target: m.target,
                outcome,
            });
        }
    }
}
