//! Every error answer of the API: `application/problem+json` (RFC 9457).
//!
//! [`ApiError`] is the one type handlers and extractors fail with; [`From<ServiceError>`]
//! is the one mapping from the service layer to HTTP. The problem-normalising middleware
//! in `lib.rs` fills in `instance` and turns any error answer that is not yet a problem
//! (one of actix's own, a missing docs file) into one.

use std::fmt;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use subsidie_notify::NotifyError;
use subsidie_service::{FieldError, ServiceError};
use utoipa::ToSchema;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Eén veld, parameter of header dat niet klopt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OngeldigeParameter)]
pub struct InvalidParam {
    /// Het veld, de parameter of de header, met zijn naam in de API.
    #[schema(example = "aangevraagdBedrag")]
    pub name: String,
    /// Wat er niet aan klopt en wat wel kan.
    #[schema(
        example = "'1e6' is geen geldig bedrag; verwacht cijfers met hoogstens één punt als decimaalteken, zoals \"1250.00\""
    )]
    pub reason: String,
}

/// Een probleem (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Probleem)]
pub struct Problem {
    /// Een URI die de soort probleem aanduidt.
    #[schema(example = "urn:subsidie:probleem:ongeldige-invoer")]
    #[serde(rename = "type")]
    pub kind: String,
    /// Een korte omschrijving van de soort probleem.
    #[schema(example = "Ongeldige invoer")]
    pub title: String,
    /// De HTTP-statuscode.
    #[schema(example = 400)]
    pub status: u16,
    /// Wat er in dit geval misging.
    #[schema(example = "ongeldige invoer: aangevraagdBedrag: '1e6' is geen geldig bedrag")]
    pub detail: String,
    /// Het pad van het verzoek dat het probleem gaf.
    #[schema(example = "/api/v1/aanvragen")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Het id van het verzoek (de header `X-Request-ID` van het antwoord), om het probleem
    /// in de logboeken terug te vinden.
    #[schema(example = "0190d5e4-7b7e-7c3a-9f1e-4d2b8c6a5e10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Bij ongeldige invoer: elk veld dat niet klopt.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
    /// Bij een opdracht die de status niet toestaat: de status van de aanvraag.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "concept")]
    pub huidige_status: Option<String>,
    /// Bij een opdracht die de status niet toestaat: de opdrachten die wel mogen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toegestane_opdrachten: Option<Vec<String>>,
}

/// An error answer: a problem plus the headers that belong with it.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    problem: Box<Problem>,
    headers: Vec<(header::HeaderName, String)>,
}

fn type_uri(slug: &str) -> String {
    format!("urn:subsidie:probleem:{slug}")
}

