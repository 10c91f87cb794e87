//! Submitting (*indienen*): within the instrument's opening, while its waiting list is
//! open, for an amount it accepts. The application gets its moment of receipt and its
//! decision deadline. The documents its instrument asks for must be there, and the
//! partners of the kinds it requires.

use chrono::{DateTime, Utc};
use subsidie_domain::deadlines::{self, Term};
use subsidie_store::rows::{ApplicationRow, InstrumentRow};
use subsidie_store::DbConnection;

use super::checks::{amount_rule, refuse_any};
use crate::convert::{money, naive};
use crate::error::{FieldError, ServiceError};

/// Checks that `app` may be submitted under `instrument` now, and stamps its receipt.
pub(super) fn submit(
    conn: &mut DbConnection,
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let today = deadlines::amsterdam_date(now);
    let mut errors = Vec::new();
    if today < instrument.opens_on || today > instrument.closes_on {
        errors.push(FieldError::new(
            "instrument",
            format!(
                "'{}' is open voor aanvragen van {} tot en met {}; vandaag is {today}",
                instrument.name, instrument.opens_on, instrument.closes_on
            ),
        ));
    }
    if instrument.waitlist_closed {
        errors.push(FieldError::new(
            "instrument",
            format!(
                "het subsidieplafond van '{}' is bereikt en de wachtlijst is gesloten",
                instrument.name
            ),
        ));
    }
    if let Err(e) = amount_rule(instrument)?.check(money(app.requested_cents)?) {
        errors.push(FieldError::new("bedrag", e.to_string()));
    }
    for missing in crate::documents::missing_required(conn, app)? {
        errors.push(FieldError::new(
            "documenten",
            format!(
                "het verplichte document '{}' ontbreekt; voeg het toe als soort '{}' met POST /api/v1/aanvragen/{}/documenten (of op de pagina van de aanvraag) en dien daarna opnieuw in",
                missing.name, missing.kind, app.id
            ),
        ));
    }
    for short in crate::consortium::shortfalls(conn, app)? {
        errors.push(FieldError::new(
            "partners",
            format!(
                "{short}; geef de partners op met PUT /api/v1/aanvragen/{}/partners en dien daarna opnieuw in",
                app.id
            ),
        ));
    }
    refuse_any(errors)?;
    let term = Term::Weeks(u32::try_from(instrument.decision_term_weeks).unwrap_or(13));
    app.received_at = Some(naive(now));
    app.received_day = Some(today);
    app.decision_due_on = Some(
        deadlines::decision_deadline(now, term)
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
    );
    Ok(())
}
