//! Files streamed to the browser, by the API's streaming answer
//! (`subsidie_api::download`): the use case writes on the blocking pool and the body
//! reads as it goes, so the headers (`attachment`, the file name) go out with the first
//! chunk and a long export shows in the browser's download bar at once instead of a page
//! that seems to hang. A refusal before the first byte is still an ordinary Dutch page.

use std::io::Write;

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;
use subsidie_service::ServiceError;

use crate::failure::Failure;

/// Bytes gathered before a chunk is sent: small, so the download starts early.
const CHUNK: usize = 16 * 1024;

/// Answers with the file `write` writes, streamed, as an attachment named `name`; not
/// kept in the browser's cache (it holds account numbers).
pub(crate) async fn stream<F>(
    content_type: &str,
    name: &str,
    write: F,
) -> Result<HttpResponse, Failure>
where
    F: FnOnce(&mut dyn Write) -> Result<(), ServiceError> + Send + 'static,
{
    let mut res =
        subsidie_api::download::stream_file::<Failure, _>(content_type, name, CHUNK, write).await?;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
