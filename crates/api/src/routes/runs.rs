//! Payment runs (`/betaalrondes`), their SEPA file and table, failed transfers and
//! recoveries received. Finance makes and books runs; finance and administrators read them.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use subsidie_service::payments::{self, FileFormat};
use subsidie_service::Role;

use crate::auth::Caller;
use crate::download;
use crate::dto::common::BASE;
use crate::dto::finance::{
    Betaalronde, BetaalrondeLijst, Betaling, BetalingVerwerkt, Mislukking, NieuweBetaalronde,
    TabelFormaat, Terugontvangst,
};
use crate::input::{path_id, JsonBody, OptionalJsonBody, QueryParams};
use crate::problem::ApiError;
use crate::state::AppState;

/// Parses a table format, `csv` when absent.
pub fn table_format(value: Option<&str>) -> Result<FileFormat, ApiError> {
    match value {
        None => Ok(FileFormat::Csv),
        Some(v) => FileFormat::parse(v)
            .ok_or_else(|| ApiError::field("formaat", "onbekend formaat; kies csv of xlsx")),
    }
}

/// Makes a payment run.
#[utoipa::path(
    post,
    path = "/betaalrondes",
    tag = "betalingen",
    operation_id = "betaalrondeMaken",
    summary = "Maak een betaalronde van alle betalingen die vervallen zijn",
    description = "Alleen financiën. Neemt in één keer elk gepland voorschot en elke geplande restantbetaling die uiterlijk op `totEnMet` vervalt; een betaling zit nooit in twee rondes. Is er niets te betalen, dan volgt 409 en wordt er geen ronde gemaakt. Zonder ingestelde rekening van de financier (`FUNDER_NAME`, `FUNDER_IBAN`, `FUNDER_BIC`) volgt 503 en wordt er niets geboekt.",
    request_body(content = NieuweBetaalronde, content_type = "application/json"),
    responses((status = 201, description = "De ronde.", body = Betaalronde, headers(
        ("Location" = String, description = "Waar de ronde staat."),
    )))
)]
pub async fn maken(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<NieuweBetaalronde>,
) -> Result<HttpResponse, ApiError> {
    // Only finance makes runs (the service says so to anyone else); for finance, a run
    // that could only be paid from the example account is refused before it is booked.
    if let (Role::Finance, Err(why)) = (caller.0.role, &state.funder) {
        return Err(ApiError::payer_not_configured(why));
    }
    let up_to = body.0.totEnMet;
    let now = state.now();
    let run = state
        .run_as(caller.0, move |pool, actor| {
            payments::create_run(pool, actor, up_to, now)
        })
        .await?;
    let dto = Betaalronde::from(run);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{BASE}/betaalrondes/{}", dto.id)))
        .json(dto))
}

/// Lists the runs.
#[utoipa::path(
    get,
    path = "/betaalrondes",
    tag = "betalingen",
    operation_id = "betaalrondesZoeken",
    summary = "De betaalrondes, nieuwste eerst (hoogstens 100)",
    description = "Voor financiën en beheerders.",
    responses((status = 200, description = "De rondes.", body = BetaalrondeLijst))
)]
pub async fn zoeken(state: Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let rows = state
        .run_as(caller.0, move |pool, actor| {
            payments::runs(pool, actor, 100)
        })
        .await?;
    Ok(HttpResponse::Ok().json(BetaalrondeLijst {
        betaalrondes: rows.into_iter().map(Betaalronde::from).collect(),
    }))
}

/// Reads one run.
#[utoipa::path(
    get,
    path = "/betaalrondes/{id}",
    tag = "betalingen",
    operation_id = "betaalrondeOphalen",
    summary = "Eén betaalronde met wat er van haar overboekingen werd",
    description = "Voor financiën en beheerders.",
    params(("id" = String, Path, description = "Het id van de ronde.")),
    responses((status = 200, description = "De ronde.", body = Betaalronde))
)]
pub async fn ophalen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "betaalronde")?;
    let detail = state
        .run_as(caller.0, move |pool, actor| payments::run(pool, actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Betaalronde::from(detail)))
}

