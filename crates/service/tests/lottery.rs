//! The committed lottery and the day's allocation (issue 18, items 3 and 4): a day's
//! commitment exists before its first submission, the seed stays secret until the day is
//! allocated, the run reveals it and it matches the commitment; a caller's seed is
//! recorded as such; a day is allocated once, and today's lot waits for the day's end.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use diesel::prelude::*;
use subsidie_domain::lottery::{self, Seed};
use subsidie_service::allocation::{self, commitments, daily};
use subsidie_service::application::{self as applications, Action};
use subsidie_service::{programme, Actor, Pool, Role};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A world where `uitvoering` has room for two applications of € 1.500.000, not three.
fn small_world() -> World {
    let w = world();
    programme::change_ceiling(
        &w.pool,
        &Actor::system(),
        "uitvoering",
        eur("3000000.00"),
        Some("test"),
        t0(),
    )
    .unwrap();
    w
}

/// Three regions apply for € 1.500.000 each, submitted at `at`; their ids.
fn three_submitted(pool: &Pool, at: DateTime<Utc>) -> Vec<String> {
    ["r01", "r02", "r03"]
        .iter()
        .map(|region| {
            let (who, _) = applicant(pool, region);
            let draft = applications::create_draft(
                pool,
                &who,
                &new_app("uitvoering", None, "1500000.00"),
                at - Duration::hours(1),
            )
            .unwrap();
            act(pool, &who, &draft.id, Action::Submit, at);
            draft.id
        })
        .collect()
}

#[test]
fn a_submission_finds_its_days_commitment_and_the_run_of_the_next_day_reveals_it() {
    let w = small_world();
    let pool = &w.pool;
    let monday = day(2025, 3, 3);
    assert!(commitments::list(pool, "uitvoering", None)
        .unwrap()
        .is_empty());
    let ids = three_submitted(pool, t0());

    // The commitment is there, its seed is not shown.
    let listed = commitments::list(pool, "uitvoering", None).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].day, monday);
    assert!(listed[0].drawn_at <= t0());
    assert_eq!(listed[0].seed, None);
    let commitment = listed[0].commitment.clone();
    assert_eq!(commitment.len(), 64);

    // A run on the same day does not reveal the seed: the day must go to lot, so its
    // applications wait for the night.
    let admin = staff(pool, Role::Admin);
    let early =
        allocation::run(pool, &admin, "uitvoering", None, t0() + Duration::hours(2)).unwrap();
    assert!(early.placements.is_empty(), "{:?}", early.placements);
    assert!(early.seeds.is_empty());
    assert_eq!(early.run.seed_source, "committed");
    assert!(ids.iter().all(|id| app(pool, id).state == "ingediend"));
    assert_eq!(
        commitments::list(pool, "uitvoering", None).unwrap()[0].seed,
        None
    );

    // After midnight the day is pending, and its allocation reveals the seed.
    let tuesday = at(2025, 3, 4, 1, 0);
    let pending = daily::pending_days(pool, tuesday).unwrap();
    assert_eq!(
        pending,
        [daily::PendingDay {
            instrument_id: "uitvoering".into(),
            day: monday
        }]
    );
    assert!(daily::pending_days(pool, t0()).unwrap().is_empty());
    let mut claims = Vec::new();
    let run = daily::allocate_day(pool, "uitvoering", monday, tuesday, "test", &mut |i, d| {
        claims.push((i.to_owned(), d))
    })
    .unwrap()
    .unwrap();
    assert_eq!(claims, [("uitvoering".to_owned(), monday)]);
    assert_eq!(run.run.day, Some(monday));
    assert_eq!(run.run.seed_source, "committed");
    assert_eq!(run.run.lottery_days, "2025-03-03");
    assert_eq!(run.seeds.len(), 1);
    assert_eq!(run.seeds[0].commitment, commitment);
    assert_eq!(run.run.seed, run.seeds[0].seed);
    let seed: Seed = run.seeds[0].seed.parse().unwrap();
    assert_eq!(lottery::commitment(&seed), commitment);
    // Anyone recomputes the order from the revealed seed.
    let references: Vec<String> = run.placements.iter().map(|p| p.reference.clone()).collect();
    let refs: Vec<&str> = references.iter().map(String::as_str).collect();
    assert_eq!(lottery::draw(&seed, &refs), refs);
    let decisions: Vec<&str> = run.placements.iter().map(|p| p.decision.as_str()).collect();
    assert_eq!(decisions, ["gereserveerd", "gereserveerd", "wachtlijst"]);

    let listed = commitments::list(pool, "uitvoering", None).unwrap();
    assert_eq!(listed[0].seed.as_deref(), Some(run.seeds[0].seed.as_str()));
    assert_eq!(listed[0].revealed_by.as_deref(), Some(run.run.id.as_str()));
    let read = allocation::get_run(pool, &run.run.id).unwrap();
    assert_eq!(read.seeds.len(), 1);

    // Once: the day is not pending any more, and a second attempt does nothing.
    assert!(daily::pending_days(pool, tuesday).unwrap().is_empty());
    let again = daily::allocate_day(pool, "uitvoering", monday, tuesday, "test", &mut |_, _| {
        panic!("no second claim")
    })
    .unwrap();
    assert!(again.is_none());
    assert_ledger(pool);
}

