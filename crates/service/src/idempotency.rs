//! Remembered answers to POST requests that carry an `Idempotency-Key`.
//!
//! A client that retries a POST with the same key and the same body gets the first answer
//! again instead of a second effect; the same key with another body is refused. The API
//! claims the key before it runs the command (a pending row), stores the answer when the
//! command succeeded, and releases the claim when it did not, so a corrected retry can
//! run. A pending claim older than [`STALE_AFTER_SECONDS`] is taken over: its request
//! never finished. Keys are kept for [`KEEP_HOURS`] and then forgotten ([`purge`], run
//! daily by `subsidie serve`), so a client can retry for a day.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::rows::IdempotencyRow;
use subsidie_store::schema::idempotency_keys;
use subsidie_store::{DbConnection, Pool};

use crate::convert::naive;
use crate::error::ServiceError;
use crate::tx;

/// The status stored while the first request with a key is still running.
const PENDING: i32 = 0;

/// After this many seconds a pending claim counts as abandoned.
pub const STALE_AFTER_SECONDS: i64 = 300;

/// How long an answered key is remembered.
pub const KEEP_HOURS: i64 = 24;

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
    let once = || tx::write(pool, |conn| claim_in(conn, user_id, key, request_hash, now));
    match once() {
        // Two first requests raced on PostgreSQL and the other one inserted first: look
        // again, now the row is there.
        Err(ServiceError::Conflict(_)) => once(),
        other => other,
    }
}

fn claim_in(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, ServiceError> {
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

/// Forgets every key claimed more than [`KEEP_HOURS`] before `now`; returns how many.
/// A retry after that runs the request again, as a new one.
pub fn purge(pool: &Pool, now: DateTime<Utc>) -> Result<usize, ServiceError> {
    let before = naive(now - chrono::TimeDelta::hours(KEEP_HOURS));
    tx::write(pool, |conn| {
        Ok(
            diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
                .execute(conn)?,
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use subsidie_store::testing::TestDatabase;

    #[test]
    fn keys_are_kept_for_a_day_then_forgotten() {
        let db = TestDatabase::new().unwrap();
        let pool = db.pool(2).unwrap();
        let t0 = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap();
        assert_eq!(claim(&pool, "u1", "k1", "h1", t0).unwrap(), Claim::New);
        complete(&pool, "u1", "k1", 201, "{}").unwrap();
        let later = t0 + chrono::TimeDelta::hours(2);
        assert_eq!(claim(&pool, "u1", "k2", "h2", later).unwrap(), Claim::New);

        let almost = t0 + chrono::TimeDelta::hours(KEEP_HOURS) - chrono::TimeDelta::seconds(1);
        assert_eq!(purge(&pool, almost).unwrap(), 0);
        assert!(matches!(
            claim(&pool, "u1", "k1", "h1", almost).unwrap(),
            Claim::Replay { status: 201, .. }
        ));

        let past = t0 + chrono::TimeDelta::hours(KEEP_HOURS + 1);
        assert_eq!(purge(&pool, past).unwrap(), 1);
        assert_eq!(claim(&pool, "u1", "k1", "h1", past).unwrap(), Claim::New);
        // The younger key stays: another request under it is still refused.
        assert_eq!(
            claim(&pool, "u1", "k2", "other", past).unwrap(),
            Claim::Mismatch
        );
        drop(pool);
    }
}
