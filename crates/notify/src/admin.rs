//! What an administrator sees of the outbox and may do with it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use subsidie_store::rows::OutboxRow;
use subsidie_store::schema::outbox;
use subsidie_store::Pool;

use crate::error::NotifyError;

/// Messages given up after their last attempt (or at once, for a permanent error),
/// most recent first; `last_error` says why.
pub fn failed_messages(pool: &Pool) -> Result<Vec<OutboxRow>, NotifyError> {
    let mut conn = pool.get()?;
    Ok(outbox::table
        .filter(outbox::failed_at.is_not_null())
        .order((outbox::failed_at.desc(), outbox::id.asc()))
        .select(OutboxRow::as_select())
        .load(&mut conn)?)
}

/// Messages not yet sent and not given up, by due time: new ones, and failed attempts
/// waiting for their back-off (`attempts > 0`, with `last_error`).
pub fn pending_messages(pool: &Pool) -> Result<Vec<OutboxRow>, NotifyError> {
    let mut conn = pool.get()?;
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .order((outbox::due_at.asc(), outbox::id.asc()))
        .select(OutboxRow::as_select())
        .load(&mut conn)?)
}

/// Counts of the outbox by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxSummary {
    /// Not yet attempted.
    pub waiting: i64,
    /// Attempted and failed, waiting for a retry.
    pub retrying: i64,
    /// Given up.
    pub failed: i64,
    /// Sent.
    pub sent: i64,
}

/// How many messages are waiting, retrying, failed and sent.
pub fn summary(pool: &Pool) -> Result<OutboxSummary, NotifyError> {
    let mut conn = pool.get()?;
    let unsent = || {
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::failed_at.is_null())
    };
    Ok(OutboxSummary {
        waiting: unsent()
            .filter(outbox::attempts.eq(0))
            .count()
            .get_result(&mut conn)?,
        retrying: unsent()
            .filter(outbox::attempts.gt(0))
            .count()
            .get_result(&mut conn)?,
        failed: outbox::table
            .filter(outbox::failed_at.is_not_null())
            .count()
            .get_result(&mut conn)?,
        sent: outbox::table
            .filter(outbox::sent_at.is_not_null())
            .count()
            .get_result(&mut conn)?,
    })
}

/// Puts a failed message back in the queue: due at once (its `due_at` becomes its
/// `created_at`), with a fresh count of attempts. The previous `last_error` stays until
/// the next attempt replaces it. Refused unless the message is failed.
pub fn retry_failed(pool: &Pool, id: &str) -> Result<OutboxRow, NotifyError> {
    let mut conn = pool.get()?;
    let updated = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::failed_at.is_not_null())
            .filter(outbox::sent_at.is_null()),
    )
    .set((
        outbox::failed_at.eq(None::<NaiveDateTime>),
        outbox::attempts.eq(0),
        outbox::due_at.eq(outbox::created_at),
        outbox::claim_token.eq(None::<String>),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(&mut conn)?;
    if updated != 1 {
        return Err(NotifyError::NotFound(format!(
            "er is geen mislukt bericht met id '{id}'"
        )));
    }
    Ok(outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(&mut conn)?)
}
