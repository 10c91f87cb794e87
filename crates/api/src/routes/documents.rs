//! Documents on an application: `POST`/`GET /aanvragen/{id}/documenten`, and `GET`/`DELETE
//! /aanvragen/{id}/documenten/{documentId}`. An upload is received into a spool file
//! while it arrives ([`crate::multipart`]); a download is read from the database a chunk
//! at a time and its SHA-256 checked before the last byte goes out.

use actix_web::http::header;
use actix_web::web::{self, Bytes, Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use subsidie_domain::documents::ascii_name;
use subsidie_service::documents::{self, Upload};
use subsidie_store::documents::{hex, DocumentStore};
use subsidie_store::rows::DocumentRow;
use subsidie_store::Pool;

use crate::auth::Caller;
use crate::dto::documents::{Document, DocumentLijst, DocumentUpload, VerplichtDocument};
use crate::input::path_id;
use crate::multipart::{self, Intake};
use crate::problem::{ApiError, InvalidParam};
use crate::state::{blocking, AppState};

/// Adds a document (multipart/form-data: `bestand` and `soort`).
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/documenten",
    tag = "aanvragen",
    operation_id = "documentToevoegen",
    summary = "Een document toevoegen aan een aanvraag",
    description = "Alleen de aanvrager, bij een concept of wanneer om een aanvulling is gevraagd (dan telt het document als aanvulling). Na indiening liggen de documenten vast: een aanvulling voegt toe, niets wordt vervangen.\n\nStuur `multipart/form-data` met een deel `bestand` (het bestand met zijn naam, zonder map en zonder stuurtekens) en een deel `soort`. Het type wordt bepaald aan de inhoud, niet aan de naam of het opgegeven type: toegestaan zijn PDF, DOCX, XLSX, ODT, ODS, PNG en JPEG (anders 415). Ten hoogste 20 MiB per bestand en 100 MiB voor alle documenten van een aanvraag samen (anders 413; de beheerder kan deze grenzen instellen). Een leeg bestand, een afgebroken bericht of een verkeerde naam geeft 400. Bij een weigering wordt niets bewaard. Een `Idempotency-Key` wordt hier niet aangenomen.",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Toegevoegd.", body = Document,
            headers(("Location" = String, description = "Het pad van het nieuwe document."))),
    )
)]
pub async fn toevoegen(
    req: HttpRequest,
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    payload: Payload,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let intake = Intake {
        spool_dir: state.documents.spool_dir.clone(),
        max_file_bytes: state.documents.limits.max_file_bytes,
    };
    let received = multipart::receive(&req, payload, &intake).await?;
    let mut missing = Vec::new();
    if received.file.is_none() {
        missing.push(InvalidParam {
            name: "bestand".to_owned(),
            reason: "ontbreekt; stuur het bestand in een deel 'bestand', met zijn naam".to_owned(),
        });
    }
    if received.kind.as_deref().is_none_or(str::is_empty) {
        missing.push(InvalidParam {
            name: "soort".to_owned(),
            reason: "ontbreekt; geef de soort van het document, zoals 'projectplan', 'begroting', 'aanvulling' of 'overig'".to_owned(),
        });
    }
    let (Some(mut file), Some(kind), true) = (received.file, received.kind, missing.is_empty())
    else {
        return Err(ApiError::invalid(missing));
    };
    let pool = state.pool.clone();
    let store = state.document_store.clone();
    let limits = state.documents.limits;
    let actor = caller.0;
    let now = state.now();
    let row = blocking(move || {
        let upload = Upload {
            kind,
            file_name: file.name.clone(),
            content: &mut file.file,
        };
        documents::upload(&pool, store.as_ref(), &actor, &id, upload, &limits, now)
    })
    .await?;
    let location = format!(
        "{}/aanvragen/{}/documenten/{}",
        crate::dto::BASE,
        row.application_id,
        row.id
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(Document::from(row)))
}

/// The documents of an application.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/documenten",
    tag = "aanvragen",
    operation_id = "documentenOphalen",
    summary = "De documenten van een aanvraag",
    description = "Voor wie de aanvraag mag zien: de eigen organisatie, beoordelaars (niet bij een belangenconflict voor de regio), financien en beheerders. Met de documenten die de regeling vraagt en of ze er zijn.",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    responses((status = 200, description = "De documenten, oudste eerst.", body = DocumentLijst))
)]
pub async fn lijst(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let (rows, required) = blocking(move || {
        let rows = documents::list(&pool, &actor, &id)?;
        let required = documents::required(&pool, &actor, &id)?;
        Ok((rows, required))
    })
    .await?;
    let documenten: Vec<Document> = rows.into_iter().map(Document::from).collect();
    let required = required
        .into_iter()
        .map(|r| VerplichtDocument::of(r, &documenten))
        .collect();
    Ok(HttpResponse::Ok().json(DocumentLijst {
        documenten,
        verplichteDocumenten: required,
    }))
}

/// `attachment` with a plain ASCII name and the exact name in UTF-8 (RFC 6266).
pub fn disposition(name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{encoded}",
        ascii_name(name)
    )
}

/// Reading one document, chunk after chunk.
struct Reading {
    pool: Pool,
    store: std::sync::Arc<dyn DocumentStore>,
    row: DocumentRow,
    index: u32,
    read: u64,
    hasher: Sha256,
}

