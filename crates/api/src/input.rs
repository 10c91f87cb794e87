//! Reading input strictly: JSON bodies, path ids, query strings, `If-Match`, amounts.
//!
//! Every refusal is an [`ApiError`] that names the field at fault. Strings with control
//! characters (a NUL byte above all, which PostgreSQL refuses to store) never reach the
//! service.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{PayloadError, QueryPayloadError};
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use subsidie_domain::Money;

use crate::problem::{ApiError, InvalidParam};

/// The largest body accepted: 256 KiB.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The longest id accepted in a path or filter.
const MAX_ID: usize = 100;

/// True for a plausible id: 1–100 characters of `A-Z a-z 0-9 . _ -`.
pub fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_ID
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// An id from the path; one that cannot exist is "not found".
pub fn path_id(text: &str, what: &str) -> Result<String, ApiError> {
    if is_id(text) {
        Ok(text.to_owned())
    } else {
        Err(ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "niet-gevonden",
            "Niet gevonden",
            format!("{what} '{}' bestaat niet", printable(text)),
        ))
    }
}

/// An optional id from a query parameter or body field.
pub fn optional_id(value: Option<String>, name: &str) -> Result<Option<String>, ApiError> {
    match value {
        None => Ok(None),
        Some(v) if is_id(&v) => Ok(Some(v)),
        Some(v) => Err(ApiError::field(
            name,
            format!(
                "'{}' is geen geldige code; verwacht 1 tot {MAX_ID} tekens uit a-z, A-Z, 0-9, '.', '_' en '-'",
                printable(&v)
            ),
        )),
    }
}

/// A text shortened and stripped of control characters, for messages.
pub fn printable(text: &str) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Parses an amount: a string with at most two decimals, zero or more.
pub fn money(name: &str, text: &str) -> Result<Money, InvalidParam> {
    Money::parse_non_negative(text).map_err(|e| InvalidParam {
        name: name.to_owned(),
        reason: e.to_string(),
    })
}

/// A whole number as JSON Schema means it: `50` and `50.0` alike (a client's JSON
/// library may write either), but not `50.5`, and only within `T`'s range.
pub fn whole_number<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    let value = serde_json::Number::deserialize(de)?;
    within::<D::Error, T>(&value)
}

/// [`whole_number`] for a field that may be left out or `null`.
pub fn optional_whole_number<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    match Option::<serde_json::Number>::deserialize(de)? {
        Some(value) => within::<D::Error, T>(&value).map(Some),
        None => Ok(None),
    }
}

fn within<E: serde::de::Error, T: TryFrom<i64>>(value: &serde_json::Number) -> Result<T, E> {
    // Beyond 2^53 a float no longer holds every whole number exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let whole = value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= EXACT)
            .map(|f| {
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                i
            })
    });
    let Some(whole) = whole else {
        return Err(E::custom(format!(
            "{value} is geen geheel getal; verwacht bijvoorbeeld 80"
        )));
    };
    T::try_from(whole)
        .map_err(|_| E::custom(format!("{value} is te groot of te klein voor dit veld")))
}

/// A JSON body, required.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// A JSON body that may be left out entirely (an empty body is `T::default()`).
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub T);

fn is_json(req: &HttpRequest) -> Result<(), ApiError> {
    let raw = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| printable(v.to_str().unwrap_or("?")));
    match req.mime_type() {
        Ok(Some(mime))
            if mime.type_().as_str() == "application"
                && (mime.subtype().as_str() == "json"
                    || mime.suffix().map(|s| s.as_str()) == Some("json")) =>
        {
            Ok(())
        }
        _ => Err(ApiError::unsupported_media_type(raw.as_deref())),
    }
}

fn payload_error(err: actix_web::Error) -> ApiError {
    let too_large = matches!(err.as_error::<PayloadError>(), Some(PayloadError::Overflow))
        || err.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE;
    if too_large {
        ApiError::too_large(BODY_LIMIT)
    } else {
        ApiError::malformed(format!("de body kon niet worden gelezen: {err}"))
    }
}

