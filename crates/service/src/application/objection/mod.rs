//! Objections (*bezwaar*) against the last decision on an application (Awb chapters 6
//! and 7): lodged within the objection period (6:7) with a receipt; one per decision, a
//! later one adding grounds; handled ([`handle`]: mend, defer, hear) and decided
//! ([`decide`]). The states and commands: [`subsidie_domain::objection`].

mod decide;
mod handle;
mod letter;
mod outcome;
mod reconsider;
mod restore;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines;
use subsidie_domain::letters::Template;
use subsidie_domain::lifecycle::Command;
use subsidie_domain::objection::{
    objection_decision_deadline, objection_transition, ObjectionCommand, ObjectionState,
};
use subsidie_store::rows::{ApplicationRow, ObjectionRow};
use subsidie_store::schema::{application_history, objections};
use subsidie_store::{DbConnection, Pool};

use super::checks::require_text;
use super::record::history;
use crate::access::{self, load_visible};
use crate::actor::{Actor, Role};
use crate::convert::{naive, new_id, state};
use crate::error::ServiceError;
use crate::tx;

pub use handle::{handle_objection, ObjectionStep};

/// Lodges an objection against the decision on an application, with a receipt. A later
/// objection against the same decision, while it is being handled, adds its grounds to
/// the first (one objection per decision).
pub fn object(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    grounds: &str,
    now: DateTime<Utc>,
) -> Result<ObjectionRow, ServiceError> {
    may_object(actor)?;
    require_text("gronden", grounds)?;
    tx::write(pool, |conn| {
        let app = load_visible(conn, actor, id)?;
        let (Some(decided_at), Some(due)) = (app.decided_at, app.objection_due_on) else {
            return Err(ServiceError::Conflict(format!(
                "er is geen besluit op deze aanvraag waartegen bezwaar openstaat (status '{}'); \
                 bezwaar kan alleen tegen een besluit, en tegen een beslissing op bezwaar \
                 staat beroep bij de rechtbank open",
                app.state
            )));
        };
        if deadlines::deadline_passed(due, now) {
            return Err(ServiceError::Conflict(format!(
                "de bezwaartermijn is verstreken op {due} (art. 6:7 Awb)"
            )));
        }
        let decision = last_decision(conn, &app.id)?;
        if let Some(mut existing) = open_objection(conn, &app.id, &decision, decided_at)? {
            return add_grounds(conn, actor, &app, &mut existing, grounds, now);
        }
        let row = ObjectionRow {
            id: new_id(),
            application_id: app.id.clone(),
            decision,
            grounds: grounds.to_owned(),
            submitted_at: naive(now),
            state: ObjectionState::Lodged.as_str().to_owned(),
            actor_id: actor.user_id.clone(),
            due_on: Some(
                objection_decision_deadline(due)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
            ),
            extended_at: None,
            hearing: None,
            mend_request: None,
            mend_due_on: None,
            decided_at: None,
            decided_by: None,
            motivation: None,
        };
        diesel::insert_into(objections::table)
            .values(&row)
            .execute(conn)?;
        let current = state(&app.state)?;
        history(
            conn,
            &app.id,
            actor,
            "bezwaar_maken",
            Some(current),
            current,
            Some(grounds.to_owned()),
            now,
        )?;
        letter::queue(
            conn,
            &app,
            &row,
            Template::ObjectionReceipt,
            &Default::default(),
            now,
        )?;
        Ok(row)
    })
}

/// The objection against this decision (lodged after it was taken), if there is one.
fn open_objection(
    conn: &mut DbConnection,
    app_id: &str,
    decision: &str,
    decided_at: chrono::NaiveDateTime,
) -> Result<Option<ObjectionRow>, ServiceError> {
    Ok(objections::table
        .filter(objections::application_id.eq(app_id))
        .filter(objections::decision.eq(decision))
        .filter(objections::submitted_at.ge(decided_at))
        .order(objections::submitted_at.asc())
        .select(ObjectionRow::as_select())
        .first(conn)
        .optional()?)
}

/// A second objection against the same decision: its grounds join the first.
fn add_grounds(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &ApplicationRow,
    existing: &mut ObjectionRow,
    grounds: &str,
    now: DateTime<Utc>,
) -> Result<ObjectionRow, ServiceError> {
    let current: ObjectionState = parse_state(existing)?;
    if current.is_decided() {
        return Err(ServiceError::Conflict(format!(
            "op het bezwaar tegen dit besluit is al beslist ({current}); daartegen staat \
             beroep bij de rechtbank open, geen nieuw bezwaar"
        )));
    }
    objection_transition(current, ObjectionCommand::AddGrounds)
        .map_err(|e| ServiceError::Conflict(e.to_string()))?;
    let day = deadlines::amsterdam_date(now);
    existing.grounds = format!(
        "{}\n\nAanvullende gronden, ontvangen op {day}:\n{grounds}",
        existing.grounds
    );
    diesel::update(objections::table.find(&existing.id))
        .set(objections::grounds.eq(&existing.grounds))
        .execute(conn)?;
    let app_state = state(&app.state)?;
    history(
        conn,
        &app.id,
        actor,
        ObjectionCommand::AddGrounds.as_str(),
        Some(app_state),
        app_state,
        Some(grounds.to_owned()),
        now,
    )?;
    Ok(existing.clone())
}

/// Only the applicant objects; the API asks before it reads the grounds.
pub fn may_object(actor: &Actor) -> Result<(), ServiceError> {
    access::only(
        actor,
        Role::Applicant,
        "alleen de aanvrager kan bezwaar maken",
    )
}

fn parse_state(row: &ObjectionRow) -> Result<ObjectionState, ServiceError> {
    row.state
        .parse()
        .map_err(|e: subsidie_domain::objection::UnknownObjectionState| {
            ServiceError::Internal(e.to_string())
        })
}

fn last_decision(conn: &mut DbConnection, app_id: &str) -> Result<String, ServiceError> {
    use application_history as h;
    let decisions: Vec<&str> = Command::ALL
        .iter()
        .filter(|c| c.is_decision())
        .map(|c| c.as_str())
        .collect();
    let last: Option<String> = h::table
        .filter(h::application_id.eq(app_id))
        .filter(h::command.eq_any(decisions))
        .order(h::id.desc())
        .select(h::command)
        .first(conn)
        .optional()?;
    last.ok_or_else(|| ServiceError::Internal("besluit zonder historie".into()))
}
