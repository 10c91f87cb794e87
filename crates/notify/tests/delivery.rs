//! Delivery of outbox rows against a real SMTP server on loopback (aiosmtpd, see
//! `subsidie_notify::testing::smtpd`; the home-made sink of `subsidie_notify::testing`
//! where a test stops and restarts the server), on the backend `SUBSIDIE_TEST_BACKEND`
//! selects: each test has its own database and its own server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use subsidie_domain::lottery::Seed;
use subsidie_domain::Money;
use subsidie_notify::dispatch::{drain_at, DispatchPolicy};
use subsidie_notify::testing::smtpd::{Smtpd, SmtpdOptions};
use subsidie_notify::testing::{ReceivedMail, SmtpSink};
use subsidie_notify::transport::DEFAULT_FROM;
use subsidie_notify::{dispatch_once_with, MailSettings, Transport};
use subsidie_service::application::{self as applications, Action, NewApplication, Outcome};
use subsidie_service::outbox::admin::{self, OutboxSummary};
use subsidie_service::outbox::reminders;
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{allocation, payments as runs, queries, seed};
use subsidie_service::{Actor, Pool, Role, ServiceError};
use subsidie_store::rows::{ApplicationRow, OutboxRow};
use subsidie_store::schema::outbox;
use subsidie_store::testing::TestDatabase;
use subsidie_store::{Backend, DbConnection};

const FIXTURE: &str = include_str!("../../../fixtures/versterking-eerstelijnszorg.toml");
const IBAN: &str = "NL91ABNA0417164300";

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap()
}

fn eur(text: &str) -> Money {
    Money::parse(text).unwrap()
}

/// Whitespace (including no-break spaces) collapsed, so wrapped text can be searched.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The outbox as an administrator sees it.
fn summary(pool: &Pool) -> Result<OutboxSummary, ServiceError> {
    admin::summary(pool, &Actor::system())
}

fn failed_messages(pool: &Pool) -> Result<Vec<OutboxRow>, ServiceError> {
    Ok(admin::overview(pool, &Actor::system(), None, None)?.messages)
}

/// Waiting and retrying messages alike.
fn pending_messages(pool: &Pool) -> Result<Vec<OutboxRow>, ServiceError> {
    let mut pending = Vec::new();
    for status in ["wachtend", "opnieuw_te_proberen"] {
        pending.extend(admin::overview(pool, &Actor::system(), Some(status), None)?.messages);
    }
    Ok(pending)
}

fn retry_failed(pool: &Pool, id: &str) -> Result<OutboxRow, ServiceError> {
    admin::retry(pool, &Actor::system(), id)
}

/// A database; the pool is dropped before the database.
struct World {
    pool: Pool,
    db: TestDatabase,
}

fn world() -> World {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(4).unwrap();
    seed::load(
        &pool,
        &seed::parse_programme_file(FIXTURE).unwrap(),
        at(2025, 1, 2, 8, 0),
    )
    .unwrap();
    World { pool, db }
}

fn applicant(pool: &Pool, region: &str, name: &str) -> (Actor, String) {
    let now = at(2025, 1, 6, 9, 0);
    let org = registry::register_organisation(
        pool,
        &Actor::system(),
        &NewOrganisation {
            name: name.to_owned(),
            region_id: region.to_owned(),
            iban: IBAN.to_owned(),
            email: format!("info@{region}.voorbeeld.nl"),
        },
        now,
    )
    .unwrap();
    let user = registry::create_user(
        pool,
        &Actor::system(),
        &format!("Aanvrager {region}"),
        &format!("aanvrager@{region}.voorbeeld.nl"),
        Role::Applicant,
        Some(&org.id),
        now,
    )
    .unwrap();
    (
        Actor::user(user.id, Role::Applicant, Some(org.id)),
        org.email,
    )
}

fn staff(pool: &Pool, name: &str, role: Role) -> Actor {
    let user = registry::create_user(
        pool,
        &Actor::system(),
        name,
        &format!("{}@zonmw.voorbeeld.nl", name.to_lowercase()),
        role,
        None,
        at(2025, 1, 6, 9, 0),
    )
    .unwrap();
    Actor::user(user.id, role, None)
}

fn reviewer(pool: &Pool, name: &str) -> Actor {
    staff(pool, name, Role::Reviewer)
}

