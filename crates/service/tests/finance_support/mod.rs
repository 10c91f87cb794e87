//! Set-up for the finance tests: a fresh database on the selected backend
//! (`SUBSIDIE_TEST_BACKEND`) with the programme fixture, the actors, and granted
//! applications made through the real use cases at fixed 2025 instants.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use subsidie_domain::Money;
use subsidie_service::application::{self as applications, Action, NewApplication, Outcome};
use subsidie_service::payments::{self as payment_use_cases, FunderAccount};
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{allocation, queries, seed, Actor, Pool, Role, ServiceError};
use subsidie_store::rows::{ApplicationRow, PaymentRow, PaymentRunRow};
use subsidie_store::schema::payments;
use subsidie_store::testing::TestDatabase;

/// The programme fixture as shipped.
pub const FIXTURE: &str = include_str!("../../../../fixtures/versterking-eerstelijnszorg.toml");

/// The programme's code.
pub const PROGRAMME: &str = "versterking-eerstelijnszorg";

/// Valid IBANs (checksums correct), one per organisation in turn.
pub const IBANS: [&str; 4] = [
    "NL44RABO0123456789",
    "NL20INGB0001234567",
    "NL02ABNA0123456789",
    "NL70TRIO0123456789",
];

/// A fixed instant (UTC).
pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap()
}

/// A calendar day.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An amount from its text form.
pub fn eur(text: &str) -> Money {
    Money::parse(text).unwrap()
}

/// The funder's account the files are written with.
pub fn funder() -> FunderAccount {
    FunderAccount::new("ZonMw", "NL91ABNA0417164300", Some("ABNANL2A")).unwrap()
}

/// A fresh database with the fixture, and the staff.
pub struct World {
    pub pool: Pool,
    pub db: TestDatabase,
    pub admin: Actor,
    pub reviewer: Actor,
    pub finance: Actor,
    next_region: AtomicU32,
}

static NAMES: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", NAMES.fetch_add(1, Ordering::Relaxed))
}

/// The fixture with `uitvoering`'s ceiling at `ceiling` and its rounds without ceilings
/// of their own (theirs add up to the fixture's 72 mln).
pub fn with_implementation_ceiling(ceiling: &str) -> String {
    let mut text = FIXTURE.replace(
        "plafond = \"72000000.00\"",
        &format!("plafond = \"{ceiling}\""),
    );
    for round in ["30000000.00", "24000000.00", "18000000.00"] {
        text = text.replace(&format!("plafond = \"{round}\"\n"), "");
    }
    text.replace("overloop = true\n", "")
}

/// The fixture with `uitvoering` open through 2026 (its last round closes later).
pub fn open_in_2026() -> String {
    FIXTURE.replace("sluit = 2025-12-31T23:59:59", "sluit = 2026-12-31T23:59:59")
}

/// The fixture loaded into a fresh database, with a reviewer and a finance officer.
pub fn world() -> World {
    world_with(FIXTURE)
}

/// As [`world`], with the programme file `programme`.
pub fn world_with(programme: &str) -> World {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(6).unwrap();
    let file = seed::parse_programme_file(programme).unwrap();
    seed::load(&pool, &file, at(2024, 1, 1, 0, 0)).unwrap();
    let admin = Actor::system();
    let t = at(2025, 1, 2, 9, 0);
    let reviewer = registry::create_user(
        &pool,
        &admin,
        "Beoordelaar",
        &format!("{}@zonmw.example.nl", unique("b")),
        Role::Reviewer,
        None,
        t,
    )
    .unwrap();
    let finance = registry::create_user(
        &pool,
        &admin,
        "Financiën",
        &format!("{}@zonmw.example.nl", unique("f")),
        Role::Finance,
        None,
        t,
    )
    .unwrap();
    World {
        admin,
        reviewer: Actor::user(reviewer.id, Role::Reviewer, None),
        finance: Actor::user(finance.id, Role::Finance, None),
        pool,
        db,
        next_region: AtomicU32::new(1),
    }
}

