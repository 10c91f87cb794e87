//! Mail that is history, not news: the letters of events a demo played back in time are
//! booked as sent without being sent (nobody should get 39 requests for a second review
//! of cases decided last year).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use subsidie_store::schema::outbox;
use subsidie_store::Pool;

use crate::error::NotifyError;

/// The ids of the messages waiting to be sent now (not sent, not given up).
pub fn waiting_ids(pool: &Pool) -> Result<Vec<String>, NotifyError> {
    let mut conn = pool.get()?;
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .select(outbox::id)
        .load(&mut conn)?)
}

/// Books every waiting message not in `keep` as sent at its own `created_at`, without
/// sending it, and returns how many. Never touches a sent or failed message.
pub fn file_as_history(pool: &Pool, keep: &[String]) -> Result<usize, NotifyError> {
    let mut conn = pool.get()?;
    Ok(diesel::update(
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::failed_at.is_null())
            .filter(outbox::id.ne_all(keep)),
    )
    .set((
        outbox::sent_at.eq(outbox::created_at.nullable()),
        outbox::claim_token.eq(None::<String>),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(&mut conn)?)
}
