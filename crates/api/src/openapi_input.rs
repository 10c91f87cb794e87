//! What the server enforces on input, stated in the OpenAPI document so that a client
//! (or schemathesis) that follows the document is never refused for its form:
//!
//! - every text of a body carries no control character but tab and line breaks
//!   (`input::parse_json` refuses them), and a text, when given, is not blank
//!   (the service's `mag niet leeg zijn`; an optional one may be left out or `null`);
//! - the lengths the service checks (a title 200, a text 20 000 characters, a label 200);
//! - ids in paths, bodies and filters are 1–100 characters of `A-Z a-z 0-9 . _ -`
//!   (`input::is_id`), a lottery seed 64 lowercase hexadecimals, dates `JJJJ-MM-DD`;
//! - `If-Match` is an entity tag of this API and `Idempotency-Key` visible ASCII;
//! - the payment and message states a filter knows.
//!
//! Applied after utoipa generated the document, by property and parameter name: the
//! names are the API's, one meaning each.

use serde_json::{json, Map, Value};
use subsidie_domain::payment::PaymentState;

/// The characters `input::parse_json` refuses in a text: C0 but tab, LF, CR; DEL; C1.
const CONTROL: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// An id (`input::is_id`).
pub const ID_PATTERN: &str = "^[A-Za-z0-9._-]{1,100}$";

/// An entity tag of this API, or `*`.
/// Empty is the same as leaving the header out; a version fits in 18 digits (`i64`).
pub const IF_MATCH_PATTERN: &str = r#"^(|\*|(W/)?"[0-9]{1,18}")$"#;

/// An `Idempotency-Key`: visible ASCII, spaces only inside.
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]([!-~ ]*[!-~])?$";

fn free_text() -> String {
    format!("^[^{CONTROL}]*[^\\s{CONTROL}][^{CONTROL}]*$")
}

/// An amount as `money` reads it: euros with at most two decimals.
pub const AMOUNT_PATTERN: &str = r"^[0-9]+(\.[0-9]{1,2})?$";

/// The amount properties of the programme changes (`Plafondwijziging`, `NieuwInstrument`).
fn is_amount_name(name: &str) -> bool {
    matches!(
        name,
        "plafond" | "minimumBedrag" | "maximumBedrag" | "vastBedrag" | "vierOgenBoven"
    )
}

/// The choices of a property of one request schema, as the programme file's reader
/// knows them.
fn choices(schema: &str, name: &str) -> Option<&'static [&'static str]> {
    match (schema, name) {
        ("NieuwInstrument", "soort") => Some(&[
            "voorbereiding",
            "uitvoering",
            "discipline-voucher",
            "onderzoek",
        ]),
        ("NieuwInstrument", "verdeling") => Some(&["volgorde-van-binnenkomst", "rangschikking"]),
        ("NieuwInstrument", "uniek") => Some(&["geen", "per-regio", "per-regio-en-discipline"]),
        _ => None,
    }
}

/// An enum of `values`, with `null` when the property may be null.
fn insert_choices(schema: &mut Map<String, Value>, values: &[&str]) {
    let mut list: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    if matches!(schema.get("type"), Some(Value::Array(t)) if t.iter().any(|t| t == "null")) {
        list.push(Value::Null);
    }
    schema.insert("enum".to_owned(), Value::Array(list));
}

/// The longest value of a text property, by name, as the service checks it.
fn max_length(name: &str) -> Option<u64> {
    match name {
        "titel" | "label" => Some(200),
        "reden" => Some(2_000),
        "omschrijving" | "toelichting" | "motivering" | "samenvatting" | "gronden"
        | "aanvulling" => Some(20_000),
        _ => None,
    }
}

fn is_text(schema: &Map<String, Value>) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    }
}

fn is_id_name(name: &str) -> bool {
    name.ends_with("Id")
        || matches!(
            name,
            "id" | "na" | "programma" | "instrument" | "regio" | "betaalronde"
        )
}

