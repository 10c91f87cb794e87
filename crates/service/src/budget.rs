//! The budget row of an instrument: locked, checked by the domain ledger, written back
//! together with an append-only ledger entry.
//!
//! Concurrency: [`lock`] first writes the instrument row (a no-op update). On PostgreSQL
//! that takes the row lock, so every other transaction touching the same budget waits
//! until this one commits, and the position read after it is the latest committed one.
//! On SQLite the transaction already holds the database's write lock (`BEGIN IMMEDIATE`).
//! The update that writes the new position repeats the ceiling condition, and the table
//! has a CHECK constraint, so even a bug here cannot over-commit the ceiling.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::ledger::{BudgetPosition, InvariantViolation, Movement};
use subsidie_store::rows::{InstrumentRow, NewLedgerRow};
use subsidie_store::schema::{instruments, ledger_entries};
use subsidie_store::DbConnection;

use crate::actor::Actor;
use crate::convert::{money, naive};
use crate::error::ServiceError;

/// Takes the instrument's budget row for the rest of the transaction and returns it.
pub fn lock(conn: &mut DbConnection, instrument_id: &str) -> Result<InstrumentRow, ServiceError> {
    let touched = diesel::update(instruments::table.find(instrument_id))
        .set(instruments::reserved_cents.eq(instruments::reserved_cents))
        .execute(conn)?;
    if touched == 0 {
        return Err(ServiceError::NotFound {
            what: "instrument",
            id: instrument_id.to_owned(),
        });
    }
    Ok(instruments::table
        .find(instrument_id)
        .select(InstrumentRow::as_select())
        .first(conn)?)
}

/// The instrument's row, read without a lock (for commands that move no money).
pub fn load_instrument(
    conn: &mut DbConnection,
    instrument_id: &str,
) -> Result<InstrumentRow, ServiceError> {
    instruments::table
        .find(instrument_id)
        .select(InstrumentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound {
            what: "instrument",
            id: instrument_id.to_owned(),
        })
}

/// The budget position stored on an instrument row.
pub fn position_of(row: &InstrumentRow) -> Result<BudgetPosition, ServiceError> {
    Ok(BudgetPosition {
        ceiling: money(row.ceiling_cents)?,
        reserved: money(row.reserved_cents)?,
        granted: money(row.granted_cents)?,
        settled: money(row.settled_cents)?,
        paid: money(row.paid_cents)?,
        recovered: money(row.recovered_cents)?,
    })
}

/// Applies a movement that the domain produced from `row`'s position: writes the new
/// position (guarded by the ceiling condition) and the ledger entry. `row` is updated in
/// place so several movements can follow in one transaction.
pub fn apply(
    conn: &mut DbConnection,
    row: &mut InstrumentRow,
    movement: &Movement,
    application_id: Option<&str>,
    actor_id: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let position = position_of(row)?.after(movement)?;
    store_position(conn, row, &position)?;
    diesel::insert_into(ledger_entries::table)
        .values(&ledger_row(row, movement, application_id, actor_id, at))
        .execute(conn)?;
    Ok(())
}

/// The ledger entry of `movement` on `row`'s instrument.
pub(crate) fn ledger_row(
    row: &InstrumentRow,
    movement: &Movement,
    application_id: Option<&str>,
    actor_id: Option<&str>,
    at: DateTime<Utc>,
) -> NewLedgerRow {
    NewLedgerRow {
        instrument_id: row.id.clone(),
        application_id: application_id.map(str::to_owned),
        kind: movement.kind.as_str().to_owned(),
        reserved_delta: movement.reserved.cents(),
        granted_delta: movement.granted.cents(),
        settled_delta: movement.settled.cents(),
        paid_delta: movement.paid.cents(),
        recovered_delta: movement.recovered.cents(),
        at: naive(at),
        actor_id: actor_id.map(str::to_owned),
    }
}

