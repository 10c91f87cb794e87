//! The applications an allocation run places, read lean.

use diesel::prelude::*;
use subsidie_domain::lifecycle::State;
use subsidie_store::rows::ApplicationRow;
use subsidie_store::schema::applications;
use subsidie_store::DbConnection;

use crate::actor::{Actor, Role};
use crate::error::ServiceError;

/// Allocation is the administrator's.
pub(super) fn require_admin(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden(format!(
            "toewijzingsrondes zijn voorbehouden aan een beheerder; u bent {}",
            actor.role
        )));
    }
    Ok(())
}

/// What an allocation run needs to know of an application to place it. A run may see
/// 100,000 applications; holding their full rows (texts included) took the server over
/// 200 MB, so the full row is read only when the application moves ([`load_for_move`]).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = applications)]
pub(super) struct Queued {
    pub(super) id: String,
    pub(super) reference: String,
    pub(super) requested_cents: i64,
    pub(super) received_at: Option<chrono::NaiveDateTime>,
    pub(super) received_day: Option<chrono::NaiveDate>,
    pub(super) score: Option<i32>,
    pub(super) waitlist_position: Option<i32>,
    pub(super) version: i64,
}

/// The instrument's applications in `state` (of one round, or of all with `None`), in
/// waiting-list and then receipt order.
pub(super) fn in_state(
    conn: &mut DbConnection,
    instrument_id: &str,
    round: Option<&str>,
    state: State,
) -> Result<Vec<Queued>, ServiceError> {
    let mut query = applications::table
        .filter(applications::instrument_id.eq(instrument_id))
        .filter(applications::state.eq(state.as_str()))
        .into_boxed();
    if let Some(round) = round {
        query = query.filter(applications::round_code.eq(round));
    }
    Ok(query
        .select(Queued::as_select())
        .order((
            applications::waitlist_position.asc(),
            applications::received_at.asc(),
            applications::id.asc(),
        ))
        .load(conn)?)
}

/// The full row of a queued application, as the run saw it. On PostgreSQL a command that
/// needs no budget (a withdrawal) may have changed it since the list was read; then the
/// run is retried as a whole, as when its own update finds another version.
pub(super) fn load_for_move(
    conn: &mut DbConnection,
    queued: &Queued,
) -> Result<ApplicationRow, ServiceError> {
    applications::table
        .find(&queued.id)
        .filter(applications::version.eq(queued.version))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ServiceError::Busy)
}
