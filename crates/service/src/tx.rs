//! Running a use case: a connection from the pool, one write transaction, retried when
//! the database was only busy.

use chrono::{DateTime, Utc};
use subsidie_store::db;
use subsidie_store::{DbConnection, Pool};

use crate::error::ServiceError;

/// Where "now" comes from; tests set it to move through deadlines.
#[derive(Debug, Clone, Copy, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A fixed instant.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current instant.
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => at,
        }
    }
}

/// How often a command is tried when the database reports it was busy.
const ATTEMPTS: u32 = 5;

/// Runs `work` in one write transaction ([`db::write`]); retries the whole transaction a
/// few times when the database was merely busy. The pause between attempts is spent
/// outside the writing connection, so the writers queued behind go on meanwhile.
pub(crate) fn write<T>(
    pool: &Pool,
    mut work: impl FnMut(&mut DbConnection) -> Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    let mut attempt = 1;
    loop {
        match db::write(pool, &mut work) {
            Err(err) if err.is_retryable() && attempt < ATTEMPTS => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(10 * u64::from(attempt)));
            }
            other => return other,
        }
    }
}

/// A pooled connection for reads.
pub(crate) fn read<T>(
    pool: &Pool,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    let mut conn = pool
        .get()
        .map_err(|e| ServiceError::Unavailable(e.to_string()))?;
    work(&mut conn)
}
