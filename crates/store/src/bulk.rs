//! Writes of many rows at once, for the use cases that move thousands of applications in
//! one transaction (an allocation run of an opening rush moves 100,000).
//!
//! diesel's connection over both backends cannot send a multi-row `INSERT`, so each
//! statement is built on the backend's own connection. Every value is bound (the rows
//! say `treat_none_as_default_value = false`), so SQLite gets one multi-row statement
//! too instead of one per row.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::error::StoreError;
use crate::rows::{NewHistoryRow, NewLedgerRow, PlacementRow};
use crate::schema::{allocation_placements, application_history, ledger_entries};
use crate::DbConnection;

/// Rows per statement: at most ten bound values a row, well below SQLite's limit of
/// 32,766 and PostgreSQL's of 65,535 per statement.
pub const ROWS_PER_STATEMENT: usize = 1_000;

/// Runs the same diesel statement on whichever backend's connection `conn` holds.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConnection::Sqlite($c) => $body,
            DbConnection::Postgres($c) => $body,
        }
    };
}

/// Appends history entries, in order; returns how many.
pub fn insert_history(
    conn: &mut DbConnection,
    rows: &[NewHistoryRow],
) -> Result<usize, StoreError> {
    let mut added = 0;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        added += on_backend!(conn, |c| diesel::insert_into(application_history::table)
            .values(chunk)
            .execute(c)?);
    }
    Ok(added)
}

/// Appends ledger entries, in order; returns how many.
pub fn insert_ledger(conn: &mut DbConnection, rows: &[NewLedgerRow]) -> Result<usize, StoreError> {
    let mut added = 0;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        added += on_backend!(conn, |c| diesel::insert_into(ledger_entries::table)
            .values(chunk)
            .execute(c)?);
    }
    Ok(added)
}

/// Inserts an allocation run's placements; returns how many.
pub fn insert_placements(
    conn: &mut DbConnection,
    rows: &[PlacementRow],
) -> Result<usize, StoreError> {
    let mut added = 0;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        added += on_backend!(conn, |c| diesel::insert_into(allocation_placements::table)
            .values(chunk)
            .execute(c)?);
    }
    Ok(added)
}

/// Sets each application's waiting-list position, `(application id, position)`;
/// returns how many rows changed. One `UPDATE … FROM (VALUES …)` per chunk, which both
/// dialects understand (SQLite since 3.33; both name the columns `column1`, `column2`).
pub fn set_waitlist_positions(
    conn: &mut DbConnection,
    positions: &[(String, i32)],
) -> Result<usize, StoreError> {
    let mut changed = 0;
    for chunk in positions.chunks(ROWS_PER_STATEMENT) {
        let dollar = matches!(conn, DbConnection::Postgres(_));
        let sql = waitlist_sql(chunk.len(), dollar);
        changed += match conn {
            DbConnection::Sqlite(c) => bind_positions(
                diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>(),
                chunk,
            )
            .execute(c)?,
            DbConnection::Postgres(c) => {
                bind_positions(diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>(), chunk)
                    .execute(c)?
            }
        };
    }
    Ok(changed)
}

fn bind_positions<'f, DB>(
    mut query: diesel::query_builder::BoxedSqlQuery<'f, DB, diesel::query_builder::SqlQuery>,
    chunk: &'f [(String, i32)],
) -> diesel::query_builder::BoxedSqlQuery<'f, DB, diesel::query_builder::SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<Text>
        + diesel::sql_types::HasSqlType<Integer>,
    &'f str: diesel::serialize::ToSql<Text, DB>,
    i32: diesel::serialize::ToSql<Integer, DB>,
{
    for (id, position) in chunk {
        query = query
            .bind::<Text, _>(id.as_str())
            .bind::<Integer, _>(*position);
    }
    query
}

/// The statement for `rows` pairs, with `$n` placeholders (PostgreSQL) or `?` (SQLite).
fn waitlist_sql(rows: usize, dollar: bool) -> String {
    let mut values = String::with_capacity(rows * 12);
    for n in 0..rows {
        if n > 0 {
            values.push_str(", ");
        }
        if dollar {
            values.push_str(&format!("(${}, ${})", 2 * n + 1, 2 * n + 2));
        } else {
            values.push_str("(?, ?)");
        }
    }
    format!(
        "UPDATE applications SET waitlist_position = v.column2 FROM (VALUES {values}) AS v \
         WHERE applications.id = v.column1"
    )
}

#[cfg(test)]
mod tests {
    use super::waitlist_sql;

    #[test]
    fn placeholders_follow_the_dialect() {
        assert!(waitlist_sql(2, true).contains("($1, $2), ($3, $4)"));
        assert!(waitlist_sql(2, false).contains("(?, ?), (?, ?)"));
    }
}
