//! Delivery of the outbox's messages to a real HTTP receiver on 127.0.0.1: what each answer
//! of the receiver becomes (delivered, retried with backoff, failed with the reason), and
//! delivery across a receiver outage and a restart of the sending process (issue 11).

use chrono::{DateTime, Utc};
use rampart_notify::{
    deliver_due, Clock, Outbox, RetryPolicy, SendError, Senders, SnsMessage, SnsSender,
    DELIVERY_ID_HEADER,
};
use rampart_store::{DeliveryOutcome, DeliveryStatus, OutboxMessage};
use rampart_testkit::WebhookReceiver;
use rampart_triage::{Config, WatchConfig};
use std::cell::{Cell, RefCell};
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

/// The outbox as the store keeps it, in memory: a message is pending until delivered or
/// failed, and each recorded attempt counts.
#[derive(Default)]
struct MemoryOutbox {
    rows: Vec<OutboxMessage>,
}

impl MemoryOutbox {
    fn push(&mut self, target: &str, delivery_id: &str, payload: &str, at: DateTime<Utc>) -> i64 {
        let id = self.rows.len() as i64 + 1;
        self.rows.push(OutboxMessage {
            id,
            delivery_id: delivery_id.into(),
            target: target.into(),
            payload: payload.into(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            created_at: at,
            next_attempt_at: at,
            last_error: None,
        });
        id
    }

    fn row(&self, id: i64) -> &OutboxMessage {
        &self.rows[(id - 1) as usize]
    }
}

impl Outbox for MemoryOutbox {
    fn due(&mut self, now: DateTime<Utc>, limit: usize) -> anyhow::Result<Vec<OutboxMessage>> {
        Ok(self
            .rows
            .iter()
            .filter(|m| m.status == DeliveryStatus::Pending && m.next_attempt_at <= now)
            .take(limit)
            .cloned()
            .collect())
    }

