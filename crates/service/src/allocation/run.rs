//! One allocation run for one round of one instrument: the waiting list moves up first, as far as the
//! freed budget allows; then the submitted applications are placed by the instrument's
//! policy; the run is recorded with its seed and its placements in order.
//!
//! Seeds: by order of receipt each day that goes to lot uses that day's committed seed
//! (`super::commitments`), revealed by the run, and only for a day that has ended: the
//! applications of today wait for the night's run when they would need a lot. A seed
//! chosen by the caller (tests and the demo) replaces them all and the run says so; a
//! ranking draws its seed when it runs.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use subsidie_domain::allocation::{
    self as rules, AllocationError, AllocationOutcome, Candidate, PlacementDecision,
};
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::{Command, State};
use subsidie_domain::lottery::Seed;
use subsidie_domain::programme::{AllocationPolicy, UnknownValue};
use subsidie_domain::Money;
use subsidie_store::rows::{AllocationRunRow, InstrumentRow, PlacementRow, RunSeedRow};
use subsidie_store::schema::{allocation_placements, allocation_run_seeds, allocation_runs};
use subsidie_store::{DbConnection, Pool};

use super::batch::Batch;
use super::commitments::{self, random_seed};
use super::queue::{in_state, require_admin, Queued};
use super::round::RunRound;
use crate::actor::Actor;
use crate::budget;
use crate::convert::{money, naive, new_id};
use crate::error::ServiceError;
use crate::tx;

/// A finished run with its placements in order.
#[derive(Debug, Clone)]
pub struct AllocationRun {
    /// The run.
    pub run: AllocationRunRow,
    /// Every application the run placed, in order.
    pub placements: Vec<PlacementRow>,
    /// The committed seeds the run revealed, by day.
    pub seeds: Vec<RunSeedRow>,
}

/// Where a run's lot seeds come from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seeds {
    /// Chosen by whoever started the run: tests and the demo only.
    Caller(Seed),
    /// Each day's committed seed, revealed only for days before `reveal_before` (days
    /// that have ended); `day` is the day an automatic run allocates, whose seed it
    /// reveals even when no lot was needed.
    Committed {
        reveal_before: NaiveDate,
        day: Option<NaiveDate>,
    },
}

/// Runs an allocation for one instrument, in the round [`run_round`] picks by default.
pub fn run(
    pool: &Pool,
    actor: &Actor,
    instrument_id: &str,
    seed: Option<Seed>,
    now: DateTime<Utc>,
) -> Result<AllocationRun, ServiceError> {
    run_round(pool, actor, instrument_id, None, seed, now)
}

/// Runs an allocation for one round of one instrument: first the round's waiting list
/// moves up as far as the freed budget allows, then the round's submitted applications
/// are placed by the instrument's policy, within the instrument's ceiling and the
/// round's (with what earlier rounds carried over). Without `round`: the earliest round
/// with submitted applications, else the one open now, else the last closed one. With
/// `seed` `None` each day's committed seed is used (applications of today that would
/// need a lot wait for the day to end); with `Some` the caller's seed, and the run
/// records that it was chosen. Whether a caller may choose is the edge's setting.
pub fn run_round(
    pool: &Pool,
    actor: &Actor,
    instrument_id: &str,
    round: Option<&str>,
    seed: Option<Seed>,
    now: DateTime<Utc>,
) -> Result<AllocationRun, ServiceError> {
    require_admin(actor)?;
    let seeds = match seed {
        Some(seed) => Seeds::Caller(seed),
        None => Seeds::Committed {
            reveal_before: deadlines::amsterdam_date(now),
            day: None,
        },
    };
    tx::write(pool, |conn| {
        run_in_as(conn, actor, instrument_id, round, seeds, now, new_id())
    })
}

/// What one run works with: the locked instrument, its round, when it runs, the
/// placements so far and the steps they take, written at the end ([`Batch`]).
struct Run {
    instrument: InstrumentRow,
    round: RunRound,
    /// What the instrument had available when the run began.
    instrument_before: Money,
    now: DateTime<Utc>,
    id: String,
    placements: Vec<PlacementRow>,
    batch: Batch,
    seeds: Seeds,
    /// Committed seeds fetched for the lot, by day.
    committed: BTreeMap<NaiveDate, (Seed, String)>,
}

