//! A live `subsidie serve` seen from outside, as a platform sees it: `/health`, `/ready`
//! and `/metrics`, the request id in the header and in problems, and its log on standard
//! error (access lines by route template with user and request id, never a token or an
//! id from the path; start and stop), as JSON and as text. On SQLite, or on PostgreSQL
//! when `SUBSIDIE_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::Value;
use subsidie_httpclient::{request, Response};
use subsidie_store::testing::TestDatabase;
use subsidie_store::{Backend, DatabaseUrl};

const BIN: &str = env!("CARGO_BIN_EXE_subsidie");
const METRICS_TOKEN: &str = "metrics-geheim-0123456789";
const WRONG_TOKEN: &str = "verkeerd-token-XYZ-987654321";
/// An id in a path: the access line must show the template, not this.
const PATH_ID: &str = "aanvraag-uit-het-pad-4242";

fn url_text(url: &DatabaseUrl) -> String {
    match url.backend() {
        Backend::Sqlite => format!("sqlite://{}", url.target()),
        Backend::Postgres => url.target().to_owned(),
    }
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("subsidie_ops_{}_{name}", std::process::id()))
}

struct Served {
    child: Child,
    addr: SocketAddr,
    stdout: PathBuf,
    stderr: PathBuf,
}

fn serve(db: &TestDatabase, format: &str) -> Served {
    // A port free now; the server binds it a moment later.
    let addr: SocketAddr = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap();
    let stdout = temp(&format!("{format}.out"));
    let stderr = temp(&format!("{format}.err"));
    let child = Command::new(BIN)
        .args(["serve", "--demo-tokens", "--bind", &addr.to_string()])
        .env("DATABASE_URL", url_text(db.url()))
        .env("LOG_FORMAT", format)
        .env("METRICS_TOKEN", METRICS_TOKEN)
        .env("MAIL_DIR", temp(&format!("{format}-mail")))
        .env_remove("SMTP_URL")
        .env_remove("RUST_LOG")
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("subsidie serve");
    let served = Served {
        child,
        addr,
        stdout,
        stderr,
    };
    let start = Instant::now();
    loop {
        if matches!(get(&served, "/health", &[]), Ok(r) if r.status == 200) {
            return served;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "serve kwam niet op: {}",
            std::fs::read_to_string(&served.stderr).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn get(served: &Served, path: &str, headers: &[(&str, &str)]) -> std::io::Result<Response> {
    let req = subsidie_httpclient::Request {
        method: "GET",
        path,
        headers,
        body: None,
    };
    request(served.addr, &req)
}

/// The administrator's demo token from what `serve --demo-tokens` printed.
fn admin_token(served: &Served) -> String {
    let out = std::fs::read_to_string(&served.stdout).unwrap();
    out.lines()
        .filter_map(|l| l.trim().strip_prefix("beheerder"))
        .map(|rest| rest.trim().to_owned())
        .next()
        .unwrap_or_else(|| panic!("geen token van de beheerder in: {out}"))
}

/// Stops the server as systemd or a container runtime would (SIGTERM) and returns its log.
fn stop(mut served: Served) -> String {
    let term = Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let start = Instant::now();
    while served.child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = served.child.kill();
            panic!("serve stopte niet na SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(&served.stderr).unwrap();
    let _ = std::fs::remove_file(&served.stdout);
    let _ = std::fs::remove_file(&served.stderr);
    log
}

/// Exercises the endpoints; returns the administrator's token.
fn exercise(served: &Served) -> String {
    let ready = get(served, "/ready", &[]).unwrap();
    assert_eq!(ready.status, 200, "{}", ready.text());
    let body = ready.json().unwrap();
    assert_eq!(body["status"], "gereed");
    assert_eq!(body["email"], "draait");

    // A request id of the client's comes back in the header and in the problem, with the
    // whole path as `instance`.
    let long = format!("/api/v1/bestaat-niet/{}", "x".repeat(80));
    let missing = get(served, &long, &[("X-Request-ID", "verzoek-42")]).unwrap();
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("x-request-id"), Some("verzoek-42"));
    let problem = missing.json().unwrap();
    assert_eq!(problem["requestId"], "verzoek-42");
    assert_eq!(problem["instance"], long.as_str());
    // One that is not acceptable is replaced by a fresh one.
    let bad = get(served, "/health", &[("X-Request-ID", &"y".repeat(65))]).unwrap();
    let fresh = bad.header("x-request-id").unwrap();
    assert_eq!(fresh.len(), 36, "{fresh}");

    let wrong = format!("Bearer {WRONG_TOKEN}");
    let refused = get(
        served,
        &format!("/api/v1/aanvragen/{PATH_ID}"),
        &[("Authorization", &wrong)],
    )
    .unwrap();
    assert_eq!(refused.status, 401);

    let token = admin_token(served);
    let bearer = format!("Bearer {token}");
    let listed = get(
        served,
        "/api/v1/instrumenten",
        &[("Authorization", &bearer)],
    )
    .unwrap();
    assert_eq!(listed.status, 200, "{}", listed.text());

    assert_eq!(get(served, "/metrics", &[]).unwrap().status, 401);
    let metrics_bearer = format!("Bearer {METRICS_TOKEN}");
    let metrics = get(served, "/metrics", &[("Authorization", &metrics_bearer)]).unwrap();
    assert_eq!(metrics.status, 200);
    assert!(metrics
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = metrics.text();
    for line in [
        "subsidie_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"}",
        "subsidie_http_requests_total{method=\"GET\",route=\"/api/v1/instrumenten\",status=\"200\"} 1",
        "subsidie_http_request_duration_seconds_bucket{route=\"/api/v1/instrumenten\",le=\"+Inf\"} 1",
        "subsidie_outbox_messages{toestand=\"wachtend\"} ",
        "subsidie_outbox_messages{toestand=\"opnieuw\"} ",
        "subsidie_outbox_messages{toestand=\"mislukt\"} ",
        "subsidie_budget_available_euros{instrument=\"uitvoering\"} ",
        "subsidie_ledger_check_ok 1",
        "subsidie_decisions_overdue 0",
        "subsidie_db_pool_connections{toestand=\"vrij\"} ",
        "# TYPE subsidie_http_request_duration_seconds histogram",
    ] {
        assert!(text.contains(line), "{line} ontbreekt in:\n{text}");
    }
    token
}

fn assert_secrets_absent(log: &str, token: &str) {
    for secret in [token, WRONG_TOKEN, METRICS_TOKEN, PATH_ID] {
        assert!(
            !log.contains(secret),
            "{secret} staat in het logboek:\n{log}"
        );
    }
}

#[test]
fn json_log_health_ready_metrics_and_the_request_id() {
    let db = TestDatabase::new().unwrap();
    let served = serve(&db, "json");
    let token = exercise(&served);
    let log = stop(served);
    assert_secrets_absent(&log, &token);
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("geen JSON ({e}): {l}")))
        .collect();
    let access: Vec<&Value> = lines
        .iter()
        .filter(|l| l["target"] == "subsidie::access")
        .collect();
    let find = |route: &str, status: u64| {
        access
            .iter()
            .find(|l| l["route"] == route && l["status"] == status)
            .unwrap_or_else(|| panic!("geen regel voor {route} {status} in:\n{log}"))
    };
    let missing = find("-", 404);
    assert_eq!(missing["request_id"], "verzoek-42");
    assert_eq!(missing["method"], "GET");
    assert!(missing["duration_ms"].as_f64().is_some());
    assert_eq!(find("/api/v1/aanvragen/{id}", 401)["user_id"], "-");
    let listed = find("/api/v1/instrumenten", 200);
    let user = listed["user_id"].as_str().unwrap();
    assert!(user.len() > 4 && user != "-", "{user}");
    assert!(lines.iter().any(|l| l["message"] == "de API start"));
    assert!(lines.iter().any(|l| l["message"] == "de API is gestopt"));
}

#[test]
fn text_log_has_the_same_access_lines() {
    let db = TestDatabase::new().unwrap();
    let served = serve(&db, "text");
    let token = exercise(&served);
    let log = stop(served);
    assert_secrets_absent(&log, &token);
    assert!(
        log.lines().any(|l| l.contains("subsidie::access")
            && l.contains("route=\"/api/v1/instrumenten\"")
            && l.contains("status=200")),
        "{log}"
    );
    assert!(log.contains("de API is gestopt"), "{log}");
}
