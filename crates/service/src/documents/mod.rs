//! Documents on an application (*documenten*): the project plan, the budget, what a
//! supplement brings. Uploading, listing, reading and removing them, with the same access
//! as the application itself, and the check at submission that the required ones are
//! there ([`missing_required`]).
//!
//! An upload is checked before any transaction starts (name, kind, size, the type by its
//! content); then one short transaction checks the application's state and access and
//! the application's total, writes the row and its chunks ([`DocumentStore`]) and the
//! history entry. Documents are frozen at submission: a supplement adds, nothing is
//! replaced or removed.

mod rules;

use std::io::{Read, Seek, SeekFrom};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::documents::{self as domain, FileType, ReadAt};
use subsidie_domain::lifecycle::State;
use subsidie_store::documents::DocumentStore;
use subsidie_store::rows::{ApplicationRow, DocumentRow, InstrumentDocumentRow};
use subsidie_store::schema::{documents, instrument_documents};
use subsidie_store::{DbConnection, Pool};

use crate::access::{check_conflict_of_interest, load_visible};
use crate::actor::{Actor, Role};
use crate::application::history;
use crate::convert::{naive, new_id, state};
use crate::error::{FieldError, ServiceError};
use crate::tx;

pub use rules::DocumentLimits;
use rules::{check_total, upload_state};

/// Content that can be read from the start again (a transaction may be retried).
pub trait Content: Read + Seek + Send {}
impl<T: Read + Seek + Send> Content for T {}

/// One file to add to an application.
pub struct Upload<'a> {
    /// Its kind (`soort`): one the instrument asks for, `aanvulling` or `overig`.
    pub kind: String,
    /// The name it was sent with.
    pub file_name: String,
    /// Its bytes.
    pub content: &'a mut dyn Content,
}

struct Sniffable<'a>(&'a mut dyn Content);

impl ReadAt for Sniffable<'_> {
    fn read_at(&mut self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        self.0.seek(SeekFrom::Start(offset))?;
        let mut out = Vec::with_capacity(len.min(1 << 20));
        (&mut *self.0).take(len as u64).read_to_end(&mut out)?;
        Ok(out)
    }
}

fn io_error(e: std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("het document kon niet gelezen worden: {e}"))
}

