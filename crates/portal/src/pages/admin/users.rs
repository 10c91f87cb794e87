//! Users and their API tokens: the list, a new user, a user's page with tokens (issue,
//! revoke), declared conflicts of interest (declare) and deactivation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use chrono::{DateTime, Utc};
use minijinja::{context, Value};
use serde::Deserialize;
use subsidie_service::portal::admin;
use subsidie_service::{registry, Actor, Role};
use subsidie_store::rows::{ApiTokenRow, UserRow};

use super::{administrator, Done, Page};
use crate::catalogue::Catalogue;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::{role_words, Visitor};
use crate::view;
use crate::PortalState;

/// Users per page of the list.
const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    na: String,
}

fn role_options() -> Vec<Value> {
    let roles: Vec<(String, String)> = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), role_words(*r).to_owned()))
        .collect();
    Catalogue::options(&roles, "Kies een rol")
}

fn user_view(u: &UserRow, organisations: &[(String, String)]) -> Value {
    let organisation = u.organisation_id.as_ref().map(|o| {
        organisations
            .iter()
            .find(|(id, _)| id == o)
            .map_or_else(|| o.clone(), |(_, n)| n.clone())
    });
    let role = u.role.parse::<Role>().map(role_words).unwrap_or("onbekend");
    context! {
        id => u.id.clone(), naam => u.name.clone(), email => u.email.clone(), rol => role,
        beoordelaar => u.role == Role::Reviewer.as_str(),
        organisatie => organisation, actief => u.deactivated_at.is_none(),
        gedeactiveerd => u.deactivated_at.map(view::instant),
        sinds => view::instant(u.created_at),
    }
}

fn organisation_names(
    pool: &subsidie_service::Pool,
    actor: &Actor,
) -> Result<Vec<(String, String)>, subsidie_service::ServiceError> {
    Ok(
        registry::list_organisations(pool, actor, None, None, subsidie_service::paging::MAX_PAGE)?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
    )
}

async fn render_list(
    status: StatusCode,
    visitor: &Visitor,
    state: &PortalState,
    after: String,
    problems: &Problems,
) -> Page {
    let actor = visitor.signed_in()?.actor.clone();
    let pool = state.pool.clone();
    let cursor = Some(after.clone()).filter(|a| !a.is_empty());
    let (mut users, organisations) = blocking(move || {
        let users = registry::list_users(&pool, &actor, None, cursor.as_deref(), PER_PAGE + 1)?;
        Ok((users, organisation_names(&pool, &actor)?))
    })
    .await??;
    let more = users.len() > PER_PAGE as usize;
    users.truncate(PER_PAGE as usize);
    let next = users
        .last()
        .map(|u| format!("/beheer/gebruikers?na={}", u.id));
    let rows: Vec<Value> = users.iter().map(|u| user_view(u, &organisations)).collect();
    Ok(view::page(
        status,
        "admin/gebruikers.html",
        &visitor.frame(),
        context! {
            titel => "Gebruikers", gebruikers => rows, p => problems.view(),
            rollen => role_options(),
            organisaties => Catalogue::options(&organisations, "Geen (alleen voor een aanvrager nodig)"),
            volgende => more.then_some(next).flatten(), eerste => !after.is_empty(),
        },
    ))
}

/// `GET /beheer/gebruikers`.
pub(crate) async fn list(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<ListQuery>,
) -> Page {
    let (visitor, _) = administrator(&req, &state).await?;
    render_list(
        StatusCode::OK,
        &visitor,
        &state,
        query.into_inner().na,
        &Problems::default(),
    )
    .await
}

