//! The lifecycle notices: the e-mail to the applicant's organisation when an
//! application reaches a state the domain's table says it must hear of.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::json;
use subsidie_domain::lifecycle::Notice;
use subsidie_store::rows::{ApplicationRow, InstrumentRow, OrganisationRow, OutboxRow};
use subsidie_store::schema::{organisations, outbox};
use subsidie_store::DbConnection;

use crate::convert::{money, naive, new_id};
use crate::error::ServiceError;

/// Writes an e-mail for `notice` about `app` to the outbox, addressed to the applicant's
/// organisation. The payload holds the facts the template needs.
pub(crate) fn notify(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    notice: Notice,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let org: OrganisationRow = organisations::table
        .find(&app.organisation_id)
        .select(OrganisationRow::as_select())
        .first(conn)?;
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let payload = json!({
        "referentie": app.reference,
        "titel": app.title,
        "organisatie": org.name,
        "regeling": instrument.name,
        "status": app.state,
        "aangevraagd": money(app.requested_cents)?.to_string(),
        "verleend": money(app.granted_cents)?.to_string(),
        "vastgesteld": app.settled_cents.map(money).transpose()?.map(|m| m.to_string()),
        "ontvangen_op": app.received_at.map(|t| t.and_utc().to_rfc3339()),
        "beslissen_uiterlijk": date(app.decision_due_on),
        "aanvulling": app.supplement_request,
        "aanvullen_uiterlijk": date(app.supplement_due_on),
        "motivering": app.decision_motivation,
        "bezwaar_uiterlijk": date(app.objection_due_on),
        "voorschot_percentage": instrument.advance_percent,
        "verantwoording_uiterlijk": date(instrument.accounting_deadline),
        "wachtlijstpositie": app.waitlist_position,
    });
    diesel::insert_into(outbox::table)
        .values(&OutboxRow {
            id: new_id(),
            application_id: Some(app.id.clone()),
            recipient: org.email,
            template: notice.as_str().to_owned(),
            payload: payload.to_string(),
            created_at: naive(now),
            due_at: naive(now),
            attempts: 0,
            last_error: None,
            claimed_until: None,
            sent_at: None,
            failed_at: None,
        })
        .execute(conn)?;
    Ok(())
}
