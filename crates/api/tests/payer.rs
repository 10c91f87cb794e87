//! Nothing that pays is made from an account nobody configured: without `FUNDER_*` the
//! API refuses a payment run and a SEPA file with a problem that names the variables,
//! after the role check, and books nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft_body, submitted, Cast, TestServer};
use serde_json::json;

const WHY: &str = "de rekening van de financier is niet ingesteld: zet FUNDER_NAME, \
                   FUNDER_IBAN en FUNDER_BIC (niet gezet: FUNDER_IBAN)";

#[test]
fn a_payment_run_without_the_funder_account_is_refused_naming_the_variables() {
    let s = TestServer::start_with(at(2024, 2, 5, 9), |config| {
        config.funder = Err(WHY.to_owned());
    });
    let c = Cast::new(&s);
    // The role comes first: whoever may not make runs hears 403, not the configuration.
    s.post(
        &c.reviewer,
        "/betaalrondes",
        json!({"totEnMet": "2024-02-05"}),
    )
    .problem(403);
    let problem = s
        .post(
            &c.finance,
            "/betaalrondes",
            json!({"totEnMet": "2024-02-05"}),
        )
        .problem(503);
    let detail = problem["detail"].as_str().unwrap();
    for name in ["FUNDER_NAME", "FUNDER_IBAN", "FUNDER_BIC"] {
        assert!(detail.contains(name), "{detail}");
    }
    assert_eq!(
        problem["type"],
        json!("urn:subsidie:probleem:rekening-financier-niet-ingesteld")
    );
    let runs = s.get(&c.finance, "/betaalrondes").expect(200).json();
    assert_eq!(
        runs["betaalrondes"],
        json!([]),
        "nothing was booked: {runs}"
    );
}

#[test]
fn the_sepa_file_of_an_existing_run_is_refused_without_the_funder_account() {
    let s = TestServer::start_with(at(2024, 2, 5, 9), |config| {
        config.funder = Err(WHY.to_owned());
    });
    let c = Cast::new(&s);
    let id = submitted(
        &s,
        &c.applicant_a,
        draft_body("voorbereiding", "50000.00", None),
    );
    allocate(&s, &c.admin, "voorbereiding");
    for body in [
        json!({"besluit": "starten"}),
        json!({"besluit": "honoreren", "bedrag": "50000.00", "motivering": "Voldoet."}),
    ] {
        s.post(&c.reviewer, &format!("/aanvragen/{id}/beoordelingen"), body)
            .expect(200);
    }
    // A run made before the account was unset (here: through the service directly).
    let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 5).unwrap();
    let run =
        subsidie_service::payments::create_run(&s.pool, &c.finance.actor(), day, at(2024, 2, 5, 9))
            .unwrap();
    s.get(&c.reviewer, &format!("/betaalrondes/{}/sepa", run.id))
        .problem(403);
    let problem = s
        .get(&c.finance, &format!("/betaalrondes/{}/sepa", run.id))
        .problem(503);
    assert!(problem["detail"].as_str().unwrap().contains("FUNDER_IBAN"));
}
