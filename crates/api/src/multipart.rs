//! Receiving an upload: a `multipart/form-data` body read as it arrives, the file part
//! (`bestand`) written to a spool file and counted on the way, refused at the first byte
//! over the limit without reading further, the kind (`soort`) kept as text. Memory holds
//! one network chunk and a small look-behind, whatever the size of the file.
//!
//! The parser is our own (a few states over a buffer) so that it refuses in Dutch what a
//! general one would accept or describe in English: a body that ends before its closing
//! boundary, parts it does not know, a second file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use actix_web::http::header;
use actix_web::web::Payload;
use actix_web::HttpRequest;
use futures_util::StreamExt;

use crate::problem::ApiError;

/// The longest header block of one part.
const MAX_PART_HEADERS: usize = 8 * 1024;
/// The longest text part (`soort`).
const MAX_TEXT_PART: usize = 200;
/// Bytes before the first boundary or after the last that are skipped at most.
const MAX_PREAMBLE: usize = 8 * 1024;

/// What the form should look like, for refusals.
pub const EXPECTED: &str = "stuur multipart/form-data met een deel 'bestand' (het bestand, met zijn naam) en een deel 'soort' (bijvoorbeeld projectplan)";

/// A file received into a spool file, which is gone from the folder already and
/// disappears entirely when this is dropped.
#[derive(Debug)]
pub struct Spooled {
    /// The open spool file.
    pub file: File,
    /// Bytes in it.
    pub size: u64,
    /// The file name as the client sent it (not yet checked).
    pub name: String,
}

/// The parts of an upload form.
#[derive(Debug, Default)]
pub struct Received {
    /// The `soort` part.
    pub kind: Option<String>,
    /// The `bestand` part.
    pub file: Option<Spooled>,
    /// The `csrf` part (the portal's forms).
    pub csrf: Option<String>,
}

/// The spool folder and the largest file taken in.
#[derive(Debug, Clone)]
pub struct Intake {
    /// Where files are spooled while they arrive.
    pub spool_dir: PathBuf,
    /// Bytes a file may have.
    pub max_file_bytes: u64,
}

fn malformed(detail: impl Into<String>) -> ApiError {
    ApiError::malformed(detail)
}

fn spool_error(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "uploadbestand niet te schrijven");
    ApiError::unavailable(
        "het bestand kon op de server niet tijdelijk worden opgeslagen; er is niets bewaard, probeer het later opnieuw",
        5,
    )
}

/// A new spool file in `dir`, unlinked at once so nothing is left behind even if the
/// process dies.
fn spool_file(dir: &Path) -> std::io::Result<File> {
    let path = dir.join(format!("subsidie-upload-{}", uuid::Uuid::now_v7()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

/// The boundary of a `multipart/form-data` request, or the refusal (415) of any other.
pub fn boundary(req: &HttpRequest) -> Result<String, ApiError> {
    let unsupported = |found: &str| {
        ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "mediatype-niet-ondersteund",
            "Mediatype niet ondersteund",
            format!("Content-Type '{found}' wordt hier niet ondersteund; {EXPECTED}"),
        )
    };
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = ct.split(';');
    if !parts
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
    {
        return Err(unsupported(ct));
    }
    let boundary = parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .unwrap_or_default();
    if boundary.is_empty() || boundary.len() > 70 {
        return Err(malformed(format!(
            "de Content-Type multipart/form-data mist een geldige boundary (1 tot 70 tekens); {EXPECTED}"
        )));
    }
    Ok(boundary)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What the headers of one part say.
struct PartHead {
    name: String,
    file_name: Option<String>,
}

/// Splits `a=b; c="d; e"` into its parameters, unquoting values.
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq]
            .trim()
            .trim_start_matches(';')
            .trim()
            .to_ascii_lowercase();
        let after = &rest[eq + 1..];
        let (val, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut val = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            val.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => val.push(c),
                }
            }
            (val, &quoted[end.min(quoted.len())..])
        } else {
            let stop = after.find(';').unwrap_or(after.len());
            (after[..stop].trim().to_owned(), &after[stop..])
        };
        out.push((key, val));
        rest = remaining.trim_start().trim_start_matches(';');
    }
    out
}

