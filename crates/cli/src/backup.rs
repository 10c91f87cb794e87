//! `subsidie backup`: an online copy of an SQLite database.

use std::path::Path;

use crate::database::open;
use crate::failure::Failure;
use crate::settings::Settings;

/// `subsidie backup --out FILE`: copies the database to a new file while servers keep
/// running on it; refused on PostgreSQL, with the `pg_dump` advice.
pub fn backup(settings: &Settings, out: &Path) -> Result<(), Failure> {
    let (pool, url) = open(settings, 1)?;
    subsidie_store::backup::backup(&pool, out)?;
    say!(
        "reservekopie van {} geschreven naar {}",
        url.redacted(),
        out.display()
    );
    say!(
        "terugzetten: stop de server, zet het bestand op de plaats van de database en start opnieuw"
    );
    Ok(())
}
