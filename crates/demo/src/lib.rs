//! The demo scenario of the parliamentary letter (the *voortgangsbrief* on the vision
//! on primary care 2030, summer 2025): the programme *Versterking eerstelijnszorg*
//! replayed from January 2024 to September 2025.
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
//! # Today (`serve --demo`)
//!
//! The letter lies in the past, so for `serve --demo` [`open_today`] opens `uitvoering`
//! and `discipline-voucher` around today and [`stage_today`] places work for the days
//! before it (submissions, reservations, a supplement request, a grant waiting for four
//! eyes) and makes the demo's administrator; [`state`] tells an empty database from one
//! the demo filled, and [`sign_in`] gives the demo users with work fresh tokens.
//!
//! # Not twice
//!
//! [`run`] refuses with [`ServiceError::Conflict`] when the database already holds a
//! submitted application (a leftover draft does not count: it promises no money), or
//! organisations of an earlier, interrupted demo (recognised by their e-mail domain
//! [`DEMO_DOMAIN`]), so it never doubles anything. [`report`] shows the
//! current positions of any database without changing it.

mod calendar;
mod cast;
mod documents;
mod fault;
mod plans;
mod read;
mod replay;
mod report;
mod state;
mod today;
mod users;

use subsidie_service::{queries, Pool, ServiceError};
use subsidie_store::rows::InstrumentRow;

pub use cast::{demo_iban, DEMO_DOMAIN};
pub use replay::demo_seed;
pub use report::{
    application_count, dutch_percent, report, Coverage, DemoReport, InstrumentSummary,
};
pub use state::{state, submitted_count, DemoState};
pub use today::{open_today, stage_today, OpenWindow, TodayWork};
pub use users::{sign_in, DemoUser, ADMIN_EMAIL};

use calendar::{date, local};
use cast::{register_cast, Cast};
use plans::{implementation_plans, preparation_plans, research_plans, voucher_plans};
use replay::{run_by_receipt, run_research, settle_preparation};

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

fn check_empty(pool: &Pool) -> Result<(), ServiceError> {
    match state(pool)? {
        DemoState::Empty => Ok(()),
        DemoState::Played => Err(ServiceError::Conflict(
            "de demo is in deze database al gespeeld; begin met een lege database om hem \
             opnieuw te spelen"
                .into(),
        )),
        DemoState::Occupied(why) => Err(ServiceError::Conflict(why)),
    }
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

    let planning = Cast::planning(queries::regions(pool)?);
    if planning.regions.is_empty() {
        return Err(ServiceError::Conflict(
            "het programma heeft geen regio's; laad eerst het programma (subsidie seed)".into(),
        ));
    }
    let by_receipt = [
        (preparation, preparation_plans(&planning, preparation)?),
        (
            implementation,
            implementation_plans(&planning, implementation)?,
        ),
        (voucher, voucher_plans(&planning, voucher, &disciplines)?),
    ];
    let blocking = state::blocking_drafts(pool, &instruments, &by_receipt, &planning.regions)?;
    if !blocking.is_empty() {
        return Err(ServiceError::Conflict(format!(
            "{} concept(en) houden een plaats bezet die de demo nodig heeft (één lopende \
             aanvraag per regio en regeling): {}; verwijder ze (DELETE /api/v1/aanvragen/{{id}} \
             door hun aanvrager) of begin met een lege database",
            blocking.len(),
            blocking.join(", ")
        )));
    }

    let cast = register_cast(pool, local(date(2023, 9, 1)?, 9 * 60))?;
    let [(_, prepare), (_, implement), (_, vouchers)] = by_receipt;
    let prepared = run_by_receipt(pool, &cast, preparation, prepare)?;
    run_by_receipt(pool, &cast, implementation, implement)?;
    run_by_receipt(pool, &cast, voucher, vouchers)?;
    run_research(pool, &cast, research, &research_plans(&cast, research)?)?;
    settle_preparation(pool, &cast, &prepared)?;

    let mut report = report(pool)?;
    report.seed = Some(demo_seed());
    Ok(report)
}
