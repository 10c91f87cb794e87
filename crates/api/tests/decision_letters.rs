//! Decisions as PDF letters (issue 18, item 5), over HTTP on the selected backend: each
//! decision is made once as a PDF with its SHA-256, listed and downloaded by whoever may
//! see the application (and nobody else), attached unchanged to its e-mail, and its text
//! reads back with `pdftotext`: the reference, the amounts in Dutch notation and the last
//! day to object.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft, draft_body, Cast, TestServer, User};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use subsidie_notify::testing::pdf_text;
use subsidie_store::documents::hex;

fn submit(s: &TestServer, applicant: &User, id: &str) {
    s.post(
        applicant,
        &format!("/aanvragen/{id}/indieningen"),
        json!({}),
    )
    .expect(200);
}

fn review(s: &TestServer, reviewer: &User, id: &str, body: Value) -> Value {
    s.post(reviewer, &format!("/aanvragen/{id}/beoordelingen"), body)
        .expect(200)
        .json()
}

fn decisions(s: &TestServer, user: &User, id: &str) -> Vec<Value> {
    s.get(user, &format!("/aanvragen/{id}/besluiten"))
        .expect(200)
        .json()["besluiten"]
        .as_array()
        .unwrap()
        .clone()
}

fn download(s: &TestServer, user: &User, id: &str, letter: &Value) -> Vec<u8> {
    let res = s.get(
        user,
        &format!(
            "/aanvragen/{id}/besluiten/{}",
            letter["id"].as_str().unwrap()
        ),
    );
    res.expect(200);
    assert_eq!(res.header("content-type"), Some("application/pdf"));
    let disposition = res.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(
        res.header("etag").map(str::to_owned),
        Some(format!("\"{}\"", letter["sha256"].as_str().unwrap()))
    );
    res.body.clone()
}

/// "2025-04-14" as a letter writes it: "14 april 2025".
fn dutch_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let parts: Vec<u32> = iso.split('-').map(|p| p.parse().unwrap()).collect();
    format!(
        "{} {} {}",
        parts[2],
        MONTHS[parts[1] as usize - 1],
        parts[0]
    )
}

