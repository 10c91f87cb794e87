//! Delivery against a real SMTP server on loopback (aiosmtpd, see
//! `subsidie_notify::testing::smtpd`): plain SMTP, STARTTLS with a self-signed
//! certificate trusted through `SMTP_CA_FILE`, AUTH with the credentials of the URL, and
//! the two classes of refusal: a 550 fails the message at once with the server's words,
//! a 451 is retried after the back-off and then delivered. On the backend
//! `SUBSIDIE_TEST_BACKEND` selects. Outside CI each test is skipped (with a message on
//! how to install it) when aiosmtpd is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, TimeZone, Utc};
use subsidie_notify::dispatch::{drain_at, DispatchPolicy};
use subsidie_notify::testing::smtpd::{Smtpd, SmtpdOptions};
use subsidie_notify::transport::DEFAULT_FROM;
use subsidie_notify::{MailSettings, Transport};
use subsidie_service::Pool;
use subsidie_store::testing::TestDatabase;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().unwrap()
}

/// A database; the pool is dropped before the database.
struct World {
    pool: Pool,
    _db: TestDatabase,
}

fn world() -> World {
    let db = TestDatabase::new().unwrap();
    World {
        pool: db.pool(2).unwrap(),
        _db: db,
    }
}

/// A server with `options` and a database with one receipt per recipient due at
/// [`t0`]; `None` (skip) when aiosmtpd is missing outside CI.
fn setup(options: SmtpdOptions, recipients: &[&str]) -> Option<(Smtpd, World, Vec<String>)> {
    let server = Smtpd::start(options).expect("aiosmtpd starten")?;
    let w = world();
    let recipients: Vec<String> = recipients.iter().map(|a| (*a).to_owned()).collect();
    let ids = common::rows_for(&w.pool, &recipients, t0());
    Some((server, w, ids))
}

/// Sends what is due at `now`: (sent, retried, failed).
fn drain(pool: &Pool, transport: &Transport, now: DateTime<Utc>) -> (usize, usize, usize) {
    let report = drain_at(pool, transport, now, &DispatchPolicy::default()).unwrap();
    (report.sent, report.retried, report.failed)
}

#[test]
fn plain_smtp_delivers_with_the_rows_message_id() {
    let Some((server, w, ids)) = setup(SmtpdOptions::default(), &["info@r01.voorbeeld.nl"]) else {
        return;
    };
    let transport = Transport::smtp(&server.url(), DEFAULT_FROM).unwrap();
    assert_eq!(drain(&w.pool, &transport, t0()), (1, 0, 0));
    let deliveries = server.deliveries();
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    assert!(!d.tls);
    assert_eq!(d.login, None);
    assert_eq!(d.mail.rcpt_to, ["info@r01.voorbeeld.nl"]);
    assert_eq!(d.mail.message_id().unwrap(), transport.message_id(&ids[0]));
    assert!(d.mail.text().unwrap().contains("ontvangen"));
    assert!(common::row(&w.pool, &ids[0]).sent_at.is_some());
}

fn secured() -> SmtpdOptions {
    SmtpdOptions {
        starttls: true,
        auth: Some(("mailer".into(), "geheim-123".into())),
        ..SmtpdOptions::default()
    }
}

#[test]
fn starttls_and_auth_with_the_credentials_of_the_url() {
    let Some((server, w, ids)) = setup(secured(), &["info@r02.voorbeeld.nl"]) else {
        return;
    };
    assert!(server.url().contains("tls=required"));
    let transport = Transport::from_settings(&MailSettings {
        smtp_url: Some(server.url()),
        smtp_ca_file: server.ca_file(),
        ..MailSettings::default()
    })
    .unwrap();
    assert!(!transport.describe().contains("geheim"));
    let report = drain_at(&w.pool, &transport, t0(), &DispatchPolicy::default()).unwrap();
    assert_eq!(report.sent, 1, "{:?}", common::row(&w.pool, &ids[0]));
    let deliveries = server.deliveries();
    assert_eq!(deliveries.len(), 1);
    assert!(deliveries[0].tls, "the message crossed without TLS");
    assert_eq!(deliveries[0].login.as_deref(), Some("mailer"));
}

