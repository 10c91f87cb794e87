//! Unit tests of the allocation: order of receipt with lots, ranking, the waiting list.
#![allow(clippy::unwrap_used)]

use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

fn eur(euros: i64) -> Money {
    Money::from_euros(euros).unwrap()
}

fn seed(byte: u8) -> Seed {
    Seed::from_bytes([byte; 32])
}

/// A candidate received on day `day` (of March 2025) at `hour:minute` UTC.
fn candidate(reference: &str, day: u32, hour: u32, minute: u32, euros: i64) -> Candidate {
    Candidate {
        reference: reference.to_owned(),
        received_at: Utc.with_ymd_and_hms(2025, 3, day, hour, minute, 0).unwrap(),
        day: NaiveDate::from_ymd_opt(2025, 3, day).unwrap(),
        amount: eur(euros),
        score: None,
    }
}

fn scored(reference: &str, score: &str, euros: i64) -> Candidate {
    Candidate {
        score: Some(score.parse().unwrap()),
        ..candidate(reference, 1, 9, 0, euros)
    }
}

fn refs(outcome: &AllocationOutcome) -> Vec<&str> {
    outcome
        .placements
        .iter()
        .map(|p| p.reference.as_str())
        .collect()
}

fn decisions(outcome: &AllocationOutcome) -> Vec<PlacementDecision> {
    outcome.placements.iter().map(|p| p.decision).collect()
}

use PlacementDecision::{Reserve as R, WaitingList as W};

#[test]
fn a_day_that_fits_keeps_receipt_order() {
    let candidates = [
        candidate("c", 3, 15, 0, 100),
        candidate("a", 3, 9, 0, 100),
        candidate("b", 3, 11, 0, 100),
        // Same moment as "b": the reference decides.
        candidate("bb", 3, 11, 0, 100),
    ];
    let outcome = allocate_by_receipt(eur(400), &candidates, &seed(1)).unwrap();
    assert_eq!(refs(&outcome), ["a", "b", "bb", "c"]);
    assert_eq!(decisions(&outcome), [R, R, R, R]);
    assert!(outcome.lottery_days.is_empty());
    assert!(outcome.placements.iter().all(|p| p.lot_key.is_none()));
    assert_eq!(outcome.reserved_total, eur(400));
    assert_eq!(outcome.remaining, Money::ZERO);
    let positions: Vec<u32> = outcome.placements.iter().map(|p| p.position).collect();
    assert_eq!(positions, [1, 2, 3, 4]);
}

#[test]
fn a_day_that_overflows_goes_to_lot_and_is_recorded() {
    let candidates: Vec<Candidate> = (0..6)
        .map(|i| candidate(&format!("ZONMW-2025-0000{i}"), 4, 8 + i, 0, 100))
        .collect();
    let s = seed(7);
    let outcome = allocate_by_receipt(eur(350), &candidates, &s).unwrap();
    assert_eq!(
        outcome.lottery_days,
        [NaiveDate::from_ymd_opt(2025, 3, 4).unwrap()]
    );
    let references: Vec<&str> = candidates.iter().map(|c| c.reference.as_str()).collect();
    assert_eq!(refs(&outcome), lottery::draw(&s, &references));
    assert_eq!(decisions(&outcome), [R, R, R, W, W, W]);
    for p in &outcome.placements {
        assert_eq!(
            p.lot_key.as_deref(),
            Some(lottery::lot_key_hex(&s, &p.reference).as_str())
        );
    }
    assert_eq!(outcome.reserved_total, eur(300));
    assert_eq!(outcome.remaining, eur(50));
}

#[test]
fn the_same_seed_gives_the_same_outcome_and_input_order_does_not_matter() {
    let mut candidates: Vec<Candidate> = (0..8)
        .map(|i| candidate(&format!("A-{i}"), 5 + i % 2, 9, i, 100 + i64::from(i) * 10))
        .collect();
    let first = allocate_by_receipt(eur(500), &candidates, &seed(3)).unwrap();
    assert_eq!(
        allocate_by_receipt(eur(500), &candidates, &seed(3)).unwrap(),
        first
    );
    candidates.reverse();
    assert_eq!(
        allocate_by_receipt(eur(500), &candidates, &seed(3)).unwrap(),
        first
    );
    // Another seed, another lot on the overflowing day (with 4 on a day, 24 orders).
    let others = (10..20)
        .filter(|&b| allocate_by_receipt(eur(500), &candidates, &seed(b)).unwrap() != first)
        .count();
    assert!(others >= 8, "{others}");
}

