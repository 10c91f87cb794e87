//! Bearer tokens: `Authorization: Bearer <token>` → the user it was issued to.
//!
//! The actor is looked up once per request and kept in the request's extensions, so the
//! idempotency middleware and the handler's [`Caller`] share one lookup. Known tokens are
//! also remembered for a while ([`crate::tokens::TokenCache`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use chrono::{DateTime, Utc};
use subsidie_service::registry::{self, TokenCheck};
use subsidie_service::{Actor, Pool};

use crate::problem::ApiError;
use crate::state::{blocking, AppState};
use crate::tokens::TokenCache;

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

/// The longest token accepted before looking it up (tokens are 64 hex characters).
const MAX_TOKEN: usize = 256;

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "deze bron vraagt een token: stuur de header 'Authorization: Bearer <token>'",
            false,
        ));
    };
    let invalid = || {
        ApiError::unauthorized(
            "de Authorization-header is geen geldig Bearer-token; verwacht 'Authorization: Bearer <token>'",
            true,
        )
    };
    let text = value.to_str().map_err(|_| invalid())?;
    let (scheme, token) = text.trim().split_once(' ').ok_or_else(invalid)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer")
        || token.is_empty()
        || token.len() > MAX_TOKEN
        || !token.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(invalid());
    }
    Ok(token.to_owned())
}

/// The actor of a request: from the extensions when looked up before, else from the
/// token.
pub async fn authenticate(req: &HttpRequest) -> Result<Actor, ApiError> {
    if let Some(actor) = req.extensions().get::<Actor>() {
        return Ok(actor.clone());
    }
    let token = bearer_token(req)?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("AppState ontbreekt"))?
        .clone();
    let today = state.now();
    if let Some(actor) = state.tokens.get(&token, Instant::now(), today) {
        req.extensions_mut().insert(actor.clone());
        return Ok(actor);
    }
    let pool = state.pool.clone();
    let looked_up = token.clone();
    let check = blocking(move || registry::authenticate(&pool, &looked_up, today)).await?;
    let (actor, expires_at) = accepted(check)?;
    state.tokens.put(&token, &actor, expires_at, Instant::now());
    req.extensions_mut().insert(actor.clone());
    Ok(actor)
}

/// The actor of a valid token and its expiry, or the refusal of any other.
fn accepted(check: TokenCheck) -> Result<(Actor, Option<DateTime<Utc>>), ApiError> {
    let refused = |why: String| Err(ApiError::unauthorized(why, true));
    match check {
        TokenCheck::Valid { actor, expires_at } => Ok((actor, expires_at)),
        TokenCheck::Unknown => refused("het token is onbekend; vraag een beheerder om een token".into()),
        TokenCheck::Revoked(at) => refused(format!(
            "het token is ingetrokken op {}; vraag een beheerder om een nieuw token",
            dutch_instant(at)
        )),
        TokenCheck::Expired(at) => refused(format!(
            "het token is verlopen op {}; vraag een beheerder om een nieuw token",
            dutch_instant(at)
        )),
        TokenCheck::Deactivated => refused(
            "de gebruiker van dit token is gedeactiveerd; een beheerder kan u weer toegang geven met een nieuw account".into(),
        ),
    }
}

/// The caller of a request whose token may still have to be looked up, for a handler
/// that goes to the blocking pool anyway: the lookup then happens in the same hop as the
/// use case ([`LateCaller::resolve`]) instead of a hop of its own before it. Taken from
/// the request with [`LateCaller::of`].
pub enum LateCaller {
    /// Found before: in the request's extensions or the token cache.
    Known(Actor),
    /// To be looked up.
    Unchecked {
        /// The bearer token.
        token: String,
        /// The app's clock at the request, against which expiry is judged.
        today: DateTime<Utc>,
        /// Where a token found valid is remembered.
        tokens: Arc<TokenCache>,
    },
}

impl LateCaller {
    /// The caller as far as it is known without the database; a missing or malformed
    /// `Authorization` header is refused here.
    pub fn of(req: &HttpRequest) -> Result<LateCaller, ApiError> {
        if let Some(actor) = req.extensions().get::<Actor>() {
            return Ok(LateCaller::Known(actor.clone()));
        }
        let token = bearer_token(req)?;
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| ApiError::internal("AppState ontbreekt"))?;
        let today = state.now();
        Ok(match state.tokens.get(&token, Instant::now(), today) {
            Some(actor) => LateCaller::Known(actor),
            None => LateCaller::Unchecked {
                token,
                today,
                tokens: Arc::clone(&state.tokens),
            },
        })
    }

    /// The actor, looking the token up when needed; on the blocking pool.
    pub fn resolve(self, pool: &Pool) -> Result<Actor, ApiError> {
        match self {
            LateCaller::Known(actor) => Ok(actor),
            LateCaller::Unchecked {
                token,
                today,
                tokens,
            } => {
                let check = registry::authenticate(pool, &token, today)?;
                let (actor, expires_at) = accepted(check)?;
                tokens.put(&token, &actor, expires_at, Instant::now());
                Ok(actor)
            }
        }
    }
}

/// An instant as a Dutch reader expects it, in UTC so that every server says the same.
fn dutch_instant(at: DateTime<Utc>) -> String {
    at.format("%d-%m-%Y %H:%M:%S UTC").to_string()
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await.map(Caller) })
    }
}
