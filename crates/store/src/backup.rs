//! An online copy of the database while the engine keeps running, for `subsidie backup`.

use std::path::Path;

use diesel::connection::SimpleConnection;

use crate::db::{Backend, Pool};
use crate::error::StoreError;

/// What PostgreSQL operators are told to use instead: the server's own tool makes a
/// consistent copy of a live database, and the engine has nothing to add to it.
pub const PG_DUMP_ADVICE: &str = "voor PostgreSQL maakt 'subsidie backup' geen kopie; gebruik \
     pg_dump, bijvoorbeeld 'pg_dump --format=custom --file=subsidie.dump \"$DATABASE_URL\"', \
     en zet terug met pg_restore (zie docs/operations.md)";

/// Copies an SQLite database to `out`, consistent as of one instant, while other
/// connections keep reading and writing: `VACUUM INTO` reads in one read transaction, so
/// WAL writers carry on. The copy is compacted and has no WAL file of its own; it is a
/// complete database that `DATABASE_URL=sqlite://<out>` opens as it is.
///
/// Refused on PostgreSQL with the `pg_dump` advice, and when `out` exists (a backup never
/// overwrites anything).
pub fn backup(pool: &Pool, out: &Path) -> Result<(), StoreError> {
    if pool.backend() == Backend::Postgres {
        return Err(StoreError::Backup(PG_DUMP_ADVICE.to_owned()));
    }
    if out.exists() {
        return Err(StoreError::Backup(format!(
            "{} bestaat al; kies een nieuw bestand, een reservekopie overschrijft niets",
            out.display()
        )));
    }
    let Some(target) = out.to_str() else {
        return Err(StoreError::Backup(format!(
            "het pad {} is geen geldige UTF-8-tekst; kies een eenvoudiger pad",
            out.display()
        )));
    };
    let mut conn = pool.get()?;
    // A string literal in SQL: a quote is written twice.
    let literal = target.replace('\'', "''");
    conn.batch_execute(&format!("VACUUM INTO '{literal}'"))
        .map_err(|e| StoreError::Backup(format!("{e} (bestand {})", out.display())))
}
