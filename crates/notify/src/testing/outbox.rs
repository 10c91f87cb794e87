//! Outbox rows written directly, as the service would, for tests of the dispatcher and
//! of the processes that run it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::db::write_transaction;
use subsidie_store::rows::OutboxRow;
use subsidie_store::schema::outbox;
use subsidie_store::{Pool, StoreError};

use crate::templates;

/// Queues one receipt notice (the example payload of `ontvangstbevestiging`) per
/// recipient, due at `due`; returns their ids in the same order.
pub fn queue_receipts(
    pool: &Pool,
    recipients: &[String],
    due: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let payload = templates::example_payload("ontvangstbevestiging")
        .map(|p| p.to_string())
        .unwrap_or_default();
    let mut conn = pool.get()?;
    let ids: Vec<String> = recipients.iter().map(|_| unique_id()).collect();
    write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
        for (id, recipient) in ids.iter().zip(recipients) {
            diesel::insert_into(outbox::table)
                .values(&OutboxRow {
                    id: id.clone(),
                    application_id: None,
                    recipient: recipient.clone(),
                    template: "ontvangstbevestiging".into(),
                    payload: payload.clone(),
                    created_at: due.naive_utc(),
                    due_at: due.naive_utc(),
                    attempts: 0,
                    last_error: None,
                    claimed_until: None,
                    sent_at: None,
                    failed_at: None,
                })
                .execute(conn)?;
        }
        Ok(())
    })?;
    Ok(ids)
}

/// The outbox row `id`, if there is one.
pub fn outbox_row(pool: &Pool, id: &str) -> Result<Option<OutboxRow>, StoreError> {
    let mut conn = pool.get()?;
    Ok(outbox::table
        .filter(outbox::id.eq(id))
        .select(OutboxRow::as_select())
        .first(&mut *conn)
        .optional()?)
}

/// A row id no other test uses.
pub fn unique_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}
