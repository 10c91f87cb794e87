//! The finance journey of issue 16 in a real browser (`browser/finance.mjs`): finance
//! makes a payment run, downloads its SEPA file (validated against
//! `fixtures/sepa/pain.001.001.03.xsd` with xmllint), marks one transfer failed, books the
//! run paid, and sees it in the disbursement report and on the budget dashboard; then
//! settles a reported grant and marks its recovery received. axe-core checks every page
//! at 1280 and 360 px; screenshots go to `target/portal-screenshots/finance/<backend>`.
//!
//! With `CI=true` the test must run; elsewhere it skips, saying what to install.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::finance::Finance;
use common::{at, browser, TestServer};
use subsidie_service::{queries, Actor};

#[test]
fn the_finance_journey_in_a_real_browser() {
    if browser::skip() {
        return;
    }
    let server = TestServer::start(at(2025, 3, 3, 9));
    let cast = Finance::cast(&server, &["r15", "r05", "r07"]);
    let ids = cast.grant_all(&server, "600000.00");
    let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/sepa/pain.001.001.03.xsd")
        .canonicalize()
        .unwrap();
    let env = [
        ("PORTAL_URL", server.base_url()),
        (
            "SCREENSHOTS",
            browser::screenshots("finance").display().to_string(),
        ),
        ("FINANCE_TOKEN", cast.finance.token.clone()),
        ("SEPA_XSD", xsd.display().to_string()),
    ];
    browser::run("finance.mjs", &env, |question| match question {
        // The grantee of a paid advance reports, so finance can settle it.
        "verantwoorden" => {
            let paid = ids.iter().enumerate().find(|(_, id)| {
                queries::payments_of(&server.pool, &Actor::system(), id)
                    .unwrap()
                    .iter()
                    .any(|p| p.state == "betaald")
            });
            match paid {
                Some((i, id)) => {
                    cast.report(&server, i, id);
                    id.clone()
                }
                None => "geen betaalde aanvraag".into(),
            }
        }
        other => format!("onbekende vraag '{other}'"),
    });
}