fn act(pool: &Pool, actor: &Actor, app: &ApplicationRow, action: Action, now: DateTime<Utc>) {
    applications::execute(pool, actor, &app.id, None, &action, now)
        .unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

fn submitted(
    pool: &Pool,
    actor: &Actor,
    title: &str,
    amount: &str,
    now: DateTime<Utc>,
) -> ApplicationRow {
    let draft = applications::create_draft(
        pool,
        actor,
        &NewApplication {
            instrument_id: "uitvoering".into(),
            discipline_id: None,
            title: title.into(),
            description: "Samenwerking in de eerste lijn versterken.".into(),
            requested: eur(amount),
        },
        now - TimeDelta::minutes(30),
    )
    .unwrap();
    attach_required(pool, actor, &draft.id, now - TimeDelta::minutes(20));
    act(pool, actor, &draft, Action::Submit, now);
    draft
}

fn attach_required(pool: &Pool, actor: &Actor, id: &str, now: DateTime<Utc>) {
    subsidie_service::testing::attach_required(pool, actor, id, now).unwrap();
}

fn application(pool: &Pool, id: &str) -> ApplicationRow {
    queries::application(pool, &Actor::system(), id).unwrap()
}

fn outbox_rows(pool: &Pool) -> Vec<OutboxRow> {
    queries::outbox(pool).unwrap()
}

fn smtp(url: &str) -> Transport {
    Transport::smtp(url, DEFAULT_FROM).unwrap()
}

/// The real SMTP server (aiosmtpd); `None` (skip) when it is missing outside CI. The
/// home-made sink serves only the tests that stop and restart the server.
fn real_smtp() -> Option<Smtpd> {
    Smtpd::start(SmtpdOptions::default()).expect("aiosmtpd starten")
}

/// A policy that claims few rows at once, so that batches interleave.
fn small_batches() -> DispatchPolicy {
    DispatchPolicy {
        batch_size: 3,
        ..DispatchPolicy::default()
    }
}

fn message_ids(mails: &[ReceivedMail]) -> Vec<String> {
    mails.iter().map(|m| m.message_id().unwrap()).collect()
}

/// Two applications driven through the lifecycle with fixed 2025 instants: A is
/// received, allocated, asked for a supplement, supplements and is granted by two
/// reviewers (four eyes above € 1.000.000); B is received, allocated and rejected.
struct Story {
    a: ApplicationRow,
    b: ApplicationRow,
    a_email: String,
    b_email: String,
}

fn story(pool: &Pool) -> Story {
    let (alice, a_email) = applicant(pool, "r01", "Stichting Eerstelijn Groningen-Stad");
    let (bob, b_email) = applicant(pool, "r02", "Coöperatie Zorg Ommeland");
    let first = reviewer(pool, "Rianne");
    let second = reviewer(pool, "Sven");
    let a = submitted(
        pool,
        &alice,
        "Regionale samenwerking huisartsen & wijkverpleging",
        "1250000.00",
        at(2025, 3, 3, 9, 15),
    );
    let b = submitted(
        pool,
        &bob,
        "Wijkteams Ommeland",
        "600000.00",
        at(2025, 3, 3, 9, 20),
    );
    allocation::run(
        pool,
        &Actor::system(),
        "uitvoering",
        Some(Seed::from_bytes([7; 32])),
        at(2025, 3, 4, 8, 0),
    )
    .unwrap();
    act(pool, &first, &a, Action::StartReview, at(2025, 3, 5, 9, 0));
    act(
        pool,
        &first,
        &a,
        Action::RequestSupplement {
            request: "De begroting voor 2026 ontbreekt.".into(),
        },
        at(2025, 3, 5, 10, 0),
    );
    act(
        pool,
        &alice,
        &a,
        Action::Supply {
            note: "Begroting 2026 toegevoegd.".into(),
        },
        at(2025, 3, 10, 9, 0),
    );
    let grant = Action::Grant {
        amount: eur("1250000.00"),
        motivation: "De aanvraag voldoet aan alle criteria van de regeling.".into(),
    };
    let proposed =
        applications::execute(pool, &first, &a.id, None, &grant, at(2025, 6, 2, 8, 0)).unwrap();
    assert!(matches!(proposed, Outcome::GrantProposed(_)));
    act(pool, &second, &a, grant, at(2025, 6, 2, 9, 0));
    act(pool, &first, &b, Action::StartReview, at(2025, 3, 5, 9, 30));
    act(
        pool,
        &first,
        &b,
        Action::Reject {
            motivation: "Het plan maakt niet duidelijk hoe de wijkteams na 2026 worden voortgezet."
                .into(),
        },
        at(2025, 6, 2, 9, 30),
    );
    Story {
        a: application(pool, &a.id),
        b: application(pool, &b.id),
        a_email,
        b_email,
    }
}

fn find<'a>(mails: &'a [ReceivedMail], subject_start: &str, reference: &str) -> &'a ReceivedMail {
    mails
        .iter()
        .find(|m| {
            let s = m.subject().unwrap_or_default();
            s.starts_with(subject_start) && s.contains(reference)
        })
        .unwrap_or_else(|| {
            panic!(
                "no mail '{subject_start}…' for {reference}; got {:?}",
                mails.iter().map(|m| m.subject()).collect::<Vec<_>>()
            )
        })
}

