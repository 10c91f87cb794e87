//! Allocation runs (*toewijzingsrondes*): submitted applications reserve budget by the
//! instrument's policy, the rest goes on the waiting list; freed budget promotes the
//! waiting list in order; closing the list rejects the rest because the ceiling is
//! reached (Awb 4:25).
//!
//! Each run records its lottery seed and the resulting order, so anyone can re-run the lot
//! (see `subsidie_domain::lottery` for the recipe).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use rust_decimal::Decimal;
use subsidie_domain::allocation::{self as rules, Candidate, PlacementDecision};
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::{transition, Command, State};
use subsidie_domain::lottery::Seed;
use subsidie_domain::programme::AllocationPolicy;
use subsidie_store::rows::{AllocationRunRow, ApplicationRow, InstrumentRow, PlacementRow};
use subsidie_store::schema::{allocation_placements, allocation_runs, applications, instruments};
use subsidie_store::{DbConnection, Pool};

use crate::actor::{Actor, Role};
use crate::applications::history;
use crate::budget;
use crate::convert::{money, naive, new_id, state};
use crate::error::ServiceError;
use crate::outbox::letters::queue_notice;
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

fn require_admin(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden(format!(
            "toewijzingsrondes zijn voorbehouden aan een beheerder; u bent {}",
            actor.role
        )));
    }
    Ok(())
}

/// What an allocation run needs to know of an application to place it. A run may see
/// 100,000 applications; holding their full rows (texts included) took the server over
/// 200 MB, so the full row is read only when the application moves ([`load_for_move`]).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = applications)]
struct Queued {
    id: String,
    reference: String,
    requested_cents: i64,
    received_at: Option<chrono::NaiveDateTime>,
    received_day: Option<chrono::NaiveDate>,
    score: Option<i32>,
    waitlist_position: Option<i32>,
    version: i64,
}

fn in_state(
    conn: &mut DbConnection,
    instrument_id: &str,
    state: State,
) -> Result<Vec<Queued>, ServiceError> {
    Ok(applications::table
        .filter(applications::instrument_id.eq(instrument_id))
        .filter(applications::state.eq(state.as_str()))
        .select(Queued::as_select())
        .order((
            applications::waitlist_position.asc(),
            applications::received_at.asc(),
            applications::id.asc(),
        ))
        .load(conn)?)
}

/// The full row of a queued application, as the run saw it. On PostgreSQL a command that
/// needs no budget (a withdrawal) may have changed it since the list was read; then the
/// run is retried as a whole, as when its own update finds another version.
fn load_for_move(conn: &mut DbConnection, queued: &Queued) -> Result<ApplicationRow, ServiceError> {
    applications::table
        .find(&queued.id)
        .filter(applications::version.eq(queued.version))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ServiceError::Busy)
}

/// Moves `app` by `command`, reserving its requested amount when the table says so.
fn move_app(
    conn: &mut DbConnection,
    instrument: &mut InstrumentRow,
    app: &mut ApplicationRow,
    command: Command,
    actor: &Actor,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let from = state(&app.state)?;
    let step = transition(from, command)?;
    for effect in step.effects {
        if *effect == subsidie_domain::lifecycle::Effect::ReserveBudget {
            let amount = money(app.requested_cents)?;
            let movement = budget::position_of(instrument)?.reserve(amount)?;
            budget::apply(
                conn,
                instrument,
                &movement,
                Some(&app.id),
                actor.user_id.as_deref(),
                now,
            )?;
            app.reserved_cents = amount.cents();
        }
    }
    if command.is_decision() {
        app.decided_at = Some(naive(now));
        app.decision_motivation = reason.clone();
        app.objection_due_on = Some(
            deadlines::objection_deadline(deadlines::amsterdam_date(now))
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
        );
    }
    if step.to == State::Rejected {
        app.uniqueness_key = None;
    }
    if step.to != State::WaitingList {
        app.waitlist_position = None;
    }
    let read_version = app.version;
    app.version += 1;
    app.updated_at = naive(now);
    app.state = step.to.as_str().to_owned();
    let updated = diesel::update(
        applications::table
            .find(&app.id)
            .filter(applications::version.eq(read_version)),
    )
    .set(&*app)
    .execute(conn)?;
    if updated != 1 {
        return Err(ServiceError::Busy);
    }
    history(
        conn,
        &app.id,
        actor,
        command.as_str(),
        Some(from),
        step.to,
        reason,
        now,
    )?;
    for notice in step.notices() {
        queue_notice(conn, app, instrument, notice, now)?;
    }
    Ok(())
}

