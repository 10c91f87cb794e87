//! The opening rush against a running `subsidie serve`, driven by `bench/run.sh`.
//!
//! `cargo run --release -p subsidie-cli --example rush -- BIN DATABASE_URL K CLIENTS`
//!
//! 1. loads the shipped programme plus an instrument `rush` (order of receipt, a fixed
//!    € 100, a ceiling covering K / 5 applications, open 2026–2030) with `BIN seed`;
//! 2. creates CLIENTS organisations with one applicant each and an administrator;
//! 3. starts `BIN serve` on a free loopback port (e-mails as `.eml` files in a temporary
//!    folder) and waits for it;
//! 4. opens BENCH_IDLE (default 10,000) keep-alive connections with one GET each and
//!    holds them idle to the end (one GET on each once it has been idle 45 s); the server's RSS with them;
//! 5. the HTTP floor: min(K, 20,000) GETs of `/instrumenten/rush` (the cheapest
//!    authenticated GET: the token cache and one read by key) at concurrency CLIENTS;
//! 6. the rush: CLIENTS threads (one keep-alive connection each) create and submit K / 2
//!    applications in two requests (`POST /aanvragen`, `POST …/indieningen`), then the
//!    other half in one (`POST /aanvragen` with `"indienen": true`); applications/s,
//!    p50/p99 and CPU per application of each;
//! 7. the read path: GET of every acknowledged application at concurrency CLIENTS,
//!    which also checks that each exists in state `ingediend`; requests/s, p50/p99;
//! 8. the allocation run (with a fixed seed): its duration, reserved ≤ ceiling, the
//!    ledger check, and the lottery order recomputed from the seed;
//! 9. the idle connections checked once more (errors over the whole run), and the
//!    server's peak RSS (VmHWM).
//!
//! It prints one `RESULT key=value` line per figure for `bench/run.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "profile.rs"]
mod profile;
#[path = "setup.rs"]
mod setup;

#[path = "copies.rs"]
mod copies;

use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use subsidie_domain::lottery::{draw, Seed};
use subsidie_store::DatabaseUrl;

const SEED: &str = "0707070707070707070707070707070707070707070707070707070707070707";

fn programme(k: usize) -> String {
    let ceiling = (k / 5).max(1) * 100;
    setup::programme_with(
        "rush",
        "Openingsrush (benchmark)",
        &format!("{ceiling}.00"),
        "100.00",
    )
}

use subsidie_httpclient::{Client, Response as Res};

/// A request below `/api/v1` with the bearer token (and a JSON body), on a keep-alive
/// client.
fn call(
    client: &mut Client,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> std::io::Result<Res> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let bearer = format!("Bearer {token}");
    let mut headers = vec![("Authorization", bearer.as_str())];
    if !body.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    client.request(
        method,
        &format!("/api/v1{path}"),
        &headers,
        Some(body.as_bytes()),
    )
}

/// A single request on a connection of its own (start-up probes, the allocation run).
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> std::io::Result<Res> {
    call(&mut Client::new(addr), method, path, token, body)
}

/// SQLite's writes and COMMITs so far, from the server's `/metrics` (open: the rush sets
/// no `METRICS_TOKEN`); zeros on PostgreSQL, which reports none.
fn writer_counts(addr: SocketAddr) -> (u64, u64) {
    let mut client = Client::new(addr);
    let Ok(res) = client.request("GET", "/metrics", &[], None) else {
        return (0, 0);
    };
    let text = String::from_utf8_lossy(&res.body).into_owned();
    let counter = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    (
        counter("subsidie_sqlite_writes_total "),
        counter("subsidie_sqlite_commits_total "),
    )
}

/// CPU seconds (user + system) a process has used so far, from `/proc/PID/stat`.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name (field 2) may hold spaces; count from the closing parenthesis.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after the state field.
    (ticks(11) + ticks(12)) / 100.0
}

/// Busy CPU seconds of the whole machine so far, from the first line of `/proc/stat`.
fn machine_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …: all but idle and iowait are busy.
    let busy: f64 = fields
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4 && *i < 8)
        .map(|(_, v)| v)
        .sum();
    busy / 100.0
}