#[test]
fn earlier_days_always_come_first() {
    let candidates = [
        // Day 2 is received "earlier" in the day than day 1's application, and is small.
        candidate("late-small", 2, 6, 0, 10),
        candidate("early-big", 1, 23, 0, 1000),
        candidate("day3", 3, 0, 0, 10),
    ];
    let outcome = allocate_by_receipt(eur(500), &candidates, &seed(1)).unwrap();
    assert_eq!(refs(&outcome), ["early-big", "late-small", "day3"]);
    // Strict: the big one waits and nothing overtakes it.
    assert_eq!(decisions(&outcome), [W, W, W]);
    assert_eq!(outcome.reserved_total, Money::ZERO);
    assert_eq!(outcome.remaining, eur(500));
    // A lone application that does not fit is no lot.
    assert!(outcome.lottery_days.is_empty());
}

#[test]
fn a_later_day_is_drawn_against_what_is_left() {
    let candidates = [
        candidate("d1-a", 1, 9, 0, 300),
        candidate("d1-b", 1, 10, 0, 300),
        candidate("d2-a", 2, 9, 0, 200),
        candidate("d2-b", 2, 10, 0, 200),
        candidate("d3-a", 3, 9, 0, 50),
    ];
    // With 1000: day 1 (600) fits, day 2 (400) fits exactly in what is left: no lot.
    let outcome = allocate_by_receipt(eur(1000), &candidates, &seed(9)).unwrap();
    assert_eq!(decisions(&outcome), [R, R, R, R, W]);
    assert!(outcome.lottery_days.is_empty());
    // With 900, day 2 asks 400 where 300 is left: lot; then day 3 waits behind it.
    let outcome = allocate_by_receipt(eur(900), &candidates, &seed(9)).unwrap();
    assert_eq!(
        outcome.lottery_days,
        [NaiveDate::from_ymd_opt(2025, 3, 2).unwrap()]
    );
    assert_eq!(&refs(&outcome)[..2], ["d1-a", "d1-b"]);
    assert_eq!(refs(&outcome)[4], "d3-a");
    assert_eq!(decisions(&outcome), [R, R, R, W, W]);
    assert!(outcome.placements[0].lot_key.is_none());
    assert!(outcome.placements[2].lot_key.is_some());
    assert!(outcome.placements[4].lot_key.is_none());
    assert_eq!(outcome.reserved_total, eur(800));
    assert_eq!(outcome.remaining, eur(100));
}

#[test]
fn the_waiting_list_is_strict() {
    let candidates = [
        candidate("first", 1, 9, 0, 600),
        candidate("too-big", 2, 9, 0, 500),
        candidate("small", 3, 9, 0, 100),
    ];
    let outcome = allocate_by_receipt(eur(1000), &candidates, &seed(1)).unwrap();
    assert_eq!(refs(&outcome), ["first", "too-big", "small"]);
    assert_eq!(decisions(&outcome), [R, W, W]);
    assert_eq!(outcome.remaining, eur(400));
    let waiting: Vec<&str> = outcome
        .waiting_list()
        .map(|p| p.reference.as_str())
        .collect();
    assert_eq!(waiting, ["too-big", "small"]);
    let reserved: Vec<&str> = outcome.reserved().map(|p| p.reference.as_str()).collect();
    assert_eq!(reserved, ["first"]);
}

#[test]
fn promotion_takes_the_head_that_fits() {
    let waiting = vec![
        ("a".to_owned(), eur(300)),
        ("b".to_owned(), eur(200)),
        ("c".to_owned(), eur(400)),
        ("d".to_owned(), eur(10)),
    ];
    assert_eq!(promote_from_waiting_list(eur(550), &waiting), ["a", "b"]);
    assert_eq!(promote_from_waiting_list(eur(500), &waiting), ["a", "b"]);
    assert_eq!(
        promote_from_waiting_list(eur(299), &waiting),
        Vec::<String>::new()
    );
    assert_eq!(
        promote_from_waiting_list(eur(910), &waiting),
        ["a", "b", "c", "d"]
    );
    assert!(promote_from_waiting_list(eur(-1), &waiting).is_empty());
    let invalid = vec![("x".to_owned(), eur(-5)), ("y".to_owned(), eur(1))];
    assert!(promote_from_waiting_list(eur(100), &invalid).is_empty());
    assert!(promote_from_waiting_list(eur(100), &[]).is_empty());
}

#[test]
fn closing_the_list_rejects_with_awb_4_25() {
    let closed = close_waiting_list(&["a".to_owned(), "b".to_owned()]);
    assert_eq!(closed.len(), 2);
    assert_eq!(closed[0].0, "a");
    assert_eq!(closed[1].0, "b");
    for (_, reason) in closed {
        assert!(reason.contains("het subsidieplafond is bereikt (art. 4:25 Awb)"));
    }
}

