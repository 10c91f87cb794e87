//! After a grant: the grantee's amendments and the decisions on them, and the funder's
//! revocation and lowering of a grant (Awb 4:48, 4:49). The shapes:
//! [`crate::dto::amendments`].

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use subsidie_domain::amendment::{AmendmentCommand, AmendmentKind, AmendmentRequest};
use subsidie_domain::lifecycle::Command;
use subsidie_service::application::{self, Action};

use crate::auth::Caller;
use crate::dto::amendments::{
    BeslissingOpWijziging, NieuwWijzigingsverzoek, Verlaging, Verleningsintrekking,
    Wijzigingsbesluit, Wijzigingssoort, Wijzigingsverzoek, WijzigingsverzoekLijst,
};
use crate::dto::{Aanvraag, BASE};
use crate::input::{money, path_id, IfMatch, JsonBody};
use crate::problem::ApiError;
use crate::routes::applications::{authorise, run_command};
use crate::state::{blocking, AppState};

/// Asks for an amendment.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/wijzigingsverzoeken",
    tag = "aanvragen",
    operation_id = "wijzigingVragen",
    summary = "Vraag een wijziging van een verleende subsidie",
    description = "Alleen de aanvrager, met redenen, in status `gehonoreerd` of `verantwoording_ingediend`: een hoger of lager subsidiebedrag (`bedrag` is het bedrag na de wijziging), of in status `gehonoreerd` een latere datum voor de verantwoording. Eén lopend verzoek tegelijk. Een beoordelaar beslist (`POST /wijzigingsverzoeken/{id}/beslissingen`).",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    request_body(content = NieuwWijzigingsverzoek, content_type = "application/json"),
    responses((status = 201, description = "Het wijzigingsverzoek.", body = Wijzigingsverzoek, headers(
        ("Location" = String, description = "Het wijzigingsverzoek."),
    )))
)]
pub async fn vragen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<NieuwWijzigingsverzoek>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    application::may_request_amendment(&caller.0)?;
    let id = path_id(&id, "aanvraag")?;
    let b = body?.0;
    let amount = b
        .bedrag
        .as_deref()
        .map(|text| money("bedrag", text))
        .transpose()
        .map_err(|e| ApiError::invalid(vec![e]))?;
    let request = AmendmentRequest {
        kind: match b.soort {
            Wijzigingssoort::Verhoging => AmendmentKind::Raise,
            Wijzigingssoort::Verlaging => AmendmentKind::Lower,
            Wijzigingssoort::Verlenging => AmendmentKind::Extend,
        },
        amount,
        deadline: b.verantwoordingUiterlijk,
    };
    let now = state.now();
    let pool = state.pool.clone();
    let actor = caller.0;
    let grounds = b.motivering;
    let row = blocking(move || {
        application::request_amendment(&pool, &actor, &id, &request, &grounds, now)
    })
    .await?;
    let location = format!("{BASE}/wijzigingsverzoeken/{}", row.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(Wijzigingsverzoek::from(row)))
}

/// Lists the amendments of an application.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/wijzigingsverzoeken",
    tag = "aanvragen",
    operation_id = "wijzigingsverzoekenOphalen",
    summary = "De wijzigingsverzoeken van een aanvraag",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    responses((status = 200, description = "De wijzigingsverzoeken, oudste eerst.", body = WijzigingsverzoekLijst))
)]
pub async fn lijst(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let rows = blocking(move || application::amendments_of(&pool, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(WijzigingsverzoekLijst {
        wijzigingsverzoeken: rows.into_iter().map(Wijzigingsverzoek::from).collect(),
    }))
}

/// One amendment.
#[utoipa::path(
    get,
    path = "/wijzigingsverzoeken/{id}",
    tag = "aanvragen",
    operation_id = "wijzigingsverzoekOphalen",
    summary = "Een wijzigingsverzoek",
    params(("id" = String, Path, description = "Het id van het wijzigingsverzoek.")),
    responses((status = 200, description = "Het wijzigingsverzoek.", body = Wijzigingsverzoek))
)]
pub async fn ophalen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "wijzigingsverzoek")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let row = blocking(move || application::amendment(&pool, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(Wijzigingsverzoek::from(row)))
}

