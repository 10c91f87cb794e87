//! Nothing that pays is made from an account nobody configured: without `FUNDER_*` the
//! API refuses a payment run and a SEPA file with a problem that names the variables,
//! after the role check, and books nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{at, Cast, TestServer};
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
