//! The demo scenario of the parliamentary letter (`seeds/000_*`): the programme
//! *Versterking eerstelijnszorg* replayed from January 2024 to September 2025.
//!
//! On a database with the programme loaded (`subsidie seed`) and **no applications**,
//! [`run`] registers one organisation with an applicant for each of the 54 regions, three
//! reviewers (one of whom declared a conflict of interest for one region) and a finance
//! officer, and then goes through the letter:
//!
//! * *voorbereiding*: every region applies, is allocated and granted; in 2025 every region
//!   accounts for the money and finance settles it (some a little lower than granted);
//! * *uitvoering*: 52 of the 54 regions apply (the two smallest do not, so the applicants
//!   cover about 98% of the inhabitants, as in the letter), each on its own working day
//!   between September 2024 and spring 2025, for € 3,50 per inhabitant (within the
//!   instrument's bounds); monthly allocation runs reserve the budget in order of receipt;
//!   48 are granted (above € 1 mln by two reviewers: one proposes, another confirms) and 4
//!   rejected with a motivation;
//! * *discipline-voucher*: 198 ("bijna 200") combinations of region and discipline,
//!   submitted from March 2024 to autumn 2025, allocated monthly, all granted;
//! * *onderzoek*: 10 proposals in the call's window (April–June 2025), scored by a
//!   reviewer, ranked after the call closed (two equal scores are ordered by lot), the
//!   top ones granted in September 2025 with four eyes, and the waiting list closed, so the
//!   rest is rejected because the ceiling is reached (Awb 4:25).
//!
//! Every instant is fixed and every lot uses [`demo_seed`], so two runs on two empty
//! databases produce the same decisions, amounts and budget positions.
//!
//! # Not twice
//!
//! [`run`] refuses with [`ServiceError::Conflict`] when the database already holds an
//! application (or organisations of an earlier, interrupted demo, recognised by their
//! e-mail domain [`DEMO_DOMAIN`]), so it never doubles anything. [`report`] shows the
//! current positions of any database without changing it.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines;
use subsidie_domain::ledger::BudgetPosition;
use subsidie_domain::lifecycle::State;
use subsidie_domain::lottery::Seed;
use subsidie_domain::Money;
use subsidie_store::rows::{ApplicationRow, InstrumentRow, RegionRow};
use subsidie_store::schema::{allocation_runs, applications as application_rows, organisations};
use subsidie_store::Pool;

use crate::actor::{Actor, Role};
use crate::allocation;
use crate::application::{self, Action, NewApplication, Outcome};
use crate::budget;
use crate::error::ServiceError;
use crate::queries;
use crate::registry::{self, NewOrganisation};
use crate::tx;

/// The e-mail domain of every organisation and user the demo creates (RFC 2606: never
/// delivered anywhere).
pub const DEMO_DOMAIN: &str = "demo.example";

/// The lottery seed of every allocation run of the demo: 32 bytes of 7, in hex
/// `0707…07`.
pub fn demo_seed() -> Seed {
    Seed::from_bytes([7; 32])
}

/// The counts and the live budget position of one instrument.
#[derive(Debug, Clone)]
pub struct InstrumentSummary {
    /// The instrument with its stored budget position.
    pub instrument: InstrumentRow,
    /// Applications ever submitted (received).
    pub submitted: usize,
    /// Granted (*gehonoreerd*), including those accounted for, settled or closed since.
    pub honoured: usize,
    /// Of the honoured ones: settled (*vastgesteld*) or closed.
    pub settled: usize,
    /// Rejected, on review or because the waiting list closed.
    pub rejected: usize,
    /// On the waiting list now.
    pub waiting: usize,
    /// Submitted, reserved or under review: not yet decided.
    pub in_progress: usize,
    /// Allocation runs recorded for the instrument.
    pub allocation_runs: usize,
}

impl InstrumentSummary {
    /// The budget position (ceiling, reserved, granted, settled, paid, recovered).
    pub fn position(&self) -> Result<BudgetPosition, ServiceError> {
        budget::position_of(&self.instrument)
    }
}

