//! Applications: drafts, the list with filters and cursor, and the lifecycle commands
//! of applicant and finance as sub-resources (`/aanvragen/{id}/indieningen`, …); the
//! reviewer's are in [`super::review`].
//!
//! A command's route asks whether the caller's role may issue it before it reads the
//! body ([`authorise`]), so a caller in the wrong role hears 403, not what is wrong with
//! the fields.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::{Command, State};
use subsidie_service::access;
use subsidie_service::application::{self, Action, DraftChanges, NewApplication, Outcome};
use subsidie_service::queries::{self, ApplicationFilter};
use subsidie_service::ServiceError;
use subsidie_store::rows::ApplicationRow;
use utoipa::IntoParams;

use crate::auth::{Caller, LateCaller};
use crate::dto::{
    Aanvraag, AanvraagLijst, AanvraagStatus, AanvraagWijziging, Aanvulling, Afsluiting, Afzien,
    Bezwaar, BezwaarLijst, Historie, HistorieRegel, HonoreringVoorgesteld, Indiening, Intrekking,
    NieuwBezwaar, NieuweAanvraag, Vaststelling, Verantwoording, BASE,
};
use crate::input::{money, optional_id, path_id, IfMatch, JsonBody, OptionalJsonBody, QueryParams};
use crate::paging::{Page, QueryErrors};
use crate::problem::ApiError;
use crate::state::{blocking, blocking_api, AppState};

/// The service's field names and this API's, for drafts.
const DRAFT_FIELDS: &[(&str, &str)] = &[
    ("bedrag", "aangevraagdBedrag"),
    ("discipline", "disciplineId"),
    ("instrument", "instrumentId"),
];

/// The ETag of an application version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// An application as the answer, with its ETag.
pub fn application_response(status: StatusCode, row: ApplicationRow) -> HttpResponse {
    let tag = etag(row.version);
    HttpResponse::build(status)
        .insert_header((header::ETAG, tag))
        .json(Aanvraag::from(row))
}

fn outcome_response(outcome: Outcome) -> HttpResponse {
    match outcome {
        Outcome::Changed(row) => application_response(StatusCode::OK, *row),
        Outcome::GrantProposed(row) => {
            let tag = etag(row.version);
            HttpResponse::Accepted()
                .insert_header((header::ETAG, tag))
                .json(HonoreringVoorgesteld {
                    melding: "honorering voorgesteld: het bedrag ligt boven de vier-ogengrens van het instrument; een tweede, andere beoordelaar moet het besluit bevestigen met hetzelfde bedrag".to_owned(),
                    aanvraag: Aanvraag::from(*row),
                })
        }
        Outcome::Deleted => HttpResponse::NoContent().finish(),
    }
}

/// Refuses a caller whose role may not issue `command` (the service's role table) before
/// the body is looked at, in the service's order: an application the caller may not see
/// is not found (its existence does not leak), a stale `If-Match` is 412, then the role.
/// Only a refusal costs a read.
pub(crate) async fn authorise(
    state: &Data<AppState>,
    caller: &Caller,
    id: &str,
    if_match: &IfMatch,
    command: Command,
) -> Result<(), ApiError> {
    refuse_in_order(
        state,
        caller,
        id,
        if_match,
        access::authorise(&caller.0, command),
    )
    .await
}

