//! Operations of the `subsidie` binary on a real database: four processes migrating one
//! empty database at once, and a backup restored into a fresh database on which the
//! ledger check still passes. On SQLite, or on PostgreSQL when
//! `SUBSIDIE_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use subsidie_store::testing::{postgres_server_url, TestDatabase};
use subsidie_store::{Backend, DatabaseUrl};

const BIN: &str = env!("CARGO_BIN_EXE_subsidie");

fn url_text(url: &DatabaseUrl) -> String {
    match url.backend() {
        Backend::Sqlite => format!("sqlite://{}", url.target()),
        Backend::Postgres => url.target().to_owned(),
    }
}

fn subsidie(database_url: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("DATABASE_URL", database_url)
        .env_remove("SMTP_URL")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(database_url: &str, args: &[&str]) -> Output {
    subsidie(database_url)
        .args(args)
        .output()
        .expect("subsidie")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn migrations_dir(backend: Backend) -> PathBuf {
    let dialect = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(dialect)
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[test]
fn four_processes_migrate_an_empty_database_at_once_and_each_migration_runs_once() {
    let db = TestDatabase::new().unwrap();
    let url = url_text(db.url());
    let children: Vec<_> = (0..4)
        .map(|_| {
            subsidie(&url)
                .arg("migrate")
                .spawn()
                .expect("subsidie migrate")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "migrate faalde: {}", text(&out));
    }
    let expected: Vec<String> = std::fs::read_dir(migrations_dir(db.url().backend()))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("up.sql").exists())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.split('_').next().unwrap().replace('-', "")
        })
        .collect();
    let mut conn = db.url().connect().unwrap();
    let mut versions: Vec<String> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations ORDER BY version")
            .load::<Version>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|v| v.version)
            .collect();
    let rows = versions.len();
    versions.dedup();
    assert_eq!(rows, versions.len(), "een migratie staat er twee keer in");
    let mut expected = expected;
    expected.sort();
    assert_eq!(versions, expected);
    // The schema is whole: the last migration's tables answer.
    let n = diesel::sql_query("SELECT COUNT(*) AS n FROM instruments")
        .get_result::<Count>(&mut conn)
        .unwrap();
    assert_eq!(n.n, 0);
}

/// Loads the letter's scenario (`subsidie demo`), so the ledger has reservations, grants
/// and payments to check.
fn filled(db: &TestDatabase) -> String {
    let url = url_text(db.url());
    let out = run(&url, &["demo"]);
    assert!(out.status.success(), "demo faalde: {}", text(&out));
    url
}

fn assert_ledger_holds(url: &str) {
    let out = run(url, &["budget"]);
    assert!(out.status.success(), "budget faalde: {}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("Grootboek klopt tot op de cent: ja"),
        "grootboek na terugzetten: {shown}"
    );
}

#[test]
fn a_backup_restored_into_a_fresh_database_passes_the_ledger_check() {
    let db = TestDatabase::new().unwrap();
    let url = filled(&db);
    let dir = std::env::temp_dir().join(format!("subsidie_backup_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(format!("kopie-{}.db", rand_suffix()));
    let out = run(&url, &["backup", "--out", copy.to_str().unwrap()]);
    match db.url().backend() {
        Backend::Sqlite => {
            assert!(out.status.success(), "backup faalde: {}", text(&out));
            // A second backup to the same file is refused: a backup overwrites nothing.
            let again = run(&url, &["backup", "--out", copy.to_str().unwrap()]);
            assert!(!again.status.success());
            assert!(text(&again).contains("bestaat al"), "{}", text(&again));
            // Restore: the copy is a database of its own, opened where it lies.
            let restored = dir.join(format!("terug-{}.db", rand_suffix()));
            std::fs::copy(&copy, &restored).unwrap();
            assert_ledger_holds(&format!("sqlite://{}", restored.display()));
            for f in [&copy, &restored] {
                let _ = std::fs::remove_file(f);
            }
        }
        Backend::Postgres => {
            assert!(!out.status.success());
            assert!(text(&out).contains("pg_dump"), "{}", text(&out));
            assert!(!copy.exists());
            // What docs/operations.md describes: pg_dump, pg_restore into a fresh database.
            let dump = dir.join(format!("subsidie-{}.dump", rand_suffix()));
            let dumped = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&dump)
                .arg(db.url().target())
                .output()
                .expect("pg_dump (apt-get install postgresql-client)");
            assert!(dumped.status.success(), "pg_dump: {}", text(&dumped));
            let fresh = TestDatabase::postgres(&postgres_server_url()).unwrap();
            let restored = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(fresh.url().target())
                .arg(&dump)
                .output()
                .expect("pg_restore");
            assert!(restored.status.success(), "pg_restore: {}", text(&restored));
            assert_ledger_holds(&url_text(fresh.url()));
            let _ = std::fs::remove_file(&dump);
        }
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
