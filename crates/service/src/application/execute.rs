//! One lifecycle command, as a pipeline: load the application → authorise the actor →
//! ask the domain's transition table → the command's own checks → the budget effects on
//! the locked instrument row → record (save with a new version, history) → payments and
//! e-mails. All in one transaction: any error rolls all of it back.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::lifecycle::{transition, Command, Transition};
use subsidie_store::rows::{ApplicationRow, InstrumentRow};
use subsidie_store::schema::applications;
use subsidie_store::{DbConnection, Pool};

use super::action::{Action, Outcome};
use super::checks::{require_text, MAX_TEXT};
use super::effects::{conclude, move_budget, schedule_payments};
use super::record::{check_unchanged_since_read, check_version, history, save};
use super::revision::{change_facts, check_lowering, current_cents};
use super::{late, review, settlement, submit};
use crate::access::{authorise, check_conflict_of_interest, load_visible};
use crate::actor::{Actor, Role};
use crate::budget;
use crate::convert::state;
use crate::error::ServiceError;
use crate::outbox::cancel::cancel_obsolete;
use crate::outbox::letters::queue_change_notice;
use crate::tx;

/// Carries out one lifecycle command on an application.
///
/// `expected_version`, when given (from an `If-Match`), must equal the stored version.
pub fn execute(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    tx::write(pool, |conn| {
        execute_in(conn, actor, id, expected_version, action, now)
    })
}

/// [`execute`] inside the caller's transaction.
pub(super) fn execute_in(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    Pipeline { actor, action, now }.run(conn, id, expected_version)
}

/// One command being carried out: who asks, what, and when.
struct Pipeline<'a> {
    actor: &'a Actor,
    action: &'a Action,
    now: DateTime<Utc>,
}

impl Pipeline<'_> {
    fn run(
        &self,
        conn: &mut DbConnection,
        id: &str,
        expected_version: Option<i64>,
    ) -> Result<Outcome, ServiceError> {
        let Pipeline { actor, action, now } = *self;
        let command = action.command();
        let mut app = load_visible(conn, actor, id)?;
        check_version(&app, expected_version)?;
        authorise(actor, command)?;
        if actor.role == Role::Reviewer {
            check_conflict_of_interest(conn, actor, &app)?;
        }
        let from = state(&app.state)?;
        let step = transition(from, command)?;
        check_texts(command, action)?;
        let mut instrument = instrument_for(conn, &app, &step)?;
        if let Some(outcome) = command_checks(conn, actor, action, &mut app, &instrument, now)? {
            return Ok(outcome);
        }
        let (before, settled_before) = (current_cents(&app), app.settled_cents.is_some());
        move_budget(
            conn,
            actor,
            action,
            &mut app,
            &mut instrument,
            step.effects,
            now,
        )?;
        let motivation = match action {
            Action::Grant { motivation, .. } => {
                Some(review::grant_motivation(conn, &app, motivation)?)
            }
            other => other.motivation().map(str::to_owned),
        };
        conclude(&mut app, command, motivation.as_deref(), step.to, now)?;
        cancel_obsolete(conn, &app.id, step.to, command, now)?;
        save(conn, &mut app, now)?;
        let note = action.note();
        history(
            conn,
            &app.id,
            actor,
            command.as_str(),
            Some(from),
            step.to,
            note,
            now,
        )?;
        schedule_payments(conn, action, &app, &instrument, now)?;
        let change = matches!(action, Action::Revoke { .. } | Action::Lower { .. })
            .then(|| change_facts(&app, before, settled_before, None))
            .transpose()?;
        for notice in step.notices() {
            queue_change_notice(
                conn,
                &app,
                &instrument,
                notice,
                reason_of(action),
                change.clone(),
                now,
            )?;
        }
        Ok(Outcome::Changed(Box::new(app)))
    }
}

/// The reason a notice prints besides the application's facts.
fn reason_of(action: &Action) -> Option<&str> {
    match action {
        Action::ExtendDecisionTerm { reason, .. } => Some(reason),
        _ => None,
    }
}

/// A decision's motivation is required (Awb 3:46); no note is longer than the longest
/// text.
fn check_texts(command: Command, action: &Action) -> Result<(), ServiceError> {
    if command.requires_motivation() {
        require_text("motivering", action.motivation().unwrap_or(""))?;
    }
    if let Some(note) = action.note() {
        if note.chars().count() > MAX_TEXT {
            return Err(ServiceError::field(
                "toelichting",
                format!("is te lang; ten hoogste {MAX_TEXT} tekens"),
            ));
        }
    }
    Ok(())
}

/// The instrument, its budget row locked when the step moves money.
fn instrument_for(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    step: &Transition,
) -> Result<InstrumentRow, ServiceError> {
    if step.effects.iter().any(|e| e.is_budget()) {
        let locked = budget::lock(conn, &app.instrument_id)?;
        check_unchanged_since_read(conn, app)?;
        Ok(locked)
    } else {
        budget::load_instrument(conn, &app.instrument_id)
    }
}

/// The checks and fields of each command of its own. `Some` ends the command early
/// with that outcome (a draft deleted, a grant only proposed).
fn command_checks(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &Action,
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>, ServiceError> {
    match action {
        Action::Delete => {
            diesel::delete(applications::table.find(&app.id)).execute(conn)?;
            return Ok(Some(Outcome::Deleted));
        }
        Action::Submit => submit::submit(conn, app, instrument, now)?,
        Action::RequestSupplement { request } => {
            review::request_supplement(app, instrument, request, now)?
        }
        Action::Supply { .. } => app.supplement_due_on = None,
        Action::Lapse { .. } => review::check_lapse(app, now)?,
        Action::Grant { amount, .. } => {
            return review::check_grant(conn, actor, app, instrument, *amount, action.note(), now)
        }
        Action::Settle { amount, .. } => settlement::check_settlement(app, *amount)?,
        Action::Close => settlement::check_closable(conn, app)?,
        Action::ExtendDecisionTerm { until, reason } => {
            late::extend_term(app, *until, reason, now)?
        }
        Action::Lower { amount, .. } => check_lowering(app, *amount)?,
        Action::StartReview
        | Action::Reject { .. }
        | Action::Withdraw { .. }
        | Action::Report { .. }
        | Action::Waive { .. }
        | Action::Revoke { .. } => {}
    }
    Ok(None)
}
