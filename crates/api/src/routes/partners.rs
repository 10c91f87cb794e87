//! The consortium of an application: `GET`/`PUT /aanvragen/{id}/partners`. The shapes:
//! [`crate::dto::partners`].

use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use subsidie_service::consortium;

use crate::auth::Caller;
use crate::dto::partners::{PartnerLijst, PartnersInvoer};
use crate::input::{path_id, JsonBody};
use crate::problem::ApiError;
use crate::state::{blocking, AppState};

/// The partners of an application.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/partners",
    tag = "aanvragen",
    operation_id = "partnersOphalen",
    summary = "Het samenwerkingsverband van een aanvraag",
    description = "Voor wie de aanvraag mag zien. De partners in volgorde, en per soort die de regeling vraagt hoeveel er ten minste nodig zijn en hoeveel de aanvraag er noemt.",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    responses((status = 200, description = "Het samenwerkingsverband.", body = PartnerLijst))
)]
pub async fn ophalen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let (partners, rules) = blocking(move || consortium::partners(&pool, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(PartnerLijst::of(partners, rules)))
}

/// Replaces the partners of a draft.
#[utoipa::path(
    put,
    path = "/aanvragen/{id}/partners",
    tag = "aanvragen",
    operation_id = "partnersOpgeven",
    summary = "De partners van een concept opgeven",
    description = "Alleen de aanvrager, bij een concept (anders 409: bij de indiening liggen de partners vast). De lijst vervangt de vorige. Indienen wordt geweigerd zolang een soort die de regeling vraagt (`vereisteSoorten`) te weinig partners heeft; de melding noemt per soort wat er ontbreekt. Een ongeldige partner geeft 400 met het veld als `partners[i].veld`.",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    request_body(content = PartnersInvoer, content_type = "application/json"),
    responses((status = 200, description = "Het samenwerkingsverband na de wijziging.", body = PartnerLijst))
)]
pub async fn opgeven(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<PartnersInvoer>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let list: Vec<subsidie_domain::consortium::Partner> =
        body?.0.partners.into_iter().map(Into::into).collect();
    let pool = state.pool.clone();
    let actor = caller.0;
    let now = state.now();
    let (partners, rules) = blocking(move || {
        consortium::set_partners(&pool, &actor, &id, &list, now)?;
        consortium::partners(&pool, &actor, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PartnerLijst::of(partners, rules)))
}
