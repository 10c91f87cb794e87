//! Writing rows to the outbox, in the caller's transaction.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use subsidie_domain::letters::Template;
use subsidie_store::schema::outbox;
use subsidie_store::DbConnection;

use crate::convert::naive;
use crate::decisions::archive;
use crate::error::ServiceError;

/// Rows inserted per statement when a payment run queues its notices: 7 bound values
/// each, well below SQLite's limit of 32 766 per statement; on PostgreSQL the rows of
/// one `COPY`.
const BATCH: usize = 1_000;

/// From how many rows PostgreSQL gets a `COPY` rather than an INSERT. A submission's one
/// receipt stays an INSERT: a prepared statement diesel caches per connection, where a
/// `COPY` is parsed anew each time and costs more round trips.
const COPY_FROM: usize = 50;

/// A new outbox row, due at once. Only what a new row says; the columns about sending
/// (attempts, errors, claims) start at their defaults.
pub(crate) struct Mail {
    id: String,
    application_id: Option<String>,
    recipient: String,
    template: Template,
    payload: String,
    at: NaiveDateTime,
}

impl Mail {
    /// A mail with `letter` as its payload. The letter goes through a JSON value so
    /// that its keys are stored sorted, as rows written from JSON maps always were.
    pub(crate) fn new(
        id: String,
        application_id: Option<&str>,
        recipient: &str,
        template: Template,
        letter: &impl Serialize,
        now: DateTime<Utc>,
    ) -> Result<Mail, ServiceError> {
        let payload = serde_json::to_value(letter)
            .map_err(|e| ServiceError::Internal(format!("e-mail {template}: {e}")))?;
        Ok(Mail {
            id,
            application_id: application_id.map(str::to_owned),
            recipient: recipient.to_owned(),
            template,
            payload: payload.to_string(),
            at: naive(now),
        })
    }
}

/// The ids among `ids` that are in the outbox already.
pub(crate) fn queued_ids(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<HashSet<String>, ServiceError> {
    Ok(outbox::table
        .filter(outbox::id.eq_any(ids))
        .select(outbox::id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Inserts the rows whose ids are not in the outbox yet; returns how many were added.
/// The check makes queueing idempotent within the transaction; two transactions racing
/// for the same id are stopped by the primary key.
pub(crate) fn insert_new(conn: &mut DbConnection, rows: Vec<Mail>) -> Result<usize, ServiceError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let existing = queued_ids(conn, &ids)?;
    let fresh: Vec<Mail> = rows
        .into_iter()
        .filter(|r| !existing.contains(&r.id))
        .collect();
    insert_all(conn, &fresh)
}

/// Inserts rows whose ids are new (random ids need no check); returns how many. A
/// decision's mail gets its PDF letter in the same transaction ([`archive`]).
pub(crate) fn insert_all(conn: &mut DbConnection, rows: &[Mail]) -> Result<usize, ServiceError> {
    let added = insert_rows(conn, rows)?;
    for row in rows.iter().filter(|r| r.template.is_decision()) {
        if let Some(application_id) = &row.application_id {
            let payload: serde_json::Value = serde_json::from_str(&row.payload)
                .map_err(|e| ServiceError::Internal(format!("e-mail {}: {e}", row.template)))?;
            archive(
                conn,
                &row.id,
                application_id,
                row.template,
                &payload,
                row.at.and_utc(),
            )?;
        }
    }
    Ok(added)
}

fn insert_rows(conn: &mut DbConnection, rows: &[Mail]) -> Result<usize, ServiceError> {
    // Many rows at once: a payment run queues one notice per payment, up to a million,
    // an allocation run one letter per application. Every value given is a plain bound
    // value, so SQLite too gets one multi-row INSERT (diesel splits a batch into
    // single-row statements when a value may be DEFAULT); PostgreSQL gets one binary
    // `COPY … FROM STDIN` per batch (100,000 letters of 1.5 KB took PostgreSQL 8 s as
    // multi-row INSERTs). diesel's connection over both backends can do neither, so the
    // statement is made on the backend's own connection.
    let mut added = 0;
    for chunk in rows.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    outbox::id.eq(&r.id),
                    outbox::application_id.eq(r.application_id.as_deref()),
                    outbox::recipient.eq(&r.recipient),
                    outbox::template.eq(r.template.as_str()),
                    outbox::payload.eq(&r.payload),
                    outbox::created_at.eq(r.at),
                    outbox::due_at.eq(r.at),
                )
            })
            .collect();
        added += match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(outbox::table)
                .values(&values)
                .execute(c)?,
            DbConnection::Postgres(c) if chunk.len() >= COPY_FROM => {
                diesel::copy_from(outbox::table)
                    .from_insertable(&values)
                    .execute(c)?
            }
            DbConnection::Postgres(c) => diesel::insert_into(outbox::table)
                .values(&values)
                .execute(c)?,
        };
    }
    Ok(added)
}
