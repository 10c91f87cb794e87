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
        Role::Admin => see_other("/beheer"),
        Role::Finance => view::page(
            StatusCode::OK,
            "melding.html",
            &visitor.frame(),
            context! {
                titel => "Welkom",
                melding => "Het portaal heeft nog geen pagina's voor financiën en beheer. \
                            Gebruik daarvoor de API, met de documentatie op /api/v1/docs/.",
                verder => "/api/v1/docs/",
                verder_tekst => "Naar de documentatie van de API",
            },
        ),
    })
}

fn signin_page(
    status: StatusCode,
    visitor: &Visitor,
    link: &Problems,
    token: &Problems,
    signed_out: bool,
) -> HttpResponse {
    visitor.finish(view::page(
        status,
        "aanmelden.html",
        &visitor.frame(),
        context! { titel => "Aanmelden", link => link.view(), token => token.view(), afgemeld => signed_out },
    ))
}

#[derive(Deserialize)]
pub(crate) struct SignInQuery {
    afgemeld: Option<String>,
}

/// `GET /aanmelden`.
pub(crate) async fn form(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<SignInQuery>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    if visitor.user.is_some() {
        return Ok(see_other("/"));
    }
    let empty = Problems::default();
    Ok(signin_page(
        StatusCode::OK,
        &visitor,
        &empty,
        &empty,
        query.afgemeld.is_some(),
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
    let (pool, now, base) = (
        state.pool.clone(),
        state.now(),
        state.config.base_url.clone(),
    );
    let a = address.clone();
    match blocking(move || signin::request_link(&pool, &a, &base, now)).await? {
        Ok(()) => Ok(view::page(
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
                &p,
                &Problems::default(),
                false,
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

fn start_session(state: &PortalState, session: &NewSession) -> HttpResponse {
    let mut res = see_other("/");
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
    Ok(start_session(&state, &session))
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
    let (pool, now) = (state.pool.clone(), state.now());
    match blocking(move || signin::sign_in_with_token(&pool, &token, now)).await? {
        Ok(session) => Ok(start_session(&state, &session)),
        Err(err) => {
            // The token typed is a secret: it is not shown again.
            let mut p = Problems::new("", &Fields::new());
            p.absorb(err)?;
            Ok(signin_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &visitor,
                &Problems::default(),
                &p,
                false,
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
