//! Payment runs, their SEPA file and the reports, over HTTP: a grant is paid through a run
//! made, downloaded and booked by finance, and the reports show it.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft_body, submitted, Cast, TestServer, User};
use serde_json::{json, Value};
use subsidie_finance::testing;

fn programme(s: &TestServer, user: &User) -> String {
    s.get(user, "/programmas").expect(200).json()["programmas"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A granted voorbreiding application of organisation A; its advance is scheduled.
fn granted(s: &TestServer, c: &Cast) -> String {
    let id = submitted(
        s,
        &c.applicant_a,
        draft_body("voorbereiding", "50000.00", None),
    );
    allocate(s, &c.admin, "voorbereiding");
    let review = |body: Value| {
        s.post(&c.reviewer, &format!("/aanvragen/{id}/beoordelingen"), body)
            .expect(200);
    };
    review(json!({"besluit": "starten"}));
    review(json!({"besluit": "honoreren", "bedrag": "50000.00", "motivering": "Voldoet."}));
    id
}

#[test]
fn a_grant_is_paid_through_a_run_and_reported() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let c = Cast::new(&s);
    let f = &c.finance;
    let prog = programme(&s, f);
    let app = granted(&s, &c);

    // A run of everything due today.
    let created = s.post(f, "/betaalrondes", json!({"totEnMet": "2024-02-05"}));
    created.expect(201);
    let run = created.json();
    let run_id = run["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("Location"),
        Some(format!("/api/v1/betaalrondes/{run_id}").as_str())
    );
    assert_eq!(run["aantalBetalingen"], json!(1));
    assert_eq!(run["totaal"], json!("50000.00"));
    assert_eq!(run["status"], json!("aangemaakt"));
    let list = s.get(f, "/betaalrondes").expect(200).json();
    assert_eq!(list["betaalrondes"][0]["id"], json!(run_id));
    let one = s
        .get(&c.admin, &format!("/betaalrondes/{run_id}"))
        .expect(200)
        .json();
    assert_eq!(one["aantalBetaald"], json!(0));

    // Nothing else is due: a second run is a 409 problem, not an empty file.
    let p = s
        .post(f, "/betaalrondes", json!({"totEnMet": "2024-02-05"}))
        .problem(409);
    assert!(
        p["detail"].as_str().unwrap().contains("niets te betalen"),
        "{p}"
    );

    // The SEPA file: twice the same bytes, well-formed, with the sums.
    let first = s.get(f, &format!("/betaalrondes/{run_id}/sepa"));
    first.expect(200);
    assert_eq!(first.header("Content-Type"), Some("application/xml"));
    let disposition = first.header("Content-Disposition").unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"betaalronde-"),
        "{disposition}"
    );
    let second = s.get(f, &format!("/betaalrondes/{run_id}/sepa"));
    second.expect(200);
    assert_eq!(first.body, second.body);
    testing::check_well_formed(&first.body).unwrap();
    testing::validate_pain001(&first.body).unwrap();
    let summary = testing::summarise(&first.text()).unwrap();
    let text = format!("{summary:?}");
    assert!(text.contains("5000000"), "{text}");

    // The run as CSV: BOM and semicolons; and as XLSX.
    let csv = s.get(f, &format!("/betaalrondes/{run_id}/betalingen?formaat=csv"));
    csv.expect(200);
    assert_eq!(csv.header("Content-Type"), Some("text/csv; charset=utf-8"));
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"));
    assert!(csv.text().contains(';'));
    assert!(csv.text().contains("50000,00"), "{}", csv.text());
    let xlsx = s.get(
        f,
        &format!("/betaalrondes/{run_id}/betalingen?formaat=xlsx"),
    );
    xlsx.expect(200);
    assert!(xlsx.body.starts_with(b"PK"));
    s.get(f, &format!("/betaalrondes/{run_id}/betalingen?formaat=pdf"))
        .problem(400);

    // Booked as paid: the payment, the run and the budget position say so.
    let paid = s
        .post(
            f,
            &format!("/betaalrondes/{run_id}/betalingen-verwerkt"),
            json!({}),
        )
        .expect(200)
        .json();
    assert_eq!(paid["status"], json!("betaald"));
    assert_eq!(paid["aantalBetaald"], json!(1));
    assert_eq!(paid["bedragBetaald"], json!("50000.00"));
    let pays = s
        .get(f, &format!("/aanvragen/{app}/betalingen"))
        .expect(200)
        .json();
    assert_eq!(pays["betalingen"][0]["status"], json!("betaald"));
    let budget = s
        .get(f, &format!("/rapportages/budgetpositie?programma={prog}"))
        .expect(200)
        .json();
    let text = budget.to_string();
    assert!(text.contains("\"betaald\":\"50000.00\""), "{text}");
    assert_eq!(budget["grootboekKlopt"], json!(true), "{text}");

    // Disbursements as JSON and CSV; coverage.
    let report = s
        .get(
            f,
            &format!(
                "/rapportages/uitbetalingen?programma={prog}&van=2024-01-01&totEnMet=2024-12-31"
            ),
        )
        .expect(200)
        .json();
    assert!(report.to_string().contains("50000.00"), "{report}");
    let csv = s.get(
        f,
        &format!("/rapportages/uitbetalingen?programma={prog}&formaat=csv"),
    );
    csv.expect(200);
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"));
    assert!(csv.text().contains(';'));
    s.get(f, &format!("/rapportages/dekking?programma={prog}"))
        .expect(200);
    let xlsx = s.get(
        f,
        &format!("/rapportages/dekking?programma={prog}&formaat=xlsx"),
    );
    xlsx.expect(200);
    assert!(xlsx.body.starts_with(b"PK"));
}