    fn record(
        &mut self,
        id: i64,
        outcome: DeliveryOutcome,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let row = self
            .rows
            .iter_mut()
            .find(|m| m.id == id)
            .ok_or_else(|| anyhow::anyhow!("no message {id}"))?;
        row.attempts += 1;
        match outcome {
            DeliveryOutcome::Delivered => row.status = DeliveryStatus::Delivered,
            DeliveryOutcome::Retry {
                error,
                next_attempt_at,
            } => {
                row.last_error = Some(error);
                row.next_attempt_at = next_attempt_at;
            }
            DeliveryOutcome::Failed { error } => {
                row.status = DeliveryStatus::Failed;
                row.last_error = Some(error);
            }
        }
        Ok(())
    }
}

/// A clock that moves only when told.
struct FakeClock(Cell<DateTime<Utc>>);

impl FakeClock {
    fn new() -> FakeClock {
        FakeClock(Cell::new("2026-12-01T10:00:00Z".parse().unwrap()))
    }
    fn set(&self, t: DateTime<Utc>) {
        self.0.set(t);
    }
    fn advance(&self, secs: i64) {
        self.0.set(self.0.get() + chrono::Duration::seconds(secs));
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.get()
    }
    fn sleep_until(&self, t: DateTime<Utc>) {
        self.0.set(t);
    }
}

fn watch_for(receiver: &WebhookReceiver) -> WatchConfig {
    let toml = format!(
        "[[watch.targets]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{}\"\n\n\
         [[watch.targets]]\nname = \"chat\"\nkind = \"slack\"\nurl = \"{}\"\n",
        receiver.url("/hook"),
        receiver.url("/slack"),
    );
    Config::parse(&toml, Path::new("rampart.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .watch
}

fn senders(watch: &WatchConfig) -> Senders {
    Senders::http(watch, RetryPolicy::default(), Duration::from_secs(5))
}

const PAYLOAD: &str = r#"{"delivery_id":"d-1","findings":[]}"#;

// Issue 11: a 2xx is delivered; the POST goes to the configured URL with the payload as
// its body and the delivery id in `X-Rampart-Delivery-Id`.
#[test]
fn a_2xx_answer_is_delivered_with_the_delivery_id_header() {
    let receiver = WebhookReceiver::start();
    let mut senders = senders(&watch_for(&receiver));
    let clock = FakeClock::new();
    let mut outbox = MemoryOutbox::default();
    let hook = outbox.push("hook", "d-1", PAYLOAD, clock.now());
    let chat = outbox.push("chat", "d-2", r#"{"text":"hi"}"#, clock.now());

    let report = deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    assert_eq!(report.delivered(), 2);
    assert_eq!(outbox.row(hook).status, DeliveryStatus::Delivered);
    assert_eq!(outbox.row(chat).status, DeliveryStatus::Delivered);
    let got = receiver.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].path, "/hook");
    assert_eq!(got[0].header(DELIVERY_ID_HEADER), Some("d-1"));
    assert_eq!(got[0].header("content-type"), Some("application/json"));
    assert_eq!(got[0].body, PAYLOAD);
    assert_eq!(got[1].path, "/slack");
    assert_eq!(got[1].header(DELIVERY_ID_HEADER), Some("d-2"));

    let again = deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    assert!(
        again.attempts.is_empty(),
        "delivered messages are not sent again"
    );
}

// Issue 11: "A receiver that answers 500 is retried", after the backoff, and the repeat
// carries the same delivery id.
#[test]
fn a_500_is_retried_after_the_backoff_with_the_same_delivery_id() {
    let receiver = WebhookReceiver::start();
    receiver.answer_with(&[500, 503]);
    let mut senders = senders(&watch_for(&receiver));
    let clock = FakeClock::new();
    let mut outbox = MemoryOutbox::default();
    let id = outbox.push("hook", "d-1", PAYLOAD, clock.now());

    let first = deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    let DeliveryOutcome::Retry {
        error,
        next_attempt_at,
    } = &first.attempts[0].outcome
    else {
        panic!("{first:?}")
    };
    assert!(error.starts_with("HTTP 500: status 500"), "{error}");
    let wait = (*next_attempt_at - clock.now()).num_seconds();
    assert!(
        (30..=33).contains(&wait),
        "the first wait is 30 s plus jitter: {wait}"
    );

    // Not due before its time.
    clock.advance(wait - 1);
    assert!(deliver_due(&mut outbox, &mut senders, &clock)
        .unwrap()
        .attempts
        .is_empty());

    clock.set(*next_attempt_at);
    let second = deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    assert_eq!(second.retried(), 1, "503 too");
    let next = outbox.row(id).next_attempt_at;
    let wait = (next - clock.now()).num_seconds();
    assert!((60..=66).contains(&wait), "the wait doubles: {wait}");

    clock.set(next);
    assert_eq!(
        deliver_due(&mut outbox, &mut senders, &clock)
            .unwrap()
            .delivered(),
        1
    );
    assert_eq!(outbox.row(id).attempts, 3);
    let got = receiver.requests();
    assert_eq!(
        got.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 503, 200]
    );
    assert!(got
        .iter()
        .all(|r| r.header(DELIVERY_ID_HEADER) == Some("d-1") && r.body == PAYLOAD));
}

// Issue 11: "A 4xx is recorded as failed, with the reason" (the status and the start of
// the receiver's body), and never tried again; 429 is a request to come back later.
#[test]
fn a_4xx_fails_with_the_reason_and_429_is_retried() {
    let receiver = WebhookReceiver::start();
    receiver.answer_once(404, &format!("no such hook\n{}", "x".repeat(500)));
    receiver.answer_once(429, "slow down");
    let mut senders = senders(&watch_for(&receiver));
    let clock = FakeClock::new();
    let mut outbox = MemoryOutbox::default();
    let refused = outbox.push("hook", "d-1", PAYLOAD, clock.now());
    let throttled = outbox.push("hook", "d-2", PAYLOAD, clock.now());

    let report = deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    assert_eq!((report.failed(), report.retried()), (1, 1));
    let row = outbox.row(refused);
    assert_eq!(row.status, DeliveryStatus::Failed);
    let reason = row.last_error.as_deref().unwrap();
    assert!(reason.starts_with("HTTP 404: no such hook xxx"), "{reason}");
    assert_eq!(
        reason.len(),
        "HTTP 404: ".len() + 200,
        "the body's first 200 characters"
    );
    assert_eq!(outbox.row(throttled).status, DeliveryStatus::Pending);
    assert_eq!(
        outbox.row(throttled).last_error.as_deref(),
        Some("HTTP 429: slow down")
    );

    clock.advance(86_400);
    let later = deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    assert_eq!(
        later.attempts.len(),
        1,
        "the failed message is not tried again"
    );
    assert_eq!(later.attempts[0].delivery_id, "d-2");
    assert_eq!(receiver.requests().len(), 3);
}

// Issue 11: "While the webhook receiver is down, the process is killed and restarted.
// When the receiver returns, the message arrives, and any repeat carries the same delivery
// id." The outbox is what survives the process: the senders and the clock are made anew.
#[test]
fn a_message_survives_a_receiver_outage_and_a_restart() {
    let mut receiver = WebhookReceiver::start();
    let watch = watch_for(&receiver);
    let mut outbox = MemoryOutbox::default();
    let clock = FakeClock::new();
    let id = outbox.push("hook", "d-1", PAYLOAD, clock.now());
    receiver.stop();

    {
        // The first process: the receiver is down, the message stays pending.
        let mut senders = senders(&watch);
        let report = deliver_due(&mut outbox, &mut senders, &clock).unwrap();
        let DeliveryOutcome::Retry { error, .. } = &report.attempts[0].outcome else {
            panic!("{report:?}")
        };
        assert!(error.starts_with("no answer"), "{error}");
        // ... and is killed here.
    }
    assert_eq!(outbox.row(id).status, DeliveryStatus::Pending);
    assert!(receiver.requests().is_empty());

    // The receiver returns; a new process delivers once the backoff has passed.
    receiver.restart();
    let clock = FakeClock::new();
    clock.set(outbox.row(id).next_attempt_at);
    let mut senders = senders(&watch);
    let report = deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    assert_eq!(report.delivered(), 1);
    assert_eq!(outbox.row(id).status, DeliveryStatus::Delivered);
    assert_eq!(outbox.row(id).attempts, 2);
    let got = receiver.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header(DELIVERY_ID_HEADER), Some("d-1"));
    assert_eq!(got[0].body, PAYLOAD);
}

