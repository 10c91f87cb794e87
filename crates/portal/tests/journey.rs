//! The journey of issue 14 in a real browser: an applicant signs in by the e-mail link
//! (read from the real outbox), creates and submits an application; an administrator
//! allocates; a reviewer asks for a supplement; the applicant supplies it; the reviewer
//! proposes a grant above the four-eyes limit; a second reviewer confirms; the applicant
//! sees the decision and its letter. Every page is checked with axe-core by
//! `browser/journey.mjs`, which drives Debian's Chromium with playwright-core.
//!
//! With `CI=true` the test must run; elsewhere it skips, saying what to install, when the
//! browser or the Node modules are missing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{at, TestServer};
use subsidie_service::{allocation, Actor, Role};

const CHROMIUM: &str = "/usr/bin/chromium";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why the browser test cannot run here, if it cannot.
fn missing() -> Option<String> {
    if !Path::new(CHROMIUM).exists() {
        return Some(format!(
            "{CHROMIUM} ontbreekt: apt-get install -y chromium chromium-driver"
        ));
    }
    if !browser_dir().join("node_modules/playwright-core").exists() {
        return Some(format!(
            "Node-modules ontbreken: (cd {} && npm ci)",
            browser_dir().display()
        ));
    }
    None
}

fn answer(server: &TestServer, question: &str) -> String {
    let mut parts = question.splitn(2, ' ');
    match (parts.next(), parts.next()) {
        (Some("link"), Some(email)) => server
            .signin_link(email)
            .unwrap_or_else(|| "geen link".into()),
        (Some("toewijzen"), Some(instrument)) => {
            match allocation::run(
                &server.pool,
                &Actor::system(),
                instrument,
                None,
                server.clock.now(),
            ) {
                Ok(_) => "ok".into(),
                Err(e) => e.to_string(),
            }
        }
        _ => format!("onbekende vraag '{question}'"),
    }
}

#[test]
fn the_journey_in_a_real_browser() {
    if let Some(why) = missing() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true, maar de browsertest kan niet draaien: {why}"
        );
        eprintln!("browsertest overgeslagen: {why}");
        return;
    }
    let server = TestServer::start(at(2025, 3, 3, 9));
    let email = "info@rivierenland.example.org";
    let org = server.organisation("r15", email);
    server.user("Anna de Vries", email, Role::Applicant, Some(&org));
    let first = server.user(
        "Pieter Jansen",
        "pieter@zonmw.example.nl",
        Role::Reviewer,
        None,
    );
    let second = server.user(
        "Fatima el Amrani",
        "fatima@zonmw.example.nl",
        Role::Reviewer,
        None,
    );
    let backend = format!("{:?}", subsidie_store::testing::selected_backend()).to_lowercase();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/portal-screenshots")
        .join(backend);
    // Only this run's pages, so nobody looks at a stale one.
    let _ = std::fs::remove_dir_all(&shots);

    let mut node = Command::new("node")
        .arg("journey.mjs")
        .current_dir(browser_dir())
        .env("PORTAL_URL", server.base_url())
        .env("SCREENSHOTS", &shots)
        .env("APPLICANT_EMAIL", email)
        .env("REVIEWER1_TOKEN", &first.token)
        .env("REVIEWER1_NAME", "Pieter Jansen")
        .env("REVIEWER2_TOKEN", &second.token)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node starten");
    let mut to_node = node.stdin.take().expect("stdin");
    let from_node = BufReader::new(node.stdout.take().expect("stdout"));
    for line in from_node.lines() {
        let line = line.expect("uitvoer van node");
        match line.strip_prefix("VRAAG ") {
            Some(question) => {
                let reply = answer(&server, question);
                writeln!(to_node, "{reply}").expect("antwoord aan node");
            }
            None => println!("{line}"),
        }
    }
    drop(to_node);
    let status = node.wait().expect("node");
    assert!(
        status.success(),
        "de browsertest faalde ({status}); zie de uitvoer hierboven"
    );
}
