//! The committed lottery (*vastgelegde loting*): per instrument allocated by order of
//! receipt and per Amsterdam day it is open, a seed drawn from the operating system's
//! random source before the day begins, of which only the SHA-256 is public until the
//! day is allocated.
//!
//! When a commitment is drawn:
//!
//! * ahead: [`draw_ahead`] draws today's and tomorrow's for every open instrument;
//!   `serve` calls it at start and every few minutes, so tomorrow's is published the day
//!   before.
//! * at the latest, at submission: [`ensure`] runs in the submission's own transaction,
//!   before it commits, when no server drew the day's commitment ahead (a server started
//!   after midnight, or only the command line). The first submission of the day and its
//!   commitment become visible together, so no submission of a day exists without the
//!   day's commitment. Drawing it only when the first allocation needs it would let
//!   whoever draws it see the day's references first; that is exactly what the
//!   commitment prevents.
//!
//! A commitment is never replaced: the table refuses updates and deletes, and two
//! processes drawing the same day at once end with the one that committed first (the
//! other's insert meets the key and its transaction is retried, finding it).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use rand::RngCore;
use subsidie_domain::deadlines;
use subsidie_domain::lottery::{self, Seed};
use subsidie_domain::programme::AllocationPolicy;
use subsidie_store::rows::{CommitmentRow, InstrumentRow};
use subsidie_store::schema::{allocation_run_seeds, allocation_runs, lottery_commitments};
use subsidie_store::{DbConnection, Pool};

use crate::convert::naive;
use crate::error::ServiceError;
use crate::{budget, queries, tx};

/// A fresh random seed from the operating system.
pub fn random_seed() -> Seed {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Seed::from_bytes(bytes)
}

/// One day's commitment as the public sees it: the seed only once revealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    /// The instrument.
    pub instrument_id: String,
    /// The Amsterdam day the lot is for.
    pub day: NaiveDate,
    /// `SHA-256(seed bytes)`, lowercase hex.
    pub commitment: String,
    /// When the seed was drawn.
    pub drawn_at: DateTime<Utc>,
    /// The seed, once an allocation run revealed it; `None` before.
    pub seed: Option<String>,
    /// The run that revealed it.
    pub revealed_by: Option<String>,
}

/// Whether `instrument` takes part in the committed lottery on `day`: allocated by order
/// of receipt and open for submissions that day. The one place that says so (rounds
/// will answer it per round).
pub fn lottery_day(instrument: &InstrumentRow, day: NaiveDate) -> bool {
    instrument.policy == AllocationPolicy::OrderOfReceipt.as_str()
        && instrument.opens_on <= day
        && day <= instrument.closes_on
        && !instrument.waitlist_closed
}

/// The commitment of `instrument` for `day`, drawn now if there is none yet. Inside the
/// caller's transaction.
pub(crate) fn ensure(
    conn: &mut DbConnection,
    instrument_id: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<CommitmentRow, ServiceError> {
    if let Some(row) = find(conn, instrument_id, day)? {
        return Ok(row);
    }
    let seed = random_seed();
    let row = CommitmentRow {
        instrument_id: instrument_id.to_owned(),
        day,
        seed: seed.to_string(),
        commitment: lottery::commitment(&seed),
        drawn_at: naive(now),
    };
    match diesel::insert_into(lottery_commitments::table)
        .values(&row)
        .execute(conn)
    {
        Ok(_) => Ok(row),
        // Another process drew it a moment ago; the retried transaction finds theirs.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            Err(ServiceError::Busy)
        }
        Err(e) => Err(e.into()),
    }
}

/// The stored commitment of `instrument` for `day`, if drawn.
pub(crate) fn find(
    conn: &mut DbConnection,
    instrument_id: &str,
    day: NaiveDate,
) -> Result<Option<CommitmentRow>, ServiceError> {
    Ok(lottery_commitments::table
        .find((instrument_id, day))
        .select(CommitmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The committed seed as a [`Seed`].
pub(crate) fn seed_of(row: &CommitmentRow) -> Result<Seed, ServiceError> {
    row.seed
        .parse()
        .map_err(|e| ServiceError::Internal(format!("opgeslagen seed van {}: {e}", row.day)))
}

/// Draws the commitments of today and tomorrow (Amsterdam) for every instrument that is
/// in the lottery on those days; returns how many were new.
pub fn draw_ahead(pool: &Pool, now: DateTime<Utc>) -> Result<usize, ServiceError> {
    let today = deadlines::amsterdam_date(now);
    let mut drawn = 0;
    for instrument in queries::instruments(pool)? {
        for day in [today, today + TimeDelta::days(1)] {
            if !lottery_day(&instrument, day) {
                continue;
            }
            // Read first: every minute on every server, the write lock is taken only
            // for a day that still lacks its commitment.
            if tx::read(pool, |conn| find(conn, &instrument.id, day))?.is_some() {
                continue;
            }
            drawn += tx::write(pool, |conn| {
                if find(conn, &instrument.id, day)?.is_some() {
                    return Ok(0);
                }
                ensure(conn, &instrument.id, day, now).map(|_| 1)
            })?;
        }
    }
    Ok(drawn)
}

/// An instrument's commitments, newest day first, from `from` on when given; each with
/// its seed once revealed. Anyone signed in may read them.
pub fn list(
    pool: &Pool,
    instrument_id: &str,
    from: Option<NaiveDate>,
) -> Result<Vec<Commitment>, ServiceError> {
    tx::read(pool, |conn| {
        budget::load_instrument(conn, instrument_id)?;
        let mut query = lottery_commitments::table
            .filter(lottery_commitments::instrument_id.eq(instrument_id))
            .into_boxed();
        if let Some(from) = from {
            query = query.filter(lottery_commitments::day.ge(from));
        }
        let rows: Vec<CommitmentRow> = query
            .order(lottery_commitments::day.desc())
            .limit(400)
            .select(CommitmentRow::as_select())
            .load(conn)?;
        let revealed: Vec<(NaiveDate, String)> = allocation_run_seeds::table
            .inner_join(allocation_runs::table)
            .filter(allocation_runs::instrument_id.eq(instrument_id))
            .select((allocation_run_seeds::day, allocation_run_seeds::run_id))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let run = revealed
                    .iter()
                    .find(|(day, _)| *day == row.day)
                    .map(|(_, run)| run.clone());
                Commitment {
                    instrument_id: row.instrument_id,
                    day: row.day,
                    commitment: row.commitment,
                    drawn_at: row.drawn_at.and_utc(),
                    seed: run.as_ref().map(|_| row.seed),
                    revealed_by: run,
                }
            })
            .collect())
    })
}
