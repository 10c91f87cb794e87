//! The use cases of subsidie.
//!
//! Every command is one database transaction: load, apply the domain rule, save, append
//! history, write outbox rows. Nothing half-done is ever visible: an error anywhere rolls
//! the whole command back. The caller passes who acts ([`Actor`]) and when
//! ([`Clock`]), so deadlines are testable without waiting.

pub mod access;
pub mod actor;
pub mod allocation;
pub mod application;
pub mod budget;
pub mod consortium;
mod convert;
pub mod decisions;
pub mod disbursement;
pub mod documents;
pub mod error;
pub mod idempotency;
pub mod operations;
pub mod outbox;
pub mod paging;
pub mod payments;
pub mod portal;
pub mod programme;
pub mod queries;
pub mod registry;
pub mod reports;
pub mod rounds;
pub mod seed;
// Test support stays out of release builds; other crates enable it from their
// dev-dependencies.
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod tx;

pub use actor::{Actor, Role};
pub use error::{FieldError, ServiceError};
pub use subsidie_store::{DatabaseUrl, DbConnection, Pool};
pub use tx::Clock;
