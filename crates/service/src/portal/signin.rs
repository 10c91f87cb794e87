//! Signing in to the portal: by a single-use e-mail link or by pasting an API token, and
//! the sessions that follow, kept in the database so that several server processes
//! share them.
//!
//! Every secret (link, session) is random, handed out once and stored only as its
//! SHA-256. A request for a link answers the same whether the address is known or not,
//! so the portal never tells who has an account; requests are limited per address and
//! minute in the database, so the limit holds across processes.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use rand::RngCore;
use subsidie_domain::letters::{SignInLetter, Template};
use subsidie_store::rows::{PortalSessionRow, SigninLinkRow, SigninRequestRow, UserRow};
use subsidie_store::schema::{portal_sessions, portal_signin_links, portal_signin_requests, users};
use subsidie_store::{DbConnection, Pool};

use crate::actor::{Actor, Role};
use crate::convert::{naive, new_id};
use crate::error::ServiceError;
use crate::outbox::queue::{insert_all, Mail};
use crate::registry::{self, hash_token, TokenCheck};
use crate::tx;

/// The outbox template of the mail with the sign-in link (rendered by `subsidie-notify`).
pub const LINK_TEMPLATE: &str = Template::SignInLink.as_str();
/// How long a sign-in link is valid.
pub const LINK_VALID_MINUTES: i64 = 15;
/// A session ends when it has not been used for this long.
pub const IDLE_HOURS: i64 = 8;
/// The most sign-in links one address may ask for in one minute.
pub const REQUESTS_PER_MINUTE: i64 = 3;
/// Where the sign-in link points, below the portal's base URL; `?token=` follows.
pub const LINK_PATH: &str = "/aanmelden/link";

/// A session just begun: the secret for the cookie, shown only now.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The session token (the cookie's value).
    pub token: String,
    /// Who signed in.
    pub actor: Actor,
}

/// Who a live session belongs to.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user as an actor for the use cases.
    pub actor: Actor,
    /// The user's name, to greet.
    pub name: String,
}

/// A fresh random secret, hex (also for the portal's CSRF cookie before sign-in).
pub fn random_token() -> String {
    random_secret()
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    subsidie_domain::lottery::to_hex(&bytes)
}

/// The CSRF token of a session: derived from the session's secret, so it needs no
/// storage of its own, and useless without the cookie it belongs to.
pub fn csrf_token(session_token: &str) -> String {
    hash_token(&format!("csrf:{session_token}"))
}

fn normalised(address: &str) -> String {
    address.trim().to_lowercase()
}

/// Asks for a sign-in link for `address`. When a user has that address, a link valid
/// for [`LINK_VALID_MINUTES`] goes out through the outbox, pointing at `base_url`; when
/// none has, nothing is sent, and the answer is the same.
pub fn request_link(
    pool: &Pool,
    address: &str,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let address = normalised(address);
    registry::check_email(&address).map_err(|m| ServiceError::field("e-mailadres", m))?;
    let token = random_secret();
    tx::write(pool, |conn| {
        count_request(conn, &address, now)?;
        let user: Option<UserRow> = users::table
            .filter(users::email.eq(&address))
            .order(users::created_at.desc())
            .select(UserRow::as_select())
            .first(conn)
            .optional()?;
        let Some(user) = user else { return Ok(()) };
        let expires = now + Duration::minutes(LINK_VALID_MINUTES);
        diesel::insert_into(portal_signin_links::table)
            .values(&SigninLinkRow {
                token_hash: hash_token(&token),
                user_id: user.id.clone(),
                created_at: naive(now),
                expires_at: naive(expires),
                used_at: None,
            })
            .execute(conn)?;
        let link = format!(
            "{}{LINK_PATH}?token={token}",
            base_url.trim_end_matches('/')
        );
        queue_link_mail(conn, &user, &link, expires, now)
    })
}

/// Records the request and refuses it when the address asked too often this minute.
fn count_request(
    conn: &mut DbConnection,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let address_hash = hash_token(address);
    let recent: i64 = portal_signin_requests::table
        .filter(portal_signin_requests::address_hash.eq(&address_hash))
        .filter(portal_signin_requests::requested_at.gt(naive(now - Duration::minutes(1))))
        .count()
        .get_result(conn)?;
    if recent >= REQUESTS_PER_MINUTE {
        return Err(ServiceError::Conflict(format!(
            "er zijn voor dit adres al {REQUESTS_PER_MINUTE} aanmeldlinks gevraagd in de \
             laatste minuut; wacht een minuut en probeer het dan opnieuw"
        )));
    }
    // Requests older than a day count for nothing any more.
    diesel::delete(
        portal_signin_requests::table
            .filter(portal_signin_requests::requested_at.lt(naive(now - Duration::days(1)))),
    )
    .execute(conn)?;
    diesel::insert_into(portal_signin_requests::table)
        .values(&SigninRequestRow {
            id: new_id(),
            address_hash,
            requested_at: naive(now),
        })
        .execute(conn)?;
    Ok(())
}

fn queue_link_mail(
    conn: &mut DbConnection,
    user: &UserRow,
    link: &str,
    expires: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let letter = SignInLetter {
        naam: user.name.clone(),
        link: link.to_owned(),
        geldig_tot: expires,
    };
    let mail = Mail::new(
        new_id(),
        None,
        &user.email,
        Template::SignInLink,
        &letter,
        now,
    )?;
    insert_all(conn, &[mail])?;
    Ok(())
}