/// Finds a string with a control character other than tab, newline or carriage return.
fn control_characters(value: &Value, path: &mut Vec<String>) -> Option<String> {
    match value {
        Value::String(s) => s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            .then(|| path_name(path)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            path.push(i.to_string());
            let found = control_characters(v, path);
            path.pop();
            found
        }),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            path.push(k.clone());
            let found = control_characters(v, path);
            path.pop();
            found
        }),
        _ => None,
    }
}

fn path_name(path: &[String]) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.join(".")
    }
}

/// Translates serde's message about a field into a Dutch reason, and finds the field's
/// name in it when serde names it (unknown and missing fields).
pub fn serde_reason(message: &str, at: &str) -> InvalidParam {
    let quoted = |rest: &str| rest.split('`').next().unwrap_or("").to_owned();
    let join = |parent: &str, name: &str| {
        if parent.is_empty() || parent == "body" {
            name.to_owned()
        } else {
            format!("{parent}.{name}")
        }
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = quoted(rest);
        // serde_path_to_error already ends the path with the unknown field.
        let at = if at == name || at.ends_with(&format!(".{name}")) {
            at.rsplit_once('.').map(|(parent, _)| parent).unwrap_or("")
        } else {
            at
        };
        let allowed = rest
            .split_once("expected ")
            .map(|(_, a)| {
                let a = a.replace('`', "");
                format!("; toegestaan: {}", a.strip_prefix("one of ").unwrap_or(&a))
            })
            .unwrap_or_default();
        return InvalidParam {
            name: join(at, &name),
            reason: format!("onbekend veld{allowed}"),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return InvalidParam {
            name: join(at, &quoted(rest)),
            reason: "ontbreekt; dit veld is verplicht".to_owned(),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let allowed = rest
            .split_once("expected ")
            .map(|(_, a)| {
                a.replace('`', "")
                    .replace("one of ", "")
                    .replace(" or ", " of ")
            })
            .unwrap_or_default();
        return InvalidParam {
            name: at.to_owned(),
            reason: format!("onbekende waarde '{}'; toegestaan: {allowed}", quoted(rest)),
        };
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return InvalidParam {
            name: at.to_owned(),
            reason: format!(
                "verkeerd type: verwacht {}, gekregen {}",
                json_kind(expected),
                json_kind(found)
            ),
        };
    }
    InvalidParam {
        name: at.to_owned(),
        reason: message.to_owned(),
    }
}

/// serde's English name of a JSON kind, in Dutch (`a string` → `een tekst`).
fn json_kind(text: &str) -> String {
    let text = text.trim();
    let (kind, value) = match text.split_once(' ') {
        Some((k, v)) => (k, Some(v.trim_matches('`'))),
        None => (text, None),
    };
    let named = match kind {
        "a" | "an" => None,
        "string" => Some("tekst"),
        "integer" | "floating" => Some("getal"),
        "boolean" => Some("waar/onwaar"),
        "map" => Some("object"),
        "sequence" => Some("lijst"),
        "null" | "unit" => Some("null"),
        _ => None,
    };
    match (named, value) {
        (Some(n), Some(v)) if !v.starts_with("point") => format!("{n} {v}"),
        (Some(n), _) => n.to_owned(),
        (None, _) => match text {
            "a string" => "een tekst".to_owned(),
            "i32" | "i64" | "u32" | "u64" => "een geheel getal".to_owned(),
            "a boolean" => "waar of onwaar".to_owned(),
            other if other.starts_with("struct ") => "een object".to_owned(),
            other => other.to_owned(),
        },
    }
}

fn json_value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "waar/onwaar",
        Value::Number(_) => "een getal",
        Value::String(_) => "een tekst",
        Value::Array(_) => "een lijst",
        Value::Object(_) => "een object",
    }
}

