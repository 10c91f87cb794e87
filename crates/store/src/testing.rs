//! Throwaway databases for tests: a fresh SQLite file or a fresh PostgreSQL database per
//! test, dropped again when the handle goes out of scope, so parallel tests share nothing.
//!
//! The backend comes from `SUBSIDIE_TEST_BACKEND` (`sqlite`, the default, or `postgres`);
//! PostgreSQL is reached at `SUBSIDIE_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::connection::SimpleConnection;
use diesel::Connection;

use crate::db::{self, Backend, DatabaseUrl, Pool};
use crate::error::StoreError;

/// Default server for PostgreSQL test runs.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The backend the test run selected through `SUBSIDIE_TEST_BACKEND`.
pub fn selected_backend() -> Backend {
    match std::env::var("SUBSIDIE_TEST_BACKEND").as_deref() {
        Ok("postgres") | Ok("postgresql") | Ok("pg") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// The PostgreSQL server URL (without database) used for test databases.
pub fn postgres_server_url() -> String {
    std::env::var("SUBSIDIE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
        .trim_end_matches('/')
        .to_owned()
}

fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "subsidie_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A database that exists for one test.
pub struct TestDatabase {
    url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres { server: String, name: String },
}

impl TestDatabase {
    /// A fresh, migrated database on the selected backend.
    pub fn new() -> Result<TestDatabase, StoreError> {
        match selected_backend() {
            Backend::Sqlite => TestDatabase::sqlite(),
            Backend::Postgres => TestDatabase::postgres(&postgres_server_url()),
        }
    }

    /// A fresh SQLite file in the temporary directory.
    pub fn sqlite() -> Result<TestDatabase, StoreError> {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display()))?;
        Ok(TestDatabase {
            url,
            cleanup: Cleanup::File(path),
        })
    }

    /// A fresh database on the PostgreSQL server at `server` (a URL without database).
    pub fn postgres(server: &str) -> Result<TestDatabase, StoreError> {
        let name = unique_name();
        let mut admin = diesel::PgConnection::establish(&format!("{server}/postgres"))
            .map_err(|e| StoreError::Unavailable(format!("{server}: {e}")))?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = DatabaseUrl::parse(&format!("{server}/{name}"))?;
        Ok(TestDatabase {
            url,
            cleanup: Cleanup::Postgres {
                server: server.to_owned(),
                name,
            },
        })
    }

    /// The database's URL.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A migrated pool of at most `size` connections.
    pub fn pool(&self, size: u32) -> Result<Pool, StoreError> {
        db::open(&self.url, size)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Postgres { server, name } => {
                if let Ok(mut admin) =
                    diesel::PgConnection::establish(&format!("{server}/postgres"))
                {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}
