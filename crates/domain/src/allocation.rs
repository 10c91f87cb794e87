//! Allocation: which applications get budget under an instrument's ceiling, and in which
//! order the rest waits (DESIGN §4).
//!
//! Two policies:
//!
//! * **Order of receipt** (*volgorde van binnenkomst*, [`allocate_by_receipt`]).
//!   Applications are taken day by day (the calendar day in Europe/Amsterdam, computed by
//!   the caller and passed in as [`Candidate::day`]), earliest day first. Within a day:
//!   - if the day's applications together fit in what is left, they are taken in the
//!     order they were received (ties by reference);
//!   - if together they ask for more than is left, their mutual order is decided by the
//!     reproducible lot of [`crate::lottery`], and the day is recorded in
//!     [`AllocationOutcome::lottery_days`] (a day with a single application needs no lot
//!     and is not recorded).
//!
//!   Then the resulting order is walked: each application reserves budget while its
//!   amount fits in what is left. From the **first** application that does not fit, it
//!   and every later one go to the waiting list, in that order.
//!
//! * **Ranking** (*rangschikking*, [`allocate_by_ranking`]): after the call closes, every
//!   application must have a review score; they are ordered by score, highest first,
//!   equal scores by lot, and honoured in that order while they fit; the rest waits, in
//!   that order.
//!
//! # Why a smaller later application does not overtake
//!
//! Under both policies the walk stops at the first application that does not fit; a
//! smaller application further down is *not* placed in the gap. The order is the legal
//! priority: under order of receipt the earlier (or, on a drawn day, the luckier)
//! applicant has the better claim to the budget (Awb 4:25 honours applications in the
//! order the policy sets), and under ranking the better application has. Letting a
//! smaller, later application jump ahead would give away budget that the first waiting
//! applicant may still receive when budget is freed — through a lower grant, a withdrawal
//! or a rejection — and would make the waiting list depend on amounts rather than on
//! order. The same holds when budget is freed later: [`promote_from_waiting_list`] moves
//! up the head of the list while it fits and stops at the first that does not.
//!
//! All functions are pure: the same inputs and seed give the same outcome, whatever order
//! the candidates are passed in.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::lottery::{self, Seed};
use crate::money::Money;

/// The reason given to every application still on the waiting list when it closes.
pub const CEILING_REACHED_REASON: &str =
    "de aanvraag wordt afgewezen omdat het subsidieplafond is bereikt (art. 4:25 Awb) en de wachtlijst is gesloten";

/// An application that takes part in an allocation run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The application's reference (unique within the run; also the input of the lot).
    pub reference: String,
    /// When the complete application was received.
    pub received_at: DateTime<Utc>,
    /// The calendar day of `received_at` in Europe/Amsterdam (computed by the caller).
    pub day: NaiveDate,
    /// The amount the application asks to reserve.
    pub amount: Money,
    /// The review score; required for [`allocate_by_ranking`], ignored otherwise.
    pub score: Option<Decimal>,
}

/// What happens to one application in an allocation run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlacementDecision {
    /// Budget is reserved for it.
    #[serde(rename = "gereserveerd")]
    Reserve,
    /// It goes on the waiting list.
    #[serde(rename = "wachtlijst")]
    WaitingList,
}

impl PlacementDecision {
    /// The Dutch name, equal to the application state it leads to.
    pub fn as_str(self) -> &'static str {
        match self {
            PlacementDecision::Reserve => "gereserveerd",
            PlacementDecision::WaitingList => "wachtlijst",
        }
    }
}

impl fmt::Display for PlacementDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The place of one application in the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The application's reference.
    pub reference: String,
    /// 1-based position in the overall order (reserved ones first, then the waiting list
    /// in its order).
    pub position: u32,
    /// Reserved or waiting.
    pub decision: PlacementDecision,
    /// The amount of the application (reserved when `decision` is `Reserve`).
    pub amount: Money,
    /// The lot key in hex when the application's order was decided by lot (its day went
    /// to lot, or its score was shared); `None` otherwise.
    pub lot_key: Option<String>,
}

/// The result of an allocation run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationOutcome {
    /// Every candidate exactly once, in the overall order (`position` 1, 2, …).
    pub placements: Vec<Placement>,
    /// The days whose applications were ordered by lot, ascending. Always empty for a
    /// ranking.
    pub lottery_days: Vec<NaiveDate>,
    /// The sum of the reserved amounts; never more than the available budget.
    pub reserved_total: Money,
    /// `available - reserved_total`.
    pub remaining: Money,
}

