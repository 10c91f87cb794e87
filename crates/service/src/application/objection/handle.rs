//! Handling an objection before and up to its decision: asking to mend an omission
//! (Awb 6:6), the objector mending it, deferring the decision once (7:10), recording the
//! hearing (7:2), and deciding ([`super::decide`]). One transaction per step.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines::{self, amsterdam_date};
use subsidie_domain::letters::Template;
use subsidie_domain::objection::{
    extended_objection_deadline, mend_deadline, objection_transition, ObjectionCommand,
};
use subsidie_domain::Money;
use subsidie_store::rows::{ApplicationRow, ObjectionRow};
use subsidie_store::schema::objections;
use subsidie_store::{DbConnection, Pool};

use super::super::checks::require_text;
use super::super::record::history;
use super::outcome::NewDecision;
use super::{decide, letter, parse_state};
use crate::access::{self, load_visible};
use crate::actor::{Actor, Role};
use crate::convert::{naive, state};
use crate::error::ServiceError;
use crate::tx;

/// One step on an objection, with what it needs.
#[derive(Debug, Clone)]
pub enum ObjectionStep {
    /// `herstel_vragen`: what the objection lacks (Awb 6:5), to mend within two weeks.
    RequestMend {
        /// What to mend.
        what: String,
    },
    /// `herstellen`, by the objector.
    Mend {
        /// What was mended.
        note: String,
    },
    /// `verdagen`: defer the decision once by six weeks, with the reason.
    Extend {
        /// Why.
        reason: String,
    },
    /// `horen`: the hearing held, or waived by the objector.
    Hearing {
        /// Held (`true`) or waived (`false`).
        held: bool,
        /// A note on it (the report of the hearing, or how it was waived).
        note: String,
    },
    /// A decision: `niet_ontvankelijk_verklaren`, `ongegrond_verklaren` or
    /// `gegrond_verklaren`.
    Decide {
        /// Which.
        command: ObjectionCommand,
        /// The motivation (Awb 7:12).
        motivation: String,
        /// For a founded objection against a rejection: the amount to grant; the
        /// amount asked for when not given.
        amount: Option<Money>,
    },
}

impl ObjectionStep {
    /// The domain's command.
    pub fn command(&self) -> ObjectionCommand {
        match self {
            ObjectionStep::RequestMend { .. } => ObjectionCommand::RequestMend,
            ObjectionStep::Mend { .. } => ObjectionCommand::Mend,
            ObjectionStep::Extend { .. } => ObjectionCommand::Extend,
            ObjectionStep::Hearing { .. } => ObjectionCommand::RecordHearing,
            ObjectionStep::Decide { command, .. } => *command,
        }
    }
}

/// Carries out one step on objection `objection_id`.
pub fn handle_objection(
    pool: &Pool,
    actor: &Actor,
    objection_id: &str,
    step: &ObjectionStep,
    now: DateTime<Utc>,
) -> Result<ObjectionRow, ServiceError> {
    let command = step.command();
    if command == ObjectionCommand::Mend {
        access::only(
            actor,
            Role::Applicant,
            "alleen de bezwaarmaker herstelt het bezwaar",
        )?;
    } else if command != ObjectionCommand::AddGrounds {
        access::only(
            actor,
            Role::Reviewer,
            "alleen een beoordelaar behandelt een bezwaar",
        )?;
    }
    tx::write(pool, |conn| {
        let mut objection: ObjectionRow = objections::table
            .find(objection_id)
            .select(ObjectionRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ServiceError::NotFound {
                what: "bezwaar",
                id: objection_id.to_owned(),
            })?;
        let mut app = load_visible(conn, actor, &objection.application_id)?;
        if actor.role == Role::Reviewer {
            access::check_conflict_of_interest(conn, actor, &app)?;
        }
        let from = parse_state(&objection)?;
        let to = objection_transition(from, command)
            .map_err(|e| ServiceError::Conflict(e.to_string()))?;
        let (template, outcome) = apply(conn, actor, &mut app, &mut objection, step, now)?;
        objection.state = to.as_str().to_owned();
        store(conn, &objection)?;
        let app_state = state(&app.state)?;
        history(
            conn,
            &app.id,
            actor,
            command.as_str(),
            Some(app_state),
            app_state,
            Some(note_of(step)),
            now,
        )?;
        if let Some(template) = template {
            letter::queue(conn, &app, &objection, template, &outcome, now)?;
        }
        Ok(objection)
    })
}

