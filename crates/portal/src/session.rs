//! Who is at the keyboard: the session cookie, resolved through the service to a signed-in
//! user, and the CSRF token every form carries.
//!
//! Signed in, the CSRF token is derived from the session (see
//! `subsidie_service::portal::signin::csrf_token`). Before sign-in, the forms that sign
//! in carry the value of a random cookie of their own (double submit), so another site
//! cannot post them either.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use subsidie_service::portal::signin::{self, SignedIn};
use subsidie_service::Role;

use crate::failure::Failure;
use crate::view::Frame;
use crate::PortalState;

/// The cookie with the session's secret.
pub(crate) const SESSION_COOKIE: &str = "portaal_sessie";
/// The cookie with the CSRF token before sign-in.
const ANON_COOKIE: &str = "portaal_csrf";

/// The visitor of one request.
#[derive(Clone)]
pub(crate) struct Visitor {
    /// The signed-in user, if any.
    pub(crate) user: Option<SignedIn>,
    csrf: String,
    /// A CSRF cookie to set, when the visitor had none.
    fresh_anon: Option<String>,
    /// The page asked for, when it was a GET: where sign-in returns to.
    asked: Option<String>,
    secure: bool,
}

fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The value of cookie `name` the browser sent (hex only), if any.
pub(crate) fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    cookie(req, name)
}

/// The session secret the browser sent, if any.
pub(crate) fn session_token(req: &HttpRequest) -> Option<String> {
    cookie(req, SESSION_COOKIE)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Secure` over TLS.
pub(crate) fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

impl Visitor {
    /// Resolves the request's visitor: the session if it is live, else anonymous.
    pub(crate) async fn of(req: &HttpRequest, state: &PortalState) -> Result<Visitor, Failure> {
        let secure = state.config.secure_cookies;
        let asked = (req.method() == actix_web::http::Method::GET)
            .then(|| req.uri().path_and_query().map(|p| p.as_str().to_owned()))
            .flatten();
        if let Some(token) = cookie(req, SESSION_COOKIE) {
            let pool = state.pool.clone();
            let now = state.now();
            let t = token.clone();
            let user = web::block(move || signin::resume(&pool, &t, now))
                .await
                .map_err(|_| Failure::busy())??;
            if let Some(user) = user {
                return Ok(Visitor {
                    user: Some(user),
                    csrf: signin::csrf_token(&token),
                    fresh_anon: None,
                    asked,
                    secure,
                });
            }
        }
        let (csrf, fresh_anon) = match cookie(req, ANON_COOKIE) {
            Some(c) => (c, None),
            None => {
                let c = signin::random_token();
                (c.clone(), Some(c))
            }
        };
        Ok(Visitor {
            user: None,
            csrf,
            fresh_anon,
            asked,
            secure,
        })
    }

    /// The signed-in user, or a failure that sends the visitor to the sign-in page.
    pub(crate) fn signed_in(&self) -> Result<&SignedIn, Failure> {
        self.user
            .as_ref()
            .ok_or_else(|| Failure::sign_in_first(self.asked.as_deref()))
    }

    /// Refuses a form that does not carry this visitor's token.
    pub(crate) fn check_csrf(&self, sent: Option<&String>) -> Result<(), Failure> {
        match sent {
            Some(s) if !self.csrf.is_empty() && constant_time_eq(s, &self.csrf) => Ok(()),
            _ => Err(Failure::csrf()),
        }
    }

    /// The frame of this visitor's pages.
    pub(crate) fn frame(&self) -> Frame {
        Frame {
            user: self.user_view(),
            csrf: self.csrf.clone(),
        }
    }

    /// What the page frame shows of the user.
    fn user_view(&self) -> Value {
        match &self.user {
            Some(u) => context! {
                naam => u.name.clone(),
                rol => role_words(u.actor.role),
                aanvrager => u.actor.role == Role::Applicant,
                beoordelaar => u.actor.role == Role::Reviewer,
                beheerder => u.actor.role == Role::Admin,
                financien => u.actor.role == Role::Finance,
            },
            None => Value::from(()),
        }
    }

    /// Adds the cookies this visitor still needs to an answer.
    pub(crate) fn finish(&self, mut res: HttpResponse) -> HttpResponse {
        if let Some(c) = &self.fresh_anon {
            if let Ok(v) =
                header::HeaderValue::from_str(&set_cookie(ANON_COOKIE, c, self.secure, None))
            {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        res
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A role in words, for the header.
pub(crate) fn role_words(role: Role) -> &'static str {
    match role {
        Role::Applicant => "aanvrager",
        Role::Reviewer => "beoordelaar",
        Role::Finance => "financiën",
        Role::Admin => "beheerder",
    }
}
