//! Creating and submitting in one request (`POST /aanvragen` with `"indienen": true`):
//! the same answer, history and receipt letter as the two steps, the same idempotency,
//! and a refusal that leaves no draft behind.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{at, draft_body, Cast, TestServer, User};
use diesel::prelude::*;
use serde_json::{json, Value};
use subsidie_store::schema::outbox;

fn one_request(instrument: &str, amount: &str) -> Value {
    let mut body = draft_body(instrument, amount, None);
    body["indienen"] = json!(true);
    body
}

fn commands(s: &TestServer, user: &User, id: &str) -> Vec<String> {
    s.get(user, &format!("/aanvragen/{id}/historie"))
        .expect(200)
        .json()["historie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["opdracht"].as_str().unwrap().to_owned())
        .collect()
}

fn letters(s: &TestServer, id: &str) -> Vec<String> {
    let mut conn = s.pool.get().unwrap();
    outbox::table
        .filter(outbox::application_id.eq(id))
        .select(outbox::template)
        .order(outbox::created_at.asc())
        .load(&mut conn)
        .unwrap()
}

fn application_count(s: &TestServer, user: &User) -> usize {
    s.get(user, "/aanvragen").expect(200).json()["aanvragen"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn one_request_submits_like_the_two_steps() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let c = Cast::new(&s);

    let res = s.post(
        &c.applicant_a,
        "/aanvragen",
        one_request("voorbereiding", "50000.00"),
    );
    res.expect(201);
    let one = res.json();
    let id = one["id"].as_str().unwrap().to_owned();
    assert_eq!(
        res.header("Location"),
        Some(format!("/api/v1/aanvragen/{id}").as_str())
    );
    assert_eq!(res.header("ETag"), Some("\"2\""));
    assert_eq!(one["status"], json!("ingediend"));
    assert_eq!(one["ontvangenOp"], json!("2024-02-05T09:00:00Z"));
    assert_eq!(one["beslissenUiterlijk"], json!("2024-04-02"));
    assert_eq!(commands(&s, &c.applicant_a, &id), ["aanmaken", "indienen"]);

    // The two steps, for the other region, write the same.
    let two = s
        .post(
            &c.applicant_b,
            "/aanvragen",
            draft_body("voorbereiding", "50000.00", None),
        )
        .json();
    let two_id = two["id"].as_str().unwrap().to_owned();
    let submitted = s
        .post(
            &c.applicant_b,
            &format!("/aanvragen/{two_id}/indieningen"),
            json!({}),
        )
        .expect(200)
        .json();
    for field in ["status", "ontvangenOp", "beslissenUiterlijk", "versie"] {
        assert_eq!(one[field], submitted[field], "{field}");
    }
    assert_eq!(
        commands(&s, &c.applicant_b, &two_id),
        commands(&s, &c.applicant_a, &id)
    );
    assert!(!letters(&s, &id).is_empty());
    assert_eq!(letters(&s, &id), letters(&s, &two_id));

    // `indienen: false` is a draft, as without the field.
    let mut body = draft_body("discipline-voucher", "25000.00", Some("farmacie"));
    body["indienen"] = json!(false);
    s.set_now(at(2024, 3, 4, 9));
    let draft = s
        .post(&c.applicant_a, "/aanvragen", body)
        .expect(201)
        .json();
    assert_eq!(draft["status"], json!("concept"));
}

#[test]
fn one_request_is_idempotent() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let c = Cast::new(&s);
    let body = one_request("voorbereiding", "50000.00");
    let send = || {
        s.send_json(
            "POST",
            "/aanvragen",
            Some(&c.applicant_a),
            &[("Idempotency-Key", "een-verzoek-1")],
            &body,
        )
    };
    let first = send();
    first.expect(201);
    let again = send();
    again.expect(201);
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(first.json()["id"], again.json()["id"]);
    assert_eq!(application_count(&s, &c.applicant_a), 1);
    let id = first.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(letters(&s, &id).len(), 1);
}

#[test]
fn a_refused_submission_leaves_no_draft() {
    // `uitvoering` asks documents, which a one-request application cannot carry.
    let s = TestServer::start(at(2024, 7, 15, 9));
    let c = Cast::new(&s);
    let res = s.post(
        &c.applicant_a,
        "/aanvragen",
        one_request("uitvoering", "1000000.00"),
    );
    let p = res.problem(400);
    assert_eq!(res.invalid_params(), ["indienen"], "{p}");
    let reason = p["invalidParams"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("projectplan"), "{reason}");
    assert!(reason.contains("/indieningen"), "{reason}");
    assert_eq!(application_count(&s, &c.applicant_a), 0);

    // `voorbereiding` closed on 30 June 2024: the draft's checks pass, the submission's
    // do not, and nothing stays.
    let res = s.post(
        &c.applicant_a,
        "/aanvragen",
        one_request("voorbereiding", "50000.00"),
    );
    let p = res.problem(400);
    assert_eq!(res.invalid_params(), ["instrumentId"], "{p}");
    assert_eq!(application_count(&s, &c.applicant_a), 0);

    // A reviewer may not create at all.
    s.post(
        &c.reviewer,
        "/aanvragen",
        one_request("voorbereiding", "50000.00"),
    )
    .problem(403);
}