/// The rule for one text property or parameter of this name.
fn constrain(name: &str, schema: &mut Map<String, Value>) {
    if !is_text(schema)
        || schema.contains_key("enum")
        || schema.contains_key("pattern")
        || schema.contains_key("format")
    {
        return;
    }
    if name == "contactpersoon" || name == "label" {
        // An empty text clears the contact person (`organisatieWijzigen`); a token's
        // label may be left empty (`tokenUitgeven`).
        schema.insert("pattern".to_owned(), json!(format!("^[^{CONTROL}]*$")));
        schema.insert("maxLength".to_owned(), json!(200));
        return;
    }
    if is_amount_name(name) {
        schema.insert("pattern".to_owned(), json!(AMOUNT_PATTERN));
        return;
    }
    let pattern = if is_id_name(name) {
        ID_PATTERN.to_owned()
    } else if name == "seed" {
        "^[0-9a-f]{64}$".to_owned()
    } else {
        free_text()
    };
    schema.insert("pattern".to_owned(), Value::String(pattern));
    // Also when optional: given, it must say something (left out or `null` is fine).
    schema.insert("minLength".to_owned(), json!(1));
    if let Some(max) = max_length(name) {
        schema.insert("maxLength".to_owned(), json!(max));
    }
}

/// The component schemas `value` names, also inside `oneOf` (an optional body).
fn refs(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                names.push(r.rsplit('/').next().unwrap_or_default().to_owned());
            }
            map.values().for_each(|v| refs(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, names)),
        _ => {}
    }
}

fn request_schemas(doc: &Value) -> Vec<String> {
    let mut names = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return names;
    };
    for item in paths.values().filter_map(Value::as_object) {
        for op in item.values() {
            let Some(content) = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
            else {
                continue;
            };
            for media in content.values() {
                refs(media, &mut names);
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

fn bodies(doc: &mut Value) {
    for name in request_schemas(doc) {
        let Some(schema) = doc
            .pointer_mut(&format!("/components/schemas/{name}"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (prop, value) in props.iter_mut() {
            if let Some(s) = value.as_object_mut() {
                match choices(&name, prop) {
                    Some(values) => insert_choices(s, values),
                    None => constrain(prop, s),
                }
            }
        }
    }
}

fn parameter(path: &str, param: &mut Map<String, Value>) {
    let name = param
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let place = param
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) else {
        return;
    };
    match (place.as_str(), name.as_str()) {
        ("header", "If-Match") => {
            schema.insert("pattern".to_owned(), json!(IF_MATCH_PATTERN));
        }
        ("query", "van" | "totEnMet") => {
            schema.insert("format".to_owned(), json!("date"));
        }
        ("query", "status") if path == "/betalingen" => {
            schema.insert("enum".to_owned(), json!(PaymentState::names()));
        }
        ("query", "status") if path == "/berichten" => {
            schema.insert(
                "enum".to_owned(),
                json!(["mislukt", "wachtend", "opnieuw_te_proberen"]),
            );
        }
        ("query", "na") if path == "/beheerhistorie" => {
            // The history pages by its row number, not by an id.
            schema.insert("pattern".to_owned(), json!("^[0-9]{1,18}$"));
        }
        ("query", "onderwerp") if path == "/beheerhistorie" => {
            schema.insert(
                "enum".to_owned(),
                json!(["organisatie", "gebruiker", "token"]),
            );
        }
        ("query", "rol") if path == "/gebruikers" => {
            schema.insert(
                "enum".to_owned(),
                json!(["aanvrager", "beoordelaar", "financien", "beheerder"]),
            );
        }
        ("path" | "query", _) if name != "soort" => constrain(&name, schema),
        _ => {}
    }
}

fn parameters(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for p in params.iter_mut().filter_map(Value::as_object_mut) {
                parameter(path, p);
            }
        }
    }
}

/// States in the document what the server enforces on input.
pub fn complete(doc: &mut Value) {
    bodies(doc);
    parameters(doc);
}
