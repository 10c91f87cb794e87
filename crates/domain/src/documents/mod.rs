//! Documents on an application: which file types are accepted (decided by the content,
//! never by the name or the declared type), and which file names are.
//!
//! The sniffer reads only what it needs: the first bytes, and for ZIP containers the
//! central directory at the end (Office Open XML) or the first entry (OpenDocument). It
//! reads through [`ReadAt`], so it works on a file of any size without loading it.

use std::fmt;

/// The types accepted, in the order they are named in a refusal.
pub const ACCEPTED: &[FileType] = &[
    FileType::Pdf,
    FileType::Docx,
    FileType::Xlsx,
    FileType::Odt,
    FileType::Ods,
    FileType::Png,
    FileType::Jpeg,
];

/// A file type the engine accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// PDF.
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Excel (Office Open XML).
    Xlsx,
    /// OpenDocument text.
    Odt,
    /// OpenDocument spreadsheet.
    Ods,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
}

impl FileType {
    /// The media type it is stored and served with.
    pub fn media_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Odt => "application/vnd.oasis.opendocument.text",
            FileType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    /// The short name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Docx => "DOCX",
            FileType::Xlsx => "XLSX",
            FileType::Odt => "ODT",
            FileType::Ods => "ODS",
            FileType::Png => "PNG",
            FileType::Jpeg => "JPEG",
        }
    }

    /// The type of a stored media type.
    pub fn from_media_type(media_type: &str) -> Option<FileType> {
        ACCEPTED
            .iter()
            .copied()
            .find(|t| t.media_type() == media_type)
    }
}

impl fmt::Display for FileType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// "PDF, DOCX, XLSX, ODT, ODS, PNG of JPEG", for refusals.
pub fn accepted_list() -> String {
    let labels: Vec<&str> = ACCEPTED.iter().map(|t| t.label()).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} of {last}", rest.join(", ")),
        _ => labels.join(""),
    }
}

/// Random access to the content being sniffed.
pub trait ReadAt {
    /// Reads up to `len` bytes at `offset`; fewer only at the end.
    fn read_at(&mut self, offset: u64, len: usize) -> std::io::Result<Vec<u8>>;
}

impl ReadAt for &[u8] {
    fn read_at(&mut self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let end = start.saturating_add(len).min(self.len());
        Ok(self[start..end].to_vec())
    }
}

/// Why content is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    /// Nothing in it.
    #[error("het bestand is leeg; stuur een {} met inhoud", accepted_list())]
    Empty,
    /// Its content is none of the accepted types.
    #[error("{0}; toegestaan zijn {list} (bepaald aan de inhoud, niet aan de naam)", list = accepted_list())]
    Unsupported(String),
    /// It could not be read.
    #[error("het bestand kon niet gelezen worden: {0}")]
    Io(String),
}

const PDF_MAGIC: &[u8] = b"%PDF-";
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_MAGIC: &[u8] = b"\xff\xd8\xff";
const ZIP_LOCAL: &[u8] = b"PK\x03\x04";
const ZIP_END: &[u8] = b"PK\x05\x06";
const ZIP_CENTRAL: &[u8] = b"PK\x01\x02";
/// The end-of-central-directory record lies within its size plus the longest comment.
const ZIP_END_SEARCH: u64 = 22 + 65_535;
/// A central directory larger than this is not an office document we accept.
const MAX_CENTRAL_DIRECTORY: u64 = 4 * 1024 * 1024;

/// The type of the `len` bytes behind `source`, by their content.
pub fn sniff(source: &mut impl ReadAt, len: u64) -> Result<FileType, SniffError> {
    if len == 0 {
        return Err(SniffError::Empty);
    }
    let io = |e: std::io::Error| SniffError::Io(e.to_string());
    let head = source.read_at(0, 64).map_err(io)?;
    if head.starts_with(PDF_MAGIC) {
        // A PDF ends with %%EOF (perhaps followed by line ends); a file that merely
        // starts like one is not taken for one.
        let tail_len = len.min(1024);
        let tail = source.read_at(len - tail_len, 1024).map_err(io)?;
        if find(&tail, b"%%EOF").is_some() {
            return Ok(FileType::Pdf);
        }
        return Err(SniffError::Unsupported(
            "het bestand begint als een PDF maar is geen volledige PDF (het einde, %%EOF, ontbreekt)"
                .to_owned(),
        ));
    }
    if head.starts_with(PNG_MAGIC) {
        return Ok(FileType::Png);
    }
    if head.starts_with(JPEG_MAGIC) {
        return Ok(FileType::Jpeg);
    }
    if head.starts_with(ZIP_LOCAL) {
        return sniff_zip(source, len, &head).map_err(|e| match e {
            ZipVerdict::Io(e) => SniffError::Io(e.to_string()),
            ZipVerdict::Not(why) => SniffError::Unsupported(why),
        });
    }
    Err(SniffError::Unsupported(
        "de inhoud van het bestand is van een soort die niet wordt aangenomen".to_owned(),
    ))
}

enum ZipVerdict {
    Io(std::io::Error),
    Not(String),
}