impl ApiError {
    /// A problem with a status, a kind (slug), a title and a detail.
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            problem: Box::new(Problem {
                kind: type_uri(slug),
                title: title.to_owned(),
                status: status.as_u16(),
                detail: detail.into(),
                instance: None,
                request_id: None,
                invalid_params: Vec::new(),
                huidige_status: None,
                toegestane_opdrachten: None,
            }),
            headers: Vec::new(),
        }
    }

    /// 400 with the fields at fault.
    pub fn invalid(fields: Vec<InvalidParam>) -> Self {
        let summary = fields
            .iter()
            .map(|f| format!("{}: {}", f.name, f.reason))
            .collect::<Vec<_>>()
            .join("; ");
        let mut err = ApiError::new(
            StatusCode::BAD_REQUEST,
            "ongeldige-invoer",
            "Ongeldige invoer",
            format!("ongeldige invoer: {summary}"),
        );
        err.problem.invalid_params = fields;
        err
    }

    /// 400 about one field.
    pub fn field(name: impl Into<String>, reason: impl Into<String>) -> Self {
        ApiError::invalid(vec![InvalidParam {
            name: name.into(),
            reason: reason.into(),
        }])
    }

    /// 400 for a body that is not JSON at all.
    pub fn malformed(detail: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "ongeldige-json",
            "Ongeldige JSON",
            detail,
        )
    }

    /// 401, with the challenge.
    pub fn unauthorized(detail: impl Into<String>, invalid_token: bool) -> Self {
        let challenge = if invalid_token {
            "Bearer realm=\"subsidie\", error=\"invalid_token\""
        } else {
            "Bearer realm=\"subsidie\""
        };
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "niet-geauthenticeerd",
            "Niet geauthenticeerd",
            detail,
        )
        .with_header(header::WWW_AUTHENTICATE, challenge)
    }

    /// 403.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "niet-toegestaan",
            "Niet toegestaan",
            detail,
        )
    }

    /// 404 for a path that is not a resource of this API.
    pub fn no_route(path: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "onbekende-route",
            "Niet gevonden",
            format!(
                "'{path}' is geen bron van deze API; zie /api/v1/openapi.json of /api/v1/docs/"
            ),
        )
    }

    /// 405 with the methods the resource does allow.
    pub fn method_not_allowed(method: &str, allow: &str) -> Self {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "methode-niet-toegestaan",
            "Methode niet toegestaan",
            format!("{method} is hier niet toegestaan; wel: {allow}"),
        )
        .with_header(header::ALLOW, allow)
    }

    /// 413 for a body over the limit.
    pub fn too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "te-groot",
            "Verzoek te groot",
            format!("de body is groter dan de toegestane {} KiB", limit / 1024),
        )
    }

    /// 415 for a body that is not `application/json`.
    pub fn unsupported_media_type(found: Option<&str>) -> Self {
        let detail = match found {
            Some(ct) => {
                format!("Content-Type '{ct}' wordt niet ondersteund; stuur application/json")
            }
            None => "de body heeft geen Content-Type; stuur application/json".to_owned(),
        };
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "mediatype-niet-ondersteund",
            "Mediatype niet ondersteund",
            detail,
        )
    }

    /// 422: an `Idempotency-Key` reused for another request.
    pub fn idempotency_mismatch() -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-hergebruikt",
            "Idempotency-Key hergebruikt",
            "deze Idempotency-Key is al gebruikt voor een ander verzoek; kies een nieuwe sleutel voor een nieuw verzoek",
        )
    }

    /// 409: the first request with the same `Idempotency-Key` is still running.
    pub fn idempotency_in_progress() -> Self {
        ApiError::new(
            StatusCode::CONFLICT,
            "idempotency-key-in-behandeling",
            "Verzoek nog in behandeling",
            "het eerste verzoek met deze Idempotency-Key is nog niet afgerond; probeer het zo opnieuw",
        )
        .with_header(header::RETRY_AFTER, "1")
    }

    /// 503, with `Retry-After`.
    pub fn unavailable(detail: impl Into<String>, retry_after_seconds: u32) -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "tijdelijk-niet-beschikbaar",
            "Tijdelijk niet beschikbaar",
            detail,
        )
        .with_header(header::RETRY_AFTER, retry_after_seconds.to_string())
    }

    /// 503: the funder's account (`FUNDER_*`) is not configured, so nothing that pays
    /// may be made; the detail names the variables.
    pub fn payer_not_configured(detail: &str) -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "rekening-financier-niet-ingesteld",
            "Rekening van de financier niet ingesteld",
            detail,
        )
    }

    /// 500: something that should not happen. The cause is logged, not shown.
    pub fn internal(cause: &str) -> Self {
        tracing::error!(cause, "interne fout");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "interne-fout",
            "Interne fout",
            "er ging iets mis aan onze kant; er is niets gewijzigd als het verzoek een wijziging was",
        )
    }

    /// A generic problem for a bare status (used to normalise answers that are not yet a
    /// problem).
    pub fn for_status(status: StatusCode) -> Self {
        let title = status.canonical_reason().unwrap_or("Fout");
        let mut err = ApiError::new(status, "http", title, title.to_owned());
        err.problem.kind = "about:blank".to_owned();
        err
    }

    /// Adds a header to the answer.
    pub fn with_header(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Renames fields in `invalidParams` from the service's names to this endpoint's.
    pub fn rename_fields(mut self, renames: &[(&str, &str)]) -> Self {
        if self.problem.invalid_params.is_empty() {
            return self;
        }
        for param in &mut self.problem.invalid_params {
            if let Some((_, to)) = renames.iter().find(|(from, _)| *from == param.name) {
                param.name = (*to).to_owned();
            }
        }
        let summary = self
            .problem
            .invalid_params
            .iter()
            .map(|f| format!("{}: {}", f.name, f.reason))
            .collect::<Vec<_>>()
            .join("; ");
        self.problem.detail = format!("ongeldige invoer: {summary}");
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The problem object.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.problem.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let body = serde_json::to_vec(&self.problem).unwrap_or_default();
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                res.insert_header((name.clone(), v));
            }
        }
        res.body(body)
    }
}

fn fields(errors: Vec<FieldError>) -> Vec<InvalidParam> {
    errors
        .into_iter()
        .map(|e| InvalidParam {
            name: e.field,
            reason: e.message,
        })
        .collect()
}

/// The one mapping from the service layer's errors to HTTP.
impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        let detail = err.to_string();
        match err {
            ServiceError::NotFound { .. } => ApiError::new(
                StatusCode::NOT_FOUND,
                "niet-gevonden",
                "Niet gevonden",
                detail,
            ),
            ServiceError::Forbidden(_) => ApiError::new(
                StatusCode::FORBIDDEN,
                "niet-toegestaan",
                "Niet toegestaan",
                detail,
            ),
            ServiceError::Validation(errors) => ApiError::invalid(fields(errors)),
            ServiceError::InvalidState(transition) => {
                let mut e = ApiError::new(
                    StatusCode::CONFLICT,
                    "ongeldige-status",
                    "Niet toegestaan in deze status",
                    detail,
                );
                e.problem.huidige_status = Some(transition.state.as_str().to_owned());
                e.problem.toegestane_opdrachten = Some(
                    transition
                        .allowed
                        .iter()
                        .map(|c| c.as_str().to_owned())
                        .collect(),
                );
                e
            }
            ServiceError::Conflict(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
            }
            ServiceError::Budget(_) => ApiError::new(
                StatusCode::CONFLICT,
                "budget",
                "Niet mogelijk binnen het budget",
                detail,
            ),
            ServiceError::StaleVersion { .. } => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "verouderde-versie",
                "Verouderde versie",
                detail,
            ),
            ServiceError::Busy => ApiError::unavailable(detail, 1),
            ServiceError::Unavailable(cause) => {
                tracing::error!(cause = %cause, "database niet bereikbaar");
                ApiError::unavailable(
                    "de database is tijdelijk niet bereikbaar; er is niets gewijzigd, probeer het later opnieuw",
                    5,
                )
            }
            ServiceError::Internal(cause) => ApiError::internal(&cause),
        }
    }
}

/// The outbox's errors (administration of e-mail, outside the service layer). Database
/// errors take the service's mapping, so busy and unreachable answer 503 as everywhere.
impl From<NotifyError> for ApiError {
    fn from(err: NotifyError) -> Self {
        match err {
            NotifyError::Store(store) => ApiError::from(ServiceError::from(store)),
            // A template or mail setting is not something the caller can fix.
            other => ApiError::internal(&other.to_string()),
        }
    }
}
