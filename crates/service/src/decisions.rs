//! Decisions as PDF letters (*besluiten*): made once, archived, never changed.
//!
//! When a use case queues the e-mail of a decision ([`Template::is_decision`]), the same
//! transaction renders the letter from the e-mail's own template and facts
//! (`subsidie_notify::pdf`, laid out by `subsidie-letterpdf` as PDF/A-2b) and stores it in
//! `decision_letters` with its SHA-256, under the id of the outbox row. The letter is
//! made at queue time, not at sending, because that is when the decision is taken and
//! dated: the frame's dagtekening is the day it is queued, the objection period counts
//! from it, and the letter exists (to download, to archive) even before the mail goes
//! out or if it never can. The dispatcher attaches these stored bytes; the API and the
//! portal serve them. The database refuses to change or remove a row.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use subsidie_domain::letters::Template;
use subsidie_store::documents::hex;
use subsidie_store::rows::DecisionLetterRow;
use subsidie_store::schema::decision_letters;
use subsidie_store::{DbConnection, Pool};

use crate::actor::Actor;
use crate::convert::naive;
use crate::documents::visible;
use crate::error::ServiceError;
use crate::tx;

/// The media type of every decision letter.
pub const MEDIA_TYPE: &str = "application/pdf";

/// Makes and stores the PDF letter of the mail `outbox_id` about `application_id`, when
/// `template` is a decision; does nothing for any other mail. In the caller's
/// transaction, so the decision, its mail and its letter exist together or not at all.
pub(crate) fn archive(
    conn: &mut DbConnection,
    outbox_id: &str,
    application_id: &str,
    template: Template,
    payload: &Json,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if !template.is_decision() {
        return Ok(());
    }
    let letter = subsidie_notify::templates::default_letter(template.as_str(), payload)
        .map_err(|e| ServiceError::Internal(format!("besluit {template}: {e}")))?;
    let pdf = subsidie_letterpdf::write(&letter)
        .map_err(|e| ServiceError::Internal(format!("besluit {template}: {e}")))?;
    let (year, month, day) = letter.date;
    let dated_on = chrono::NaiveDate::from_ymd_opt(i32::from(year), month.into(), day.into())
        .ok_or_else(|| ServiceError::Internal(format!("besluit {template}: dagtekening")))?;
    let reference = payload
        .get("referentie")
        .and_then(Json::as_str)
        .unwrap_or(application_id);
    let size =
        i64::try_from(pdf.len()).map_err(|_| ServiceError::Internal("besluit: te groot".into()))?;
    diesel::insert_into(decision_letters::table)
        .values((
            decision_letters::id.eq(outbox_id),
            decision_letters::application_id.eq(application_id),
            decision_letters::template.eq(template.as_str()),
            decision_letters::title.eq(&letter.title),
            decision_letters::dated_on.eq(dated_on),
            decision_letters::file_name.eq(format!("{template}-{reference}-{dated_on}.pdf")),
            decision_letters::size_bytes.eq(size),
            decision_letters::sha256.eq(hex(&Sha256::digest(&pdf))),
            decision_letters::content.eq(&pdf),
            decision_letters::created_at.eq(naive(now)),
        ))
        .execute(conn)?;
    Ok(())
}

fn letter_not_found(id: &str) -> ServiceError {
    ServiceError::NotFound {
        what: "besluit",
        id: id.to_owned(),
    }
}

/// The decisions' letters of an application, oldest first, for whoever may see it.
pub fn list(
    pool: &Pool,
    actor: &Actor,
    application_id: &str,
) -> Result<Vec<DecisionLetterRow>, ServiceError> {
    tx::read(pool, |conn| {
        let app = visible(conn, actor, application_id)?;
        Ok(decision_letters::table
            .filter(decision_letters::application_id.eq(&app.id))
            .order((decision_letters::created_at, decision_letters::id))
            .select(DecisionLetterRow::as_select())
            .load(conn)?)
    })
}

/// One decision's letter and its bytes, for whoever may see the application.
pub fn open(
    pool: &Pool,
    actor: &Actor,
    application_id: &str,
    letter_id: &str,
) -> Result<(DecisionLetterRow, Vec<u8>), ServiceError> {
    tx::read(pool, |conn| {
        let app = visible(conn, actor, application_id)?;
        let row = decision_letters::table
            .find(letter_id)
            .filter(decision_letters::application_id.eq(&app.id))
            .select(DecisionLetterRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| letter_not_found(letter_id))?;
        let content = decision_letters::table
            .find(letter_id)
            .select(decision_letters::content)
            .first::<Vec<u8>>(conn)?;
        Ok((row, content))
    })
}
