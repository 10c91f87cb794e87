//! Rounds (issue 18, item 1) on the real database: the 14:00 boundary in Amsterdam time,
//! the round an application records, the round ceilings and carry-over in allocation,
//! the second preparation round's rule, and the Dutch refusals of a wrong file.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Utc};
use common::*;
use subsidie_service::application::{self as applications, Action};
use subsidie_service::{allocation, seed, Actor, Pool, ServiceError};

/// A programme with one instrument of three rounds closing at 14:00, ceilings of
/// € 3 mln, € 2 mln and € 2 mln (carrying over from the first to the second), and a
/// gap between the second and the third.
const ROUNDS: &str = r#"
[programma]
code = "rondes"
naam = "Rondes"
financier = "ZonMw"
envelop = "10000000.00"
looptijd = { van = 2024-01-01, tot_en_met = 2026-12-31 }

[[programma.instrumenten]]
code = "oproep"
naam = "Oproep"
soort = "uitvoering"
plafond = "7000000.00"
bedrag = { min = "500000.00", max = "2000000.00" }
verdeling = "volgorde-van-binnenkomst"
voorschot_percentage = 80
beslistermijn_weken = 13
aanvultermijn_dagen = 14

[[programma.instrumenten.rondes]]
code = "ronde-1"
naam = "Eerste ronde"
opent = 2024-04-02T09:00:00
sluit = 2024-07-03T14:00:00
plafond = "3000000.00"
overloop = true

[[programma.instrumenten.rondes]]
code = "ronde-2"
naam = "Tweede ronde"
opent = 2024-07-03T14:00:01
sluit = 2024-09-25T14:00:00
plafond = "2000000.00"

[[programma.instrumenten.rondes]]
code = "ronde-3"
naam = "Derde ronde"
opent = 2024-10-01T09:00:00
sluit = 2024-12-04T14:00:00
plafond = "2000000.00"

[[regios]]
code = "r01"
naam = "Noord"
inwoners = 100_000

[[regios]]
code = "r02"
naam = "Oost"
inwoners = 100_000

[[regios]]
code = "r03"
naam = "Zuid"
inwoners = 100_000

[[regios]]
code = "r04"
naam = "West"
inwoners = 100_000
"#;

fn rounds_world() -> World {
    rounds_world_with(ROUNDS)
}

