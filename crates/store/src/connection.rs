//! What a database URL names and one connection to it, configured for its engine.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::error::StoreError;

/// How long SQLite waits for another writer before giving up with "busy".
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

mod multi {
    // The derive generates public helper items without docs.
    #![allow(missing_docs)]

    /// A connection to either backend; every query in this workspace is written once against it.
    #[derive(diesel::MultiConnection)]
    pub enum DbConnection {
        /// PostgreSQL, for several API processes sharing one database.
        Postgres(diesel::PgConnection),
        /// SQLite, the embedded default.
        Sqlite(diesel::SqliteConnection),
    }
}
pub use multi::DbConnection;

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A parsed `DATABASE_URL`: `postgres://…` or `postgresql://…` for PostgreSQL;
/// `sqlite://path`, `sqlite:path` or a plain file path for SQLite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    target: String,
}

impl DatabaseUrl {
    /// Parses the URL, refusing forms that would silently do something else.
    pub fn parse(url: &str) -> Result<DatabaseUrl, StoreError> {
        let invalid = |reason: &str| StoreError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let url_trimmed = url.trim();
        if url_trimmed.is_empty() {
            return Err(invalid("leeg; geef bijvoorbeeld sqlite://subsidie.db of postgres://gebruiker@host/database"));
        }
        if url_trimmed.starts_with("postgres://") || url_trimmed.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                backend: Backend::Postgres,
                target: url_trimmed.to_owned(),
            });
        }
        let path = url_trimmed
            .strip_prefix("sqlite://")
            .or_else(|| url_trimmed.strip_prefix("sqlite:"))
            .unwrap_or(url_trimmed);
        if path.is_empty() {
            return Err(invalid("geen bestandspad na sqlite://"));
        }
        if path == ":memory:" {
            return Err(invalid(
                "een database in het geheugen verdwijnt per verbinding; geef een bestandspad",
            ));
        }
        if path.contains("://") {
            return Err(invalid(
                "onbekend schema; gebruik sqlite://pad of postgres://…",
            ));
        }
        Ok(DatabaseUrl {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    /// The backend this URL selects.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The file path (SQLite) or the connection string (PostgreSQL).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The URL with any password replaced, for logs.
    pub fn redacted(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => redact_password(&self.target),
        }
    }

    /// Opens one connection, configured for this engine.
    pub fn connect(&self) -> Result<DbConnection, StoreError> {
        match self.backend {
            Backend::Postgres => diesel::PgConnection::establish(&self.target)
                .map(DbConnection::Postgres)
                .map_err(|e| StoreError::Unavailable(e.to_string())),
            Backend::Sqlite => {
                let mut conn = diesel::SqliteConnection::establish(&self.target)
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                // WAL lets readers work while one writer commits; the busy timeout makes a
                // second writer wait instead of failing at once.
                // The busy timeout comes first: switching a new file to WAL needs its
                // lock, and several processes may open it at once.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                ))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}
