//! Outbox rows that the lifecycle does not write: payment notices and reminders before
//! the accounting deadline.
//!
//! Their ids are derived from what they are about (`betaling-{payment id}`,
//! `herinnering_verantwoording-{application id}`), so queueing the same notice twice
//! adds nothing, and the Message-ID is as stable as for every other row.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;
use subsidie_domain::deadlines::amsterdam_date;
use subsidie_domain::lifecycle::State;
use subsidie_domain::Money;
use subsidie_store::db::write_transaction;
use subsidie_store::rows::{ApplicationRow, InstrumentRow, OrganisationRow, OutboxRow, PaymentRow};
use subsidie_store::schema::{applications, instruments, organisations, outbox, payments};
use subsidie_store::{DbConnection, Pool, StoreError};

use crate::error::NotifyError;
use crate::format::masked_iban;
use crate::templates::{ACCOUNTING_REMINDER, PAYMENT};

fn money_text(cents: i64) -> Result<String, NotifyError> {
    Money::from_cents(cents)
        .map(|m| m.to_string())
        .map_err(|e| NotifyError::Store(StoreError::ConstraintViolation(e.to_string())))
}

fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, NotifyError> {
    Ok(outbox::table.find(id).count().get_result::<i64>(conn)? > 0)
}

fn insert(
    conn: &mut DbConnection,
    id: String,
    application_id: &str,
    recipient: &str,
    template: &str,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), NotifyError> {
    let now: NaiveDateTime = now.naive_utc();
    diesel::insert_into(outbox::table)
        .values(&OutboxRow {
            id,
            application_id: Some(application_id.to_owned()),
            recipient: recipient.to_owned(),
            template: template.to_owned(),
            payload: payload.to_string(),
            created_at: now,
            due_at: now,
            attempts: 0,
            last_error: None,
            claimed_until: None,
            sent_at: None,
            failed_at: None,
        })
        .execute(conn)?;
    Ok(())
}

fn organisation(conn: &mut DbConnection, id: &str) -> Result<OrganisationRow, NotifyError> {
    Ok(organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)?)
}

/// Queues the notice of a payment (advance, remainder) or a recovery, in the caller's
/// transaction: call it where the payment run marks the payment paid, or where a
/// recovery is created. Returns false when the notice was already queued.
pub fn payment_notice(
    conn: &mut DbConnection,
    payment_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, NotifyError> {
    let id = format!("{PAYMENT}-{payment_id}");
    if exists(conn, &id)? {
        return Ok(false);
    }
    let payment: PaymentRow = payments::table
        .find(payment_id)
        .select(PaymentRow::as_select())
        .first(conn)?;
    let app: ApplicationRow = applications::table
        .find(&payment.application_id)
        .select(ApplicationRow::as_select())
        .first(conn)?;
    let instrument: InstrumentRow = instruments::table
        .find(&app.instrument_id)
        .select(InstrumentRow::as_select())
        .first(conn)?;
    let org = organisation(conn, &app.organisation_id)?;
    let payload = json!({
        "referentie": app.reference,
        "titel": app.title,
        "organisatie": org.name,
        "regeling": instrument.name,
        "soort": payment.kind,
        "bedrag": money_text(payment.amount_cents)?,
        "betalingskenmerk": payment.reference,
        "rekening": masked_iban(&org.iban),
        "datum": payment.due_on.format("%Y-%m-%d").to_string(),
    });
    insert(conn, id, &app.id, &org.email, PAYMENT, payload, now)?;
    Ok(true)
}

/// Queues a reminder for every granted application whose instrument's accounting
/// deadline falls within `days_before` days from today (Amsterdam), once per
/// application. Returns how many were queued. Run it daily (the dispatcher's host or a
/// scheduled CLI call).
pub fn accounting_reminders(
    pool: &Pool,
    now: DateTime<Utc>,
    days_before: u32,
) -> Result<usize, NotifyError> {
    let today = amsterdam_date(now);
    let horizon = today
        .checked_add_days(chrono::Days::new(u64::from(days_before)))
        .unwrap_or(today);
    let mut conn = pool.get()?;
    let due: Vec<(ApplicationRow, InstrumentRow)> = applications::table
        .inner_join(instruments::table)
        .filter(applications::state.eq(State::Granted.as_str()))
        .filter(instruments::accounting_deadline.ge(today))
        .filter(instruments::accounting_deadline.le(horizon))
        .order(applications::id.asc())
        .select((ApplicationRow::as_select(), InstrumentRow::as_select()))
        .load(&mut conn)?;
    let mut queued = 0;
    for (app, instrument) in due {
        let Some(deadline) = instrument.accounting_deadline else {
            continue;
        };
        let id = format!("{ACCOUNTING_REMINDER}-{}", app.id);
        let added = write_transaction(&mut conn, |conn| -> Result<bool, NotifyError> {
            if exists(conn, &id)? {
                return Ok(false);
            }
            let org = organisation(conn, &app.organisation_id)?;
            let payload = json!({
                "referentie": app.reference,
                "titel": app.title,
                "organisatie": org.name,
                "regeling": instrument.name,
                "verleend": money_text(app.granted_cents)?,
                "verantwoording_uiterlijk": deadline.format("%Y-%m-%d").to_string(),
            });
            insert(
                conn,
                id.clone(),
                &app.id,
                &org.email,
                ACCOUNTING_REMINDER,
                payload,
                now,
            )?;
            Ok(true)
        });
        match added {
            Ok(true) => queued += 1,
            Ok(false) => {}
            // Another process queued it at the same moment.
            Err(NotifyError::Store(StoreError::UniqueViolation(_))) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(queued)
}