impl Run {
    /// What the run may still reserve: the instrument's available budget, and no more
    /// than the round's budget less what this run reserved already.
    fn available(&self) -> Result<Money, ServiceError> {
        let instrument = self.batch.position().available();
        let Some(round) = self.round.budget else {
            return Ok(instrument);
        };
        let used = self.instrument_before.checked_sub(instrument)?;
        let left = if round > used {
            round.checked_sub(used)?
        } else {
            Money::ZERO
        };
        Ok(instrument.min(left))
    }

    /// Stages one application's step in the batch.
    fn stage(
        &mut self,
        queued: &Queued,
        from: State,
        command: Command,
        reason: Option<String>,
        waitlist_position: Option<i32>,
    ) -> Result<(), ServiceError> {
        self.batch.stage(
            &self.instrument,
            queued,
            from,
            command,
            reason,
            waitlist_position,
            self.now,
        )
    }

    fn place(
        &mut self,
        app_id: &str,
        reference: &str,
        position: usize,
        decision: &str,
        lot_key: Option<String>,
    ) {
        self.placements.push(PlacementRow {
            run_id: self.id.clone(),
            position: i32::try_from(position).unwrap_or(i32::MAX),
            application_id: app_id.to_owned(),
            reference: reference.to_owned(),
            decision: decision.to_owned(),
            lot_key,
        });
    }
}

/// One run inside the caller's transaction, under id `run_id`.
pub(crate) fn run_in_as(
    conn: &mut DbConnection,
    actor: &Actor,
    instrument_id: &str,
    round: Option<&str>,
    seeds: Seeds,
    now: DateTime<Utc>,
    run_id: String,
) -> Result<AllocationRun, ServiceError> {
    let instrument = budget::lock(conn, instrument_id)?;
    let policy = policy_of(&instrument)?;
    let round = super::round::choose(conn, &instrument, round, policy, now)?;
    let instrument_before = budget::position_of(&instrument)?.available();
    let mut run = Run {
        batch: Batch::new(&instrument, actor)?,
        instrument,
        round,
        instrument_before,
        now,
        id: run_id,
        placements: Vec::new(),
        seeds,
        committed: BTreeMap::new(),
    };
    let available_before = run.available()?;
    let still_waiting = promote_waiting_list(conn, &mut run, available_before)?;
    let (outcome, seed_source, seed) = place_submitted(conn, &mut run, policy, still_waiting)?;
    let revealed = revealed_seeds(conn, &mut run, &outcome)?;
    let single = match (&seed, revealed.as_slice()) {
        (Some(seed), _) => seed.to_string(),
        (None, [only]) => only.seed.clone(),
        (None, _) => String::new(),
    };
    let Run {
        mut instrument,
        id,
        placements,
        batch,
        round,
        ..
    } = run;
    batch.write(conn, &mut instrument, now)?;
    let reserved_total = instrument_before
        .checked_sub(budget::position_of(&instrument)?.available())?
        .cents();
    let row = AllocationRunRow {
        id,
        instrument_id: instrument_id.to_owned(),
        policy: policy.as_str().to_owned(),
        seed: single,
        lottery_days: outcome
            .lottery_days
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect::<Vec<_>>()
            .join(","),
        available_before_cents: available_before.cents(),
        reserved_total_cents: reserved_total,
        actor_id: actor.user_id.clone(),
        at: naive(now),
        round_code: Some(round.round.code),
        seed_source: seed_source.to_owned(),
        day: match seeds {
            Seeds::Committed { day, .. } => day,
            Seeds::Caller(_) => None,
        },
    };
    record(conn, row, placements, revealed)
}

/// The committed seeds the run reveals: every day it drew with one, and the day of an
/// automatic run (a day that has ended; its commitment drawn now if it never was, which
/// its time of drawing then shows).
fn revealed_seeds(
    conn: &mut DbConnection,
    run: &mut Run,
    outcome: &AllocationOutcome,
) -> Result<Vec<RunSeedRow>, ServiceError> {
    let Seeds::Committed { day, .. } = run.seeds else {
        return Ok(Vec::new());
    };
    if let Some(day) = day {
        if !run.committed.contains_key(&day)
            && run.instrument.policy == AllocationPolicy::OrderOfReceipt.as_str()
        {
            let row = commitments::ensure(conn, &run.instrument.id, day, run.now)?;
            run.committed
                .insert(day, (commitments::seed_of(&row)?, row.commitment));
        }
    }
    Ok(run
        .committed
        .iter()
        .filter(|(d, _)| outcome.lottery_days.contains(d) || Some(**d) == day)
        .map(|(d, (seed, commitment))| RunSeedRow {
            run_id: run.id.clone(),
            day: *d,
            seed: seed.to_string(),
            commitment: commitment.clone(),
        })
        .collect())
}