/// Parses JSON bytes into `T`, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::malformed(format!(
            "de body is geen geldige JSON (regel {}, kolom {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    // serde reads a struct from a JSON array too (its fields in order); every body of
    // this API is an object, so anything else is refused before it can mean something.
    if !value.is_object() {
        return Err(ApiError::field(
            "body",
            format!(
                "verwacht een JSON-object ({{…}}), gekregen {}",
                json_value_kind(&value)
            ),
        ));
    }
    if let Some(at) = control_characters(&value, &mut Vec::new()) {
        return Err(ApiError::field(
            at,
            "bevat een stuurteken (zoals NUL); alleen tab, regeleinde en gewone tekens zijn toegestaan",
        ));
    }
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." || path.is_empty() {
            "body".to_owned()
        } else {
            path
        };
        ApiError::invalid(vec![serde_reason(&e.inner().to_string(), &at)])
    })
}

type BodyFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

fn read_body<T: DeserializeOwned + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
    optional: bool,
) -> BodyFuture<Option<T>> {
    let req = req.clone();
    let bytes = web::Bytes::from_request(&req, payload);
    Box::pin(async move {
        let bytes = bytes.await.map_err(payload_error)?;
        if bytes.is_empty() {
            if optional {
                return Ok(None);
            }
            if req.headers().contains_key(header::CONTENT_TYPE) {
                is_json(&req)?;
            }
            return Err(ApiError::field(
                "body",
                "ontbreekt; stuur een JSON-object met Content-Type application/json",
            ));
        }
        is_json(&req)?;
        parse_json::<T>(&bytes).map(Some)
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = BodyFuture<JsonBody<T>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body::<T>(req, payload, false);
        Box::pin(async move {
            match body.await? {
                Some(v) => Ok(JsonBody(v)),
                None => Err(ApiError::field("body", "ontbreekt")),
            }
        })
    }
}

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = ApiError;
    type Future = BodyFuture<OptionalJsonBody<T>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body::<T>(req, payload, true);
        Box::pin(async move { Ok(OptionalJsonBody(body.await?.unwrap_or_default())) })
    }
}

/// The version an `If-Match` header asks for; `None` when absent or `*`.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

/// Parses an entity tag of the form `"7"` (or `W/"7"`) into the version.
pub fn parse_etag(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    inner.parse::<i64>().ok().filter(|v| *v >= 0)
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<IfMatch, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(header::IF_MATCH) {
            None => Ok(IfMatch(None)),
            Some(value) => match value.to_str().map(str::trim) {
                // An empty value asks nothing, as if the header were left out.
                Ok("*" | "") => Ok(IfMatch(None)),
                Ok(text) => parse_etag(text).map(|v| IfMatch(Some(v))).ok_or_else(|| {
                    ApiError::field(
                        "If-Match",
                        format!(
                            "'{}' is geen ETag van deze API; gebruik de ETag uit het laatste antwoord, zoals \"3\"",
                            printable(text)
                        ),
                    )
                }),
                Err(_) => Err(ApiError::field("If-Match", "bevat ongeldige tekens")),
            },
        };
        std::future::ready(result)
    }
}

/// A query string, parsed strictly: unknown parameters and values of the wrong type are
/// a 400 problem naming the parameter.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<QueryParams<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parser = form_urlencoded::parse(req.query_string().as_bytes());
        let de = serde_urlencoded::Deserializer::new(parser);
        let result = serde_path_to_error::deserialize::<_, T>(de)
            .map(QueryParams)
            .map_err(|e| {
                let path = e.path().to_string();
                let at = if path == "." || path.is_empty() {
                    "query".to_owned()
                } else {
                    path
                };
                let mut param = serde_reason(&e.inner().to_string(), &at);
                if param.reason == "invalid digit found in string"
                    || param.reason == "number too large to fit in target type"
                    || param.reason == "cannot parse integer from empty string"
                {
                    param.reason = "verwacht een geheel getal".to_owned();
                }
                ApiError::invalid(vec![param])
            });
        std::future::ready(result)
    }
}