impl AllocationOutcome {
    /// The references that reserve budget, in order.
    pub fn reserved(&self) -> impl Iterator<Item = &Placement> {
        self.placements
            .iter()
            .filter(|p| p.decision == PlacementDecision::Reserve)
    }

    /// The waiting list, in order.
    pub fn waiting_list(&self) -> impl Iterator<Item = &Placement> {
        self.placements
            .iter()
            .filter(|p| p.decision == PlacementDecision::WaitingList)
    }
}

/// Why an allocation run could not be made. Nothing was decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// The available budget is below zero.
    #[error("het beschikbare budget is negatief ({}); verdelen kan alleen over € 0,00 of meer", .0.to_dutch())]
    NegativeAvailable(Money),
    /// An application asks for a negative amount.
    #[error("aanvraag '{reference}' vraagt een negatief bedrag ({}); alleen bedragen van € 0,00 of meer zijn toegestaan", .amount.to_dutch())]
    NegativeAmount {
        /// The application.
        reference: String,
        /// Its amount.
        amount: Money,
    },
    /// The same reference twice.
    #[error("aanvraag '{0}' komt meer dan één keer voor; elke aanvraag doet één keer mee aan een verdeling")]
    DuplicateReference(String),
    /// Ranking needs a score for every application.
    #[error("aanvragen zonder beoordelingsscore: {}; rangschikken kan pas als alle aanvragen een score hebben", .references.join(", "))]
    MissingScore {
        /// The applications without a score, in input order.
        references: Vec<String>,
    },
    /// More candidates than positions can number.
    #[error("een verdeling kan hoogstens 4294967295 aanvragen bevatten, maar er zijn er {0}")]
    TooManyCandidates(usize),
    /// A sum left the representable range of amounts.
    #[error("de som van de bedragen valt buiten het toegestane bereik van bedragen")]
    Overflow,
}

impl From<crate::money::MoneyError> for AllocationError {
    fn from(_: crate::money::MoneyError) -> Self {
        AllocationError::Overflow
    }
}

/// Checks what both policies need: a non-negative budget, non-negative amounts, unique
/// references, numberable positions.
fn validate(available: Money, candidates: &[Candidate]) -> Result<(), AllocationError> {
    if available.is_negative() {
        return Err(AllocationError::NegativeAvailable(available));
    }
    if u32::try_from(candidates.len()).is_err() {
        return Err(AllocationError::TooManyCandidates(candidates.len()));
    }
    let mut seen = HashSet::with_capacity(candidates.len());
    for candidate in candidates {
        if candidate.amount.is_negative() {
            return Err(AllocationError::NegativeAmount {
                reference: candidate.reference.clone(),
                amount: candidate.amount,
            });
        }
        if !seen.insert(candidate.reference.as_str()) {
            return Err(AllocationError::DuplicateReference(
                candidate.reference.clone(),
            ));
        }
    }
    Ok(())
}

/// Walks candidates in their final order: reserve while it fits, from the first that does
/// not fit everything waits.
struct Walk {
    remaining: Money,
    blocked: bool,
    placements: Vec<Placement>,
}

impl Walk {
    fn new(available: Money, capacity: usize) -> Walk {
        Walk {
            remaining: available,
            blocked: false,
            placements: Vec::with_capacity(capacity),
        }
    }

    fn place(
        &mut self,
        candidate: &Candidate,
        lot_key: Option<String>,
    ) -> Result<(), AllocationError> {
        let decision = if !self.blocked && candidate.amount <= self.remaining {
            self.remaining = self.remaining.checked_sub(candidate.amount)?;
            PlacementDecision::Reserve
        } else {
            self.blocked = true;
            PlacementDecision::WaitingList
        };
        let position = u32::try_from(self.placements.len() + 1)
            .map_err(|_| AllocationError::TooManyCandidates(self.placements.len() + 1))?;
        self.placements.push(Placement {
            reference: candidate.reference.clone(),
            position,
            decision,
            amount: candidate.amount,
            lot_key,
        });
        Ok(())
    }

    fn finish(
        self,
        available: Money,
        lottery_days: Vec<NaiveDate>,
    ) -> Result<AllocationOutcome, AllocationError> {
        Ok(AllocationOutcome {
            placements: self.placements,
            lottery_days,
            reserved_total: available.checked_sub(self.remaining)?,
            remaining: self.remaining,
        })
    }
}

