//! The database every verb opens (and migrates) first.

use subsidie_store::{DatabaseUrl, Pool};

use crate::failure::Failure;
use crate::settings::Settings;

/// Opens the database of the settings with `connections` pooled connections, applying
/// pending migrations.
pub fn open(settings: &Settings, connections: u32) -> Result<(Pool, DatabaseUrl), Failure> {
    let url = DatabaseUrl::parse(&settings.database_url())?;
    let pool = subsidie_store::db::open(&url, connections)?;
    Ok((pool, url))
}