/// A refusal of the caller's role, answered as the service would: not found or stale
/// first.
async fn refuse_in_order(
    state: &Data<AppState>,
    caller: &Caller,
    id: &str,
    if_match: &IfMatch,
    role_check: Result<(), ServiceError>,
) -> Result<(), ApiError> {
    let Err(refusal) = role_check else {
        return Ok(());
    };
    let id = path_id(id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0.clone();
    let row = blocking(move || queries::application(&pool, &actor, &id)).await?;
    if let Some(expected) = if_match.0.filter(|v| *v != row.version) {
        return Err(ServiceError::StaleVersion {
            expected,
            current: row.version,
        }
        .into());
    }
    Err(refusal.into())
}

pub(crate) async fn run_command(
    state: Data<AppState>,
    caller: Caller,
    id: &str,
    if_match: IfMatch,
    action: Action,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(id, "aanvraag")?;
    let now = state.now();
    let pool = state.pool.clone();
    let actor = caller.0;
    let outcome =
        blocking(move || application::execute(&pool, &actor, &id, if_match.0, &action, now))
            .await?;
    Ok(outcome_response(outcome))
}

/// Query parameters of the application list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct AanvraagFilter {
    /// Alleen aanvragen onder dit instrument.
    #[param(example = "uitvoering")]
    pub instrumentId: Option<String>,
    /// Alleen aanvragen in deze status, zoals `ingediend` of `in_behandeling`.
    #[param(value_type = Option<AanvraagStatus>, example = "ingediend")]
    pub status: Option<String>,
    /// Alleen aanvragen uit deze regio.
    #[param(example = "r01")]
    pub regioId: Option<String>,
    /// `true`: alleen aanvragen die nog op hun eerste besluit wachten en waarvan de
    /// beslistermijn (`beslissenUiterlijk`) vóór vandaag is verstreken (art. 4:13 Awb);
    /// `false`: alle andere.
    #[param(example = true)]
    pub termijnVerstreken: Option<bool>,
    /// De cursor: `volgende` uit het vorige antwoord.
    pub na: Option<String>,
    /// Hoeveel aanvragen per pagina, 1 tot en met 100 (standaard 25).
    #[param(minimum = 1, maximum = 100, example = 25)]
    pub limiet: Option<i64>,
}

/// Lists applications.
#[utoipa::path(
    get,
    path = "/aanvragen",
    tag = "aanvragen",
    operation_id = "aanvragenZoeken",
    summary = "Aanvragen, gefilterd en per pagina",
    description = "Een aanvrager ziet alleen de aanvragen van de eigen organisatie; andere rollen zien alle ingediende aanvragen (geen concepten). Oudste eerst; blader met `na` (de `volgende` uit het vorige antwoord).",
    params(AanvraagFilter),
    responses((status = 200, description = "Een pagina aanvragen.", body = AanvraagLijst))
)]
pub async fn zoeken(
    state: Data<AppState>,
    caller: Caller,
    query: QueryParams<AanvraagFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let mut errors = QueryErrors::default();
    let instrument_id = errors.id(q.instrumentId.clone(), "instrumentId");
    let region_id = errors.id(q.regioId.clone(), "regioId");
    let after = errors.id(q.na.clone(), "na");
    let state_filter = errors.parse::<State>(q.status.as_deref(), "status", |e| e.to_string());
    let limit = errors.limit(q.limiet);
    errors.check()?;
    let filter = ApplicationFilter {
        instrument_id: instrument_id.clone(),
        state: state_filter,
        region_id: region_id.clone(),
        overdue: q
            .termijnVerstreken
            .map(|late| (late, deadlines::amsterdam_date(state.now()))),
    };
    let pool = state.pool.clone();
    let actor = caller.0;
    let after_q = after.clone();
    let rows = blocking(move || {
        queries::applications(&pool, &actor, &filter, after_q.as_deref(), limit + 1)
    })
    .await?;
    let page = Page::cut(rows, limit, |r| r.id.clone());
    let filters = [
        ("instrumentId", instrument_id),
        ("status", q.status.clone()),
        ("regioId", region_id),
        (
            "termijnVerstreken",
            q.termijnVerstreken.map(|b| b.to_string()),
        ),
    ];
    let links = page.links("/aanvragen", &filters, after, q.limiet);
    Ok(HttpResponse::Ok().json(AanvraagLijst {
        aanvragen: page.rows.into_iter().map(Aanvraag::from).collect(),
        volgende: page.next,
        links,
    }))
}