/// How much of the country the implementation grants reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Regions in the programme.
    pub regions: usize,
    /// Their inhabitants.
    pub inhabitants: i64,
    /// Regions that submitted an application for an *uitvoeringssubsidie*.
    pub regions_applied: usize,
    /// Their inhabitants.
    pub inhabitants_applied: i64,
    /// Regions with an honoured *uitvoeringssubsidie*.
    pub regions_honoured: usize,
    /// Their inhabitants.
    pub inhabitants_honoured: i64,
}

impl Coverage {
    /// Share of the inhabitants in regions that applied, in tenths of a percent (rounded).
    pub fn applied_per_mille(&self) -> i64 {
        per_mille(self.inhabitants_applied, self.inhabitants)
    }

    /// Share of the inhabitants in regions with an honoured grant, in tenths of a percent.
    pub fn honoured_per_mille(&self) -> i64 {
        per_mille(self.inhabitants_honoured, self.inhabitants)
    }
}

fn per_mille(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    // Rounded half up; inhabitants are far below the range where this could overflow.
    (part.saturating_mul(2000) + whole) / whole.saturating_mul(2)
}

/// Tenths of a percent in Dutch notation: `979` → `"97,9%"`.
pub fn dutch_percent(per_mille: i64) -> String {
    format!("{},{}%", per_mille / 10, (per_mille % 10).abs())
}

/// What the demo did, or what a database holds now (see [`report`]).
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// Per instrument, in the programme's order (preparation, implementation, vouchers,
    /// research, then any others by code).
    pub instruments: Vec<InstrumentSummary>,
    /// Coverage of the *uitvoeringssubsidie*.
    pub coverage: Coverage,
    /// True when every instrument's ledger adds up to its stored position to the cent
    /// and `reserved + granted ≤ ceiling` holds ([`queries::check_ledger`]).
    pub ledger_ok: bool,
    /// The lottery seed the demo used; `None` for a [`report`] of an existing database.
    pub seed: Option<Seed>,
}

impl DemoReport {
    /// The summary of the instrument of `kind` (`uitvoering`, `onderzoek`, …).
    pub fn by_kind(&self, kind: &str) -> Option<&InstrumentSummary> {
        self.instruments.iter().find(|s| s.instrument.kind == kind)
    }
}

/// The number of applications in the database (drafts included).
pub fn application_count(pool: &Pool) -> Result<i64, ServiceError> {
    tx::read(pool, |conn| {
        Ok(application_rows::table.count().get_result::<i64>(conn)?)
    })
}

fn kind_order(kind: &str) -> usize {
    match kind {
        "voorbereiding" => 0,
        "uitvoering" => 1,
        "discipline-voucher" => 2,
        "onderzoek" => 3,
        _ => 4,
    }
}

fn is_honoured(state: &str) -> bool {
    [
        State::Granted,
        State::Reported,
        State::Settled,
        State::Closed,
    ]
    .iter()
    .any(|s| s.as_str() == state)
}