impl World {
    /// A new organisation in the next free region (r01, r02, …) with an applicant user.
    pub fn applicant(&self, name: &str) -> (Actor, String) {
        let n = self.next_region.fetch_add(1, Ordering::Relaxed);
        let region = format!("r{n:02}");
        let org = registry::register_organisation(
            &self.pool,
            &self.admin,
            &NewOrganisation {
                name: name.to_owned(),
                region_id: region.clone(),
                iban: IBANS[(n as usize - 1) % IBANS.len()].to_owned(),
                email: format!("{}@regio.example.nl", unique("o")),
            },
            at(2025, 1, 2, 9, 0),
        )
        .unwrap();
        let user = registry::create_user(
            &self.pool,
            &self.admin,
            "Aanvrager",
            &format!("{}@regio.example.nl", unique("a")),
            Role::Applicant,
            Some(&org.id),
            at(2025, 1, 2, 9, 0),
        )
        .unwrap();
        (Actor::user(user.id, Role::Applicant, Some(org.id)), region)
    }

    /// An *uitvoering* application by a new organisation, requested and granted on Monday
    /// 3 March 2025 (advance 80 %, scheduled that day).
    pub fn granted(&self, name: &str, requested: &str, granted: &str) -> (Actor, ApplicationRow) {
        let (applicant, _) = self.applicant(name);
        let draft = applications::create_draft(
            &self.pool,
            &applicant,
            &NewApplication {
                instrument_id: "uitvoering".into(),
                discipline_id: None,
                title: "Regionale samenwerking".into(),
                description: "Uitvoering van het regioplan".into(),
                requested: eur(requested),
            },
            at(2025, 3, 3, 8, 0),
        )
        .unwrap();
        let exec = |actor: &Actor, action: Action, t: DateTime<Utc>| {
            applications::execute(&self.pool, actor, &draft.id, None, &action, t).unwrap()
        };
        attach_required(&self.pool, &applicant, &draft.id, at(2025, 3, 3, 8, 10));
        exec(&applicant, Action::Submit, at(2025, 3, 3, 8, 30));
        allocation::run(
            &self.pool,
            &self.admin,
            "uitvoering",
            None,
            at(2025, 3, 3, 9, 0),
        )
        .unwrap();
        exec(&self.reviewer, Action::StartReview, at(2025, 3, 3, 9, 30));
        let out = exec(
            &self.reviewer,
            Action::Grant {
                amount: eur(granted),
                motivation: "Past binnen de regeling".into(),
            },
            at(2025, 3, 3, 10, 0),
        );
        (applicant, out.application().unwrap().clone())
    }

    /// The grantee accounts and finance settles at `amount` (June 2025).
    pub fn settle(&self, applicant: &Actor, app: &ApplicationRow, amount: &str) {
        applications::execute(
            &self.pool,
            applicant,
            &app.id,
            None,
            &Action::Report {
                summary: "Verantwoording 2025".into(),
            },
            at(2025, 6, 2, 9, 0),
        )
        .unwrap();
        applications::execute(
            &self.pool,
            &self.finance,
            &app.id,
            None,
            &Action::Settle {
                amount: eur(amount),
                motivation: "Vastgesteld na verantwoording".into(),
            },
            at(2025, 6, 2, 10, 0),
        )
        .unwrap();
    }

    /// Finance closes the file of `app_id`.
    pub fn close(&self, app_id: &str, now: DateTime<Utc>) -> Result<Outcome, ServiceError> {
        applications::execute(&self.pool, &self.finance, app_id, None, &Action::Close, now)
    }

