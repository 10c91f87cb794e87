//! Organisations: the list, and one organisation's page where its IBAN, e-mail address
//! and contact person are changed, with the history of every change.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use minijinja::{context, Value};
use serde::Deserialize;
use subsidie_service::portal::views;
use subsidie_service::registry::{self, HistoryFilter, OrganisationChange, Subject};
use subsidie_store::rows::OrganisationRow;

use super::{administrator, Done, Page};
use crate::catalogue::Catalogue;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

/// Organisations per page of the list.
const PER_PAGE: i64 = 50;
/// History entries shown on an organisation's page.
const HISTORY: i64 = 200;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    na: String,
}

fn organisation_view(o: &OrganisationRow, catalogue: &Catalogue) -> Value {
    context! {
        id => o.id.clone(), naam => o.name.clone(), regio => catalogue.region_name(&o.region_id),
        iban => o.iban.clone(), email => o.email.clone(),
        contactpersoon => o.contact_person.clone().unwrap_or_default(),
        sinds => view::instant(o.created_at),
    }
}

/// `GET /beheer/organisaties`.
pub(crate) async fn list(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<ListQuery>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    let after = query.into_inner().na;
    let cursor = Some(after.clone()).filter(|a| !a.is_empty());
    let pool = state.pool.clone();
    let (mut rows, catalogue) = blocking(move || {
        let rows =
            registry::list_organisations(&pool, &actor, None, cursor.as_deref(), PER_PAGE + 1)?;
        Ok((rows, Catalogue::load(&pool)?))
    })
    .await??;
    let more = rows.len() > PER_PAGE as usize;
    rows.truncate(PER_PAGE as usize);
    let next = rows
        .last()
        .filter(|_| more)
        .map(|o| format!("/beheer/organisaties?na={}", o.id));
    Ok(view::page(
        StatusCode::OK,
        "admin/organisaties.html",
        &visitor.frame(),
        context! {
            titel => "Organisaties",
            organisaties => rows.iter().map(|o| organisation_view(o, &catalogue)).collect::<Vec<_>>(),
            volgende => next, eerste => !after.is_empty(),
        },
    ))
}

async fn render(
    status: StatusCode,
    visitor: &Visitor,
    state: &PortalState,
    id: String,
    problems: &Problems,
    changed: bool,
) -> Page {
    let actor = visitor.signed_in()?.actor.clone();
    let pool = state.pool.clone();
    let (org, history, names, catalogue) = blocking(move || {
        let org = registry::get_organisation(&pool, &actor, &id)?;
        let filter = HistoryFilter {
            subject: Some(Subject::Organisation),
            subject_id: Some(id.clone()),
            after: None,
        };
        let history = registry::admin_history(&pool, &actor, &filter, HISTORY)?;
        let ids: Vec<String> = history.iter().filter_map(|h| h.actor_id.clone()).collect();
        Ok((
            org,
            history,
            views::user_names(&pool, &ids)?,
            Catalogue::load(&pool)?,
        ))
    })
    .await??;
    let entries: Vec<Value> = history
        .iter()
        .rev()
        .map(|h| {
            let by = h
                .actor_id
                .as_ref()
                .map_or_else(|| "de engine zelf".to_owned(), |a| names.get(a).cloned().unwrap_or_else(|| a.clone()));
            context! { op => view::instant(h.at), actie => h.action.clone(), wat => h.detail.clone(), door => by }
        })
        .collect();
    Ok(view::page(
        status,
        "admin/organisatie.html",
        &visitor.frame(),
        context! {
            titel => format!("Organisatie {}", org.name),
            o => organisation_view(&org, &catalogue), historie => entries,
            p => problems.view(), gewijzigd => changed,
        },
    ))
}

/// `GET /beheer/organisaties/{id}`.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    done: web::Query<Done>,
) -> Page {
    let (visitor, _) = administrator(&req, &state).await?;
    let changed = done.gedaan == "gewijzigd";
    render(
        StatusCode::OK,
        &visitor,
        &state,
        id.into_inner(),
        &Problems::default(),
        changed,
    )
    .await
}

/// `POST /beheer/organisaties/{id}`: every field is sent; what did not change is left
/// alone by the use case, which records and announces only what did.
pub(crate) async fn change(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let id = id.into_inner();
    let change = OrganisationChange {
        iban: Some(form::text(&fields, "iban")),
        email: Some(form::text(&fields, "email")),
        contact_person: Some(form::text(&fields, "contactpersoon")),
    };
    let (pool, now, org) = (state.pool.clone(), state.now(), id.clone());
    match blocking(move || registry::change_organisation(&pool, &actor, &org, &change, now)).await?
    {
        Ok(_) => Ok(see_other(&format!(
            "/beheer/organisaties/{id}?gedaan=gewijzigd"
        ))),
        Err(e) => {
            let mut problems = Problems::new("", &fields);
            problems.absorb(e)?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &visitor,
                &state,
                id,
                &problems,
                false,
            )
            .await
        }
    }
}