fn broken(row: &DocumentRow, what: &str) -> std::io::Error {
    tracing::error!(
        document = %row.id,
        application = %row.application_id,
        "document afgebroken: {what}"
    );
    std::io::Error::other(format!("document {}: {what}", row.id))
}

/// The next piece of the body, and what is left to read (`None`: nothing more).
async fn next_piece(mut r: Reading) -> Option<(Result<Bytes, std::io::Error>, Option<Reading>)> {
    let (pool, store, doc, index) = (r.pool.clone(), r.store.clone(), r.row.id.clone(), r.index);
    let chunk = web::block(move || documents::chunk(&pool, store.as_ref(), &doc, index)).await;
    let size = u64::try_from(r.row.size_bytes).unwrap_or(0);
    let data = match chunk {
        Ok(Ok(Some(data))) => data,
        Ok(Ok(None)) => {
            return Some((
                Err(broken(&r.row, "de inhoud is korter dan opgeslagen")),
                None,
            ))
        }
        Ok(Err(e)) => return Some((Err(broken(&r.row, &e.to_string())), None)),
        Err(e) => return Some((Err(broken(&r.row, &e.to_string())), None)),
    };
    r.hasher.update(&data);
    r.read += data.len() as u64;
    r.index += 1;
    if r.read > size {
        return Some((
            Err(broken(&r.row, "de inhoud is langer dan opgeslagen")),
            None,
        ));
    }
    if r.read == size {
        // The last chunk goes out only when the whole content is what was stored.
        let digest = hex(&r.hasher.finalize_reset());
        if digest != r.row.sha256 {
            let what = format!("SHA-256 {digest} in plaats van {}", r.row.sha256);
            return Some((Err(broken(&r.row, &what)), None));
        }
        return Some((Ok(Bytes::from(data)), None));
    }
    Some((Ok(Bytes::from(data)), Some(r)))
}

/// Downloads a document.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/documenten/{documentId}",
    tag = "aanvragen",
    operation_id = "documentDownloaden",
    summary = "Een document downloaden",
    description = "Altijd als bijlage (`Content-Disposition: attachment`, met de oorspronkelijke naam veilig gemaakt), met het type dat aan de inhoud is bepaald en `X-Content-Type-Options: nosniff`; nooit inline. De SHA-256 wordt tijdens het lezen gecontroleerd: klopt hij niet, dan breekt de server het antwoord af voor de laatste byte (het is dan korter dan `Content-Length`).",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("documentId" = String, Path, description = "Het id van het document."),
    ),
    responses((status = 200, description = "De inhoud, met het type dat bij het uploaden aan de inhoud is bepaald.", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/vnd.oasis.opendocument.text"),
            (Vec<u8> = "application/vnd.oasis.opendocument.spreadsheet"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
        ), headers(
            ("Content-Disposition" = String, description = "attachment, met de bestandsnaam."),
            ("X-Content-Type-Options" = String, description = "nosniff."),
        )))
)]
pub async fn downloaden(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document_id) = path.into_inner();
    let id = path_id(&id, "aanvraag")?;
    let document_id = path_id(&document_id, "document")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let row = blocking(move || documents::open(&pool, &actor, &id, &document_id)).await?;
    Ok(download_response(
        state.pool.clone(),
        state.document_store.clone(),
        row,
    ))
}

/// The streamed answer with a document [`documents::open`] found: an attachment with the
/// type decided at upload, never inline; the body broken off before its last byte when
/// the content no longer has its SHA-256. The portal answers its downloads with it too.
pub fn download_response(
    pool: Pool,
    store: std::sync::Arc<dyn DocumentStore>,
    row: DocumentRow,
) -> HttpResponse {
    // A stored size is never negative; were it so, the first chunk breaks the body off.
    let size = u64::try_from(row.size_bytes).unwrap_or(0);
    let name = disposition(&row.file_name);
    let media_type = row.media_type.clone();
    let etag = format!("\"{}\"", row.sha256);
    let reading = Reading {
        pool,
        store,
        row,
        index: 0,
        read: 0,
        hasher: Sha256::new(),
    };
    let body = futures_util::stream::unfold(Some(reading), |r| async move { next_piece(r?).await });
    HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((header::CONTENT_DISPOSITION, name))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::ETAG, etag))
        .no_chunking(size)
        .streaming(body)
}

/// Removes a document from a concept.
#[utoipa::path(
    delete,
    path = "/aanvragen/{id}/documenten/{documentId}",
    tag = "aanvragen",
    operation_id = "documentVerwijderen",
    summary = "Een document verwijderen",
    description = "Alleen de aanvrager, en alleen zolang de aanvraag een concept is; daarna liggen de documenten vast (409). Staat in de historie.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("documentId" = String, Path, description = "Het id van het document."),
    ),
    responses((status = 204, description = "Verwijderd."))
)]
pub async fn verwijderen(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document_id) = path.into_inner();
    let id = path_id(&id, "aanvraag")?;
    let document_id = path_id(&document_id, "document")?;
    let pool = state.pool.clone();
    let store = state.document_store.clone();
    let actor = caller.0;
    let now = state.now();
    blocking(move || documents::delete(&pool, store.as_ref(), &actor, &id, &document_id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