/// The error handler for query strings: a 400 problem naming the parameter.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let message = match &err {
        QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::invalid(vec![serde_reason(&message, "query")]).into()
}

/// The error handler for path segments that do not decode: not found.
pub fn path_error(_err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    ApiError::no_route(&printable(req.path())).into()
}

/// The error handler for `web::Json` (not used by the handlers, which use [`JsonBody`],
/// but set so that any JSON extraction answers with a problem).
pub fn json_error(err: actix_web::error::JsonPayloadError, req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => ApiError::too_large(BODY_LIMIT),
        E::ContentType => ApiError::unsupported_media_type(
            req.headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
        ),
        E::Deserialize(e) => ApiError::malformed(e.to_string()),
        other => ApiError::malformed(other.to_string()),
    }
    .into()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Whole {
        #[serde(deserialize_with = "whole_number")]
        weken: u32,
        #[serde(default, deserialize_with = "optional_whole_number")]
        dagen: Option<i32>,
    }

    #[test]
    fn a_whole_number_may_carry_a_zero_fraction_and_must_fit_its_field() {
        let parse = |body: &str| serde_json::from_str::<Whole>(body).map(|w| (w.weken, w.dagen));
        assert_eq!(parse(r#"{"weken": 8}"#).ok(), Some((8, None)));
        assert_eq!(
            parse(r#"{"weken": 8.0, "dagen": -3.0}"#).ok(),
            Some((8, Some(-3)))
        );
        assert_eq!(
            parse(r#"{"weken": 8, "dagen": null}"#).ok(),
            Some((8, None))
        );
        let fraction = parse(r#"{"weken": 8.5}"#).map_err(|e| e.to_string());
        assert!(fraction.is_err_and(|e| e.contains("8.5 is geen geheel getal")));
        let negative = parse(r#"{"weken": -1}"#).map_err(|e| e.to_string());
        assert!(negative.is_err_and(|e| e.contains("-1 is te groot of te klein")));
        assert!(parse(r#"{"weken": 1, "dagen": 3000000000}"#).is_err());
        assert!(parse(r#"{"weken": 1e300}"#).is_err());
    }

    #[test]
    fn serde_messages_become_dutch_reasons() {
        let p = serde_reason("invalid type: integer `5`, expected a string", "bedrag");
        assert_eq!(p.name, "bedrag");
        assert_eq!(
            p.reason,
            "verkeerd type: verwacht een tekst, gekregen getal 5"
        );
        let p = serde_reason("invalid type: sequence, expected struct Score", "body");
        assert_eq!(
            p.reason,
            "verkeerd type: verwacht een object, gekregen lijst"
        );
        let p = serde_reason("unknown field `x`, expected one of `a`, `b`", "x");
        assert_eq!(
            (p.name.as_str(), p.reason.as_str()),
            ("x", "onbekend veld; toegestaan: a, b")
        );
        let p = serde_reason("missing field `titel`", "body");
        assert_eq!(p.name, "titel");
        let p = serde_reason(
            "unknown variant `ja`, expected `nee` or `misschien`",
            "besluit",
        );
        assert_eq!(
            p.reason,
            "onbekende waarde 'ja'; toegestaan: nee of misschien"
        );
    }

    #[test]
    fn entity_tags_parse_strictly() {
        assert_eq!(parse_etag("\"7\""), Some(7));
        assert_eq!(parse_etag("W/\"7\""), Some(7));
        assert_eq!(parse_etag("7"), None);
        assert_eq!(parse_etag("\"-1\""), None);
        assert_eq!(parse_etag("\"x\""), None);
    }

    #[test]
    fn ids_are_plain() {
        assert!(is_id("0192f0c4-7d1e-7c3a-9a7e-2f1b3c4d5e6f"));
        assert!(is_id("discipline-voucher"));
        for bad in ["", "a/b", "a b", "\u{0}", "é", &"x".repeat(101)] {
            assert!(!is_id(bad), "{bad}");
        }
    }
}
