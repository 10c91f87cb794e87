//! Two middlewares:
//!
//! - [`finish`], around the whole app: every answer gets `API-Version`; every error
//!   answer becomes `application/problem+json` with `instance`, including actix's own
//!   and those of the docs page.
//! - [`idempotency`], around `/api/v1`: a POST with an `Idempotency-Key` is answered
//!   once; a retry with the same key and body gets the first answer again, the same key
//!   with another body is refused (422).

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use subsidie_service::idempotency::{self, Claim};

use crate::auth;
use crate::input::BODY_LIMIT;
use crate::observe::RequestId;
use crate::problem::{ApiError, PROBLEM_JSON};
use crate::state::{blocking, AppState};

/// The version of this API, sent with every answer.
pub const API_VERSION: &str = "1.1.0";

/// The name of the header that carries it.
pub const API_VERSION_HEADER: &str = "API-Version";

/// The header a client sends to make a POST safe to retry.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Set on an answer that repeats a stored one.
pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";

/// The longest `Idempotency-Key` accepted.
const MAX_KEY: usize = 255;

fn version_header(res: &mut ServiceResponse<BoxBody>) {
    res.headers_mut().insert(
        HeaderName::from_static("api-version"),
        HeaderValue::from_static(API_VERSION),
    );
}

fn is_problem(res: &ServiceResponse<BoxBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(PROBLEM_JSON))
}

fn is_page(res: &ServiceResponse<BoxBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"))
}

/// The path as `instance`: whole (a client must be able to find the request by it), only
/// stripped of control characters.
fn instance(path: &str) -> String {
    path.chars().filter(|c| !c.is_control()).collect()
}

/// Makes an error answer a problem with `instance` and `requestId`.
async fn normalise(res: ServiceResponse<BoxBody>, path: &str) -> ServiceResponse<BoxBody> {
    let request_id = res
        .request()
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone());
    let status = res.status();
    let problem = is_problem(&res);
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = body::to_bytes(body).await.unwrap_or_default();
    let mut value: Value = if problem {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    if !value.is_object() {
        value = serde_json::to_value(ApiError::for_status(status).problem()).unwrap_or(Value::Null);
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("instance".to_owned(), Value::String(instance(path)));
        if let Some(id) = request_id {
            obj.insert("requestId".to_owned(), Value::String(id));
        }
    }
    let mut out = head.set_body(serde_json::to_vec(&value).unwrap_or_default());
    out.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    out.headers_mut().remove(header::CONTENT_LENGTH);
    ServiceResponse::new(req, out.map_into_boxed_body())
}

/// Around the whole app: the `API-Version` header, and problems for every error.
pub async fn finish(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let path = req.path().to_owned();
    // Holding a clone of the request here would break routing (actix needs it unshared),
    // so an `Err` passes on as it is; inside the app nothing answers with one: handlers
    // and extractors turn their errors into answers, and so does `idempotency`.
    let mut res = next.call(req).await?.map_into_boxed_body();
    // A page of the portal mounted beside the API says what went wrong itself.
    if (res.status().is_client_error() || res.status().is_server_error()) && !is_page(&res) {
        res = normalise(res, &path).await;
    }
    version_header(&mut res);
    Ok(res)
}

fn error_response(req: ServiceRequest, err: ApiError) -> ServiceResponse<BoxBody> {
    let (http_req, _) = req.into_parts();
    ServiceResponse::new(http_req, err.error_response())
}

fn request_hash(req: &ServiceRequest, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(req.path().as_bytes());
    hasher.update(b"?");
    hasher.update(req.query_string().as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    subsidie_domain::lottery::to_hex(&hasher.finalize())
}

/// The headers of an answer that are stored with it and sent again on a replay.
const KEPT_HEADERS: [header::HeaderName; 3] =
    [header::CONTENT_TYPE, header::ETAG, header::LOCATION];

fn replay(status: u16, stored: &str) -> HttpResponse {
    let envelope: Value = serde_json::from_str(stored).unwrap_or(Value::Null);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    if let Some(headers) = envelope.get("headers").and_then(Value::as_object) {
        for (name, value) in headers {
            if let (Ok(n), Some(Ok(v))) = (
                HeaderName::from_bytes(name.as_bytes()),
                value.as_str().map(HeaderValue::from_str),
            ) {
                res.insert_header((n, v));
            }
        }
    }
    res.insert_header((IDEMPOTENT_REPLAYED, "true"));
    let body = envelope
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    res.body(body)
}

fn malformed_key() -> ApiError {
    ApiError::field(
        IDEMPOTENCY_KEY,
        format!("verwacht 1 tot {MAX_KEY} zichtbare ASCII-tekens, bijvoorbeeld een UUID"),
    )
}

/// An upload is not buffered to be hashed (a file may be 20 MiB), so it takes no
/// `Idempotency-Key`; a repeated upload adds a second document, which a concept may
/// remove again.
fn multipart_refusal(req: &ServiceRequest) -> Option<ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        });
    multipart.then(|| {
        ApiError::field(
            IDEMPOTENCY_KEY,
            "wordt niet aangenomen bij het toevoegen van een document (multipart/form-data); stuur het verzoek zonder deze header",
        )
    })
}

