//! Shared set-up for the service's integration tests: a fresh database per test on the
//! selected backend (`SUBSIDIE_TEST_BACKEND`), the programme fixture, actors, and
//! snapshots to prove that a refused command wrote nothing.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use subsidie_domain::programme::ProgrammeFile;
use subsidie_domain::Money;
use subsidie_service::application::{self as applications, Action, NewApplication, Outcome};
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{queries, seed, Actor, Pool, Role, ServiceError};
use subsidie_store::rows::{ApplicationRow, HistoryRow, InstrumentRow, OrganisationRow};
use subsidie_store::schema;
use subsidie_store::testing::TestDatabase;

/// The programme fixture as shipped.
pub const FIXTURE: &str = include_str!("../../../../fixtures/versterking-eerstelijnszorg.toml");

/// Valid Dutch IBANs (checksums correct).
pub const IBANS: [&str; 2] = ["NL91ABNA0417164300", "NL20INGB0001234567"];

/// A fixed instant (UTC).
pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap()
}

/// Monday 3 March 2025, 09:00 UTC: uitvoering and voucher windows are open.
pub fn t0() -> DateTime<Utc> {
    at(2025, 3, 3, 9, 0)
}

/// An amount from its text form ("1500000.00").
pub fn eur(text: &str) -> Money {
    Money::parse(text).unwrap()
}

/// The parsed fixture.
pub fn fixture() -> ProgrammeFile {
    seed::parse_programme_file(FIXTURE).unwrap()
}

/// A test database with a pool. The pool is declared first so it is dropped before the
/// database is removed.
pub struct World {
    pub pool: Pool,
    pub db: TestDatabase,
}

/// A fresh database with the fixture loaded.
pub fn world() -> World {
    let w = empty_world(4);
    seed::load(&w.pool, &fixture(), at(2024, 1, 1, 0, 0)).unwrap();
    w
}

/// A fresh, migrated database with nothing loaded.
pub fn empty_world(pool_size: u32) -> World {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(pool_size).unwrap();
    World { pool, db }
}

static NAMES: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> (String, usize) {
    let n = NAMES.fetch_add(1, Ordering::Relaxed);
    (format!("{prefix}{n}"), n as usize)
}

/// Registers an organisation in `region` and an applicant user for it.
pub fn applicant(pool: &Pool, region: &str) -> (Actor, OrganisationRow) {
    let (n, i) = unique("org");
    let org = registry::register_organisation(
        pool,
        &Actor::system(),
        &NewOrganisation {
            name: format!("Samenwerkingsverband {n}"),
            region_id: region.to_owned(),
            iban: IBANS[i % 2].to_owned(),
            email: format!("info@{n}.nl"),
        },
        t0(),
    )
    .unwrap();
    let user = registry::create_user(
        pool,
        &Actor::system(),
        &format!("Aanvrager {n}"),
        &format!("aanvrager@{n}.nl"),
        Role::Applicant,
        Some(&org.id),
        t0(),
    )
    .unwrap();
    (
        Actor::user(user.id, Role::Applicant, Some(org.id.clone())),
        org,
    )
}

/// A staff user (reviewer, finance, admin).
pub fn staff(pool: &Pool, role: Role) -> Actor {
    let (n, _) = unique("staf");
    let user = registry::create_user(
        pool,
        &Actor::system(),
        &format!("Medewerker {n}"),
        &format!("{n}@zonmw.nl"),
        role,
        None,
        t0(),
    )
    .unwrap();
    Actor::user(user.id, role, None)
}

/// A new application as the tests use it.
pub fn new_app(instrument: &str, discipline: Option<&str>, amount: &str) -> NewApplication {
    NewApplication {
        instrument_id: instrument.to_owned(),
        discipline_id: discipline.map(str::to_owned),
        title: format!("Aanvraag {instrument}"),
        description: "Wat we met het geld doen.".to_owned(),
        requested: eur(amount),
    }
}

/// Creates a draft of [`new_app`] at [`t0`], with the documents its instrument requires
/// ([`attach_required`]).
pub fn draft_at_t0(
    pool: &Pool,
    actor: &Actor,
    instrument: &str,
    discipline: Option<&str>,
    amount: &str,
) -> Result<ApplicationRow, ServiceError> {
    let draft =
        applications::create_draft(pool, actor, &new_app(instrument, discipline, amount), t0())?;
    attach_required(pool, actor, &draft.id, t0());
    Ok(draft)
}

/// Uploads a small PDF for every document the application's instrument requires and it
/// does not have yet (the fixture asks a project plan and a budget for `uitvoering`), so
/// that it can be submitted.
pub fn attach_required(pool: &Pool, actor: &Actor, id: &str, now: DateTime<Utc>) {
    subsidie_service::testing::attach_required(pool, actor, id, now).unwrap();
}