/// The instrument's policy (a ranking waits until its round has closed: see
/// [`super::round::choose`]).
fn policy_of(instrument: &InstrumentRow) -> Result<AllocationPolicy, ServiceError> {
    instrument
        .policy
        .parse()
        .map_err(|e: UnknownValue| ServiceError::Internal(e.to_string()))
}

/// First the waiting list, strictly in its order. Returns the highest waiting-list
/// position and whether anyone is still waiting.
fn promote_waiting_list(
    conn: &mut DbConnection,
    run: &mut Run,
    available: Money,
) -> Result<Waiting, ServiceError> {
    let round = run.round.round.code.clone();
    let waiting = in_state(conn, &run.instrument.id, Some(&round), State::WaitingList)?;
    let queue: Vec<(String, Money)> = waiting
        .iter()
        .map(|a| Ok((a.id.clone(), money(a.requested_cents)?)))
        .collect::<Result<_, ServiceError>>()?;
    let promoted: HashSet<String> = rules::promote_from_waiting_list(available, &queue)
        .into_iter()
        .collect();
    for queued in waiting.iter().filter(|a| promoted.contains(&a.id)) {
        let reason = Some("van de wachtlijst".into());
        run.stage(queued, State::WaitingList, Command::Allocate, reason, None)?;
        let position = run.placements.len() + 1;
        run.place(
            &queued.id,
            &queued.reference,
            position,
            "van_wachtlijst",
            None,
        );
    }
    Ok(Waiting {
        any: waiting.len() > promoted.len(),
        last_position: waiting
            .iter()
            .filter_map(|a| a.waitlist_position)
            .max()
            .unwrap_or(0),
    })
}

/// Who is left on the waiting list after it moved up.
struct Waiting {
    any: bool,
    last_position: i32,
}