#[test]
fn ranking_honours_the_best_first() {
    let candidates = [
        scored("mid", "7.5", 400),
        scored("best", "9", 500),
        scored("low", "5", 100),
        scored("good", "8.0", 300),
    ];
    let outcome = allocate_by_ranking(eur(1000), &candidates, &seed(1)).unwrap();
    assert_eq!(refs(&outcome), ["best", "good", "mid", "low"]);
    // 500 + 300 = 800; "mid" (400) does not fit; "low" (100) would, but waits behind it.
    assert_eq!(decisions(&outcome), [R, R, W, W]);
    assert_eq!(outcome.reserved_total, eur(800));
    assert!(outcome.lottery_days.is_empty());
    assert!(outcome.placements.iter().all(|p| p.lot_key.is_none()));
}

#[test]
fn equal_scores_are_ordered_by_lot() {
    let candidates = [
        scored("top", "9", 100),
        scored("t1", "7.50", 100),
        scored("t2", "7.5", 100),
        scored("t3", "7.5", 100),
        scored("t4", "7.5", 100),
        scored("t5", "7.5", 100),
        scored("bottom", "1", 100),
    ];
    let s = seed(42);
    let outcome = allocate_by_ranking(eur(10_000), &candidates, &s).unwrap();
    let order = refs(&outcome);
    assert_eq!(order[0], "top");
    assert_eq!(order[6], "bottom");
    assert_eq!(
        &order[1..6],
        lottery::draw(&s, &["t1", "t2", "t3", "t4", "t5"])
    );
    assert!(outcome.placements[0].lot_key.is_none());
    assert!(outcome.placements[1..6].iter().all(|p| p.lot_key.is_some()));
    assert!(outcome.placements[6].lot_key.is_none());
}

#[test]
fn ranking_refuses_unscored_candidates_and_names_them() {
    let candidates = [
        scored("ok", "8", 100),
        candidate("no-score-1", 1, 9, 0, 100),
        candidate("no-score-2", 1, 9, 0, 100),
    ];
    let err = allocate_by_ranking(eur(1000), &candidates, &seed(1)).unwrap_err();
    assert_eq!(
        err,
        AllocationError::MissingScore {
            references: vec!["no-score-1".to_owned(), "no-score-2".to_owned()]
        }
    );
    assert!(err.to_string().contains("no-score-1, no-score-2"));
}

#[test]
fn invalid_inputs_are_refused() {
    let good = candidate("a", 1, 9, 0, 100);
    let err = allocate_by_receipt(eur(-1), std::slice::from_ref(&good), &seed(1)).unwrap_err();
    assert_eq!(err, AllocationError::NegativeAvailable(eur(-1)));
    assert!(err.to_string().contains("-€ 1,00"));
    let negative = candidate("neg", 1, 9, 0, -5);
    assert!(matches!(
        allocate_by_receipt(eur(10), &[negative], &seed(1)).unwrap_err(),
        AllocationError::NegativeAmount { .. }
    ));
    let err = allocate_by_ranking(eur(10), &[good.clone(), good], &seed(1)).unwrap_err();
    assert_eq!(err, AllocationError::DuplicateReference("a".to_owned()));
}

/// Each drawn day uses its own seed, and a day whose seed is missing stops the run
/// naming the day (the service then fetches it or leaves that day for later).
#[test]
fn each_day_draws_with_its_own_seed() {
    let candidates = [
        candidate("A", 3, 9, 0, 60),
        candidate("B", 3, 10, 0, 60),
        candidate("C", 4, 9, 0, 60),
        candidate("D", 4, 10, 0, 60),
    ];
    let day = |d: u32| NaiveDate::from_ymd_opt(2025, 3, d).unwrap();
    let per_day = |d: NaiveDate| Some(if d == day(3) { seed(1) } else { seed(2) });
    let outcome = allocate_by_receipt_per_day(eur(100), &candidates, &per_day).unwrap();
    assert_eq!(outcome.lottery_days, [day(3), day(4)]);
    let first = allocate_by_receipt(eur(100), &candidates[..2], &seed(1)).unwrap();
    let second = allocate_by_receipt(eur(0), &candidates[2..], &seed(2)).unwrap();
    assert_eq!(refs(&outcome)[..2], refs(&first)[..]);
    assert_eq!(refs(&outcome)[2..], refs(&second)[..]);
    let only_first = |d: NaiveDate| (d == day(3)).then(|| seed(1));
    assert_eq!(
        allocate_by_receipt_per_day(eur(100), &candidates, &only_first),
        Err(AllocationError::NoSeedFor(day(4)))
    );
    // A day that fits needs no seed.
    let none = |_| None;
    assert!(allocate_by_receipt_per_day(eur(500), &candidates, &none).is_ok());
}

#[test]
fn empty_run() {
    let outcome = allocate_by_receipt(eur(10), &[], &seed(1)).unwrap();
    assert!(outcome.placements.is_empty());
    assert_eq!(outcome.reserved_total, Money::ZERO);
    assert_eq!(outcome.remaining, eur(10));
}

