//! File answers streamed from the blocking pool: the service writes the file into a
//! bounded channel, a chunk at a time, and the response body reads from it, so memory does
//! not grow with the size of the file. An error before the first byte (a run or programme
//! that does not exist, a refused role) is still an ordinary problem answer; an error after
//! it breaks off the body, so a client never takes a truncated file for a whole one.
//! The portal's downloads go through [`stream_file`] too, with its own error pages.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use subsidie_service::ServiceError;
use tokio::sync::mpsc;

use crate::problem::ApiError;

/// Bytes gathered before a chunk is sent, for API clients.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the writer and the body.
const CHUNKS_IN_FLIGHT: usize = 4;

enum Piece {
    Data(Bytes),
    Failed(ServiceError),
}

/// A writer that sends every write as a chunk down the channel (behind a `BufWriter`).
struct ChannelWriter(mpsc::Sender<Piece>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Piece::Data(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "de client is weg"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The body: the first chunk, then whatever comes down the channel.
struct ChannelBody {
    first: Option<Bytes>,
    rx: mpsc::Receiver<Piece>,
}

impl MessageBody for ChannelBody {
    type Error = io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, io::Error>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(first)));
        }
        match self.rx.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Piece::Data(b))) => Poll::Ready(Some(Ok(b))),
            Poll::Ready(Some(Piece::Failed(e))) => {
                tracing::warn!(error = %crate::observe::chain(&e), "bestand afgebroken");
                Poll::Ready(Some(Err(io::Error::other(e.to_string()))))
            }
        }
    }
}

/// Answers with the file that `write` writes, streamed, as an attachment named `name`.
pub async fn stream<F>(content_type: &str, name: &str, write: F) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut dyn Write) -> Result<(), ServiceError> + Send + 'static,
{
    stream_file(content_type, name, CHUNK, write).await
}

/// [`stream`] for any edge with its own way of showing a refusal before the first byte
/// (`E`), sending chunks of `chunk` bytes: small ones start a browser's download early.
pub async fn stream_file<E, F>(
    content_type: &str,
    name: &str,
    chunk: usize,
    write: F,
) -> Result<HttpResponse, E>
where
    E: From<ServiceError>,
    F: FnOnce(&mut dyn Write) -> Result<(), ServiceError> + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel::<Piece>(CHUNKS_IN_FLIGHT);
    let failed = tx.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut out = io::BufWriter::with_capacity(chunk, ChannelWriter(tx));
        let result = write(&mut out).and_then(|()| {
            out.flush()
                .map_err(|e| ServiceError::Internal(format!("schrijven mislukt: {e}")))
        });
        if let Err(e) = result {
            // Whatever is still buffered is not sent after the failure.
            drop(out.into_parts());
            let _ = failed.blocking_send(Piece::Failed(e));
        }
    });
    let first = match rx.recv().await {
        Some(Piece::Failed(e)) => return Err(E::from(e)),
        Some(Piece::Data(b)) => Some(b),
        None => None,
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(ChannelBody { first, rx }))
}
