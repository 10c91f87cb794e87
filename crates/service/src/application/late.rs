//! Late decisions (Awb 4:13, 4:14): a decision that cannot be taken within its term is
//! announced to the applicant with the new term and the reason, before the term ends;
//! applications whose term passed without a decision are listed for reviewers and
//! administrators (the `overdue` filter of [`crate::queries::applications`] and the count
//! in `/metrics`).

use chrono::{DateTime, NaiveDate, Utc};
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::{transition, Command, State};
use subsidie_store::rows::ApplicationRow;

use super::checks::require_text;
use crate::error::ServiceError;

/// The states that still await the first decision: those where the domain's table
/// allows the notice of a late decision.
pub fn awaiting_decision() -> Vec<&'static str> {
    State::ALL
        .into_iter()
        .filter(|s| transition(*s, Command::ExtendDecisionTerm).is_ok())
        .map(State::as_str)
        .collect()
}

/// `beslistermijn_verlengen`: the new last day is later than the current one, and the
/// notice goes out before the current term ends (Awb 4:14 lid 1).
pub(super) fn extend_term(
    app: &mut ApplicationRow,
    until: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    require_text("reden", reason)?;
    let due = app.decision_due_on.ok_or_else(|| {
        ServiceError::Internal("een ingediende aanvraag zonder beslistermijn".into())
    })?;
    if deadlines::deadline_passed(due, now) {
        return Err(ServiceError::Conflict(format!(
            "de beslistermijn liep tot en met {due}; de mededeling van een nieuwe termijn \
             moet vóór het einde van de termijn worden gedaan (art. 4:14 lid 1 Awb); \
             beslis nu zo snel mogelijk"
        )));
    }
    if until <= due {
        return Err(ServiceError::field(
            "beslissenUiterlijk",
            format!("{until} ligt niet na de huidige beslistermijn ({due}); noem een latere dag"),
        ));
    }
    app.decision_due_on = Some(until);
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_states_awaiting_a_decision() {
        assert_eq!(
            awaiting_decision(),
            [
                "ingediend",
                "wachtlijst",
                "gereserveerd",
                "in_behandeling",
                "aanvulling_gevraagd"
            ]
        );
    }
}
