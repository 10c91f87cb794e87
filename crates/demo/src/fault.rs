//! The one error the demo makes itself: something the scenario relies on is not there.

use subsidie_service::ServiceError;

/// An internal error of the demo, named as such so it is never mistaken for a refusal
/// of the engine.
pub(crate) fn internal(what: &str) -> ServiceError {
    ServiceError::Internal(format!("demo: {what}"))
}