impl From<std::io::Error> for ZipVerdict {
    fn from(e: std::io::Error) -> Self {
        ZipVerdict::Io(e)
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ])))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn not_office() -> ZipVerdict {
    ZipVerdict::Not("het bestand is een ZIP-archief maar geen DOCX, XLSX, ODT of ODS".to_owned())
}

/// OpenDocument: the first entry is `mimetype`, stored uncompressed, holding the media
/// type. Office Open XML: the central directory lists `[Content_Types].xml` and
/// `word/…` or `xl/…`.
fn sniff_zip(source: &mut impl ReadAt, len: u64, head: &[u8]) -> Result<FileType, ZipVerdict> {
    if let Some(found) = odf_type(source, head)? {
        return Ok(found);
    }
    let search = len.min(ZIP_END_SEARCH);
    let tail = source.read_at(len - search, usize::try_from(search).unwrap_or(0))?;
    let end = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(ZIP_END))
        .ok_or_else(not_office)?;
    let size = u32_at(&tail, end + 12).ok_or_else(not_office)?;
    let offset = u32_at(&tail, end + 16).ok_or_else(not_office)?;
    if size > MAX_CENTRAL_DIRECTORY || offset.saturating_add(size) > len {
        return Err(not_office());
    }
    let directory = source.read_at(offset, usize::try_from(size).unwrap_or(0))?;
    let (mut types, mut word, mut sheet) = (false, false, false);
    let mut at = 0;
    while directory.get(at..at + 4) == Some(ZIP_CENTRAL) {
        let name_len = u16_at(&directory, at + 28).ok_or_else(not_office)? as usize;
        let extra = u16_at(&directory, at + 30).ok_or_else(not_office)? as usize;
        let comment = u16_at(&directory, at + 32).ok_or_else(not_office)? as usize;
        let name = directory
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(not_office)?;
        types |= name == b"[Content_Types].xml";
        word |= name.starts_with(b"word/");
        sheet |= name.starts_with(b"xl/");
        at += 46 + name_len + extra + comment;
    }
    match (types, word, sheet) {
        (true, true, false) => Ok(FileType::Docx),
        (true, false, true) => Ok(FileType::Xlsx),
        _ => Err(not_office()),
    }
}

fn odf_type(source: &mut impl ReadAt, head: &[u8]) -> Result<Option<FileType>, ZipVerdict> {
    let name_len = u16_at(head, 26).unwrap_or(0) as usize;
    let extra = u16_at(head, 28).unwrap_or(0);
    let local = source.read_at(0, 30 + name_len)?;
    if local.get(30..) != Some(b"mimetype".as_slice()) {
        return Ok(None);
    }
    let stored_len = u32_at(head, 18).unwrap_or(0).min(128) as usize;
    let content = source.read_at(30 + name_len as u64 + extra, stored_len)?;
    Ok(match content.as_slice() {
        b"application/vnd.oasis.opendocument.text" => Some(FileType::Odt),
        b"application/vnd.oasis.opendocument.spreadsheet" => Some(FileType::Ods),
        _ => None,
    })
}

/// Longest file name kept, in characters.
pub const MAX_NAME: usize = 200;

/// Checks a file name as sent: a plain name, no folders, no control characters.
pub fn check_file_name(name: &str) -> Result<(), String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(
            "de bestandsnaam ontbreekt; stuur de naam van het bestand mee, zoals projectplan.pdf"
                .to_owned(),
        );
    }
    if trimmed.contains('/') || trimmed.contains('\\') {
        return Err(format!(
            "de bestandsnaam '{}' bevat een map (/ of \\); stuur alleen de naam van het bestand, zoals projectplan.pdf",
            printable(trimmed)
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(format!(
            "de bestandsnaam '{}' bevat stuurtekens; gebruik alleen letters, cijfers, spaties en leestekens",
            printable(trimmed)
        ));
    }
    if trimmed == "." || trimmed == ".." {
        return Err("de bestandsnaam mag niet '.' of '..' zijn; stuur de naam van het bestand, zoals projectplan.pdf".to_owned());
    }
    if trimmed.chars().count() > MAX_NAME {
        return Err(format!(
            "de bestandsnaam is te lang; ten hoogste {MAX_NAME} tekens"
        ));
    }
    Ok(())
}

/// The name with control characters shown as `?`, safe to repeat in a message.
fn printable(name: &str) -> String {
    name.chars()
        .take(MAX_NAME)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A name safe for a `Content-Disposition` header in plain ASCII: letters, digits,
/// `.`, `-`, `_` and spaces kept, everything else `_`.
pub fn ascii_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_matches(|c| c == '.' || c == ' ').to_owned();
    if safe.is_empty() {
        "document".to_owned()
    } else {
        safe
    }
}

/// A kind of document (`projectplan`): lowercase letters, digits and hyphens.
pub fn is_kind_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Kinds every instrument accepts besides the ones its programme file lists.
pub const GENERAL_KINDS: &[&str] = &["aanvulling", "overig"];

pub mod samples;

#[cfg(test)]
mod tests;
