//! Remembered answers to POST requests that carry an `Idempotency-Key`.
//!
//! A client that retries a POST with the same key and the same body gets the first answer
//! again instead of a second effect; the same key with another body is refused. The API
//! claims the key before it runs the command (a pending row), stores the answer when the
//! command succeeded, and releases the claim when it did not, so a corrected retry can
//! run. A pending claim older than [`STALE_AFTER_SECONDS`] is taken over: its request
//! never finished.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::rows::IdempotencyRow;
use subsidie_store::schema::idempotency_keys;
use subsidie_store::Pool;

use crate::convert::naive;
use crate::error::ServiceError;
use crate::tx;

/// The status stored while the first request with a key is still running.
const PENDING: i32 = 0;

/// After this many seconds a pending claim counts as abandoned.
pub const STALE_AFTER_SECONDS: i64 = 300;

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or its earlier request was abandoned): run the request now, then
    /// [`complete`] or [`release`] the key.
    New,
    /// The same request was answered before: send this answer again.
    Replay {
        /// The HTTP status of the first answer.
        status: u16,
        /// The stored answer, as the API wrote it.
        body: String,
    },
    /// The key was used before for another request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// Claims `key` for `user_id` and a request with hash `request_hash`.
pub fn claim(
    pool: &Pool,
    user_id: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, ServiceError> {
    match claim_once(pool, user_id, key, request_hash, now) {
        // Two first requests raced on PostgreSQL and the other one inserted first: look
        // again, now the row is there.
        Err(ServiceError::Conflict(_)) => claim_once(pool, user_id, key, request_hash, now),
        other => other,
    }
}

fn claim_once(
    pool: &Pool,
    user_id: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, ServiceError> {
    tx::write(pool, |conn| {
        let existing: Option<IdempotencyRow> = idempotency_keys::table
            .find((user_id, key))
            .select(IdempotencyRow::as_select())
            .first(conn)
            .optional()?;
        let Some(row) = existing else {
            diesel::insert_into(idempotency_keys::table)
                .values(&IdempotencyRow {
                    user_id: user_id.to_owned(),
                    key: key.to_owned(),
                    request_hash: request_hash.to_owned(),
                    response_status: PENDING,
                    response_body: String::new(),
                    created_at: naive(now),
                })
                .execute(conn)?;
            return Ok(Claim::New);
        };
        if row.request_hash != request_hash {
            return Ok(Claim::Mismatch);
        }
        if row.response_status == PENDING {
            let age = naive(now) - row.created_at;
            if age.num_seconds() < STALE_AFTER_SECONDS {
                return Ok(Claim::InProgress);
            }
            diesel::update(idempotency_keys::table.find((user_id, key)))
                .set(idempotency_keys::created_at.eq(naive(now)))
                .execute(conn)?;
            return Ok(Claim::New);
        }
        Ok(Claim::Replay {
            status: u16::try_from(row.response_status).unwrap_or(200),
            body: row.response_body,
        })
    })
}

/// Stores the answer to the request that claimed `key`.
pub fn complete(
    pool: &Pool,
    user_id: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), ServiceError> {
    tx::write(pool, |conn| {
        diesel::update(idempotency_keys::table.find((user_id, key)))
            .set((
                idempotency_keys::response_status.eq(i32::from(status)),
                idempotency_keys::response_body.eq(body),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Forgets a pending claim whose request did not succeed.
pub fn release(pool: &Pool, user_id: &str, key: &str) -> Result<(), ServiceError> {
    tx::write(pool, |conn| {
        diesel::delete(
            idempotency_keys::table
                .find((user_id, key))
                .filter(idempotency_keys::response_status.eq(PENDING)),
        )
        .execute(conn)?;
        Ok(())
    })
}
