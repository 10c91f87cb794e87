//! Programme changes by an administrator over HTTP: a ceiling (never below what is
//! committed, refused in euros), a window opened and closed, an instrument added, each
//! recorded in the programme's history with who, when and old → new.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft, draft_body, submitted, Cast, TestServer};
use serde_json::{json, Value};

const PROGRAMME: &str = "versterking-eerstelijnszorg";

fn history(s: &TestServer, c: &Cast) -> Vec<Value> {
    s.get(&c.admin, &format!("/programmas/{PROGRAMME}/wijzigingen"))
        .expect(200)
        .json()["wijzigingen"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_ceiling_never_drops_below_what_is_committed_and_the_refusal_is_in_euros() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let c = Cast::new(&s);
    submitted(
        &s,
        &c.applicant_a,
        draft_body("voorbereiding", "50000.00", None),
    );
    allocate(&s, &c.admin, "voorbereiding");

    let path = "/instrumenten/voorbereiding/plafondwijzigingen";
    // Only an administrator, whatever the body.
    for user in [&c.applicant_a, &c.reviewer, &c.finance] {
        s.post(user, path, json!({"plafond": "1.00"})).problem(403);
    }
    let refused = s
        .post(&c.admin, path, json!({"plafond": "40000.00"}))
        .problem(409);
    let detail = refused["detail"].as_str().unwrap();
    assert!(detail.contains("€ 50.000,00"), "{detail}");
    assert!(detail.contains("€ 40.000,00"), "{detail}");
    assert!(!detail.contains("cent"), "{detail}");
    // Beyond the envelope: the answer says how much still fits.
    let refused = s
        .post(&c.admin, path, json!({"plafond": "100000000.00"}))
        .problem(409);
    assert!(refused["detail"].as_str().unwrap().contains("hoogstens"));
    s.post(&c.admin, path, json!({"plafond": "-5.00"}))
        .problem(400);
    assert!(history(&s, &c).is_empty(), "refusals change nothing");

    let changed = s
        .post(
            &c.admin,
            path,
            json!({"plafond": "3000000.00", "reden": "Voorjaarsnota"}),
        )
        .expect(200)
        .json();
    assert_eq!(changed["budget"]["plafond"], json!("3000000.00"));
    assert_eq!(changed["budget"]["gereserveerd"], json!("50000.00"));
    let h = history(&s, &c);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["wijziging"], json!("plafond"));
    assert_eq!(h[0]["instrumentId"], json!("voorbereiding"));
    assert_eq!(h[0]["van"], json!("2700000.00"));
    assert_eq!(h[0]["naar"], json!("3000000.00"));
    assert_eq!(h[0]["door"], json!(c.admin.id));
    assert_eq!(h[0]["reden"], json!("Voorjaarsnota"));
    // Finance may read the history; an applicant may not.
    s.get(&c.finance, &format!("/programmas/{PROGRAMME}/wijzigingen"))
        .expect(200);
    s.get(
        &c.applicant_a,
        &format!("/programmas/{PROGRAMME}/wijzigingen"),
    )
    .problem(403);
}