/// Around `/api/v1`: answers a POST with an `Idempotency-Key` at most once.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = match req.headers().get(IDEMPOTENCY_KEY) {
        Some(value) if req.method() == Method::POST => value.to_str().map(str::to_owned),
        _ => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body)
        }
    };
    let key = match key {
        Ok(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY
                && k.bytes().all(|b| b.is_ascii_graphic() || b == b' ') =>
        {
            k
        }
        _ => return Ok(error_response(req, malformed_key())),
    };
    if let Some(err) = multipart_refusal(&req) {
        return Ok(error_response(req, err));
    }
    // Without a known user the handler answers 401 itself.
    let user_id = match auth::authenticate(req.request()).await {
        Ok(actor) => actor.user_id,
        Err(_) => None,
    };
    let Some(user_id) = user_id else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let bytes = match req.extract::<Bytes>().await {
        Ok(b) => b,
        Err(err) => {
            let api = if err.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large(BODY_LIMIT)
            } else {
                ApiError::malformed(format!("de body kon niet worden gelezen: {err}"))
            };
            return Ok(error_response(req, api));
        }
    };
    let hash = request_hash(&req, &bytes);
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(error_response(
            req,
            ApiError::internal("AppState ontbreekt"),
        ));
    };
    let now = state.now();
    let (pool, user, k) = (state.pool.clone(), user_id.clone(), key.clone());
    let claim = blocking(move || idempotency::claim(&pool, &user, &k, &hash, now)).await;
    match claim {
        Err(err) => Ok(error_response(req, err)),
        Ok(Claim::Mismatch) => Ok(error_response(req, ApiError::idempotency_mismatch())),
        Ok(Claim::InProgress) => Ok(error_response(req, ApiError::idempotency_in_progress())),
        Ok(Claim::Replay { status, body }) => {
            let (http_req, _) = req.into_parts();
            Ok(ServiceResponse::new(http_req, replay(status, &body)))
        }
        Ok(Claim::New) => {
            req.set_payload(Payload::from(bytes));
            let res = next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
            let pool = state.pool.clone();
            match res {
                Ok(res) if res.status().is_success() => {
                    let status = res.status();
                    let (http_req, res) = res.into_parts();
                    let (head, body) = res.into_parts();
                    let bytes = body::to_bytes(body).await.unwrap_or_default();
                    let mut headers = serde_json::Map::new();
                    for name in KEPT_HEADERS {
                        if let Some(v) = head.headers().get(&name).and_then(|v| v.to_str().ok()) {
                            headers.insert(name.as_str().to_owned(), Value::String(v.to_owned()));
                        }
                    }
                    let envelope = json!({
                        "headers": headers,
                        "body": String::from_utf8_lossy(&bytes),
                    })
                    .to_string();
                    let stored = blocking(move || {
                        idempotency::complete(&pool, &user_id, &key, status.as_u16(), &envelope)
                    })
                    .await;
                    if let Err(err) = stored {
                        tracing::warn!(
                            error = %err.problem().detail,
                            "antwoord voor Idempotency-Key niet opgeslagen"
                        );
                    }
                    let out = head.set_body(bytes).map_into_boxed_body();
                    Ok(ServiceResponse::new(http_req, out))
                }
                other => {
                    let released =
                        blocking(move || idempotency::release(&pool, &user_id, &key)).await;
                    if let Err(err) = released {
                        tracing::warn!(error = %err.problem().detail, "Idempotency-Key niet vrijgegeven");
                    }
                    other
                }
            }
        }
    }
}
