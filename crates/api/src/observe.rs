//! The request id and the access log: the outermost middleware of the app.
//!
//! Every request gets an id: the client's `X-Request-ID` when it is printable ASCII of at
//! most 64 characters, else a new UUID. It goes back in the `X-Request-ID` header, into
//! every problem document (`requestId`) and onto the one access line logged per request,
//! so a complaint quoting it leads to the line. The line names the method, the route
//! template (never the path with its ids, never a query, header or body: no token, IBAN
//! or name can end up in a log), the status, the duration and the user.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};
use subsidie_service::Actor;

use crate::state::AppState;

/// The header that carries the request id, both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The longest request id taken from a client.
const MAX_REQUEST_ID: usize = 64;

/// The id of the request being answered, in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// The client's id when it is acceptable, else a fresh one.
pub fn request_id(given: Option<&HeaderValue>) -> String {
    given
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= MAX_REQUEST_ID && v.bytes().all(|b| b.is_ascii_graphic())
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// An error with the errors that caused it, `outer: inner: innermost`, for a log line.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The route template a request matched (`/api/v1/aanvragen/{id}`), or `-` for a path no
/// route knows: unknown paths must not each become a metric series of their own.
fn route_of(req: &actix_web::HttpRequest) -> String {
    req.match_pattern().unwrap_or_else(|| "-".to_owned())
}

fn log_line(method: &str, route: &str, status: StatusCode, millis: f64, id: &str, user: &str) {
    if status.is_server_error() {
        tracing::warn!(target: "subsidie::access", method, route, status = status.as_u16(), duration_ms = millis, request_id = id, user_id = user, "verzoek");
    } else {
        tracing::info!(target: "subsidie::access", method, route, status = status.as_u16(), duration_ms = millis, request_id = id, user_id = user, "verzoek");
    }
}

/// Around everything: the request id, the access line and the request metrics.
pub async fn access(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let id = request_id(req.headers().get(REQUEST_ID_HEADER));
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().as_str().to_owned();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    // No clone of the request may be held across the call: actix needs it unshared to
    // route. The route and the user are read from the answer's request afterwards; an
    // `Err` (which nothing inside the app returns) carries no request, so it logs `-`.
    let result = next
        .call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body);
    let (status, route, user) = match &result {
        Ok(res) => (
            res.status(),
            route_of(res.request()),
            res.request()
                .extensions()
                .get::<Actor>()
                .and_then(|actor| actor.user_id.clone()),
        ),
        Err(err) => (err.as_response_error().status_code(), "-".to_owned(), None),
    };
    let user = user.unwrap_or_else(|| "-".to_owned());
    let elapsed = started.elapsed();
    log_line(
        &method,
        &route,
        status,
        elapsed.as_secs_f64() * 1000.0,
        &id,
        &user,
    );
    if let Some(metrics) = metrics {
        metrics.record(&method, &route, status.as_u16(), elapsed);
    }
    result.map(|mut res| {
        if let Ok(value) = HeaderValue::from_str(&id) {
            res.headers_mut()
                .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
        }
        res
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printable_short_id_is_kept_and_anything_else_replaced() {
        let kept = HeaderValue::from_static("abc-123");
        assert_eq!(request_id(Some(&kept)), "abc-123");
        for bad in ["", "met spatie", &"x".repeat(65)] {
            let value = HeaderValue::from_str(bad).ok();
            let id = request_id(value.as_ref());
            assert_ne!(id, bad);
            assert_eq!(id.len(), 36);
        }
        assert_eq!(request_id(None).len(), 36);
    }
}