/// Creates a draft.
#[utoipa::path(
    post,
    path = "/aanvragen",
    tag = "aanvragen",
    operation_id = "aanvraagOpstellen",
    summary = "Stel een aanvraag op, en dien haar desgewenst meteen in",
    description = "Alleen een aanvrager, voor de eigen organisatie en regio. Het bedrag is een tekst met hoogstens twee decimalen binnen de grenzen van het instrument. Met `indienen: true` wordt de aanvraag in dezelfde transactie ingediend, met dezelfde controles, historie en ontvangstbevestiging als `POST /aanvragen/{id}/indieningen`; wordt het indienen geweigerd, dan blijft er ook geen concept achter. Bij een instrument met verplichte documenten kan dat niet (400, veld `indienen`): stel dan eerst het concept op, voeg de documenten toe en dien daarna in.",
    request_body(content = NieuweAanvraag, content_type = "application/json"),
    responses((status = 201, description = "Het concept, of met `indienen` de ingediende aanvraag.", body = Aanvraag, headers(
        ("ETag" = String, description = "De versie van de aanvraag."),
        ("Location" = String, description = "Waar de aanvraag staat."),
    )))
)]
pub async fn opstellen(
    state: Data<AppState>,
    req: HttpRequest,
    body: Result<JsonBody<NieuweAanvraag>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    // The rush's request: the token (when not cached), the checks and the use case in one
    // hop to the blocking pool, in the order of every other route (401, 403, 400).
    let caller = LateCaller::of(&req)?;
    let now = state.now();
    let pool = state.pool.clone();
    let row = blocking_api(move || {
        let actor = caller.resolve(&pool)?;
        application::may_draft(&actor)?;
        let (new, submit) = draft_input(body?.0)?;
        let created = if submit {
            application::create_and_submit(&pool, &actor, &new, now)
        } else {
            application::create_draft(&pool, &actor, &new, now)
        };
        created.map_err(|e| ApiError::from(e).rename_fields(DRAFT_FIELDS))
    })
    .await?;
    let location = format!("{BASE}/aanvragen/{}", row.id);
    let mut res = application_response(StatusCode::CREATED, row);
    if let Ok(v) = header::HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// The draft a body describes and whether to submit it; every field error at once.
fn draft_input(b: NieuweAanvraag) -> Result<(NewApplication, bool), ApiError> {
    let mut errors = Vec::new();
    let instrument_id = optional_id(Some(b.instrumentId), "instrumentId")
        .map_err(|e| errors.extend(e.problem().invalid_params.clone()))
        .ok()
        .flatten()
        .unwrap_or_default();
    let discipline_id = optional_id(b.disciplineId, "disciplineId")
        .map_err(|e| errors.extend(e.problem().invalid_params.clone()))
        .ok()
        .flatten();
    let requested = money("aangevraagdBedrag", &b.aangevraagdBedrag)
        .map_err(|e| errors.push(e))
        .ok();
    let Some(requested) = requested.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let new = NewApplication {
        instrument_id,
        discipline_id,
        title: b.titel,
        description: b.omschrijving,
        requested,
    };
    Ok((new, b.indienen))
}

/// Reads one application.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}",
    tag = "aanvragen",
    operation_id = "aanvraagOphalen",
    summary = "Eén aanvraag",
    description = "Met een ETag: stuur die als `If-Match` mee met een wijziging. De aanvraag van een andere organisatie bestaat voor een aanvrager niet (404).",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    responses((status = 200, description = "De aanvraag.", body = Aanvraag, headers(
        ("ETag" = String, description = "De versie van de aanvraag."),
    )))
)]
pub async fn ophalen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let row = blocking(move || queries::application(&pool, &actor, &id)).await?;
    Ok(application_response(StatusCode::OK, row))
}

