//! A pooled connection for the demo's few reads of its own (counts the service has no
//! use case for).

use subsidie_service::{DbConnection, Pool, ServiceError};

/// Runs `work` on a connection from the pool.
pub(crate) fn read<T>(
    pool: &Pool,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    let mut conn = pool
        .get()
        .map_err(|e| ServiceError::Unavailable(e.to_string()))?;
    work(&mut conn)
}
