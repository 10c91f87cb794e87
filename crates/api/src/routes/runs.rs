//! Payment runs (`/betaalrondes`), their SEPA file and table, failed transfers and
//! recoveries received. Finance makes and books runs; finance and administrators read them.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use subsidie_service::payments::{self, FileFormat, RunDetail};
use subsidie_store::rows::PaymentRunRow;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::download;
use crate::dto::{bedrag, Betaling, BASE};
use crate::input::{path_id, JsonBody, OptionalJsonBody, QueryParams};
use crate::problem::ApiError;
use crate::state::{blocking, AppState};

/// Een nieuwe betaalronde.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct NieuweBetaalronde {
    /// Neem elke geplande betaling mee die uiterlijk op deze dag vervalt.
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub totEnMet: NaiveDate,
}

/// Een betaalronde: betalingen die samen in één SEPA-bestand naar de bank gaan.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[allow(non_snake_case)]
pub struct Betaalronde {
    /// Het id van de ronde.
    pub id: String,
    /// De `MsgId` in het SEPA-bestand.
    #[schema(example = "BR0F1E2D3C4B5A69788796A5B4C3D2E1F0")]
    pub berichtId: String,
    /// Wanneer de ronde is gemaakt.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
    /// Betalingen die uiterlijk op deze dag vervielen zijn meegenomen.
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub totEnMet: NaiveDate,
    /// De gevraagde uitvoeringsdatum (een Nederlandse werkdag).
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub uitvoeringsdatum: NaiveDate,
    /// Het aantal overboekingen in het bestand.
    pub aantalBetalingen: i64,
    /// Het totaal van het bestand.
    #[schema(example = "1000000.00")]
    pub totaal: String,
    /// `aangemaakt` of `betaald`.
    #[schema(example = "aangemaakt")]
    pub status: String,
    /// Wanneer de ronde als betaald is geboekt.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub betaaldOp: Option<DateTime<Utc>>,
    /// Overboekingen van de ronde die als betaald zijn geboekt (alleen bij één ronde).
    pub aantalBetaald: Option<i64>,
    /// Hun bedrag.
    pub bedragBetaald: Option<String>,
    /// Overboekingen die de bank weigerde (alleen bij één ronde).
    pub aantalMislukt: Option<i64>,
    /// Hun bedrag.
    pub bedragMislukt: Option<String>,
}

impl From<PaymentRunRow> for Betaalronde {
    fn from(r: PaymentRunRow) -> Self {
        Betaalronde {
            id: r.id,
            berichtId: r.message_id,
            aangemaaktOp: r.created_at.and_utc(),
            totEnMet: r.up_to,
            uitvoeringsdatum: r.execution_date,
            aantalBetalingen: r.payment_count,
            totaal: bedrag(r.total_cents),
            status: r.state,
            betaaldOp: r.paid_at.map(|t| t.and_utc()),
            aantalBetaald: None,
            bedragBetaald: None,
            aantalMislukt: None,
            bedragMislukt: None,
        }
    }
}

impl From<RunDetail> for Betaalronde {
    fn from(d: RunDetail) -> Self {
        let mut r = Betaalronde::from(d.run);
        r.aantalBetaald = Some(d.paid_count);
        r.bedragBetaald = Some(bedrag(d.paid_cents));
        r.aantalMislukt = Some(d.failed_count);
        r.bedragMislukt = Some(bedrag(d.failed_cents));
        r
    }
}

/// De betaalrondes, nieuwste eerst.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BetaalrondeLijst {
    /// De rondes.
    pub betaalrondes: Vec<Betaalronde>,
}

/// Een overboeking die de bank weigerde.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Mislukking {
    /// Waarom de bank de overboeking weigerde.
    #[schema(example = "rekening opgeheven (AC04)")]
    pub reden: String,
}

/// Een ontvangen terugbetaling; een lege body of `{}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Terugontvangst {}

/// Een betaalronde als betaald boeken; een lege body of `{}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BetalingVerwerkt {}

/// Query parameters of a run's table.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TabelFormaat {
    /// `csv` (standaard; puntkomma, decimale komma, UTF-8 met BOM) of `xlsx`.
    #[param(example = "csv")]
    pub formaat: Option<String>,
}

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
    description = "Alleen financiën. Neemt in één keer elk gepland voorschot en elke geplande restantbetaling die uiterlijk op `totEnMet` vervalt; een betaling zit nooit in twee rondes. Is er niets te betalen, dan volgt 409 en wordt er geen ronde gemaakt.",
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
    let up_to = body.0.totEnMet;
    let now = state.now();
    let pool = state.pool.clone();
    let actor = caller.0;
    let run = blocking(move || payments::create_run(&pool, &actor, up_to, now)).await?;
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
    let pool = state.pool.clone();
    let actor = caller.0;
    let rows = blocking(move || payments::runs(&pool, &actor, 100)).await?;
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
    let pool = state.pool.clone();
    let actor = caller.0;
    let detail = blocking(move || payments::run(&pool, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(Betaalronde::from(detail)))
}

/// The run's SEPA file.
#[utoipa::path(
    get,
    path = "/betaalrondes/{id}/sepa",
    tag = "betalingen",
    operation_id = "betaalrondeSepaBestand",
    summary = "Het SEPA-betaalbestand (pain.001.001.03) van een betaalronde",
    description = "Voor financiën en beheerders. Dezelfde ronde geeft steeds dezelfde bytes; de rekening van de financier komt uit de configuratie (`FUNDER_NAME`, `FUNDER_IBAN`, `FUNDER_BIC`).",
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
    let funder = match &state.funder {
        Ok(f) => f.clone(),
        Err(e) => return Err(ApiError::internal(e)),
    };
    let pool = state.pool.clone();
    let actor = caller.0;
    let (p, a, i) = (pool.clone(), actor.clone(), id.clone());
    let detail = blocking(move || payments::run(&p, &a, &i)).await?;
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
    let pool = state.pool.clone();
    let actor = caller.0;
    let detail = blocking(move || payments::mark_run_paid(&pool, &actor, &id, now)).await?;
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
    let pool = state.pool.clone();
    let actor = caller.0;
    let row =
        blocking(move || payments::mark_payment_failed(&pool, &actor, &id, &reason, now)).await?;
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
    let pool = state.pool.clone();
    let actor = caller.0;
    let row = blocking(move || payments::record_recovery_received(&pool, &actor, &id, now)).await?;
    Ok(HttpResponse::Created().json(Betaling::from(row)))
}
