//! Writing an application back: the version guard that detects a concurrent change, and
//! the append-only history of its steps.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::lifecycle::State;
use subsidie_store::rows::{ApplicationRow, NewHistoryRow};
use subsidie_store::schema::{application_history, applications};
use subsidie_store::DbConnection;

use crate::actor::Actor;
use crate::convert::naive;
use crate::error::ServiceError;

/// The version a caller based the command on (an `If-Match`) must be the stored one.
pub(super) fn check_version(
    app: &ApplicationRow,
    expected: Option<i64>,
) -> Result<(), ServiceError> {
    match expected {
        Some(v) if v != app.version => Err(ServiceError::StaleVersion {
            expected: v,
            current: app.version,
        }),
        _ => Ok(()),
    }
}

/// The application was read before its instrument's budget row was locked. On
/// PostgreSQL another command may have changed it, and its reservation or grant, while
/// this one waited; compare again now that its money cannot move, so the loser of such
/// a race hears "stale version" and not a budget error computed from an outdated
/// reservation.
pub(super) fn check_unchanged_since_read(
    conn: &mut DbConnection,
    app: &ApplicationRow,
) -> Result<(), ServiceError> {
    let current: i64 = applications::table
        .find(&app.id)
        .select(applications::version)
        .first(conn)?;
    if current != app.version {
        return Err(ServiceError::StaleVersion {
            expected: app.version,
            current,
        });
    }
    Ok(())
}

/// Writes the application back with a new version, guarded by the version it was read
/// at, so a concurrent change is detected rather than overwritten
/// ([`ServiceError::StaleVersion`]).
pub(crate) fn save(
    conn: &mut DbConnection,
    app: &mut ApplicationRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let read_version = app.version;
    app.version += 1;
    app.updated_at = naive(now);
    let updated = diesel::update(
        applications::table
            .find(&app.id)
            .filter(applications::version.eq(read_version)),
    )
    .set(&*app)
    .execute(conn)?;
    if updated != 1 {
        return Err(ServiceError::StaleVersion {
            expected: read_version,
            current: read_version + 1,
        });
    }
    Ok(())
}

/// One step in an application's history: who, when, which command, from and to which
/// state, and why.
#[allow(clippy::too_many_arguments)]
pub(crate) fn history(
    conn: &mut DbConnection,
    application_id: &str,
    actor: &Actor,
    command: &str,
    from: Option<State>,
    to: State,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    diesel::insert_into(application_history::table)
        .values(&NewHistoryRow {
            application_id: application_id.to_owned(),
            at: naive(now),
            actor_id: actor.user_id.clone(),
            command: command.to_owned(),
            from_state: from.map(|s| s.as_str().to_owned()),
            to_state: to.as_str().to_owned(),
            reason,
        })
        .execute(conn)?;
    Ok(())
}
