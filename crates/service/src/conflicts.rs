//! Declaring a conflict of interest with the referenced user and region checked first, so
//! an unknown id is a clear "not found" or field error rather than a refused foreign key.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::rows::UserRow;
use subsidie_store::schema::{regions, users};
use subsidie_store::Pool;

use crate::actor::{Actor, Role};
use crate::error::ServiceError;
use crate::registry;
use crate::tx;

/// Records that reviewer `user_id` may not decide applications of `region_id`, after
/// checking that the user exists and is a reviewer and that the region exists.
pub fn declare(
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
    tx::read(pool, |conn| {
        let user: UserRow = users::table
            .find(user_id)
            .select(UserRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ServiceError::NotFound {
                what: "gebruiker",
                id: user_id.to_owned(),
            })?;
        if user.role != Role::Reviewer.as_str() {
            return Err(ServiceError::Conflict(format!(
                "een belangenconflict geldt voor een beoordelaar; deze gebruiker is {}",
                user.role
            )));
        }
        let region_exists = regions::table
            .find(region_id)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !region_exists {
            return Err(ServiceError::field(
                "regio",
                format!("onbekende regio '{region_id}'; zie /regios voor de geldige codes"),
            ));
        }
        Ok(())
    })?;
    registry::declare_conflict(pool, actor, user_id, region_id, now)
}