/// Runs an allocation for one instrument: first the waiting list moves up as far as the
/// freed budget allows, then the submitted applications are placed by the instrument's
/// policy. With `seed` `None` a fresh random seed is drawn and recorded.
pub fn run(
    pool: &Pool,
    actor: &Actor,
    instrument_id: &str,
    seed: Option<Seed>,
    now: DateTime<Utc>,
) -> Result<AllocationRun, ServiceError> {
    require_admin(actor)?;
    let seed = seed.unwrap_or_else(random_seed);
    tx::write(pool, |conn| run_in(conn, actor, instrument_id, &seed, now))
}

fn run_in(
    conn: &mut DbConnection,
    actor: &Actor,
    instrument_id: &str,
    seed: &Seed,
    now: DateTime<Utc>,
) -> Result<AllocationRun, ServiceError> {
    let mut instrument = budget::lock(conn, instrument_id)?;
    let policy: AllocationPolicy =
        instrument
            .policy
            .parse()
            .map_err(|e: subsidie_domain::programme::UnknownValue| {
                ServiceError::Internal(e.to_string())
            })?;
    let today = deadlines::amsterdam_date(now);
    if policy == AllocationPolicy::Ranking && today <= instrument.closes_on {
        return Err(ServiceError::Conflict(format!(
            "'{}' wordt gerangschikt na sluiting van de oproep; die sluit op {}",
            instrument.name, instrument.closes_on
        )));
    }
    let available_before = budget::position_of(&instrument)?.available();
    let run_id = new_id();
    let mut placements = Vec::new();

    // 1. The waiting list first, strictly in its order.
    let waiting = in_state(conn, instrument_id, State::WaitingList)?;
    let queue: Vec<(String, subsidie_domain::Money)> = waiting
        .iter()
        .map(|a| Ok((a.id.clone(), money(a.requested_cents)?)))
        .collect::<Result<_, ServiceError>>()?;
    let promoted: HashSet<String> = rules::promote_from_waiting_list(available_before, &queue)
        .into_iter()
        .collect();
    for queued in waiting.iter().filter(|a| promoted.contains(&a.id)) {
        let mut app = load_for_move(conn, queued)?;
        move_app(
            conn,
            &mut instrument,
            &mut app,
            Command::Allocate,
            actor,
            Some("van de wachtlijst".into()),
            now,
        )?;
        placements.push(PlacementRow {
            run_id: run_id.clone(),
            position: i32::try_from(placements.len() + 1).unwrap_or(i32::MAX),
            application_id: app.id.clone(),
            reference: app.reference.clone(),
            decision: "van_wachtlijst".into(),
            lot_key: None,
        });
    }
    let still_waiting = waiting.len() - promoted.len();
    let mut next_waitlist_position = waiting
        .iter()
        .filter_map(|a| a.waitlist_position)
        .max()
        .unwrap_or(0);

    // 2. New applications; while others still wait, they queue behind them.
    let submitted = in_state(conn, instrument_id, State::Submitted)?;
    let available_now = if still_waiting > 0 {
        subsidie_domain::Money::ZERO
    } else {
        budget::position_of(&instrument)?.available()
    };
    let candidates = submitted
        .iter()
        .map(|a| {
            let received = a
                .received_at
                .ok_or_else(|| {
                    ServiceError::Internal(format!("{} zonder ontvangstmoment", a.reference))
                })?
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
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    let outcome = match policy {
        AllocationPolicy::OrderOfReceipt => {
            rules::allocate_by_receipt(available_now, &candidates, seed)
        }
        AllocationPolicy::Ranking => rules::allocate_by_ranking(available_now, &candidates, seed),
    }
    .map_err(|e| ServiceError::Conflict(e.to_string()))?;

    let offset = placements.len();
    // By reference, so an opening rush of 100,000 applications is not searched
    // 100,000 times over.
    let by_reference: HashMap<String, usize> = submitted
        .iter()
        .enumerate()
        .map(|(i, a)| (a.reference.clone(), i))
        .collect();
    for placement in &outcome.placements {
        let Some(queued) = by_reference
            .get(&placement.reference)
            .and_then(|&i| submitted.get(i))
        else {
            return Err(ServiceError::Internal(format!(
                "onbekende plaatsing {}",
                placement.reference
            )));
        };
        let mut app = load_for_move(conn, queued)?;
        match placement.decision {
            PlacementDecision::Reserve => {
                move_app(
                    conn,
                    &mut instrument,
                    &mut app,
                    Command::Allocate,
                    actor,
                    None,
                    now,
                )?;
            }
            PlacementDecision::WaitingList => {
                next_waitlist_position += 1;
                app.waitlist_position = Some(next_waitlist_position);
                move_app(
                    conn,
                    &mut instrument,
                    &mut app,
                    Command::Waitlist,
                    actor,
                    None,
                    now,
                )?;
            }
        }
        placements.push(PlacementRow {
            run_id: run_id.clone(),
            position: i32::try_from(offset as u64 + u64::from(placement.position))
                .unwrap_or(i32::MAX),
            application_id: app.id.clone(),
            reference: app.reference.clone(),
            decision: placement.decision.as_str().to_owned(),
            lot_key: placement.lot_key.clone(),
        });
    }

    let reserved_total = available_before
        .checked_sub(budget::position_of(&instrument)?.available())?
        .cents();
    let run = AllocationRunRow {
        id: run_id,
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
    };
    diesel::insert_into(allocation_runs::table)
        .values(&run)
        .execute(conn)?;
    // Batch inserts are not available over the multi-backend connection; one row each.
    for placement in &placements {
        diesel::insert_into(allocation_placements::table)
            .values(placement)
            .execute(conn)?;
    }
    Ok(AllocationRun { run, placements })
}

/// Closes the waiting list: every application still on it is rejected because the
/// ceiling is reached (Awb 4:25), and no new application can be submitted.
pub fn close_waiting_list(
    pool: &Pool,
    actor: &Actor,
    instrument_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ApplicationRow>, ServiceError> {
    require_admin(actor)?;
    tx::write(pool, |conn| {
        let mut instrument = budget::lock(conn, instrument_id)?;
        diesel::update(instruments::table.find(instrument_id))
            .set(instruments::waitlist_closed.eq(true))
            .execute(conn)?;
        instrument.waitlist_closed = true;
        let waiting = in_state(conn, instrument_id, State::WaitingList)?;
        let references: Vec<String> = waiting.iter().map(|a| a.id.clone()).collect();
        let reasons = rules::close_waiting_list(&references);
        let mut closed = Vec::with_capacity(waiting.len());
        for (queued, (_, reason)) in waiting.iter().zip(reasons) {
            let mut app = load_for_move(conn, queued)?;
            move_app(
                conn,
                &mut instrument,
                &mut app,
                Command::CloseWaitlist,
                actor,
                Some(reason.to_owned()),
                now,
            )?;
            closed.push(app);
        }
        Ok(closed)
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
        Ok(AllocationRun { run, placements })
    })
}
