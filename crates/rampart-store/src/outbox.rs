//! The outbox: messages written with their scan, in the same transaction, then delivered
//! at least once. A message stays pending until a delivery succeeds or is given up, so a
//! process that stops (or is killed) loses nothing: the next one sends what is due.

use crate::db::{Conn, Row};
use crate::model::{DeliveryOutcome, DeliveryStatus, OutboxMessage};
use crate::record::{parse_ts, ts};
use crate::StoreError;
use chrono::{DateTime, Utc};

const COLUMNS: &str =
    "id, delivery_id, target, payload, status, attempts, created_at, next_attempt_at, last_error";

fn message(r: &Row) -> OutboxMessage {
    OutboxMessage {
        id: r.int(0),
        delivery_id: r.text(1).to_owned(),
        target: r.text(2).to_owned(),
        payload: r.text(3).to_owned(),
        status: match r.text(4) {
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending,
        },
        attempts: r.int(5) as u32,
        created_at: parse_ts(r.text(6)),
        next_attempt_at: parse_ts(r.text(7)),
        last_error: r.opt_text(8).map(str::to_owned),
    }
}

/// Pending messages due at `now`, oldest first.
pub(crate) fn due(
    conn: &mut Conn,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<OutboxMessage>, StoreError> {
    Ok(conn
        .query(
            &format!(
                "SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? \
                 ORDER BY next_attempt_at, id LIMIT ?"
            ),
            &[ts(now).into(), (limit as i64).into()],
        )?
        .iter()
        .map(message)
        .collect())
}

/// Every message, newest first (`limit` of them).
pub(crate) fn list(conn: &mut Conn, limit: usize) -> Result<Vec<OutboxMessage>, StoreError> {
    Ok(conn
        .query(
            &format!("SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT ?"),
            &[(limit as i64).into()],
        )?
        .iter()
        .map(message)
        .collect())
}

/// Record one delivery attempt.
pub(crate) fn record(
    conn: &mut Conn,
    id: i64,
    outcome: &DeliveryOutcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match outcome {
        DeliveryOutcome::Delivered => conn.execute(
            "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, \
             last_error = NULL WHERE id = ?",
            &[ts(now).into(), id.into()],
        )?,
        DeliveryOutcome::Retry {
            error,
            next_attempt_at,
        } => conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? \
             WHERE id = ? AND status = 'pending'",
            &[
                ts(*next_attempt_at).into(),
                error.as_str().into(),
                id.into(),
            ],
        )?,
        DeliveryOutcome::Failed { error } => conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? \
             WHERE id = ?",
            &[error.as_str().into(), id.into()],
        )?,
    };
    Ok(())
}