/// Counts, budget positions, coverage and the ledger check of the database as it is now.
/// Changes nothing.
pub fn report(pool: &Pool) -> Result<DemoReport, ServiceError> {
    let mut instruments = queries::instruments(pool)?;
    instruments.sort_by(|a, b| {
        kind_order(&a.kind)
            .cmp(&kind_order(&b.kind))
            .then_with(|| a.code.cmp(&b.code))
    });
    let regions = queries::regions(pool)?;
    let (apps, runs) = tx::read(pool, |conn| {
        let apps: Vec<ApplicationRow> = application_rows::table
            .select(ApplicationRow::as_select())
            .load(conn)?;
        let runs: Vec<String> = allocation_runs::table
            .select(allocation_runs::instrument_id)
            .load(conn)?;
        Ok((apps, runs))
    })?;

    let summaries = instruments
        .into_iter()
        .map(|instrument| {
            let mine: Vec<&ApplicationRow> = apps
                .iter()
                .filter(|a| a.instrument_id == instrument.id)
                .collect();
            let count = |states: &[State]| {
                mine.iter()
                    .filter(|a| states.iter().any(|s| s.as_str() == a.state))
                    .count()
            };
            InstrumentSummary {
                submitted: mine.iter().filter(|a| a.received_at.is_some()).count(),
                honoured: mine.iter().filter(|a| is_honoured(&a.state)).count(),
                settled: count(&[State::Settled, State::Closed]),
                rejected: count(&[State::Rejected]),
                waiting: count(&[State::WaitingList]),
                in_progress: count(&[
                    State::Submitted,
                    State::Reserved,
                    State::UnderReview,
                    State::SupplementRequested,
                ]),
                allocation_runs: runs.iter().filter(|r| **r == instrument.id).count(),
                instrument,
            }
        })
        .collect::<Vec<_>>();

    let implementation: HashSet<&str> = summaries
        .iter()
        .filter(|s| s.instrument.kind == "uitvoering")
        .map(|s| s.instrument.id.as_str())
        .collect();
    let implementation_apps = || {
        apps.iter()
            .filter(|a| implementation.contains(a.instrument_id.as_str()))
    };
    let applied: HashSet<&str> = implementation_apps()
        .filter(|a| a.received_at.is_some())
        .map(|a| a.region_id.as_str())
        .collect();
    let honoured: HashSet<&str> = implementation_apps()
        .filter(|a| is_honoured(&a.state))
        .map(|a| a.region_id.as_str())
        .collect();
    let inhabitants_of = |set: &HashSet<&str>| -> i64 {
        regions
            .iter()
            .filter(|r| set.contains(r.id.as_str()))
            .map(|r| r.inhabitants)
            .sum()
    };
    let coverage = Coverage {
        regions: regions.len(),
        inhabitants: regions.iter().map(|r| r.inhabitants).sum(),
        regions_applied: applied.len(),
        inhabitants_applied: inhabitants_of(&applied),
        regions_honoured: honoured.len(),
        inhabitants_honoured: inhabitants_of(&honoured),
    };

    let checks = queries::check_ledger(pool)?;
    let ledger_ok = !checks.is_empty() && checks.iter().all(|c| c.holds());
    Ok(DemoReport {
        instruments: summaries,
        coverage,
        ledger_ok,
        seed: None,
    })
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

fn internal(what: &str) -> ServiceError {
    ServiceError::Internal(format!("demo: {what}"))
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, ServiceError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| internal("ongeldige datum"))
}

/// `minutes` after midnight, Amsterdam time, on `day`.
fn local(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    deadlines::start_of_day_utc(day) + TimeDelta::minutes(minutes)
}

/// The `n`-th working day after `day` (`n = 0`: `day` itself if it is a working day).
fn working_day(day: NaiveDate, n: usize) -> Result<NaiveDate, ServiceError> {
    let mut d = deadlines::next_working_day_on_or_after(day);
    for _ in 0..n {
        let next = d
            .succ_opt()
            .ok_or_else(|| internal("datum buiten bereik"))?;
        d = deadlines::next_working_day_on_or_after(next);
    }
    Ok(d)
}

/// `count` consecutive working days from `first` on, every `step`-th one.
fn working_days(
    first: NaiveDate,
    count: usize,
    step: usize,
) -> Result<Vec<NaiveDate>, ServiceError> {
    let mut days = Vec::with_capacity(count);
    let mut d = working_day(first, 0)?;
    for _ in 0..count {
        days.push(d);
        d = working_day(d, step)?;
    }
    Ok(days)
}

/// The first working day of the month after the one `day` is in.
fn first_working_day_of_next_month(day: NaiveDate) -> Result<NaiveDate, ServiceError> {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    working_day(date(y, m, 1)?, 0)
}

// ---------------------------------------------------------------------------------------
// Cast
// ---------------------------------------------------------------------------------------

