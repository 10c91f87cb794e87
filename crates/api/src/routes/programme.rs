//! Programme changes by an administrator: a ceiling, a window, a new instrument, and
//! the history in which each of them is recorded.

use actix_web::http::header;
use actix_web::web::{self, Data, Path};
use actix_web::HttpResponse;
use subsidie_domain::programme_change::WindowChange;
use subsidie_service::{programme, rounds};

use crate::auth::Caller;
use crate::dto::common::BASE;
use crate::dto::programme::{
    NieuwInstrument, Openstellingsactie, Openstellingswijziging, Plafondwijziging,
    Programmawijziging, ProgrammawijzigingLijst,
};
use crate::dto::reference::Instrument;
use crate::input::{money, path_id, JsonBody};
use crate::problem::ApiError;
use crate::state::AppState;

/// Registers the resources of programme changes (called from `routes::register`).
pub fn register(cfg: &mut web::ServiceConfig) {
    use super::resource;
    cfg.service(
        resource("/instrumenten/{id}/plafondwijzigingen", "POST")
            .route(web::post().to(plafond_wijzigen)),
    )
    .service(
        resource("/instrumenten/{id}/openstellingswijzigingen", "POST")
            .route(web::post().to(openstelling_wijzigen)),
    )
    .service(
        resource("/programmas/{id}/instrumenten", "POST")
            .route(web::post().to(instrument_toevoegen)),
    )
    .service(resource("/programmas/{id}/wijzigingen", "GET").route(web::get().to(wijzigingen)));
}

/// Changes an instrument's ceiling.
#[utoipa::path(
    post,
    path = "/instrumenten/{id}/plafondwijzigingen",
    tag = "beheer",
    operation_id = "plafondWijzigen",
    summary = "Wijzig het subsidieplafond van een instrument",
    description = "Alleen een beheerder. Het plafond kan niet lager dan wat al is gereserveerd en verleend (409, met de bedragen in euro's), niet lager dan het grootste bedrag dat één aanvraag mag vragen, en samen met de andere plafonds niet boven de envelop van het programma. De wijziging komt in de historie van het programma (wie, wanneer, oud en nieuw).",
    params(("id" = String, Path, description = "De code van het instrument.")),
    request_body(content = Plafondwijziging, content_type = "application/json"),
    responses((status = 200, description = "Het instrument met zijn nieuwe plafond.", body = Instrument))
)]
pub async fn plafond_wijzigen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: JsonBody<Plafondwijziging>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "instrument")?;
    let b = body.0;
    let ceiling = money("plafond", &b.plafond).map_err(|p| ApiError::invalid(vec![p]))?;
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            let row =
                programme::change_ceiling(pool, actor, &id, ceiling, b.reden.as_deref(), now)?;
            rounds::with_rounds(pool, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Instrument::with_rounds(row.0, &row.1)))
}

/// Opens, extends or closes an instrument's window.
#[utoipa::path(
    post,
    path = "/instrumenten/{id}/openstellingswijzigingen",
    tag = "beheer",
    operation_id = "openstellingWijzigen",
    summary = "Open, verleng of sluit de openstelling van een instrument",
    description = "Alleen een beheerder. `openen` opent van `van` (standaard vandaag) tot en met `totEnMet`; `verlengen` verschuift de laatste dag naar `totEnMet`; `sluiten` maakt gisteren de laatste dag, zodat vanaf vandaag niets meer wordt aangenomen. Data zijn Nederlandse kalenderdagen binnen de looptijd van het programma. De wijziging komt in de historie van het programma.",
    params(("id" = String, Path, description = "De code van het instrument.")),
    request_body(content = Openstellingswijziging, content_type = "application/json"),
    responses((status = 200, description = "Het instrument met zijn nieuwe openstelling.", body = Instrument))
)]
pub async fn openstelling_wijzigen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: JsonBody<Openstellingswijziging>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "instrument")?;
    let b = body.0;
    let closes = || {
        b.totEnMet.ok_or_else(|| {
            ApiError::field(
                "totEnMet",
                "ontbreekt; geef bij openen en verlengen de laatste dag, zoals 2026-12-31",
            )
        })
    };
    let change = match b.actie {
        Openstellingsactie::Openen => WindowChange::Open {
            opens: b.van,
            closes: closes()?,
        },
        Openstellingsactie::Verlengen => WindowChange::Extend { closes: closes()? },
        Openstellingsactie::Sluiten => WindowChange::Close,
    };
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            let row = programme::change_window(pool, actor, &id, change, b.reden.as_deref(), now)?;
            rounds::with_rounds(pool, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Instrument::with_rounds(row.0, &row.1)))
}

/// Adds an instrument to a programme.
#[utoipa::path(
    post,
    path = "/programmas/{id}/instrumenten",
    tag = "beheer",
    operation_id = "instrumentToevoegen",
    summary = "Voeg een instrument toe aan een programma",
    description = "Alleen een beheerder. Dezelfde controles als voor een programmabestand (bedragen, openstelling binnen de looptijd, termijnen), een code die nog niet bestaat, en alle plafonds samen binnen de envelop. Het instrument begint met een lege budgetpositie; de toevoeging komt in de historie van het programma.",
    params(("id" = String, Path, description = "De code van het programma.")),
    request_body(content = NieuwInstrument, content_type = "application/json"),
    responses((status = 201, description = "Het nieuwe instrument.", body = Instrument, headers(
        ("Location" = String, description = "Waar het instrument staat."),
    )))
)]
pub async fn instrument_toevoegen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: JsonBody<NieuwInstrument>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "programma")?;
    let b = body.0;
    let config = b.config().map_err(|e| ApiError::field("instrument", e))?;
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            let row =
                programme::add_instrument(pool, actor, &id, &config, b.reden.as_deref(), now)?;
            rounds::with_rounds(pool, row)
        })
        .await?;
    let dto = Instrument::with_rounds(row.0, &row.1);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{BASE}/instrumenten/{}", dto.id)))
        .json(dto))
}

/// The history of a programme's changes.
#[utoipa::path(
    get,
    path = "/programmas/{id}/wijzigingen",
    tag = "beheer",
    operation_id = "programmawijzigingenZoeken",
    summary = "De wijzigingen van een programma: plafonds, openstellingen, instrumenten",
    description = "Voor beheerders en financiën. Oudste eerst; elke wijziging met wie, wanneer, de oude en de nieuwe waarde en de reden.",
    params(("id" = String, Path, description = "De code van het programma.")),
    responses((status = 200, description = "De wijzigingen.", body = ProgrammawijzigingLijst))
)]
pub async fn wijzigingen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "programma")?;
    let rows = state
        .run_as(caller.0, move |pool, actor| {
            programme::history(pool, actor, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ProgrammawijzigingLijst {
        wijzigingen: rows.into_iter().map(Programmawijziging::from).collect(),
    }))
}
