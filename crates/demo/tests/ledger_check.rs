//! The ledger check sums in the database: after the demo its sums equal a sum computed
//! here row by row, and a stored position one cent off is caught.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use diesel::prelude::*;
use subsidie_demo as demo;
use subsidie_service::{queries, seed, Pool};
use subsidie_store::rows::LedgerRow;
use subsidie_store::schema::{instruments, ledger_entries};
use subsidie_store::testing::TestDatabase;

const FIXTURE: &str = include_str!("../../../fixtures/versterking-eerstelijnszorg.toml");

/// A fresh database with the programme loaded; the pool is dropped before the database.
struct World {
    pool: Pool,
    _db: TestDatabase,
}

fn world() -> World {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(4).unwrap();
    let file = seed::parse_programme_file(FIXTURE).unwrap();
    let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().unwrap();
    seed::load(&pool, &file, at).unwrap();
    World { pool, _db: db }
}

#[test]
fn ledger_sums_match_the_rows_and_catch_one_cent() {
    let w = world();
    demo::run(&w.pool).unwrap();
    let checks = queries::check_ledger(&w.pool).unwrap();
    assert!(!checks.is_empty());
    assert!(checks.iter().all(|c| c.holds()), "{checks:#?}");

    let mut conn = w.pool.get().unwrap();
    let rows: Vec<LedgerRow> = ledger_entries::table
        .select(LedgerRow::as_select())
        .load(&mut conn)
        .unwrap();
    for check in &checks {
        let mine = rows
            .iter()
            .filter(|r| r.instrument_id == check.instrument_id);
        let (mut reserved, mut granted, mut paid) = (0i64, 0i64, 0i64);
        for r in mine {
            reserved += r.reserved_delta;
            granted += r.granted_delta;
            paid += r.paid_delta;
        }
        assert_eq!(check.from_ledger.reserved.cents(), reserved);
        assert_eq!(check.from_ledger.granted.cents(), granted);
        assert_eq!(check.from_ledger.paid.cents(), paid);
    }
    let busy = checks
        .iter()
        .find(|c| c.from_ledger.granted.cents() > 0)
        .unwrap()
        .instrument_id
        .clone();

    diesel::update(instruments::table.find(&busy))
        .set(instruments::granted_cents.eq(instruments::granted_cents - 1))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let checks = queries::check_ledger(&w.pool).unwrap();
    let off = checks.iter().find(|c| c.instrument_id == busy).unwrap();
    assert!(!off.holds());
    assert_eq!(
        off.from_ledger.granted.cents() - off.stored.granted.cents(),
        1
    );
    assert!(checks
        .iter()
        .filter(|c| c.instrument_id != busy)
        .all(|c| c.holds()));
}