/// A valid Dutch IBAN with the fictitious bank code `DEMO` and account number `account`.
pub fn demo_iban(account: u64) -> String {
    let bban = format!("DEMO{:010}", account % 10_000_000_000);
    // ISO 13616: BBAN + "NL00", letters as 10..35, check digits = 98 - (number mod 97).
    let mut remainder: u64 = 0;
    for c in bban.chars().chain("NL00".chars()) {
        let value = c.to_digit(36).map(u64::from).unwrap_or(0);
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("NL{:02}{bban}", 98 - remainder)
}

struct Reviewer {
    actor: Actor,
    conflicts: HashSet<String>,
}

struct Cast {
    regions: Vec<RegionRow>,
    applicants: Vec<Actor>,
    reviewers: Vec<Reviewer>,
    finance: Actor,
}

impl Cast {
    /// A reviewer for the `k`-th decision on an application of `region`, and a different
    /// one to confirm it (four eyes); neither declared a conflict for the region.
    fn reviewers_for(&self, region: &str, k: usize) -> Result<(&Actor, &Actor), ServiceError> {
        let eligible: Vec<&Actor> = self
            .reviewers
            .iter()
            .filter(|r| !r.conflicts.contains(region))
            .map(|r| &r.actor)
            .collect();
        if eligible.len() < 2 {
            return Err(internal("te weinig beoordelaars zonder belangenconflict"));
        }
        Ok((
            eligible[k % eligible.len()],
            eligible[(k + 1) % eligible.len()],
        ))
    }
}

fn register_cast(pool: &Pool, now: DateTime<Utc>) -> Result<Cast, ServiceError> {
    let admin = Actor::system();
    let regions = queries::regions(pool)?;
    let mut applicants = Vec::with_capacity(regions.len());
    for (i, region) in regions.iter().enumerate() {
        let at = now + TimeDelta::minutes(i as i64);
        let org = registry::register_organisation(
            pool,
            &admin,
            &NewOrganisation {
                name: format!("RESV {}", region.name),
                region_id: region.id.clone(),
                iban: demo_iban(4_100_000_000 + 7_919 * i as u64),
                email: format!("secretariaat@resv-{}.{DEMO_DOMAIN}", region.id),
            },
            at,
        )?;
        let user = registry::create_user(
            pool,
            &admin,
            &format!("Coördinator RESV {}", region.name),
            &format!("coordinator@resv-{}.{DEMO_DOMAIN}", region.id),
            Role::Applicant,
            Some(&org.id),
            at,
        )?;
        applicants.push(Actor::user(user.id, Role::Applicant, Some(org.id)));
    }
    let mut reviewers = Vec::new();
    for (name, mail) in [
        ("Anouk de Vries", "a.devries"),
        ("Bram Jansen", "b.jansen"),
        ("Carla Bakker", "c.bakker"),
    ] {
        let user = registry::create_user(
            pool,
            &admin,
            name,
            &format!("{mail}@zonmw.{DEMO_DOMAIN}"),
            Role::Reviewer,
            None,
            now,
        )?;
        reviewers.push(Reviewer {
            actor: Actor::user(user.id, Role::Reviewer, None),
            conflicts: HashSet::new(),
        });
    }
    // The third reviewer worked for the first region until recently.
    if let (Some(region), Some(reviewer)) = (regions.first(), reviewers.last_mut()) {
        let user_id = reviewer.actor.user_id.clone().unwrap_or_default();
        registry::declare_conflict(pool, &admin, &user_id, &region.id, now)?;
        reviewer.conflicts.insert(region.id.clone());
    }
    let finance = registry::create_user(
        pool,
        &admin,
        "Fatima El Amrani",
        &format!("f.elamrani@zonmw.{DEMO_DOMAIN}"),
        Role::Finance,
        None,
        now,
    )?;
    Ok(Cast {
        regions,
        applicants,
        reviewers,
        finance: Actor::user(finance.id, Role::Finance, None),
    })
}

// ---------------------------------------------------------------------------------------
// Applications
// ---------------------------------------------------------------------------------------

/// What the reviewers decide on an application once budget is reserved for it.
#[derive(Debug, Clone)]
enum Verdict {
    Grant,
    Reject(&'static str),
}

/// One application the demo submits.
#[derive(Debug, Clone)]
struct Plan {
    region: usize,
    discipline: Option<String>,
    amount: Money,
    at: DateTime<Utc>,
    title: String,
    description: String,
    verdict: Verdict,
    score: Option<i32>,
}

const GRANT_MOTIVATION: &str = "De aanvraag voldoet aan de voorwaarden van de regeling en \
    draagt bij aan de doelen van het programma Versterking eerstelijnszorg; het \
    gevraagde bedrag is onderbouwd en past binnen het subsidieplafond.";

const REJECTIONS: [&str; 2] = [
    "Het plan beschrijft geen hecht wijkverband waarin ten minste de huisarts, de \
     wijkverpleging, de apotheker en een professional uit het sociaal domein samenwerken; \
     daarmee voldoet de aanvraag niet aan de voorwaarden van de regeling.",
    "De begroting is niet onderbouwd: de gevraagde kosten zijn niet herleidbaar tot de \
     activiteiten in het plan, en de aanvraag is ook na het gesprek van de beoordelaars \
     met de regio niet aangepast.",
];

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
fn run_by_receipt(
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
        let run = allocation::run(
            pool,
            &Actor::system(),
            &instrument.id,
            Some(demo_seed()),
            local(run_day, 7 * 60),
        )?;
        let review_day = working_day(run_day, 5)?;
        let decision_day = working_day(review_day, 5)?;
        for placement in &run.placements {
            if placement.decision
                == subsidie_domain::allocation::PlacementDecision::WaitingList.as_str()
            {
                continue;
            }
            let app = queries::application(pool, &Actor::system(), &placement.application_id)?;
            let verdict = verdicts.get(&app.id).cloned().unwrap_or(Verdict::Grant);
            decide(pool, cast, &app, &verdict, k, review_day, decision_day)?;
            k += 1;
        }
    }
    Ok(submitted)
}

fn instrument_of_kind<'a>(
    instruments: &'a [InstrumentRow],
    kind: &str,
) -> Result<&'a InstrumentRow, ServiceError> {
    instruments.iter().find(|i| i.kind == kind).ok_or_else(|| {
        ServiceError::Conflict(format!(
            "het programma heeft geen regeling van soort '{kind}'; laad eerst het programma \
             (subsidie seed --file fixtures/versterking-eerstelijnszorg.toml)"
        ))
    })
}