/// Writes `position` to the instrument row (guarded by the ceiling condition and the
/// amounts `row` was read with) and updates `row` in place. The ledger entries that
/// explain the change are the caller's.
pub(crate) fn store_position(
    conn: &mut DbConnection,
    row: &mut InstrumentRow,
    position: &BudgetPosition,
) -> Result<(), ServiceError> {
    let updated = diesel::update(
        instruments::table
            .find(&row.id)
            .filter(instruments::reserved_cents.eq(row.reserved_cents))
            .filter(instruments::granted_cents.eq(row.granted_cents)),
    )
    .set((
        instruments::reserved_cents.eq(position.reserved.cents()),
        instruments::granted_cents.eq(position.granted.cents()),
        instruments::settled_cents.eq(position.settled.cents()),
        instruments::paid_cents.eq(position.paid.cents()),
        instruments::recovered_cents.eq(position.recovered.cents()),
    ))
    .execute(conn)?;
    if updated != 1 {
        // The row changed under us although we hold its lock: refuse rather than guess.
        return Err(ServiceError::Busy);
    }
    row.reserved_cents = position.reserved.cents();
    row.granted_cents = position.granted.cents();
    row.settled_cents = position.settled.cents();
    row.paid_cents = position.paid.cents();
    row.recovered_cents = position.recovered.cents();
    Ok(())
}

/// [`apply`] for a movement of one application, booked by `actor`.
pub fn book(
    conn: &mut DbConnection,
    row: &mut InstrumentRow,
    movement: &Movement,
    application_id: &str,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<(), ServiceError> {
    apply(
        conn,
        row,
        movement,
        Some(application_id),
        actor.user_id.as_deref(),
        at,
    )
}

/// The result of re-adding an instrument's ledger from scratch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerCheck {
    /// The instrument's id.
    pub instrument_id: String,
    /// The position stored on the instrument row.
    pub stored: BudgetPosition,
    /// The position obtained by summing every ledger entry.
    pub from_ledger: BudgetPosition,
}

impl LedgerCheck {
    /// True when the stored position equals the ledger's sum to the cent and the
    /// ceiling invariant holds.
    pub fn holds(&self) -> bool {
        self.stored == self.from_ledger && self.stored.invariant().is_ok()
    }
}

/// Sums every instrument's ledger and compares it with the stored positions.
///
/// The database sums, so a run of a million payments is not read into memory. `SUM` of a
/// BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite; the cast gives both the same
/// type, and both refuse (rather than wrap) a sum beyond 64 bits.
pub fn check_ledger(conn: &mut DbConnection) -> Result<Vec<LedgerCheck>, ServiceError> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let rows: Vec<InstrumentRow> = instruments::table
        .select(InstrumentRow::as_select())
        .order(instruments::id)
        .load(conn)?;
    let total =
        |column: &str| sql::<BigInt>(&format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"));
    let sums: Vec<(String, i64, i64, i64, i64, i64)> = ledger_entries::table
        .group_by(ledger_entries::instrument_id)
        .select((
            ledger_entries::instrument_id,
            total("reserved_delta"),
            total("granted_delta"),
            total("settled_delta"),
            total("paid_delta"),
            total("recovered_delta"),
        ))
        .load(conn)?;
    let mut checks = Vec::with_capacity(rows.len());
    for row in rows {
        let sum = sums
            .iter()
            .find(|s| s.0 == row.id)
            .map_or([0; 5], |s| [s.1, s.2, s.3, s.4, s.5]);
        let from_ledger = BudgetPosition {
            ceiling: money(row.ceiling_cents)?,
            reserved: money(sum[0])?,
            granted: money(sum[1])?,
            settled: money(sum[2])?,
            paid: money(sum[3])?,
            recovered: money(sum[4])?,
        };
        checks.push(LedgerCheck {
            instrument_id: row.id.clone(),
            stored: position_of(&row)?,
            from_ledger,
        });
    }
    Ok(checks)
}

/// Checks that the instruments of a programme stay within its envelope.
pub fn check_envelope(
    envelope_cents: i64,
    rows: &[InstrumentRow],
) -> Result<(), InvariantViolation> {
    let positions = rows
        .iter()
        .map(|r| Ok((r.code.clone(), position_of(r)?)))
        .collect::<Result<Vec<_>, ServiceError>>()
        .map_err(|_| InvariantViolation::Overflow)?;
    subsidie_domain::ledger::ProgrammeBudget {
        envelope: subsidie_domain::Money::from_cents(envelope_cents)
            .map_err(|_| InvariantViolation::Overflow)?,
        positions,
    }
    .invariant()
}