/// Orders `group` by the lot under `seed` ([`lottery::draw_with_keys`], the one rule);
/// returns each with its hex lot key. References are unique (checked by `validate`).
fn by_lot<'c>(seed: &Seed, group: &[&'c Candidate]) -> Vec<(&'c Candidate, String)> {
    let by_reference: HashMap<&str, &'c Candidate> =
        group.iter().map(|c| (c.reference.as_str(), *c)).collect();
    let references: Vec<&str> = group.iter().map(|c| c.reference.as_str()).collect();
    lottery::draw_with_keys(seed, &references)
        .into_iter()
        .filter_map(|(reference, key)| {
            by_reference
                .get(reference)
                .map(|c| (*c, lottery::to_hex(&key)))
        })
        .collect()
}

/// Allocates by order of receipt, with a lot for days that ask for more than is left.
/// See the [module documentation](self).
pub fn allocate_by_receipt(
    available: Money,
    candidates: &[Candidate],
    seed: &Seed,
) -> Result<AllocationOutcome, AllocationError> {
    validate(available, candidates)?;
    let mut ordered: Vec<&Candidate> = candidates.iter().collect();
    ordered.sort_by(|a, b| {
        a.day
            .cmp(&b.day)
            .then_with(|| a.received_at.cmp(&b.received_at))
            .then_with(|| a.reference.cmp(&b.reference))
    });

    let mut walk = Walk::new(available, candidates.len());
    let mut lottery_days = Vec::new();
    for day in ordered.chunk_by(|a, b| a.day == b.day) {
        let day_total = Money::sum(day.iter().map(|c| c.amount))?;
        if day_total <= walk.remaining || day.len() < 2 {
            for candidate in day {
                walk.place(candidate, None)?;
            }
        } else {
            lottery_days.push(day[0].day);
            for (candidate, key) in by_lot(seed, day) {
                walk.place(candidate, Some(key))?;
            }
        }
    }
    walk.finish(available, lottery_days)
}

/// Allocates by ranking: score descending, equal scores by lot, honoured while they fit.
/// Every candidate must have a score. See the [module documentation](self).
pub fn allocate_by_ranking(
    available: Money,
    candidates: &[Candidate],
    seed: &Seed,
) -> Result<AllocationOutcome, AllocationError> {
    validate(available, candidates)?;
    let mut scored: Vec<(Decimal, &Candidate)> = Vec::with_capacity(candidates.len());
    let mut missing = Vec::new();
    for candidate in candidates {
        match candidate.score {
            Some(score) => scored.push((score, candidate)),
            None => missing.push(candidate.reference.clone()),
        }
    }
    if !missing.is_empty() {
        return Err(AllocationError::MissingScore {
            references: missing,
        });
    }
    // Highest score first; the order within a score comes from the lot below.
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.reference.cmp(&b.1.reference))
    });

    let mut walk = Walk::new(available, candidates.len());
    for group in scored.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 {
            for (_, candidate) in group {
                walk.place(candidate, None)?;
            }
        } else {
            let tied: Vec<&Candidate> = group.iter().map(|(_, c)| *c).collect();
            for (candidate, key) in by_lot(seed, &tied) {
                walk.place(candidate, Some(key))?;
            }
        }
    }
    walk.finish(available, Vec::new())
}

/// Which applications move up from the waiting list now that `available` is free.
///
/// `waiting` is the list in its order, with each application's amount. Returns the head
/// entries that fit, in order, stopping at the first that does not fit (it keeps its
/// place; a smaller one behind it does not overtake). An entry with a negative amount is
/// invalid and also stops the walk; a negative `available` promotes nothing.
pub fn promote_from_waiting_list(available: Money, waiting: &[(String, Money)]) -> Vec<String> {
    let mut remaining = available;
    let mut promoted = Vec::new();
    for (reference, amount) in waiting {
        if amount.is_negative() || remaining.is_negative() || *amount > remaining {
            break;
        }
        match remaining.checked_sub(*amount) {
            Ok(rest) => remaining = rest,
            Err(_) => break,
        }
        promoted.push(reference.clone());
    }
    promoted
}

/// Closes the waiting list: every application still on it is rejected because the
/// ceiling is reached (Awb 4:25), with [`CEILING_REACHED_REASON`] as its reason.
pub fn close_waiting_list(waiting: &[String]) -> Vec<(String, &'static str)> {
    waiting
        .iter()
        .map(|reference| (reference.clone(), CEILING_REACHED_REASON))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
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
}