fn json_of(res: &Res) -> Value {
    serde_json::from_slice(&res.body).unwrap_or(Value::Null)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn cents(v: &Value) -> i64 {
    v.as_str()
        .unwrap_or("0")
        .replace('.', "")
        .parse()
        .unwrap_or(0)
}

/// A value in kB from `/proc/PID/status` (`VmRSS`, `VmHWM`).
fn rss_kb(pid: u32, key: &str) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("?")
        .to_owned()
}

/// Opens `n` keep-alive connections, each with one authenticated GET, and leaves them
/// idle. Returns them, each with when it was last used, and how many could not be opened.
fn open_idle(addr: SocketAddr, token: &str, n: usize) -> (Vec<(Client, Instant)>, usize) {
    let mut open = Vec::with_capacity(n);
    let mut errors = 0;
    for _ in 0..n {
        let mut client = Client::new(addr);
        match call(&mut client, "GET", "/instrumenten/rush", token, None) {
            Ok(r) if r.status == 200 => open.push((client, Instant::now())),
            _ => errors += 1,
        }
    }
    (open, errors)
}

/// One GET on an idle connection; whether it failed. A connection the server dropped
/// fails once (the client reconnects only on the request after).
fn ping(client: &mut Client, token: &str) -> bool {
    !matches!(call(client, "GET", "/instrumenten/rush", token, None), Ok(r) if r.status == 200)
}

/// Pinger threads for the idle connections, each with its share.
const PINGERS: usize = 32;
/// A connection is pinged once it has been idle this long: well inside the server's
/// keep-alive of 75 s, leaving room for the pings queued before it.
const PING_AFTER: Duration = Duration::from_secs(45);

/// Holds the idle connections on threads of their own, pinging each once it has been
/// idle [`PING_AFTER`] (as a client's connection pool does), until stopped; then checks
/// each once more. Returns the failed requests. Each connection keeps its own clock: one
/// thread pinging 10,000 in turn took longer than the keep-alive's margin while a rush
/// ran (each GET waits behind the rush's requests), and the server rightly closed the
/// connections that waited too long.
fn hold_idle(
    idle: Vec<(Client, Instant)>,
    token: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<usize> {
    let share = idle.len().div_ceil(PINGERS).max(1);
    let mut shares: Vec<Vec<(Client, Instant)>> = Vec::new();
    let mut rest = idle.into_iter().peekable();
    while rest.peek().is_some() {
        shares.push(rest.by_ref().take(share).collect());
    }
    let threads: Vec<_> = shares
        .into_iter()
        .map(|mut clients| {
            let (token, stop) = (token.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut errors = 0;
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(200));
                    for (client, last) in &mut clients {
                        if last.elapsed() >= PING_AFTER {
                            errors += usize::from(ping(client, &token));
                            *last = Instant::now();
                        }
                    }
                }
                errors
                    + clients
                        .iter_mut()
                        .map(|(client, _)| ping(client, &token))
                        .filter(|failed| *failed)
                        .count()
            })
        })
        .collect();
    std::thread::spawn(move || threads.into_iter().map(|t| t.join().unwrap()).sum())
}

