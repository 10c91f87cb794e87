//! The page that adds an instrument to a programme, over plain HTTP: linked from
//! `/beheer`, for administrators only; what a field says wrong on its own and what the
//! use case refuses (the programme's period, the envelope, a code already taken) come
//! back as the form with the messages next to the fields and what was typed kept; a
//! good one lands on the new instrument's page with its history.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::http::{get, plain, post, sign_in, Session};
use common::{at, TestServer};
use subsidie_service::{queries, Role};

const FORM: &str = "/beheer/programmas/versterking-eerstelijnszorg/regeling-toevoegen";
const ADD: &str = "/beheer/programmas/versterking-eerstelijnszorg/regelingen";

/// A good instrument's form, with `changes` (name, value) put over it.
fn form(s: &Session, changes: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("csrf", s.csrf.as_str()),
        ("code", "innovatie"),
        ("naam", "Innovatieregeling"),
        ("soort", "uitvoering"),
        ("verdeling", "volgorde-van-binnenkomst"),
        ("plafond", "1.000.000,00"),
        ("minimumBedrag", "10.000"),
        ("maximumBedrag", "100.000,00"),
        ("vastBedrag", ""),
        ("voorschotPercentage", "80"),
        ("vierOgenBoven", ""),
        ("openVanaf", "2026-06-15"),
        ("openTotEnMet", "2026-09-30"),
        ("beslistermijnWeken", "8"),
        ("aanvultermijnDagen", "14"),
        ("verantwoordingUiterlijk", ""),
        ("uniek", "geen"),
        ("disciplineVerplicht", "nee"),
        ("reden", "Nieuwe regeling na de voorjaarsnota"),
    ];
    for (name, value) in changes {
        let at = fields.iter().position(|(n, _)| n == name).unwrap();
        fields[at].1 = value;
    }
    fields
        .iter()
        .map(|(n, v)| format!("{n}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Posts the form and expects it back (422) with an error linked to each of `fields`.
fn refused(server: &TestServer, s: &Session, changes: &[(&str, &str)], fields: &[&str]) -> String {
    let res = post(server, ADD, &s.cookie, &form(s, changes));
    assert_eq!(res.status, 422, "{}", res.text());
    let page = plain(&res);
    for field in fields {
        assert!(
            page.contains(&format!("href=\"#veld-{field}\"")),
            "no error linked to {field}: {page}"
        );
        assert!(
            page.contains(&format!("id=\"fout-{field}\"")),
            "no error next to {field}: {page}"
        );
    }
    page
}

#[test]
fn an_instrument_is_added_from_its_page_and_refusals_come_back_next_to_the_fields() {
    let server = TestServer::start(at(2026, 6, 1, 9));
    let admin = server.user(
        "Beheerder Bakker",
        "beheer@zonmw.example.nl",
        Role::Admin,
        None,
    );
    let reviewer = server.user(
        "Pieter Jansen",
        "pieter@zonmw.example.nl",
        Role::Reviewer,
        None,
    );

    let r = sign_in(&server, &reviewer.token);
    assert_eq!(get(&server, FORM, &r.cookie).status, 403);
    let a = sign_in(&server, &admin.token);
    let foreign = post(&server, ADD, &r.cookie, &form(&r, &[]));
    assert_eq!(foreign.status, 403, "a reviewer cannot add one either");

    let home = plain(&get(&server, "/beheer", &a.cookie));
    assert!(home.contains(&format!("href=\"{FORM}\"")), "{home}");
    let empty = get(&server, FORM, &a.cookie);
    assert_eq!(empty.status, 200);
    assert!(
        empty.text().contains("value=\"80\""),
        "defaults are filled in"
    );
    let missing = get(
        &server,
        "/beheer/programmas/bestaat-niet/regeling-toevoegen",
        &a.cookie,
    );
    assert_eq!(missing.status, 404);

    let forged = post(&server, ADD, &a.cookie, &form(&a, &[("csrf", "verkeerd")]));
    assert_eq!(forged.status, 403);

    // What the page reads itself: empty and unreadable fields, each named.
    let page = refused(
        &server,
        &a,
        &[
            ("code", ""),
            ("plafond", "veel"),
            ("maximumBedrag", ""),
            ("openTotEnMet", "eind september"),
            ("voorschotPercentage", "120"),
        ],
        &[
            "code",
            "plafond",
            "maximumBedrag",
            "openTotEnMet",
            "voorschotPercentage",
        ],
    );
    assert!(
        page.contains("&#x27;veel&#x27; is geen bedrag") || page.contains("'veel' is geen bedrag"),
        "{page}"
    );
    assert!(
        page.contains("value=\"Innovatieregeling\""),
        "what was typed is kept: {page}"
    );

    // What the programme's rules refuse, next to the field it is about.
    let page = refused(
        &server,
        &a,
        &[
            ("openTotEnMet", "2027-03-31"),
            ("minimumBedrag", "200.000,00"),
            ("aanvultermijnDagen", "0"),
            ("code", "Innovatie 2026"),
        ],
        &["openVanaf", "minimumBedrag", "aanvultermijnDagen", "code"],
    );
    assert!(page.contains("valt niet binnen de looptijd"), "{page}");
    assert!(page.contains("hoger dan het maximumbedrag"), "{page}");

    // The envelope is a refusal of the whole, in the summary.
    let res = post(
        &server,
        ADD,
        &a.cookie,
        &form(&a, &[("plafond", "20.000.000,00")]),
    );
    assert_eq!(res.status, 422, "{}", res.text());
    assert!(res.text().contains("envelop"), "{}", res.text());
    assert!(
        queries::instruments(&server.pool)
            .unwrap()
            .iter()
            .all(|i| i.id != "innovatie"),
        "nothing was added by a refusal"
    );

    let added = post(&server, ADD, &a.cookie, &form(&a, &[]));
    assert_eq!(added.status, 303, "{}", added.text());
    let to = added.header("location").unwrap().to_owned();
    assert_eq!(to, "/beheer/regelingen/innovatie?gedaan=toegevoegd");
    let shown = get(&server, &to, &a.cookie);
    assert_eq!(shown.status, 200);
    let text = shown.text();
    assert!(text.contains("De regeling is toegevoegd"), "{text}");
    assert!(
        text.contains("Regeling toegevoegd door Beheerder Bakker"),
        "{text}"
    );
    assert!(text.contains("€ 1.000.000,00"), "{text}");
    let row = queries::instrument(&server.pool, "innovatie").unwrap();
    assert_eq!(row.ceiling_cents, 100_000_000);

    let again = post(&server, ADD, &a.cookie, &form(&a, &[]));
    assert_eq!(again.status, 422);
    assert!(
        again.text().contains("Er is al een instrument met de code"),
        "{}",
        again.text()
    );
}
