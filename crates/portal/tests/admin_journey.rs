//! The administrator's journey of issue 16 in a real browser: 37 regions ask for the
//! maximum of the implementation instrument on one day, more than its ceiling holds; the
//! next morning an administrator starts the allocation round (held up by the harness for a moment, so the
//! progress page shows), opens its lottery page and recomputes the lot keys from the seed
//! as the page says, closes the waiting list after its confirmation, changes a ceiling,
//! adds an instrument (refused first for a window outside the programme), creates a user,
//! issues and revokes a token, declares a conflict of interest, changes an organisation's
//! IBAN and sees it in its history, and sends a failed e-mail again. Every page is checked
//! by `browser/admin-journey.mjs` with axe-core at 1280 and 360 px.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::mpsc;
use std::thread::JoinHandle;

use common::{at, browser, TestServer};
use diesel::prelude::*;
use subsidie_service::Role;
use subsidie_store::rows::OutboxRow;
use subsidie_store::schema::{instruments, outbox};
use subsidie_store::StoreError;

/// 37 applications of € 2 mln on one day ask € 74 mln of a ceiling of € 72 mln: the day
/// is drawn by lot and one lands on the waiting list.
const REGIONS: usize = 37;

/// A message the dispatcher gives up on at once (its template does not exist), with the
/// dispatcher's own last error.
fn failed_message(server: &TestServer) {
    let queued = server.clock.now().naive_utc();
    let mut conn = server.pool.get().unwrap();
    diesel::insert_into(outbox::table)
        .values(&OutboxRow {
            id: "bericht-mislukt".to_owned(),
            application_id: None,
            recipient: "info@r02.example.org".to_owned(),
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
    let dir = std::env::temp_dir().join(format!("subsidie-portal-mail-{}", std::process::id()));
    let transport =
        subsidie_notify::Transport::directory(&dir, "ZonMw subsidies <subsidies@zonmw.local>")
            .unwrap();
    subsidie_notify::drain(&server.pool, &transport).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Holds the instrument's budget lock (as an allocation takes it) until told to let go,
/// so a round started meanwhile takes longer than a second.
struct Hold {
    release: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

fn hold_instrument(server: &TestServer, instrument: &'static str) -> Hold {
    let (taken_tx, taken_rx) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let pool = server.pool.clone();
    let thread = std::thread::spawn(move || {
        subsidie_store::db::write(&pool, |conn| {
            conn.transaction::<_, StoreError, _>(|c| {
                diesel::update(instruments::table.find(instrument))
                    .set(instruments::reserved_cents.eq(instruments::reserved_cents))
                    .execute(c)?;
                taken_tx.send(()).unwrap();
                let _ = release_rx.recv();
                Ok(())
            })
        })
        .unwrap();
    });
    taken_rx.recv().unwrap();
    Hold { release, thread }
}

#[test]
fn an_administrator_allocates_opens_the_lottery_and_closes_the_waiting_list() {
    if browser::skip() {
        return;
    }
    let server = TestServer::start(at(2025, 3, 3, 9));
    server.submissions("uitvoering", REGIONS, 200_000_000);
    // The administrator allocates the next morning: the lot of 3 March uses the seed
    // committed before that day, which the round reveals (during the day it would wait).
    server.set_now(at(2025, 3, 4, 9));
    failed_message(&server);
    let admin = server.user(
        "Beheerder Bakker",
        "beheer@zonmw.example.nl",
        Role::Admin,
        None,
    );
    let shots = browser::screenshots("beheer");
    let mut hold: Option<Hold> = None;
    browser::run(
        "admin-journey.mjs",
        &[
            ("PORTAL_URL", server.base_url()),
            ("SCREENSHOTS", shots.display().to_string()),
            ("ADMIN_TOKEN", admin.token.clone()),
        ],
        |question| match question {
            "vasthouden uitvoering" => {
                hold = Some(hold_instrument(&server, "uitvoering"));
                "ok".into()
            }
            "loslaten" => match hold.take() {
                Some(h) => {
                    let _ = h.release.send(());
                    h.thread.join().unwrap();
                    "ok".into()
                }
                None => "niets vastgehouden".into(),
            },
            other => format!("onbekende vraag '{other}'"),
        },
    );
}