#[test]
fn the_lifecycle_produces_exactly_the_expected_mails() {
    let w = world();
    let s = story(&w.pool);
    assert_eq!(s.a.state, "gehonoreerd");
    assert_eq!(s.b.state, "afgewezen");
    // Finance pays A's advance: the run is made (finance hears of it), then booked paid
    // (A hears of the payment).
    let finance = staff(&w.pool, "Fatima", Role::Finance);
    let up_to = chrono::NaiveDate::from_ymd_opt(2025, 6, 4).unwrap();
    let run = runs::create_run(&w.pool, &finance, up_to, at(2025, 6, 4, 12, 30)).unwrap();
    assert_eq!((run.payment_count, run.total_cents), (1, 100_000_000));
    runs::mark_run_paid(&w.pool, &finance, &run.id, at(2025, 6, 5, 9, 0)).unwrap();

    let rows = outbox_rows(&w.pool);
    let mut templates_per_app: Vec<(Option<String>, String)> = rows
        .iter()
        .map(|r| (r.application_id.clone(), r.template.clone()))
        .collect();
    templates_per_app.sort();
    let mut expected = vec![
        (Some(s.a.id.clone()), "ontvangstbevestiging".to_owned()),
        (Some(s.a.id.clone()), "aanvulling_gevraagd".to_owned()),
        (Some(s.a.id.clone()), "budget_gereserveerd".to_owned()),
        // The request to the second reviewer was withdrawn unsent when the grant was
        // confirmed before any mail went out (it no longer applied).
        (Some(s.a.id.clone()), "verleningsbeschikking".to_owned()),
        (Some(s.a.id.clone()), "betaling".to_owned()),
        (Some(s.b.id.clone()), "ontvangstbevestiging".to_owned()),
        (Some(s.b.id.clone()), "budget_gereserveerd".to_owned()),
        (Some(s.b.id.clone()), "afwijzingsbeschikking".to_owned()),
        (None, "betaalronde_aangemaakt".to_owned()),
    ];
    expected.sort();
    assert_eq!(templates_per_app, expected);

    let Some(sink) = real_smtp() else {
        return;
    };
    let transport = smtp(&sink.url());
    let report = drain_at(
        &w.pool,
        &transport,
        at(2025, 6, 5, 10, 0),
        &DispatchPolicy::default(),
    )
    .unwrap();
    // Nine: the request to the second reviewer was withdrawn unsent when the grant was
    // confirmed (its rendering is checked in the templates' own tests).
    assert_eq!((report.sent, report.retried, report.failed), (9, 0, 0));

    let mails = sink.messages();
    assert_eq!(mails.len(), 9);
    // Every row was sent once, under the Message-ID derived from its id.
    let ids: BTreeSet<String> = message_ids(&mails).into_iter().collect();
    let expected_ids: BTreeSet<String> = rows
        .iter()
        .map(|r| format!("<{}@subsidie.local>", r.id))
        .collect();
    assert_eq!(ids, expected_ids);
    for row in outbox_rows(&w.pool) {
        assert!(row.sent_at.is_some(), "{} not marked sent", row.id);
        assert_eq!(row.attempts, 1);
        assert_eq!(row.last_error, None);
    }
    for mail in &mails {
        assert_eq!(mail.mail_from, "subsidies@zonmw.local");
        assert!(mail
            .header("From")
            .unwrap()
            .contains("subsidies@zonmw.local"));
        assert_eq!(
            mail.header("Auto-Submitted").as_deref(),
            Some("auto-generated")
        );
        assert!(mail.text().is_some() && mail.html().is_some());
    }

    let ra = &s.a.reference;
    let rb = &s.b.reference;

    let receipt = find(&mails, "Ontvangstbevestiging", ra);
    assert_eq!(receipt.rcpt_to, vec![s.a_email.clone()]);
    let text = flat(&receipt.text().unwrap());
    assert!(
        text.contains("ontvangen op 3 maart 2025 om 10:15 uur"),
        "{text}"
    );
    assert!(
        text.contains("Wij beslissen uiterlijk op 2 juni 2025"),
        "{text}"
    );
    assert!(text.contains("€ 1.250.000,00"), "{text}");

    let supplement = find(&mails, "Aanvulling nodig", ra);
    let text = flat(&supplement.text().unwrap());
    assert!(text.contains("De begroting voor 2026 ontbreekt."), "{text}");
    assert!(
        text.contains("uiterlijk op 19 maart 2025 aan te vullen"),
        "{text}"
    );

    let grant = find(&mails, "Besluit op uw aanvraag", ra);
    assert_eq!(
        grant.subject().unwrap(),
        format!("Besluit op uw aanvraag {ra}: subsidie verleend")
    );
    assert_eq!(grant.rcpt_to, vec![s.a_email.clone()]);
    assert_eq!(s.a.objection_due_on.unwrap().to_string(), "2025-07-14");
    for part in [grant.text().unwrap(), grant.html().unwrap()] {
        let part = flat(&part);
        for expected in [
            ra.as_str(),
            "een subsidie van ten hoogste € 1.250.000,00",
            "€ 1.000.000,00",
            "€ 250.000,00",
            "80%",
            "U kunt binnen zes weken na de dag waarop dit besluit is verzonden bezwaar maken",
            "uiterlijk op 14 juli 2025",
            "uiterlijk op 30 juni 2027 verantwoording af",
            "De aanvraag voldoet aan alle criteria van de regeling.",
        ] {
            assert!(part.contains(expected), "grant lacks '{expected}':\n{part}");
        }
    }
    assert!(flat(&grant.text().unwrap()).contains("Voorschot (80%) € 1.000.000,00 na dit besluit"));
    // The payload's ampersand is escaped in HTML, not in text.
    assert!(grant
        .html()
        .unwrap()
        .contains("huisartsen &amp; wijkverpleging"));
    assert!(grant
        .text()
        .unwrap()
        .contains("huisartsen & wijkverpleging"));

    let rejection = find(&mails, "Besluit op uw aanvraag", rb);
    assert_eq!(
        rejection.subject().unwrap(),
        format!("Besluit op uw aanvraag {rb}: afgewezen")
    );
    assert_eq!(rejection.rcpt_to, vec![s.b_email.clone()]);
    let text = flat(&rejection.text().unwrap());
    assert!(text.contains("Wij wijzen uw aanvraag af."), "{text}");
    assert!(
        text.contains("Het plan maakt niet duidelijk hoe de wijkteams"),
        "{text}"
    );
    assert!(text.contains("uiterlijk op 14 juli 2025"), "{text}");
    // The organisation's name is in the To header, even with a diaeresis.
    assert!(rejection
        .header("To")
        .unwrap()
        .contains("Coöperatie Zorg Ommeland"));

    assert!(!mails.iter().any(|m| m
        .subject()
        .unwrap_or_default()
        .starts_with("Tweede beoordeling")));

    // Finance hears of the run.
    let made = mails
        .iter()
        .find(|m| m.subject().unwrap_or_default().starts_with("Betaalronde"))
        .expect("the run mail");
    assert_eq!(made.rcpt_to, vec!["fatima@zonmw.voorbeeld.nl".to_owned()]);
    assert!(
        made.header("To").unwrap().contains("Fatima"),
        "{:?}",
        made.header("To")
    );
    assert_eq!(
        made.subject().unwrap(),
        format!(
            "Betaalronde {} aangemaakt: 1 betaling, € 1.000.000,00",
            run.message_id
        )
    );
    let text = flat(&made.text().unwrap());
    assert!(text.contains("Beste Fatima,"), "{text}");
    assert!(text.contains("4 juni 2025 om 14:30 uur"), "{text}");
    assert!(text.contains("Uitvoeringsdatum: 4 juni 2025"), "{text}");

    // A hears of the payment, to its own address, with the account masked.
    let payment = find(&mails, "Betaling", ra);
    assert_eq!(payment.rcpt_to, vec![s.a_email.clone()]);
    let text = flat(&payment.text().unwrap());
    for expected in [
        format!("Betalingskenmerk: {ra}-V"),
        "maken wij € 1.000.000,00 over als voorschot".to_owned(),
        "Naar rekening: NL** **** **** **43 00".to_owned(),
        "Betaaldatum: 4 juni 2025".to_owned(),
    ] {
        assert!(text.contains(&expected), "missing '{expected}': {text}");
    }
    assert!(!text.contains(IBAN), "{text}");

    // Nothing is sent twice.
    let again = drain_at(
        &w.pool,
        &transport,
        at(2025, 6, 6, 10, 0),
        &DispatchPolicy::default(),
    )
    .unwrap();
    assert!(again.is_idle());
    assert_eq!(sink.messages().len(), 9);
}

