//! Creating and submitting in one request: the draft's checks and row, then the
//! submission through the same pipeline as `POST /aanvragen/{id}/indieningen`, in one
//! transaction. A refusal of either leaves nothing behind, so the applicant can simply
//! send the request again once it is right.
//!
//! Documents can only be attached to an existing application, so an instrument that
//! requires documents cannot be applied for in one request: that is refused before
//! anything is written, naming the documents and the two-step path.

use chrono::{DateTime, Utc};
use subsidie_domain::lifecycle::Command;
use subsidie_store::rows::ApplicationRow;
use subsidie_store::{DbConnection, Pool};

use super::action::{Action, Outcome};
use super::draft::{insert_draft, may_draft, NewApplication};
use super::execute::execute_in;
use crate::access;
use crate::actor::Actor;
use crate::documents::required_for;
use crate::error::ServiceError;
use crate::tx;

/// Creates an application and submits it in one transaction: the same checks, history
/// (`aanmaken`, then `indienen`) and receipt letter as the two steps one after the other.
pub fn create_and_submit(
    pool: &Pool,
    actor: &Actor,
    new: &NewApplication,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, ServiceError> {
    let organisation_id = may_draft(actor)?;
    access::authorise(actor, Command::Submit)?;
    tx::write(pool, |conn| {
        let draft = insert_draft(conn, actor, &organisation_id, new, now)?;
        refuse_required_documents(conn, &draft.instrument_id)?;
        match execute_in(conn, actor, &draft.id, None, &Action::Submit, now)? {
            Outcome::Changed(row) => Ok(*row),
            other => Err(ServiceError::Internal(format!(
                "indienen gaf een onverwachte uitkomst: {other:?}"
            ))),
        }
    })
}

/// The one-request path cannot carry documents; an instrument that requires any is
/// applied for in two steps.
fn refuse_required_documents(
    conn: &mut DbConnection,
    instrument_id: &str,
) -> Result<(), ServiceError> {
    let required = required_for(conn, instrument_id)?;
    if required.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = required
        .iter()
        .map(|r| format!("'{}' (soort '{}')", r.name, r.kind))
        .collect();
    Err(ServiceError::field(
        "indienen",
        format!(
            "'{instrument_id}' vraagt de verplichte documenten {}, en documenten kunnen pas aan een bestaande aanvraag worden toegevoegd; stel de aanvraag op zonder 'indienen' (of met 'indienen': false), voeg de documenten toe met POST /api/v1/aanvragen/{{id}}/documenten en dien in met POST /api/v1/aanvragen/{{id}}/indieningen",
            names.join(", ")
        ),
    ))
}
