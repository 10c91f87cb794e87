//! Persistence for subsidie: one diesel codebase over SQLite (the embedded default) and
//! PostgreSQL, chosen at runtime from the database URL.
//!
//! Money is stored as whole euro-cents (`BIGINT`); conversion to `Money` happens in the
//! service layer so this crate needs nothing of the domain.

pub mod backup;
pub mod bulk;
pub mod connection;
pub mod db;
pub mod documents;
pub mod error;
pub mod programme_changes;
pub mod rows;
pub mod run_items;
pub mod schema;
pub mod writer;
// Test support stays out of release builds; other crates enable it from their
// dev-dependencies.
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use db::{Backend, DatabaseUrl, DbConnection, Pool, PooledConnection};
pub use error::StoreError;