/// `POST /beheer/gebruikers`: a new user; on to their page to give them a token.
pub(crate) async fn create(
    req: HttpRequest,
    state: web::Data<PortalState>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let mut problems = Problems::new("nieuw", &fields);
    let role = match form::text(&fields, "rol").parse::<Role>() {
        Ok(r) => Some(r),
        Err(_) => {
            problems.field(
                "rol",
                "kies een rol: aanvrager, beoordelaar, financiën of beheerder",
            );
            None
        }
    };
    if let Some(role) = role {
        let (name, email) = (form::text(&fields, "naam"), form::text(&fields, "email"));
        let organisation = form::optional(&fields, "organisatie");
        let (pool, now) = (state.pool.clone(), state.now());
        let created = blocking(move || {
            registry::create_user(
                &pool,
                &actor,
                &name,
                &email,
                role,
                organisation.as_deref(),
                now,
            )
        })
        .await?;
        match created {
            Ok(user) => {
                return Ok(see_other(&format!(
                    "/beheer/gebruikers/{}?gedaan=aangemaakt",
                    user.id
                )))
            }
            Err(e) => problems.absorb(e)?,
        }
    }
    render_list(
        StatusCode::UNPROCESSABLE_ENTITY,
        &visitor,
        &state,
        String::new(),
        &problems,
    )
    .await
}

fn token_view(t: &ApiTokenRow, now: DateTime<Utc>) -> Value {
    let expired = t.expires_at.is_some_and(|e| e.and_utc() <= now);
    let state = match (t.revoked_at, expired) {
        (Some(at), _) => format!("Ingetrokken op {}", view::instant(at)),
        (None, true) => "Verlopen".to_owned(),
        (None, false) => "Geldig".to_owned(),
    };
    context! {
        id => t.id.clone(), label => t.label.clone(), uitgegeven => view::instant(t.created_at),
        verloopt => t.expires_at.map(view::instant), toestand => state,
        intrekbaar => t.revoked_at.is_none() && !expired,
    }
}

/// What the user's page shows besides the forms.
struct Shown {
    issued: Option<String>,
    message: Option<&'static str>,
}

async fn render_user(
    status: StatusCode,
    visitor: &Visitor,
    state: &PortalState,
    id: String,
    shown: Shown,
    problems: &Problems,
) -> Page {
    let actor = visitor.signed_in()?.actor.clone();
    let pool = state.pool.clone();
    let (user, tokens, conflicts, organisations, catalogue) = blocking(move || {
        let user = registry::get_user(&pool, &actor, &id)?;
        let tokens = registry::list_tokens(
            &pool,
            &actor,
            Some(&id),
            None,
            subsidie_service::paging::MAX_PAGE,
        )?;
        let conflicts = admin::conflicts_of(&pool, &actor, &id)?;
        Ok((
            user,
            tokens,
            conflicts,
            organisation_names(&pool, &actor)?,
            Catalogue::load(&pool)?,
        ))
    })
    .await??;
    let now = state.now();
    let regions: Vec<String> = conflicts.iter().map(|r| catalogue.region_name(r)).collect();
    let me = visitor.signed_in()?.actor.user_id.clone();
    Ok(view::page(
        status,
        "admin/gebruiker.html",
        &visitor.frame(),
        context! {
            titel => format!("Gebruiker {}", user.name),
            g => user_view(&user, &organisations),
            zelf => me.as_deref() == Some(user.id.as_str()),
            tokens => tokens.iter().map(|t| token_view(t, now)).collect::<Vec<_>>(),
            conflicten => regions,
            regios => Catalogue::options(&catalogue.regions, "Kies een regio"),
            nieuw_token => shown.issued, melding => shown.message,
            standaard_dagen => registry::DEFAULT_TOKEN_DAYS,
            p => problems.view(), formulier => problems.form.clone(),
        },
    ))
}

fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "aangemaakt" => "De gebruiker is aangemaakt. Geef haar of hem hieronder een token, of laat haar of hem aanmelden met een link per e-mail.",
        "ingetrokken" => "Het token is ingetrokken. Binnen een seconde werkt het op geen enkele server meer.",
        "conflict" => "Het belangenconflict is vastgelegd. Deze beoordelaar kan geen aanvraag uit die regio meer beoordelen.",
        "gedeactiveerd" => "De gebruiker is gedeactiveerd. Geen van haar of zijn tokens werkt nog.",
        _ => return None,
    })
}

