//! Authorisation comes before the body: a caller whose role may not issue a command hears
//! 403 with the roles that may, whatever is wrong with the body; a caller in the right
//! role still hears what is wrong with the fields. (An application the caller may not
//! see stays not found: `roles.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{at, draft, draft_body, Cast, TestServer};
use serde_json::json;

#[test]
fn the_wrong_role_hears_403_before_anything_about_the_body() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let cast = Cast::new(&s);
    let id = draft(
        &s,
        &cast.applicant_a,
        draft_body("voorbereiding", "50000.00", None),
    );
    s.post(
        &cast.applicant_a,
        &format!("/aanvragen/{id}/indieningen"),
        json!({}),
    )
    .expect(200);
    let refused = [
        (
            "beoordelingen",
            json!({"besluit": "honoreren", "bedrag": "geen bedrag"}),
        ),
        ("beoordelingen", json!({"onbekend": true})),
        ("scores", json!({"score": "hoog"})),
        (
            "vaststellingen",
            json!({"bedrag": "veel", "motivering": ""}),
        ),
        ("afsluitingen", json!({"onbekend": true})),
    ];
    for (resource, body) in refused {
        let p = s
            .post(
                &cast.applicant_a,
                &format!("/aanvragen/{id}/{resource}"),
                body,
            )
            .problem(403);
        let detail = p["detail"].as_str().unwrap_or_default().to_owned();
        assert!(
            detail.contains("voorbehouden") || detail.contains("alleen"),
            "{detail}"
        );
    }
    for (resource, body) in [
        ("aanvullingen", json!({"toelichting": ""})),
        ("verantwoordingen", json!({"samenvatting": ""})),
        ("bezwaren", json!({"gronden": 7})),
    ] {
        s.post(&cast.reviewer, &format!("/aanvragen/{id}/{resource}"), body)
            .problem(403);
    }
    // The right role with a wrong body: the fields.
    s.post(
        &cast.reviewer,
        &format!("/aanvragen/{id}/beoordelingen"),
        json!({"besluit": "honoreren", "bedrag": "geen bedrag"}),
    )
    .problem(400);
    s.post(
        &cast.applicant_a,
        &format!("/aanvragen/{id}/aanvullingen"),
        json!({"toelichting": ""}),
    )
    .problem(400);
}

/// `POST /aanvragen` looks a token up in the same hop as the use case; the answers keep
/// the order of every other route: the token (401), the role (403), then the body (400).
#[test]
fn a_new_application_hears_about_the_token_then_the_role_then_the_body() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let cast = Cast::new(&s);
    let broken = json!({"instrumentId": 7, "aangevraagdBedrag": "veel"});
    let mut stranger = cast.applicant_a.clone();
    stranger.token = "0".repeat(64);
    let p = s.post(&stranger, "/aanvragen", broken.clone()).problem(401);
    assert!(p["detail"].as_str().unwrap().contains("onbekend"), "{p}");
    s.post(&cast.reviewer, "/aanvragen", broken.clone())
        .problem(403);
    s.post(&cast.applicant_b, "/aanvragen", broken).problem(400);
    // A token not looked up before (a cache miss) is found in the use case's hop.
    s.post(
        &cast.applicant_b,
        "/aanvragen",
        draft_body("voorbereiding", "50000.00", None),
    )
    .expect(201);
}