/// Inserts `n` receipt notices directly, as the service would, due at `due`.
fn synthetic_rows(pool: &Pool, n: usize, due: DateTime<Utc>) -> Vec<String> {
    let recipients: Vec<String> = (0..n)
        .map(|i| format!("ontvanger{i}@voorbeeld.nl"))
        .collect();
    common::rows_for(pool, &recipients, due)
}

fn row(pool: &Pool, id: &str) -> OutboxRow {
    outbox_rows(pool).into_iter().find(|r| r.id == id).unwrap()
}

#[test]
fn smtp_down_makes_rows_wait_and_they_go_out_once_when_it_is_back() {
    let w = world();
    let (alice, _) = applicant(&w.pool, "r01", "Stichting Noord");
    let (bob, _) = applicant(&w.pool, "r02", "Stichting Oost");
    let t0 = at(2025, 3, 3, 9, 15);
    submitted(&w.pool, &alice, "Project Noord", "700000.00", t0);
    submitted(
        &w.pool,
        &bob,
        "Project Oost",
        "800000.00",
        t0 + TimeDelta::minutes(1),
    );
    let rows = outbox_rows(&w.pool);
    assert_eq!(rows.len(), 2);

    let mut sink = SmtpSink::start().unwrap();
    let transport = smtp(&sink.url());
    sink.stop();

    // Down: both attempts fail, the rows wait 2 minutes (1 min × 2¹).
    let now = t0 + TimeDelta::minutes(5);
    let report = dispatch_once_with(&w.pool, &transport, now, &DispatchPolicy::default()).unwrap();
    assert_eq!((report.claimed, report.sent, report.retried), (2, 0, 2));
    for r in &rows {
        let r = row(&w.pool, &r.id);
        assert_eq!(r.attempts, 1);
        assert!(r.sent_at.is_none() && r.failed_at.is_none());
        assert!(
            r.last_error.as_deref().unwrap().contains("SMTP"),
            "{:?}",
            r.last_error
        );
        assert_eq!(r.due_at, (now + TimeDelta::minutes(2)).naive_utc());
        assert_eq!(r.claimed_until, None);
    }
    assert_eq!(summary(&w.pool).unwrap().retrying, 2);
    assert_eq!(pending_messages(&w.pool).unwrap().len(), 2);

    // Still in back-off: nothing is claimed.
    let report = dispatch_once_with(
        &w.pool,
        &transport,
        now + TimeDelta::minutes(1),
        &DispatchPolicy::default(),
    )
    .unwrap();
    assert!(report.is_idle());

    // Down again after the back-off: attempts 2, the wait doubles to 4 minutes.
    let later = now + TimeDelta::minutes(2);
    let report =
        dispatch_once_with(&w.pool, &transport, later, &DispatchPolicy::default()).unwrap();
    assert_eq!(report.retried, 2);
    for r in &rows {
        let r = row(&w.pool, &r.id);
        assert_eq!(r.attempts, 2);
        assert_eq!(r.due_at, (later + TimeDelta::minutes(4)).naive_utc());
    }
    assert!(sink.messages().is_empty());

    // Back: both delivered, once each.
    sink.restart().unwrap();
    let back = later + TimeDelta::minutes(4);
    let report = drain_at(&w.pool, &transport, back, &DispatchPolicy::default()).unwrap();
    assert_eq!((report.sent, report.retried, report.failed), (2, 0, 0));
    let report = drain_at(
        &w.pool,
        &transport,
        back + TimeDelta::hours(1),
        &DispatchPolicy::default(),
    )
    .unwrap();
    assert!(report.is_idle());
    let mails = sink.messages();
    let mut ids = message_ids(&mails);
    ids.sort();
    let mut expected: Vec<String> = rows
        .iter()
        .map(|r| format!("<{}@subsidie.local>", r.id))
        .collect();
    expected.sort();
    assert_eq!(ids, expected, "each row exactly once");
    for r in &rows {
        let r = row(&w.pool, &r.id);
        assert_eq!(r.attempts, 3);
        assert_eq!(r.sent_at, Some(back.naive_utc()));
        assert_eq!(r.last_error, None);
    }
}