/// `GET /beheer/gebruikers/{id}`.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    done: web::Query<Done>,
) -> Page {
    let (visitor, _) = administrator(&req, &state).await?;
    let shown = Shown {
        issued: None,
        message: done_message(&done.gedaan),
    };
    render_user(
        StatusCode::OK,
        &visitor,
        &state,
        id.into_inner(),
        shown,
        &Problems::default(),
    )
    .await
}

/// `POST /beheer/gebruikers/{id}/tokens`: the new token is shown once, on this answer.
pub(crate) async fn issue_token(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let id = id.into_inner();
    let mut problems = Problems::new("token", &fields);
    let label = form::optional(&fields, "label").unwrap_or_else(|| "portaal".to_owned());
    if label.chars().count() > 200 {
        problems.field("label", "is te lang; ten hoogste 200 tekens");
    }
    let days = match form::optional(&fields, "dagen") {
        None => Some(registry::DEFAULT_TOKEN_DAYS),
        Some(d) => d.parse::<u32>().ok().or_else(|| {
            problems.field(
                "dagen",
                format!("'{d}' is geen aantal dagen; vul een geheel getal in, bijvoorbeeld 90"),
            );
            None
        }),
    };
    if let (Some(days), true) = (days, problems.is_empty()) {
        let (pool, now, user) = (state.pool.clone(), state.now(), id.clone());
        match blocking(move || registry::issue_token(&pool, &actor, &user, &label, days, now))
            .await?
        {
            Ok(issued) => {
                let shown = Shown {
                    issued: Some(issued.secret),
                    message: None,
                };
                return render_user(
                    StatusCode::OK,
                    &visitor,
                    &state,
                    id,
                    shown,
                    &Problems::default(),
                )
                .await;
            }
            Err(e) => problems.absorb(e)?,
        }
    }
    let shown = Shown {
        issued: None,
        message: None,
    };
    render_user(
        StatusCode::UNPROCESSABLE_ENTITY,
        &visitor,
        &state,
        id,
        shown,
        &problems,
    )
    .await
}

/// `POST /beheer/tokens/{id}/intrekken`: back to the page of the token's user.
pub(crate) async fn revoke_token(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let (pool, now, token) = (state.pool.clone(), state.now(), id.into_inner());
    let row = blocking(move || registry::revoke_token(&pool, &actor, &token, now)).await??;
    Ok(see_other(&format!(
        "/beheer/gebruikers/{}?gedaan=ingetrokken",
        row.user_id
    )))
}

/// `POST /beheer/gebruikers/{id}/belangenconflicten`.
pub(crate) async fn declare_conflict(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let id = id.into_inner();
    let mut problems = Problems::new("conflict", &fields);
    let region = form::text(&fields, "regio");
    if region.is_empty() {
        problems.field(
            "regio",
            "kies de regio waarmee de beoordelaar een belangenconflict heeft",
        );
    } else {
        let (pool, now, user) = (state.pool.clone(), state.now(), id.clone());
        match blocking(move || registry::declare_conflict(&pool, &actor, &user, &region, now))
            .await?
        {
            Ok(()) => {
                return Ok(see_other(&format!(
                    "/beheer/gebruikers/{id}?gedaan=conflict"
                )))
            }
            Err(e) => problems.absorb(e)?,
        }
    }
    let shown = Shown {
        issued: None,
        message: None,
    };
    render_user(
        StatusCode::UNPROCESSABLE_ENTITY,
        &visitor,
        &state,
        id,
        shown,
        &problems,
    )
    .await
}

/// `POST /beheer/gebruikers/{id}/deactiveren`.
pub(crate) async fn deactivate(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let (pool, now, user) = (state.pool.clone(), state.now(), id.into_inner());
    let row = blocking(move || registry::deactivate_user(&pool, &actor, &user, now)).await??;
    Ok(see_other(&format!(
        "/beheer/gebruikers/{}?gedaan=gedeactiveerd",
        row.id
    )))
}
