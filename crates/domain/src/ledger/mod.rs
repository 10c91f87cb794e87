//! Budget positions per instrument, and the movements that change them.
//!
//! A [`BudgetPosition`] says, for one instrument, how its ceiling (*subsidieplafond*,
//! Awb 4:22) is used:
//!
//! | component   | meaning |
//! |-------------|---------|
//! | `ceiling`   | the most that may be committed under the instrument |
//! | `reserved`  | open reservations: applications that hold budget while they are reviewed |
//! | `granted`   | current grant commitments; after settlement a grant's commitment is the settled amount |
//! | `settled`   | the part of `granted` that has been settled (*vastgesteld*) |
//! | `paid`      | paid out (advances and final payments) |
//! | `recovered` | paid back (*terugvordering*) |
//!
//! and `available = ceiling - reserved - granted`.
//!
//! The invariant ([`BudgetPosition::invariant`]): no component is negative,
//! `settled ≤ granted`, `reserved + granted ≤ ceiling`, `recovered ≤ paid`. Over a
//! programme ([`ProgrammeBudget::invariant`]) also the sum of the ceilings and the sum of
//! all commitments (`reserved + granted`) stay within the envelope.
//!
//! Every change is a [`Movement`]: signed deltas of the five moving components. That is
//! exactly what the ledger table stores, one row per movement, in cents; folding the rows
//! ([`BudgetPosition::from_movements`]) gives the position back.
//!
//! The operations ([`BudgetPosition::reserve`], [`BudgetPosition::grant`], …) check and
//! return the movement **without** changing the position, so that a service can check,
//! persist the movement in its transaction, and only then [`BudgetPosition::apply`] it.
//! `apply` re-checks the invariant, so a movement that would break it is refused and
//! nothing changes.

mod budget;
mod error;
mod kind;
mod movement;
mod position;

#[cfg(test)]
mod tests;

pub use budget::ProgrammeBudget;
pub use error::{InvariantViolation, LedgerError};
pub use kind::{MovementKind, UnknownMovementKind};
pub use movement::Movement;
pub use position::BudgetPosition;