/// Runs `command` with `expected_version` `None`, expecting a changed application. A
/// submission gets the required documents first ([`attach_required`]).
pub fn act(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    action: Action,
    now: DateTime<Utc>,
) -> ApplicationRow {
    if matches!(action, Action::Submit) {
        attach_required(pool, actor, id, now);
    }
    match applications::execute(pool, actor, id, None, &action, now) {
        Ok(Outcome::Changed(app)) => *app,
        other => panic!("{action:?} on {id}: expected a change, got {other:?}"),
    }
}

/// The application as an administrator sees it (drafts are invisible to staff).
pub fn app(pool: &Pool, id: &str) -> ApplicationRow {
    queries::application(pool, &Actor::system(), id).unwrap()
}

/// The application's history.
pub fn history(pool: &Pool, id: &str) -> Vec<HistoryRow> {
    queries::history(pool, &Actor::system(), id).unwrap()
}

/// The templates of the outbox rows about one application, oldest first.
pub fn mails(pool: &Pool, id: &str) -> Vec<String> {
    queries::outbox(pool)
        .unwrap()
        .into_iter()
        .filter(|m| m.application_id.as_deref() == Some(id))
        .map(|m| m.template)
        .collect()
}

/// The instrument's row with its live budget position.
pub fn instrument(pool: &Pool, id: &str) -> InstrumentRow {
    queries::instrument(pool, id).unwrap()
}

/// (reserved, granted, settled) of an instrument, in cents.
pub fn position(pool: &Pool, id: &str) -> (i64, i64, i64) {
    let i = instrument(pool, id);
    (i.reserved_cents, i.granted_cents, i.settled_cents)
}

/// Asserts that every instrument's stored position equals its ledger and stays within
/// its ceiling.
pub fn assert_ledger(pool: &Pool) {
    let checks = queries::check_ledger(pool).unwrap();
    assert!(!checks.is_empty(), "no instruments to check");
    for check in checks {
        assert!(check.holds(), "ledger does not hold: {check:?}");
    }
}

/// Everything a command could write, in a comparable form.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    counts: Vec<(&'static str, i64)>,
    applications: Vec<String>,
    instruments: Vec<String>,
    organisations: Vec<String>,
}

/// Takes a [`Snapshot`] of the database.
pub fn snapshot(pool: &Pool) -> Snapshot {
    use schema::*;
    let mut conn = pool.get().unwrap();
    let c = &mut *conn;
    // Each table by its own name, so a failing comparison says which table changed.
    macro_rules! count {
        ($($table:ident),+) => {
            vec![$((stringify!($table), $table::table.count().get_result(c).unwrap())),+]
        };
    }
    macro_rules! rows {
        ($table:ident, $row:ty) => {
            $table::table
                .order($table::id)
                .select(<$row>::as_select())
                .load(c)
                .unwrap()
                .iter()
                .map(|r: &$row| format!("{r:?}"))
                .collect()
        };
    }
    // By area: the programme, the people, the applications, money and mail.
    #[rustfmt::skip]
    let counts = count![
        programmes, instruments, regions, disciplines,
        organisations, users, api_tokens, conflicts_of_interest,
        applications, application_history, allocation_runs, allocation_placements, objections,
        ledger_entries, payments, outbox
    ];
    Snapshot {
        counts,
        applications: rows!(applications, ApplicationRow),
        instruments: rows!(instruments, InstrumentRow),
        organisations: rows!(organisations, OrganisationRow),
    }
}

/// Calls `f`, a command that is expected to be refused, and asserts that it wrote nothing.
pub fn writes_nothing<T>(pool: &Pool, f: impl FnOnce() -> T) -> T {
    let before = snapshot(pool);
    let result = f();
    assert_eq!(snapshot(pool), before);
    result
}

/// Calls `f` again while the database reports it was busy.
pub fn retry<T>(mut f: impl FnMut() -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let mut attempt = 0;
    loop {
        match f() {
            Err(ServiceError::Busy) if attempt < 100 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(5 + attempt));
            }
            other => return other,
        }
    }
}

/// Asserts the outbox templates about one application, in any order (rows written at the
/// same fixed instant have no defined order).
pub fn assert_mails(pool: &Pool, id: &str, expected: &[&str]) {
    let mut actual = mails(pool, id);
    actual.sort();
    let mut expected: Vec<String> = expected.iter().map(|m| (*m).to_owned()).collect();
    expected.sort();
    assert_eq!(actual, expected, "outbox of {id}");
}
