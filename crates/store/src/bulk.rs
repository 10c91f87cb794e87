//! Writes of many rows at once, for the use cases that move thousands of applications in
//! one transaction (an allocation run of an opening rush moves 100,000).
//!
//! diesel's connection over both backends cannot send a multi-row `INSERT`, so each
//! statement is built on the backend's own connection: on PostgreSQL one `COPY … FROM
//! STDIN` in the binary format for all rows (100,000 placements took 3.4 s as 100
//! multi-row INSERTs, each a statement of 6,000 parameters to parse and plan), on SQLite
//! multi-row INSERTs. Every value is bound (the rows say `treat_none_as_default_value =
//! false`), so SQLite gets one multi-row statement too instead of one per row.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Text, Timestamp};

use crate::error::StoreError;
use crate::rows::{NewHistoryRow, NewLedgerRow, PlacementRow};
use crate::schema::{allocation_placements, application_history, ledger_entries};
use crate::DbConnection;

/// Rows per statement: at most ten bound values a row, well below SQLite's limit of
/// 32,766 and PostgreSQL's of 65,535 per statement.
pub const ROWS_PER_STATEMENT: usize = 1_000;

/// Appends history entries, in order; returns how many.
pub fn insert_history(
    conn: &mut DbConnection,
    rows: &[NewHistoryRow],
) -> Result<usize, StoreError> {
    match conn {
        DbConnection::Postgres(c) => Ok(diesel::copy_from(application_history::table)
            .from_insertable(rows)
            .execute(c)?),
        DbConnection::Sqlite(c) => {
            let mut added = 0;
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                added += diesel::insert_into(application_history::table)
                    .values(chunk)
                    .execute(c)?;
            }
            Ok(added)
        }
    }
}

/// Appends ledger entries, in order; returns how many.
pub fn insert_ledger(conn: &mut DbConnection, rows: &[NewLedgerRow]) -> Result<usize, StoreError> {
    match conn {
        DbConnection::Postgres(c) => Ok(diesel::copy_from(ledger_entries::table)
            .from_insertable(rows)
            .execute(c)?),
        DbConnection::Sqlite(c) => {
            let mut added = 0;
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                added += diesel::insert_into(ledger_entries::table)
                    .values(chunk)
                    .execute(c)?;
            }
            Ok(added)
        }
    }
}

/// Inserts an allocation run's placements; returns how many.
pub fn insert_placements(
    conn: &mut DbConnection,
    rows: &[PlacementRow],
) -> Result<usize, StoreError> {
    match conn {
        DbConnection::Postgres(c) => Ok(diesel::copy_from(allocation_placements::table)
            .from_insertable(rows)
            .execute(c)?),
        DbConnection::Sqlite(c) => {
            let mut added = 0;
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                added += diesel::insert_into(allocation_placements::table)
                    .values(chunk)
                    .execute(c)?;
            }
            Ok(added)
        }
    }
}

/// Moves applications read at `version` onto the waiting list: state `to`, the next
/// version, `updated_at = at`, and each its position, `(application id, position)`, in
/// one statement per chunk; returns how many rows changed (fewer than given: another
/// command changed one since it was read). One statement instead of the state's update
/// followed by the position's: on PostgreSQL each update writes a new row version and
/// new index entries, and the position's `UPDATE … FROM (VALUES …)` was planned as a
/// hash join over the whole table, 7 s for 80,000 positions.
pub fn move_to_waiting_list(
    conn: &mut DbConnection,
    to: &str,
    version: i64,
    at: NaiveDateTime,
    positions: &[(&str, i32)],
) -> Result<usize, StoreError> {
    let mut changed = 0;
    for chunk in positions.chunks(ROWS_PER_STATEMENT) {
        changed += match conn {
            DbConnection::Sqlite(c) => {
                let mut query = diesel::sql_query(waitlist_sql(chunk.len()))
                    .into_boxed::<diesel::sqlite::Sqlite>()
                    .bind::<Text, _>(to)
                    .bind::<BigInt, _>(version + 1)
                    .bind::<Timestamp, _>(at);
                for (id, position) in chunk {
                    query = query.bind::<Text, _>(*id).bind::<Integer, _>(*position);
                }
                query.bind::<BigInt, _>(version).execute(c)?
            }
            DbConnection::Postgres(c) => {
                let ids: Vec<&str> = chunk.iter().map(|(id, _)| *id).collect();
                let numbers: Vec<i32> = chunk.iter().map(|(_, p)| *p).collect();
                diesel::sql_query(
                    "UPDATE applications SET state = $1, version = $2, updated_at = $3, \
                     waitlist_position = v.position \
                     FROM unnest($4::text[], $5::int4[]) AS v(id, position) \
                     WHERE applications.id = v.id AND applications.version = $6",
                )
                .bind::<Text, _>(to)
                .bind::<BigInt, _>(version + 1)
                .bind::<Timestamp, _>(at)
                .bind::<Array<Text>, _>(ids)
                .bind::<Array<Integer>, _>(numbers)
                .bind::<BigInt, _>(version)
                .execute(c)?
            }
        };
    }
    Ok(changed)
}

/// SQLite's statement for `rows` pairs: `UPDATE … FROM (VALUES …)` (since 3.33), whose
/// columns SQLite names `column1`, `column2`.
fn waitlist_sql(rows: usize) -> String {
    let values = vec!["(?, ?)"; rows].join(", ");
    format!(
        "UPDATE applications SET state = ?, version = ?, updated_at = ?, \
         waitlist_position = v.column2 FROM (VALUES {values}) AS v \
         WHERE applications.id = v.column1 AND applications.version = ?"
    )
}

#[cfg(test)]
mod tests {
    use super::waitlist_sql;

    #[test]
    fn one_pair_of_placeholders_per_row() {
        let sql = waitlist_sql(2);
        assert!(sql.contains("(VALUES (?, ?), (?, ?)) AS v"));
        assert_eq!(sql.matches('?').count(), 3 + 2 * 2 + 1);
    }
}
