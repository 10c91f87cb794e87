//! The test harness: the real app on a random port of 127.0.0.1, over a fresh database
//! of the selected backend (`SUBSIDIE_TEST_BACKEND`), with the programme from `fixtures/`
//! loaded and a clock the test moves; and a small HTTP/1.1 client over `TcpStream` that
//! can send anything, malformed requests included.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::thread::JoinHandle;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use subsidie_api::{Config, SharedClock};
use subsidie_httpclient::Request;
use subsidie_service::{registry, seed, Actor, Clock, Pool, Role};
use subsidie_store::testing::TestDatabase;

/// A running server with its database.
pub struct TestServer {
    pub addr: SocketAddr,
    pub clock: SharedClock,
    pub pool: Pool,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<()>>,
    // Dropped last: the database outlives the server.
    _db: TestDatabase,
}

/// An instant in UTC.
pub fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().unwrap()
}

impl TestServer {
    /// Starts a server with the programme loaded and the clock at `now`.
    pub fn start(now: DateTime<Utc>) -> TestServer {
        TestServer::start_with(now, |_| {})
    }

    /// As [`TestServer::start`], with CORS origins and HSTS as given.
    pub fn start_with_http(now: DateTime<Utc>, http: subsidie_api::HttpRules) -> TestServer {
        TestServer::start_with(now, |config| config.http = http)
    }

