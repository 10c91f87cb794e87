//! The SQLite and PostgreSQL migrations are written by hand, once per dialect, and must
//! give the same schema: the same tables, the same columns, the same NOT NULL-ness. One
//! set of queries runs on both, so a column added in one dialect only breaks the other at
//! run time; this test breaks first.
//!
//! Both are compared with the committed list `schema_parity/columns.txt`: SQLite on
//! every run, PostgreSQL when the run selects it (`SUBSIDIE_TEST_BACKEND=postgres`, as
//! every other test), and then also with each other. A column added in one dialect only
//! therefore fails one of the two runs whatever the list says. After a deliberate change
//! to both dialects, `UPDATE_SCHEMA_COLUMNS=1 cargo test -p subsidie-store --test
//! schema_parity` rewrites the list from SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use subsidie_store::testing::{postgres_server_url, selected_backend, TestDatabase};
use subsidie_store::{Backend, DbConnection};

const COLUMNS_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/schema_parity/columns.txt"
);

/// Diesel's own bookkeeping, which differs per backend by design.
const DIESEL_TABLE: &str = "__diesel_schema_migrations";

/// One column: `table.column NOT NULL` or `table.column NULL`, sorted.
type Schema = BTreeSet<String>;

fn line(table: &str, column: &str, not_null: bool) -> String {
    let nullness = if not_null { "NOT NULL" } else { "NULL" };
    format!("{table}.{column} {nullness}")
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct PostgresColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

/// The migrated schema of a fresh database.
fn schema_of(db: &TestDatabase) -> Schema {
    let pool = db.pool(1).expect("migrated pool");
    let mut conn = pool.get().expect("connection");
    match &mut *conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, \
                    p.\"notnull\" AS not_null, p.pk AS pk \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .load::<SqliteColumn>(c)
        .expect("SQLite columns")
        .into_iter()
        .filter(|col| col.table_name != DIESEL_TABLE)
        // PostgreSQL makes every primary-key column NOT NULL; SQLite, for historical
        // reasons, only enforces it on INTEGER keys, so a key counts as NOT NULL here.
        .map(|col| {
            line(
                &col.table_name,
                &col.column_name,
                col.not_null != 0 || col.pk > 0,
            )
        })
        .collect(),
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                    is_nullable::text AS is_nullable \
             FROM information_schema.columns \
             WHERE table_schema = current_schema()",
        )
        .load::<PostgresColumn>(c)
        .expect("PostgreSQL columns")
        .into_iter()
        .filter(|col| col.table_name != DIESEL_TABLE)
        .map(|col| line(&col.table_name, &col.column_name, col.is_nullable == "NO"))
        .collect(),
    }
}

fn tables(schema: &Schema) -> BTreeSet<&str> {
    schema
        .iter()
        .filter_map(|l| l.split_once('.').map(|(table, _)| table))
        .collect()
}

/// What differs, in words, for the failure message.
fn difference(left_name: &str, left: &Schema, right_name: &str, right: &Schema) -> String {
    let mut out = Vec::new();
    let (lt, rt) = (tables(left), tables(right));
    for t in lt.difference(&rt) {
        out.push(format!("table {t}: only in {left_name}"));
    }
    for t in rt.difference(&lt) {
        out.push(format!("table {t}: only in {right_name}"));
    }
    for l in left.difference(right) {
        out.push(format!("{l}: only in {left_name}"));
    }
    for l in right.difference(left) {
        out.push(format!("{l}: only in {right_name}"));
    }
    out.join("\n")
}

fn committed() -> Schema {
    let text = std::fs::read_to_string(COLUMNS_FILE).expect("the committed list of columns");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[track_caller]
fn assert_same(left_name: &str, left: &Schema, right_name: &str, right: &Schema) {
    assert!(
        left == right,
        "the schemas of {left_name} and {right_name} differ; keep migrations/sqlite and \
         migrations/postgres in step (and tests/schema_parity/columns.txt with them):\n{}",
        difference(left_name, left, right_name, right)
    );
}

#[test]
fn sqlite_and_postgresql_migrations_give_the_same_tables_and_columns() {
    let sqlite = schema_of(&TestDatabase::sqlite().expect("SQLite test database"));
    assert!(
        tables(&sqlite).contains("outbox"),
        "no tables found in SQLite: {sqlite:?}"
    );
    if std::env::var_os("UPDATE_SCHEMA_COLUMNS").is_some() {
        let mut text = String::from(
            "# Every column of the migrated schema, on SQLite and PostgreSQL alike \
             (tests/schema_parity.rs).\n",
        );
        for l in &sqlite {
            text.push_str(l);
            text.push('\n');
        }
        std::fs::write(COLUMNS_FILE, text).expect("write the list of columns");
    }
    let list = committed();
    assert_same("SQLite", &sqlite, "columns.txt", &list);

    match selected_backend() {
        Backend::Postgres => {
            let db = TestDatabase::postgres(&postgres_server_url())
                .expect("PostgreSQL test database (SUBSIDIE_TEST_BACKEND=postgres)");
            let postgres = schema_of(&db);
            assert_same("SQLite", &sqlite, "PostgreSQL", &postgres);
            assert_same("PostgreSQL", &postgres, "columns.txt", &list);
        }
        Backend::Sqlite => eprintln!(
            "schema parity: SQLite checked against columns.txt; PostgreSQL not selected \
             (set SUBSIDIE_TEST_BACKEND=postgres to compare it too)"
        ),
    }
}
