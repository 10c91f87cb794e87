//! The decisions of an application as PDF letters: `GET /aanvragen/{id}/besluiten` and
//! `GET /aanvragen/{id}/besluiten/{besluitId}` (the PDF itself), for whoever may see the
//! application.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use subsidie_service::decisions;
use subsidie_store::rows::DecisionLetterRow;

use crate::auth::Caller;
use crate::dto::decisions::{Besluit, BesluitLijst};
use crate::input::path_id;
use crate::problem::ApiError;
use crate::routes::documents::disposition;
use crate::state::{blocking, AppState};

/// The decisions of an application.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/besluiten",
    tag = "aanvragen",
    operation_id = "besluitenOphalen",
    summary = "De besluiten over een aanvraag, als PDF-brief",
    description = "Elk besluit (verlening, afwijzing, buitenbehandelingstelling, afwijzing omdat het plafond is bereikt, vaststelling, bevestiging van afzien, beslissing op bezwaar) is ook een PDF-brief (PDF/A-2b) met briefhoofd, dagtekening, kenmerk, motivering, bedragen, bezwaarclausule en ondertekening. De brief wordt eenmaal gemaakt, wanneer het besluit wordt genomen, en daarna nooit gewijzigd; de e-mail over het besluit heeft dezelfde brief als bijlage. Voor wie de aanvraag mag zien: de eigen organisatie, beoordelaars (niet bij een belangenconflict voor de regio), financien en beheerders.",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    responses((status = 200, description = "De besluiten, oudste eerst.", body = BesluitLijst))
)]
pub async fn lijst(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let rows = blocking(move || decisions::list(&pool, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(BesluitLijst {
        besluiten: rows.into_iter().map(Besluit::from).collect(),
    }))
}

/// Downloads a decision's letter.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/besluiten/{besluitId}",
    tag = "aanvragen",
    operation_id = "besluitDownloaden",
    summary = "Een besluit downloaden (PDF)",
    description = "De PDF-brief zoals hij bij het besluit is gemaakt en bewaard, byte voor byte (de `ETag` is de SHA-256), als bijlage.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("besluitId" = String, Path, description = "Het id van het besluit."),
    ),
    responses((status = 200, description = "De PDF-brief.", content_type = "application/pdf", body = Vec<u8>,
        headers(
            ("Content-Disposition" = String, description = "attachment, met de bestandsnaam."),
            ("ETag" = String, description = "De SHA-256 van de PDF, tussen aanhalingstekens."),
        )))
)]
pub async fn downloaden(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, letter_id) = path.into_inner();
    let id = path_id(&id, "aanvraag")?;
    let letter_id = path_id(&letter_id, "besluit")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let (row, content) = blocking(move || decisions::open(&pool, &actor, &id, &letter_id)).await?;
    Ok(pdf_response(&row, content))
}

/// The answer with a decision's letter: the stored bytes as an attachment, the SHA-256
/// as the ETag. The portal answers its downloads with it too.
pub fn pdf_response(row: &DecisionLetterRow, content: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(decisions::MEDIA_TYPE)
        .insert_header((header::CONTENT_DISPOSITION, disposition(&row.file_name)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::ETAG, format!("\"{}\"", row.sha256)))
        .body(content)
}
