//! The ledger check sums in the database: after the demo its sums equal a sum computed
//! here row by row, and a stored position one cent off is caught.
#![allow(clippy::unwrap_used)]

mod common;

use diesel::prelude::*;
use subsidie_service::{demo, queries};
use subsidie_store::rows::LedgerRow;
use subsidie_store::schema::{instruments, ledger_entries};

#[test]
fn ledger_sums_match_the_rows_and_catch_one_cent() {
    let w = common::world();
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
