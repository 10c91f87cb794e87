//! Where a document's bytes live, behind [`DocumentStore`] so that an object store can
//! take their place later. The one implementation, [`DatabaseChunks`], keeps them in the
//! database itself (`document_chunks`: BLOB on SQLite, `bytea` on PostgreSQL), in chunks,
//! so that writing and reading hold one chunk in memory and never a whole file.
//!
//! Writing happens inside the use case's transaction: a refused or failed upload leaves
//! no chunk behind.

use std::io::Read;

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::error::StoreError;
use crate::schema::document_chunks;

/// What was written: the size and the SHA-256 (lowercase hex) of the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Bytes written.
    pub size: u64,
    /// SHA-256 of them, lowercase hex.
    pub sha256: String,
}

/// Keeps documents' bytes.
pub trait DocumentStore: Send + Sync {
    /// Writes all of `content` as the document `id`, in the caller's transaction.
    fn write(
        &self,
        conn: &mut DbConnection,
        id: &str,
        content: &mut dyn Read,
    ) -> Result<Written, StoreError>;

    /// The `index`th chunk (from 0) of the document, or `None` past its end.
    fn chunk(
        &self,
        conn: &mut DbConnection,
        id: &str,
        index: u32,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// Removes the document's bytes, in the caller's transaction.
    fn remove(&self, conn: &mut DbConnection, id: &str) -> Result<(), StoreError>;
}

/// Bytes per chunk: large enough that a 20 MiB file is 80 rows, small enough that a
/// few dozen uploads at once stay within a few MiB each.
pub const CHUNK_SIZE: usize = 256 * 1024;

/// Documents in the database, in chunks of [`CHUNK_SIZE`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DatabaseChunks;

/// Reads until `buf` is full or the content ends; the number of bytes read.
fn fill(content: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match content.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl DocumentStore for DatabaseChunks {
    fn write(
        &self,
        conn: &mut DbConnection,
        id: &str,
        content: &mut dyn Read,
    ) -> Result<Written, StoreError> {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK_SIZE];
        let mut size = 0u64;
        let mut seq = 0i32;
        loop {
            let n = fill(content, &mut buf)
                .map_err(|e| StoreError::Io(format!("document lezen: {e}")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            diesel::insert_into(document_chunks::table)
                .values((
                    document_chunks::document_id.eq(id),
                    document_chunks::seq.eq(seq),
                    document_chunks::data.eq(&buf[..n]),
                ))
                .execute(conn)?;
            size += n as u64;
            seq += 1;
        }
        Ok(Written {
            size,
            sha256: hex(&hasher.finalize()),
        })
    }

    fn chunk(
        &self,
        conn: &mut DbConnection,
        id: &str,
        index: u32,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let seq = i32::try_from(index).map_err(|_| StoreError::Io("te veel delen".into()))?;
        Ok(document_chunks::table
            .find((id, seq))
            .select(document_chunks::data)
            .first::<Vec<u8>>(conn)
            .optional()?)
    }

    fn remove(&self, conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
        diesel::delete(document_chunks::table.filter(document_chunks::document_id.eq(id)))
            .execute(conn)?;
        Ok(())
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