fn rounds_world_with(text: &str) -> World {
    let w = empty_world(4);
    let file = seed::parse_programme_file(text).unwrap();
    seed::load(&w.pool, &file, at(2024, 1, 1, 0, 0)).unwrap();
    w
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// A draft of `amount` under `instrument` by a new applicant in `region`.
fn draft(pool: &Pool, region: &str, instrument: &str, amount: &str) -> (Actor, String) {
    let (a, _) = applicant(pool, region);
    let d = applications::create_draft(
        pool,
        &a,
        &new_app(instrument, None, amount),
        at(2024, 1, 2, 9, 0),
    )
    .unwrap();
    (a, d.id)
}

fn submit(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    attach_required(pool, actor, id, now);
    applications::execute(pool, actor, id, None, &Action::Submit, now)?;
    Ok(app(pool, id).round_code.unwrap())
}

fn refusal(result: Result<String, ServiceError>, field: &str) -> String {
    match result {
        Err(ServiceError::Validation(fields)) => {
            fields
                .into_iter()
                .find(|f| f.field == field)
                .unwrap_or_else(|| panic!("no refusal of '{field}'"))
                .message
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_closing_second_counts_in_amsterdam_time() {
    let w = rounds_world();
    let pool = &w.pool;
    // 3 July 2024 is summer time: 14:00:00 in Amsterdam is 12:00:00 UTC.
    let (a, first) = draft(pool, "r01", "oproep", "1000000.00");
    assert_eq!(
        submit(pool, &a, &first, utc("2024-07-03T12:00:00Z")).unwrap(),
        "ronde-1"
    );
    // One second later the first round is over; the second takes it.
    let (b, second) = draft(pool, "r02", "oproep", "1000000.00");
    assert_eq!(
        submit(pool, &b, &second, utc("2024-07-03T12:00:01Z")).unwrap(),
        "ronde-2"
    );
    // 25 September 14:00:01 falls in the gap before the third round: refused, with the
    // closing time and the next opening in the message.
    let (c, third) = draft(pool, "r03", "oproep", "1000000.00");
    let message = refusal(
        submit(pool, &c, &third, utc("2024-09-25T12:00:01Z")),
        "instrument",
    );
    assert!(
        message
            .contains("ronde 'Tweede ronde' van 'Oproep' sloot op 25 september 2024 om 14:00:00"),
        "{message}"
    );
    assert!(
        message.contains("'Derde ronde', opent op 1 oktober 2024 om 09:00:00"),
        "{message}"
    );
    // 4 December is winter time: 14:00:00 is 13:00:00 UTC, and after it nothing is open.
    let message = refusal(
        submit(pool, &c, &third, utc("2024-12-04T13:00:01Z")),
        "instrument",
    );
    assert!(
        message.contains(
            "sloot op 4 december 2024 om 14:00:00 (Nederlandse tijd) en er komt geen ronde meer"
        ),
        "{message}"
    );
    assert_eq!(
        submit(pool, &c, &third, utc("2024-12-04T13:00:00Z")).unwrap(),
        "ronde-3"
    );
}

#[test]
fn allocation_places_one_round_within_its_ceiling_and_carries_over() {
    let w = rounds_world();
    let pool = &w.pool;
    let admin = Actor::system();
    // Round 1 (ceiling 3 mln): 2 mln and 2 mln; only the first fits.
    let mut round_one = Vec::new();
    // On different days, so no lot is drawn between them.
    for (region, day) in [("r01", 6), ("r02", 7)] {
        let (a, id) = draft(pool, region, "oproep", "2000000.00");
        submit(pool, &a, &id, at(2024, 5, day, 9, 0)).unwrap();
        round_one.push(id);
    }
    // Round 2 (ceiling 2 mln plus what round 1 leaves): 2 mln and 1 mln, submitted
    // before round 1 is allocated.
    let mut round_two = Vec::new();
    for (region, amount) in [("r03", "2000000.00"), ("r04", "1000000.00")] {
        let (a, id) = draft(pool, region, "oproep", amount);
        submit(pool, &a, &id, at(2024, 8, 5, 9, 0)).unwrap();
        round_two.push(id);
    }

    // The first run takes the earliest round with submitted applications, and only it.
    let run = allocation::run(pool, &admin, "oproep", None, at(2024, 8, 6, 7, 0)).unwrap();
    assert_eq!(run.run.round_code.as_deref(), Some("ronde-1"));
    assert_eq!(run.run.available_before_cents, 300_000_000);
    assert_eq!(app(pool, &round_one[0]).state, "gereserveerd");
    assert_eq!(app(pool, &round_one[1]).state, "wachtlijst");
    for id in &round_two {
        assert_eq!(app(pool, id).state, "ingediend");
    }

    // Round 2 has its own 2 mln and the 1 mln round 1 left: 3 mln, both fit.
    let run = allocation::run_round(
        pool,
        &admin,
        "oproep",
        Some("ronde-2"),
        None,
        at(2024, 9, 26, 7, 0),
    )
    .unwrap();
    assert_eq!(run.run.round_code.as_deref(), Some("ronde-2"));
    assert_eq!(run.run.available_before_cents, 300_000_000);
    for id in &round_two {
        assert_eq!(app(pool, id).state, "gereserveerd");
    }
    // Round 1 and 2 together are now full: round 1's waiting list does not move up,
    // although the instrument (7 mln) has room.
    let run = allocation::run_round(
        pool,
        &admin,
        "oproep",
        Some("ronde-1"),
        None,
        at(2024, 9, 27, 7, 0),
    )
    .unwrap();
    assert!(run.placements.is_empty());
    assert_eq!(run.run.available_before_cents, 0);
    assert_eq!(app(pool, &round_one[1]).state, "wachtlijst");
    let position = instrument(pool, "oproep");
    assert_eq!(position.reserved_cents, 500_000_000);
    assert!(position.reserved_cents + position.granted_cents <= position.ceiling_cents);

    // An unknown round is refused, naming the rounds there are.
    match allocation::run_round(
        pool,
        &admin,
        "oproep",
        Some("ronde-9"),
        None,
        at(2024, 9, 27, 8, 0),
    ) {
        Err(ServiceError::Validation(fields)) => {
            assert!(
                fields[0]
                    .message
                    .contains("kies uit: ronde-1, ronde-2, ronde-3"),
                "{fields:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_second_round_only_for_regions_not_funded_in_the_first() {
    // Without `uniek`, so that only the round's rule keeps a funded region out.
    let text = ROUNDS.replace(
        "plafond = \"2000000.00\"\n\n[[programma.instrumenten.rondes]]\ncode = \"ronde-3\"",
        "plafond = \"2000000.00\"\nalleen_zonder_toekenning_in = \"ronde-1\"\n\n[[programma.instrumenten.rondes]]\ncode = \"ronde-3\"",
    );
    assert_ne!(text, ROUNDS);
    let w = rounds_world_with(&text);
    let pool = &w.pool;
    let admin = Actor::system();
    let (a, first) = draft(pool, "r01", "oproep", "1000000.00");
    assert_eq!(
        submit(pool, &a, &first, at(2024, 5, 6, 9, 0)).unwrap(),
        "ronde-1"
    );
    allocation::run(pool, &admin, "oproep", None, at(2024, 7, 4, 7, 0)).unwrap();
    assert_eq!(app(pool, &first).state, "gereserveerd");

    // In round 2 another organisation of r01 is refused, naming r01's application …
    let (again, second) = draft(pool, "r01", "oproep", "600000.00");
    let message = refusal(submit(pool, &again, &second, at(2024, 8, 1, 9, 0)), "ronde");
    assert!(
        message.contains("ronde 'Tweede ronde' staat alleen open voor regio's die in ronde 'ronde-1' geen subsidie kregen"),
        "{message}"
    );
    assert!(message.contains(&app(pool, &first).reference), "{message}");
    // … r02, not funded in round 1, is accepted …
    let (b, other) = draft(pool, "r02", "oproep", "600000.00");
    assert_eq!(
        submit(pool, &b, &other, at(2024, 8, 1, 9, 0)).unwrap(),
        "ronde-2"
    );
    // … and once r01's application is rejected, r01 may apply in round 2 after all.
    let reviewer = staff(pool, subsidie_service::Role::Reviewer);
    act(
        pool,
        &reviewer,
        &first,
        Action::StartReview,
        at(2024, 8, 2, 9, 0),
    );
    act(
        pool,
        &reviewer,
        &first,
        Action::Reject {
            motivation: "Het plan noemt geen partners uit het sociaal domein.".into(),
        },
        at(2024, 8, 5, 9, 0),
    );
    assert_eq!(
        submit(pool, &again, &second, at(2024, 8, 6, 9, 0)).unwrap(),
        "ronde-2"
    );
}

#[test]
fn the_fixture_preparation_round_two_closes_on_29_november_2023_at_14_00() {
    let w = world();
    let pool = &w.pool;
    let (a, id) = draft(pool, "r01", "voorbereiding", "150000.00");
    // Winter time: 14:00:01 in Amsterdam is 13:00:01 UTC; the next round opens in 2024.
    let message = refusal(
        submit(pool, &a, &id, utc("2023-11-29T13:00:01Z")),
        "instrument",
    );
    assert!(
        message.contains("ronde 'Tweede ronde' van 'Voorbereidingssubsidie regionale eerstelijnssamenwerking' sloot op 29 november 2023 om 14:00:00"),
        "{message}"
    );
    assert_eq!(
        submit(pool, &a, &id, utc("2023-11-29T13:00:00Z")).unwrap(),
        "ronde-2"
    );
    // € 150,000 is the most a region may ask.
    let (b, _) = applicant(pool, "r02");
    match applications::create_draft(
        pool,
        &b,
        &new_app("voorbereiding", None, "150000.01"),
        at(2023, 11, 1, 9, 0),
    ) {
        Err(ServiceError::Validation(fields)) => assert_eq!(fields[0].field, "bedrag"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_rounds_in_a_programme_file_are_refused_in_dutch() {
    let wrong = ROUNDS
        .replace("opent = 2024-07-03T14:00:01", "opent = 2024-07-03T13:00:00")
        .replace(
            "plafond = \"2000000.00\"\n\n[[regios]]",
            "plafond = \"3000000.00\"\noverloop = true\n\n[[regios]]",
        );
    let messages = match seed::parse_programme_file(&wrong) {
        Err(ServiceError::Validation(fields)) => {
            fields.into_iter().map(|f| f.message).collect::<Vec<_>>()
        }
        other => panic!("{other:?}"),
    };
    let all = messages.join("\n");
    for expected in [
        "regeling 'oproep', ronde 'ronde-2': de ronde opent op 3 juli 2024 om 13:00:00, vóór ronde 'ronde-1' sluit op 3 juli 2024 om 14:00:00",
        "regeling 'oproep', ronde 'ronde-3': `overloop = true` maar het is de laatste ronde",
        "regeling 'oproep': de plafonds van de rondes zijn samen € 8.000.000,00, meer dan het plafond van de regeling (€ 7.000.000,00)",
    ] {
        assert!(all.contains(expected), "missing «{expected}» in:\n{all}");
    }
    assert_eq!(messages.len(), 3, "{all}");

    let both = ROUNDS.replace(
        "aanvultermijn_dagen = 14\n",
        "aanvultermijn_dagen = 14\nopenstelling = { van = 2024-01-01, tot_en_met = 2024-02-01 }\n",
    );
    match seed::parse_programme_file(&both) {
        Err(ServiceError::Validation(fields)) => assert!(
            fields[0]
                .message
                .contains("regeling 'oproep': geef `openstelling` of `rondes`, niet allebei"),
            "{fields:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_round_with_applications_cannot_disappear_from_the_file() {
    let w = rounds_world();
    let pool = &w.pool;
    let (a, id) = draft(pool, "r01", "oproep", "1000000.00");
    submit(pool, &a, &id, at(2024, 5, 6, 9, 0)).unwrap();
    let start = ROUNDS.find("[[programma.instrumenten.rondes]]").unwrap();
    let second = ROUNDS[start + 1..]
        .find("[[programma.instrumenten.rondes]]")
        .unwrap()
        + start
        + 1;
    let without_first = format!("{}{}", &ROUNDS[..start], &ROUNDS[second..]);
    let file = seed::parse_programme_file(&without_first).unwrap();
    match seed::load(pool, &file, at(2024, 5, 7, 9, 0)) {
        Err(ServiceError::Conflict(message)) => assert!(
            message.contains("ronde 'ronde-1' heeft 1 aanvraag/aanvragen en kan niet uit het programma verdwijnen"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
}
