//! Helpers shared by the integration tests of this crate.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_notify::templates;
use subsidie_service::Pool;
use subsidie_store::db::write_transaction;
use subsidie_store::rows::OutboxRow;
use subsidie_store::schema::outbox;
use subsidie_store::StoreError;

/// Inserts one receipt notice per recipient directly, as the service would, due at
/// `due`; returns their ids in the same order.
pub fn rows_for(pool: &Pool, recipients: &[String], due: DateTime<Utc>) -> Vec<String> {
    let payload = templates::example_payload("ontvangstbevestiging").unwrap();
    let mut conn = pool.get().unwrap();
    let ids: Vec<String> = recipients.iter().map(|_| uuid_like()).collect();
    write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
        for (id, recipient) in ids.iter().zip(recipients) {
            diesel::insert_into(outbox::table)
                .values(&OutboxRow {
                    id: id.clone(),
                    application_id: None,
                    recipient: recipient.clone(),
                    template: "ontvangstbevestiging".into(),
                    payload: payload.to_string(),
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
    })
    .unwrap();
    ids
}

/// A unique row id.
pub fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("t{nanos:x}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// The outbox row `id`.
pub fn row(pool: &Pool, id: &str) -> OutboxRow {
    let mut conn = pool.get().unwrap();
    outbox::table
        .filter(outbox::id.eq(id))
        .select(OutboxRow::as_select())
        .first(&mut *conn)
        .unwrap()
}
