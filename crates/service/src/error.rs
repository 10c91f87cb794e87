//! The errors of the use cases, typed so that the API can map each one to one HTTP status.

use subsidie_domain::ledger::LedgerError;
use subsidie_domain::lifecycle::TransitionError;
use subsidie_domain::money::MoneyError;
use subsidie_store::StoreError;

/// One field that was wrong, and what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name at the edge (Dutch, as in the API).
    pub field: String,
    /// What was wrong and what would be accepted.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Why a use case refused or failed. When it returns one of these, nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing does not exist, or the actor may not know it exists.
    #[error("{what} '{id}' bestaat niet")]
    NotFound {
        /// What was looked for (Dutch noun).
        what: &'static str,
        /// The identifier asked for.
        id: String,
    },
    /// The actor's role does not allow the command.
    #[error("niet toegestaan: {0}")]
    Forbidden(String),
    /// The input is wrong; every field at fault is listed.
    #[error("ongeldige invoer: {}", summary(.0))]
    Validation(Vec<FieldError>),
    /// The command is not allowed in the application's state.
    #[error(transparent)]
    InvalidState(#[from] TransitionError),
    /// The command conflicts with existing data (a duplicate, a deadline not yet passed,
    /// a second reviewer who is the first one).
    #[error("{0}")]
    Conflict(String),
    /// The ceiling (or another budget rule) does not allow it.
    #[error(transparent)]
    Budget(#[from] LedgerError),
    /// Someone else changed the application first (stale version).
    #[error("de aanvraag is intussen gewijzigd (versie {current}, verwacht {expected}); haal haar opnieuw op")]
    StaleVersion {
        /// The version the caller based its change on.
        expected: i64,
        /// The version in the database.
        current: i64,
    },
    /// A document, or an application's documents together, are larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// A document's content is of a type that is not accepted.
    #[error("{0}")]
    UnsupportedType(String),
    /// The database was too busy; nothing changed and the caller may retry.
    #[error("de database is tijdelijk bezet; er is niets gewijzigd, probeer het opnieuw")]
    Busy,
    /// The database could not be reached.
    #[error("de database is niet bereikbaar: {0}")]
    Unavailable(String),
    /// Something that should not happen: stored data that breaks a rule.
    #[error("interne fout: {0}")]
    Internal(String),
}

fn summary(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ServiceError {
    /// A validation error about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> ServiceError {
        ServiceError::Validation(vec![FieldError::new(field, message)])
    }

    /// True when the whole command may simply be tried again.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ServiceError::Busy)
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Busy => ServiceError::Busy,
            StoreError::Unavailable(m) => ServiceError::Unavailable(m),
            StoreError::UniqueViolation(what) => {
                ServiceError::Conflict(format!("bestaat al ({what})"))
            }
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(err: diesel::result::Error) -> Self {
        ServiceError::from(StoreError::from(err))
    }
}

impl From<MoneyError> for ServiceError {
    fn from(err: MoneyError) -> Self {
        ServiceError::Internal(format!("bedrag: {err}"))
    }
}
