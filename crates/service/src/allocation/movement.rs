//! One application moved by an allocation command (allocate, waitlist, close the
//! waiting list), with its reservation, history and notice.

use chrono::{DateTime, Utc};
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::{transition, Command, Effect, State};
use subsidie_store::rows::{ApplicationRow, InstrumentRow};
use subsidie_store::DbConnection;

use crate::actor::Actor;
use crate::application::{history, save};
use crate::budget;
use crate::convert::{money, naive, state};
use crate::error::ServiceError;
use crate::outbox::letters::queue_notice;

/// Moves `app` by `command`, reserving its requested amount when the table says so.
pub(super) fn move_app(
    conn: &mut DbConnection,
    instrument: &mut InstrumentRow,
    app: &mut ApplicationRow,
    command: Command,
    actor: &Actor,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let from = state(&app.state)?;
    let step = transition(from, command)?;
    if step.effects.contains(&Effect::ReserveBudget) {
        let amount = money(app.requested_cents)?;
        let movement = budget::position_of(instrument)?.reserve(amount)?;
        budget::book(conn, instrument, &movement, &app.id, actor, now)?;
        app.reserved_cents = amount.cents();
    }
    if command.is_decision() {
        app.decided_at = Some(naive(now));
        app.decision_motivation = reason.clone();
        app.objection_due_on = Some(
            deadlines::objection_deadline(deadlines::amsterdam_date(now))
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
        );
    }
    if step.to == State::Rejected {
        app.uniqueness_key = None;
    }
    if step.to != State::WaitingList {
        app.waitlist_position = None;
    }
    app.state = step.to.as_str().to_owned();
    // The run read the application at this version; another version means a command
    // moved it meanwhile, and the whole run is retried.
    save(conn, app, now).map_err(|e| match e {
        ServiceError::StaleVersion { .. } => ServiceError::Busy,
        other => other,
    })?;
    let command_name = command.as_str();
    history(
        conn,
        &app.id,
        actor,
        command_name,
        Some(from),
        step.to,
        reason,
        now,
    )?;
    for notice in step.notices() {
        queue_notice(conn, app, instrument, notice, None, now)?;
    }
    Ok(())
}
