//! Documents on an application's page: the list with download links, what the
//! instrument asks for, an upload form (multipart, works without JavaScript, with the
//! CSRF token as a part) on a concept and while a supplement is asked, and a delete
//! button on a concept. Access is the application's, through the same use cases as the
//! API; downloads are the API's streamed attachments.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use subsidie_api::multipart::{self, Intake};
use subsidie_service::decisions;
use subsidie_service::documents::{self, Upload};
use subsidie_service::ServiceError;
use subsidie_store::documents::DatabaseChunks;

use super::application::detail;
use crate::failure::Failure;
use crate::form::{blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

/// `POST /aanvragen/{id}/documenten`: the upload form.
pub(crate) async fn upload(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    let settings = &state.config.documents;
    let intake = Intake {
        spool_dir: settings.spool_dir.clone(),
        max_file_bytes: settings.limits.max_file_bytes,
    };
    let id = id.into_inner();
    let mut p = Problems::new("document", &Fields::new());
    let received = match multipart::receive(&req, payload, &intake).await {
        Ok(r) => r,
        Err(e) => {
            let status = e.status();
            p.field("bestand", e.problem().detail.clone());
            return detail(&state, &visitor, &id, &p, None, status).await;
        }
    };
    visitor.check_csrf(received.csrf.as_ref())?;
    let Some(mut file) = received.file.filter(|f| f.size > 0 || !f.name.is_empty()) else {
        p.field("bestand", "kies een bestand om toe te voegen");
        return detail(
            &state,
            &visitor,
            &id,
            &p,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let kind = received.kind.unwrap_or_default();
    let (pool, limits, app) = (state.pool.clone(), settings.limits, id.clone());
    let now = state.now();
    let done = blocking(move || {
        let upload = Upload {
            kind,
            file_name: file.name.clone(),
            content: &mut file.file,
        };
        documents::upload(&pool, &DatabaseChunks, &actor, &app, upload, &limits, now)
    })
    .await?;
    match done {
        Ok(_) => Ok(see_other(&format!(
            "/aanvragen/{id}?gelukt=document#documenten"
        ))),
        Err(err) => {
            let status = match &err {
                ServiceError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                ServiceError::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            match err {
                ServiceError::TooLarge(m) | ServiceError::UnsupportedType(m) => {
                    p.field("bestand", m)
                }
                other => p.absorb(other)?,
            }
            detail(&state, &visitor, &id, &p, None, status).await
        }
    }
}

/// `GET /aanvragen/{id}/documenten/{document}`: the download.
pub(crate) async fn download(
    req: HttpRequest,
    state: web::Data<PortalState>,
    path: web::Path<(String, String)>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    let (id, document) = path.into_inner();
    let pool = state.pool.clone();
    let row = blocking(move || documents::open(&pool, &actor, &id, &document)).await??;
    Ok(subsidie_api::routes::documents::download_response(
        state.pool.clone(),
        Arc::new(DatabaseChunks),
        row,
    ))
}

/// `GET /aanvragen/{id}/besluiten/{besluit}`: a decision's PDF letter, as the API
/// answers it.
pub(crate) async fn decision(
    req: HttpRequest,
    state: web::Data<PortalState>,
    path: web::Path<(String, String)>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    let (id, letter) = path.into_inner();
    let pool = state.pool.clone();
    let (row, content) = blocking(move || decisions::open(&pool, &actor, &id, &letter)).await??;
    Ok(subsidie_api::routes::decisions::pdf_response(&row, content))
}

/// `POST /aanvragen/{id}/documenten/{document}/verwijderen`.
pub(crate) async fn delete(
    req: HttpRequest,
    state: web::Data<PortalState>,
    path: web::Path<(String, String)>,
    form: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    visitor.check_csrf(form.get("csrf"))?;
    let actor = visitor.signed_in()?.actor.clone();
    let (id, document) = path.into_inner();
    let (pool, app) = (state.pool.clone(), id.clone());
    let now = state.now();
    let done =
        blocking(move || documents::delete(&pool, &DatabaseChunks, &actor, &app, &document, now))
            .await?;
    match done {
        Ok(()) => Ok(see_other(&format!(
            "/aanvragen/{id}?gelukt=document-verwijderd#documenten"
        ))),
        Err(err) => {
            let mut p = Problems::new("document", &Fields::new());
            p.absorb(err)?;
            detail(&state, &visitor, &id, &p, None, StatusCode::CONFLICT).await
        }
    }
}
