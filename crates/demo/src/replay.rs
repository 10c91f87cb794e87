//! Playing the plans through the engine's own use cases: submission, monthly allocation
//! runs, review with four eyes, the research ranking, and the settlement of the
//! preparation grants.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use subsidie_domain::allocation::PlacementDecision;
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::State;
use subsidie_domain::lottery::Seed;
use subsidie_domain::Money;
use subsidie_service::application::{self, Action, NewApplication, Outcome};
use subsidie_service::{allocation, queries, Actor, Pool, ServiceError};
use subsidie_store::rows::{ApplicationRow, InstrumentRow};

use crate::calendar::{date, first_working_day_of_next_month, local, working_day, working_days};
use crate::cast::Cast;
use crate::fault::internal;
use crate::plans::{Plan, Verdict};

/// The lottery seed of every allocation run of the demo: 32 bytes of 7, in hex
/// `0707…07`.
pub fn demo_seed() -> Seed {
    Seed::from_bytes([7; 32])
}

pub(crate) const GRANT_MOTIVATION: &str =
    "De aanvraag voldoet aan de voorwaarden van de regeling en \
    draagt bij aan de doelen van het programma Versterking eerstelijnszorg; het \
    gevraagde bedrag is onderbouwd en past binnen het subsidieplafond.";

/// Drafts and submits an application; returns it as submitted.
fn submit(
    pool: &Pool,
    cast: &Cast,
    instrument: &InstrumentRow,
    plan: &Plan,
) -> Result<ApplicationRow, ServiceError> {
    let applicant = cast
        .applicants
        .get(plan.region)
        .ok_or_else(|| internal("onbekende regio"))?;
    let draft = application::create_draft(
        pool,
        applicant,
        &NewApplication {
            instrument_id: instrument.id.clone(),
            discipline_id: plan.discipline.clone(),
            title: plan.title.clone(),
            description: plan.description.clone(),
            requested: plan.amount,
        },
        plan.at - TimeDelta::minutes(45),
    )?;
    crate::documents::attach_required(
        pool,
        applicant,
        &draft.id,
        plan.at - TimeDelta::minutes(30),
    )?;
    let outcome = application::execute(pool, applicant, &draft.id, None, &Action::Submit, plan.at)?;
    outcome
        .application()
        .cloned()
        .ok_or_else(|| internal("ingediende aanvraag verdwenen"))
}

/// Starts the review on `review_day` and decides on `decision_day`; a grant above the
/// instrument's four-eyes limit is proposed by one reviewer and confirmed by another two
/// working days later.
fn decide(
    pool: &Pool,
    cast: &Cast,
    app: &ApplicationRow,
    verdict: &Verdict,
    k: usize,
    review_day: NaiveDate,
    decision_day: NaiveDate,
) -> Result<(), ServiceError> {
    let (first, second) = cast.reviewers_for(&app.region_id, k)?;
    let minute = 9 * 60 + (k % 400) as i64;
    application::execute(
        pool,
        first,
        &app.id,
        None,
        &Action::StartReview,
        local(review_day, minute),
    )?;
    let decided_at = local(decision_day, minute);
    match verdict {
        Verdict::Reject(motivation) => {
            application::execute(
                pool,
                first,
                &app.id,
                None,
                &Action::Reject {
                    motivation: (*motivation).to_owned(),
                },
                decided_at,
            )?;
        }
        Verdict::Grant => {
            let grant = Action::Grant {
                amount: Money::from_cents(app.reserved_cents)?,
                motivation: GRANT_MOTIVATION.to_owned(),
            };
            let outcome = application::execute(pool, first, &app.id, None, &grant, decided_at)?;
            if let Outcome::GrantProposed(_) = outcome {
                let confirm_day = working_day(decision_day, 2)?;
                let confirmed = application::execute(
                    pool,
                    second,
                    &app.id,
                    None,
                    &grant,
                    local(confirm_day, minute),
                )?;
                if matches!(confirmed, Outcome::GrantProposed(_)) {
                    return Err(internal("verlening niet bevestigd door tweede beoordelaar"));
                }
            }
        }
    }
    Ok(())
}

/// Submits the plans in order; at the first working day of each following month an
/// allocation run reserves budget in order of receipt; a week later the reviewers start,
/// and a week after that they decide.
pub(crate) fn run_by_receipt(
    pool: &Pool,
    cast: &Cast,
    instrument: &InstrumentRow,
    mut plans: Vec<Plan>,
) -> Result<Vec<ApplicationRow>, ServiceError> {
    plans.sort_by_key(|p| p.at);
    let month = |at: DateTime<Utc>| {
        let d = deadlines::amsterdam_date(at);
        (d.year(), d.month())
    };
    let mut submitted = Vec::with_capacity(plans.len());
    let mut verdicts = BTreeMap::new();
    let mut k = 0;
    let mut i = 0;
    while i < plans.len() {
        let this_month = month(plans[i].at);
        let mut last_day = deadlines::amsterdam_date(plans[i].at);
        while i < plans.len() && month(plans[i].at) == this_month {
            let app = submit(pool, cast, instrument, &plans[i])?;
            verdicts.insert(app.id.clone(), plans[i].verdict.clone());
            last_day = deadlines::amsterdam_date(plans[i].at);
            submitted.push(app);
            i += 1;
        }
        let run_day = first_working_day_of_next_month(last_day)?;
        let placed = allocate(pool, instrument, local(run_day, 7 * 60))?;
        let review_day = working_day(run_day, 5)?;
        let decision_day = working_day(review_day, 5)?;
        for id in &placed {
            let app = queries::application(pool, &Actor::system(), id)?;
            let verdict = verdicts.get(&app.id).cloned().unwrap_or(Verdict::Grant);
            decide(pool, cast, &app, &verdict, k, review_day, decision_day)?;
            k += 1;
        }
    }
    Ok(submitted)
}

