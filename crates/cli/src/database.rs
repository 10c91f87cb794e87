//! The database every verb opens (and migrates) first.

use subsidie_service::{registry, Actor, ServiceError};
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

/// On whose behalf a verb acts: the operator of `--operator` or `SUBSIDIE_OPERATOR`, who
/// must be an active user and is then named in every history row the verb writes; else
/// the engine itself (`system`), as when no user exists yet.
pub fn operator(settings: &Settings, pool: &Pool) -> Result<Actor, Failure> {
    let Some(email) = settings.operator() else {
        return Ok(Actor::system());
    };
    registry::operator(pool, email).map_err(|err| match err {
        ServiceError::Validation(fields) => Failure::Message(format!(
            "operator (--operator of SUBSIDIE_OPERATOR): {}",
            fields
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        other => Failure::Service(other),
    })
}
