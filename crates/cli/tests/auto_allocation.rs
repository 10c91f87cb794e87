//! Allocation that runs by itself (issue 18, item 4), against real `subsidie serve`
//! processes: two servers on one database allocate yesterday exactly once, and a server
//! killed with -9 after claiming the day leaves nothing behind, so the restarted one
//! completes the day exactly once. On SQLite, or on PostgreSQL when
//! `SUBSIDIE_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../bench/setup.rs"]
#[allow(dead_code)]
mod setup;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines;
use subsidie_domain::lottery::{self, Seed};
use subsidie_service::application::{self as applications, Action, NewApplication};
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{Actor, Pool, Role};
use subsidie_store::schema::{
    allocation_days, allocation_run_seeds, allocation_runs, applications as apps,
};
use subsidie_store::testing::TestDatabase;
use subsidie_store::{Backend, DatabaseUrl};

const BIN: &str = env!("CARGO_BIN_EXE_subsidie");
/// 20 applications of € 1.000 fit under the ceiling of € 20.000; 25 arrive, so the day
/// goes to lot.
const INSTRUMENT: &str = "nacht";
const APPLICATIONS: usize = 25;

fn temp_path(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "subsidie_auto_{}_{}_{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn url_text(url: &DatabaseUrl) -> String {
    match url.backend() {
        Backend::Sqlite => format!("sqlite://{}", url.target()),
        Backend::Postgres => url.target().to_owned(),
    }
}

