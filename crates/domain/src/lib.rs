//! The pure rules of the subsidy engine.
//!
//! Nothing in this crate performs I/O: no database, no HTTP, no clock. Callers pass the
//! current time in, and get decisions, new states and ledger movements back. That keeps
//! every rule testable on its own and identical on every backend.

pub mod allocation;
pub mod amendment;
pub mod consortium;
pub mod deadlines;
pub mod documents;
pub mod iban;
pub mod ledger;
pub mod letterhead;
pub mod letters;
pub mod lifecycle;
pub mod lottery;
pub mod money;
mod names;
pub mod objection;
pub mod payment;
pub mod programme;
pub mod programme_change;

pub use money::{Money, MoneyError};
