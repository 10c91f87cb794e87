//! API tokens: 32 random bytes shown once as 64 hex characters; only their SHA-256 is
//! stored, so a copy of the database does not let anyone in.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subsidie_store::rows::{ApiTokenRow, UserRow};
use subsidie_store::schema::{api_tokens, users};
use subsidie_store::Pool;

use super::checks::require_admin;
use crate::actor::{Actor, Role};
use crate::convert::{naive, new_id};
use crate::error::ServiceError;
use crate::tx;

/// SHA-256 of a token, hex: the only form in which tokens are stored.
pub fn hash_token(token: &str) -> String {
    subsidie_domain::lottery::to_hex(&Sha256::digest(token.as_bytes()))
}

/// Creates a token for a user and returns it in clear text: the only time it is shown.
pub fn create_token(
    pool: &Pool,
    actor: &Actor,
    user_id: &str,
    label: &str,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    require_admin(actor)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = subsidie_domain::lottery::to_hex(&bytes);
    let hash = hash_token(&token);
    tx::write(pool, |conn| {
        let exists = users::table.find(user_id).count().get_result::<i64>(conn)? > 0;
        if !exists {
            return Err(ServiceError::NotFound {
                what: "gebruiker",
                id: user_id.to_owned(),
            });
        }
        diesel::insert_into(api_tokens::table)
            .values(&ApiTokenRow {
                id: new_id(),
                user_id: user_id.to_owned(),
                token_hash: hash.clone(),
                label: label.to_owned(),
                created_at: naive(now),
                revoked_at: None,
            })
            .execute(conn)?;
        Ok(token.clone())
    })
}

/// The actor a bearer token stands for, or `None` for an unknown or revoked token.
pub fn authenticate(pool: &Pool, token: &str) -> Result<Option<Actor>, ServiceError> {
    let hash = hash_token(token);
    tx::read(pool, |conn| {
        let user: Option<UserRow> = api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::token_hash.eq(&hash))
            .filter(api_tokens::revoked_at.is_null())
            .select(UserRow::as_select())
            .first(conn)
            .optional()?;
        let Some(user) = user else { return Ok(None) };
        let role = user.role.parse::<Role>().map_err(ServiceError::Internal)?;
        Ok(Some(Actor::user(user.id, role, user.organisation_id)))
    })
}