/// The run's SEPA file.
#[utoipa::path(
    get,
    path = "/betaalrondes/{id}/sepa",
    tag = "betalingen",
    operation_id = "betaalrondeSepaBestand",
    summary = "Het SEPA-betaalbestand (pain.001.001.03) van een betaalronde",
    description = "Voor financiën en beheerders. Dezelfde ronde geeft steeds dezelfde bytes; de rekening van de financier komt uit de configuratie (`FUNDER_NAME`, `FUNDER_IBAN`, `FUNDER_BIC`); is die niet ingesteld, dan volgt 503 met de namen van de variabelen.",
    params(("id" = String, Path, description = "Het id van de ronde.")),
    responses((status = 200, description = "Het bestand.", content((String = "application/xml")), headers(
        ("Content-Disposition" = String, description = "`attachment` met de bestandsnaam."),
    )))
)]
pub async fn sepa(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "betaalronde")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let (a, i) = (actor.clone(), id.clone());
    let detail = state.run(move |p| payments::run(p, &a, &i)).await?;
    let funder = match &state.funder {
        Ok(f) => f.clone(),
        Err(e) => return Err(ApiError::payer_not_configured(e)),
    };
    let name = payments::sepa_file_name(&detail.run);
    download::stream("application/xml", &name, move |out| {
        payments::write_sepa(&pool, &actor, &id, &funder, out).map(drop)
    })
    .await
}

/// The run's transfers as a table.
#[utoipa::path(
    get,
    path = "/betaalrondes/{id}/betalingen",
    tag = "betalingen",
    operation_id = "betaalrondeBetalingen",
    summary = "De overboekingen van een betaalronde als CSV of XLSX",
    description = "Voor financiën en beheerders.",
    params(("id" = String, Path, description = "Het id van de ronde."), TabelFormaat),
    responses((status = 200, description = "De tabel.", content(
        (String = "text/csv"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ), headers(
        ("Content-Disposition" = String, description = "`attachment` met de bestandsnaam."),
    )))
)]
pub async fn tabel(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    query: QueryParams<TabelFormaat>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "betaalronde")?;
    let format = table_format(query.0.formaat.as_deref())?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let name = format!("betaalronde-{id}.{}", format.extension());
    download::stream(format.content_type(), &name, move |out| {
        payments::write_run_table(&pool, &actor, &id, format, out).map(drop)
    })
    .await
}

/// Books a run as paid.
#[utoipa::path(
    post,
    path = "/betaalrondes/{id}/betalingen-verwerkt",
    tag = "betalingen",
    operation_id = "betaalrondeBetaaldBoeken",
    summary = "Boek een betaalronde als betaald",
    description = "Alleen financiën, nadat de bank het bestand heeft uitgevoerd. Elke overboeking die niet als mislukt is vastgelegd wordt betaald geboekt, met een grootboekboeking per betaling. Een lege body of `{}`.",
    params(("id" = String, Path, description = "Het id van de ronde.")),
    request_body(content = Option<BetalingVerwerkt>, content_type = "application/json"),
    responses((status = 200, description = "De ronde.", body = Betaalronde))
)]
pub async fn betaald(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    _body: OptionalJsonBody<BetalingVerwerkt>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "betaalronde")?;
    let now = state.now();
    let detail = state
        .run_as(caller.0, move |pool, actor| {
            payments::mark_run_paid(pool, actor, &id, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Betaalronde::from(detail)))
}

/// Records a refused transfer.
#[utoipa::path(
    post,
    path = "/betalingen/{id}/mislukkingen",
    tag = "betalingen",
    operation_id = "betalingMislukt",
    summary = "Leg vast dat de bank een overboeking weigerde",
    description = "Alleen financiën, voordat de ronde als betaald is geboekt. De betaling gaat terug naar `gepland` en gaat mee in de volgende ronde.",
    params(("id" = String, Path, description = "Het id van de betaling.")),
    request_body(content = Mislukking, content_type = "application/json"),
    responses((status = 201, description = "De betaling.", body = Betaling))
)]
pub async fn mislukt(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: JsonBody<Mislukking>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "betaling")?;
    let reason = body.0.reden;
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            payments::mark_payment_failed(pool, actor, &id, &reason, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(Betaling::from(row)))
}

/// Records a recovery paid back.
#[utoipa::path(
    post,
    path = "/betalingen/{id}/terugontvangsten",
    tag = "betalingen",
    operation_id = "terugbetalingOntvangen",
    summary = "Leg vast dat een terugvordering is terugbetaald",
    description = "Alleen financiën. De terugvordering wordt `betaald` en de teruggevorderde positie van het instrument stijgt. Een lege body of `{}`.",
    params(("id" = String, Path, description = "Het id van de terugvordering.")),
    request_body(content = Option<Terugontvangst>, content_type = "application/json"),
    responses((status = 201, description = "De terugvordering.", body = Betaling))
)]
pub async fn terugontvangen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    _body: OptionalJsonBody<Terugontvangst>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "betaling")?;
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            payments::record_recovery_received(pool, actor, &id, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(Betaling::from(row)))
}
