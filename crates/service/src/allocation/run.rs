//! One allocation run for one instrument: the waiting list moves up first, as far as the
//! freed budget allows; then the submitted applications are placed by the instrument's
//! policy; the run is recorded with its seed and its placements in order.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use rust_decimal::Decimal;
use subsidie_domain::allocation::{self as rules, AllocationOutcome, Candidate, PlacementDecision};
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::{Command, State};
use subsidie_domain::lottery::Seed;
use subsidie_domain::programme::{AllocationPolicy, UnknownValue};
use subsidie_domain::Money;
use subsidie_store::rows::{AllocationRunRow, InstrumentRow, PlacementRow};
use subsidie_store::schema::{allocation_placements, allocation_runs};
use subsidie_store::{DbConnection, Pool};

use super::batch::Batch;
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
}

/// A fresh random seed from the operating system.
pub fn random_seed() -> Seed {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Seed::from_bytes(bytes)
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
/// `seed` `None` a fresh random seed is drawn and recorded.
pub fn run_round(
    pool: &Pool,
    actor: &Actor,
    instrument_id: &str,
    round: Option<&str>,
    seed: Option<Seed>,
    now: DateTime<Utc>,
) -> Result<AllocationRun, ServiceError> {
    require_admin(actor)?;
    let seed = seed.unwrap_or_else(random_seed);
    tx::write(pool, |conn| {
        run_in(conn, actor, instrument_id, round, &seed, now)
    })
}

/// What one run works with: the locked instrument, its round, who runs it and when, the
/// placements so far and the steps they take, written at the end ([`Batch`]).
struct Run<'a> {
    instrument: InstrumentRow,
    round: RunRound,
    /// What the instrument had available when the run began.
    instrument_before: Money,
    actor: &'a Actor,
    now: DateTime<Utc>,
    id: String,
    placements: Vec<PlacementRow>,
    batch: Batch,
}

impl Run<'_> {
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
            self.actor,
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

fn run_in(
    conn: &mut DbConnection,
    actor: &Actor,
    instrument_id: &str,
    round: Option<&str>,
    seed: &Seed,
    now: DateTime<Utc>,
) -> Result<AllocationRun, ServiceError> {
    let instrument = budget::lock(conn, instrument_id)?;
    let policy = policy_of(&instrument)?;
    let round = super::round::choose(conn, &instrument, round, policy, now)?;
    let instrument_before = budget::position_of(&instrument)?.available();
    let mut run = Run {
        batch: Batch::new(&instrument)?,
        instrument,
        round,
        instrument_before,
        actor,
        now,
        id: new_id(),
        placements: Vec::new(),
    };
    let available_before = run.available()?;
    let still_waiting = promote_waiting_list(conn, &mut run, available_before)?;
    let outcome = place_submitted(conn, &mut run, policy, seed, still_waiting)?;
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
        seed: seed.to_string(),
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
    };
    record(conn, row, placements)
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
    run: &mut Run<'_>,
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

/// Then the new applications; while others still wait, they queue behind them.
fn place_submitted(
    conn: &mut DbConnection,
    run: &mut Run<'_>,
    policy: AllocationPolicy,
    seed: &Seed,
    waiting: Waiting,
) -> Result<AllocationOutcome, ServiceError> {
    let round = run.round.round.code.clone();
    let submitted = in_state(conn, &run.instrument.id, Some(&round), State::Submitted)?;
    let available = if waiting.any {
        Money::ZERO
    } else {
        run.available()?
    };
    let candidates = submitted
        .iter()
        .map(candidate)
        .collect::<Result<Vec<_>, ServiceError>>()?;
    let outcome = match policy {
        AllocationPolicy::OrderOfReceipt => {
            rules::allocate_by_receipt(available, &candidates, seed)
        }
        AllocationPolicy::Ranking => rules::allocate_by_ranking(available, &candidates, seed),
    }
    .map_err(|e| ServiceError::Conflict(e.to_string()))?;

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
    Ok(outcome)
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
) -> Result<AllocationRun, ServiceError> {
    diesel::insert_into(allocation_runs::table)
        .values(&run)
        .execute(conn)?;
    subsidie_store::bulk::insert_placements(conn, &placements)?;
    Ok(AllocationRun { run, placements })
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
        Ok(AllocationRun { run, placements })
    })
}
