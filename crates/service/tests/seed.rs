//! Loading the programme file: complete, idempotent, and never below what is committed.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use subsidie_service::application::Action;
use subsidie_service::seed::{self, SeedReport};
use subsidie_service::{allocation, queries, Actor, ServiceError};

#[test]
fn the_fixture_loads_completely_and_a_second_load_changes_nothing() {
    let w = empty_world(2);
    let pool = &w.pool;
    let file = fixture();
    let first = seed::load(pool, &file, t0()).unwrap();
    // 1 programme, 4 instruments, 2 required documents, 3 required kinds of partner,
    // 54 regions, 12 disciplines.
    assert_eq!(
        first,
        SeedReport {
            inserted: 76,
            updated: 0,
            unchanged: 0
        }
    );
    let before = snapshot(pool);
    let second = seed::load(pool, &file, t0()).unwrap();
    assert_eq!(
        second,
        SeedReport {
            inserted: 0,
            updated: 0,
            unchanged: 76
        }
    );
    assert_eq!(snapshot(pool), before);

    assert_eq!(queries::regions(pool).unwrap().len(), 54);
    assert_eq!(queries::disciplines(pool).unwrap().len(), 12);
    let programmes = queries::programmes(pool).unwrap();
    assert_eq!(programmes.len(), 1);
    assert_eq!(programmes[0].envelope_cents, 10_400_000_000);
    let instruments = queries::instruments(pool).unwrap();
    let mut codes: Vec<&str> = instruments.iter().map(|i| i.code.as_str()).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        vec![
            "discipline-voucher",
            "onderzoek",
            "uitvoering",
            "voorbereiding"
        ]
    );
    let ceilings: i64 = instruments.iter().map(|i| i.ceiling_cents).sum();
    assert_eq!(ceilings, 8_870_000_000);
    let uitvoering = instruments.iter().find(|i| i.code == "uitvoering").unwrap();
    assert_eq!(uitvoering.four_eyes_above_cents, Some(100_000_000));
    assert_eq!(
        (uitvoering.min_cents, uitvoering.max_cents),
        (50_000_000, 200_000_000)
    );
    assert!(instruments
        .iter()
        .all(|i| i.reserved_cents == 0 && i.granted_cents == 0));
    assert_ledger(pool);
}

#[test]
fn a_ceiling_cannot_be_lowered_below_what_is_committed() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r20");
    let draft = draft_at_t0(pool, &a, "uitvoering", None, "1800000.00").unwrap();
    act(pool, &a, &draft.id, Action::Submit, t0());
    allocation::run(pool, &Actor::system(), "uitvoering", None, t0()).unwrap();
    assert_eq!(position(pool, "uitvoering"), (180_000_000, 0, 0));

    let with_ceiling = |cents: i64| {
        let mut file = fixture();
        let i = file
            .programme
            .instruments
            .iter_mut()
            .find(|i| i.code == "uitvoering")
            .unwrap();
        i.ceiling = subsidie_domain::Money::from_cents(cents).unwrap();
        // A harmless change elsewhere in the same file must not be applied either.
        file.regions[0].name = "Groningen-Stad (nieuw)".into();
        file
    };

    let before = snapshot(pool);
    let refused = seed::load(pool, &with_ceiling(179_999_999), t0());
    assert!(
        matches!(&refused, Err(ServiceError::Conflict(m)) if m.contains("uitvoering")),
        "{refused:?}"
    );
    assert_eq!(snapshot(pool), before);
    assert_eq!(instrument(pool, "uitvoering").ceiling_cents, 7_200_000_000);
    assert_eq!(queries::regions(pool).unwrap()[0].name, "Groningen-Stad");

    // Exactly what is committed is allowed; the position itself is left alone.
    let report = seed::load(pool, &with_ceiling(180_000_000), t0()).unwrap();
    assert_eq!((report.inserted, report.updated), (0, 2));
    let row = instrument(pool, "uitvoering");
    assert_eq!(row.ceiling_cents, 180_000_000);
    assert_eq!((row.reserved_cents, row.granted_cents), (180_000_000, 0));
    assert_ledger(pool);

    // Nothing more fits now.
    let (b, _) = applicant(pool, "r21");
    let d = draft_at_t0(pool, &b, "uitvoering", None, "500000.00").unwrap();
    act(pool, &b, &d.id, Action::Submit, t0());
    allocation::run(pool, &Actor::system(), "uitvoering", None, t0()).unwrap();
    assert_eq!(app(pool, &d.id).state, "wachtlijst");

    // Back to the file as shipped: the ceiling returns, the position stays.
    let report = seed::load(pool, &fixture(), t0()).unwrap();
    assert_eq!((report.inserted, report.updated), (0, 2));
    assert_eq!(position(pool, "uitvoering"), (180_000_000, 0, 0));
    assert_eq!(instrument(pool, "uitvoering").ceiling_cents, 7_200_000_000);
    assert_ledger(pool);
}

#[test]
fn a_broken_programme_file_lists_its_problems() {
    let text = FIXTURE.replace("plafond = \"4000000.00\"", "plafond = \"40000000.00\"");
    // Ceilings then exceed the envelope (88.7 + 36 mln > 104 mln).
    match seed::parse_programme_file(&text) {
        Err(ServiceError::Validation(fields)) => {
            assert!(!fields.is_empty());
            assert!(fields.iter().all(|f| f.field == "programmabestand"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn codes_the_file_no_longer_names_are_refused_by_name_or_kept_on_request() {
    let w = world();
    let pool = &w.pool;
    let mut file = fixture();
    file.programme.instruments.retain(|i| i.code != "onderzoek");
    let dropped_region = file.regions.pop().unwrap().code;
    let before = snapshot(pool);
    let refused = seed::load(pool, &file, t0());
    let Err(ServiceError::Conflict(message)) = &refused else {
        panic!("{refused:?}");
    };
    assert!(message.contains("regeling 'onderzoek'"), "{message}");
    assert!(
        message.contains(&format!("regio '{dropped_region}'")),
        "{message}"
    );
    assert!(message.contains("--keep-missing"), "{message}");
    assert_eq!(snapshot(pool), before);

    let (report, kept) = seed::load_with(pool, &file, seed::Missing::Keep, t0()).unwrap();
    assert_eq!(
        kept,
        vec![
            "regeling 'onderzoek'".to_owned(),
            format!("regio '{dropped_region}'")
        ]
    );
    assert_eq!(report.inserted, 0);
    assert!(
        queries::instrument(pool, "onderzoek").is_ok(),
        "kept as it was"
    );
}
