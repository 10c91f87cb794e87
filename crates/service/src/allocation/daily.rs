//! Allocation that runs by itself: after each Amsterdam day with submissions, every
//! instrument allocated by order of receipt is allocated for that day, once across all
//! processes.
//!
//! Once: the day's row in `allocation_days` is inserted first, in the same transaction as
//! the run. Its key is the lock: a second process inserting the same day waits for the
//! first (PostgreSQL holds it on the uncommitted key; SQLite has one writer at a time)
//! and then finds the day taken. A process that dies in the middle leaves neither the
//! row nor the run, since the database rolls back what was not committed, and the next
//! round (of any process, or of the same one restarted) allocates the day. Nothing is
//! ever half-claimed, so there is no stale claim to take over and no lease to expire.
//! Days are taken oldest first, so a restart after a long stop catches up every day.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::State;
use subsidie_domain::programme::AllocationPolicy;
use subsidie_store::rows::AllocationDayRow;
use subsidie_store::schema::{allocation_days, applications, instruments};
use subsidie_store::Pool;

use super::run::{run_in_as, AllocationRun, Seeds};
use crate::actor::Actor;
use crate::convert::{naive, new_id};
use crate::error::ServiceError;
use crate::tx;

/// One instrument's day that ended with applications still to be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDay {
    /// The instrument.
    pub instrument_id: String,
    /// The Amsterdam day.
    pub day: NaiveDate,
}

/// The days before today (Amsterdam) on which applications were received that are still
/// submitted and unplaced, of instruments allocated by order of receipt, oldest first.
pub fn pending_days(pool: &Pool, now: DateTime<Utc>) -> Result<Vec<PendingDay>, ServiceError> {
    let today = deadlines::amsterdam_date(now);
    tx::read(pool, |conn| {
        let days: Vec<(String, Option<NaiveDate>)> = applications::table
            .inner_join(instruments::table)
            .filter(instruments::policy.eq(AllocationPolicy::OrderOfReceipt.as_str()))
            .filter(applications::state.eq(State::Submitted.as_str()))
            .filter(applications::received_day.lt(today))
            .select((applications::instrument_id, applications::received_day))
            .distinct()
            .load(conn)?;
        let mut pending: Vec<PendingDay> = days
            .into_iter()
            .filter_map(|(instrument_id, day)| day.map(|day| PendingDay { instrument_id, day }))
            .collect();
        pending.sort_by(|a, b| {
            a.day
                .cmp(&b.day)
                .then(a.instrument_id.cmp(&b.instrument_id))
        });
        Ok(pending)
    })
}

/// Allocates `instrument_id` for `day` (a day that has ended), unless a process already
/// did: `None` then. `claimed_by` names this process in the day's row; `after_claim` is
/// called once the claim is made, inside the transaction, before the run (`serve` says
/// so; a test may pause there to be killed).
pub fn allocate_day(
    pool: &Pool,
    instrument_id: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
    claimed_by: &str,
    after_claim: &mut dyn FnMut(&str, NaiveDate),
) -> Result<Option<AllocationRun>, ServiceError> {
    let today = deadlines::amsterdam_date(now);
    if day >= today {
        return Err(ServiceError::Conflict(format!(
            "dag {day} is nog niet voorbij (vandaag is {today}); een dag wordt pas toegewezen als hij is afgelopen"
        )));
    }
    tx::write(pool, |conn| {
        let taken = allocation_days::table
            .find((instrument_id, day))
            .select(allocation_days::run_id)
            .first::<String>(conn)
            .optional()?;
        if taken.is_some() {
            return Ok(None);
        }
        let run_id = new_id();
        let claim = AllocationDayRow {
            instrument_id: instrument_id.to_owned(),
            day,
            status: "allocated".to_owned(),
            run_id: run_id.clone(),
            claimed_by: claimed_by.to_owned(),
            claimed_at: naive(now),
        };
        match diesel::insert_into(allocation_days::table)
            .values(&claim)
            .execute(conn)
        {
            Ok(_) => {}
            // Another process committed the day a moment ago; the retry finds its row.
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return Err(ServiceError::Busy)
            }
            Err(e) => return Err(e.into()),
        }
        after_claim(instrument_id, day);
        let seeds = Seeds::Committed {
            reveal_before: today,
            day: Some(day),
        };
        run_in_as(
            conn,
            &Actor::system(),
            instrument_id,
            None,
            seeds,
            now,
            run_id,
        )
        .map(Some)
    })
}

/// Every pending day allocated, oldest first; returns the runs made. A day that fails
/// stops the round (later days of that instrument must not overtake it); the error
/// names it and the next round tries again.
pub fn catch_up(
    pool: &Pool,
    now: DateTime<Utc>,
    claimed_by: &str,
    after_claim: &mut dyn FnMut(&str, NaiveDate),
) -> Result<Vec<AllocationRun>, ServiceError> {
    let mut runs = Vec::new();
    for pending in pending_days(pool, now)? {
        let made = allocate_day(
            pool,
            &pending.instrument_id,
            pending.day,
            now,
            claimed_by,
            after_claim,
        )
        .map_err(|e| {
            ServiceError::Internal(format!(
                "toewijzing van '{}' voor {} mislukt: {e}",
                pending.instrument_id, pending.day
            ))
        })?;
        runs.extend(made);
    }
    Ok(runs)
}