/// The checks that need no database: name, kind code, size, and the type by content.
fn check_upload(
    upload: &mut Upload<'_>,
    limits: &DocumentLimits,
) -> Result<(FileType, u64), ServiceError> {
    let mut errors = Vec::new();
    if let Err(why) = domain::check_file_name(&upload.file_name) {
        errors.push(FieldError::new("bestand", why));
    }
    if !domain::is_kind_code(&upload.kind) {
        errors.push(FieldError::new(
            "soort",
            "ontbreekt of is geen code; geef de soort van het document, zoals 'projectplan', 'begroting', 'aanvulling' of 'overig'",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    let size = upload.content.seek(SeekFrom::End(0)).map_err(io_error)?;
    if size > limits.max_file_bytes {
        return Err(ServiceError::TooLarge(limits.file_refusal(size)));
    }
    let file_type = domain::sniff(&mut Sniffable(upload.content), size).map_err(|e| match e {
        domain::SniffError::Empty => ServiceError::field("bestand", e.to_string()),
        domain::SniffError::Unsupported(_) => ServiceError::UnsupportedType(e.to_string()),
        domain::SniffError::Io(m) => ServiceError::Internal(m),
    })?;
    Ok((file_type, size))
}

/// Adds a document to a concept, or to an application whose supplement was asked.
pub fn upload(
    pool: &Pool,
    store: &dyn DocumentStore,
    actor: &Actor,
    application_id: &str,
    mut upload: Upload<'_>,
    limits: &DocumentLimits,
    now: DateTime<Utc>,
) -> Result<DocumentRow, ServiceError> {
    crate::access::only(
        actor,
        Role::Applicant,
        "documenten toevoegen is voorbehouden aan de rol aanvrager",
    )?;
    let (file_type, size) = check_upload(&mut upload, limits)?;
    let Upload {
        kind,
        file_name,
        content,
    } = upload;
    let file_name = file_name.trim().to_owned();
    tx::write(pool, |conn| {
        let app = load_visible(conn, actor, application_id)?;
        let current = state(&app.state)?;
        let supplement = upload_state(current)?;
        check_kind(conn, &app, &kind)?;
        check_total(conn, &app, size, limits)?;
        let mut row = DocumentRow {
            id: new_id(),
            application_id: app.id.clone(),
            kind: kind.clone(),
            file_name: file_name.clone(),
            media_type: file_type.media_type().to_owned(),
            size_bytes: i64::try_from(size)
                .map_err(|_| ServiceError::TooLarge(limits.file_refusal(size)))?,
            sha256: String::new(),
            supplement,
            uploaded_by: actor.user_id.clone(),
            uploaded_at: naive(now),
        };
        // The row first: the chunks refer to it.
        diesel::insert_into(documents::table)
            .values(&row)
            .execute(conn)?;
        content.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let written = store.write(conn, &row.id, content)?;
        if written.size != size {
            return Err(ServiceError::Internal(format!(
                "het document veranderde tijdens het opslaan ({} in plaats van {size} bytes)",
                written.size
            )));
        }
        diesel::update(documents::table.find(&row.id))
            .set(documents::sha256.eq(&written.sha256))
            .execute(conn)?;
        row.sha256 = written.sha256;
        let reason = format!(
            "document toegevoegd: {} '{}' ({}, {} bytes, SHA-256 {})",
            row.kind, row.file_name, file_type, row.size_bytes, row.sha256
        );
        history(
            conn,
            &app.id,
            actor,
            "document_toevoegen",
            Some(current),
            current,
            Some(reason),
            now,
        )?;
        Ok(row.clone())
    })
}

/// The kinds an application under its instrument accepts: the instrument's required ones
/// and the general ones.
fn check_kind(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    kind: &str,
) -> Result<(), ServiceError> {
    let required = required_for(conn, &app.instrument_id)?;
    if required.iter().any(|r| r.kind == kind) || domain::GENERAL_KINDS.contains(&kind) {
        return Ok(());
    }
    let mut allowed: Vec<String> = required.iter().map(|r| format!("'{}'", r.kind)).collect();
    allowed.extend(domain::GENERAL_KINDS.iter().map(|k| format!("'{k}'")));
    Err(ServiceError::field(
        "soort",
        format!(
            "onbekende soort '{kind}' voor deze regeling; kies uit {}",
            allowed.join(", ")
        ),
    ))
}

/// The documents an application under `instrument_id` must carry, in order.
pub fn required_for(
    conn: &mut DbConnection,
    instrument_id: &str,
) -> Result<Vec<InstrumentDocumentRow>, ServiceError> {
    Ok(instrument_documents::table
        .filter(instrument_documents::instrument_id.eq(instrument_id))
        .order(instrument_documents::position)
        .select(InstrumentDocumentRow::as_select())
        .load(conn)?)
}

/// The required documents of the application's instrument that it does not yet carry.
pub fn missing_required(
    conn: &mut DbConnection,
    app: &ApplicationRow,
) -> Result<Vec<InstrumentDocumentRow>, ServiceError> {
    let present: Vec<String> = documents::table
        .filter(documents::application_id.eq(&app.id))
        .select(documents::kind)
        .load(conn)?;
    Ok(required_for(conn, &app.instrument_id)?
        .into_iter()
        .filter(|r| !present.contains(&r.kind))
        .collect())
}

/// Loads an application for its documents (and its decisions' letters): as the
/// application, and a reviewer with a conflict of interest for its region does not learn
/// it exists.
pub(crate) fn visible(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<ApplicationRow, ServiceError> {
    let app = load_visible(conn, actor, id)?;
    if actor.role == Role::Reviewer && check_conflict_of_interest(conn, actor, &app).is_err() {
        return Err(ServiceError::NotFound {
            what: "aanvraag",
            id: id.to_owned(),
        });
    }
    Ok(app)
}

/// The application's documents, oldest first.
pub fn list(
    pool: &Pool,
    actor: &Actor,
    application_id: &str,
) -> Result<Vec<DocumentRow>, ServiceError> {
    tx::read(pool, |conn| {
        let app = visible(conn, actor, application_id)?;
        Ok(documents::table
            .filter(documents::application_id.eq(&app.id))
            .order((documents::uploaded_at, documents::id))
            .select(DocumentRow::as_select())
            .load(conn)?)
    })
}

/// The required documents of an application's instrument, for whoever may see it.
pub fn required(
    pool: &Pool,
    actor: &Actor,
    application_id: &str,
) -> Result<Vec<InstrumentDocumentRow>, ServiceError> {
    tx::read(pool, |conn| {
        let app = visible(conn, actor, application_id)?;
        required_for(conn, &app.instrument_id)
    })
}

fn document_not_found(id: &str) -> ServiceError {
    ServiceError::NotFound {
        what: "document",
        id: id.to_owned(),
    }
}

fn find(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    document_id: &str,
) -> Result<DocumentRow, ServiceError> {
    documents::table
        .find(document_id)
        .filter(documents::application_id.eq(&app.id))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| document_not_found(document_id))
}

/// One document of the application, for downloading it.
pub fn open(
    pool: &Pool,
    actor: &Actor,
    application_id: &str,
    document_id: &str,
) -> Result<DocumentRow, ServiceError> {
    tx::read(pool, |conn| {
        let app = visible(conn, actor, application_id)?;
        find(conn, &app, document_id)
    })
}

/// The `index`th chunk of a document [`open`] found; `None` past its end.
pub fn chunk(
    pool: &Pool,
    store: &dyn DocumentStore,
    document_id: &str,
    index: u32,
) -> Result<Option<Vec<u8>>, ServiceError> {
    tx::read(pool, |conn| Ok(store.chunk(conn, document_id, index)?))
}

/// Removes a document from a concept.
pub fn delete(
    pool: &Pool,
    store: &dyn DocumentStore,
    actor: &Actor,
    application_id: &str,
    document_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    tx::write(pool, |conn| {
        let app = visible(conn, actor, application_id)?;
        let doc = find(conn, &app, document_id)?;
        crate::access::only(
            actor,
            Role::Applicant,
            "documenten verwijderen is voorbehouden aan de rol aanvrager",
        )?;
        let current = state(&app.state)?;
        if current != State::Draft {
            return Err(ServiceError::Conflict(format!(
                "de aanvraag is '{current}': na indiening liggen de documenten vast en kan er geen worden verwijderd of vervangen; bij een gevraagde aanvulling kunt u wel documenten toevoegen"
            )));
        }
        store.remove(conn, &doc.id)?;
        diesel::delete(documents::table.find(&doc.id)).execute(conn)?;
        let reason = format!(
            "document verwijderd: {} '{}' (SHA-256 {})",
            doc.kind, doc.file_name, doc.sha256
        );
        history(
            conn,
            &app.id,
            actor,
            "document_verwijderen",
            Some(current),
            current,
            Some(reason),
            now,
        )?;
        Ok(())
    })
}
