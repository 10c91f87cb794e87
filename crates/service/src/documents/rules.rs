//! The limits on documents and when they may be added.

use diesel::prelude::*;
use subsidie_domain::lifecycle::State;
use subsidie_store::rows::ApplicationRow;
use subsidie_store::schema::documents;
use subsidie_store::DbConnection;

use crate::error::ServiceError;

const MIB: u64 = 1024 * 1024;

/// How large a document, and all of one application's documents together, may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentLimits {
    /// Bytes one file may have.
    pub max_file_bytes: u64,
    /// Bytes all documents of one application may have together.
    pub max_application_bytes: u64,
}

impl Default for DocumentLimits {
    /// 20 MiB a file, 100 MiB an application.
    fn default() -> Self {
        DocumentLimits {
            max_file_bytes: 20 * MIB,
            max_application_bytes: 100 * MIB,
        }
    }
}

/// Bytes as people read them: "20 MiB" or "1.536 bytes".
pub fn shown(bytes: u64) -> String {
    if bytes >= MIB && bytes.checked_rem(MIB) == Some(0) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64).replace('.', ",")
    } else {
        format!("{bytes} bytes")
    }
}

impl DocumentLimits {
    /// The refusal of a file of `size` bytes (or more) that is too large.
    pub fn file_refusal(&self, size: u64) -> String {
        format!(
            "het bestand is te groot ({} of meer); een document mag ten hoogste {} ({} bytes) zijn",
            shown(size),
            shown(self.max_file_bytes),
            self.max_file_bytes
        )
    }
}

/// Whether a document may be added in `state`: `Ok(false)` to a concept, `Ok(true)` as
/// part of a supplement.
pub(super) fn upload_state(state: State) -> Result<bool, ServiceError> {
    match state {
        State::Draft => Ok(false),
        State::SupplementRequested => Ok(true),
        other => Err(ServiceError::Conflict(format!(
            "de aanvraag is '{other}': na indiening liggen de documenten vast; documenten toevoegen kan bij een concept, of bij een aanvulling als daarom gevraagd is (status aanvulling_gevraagd)"
        ))),
    }
}

/// Refuses a document that would take the application above its total.
pub(super) fn check_total(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    size: u64,
    limits: &DocumentLimits,
) -> Result<(), ServiceError> {
    // A handful of rows per application: summed here rather than with SUM(), whose type
    // differs between the backends.
    let sizes: Vec<i64> = documents::table
        .filter(documents::application_id.eq(&app.id))
        .select(documents::size_bytes)
        .load(conn)?;
    let stored = sizes
        .iter()
        .map(|s| u64::try_from(*s).unwrap_or(0))
        .fold(0u64, u64::saturating_add);
    if stored.saturating_add(size) > limits.max_application_bytes {
        return Err(ServiceError::TooLarge(format!(
            "de documenten van deze aanvraag samen mogen ten hoogste {} zijn; er is al {} opgeslagen en dit bestand is {}, er kan nog {} bij",
            shown(limits.max_application_bytes),
            shown(stored),
            shown(size),
            shown(limits.max_application_bytes.saturating_sub(stored))
        )));
    }
    Ok(())
}