#[test]
fn two_dispatchers_on_one_database_never_send_a_row_twice() {
    let w = world();
    let due = at(2025, 3, 3, 9, 0);
    let ids = synthetic_rows(&w.pool, 40, due);
    let Some(sink) = real_smtp() else {
        return;
    };
    let url = sink.url();
    let start = Arc::new(Barrier::new(2));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            // A separate pool per dispatcher: two processes on one database.
            let pool = w.db.pool(2).unwrap();
            let url = url.clone();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let transport = Transport::smtp(&url, DEFAULT_FROM).unwrap();
                start.wait();
                let mut sent = 0;
                let mut rounds = 0;
                loop {
                    let report = dispatch_once_with(
                        &pool,
                        &transport,
                        due + TimeDelta::minutes(1),
                        &small_batches(),
                    )
                    .unwrap();
                    assert_eq!(report.lost, 0);
                    sent += report.sent;
                    rounds += 1;
                    if report.is_idle() {
                        break;
                    }
                }
                (sent, rounds)
            })
        })
        .collect();
    let results: Vec<(usize, usize)> = workers.into_iter().map(|h| h.join().unwrap()).collect();
    let total: usize = results.iter().map(|(sent, _)| sent).sum();
    assert_eq!(total, 40, "{results:?}");

    let mails = sink.messages();
    assert_eq!(mails.len(), 40);
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in message_ids(&mails) {
        *counts.entry(id).or_default() += 1;
    }
    let duplicates: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicates.is_empty(), "sent twice: {duplicates:?}");
    let expected: BTreeSet<String> = ids
        .iter()
        .map(|id| format!("<{id}@subsidie.local>"))
        .collect();
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(summary(&w.pool).unwrap().sent, 40);
}