#[test]
fn grant_and_rejection_are_pdf_letters_that_only_their_readers_get() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let a = draft(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "987654.32", None),
    );
    let b = draft(
        &s,
        &c.applicant_b,
        draft_body("uitvoering", "600000.00", None),
    );
    submit(&s, &c.applicant_a, &a);
    submit(&s, &c.applicant_b, &b);
    allocate(&s, &c.admin, "uitvoering");
    assert!(
        decisions(&s, &c.applicant_a, &a).is_empty(),
        "no decision yet"
    );

    s.set_now(at(2025, 4, 14, 10));
    review(&s, &c.reviewer, &a, json!({"besluit": "starten"}));
    let granted = review(
        &s,
        &c.reviewer,
        &a,
        json!({"besluit": "honoreren", "bedrag": "987654.32", "motivering": "Sterk regioplan met\neen hecht wijkverband."}),
    );
    let reference = granted["referentie"].as_str().unwrap().to_owned();
    let objection_day = dutch_date(granted["bezwaarUiterlijk"].as_str().unwrap());

    let list = decisions(&s, &c.applicant_a, &a);
    assert_eq!(list.len(), 1, "{list:?}");
    let letter = &list[0];
    assert_eq!(letter["soort"], json!("verleningsbeschikking"));
    assert_eq!(letter["dagtekening"], json!("2025-04-14"));
    assert_eq!(letter["mediatype"], json!("application/pdf"));
    let pdf = download(&s, &c.applicant_a, &a, letter);
    assert_eq!(
        hex(&Sha256::digest(&pdf)),
        letter["sha256"].as_str().unwrap()
    );
    assert_eq!(letter["grootte"], json!(pdf.len()));
    let text = pdf_text(&pdf);
    for expected in [
        format!("Ons kenmerk {reference}"),
        "Datum 14 april 2025".to_owned(),
        "een subsidie van ten hoogste € 987.654,32".to_owned(),
        "Verleend bedrag € 987.654,32".to_owned(),
        format!("uiterlijk op {objection_day} bij ons zijn ontvangen"),
        "Sterk regioplan met".to_owned(),
        "namens ZonMw".to_owned(),
    ] {
        assert!(text.contains(&expected), "no '{expected}' in:\n{text}");
    }

    // Finance and the reviewer see it; the other region's applicant does not learn it exists.
    assert_eq!(download(&s, &c.finance, &a, letter), pdf);
    assert_eq!(decisions(&s, &c.reviewer, &a).len(), 1);
    s.get(&c.applicant_b, &format!("/aanvragen/{a}/besluiten"))
        .problem(404);
    s.get(
        &c.applicant_b,
        &format!(
            "/aanvragen/{a}/besluiten/{}",
            letter["id"].as_str().unwrap()
        ),
    )
    .problem(404);
    s.get(
        &c.applicant_b,
        &format!(
            "/aanvragen/{b}/besluiten/{}",
            letter["id"].as_str().unwrap()
        ),
    )
    .problem(404);

    // A rejection is a letter of its own, with its motivation.
    review(&s, &c.reviewer, &b, json!({"besluit": "starten"}));
    review(
        &s,
        &c.reviewer,
        &b,
        json!({"besluit": "afwijzen", "motivering": "Het plan mist een hecht wijkverband."}),
    );
    let rejected = decisions(&s, &c.applicant_b, &b);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["soort"], json!("afwijzingsbeschikking"));
    let text = pdf_text(&download(&s, &c.applicant_b, &b, &rejected[0]));
    assert!(
        text.contains("Het plan mist een hecht wijkverband."),
        "{text}"
    );
    assert!(
        text.contains("Bent u het niet eens met dit besluit?"),
        "{text}"
    );

    // The stored letter is never changed: the database refuses.
    use diesel::prelude::*;
    use subsidie_store::schema::decision_letters;
    let mut conn = s.pool.get().unwrap();
    let changed = diesel::update(decision_letters::table.find(letter["id"].as_str().unwrap()))
        .set(decision_letters::sha256.eq("0"))
        .execute(&mut conn);
    assert!(changed.is_err(), "a decision's letter was changed");
    let removed = diesel::delete(decision_letters::table.find(letter["id"].as_str().unwrap()))
        .execute(&mut conn);
    assert!(removed.is_err(), "a decision's letter was removed");
    drop(conn);
    assert_eq!(download(&s, &c.applicant_a, &a, letter), pdf);
}

#[test]
fn the_mail_of_a_decision_carries_the_same_pdf() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let a = draft(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "750000.00", None),
    );
    submit(&s, &c.applicant_a, &a);
    allocate(&s, &c.admin, "uitvoering");
    review(&s, &c.reviewer, &a, json!({"besluit": "starten"}));
    review(
        &s,
        &c.reviewer,
        &a,
        json!({"besluit": "honoreren", "bedrag": "750000.00", "motivering": "Akkoord."}),
    );
    let letter = decisions(&s, &c.applicant_a, &a).remove(0);
    let pdf = download(&s, &c.applicant_a, &a, &letter);

    let sink = subsidie_notify::testing::SmtpSink::start().unwrap();
    let transport = subsidie_notify::Transport::smtp(
        &format!("smtp://127.0.0.1:{}", sink.port()),
        "ZonMw subsidies <subsidies@zonmw.local>",
    )
    .unwrap();
    subsidie_notify::drain(&s.pool, &transport).unwrap();
    let mails = sink.messages();
    let decision = mails
        .iter()
        .find(|m| m.subject().is_some_and(|t| t.contains("subsidie verleend")))
        .unwrap_or_else(|| panic!("no grant mail among {}", mails.len()));
    assert_eq!(
        decision.part_types()[..3],
        ["multipart/mixed", "multipart/alternative", "text/plain"]
    );
    let (name, attached) = decision.attachment("application/pdf").unwrap();
    assert_eq!(
        name.as_deref(),
        Some(letter["bestandsnaam"].as_str().unwrap())
    );
    assert_eq!(attached, pdf, "the attachment is the stored letter");
    assert!(decision
        .text()
        .unwrap()
        .contains("subsidie van ten hoogste"));
    // A mail that is no decision has no attachment.
    let receipt = mails
        .iter()
        .find(|m| {
            m.subject()
                .is_some_and(|t| t.starts_with("Ontvangstbevestiging"))
        })
        .unwrap();
    assert!(receipt.attachment("application/pdf").is_none());
    assert_eq!(receipt.part_types()[0], "multipart/alternative");
}
