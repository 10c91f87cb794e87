//! Errors of the persistence layer.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL could not be understood.
    #[error("ongeldige DATABASE_URL '{url}': {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What was wrong with it.
        reason: String,
    },
    /// No connection could be made or taken from the pool.
    #[error("de database is niet bereikbaar: {0}")]
    Unavailable(String),
    /// Applying the migrations failed.
    #[error("het bijwerken van het databaseschema is mislukt: {0}")]
    Migration(String),
    /// Another transaction held the data too long (SQLite busy, PostgreSQL serialization
    /// failure or deadlock); the operation changed nothing and may be retried.
    #[error("de database is tijdelijk bezet; er is niets gewijzigd, probeer het opnieuw")]
    Busy,
    /// A uniqueness constraint refused the write.
    #[error("bestaat al: {0}")]
    UniqueViolation(String),
    /// A foreign key or check constraint refused the write.
    #[error("de database weigerde de wijziging: {0}")]
    ConstraintViolation(String),
    /// A backup could not be made; the text says why and what to do instead.
    #[error("reservekopie niet gemaakt: {0}")]
    Backup(String),
    /// Document content could not be read or written.
    #[error("documentinhoud: {0}")]
    Io(String),
    /// The transaction this write shared with others did not commit, so nothing of it
    /// was kept.
    #[error("de wijziging is niet opgeslagen: {0}")]
    NotCommitted(String),
    /// The write panicked; nothing of it was kept.
    #[error("de wijziging is afgebroken door een programmafout: {0}")]
    Panicked(String),
    /// Any other database error.
    #[error("databasefout: {0}")]
    Query(DieselError),
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match &err {
            DieselError::DatabaseError(kind, info) => {
                let message = info.message().to_owned();
                match kind {
                    DatabaseErrorKind::UniqueViolation => StoreError::UniqueViolation(
                        info.constraint_name().map(str::to_owned).unwrap_or(message),
                    ),
                    DatabaseErrorKind::ForeignKeyViolation
                    | DatabaseErrorKind::CheckViolation
                    | DatabaseErrorKind::NotNullViolation => {
                        StoreError::ConstraintViolation(message)
                    }
                    DatabaseErrorKind::SerializationFailure => StoreError::Busy,
                    DatabaseErrorKind::ClosedConnection => StoreError::Unavailable(message),
                    _ if is_busy_message(&message) => StoreError::Busy,
                    _ => StoreError::Query(err),
                }
            }
            _ => StoreError::Query(err),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(err.to_string())
    }
}

/// SQLite reports lock contention, and PostgreSQL a deadlock, only in the message text.
fn is_busy_message(message: &str) -> bool {
    message.contains("database is locked")
        || message.contains("database table is locked")
        || message.contains("deadlock detected")
}

impl StoreError {
    /// True when retrying the whole transaction may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Busy)
    }
}