    /// Finance creates a payment run of everything due up to `up_to`.
    pub fn create_run(
        &self,
        up_to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<PaymentRunRow, ServiceError> {
        payment_use_cases::create_run(&self.pool, &self.finance, up_to, now)
    }

    /// The payments of an application, oldest first.
    pub fn payments_of(&self, app_id: &str) -> Vec<PaymentRow> {
        let mut conn = self.pool.get().unwrap();
        payments::table
            .filter(payments::application_id.eq(app_id))
            .order((payments::created_at.asc(), payments::id.asc()))
            .select(PaymentRow::as_select())
            .load(&mut conn)
            .unwrap()
    }

    /// Every payment.
    pub fn all_payments(&self) -> Vec<PaymentRow> {
        let mut conn = self.pool.get().unwrap();
        payments::table
            .order(payments::id.asc())
            .select(PaymentRow::as_select())
            .load(&mut conn)
            .unwrap()
    }

    /// Adds `n` extra scheduled payments (advances due on `due`) to an existing
    /// application, straight into the table, for volume.
    pub fn extra_payments(&self, app: &ApplicationRow, n: usize, due: NaiveDate, tag: &str) {
        let mut conn = self.pool.get().unwrap();
        let rows: Vec<PaymentRow> = (0..n)
            .map(|i| PaymentRow {
                id: format!("{tag}-{i:06}"),
                reference: format!("{}-{tag}{i}", app.reference),
                application_id: app.id.clone(),
                instrument_id: app.instrument_id.clone(),
                kind: "voorschot".into(),
                amount_cents: 1_000 + i as i64,
                due_on: due,
                state: "gepland".into(),
                run_id: None,
                created_at: at(2025, 3, 3, 10, 0).naive_utc(),
                settled_at: None,
            })
            .collect();
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            for row in &rows {
                diesel::insert_into(payments::table)
                    .values(row)
                    .execute(c)?;
            }
            Ok(())
        })
        .unwrap();
    }

    /// The ledger check holds for every instrument.
    pub fn ledger_holds(&self) {
        for check in subsidie_service::queries::check_ledger(&self.pool).unwrap() {
            assert!(check.holds(), "{check:?}");
        }
    }
}

/// Uploads a small PDF for each document the instrument requires (the fixture asks a
/// project plan and a budget for `uitvoering`).
pub fn attach_required(pool: &Pool, actor: &Actor, id: &str, now: DateTime<Utc>) {
    subsidie_service::testing::attach_required(pool, actor, id, now).unwrap();
}

/// A second reviewer, for the decisions above the four-eyes limit.
pub fn second_reviewer(w: &World) -> Actor {
    let user = registry::create_user(
        &w.pool,
        &w.admin,
        "Tweede",
        "tweede-beoordelaar@zonmw.example.nl",
        Role::Reviewer,
        None,
        at(2025, 1, 2, 9, 0),
    )
    .unwrap();
    Actor::user(user.id, Role::Reviewer, None)
}

/// The payloads of the letters of `template` queued for the application.
pub fn letters(w: &World, app_id: &str, template: &str) -> Vec<serde_json::Value> {
    queries::outbox(&w.pool)
        .unwrap()
        .into_iter()
        .filter(|r| r.application_id.as_deref() == Some(app_id) && r.template == template)
        .map(|r| serde_json::from_str(&r.payload).unwrap())
        .collect()
}

/// The application as it is now.
pub fn current(w: &World, id: &str) -> ApplicationRow {
    queries::application(&w.pool, &Actor::system(), id).unwrap()
}

/// `(reserved, granted)` of the instrument, in cents.
pub fn position(w: &World, instrument: &str) -> (i64, i64) {
    let row =
        subsidie_service::budget::load_instrument(&mut w.pool.get().unwrap(), instrument).unwrap();
    (row.reserved_cents, row.granted_cents)
}

/// `(kind, amount, state)` of the application's payments, oldest first.
pub fn payments(w: &World, id: &str) -> Vec<(String, i64, String)> {
    w.payments_of(id)
        .into_iter()
        .map(|p| (p.kind, p.amount_cents, p.state))
        .collect()
}

/// Pays everything due up to `up_to` in one run.
pub fn pay_run(w: &World, up_to: NaiveDate, now: DateTime<Utc>) {
    let run = w.create_run(up_to, now).unwrap();
    payment_use_cases::mark_run_paid(&w.pool, &w.finance, &run.id, now).unwrap();
}

/// The message of a refusal because of the application's state.
pub fn conflict<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Conflict(message)) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// The refused fields of a refusal of the input.
pub fn invalid<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Validation(errors)) => format!("{errors:?}"),
        other => panic!("expected a refused field, got {other:?}"),
    }
}