/// Edits a draft.
#[utoipa::path(
    patch,
    path = "/aanvragen/{id}",
    tag = "aanvragen",
    operation_id = "conceptWijzigen",
    summary = "Wijzig een concept",
    description = "Alleen de aanvrager, alleen in status `concept`. Velden die ontbreken blijven zoals ze zijn.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop de wijziging gebaseerd is; bij een nieuwere versie volgt 412."),
    ),
    request_body(content = AanvraagWijziging, content_type = "application/json"),
    responses((status = 200, description = "Het gewijzigde concept.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn wijzigen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<JsonBody<AanvraagWijziging>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let may_edit = application::may_edit(&caller.0);
    refuse_in_order(&state, &caller, &id, &if_match, may_edit).await?;
    let id = path_id(&id, "aanvraag")?;
    let b = body?.0;
    let mut errors = Vec::new();
    let discipline_id = optional_id(b.disciplineId, "disciplineId")
        .map_err(|e| errors.extend(e.problem().invalid_params.clone()))
        .ok()
        .flatten();
    let requested = match b.aangevraagdBedrag {
        None => None,
        Some(text) => money("aangevraagdBedrag", &text)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let changes = DraftChanges {
        title: b.titel,
        description: b.omschrijving,
        requested,
        discipline_id,
    };
    let now = state.now();
    let pool = state.pool.clone();
    let actor = caller.0;
    let row =
        blocking(move || application::edit_draft(&pool, &actor, &id, if_match.0, &changes, now))
            .await
            .map_err(|e| e.rename_fields(DRAFT_FIELDS))?;
    Ok(application_response(StatusCode::OK, row))
}

/// Deletes a draft.
#[utoipa::path(
    delete,
    path = "/aanvragen/{id}",
    tag = "aanvragen",
    operation_id = "conceptVerwijderen",
    summary = "Verwijder een concept",
    description = "Alleen de aanvrager, alleen in status `concept`.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie die verwijderd mag worden; bij een nieuwere versie volgt 412."),
    ),
    responses((status = 204, description = "Verwijderd."))
)]
pub async fn verwijderen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    run_command(state, caller, &id, if_match, Action::Delete).await
}

