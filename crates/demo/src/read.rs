//! A pooled connection for the demo's few reads of its own (counts the service has no
//! use case for).

use subsidie_service::{Pool, ServiceError};
use subsidie_store::PooledConnection;

/// A connection from the pool; a pool that cannot give one is "unavailable".
pub(crate) fn connection(pool: &Pool) -> Result<PooledConnection, ServiceError> {
    pool.get()
        .map_err(|e| ServiceError::Unavailable(e.to_string()))
}