    /// As [`TestServer::start`], with the configuration changed by `adjust` first.
    pub fn start_with(now: DateTime<Utc>, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let db = TestDatabase::new().expect("testdatabase");
        let pool = db.pool(4).expect("pool");
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/versterking-eerstelijnszorg.toml"
        ))
        .unwrap();
        let file = seed::parse_programme_file(&text).unwrap();
        seed::load(&pool, &file, now).unwrap();

        let clock = SharedClock::new(Clock::Fixed(now));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        // The tests replay lots with a known seed: test mode.
        let mut config = Config {
            clock: clock.clone(),
            workers: Some(2),
            caller_seeds: true,
            ..Config::default()
        };
        adjust(&mut config);
        let (tx, rx) = mpsc::channel();
        let server_pool = pool.clone();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = subsidie_api::server(listener, server_pool, config).unwrap();
                tx.send(server.handle()).unwrap();
                let _ = server.await;
            });
        });
        let handle = rx.recv().unwrap();
        TestServer {
            addr,
            clock,
            pool,
            handle,
            thread: Some(thread),
            _db: db,
        }
    }

    /// Moves the clock.
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.clock.set(Clock::Fixed(now));
    }

    /// Registers an organisation in a region, through the service.
    pub fn organisation(&self, region: &str) -> String {
        let org = registry::register_organisation(
            &self.pool,
            &Actor::system(),
            &registry::NewOrganisation {
                name: format!("Stichting Eerstelijn {region}"),
                region_id: region.to_owned(),
                iban: "NL91ABNA0417164300".to_owned(),
                email: format!("info@{region}.example.org"),
            },
            self.clock.now(),
        )
        .unwrap();
        org.id
    }

    /// Creates a user with a role (and organisation) and returns it with a token.
    pub fn user(&self, role: Role, organisation: Option<&str>) -> User {
        let name = format!("{} {}", role.as_str(), rand_suffix());
        let user = registry::create_user(
            &self.pool,
            &Actor::system(),
            &name,
            &format!("{}@example.org", name.replace(' ', ".")),
            role,
            organisation,
            self.clock.now(),
        )
        .unwrap();
        // Valid for years: tests move the clock through a whole lifecycle.
        let token = registry::issue_token(
            &self.pool,
            &Actor::system(),
            &user.id,
            "test",
            registry::MAX_TOKEN_DAYS,
            self.clock.now(),
        )
        .unwrap()
        .secret;
        User {
            id: user.id,
            token,
            role,
            organisation: organisation.map(str::to_owned),
        }
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        // The stop command is sent at once; the returned future only waits for it.
        drop(self.handle.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn get(&self, user: &User, path: &str) -> Response {
        self.send("GET", path, Some(user), &[], None)
    }

    pub fn post(&self, user: &User, path: &str, body: Value) -> Response {
        self.send_json("POST", path, Some(user), &[], &body)
    }

    pub fn put(&self, user: &User, path: &str, body: Value) -> Response {
        self.send_json("PUT", path, Some(user), &[], &body)
    }

    pub fn patch(&self, user: &User, path: &str, body: Value) -> Response {
        self.send_json("PATCH", path, Some(user), &[], &body)
    }

    pub fn delete(&self, user: &User, path: &str) -> Response {
        self.send("DELETE", path, Some(user), &[], None)
    }

    /// A JSON request.
    pub fn send_json(
        &self,
        method: &str,
        path: &str,
        user: Option<&User>,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Response {
        let mut h: Vec<(&str, &str)> = vec![("Content-Type", "application/json")];
        h.extend_from_slice(headers);
        self.send(method, path, user, &h, Some(body.to_string().as_bytes()))
    }

    /// Any request; `path` is relative to `/api/v1` unless it starts with `//`.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        user: Option<&User>,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Response {
        let full = full_path(path);
        let bearer = user.map(|u| format!("Bearer {}", u.token));
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(b) = &bearer {
            all.push(("Authorization", b));
        }
        raw_request(self.addr, method, &full, &all, body)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn full_path(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("//") {
        format!("/{rest}")
    } else {
        format!("/api/v1{path}")
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{}", N.fetch_add(1, Ordering::Relaxed))
}

/// A user of the API with a token.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub token: String,
    pub role: Role,
    pub organisation: Option<String>,
}

impl User {
    /// The same user as an actor for direct service calls.
    pub fn actor(&self) -> Actor {
        Actor::user(self.id.clone(), self.role, self.organisation.clone())
    }
}

/// An HTTP answer: the shared client's, with the assertions of these tests.
#[derive(Debug, Clone)]
pub struct Response(pub subsidie_httpclient::Response);

impl std::ops::Deref for Response {
    type Target = subsidie_httpclient::Response;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Response {
    #[track_caller]
    pub fn json(&self) -> Value {
        self.0.expect_json()
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Response {
        self.0.assert_status(status);
        self
    }

    /// Asserts a problem+json answer with the status, the `API-Version` header and the
    /// RFC 9457 members; returns the problem.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        self.expect(status);
        assert_eq!(
            self.header("Content-Type"),
            Some("application/problem+json"),
            "geen problem+json: {:?}",
            self.headers
        );
        assert_eq!(self.header("API-Version"), Some(subsidie_api::API_VERSION));
        let p = self.json();
        assert_eq!(p["status"], json!(status), "{p}");
        for member in ["type", "title", "detail", "instance"] {
            assert!(p[member].is_string(), "'{member}' ontbreekt in {p}");
        }
        p
    }

    /// The names in `invalidParams`.
    pub fn invalid_params(&self) -> Vec<String> {
        self.json()["invalidParams"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Sends one request on a fresh connection and reads the whole answer.
pub fn raw_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Response {
    Response(
        subsidie_httpclient::request(
            addr,
            &Request {
                method,
                path,
                headers,
                body,
            },
        )
        .unwrap_or_else(|e| panic!("geen antwoord: {e}")),
    )
}

/// Sends raw bytes and parses the answer.
pub fn raw_bytes(addr: SocketAddr, bytes: &[u8]) -> Response {
    Response(
        subsidie_httpclient::send_raw(addr, bytes).unwrap_or_else(|e| panic!("geen antwoord: {e}")),
    )
}

/// The people of a typical test: two applicant organisations, two reviewers, finance and
/// an administrator.
pub struct Cast {
    pub org_a: String,
    pub org_b: String,
    pub applicant_a: User,
    pub applicant_b: User,
    pub reviewer: User,
    pub reviewer2: User,
    pub finance: User,
    pub admin: User,
}

impl Cast {
    pub fn new(server: &TestServer) -> Cast {
        let org_a = server.organisation("r01");
        let org_b = server.organisation("r02");
        Cast {
            applicant_a: server.user(Role::Applicant, Some(&org_a)),
            applicant_b: server.user(Role::Applicant, Some(&org_b)),
            reviewer: server.user(Role::Reviewer, None),
            reviewer2: server.user(Role::Reviewer, None),
            finance: server.user(Role::Finance, None),
            admin: server.user(Role::Admin, None),
            org_a,
            org_b,
        }
    }
}

/// A fixed lottery seed.
pub const SEED: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// Creates a draft with the documents its instrument requires ([`attach_required`]) and
/// returns its id.
pub fn draft(server: &TestServer, applicant: &User, body: Value) -> String {
    let res = server.post(applicant, "/aanvragen", body);
    res.expect(201);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    attach_required(server, applicant, &id);
    id
}

/// The boundary of the multipart bodies these tests send.
pub const BOUNDARY: &str = "----subsidie-test-grens-7d3f";

/// A `multipart/form-data` body with a `soort` part and a `bestand` part.
pub fn multipart_body(kind: &str, file_name: &str, content: &[u8]) -> Vec<u8> {
    let file_name = file_name.replace('\\', "\\\\").replace('"', "\\\"");
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"soort\"\r\n\r\n{kind}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads a document through the API.
pub fn upload(
    server: &TestServer,
    user: &User,
    id: &str,
    kind: &str,
    file_name: &str,
    content: &[u8],
) -> Response {
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    server.send(
        "POST",
        &format!("/aanvragen/{id}/documenten"),
        Some(user),
        &[("Content-Type", &ct)],
        Some(&multipart_body(kind, file_name, content)),
    )
}

/// Uploads a small PDF for every document the instrument requires and the application
/// does not have yet (the fixture asks a project plan and a budget for `uitvoering`).
pub fn attach_required(server: &TestServer, applicant: &User, id: &str) {
    let list = server.get(applicant, &format!("/aanvragen/{id}/documenten"));
    list.expect(200);
    for required in list.json()["verplichteDocumenten"].as_array().unwrap() {
        if required["aanwezig"] == json!(true) {
            continue;
        }
        let kind = required["soort"].as_str().unwrap();
        let pdf = subsidie_domain::documents::samples::pdf(kind);
        upload(server, applicant, id, kind, &format!("{kind}.pdf"), &pdf).expect(201);
    }
    attach_partners(server, applicant, id);
}

/// Names the partners the instrument requires (the fixture's `uitvoering`: a GP
/// organisation, two district-nursing organisations, a health insurer), when the
/// application names none yet.
pub fn attach_partners(server: &TestServer, applicant: &User, id: &str) {
    let path = format!("/aanvragen/{id}/partners");
    let now = server.get(applicant, &path);
    now.expect(200);
    let now = now.json();
    let required = now["vereisteSoorten"].as_array().unwrap();
    if required.is_empty() || !now["partners"].as_array().unwrap().is_empty() {
        return;
    }
    let mut partners = Vec::new();
    for kind in required {
        let soort = kind["soort"].as_str().unwrap();
        for n in 1..=kind["tenMinste"].as_i64().unwrap() {
            partners.push(json!({
                "organisatie": format!("{} {n}", kind["naam"].as_str().unwrap()),
                "soort": soort,
                "rol": "partner",
                "contactpersoon": format!("Contactpersoon {n}"),
                "contactEmail": format!("{soort}-{n}@partner.example.nl"),
            }));
        }
    }
    server
        .put(applicant, &path, json!({ "partners": partners }))
        .expect(200);
}

/// Creates a draft and submits it; returns its id.
pub fn submitted(server: &TestServer, applicant: &User, body: Value) -> String {
    let id = draft(server, applicant, body);
    server
        .post(
            applicant,
            &format!("/aanvragen/{id}/indieningen"),
            json!({}),
        )
        .expect(200);
    id
}

/// The body of a draft under an instrument.
pub fn draft_body(instrument: &str, amount: &str, discipline: Option<&str>) -> Value {
    let mut body = json!({
        "instrumentId": instrument,
        "titel": format!("Aanvraag {instrument}"),
        "omschrijving": "Wat het geld doet voor de eerstelijnszorg in de regio.",
        "aangevraagdBedrag": amount,
    });
    if let Some(d) = discipline {
        body["disciplineId"] = json!(d);
    }
    body
}

/// Runs an allocation for an instrument as admin and returns the run.
pub fn allocate(server: &TestServer, admin: &User, instrument: &str) -> Value {
    let res = server.post(
        admin,
        "/toewijzingsrondes",
        json!({"instrumentId": instrument, "seed": SEED}),
    );
    res.expect(201);
    res.json()
}

/// The state of an application as `user` sees it.
pub fn status_of(server: &TestServer, user: &User, id: &str) -> String {
    let res = server.get(user, &format!("/aanvragen/{id}"));
    res.expect(200);
    res.json()["status"].as_str().unwrap().to_owned()
}

/// Puts an e-mail in the outbox that can never be sent (its template does not exist) and
/// lets the dispatcher try it, so that it is marked failed the way a real one is; returns
/// its id. Other due mails are written to a throwaway folder on the way.
pub fn failed_message(server: &TestServer) -> String {
    use diesel::prelude::*;
    use subsidie_store::rows::OutboxRow;
    use subsidie_store::schema::outbox;

    let id = format!("bericht-{}-{}", std::process::id(), rand_suffix());
    let queued = at(2025, 5, 1, 8).naive_utc();
    let mut conn = server.pool.get().unwrap();
    diesel::insert_into(outbox::table)
        .values(&OutboxRow {
            id: id.clone(),
            application_id: None,
            recipient: "info@r01.example.org".to_owned(),
            template: "bestaat_niet".to_owned(),
            payload: "{}".to_owned(),
            created_at: queued,
            due_at: queued,
            attempts: 0,
            last_error: None,
            claimed_until: None,
            sent_at: None,
            failed_at: None,
        })
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    dispatch(server);
    id
}

/// Sends every due outbox mail once (into a throwaway folder).
pub fn dispatch(server: &TestServer) {
    let dir = std::env::temp_dir().join(format!(
        "subsidie-api-mail-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let transport =
        subsidie_notify::Transport::directory(&dir, "ZonMw subsidies <subsidies@zonmw.local>")
            .unwrap();
    subsidie_notify::drain(&server.pool, &transport).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
