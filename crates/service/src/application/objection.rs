//! Objections (*bezwaar*) against the last decision on an application, within the
//! objection period (Awb 6:7).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::Command;
use subsidie_store::rows::ObjectionRow;
use subsidie_store::schema::{application_history, objections};
use subsidie_store::{DbConnection, Pool};

use super::checks::require_text;
use super::record::history;
use crate::access::{self, load_visible};
use crate::actor::{Actor, Role};
use crate::convert::{naive, new_id, state};
use crate::error::ServiceError;
use crate::tx;

/// Lodges an objection against the decision on an application.
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
        let (Some(_), Some(due)) = (app.decided_at, app.objection_due_on) else {
            return Err(ServiceError::Conflict(format!(
                "er is nog geen besluit op deze aanvraag (status '{}'); bezwaar kan pas tegen een besluit",
                app.state
            )));
        };
        if deadlines::deadline_passed(due, now) {
            return Err(ServiceError::Conflict(format!(
                "de bezwaartermijn is verstreken op {due} (art. 6:7 Awb)"
            )));
        }
        let decision = last_decision(conn, &app.id)?;
        let row = ObjectionRow {
            id: new_id(),
            application_id: app.id.clone(),
            decision,
            grounds: grounds.to_owned(),
            submitted_at: naive(now),
            state: "ingediend".to_owned(),
            actor_id: actor.user_id.clone(),
            due_on: None,
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
        Ok(row)
    })
}

/// Only the applicant objects; the API asks before it reads the grounds.
pub fn may_object(actor: &Actor) -> Result<(), ServiceError> {
    access::only(
        actor,
        Role::Applicant,
        "alleen de aanvrager kan bezwaar maken",
    )
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
