//! Objections over HTTP: lodged, deferred, heard and decided by another reviewer; a
//! founded objection against a rejection grants from the budget. On the backend
//! `SUBSIDIE_TEST_BACKEND` selects.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft_body, submitted, Cast, TestServer};
use serde_json::json;

#[test]
fn an_objection_is_deferred_heard_and_decided_founded() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let id = submitted(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "800000.00", None),
    );
    allocate(&s, &c.admin, "uitvoering");
    let review = |body| s.post(&c.reviewer, &format!("/aanvragen/{id}/beoordelingen"), body);
    review(json!({"besluit": "starten"})).expect(200);
    // Rejected on Friday 2 October 2026.
    s.set_now(at(2026, 10, 2, 10));
    review(json!({"besluit": "afwijzen", "motivering": "Past niet."})).expect(200);

    s.set_now(at(2026, 10, 20, 9));
    let lodged = s
        .post(
            &c.applicant_a,
            &format!("/aanvragen/{id}/bezwaren"),
            json!({"gronden": "Past wel."}),
        )
        .expect(201)
        .json();
    assert_eq!(lodged["beslissenUiterlijk"], "2026-12-28");
    let objection = lodged["id"].as_str().unwrap().to_owned();
    let again = s
        .post(
            &c.applicant_a,
            &format!("/aanvragen/{id}/bezwaren"),
            json!({"gronden": "En meer."}),
        )
        .expect(201)
        .json();
    assert_eq!(again["id"], lodged["id"]);

    let path = |step: &str| format!("/bezwaren/{objection}/{step}");
    // Only reviewers handle it; the applicant cannot defer it.
    s.post(&c.applicant_a, &path("verdagingen"), json!({"reden": "x"}))
        .problem(403);
    let deferred = s
        .post(
            &c.reviewer2,
            &path("verdagingen"),
            json!({"reden": "Advies volgt."}),
        )
        .expect(200)
        .json();
    assert_eq!(deferred["beslissenUiterlijk"], "2027-02-08");
    s.post(
        &c.reviewer2,
        &path("verdagingen"),
        json!({"reden": "Nog eens."}),
    )
    .problem(409);
    // A malformed outcome names the field.
    let bad = s.post(
        &c.reviewer2,
        &path("beslissingen"),
        json!({"uitkomst": "misschien", "motivering": "x"}),
    );
    bad.problem(400);
    // Unfounded needs the hearing first.
    s.post(
        &c.reviewer2,
        &path("beslissingen"),
        json!({"uitkomst": "ongegrond", "motivering": "Nee."}),
    )
    .problem(409);
    s.post(
        &c.reviewer2,
        &path("hoorzittingen"),
        json!({"gehouden": true, "toelichting": "Gehoord."}),
    )
    .expect(200);
    // The reviewer who rejected may not decide (Awb 7:5).
    s.post(
        &c.reviewer,
        &path("beslissingen"),
        json!({"uitkomst": "gegrond", "motivering": "Ja."}),
    )
    .problem(409);
    s.set_now(at(2027, 1, 12, 9));
    let decided = s
        .post(
            &c.reviewer2,
            &path("beslissingen"),
            json!({"uitkomst": "gegrond", "motivering": "Voldoet wel.", "bedrag": "750000.00"}),
        )
        .expect(200)
        .json();
    assert_eq!(decided["status"], "gegrond");
    assert_eq!(decided["hoorzitting"], "gehouden");
    let app = s
        .get(&c.applicant_a, &format!("/aanvragen/{id}"))
        .expect(200)
        .json();
    assert_eq!(app["status"], "gehonoreerd");
    // The rejection and the decision on the objection are each a PDF letter.
    let letters = s
        .get(&c.applicant_a, &format!("/aanvragen/{id}/besluiten"))
        .expect(200)
        .json()["besluiten"]
        .as_array()
        .unwrap()
        .clone();
    let kinds: Vec<&str> = letters
        .iter()
        .map(|l| l["soort"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["afwijzingsbeschikking", "beslissing_op_bezwaar"],
        "{letters:?}"
    );
    let pdf = s.get(
        &c.applicant_a,
        &format!(
            "/aanvragen/{id}/besluiten/{}",
            letters[1]["id"].as_str().unwrap()
        ),
    );
    pdf.expect(200);
    let text = subsidie_notify::testing::pdf_text(&pdf.body);
    for expected in [
        app["referentie"].as_str().unwrap(),
        "Datum 12 januari 2027",
        "Wij verklaren uw bezwaar gegrond.",
        "een subsidie van ten hoogste € 750.000,00",
        "uiterlijk op 23 februari 2027 bij de rechtbank",
        "Voldoet wel.",
    ] {
        assert!(text.contains(expected), "no '{expected}' in:\n{text}");
    }
    let check = s.get(&c.finance, "/grootboekcontrole").expect(200).json();
    assert_eq!(check["klopt"], json!(true), "{check}");
    s.post(
        &c.reviewer2,
        &path("verdagingen"),
        json!({"reden": "Te laat."}),
    )
    .problem(409);
    s.post(
        &c.reviewer2,
        "/bezwaren/bestaat-niet/verdagingen",
        json!({"reden": "x"}),
    )
    .problem(404);
}

#[test]
fn a_founded_objection_against_a_grant_raises_it() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let id = submitted(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "800000.00", None),
    );
    allocate(&s, &c.admin, "uitvoering");
    let review = |body| s.post(&c.reviewer, &format!("/aanvragen/{id}/beoordelingen"), body);
    review(json!({"besluit": "starten"})).expect(200);
    s.set_now(at(2026, 10, 2, 10));
    review(json!({"besluit": "honoreren", "bedrag": "600000.00", "motivering": "Deels."}))
        .expect(200);
    s.set_now(at(2026, 10, 20, 9));
    let lodged = s
        .post(
            &c.applicant_a,
            &format!("/aanvragen/{id}/bezwaren"),
            json!({"gronden": "Alles is onderbouwd."}),
        )
        .expect(201)
        .json();
    let path = |step: &str| format!("/bezwaren/{}/{step}", lodged["id"].as_str().unwrap());
    s.post(
        &c.reviewer2,
        &path("hoorzittingen"),
        json!({"gehouden": false, "toelichting": "Afgezien."}),
    )
    .expect(200);
    // Not higher than the grant: refused on `bedrag`.
    let same = s.post(
        &c.reviewer2,
        &path("beslissingen"),
        json!({"uitkomst": "gegrond", "motivering": "Ja.", "bedrag": "600000.00"}),
    );
    same.problem(400);
    assert_eq!(same.invalid_params(), ["bedrag"]);
    s.set_now(at(2026, 11, 20, 9));
    s.post(
        &c.reviewer2,
        &path("beslissingen"),
        json!({"uitkomst": "gegrond", "motivering": "Ja.", "bedrag": "700000.00"}),
    )
    .expect(200);
    let app = s
        .get(&c.applicant_a, &format!("/aanvragen/{id}"))
        .expect(200)
        .json();
    assert_eq!(app["status"], "gehonoreerd");
    assert_eq!(app["verleendBedrag"], "700000.00");
    let check = s.get(&c.finance, "/grootboekcontrole").expect(200).json();
    assert_eq!(check["klopt"], json!(true), "{check}");
}