/// `filename*=UTF-8''…` (RFC 5987), percent-decoded.
fn extended_value(value: &str) -> Option<String> {
    let (charset, rest) = value.split_once('\'')?;
    let (_, encoded) = rest.split_once('\'')?;
    if !charset.eq_ignore_ascii_case("utf-8") {
        return None;
    }
    let raw = encoded.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'%', Some(b)) => {
                bytes.push(b);
                i += 3;
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(bytes).ok()
}

fn part_head(block: &[u8]) -> Result<PartHead, ApiError> {
    let text = std::str::from_utf8(block).map_err(|_| {
        malformed(format!(
            "de kopregels van een deel zijn geen UTF-8; {EXPECTED}"
        ))
    })?;
    let disposition = text
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
        .map(|(_, v)| v.trim())
        .ok_or_else(|| {
            malformed(format!(
                "een deel heeft geen Content-Disposition; {EXPECTED}"
            ))
        })?;
    let params = parameters(disposition.split_once(';').map_or("", |(_, p)| p));
    let get = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let name = get("name")
        .ok_or_else(|| malformed(format!("een deel heeft geen naam (name=…); {EXPECTED}")))?;
    let file_name = get("filename*")
        .and_then(|v| extended_value(&v))
        .or_else(|| get("filename"));
    Ok(PartHead { name, file_name })
}

enum Sink {
    Kind(Vec<u8>),
    Csrf(Vec<u8>),
    File(Spooled),
}

enum Stage {
    Preamble,
    AfterBoundary,
    Headers,
    Body(Sink),
    Done,
}

/// Reads the whole form from `payload`.
pub async fn receive(
    req: &HttpRequest,
    mut payload: Payload,
    intake: &Intake,
) -> Result<Received, ApiError> {
    let delimiter = format!("\r\n--{}", boundary(req)?).into_bytes();
    // The first boundary has no line end before it; pretend it had.
    let mut buf: Vec<u8> = b"\r\n".to_vec();
    let mut stage = Stage::Preamble;
    let mut received = Received::default();
    let mut skipped = 0usize;
    loop {
        let progressed = step(
            &mut stage,
            &mut buf,
            &delimiter,
            &mut received,
            intake,
            &mut skipped,
        )?;
        if matches!(stage, Stage::Done) {
            break;
        }
        if progressed {
            continue;
        }
        match payload.next().await {
            Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
            Some(Err(e)) => {
                return Err(malformed(format!(
                    "het verzoek kon niet helemaal gelezen worden ({e}); er is niets bewaard"
                )))
            }
            None => {
                return Err(malformed(format!(
                    "het multipart-bericht is afgebroken: het eindigt voor de afsluitende boundary; er is niets bewaard. {EXPECTED}"
                )))
            }
        }
    }
    // The epilogue is not looked at, but the body is read to its end (bounded) so the
    // connection can be reused.
    let mut rest = buf.len();
    while let Some(Ok(chunk)) = payload.next().await {
        rest += chunk.len();
        if rest > MAX_PREAMBLE {
            break;
        }
    }
    Ok(received)
}

/// One step of the parser on what is buffered; false when it needs more bytes.
fn step(
    stage: &mut Stage,
    buf: &mut Vec<u8>,
    delimiter: &[u8],
    received: &mut Received,
    intake: &Intake,
    skipped: &mut usize,
) -> Result<bool, ApiError> {
    match stage {
        Stage::Preamble => match find(buf, delimiter) {
            Some(at) => {
                buf.drain(..at + delimiter.len());
                *stage = Stage::AfterBoundary;
                Ok(true)
            }
            None => {
                let keep = delimiter.len().saturating_sub(1).min(buf.len());
                *skipped += buf.len() - keep;
                buf.drain(..buf.len() - keep);
                if *skipped > MAX_PREAMBLE {
                    return Err(malformed(format!(
                        "de body bevat geen multipart-deel met de boundary uit de Content-Type; {EXPECTED}"
                    )));
                }
                Ok(false)
            }
        },
        Stage::AfterBoundary => {
            if buf.len() < 2 {
                return Ok(false);
            }
            if buf.starts_with(b"--") {
                *stage = Stage::Done;
            } else if buf.starts_with(b"\r\n") {
                buf.drain(..2);
                *stage = Stage::Headers;
            } else {
                return Err(malformed(format!(
                    "na een boundary volgt geen regeleinde; {EXPECTED}"
                )));
            }
            Ok(true)
        }
        Stage::Headers => match find(buf, b"\r\n\r\n") {
            Some(at) => {
                let head = part_head(&buf[..at])?;
                buf.drain(..at + 4);
                *stage = Stage::Body(open_part(head, received, intake)?);
                Ok(true)
            }
            None if buf.len() > MAX_PART_HEADERS => Err(malformed(format!(
                "de kopregels van een deel zijn langer dan {MAX_PART_HEADERS} bytes; {EXPECTED}"
            ))),
            None => Ok(false),
        },
        Stage::Body(sink) => {
            let (take, end) = match find(buf, delimiter) {
                Some(at) => (at, true),
                None => (buf.len().saturating_sub(delimiter.len() - 1), false),
            };
            if take > 0 {
                write_part(sink, &buf[..take], intake)?;
            }
            if end {
                buf.drain(..take + delimiter.len());
                let Stage::Body(sink) = std::mem::replace(stage, Stage::AfterBoundary) else {
                    return Ok(true);
                };
                close_part(sink, received)?;
                Ok(true)
            } else {
                buf.drain(..take);
                Ok(false)
            }
        }
        Stage::Done => Ok(true),
    }
}