/// Submits a draft.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/indieningen",
    tag = "aanvragen",
    operation_id = "aanvraagIndienen",
    summary = "Dien een concept in",
    description = "Alleen de aanvrager, alleen binnen de openstelling van het instrument. De aanvraag krijgt een ontvangstmoment en een beslistermijn en wacht op een toewijzingsronde. Een lege body of `{}`.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop de opdracht gebaseerd is."),
    ),
    request_body(content = Option<Indiening>, content_type = "application/json"),
    responses((status = 200, description = "De ingediende aanvraag.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn indienen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<OptionalJsonBody<Indiening>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Submit).await?;
    body?;
    run_command(state, caller, &id, if_match, Action::Submit).await
}

/// Supplies missing information.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/aanvullingen",
    tag = "aanvragen",
    operation_id = "aanvraagAanvullen",
    summary = "Vul een aanvraag aan",
    description = "Alleen de aanvrager, in status `aanvulling_gevraagd`; de beoordeling gaat daarna verder.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop de opdracht gebaseerd is."),
    ),
    request_body(content = Aanvulling, content_type = "application/json"),
    responses((status = 200, description = "De aangevulde aanvraag.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn aanvullen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<JsonBody<Aanvulling>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Supply).await?;
    let note = body?.0.toelichting;
    if note.trim().is_empty() {
        return Err(ApiError::field("toelichting", "mag niet leeg zijn"));
    }
    run_command(state, caller, &id, if_match, Action::Supply { note }).await
}

/// Withdraws an application.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/intrekkingen",
    tag = "aanvragen",
    operation_id = "aanvraagIntrekken",
    summary = "Trek een aanvraag in",
    description = "Alleen de aanvrager, vóór een besluit. Een reservering komt direct weer beschikbaar.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop de opdracht gebaseerd is."),
    ),
    request_body(content = Option<Intrekking>, content_type = "application/json"),
    responses((status = 200, description = "De ingetrokken aanvraag.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn intrekken(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<OptionalJsonBody<Intrekking>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Withdraw).await?;
    let reason = body?.0.reden;
    run_command(state, caller, &id, if_match, Action::Withdraw { reason }).await
}

/// Accounts for a grant.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/verantwoordingen",
    tag = "aanvragen",
    operation_id = "subsidieVerantwoorden",
    summary = "Verantwoord een verleende subsidie",
    description = "Alleen de aanvrager, in status `gehonoreerd`.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop de opdracht gebaseerd is."),
    ),
    request_body(content = Verantwoording, content_type = "application/json"),
    responses((status = 200, description = "De aanvraag met de verantwoording.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn verantwoorden(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<JsonBody<Verantwoording>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Report).await?;
    let summary = body?.0.samenvatting;
    if summary.trim().is_empty() {
        return Err(ApiError::field("samenvatting", "mag niet leeg zijn"));
    }
    run_command(state, caller, &id, if_match, Action::Report { summary }).await
}

/// Settles a grant.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/vaststellingen",
    tag = "aanvragen",
    operation_id = "subsidieVaststellen",
    summary = "Stel een subsidie vast",
    description = "Alleen financiën, in status `verantwoording_ingediend`. Het bedrag is hoogstens de verlening; het verschil komt vrij. Wat nog niet betaald is wordt ingepland, wat te veel betaald is teruggevorderd.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop het besluit gebaseerd is."),
    ),
    request_body(content = Vaststelling, content_type = "application/json"),
    responses((status = 200, description = "De vastgestelde aanvraag.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn vaststellen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<JsonBody<Vaststelling>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Settle).await?;
    let b = body?.0;
    let amount = money("bedrag", &b.bedrag).map_err(|e| ApiError::invalid(vec![e]))?;
    let action = Action::Settle {
        amount,
        motivation: b.motivering,
    };
    run_command(state, caller, &id, if_match, action).await
}

/// Closes a file.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/afsluitingen",
    tag = "aanvragen",
    operation_id = "dossierAfsluiten",
    summary = "Sluit een dossier af",
    description = "Alleen financiën, in status `vastgesteld`, als alle betalingen en terugvorderingen zijn afgerond. Een lege body of `{}`.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop de opdracht gebaseerd is."),
    ),
    request_body(content = Option<Afsluiting>, content_type = "application/json"),
    responses((status = 200, description = "De afgesloten aanvraag.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn afsluiten(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<OptionalJsonBody<Afsluiting>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Close).await?;
    body?;
    run_command(state, caller, &id, if_match, Action::Close).await
}

/// Waives a grant.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/afzieningen",
    tag = "aanvragen",
    operation_id = "subsidieAfzien",
    summary = "Zie af van een verleende subsidie",
    description = "Alleen de aanvrager, in status `gehonoreerd`. De verlening komt vrij; onbetaalde voorschotten vervallen en betaalde worden teruggevorderd.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop de opdracht gebaseerd is."),
    ),
    request_body(content = Option<Afzien>, content_type = "application/json"),
    responses((status = 200, description = "De aanvraag na het afzien.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn afzien(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<OptionalJsonBody<Afzien>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::Waive).await?;
    let reason = body?.0.reden;
    run_command(state, caller, &id, if_match, Action::Waive { reason }).await
}

/// Lodges an objection.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/bezwaren",
    tag = "aanvragen",
    operation_id = "bezwaarMaken",
    summary = "Maak bezwaar tegen een besluit",
    description = "Alleen de aanvrager, binnen de bezwaartermijn van zes weken na het laatste besluit (art. 6:7 Awb).",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    request_body(content = NieuwBezwaar, content_type = "application/json"),
    responses((status = 201, description = "Het bezwaar.", body = Bezwaar, headers(
        ("Location" = String, description = "De bezwaren van de aanvraag."),
    )))
)]
pub async fn bezwaar_maken(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<NieuwBezwaar>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    application::may_object(&caller.0)?;
    let id = path_id(&id, "aanvraag")?;
    let grounds = body?.0.gronden;
    let now = state.now();
    let pool = state.pool.clone();
    let actor = caller.0;
    let location = format!("{BASE}/aanvragen/{id}/bezwaren");
    let row = blocking(move || application::object(&pool, &actor, &id, &grounds, now)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(Bezwaar::from(row)))
}

/// Lists objections.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/bezwaren",
    tag = "aanvragen",
    operation_id = "bezwarenOphalen",
    summary = "De bezwaren tegen de besluiten op een aanvraag",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    responses((status = 200, description = "De bezwaren.", body = BezwaarLijst))
)]
pub async fn bezwaren(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let rows = blocking(move || queries::objections_of(&pool, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(BezwaarLijst {
        bezwaren: rows.into_iter().map(Bezwaar::from).collect(),
    }))
}

/// The history of an application.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/historie",
    tag = "aanvragen",
    operation_id = "historieOphalen",
    summary = "De historie van een aanvraag",
    description = "Elke overgang: wie, wanneer, van welke naar welke status en waarom. Alleen toevoegen, nooit wijzigen.",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    responses((status = 200, description = "De historie, oudste eerst.", body = Historie))
)]
pub async fn historie(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let rows = blocking(move || queries::history(&pool, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(Historie {
        historie: rows.into_iter().map(HistorieRegel::from).collect(),
    }))
}