#[test]
fn reports_refuse_bad_input() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let c = Cast::new(&s);
    let f = &c.finance;
    let prog = programme(&s, f);

    // A period that ends before it starts.
    let res = s.get(
        f,
        &format!("/rapportages/uitbetalingen?programma={prog}&van=2024-06-01&totEnMet=2024-01-01"),
    );
    let p = res.problem(400);
    assert!(res.invalid_params().contains(&"totEnMet".to_owned()), "{p}");
    assert!(p.to_string().contains("vóór ze begint"), "{p}");

    // An unknown programme.
    for path in [
        "/rapportages/uitbetalingen?programma=onbekend",
        "/rapportages/budgetpositie?programma=onbekend",
        "/rapportages/dekking?programma=onbekend",
        "/rapportages/uitbetalingen?programma=onbekend&formaat=csv",
        "/rapportages/budgetpositie?programma=onbekend&formaat=xlsx",
        "/rapportages/dekking?programma=onbekend&formaat=csv",
    ] {
        let res = s.get(f, path);
        let p = res.problem(400);
        assert!(p.to_string().contains("onbekend programma"), "{path}: {p}");
    }
    // Nothing due at all.
    s.post(f, "/betaalrondes", json!({"totEnMet": "2024-02-05"}))
        .problem(409);
    // An unknown run.
    s.get(f, "/betaalrondes/00000000-0000-0000-0000-000000000000/sepa")
        .problem(404);
}

#[test]
fn only_finance_makes_runs_and_sees_reports() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let c = Cast::new(&s);
    let prog = programme(&s, &c.finance);
    granted(&s, &c);
    for user in [&c.applicant_a, &c.reviewer, &c.admin] {
        s.post(user, "/betaalrondes", json!({"totEnMet": "2024-02-05"}))
            .problem(403);
    }
    let run = s
        .post(
            &c.finance,
            "/betaalrondes",
            json!({"totEnMet": "2024-02-05"}),
        )
        .expect(201)
        .json();
    let run_id = run["id"].as_str().unwrap();
    for user in [&c.applicant_a, &c.reviewer] {
        for path in [
            "/betaalrondes".to_owned(),
            format!("/betaalrondes/{run_id}"),
            format!("/betaalrondes/{run_id}/sepa"),
            format!("/betaalrondes/{run_id}/betalingen"),
            format!("/rapportages/uitbetalingen?programma={prog}"),
            format!("/rapportages/budgetpositie?programma={prog}"),
        ] {
            s.get(user, &path).problem(403);
        }
        s.post(
            user,
            &format!("/betaalrondes/{run_id}/betalingen-verwerkt"),
            json!({}),
        )
        .problem(403);
    }
    s.get(
        &c.applicant_a,
        &format!("/rapportages/dekking?programma={prog}"),
    )
    .problem(403);
    // Reviewers may see the coverage; administrators read runs and files.
    s.get(
        &c.reviewer,
        &format!("/rapportages/dekking?programma={prog}"),
    )
    .expect(200);
    s.get(&c.admin, &format!("/betaalrondes/{run_id}/sepa"))
        .expect(200);
}
