//! Read models only the administrator's pages show: how many applications wait on each
//! instrument's waiting list (so the page can say what closing it would reject), and the
//! regions a reviewer declared a conflict of interest for.

use std::collections::HashMap;

use diesel::prelude::*;
use subsidie_domain::lifecycle::State;
use subsidie_store::schema::{applications, conflicts_of_interest};
use subsidie_store::Pool;

use crate::actor::{Actor, Role};
use crate::error::ServiceError;
use crate::tx;

fn admin_only(actor: &Actor, what: &str) -> Result<(), ServiceError> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "alleen een beheerder mag {what} zien; u bent {}",
            actor.role
        )))
    }
}

/// Per instrument id, how many applications are on its waiting list now.
pub fn waiting_counts(pool: &Pool, actor: &Actor) -> Result<HashMap<String, i64>, ServiceError> {
    admin_only(actor, "de wachtlijsten")?;
    tx::read(pool, |conn| {
        let rows: Vec<(String, i64)> = applications::table
            .filter(applications::state.eq(State::WaitingList.as_str()))
            .group_by(applications::instrument_id)
            .select((applications::instrument_id, diesel::dsl::count_star()))
            .load(conn)?;
        Ok(rows.into_iter().collect())
    })
}

/// The region ids a user declared a conflict of interest for, sorted.
pub fn conflicts_of(
    pool: &Pool,
    actor: &Actor,
    user_id: &str,
) -> Result<Vec<String>, ServiceError> {
    admin_only(actor, "belangenconflicten")?;
    tx::read(pool, |conn| {
        Ok(conflicts_of_interest::table
            .filter(conflicts_of_interest::user_id.eq(user_id))
            .order(conflicts_of_interest::region_id.asc())
            .select(conflicts_of_interest::region_id)
            .load(conn)?)
    })
}