#[test]
fn a_day_is_allocated_only_once_it_has_ended() {
    let w = small_world();
    let refused = daily::allocate_day(
        &w.pool,
        "uitvoering",
        day(2025, 3, 3),
        t0(),
        "test",
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(
        refused.to_string().contains("nog niet voorbij"),
        "{refused}"
    );
}

#[test]
fn commitments_are_drawn_ahead_for_today_and_tomorrow_and_never_replaced() {
    let w = small_world();
    let pool = &w.pool;
    let drawn = commitments::draw_ahead(pool, t0()).unwrap();
    // uitvoering and the voucher are open by order of receipt on both days.
    assert!(drawn >= 2, "{drawn}");
    let listed = commitments::list(pool, "uitvoering", None).unwrap();
    let days: Vec<NaiveDate> = listed.iter().map(|c| c.day).collect();
    assert_eq!(days, [day(2025, 3, 4), day(2025, 3, 3)]);
    assert_eq!(commitments::draw_ahead(pool, t0()).unwrap(), 0);
    let from = commitments::list(pool, "uitvoering", Some(day(2025, 3, 4))).unwrap();
    assert_eq!(from.len(), 1);

    // A submission keeps the commitment drawn ahead.
    three_submitted(pool, t0());
    let after = commitments::list(pool, "uitvoering", None).unwrap();
    assert_eq!(after[1].commitment, listed[1].commitment);

    // The database refuses to replace or remove one.
    let mut conn = pool.get().unwrap();
    let update =
        diesel::sql_query("UPDATE lottery_commitments SET seed = commitment").execute(&mut conn);
    assert!(update.is_err(), "an update of a commitment was accepted");
    let delete = diesel::sql_query("DELETE FROM lottery_commitments").execute(&mut conn);
    assert!(delete.is_err(), "a delete of a commitment was accepted");
}

#[test]
fn a_callers_seed_is_recorded_as_chosen() {
    let w = small_world();
    let pool = &w.pool;
    three_submitted(pool, t0());
    let seed: Seed = "07".repeat(32).parse().unwrap();
    let run = allocation::run(pool, &Actor::system(), "uitvoering", Some(seed), t0()).unwrap();
    assert_eq!(run.run.seed_source, "caller");
    assert_eq!(run.run.seed, seed.to_string());
    assert!(run.seeds.is_empty());
    assert_eq!(run.placements.len(), 3);
    // The committed seed of that day stays secret: no run revealed it.
    let listed = commitments::list(pool, "uitvoering", None).unwrap();
    assert_eq!(listed[0].seed, None);
}
