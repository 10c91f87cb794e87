//! The mailer on its own: `serve --zonder-mailer` (and `MAILER=off`) leave the outbox
//! alone, and two `subsidie mailer` processes on one database, against a real SMTP
//! server (aiosmtpd, see `subsidie_notify::testing::smtpd`), send each mail exactly once
//! and stop cleanly on SIGTERM. On the backend `SUBSIDIE_TEST_BACKEND` selects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use subsidie_notify::testing::outbox::{outbox_row, queue_receipts, unique_id};
use subsidie_notify::testing::smtpd::{Smtpd, SmtpdOptions};
use subsidie_notify::Transport;
use subsidie_store::testing::TestDatabase;
use subsidie_store::{Backend, DatabaseUrl, Pool};

const BIN: &str = env!("CARGO_BIN_EXE_subsidie");

/// The URL as the binary's `DATABASE_URL`.
fn database_url(url: &DatabaseUrl) -> String {
    match url.backend() {
        Backend::Sqlite => format!("sqlite://{}", url.target()),
        Backend::Postgres => url.target().to_owned(),
    }
}

/// A running `subsidie` process with its standard output read line by line; dropping
/// it kills it.
struct Process {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Process {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Process {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env_remove("SMTP_URL")
            .env_remove("MAILER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("subsidie starten");
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Process {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (at most 30 s) for a line of standard output containing `text`.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.seen.iter().any(|l| l.contains(text)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!("geen regel met '{text}' binnen 30 s: {:?}", self.seen),
            }
        }
    }

    /// SIGTERM, then its exit (at most 30 s); true when it exited successfully.
    fn terminate(&mut self) -> bool {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.seen.extend(self.lines.try_iter());
                return status.success();
            }
            assert!(Instant::now() < deadline, "stopt niet na SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn recipients(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("ontvanger{i}@voorbeeld.nl"))
        .collect()
}

fn unsent(pool: &Pool, ids: &[String]) -> usize {
    ids.iter()
        .filter(|id| outbox_row(pool, id).unwrap().unwrap().sent_at.is_none())
        .count()
}

/// Waits (at most `limit`) until every row of `ids` is marked sent.
fn wait_until_sent(pool: &Pool, ids: &[String], limit: Duration) {
    let deadline = Instant::now() + limit;
    while unsent(pool, ids) > 0 {
        assert!(
            Instant::now() < deadline,
            "niet alles verzonden binnen {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn two_mailers_on_one_database_send_each_mail_exactly_once() {
    let Some(server) = Smtpd::start(SmtpdOptions::default()).expect("aiosmtpd starten") else {
        return;
    };
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    let ids = queue_receipts(&pool, &recipients(60), Utc::now() - TimeDelta::minutes(1)).unwrap();
    let url = database_url(db.url());
    let env = [("DATABASE_URL", url.as_str()), ("SMTP_URL", &server.url())];
    let mut mailers = [
        Process::start(&["mailer"], &env),
        Process::start(&["mailer"], &env),
    ];
    for mailer in &mut mailers {
        mailer.wait_for("de mailer draait");
    }
    wait_until_sent(&pool, &ids, Duration::from_secs(60));
    for mailer in &mut mailers {
        assert!(mailer.terminate(), "{:?}", mailer.seen);
        assert!(mailer
            .seen
            .iter()
            .any(|l| l.contains("de mailer is gestopt")));
    }

    let transport = Transport::smtp(&server.url(), "a@b.nl").unwrap();
    let mut received: BTreeMap<String, usize> = BTreeMap::new();
    for mail in server.messages() {
        *received.entry(mail.message_id().unwrap()).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> =
        ids.iter().map(|id| (transport.message_id(id), 1)).collect();
    assert_eq!(received, expected);
}

fn free_bind() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

#[test]
fn serve_without_the_mailer_leaves_the_outbox_to_subsidie_mailer() {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    let ids = queue_receipts(&pool, &recipients(2), Utc::now() - TimeDelta::minutes(1)).unwrap();
    let url = database_url(db.url());
    let mail_dir = std::env::temp_dir().join(format!("subsidie-mailer-{}", unique_id()));
    let mail_dir_text = mail_dir.to_str().unwrap();
    let env = [("DATABASE_URL", url.as_str()), ("MAIL_DIR", mail_dir_text)];
    let by_setting = [("MAILER", "off"), env[0], env[1]];
    for (args, env) in [
        (vec!["serve", "--zonder-mailer"], &env[..]),
        (vec!["serve"], &by_setting[..]),
    ] {
        let bind = free_bind();
        let mut args = args;
        args.extend(["--bind", bind.as_str()]);
        let mut serve = Process::start(&args, env);
        serve.wait_for("stoppen: Ctrl-C");
        assert!(
            serve.seen.iter().any(|l| l.contains("niet in dit proces")),
            "{:?}",
            serve.seen
        );
        // A mailer in this process would have sent in its first round, at start.
        std::thread::sleep(Duration::from_millis(1500));
        assert_eq!(unsent(&pool, &ids), 2);
        assert!(serve.terminate());
    }

    let mut mailer = Process::start(&["mailer"], &env);
    mailer.wait_for("de mailer draait");
    wait_until_sent(&pool, &ids, Duration::from_secs(30));
    assert!(mailer.terminate());
    for id in &ids {
        assert!(mail_dir.join(format!("{id}.eml")).is_file());
    }
    let _ = std::fs::remove_dir_all(&mail_dir);
}

#[test]
fn a_wrong_mailer_setting_is_refused_with_what_would_be_accepted() {
    let db = TestDatabase::new().unwrap();
    let url = database_url(db.url());
    let bind = free_bind();
    let output = Command::new(BIN)
        .args(["serve", "--bind", &bind])
        .env("DATABASE_URL", &url)
        .env("MAILER", "soms")
        .env_remove("SMTP_URL")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("MAILER='soms'") && stderr.contains("'off'"),
        "{stderr}"
    );
}
