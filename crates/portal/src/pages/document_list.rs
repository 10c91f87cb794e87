//! The documents part of an application's page: the list with download links, what the
//! instrument asks for, and whether the visitor may add or remove documents.

use minijinja::{context, Value};
use subsidie_service::documents;
use subsidie_service::{Actor, Pool, Role, ServiceError};

use crate::view;

fn bytes_words(size: i64) -> String {
    if size >= 1024 * 1024 {
        format!("{:.1} MiB", size as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else if size >= 1024 {
        format!("{} KiB", size / 1024)
    } else {
        format!("{size} bytes")
    }
}

/// What the application page shows of its documents, for `actor`.
pub(crate) fn section(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    state: &str,
) -> Result<Value, ServiceError> {
    let rows = match documents::list(pool, actor, id) {
        Ok(rows) => rows,
        // A reviewer with a conflict of interest for the region sees the page (and why
        // he may not act) but not the documents.
        Err(ServiceError::NotFound { .. }) if actor.role == Role::Reviewer => {
            return Ok(context! { verborgen => true });
        }
        Err(e) => return Err(e),
    };
    let required = documents::required(pool, actor, id)?;
    let applicant = actor.role == Role::Applicant;
    let may_add = applicant && matches!(state, "concept" | "aanvulling_gevraagd");
    let mut kinds: Vec<Value> = required
        .iter()
        .map(|r| context! { code => r.kind.clone(), naam => r.name.clone() })
        .collect();
    if state == "aanvulling_gevraagd" {
        kinds.insert(0, context! { code => "aanvulling", naam => "Aanvulling" });
    } else {
        kinds.push(context! { code => "aanvulling", naam => "Aanvulling" });
    }
    kinds.push(context! { code => "overig", naam => "Overig" });
    Ok(context! {
        lijst => rows.iter().map(|d| context! {
            id => d.id.clone(),
            soort => required.iter().find(|r| r.kind == d.kind).map_or_else(|| d.kind.clone(), |r| r.name.clone()),
            naam => d.file_name.clone(),
            grootte => bytes_words(d.size_bytes),
            toegevoegd => view::instant(d.uploaded_at),
            aanvulling => d.supplement,
            sha256 => d.sha256.clone(),
        }).collect::<Vec<_>>(),
        verplicht => required.iter().map(|r| context! {
            naam => r.name.clone(),
            aanwezig => rows.iter().any(|d| d.kind == r.kind),
        }).collect::<Vec<_>>(),
        toevoegen => may_add,
        verwijderen => applicant && state == "concept",
        soorten => kinds,
    })
}