fn invalid_link() -> ServiceError {
    ServiceError::Conflict(format!(
        "deze aanmeldlink is onbekend, al gebruikt of verlopen (een link is {LINK_VALID_MINUTES} \
         minuten geldig en werkt één keer); vraag een nieuwe aan"
    ))
}

/// Redeems a sign-in link: once, within its validity, and begins a session.
pub fn redeem_link(
    pool: &Pool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<NewSession, ServiceError> {
    let hash = hash_token(token.trim());
    tx::write(pool, |conn| {
        let link: SigninLinkRow = portal_signin_links::table
            .find(&hash)
            .select(SigninLinkRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(invalid_link)?;
        if link.used_at.is_some() || link.expires_at <= naive(now) {
            return Err(invalid_link());
        }
        // Only the one who flips used_at from NULL wins, also when two processes race.
        let claimed = diesel::update(
            portal_signin_links::table
                .find(&hash)
                .filter(portal_signin_links::used_at.is_null()),
        )
        .set(portal_signin_links::used_at.eq(naive(now)))
        .execute(conn)?;
        if claimed != 1 {
            return Err(invalid_link());
        }
        begin(conn, &link.user_id, now)
    })
}

/// Signs in with an API token (for the demo and tests), and begins a session.
pub fn sign_in_with_token(
    pool: &Pool,
    api_token: &str,
    now: DateTime<Utc>,
) -> Result<NewSession, ServiceError> {
    let refused = |why: &str| {
        ServiceError::field(
            "token",
            format!(
                "dit token {why}; plak een geldig token zoals 'subsidie token create' of \
                 'serve --demo' het toonde"
            ),
        )
    };
    let actor = match registry::authenticate(pool, api_token.trim(), now)? {
        TokenCheck::Valid { actor, .. } => actor,
        TokenCheck::Unknown => return Err(refused("is onbekend")),
        TokenCheck::Revoked(_) => return Err(refused("is ingetrokken")),
        TokenCheck::Expired(_) => return Err(refused("is verlopen")),
        TokenCheck::Deactivated => return Err(refused("hoort bij een gedeactiveerde gebruiker")),
    };
    let user_id = actor
        .user_id
        .ok_or_else(|| ServiceError::Internal("token zonder gebruiker".into()))?;
    tx::write(pool, |conn| begin(conn, &user_id, now))
}

fn begin(
    conn: &mut DbConnection,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<NewSession, ServiceError> {
    let user = load_user(conn, user_id)?;
    let token = random_secret();
    diesel::insert_into(portal_sessions::table)
        .values(&PortalSessionRow {
            token_hash: hash_token(&token),
            user_id: user.id.clone(),
            created_at: naive(now),
            last_seen_at: naive(now),
        })
        .execute(conn)?;
    Ok(NewSession {
        token,
        actor: actor_of(&user)?,
    })
}

fn load_user(conn: &mut DbConnection, user_id: &str) -> Result<UserRow, ServiceError> {
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

fn actor_of(user: &UserRow) -> Result<Actor, ServiceError> {
    let role = user.role.parse::<Role>().map_err(ServiceError::Internal)?;
    Ok(Actor::user(
        user.id.clone(),
        role,
        user.organisation_id.clone(),
    ))
}

/// The user of a live session, or `None` when the session is unknown, ended or idle for
/// more than [`IDLE_HOURS`]. Using a session keeps it alive.
///
/// Every page asks this, so it reads first and writes only when there is something to
/// write (an idle session to end, or a last-seen time older than a minute): most pages
/// then never wait for the single writer that SQLite has.
pub fn resume(
    pool: &Pool,
    session_token: &str,
    now: DateTime<Utc>,
) -> Result<Option<SignedIn>, ServiceError> {
    let hash = hash_token(session_token);
    let found: Option<(PortalSessionRow, UserRow)> = tx::read(pool, |conn| {
        Ok(portal_sessions::table
            .inner_join(users::table)
            .filter(portal_sessions::token_hash.eq(&hash))
            .select((PortalSessionRow::as_select(), UserRow::as_select()))
            .first(conn)
            .optional()?)
    })?;
    let Some((session, user)) = found else {
        return Ok(None);
    };
    if user.deactivated_at.is_some() {
        return Ok(None);
    }
    let idle = session.last_seen_at + Duration::hours(IDLE_HOURS) <= naive(now);
    if idle || session.last_seen_at + Duration::minutes(1) <= naive(now) {
        tx::write(pool, |conn| {
            let target = portal_sessions::table.find(&hash);
            if idle {
                diesel::delete(target).execute(conn)?;
            } else {
                diesel::update(target)
                    .set(portal_sessions::last_seen_at.eq(naive(now)))
                    .execute(conn)?;
            }
            Ok(())
        })?;
    }
    if idle {
        return Ok(None);
    }
    Ok(Some(SignedIn {
        actor: actor_of(&user)?,
        name: user.name,
    }))
}

/// Ends a session (sign-out). Ending one that is already gone is harmless.
pub fn sign_out(pool: &Pool, session_token: &str) -> Result<(), ServiceError> {
    let hash = hash_token(session_token);
    tx::write(pool, |conn| {
        diesel::delete(portal_sessions::table.find(&hash)).execute(conn)?;
        Ok(())
    })
}
