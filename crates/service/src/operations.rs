//! What the operations endpoints report (`/ready`, `/metrics`): whether the schema is
//! current, the budget left per instrument and whether the ledger agrees with the stored
//! positions. Read-only; nothing here changes the database.

use chrono::NaiveDate;

use crate::error::ServiceError;
use crate::{budget, queries, Pool};

/// The budget of one instrument, in cents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentBudget {
    /// The instrument's code (`uitvoering`, …).
    pub code: String,
    /// The ceiling.
    pub ceiling_cents: i64,
    /// What may still be reserved or granted under the ceiling.
    pub available_cents: i64,
}

/// The gauges of `/metrics` that come from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gauges {
    /// Every instrument, in the order of their ids.
    pub instruments: Vec<InstrumentBudget>,
    /// True when every instrument's stored position equals its ledger's sum and the
    /// ceiling invariant holds (vacuously true with no instruments).
    pub ledger_holds: bool,
    /// Applications still awaiting their first decision after their decision term
    /// passed (Awb 4:13): late decisions.
    pub overdue_decisions: i64,
}

/// Budgets, the ledger check and the late decisions on `today`, for `/metrics`.
pub fn gauges(pool: &Pool, today: NaiveDate) -> Result<Gauges, ServiceError> {
    let mut instruments = Vec::new();
    for row in queries::instruments(pool)? {
        let position = budget::position_of(&row)?;
        instruments.push(InstrumentBudget {
            code: row.code.clone(),
            ceiling_cents: row.ceiling_cents,
            available_cents: position.available().cents(),
        });
    }
    let ledger_holds = queries::check_ledger(pool)?
        .iter()
        .all(budget::LedgerCheck::holds);
    Ok(Gauges {
        instruments,
        ledger_holds,
        overdue_decisions: queries::overdue_count(pool, today)?,
    })
}

/// How many migrations the database still lacks; an error when it cannot be reached.
/// A process only starts after migrating, so anything but 0 means another process of an
/// older version migrated back, or the schema was changed by hand.
pub fn pending_migrations(pool: &Pool) -> Result<usize, ServiceError> {
    let mut conn = pool.get().map_err(subsidie_store::StoreError::from)?;
    Ok(subsidie_store::db::pending_migrations(&mut conn)?)
}
