//! What a lifecycle step does besides changing the state: the budget movements the
//! domain's table lists, the decision's own fields, and the payments a grant, a
//! settlement or a waiver schedules.

use chrono::{DateTime, Utc};
use subsidie_domain::deadlines;
use subsidie_domain::ledger::Movement;
use subsidie_domain::lifecycle::{Command, Effect, State};
use subsidie_store::rows::{ApplicationRow, InstrumentRow};
use subsidie_store::DbConnection;

use super::action::Action;
use crate::actor::Actor;
use crate::budget;
use crate::convert::{money, naive};
use crate::error::ServiceError;
use crate::payments::schedule;

/// Carries out the budget effects on the locked instrument row, in the order the table
/// lists them.
pub(super) fn move_budget(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &Action,
    app: &mut ApplicationRow,
    instrument: &mut InstrumentRow,
    effects: &[Effect],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    for effect in effects {
        if let Some(movement) = movement_of(*effect, action, app, instrument)? {
            budget::book(conn, instrument, &movement, &app.id, actor, now)?;
        }
    }
    Ok(())
}

/// The movement of one effect, with the application's own amounts brought along.
fn movement_of(
    effect: Effect,
    action: &Action,
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
) -> Result<Option<Movement>, ServiceError> {
    let position = budget::position_of(instrument)?;
    Ok(match effect {
        Effect::ReleaseReservation => {
            let m = position.release_reservation(money(app.reserved_cents)?)?;
            app.reserved_cents = 0;
            Some(m)
        }
        Effect::GrantFromReservation => {
            let Action::Grant { amount, .. } = action else {
                return Err(ServiceError::Internal("verlening zonder bedrag".into()));
            };
            let m = position.grant(money(app.reserved_cents)?, *amount)?;
            app.reserved_cents = 0;
            app.granted_cents = amount.cents();
            Some(m)
        }
        Effect::ReleaseGrant => {
            let m = position.release_grant(money(app.granted_cents)?)?;
            app.granted_cents = 0;
            Some(m)
        }
        Effect::SettleGrant => {
            let Action::Settle { amount, .. } = action else {
                return Err(ServiceError::Internal("vaststelling zonder bedrag".into()));
            };
            let m = position.settle(money(app.granted_cents)?, *amount)?;
            app.granted_cents = amount.cents();
            app.settled_cents = Some(amount.cents());
            Some(m)
        }
        Effect::ReviseGrant => {
            let Action::Lower { amount, .. } = action else {
                return Err(ServiceError::Internal(
                    "een wijziging van de verlening zonder bedrag".into(),
                ));
            };
            let m = position.revise_grant(money(app.granted_cents)?, *amount)?;
            app.granted_cents = amount.cents();
            Some(m)
        }
        Effect::ReviseSettlement | Effect::ReleaseSettlement => {
            let new = match action {
                Action::Lower { amount, .. } => *amount,
                _ => subsidie_domain::Money::ZERO,
            };
            let settled = money(app.settled_cents.unwrap_or(app.granted_cents))?;
            let m = position.revise_settlement(settled, new)?;
            app.granted_cents = new.cents();
            app.settled_cents = (!new.is_zero()).then_some(new.cents());
            Some(m)
        }
        Effect::ReserveBudget | Effect::ReserveAndGrant | Effect::RaiseSettlement => {
            return Err(ServiceError::Internal(
                "reserveren gebeurt alleen in een toewijzingsronde of bij een gegrond bezwaar"
                    .into(),
            ))
        }
        Effect::Notify(_) | Effect::Delete => None,
    })
}

/// The fields a step sets on the application besides its state: a decision's date,
/// motivation and objection deadline; the region's right to apply again when it ended
/// without money; no waiting-list position or grant proposal left behind.
pub(super) fn conclude(
    app: &mut ApplicationRow,
    command: Command,
    motivation: Option<&str>,
    to: State,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if command.is_decision() {
        app.decided_at = Some(naive(now));
        app.decision_motivation = motivation.map(str::to_owned);
        app.objection_due_on = Some(
            deadlines::objection_deadline(deadlines::amsterdam_date(now))
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
        );
    }
    if matches!(
        to,
        State::Rejected | State::Withdrawn | State::NotConsidered
    ) {
        // Ended without money: the region may apply again.
        app.uniqueness_key = None;
    }
    if to != State::WaitingList {
        app.waitlist_position = None;
    }
    app.grant_proposed_by = None;
    app.grant_proposed_cents = None;
    app.state = to.as_str().to_owned();
    Ok(())
}

/// The payments that follow a grant (the advance), a settlement (the rest, or a
/// recovery) and a waiver (cancel what is unpaid, recover what was paid).
pub(super) fn schedule_payments(
    conn: &mut DbConnection,
    action: &Action,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let today = deadlines::amsterdam_date(now);
    match action {
        Action::Grant { amount, .. } => {
            schedule::schedule_advance(conn, app, instrument, *amount, today, now).map(|_| ())
        }
        Action::Settle { amount, .. } => {
            schedule::schedule_settlement(conn, app, *amount, today, now)
        }
        Action::Waive { .. } => schedule::cancel_open_payments(conn, app, today, now),
        Action::Revoke { .. } | Action::Lower { .. } => {
            let settled = app.settled_cents.is_some();
            let new = money(app.granted_cents)?;
            schedule::revise_payments(conn, app, instrument, new, settled, today, now).map(|_| ())
        }
        _ => Ok(()),
    }
}