/// Decides (or withdraws) an amendment.
#[utoipa::path(
    post,
    path = "/wijzigingsverzoeken/{id}/beslissingen",
    tag = "aanvragen",
    operation_id = "wijzigingBeslissen",
    summary = "Beslis op een wijzigingsverzoek, of trek het in",
    description = "`toekennen` of `afwijzen`: een beoordelaar, met motivering; het besluit krijgt een brief met bezwaarclausule. Een verhoging neemt het verschil uit het beschikbare budget (409 als dat er niet is); een verhoging tot boven de vier-ogengrens van het instrument wordt eerst voorgesteld (status `voorgesteld`) en door een tweede, andere beoordelaar toegekend. Een verlaging geeft het verschil vrij en vordert terug wat boven het nieuwe bedrag is betaald. `intrekken`: de aanvrager, zolang niet beslist is.",
    params(("id" = String, Path, description = "Het id van het wijzigingsverzoek.")),
    request_body(content = BeslissingOpWijziging, content_type = "application/json"),
    responses((status = 200, description = "Het wijzigingsverzoek.", body = Wijzigingsverzoek))
)]
pub async fn beslissen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<BeslissingOpWijziging>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "wijzigingsverzoek")?;
    let b = body?.0;
    let command = match b.besluit {
        Wijzigingsbesluit::Toekennen => AmendmentCommand::Grant,
        Wijzigingsbesluit::Afwijzen => AmendmentCommand::Refuse,
        Wijzigingsbesluit::Intrekken => AmendmentCommand::Withdraw,
    };
    application::may_handle_amendment(&caller.0, command)?;
    let now = state.now();
    let pool = state.pool.clone();
    let actor = caller.0;
    let motivation = b.motivering;
    let row = blocking(move || {
        application::handle_amendment(&pool, &actor, &id, command, motivation.as_deref(), now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Wijzigingsverzoek::from(row)))
}

/// Revokes a grant.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/verleningsintrekkingen",
    tag = "aanvragen",
    operation_id = "verleningIntrekken",
    summary = "Trek een verleende of vastgestelde subsidie in",
    description = "Financiën of een beoordelaar, met motivering: vóór de vaststelling art. 4:48 Awb (status `gehonoreerd`, `verantwoording_ingediend`), daarna art. 4:49 (`vastgesteld`, `afgesloten`). Het budget komt vrij, onbetaalde betalingen vervallen en wat betaald is wordt teruggevorderd (art. 4:57 Awb). De aanvraag wordt `verlening_ingetrokken`; het besluit krijgt een brief met bezwaarclausule.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop het besluit gebaseerd is."),
    ),
    request_body(content = Verleningsintrekking, content_type = "application/json"),
    responses((status = 200, description = "De aanvraag na de intrekking.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn intrekken(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<JsonBody<Verleningsintrekking>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Revoke).await?;
    let motivation = body?.0.motivering;
    run_command(state, caller, &id, if_match, Action::Revoke { motivation }).await
}

/// Lowers a grant.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/verlagingen",
    tag = "aanvragen",
    operation_id = "verleningVerlagen",
    summary = "Verlaag een verleende of vastgestelde subsidie",
    description = "Financiën of een beoordelaar, met motivering, tot een bedrag boven nul en onder het huidige: vóór de vaststelling art. 4:48 Awb, daarna art. 4:49 (een afgesloten dossier gaat terug naar `vastgesteld`). Het verschil komt vrij; onbetaalde betalingen worden aangepast en wat boven het nieuwe bedrag betaald is wordt teruggevorderd (art. 4:57 Awb). Het besluit krijgt een brief met bezwaarclausule.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop het besluit gebaseerd is."),
    ),
    request_body(content = Verlaging, content_type = "application/json"),
    responses((status = 200, description = "De aanvraag na de verlaging.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn verlagen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<JsonBody<Verlaging>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Lower).await?;
    let b = body?.0;
    let amount = money("bedrag", &b.bedrag).map_err(|e| ApiError::invalid(vec![e]))?;
    let action = Action::Lower {
        amount,
        motivation: b.motivering,
    };
    run_command(state, caller, &id, if_match, action).await
}