// Issue 11: retries end: after the last attempt the message is failed, with its last error.
#[test]
fn transient_errors_give_up_after_the_last_attempt() {
    let receiver = WebhookReceiver::start();
    receiver.answer_with(&[502, 502, 502]);
    let mut senders = Senders::http(
        &watch_for(&receiver),
        RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        },
        Duration::from_secs(5),
    );
    let clock = FakeClock::new();
    let mut outbox = MemoryOutbox::default();
    let id = outbox.push("hook", "d-1", PAYLOAD, clock.now());
    for _ in 0..3 {
        clock.set(outbox.row(id).next_attempt_at);
        deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    }
    let row = outbox.row(id);
    assert_eq!(row.status, DeliveryStatus::Failed);
    assert_eq!(
        row.last_error.as_deref(),
        Some("HTTP 502: status 502 from the test receiver (gave up after 3 attempts)")
    );
    assert_eq!(receiver.requests().len(), 3);
}

// Issue 11: a message whose target was removed from the settings is failed, saying so.
#[test]
fn a_target_no_longer_configured_fails_with_that_reason() {
    let receiver = WebhookReceiver::start();
    let mut senders = senders(&watch_for(&receiver));
    let clock = FakeClock::new();
    let mut outbox = MemoryOutbox::default();
    let id = outbox.push("old-hook", "d-1", PAYLOAD, clock.now());
    deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    assert_eq!(outbox.row(id).status, DeliveryStatus::Failed);
    assert_eq!(
        outbox.row(id).last_error.as_deref(),
        Some("target `old-hook` is no longer configured")
    );
    assert!(receiver.requests().is_empty());
}

