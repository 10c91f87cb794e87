//! API tokens: 32 random bytes shown once as 64 hex characters; only their SHA-256 is
//! stored, so a copy of the database does not let anyone in. A token expires (90 days
//! unless its issuer says otherwise), can be revoked, and stops working with its user.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subsidie_store::rows::{ApiTokenRow, UserRow};
use subsidie_store::schema::{api_tokens, users};
use subsidie_store::Pool;

use super::checks::require_admin;
use super::history::{record, Subject};
use crate::actor::{Actor, Role};
use crate::convert::{naive, new_id};
use crate::error::ServiceError;
use crate::paging::page_size;
use crate::tx;

/// How long a token is valid when its issuer does not say.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest validity a token may be given: ten years.
pub const MAX_TOKEN_DAYS: u32 = 3_650;

/// SHA-256 of a token, hex: the only form in which tokens are stored.
pub fn hash_token(token: &str) -> String {
    subsidie_domain::lottery::to_hex(&Sha256::digest(token.as_bytes()))
}

/// A token just issued: the only time its secret is shown.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The stored row (its hash, never the secret).
    pub row: ApiTokenRow,
    /// The token in clear text.
    pub secret: String,
}

/// Creates a token for a user, valid for [`DEFAULT_TOKEN_DAYS`], and returns it in clear
/// text.
pub fn create_token(
    pool: &Pool,
    actor: &Actor,
    user_id: &str,
    label: &str,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    issue_token(pool, actor, user_id, label, DEFAULT_TOKEN_DAYS, now).map(|t| t.secret)
}

/// Creates a token for a user, valid for `days` days (1 to [`MAX_TOKEN_DAYS`]).
pub fn issue_token(
    pool: &Pool,
    actor: &Actor,
    user_id: &str,
    label: &str,
    days: u32,
    now: DateTime<Utc>,
) -> Result<IssuedToken, ServiceError> {
    require_admin(actor)?;
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(ServiceError::field(
            "dagen",
            format!(
                "{days} dagen kan niet; een token is 1 tot en met {MAX_TOKEN_DAYS} dagen geldig"
            ),
        ));
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = subsidie_domain::lottery::to_hex(&bytes);
    let row = ApiTokenRow {
        id: new_id(),
        user_id: user_id.to_owned(),
        token_hash: hash_token(&secret),
        label: label.to_owned(),
        created_at: naive(now),
        revoked_at: None,
        expires_at: Some(naive(now + Duration::days(i64::from(days)))),
    };
    tx::write(pool, |conn| {
        let user: Option<UserRow> = users::table
            .find(user_id)
            .select(UserRow::as_select())
            .first(conn)
            .optional()?;
        match user {
            None => {
                return Err(ServiceError::NotFound {
                    what: "gebruiker",
                    id: user_id.to_owned(),
                })
            }
            Some(u) if u.deactivated_at.is_some() => {
                return Err(ServiceError::Conflict(format!(
                    "gebruiker {user_id} is gedeactiveerd; een token kan alleen voor een actieve gebruiker"
                )))
            }
            Some(_) => {}
        }
        diesel::insert_into(api_tokens::table)
            .values(&row)
            .execute(conn)?;
        record(
            conn,
            actor,
            now,
            (Subject::Token, &row.id),
            "uitgegeven",
            format!("voor gebruiker {user_id}, label '{label}', {days} dagen geldig"),
        )?;
        Ok(IssuedToken {
            row: row.clone(),
            secret: secret.clone(),
        })
    })
}

/// What a bearer token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// A valid token of an active user, until `expires_at` (`None`: no end).
    Valid {
        /// Who it stands for.
        actor: Actor,
        /// When it stops working by itself.
        expires_at: Option<DateTime<Utc>>,
    },
    /// No such token.
    Unknown,
    /// Revoked at this instant.
    Revoked(DateTime<Utc>),
    /// Expired at this instant.
    Expired(DateTime<Utc>),
    /// Its user was deactivated.
    Deactivated,
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// What a bearer token stands for at `now`.
pub fn authenticate(
    pool: &Pool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<TokenCheck, ServiceError> {
    let hash = hash_token(token);
    tx::read(pool, |conn| {
        let found: Option<(ApiTokenRow, UserRow)> = api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::token_hash.eq(&hash))
            .select((ApiTokenRow::as_select(), UserRow::as_select()))
            .first(conn)
            .optional()?;
        let Some((token, user)) = found else {
            return Ok(TokenCheck::Unknown);
        };
        if let Some(at) = token.revoked_at {
            return Ok(TokenCheck::Revoked(utc(at)));
        }
        if user.deactivated_at.is_some() {
            return Ok(TokenCheck::Deactivated);
        }
        let expires_at = token.expires_at.map(utc);
        if let Some(at) = expires_at.filter(|at| *at <= now) {
            return Ok(TokenCheck::Expired(at));
        }
        let role = user.role.parse::<Role>().map_err(ServiceError::Internal)?;
        Ok(TokenCheck::Valid {
            actor: Actor::user(user.id, role, user.organisation_id),
            expires_at,
        })
    })
}

/// Revokes a token: from the next lookup on it is refused, on every server process (see
/// the API's token cache). Revoking a revoked token is a conflict that says when.
pub fn revoke_token(
    pool: &Pool,
    actor: &Actor,
    token_id: &str,
    now: DateTime<Utc>,
) -> Result<ApiTokenRow, ServiceError> {
    require_admin(actor)?;
    tx::write(pool, |conn| {
        let mut row = load_token(conn, token_id)?;
        if let Some(at) = row.revoked_at {
            return Err(ServiceError::Conflict(format!(
                "token {token_id} is al ingetrokken op {}; er is niets meer in te trekken",
                utc(at).format("%Y-%m-%d %H:%M:%S UTC")
            )));
        }
        row.revoked_at = Some(naive(now));
        diesel::update(api_tokens::table.find(token_id))
            .set(api_tokens::revoked_at.eq(row.revoked_at))
            .execute(conn)?;
        record(
            conn,
            actor,
            now,
            (Subject::Token, token_id),
            "ingetrokken",
            format!("token '{}' van gebruiker {}", row.label, row.user_id),
        )?;
        Ok(row)
    })
}

fn load_token(
    conn: &mut subsidie_store::DbConnection,
    token_id: &str,
) -> Result<ApiTokenRow, ServiceError> {
    api_tokens::table
        .find(token_id)
        .select(ApiTokenRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound {
            what: "token",
            id: token_id.to_owned(),
        })
}

/// One token, without its secret (only the hash is stored). Administrators only.
pub fn get_token(pool: &Pool, actor: &Actor, token_id: &str) -> Result<ApiTokenRow, ServiceError> {
    require_admin(actor)?;
    tx::read(pool, |conn| load_token(conn, token_id))
}

/// The tokens, of one user or all, by id after `after`, at most `limit`. Administrators
/// only.
pub fn list_tokens(
    pool: &Pool,
    actor: &Actor,
    user_id: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ApiTokenRow>, ServiceError> {
    require_admin(actor)?;
    tx::read(pool, |conn| {
        let mut query = api_tokens::table
            .filter(api_tokens::id.gt(after.unwrap_or("").to_owned()))
            .into_boxed();
        if let Some(user) = user_id {
            query = query.filter(api_tokens::user_id.eq(user.to_owned()));
        }
        Ok(query
            .order(api_tokens::id.asc())
            .limit(page_size(limit))
            .select(ApiTokenRow::as_select())
            .load(conn)?)
    })
}