/// `n` GETs of `/instrumenten/rush` at concurrency `clients`: requests/s and p99 ms.
fn floor(addr: SocketAddr, token: &str, n: usize, clients: usize) -> (f64, f64) {
    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::with_capacity(n)));
    let began = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (next, latencies) = (Arc::clone(&next), Arc::clone(&latencies));
            let token = token.to_owned();
            std::thread::spawn(move || {
                let mut client = Client::new(addr);
                let mut lat = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < n {
                    let t = Instant::now();
                    if matches!(call(&mut client, "GET", "/instrumenten/rush", &token, None), Ok(r) if r.status == 200) {
                        lat.push(t.elapsed());
                    }
                }
                latencies.lock().unwrap().extend(lat);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let secs = began.elapsed().as_secs_f64();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    (lat.len() as f64 / secs, percentile(&lat, 0.99))
}

/// What one phase of the rush measured.
struct Phase {
    acknowledged: Vec<String>,
    failures: usize,
    secs: f64,
    latencies: Vec<Duration>,
    server_cpu: f64,
    client_cpu: f64,
    machine_cpu: f64,
    /// SQLite's writes and COMMITs during the phase (the dispatcher's too).
    writes: u64,
    commits: u64,
}

impl Phase {
    fn print(&self, prefix: &str) {
        let n = self.acknowledged.len();
        println!("RESULT {prefix}_acknowledged={n}");
        println!("RESULT {prefix}_failures={}", self.failures);
        println!("RESULT {prefix}_seconds={:.2}", self.secs);
        println!("RESULT {prefix}_per_second={:.1}", n as f64 / self.secs);
        println!(
            "RESULT {prefix}_p50_ms={:.2}",
            percentile(&self.latencies, 0.50)
        );
        println!(
            "RESULT {prefix}_p99_ms={:.2}",
            percentile(&self.latencies, 0.99)
        );
        // Where the time of the machine went: CPU per acknowledged application in the
        // server (with its SQLite, but not PostgreSQL's own processes) and in this client.
        let per_app_us = |cpu: f64| cpu * 1e6 / (n.max(1) as f64);
        println!(
            "RESULT {prefix}_server_cpu_us_per_app={:.0}",
            per_app_us(self.server_cpu)
        );
        println!(
            "RESULT {prefix}_client_cpu_us_per_app={:.0}",
            per_app_us(self.client_cpu)
        );
        println!(
            "RESULT {prefix}_machine_cpu_us_per_app={:.0}",
            per_app_us(self.machine_cpu)
        );
        println!("RESULT {prefix}_sqlite_writes={}", self.writes);
        println!("RESULT {prefix}_sqlite_commits={}", self.commits);
    }
}

/// `k` applications from one thread per token: with `one_request`, `POST /aanvragen`
/// with `"indienen": true`; else `POST /aanvragen` and `POST /aanvragen/{id}/indieningen`.
fn rush(
    addr: SocketAddr,
    tokens: &[String],
    k: usize,
    one_request: bool,
    server_pid: &str,
) -> Phase {
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::with_capacity(k)));
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::with_capacity(k)));
    let mut body = json!({
        "instrumentId": "rush",
        "titel": "Aanvraag openingsrush",
        "omschrijving": "Wat het geld doet voor de eerstelijnszorg in de regio.",
        "aangevraagdBedrag": "100.00",
    });
    if one_request {
        body["indienen"] = json!(true);
    }
    let writer_before = writer_counts(addr);
    let (server_cpu_before, client_cpu_before) = (cpu_seconds(server_pid), cpu_seconds("self"));
    let machine_cpu_before = machine_cpu_seconds();
    let began = Instant::now();
    let threads: Vec<_> = tokens
        .iter()
        .cloned()
        .map(|token| {
            let (next, failures) = (Arc::clone(&next), Arc::clone(&failures));
            let (acknowledged, latencies) = (Arc::clone(&acknowledged), Arc::clone(&latencies));
            let body = body.clone();
            std::thread::spawn(move || {
                let mut client = Client::new(addr);
                let mut mine = Vec::new();
                let mut lat = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < k {
                    let t = Instant::now();
                    match submit(&mut client, &token, &body, one_request) {
                        Some(id) => {
                            lat.push(t.elapsed());
                            mine.push(id);
                        }
                        None => {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                acknowledged.lock().unwrap().extend(mine);
                latencies.lock().unwrap().extend(lat);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let secs = began.elapsed().as_secs_f64();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let writer_after = writer_counts(addr);
    Phase {
        writes: writer_after.0 - writer_before.0,
        commits: writer_after.1 - writer_before.1,
        acknowledged,
        failures: failures.load(Ordering::Relaxed),
        secs,
        latencies: lat,
        server_cpu: cpu_seconds(server_pid) - server_cpu_before,
        client_cpu: cpu_seconds("self") - client_cpu_before,
        machine_cpu: machine_cpu_seconds() - machine_cpu_before,
    }
}

/// One application submitted; its id when both (or the one) requests succeeded.
fn submit(client: &mut Client, token: &str, body: &Value, one_request: bool) -> Option<String> {
    let created = call(client, "POST", "/aanvragen", token, Some(body)).ok()?;
    if created.status != 201 {
        return None;
    }
    let id = json_of(&created)["id"].as_str()?.to_owned();
    if one_request {
        return (json_of(&created)["status"] == json!("ingediend")).then_some(id);
    }
    let path = format!("/aanvragen/{id}/indieningen");
    match call(client, "POST", &path, token, Some(&json!({}))) {
        Ok(r) if (200..300).contains(&r.status) => Some(id),
        _ => None,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bin = args.get(1).expect("BIN").clone();
    let database_url = args.get(2).expect("DATABASE_URL").clone();
    let k: usize = args.get(3).map_or(100_000, |s| s.parse().unwrap());
    let clients: usize = args.get(4).map_or(64, |s| s.parse().unwrap());
    let tmp = std::env::temp_dir().join(format!("subsidie_bench_{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();

    // 1. The programme.
    let file = tmp.join("programma.toml");
    std::fs::write(&file, programme(k)).unwrap();
    let seeded = Command::new(&bin)
        .args(["seed", "--file", file.to_str().unwrap()])
        .env("DATABASE_URL", &database_url)
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );

    // 2. The people.
    let url = DatabaseUrl::parse(&database_url).unwrap();
    let pool = subsidie_store::db::open(&url, 2).unwrap();
    let people = setup::create(&pool, clients, "bench");
    let (tokens, admin, finance) = (people.applicants, people.admin, people.finance);
    drop(pool);

    // 3. The server.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut child = Command::new(&bin)
        .args(["serve", "--bind", &addr.to_string()])
        .env("DATABASE_URL", &database_url)
        .env_remove("SMTP_URL")
        // The run replays its lot with a fixed seed: test mode.
        .env("CALLER_SEEDS", "on")
        .env("MAIL_DIR", tmp.join("outbox"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while request(addr, "GET", "/instrumenten/rush", &admin, None)
        .ok()
        .map(|r| r.status)
        != Some(200)
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve start niet"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // 4. The idle connections, held open through the rush, the reads and the allocation.
    let idle_count: usize = std::env::var("BENCH_IDLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let (idle, idle_open_errors) = open_idle(addr, &admin, idle_count);
    println!("RESULT idle_connections={}", idle.len());
    println!("RESULT idle_open_errors={idle_open_errors}");
    println!("RESULT server_rss_idle_kb={}", rss_kb(child.id(), "VmRSS"));
    let stop_idle = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let idle = hold_idle(idle, admin.clone(), Arc::clone(&stop_idle));

    // 5. The HTTP floor: the cheapest authenticated GET, same clients.
    let floor_n = k.min(20_000);
    let (floor_per_second, floor_p99) = floor(addr, &admin, floor_n, clients);
    println!("RESULT floor_per_second={floor_per_second:.1}");
    println!("RESULT floor_p99_ms={floor_p99:.2}");

    // 6. The rush: the first half in two requests per application, the second in one.
    let server_pid = child.id().to_string();
    let two_k = k / 2;
    let profile = profile::start("rush-two-requests");
    let two = rush(addr, &tokens, two_k, false, &server_pid);
    drop(profile);
    two.print("rush");
    let profile = profile::start("rush-one-request");
    let one = rush(addr, &tokens, k - two_k, true, &server_pid);
    drop(profile);
    one.print("rush_one");
    let mut acknowledged = two.acknowledged;
    acknowledged.extend(one.acknowledged);
    println!("RESULT rush_applications={}", acknowledged.len());
    println!(
        "RESULT server_rss_after_rush_kb={}",
        rss_kb(child.id(), "VmRSS")
    );

    // 7. The read path: every acknowledged application exists and is submitted.
    let ids = Arc::new(acknowledged.clone());
    let next = Arc::new(AtomicUsize::new(0));
    let missing = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let read_start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (ids, next, missing) = (Arc::clone(&ids), Arc::clone(&next), Arc::clone(&missing));
            let latencies = Arc::clone(&latencies);
            let admin = admin.clone();
            std::thread::spawn(move || {
                let mut client = Client::new(addr);
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(id) = ids.get(i) else { break };
                    let began = Instant::now();
                    let ok = call(
                        &mut client,
                        "GET",
                        &format!("/aanvragen/{id}"),
                        &admin,
                        None,
                    )
                    .map(|r| r.status == 200 && json_of(&r)["status"] == json!("ingediend"))
                    .unwrap_or(false);
                    lat.push(began.elapsed());
                    if !ok {
                        missing.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.lock().unwrap().extend(lat);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let read_secs = read_start.elapsed().as_secs_f64();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    println!("RESULT read_per_second={:.1}", lat.len() as f64 / read_secs);
    println!("RESULT read_p50_ms={:.2}", percentile(&lat, 0.50));
    println!("RESULT read_p99_ms={:.2}", percentile(&lat, 0.99));
    println!(
        "RESULT acknowledged_missing={}",
        missing.load(Ordering::Relaxed)
    );

    // The allocation is measured at BENCH_ALLOCATION_K applications (default K): when
    // the rush was smaller, its submitted applications are copied (new id and reference,
    // same receipt, no history of their own) until there are that many, so that a run
    // of 100,000 can be measured without a rush of 100,000 on a busy machine.
    let allocation_k: usize = std::env::var("BENCH_ALLOCATION_K")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(k);
    let copies = allocation_k.saturating_sub(acknowledged.len());
    copies::copy_submitted(&url, copies);
    println!(
        "RESULT allocation_applications={}",
        acknowledged.len() + copies
    );

    // 8. The allocation run.
    let profile = profile::start("allocation");
    let alloc_start = Instant::now();
    let run = request(
        addr,
        "POST",
        "/toewijzingsrondes",
        &admin,
        Some(&json!({"instrumentId": "rush", "seed": SEED})),
    )
    .unwrap();
    let alloc_secs = alloc_start.elapsed().as_secs_f64();
    drop(profile);
    assert_eq!(run.status, 201, "{}", String::from_utf8_lossy(&run.body));
    let run = json_of(&run);
    println!("RESULT allocation_seconds={alloc_secs:.2}");
    let instrument = json_of(&request(addr, "GET", "/instrumenten/rush", &admin, None).unwrap());
    let budget = &instrument["budget"];
    let reserved = cents(&budget["gereserveerd"]) + cents(&budget["verleend"]);
    let ceiling = cents(&budget["plafond"]);
    println!("RESULT reserved_within_ceiling={}", reserved <= ceiling);
    println!(
        "RESULT reserved={} ceiling={}",
        budget["gereserveerd"], budget["plafond"]
    );
    let ledger = json_of(&request(addr, "GET", "/grootboekcontrole", &finance, None).unwrap());
    println!("RESULT ledger_holds={}", ledger["klopt"] == json!(true));
    let mut placements: Vec<&Value> = run["plaatsingen"].as_array().unwrap().iter().collect();
    placements.sort_by_key(|p| p["positie"].as_i64());
    let keyed: Vec<&str> = placements
        .iter()
        .filter(|p| p["lotsleutel"].is_string())
        .map(|p| p["referentie"].as_str().unwrap())
        .collect();
    let seed = Seed::from_str(SEED).unwrap();
    // All submissions of the rush fall on one day (unless it crossed midnight): the lot
    // orders that day's references by key; recompute it from the seed.
    let same = keyed.is_empty() || draw(&seed, &keyed) == keyed;
    println!(
        "RESULT lottery_keyed={} lottery_reproduced={same}",
        keyed.len()
    );

    // 9. The idle connections are all still there; the server's peak RSS.
    stop_idle.store(true, Ordering::Relaxed);
    let idle_errors = idle.join().unwrap();
    println!("RESULT idle_errors={}", idle_errors + idle_open_errors);
    println!("RESULT server_peak_rss_kb={}", rss_kb(child.id(), "VmHWM"));
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&tmp);
}
