//! The list of allocation runs, for the administration.

use diesel::prelude::*;
use subsidie_store::rows::AllocationRunRow;
use subsidie_store::schema::allocation_runs;
use subsidie_store::Pool;

use crate::actor::{Actor, Role};
use crate::error::ServiceError;
use crate::paging::page_size;
use crate::tx;

/// The allocation runs by id (the order they ran in) after `after`, at most `limit`, of
/// one instrument if given; without their placements (read one run for those).
/// Administrators only.
pub fn list_runs(
    pool: &Pool,
    actor: &Actor,
    instrument_id: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<AllocationRunRow>, ServiceError> {
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden(format!(
            "alleen een beheerder mag de lijst van toewijzingsrondes zien; u bent {}",
            actor.role
        )));
    }
    tx::read(pool, |conn| {
        let mut query = allocation_runs::table
            .filter(allocation_runs::id.gt(after.unwrap_or("").to_owned()))
            .into_boxed();
        if let Some(instrument) = instrument_id {
            query = query.filter(allocation_runs::instrument_id.eq(instrument.to_owned()));
        }
        Ok(query
            .order(allocation_runs::id.asc())
            .limit(page_size(limit))
            .select(AllocationRunRow::as_select())
            .load(conn)?)
    })
}
