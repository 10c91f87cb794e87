//! Connections, the pool, migrations and write transactions over both backends.

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use crate::connection::{Backend, DatabaseUrl, DbConnection};
use crate::error::StoreError;
use crate::writer::{Writer, WriterCounts};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// The r2d2 manager: opens connections through [`DatabaseUrl::connect`] so every pooled
/// SQLite connection has the same pragmas.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<DbConnection, StoreError> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        conn.batch_execute("SELECT 1").map_err(StoreError::from)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// A pool of connections to one database. On SQLite it also holds the one connection
/// that writes ([`write`]). It dereferences to the r2d2 pool for `get()`.
#[derive(Clone)]
pub struct Pool {
    connections: r2d2::Pool<Manager>,
    url: DatabaseUrl,
    writer: Option<Arc<Writer>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("url", &self.url.redacted())
            .field("state", &self.connections.state())
            .finish()
    }
}

impl std::ops::Deref for Pool {
    type Target = r2d2::Pool<Manager>;

    fn deref(&self) -> &Self::Target {
        &self.connections
    }
}

impl Pool {
    /// The backend this pool connects to.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// What SQLite's writing connection has done (`None` on PostgreSQL, which writes on
    /// pooled connections side by side).
    pub fn writer_counts(&self) -> Option<WriterCounts> {
        self.writer.as_ref().map(|w| w.counts())
    }
}

/// A connection borrowed from the [`Pool`].
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// Opens a pool, applies pending migrations and returns it.
pub fn open(url: &DatabaseUrl, max_size: u32) -> Result<Pool, StoreError> {
    let connections = r2d2::Pool::builder()
        .max_size(max_size.max(1))
        .connection_timeout(Duration::from_secs(15))
        // A PostgreSQL connection can die under us (a server restart); testing it at
        // checkout replaces it instead of failing a request. An SQLite file connection
        // cannot, so the extra statement per request is skipped there.
        .test_on_check_out(url.backend() == Backend::Postgres)
        .build(Manager { url: url.clone() })
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let mut conn = connections.get()?;
    migrate(&mut conn)?;
    drop(conn);
    let writer = match url.backend() {
        Backend::Postgres => None,
        Backend::Sqlite => Some(Arc::new(Writer::open(url)?)),
    };
    Ok(Pool {
        connections,
        url: url.clone(),
        writer,
    })
}

/// Runs `work` as one write transaction, committed when it returns `Ok`, rolled back
/// otherwise; `Ok` means the COMMIT returned.
///
/// On PostgreSQL the transaction runs on a connection from the pool; row locks let
/// writers run side by side. On SQLite it runs on the pool's one writing connection, in a
/// savepoint of a transaction it may share with the writers queued beside it, which one
/// COMMIT makes durable together (see [`crate::writer`]).
///
/// SQLite admits one writer at a time. With every pooled connection writing, they
/// competed for the file lock through SQLite's busy handler, which sleeps in growing
/// steps (1, 2, 5, 10 … 100 ms) while the lock is usually free again within a
/// millisecond, and each connection found its page cache outdated by the others' writes.
/// Queueing in the process hands the lock over at once and keeps one warm cache; waiting
/// writers hold no pooled connection that readers need. Other processes on the same file
/// still meet the busy timeout.
///
/// `work` must not call [`write`] itself: the connection is taken until it returns.
pub fn write<T, E>(
    pool: &Pool,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    match &pool.writer {
        None => {
            let mut conn = pool.get().map_err(|e| E::from(StoreError::from(e)))?;
            write_transaction(&mut conn, work)
        }
        Some(writer) => writer.write(work),
    }
}

/// The key of the PostgreSQL advisory lock that migrations run under: any fixed 64-bit
/// number works as long as every process of the engine uses the same one ("subsidie" in
/// ASCII, so `pg_locks` shows where it comes from).
const MIGRATION_LOCK_KEY: i64 = 0x7375_6273_6964_6965;

/// Applies every pending migration of the connection's backend, under a lock, so several
/// processes started at once on one database run each migration once: the first takes
/// the lock and migrates, the others wait and then find nothing pending.
///
/// On PostgreSQL that is a session-level advisory lock (a plain transaction would not do:
/// two processes could both see the migrations table missing and both create it). On
/// SQLite the whole run is one `BEGIN IMMEDIATE` transaction, which holds the file's write
/// lock from its start; diesel runs each migration inside it as a savepoint.
pub fn migrate(conn: &mut DbConnection) -> Result<(), StoreError> {
    let failed = |e: &dyn std::fmt::Display| StoreError::Migration(e.to_string());
    match conn {
        DbConnection::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .map_err(|e| failed(&e))?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|_| ())
                .map_err(|e| failed(&e));
            // Unlock even after a failure; the session ending would release it too, but a
            // pooled connection lives on.
            let unlocked = c
                .batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .map_err(|e| failed(&e));
            result.and(unlocked)
        }
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
                .map_err(|e| failed(&e))?;
            match c.run_pending_migrations(SQLITE_MIGRATIONS) {
                Ok(_) => AnsiTransactionManager::commit_transaction(c).map_err(|e| failed(&e)),
                Err(e) => {
                    let _ = AnsiTransactionManager::rollback_transaction(c);
                    Err(failed(&e))
                }
            }
        }
    }
}

/// How many migrations of the connection's backend have not been applied yet.
pub fn pending_migrations(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let result = match conn {
        DbConnection::Postgres(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|m| m.len()),
        DbConnection::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|m| m.len()),
    };
    result.map_err(|e| StoreError::Migration(e.to_string()))
}

/// The backend of an open connection.
pub fn backend_of(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Postgres(_) => Backend::Postgres,
        DbConnection::Sqlite(_) => Backend::Sqlite,
    }
}

/// Runs `work` as one write transaction, committed when it returns `Ok`, rolled back
/// otherwise.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, taking the write lock up front:
/// a deferred transaction that reads first and writes later can fail with "busy" at its
/// first write without waiting, which under contention would refuse valid requests. On
/// PostgreSQL a plain `BEGIN` suffices because the budget row is locked explicitly.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    begin(conn).map_err(|e| E::from(StoreError::from(e)))?;
    match work(conn) {
        Ok(value) => match commit(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A failed COMMIT leaves the transaction open on SQLite; close it so the
                // pooled connection is clean for the next user.
                let _ = rollback(conn);
                Err(E::from(StoreError::from(e)))
            }
        },
        Err(err) => {
            // The error of the work is what the caller needs; a failed rollback is rare
            // and leaves the connection to be discarded by the pool's validity check.
            let _ = rollback(conn);
            Err(err)
        }
    }
}

fn begin(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c),
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
    }
}

fn commit(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => AnsiTransactionManager::commit_transaction(c),
        DbConnection::Sqlite(c) => AnsiTransactionManager::commit_transaction(c),
    }
}

fn rollback(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => AnsiTransactionManager::rollback_transaction(c),
        DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let pg = DatabaseUrl::parse("postgres://u:secret@localhost/db").unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        assert_eq!(pg.redacted(), "postgres://u:***@localhost/db");
        let sq = DatabaseUrl::parse("sqlite://data/subsidie.db").unwrap();
        assert_eq!(sq.backend(), Backend::Sqlite);
        assert_eq!(sq.target(), "data/subsidie.db");
        assert_eq!(
            DatabaseUrl::parse("subsidie.db").unwrap().target(),
            "subsidie.db"
        );
        assert!(DatabaseUrl::parse("").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("sqlite://:memory:").is_err());
        assert!(DatabaseUrl::parse("mysql://x").is_err());
    }
}