fn note_of(step: &ObjectionStep) -> String {
    match step {
        ObjectionStep::RequestMend { what } => what.clone(),
        ObjectionStep::Mend { note } => note.clone(),
        ObjectionStep::Extend { reason } => reason.clone(),
        ObjectionStep::Hearing { held, note } => {
            format!("{}: {note}", if *held { "gehouden" } else { "afgezien" })
        }
        ObjectionStep::Decide { motivation, .. } => motivation.clone(),
    }
}

/// The step's own checks and fields; the letter it sends, if any, and for a decision
/// what its new decision changed.
fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    objection: &mut ObjectionRow,
    step: &ObjectionStep,
    now: DateTime<Utc>,
) -> Result<(Option<Template>, NewDecision), ServiceError> {
    let today = amsterdam_date(now);
    let internal = |e: deadlines::DeadlineError| ServiceError::Internal(e.to_string());
    let template = match step {
        ObjectionStep::RequestMend { what } => {
            require_text("herstel", what)?;
            objection.mend_request = Some(what.clone());
            objection.mend_due_on = Some(mend_deadline(today).map_err(internal)?);
            Some(Template::ObjectionMend)
        }
        ObjectionStep::Mend { note } => {
            require_text("toelichting", note)?;
            objection.grounds = format!(
                "{}\n\nHerstel, ontvangen op {today}:\n{note}",
                objection.grounds
            );
            objection.mend_due_on = None;
            None
        }
        ObjectionStep::Extend { reason } => {
            require_text("reden", reason)?;
            let due = objection
                .due_on
                .ok_or_else(|| ServiceError::Internal("bezwaar zonder beslistermijn".into()))?;
            if objection.extended_at.is_some() {
                return Err(ServiceError::Conflict(format!(
                    "de beslissing op dit bezwaar is al eens verdaagd, tot en met {due}; \
                     verdagen kan één keer (art. 7:10 lid 3 Awb)"
                )));
            }
            if deadlines::deadline_passed(due, now) {
                return Err(ServiceError::Conflict(format!(
                    "de beslistermijn liep tot en met {due}; verdagen kan alleen vóór die \
                     datum (art. 7:10 lid 3 Awb)"
                )));
            }
            objection.due_on = Some(extended_objection_deadline(due).map_err(internal)?);
            objection.extended_at = Some(naive(now));
            objection.motivation = Some(reason.clone());
            Some(Template::ObjectionExtended)
        }
        ObjectionStep::Hearing { held, note } => {
            require_text("toelichting", note)?;
            objection.hearing = Some(if *held { "gehouden" } else { "afgezien" }.to_owned());
            None
        }
        ObjectionStep::Decide {
            command,
            motivation,
            amount,
        } => {
            let outcome = decide::decide(
                conn, actor, app, objection, *command, motivation, *amount, now,
            )?;
            return Ok((Some(Template::ObjectionDecision), outcome));
        }
    };
    Ok((template, NewDecision::default()))
}

fn store(conn: &mut DbConnection, o: &ObjectionRow) -> Result<(), ServiceError> {
    diesel::update(objections::table.find(&o.id))
        .set((
            objections::state.eq(&o.state),
            objections::grounds.eq(&o.grounds),
            objections::due_on.eq(o.due_on),
            objections::extended_at.eq(o.extended_at),
            objections::hearing.eq(&o.hearing),
            objections::mend_request.eq(&o.mend_request),
            objections::mend_due_on.eq(o.mend_due_on),
            objections::decided_at.eq(o.decided_at),
            objections::decided_by.eq(&o.decided_by),
            objections::motivation.eq(&o.motivation),
        ))
        .execute(conn)?;
    Ok(())
}
