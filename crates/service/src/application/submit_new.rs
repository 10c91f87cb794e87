//! Creating and submitting in one request: the draft's checks, then the checks and
//! fields of `POST /aanvragen/{id}/indieningen` (the same functions the pipeline of
//! [`super::execute`] calls), in one transaction. A refusal of either leaves nothing behind, so the applicant can simply
//! send the request again once it is right.
//!
//! Documents can only be attached to an existing application, so an instrument that
//! requires documents cannot be applied for in one request: that is refused before
//! anything is written, naming the documents and the two-step path.

use chrono::{DateTime, Utc};
use subsidie_domain::lifecycle::{transition, Command, State};
use subsidie_store::rows::ApplicationRow;
use subsidie_store::{DbConnection, Pool};

use super::draft::{check_draft, may_draft, store_draft, CheckedDraft, NewApplication};
use super::effects::conclude;
use super::record::history;
use super::submit::submit_with;
use crate::access;
use crate::actor::Actor;
use crate::documents::required_for;
use crate::error::ServiceError;
use crate::outbox::letters::queue_receipt_of_new;
use crate::tx;

/// Creates an application and submits it in one transaction: the same checks, history
/// (`aanmaken`, then `indienen`), version and receipt letter as the two steps one after
/// the other.
///
/// The submission's checks run on the draft's row before it is written, so the row is
/// inserted once as submitted instead of inserted and updated, and what the pipeline of
/// [`super::execute`] would read again is taken from the draft: the instrument and the
/// organisation just read, no documents, no partners, no queued mails and no extended
/// accounting deadline (nothing can refer to an application that did not exist before
/// this transaction).
pub fn create_and_submit(
    pool: &Pool,
    actor: &Actor,
    new: &NewApplication,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, ServiceError> {
    let organisation_id = may_draft(actor)?;
    access::authorise(actor, Command::Submit)?;
    tx::write(pool, |conn| {
        let CheckedDraft {
            mut row,
            instrument,
            organisation,
        } = check_draft(conn, &organisation_id, new, now)?;
        refuse_required_documents(conn, &instrument.id)?;
        let step = transition(State::Draft, Command::Submit)?;
        if step.effects.iter().any(|e| e.is_budget()) {
            // The budget row is not locked here; the pipeline's table says submitting
            // moves no money, and this path must not silently skip it if that changes.
            return Err(ServiceError::Internal(
                "indienen verplaatst budget; dat kan niet in één verzoek".into(),
            ));
        }
        submit_with(conn, &mut row, &instrument, &[], now)?;
        conclude(&mut row, Command::Submit, None, step.to, now)?;
        // Version 1 is the draft, version 2 the submission, as the two steps leave it.
        row.version += 1;
        store_draft(conn, actor, &row, &instrument, now)?;
        history(
            conn,
            &row.id,
            actor,
            Command::Submit.as_str(),
            Some(State::Draft),
            step.to,
            None,
            now,
        )?;
        for notice in step.notices() {
            queue_receipt_of_new(conn, &row, &instrument, &organisation, notice, now)?;
        }
        Ok(row)
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
