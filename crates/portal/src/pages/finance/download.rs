//! Files streamed to the browser: the use case writes on the blocking pool into a bounded
//! channel and the answer's body reads from it. The headers (`attachment`, the file name)
//! go out with the first chunk, so a long export shows in the browser's download bar at
//! once instead of a page that seems to hang; memory does not grow with the file. A
//! refusal before the first byte is still an ordinary Dutch page; a failure after it
//! breaks off the body, so a truncated file is never taken for a whole one.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use subsidie_service::ServiceError;
use tokio::sync::mpsc;

use crate::failure::Failure;

/// Bytes gathered before a chunk is sent: small, so the download starts early.
const CHUNK: usize = 16 * 1024;
/// Chunks in flight between the writer and the body.
const IN_FLIGHT: usize = 4;

enum Piece {
    Data(Bytes),
    Failed(ServiceError),
}

struct ChannelWriter(mpsc::Sender<Piece>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Piece::Data(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "de browser is weg"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

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
                Poll::Ready(Some(Err(io::Error::other(e.to_string()))))
            }
        }
    }
}

/// Answers with the file `write` writes, streamed, as an attachment named `name`.
pub(crate) async fn stream<F>(
    content_type: &str,
    name: &str,
    write: F,
) -> Result<HttpResponse, Failure>
where
    F: FnOnce(&mut dyn Write) -> Result<(), ServiceError> + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel::<Piece>(IN_FLIGHT);
    let failed = tx.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut out = io::BufWriter::with_capacity(CHUNK, ChannelWriter(tx));
        let result = write(&mut out).and_then(|()| {
            out.flush()
                .map_err(|e| ServiceError::Internal(format!("schrijven mislukt: {e}")))
        });
        if let Err(e) = result {
            drop(out.into_parts());
            let _ = failed.blocking_send(Piece::Failed(e));
        }
    });
    let first = match rx.recv().await {
        Some(Piece::Failed(e)) => return Err(Failure::from(e)),
        Some(Piece::Data(b)) => Some(b),
        None => None,
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(ChannelBody { first, rx }))
}
