//! Deciding an objection (Awb 7:5, 7:11, 7:12): by a reviewer who did not take the
//! contested decision; *niet-ontvankelijk* only after the mend term passed (6:6);
//! *ongegrond* only after the hearing was held or waived (7:2); *gegrond* revokes the
//! contested decision and takes a new one. After a rejection the new decision is a
//! grant, reserved from what is available; if nothing is, the application goes first
//! on the waiting list and the letter says so.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines::{self, amsterdam_date};
use subsidie_domain::ledger::LedgerError;
use subsidie_domain::lifecycle::{transition, Command, State};
use subsidie_domain::objection::ObjectionCommand;
use subsidie_domain::Money;
use subsidie_store::rows::{ApplicationRow, ObjectionRow};
use subsidie_store::schema::{application_history, applications};
use subsidie_store::DbConnection;

use super::super::checks::{amount_rule, require_text};
use super::super::record::{history, save};
use crate::actor::Actor;
use crate::budget;
use crate::convert::{money, naive, state};
use crate::error::ServiceError;
use crate::payments::schedule;

/// The decision's checks and effects on `app`; the caller stores the objection.
#[allow(clippy::too_many_arguments)]
pub(super) fn decide(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    objection: &mut ObjectionRow,
    command: ObjectionCommand,
    motivation: &str,
    amount: Option<Money>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if !command.is_decision() {
        return Err(ServiceError::Internal(format!(
            "'{command}' is geen beslissing"
        )));
    }
    require_text("motivering", motivation)?;
    check_not_the_decider(conn, actor, app, &objection.decision)?;
    match command {
        ObjectionCommand::DeclareInadmissible => {
            if let Some(due) = objection.mend_due_on {
                if !deadlines::deadline_passed(due, now) {
                    return Err(ServiceError::Conflict(format!(
                        "de hersteltermijn loopt tot en met {due}; pas daarna kan het bezwaar \
                         niet-ontvankelijk worden verklaard (art. 6:6 Awb)"
                    )));
                }
            }
        }
        ObjectionCommand::DeclareUnfounded => {
            if objection.hearing.is_none() {
                return Err(ServiceError::Conflict(
                    "hoor de bezwaarmaker eerst, of leg vast dat hij daarvan afziet \
                     (opdracht 'horen', art. 7:2 en 7:3 Awb), voordat het bezwaar ongegrond \
                     wordt verklaard"
                        .into(),
                ));
            }
        }
        _ => reconsider(conn, actor, app, amount, motivation, now)?,
    }
    objection.decided_at = Some(naive(now));
    objection.decided_by = actor.user_id.clone();
    objection.motivation = Some(motivation.to_owned());
    Ok(())
}

/// Awb 7:5: who took (or proposed) the contested decision does not decide the
/// objection against it.
fn check_not_the_decider(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &ApplicationRow,
    decision: &str,
) -> Result<(), ServiceError> {
    use application_history as h;
    let mut deciders: Vec<Option<String>> = h::table
        .filter(h::application_id.eq(&app.id))
        .filter(h::command.eq(decision))
        .order(h::id.desc())
        .select(h::actor_id)
        .limit(1)
        .load(conn)?;
    if decision == Command::Grant.as_str() {
        deciders.extend(
            h::table
                .filter(h::application_id.eq(&app.id))
                .filter(h::command.eq("honorering_voorstellen"))
                .select(h::actor_id)
                .load::<Option<String>>(conn)?,
        );
    }
    if actor.user_id.is_some() && deciders.contains(&actor.user_id) {
        return Err(ServiceError::Conflict(format!(
            "u nam of stelde het bestreden besluit ('{decision}') zelf voor; een andere \
             beoordelaar beslist op het bezwaar (art. 7:5 Awb)"
        )));
    }
    Ok(())
}

/// The new decision of a founded objection (Awb 7:11). Only a rejection can be
/// reconsidered here.
fn reconsider(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    amount: Option<Money>,
    motivation: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let from = state(&app.state)?;
    if !from.is_refused() {
        return Err(ServiceError::Conflict(format!(
            "een gegrond bezwaar tegen een aanvraag in status '{from}' vraagt een nieuw besluit \
             dat de engine nog niet neemt; alleen een afwijzing of buitenbehandelingstelling \
             kan hier worden herroepen"
        )));
    }
    let mut instrument = budget::lock(conn, &app.instrument_id)?;
    let requested = money(app.requested_cents)?;
    let amount = amount.unwrap_or(requested);
    if amount > requested {
        return Err(ServiceError::field(
            "bedrag",
            format!(
                "{} is meer dan de aangevraagde {}; verleen ten hoogste het aangevraagde bedrag",
                amount.to_dutch(),
                requested.to_dutch()
            ),
        ));
    }
    if let Err(e) = amount_rule(&instrument)?.check(amount) {
        return Err(ServiceError::field("bedrag", e.to_string()));
    }
    let position = budget::position_of(&instrument)?;
    let (command, to) = match position.reserve(amount) {
        Ok(reserve) => {
            budget::book(conn, &mut instrument, &reserve, &app.id, actor, now)?;
            let grant = budget::position_of(&instrument)?.grant(amount, amount)?;
            budget::book(conn, &mut instrument, &grant, &app.id, actor, now)?;
            app.granted_cents = amount.cents();
            (Command::ReconsiderGrant, State::Granted)
        }
        Err(LedgerError::CeilingReached { .. }) => {
            // First on the waiting list: everyone else moves one place down.
            diesel::update(
                applications::table
                    .filter(applications::instrument_id.eq(&app.instrument_id))
                    .filter(applications::state.eq(State::WaitingList.as_str())),
            )
            .set(applications::waitlist_position.eq(applications::waitlist_position + 1))
            .execute(conn)?;
            app.waitlist_position = Some(1);
            (Command::ReconsiderWaitlist, State::WaitingList)
        }
        Err(other) => return Err(other.into()),
    };
    let step = transition(from, command)?;
    debug_assert_eq!(step.to, to);
    app.state = to.as_str().to_owned();
    app.decided_at = Some(naive(now));
    app.decision_motivation = Some(motivation.to_owned());
    // Against a decision on objection lies appeal, not a new objection.
    app.objection_due_on = None;
    save(conn, app, now)?;
    history(
        conn,
        &app.id,
        actor,
        command.as_str(),
        Some(from),
        to,
        Some(motivation.to_owned()),
        now,
    )?;
    if to == State::Granted {
        schedule::schedule_advance(conn, app, &instrument, amount, amsterdam_date(now), now)?;
    }
    Ok(())
}
