//! The append-only history of programme changes: one row per change, old → new.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::programme_changes::{
    programme_changes, NewProgrammeChangeRow, ProgrammeChangeRow,
};
use subsidie_store::schema::programmes;
use subsidie_store::{DbConnection, Pool};

use crate::access;
use crate::actor::{Actor, Role};
use crate::error::ServiceError;
use crate::tx;

/// What changed, as the history (and the API) names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// The ceiling (*plafond*), in euros.
    Ceiling,
    /// The window (*openstelling*), `van tot en met`.
    Window,
    /// An instrument added to the programme.
    InstrumentAdded,
}

impl ChangeKind {
    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Ceiling => "plafond",
            ChangeKind::Window => "openstelling",
            ChangeKind::InstrumentAdded => "instrument-toegevoegd",
        }
    }
}

/// One change to record.
pub(crate) struct Change<'a> {
    pub programme_id: &'a str,
    pub instrument_id: &'a str,
    pub kind: ChangeKind,
    pub old: Option<String>,
    pub new: String,
    pub reason: Option<&'a str>,
}

/// Appends a change in the caller's transaction.
pub(crate) fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    diesel::insert_into(programme_changes::table)
        .values(NewProgrammeChangeRow {
            programme_id: change.programme_id.to_owned(),
            instrument_id: Some(change.instrument_id.to_owned()),
            at: now.naive_utc(),
            actor_id: actor.user_id.clone(),
            change: change.kind.as_str().to_owned(),
            old_value: change.old,
            new_value: change.new,
            reason: change.reason.map(str::to_owned),
        })
        .execute(conn)?;
    Ok(())
}

/// The changes of a programme, oldest first; for administrators and finance.
pub fn history(
    pool: &Pool,
    actor: &Actor,
    programme_id: &str,
) -> Result<Vec<ProgrammeChangeRow>, ServiceError> {
    access::require(
        actor,
        &[Role::Admin, Role::Finance],
        "de wijzigingshistorie van een programma",
    )?;
    tx::read(pool, |conn| {
        let exists: i64 = programmes::table
            .filter(programmes::id.eq(programme_id))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            return Err(ServiceError::NotFound {
                what: "programma",
                id: programme_id.to_owned(),
            });
        }
        Ok(programme_changes::table
            .filter(programme_changes::programme_id.eq(programme_id))
            .order(programme_changes::id)
            .select(ProgrammeChangeRow::as_select())
            .load(conn)?)
    })
}