fn arb_candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(
        (
            0u32..4,
            0u32..86_400,
            0i64..100_000,
            prop::option::of(0u32..5),
        ),
        0..25,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (day, second, cents, score))| {
                let date = NaiveDate::from_ymd_opt(2025, 3, 1 + day).unwrap();
                Candidate {
                    reference: format!("REF-{i:03}"),
                    received_at: date.and_hms_opt(0, 0, 0).unwrap().and_utc()
                        + chrono::Duration::seconds(i64::from(second)),
                    day: date,
                    amount: Money::from_cents(cents).unwrap(),
                    score: score.map(Decimal::from),
                }
            })
            .collect()
    })
}

fn check_outcome(
    available: Money,
    candidates: &[Candidate],
    outcome: &AllocationOutcome,
) -> Result<(), TestCaseError> {
    prop_assert!(outcome.reserved_total <= available);
    prop_assert!(!outcome.remaining.is_negative());
    prop_assert_eq!(
        outcome
            .reserved_total
            .checked_add(outcome.remaining)
            .unwrap(),
        available
    );
    let reserved_sum = Money::sum(outcome.reserved().map(|p| p.amount)).unwrap();
    prop_assert_eq!(reserved_sum, outcome.reserved_total);
    prop_assert_eq!(outcome.placements.len(), candidates.len());
    let mut seen: Vec<&str> = refs(outcome);
    seen.sort_unstable();
    let mut expected: Vec<&str> = candidates.iter().map(|c| c.reference.as_str()).collect();
    expected.sort_unstable();
    prop_assert_eq!(seen, expected);
    for (index, placement) in outcome.placements.iter().enumerate() {
        prop_assert_eq!(placement.position as usize, index + 1);
        let original = candidates
            .iter()
            .find(|c| c.reference == placement.reference)
            .unwrap();
        prop_assert_eq!(placement.amount, original.amount);
    }
    // Strict: once one waits, all later ones wait.
    if let Some(first_wait) = outcome
        .placements
        .iter()
        .position(|p| p.decision == PlacementDecision::WaitingList)
    {
        prop_assert!(outcome.placements[first_wait..]
            .iter()
            .all(|p| p.decision == PlacementDecision::WaitingList));
        // And the first waiting one really did not fit.
        prop_assert!(outcome.placements[first_wait].amount > outcome.remaining);
    }
    Ok(())
}

proptest! {
    #[test]
    fn receipt_allocation_properties(
        candidates in arb_candidates(),
        available_cents in 0i64..1_000_000,
        seed_bytes in any::<[u8; 32]>(),
    ) {
        let available = Money::from_cents(available_cents).unwrap();
        let s = Seed::from_bytes(seed_bytes);
        let outcome = allocate_by_receipt(available, &candidates, &s).unwrap();
        check_outcome(available, &candidates, &outcome)?;
        // Days never go backwards; within a non-drawn day, receipt order holds.
        let by_ref = |r: &str| candidates.iter().find(|c| c.reference == r).unwrap();
        for pair in outcome.placements.windows(2) {
            let (a, b) = (by_ref(&pair[0].reference), by_ref(&pair[1].reference));
            prop_assert!(a.day <= b.day);
            if a.day == b.day && !outcome.lottery_days.contains(&a.day) {
                prop_assert!((a.received_at, &a.reference) <= (b.received_at, &b.reference));
            }
        }
        // Same inputs in another order, same outcome.
        let mut reversed = candidates.clone();
        reversed.reverse();
        prop_assert_eq!(allocate_by_receipt(available, &reversed, &s).unwrap(), outcome);
    }

    #[test]
    fn ranking_allocation_properties(
        candidates in arb_candidates(),
        available_cents in 0i64..1_000_000,
        seed_bytes in any::<[u8; 32]>(),
    ) {
        let available = Money::from_cents(available_cents).unwrap();
        let s = Seed::from_bytes(seed_bytes);
        let all_scored: Vec<Candidate> = candidates
            .iter()
            .cloned()
            .map(|c| Candidate { score: Some(c.score.unwrap_or(Decimal::ZERO)), ..c })
            .collect();
        let outcome = allocate_by_ranking(available, &all_scored, &s).unwrap();
        check_outcome(available, &all_scored, &outcome)?;
        let score = |r: &str| all_scored.iter().find(|c| c.reference == r).unwrap().score;
        for pair in outcome.placements.windows(2) {
            prop_assert!(score(&pair[0].reference) >= score(&pair[1].reference));
        }
        if candidates.iter().any(|c| c.score.is_none()) {
            let is_missing_score = matches!(
                allocate_by_ranking(available, &candidates, &s),
                Err(AllocationError::MissingScore { .. })
            );
            prop_assert!(is_missing_score);
        }
    }
}
