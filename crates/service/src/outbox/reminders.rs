//! Reminders before the accounting deadline (*verantwoording*).
//!
//! Nothing in the lifecycle happens when a deadline draws near, so this is a scheduled
//! job: `subsidie serve` runs it once a day (Amsterdam), and `subsidie mail reminders`
//! runs it by hand. It queues one reminder per granted application whose instrument's
//! accounting deadline falls within the horizon, with the id
//! `herinnering_verantwoording-{application id}`: running it again, daily or twice at
//! once from two servers, adds nothing.

use chrono::{DateTime, Days, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines::amsterdam_date;
use subsidie_domain::lifecycle::State;
use subsidie_store::rows::{ApplicationRow, InstrumentRow, OrganisationRow};
use subsidie_store::schema::{applications, instruments, organisations};
use subsidie_store::Pool;

use crate::error::ServiceError;
use crate::outbox::letters::{queue_reminder, reminder_id, ReminderFacts};
use crate::outbox::queue::queued_ids;
use crate::tx;

/// Days before the accounting deadline that the reminder goes out, unless told otherwise.
pub const DEFAULT_DAYS_BEFORE: u32 = 30;

/// Queues a reminder for every granted application whose instrument's accounting
/// deadline falls from today up to `days_before` days ahead (Amsterdam dates, both ends
/// included), once per application. Returns how many were queued now.
///
/// One transaction per application, so a large programme does not hold the write lock
/// for long, and one failure leaves the reminders already queued in place.
pub fn accounting_reminders(
    pool: &Pool,
    now: DateTime<Utc>,
    days_before: u32,
) -> Result<usize, ServiceError> {
    let today = amsterdam_date(now);
    let horizon = today
        .checked_add_days(Days::new(u64::from(days_before)))
        .unwrap_or(today);
    let due: Vec<String> = tx::read(pool, |conn| {
        let mut candidates: Vec<String> = applications::table
            .inner_join(instruments::table)
            .filter(applications::state.eq(State::Granted.as_str()))
            .filter(instruments::accounting_deadline.ge(today))
            .filter(instruments::accounting_deadline.le(horizon))
            .order(applications::id.asc())
            .select(applications::id)
            .load(conn)?;
        // An extended deadline is the application's own: those are checked one by one.
        candidates.extend(crate::application::extended_grants(conn)?);
        candidates.sort_unstable();
        candidates.dedup();
        // Leave out those reminded before, so a daily run opens no write transaction
        // for them.
        let mut open = Vec::with_capacity(candidates.len());
        for chunk in candidates.chunks(1_000) {
            let ids: Vec<String> = chunk.iter().map(|id| reminder_id(id)).collect();
            let queued = queued_ids(conn, &ids)?;
            open.extend(
                chunk
                    .iter()
                    .filter(|id| !queued.contains(&reminder_id(id)))
                    .cloned(),
            );
        }
        Ok(open)
    })?;
    let mut queued = 0;
    for id in due {
        let added = tx::write(pool, |conn| {
            // Read again inside the transaction: the application may have moved on
            // (accounted, waived) since the list was made.
            let found: Option<(ApplicationRow, InstrumentRow, OrganisationRow)> =
                applications::table
                    .inner_join(instruments::table)
                    .inner_join(organisations::table)
                    .filter(applications::id.eq(&id))
                    .filter(applications::state.eq(State::Granted.as_str()))
                    .select((
                        ApplicationRow::as_select(),
                        InstrumentRow::as_select(),
                        OrganisationRow::as_select(),
                    ))
                    .first(conn)
                    .optional()?;
            let Some((app, instrument, org)) = found else {
                return Ok(false);
            };
            let Some(deadline) =
                crate::application::accounting_deadline(conn, &app.id, &instrument)?
            else {
                return Ok(false);
            };
            if deadline < today || deadline > horizon {
                return Ok(false);
            }
            let facts = ReminderFacts {
                reference: &app.reference,
                title: &app.title,
                organisation: &org.name,
                instrument: &instrument.name,
                granted_cents: app.granted_cents,
                deadline,
            };
            queue_reminder(conn, &app.id, &org.email, &facts, now)
        });
        match added {
            Ok(true) => queued += 1,
            Ok(false) => {}
            // Another process queued the same reminder at the same moment (the primary
            // key refused the second row): it is queued, once.
            Err(ServiceError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(queued)
}