#[test]
fn an_untrusted_certificate_or_a_wrong_password_is_retried_not_failed() {
    let Some((server, w, ids)) = setup(secured(), &["info@r03.voorbeeld.nl"]) else {
        return;
    };
    // Without SMTP_CA_FILE the self-signed certificate is not trusted: certificate
    // checks stay on.
    let untrusted = Transport::smtp(&server.url(), DEFAULT_FROM).unwrap();
    assert_eq!(drain(&w.pool, &untrusted, t0()), (0, 1, 0));
    let row = common::row(&w.pool, &ids[0]);
    assert!(row.failed_at.is_none());
    assert!(row.last_error.unwrap().starts_with("SMTP: "));

    // A wrong password is the sender's problem, not the message's: retried. (lettre
    // tries its next mechanism after aiosmtpd's 535 and then times out, so the error
    // kept is the timeout's, not the 535.)
    let wrong = server.url().replace("geheim-123", "fout");
    let wrong =
        Transport::smtp_trusting(&wrong, DEFAULT_FROM, server.ca_file().as_deref()).unwrap();
    let later = t0() + DispatchPolicy::default().backoff(1);
    assert_eq!(drain(&w.pool, &wrong, later), (0, 1, 0));
    let row = common::row(&w.pool, &ids[0]);
    assert!(row.failed_at.is_none());
    assert!(row.last_error.unwrap().starts_with("SMTP"));
    assert!(server.deliveries().is_empty());
}

#[test]
fn a_550_fails_the_message_at_once_with_the_servers_words() {
    let Some((server, w, ids)) = setup(
        SmtpdOptions {
            reject: vec!["niemand@voorbeeld.nl".into()],
            ..SmtpdOptions::default()
        },
        &["niemand@voorbeeld.nl", "iemand@voorbeeld.nl"],
    ) else {
        return;
    };
    let transport = Transport::smtp(&server.url(), DEFAULT_FROM).unwrap();
    assert_eq!(drain(&w.pool, &transport, t0()), (1, 0, 1));
    let refused = common::row(&w.pool, &ids[0]);
    assert!(refused.failed_at.is_some());
    assert_eq!(refused.attempts, 1);
    let error = refused.last_error.unwrap();
    assert!(error.contains("550"), "{error}");
    assert!(error.contains("no such user"), "{error}");
    assert!(common::row(&w.pool, &ids[1]).sent_at.is_some());
    let deliveries = server.deliveries();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].mail.rcpt_to, ["iemand@voorbeeld.nl"]);
}

#[test]
fn a_451_is_retried_after_the_backoff_and_then_delivered() {
    let Some((server, w, ids)) = setup(
        SmtpdOptions {
            defer: vec![("druk@voorbeeld.nl".into(), 1)],
            ..SmtpdOptions::default()
        },
        &["druk@voorbeeld.nl"],
    ) else {
        return;
    };
    let transport = Transport::smtp(&server.url(), DEFAULT_FROM).unwrap();
    let policy = DispatchPolicy::default();
    let report = drain_at(&w.pool, &transport, t0(), &policy).unwrap();
    assert_eq!((report.sent, report.retried, report.failed), (0, 1, 0));
    let waiting = common::row(&w.pool, &ids[0]);
    assert!(waiting.failed_at.is_none() && waiting.sent_at.is_none());
    let error = waiting.last_error.unwrap();
    assert!(
        error.contains("451") && error.contains("try again later"),
        "{error}"
    );
    let due = t0() + policy.backoff(1);
    assert_eq!(waiting.due_at, due.naive_utc());

    // Not before its time, then once.
    let early = drain_at(
        &w.pool,
        &transport,
        due - chrono::TimeDelta::seconds(1),
        &policy,
    )
    .unwrap();
    assert!(early.is_idle());
    let report = drain_at(&w.pool, &transport, due, &policy).unwrap();
    assert_eq!(report.sent, 1);
    let sent = common::row(&w.pool, &ids[0]);
    assert!(sent.sent_at.is_some());
    assert_eq!(sent.attempts, 2);
    assert_eq!(server.deliveries().len(), 1);
}