/// Loads the programme through `subsidie seed`, then submits the applications of
/// yesterday (Amsterdam) through the use cases.
fn prepare(db: &TestDatabase) -> (Pool, NaiveDate) {
    let file = temp_path("programma.toml");
    std::fs::write(
        &file,
        setup::programme_with(INSTRUMENT, "Nachttest", "20000.00", "1000.00"),
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["seed", "--file", file.to_str().unwrap()])
        .env("DATABASE_URL", url_text(db.url()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(&file);
    let pool = db.pool(2).unwrap();
    let yesterday_noon = Utc::now() - TimeDelta::days(1);
    let yesterday = deadlines::amsterdam_date(yesterday_noon);
    for n in 0..APPLICATIONS {
        let org = registry::register_organisation(
            &pool,
            &Actor::system(),
            &NewOrganisation {
                name: format!("Nachtorganisatie {n}"),
                region_id: format!("r{:02}", n % 54 + 1),
                iban: "NL91ABNA0417164300".to_owned(),
                email: format!("nacht-{n}@example.org"),
            },
            yesterday_noon,
        )
        .unwrap();
        let user = registry::create_user(
            &pool,
            &Actor::system(),
            &format!("Aanvrager {n}"),
            &format!("nacht-{n}@example.org"),
            Role::Applicant,
            Some(&org.id),
            yesterday_noon,
        )
        .unwrap();
        let who = Actor::user(user.id, Role::Applicant, Some(org.id));
        let new = NewApplication {
            instrument_id: INSTRUMENT.to_owned(),
            discipline_id: None,
            title: "Aanvraag van gisteren".to_owned(),
            description: "Wat het geld doet voor de eerstelijnszorg in de regio.".to_owned(),
            requested: subsidie_domain::Money::parse("1000.00").unwrap(),
        };
        let draft = applications::create_draft(&pool, &who, &new, yesterday_noon).unwrap();
        applications::execute(
            &pool,
            &who,
            &draft.id,
            None,
            &Action::Submit,
            yesterday_noon,
        )
        .unwrap();
    }
    (pool, yesterday)
}

/// A running `subsidie serve` with its standard output in a file; dropping it kills it.
struct Server {
    child: Option<Child>,
    out: PathBuf,
    mail: PathBuf,
}

impl Server {
    fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (out, mail) = (temp_path("serve.out"), temp_path("outbox"));
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", database_url)
            .env_remove("SMTP_URL")
            .env_remove("AUTO_ALLOCATION")
            .env_remove("SUBSIDIE_TEST_ALLOCATION_PAUSE_MS")
            .env("MAIL_DIR", &mail)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Server {
            child: Some(cmd.spawn().expect("serve starten")),
            out,
            mail,
        }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    /// Waits (at most `limit`) until the output contains `text`.
    fn wait_for(&self, text: &str, limit: Duration) {
        let start = Instant::now();
        while !self.output().contains(text) {
            assert!(
                start.elapsed() < limit,
                "'{text}' niet binnen {limit:?}:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
        let _ = std::fs::remove_file(&self.out);
        let _ = std::fs::remove_dir_all(&self.mail);
    }
}

/// The runs of the instrument for `day`, and the applications still submitted.
fn state(pool: &Pool, day: NaiveDate) -> (Vec<String>, i64, i64) {
    let mut conn = pool.get().unwrap();
    let runs: Vec<String> = allocation_runs::table
        .filter(allocation_runs::instrument_id.eq(INSTRUMENT))
        .filter(allocation_runs::day.eq(day))
        .select(allocation_runs::id)
        .load(&mut conn)
        .unwrap();
    let submitted: i64 = apps::table
        .filter(apps::instrument_id.eq(INSTRUMENT))
        .filter(apps::state.eq("ingediend"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let claims: i64 = allocation_days::table
        .filter(allocation_days::instrument_id.eq(INSTRUMENT))
        .count()
        .get_result(&mut conn)
        .unwrap();
    (runs, submitted, claims)
}

/// Waits (at most 60 s) until the day has its run, and returns it.
fn wait_for_run(pool: &Pool, day: NaiveDate) -> String {
    let start = Instant::now();
    loop {
        let (runs, _, _) = state(pool, day);
        if let Some(run) = runs.first() {
            return run.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "geen toewijzing van {day}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The day's run is complete: every application placed, 20 reserved, the revealed seed
/// matches the commitment published before.
fn check_the_day(pool: &Pool, day: NaiveDate, run: &str) {
    let (runs, submitted, claims) = state(pool, day);
    assert_eq!(runs, [run.to_owned()], "precies één ronde voor {day}");
    assert_eq!(submitted, 0);
    assert_eq!(claims, 1);
    let mut conn = pool.get().unwrap();
    let (seed, commitment): (String, String) = allocation_run_seeds::table
        .filter(allocation_run_seeds::run_id.eq(run))
        .filter(allocation_run_seeds::day.eq(day))
        .select((allocation_run_seeds::seed, allocation_run_seeds::commitment))
        .first(&mut conn)
        .unwrap();
    let seed: Seed = seed.parse().unwrap();
    assert_eq!(lottery::commitment(&seed), commitment);
    let reserved: i64 = apps::table
        .filter(apps::instrument_id.eq(INSTRUMENT))
        .filter(apps::state.eq("gereserveerd"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(reserved, 20);
}

#[test]
fn two_servers_allocate_yesterday_exactly_once() {
    let db = TestDatabase::new().unwrap();
    let (pool, yesterday) = prepare(&db);
    let url = url_text(db.url());
    // The first holds its claim for three seconds, so the second's round meets it: on
    // PostgreSQL it waits on the uncommitted key, on SQLite for the one writer.
    let a = Server::start(&url, &[("SUBSIDIE_TEST_ALLOCATION_PAUSE_MS", "3000")]);
    a.wait_for("geclaimd", Duration::from_secs(60));
    let b = Server::start(&url, &[]);
    b.wait_for("toewijzing: elke afgelopen dag", Duration::from_secs(30));
    let run = wait_for_run(&pool, yesterday);
    a.wait_for("klaar", Duration::from_secs(30));
    std::thread::sleep(Duration::from_secs(3));
    check_the_day(&pool, yesterday, &run);
    let claimed = [&a, &b]
        .iter()
        .filter(|s| s.output().contains("geclaimd"))
        .count();
    assert_eq!(claimed, 1, "{}\n---\n{}", a.output(), b.output());
}

#[test]
fn a_server_killed_after_its_claim_leaves_the_day_to_the_next_one() {
    let db = TestDatabase::new().unwrap();
    let (pool, yesterday) = prepare(&db);
    let url = url_text(db.url());
    let mut first = Server::start(&url, &[("SUBSIDIE_TEST_ALLOCATION_PAUSE_MS", "120000")]);
    first.wait_for("geclaimd", Duration::from_secs(60));
    first.kill9();
    let (runs, submitted, claims) = state(&pool, yesterday);
    assert!(runs.is_empty(), "a killed run left {runs:?}");
    assert_eq!(submitted, APPLICATIONS as i64);
    assert_eq!(claims, 0, "a killed claim stayed");

    let second = Server::start(&url, &[]);
    let run = wait_for_run(&pool, yesterday);
    second.wait_for("klaar", Duration::from_secs(30));
    std::thread::sleep(Duration::from_secs(2));
    check_the_day(&pool, yesterday, &run);
}

#[test]
fn the_command_line_takes_a_seed_of_its_own_only_in_test_mode() {
    let db = TestDatabase::new().unwrap();
    let (_pool, _) = prepare(&db);
    let url = url_text(db.url());
    let allocate = |env: &[(&str, &str)]| {
        let mut cmd = Command::new(BIN);
        cmd.args([
            "allocate",
            "--instrument",
            INSTRUMENT,
            "--seed",
            &"07".repeat(32),
        ])
        .env("DATABASE_URL", &url)
        .env_remove("CALLER_SEEDS")
        .env_remove("SUBSIDIE_OPERATOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let refused = allocate(&[]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("CALLER_SEEDS=on"), "{said}");
    assert!(said.contains("laat --seed weg"), "{said}");
    let done = allocate(&[("CALLER_SEEDS", "on")]);
    let out = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(out.contains("opgegeven door wie de ronde startte"), "{out}");
}