/// An amount within the instrument's bounds.
fn within(instrument: &InstrumentRow, cents: i64) -> Result<Money, ServiceError> {
    Ok(Money::from_cents(
        cents.clamp(instrument.min_cents, instrument.max_cents),
    )?)
}

/// `euros` rounded to whole thousands.
fn thousands(euros: i64) -> i64 {
    (euros + 500) / 1000 * 1000
}

fn preparation_plans(cast: &Cast, instrument: &InstrumentRow) -> Result<Vec<Plan>, ServiceError> {
    let days = working_days(date(2024, 1, 8)?, cast.regions.len(), 1)?;
    cast.regions
        .iter()
        .zip(days)
        .enumerate()
        .map(|(i, (region, day))| {
            Ok(Plan {
                region: i,
                discipline: None,
                amount: within(instrument, instrument.max_cents)?,
                at: local(day, 9 * 60 + ((i * 37) % 420) as i64),
                title: format!("Voorbereiding RESV {}", region.name),
                description: format!(
                    "Kwartiermaken voor het regionale eerstelijnssamenwerkingsverband {}: \
                     verkenning met huisartsen, wijkverpleging, apothekers en het sociaal \
                     domein, en een plan van aanpak voor de uitvoeringssubsidie.",
                    region.name
                ),
                verdict: Verdict::Grant,
                score: None,
            })
        })
        .collect()
}

/// 52 of the regions: all but the two with the fewest inhabitants.
fn implementation_plans(
    cast: &Cast,
    instrument: &InstrumentRow,
) -> Result<Vec<Plan>, ServiceError> {
    let mut by_size: Vec<usize> = (0..cast.regions.len()).collect();
    by_size.sort_by(|&a, &b| {
        cast.regions[a]
            .inhabitants
            .cmp(&cast.regions[b].inhabitants)
            .then_with(|| cast.regions[a].id.cmp(&cast.regions[b].id))
    });
    let abstaining: HashSet<usize> = by_size.into_iter().take(2).collect();
    let applying: Vec<usize> = (0..cast.regions.len())
        .filter(|i| !abstaining.contains(i))
        .collect();
    let n = applying.len();
    let days = working_days(date(2024, 9, 2)?, n, 3)?;
    let mut plans = Vec::with_capacity(n);
    for (k, day) in days.into_iter().enumerate() {
        // A fixed permutation (23 is coprime with 52), so receipt order is not code order.
        let region_index = applying[(k * 23) % n];
        let region = &cast.regions[region_index];
        let euros = thousands(region.inhabitants.saturating_mul(7) / 2);
        let verdict = if k % 13 == 5 {
            Verdict::Reject(REJECTIONS[(k / 13) % REJECTIONS.len()])
        } else {
            Verdict::Grant
        };
        plans.push(Plan {
            region: region_index,
            discipline: None,
            amount: within(instrument, euros.saturating_mul(100))?,
            at: local(day, 10 * 60 + ((k * 53) % 360) as i64),
            title: format!("Uitvoeringsplan RESV {}", region.name),
            description: format!(
                "Uitvoering van het regioplan van RESV {}: ondersteuning van hechte \
                 wijkverbanden, regionale afspraken over capaciteit en toegankelijkheid, \
                 en vertegenwoordiging van de eerstelijnsdisciplines ({} inwoners).",
                region.name, region.inhabitants
            ),
            verdict,
            score: None,
        });
    }
    Ok(plans)
}

