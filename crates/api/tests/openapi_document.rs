//! The committed `openapi/openapi.json` is exactly what the code generates.
//!
//! After changing the API, regenerate it with
//! `UPDATE_OPENAPI=1 cargo test -p subsidie-api --test openapi_document`.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

#[test]
fn committed_document_is_current() {
    let generated = subsidie_api::document_text();
    let path = committed_path();
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("openapi/openapi.json schrijven");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json loopt achter op de code; werk het bij met \
         UPDATE_OPENAPI=1 cargo test -p subsidie-api --test openapi_document"
    );
}

/// The document's list of application states is the domain's.
#[test]
fn the_documented_states_are_the_domains() {
    let doc = subsidie_api::document();
    let documented: Vec<&str> = doc["components"]["schemas"]["AanvraagStatus"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let domain: Vec<&str> = subsidie_domain::lifecycle::State::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(documented, domain);
}

/// A download is documented with every type a document can be stored as (schemathesis
/// refuses an answer whose `Content-Type` the document does not name).
#[test]
fn the_documented_download_types_are_the_accepted_ones() {
    let doc = subsidie_api::document();
    let content = &doc["paths"]["/aanvragen/{id}/documenten/{documentId}"]["get"]["responses"]
        ["200"]["content"];
    let mut documented: Vec<&str> = content
        .as_object()
        .expect("content")
        .keys()
        .map(String::as_str)
        .collect();
    let mut accepted: Vec<&str> = subsidie_domain::documents::ACCEPTED
        .iter()
        .map(|t| t.media_type())
        .collect();
    documented.sort_unstable();
    accepted.sort_unstable();
    assert_eq!(documented, accepted);
}
