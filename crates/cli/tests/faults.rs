//! Fault tests of the `subsidie` binary: kill -9 of `serve` during a submission storm,
//! an SMTP server that is down and comes back, and a PostgreSQL server that is stopped
//! and started under load. Everything runs on loopback and every wait is bounded.
//!
//! The first two run on SQLite, or on PostgreSQL when `SUBSIDIE_TEST_BACKEND=postgres`;
//! the third only then, on a throwaway cluster it creates itself (never the shared one).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../bench/setup.rs"]
mod setup;

use std::collections::{BTreeMap, BTreeSet};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{json, Value};
use subsidie_httpclient::{Request, Response};
use subsidie_notify::testing::smtpd::{Smtpd, SmtpdOptions};
use subsidie_notify::testing::{ReceivedMail, SmtpSink};
use subsidie_store::testing::TestDatabase;
use subsidie_store::{Backend, DatabaseUrl, Pool};

// The tokens of the people of a test.
use setup::People as Cast;

const BIN: &str = env!("CARGO_BIN_EXE_subsidie");
const SEED: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
/// The instrument the tests submit to: open today, no uniqueness, a fixed amount of
/// € 1.000 and a ceiling of € 20.000, so 20 applications fit.
const INSTRUMENT: &str = "storm";

// --- set-up ---------------------------------------------------------------------------

fn programme_toml() -> String {
    setup::programme_with(INSTRUMENT, "Storingstest", "20000.00", "1000.00")
}

