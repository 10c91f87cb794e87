//! Reading users and deactivating them; the named operator of the command line.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::rows::UserRow;
use subsidie_store::schema::{portal_sessions, portal_signin_links, users};
use subsidie_store::{DbConnection, Pool};

use super::checks::require_admin;
use super::history::{record, Subject};
use crate::actor::{Actor, Role};
use crate::convert::naive;
use crate::error::ServiceError;
use crate::paging::page_size;
use crate::tx;

pub(super) fn load_user(conn: &mut DbConnection, user_id: &str) -> Result<UserRow, ServiceError> {
    users::table
        .find(user_id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound {
            what: "gebruiker",
            id: user_id.to_owned(),
        })
}

/// The user with this e-mail address, compared without case as the unique index does.
pub(super) fn user_by_email(
    conn: &mut DbConnection,
    email: &str,
) -> Result<Option<UserRow>, ServiceError> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    Ok(users::table
        .filter(
            sql::<Bool>("lower(email) = lower(")
                .bind::<Text, _>(email.to_owned())
                .sql(")"),
        )
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// One user. Administrators only.
pub fn get_user(pool: &Pool, actor: &Actor, user_id: &str) -> Result<UserRow, ServiceError> {
    require_admin(actor)?;
    tx::read(pool, |conn| load_user(conn, user_id))
}

/// The users by id after `after`, at most `limit`, of one role if given. Administrators
/// only.
pub fn list_users(
    pool: &Pool,
    actor: &Actor,
    role: Option<Role>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<UserRow>, ServiceError> {
    require_admin(actor)?;
    tx::read(pool, |conn| {
        let mut query = users::table
            .filter(users::id.gt(after.unwrap_or("").to_owned()))
            .into_boxed();
        if let Some(role) = role {
            query = query.filter(users::role.eq(role.as_str()));
        }
        Ok(query
            .order(users::id.asc())
            .limit(page_size(limit))
            .select(UserRow::as_select())
            .load(conn)?)
    })
}

/// Deactivates a user: none of its tokens works from the next lookup on (the rows stay,
/// since the history names the user), and its portal sessions and sign-in links end. An administrator cannot deactivate itself, so the
/// last one cannot lock everybody out by mistake.
pub fn deactivate_user(
    pool: &Pool,
    actor: &Actor,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<UserRow, ServiceError> {
    require_admin(actor)?;
    if actor.user_id.as_deref() == Some(user_id) {
        return Err(ServiceError::Conflict(
            "u kunt uzelf niet deactiveren; laat een andere beheerder dat doen".into(),
        ));
    }
    tx::write(pool, |conn| {
        let mut user = load_user(conn, user_id)?;
        if let Some(at) = user.deactivated_at {
            return Err(ServiceError::Conflict(format!(
                "gebruiker {user_id} is al gedeactiveerd op {}",
                at.and_utc().format("%Y-%m-%d %H:%M:%S UTC")
            )));
        }
        user.deactivated_at = Some(naive(now));
        diesel::update(users::table.find(user_id))
            .set(users::deactivated_at.eq(user.deactivated_at))
            .execute(conn)?;
        // Signed in to the portal, or about to be: that ends here too.
        diesel::delete(portal_sessions::table.filter(portal_sessions::user_id.eq(user_id)))
            .execute(conn)?;
        diesel::delete(portal_signin_links::table.filter(portal_signin_links::user_id.eq(user_id)))
            .execute(conn)?;
        record(
            conn,
            actor,
            now,
            (Subject::User, user_id),
            "gedeactiveerd",
            format!("{} <{}>, rol {}", user.name, user.email, user.role),
        )?;
        Ok(user)
    })
}

/// The actor of a command-line operator named by e-mail address: an existing, active
/// user, acting in its own role. Every history row the verb writes then names it.
pub fn operator(pool: &Pool, email: &str) -> Result<Actor, ServiceError> {
    let user = tx::read(pool, |conn| user_by_email(conn, email.trim()))?;
    let Some(user) = user else {
        return Err(ServiceError::field(
            "operator",
            format!(
                "er is geen gebruiker met e-mailadres '{email}'; geef het adres van een bestaande gebruiker (subsidie user list)"
            ),
        ));
    };
    if user.deactivated_at.is_some() {
        return Err(ServiceError::field(
            "operator",
            format!("gebruiker '{email}' is gedeactiveerd; geef een actieve gebruiker"),
        ));
    }
    let role = user.role.parse::<Role>().map_err(ServiceError::Internal)?;
    Ok(Actor::user(user.id, role, user.organisation_id))
}
