//! `subsidie serve --demo` as a new user starts it: a process on an empty database (of
//! the selected backend, `SUBSIDIE_TEST_BACKEND`), then the printed tokens. Every demo
//! user has work today, the letters of the replayed past are history and not sent, and a
//! second start on the same database signs the same people in with fresh tokens.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use subsidie_service::{registry, Actor, Pool};
use subsidie_store::testing::TestDatabase;
use subsidie_store::{Backend, DatabaseUrl};

const BIN: &str = env!("CARGO_BIN_EXE_subsidie");
/// The replay of the letter takes a while in a debug build on a busy machine.
const START_LIMIT: Duration = Duration::from_secs(900);

fn url_text(url: &DatabaseUrl) -> String {
    match url.backend() {
        Backend::Sqlite => format!("sqlite://{}", url.target()),
        Backend::Postgres => url.target().to_owned(),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `serve --demo`, killed on drop; its standard output in `out`.
struct Demo {
    child: Child,
    addr: SocketAddr,
    out: PathBuf,
    /// The printed token per role.
    tokens: BTreeMap<String, String>,
    /// Everything it printed up to the line that says how to stop it.
    printed: String,
}

impl Demo {
    fn start(database_url: &str, dir: &Path, name: &str) -> Demo {
        Demo::launch(database_url, dir, name, true)
    }

    /// `serve`, with `--demo` when `demo`; returns once it printed how to stop it and
    /// its socket answers.
    fn launch(database_url: &str, dir: &Path, name: &str, with_demo: bool) -> Demo {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let out = dir.join(format!("{name}.out"));
        let err = dir.join(format!("{name}.err"));
        let bind = addr.to_string();
        let mut args = vec!["serve", "--bind", &bind];
        if with_demo {
            args.push("--demo");
        }
        let child = Command::new(BIN)
            .args(args)
            .env("DATABASE_URL", database_url)
            .env_remove("SMTP_URL")
            .env("MAIL_DIR", dir.join("mail"))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .expect("serve --demo starten");
        let mut demo = Demo {
            child,
            addr,
            out,
            tokens: BTreeMap::new(),
            printed: String::new(),
        };
        let start = Instant::now();
        loop {
            let printed = std::fs::read_to_string(&demo.out).unwrap_or_default();
            if printed.contains("stoppen: Ctrl-C") {
                demo.printed = printed;
                break;
            }
            if let Some(status) = demo.child.try_wait().unwrap() {
                let err = std::fs::read_to_string(&err).unwrap_or_default();
                panic!("serve --demo stopte: {status}\n{printed}\n{err}");
            }
            assert!(
                start.elapsed() < START_LIMIT,
                "serve --demo was niet binnen {START_LIMIT:?} klaar:\n{printed}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        for line in demo.printed.lines() {
            let mut words = line.split_whitespace();
            if let (Some(role), Some(token), None) = (words.next(), words.next(), words.next()) {
                if token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit()) {
                    demo.tokens.insert(role.to_owned(), token.to_owned());
                }
            }
        }
        assert_eq!(
            demo.tokens.keys().collect::<Vec<_>>(),
            if with_demo {
                vec!["aanvrager", "beheerder", "beoordelaar", "financien"]
            } else {
                vec![]
            },
            "één token per rol:\n{}",
            demo.printed
        );
        // The server answers once it printed its address; wait for the socket anyway.
        let probe = subsidie_httpclient::Request {
            method: "GET",
            path: "/api/v1/instrumenten",
            headers: &[],
            body: None,
        };
        while subsidie_httpclient::request(addr, &probe).is_err() {
            assert!(start.elapsed() < START_LIMIT, "de API antwoordt niet");
            std::thread::sleep(Duration::from_millis(100));
        }
        demo
    }

    fn token(&self, role: &str) -> &str {
        &self.tokens[role]
    }

    /// One request as `role`; the status and the JSON answer (`null` when there is none).
    fn call(&self, role: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let bearer = format!("Bearer {}", self.token(role));
        let body = body.map(|b| b.to_string());
        let mut headers = vec![("Accept", "application/json"), ("Authorization", &bearer)];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        let full = format!("/api/v1{path}");
        let request = subsidie_httpclient::Request {
            method,
            path: &full,
            headers: &headers,
            body: body.as_deref().map(str::as_bytes),
        };
        let res =
            subsidie_httpclient::request_with_timeout(self.addr, &request, Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        (res.status, res.json().unwrap_or(Value::Null))
    }

    #[track_caller]
    fn expect(
        &self,
        role: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        let (got, answer) = self.call(role, method, path, body);
        assert_eq!(got, status, "{method} {path} als {role}: {answer}");
        answer
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The applications `role` may see in `state`, as one list (the demo has fewer than a
/// page of each).
fn listed(demo: &Demo, role: &str, state: &str) -> Vec<Value> {
    let answer = demo.expect(
        role,
        "GET",
        &format!("/aanvragen?status={state}"),
        None,
        200,
    );
    answer["aanvragen"].as_array().cloned().unwrap_or_default()
}

/// The applicant drafts and submits a voucher for the first discipline still free for
/// the region: 201, then 200 `ingediend`.
fn applicant_submits(demo: &Demo) {
    let disciplines = demo.expect("aanvrager", "GET", "/disciplines", None, 200);
    let codes: Vec<String> = disciplines
        .as_array()
        .or_else(|| disciplines["disciplines"].as_array())
        .expect("een lijst disciplines")
        .iter()
        .filter_map(|d| d["id"].as_str().map(str::to_owned))
        .collect();
    for code in codes {
        let body = json!({
            "instrumentId": "discipline-voucher",
            "disciplineId": code,
            "titel": "Voucher uit de test",
            "omschrijving": "Een aanspreekpunt voor de discipline in de regio.",
            "aangevraagdBedrag": "25000.00",
        });
        let (status, draft) = demo.call("aanvrager", "POST", "/aanvragen", Some(body));
        if status == 409 {
            continue;
        }
        assert_eq!(status, 201, "concept: {draft}");
        let id = draft["id"].as_str().unwrap();
        let path = format!("/aanvragen/{id}/indieningen");
        let (status, submitted) = demo.call("aanvrager", "POST", &path, None);
        if status == 409 {
            continue;
        }
        assert_eq!(status, 200, "indienen: {submitted}");
        assert_eq!(submitted["status"], "ingediend");
        return;
    }
    panic!("de demo-aanvrager kon voor geen enkele discipline een voucher indienen");
}

/// Each demo user has work: the applicant's applications in several states, the
/// reviewer's queue with a grant to confirm, a payment run for finance, the outbox for
/// the administrator with the past as history.
fn everyone_has_work(demo: &Demo, pay: bool) {
    for state in ["concept", "ingediend", "aanvulling_gevraagd", "gehonoreerd"] {
        assert!(
            !listed(demo, "aanvrager", state).is_empty(),
            "de aanvrager heeft geen aanvraag in status {state}"
        );
    }
    let granted = &listed(demo, "aanvrager", "gehonoreerd")[0];
    let path = format!("/aanvragen/{}/betalingen", granted["id"].as_str().unwrap());
    let payments = demo.expect("aanvrager", "GET", &path, None, 200);
    assert_ne!(payments.to_string(), "[]", "gehonoreerd zonder betalingen");

    assert!(!listed(demo, "beoordelaar", "ingediend").is_empty());
    assert!(!listed(demo, "beoordelaar", "gereserveerd").is_empty());
    let proposals: Vec<Value> = listed(demo, "beoordelaar", "in_behandeling")
        .into_iter()
        .filter(|a| a["honoreringVoorstel"].is_object())
        .collect();
    assert!(
        !proposals.is_empty(),
        "geen honorering die op een tweede beoordelaar wacht"
    );

    if pay {
        let today = chrono::Utc::now().date_naive();
        let body = json!({ "totEnMet": today.to_string() });
        demo.expect("financien", "POST", "/betaalrondes", Some(body), 201);
    }
}

/// The outbox as the administrator sees it: the counts by state.
fn outbox_counts(demo: &Demo) -> Value {
    demo.expect("beheerder", "GET", "/berichten?status=wachtend", None, 200)["aantallen"].clone()
}

/// The `.eml` files the dispatcher wrote, each as its subject line.
fn mails(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("mail")) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| {
            text.lines()
                .find(|l| l.starts_with("Subject:"))
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

fn user_of(pool: &Pool, token: &str) -> Actor {
    match registry::authenticate(pool, token, chrono::Utc::now()).unwrap() {
        registry::TokenCheck::Valid { actor, .. } => actor,
        other => panic!("een geldig token verwacht: {other:?}"),
    }
}

#[test]
fn serve_demo_gives_every_role_work_and_starts_again_with_the_same_people() {
    let db = TestDatabase::new().unwrap();
    let url = url_text(db.url());
    let dir = std::env::temp_dir().join(format!("subsidie_serve_demo_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let first = Demo::start(&url, &dir, "eerste");
    assert!(
        first.printed.contains("ingebouwde programmabestand"),
        "{}",
        first.printed
    );
    assert!(
        !first.printed.contains("uit fixtures/"),
        "{}",
        first.printed
    );
    assert!(first.printed.contains("is open van"), "{}", first.printed);
    let counts = outbox_counts(&first);
    assert!(
        counts["verzonden"].as_i64().unwrap() > 500,
        "de brieven van de nagespeelde jaren staan als geschiedenis in de outbox: {counts}"
    );
    assert_eq!(
        counts["wachtend"], 0,
        "niets van het verleden wacht op verzending: {counts}"
    );
    everyone_has_work(&first, true);
    applicant_submits(&first);

    // The dispatcher's first round runs at start and then every 10 s: wait for the
    // receipt of the test's own submission, then nothing of the past may be among the
    // mails.
    let start = Instant::now();
    while !mails(&dir)
        .iter()
        .any(|s| s.contains("Ontvangstbevestiging"))
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "geen ontvangstbevestiging verstuurd: {:?}",
            mails(&dir)
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let sent = mails(&dir);
    assert!(sent.len() <= 5, "alleen de post van vandaag: {sent:?}");
    assert!(
        !sent.iter().any(|s| s.contains("weede beoordeling")),
        "geen verzoek om een tweede beoordeling uit het verleden: {sent:?}"
    );
    drop(first);

    let pool = db.pool(2).unwrap();
    let again = Demo::start(&url, &dir, "tweede");
    assert!(
        again.printed.contains("al door de demo gevuld"),
        "{}",
        again.printed
    );
    let first_tokens = {
        let out = std::fs::read_to_string(dir.join("eerste.out")).unwrap();
        let mut tokens = BTreeMap::new();
        for line in out.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.len() == 2 && words[1].len() == 64 {
                tokens.insert(words[0].to_owned(), words[1].to_owned());
            }
        }
        tokens
    };
    for (role, token) in &again.tokens {
        assert_ne!(token, &first_tokens[role], "{role}: een nieuw token");
        assert_eq!(
            user_of(&pool, token),
            user_of(&pool, &first_tokens[role]),
            "{role}: dezelfde gebruiker (en organisatie)"
        );
    }
    // The first run took every payment due; the run is finance's to send and book.
    everyone_has_work(&again, false);
    let runs = again.expect("financien", "GET", "/betaalrondes", None, 200);
    assert_ne!(runs.to_string(), "[]", "de betaalronde van de eerste start");
    std::thread::sleep(Duration::from_secs(2));
    let sent = mails(&dir);
    assert!(
        sent.len() <= 5,
        "de tweede start verstuurt niets van het verleden: {sent:?}"
    );
    drop(again);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plain_serve_on_an_empty_database_says_what_is_open_today_and_how_to_open_a_round() {
    let db = TestDatabase::new().unwrap();
    let dir = std::env::temp_dir().join(format!("subsidie_serve_plain_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let served = Demo::launch(&url_text(db.url()), &dir, "serve", false);
    let printed = served.printed.clone();
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(printed.contains("ingebouwde programmabestand"), "{printed}");
    assert!(!printed.contains("uit fixtures/"), "{printed}");
    // The shipped windows lie in 2024–2025: none is open on the system clock.
    assert!(printed.contains("is geen regeling open"), "{printed}");
    assert!(printed.contains("subsidie seed --file"), "{printed}");
    assert!(printed.contains("serve --demo"), "{printed}");
}
