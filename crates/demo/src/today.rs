//! Today's work for `serve --demo`: the replayed letter lies in 2024–2025, so two
//! instruments get a window around today (through the programme file, as an
//! administrator would: `seed` with changed dates), and a few applications are placed
//! in the days before today, so every demo user has something to do now.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use subsidie_domain::allocation::PlacementDecision;
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::State;
use subsidie_domain::programme::{ApplicationWindow, InstrumentConfig, ProgrammeFile, RoundConfig};
use subsidie_domain::Money;
use subsidie_service::application::{self, Action, NewApplication, Outcome};
use subsidie_service::{allocation, queries, seed, Actor, Pool, ServiceError};
use subsidie_store::rows::{InstrumentRow, RegionRow};
use subsidie_store::schema::applications;

use crate::fault::internal;
use crate::read::connection;
use crate::replay::{demo_seed, GRANT_MOTIVATION};
use crate::users::{demo_actor, make_admin, APPLICANT_EMAIL, PROPOSER_EMAIL};
use crate::{instrument_of_kind, DEMO_DOMAIN};

/// The kinds of instrument that are open around today in the demo.
const OPEN_KINDS: [&str; 2] = ["discipline-voucher", "uitvoering"];
/// The window opens this many days before today …
const DAYS_BEFORE: i64 = 14;
/// … and closes this many days after.
const DAYS_AFTER: i64 = 60;
/// What the two regions without an implementation grant ask today: above the four-eyes
/// limit of `uitvoering` (€ 1 mln), so a grant needs a second reviewer.
const IMPLEMENTATION_CENTS: i64 = 120_000_000;

/// An instrument's window as the demo set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenWindow {
    /// The instrument's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// First day applications are accepted.
    pub opens: NaiveDate,
    /// Last day.
    pub closes: NaiveDate,
}

/// Sets the windows of the open kinds to run from two weeks before today to
/// two months after, and loads the changed programme (the programme's term and
/// the accounting deadlines move along where they would end earlier). Done on every
/// start, so a demo database started weeks later is open again.
pub fn open_today(
    pool: &Pool,
    programme: &ProgrammeFile,
    now: DateTime<Utc>,
) -> Result<Vec<OpenWindow>, ServiceError> {
    let today = deadlines::amsterdam_date(now);
    let opens = today - TimeDelta::days(DAYS_BEFORE);
    let closes = today + TimeDelta::days(DAYS_AFTER);
    let mut file = programme.clone();
    let config = &mut file.programme;
    config.period.ends = config.period.ends.max(closes);
    config.period.starts = config.period.starts.min(opens);
    let mut windows = Vec::new();
    for instrument in &mut config.instruments {
        if !OPEN_KINDS.contains(&instrument.kind.as_str()) {
            continue;
        }
        open_around(instrument, opens, closes);
        instrument.accounting_deadline = instrument.accounting_deadline.map(|d| d.max(closes));
        windows.push(OpenWindow {
            code: instrument.code.clone(),
            name: instrument.name.clone(),
            opens,
            closes,
        });
    }
    file.validate()
        .map_err(|errors| internal(&format!("het programma met de ramen van vandaag: {errors}")))?;
    seed::load(pool, &file, now)?;
    Ok(windows)
}

/// The code of the round the demo adds around today to an instrument with rounds.
const TODAY_ROUND: &str = "demo-vandaag";

/// Opens `instrument` from `opens` to `closes` (whole days): an instrument with one
/// window gets that window; one with rounds keeps them (applications of the replay are
/// in them) and gets one more round, after them, without a ceiling of its own.
fn open_around(instrument: &mut InstrumentConfig, opens: NaiveDate, closes: NaiveDate) {
    let window = ApplicationWindow { opens, closes };
    if instrument.has_single_window() {
        instrument.set_window(window);
        return;
    }
    let mut rounds: Vec<RoundConfig> = instrument
        .rounds
        .iter()
        .filter(|r| r.code != TODAY_ROUND)
        .cloned()
        .collect();
    let mut today = RoundConfig::single(window);
    today.code = TODAY_ROUND.to_owned();
    today.name = "Ronde van vandaag (demo)".to_owned();
    rounds.push(today);
    instrument.set_rounds(rounds);
}

/// `days` days before `now`, at the same time of day.
fn ago(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    now - TimeDelta::days(days)
}

