//! The history of programme changes (migration `2026-12-01-100000_programme_changes`):
//! ceilings, windows and instruments changed by an administrator, old value to new.
//! The table is in `schema` with the others; its rows are here because nothing joins it.
#![allow(missing_docs)]

use chrono::NaiveDateTime;
use diesel::prelude::*;

pub use crate::schema::programme_changes;

/// One recorded change.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = programme_changes)]
pub struct ProgrammeChangeRow {
    pub id: i64,
    pub programme_id: String,
    pub instrument_id: Option<String>,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub change: String,
    pub old_value: Option<String>,
    pub new_value: String,
    pub reason: Option<String>,
}

/// A change to record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = programme_changes, treat_none_as_default_value = false)]
pub struct NewProgrammeChangeRow {
    pub programme_id: String,
    pub instrument_id: Option<String>,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub change: String,
    pub old_value: Option<String>,
    pub new_value: String,
    pub reason: Option<String>,
}
