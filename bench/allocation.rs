//! One allocation run over many submitted applications, without the rush around it
//! (issue 19, item 4; figures in `bench/NOTES.md`).
//!
//! `cargo run --release -p subsidie-cli --example allocation -- BACKEND [N] [SUBMITTED]`
//!
//! BACKEND is `sqlite` (a fresh file in the temporary directory) or `postgres` (a fresh
//! database on BENCH_PG_URL, default `postgres://postgres@127.0.0.1:5432`, dropped
//! afterwards). The run:
//!
//! 1. loads the shipped programme plus the instrument `rush` of `bench/rush.rs` (a fixed
//!    € 100, a ceiling covering N / 5 applications, order of receipt);
//! 2. creates 64 applicant organisations and submits SUBMITTED applications (default
//!    1,000) through the use case, round robin, then copies them up to N (default
//!    100,000) as `bench/rush.rs` does;
//! 3. runs one allocation through the service with a fixed seed, as `POST
//!    /toewijzingsrondes` does, then builds the API's answer (the DTO as JSON);
//! 4. prints `RESULT key=value` lines: the run's wall time, the answer's, the process's
//!    peak RSS during both (VmHWM, reset just before), what was reserved against the
//!    ceiling, and the rows written.
//!
//! The process is the server's stand-in: the use case runs in it as in `subsidie serve`,
//! without the HTTP around it and without idle connections.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "setup.rs"]
#[allow(dead_code)]
mod setup;

#[path = "copies.rs"]
mod copies;

use std::str::FromStr;
use std::time::Instant;

use chrono::Utc;
use diesel::prelude::*;
use subsidie_domain::lottery::Seed;
use subsidie_domain::Money;
use subsidie_service::application::{self as applications, NewApplication};
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{allocation, seed, Actor, Role};
use subsidie_store::schema::{application_history, applications as apps, ledger_entries, outbox};
use subsidie_store::testing::TestDatabase;

const SEED: &str = "0707070707070707070707070707070707070707070707070707070707070707";
const ORGANISATIONS: usize = 64;

/// A field of `/proc/self/status` in kB (`VmRSS`, `VmHWM`).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Resets VmHWM to the current RSS (Linux 4.0 and later), so the peak that follows is
/// the run's.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn applicants(pool: &subsidie_store::Pool) -> Vec<Actor> {
    let now = Utc::now();
    let system = Actor::system();
    (0..ORGANISATIONS)
        .map(|n| {
            let org = registry::register_organisation(
                pool,
                &system,
                &NewOrganisation {
                    name: format!("toewijzing-organisatie {n}"),
                    region_id: format!("r{:02}", n % 54 + 1),
                    iban: "NL91ABNA0417164300".to_owned(),
                    email: format!("toewijzing-{n}@example.org"),
                },
                now,
            )
            .unwrap();
            let user = registry::create_user(
                pool,
                &system,
                &format!("toewijzing aanvrager {n}"),
                &format!("toewijzing-{n}@example.org"),
                Role::Applicant,
                Some(&org.id),
                now,
            )
            .unwrap();
            Actor::user(user.id, Role::Applicant, Some(org.id))
        })
        .collect()
}

fn count(conn: &mut subsidie_store::DbConnection) -> (i64, i64, i64, i64) {
    let letters = outbox::table
        .filter(outbox::template.eq_any(["wachtlijst", "budget_gereserveerd"]))
        .count()
        .get_result(conn)
        .unwrap();
    let history = application_history::table
        .filter(application_history::command.eq_any(["toewijzen", "op_wachtlijst_plaatsen"]))
        .count()
        .get_result(conn)
        .unwrap();
    let ledger = ledger_entries::table.count().get_result(conn).unwrap();
    let waiting = apps::table
        .filter(apps::state.eq("wachtlijst"))
        .count()
        .get_result(conn)
        .unwrap();
    (letters, history, ledger, waiting)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).map_or("sqlite", String::as_str);
    let n: usize = args.get(2).map_or(100_000, |s| s.parse().unwrap());
    let submitted: usize = args.get(3).map_or(1_000, |s| s.parse().unwrap()).min(n);
    let db = match backend {
        "sqlite" => TestDatabase::sqlite().unwrap(),
        "postgres" => TestDatabase::postgres(
            std::env::var("BENCH_PG_URL")
                .as_deref()
                .unwrap_or("postgres://postgres@127.0.0.1:5432"),
        )
        .unwrap(),
        other => panic!("BACKEND is sqlite or postgres, not {other}"),
    };
    let pool = db.pool(4).unwrap();

    // 1. The programme.
    let ceiling = (n / 5).max(1) * 100;
    let text = setup::programme_with(
        "rush",
        "Openingsrush (benchmark)",
        &format!("{ceiling}.00"),
        "100.00",
    );
    let file = seed::parse_programme_file(&text).unwrap();
    seed::load(&pool, &file, Utc::now()).unwrap();

    // 2. The applications.
    let actors = applicants(&pool);
    let started = Instant::now();
    let new = NewApplication {
        instrument_id: "rush".to_owned(),
        discipline_id: None,
        title: "Aanvraag openingsrush".to_owned(),
        description: "Wat het geld doet voor de eerstelijnszorg in de regio.".to_owned(),
        requested: Money::from_cents(10_000).unwrap(),
    };
    for i in 0..submitted {
        applications::create_and_submit(&pool, &actors[i % ORGANISATIONS], &new, Utc::now())
            .unwrap();
    }
    copies::copy_submitted(db.url(), n - submitted);
    println!(
        "RESULT backend={backend} applications={n} submitted={submitted} setup_seconds={:.2}",
        started.elapsed().as_secs_f64()
    );
    let system = Actor::system();
    let admin_user = registry::create_user(
        &pool,
        &system,
        "toewijzing beheerder",
        "toewijzing-beheer@example.org",
        Role::Admin,
        None,
        Utc::now(),
    )
    .unwrap();
    let admin = Actor::user(admin_user.id, Role::Admin, None);

    // 3. The run, and the answer `POST /toewijzingsrondes` sends.
    let rss_before = status_kb("VmRSS");
    reset_peak();
    let started = Instant::now();
    let seed = Seed::from_str(SEED).unwrap();
    let run = allocation::run(&pool, &admin, "rush", Some(seed), Utc::now()).unwrap();
    let run_secs = started.elapsed().as_secs_f64();
    let rss_after_run = status_kb("VmHWM");
    let placements = run.placements.len();
    assert_eq!(placements, n, "every application placed");
    let reserved = run.run.reserved_total_cents;
    let started = Instant::now();
    let answer =
        serde_json::to_vec(&subsidie_api::dto::allocation::Toewijzingsronde::from(run)).unwrap();
    let answer_secs = started.elapsed().as_secs_f64();
    println!("RESULT allocation_seconds={run_secs:.2} answer_seconds={answer_secs:.2}");
    println!(
        "RESULT rss_before_kb={rss_before} peak_rss_run_kb={rss_after_run} \
         peak_rss_with_answer_kb={} answer_bytes={}",
        status_kb("VmHWM"),
        answer.len()
    );
    drop(answer);

    // 4. What was written.
    let mut conn = pool.get().unwrap();
    let (letters, history, ledger, waiting) = count(&mut conn);
    println!(
        "RESULT placements={placements} reserved_cents={reserved} ceiling_cents={} \
         within_ceiling={} letters={letters} history={history} ledger={ledger} waiting={waiting}",
        ceiling * 100,
        reserved <= i64::try_from(ceiling * 100).unwrap()
    );
    drop(conn);
    drop(pool);
}
