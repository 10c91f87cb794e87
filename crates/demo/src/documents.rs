//! The documents the demo's applicants send with an application: for every document
//! its instrument requires, a small PDF, uploaded through the use case as a person would.

use chrono::{DateTime, Utc};
use subsidie_domain::documents::samples;
use subsidie_service::documents::{self, DocumentLimits, Upload};
use subsidie_service::{Actor, Pool, ServiceError};
use subsidie_store::documents::DatabaseChunks;

/// Uploads a PDF for each required document the application does not yet have.
pub(crate) fn attach_required(
    pool: &Pool,
    applicant: &Actor,
    application_id: &str,
    at: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let present = documents::list(pool, applicant, application_id)?;
    for required in documents::required(pool, applicant, application_id)? {
        if present.iter().any(|d| d.kind == required.kind) {
            continue;
        }
        let mut content = std::io::Cursor::new(samples::pdf(&format!(
            "{} bij aanvraag {application_id}",
            required.name
        )));
        documents::upload(
            pool,
            &DatabaseChunks,
            applicant,
            application_id,
            Upload {
                kind: required.kind.clone(),
                file_name: format!("{}.pdf", required.kind),
                content: &mut content,
            },
            &DocumentLimits::default(),
            at,
        )?;
    }
    Ok(())
}
