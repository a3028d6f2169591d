//! `rampart watch`, without the AWS SDK and without the store: which findings and resource
//! changes of a stored scan are worth a message to each target ([`messages_for`]), the
//! delivery of the store's outbox with retries and backoff ([`deliver_due`]), and the
//! schedule on an injectable clock ([`run_schedule`]). The command layer plugs in the store
//! (an [`Outbox`]) and the SNS call of `rampart-collect` (an [`SnsSender`]).

mod deliver;
mod message;
mod schedule;

pub use deliver::{
    classify_status, deliver_due, Attempted, DeliveryReport, HttpSender, Outbox, RetryPolicy,
    SendError, Sender, Senders, SnsMessage, SnsSender, DELIVERY_ID_HEADER,
};
pub use message::{
    delivery_id, json_body, messages_for, risk_name, slack_body, sns_body, Digest, DigestChange,
    DigestFinding, RiskyLine, ScanRef, SnsPayload, SLACK_ITEMS,
};
pub use schedule::{next_slot, run_cycles, run_schedule, Clock, ScheduleLog, SystemClock};
