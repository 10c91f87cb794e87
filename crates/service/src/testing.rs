//! Support for the tests of this crate and of the crates above it (enabled by their
//! `[dev-dependencies]` with the `testing` feature); release builds never compile it.

use chrono::{DateTime, Utc};
use subsidie_domain::documents::samples;
use subsidie_store::documents::DatabaseChunks;
use subsidie_store::Pool;

use crate::actor::Actor;
use crate::documents::{self, DocumentLimits, Upload};
use crate::error::ServiceError;

/// Uploads, through the use case, a small PDF for every document the application's
/// instrument requires and it does not have yet, so that it can be submitted (the
/// fixture's `uitvoering` asks a project plan and a budget).
pub fn attach_required(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let present = documents::list(pool, actor, id)?;
    for required in documents::required(pool, actor, id)? {
        if present.iter().any(|d| d.kind == required.kind) {
            continue;
        }
        documents::upload(
            pool,
            &DatabaseChunks,
            actor,
            id,
            Upload {
                kind: required.kind.clone(),
                file_name: format!("{}.pdf", required.kind),
                content: &mut std::io::Cursor::new(samples::pdf(&required.name)),
            },
            &DocumentLimits::default(),
            now,
        )?;
    }
    Ok(())
}
