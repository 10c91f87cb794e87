//! Submitting (*indienen*): within the instrument's opening, while its waiting list is
//! open, for an amount it accepts. The application gets its moment of receipt and its
//! decision deadline and the round it is submitted in. The documents its instrument asks
//! for must be there, and the partners of the kinds it requires. A round accepts up to
//! and including its closing second (see `subsidie_domain::programme::RoundConfig`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines::{self, Term};
use subsidie_domain::lifecycle::State;
use subsidie_domain::programme::{dutch_wall_clock, round_at, RoundConfig};
use subsidie_store::rows::{ApplicationRow, InstrumentDocumentRow, InstrumentRow};
use subsidie_store::schema::applications;
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
    let missing = crate::documents::missing_required(conn, app)?;
    submit_with(conn, app, instrument, &missing, now)
}

/// [`submit`] with the required documents that are `missing` already known (none, for
/// an application created in this request under an instrument that requires none).
pub(super) fn submit_with(
    conn: &mut DbConnection,
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
    missing: &[InstrumentDocumentRow],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let today = deadlines::amsterdam_date(now);
    let mut errors = Vec::new();
    let rounds = crate::rounds::of(conn, instrument)?;
    let round = round_at(&rounds, now).cloned();
    match &round {
        None => errors.push(FieldError::new(
            "instrument",
            not_open(instrument, &rounds, now),
        )),
        Some(round) => {
            if let Some(message) = funded_before(conn, app, round)? {
                errors.push(FieldError::new("ronde", message));
            }
        }
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
    for missing in missing {
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
    // The day's lottery is committed before its first submission becomes visible (see
    // `allocation::commitments`); normally `serve` drew it the day before.
    if crate::allocation::commitments::lottery_day(instrument, today) {
        crate::allocation::commitments::ensure(conn, &instrument.id, today, now)?;
    }
    let term = Term::Weeks(u32::try_from(instrument.decision_term_weeks).unwrap_or(13));
    app.received_at = Some(naive(now));
    app.round_code = round.map(|r| r.code);
    app.received_day = Some(today);
    app.decision_due_on = Some(
        deadlines::decision_deadline(now, term)
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
    );
    Ok(())
}

/// Why nothing of `instrument` accepts a submission at `now`: the round that closed last
/// (with its closing time) or the one that opens next.
fn not_open(instrument: &InstrumentRow, rounds: &[RoundConfig], now: DateTime<Utc>) -> String {
    let shown = dutch_wall_clock(deadlines::to_amsterdam(now).naive_local());
    let next = rounds.iter().find(|r| r.opens_at() > now);
    let last = rounds.iter().rev().find(|r| r.is_closed(now));
    match (last, next) {
        (Some(last), Some(next)) => format!(
            "ronde '{}' van '{}' sloot op {} (Nederlandse tijd); de volgende ronde, '{}', opent op {}; het is nu {shown}",
            last.name, instrument.name, dutch_wall_clock(last.closes), next.name, dutch_wall_clock(next.opens)
        ),
        (Some(last), None) => format!(
            "ronde '{}' van '{}' sloot op {} (Nederlandse tijd) en er komt geen ronde meer; aanvragen werden aangenomen tot en met die seconde; het is nu {shown}",
            last.name, instrument.name, dutch_wall_clock(last.closes)
        ),
        (None, Some(next)) => format!(
            "'{}' neemt nog geen aanvragen aan; ronde '{}' opent op {} (Nederlandse tijd); het is nu {shown}",
            instrument.name, next.name, dutch_wall_clock(next.opens)
        ),
        (None, None) => format!("'{}' heeft geen ronde die nu open is; het is nu {shown}", instrument.name),
    }
}

/// The states in which an application of an earlier round counts as funded (or still
/// on its way to money), so that its region may not apply in a round for regions
/// without a grant there.
const FUNDED_OR_PENDING: [State; 9] = [
    State::Submitted,
    State::WaitingList,
    State::Reserved,
    State::UnderReview,
    State::SupplementRequested,
    State::Granted,
    State::Reported,
    State::Settled,
    State::Closed,
];

/// Why `app`'s region may not apply in `round`, if the round is only for regions not
/// funded in an earlier round and this region was (or may still be).
fn funded_before(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    round: &RoundConfig,
) -> Result<Option<String>, ServiceError> {
    let Some(earlier) = &round.only_unfunded_in else {
        return Ok(None);
    };
    let states: Vec<&str> = FUNDED_OR_PENDING.iter().map(|s| s.as_str()).collect();
    let other: Option<(String, String)> = applications::table
        .filter(applications::instrument_id.eq(&app.instrument_id))
        .filter(applications::region_id.eq(&app.region_id))
        .filter(applications::round_code.eq(earlier))
        .filter(applications::state.eq_any(states))
        .filter(applications::id.ne(&app.id))
        .select((applications::reference, applications::state))
        .first(conn)
        .optional()?;
    Ok(other.map(|(reference, state)| {
        format!(
            "ronde '{}' staat alleen open voor regio's die in ronde '{earlier}' geen subsidie kregen; deze regio heeft daar aanvraag {reference} (status {state}); alleen als die is afgewezen, ingetrokken of buiten behandeling gesteld kan de regio in deze ronde aanvragen",
            round.name
        )
    }))
}