// Issue 11: backoff doubles from 30 s to 1 h with a jitter of at most a tenth, the same
// for the same delivery id and attempt, different across ids.
#[test]
fn backoff_doubles_to_an_hour_with_deterministic_jitter() {
    let p = RetryPolicy::default();
    let secs = |id: &str, n: u32| p.delay(id, n).as_secs_f64();
    for (n, base) in [
        (1, 30.0),
        (2, 60.0),
        (3, 120.0),
        (7, 1920.0),
        (8, 3600.0),
        (30, 3600.0),
    ] {
        let d = secs("d-1", n);
        assert!(d >= base && d <= base * 1.1, "attempt {n}: {d}");
        assert_eq!(d, secs("d-1", n), "deterministic");
    }
    let spread: std::collections::HashSet<u128> = (0..20)
        .map(|i| p.delay(&format!("d-{i}"), 8).as_millis())
        .collect();
    assert!(spread.len() > 10, "ids spread out: {spread:?}");
}

// Issue 11: an SNS target publishes the subject and message the outbox holds, with the
// delivery id; the publisher's verdict decides retry or failure.
#[test]
fn sns_sender_publishes_the_stored_subject_and_message() {
    let published: Rc<RefCell<Vec<SnsMessage>>> = Rc::default();
    let verdicts = Rc::new(RefCell::new(vec![
        Err(SendError::Refused("NotFound: Topic does not exist".into())),
        Err(SendError::Transient("Throttled: Rate exceeded".into())),
        Ok(()),
    ]));
    let log = published.clone();
    let next = verdicts.clone();
    let mut senders = Senders::new(RetryPolicy::default());
    senders.insert(
        "topic",
        Box::new(SnsSender::new(move |m: &SnsMessage| {
            log.borrow_mut().push(m.clone());
            next.borrow_mut().pop().expect("a verdict")
        })),
    );
    let clock = FakeClock::new();
    let mut outbox = MemoryOutbox::default();
    let payload = r#"{"subject":"rampart: 1 new failure in account 111122223333","message":"{\"delivery_id\":\"d-1\"}"}"#;
    let ok = outbox.push("topic", "d-1", payload, clock.now());
    let retried = outbox.push("topic", "d-2", payload, clock.now());
    let failed = outbox.push("topic", "d-3", payload, clock.now());
    let broken = outbox.push("topic", "d-4", "not json", clock.now());

    deliver_due(&mut outbox, &mut senders, &clock).unwrap();
    assert_eq!(outbox.row(ok).status, DeliveryStatus::Delivered);
    assert_eq!(outbox.row(retried).status, DeliveryStatus::Pending);
    assert_eq!(outbox.row(failed).status, DeliveryStatus::Failed);
    assert_eq!(
        outbox.row(failed).last_error.as_deref(),
        Some("NotFound: Topic does not exist")
    );
    assert_eq!(outbox.row(broken).status, DeliveryStatus::Failed);
    let published = published.borrow();
    assert_eq!(
        published.len(),
        3,
        "a payload that is not an SNS message is not sent"
    );
    assert_eq!(
        published[0].subject,
        "rampart: 1 new failure in account 111122223333"
    );
    assert_eq!(published[0].message, r#"{"delivery_id":"d-1"}"#);
    assert_eq!(published[0].delivery_id, "d-1");
    assert_eq!(published[2].delivery_id, "d-3");
}