/// On PostgreSQL the claim selects `FOR UPDATE SKIP LOCKED`: a row that another
/// dispatcher is claiming right now is passed over, not waited for and not taken.
/// (SQLite has a single writer; there `two_dispatchers_…` covers the same property.)
#[test]
fn postgres_passes_over_rows_another_dispatcher_is_claiming() {
    if subsidie_store::testing::selected_backend() != Backend::Postgres {
        return;
    }
    let w = world();
    let t0 = at(2025, 3, 3, 9, 0);
    let ids = synthetic_rows(&w.pool, 3, t0);
    let mut other = w.db.url().connect().unwrap();
    let DbConnection::Postgres(pg) = &mut other else {
        panic!("not PostgreSQL")
    };
    pg.batch_execute(&format!(
        "BEGIN; SELECT id FROM outbox WHERE id = '{}' FOR UPDATE",
        ids[0]
    ))
    .unwrap();

    let Some(sink) = real_smtp() else {
        return;
    };
    let transport = smtp(&sink.url());
    let started = Instant::now();
    let report = dispatch_once_with(&w.pool, &transport, t0, &DispatchPolicy::default()).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited for the lock"
    );
    assert_eq!((report.claimed, report.sent), (2, 2));
    assert!(row(&w.pool, &ids[0]).sent_at.is_none());

    pg.batch_execute("COMMIT").unwrap();
    let report = dispatch_once_with(&w.pool, &transport, t0, &DispatchPolicy::default()).unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1));
    let mut sent = message_ids(&sink.messages());
    sent.sort();
    let mut expected: Vec<String> = ids
        .iter()
        .map(|id| format!("<{id}@subsidie.local>"))
        .collect();
    expected.sort();
    assert_eq!(sent, expected);
}

