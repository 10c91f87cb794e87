//! The store on whichever backend the test run selected (`SUBSIDIE_TEST_BACKEND`).
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use diesel::prelude::*;
use subsidie_store::rows::{InstrumentRow, NewLedgerRow, ProgrammeRow};
use subsidie_store::schema::{instruments, ledger_entries, programmes};
use subsidie_store::testing::{selected_backend, TestDatabase};
use subsidie_store::{Backend, StoreError};

#[test]
fn says_which_backend_runs() {
    match selected_backend() {
        Backend::Sqlite => eprintln!(
            "store tests run on SQLite; the PostgreSQL run was not selected \
             (set SUBSIDIE_TEST_BACKEND=postgres to select it)"
        ),
        Backend::Postgres => eprintln!("store tests run on PostgreSQL"),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn programme_and_instrument(conn: &mut subsidie_store::DbConnection) {
    let at = date(2025, 1, 1).and_hms_opt(0, 0, 0).unwrap();
    diesel::insert_into(programmes::table)
        .values(&ProgrammeRow {
            id: "p".into(),
            name: "P".into(),
            funder: "F".into(),
            envelope_cents: 100_000,
            starts_on: date(2025, 1, 1),
            ends_on: date(2025, 12, 31),
            created_at: at,
        })
        .execute(conn)
        .unwrap();
    diesel::insert_into(instruments::table)
        .values(&InstrumentRow {
            id: "i".into(),
            programme_id: "p".into(),
            code: "i".into(),
            name: "I".into(),
            kind: "uitvoering".into(),
            policy: "volgorde-van-binnenkomst".into(),
            uniqueness: "geen".into(),
            min_cents: 1,
            max_cents: 100_000,
            fixed_amount: false,
            opens_on: date(2025, 1, 1),
            closes_on: date(2025, 12, 31),
            advance_percent: 80,
            decision_term_weeks: 13,
            supplement_term_days: 14,
            four_eyes_above_cents: None,
            accounting_deadline: None,
            waitlist_closed: false,
            ceiling_cents: 100_000,
            reserved_cents: 0,
            granted_cents: 0,
            settled_cents: 0,
            paid_cents: 0,
            recovered_cents: 0,
        })
        .execute(conn)
        .unwrap();
}

#[test]
fn migrations_apply_twice_without_harm() {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    drop(pool);
    let pool = db.pool(2).unwrap();
    let mut conn = pool.get().unwrap();
    let n: i64 = programmes::table.count().get_result(&mut conn).unwrap();
    assert_eq!(n, 0);
}

#[test]
fn the_database_refuses_a_position_over_the_ceiling() {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    let mut conn = pool.get().unwrap();
    programme_and_instrument(&mut conn);
    let err = diesel::update(instruments::table.find("i"))
        .set(instruments::reserved_cents.eq(100_001))
        .execute(&mut conn)
        .map_err(StoreError::from)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::ConstraintViolation(_)),
        "expected a check violation, got {err:?}"
    );
}

#[test]
fn the_ledger_is_append_only() {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    let mut conn = pool.get().unwrap();
    programme_and_instrument(&mut conn);
    diesel::insert_into(ledger_entries::table)
        .values(&NewLedgerRow {
            instrument_id: "i".into(),
            application_id: None,
            kind: "reservering".into(),
            reserved_delta: 5,
            granted_delta: 0,
            settled_delta: 0,
            paid_delta: 0,
            recovered_delta: 0,
            at: date(2025, 1, 2).and_hms_opt(0, 0, 0).unwrap(),
            actor_id: None,
        })
        .execute(&mut conn)
        .unwrap();
    assert!(diesel::update(ledger_entries::table)
        .set(ledger_entries::reserved_delta.eq(6))
        .execute(&mut conn)
        .is_err());
    assert!(diesel::delete(ledger_entries::table)
        .execute(&mut conn)
        .is_err());
    let n: i64 = ledger_entries::table.count().get_result(&mut conn).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_failed_write_transaction_leaves_nothing() {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    let mut conn = pool.get().unwrap();
    programme_and_instrument(&mut conn);
    let result: Result<(), StoreError> = subsidie_store::db::write_transaction(&mut conn, |c| {
        diesel::update(instruments::table.find("i"))
            .set(instruments::reserved_cents.eq(10))
            .execute(c)?;
        Err(StoreError::Busy)
    });
    assert!(result.is_err());
    let reserved: i64 = instruments::table
        .find("i")
        .select(instruments::reserved_cents)
        .first(&mut conn)
        .unwrap();
    assert_eq!(reserved, 0);
    // The connection is usable again after the rollback.
    let ok: Result<(), StoreError> = subsidie_store::db::write_transaction(&mut conn, |c| {
        diesel::update(instruments::table.find("i"))
            .set(instruments::reserved_cents.eq(10))
            .execute(c)?;
        Ok(())
    });
    ok.unwrap();
}
