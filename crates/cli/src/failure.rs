//! Why a command failed, and how that is told to the user: in Dutch, on standard error.

use subsidie_service::ServiceError;
use subsidie_store::StoreError;

/// Why a command failed; printed in Dutch.
#[derive(Debug)]
pub enum Failure {
    /// A use case refused or failed.
    Service(ServiceError),
    /// The database could not be opened or migrated.
    Store(StoreError),
    /// Anything else, already phrased for the user.
    Message(String),
}

impl From<ServiceError> for Failure {
    fn from(err: ServiceError) -> Self {
        Failure::Service(err)
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        Failure::Store(err)
    }
}

impl Failure {
    /// Prints the failure in Dutch on standard error.
    pub fn print(&self) {
        match self {
            Failure::Service(ServiceError::Validation(fields)) => {
                let n = fields.len();
                say_err!(
                    "fout: ongeldige invoer ({n} {}):",
                    if n == 1 { "probleem" } else { "problemen" }
                );
                for field in fields {
                    say_err!("- {}: {}", field.field, field.message);
                }
            }
            Failure::Service(err) => say_err!("fout: {err}"),
            Failure::Store(err) => say_err!("fout: {err}"),
            Failure::Message(message) => say_err!("fout: {message}"),
        }
    }
}

/// A file that could not be written, named.
pub fn io_failure(path: &std::path::Path, e: &std::io::Error) -> Failure {
    Failure::Message(format!("kan {} niet schrijven: {e}", path.display()))
}

/// An e-mail error (transport settings, outbox).
pub fn mail_failure(err: subsidie_notify::NotifyError) -> Failure {
    Failure::Message(format!("e-mail: {err}"))
}
