//! Helpers shared by the integration tests of this crate.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use subsidie_notify::testing::outbox;
use subsidie_service::Pool;
use subsidie_store::rows::OutboxRow;

/// One receipt notice per recipient, due at `due`; their ids in the same order.
pub fn rows_for(pool: &Pool, recipients: &[String], due: DateTime<Utc>) -> Vec<String> {
    outbox::queue_receipts(pool, recipients, due).unwrap()
}

/// A unique name.
pub fn uuid_like() -> String {
    outbox::unique_id()
}

/// The outbox row `id`.
pub fn row(pool: &Pool, id: &str) -> OutboxRow {
    outbox::outbox_row(pool, id).unwrap().unwrap()
}