/// 198 combinations of region and discipline: `(region + 11 · discipline) mod 13 < 4`.
fn voucher_plans(
    cast: &Cast,
    instrument: &InstrumentRow,
    disciplines: &[(String, String)],
) -> Result<Vec<Plan>, ServiceError> {
    let mut combos = Vec::new();
    for i in 0..cast.regions.len() {
        for d in 0..disciplines.len() {
            if (i + 11 * d) % 13 < 4 {
                combos.push((i, d));
            }
        }
    }
    let n = combos.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    // Stride coprime with n, so every combination comes exactly once.
    let stride = (101..).find(|s| gcd(*s, n) == 1).unwrap_or(1);
    let days = working_days(date(2024, 3, 4)?, n, 2)?;
    let mut plans = Vec::with_capacity(n);
    for (k, day) in days.into_iter().enumerate() {
        let (i, d) = combos[(k * stride) % n];
        let (code, name) = &disciplines[d];
        plans.push(Plan {
            region: i,
            discipline: Some(code.clone()),
            amount: within(instrument, instrument.max_cents)?,
            at: local(day, 13 * 60 + ((k * 29) % 240) as i64),
            title: format!("Voucher {} — {}", name, cast.regions[i].name),
            description: format!(
                "Regionale organisatie van de {} in {}: een aanspreekpunt dat de \
                 discipline vertegenwoordigt in het RESV.",
                name.to_lowercase(),
                cast.regions[i].name
            ),
            verdict: Verdict::Grant,
            score: None,
        });
    }
    Ok(plans)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Ten research proposals: (region index, euros, score, subject). Two share the highest
/// score, so the ranking draws lots between them.
const RESEARCH: [(usize, i64, i32, &str); 10] = [
    (
        2,
        750_000,
        84,
        "Wat maakt een wijkverband hecht? Een realist evaluation",
    ),
    (
        7,
        600_000,
        91,
        "Samenwerking huisarts en sociaal domein rond kwetsbare ouderen",
    ),
    (
        12,
        900_000,
        77,
        "Kosten en baten van regionale eerstelijnssamenwerking",
    ),
    (
        18,
        450_000,
        91,
        "Toegankelijkheid van de eerstelijnszorg in krimpregio's",
    ),
    (
        23,
        800_000,
        88,
        "De RESV als aanspreekpunt: governance en mandaat",
    ),
    (
        29,
        500_000,
        69,
        "Digitale ondersteuning van wijkgerichte samenwerking",
    ),
    (
        34,
        1_200_000,
        80,
        "Effect van hechte wijkverbanden op verwijzingen naar de tweede lijn",
    ),
    (40, 650_000, 73, "Farmaceutische zorg in het wijkverband"),
    (
        45,
        700_000,
        86,
        "Capaciteitsafspraken in de regio: een vergelijkende casestudie",
    ),
    (
        51,
        550_000,
        62,
        "Patiëntperspectief op de hechte wijkverbanden",
    ),
];

fn research_plans(cast: &Cast, instrument: &InstrumentRow) -> Result<Vec<Plan>, ServiceError> {
    let days = working_days(date(2025, 4, 22)?, RESEARCH.len(), 4)?;
    RESEARCH
        .iter()
        .zip(days)
        .filter(|((region, ..), _)| *region < cast.regions.len())
        .enumerate()
        .map(|(k, (&(region, euros, score, subject), day))| {
            Ok(Plan {
                region,
                discipline: None,
                amount: within(instrument, euros.saturating_mul(100))?,
                at: local(day, 11 * 60 + (k as i64) * 7),
                title: subject.to_owned(),
                description: format!(
                    "Onderzoeksvoorstel van RESV {} met een academische werkplaats: {}.",
                    cast.regions[region].name,
                    subject.to_lowercase()
                ),
                verdict: Verdict::Grant,
                score: Some(score),
            })
        })
        .collect()
}

/// Research: submitted in the window, scored in July, ranked on 1 September 2025, the
/// reserved ones granted with four eyes, then the waiting list closed.
fn run_research(
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
    let run = allocation::run(
        pool,
        &Actor::system(),
        &instrument.id,
        Some(demo_seed()),
        local(ranking_day, 8 * 60),
    )?;
    let review_day = working_day(ranking_day, 2)?;
    let decision_day = working_day(ranking_day, 5)?;
    for (k, placement) in run
        .placements
        .iter()
        .filter(|p| {
            p.decision != subsidie_domain::allocation::PlacementDecision::WaitingList.as_str()
        })
        .enumerate()
    {
        let app = queries::application(pool, &Actor::system(), &placement.application_id)?;
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
fn settle_preparation(
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

fn check_empty(pool: &Pool) -> Result<(), ServiceError> {
    let existing = application_count(pool)?;
    if existing > 0 {
        return Err(ServiceError::Conflict(format!(
            "de database bevat al {existing} aanvra{}; de demo draait alleen op een database \
             zonder aanvragen, zodat er niets dubbel wordt aangemaakt (bekijk de stand met \
             'subsidie budget', of begin met een lege database)",
            if existing == 1 { "ag" } else { "gen" }
        )));
    }
    let pattern = format!("%@%{DEMO_DOMAIN}");
    let leftovers = tx::read(pool, |conn| {
        Ok(organisations::table
            .filter(organisations::email.like(&pattern))
            .count()
            .get_result::<i64>(conn)?)
    })?;
    if leftovers > 0 {
        return Err(ServiceError::Conflict(format!(
            "de database bevat al {leftovers} organisaties van een eerdere, onderbroken demo \
             (e-mailadressen op {DEMO_DOMAIN}); begin met een lege database"
        )));
    }
    Ok(())
}

/// Replays the letter on a database with the programme loaded and no applications; see
/// the [module documentation](self). Returns the [`report`] afterwards.
///
/// Refuses with [`ServiceError::Conflict`] when the database already holds applications
/// (or organisations of an interrupted demo), so nothing is ever doubled, and when the
/// programme is not loaded.
pub fn run(pool: &Pool) -> Result<DemoReport, ServiceError> {
    check_empty(pool)?;
    let instruments = queries::instruments(pool)?;
    let preparation = instrument_of_kind(&instruments, "voorbereiding")?;
    let implementation = instrument_of_kind(&instruments, "uitvoering")?;
    let voucher = instrument_of_kind(&instruments, "discipline-voucher")?;
    let research = instrument_of_kind(&instruments, "onderzoek")?;
    let disciplines: Vec<(String, String)> = queries::disciplines(pool)?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();

    let cast = register_cast(pool, local(date(2024, 1, 2)?, 9 * 60))?;
    if cast.regions.is_empty() {
        return Err(ServiceError::Conflict(
            "het programma heeft geen regio's; laad eerst het programma (subsidie seed)".into(),
        ));
    }

    let prepared = run_by_receipt(
        pool,
        &cast,
        preparation,
        preparation_plans(&cast, preparation)?,
    )?;
    run_by_receipt(
        pool,
        &cast,
        implementation,
        implementation_plans(&cast, implementation)?,
    )?;
    run_by_receipt(
        pool,
        &cast,
        voucher,
        voucher_plans(&cast, voucher, &disciplines)?,
    )?;
    run_research(pool, &cast, research, &research_plans(&cast, research)?)?;
    settle_preparation(pool, &cast, &prepared)?;

    let mut report = report(pool)?;
    report.seed = Some(demo_seed());
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_ibans_are_valid() {
        for account in [0, 1, 4_100_000_000, 9_999_999_999, 4_100_418_507] {
            let iban = demo_iban(account);
            assert!(
                subsidie_domain::iban::Iban::parse(&iban).is_ok(),
                "{iban} is geen geldig IBAN"
            );
        }
    }

    #[test]
    fn percent_in_dutch() {
        assert_eq!(per_mille(17_635, 18_010), 979);
        assert_eq!(dutch_percent(979), "97,9%");
        assert_eq!(dutch_percent(per_mille(1, 1)), "100,0%");
        assert_eq!(per_mille(1, 0), 0);
    }
}