fn open_part(head: PartHead, received: &Received, intake: &Intake) -> Result<Sink, ApiError> {
    match head.name.as_str() {
        "bestand" => {
            if received.file.is_some() {
                return Err(ApiError::field(
                    "bestand",
                    "er is meer dan één bestand gestuurd; stuur per verzoek één bestand",
                ));
            }
            let name = head.file_name.ok_or_else(|| {
                ApiError::field(
                    "bestand",
                    "het deel 'bestand' heeft geen bestandsnaam (filename=…); stuur het als bestand, met zijn naam",
                )
            })?;
            let file = spool_file(&intake.spool_dir).map_err(spool_error)?;
            Ok(Sink::File(Spooled {
                file,
                size: 0,
                name,
            }))
        }
        "soort" => {
            if received.kind.is_some() {
                return Err(ApiError::field(
                    "soort",
                    "komt meer dan één keer voor; stuur één soort",
                ));
            }
            Ok(Sink::Kind(Vec::new()))
        }
        "csrf" if received.csrf.is_none() => Ok(Sink::Csrf(Vec::new())),
        other => Err(malformed(format!(
            "onbekend deel '{}'; {EXPECTED}",
            other
                .chars()
                .filter(|c| !c.is_control())
                .take(40)
                .collect::<String>()
        ))),
    }
}

fn write_part(sink: &mut Sink, bytes: &[u8], intake: &Intake) -> Result<(), ApiError> {
    match sink {
        Sink::Csrf(text) => {
            if text.len() + bytes.len() > MAX_TEXT_PART {
                return Err(malformed("het deel 'csrf' is te lang"));
            }
            text.extend_from_slice(bytes);
        }
        Sink::Kind(text) => {
            if text.len() + bytes.len() > MAX_TEXT_PART {
                return Err(ApiError::field(
                    "soort",
                    format!(
                        "is langer dan {MAX_TEXT_PART} tekens; geef een soort zoals 'projectplan'"
                    ),
                ));
            }
            text.extend_from_slice(bytes);
        }
        Sink::File(spooled) => {
            let size = spooled.size + bytes.len() as u64;
            if size > intake.max_file_bytes {
                let limits = subsidie_service::documents::DocumentLimits {
                    max_file_bytes: intake.max_file_bytes,
                    ..Default::default()
                };
                return Err(
                    subsidie_service::ServiceError::TooLarge(limits.file_refusal(size)).into(),
                );
            }
            // A few KiB into the page cache: short enough to do on the worker.
            spooled.file.write_all(bytes).map_err(spool_error)?;
            spooled.size = size;
        }
    }
    Ok(())
}

fn close_part(sink: Sink, received: &mut Received) -> Result<(), ApiError> {
    match sink {
        Sink::Kind(text) => {
            let text = String::from_utf8(text)
                .map_err(|_| ApiError::field("soort", "is geen UTF-8-tekst"))?;
            received.kind = Some(text.trim().to_owned());
        }
        Sink::Csrf(text) => received.csrf = Some(String::from_utf8_lossy(&text).into_owned()),
        Sink::File(spooled) => received.file = Some(spooled),
    }
    Ok(())
}
