//! The real app (API and portal) on a random port of 127.0.0.1, over a fresh database of
//! the selected backend (`SUBSIDIE_TEST_BACKEND`), with the programme from `fixtures/`
//! loaded and a clock the test sets.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::{SocketAddr, TcpListener};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;

use chrono::{DateTime, TimeZone, Utc};
use subsidie_api::{Config, SharedClock};
use subsidie_portal::{PortalConfig, PortalState};
use subsidie_service::{registry, seed, Actor, Clock, Pool, Role};
use subsidie_store::testing::TestDatabase;

pub mod browser;
pub mod finance;
pub mod http;

pub struct TestServer {
    pub addr: SocketAddr,
    pub clock: SharedClock,
    pub pool: Pool,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<()>>,
    _db: TestDatabase,
}

pub struct User {
    pub id: String,
    pub email: String,
    pub token: String,
}

pub fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().unwrap()
}

impl TestServer {
    pub fn start(now: DateTime<Utc>) -> TestServer {
        TestServer::start_with_funder(now, None)
    }

    /// With the portal's funder account replaced (an `Err` is a missing configuration).
    pub fn start_with_funder(
        now: DateTime<Utc>,
        funder: Option<Result<subsidie_service::payments::FunderAccount, String>>,
    ) -> TestServer {
        let db = TestDatabase::new().expect("testdatabase");
        let pool = db.pool(4).expect("pool");
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/versterking-eerstelijnszorg.toml"
        ))
        .unwrap();
        seed::load(&pool, &seed::parse_programme_file(&text).unwrap(), now).unwrap();
        let clock = SharedClock::new(Clock::Fixed(now));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let config = Config {
            clock: clock.clone(),
            workers: Some(2),
            ..Config::default()
        };
        let portal_clock = clock.clone();
        let portal = PortalState::new(
            pool.clone(),
            Arc::new(move || portal_clock.now()),
            PortalConfig::new(&format!("http://{addr}")),
        );
        let portal = match funder {
            Some(f) => portal.with_funder(f),
            None => portal,
        };
        let (tx, rx) = mpsc::channel();
        let server_pool = pool.clone();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = subsidie_api::server_with(listener, server_pool, config, move |cfg| {
                    subsidie_portal::configure(cfg, portal.clone())
                })
                .unwrap();
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

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_now(&self, now: DateTime<Utc>) {
        self.clock.set(Clock::Fixed(now));
    }

    pub fn organisation(&self, region: &str, email: &str) -> String {
        registry::register_organisation(
            &self.pool,
            &Actor::system(),
            &registry::NewOrganisation {
                name: format!("Stichting Eerstelijn {region}"),
                region_id: region.to_owned(),
                iban: "NL91ABNA0417164300".to_owned(),
                email: email.to_owned(),
            },
            self.clock.now(),
        )
        .unwrap()
        .id
    }

    pub fn user(&self, name: &str, email: &str, role: Role, organisation: Option<&str>) -> User {
        let user = registry::create_user(
            &self.pool,
            &Actor::system(),
            name,
            email,
            role,
            organisation,
            self.clock.now(),
        )
        .unwrap();
        let token = registry::create_token(
            &self.pool,
            &Actor::system(),
            &user.id,
            "test",
            self.clock.now(),
        )
        .unwrap();
        User {
            id: user.id,
            email: email.to_owned(),
            token,
        }
    }

    /// Applications of `cents` under `instrument` from regions r01 … r`count`, each by
    /// its own organisation and applicant, drafted an hour ago and submitted now; their
    /// ids in region order.
    pub fn submissions(&self, instrument: &str, count: usize, cents: i64) -> Vec<String> {
        use subsidie_service::application::{self, Action, NewApplication};
        let now = self.clock.now();
        (1..=count)
            .map(|n| {
                let region = format!("r{n:02}");
                let email = format!("info@{region}.example.org");
                let org = self.organisation(&region, &email);
                let user = self.user(
                    &format!("Aanvrager {region}"),
                    &email,
                    Role::Applicant,
                    Some(&org),
                );
                let actor = Actor::user(user.id, Role::Applicant, Some(org));
                let new = NewApplication {
                    instrument_id: instrument.to_owned(),
                    discipline_id: None,
                    title: format!("Wijkverband {region}"),
                    description: "Samenwerking in de eerstelijnszorg van de regio.".to_owned(),
                    requested: subsidie_domain::Money::from_cents(cents).unwrap(),
                };
                let draft = application::create_draft(
                    &self.pool,
                    &actor,
                    &new,
                    now - chrono::TimeDelta::hours(1),
                )
                .unwrap();
                attach_required(
                    &self.pool,
                    &actor,
                    &draft.id,
                    now - chrono::TimeDelta::hours(1),
                );
                application::execute(&self.pool, &actor, &draft.id, None, &Action::Submit, now)
                    .unwrap();
                draft.id
            })
            .collect()
    }

    /// The sign-in link last mailed to `email`, read from the outbox.
    pub fn signin_link(&self, email: &str) -> Option<String> {
        subsidie_service::queries::outbox(&self.pool)
            .unwrap()
            .into_iter()
            .rev()
            .find(|r| r.recipient == email && r.template == "aanmeldlink")
            .and_then(|r| {
                let payload: serde_json::Value = serde_json::from_str(&r.payload).ok()?;
                payload["link"].as_str().map(str::to_owned)
            })
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Uploads a small PDF for every document the application's instrument requires and
/// it does not have yet, so that it can be submitted.
pub fn attach_required(pool: &Pool, actor: &Actor, id: &str, now: DateTime<Utc>) {
    subsidie_service::testing::attach_required(pool, actor, id, now).unwrap();
}
