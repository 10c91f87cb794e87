//! Deciding an objection (Awb 7:5, 7:11, 7:12): by a reviewer who did not take the
//! contested decision; *niet-ontvankelijk* only after the mend term passed (6:6);
//! *ongegrond* only after the hearing was held or waived (7:2); *gegrond* revokes the
//! contested decision and takes a new one ([`super::reconsider`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::Command;
use subsidie_domain::objection::ObjectionCommand;
use subsidie_domain::Money;
use subsidie_store::rows::{ApplicationRow, ObjectionRow};
use subsidie_store::schema::application_history;
use subsidie_store::DbConnection;

use super::super::checks::require_text;
use super::outcome::NewDecision;
use super::reconsider::reconsider;
use crate::actor::Actor;
use crate::convert::naive;
use crate::error::ServiceError;

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
) -> Result<NewDecision, ServiceError> {
    if !command.is_decision() {
        return Err(ServiceError::Internal(format!(
            "'{command}' is geen beslissing"
        )));
    }
    require_text("motivering", motivation)?;
    check_not_the_decider(conn, actor, app, &objection.decision)?;
    let mut outcome = NewDecision::default();
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
        _ => {
            outcome = reconsider(
                conn,
                actor,
                app,
                &objection.decision,
                amount,
                motivation,
                now,
            )?
        }
    }
    objection.decided_at = Some(naive(now));
    objection.decided_by = actor.user_id.clone();
    objection.motivation = Some(motivation.to_owned());
    Ok(outcome)
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
