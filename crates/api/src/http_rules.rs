//! The HTTP rules of the NLGov API Design Rules that a linter of the document cannot
//! see, applied around the whole app:
//!
//! - `HEAD` on every `GET` resource (/core/http-methods): the request is routed as a
//!   `GET`; actix's HTTP/1 codec remembers it was a `HEAD` and sends the headers only,
//!   with the `Content-Length` the body would have had.
//! - CORS: `Access-Control-Allow-Origin: *` on the OpenAPI document
//!   (/core/publish-openapi); the rest only for the origins the operator configured
//!   (none by default), preflights answered here.
//! - `X-Content-Type-Options: nosniff` on every answer, `Cache-Control: no-store` on
//!   every answer that may carry personal or financial data (all but the public
//!   documentation), and `Strict-Transport-Security` when served over TLS.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse, ResponseError};

use crate::problem::ApiError;

/// What the operator decided about cross-origin use and transport security.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpRules {
    /// Origins (`https://portaal.example.org`) whose browser pages may call the API;
    /// `*` allows every origin. Empty: none (the OpenAPI document is open to all anyway).
    pub cors_origins: Vec<String>,
    /// Send `Strict-Transport-Security` on every answer, for a server behind a proxy
    /// that ends TLS; a server that ends TLS itself sends it without this.
    pub hsts: bool,
}

impl HttpRules {
    fn allows(&self, origin: &str) -> bool {
        self.cors_origins.iter().any(|o| o == "*" || o == origin)
    }
}

/// The value of `Strict-Transport-Security`: one year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The headers a browser page may send across origins.
const ALLOW_HEADERS: &str = "Authorization, Content-Type, If-Match, Idempotency-Key";

/// The answer headers a browser page may read across origins.
const EXPOSE_HEADERS: &str = "API-Version, ETag, Location, Retry-After, Idempotent-Replayed, Content-Disposition, WWW-Authenticate, Allow";

/// How long a browser may keep a preflight's answer, in seconds.
const PREFLIGHT_MAX_AGE: &str = "600";

/// The paths of public documentation: open to every origin, cacheable, no personal data.
fn is_public(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v1") else {
        return false;
    };
    matches!(rest, "" | "/" | "/openapi.json" | "/docs" | "/problemen")
        || rest.starts_with("/docs/")
        || rest.starts_with("/problemen/")
}

fn is_openapi(path: &str) -> bool {
    path == "/api/v1/openapi.json"
}

/// The origin this request may be answered for: `*` for the OpenAPI document, the
/// request's own origin when the operator allowed it, else none.
fn allowed_origin(
    rules: &HttpRules,
    path: &str,
    origin: Option<&HeaderValue>,
) -> Option<HeaderValue> {
    if is_openapi(path) {
        return Some(HeaderValue::from_static("*"));
    }
    let origin = origin?;
    let text = origin.to_str().ok()?;
    rules.allows(text).then(|| origin.clone())
}

fn insert(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    headers.insert(name, HeaderValue::from_static(value));
}

/// A preflight (`OPTIONS` with `Access-Control-Request-Method`): 204 with what may be
/// sent, or 403 naming the origin when it is not allowed.
fn preflight(rules: &HttpRules, req: &ServiceRequest) -> HttpResponse {
    let origin = req.headers().get(header::ORIGIN);
    let Some(allowed) = allowed_origin(rules, req.path(), origin) else {
        let shown = origin
            .and_then(|o| o.to_str().ok())
            .map(crate::input::printable)
            .unwrap_or_default();
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "herkomst-niet-toegestaan",
            "Herkomst niet toegestaan",
            format!(
                "de herkomst '{shown}' mag deze API niet vanuit een browser aanroepen; de beheerder kan haar toevoegen aan CORS_ORIGINS"
            ),
        )
        .error_response();
    };
    let mut res = HttpResponse::NoContent().finish();
    let headers = res.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
    let methods = if is_openapi(req.path()) {
        "GET, HEAD"
    } else {
        "GET, HEAD, POST, PATCH, DELETE"
    };
    insert(headers, header::ACCESS_CONTROL_ALLOW_METHODS, methods);
    insert(headers, header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
    insert(headers, header::ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE);
    insert(headers, header::VARY, "Origin");
    res
}

fn is_preflight(req: &ServiceRequest) -> bool {
    req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ORIGIN)
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// The headers every answer gets.
fn answer_headers(
    headers: &mut HeaderMap,
    rules: &HttpRules,
    path: &str,
    origin: Option<&HeaderValue>,
    tls: bool,
) {
    insert(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // A handler that set its own caching (the portal's fingerprinted assets) knows its
    // content; everything else that is not public documentation is not stored.
    if !is_public(path) && !headers.contains_key(header::CACHE_CONTROL) {
        insert(headers, header::CACHE_CONTROL, "no-store");
    }
    if tls || rules.hsts {
        insert(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    if let Some(allowed) = allowed_origin(rules, path, origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        insert(
            headers,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            EXPOSE_HEADERS,
        );
        if !is_openapi(path) {
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
    }
}

/// Around the whole app: HEAD as GET, CORS, and the security and caching headers.
pub async fn apply(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let rules = req
        .app_data::<web::Data<HttpRules>>()
        .map(|r| r.get_ref().clone())
        .unwrap_or_default();
    let path = req.path().to_owned();
    let origin = req.headers().get(header::ORIGIN).cloned();
    let tls = req.app_config().secure();
    if is_preflight(&req) {
        let mut res = preflight(&rules, &req);
        insert(res.headers_mut(), header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        let (http_req, _) = req.into_parts();
        return Ok(ServiceResponse::new(http_req, res));
    }
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    answer_headers(res.headers_mut(), &rules, &path, origin.as_ref(), tls);
    Ok(res)
}