/// The allocation runs at `at` with the demo's seed, one per round with submitted
/// applications (at least one run); the ids of the applications they placed under the
/// ceiling (not those put on the waiting list), in the runs' order.
fn allocate(
    pool: &Pool,
    instrument: &InstrumentRow,
    at: DateTime<Utc>,
) -> Result<Vec<String>, ServiceError> {
    let waiting = PlacementDecision::WaitingList.as_str();
    let mut placed = Vec::new();
    // Each run takes the earliest round with submitted applications and places all of
    // them; there are never more runs than rounds.
    for _ in 0..MAX_ROUNDS {
        let run = allocation::run(
            pool,
            &Actor::system(),
            &instrument.id,
            Some(demo_seed()),
            at,
        )?;
        placed.extend(
            run.placements
                .into_iter()
                .filter(|p| p.decision != waiting)
                .map(|p| p.application_id),
        );
        if !has_submitted(pool, instrument)? {
            break;
        }
    }
    Ok(placed)
}

/// More rounds than any instrument of the programme has.
const MAX_ROUNDS: usize = 16;

/// Whether `instrument` has applications waiting for an allocation run.
fn has_submitted(pool: &Pool, instrument: &InstrumentRow) -> Result<bool, ServiceError> {
    use diesel::prelude::*;
    use subsidie_store::schema::applications;
    let n: i64 = applications::table
        .filter(applications::instrument_id.eq(&instrument.id))
        .filter(applications::state.eq(State::Submitted.as_str()))
        .count()
        .get_result(&mut *crate::read::connection(pool)?)?;
    Ok(n > 0)
}

/// Research: submitted in the window, scored in July, ranked on 1 September 2025, the
/// reserved ones granted with four eyes, then the waiting list closed.
pub(crate) fn run_research(
    pool: &Pool,
    cast: &Cast,
    instrument: &InstrumentRow,
    plans: &[Plan],
) -> Result<(), ServiceError> {
    let mut submitted = Vec::with_capacity(plans.len());
    for plan in plans {
        submitted.push(submit(pool, cast, instrument, plan)?);
    }
    let scoring_days = working_days(date(2025, 7, 7)?, submitted.len(), 1)?;
    for (k, ((app, plan), day)) in submitted.iter().zip(plans).zip(scoring_days).enumerate() {
        let (reviewer, _) = cast.reviewers_for(&app.region_id, k)?;
        application::score(
            pool,
            reviewer,
            &app.id,
            plan.score.unwrap_or(0),
            local(day, 14 * 60),
        )?;
    }
    let ranking_day = working_day(date(2025, 9, 1)?, 0)?;
    let placed = allocate(pool, instrument, local(ranking_day, 8 * 60))?;
    let review_day = working_day(ranking_day, 2)?;
    let decision_day = working_day(ranking_day, 5)?;
    for (k, id) in placed.iter().enumerate() {
        let app = queries::application(pool, &Actor::system(), id)?;
        decide(
            pool,
            cast,
            &app,
            &Verdict::Grant,
            k,
            review_day,
            decision_day,
        )?;
    }
    allocation::close_waiting_list(
        pool,
        &Actor::system(),
        &instrument.id,
        local(working_day(decision_day, 5)?, 9 * 60),
    )?;
    Ok(())
}

/// Preparation grants are accounted for in spring 2025 and settled by finance; every
/// ninth region spent a little less than granted.
pub(crate) fn settle_preparation(
    pool: &Pool,
    cast: &Cast,
    granted: &[ApplicationRow],
) -> Result<(), ServiceError> {
    let report_days = working_days(date(2025, 4, 1)?, granted.len(), 1)?;
    for (k, (app, day)) in granted.iter().zip(report_days).enumerate() {
        let current = queries::application(pool, &Actor::system(), &app.id)?;
        if current.state != State::Granted.as_str() {
            continue;
        }
        let region = cast
            .regions
            .iter()
            .position(|r| r.id == app.region_id)
            .ok_or_else(|| internal("onbekende regio"))?;
        application::execute(
            pool,
            &cast.applicants[region],
            &app.id,
            None,
            &Action::Report {
                summary: "Inhoudelijk en financieel verslag van de voorbereidingsfase, met het \
                          plan van aanpak voor het RESV."
                    .to_owned(),
            },
            local(day, 15 * 60),
        )?;
        let granted_cents = current.granted_cents;
        let (amount, motivation) = if k % 9 == 4 {
            (
                granted_cents - granted_cents * 7 / 100,
                "De verantwoorde kosten zijn lager dan de verlening; de subsidie wordt \
                 vastgesteld op de werkelijke kosten.",
            )
        } else {
            (
                granted_cents,
                "De activiteiten zijn verricht en de kosten zijn verantwoord; de subsidie \
                 wordt vastgesteld op het verleende bedrag.",
            )
        };
        application::execute(
            pool,
            &cast.finance,
            &app.id,
            None,
            &Action::Settle {
                amount: Money::from_cents(amount)?,
                motivation: motivation.to_owned(),
            },
            local(working_day(day, 30)?, 10 * 60),
        )?;
    }
    Ok(())
}
