//! Late decisions over HTTP (Awb 4:13, 4:14): the notice with the new term, the list
//! filter `termijnVerstreken` and the count in `/metrics`. On the backend
//! `SUBSIDIE_TEST_BACKEND` selects.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{at, draft_body, raw_request, submitted, Cast, TestServer};
use serde_json::{json, Value};

fn ids(list: &Value) -> Vec<String> {
    list["aanvragen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_late_decision_is_announced_and_an_overdue_one_listed_and_counted() {
    // Received on Monday 1 December 2025: thirteen weeks end on Monday 2 March 2026.
    let s = TestServer::start(at(2025, 12, 1, 9));
    let c = Cast::new(&s);
    let told = submitted(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "800000.00", None),
    );
    let late = submitted(
        &s,
        &c.applicant_b,
        draft_body("uitvoering", "900000.00", None),
    );
    let app = s
        .get(&c.reviewer, &format!("/aanvragen/{told}"))
        .expect(200)
        .json();
    assert_eq!(app["beslissenUiterlijk"], "2026-03-02");

    s.set_now(at(2026, 2, 20, 9));
    let path = format!("/aanvragen/{told}/beslistermijnverlengingen");
    let body =
        json!({"beslissenUiterlijk": "2026-04-13", "reden": "De commissie komt in april bijeen."});
    s.post(&c.applicant_a, &path, body.clone()).problem(403);
    let bad = s.post(
        &c.reviewer,
        &path,
        json!({"beslissenUiterlijk": "13-04-2026", "reden": "x"}),
    );
    bad.problem(400);
    assert_eq!(bad.invalid_params(), ["beslissenUiterlijk"]);
    let earlier = s.post(
        &c.reviewer,
        &path,
        json!({"beslissenUiterlijk": "2026-03-01", "reden": "x"}),
    );
    earlier.problem(400);
    let extended = s.post(&c.reviewer, &path, body.clone()).expect(200).json();
    assert_eq!(extended["beslissenUiterlijk"], "2026-04-13");
    assert_eq!(extended["status"], "ingediend");

    // Tuesday 3 March 2026: the other one is late; a notice now is too late.
    s.set_now(at(2026, 3, 3, 9));
    s.post(
        &c.reviewer,
        &format!("/aanvragen/{late}/beslistermijnverlengingen"),
        body,
    )
    .problem(409);
    let overdue = s
        .get(&c.reviewer, "/aanvragen?termijnVerstreken=true")
        .expect(200)
        .json();
    assert_eq!(ids(&overdue), vec![late.as_str()]);
    let others = s
        .get(&c.admin, "/aanvragen?termijnVerstreken=false")
        .expect(200)
        .json();
    assert_eq!(ids(&others), vec![told.as_str()]);
    s.get(&c.reviewer, "/aanvragen?termijnVerstreken=misschien")
        .problem(400);
    let metrics = raw_request(s.addr, "GET", "/metrics", &[], None);
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.text().contains("subsidie_decisions_overdue 1\n"),
        "{}",
        metrics.text()
    );
}