fn temp_path(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "subsidie_faults_{}_{}_{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

/// The URL as the binary's `DATABASE_URL`.
fn url_text(url: &DatabaseUrl) -> String {
    match url.backend() {
        Backend::Sqlite => format!("sqlite://{}", url.target()),
        Backend::Postgres => url.target().to_owned(),
    }
}

/// Runs `subsidie ARGS` to completion (at most 60 s), without an operator unless `env`
/// names one.
fn cli_output(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("SMTP_URL")
        .env_remove("SUBSIDIE_OPERATOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("subsidie starten");
    wait_output(child, Duration::from_secs(60))
}

/// Runs `subsidie ARGS` to completion (at most 60 s) and returns its standard output.
fn run_cli(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = cli_output(database_url, args, env);
    assert!(
        out.status.success(),
        "subsidie {args:?} faalde: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_output(mut child: Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wachten").is_some() {
            return child.wait_with_output().expect("uitvoer");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("uitvoer");
            panic!(
                "subsidie liep langer dan {limit:?}: {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Loads the programme through `subsidie seed` and creates `applicants` organisations
/// with one applicant each, an administrator and a finance user.
fn prepare(db: &TestDatabase, applicants: usize) -> (Pool, Cast) {
    let file = temp_path("programma.toml");
    std::fs::write(&file, programme_toml()).unwrap();
    run_cli(
        &url_text(db.url()),
        &["seed", "--file", file.to_str().unwrap()],
        &[],
    );
    let _ = std::fs::remove_file(&file);
    let pool = db.pool(2).unwrap();
    let cast = setup::create(&pool, applicants, "storing");
    (pool, cast)
}

// --- the server process -------------------------------------------------------------

/// A running `subsidie serve`; dropping it kills it.
struct Server {
    child: Option<Child>,
    addr: SocketAddr,
    /// Its standard error and its `.eml` folder, removed on drop.
    files: [PathBuf; 2],
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// Starts `serve` on `port` (0: a free one) and waits (at most 30 s) until it answers.
    fn start(database_url: &str, port: u16, env: &[(&str, &str)]) -> Server {
        let port = if port == 0 { free_port() } else { port };
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let files = [temp_path("serve.log"), temp_path("outbox")];
        let log = std::fs::File::create(&files[0]).unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--bind", &addr.to_string()])
            .env("DATABASE_URL", database_url)
            .env_remove("SMTP_URL")
            // The allocation runs replay their lot with a fixed seed: test mode.
            .env("CALLER_SEEDS", "on")
            .env("MAIL_DIR", &files[1])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("serve starten");
        let mut server = Server {
            child: Some(child),
            addr,
            files,
        };
        let start = Instant::now();
        loop {
            if let Ok(res) = request(addr, "GET", "/instrumenten", None, None) {
                if res.status == 401 || res.status == 200 {
                    return server;
                }
            }
            if let Some(status) = server.child.as_mut().unwrap().try_wait().unwrap() {
                let log = std::fs::read_to_string(&server.files[0]).unwrap_or_default();
                panic!("serve stopte meteen: {status}\n{log}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "serve antwoordt niet binnen 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// kill -9.
    fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then wait (at most 20 s, else kill -9): the dispatcher finishes the
    /// message it is sending.
    fn terminate(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let start = Instant::now();
            while child.try_wait().ok().flatten().is_none() {
                if start.elapsed() > Duration::from_secs(20) {
                    let _ = child.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.wait();
        }
    }

    fn call(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Response {
        request(self.addr, method, path, Some(token), body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
        let _ = std::fs::remove_file(&self.files[0]);
        let _ = std::fs::remove_dir_all(&self.files[1]);
    }
}

// --- a tiny HTTP client ---------------------------------------------------------------

/// One request on a fresh connection (read timeout 30 s); `path` is below `/api/v1`.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<Response> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Accept", "application/json")];
    if !body.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    if let Some(b) = &bearer {
        headers.push(("Authorization", b));
    }
    let request = Request {
        method,
        path: &format!("/api/v1{path}"),
        headers: &headers,
        body: Some(body.as_bytes()),
    };
    subsidie_httpclient::request_with_timeout(addr, &request, Duration::from_secs(30))
}

/// One thread per applicant, each calling `client` with its token until `stop` is set or
/// `limit` has passed since the thread started.
fn spawn_clients<F>(
    cast: &Cast,
    stop: &Arc<AtomicBool>,
    limit: Duration,
    client: F,
) -> Vec<std::thread::JoinHandle<()>>
where
    F: Fn(&str) + Clone + Send + 'static,
{
    cast.applicants
        .iter()
        .cloned()
        .map(|token| {
            let stop = Arc::clone(stop);
            let client = client.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                while !stop.load(Ordering::SeqCst) && start.elapsed() < limit {
                    client(&token);
                }
            })
        })
        .collect()
}

fn draft_body() -> Value {
    json!({
        "instrumentId": INSTRUMENT,
        "titel": "Aanvraag storingstest",
        "omschrijving": "Wat het geld doet voor de eerstelijnszorg in de regio.",
        "aangevraagdBedrag": "1000.00",
    })
}

/// Creates and submits one application; `Ok(Some(id))` when the submission got a 2xx,
/// `Ok(None)` for another answer, `Err` when the connection failed.
fn create_and_submit(addr: SocketAddr, token: &str) -> std::io::Result<Option<String>> {
    let created = request(addr, "POST", "/aanvragen", Some(token), Some(&draft_body()))?;
    if created.status != 201 {
        return Ok(None);
    }
    let id = created.expect_json()["id"].as_str().unwrap().to_owned();
    let submitted = request(
        addr,
        "POST",
        &format!("/aanvragen/{id}/indieningen"),
        Some(token),
        Some(&json!({})),
    )?;
    Ok((200..300).contains(&submitted.status).then_some(id))
}

fn cents(amount: &Value) -> i64 {
    amount
        .as_str()
        .unwrap_or_else(|| panic!("geen bedrag: {amount}"))
        .replace('.', "")
        .parse()
        .unwrap()
}

/// The ceiling invariant and the ledger check through the API.
fn check_budget(server: &Server, cast: &Cast) {
    let instrument = server
        .call(
            "GET",
            &format!("/instrumenten/{INSTRUMENT}"),
            &cast.admin,
            None,
        )
        .expect_status_json(200);
    let budget = &instrument["budget"];
    let reserved = cents(&budget["gereserveerd"]) + cents(&budget["verleend"]);
    assert!(
        reserved <= cents(&budget["plafond"]),
        "meer beloofd dan het plafond: {budget}"
    );
    let check = server
        .call("GET", "/grootboekcontrole", &cast.finance, None)
        .expect_status_json(200);
    assert_eq!(check["klopt"], json!(true), "{check}");
}

/// Every message the sink received has a Message-ID, one per outbox row; a message
/// that arrived twice has the same Message-ID. Returns the distinct Message-IDs.
fn delivered_ids(messages: Vec<ReceivedMail>) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for mail in messages {
        let id = mail
            .message_id()
            .unwrap_or_else(|| panic!("bericht zonder Message-ID: {}", mail.data));
        *ids.entry(id).or_insert(0) += 1;
    }
    ids
}

// --- a. kill -9 during a submission storm -------------------------------------------

#[test]
fn kill_9_during_submission_storm_loses_no_acknowledged_submission() {
    let db = TestDatabase::new().unwrap();
    let url = url_text(db.url());
    const CLIENTS: usize = 12;
    // A real SMTP server (aiosmtpd); skipped outside CI when it is missing.
    let Some(sink) = Smtpd::start(SmtpdOptions::default()).expect("aiosmtpd starten") else {
        return;
    };
    let (pool, cast) = prepare(&db, CLIENTS);
    let smtp = sink.url();
    let mut server = Server::start(&url, 0, &[("SMTP_URL", &smtp)]);

    // The storm: every client creates and submits until the server is gone.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let connection_errors = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let addr = server.addr;
    let clients = spawn_clients(&cast, &stop, Duration::from_secs(30), {
        let acknowledged = Arc::clone(&acknowledged);
        let errors = Arc::clone(&connection_errors);
        move |token| match create_and_submit(addr, token) {
            Ok(Some(id)) => acknowledged.lock().unwrap().push(id),
            Ok(None) => {}
            Err(_) => {
                errors.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    });
    // Kill once a good number has been acknowledged (or after 8 s), mid-storm.
    let start = Instant::now();
    while acknowledged.lock().unwrap().len() < 40 && start.elapsed() < Duration::from_secs(8) {
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill9();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    eprintln!(
        "storm: {} indieningen bevestigd, {} verbindingsfouten na kill -9",
        acknowledged.len(),
        connection_errors.load(Ordering::SeqCst)
    );
    assert!(
        !acknowledged.is_empty(),
        "geen enkele indiening bevestigd vóór kill -9"
    );

    // Restart on the same database; its dispatcher may send part of the outbox, the
    // drain below the rest.
    let mut server = Server::start(&url, 0, &[("SMTP_URL", &smtp)]);
    for id in &acknowledged {
        let app = server
            .call("GET", &format!("/aanvragen/{id}"), &cast.admin, None)
            .expect_status_json(200);
        assert_eq!(app["status"], json!("ingediend"), "{app}");
    }
    let run = server
        .call(
            "POST",
            "/toewijzingsrondes",
            &cast.admin,
            Some(&json!({"instrumentId": INSTRUMENT, "seed": SEED})),
        )
        .expect_status_json(201);
    assert!(cents(&run["gereserveerdTotaal"]) <= 2_000_000, "{run}");
    check_budget(&server, &cast);
    server.terminate();

    // Every outbox row is delivered, duplicates only with the same Message-ID.
    let out = run_cli(&url, &["mail", "drain"], &[("SMTP_URL", &smtp)]);
    eprintln!("mail drain: {}", out.trim());
    let summary =
        subsidie_service::outbox::admin::summary(&pool, &subsidie_service::Actor::system())
            .unwrap();
    assert_eq!(
        (summary.waiting, summary.retrying, summary.failed),
        (0, 0, 0),
        "{summary:?}"
    );
    assert!(summary.sent > 0, "{summary:?}");
    let ids = delivered_ids(sink.messages());
    assert_eq!(
        ids.len() as i64,
        summary.sent,
        "elke verzonden rij precies één Message-ID"
    );
    drop(sink);
}

// --- b. SMTP down and back ----------------------------------------------------------

#[test]
fn smtp_down_then_back_delivers_every_mail_once() {
    let db = TestDatabase::new().unwrap();
    let url = url_text(db.url());
    let (pool, cast) = prepare(&db, 3);
    let mut sink = SmtpSink::start().unwrap();
    let smtp = sink.url();
    sink.stop();
    let mut server = Server::start(&url, 0, &[("SMTP_URL", &smtp)]);
    let mut ids = Vec::new();
    for token in &cast.applicants {
        ids.push(
            create_and_submit(server.addr, token)
                .unwrap()
                .expect("ingediend"),
        );
    }
    let run = server
        .call(
            "POST",
            "/toewijzingsrondes",
            &cast.admin,
            Some(&json!({"instrumentId": INSTRUMENT, "seed": SEED})),
        )
        .expect_status_json(201);
    assert_eq!(
        run["plaatsingen"].as_array().map(Vec::len),
        Some(3),
        "{run}"
    );

    // While SMTP is down a drain sends nothing and the mails wait for a retry.
    let out = run_cli(&url, &["mail", "drain"], &[("SMTP_URL", &smtp)]);
    assert!(out.contains("verzonden: 0"), "{out}");
    let waiting =
        subsidie_service::outbox::admin::summary(&pool, &subsidie_service::Actor::system())
            .unwrap();
    assert_eq!((waiting.sent, waiting.failed), (0, 0), "{waiting:?}");
    let total = waiting.waiting + waiting.retrying;
    assert!(waiting.retrying > 0 && total >= 3, "{waiting:?}");
    assert!(sink.messages().is_empty());

    // SMTP back; once the back-off has passed, everything goes out, once.
    sink.restart().unwrap();
    server.terminate();
    let transport =
        subsidie_notify::Transport::smtp(&smtp, "ZonMw subsidies <subsidies@zonmw.local>").unwrap();
    let later = Utc::now() + chrono::TimeDelta::hours(1);
    let policy = subsidie_notify::DispatchPolicy::default();
    let report = subsidie_notify::dispatch::drain_at(&pool, &transport, later, &policy).unwrap();
    assert_eq!(report.sent as i64, total, "{report:?}");
    let again = subsidie_notify::dispatch::drain_at(&pool, &transport, later, &policy).unwrap();
    assert_eq!(again.sent, 0, "{again:?}");
    let done = subsidie_service::outbox::admin::summary(&pool, &subsidie_service::Actor::system())
        .unwrap();
    assert_eq!(
        (done.waiting, done.retrying, done.failed, done.sent),
        (0, 0, 0, total),
        "{done:?}"
    );
    let delivered = delivered_ids(sink.messages());
    assert_eq!(delivered.len() as i64, total);
    assert!(
        delivered.values().all(|&n| n == 1),
        "een bericht kwam twee keer: {delivered:?}"
    );
}

// --- c. PostgreSQL stopped and started under load -----------------------------------

/// A throwaway PostgreSQL cluster in a temporary folder owned by `postgres`; dropping it
/// stops the server and removes the folder.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn find_bin() -> Option<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
            .collect();
        found.sort();
        found.pop()
    }

    fn as_postgres(&self, program: &str, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"])
            .arg(self.bin.join(program))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        wait_output(cmd.spawn().expect("runuser"), Duration::from_secs(60))
    }

    fn create(bin: PathBuf) -> Cluster {
        let dir = temp_path("pgcluster");
        std::fs::create_dir_all(&dir).unwrap();
        let cluster = Cluster {
            bin,
            dir,
            port: free_port(),
        };
        let chown = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&cluster.dir)
            .status()
            .unwrap();
        assert!(chown.success());
        let data = cluster.data();
        let out = cluster.as_postgres(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.start();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        let out = self.as_postgres(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn stop(&self) {
        let _ = self.as_postgres(
            "pg_ctl",
            &["-D", &self.data(), "-m", "fast", "-w", "-t", "30", "stop"],
        );
    }

    fn server_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if Path::new(&self.data()).join("postmaster.pid").exists() {
            self.stop();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn postgres_restart_under_load_gives_503_then_recovers() {
    if subsidie_store::testing::selected_backend() != Backend::Postgres {
        eprintln!("overgeslagen: alleen met SUBSIDIE_TEST_BACKEND=postgres");
        return;
    }
    let Some(bin) = Cluster::find_bin() else {
        eprintln!("overgeslagen: geen /usr/lib/postgresql/*/bin/initdb");
        return;
    };
    let cluster = Cluster::create(bin);
    let db = TestDatabase::postgres(&cluster.server_url()).unwrap();
    let url = url_text(db.url());
    let (pool, cast) = prepare(&db, 4);
    drop(pool);
    let server = Server::start(&url, 0, &[]);
    for token in &cast.applicants {
        create_and_submit(server.addr, token)
            .unwrap()
            .expect("ingediend");
    }

    // Load: clients keep reading and writing; each answer is recorded.
    let stop = Arc::new(AtomicBool::new(false));
    let statuses = Arc::new(Mutex::new(Vec::<(Instant, u16, String, Duration)>::new()));
    let first_503 = Arc::new(Mutex::new(None::<Response>));
    let addr = server.addr;
    let clients = spawn_clients(&cast, &stop, Duration::MAX, {
        let statuses = Arc::clone(&statuses);
        let first_503 = Arc::clone(&first_503);
        move |token| {
            let began = Instant::now();
            let res = request(addr, "POST", "/aanvragen", Some(token), Some(&draft_body()));
            let took = began.elapsed();
            match res {
                Ok(r) => {
                    let kind = r.header("Content-Type").unwrap_or("").to_owned();
                    statuses.lock().unwrap().push((began, r.status, kind, took));
                    if r.status == 503 {
                        first_503.lock().unwrap().get_or_insert(r);
                    }
                }
                Err(e) => panic!("geen antwoord van serve ({took:?}): {e}"),
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    let stopped_at = Instant::now();
    cluster.stop();
    // While it is down: 503 problem+json, within the pool's wait, never a hang or 500.
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let seen_503 = statuses
            .lock()
            .unwrap()
            .iter()
            .any(|(at, s, _, _)| *at > stopped_at && *s == 503);
        if seen_503 {
            break;
        }
        assert!(Instant::now() < deadline, "geen 503 binnen 40 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    let down = first_503.lock().unwrap().take().expect("een 503-antwoord");
    assert_eq!(
        down.header("Content-Type"),
        Some("application/problem+json")
    );
    assert!(down.header("Retry-After").is_some(), "{:?}", down.headers);
    assert_eq!(down.expect_json()["status"], json!(503));

    let restarted_at = Instant::now();
    cluster.start();
    // Recovers by itself: a write succeeds again within 30 s.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = request(
            addr,
            "POST",
            "/aanvragen",
            Some(&cast.applicants[0]),
            Some(&draft_body()),
        )
        .unwrap();
        if res.status == 201 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "niet hersteld binnen 30 s: {}",
            res.status
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let recovered = restarted_at.elapsed();
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let statuses = statuses.lock().unwrap();
    let mut seen = BTreeSet::new();
    for (_, status, kind, took) in statuses.iter() {
        seen.insert(*status);
        assert!(
            *status == 201 || *status == 503,
            "onverwacht antwoord {status} ({kind})"
        );
        if *status == 503 {
            assert_eq!(kind, "application/problem+json");
        }
        assert!(*took < Duration::from_secs(25), "een verzoek hing {took:?}");
    }
    eprintln!(
        "postgres gestopt en gestart: antwoorden {seen:?}, hersteld na {recovered:?}, \
         {} verzoeken",
        statuses.len()
    );
    drop(server);
    drop(db);
    drop(cluster);
}

// --- administration across processes --------------------------------------------------

/// The id of the first user of `role`, and the id of its (only) token, asked of `server`.
fn user_and_token(server: &Server, admin: &str, role: &str) -> (String, String) {
    let users = server.call("GET", &format!("/gebruikers?rol={role}"), admin, None);
    assert_eq!(users.status, 200, "{}", users.text());
    let user = users.expect_json()["gebruikers"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tokens = server.call("GET", &format!("/tokens?gebruikerId={user}"), admin, None);
    assert_eq!(tokens.status, 200, "{}", tokens.text());
    let token = tokens.expect_json()["tokens"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (user, token)
}

/// Revoking a token on one `serve` process makes the next request with it 401 on a
/// second process over the same database within one second, although the second one had
/// just accepted (and cached) it.
#[test]
fn a_token_revoked_on_one_server_is_refused_by_another_within_a_second() {
    let db = TestDatabase::new().unwrap();
    let (_pool, cast) = prepare(&db, 1);
    let url = url_text(db.url());
    let a = Server::start(&url, 0, &[]);
    let b = Server::start(&url, 0, &[]);
    assert_eq!(
        b.call("GET", "/betaalrondes", &cast.finance, None).status,
        200
    );
    let (_, token) = user_and_token(&a, &cast.admin, "financien");
    let revoked = a.call(
        "POST",
        &format!("/tokens/{token}/intrekkingen"),
        &cast.admin,
        Some(&json!({})),
    );
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    let start = Instant::now();
    loop {
        let res = b.call("GET", "/betaalrondes", &cast.finance, None);
        if res.status == 401 {
            assert!(res.text().contains("ingetrokken"), "{}", res.text());
            break;
        }
        assert_eq!(res.status, 200, "{}", res.text());
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "het ingetrokken token werkte na een seconde nog op de tweede server"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The first process refuses it at once.
    assert_eq!(
        a.call("GET", "/betaalrondes", &cast.finance, None).status,
        401
    );
}

/// Runs `subsidie ARGS` expecting it to fail; returns its standard error.
fn run_cli_failing(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = cli_output(database_url, args, env);
    assert!(
        !out.status.success(),
        "subsidie {args:?} slaagde onverwacht"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The command line acts as a named operator who must exist and be active, and who is
/// then named in the history; it lists, changes, deactivates and revokes.
#[test]
fn the_command_line_acts_as_a_named_operator() {
    let db = TestDatabase::new().unwrap();
    let (_pool, _cast) = prepare(&db, 1);
    let url = url_text(db.url());
    // The administrator of `prepare` is storing-1@example.org, finance storing-2@.
    let admin = "storing-1@example.org";
    let err = run_cli_failing(
        &url,
        &["--operator", "niemand@example.org", "user", "list"],
        &[],
    );
    assert!(err.contains("geen gebruiker met e-mailadres"), "{err}");
    let users = run_cli(&url, &["--operator", admin, "user", "list"], &[]);
    assert!(users.contains("3 gebruikers"), "{users}");
    let finance_id = users
        .lines()
        .find(|l| l.contains("financien"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    // Finance may not administer.
    let err = run_cli_failing(
        &url,
        &["user", "list"],
        &[("SUBSIDIE_OPERATOR", "storing-2@example.org")],
    );
    assert!(err.contains("alleen een beheerder"), "{err}");

    let tokens = run_cli(
        &url,
        &["token", "list", "--user", &finance_id],
        &[("SUBSIDIE_OPERATOR", admin)],
    );
    let token_id = tokens
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert!(tokens.contains("geldig tot"), "{tokens}");
    run_cli(
        &url,
        &["--operator", admin, "token", "revoke", "--id", &token_id],
        &[],
    );
    let tokens = run_cli(&url, &["--operator", admin, "token", "list"], &[]);
    assert!(tokens.contains("ingetrokken"), "{tokens}");

    let orgs = run_cli(&url, &["--operator", admin, "organisation", "list"], &[]);
    let org_id = orgs
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let changed = run_cli(
        &url,
        &[
            "--operator",
            admin,
            "organisation",
            "change",
            "--id",
            &org_id,
            "--iban",
            "NL44RABO0123456789",
            "--contact",
            "A. de Vries",
        ],
        &[],
    );
    assert!(changed.contains("NL44 RABO 0123 4567 89"), "{changed}");
    let err = run_cli_failing(
        &url,
        &[
            "organisation",
            "change",
            "--id",
            &org_id,
            "--iban",
            "NL00RABO0123456789",
        ],
        &[],
    );
    assert!(err.contains("iban"), "{err}");

    run_cli(
        &url,
        &[
            "--operator",
            admin,
            "user",
            "deactivate",
            "--id",
            &finance_id,
        ],
        &[],
    );
    let err = run_cli_failing(
        &url,
        &["--operator", "storing-2@example.org", "user", "list"],
        &[],
    );
    assert!(err.contains("gedeactiveerd"), "{err}");
    let err = run_cli_failing(
        &url,
        &[
            "token",
            "create",
            "--user",
            &finance_id,
            "--label",
            "x",
            "--days",
            "5",
        ],
        &[],
    );
    assert!(err.contains("gedeactiveerd"), "{err}");

    // Every change names the operator; `system` only where none was given.
    let admin_id = users
        .lines()
        .find(|l| l.contains("beheerder"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let history = run_cli(&url, &["--operator", admin, "history"], &[]);
    for action in ["ingetrokken", "gewijzigd", "gedeactiveerd"] {
        let line = history
            .lines()
            .find(|l| l.contains(&format!(": {action}")) || l.contains(&format!("{action}:")))
            .unwrap_or_else(|| panic!("{action}: {history}"));
        assert!(line.contains(&admin_id), "{line}");
    }
}
