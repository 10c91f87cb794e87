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
    /// A day must go to lot and its seed is not (yet) known to the caller: the caller
    /// fetches the day's committed seed, or leaves the day out while its seed may not be
    /// revealed, and calls again.
    #[error("de aanvragen van {0} moeten worden geloot, maar de seed van die dag is niet gegeven")]
    NoSeedFor(NaiveDate),
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
    allocate_by_receipt_per_day(available, candidates, &|_| Some(*seed))
}

/// [`allocate_by_receipt`] with each day's own seed: `seed_of(day)` for every day that goes
/// to lot (and for no other). A day whose seed is `None` stops the allocation with
/// [`AllocationError::NoSeedFor`]. Which days go to lot does not depend on the seeds:
/// the first day drawn cannot all fit, so every later day waits whatever the order.
pub fn allocate_by_receipt_per_day(
    available: Money,
    candidates: &[Candidate],
    seed_of: &dyn Fn(NaiveDate) -> Option<Seed>,
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
            let seed = seed_of(day[0].day).ok_or(AllocationError::NoSeedFor(day[0].day))?;
            lottery_days.push(day[0].day);
            for (candidate, key) in by_lot(&seed, day) {
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
mod tests;
