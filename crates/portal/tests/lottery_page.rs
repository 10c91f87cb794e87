//! The instrument's page publishes the lottery commitments drawn before their day (the
//! seed itself stays secret until an allocation run reveals it), as the API does.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::http::{get, plain, sign_in};
use common::{at, TestServer};
use subsidie_service::allocation::commitments;
use subsidie_service::Role;

#[test]
fn the_instrument_page_lists_the_commitments_and_keeps_the_seeds_secret() {
    let now = at(2025, 3, 3, 9);
    let server = TestServer::start(now);
    assert!(commitments::draw_ahead(&server.pool, now).unwrap() > 0);
    let published = commitments::list(&server.pool, "discipline-voucher", None).unwrap();
    assert!(!published.is_empty(), "today and tomorrow are drawn ahead");
    let admin = server.user(
        "Beheerder Bakker",
        "beheer@zonmw.example.nl",
        Role::Admin,
        None,
    );
    let a = sign_in(&server, &admin.token);

    let res = get(&server, "/beheer/regelingen/discipline-voucher", &a.cookie);
    assert_eq!(res.status, 200);
    let page = plain(&res);
    assert!(page.contains("Vastgelegde loting per dag"), "{page}");
    for c in &published {
        assert!(page.contains(&c.commitment), "{} missing: {page}", c.day);
        assert!(c.seed.is_none());
    }
    assert!(page.contains("nog geheim"), "{page}");
    let secret = commitments::list(&server.pool, "discipline-voucher", None).unwrap();
    assert!(secret.iter().all(|c| c.seed.is_none()));

    // A ranking draws no day's lot ahead, and its page says why the list is empty.
    let ranked = plain(&get(&server, "/beheer/regelingen/onderzoek", &a.cookie));
    assert!(
        ranked.contains("Er is nog geen loting vastgelegd"),
        "{ranked}"
    );
}
