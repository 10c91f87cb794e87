//! Read models only the portal shows: a reviewer's work queue, the letters of one
//! application, the names behind user ids, and what stands between a reviewer and an
//! application (a conflict of interest). Reads need no transaction of their own.

use std::collections::HashMap;

use diesel::prelude::*;
use subsidie_domain::lifecycle::State;
use subsidie_store::rows::{ApplicationRow, OutboxRow};
use subsidie_store::schema::{
    application_history, applications, conflicts_of_interest, organisations, outbox, users,
};
use subsidie_store::Pool;

use crate::access::load_visible;
use crate::actor::{Actor, Role};
use crate::error::ServiceError;
use crate::tx;

/// The states in which an application waits for a reviewer (or for the applicant's
/// supplement, which a reviewer follows up).
pub const QUEUE_STATES: [State; 4] = [
    State::Submitted,
    State::Reserved,
    State::UnderReview,
    State::SupplementRequested,
];

/// What a reviewer filters the queue on; all optional.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only this instrument.
    pub instrument_id: Option<String>,
    /// Only this region.
    pub region_id: Option<String>,
    /// Only this state (one of [`QUEUE_STATES`]).
    pub state: Option<State>,
    /// Only grants another reviewer proposed, which wait for this one's confirmation.
    pub awaiting_me: bool,
    /// Only applications this reviewer acted on.
    pub acted_on_by_me: bool,
}

/// One page of the queue and whether another follows.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// The applications, earliest decision deadline first.
    pub rows: Vec<ApplicationRow>,
    /// True when a further page exists.
    pub more: bool,
}

/// The work queue of a reviewer: every application that needs one, by decision deadline
/// (applications without one last), `per_page` at a time from page `page` (0-based).
pub fn work_queue(
    pool: &Pool,
    actor: &Actor,
    filter: &QueueFilter,
    page: i64,
    per_page: i64,
) -> Result<QueuePage, ServiceError> {
    if !matches!(actor.role, Role::Reviewer | Role::Admin) {
        return Err(ServiceError::Forbidden(
            "de werkvoorraad is er voor beoordelaars".into(),
        ));
    }
    let per_page = per_page.clamp(1, 200);
    let me = actor.user_id.clone().unwrap_or_default();
    tx::read(pool, |conn| {
        let states: Vec<&str> = match filter.state {
            Some(s) => vec![s.as_str()],
            None => QUEUE_STATES.iter().map(|s| s.as_str()).collect(),
        };
        let mut query = applications::table
            .filter(applications::state.eq_any(states))
            .select(ApplicationRow::as_select())
            .order((
                applications::decision_due_on.is_null(),
                applications::decision_due_on.asc(),
                applications::id.asc(),
            ))
            .offset(page.max(0) * per_page)
            .limit(per_page + 1)
            .into_boxed();
        if let Some(i) = &filter.instrument_id {
            query = query.filter(applications::instrument_id.eq(i.clone()));
        }
        if let Some(r) = &filter.region_id {
            query = query.filter(applications::region_id.eq(r.clone()));
        }
        if filter.awaiting_me {
            query = query
                .filter(applications::grant_proposed_by.is_not_null())
                .filter(applications::grant_proposed_by.ne(me.clone()));
        }
        if filter.acted_on_by_me {
            let mine = application_history::table
                .filter(application_history::actor_id.eq(me.clone()))
                .select(application_history::application_id);
            query = query.filter(applications::id.eq_any(mine));
        }
        let mut rows: Vec<ApplicationRow> = query.load(conn)?;
        let more = rows.len() as i64 > per_page;
        rows.truncate(per_page as usize);
        Ok(QueuePage { rows, more })
    })
}

/// The e-mails written about an application, oldest first. An applicant sees only those
/// addressed to its organisation, not the ones to staff.
pub fn letters_of(pool: &Pool, actor: &Actor, id: &str) -> Result<Vec<OutboxRow>, ServiceError> {
    tx::read(pool, |conn| {
        let app = load_visible(conn, actor, id)?;
        let mut query = outbox::table
            .filter(outbox::application_id.eq(id))
            .order((outbox::created_at.asc(), outbox::id.asc()))
            .select(OutboxRow::as_select())
            .into_boxed();
        if actor.role == Role::Applicant {
            let address: String = organisations::table
                .find(&app.organisation_id)
                .select(organisations::email)
                .first(conn)?;
            query = query.filter(outbox::recipient.eq(address));
        }
        Ok(query.load(conn)?)
    })
}

/// The id of the application with this reference, if the actor may see it.
pub fn application_by_reference(
    pool: &Pool,
    actor: &Actor,
    reference: &str,
) -> Result<String, ServiceError> {
    tx::read(pool, |conn| {
        let id: Option<String> = applications::table
            .filter(applications::reference.eq(reference))
            .select(applications::id)
            .first(conn)
            .optional()?;
        let id = id.ok_or_else(|| ServiceError::NotFound {
            what: "aanvraag",
            id: reference.to_owned(),
        })?;
        Ok(load_visible(conn, actor, &id)?.id)
    })
}

/// The names of users by id, for history and proposals.
pub fn user_names(pool: &Pool, ids: &[String]) -> Result<HashMap<String, String>, ServiceError> {
    tx::read(pool, |conn| {
        let rows: Vec<(String, String)> = users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::name))
            .load(conn)?;
        Ok(rows.into_iter().collect())
    })
}

/// Whether the reviewer declared a conflict of interest for the region.
pub fn has_conflict(pool: &Pool, actor: &Actor, region_id: &str) -> Result<bool, ServiceError> {
    let Some(user) = &actor.user_id else {
        return Ok(false);
    };
    tx::read(pool, |conn| {
        Ok(conflicts_of_interest::table
            .find((user, region_id))
            .count()
            .get_result::<i64>(conn)?
            > 0)
    })
}
