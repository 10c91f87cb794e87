//! Signing in and out, the start page that sends each role to its home, and the page
//! for paths that do not exist.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;
use subsidie_service::portal::signin::{self, NewSession};
use subsidie_service::{Role, ServiceError};

use crate::failure::Failure;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::{set_cookie, Visitor, SESSION_COOKIE};
use crate::view;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

/// `/`: each role to its home; strangers to the sign-in page.
pub(crate) async fn home(req: HttpRequest, state: web::Data<PortalState>) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let Some(user) = &visitor.user else {
        return Ok(see_other("/aanmelden"));
    };
    Ok(match user.actor.role {
        Role::Applicant => see_other("/aanvragen"),
        Role::Reviewer => see_other("/werkvoorraad"),
        Role::Finance => see_other("/financien"),
        Role::Admin => see_other("/beheer"),
    })
}

/// The cookie that keeps, hex-encoded, the page to return to while an e-mail link is on
/// its way (the link itself carries only its token).
const RETURN_COOKIE: &str = "portaal_terug";

fn signin_page(
    status: StatusCode,
    visitor: &Visitor,
    (link, token): (&Problems, &Problems),
    signed_out: bool,
    back: Option<&str>,
) -> HttpResponse {
    visitor.finish(view::page(
        status,
        "aanmelden.html",
        &visitor.frame(),
        context! {
            titel => "Aanmelden", link => link.view(), token => token.view(), afgemeld => signed_out,
            terug => back.and_then(crate::paths::return_path),
        },
    ))
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    String::from_utf8(bytes?).ok()
}

fn add_cookie(res: &mut HttpResponse, value: &str) {
    if let Ok(v) = header::HeaderValue::from_str(value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[derive(Deserialize)]
pub(crate) struct SignInQuery {
    afgemeld: Option<String>,
    /// The page to return to after sign-in.
    terug: Option<String>,
}

/// `GET /aanmelden`.
pub(crate) async fn form(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<SignInQuery>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let back = query.terug.as_deref().and_then(crate::paths::return_path);
    if visitor.user.is_some() {
        return Ok(see_other(back.as_deref().unwrap_or("/")));
    }
    let empty = Problems::default();
    Ok(signin_page(
        StatusCode::OK,
        &visitor,
        (&empty, &empty),
        query.afgemeld.is_some(),
        back.as_deref(),
    ))
}

/// `POST /aanmelden/link`: a link by e-mail. The answer is the same whether the address
/// is known or not.
pub(crate) async fn request_link(
    req: HttpRequest,
    state: web::Data<PortalState>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let address = form::text(&fields, "e-mailadres");
    let back = crate::paths::return_path(&form::text(&fields, "terug"));
    let (pool, now, base) = (
        state.pool.clone(),
        state.now(),
        state.config.base_url.clone(),
    );
    let a = address.clone();
    match blocking(move || signin::request_link(&pool, &a, &base, now)).await? {
        Ok(()) => Ok(remember_return(
            back.as_deref(),
            &state,
            view::page(
                StatusCode::OK,
                "melding.html",
                &visitor.frame(),
                context! {
                    titel => "Controleer uw e-mail",
                    melding => format!(
                        "Als {address} bij het subsidieportaal bekend is, ontvangt u binnen enkele minuten \
                         een e-mail met een link om aan te melden. De link werkt één keer en is {} minuten geldig.",
                        signin::LINK_VALID_MINUTES
                    ),
                    verder => "/aanmelden",
                    verder_tekst => "Terug naar aanmelden",
                },
            ),
        )),
        Err(err) => {
            let status = match err {
                ServiceError::Conflict(_) => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let mut p = Problems::new("", &fields);
            match err {
                ServiceError::Conflict(m) => p.field("e-mailadres", m),
                other => p.absorb(other)?,
            }
            Ok(signin_page(
                status,
                &visitor,
                (&p, &Problems::default()),
                false,
                back.as_deref(),
            ))
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct LinkQuery {
    token: Option<String>,
}

/// `GET /aanmelden/link?token=…`: what the e-mail links to. It signs in only on a
/// click, so a mail scanner that opens links does not use the link up.
pub(crate) async fn link_page(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<LinkQuery>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let token = query.token.clone().unwrap_or_default();
    if token.is_empty() {
        return Err(Failure::bad_input(
            "Deze link is onvolledig. Open de link uit de e-mail in zijn geheel, of vraag een nieuwe aan.",
        ));
    }
    Ok(visitor.finish(view::page(
        StatusCode::OK,
        "aanmeldlink.html",
        &visitor.frame(),
        context! { titel => "Aanmelden met uw link", token => token },
    )))
}

/// Keeps the page to return to in a cookie for as long as the link is valid.
fn remember_return(back: Option<&str>, state: &PortalState, mut res: HttpResponse) -> HttpResponse {
    if let Some(path) = back {
        let age = signin::LINK_VALID_MINUTES * 60;
        let c = set_cookie(
            RETURN_COOKIE,
            &hex(path),
            state.config.secure_cookies,
            Some(age),
        );
        add_cookie(&mut res, &c);
    }
    res
}

fn start_session(state: &PortalState, session: &NewSession, back: Option<&str>) -> HttpResponse {
    let mut res = see_other(back.unwrap_or("/"));
    let cookie = set_cookie(
        SESSION_COOKIE,
        &session.token,
        state.config.secure_cookies,
        None,
    );
    if let Ok(v) = header::HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// `POST /aanmelden/link/gebruiken`.
pub(crate) async fn redeem_link(
    req: HttpRequest,
    state: web::Data<PortalState>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let token = form::text(&fields, "token");
    let (pool, now) = (state.pool.clone(), state.now());
    let session = blocking(move || signin::redeem_link(&pool, &token, now)).await??;
    let back = crate::session::cookie_value(&req, RETURN_COOKIE)
        .and_then(|h| unhex(&h))
        .and_then(|p| crate::paths::return_path(&p));
    let mut res = start_session(&state, &session, back.as_deref());
    if back.is_some() {
        let gone = set_cookie(RETURN_COOKIE, "", state.config.secure_cookies, Some(0));
        add_cookie(&mut res, &gone);
    }
    Ok(res)
}

/// `POST /aanmelden/token`.
pub(crate) async fn with_token(
    req: HttpRequest,
    state: web::Data<PortalState>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let token = form::text(&fields, "token");
    let back = crate::paths::return_path(&form::text(&fields, "terug"));
    let (pool, now) = (state.pool.clone(), state.now());
    match blocking(move || signin::sign_in_with_token(&pool, &token, now)).await? {
        Ok(session) => Ok(start_session(&state, &session, back.as_deref())),
        Err(err) => {
            // The token typed is a secret: it is not shown again.
            let mut p = Problems::new("", &Fields::new());
            p.absorb(err)?;
            Ok(signin_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &visitor,
                (&Problems::default(), &p),
                false,
                back.as_deref(),
            ))
        }
    }
}

/// `POST /afmelden`.
pub(crate) async fn sign_out(
    req: HttpRequest,
    state: web::Data<PortalState>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    if let Some(token) = crate::session::session_token(&req) {
        let pool = state.pool.clone();
        blocking(move || signin::sign_out(&pool, &token)).await??;
    }
    let mut res = see_other("/aanmelden?afgemeld=1");
    let gone = set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, Some(0));
    if let Ok(v) = header::HeaderValue::from_str(&gone) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// Any path nobody answers.
pub(crate) async fn no_page() -> Page {
    Err(Failure::no_page())
}
