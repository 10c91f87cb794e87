//! The documents the demo's applicants send with an application: for every document
//! its instrument requires, a small PDF, uploaded through the use case as a person would;
//! and the partners of the consortium its instrument requires.

use chrono::{DateTime, Utc};
use subsidie_domain::consortium::Partner;
use subsidie_domain::documents::samples;
use subsidie_service::consortium;
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
    attach_partners(pool, applicant, application_id, at)
}

/// Names as many partners of each kind as the instrument requires, when the application
/// names none yet: made-up organisations with `example.nl` addresses.
fn attach_partners(
    pool: &Pool,
    applicant: &Actor,
    application_id: &str,
    at: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (present, rules) = consortium::partners(pool, applicant, application_id)?;
    if !present.is_empty() || rules.is_empty() {
        return Ok(());
    }
    let mut list = Vec::new();
    for rule in &rules {
        for n in 1..=rule.at_least.max(1) {
            list.push(Partner {
                organisation: format!("{} {n}", rule.name),
                kind: rule.kind.clone(),
                role: if list.is_empty() {
                    "penvoerder"
                } else {
                    "partner"
                }
                .to_owned(),
                contact_name: format!("Contactpersoon {n}"),
                contact_email: format!("{}-{n}@partner.example.nl", rule.kind),
            });
        }
    }
    consortium::set_partners(pool, applicant, application_id, &list, at)?;
    Ok(())
}
