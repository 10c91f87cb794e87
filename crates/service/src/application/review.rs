//! The reviewer's side: asking for a supplement, setting an application aside when the
//! supplement did not come, the four-eyes flow of a large grant, and scores for a
//! ranking call. (Who may review, and conflicts of interest: [`crate::access`].)

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines::{self, Term};
use subsidie_domain::lifecycle::State;
use subsidie_domain::Money;
use subsidie_store::rows::{ApplicationRow, InstrumentRow};
use subsidie_store::schema::organisations;
use subsidie_store::{DbConnection, Pool};

use super::action::Outcome;
use super::checks::{amount_rule, require_text};
use super::record::{history, save};
use crate::access::{self, check_conflict_of_interest, load_visible};
use crate::actor::{Actor, Role};
use crate::convert::{money, state};
use crate::error::ServiceError;
use crate::outbox::letters::{self as mail, ProposalFacts};
use crate::tx;

/// `aanvulling_vragen`: what is missing, and the term to supply it in.
pub(super) fn request_supplement(
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
    request: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    require_text("aanvulling", request)?;
    let term = Term::Days(u32::try_from(instrument.supplement_term_days).unwrap_or(14));
    app.supplement_request = Some(request.to_owned());
    app.supplement_due_on = Some(
        deadlines::supplement_deadline(now, term)
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
    );
    Ok(())
}

/// `buiten_behandeling_stellen` only after the supplement term has passed.
pub(super) fn check_lapse(app: &ApplicationRow, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let due = app
        .supplement_due_on
        .ok_or_else(|| ServiceError::Internal("aanvulling gevraagd zonder termijn".into()))?;
    if !deadlines::deadline_passed(due, now) {
        return Err(ServiceError::Conflict(format!(
            "de aanvultermijn loopt tot en met {due}; pas daarna kan de aanvraag buiten behandeling worden gesteld"
        )));
    }
    Ok(())
}

/// `honoreren`: an amount the instrument accepts, at most the reservation. Above the
/// instrument's four-eyes limit the first reviewer only proposes it (the answer is
/// `Some(GrantProposed)`, saved and mailed to the other reviewers); a second, different
/// reviewer confirms the same amount (the answer is `None`: go on and grant).
pub(super) fn check_grant(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
    amount: Money,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>, ServiceError> {
    if let Err(e) = amount_rule(instrument)?.check(amount) {
        return Err(ServiceError::field("bedrag", e.to_string()));
    }
    let reserved = money(app.reserved_cents)?;
    if amount > reserved {
        return Err(ServiceError::field(
            "bedrag",
            format!(
                "het verleende bedrag {} is hoger dan de reservering van {}; verleen ten hoogste de reservering",
                amount.to_dutch(),
                reserved.to_dutch()
            ),
        ));
    }
    let Some(limit) = instrument.four_eyes_above_cents else {
        return Ok(None);
    };
    if amount.cents() <= limit {
        return Ok(None);
    }
    match (&app.grant_proposed_by, app.grant_proposed_cents) {
        (Some(first), Some(proposed)) if Some(first) != actor.user_id.as_ref() => {
            if proposed != amount.cents() {
                return Err(ServiceError::Conflict(format!(
                    "de eerste beoordelaar stelde {} voor; bevestig dat bedrag of wijs af",
                    money(proposed)?.to_dutch()
                )));
            }
            Ok(None)
        }
        (Some(_), Some(_)) => Err(ServiceError::Conflict(
            "dit bedrag vraagt een tweede, andere beoordelaar (vier ogen); u stelde het al voor"
                .into(),
        )),
        _ => {
            propose_grant(conn, actor, app, instrument, amount, limit, note, now)?;
            Ok(Some(Outcome::GrantProposed(Box::new(app.clone()))))
        }
    }
}

/// The first of four eyes: the proposal is saved with its history step, and every
/// reviewer who could confirm it is asked to.
#[allow(clippy::too_many_arguments)]
fn propose_grant(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
    amount: Money,
    limit: i64,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let from = state(&app.state)?;
    app.grant_proposed_by = actor.user_id.clone();
    app.grant_proposed_cents = Some(amount.cents());
    save(conn, app, now)?;
    history(conn, &app.id, actor, PROPOSE, Some(from), from, note, now)?;
    let organisation: String = organisations::table
        .find(&app.organisation_id)
        .select(organisations::name)
        .first(conn)?;
    mail::queue_second_review(
        conn,
        &ProposalFacts {
            application_id: &app.id,
            version: app.version,
            reference: &app.reference,
            title: &app.title,
            organisation: &organisation,
            instrument: &instrument.name,
            region_id: &app.region_id,
            requested_cents: app.requested_cents,
            proposed_cents: amount.cents(),
            limit_cents: limit,
            proposer_id: actor.user_id.as_deref(),
            amendment: None,
        },
        now,
    )?;
    Ok(())
}

/// The motivation of a grant decision. In the four-eyes case it is the proposer's
/// (the substance of the decision, Awb 3:46), with the confirming reviewer's words
/// after it when they add any; otherwise the deciding reviewer's own.
pub(super) fn grant_motivation(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    own: &str,
) -> Result<String, ServiceError> {
    use subsidie_store::schema::application_history as h;
    if app.grant_proposed_by.is_none() {
        return Ok(own.to_owned());
    }
    let proposed: Option<Option<String>> = h::table
        .filter(h::application_id.eq(&app.id))
        .filter(h::command.eq(PROPOSE))
        .order(h::id.desc())
        .select(h::reason)
        .first(conn)
        .optional()?;
    let Some(proposal) = proposed.flatten().filter(|p| !p.trim().is_empty()) else {
        return Ok(own.to_owned());
    };
    let own = own.trim();
    if own.is_empty() || own == proposal.trim() {
        return Ok(proposal);
    }
    Ok(format!("{proposal}\n\nTweede beoordelaar: {own}"))
}

/// The history's name of the first of four eyes.
const PROPOSE: &str = "honorering_voorstellen";

/// Records a review score (0–100) for the ranking of a research call.
pub fn score(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    score: i32,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, ServiceError> {
    may_score(actor)?;
    if !(0..=100).contains(&score) {
        return Err(ServiceError::field(
            "score",
            format!("{score} ligt niet tussen 0 en 100"),
        ));
    }
    tx::write(pool, |conn| {
        let mut app = load_visible(conn, actor, id)?;
        check_conflict_of_interest(conn, actor, &app)?;
        if app.state != State::Submitted.as_str() {
            return Err(ServiceError::Conflict(format!(
                "alleen een ingediende aanvraag kan een score krijgen vóór de rangschikking; deze is '{}'",
                app.state
            )));
        }
        let from = state(&app.state)?;
        app.score = Some(score);
        save(conn, &mut app, now)?;
        history(
            conn,
            &app.id,
            actor,
            "scoren",
            Some(from),
            from,
            Some(format!("score {score}")),
            now,
        )?;
        Ok(app)
    })
}

/// Only a reviewer scores; the API asks before it reads the score.
pub fn may_score(actor: &Actor) -> Result<(), ServiceError> {
    access::only(actor, Role::Reviewer, "alleen een beoordelaar kan scoren")
}
