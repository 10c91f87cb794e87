//! Declared conflicts of interest: a reviewer who may not decide a region's
//! applications (checked in [`crate::access`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::rows::ConflictRow;
use subsidie_store::schema::conflicts_of_interest;
use subsidie_store::Pool;

use super::checks::check_region;
use super::users::load_user;
use crate::actor::{Actor, Role};
use crate::convert::naive;
use crate::error::ServiceError;
use crate::tx;

/// Records that reviewer `user_id` may not decide applications of `region_id`. The user
/// must exist and be a reviewer and the region must exist, so an unknown id is a clear
/// error rather than a refused foreign key. Declaring the same conflict twice is harmless.
pub fn declare_conflict(
    pool: &Pool,
    actor: &Actor,
    user_id: &str,
    region_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let own = actor.user_id.as_deref() == Some(user_id) && actor.role == Role::Reviewer;
    if !own && actor.role != Role::Admin {
        return Err(ServiceError::Forbidden(
            "alleen de beoordelaar zelf of een beheerder kan een belangenconflict melden".into(),
        ));
    }
    tx::write(pool, |conn| {
        let user = load_user(conn, user_id)?;
        if user.role != Role::Reviewer.as_str() {
            return Err(ServiceError::Conflict(format!(
                "een belangenconflict geldt voor een beoordelaar; deze gebruiker is {}",
                user.role
            )));
        }
        check_region(conn, region_id)?;
        let exists = conflicts_of_interest::table
            .find((user_id, region_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
            diesel::insert_into(conflicts_of_interest::table)
                .values(&ConflictRow {
                    user_id: user_id.to_owned(),
                    region_id: region_id.to_owned(),
                    declared_at: naive(now),
                })
                .execute(conn)?;
        }
        Ok(())
    })
}
