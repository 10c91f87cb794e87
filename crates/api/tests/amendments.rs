//! After a grant, over HTTP: an amendment asked and decided (with four eyes above the
//! limit), listed on the application; a lowering and a revocation by finance. The
//! ledger check after every step. On the backend `SUBSIDIE_TEST_BACKEND` selects.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft_body, submitted, Cast, TestServer};
use serde_json::{json, Value};

fn ledger_holds(s: &TestServer, c: &Cast) {
    let check = s.get(&c.finance, "/grootboekcontrole").expect(200).json();
    assert_eq!(check["klopt"], json!(true), "{check}");
}

/// A granted uitvoering application of `amount` (at most the four-eyes limit).
fn granted(s: &TestServer, c: &Cast, amount: &str) -> String {
    let id = submitted(s, &c.applicant_a, draft_body("uitvoering", amount, None));
    allocate(s, &c.admin, "uitvoering");
    let review = |body| s.post(&c.reviewer, &format!("/aanvragen/{id}/beoordelingen"), body);
    review(json!({"besluit": "starten"})).expect(200);
    review(json!({"besluit": "honoreren", "bedrag": amount, "motivering": "Past."})).expect(200);
    id
}

fn decide(s: &TestServer, who: &common::User, amendment: &str, body: Value) -> common::Response {
    s.post(
        who,
        &format!("/wijzigingsverzoeken/{amendment}/beslissingen"),
        body,
    )
}

#[test]
fn an_amendment_is_asked_proposed_and_granted_by_a_second_reviewer() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let id = granted(&s, &c, "900000.00");
    let path = format!("/aanvragen/{id}/wijzigingsverzoeken");
    s.set_now(at(2025, 9, 1, 9));
    // Only the grantee asks; what the kind needs is named.
    s.post(
        &c.reviewer,
        &path,
        json!({"soort": "verhoging", "bedrag": "1100000.00", "motivering": "x"}),
    )
    .problem(403);
    let missing = s.post(
        &c.applicant_a,
        &path,
        json!({"soort": "verhoging", "motivering": "x"}),
    );
    missing.problem(400);
    assert_eq!(missing.invalid_params(), ["bedrag"]);
    let lower = s.post(
        &c.applicant_a,
        &path,
        json!({"soort": "verhoging", "bedrag": "800000.00", "motivering": "x"}),
    );
    lower.problem(400);
    assert_eq!(lower.invalid_params(), ["bedrag"]);
    s.post(
        &c.applicant_a,
        &path,
        json!({"soort": "ophoging", "bedrag": "1.00", "motivering": "x"}),
    )
    .problem(400);
    let asked = s
        .post(
            &c.applicant_a,
            &path,
            json!({"soort": "verhoging", "bedrag": "1100000.00", "motivering": "Meer wijken."}),
        )
        .expect(201)
        .json();
    assert_eq!(asked["status"], "ingediend");
    let amendment = asked["id"].as_str().unwrap().to_owned();
    // The other organisation does not see it.
    s.get(&c.applicant_b, &format!("/wijzigingsverzoeken/{amendment}"))
        .problem(404);
    // The grantee cannot decide; a reviewer proposes (four eyes above 1 mln).
    decide(
        &s,
        &c.applicant_a,
        &amendment,
        json!({"besluit": "toekennen", "motivering": "x"}),
    )
    .problem(403);
    let proposed = decide(
        &s,
        &c.reviewer,
        &amendment,
        json!({"besluit": "toekennen", "motivering": "Voorstel."}),
    )
    .expect(200)
    .json();
    assert_eq!(proposed["status"], "voorgesteld");
    decide(
        &s,
        &c.reviewer,
        &amendment,
        json!({"besluit": "toekennen", "motivering": "Nog eens."}),
    )
    .problem(409);
    let granted = decide(
        &s,
        &c.reviewer2,
        &amendment,
        json!({"besluit": "toekennen", "motivering": "Bevestigd."}),
    )
    .expect(200)
    .json();
    assert_eq!(granted["status"], "toegekend");
    assert_eq!(granted["vorigBedrag"], "900000.00");
    assert!(granted["bezwaarUiterlijk"].is_string());
    let app = s
        .get(&c.applicant_a, &format!("/aanvragen/{id}"))
        .expect(200)
        .json();
    assert_eq!(app["verleendBedrag"], "1100000.00");
    let list = s.get(&c.applicant_a, &path).expect(200).json();
    assert_eq!(list["wijzigingsverzoeken"].as_array().unwrap().len(), 1);
    ledger_holds(&s, &c);
    // Withdrawn before a decision by the grantee only.
    let second = s
        .post(
            &c.applicant_a,
            &path,
            json!({"soort": "verlaging", "bedrag": "1000000.00", "motivering": "Toch minder."}),
        )
        .expect(201)
        .json();
    let second = second["id"].as_str().unwrap().to_owned();
    decide(&s, &c.reviewer, &second, json!({"besluit": "intrekken"})).problem(403);
    let withdrawn = decide(&s, &c.applicant_a, &second, json!({"besluit": "intrekken"}))
        .expect(200)
        .json();
    assert_eq!(withdrawn["status"], "ingetrokken");
    s.get(&c.reviewer, "/wijzigingsverzoeken/bestaat-niet")
        .problem(404);
    ledger_holds(&s, &c);
}

#[test]
fn finance_lowers_and_then_revokes_a_grant() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let id = granted(&s, &c, "800000.00");
    s.set_now(at(2025, 4, 1, 9));
    // The grantee may not; a lowering is below the grant and needs a motivation.
    s.post(
        &c.applicant_a,
        &format!("/aanvragen/{id}/verlagingen"),
        json!({"bedrag": "600000.00", "motivering": "x"}),
    )
    .problem(403);
    s.post(
        &c.finance,
        &format!("/aanvragen/{id}/verlagingen"),
        json!({"bedrag": "900000.00", "motivering": "x"}),
    )
    .problem(400);
    s.post(
        &c.finance,
        &format!("/aanvragen/{id}/verlagingen"),
        json!({"bedrag": "600000.00"}),
    )
    .problem(400);
    let lowered = s
        .post(
            &c.finance,
            &format!("/aanvragen/{id}/verlagingen"),
            json!({"bedrag": "600000.00", "motivering": "Minder activiteiten (art. 4:48 Awb)."}),
        )
        .expect(200)
        .json();
    assert_eq!(lowered["status"], "gehonoreerd");
    assert_eq!(lowered["verleendBedrag"], "600000.00");
    ledger_holds(&s, &c);
    let revoked = s
        .post(
            &c.reviewer,
            &format!("/aanvragen/{id}/verleningsintrekkingen"),
            json!({"motivering": "Niet uitgevoerd (art. 4:48 Awb)."}),
        )
        .expect(200)
        .json();
    assert_eq!(revoked["status"], "verlening_ingetrokken");
    assert_eq!(revoked["verleendBedrag"], "0.00");
    let again = s
        .post(
            &c.finance,
            &format!("/aanvragen/{id}/verleningsintrekkingen"),
            json!({"motivering": "Nog eens."}),
        )
        .problem(409);
    assert!(
        again.to_string().contains("verlening_ingetrokken"),
        "{again}"
    );
    ledger_holds(&s, &c);
}
