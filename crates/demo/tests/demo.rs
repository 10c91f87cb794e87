//! The demo scenario of the letter, end to end on a fresh database of the selected backend
//! (`SUBSIDIE_TEST_BACKEND`): the numbers of the letter come out, the ledger adds up, and
//! a second run is refused without changing anything.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use subsidie_demo as demo;
use subsidie_service::{seed, ServiceError};
use subsidie_store::testing::TestDatabase;

const FIXTURE: &str = include_str!("../../../fixtures/versterking-eerstelijnszorg.toml");

#[test]
fn demo_replays_the_letter_once() {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    let file = seed::parse_programme_file(FIXTURE).unwrap();
    let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().unwrap();
    seed::load(&pool, &file, at).unwrap();

    let report = demo::run(&pool).unwrap();
    assert!(report.ledger_ok, "grootboek klopt niet");
    assert_eq!(report.seed, Some(demo::demo_seed()));

    let preparation = report.by_kind("voorbereiding").unwrap();
    assert_eq!(preparation.submitted, 54);
    assert_eq!(preparation.honoured, 54);
    assert_eq!(preparation.settled, 54);

    let implementation = report.by_kind("uitvoering").unwrap();
    assert_eq!(implementation.submitted, 52);
    assert_eq!(implementation.honoured, 48);
    assert_eq!(implementation.rejected, 4);
    assert_eq!(implementation.waiting, 0);
    assert_eq!(implementation.in_progress, 0);
    assert!(implementation.allocation_runs > 1, "maandelijkse rondes");

    let vouchers = report.by_kind("discipline-voucher").unwrap();
    assert_eq!(vouchers.submitted, 198);
    assert_eq!(vouchers.honoured, 198);

    let research = report.by_kind("onderzoek").unwrap();
    assert_eq!(research.submitted, 10);
    assert_eq!(research.allocation_runs, 1, "één rangschikking");
    assert_eq!(research.honoured, 5);
    assert_eq!(research.rejected, 5, "wachtlijst gesloten: plafond bereikt");
    assert_eq!(research.waiting, 0);
    assert!(research.instrument.waitlist_closed);

    for summary in &report.instruments {
        let row = &summary.instrument;
        assert!(
            row.reserved_cents + row.granted_cents <= row.ceiling_cents,
            "{}: gereserveerd + verleend boven het plafond",
            row.code
        );
        assert_eq!(row.reserved_cents, 0, "{}: open reservering", row.code);
    }
    assert_eq!(
        report
            .by_kind("discipline-voucher")
            .unwrap()
            .instrument
            .granted_cents,
        198 * 2_500_000
    );

    let coverage = report.coverage;
    assert_eq!(coverage.regions, 54);
    assert_eq!(coverage.regions_applied, 52);
    assert_eq!(coverage.regions_honoured, 48);
    assert_eq!(coverage.applied_per_mille(), 979, "≈ 98% zoals in de brief");
    assert!(coverage.honoured_per_mille() < coverage.applied_per_mille());

    // Not twice: refused, and nothing changed.
    let count = demo::application_count(&pool).unwrap();
    let again = demo::run(&pool);
    assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");
    assert_eq!(demo::application_count(&pool).unwrap(), count);
    let after = demo::report(&pool).unwrap();
    for (a, b) in report.instruments.iter().zip(&after.instruments) {
        assert_eq!(a.instrument.granted_cents, b.instrument.granted_cents);
        assert_eq!(a.honoured, b.honoured);
    }
    assert!(after.ledger_ok);
}

#[test]
fn demo_needs_the_programme() {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(1).unwrap();
    let result = demo::run(&pool);
    assert!(
        matches!(result, Err(ServiceError::Conflict(_))),
        "{result:?}"
    );
    assert_eq!(demo::application_count(&pool).unwrap(), 0);
}