/// The outcome of placing the submitted applications, where its seed came from, and the
/// one seed that was not committed (the caller's or a ranking's).
type Placed = (AllocationOutcome, &'static str, Option<Seed>);

/// Then the new applications; while others still wait, they queue behind them.
fn place_submitted(
    conn: &mut DbConnection,
    run: &mut Run,
    policy: AllocationPolicy,
    waiting: Waiting,
) -> Result<Placed, ServiceError> {
    let round = run.round.round.code.clone();
    let submitted = in_state(conn, &run.instrument.id, Some(&round), State::Submitted)?;
    let available = if waiting.any {
        Money::ZERO
    } else {
        run.available()?
    };
    let mut candidates = submitted
        .iter()
        .map(candidate)
        .collect::<Result<Vec<_>, ServiceError>>()?;
    if let Seeds::Committed { day: Some(day), .. } = run.seeds {
        candidates.retain(|c| c.day <= day);
    }
    let conflict = |e: AllocationError| ServiceError::Conflict(e.to_string());
    let (outcome, source, seed) = match (policy, run.seeds) {
        (AllocationPolicy::OrderOfReceipt, Seeds::Caller(seed)) => (
            rules::allocate_by_receipt(available, &candidates, &seed).map_err(conflict)?,
            "caller",
            Some(seed),
        ),
        (AllocationPolicy::OrderOfReceipt, Seeds::Committed { reveal_before, .. }) => (
            by_committed_seeds(conn, run, available, candidates, reveal_before)?,
            "committed",
            None,
        ),
        (AllocationPolicy::Ranking, seeds) => {
            let (seed, source) = match seeds {
                Seeds::Caller(seed) => (seed, "caller"),
                Seeds::Committed { .. } => (random_seed(), "drawn"),
            };
            (
                rules::allocate_by_ranking(available, &candidates, &seed).map_err(conflict)?,
                source,
                Some(seed),
            )
        }
    };

    let offset = run.placements.len();
    // By reference, so an opening rush of 100,000 applications is not searched
    // 100,000 times over.
    let by_reference: HashMap<&str, &Queued> = submitted
        .iter()
        .map(|a| (a.reference.as_str(), a))
        .collect();
    let mut last_position = waiting.last_position;
    for placement in &outcome.placements {
        let Some(queued) = by_reference.get(placement.reference.as_str()) else {
            return Err(ServiceError::Internal(format!(
                "onbekende plaatsing {}",
                placement.reference
            )));
        };
        let (command, waitlist_position) = match placement.decision {
            PlacementDecision::Reserve => (Command::Allocate, None),
            PlacementDecision::WaitingList => {
                last_position += 1;
                (Command::Waitlist, Some(last_position))
            }
        };
        run.stage(queued, State::Submitted, command, None, waitlist_position)?;
        let position = usize::try_from(placement.position).unwrap_or(usize::MAX);
        run.place(
            &queued.id,
            &queued.reference,
            offset.saturating_add(position),
            placement.decision.as_str(),
            placement.lot_key.clone(),
        );
    }
    Ok((outcome, source, seed))
}

/// Order of receipt with each day's committed seed: a day that goes to lot and has ended
/// gets its seed from its commitment; a day that has not ended (today) is left out with
/// every later one, so its seed stays secret while applications can still arrive.
fn by_committed_seeds(
    conn: &mut DbConnection,
    run: &mut Run,
    available: Money,
    mut candidates: Vec<Candidate>,
    reveal_before: NaiveDate,
) -> Result<AllocationOutcome, ServiceError> {
    loop {
        let committed = &run.committed;
        let seed_of = |day: NaiveDate| committed.get(&day).map(|(seed, _)| *seed);
        match rules::allocate_by_receipt_per_day(available, &candidates, &seed_of) {
            Ok(outcome) => return Ok(outcome),
            Err(AllocationError::NoSeedFor(day)) if day < reveal_before => {
                let row = commitments::ensure(conn, &run.instrument.id, day, run.now)?;
                run.committed
                    .insert(day, (commitments::seed_of(&row)?, row.commitment));
            }
            Err(AllocationError::NoSeedFor(day)) => candidates.retain(|c| c.day < day),
            Err(e) => return Err(ServiceError::Conflict(e.to_string())),
        }
    }
}

fn candidate(a: &Queued) -> Result<Candidate, ServiceError> {
    let received = a
        .received_at
        .ok_or_else(|| ServiceError::Internal(format!("{} zonder ontvangstmoment", a.reference)))?
        .and_utc();
    Ok(Candidate {
        reference: a.reference.clone(),
        received_at: received,
        day: a
            .received_day
            .unwrap_or_else(|| deadlines::amsterdam_date(received)),
        amount: money(a.requested_cents)?,
        score: a.score.map(Decimal::from),
    })
}

fn record(
    conn: &mut DbConnection,
    run: AllocationRunRow,
    placements: Vec<PlacementRow>,
    seeds: Vec<RunSeedRow>,
) -> Result<AllocationRun, ServiceError> {
    diesel::insert_into(allocation_runs::table)
        .values(&run)
        .execute(conn)?;
    for seed in &seeds {
        diesel::insert_into(allocation_run_seeds::table)
            .values(seed)
            .execute(conn)?;
    }
    subsidie_store::bulk::insert_placements(conn, &placements)?;
    Ok(AllocationRun {
        run,
        placements,
        seeds,
    })
}

/// A recorded run with its placements.
pub fn get_run(pool: &Pool, run_id: &str) -> Result<AllocationRun, ServiceError> {
    tx::read(pool, |conn| {
        let run: AllocationRunRow = allocation_runs::table
            .find(run_id)
            .select(AllocationRunRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ServiceError::NotFound {
                what: "toewijzingsronde",
                id: run_id.to_owned(),
            })?;
        let placements = allocation_placements::table
            .filter(allocation_placements::run_id.eq(run_id))
            .order(allocation_placements::position.asc())
            .select(PlacementRow::as_select())
            .load(conn)?;
        let seeds = allocation_run_seeds::table
            .filter(allocation_run_seeds::run_id.eq(run_id))
            .order(allocation_run_seeds::day.asc())
            .select(RunSeedRow::as_select())
            .load(conn)?;
        Ok(AllocationRun {
            run,
            placements,
            seeds,
        })
    })
}