#[test]
fn exhausted_retries_mark_the_row_failed_for_the_admin() {
    let w = world();
    let t0 = at(2025, 3, 3, 9, 0);
    let id = synthetic_rows(&w.pool, 1, t0).remove(0);
    let mut sink = SmtpSink::start().unwrap();
    let transport = smtp(&sink.url());
    sink.stop();
    let policy = DispatchPolicy {
        max_attempts: 3,
        ..DispatchPolicy::default()
    };
    let mut now = t0;
    for attempt in 1..=3 {
        let report = dispatch_once_with(&w.pool, &transport, now, &policy).unwrap();
        assert_eq!(report.claimed, 1, "attempt {attempt}");
        now += TimeDelta::hours(1);
    }
    let failed = failed_messages(&w.pool).unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].id, id);
    assert_eq!(failed[0].attempts, 3);
    assert_eq!(
        failed[0].failed_at,
        Some((t0 + TimeDelta::hours(2)).naive_utc())
    );
    assert!(failed[0].last_error.as_deref().unwrap().starts_with("SMTP"));
    assert_eq!(summary(&w.pool).unwrap().failed, 1);
    // A failed row is not claimed any more.
    assert!(
        dispatch_once_with(&w.pool, &transport, now + TimeDelta::days(1), &policy)
            .unwrap()
            .is_idle()
    );

    // The admin puts it back once SMTP works again; it goes out once.
    assert!(matches!(
        retry_failed(&w.pool, "bestaat-niet"),
        Err(ServiceError::NotFound { .. })
    ));
    let retried = retry_failed(&w.pool, &id).unwrap();
    assert_eq!((retried.attempts, retried.failed_at), (0, None));
    assert!(failed_messages(&w.pool).unwrap().is_empty());
    sink.restart().unwrap();
    let report = dispatch_once_with(&w.pool, &transport, now, &policy).unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(
        message_ids(&sink.messages()),
        vec![format!("<{id}@subsidie.local>")]
    );
    // Sent now: no longer failed, so not put back.
    assert!(matches!(
        retry_failed(&w.pool, &id),
        Err(ServiceError::Conflict(_))
    ));
}