/// The disciplines region `region` has no voucher application for yet.
fn free_disciplines(
    pool: &Pool,
    voucher: &InstrumentRow,
    region: &str,
    disciplines: &[(String, String)],
) -> Result<Vec<(String, String)>, ServiceError> {
    let taken: Vec<Option<String>> = applications::table
        .filter(applications::instrument_id.eq(&voucher.id))
        .filter(applications::region_id.eq(region))
        .select(applications::discipline_id)
        .load(&mut *connection(pool)?)?;
    Ok(disciplines
        .iter()
        .filter(|(code, _)| !taken.iter().any(|t| t.as_deref() == Some(code)))
        .cloned()
        .collect())
}

/// A draft by `applicant`, created `at`.
fn draft(
    pool: &Pool,
    applicant: &Actor,
    instrument: &InstrumentRow,
    discipline: Option<&(String, String)>,
    region: &RegionRow,
    cents: i64,
    at: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let title = match discipline {
        Some((_, name)) => format!("Voucher {name} — {}", region.name),
        None => format!("Uitvoeringsplan RESV {}", region.name),
    };
    let row = application::create_draft(
        pool,
        applicant,
        &NewApplication {
            instrument_id: instrument.id.clone(),
            discipline_id: discipline.map(|(code, _)| code.clone()),
            title,
            description: format!(
                "Aanvraag van RESV {} in de ronde van vandaag (demo).",
                region.name
            ),
            requested: Money::from_cents(cents)?,
        },
        at,
    )?;
    Ok(row.id)
}

/// The applicant of `region` (made by the replay).
fn applicant_of(pool: &Pool, region: &RegionRow) -> Result<Actor, ServiceError> {
    let email = format!("coordinator@resv-{}.{DEMO_DOMAIN}", region.id);
    Ok(demo_actor(pool, &email)?.0)
}

/// A voucher of `region` for its first free discipline, submitted `at` (drafted an hour
/// earlier); `None` when the region has no free discipline left.
fn submit_voucher(
    pool: &Pool,
    voucher: &InstrumentRow,
    region: &RegionRow,
    disciplines: &[(String, String)],
    at: DateTime<Utc>,
) -> Result<Option<String>, ServiceError> {
    let free = free_disciplines(pool, voucher, &region.id, disciplines)?;
    let Some(discipline) = free.first() else {
        return Ok(None);
    };
    let applicant = applicant_of(pool, region)?;
    let id = draft(
        pool,
        &applicant,
        voucher,
        Some(discipline),
        region,
        voucher.max_cents,
        at - TimeDelta::hours(1),
    )?;
    crate::documents::attach_required(pool, &applicant, &id, at - TimeDelta::minutes(30))?;
    application::execute(pool, &applicant, &id, None, &Action::Submit, at)?;
    Ok(Some(id))
}

/// The regions with no implementation application at all (the two smallest, in the
/// letter).
fn without_implementation(
    pool: &Pool,
    implementation: &InstrumentRow,
    regions: &[RegionRow],
) -> Result<Vec<RegionRow>, ServiceError> {
    let applied: Vec<String> = applications::table
        .filter(applications::instrument_id.eq(&implementation.id))
        .select(applications::region_id)
        .load(&mut *connection(pool)?)?;
    Ok(regions
        .iter()
        .filter(|r| !applied.contains(&r.id))
        .cloned()
        .collect())
}

/// What [`stage_today`] placed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TodayWork {
    /// Applications submitted in the days before today.
    pub submitted: usize,
    /// Of those, reserved by today's allocation rounds.
    pub reserved: usize,
    /// Grants proposed and waiting for a second reviewer.
    pub proposed: usize,
}

/// A voucher for each region in `regions` with a free discipline, submitted `at`.
fn submit_vouchers<'a>(
    pool: &Pool,
    voucher: &InstrumentRow,
    regions: impl IntoIterator<Item = &'a RegionRow>,
    disciplines: &[(String, String)],
    at: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let mut submitted = 0;
    for region in regions {
        if submit_voucher(pool, voucher, region, disciplines, at)?.is_some() {
            submitted += 1;
        }
    }
    Ok(submitted)
}

/// Implementation plans of the regions that have none, submitted `at`.
fn submit_implementation(
    pool: &Pool,
    implementation: &InstrumentRow,
    regions: &[RegionRow],
    at: DateTime<Utc>,
) -> Result<Vec<String>, ServiceError> {
    let cents = IMPLEMENTATION_CENTS.clamp(implementation.min_cents, implementation.max_cents);
    let mut ids = Vec::new();
    for region in without_implementation(pool, implementation, regions)?
        .iter()
        .take(2)
    {
        let applicant = applicant_of(pool, region)?;
        let id = draft(
            pool,
            &applicant,
            implementation,
            None,
            region,
            cents,
            at - TimeDelta::hours(1),
        )?;
        crate::documents::attach_required(pool, &applicant, &id, at - TimeDelta::minutes(30))?;
        application::execute(pool, &applicant, &id, None, &Action::Submit, at)?;
        ids.push(id);
    }
    Ok(ids)
}