#[test]
fn a_window_opened_today_takes_submissions_and_a_closed_one_does_not() {
    let s = TestServer::start(at(2026, 12, 1, 9));
    let c = Cast::new(&s);
    // An instrument with several rounds has no one window to change.
    let refused = s
        .post(
            &c.admin,
            "/instrumenten/uitvoering/openstellingswijzigingen",
            json!({"actie": "verlengen", "totEnMet": "2026-12-31"}),
        )
        .problem(409);
    assert!(refused.to_string().contains("heeft 4 rondes"), "{refused}");
    // The voucher has one window: its round follows the change.
    let path = "/instrumenten/discipline-voucher/openstellingswijzigingen";
    let before = s
        .get(&c.admin, "/instrumenten/discipline-voucher")
        .expect(200)
        .json();

    s.post(&c.admin, path, json!({"actie": "openen"}))
        .problem(400);
    s.post(
        &c.admin,
        path,
        json!({"actie": "openen", "totEnMet": "2027-03-31"}),
    )
    .problem(400);
    let opened = s
        .post(
            &c.admin,
            path,
            json!({"actie": "openen", "totEnMet": "2026-12-15"}),
        )
        .expect(200)
        .json();
    assert_eq!(opened["openVanaf"], json!("2026-12-01"));
    assert_eq!(opened["openTotEnMet"], json!("2026-12-15"));
    let extended = s
        .post(
            &c.admin,
            path,
            json!({"actie": "verlengen", "totEnMet": "2026-12-31"}),
        )
        .expect(200)
        .json();
    assert_eq!(extended["openTotEnMet"], json!("2026-12-31"));
    assert_eq!(
        extended["rondes"][0]["sluit"],
        json!("2026-12-31T23:59:59+01:00")
    );

    let id = submitted(
        &s,
        &c.applicant_a,
        draft_body("discipline-voucher", "25000.00", Some("farmacie")),
    );
    let status = s
        .get(&c.applicant_a, &format!("/aanvragen/{id}"))
        .expect(200)
        .json();
    assert_eq!(status["status"], json!("ingediend"));

    let closed = s
        .post(&c.admin, path, json!({"actie": "sluiten", "reden": "Op"}))
        .expect(200)
        .json();
    assert_eq!(closed["openTotEnMet"], json!("2026-11-30"));
    s.post(&c.admin, path, json!({"actie": "sluiten"}))
        .problem(409);
    let late = draft(
        &s,
        &c.applicant_b,
        draft_body("discipline-voucher", "25000.00", Some("farmacie")),
    );
    s.post(
        &c.applicant_b,
        &format!("/aanvragen/{late}/indieningen"),
        json!({}),
    )
    .problem(400);

    let h = history(&s, &c);
    let shown: Vec<(&str, &str)> = h
        .iter()
        .map(|r| (r["van"].as_str().unwrap(), r["naar"].as_str().unwrap()))
        .collect();
    let first = format!(
        "{} tot en met {}",
        before["openVanaf"].as_str().unwrap(),
        before["openTotEnMet"].as_str().unwrap()
    );
    assert_eq!(
        shown,
        vec![
            (first.as_str(), "2026-12-01 tot en met 2026-12-15"),
            (
                "2026-12-01 tot en met 2026-12-15",
                "2026-12-01 tot en met 2026-12-31"
            ),
            (
                "2026-12-01 tot en met 2026-12-31",
                "2026-11-30 tot en met 2026-11-30"
            ),
        ]
    );
}

#[test]
fn an_instrument_is_added_within_the_envelope_and_recorded() {
    let s = TestServer::start(at(2026, 12, 1, 9));
    let c = Cast::new(&s);
    let path = format!("/programmas/{PROGRAMME}/instrumenten");
    let body = json!({
        "code": "innovatie",
        "naam": "Innovatieregeling",
        "soort": "uitvoering",
        "plafond": "1000000.00",
        "minimumBedrag": "10000.00",
        "maximumBedrag": "100000.00",
        "openVanaf": "2026-12-01",
        "openTotEnMet": "2026-12-31",
        "verdeling": "volgorde-van-binnenkomst",
        "voorschotPercentage": 80,
        "beslistermijnWeken": 8,
        "aanvultermijnDagen": 14,
        "reden": "Nieuwe regeling"
    });
    s.post(&c.reviewer, &path, body.clone()).problem(403);
    let mut wrong = body.clone();
    wrong["voorschotPercentage"] = json!(120);
    wrong["openTotEnMet"] = json!("2026-11-01");
    let problem = s.post(&c.admin, &path, wrong).problem(400);
    let reasons = problem.to_string();
    assert!(reasons.contains("voorschot_percentage"), "{reasons}");
    let named: Vec<&str> = problem["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        named,
        vec!["voorschotPercentage", "openTotEnMet"],
        "each problem names the field of the request it is about: {reasons}"
    );
    let mut too_big = body.clone();
    too_big["plafond"] = json!("50000000.00");
    s.post(&c.admin, &path, too_big).problem(409);

    let created = s.post(&c.admin, &path, body.clone());
    created.expect(201);
    assert_eq!(
        created.header("Location"),
        Some("/api/v1/instrumenten/innovatie")
    );
    let got = s
        .get(&c.applicant_a, "/instrumenten/innovatie")
        .expect(200)
        .json();
    assert_eq!(got["budget"]["plafond"], json!("1000000.00"));
    s.post(&c.admin, &path, body).problem(409);
    let h = history(&s, &c);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["wijziging"], json!("instrument-toegevoegd"));
    assert_eq!(h[0]["van"], json!(null));

    submitted(
        &s,
        &c.applicant_a,
        draft_body("innovatie", "20000.00", None),
    );
}