#[test]
fn a_crash_between_send_and_mark_resends_with_the_same_message_id() {
    let w = world();
    let t0 = at(2025, 3, 3, 9, 0);
    let id = synthetic_rows(&w.pool, 1, t0).remove(0);
    let Some(sink) = real_smtp() else {
        return;
    };
    let transport = smtp(&sink.url());

    // A dispatcher claimed the row, sent it, and died before marking it.
    let mut conn = w.pool.get().unwrap();
    diesel::update(outbox::table.find(&id))
        .set((
            outbox::claim_token.eq("dispatcher-that-crashed"),
            outbox::claimed_until.eq((t0 + TimeDelta::minutes(10)).naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    transport.send(&row(&w.pool, &id), t0).unwrap();

    // While its claim holds, nobody touches the row.
    let policy = DispatchPolicy::default();
    assert!(
        dispatch_once_with(&w.pool, &transport, t0 + TimeDelta::minutes(5), &policy)
            .unwrap()
            .is_idle()
    );
    // After the lease the row is taken over and sent again: never lost.
    let report =
        dispatch_once_with(&w.pool, &transport, t0 + TimeDelta::minutes(11), &policy).unwrap();
    assert_eq!(report.sent, 1);
    let ids = message_ids(&sink.messages());
    assert_eq!(
        ids,
        vec![
            format!("<{id}@subsidie.local>"),
            format!("<{id}@subsidie.local>")
        ],
        "one resend, recognisable by its Message-ID"
    );
    assert!(row(&w.pool, &id).sent_at.is_some());
    assert!(
        dispatch_once_with(&w.pool, &transport, t0 + TimeDelta::days(1), &policy)
            .unwrap()
            .is_idle()
    );
}

#[test]
fn permanent_errors_fail_at_once() {
    let w = world();
    let t0 = at(2025, 3, 3, 9, 0);
    let ids = synthetic_rows(&w.pool, 2, t0);
    let mut conn = w.pool.get().unwrap();
    diesel::update(outbox::table.find(&ids[0]))
        .set(outbox::recipient.eq("geen adres"))
        .execute(&mut conn)
        .unwrap();
    diesel::update(outbox::table.find(&ids[1]))
        .set(outbox::template.eq("bestaat_niet"))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let Some(sink) = real_smtp() else {
        return;
    };
    let report =
        dispatch_once_with(&w.pool, &smtp(&sink.url()), t0, &DispatchPolicy::default()).unwrap();
    assert_eq!((report.failed, report.sent, report.retried), (2, 0, 0));
    let failed = failed_messages(&w.pool).unwrap();
    assert_eq!(failed.len(), 2);
    let errors: Vec<String> = failed
        .iter()
        .map(|r| r.last_error.clone().unwrap())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("geen bruikbaar e-mailadres")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("onbekend e-mailsjabloon")),
        "{errors:?}"
    );
    assert!(sink.messages().is_empty());
}

#[test]
fn without_smtp_mails_become_eml_files() {
    let w = world();
    let t0 = at(2025, 3, 3, 9, 0);
    let ids = synthetic_rows(&w.pool, 2, t0);
    let dir = std::env::temp_dir().join(format!("subsidie-eml-{}", common::uuid_like()));
    let transport = Transport::from_settings(&MailSettings {
        mail_dir: Some(dir.clone()),
        message_id_domain: Some("post.zonmw.local".into()),
        ..MailSettings::default()
    })
    .unwrap();
    let report = drain_at(&w.pool, &transport, t0, &DispatchPolicy::default()).unwrap();
    assert_eq!(report.sent, 2);
    for id in &ids {
        let eml = std::fs::read_to_string(dir.join(format!("{id}.eml"))).unwrap();
        assert!(
            eml.contains(&format!("Message-ID: <{id}@post.zonmw.local>")),
            "{eml}"
        );
        assert!(eml.contains("Subject: Ontvangstbevestiging van uw aanvraag"));
        assert!(eml.contains("multipart/alternative"));
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "no temporary files left"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn accounting_reminders_are_queued_once_and_delivered() {
    let w = world();
    let s = story(&w.pool);
    let Some(sink) = real_smtp() else {
        return;
    };
    let transport = smtp(&sink.url());
    let before = drain_at(
        &w.pool,
        &transport,
        at(2025, 6, 2, 10, 0),
        &DispatchPolicy::default(),
    )
    .unwrap()
    .sent;

    // Nothing a year ahead, then once within 60 days of the deadline (30 June 2027).
    assert_eq!(
        reminders::accounting_reminders(&w.pool, at(2026, 6, 1, 8, 0), 60).unwrap(),
        0
    );
    let june = at(2027, 6, 1, 8, 0);
    assert_eq!(
        reminders::accounting_reminders(&w.pool, june, 60).unwrap(),
        1
    );
    assert_eq!(
        reminders::accounting_reminders(&w.pool, june, 60).unwrap(),
        0
    );

    let report = drain_at(&w.pool, &transport, june, &DispatchPolicy::default()).unwrap();
    assert_eq!(report.sent, 1);
    let mails = sink.messages();
    assert_eq!(mails.len(), before + 1);
    let reminder = find(&mails, "Herinnering", &s.a.reference);
    assert_eq!(reminder.rcpt_to, vec![s.a_email.clone()]);
    assert_eq!(
        reminder.subject().unwrap(),
        format!(
            "Herinnering: verantwoording voor aanvraag {} uiterlijk 30 juni 2027",
            s.a.reference
        )
    );
    assert!(flat(&reminder.text().unwrap()).contains("ten hoogste € 1.250.000,00"));
}

#[test]
fn the_background_dispatcher_sends_and_stops() {
    let w = world();
    // Rows due in the past: the dispatcher uses the system clock.
    let ids = synthetic_rows(&w.pool, 3, at(2025, 3, 3, 9, 0));
    let Some(sink) = real_smtp() else {
        return;
    };
    let handle = subsidie_notify::spawn_dispatcher(
        w.pool.clone(),
        smtp(&sink.url()),
        Duration::from_millis(50),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while sink.messages().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let flag = handle.stop_flag();
    handle.stop();
    assert!(flag.load(std::sync::atomic::Ordering::SeqCst));
    assert_eq!(sink.messages().len(), 3);
    for id in &ids {
        assert!(row(&w.pool, id).sent_at.is_some());
    }
}

#[test]
fn an_organisation_without_a_valid_email_address_is_refused_at_registration() {
    let w = world();
    for bad in [
        "",
        "info",
        "info@",
        "info@localhost",
        "in fo@x.nl",
        "a<b>@x.nl",
    ] {
        let result = registry::register_organisation(
            &w.pool,
            &Actor::system(),
            &NewOrganisation {
                name: "Stichting Zonder Post".into(),
                region_id: "r03".into(),
                iban: IBAN.into(),
                email: bad.into(),
            },
            at(2025, 1, 6, 9, 0),
        );
        match result {
            Err(ServiceError::Validation(errors)) => {
                assert!(
                    errors.iter().any(|e| e.field == "email"),
                    "{bad}: {errors:?}"
                );
            }
            other => panic!("'{bad}' accepted: {other:?}"),
        }
    }
    // Nothing was registered, so no mail can ever be addressed to it.
    let mut conn = w.pool.get().unwrap();
    let count: i64 = subsidie_store::schema::organisations::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(count, 0);
}