/// A reviewer (not the demo's reviewer) starts the review of `id` and proposes its grant
/// a day later; above the four-eyes limit it then waits for a second reviewer. Whether it
/// does.
fn propose_grant(
    pool: &Pool,
    reviewer: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let app = queries::application(pool, &Actor::system(), id)?;
    if app.state != State::Reserved.as_str() {
        return Ok(false);
    }
    let start = Action::StartReview;
    application::execute(pool, reviewer, id, None, &start, ago(now, 5))?;
    let grant = Action::Grant {
        amount: Money::from_cents(app.reserved_cents)?,
        motivation: GRANT_MOTIVATION.to_owned(),
    };
    let outcome = application::execute(pool, reviewer, id, None, &grant, ago(now, 4))?;
    Ok(matches!(outcome, Outcome::GrantProposed(_)))
}

/// Places today's work (see the module documentation) on a database where the
/// letter was just replayed and [`open_today`] opened the windows; then makes the demo's
/// administrator, which marks the demo as played to the end.
///
/// Nine days ago the first region (r01) and four others apply for a voucher, and the
/// regions without an implementation plan apply for one; seven days ago the allocation
/// rounds reserve them; a reviewer asks r01 for a supplement and proposes a grant above
/// the four-eyes limit; yesterday r01 starts one more (a draft); today more vouchers
/// arrive (submitted: `serve` allocates them by itself after midnight, so vouchers of an
/// earlier day would already be placed when the demo starts).
pub fn stage_today(pool: &Pool, now: DateTime<Utc>) -> Result<TodayWork, ServiceError> {
    let instruments = queries::instruments(pool)?;
    let voucher = instrument_of_kind(&instruments, "discipline-voucher")?;
    let implementation = instrument_of_kind(&instruments, "uitvoering")?;
    let regions = queries::regions(pool)?;
    let disciplines: Vec<(String, String)> = queries::disciplines(pool)?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let (first, others) = regions
        .split_first()
        .ok_or_else(|| internal("het programma heeft geen regio's"))?;
    let mut work = TodayWork::default();

    let supplement_case = submit_voucher(pool, voucher, first, &disciplines, ago(now, 9))?;
    work.submitted += usize::from(supplement_case.is_some());
    work.submitted += submit_vouchers(
        pool,
        voucher,
        others.iter().take(4),
        &disciplines,
        ago(now, 9),
    )?;
    let plans = submit_implementation(pool, implementation, &regions, ago(now, 9))?;
    work.submitted += plans.len();

    let waiting = PlacementDecision::WaitingList.as_str();
    for instrument in [voucher, implementation] {
        let run = allocation::run(
            pool,
            &Actor::system(),
            &instrument.id,
            Some(demo_seed()),
            ago(now, 7),
        )?;
        work.reserved += run
            .placements
            .iter()
            .filter(|p| p.decision != waiting)
            .count();
    }

    let (reviewer, _) = demo_actor(pool, PROPOSER_EMAIL)?;
    if let Some(id) = &supplement_case {
        let at = ago(now, 6);
        application::execute(pool, &reviewer, id, None, &Action::StartReview, at)?;
        let ask = Action::RequestSupplement {
            request: "Stuur de samenwerkingsafspraken met de beroepsvereniging mee, \
                      ondertekend door beide partijen."
                .to_owned(),
        };
        application::execute(pool, &reviewer, id, None, &ask, at + TimeDelta::hours(2))?;
    }
    if let Some(id) = plans.first() {
        work.proposed += usize::from(propose_grant(pool, &reviewer, id, now)?);
    }

    let later = others.iter().skip(4).take(3);
    work.submitted += submit_vouchers(
        pool,
        voucher,
        std::iter::once(first).chain(later),
        &disciplines,
        now,
    )?;

    let (applicant, _) = demo_actor(pool, APPLICANT_EMAIL)?;
    if let Some(discipline) = free_disciplines(pool, voucher, &first.id, &disciplines)?.first() {
        let cents = voucher.max_cents;
        draft(
            pool,
            &applicant,
            voucher,
            Some(discipline),
            first,
            cents,
            ago(now, 1),
        )?;
    }
    make_admin(pool, now)?;
    Ok(work)
}
