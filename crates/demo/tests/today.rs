//! What `serve --demo` builds on the demo, on a fresh database of the selected backend
//! (`SUBSIDIE_TEST_BACKEND`): a leftover draft does not stop the replay unless it holds a
//! place the replay needs (then nothing is written), today's round and today's work, and
//! the same people signed in again with fresh tokens.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use subsidie_demo::{self as demo, DemoState};
use subsidie_domain::Money;
use subsidie_service::application::{self, Action, NewApplication};
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{seed, Actor, Role, ServiceError};
use subsidie_store::testing::TestDatabase;

const FIXTURE: &str = include_str!("../../../fixtures/versterking-eerstelijnszorg.toml");

fn draft(pool: &subsidie_service::Pool, who: &Actor, instrument: &str, euros: i64) -> String {
    let at = Utc.with_ymd_and_hms(2024, 1, 3, 10, 0, 0).single().unwrap();
    application::create_draft(
        pool,
        who,
        &NewApplication {
            instrument_id: instrument.to_owned(),
            discipline_id: None,
            title: "Een concept van vóór de demo".to_owned(),
            description: "Blijft liggen.".to_owned(),
            requested: Money::from_cents(euros * 100).unwrap(),
        },
        at,
    )
    .unwrap()
    .id
}

#[test]
fn leftover_drafts_today_and_signing_in_again() {
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    let file = seed::parse_programme_file(FIXTURE).unwrap();
    let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().unwrap();
    seed::load(&pool, &file, at).unwrap();
    let system = Actor::system();
    let org = registry::register_organisation(
        &pool,
        &system,
        &NewOrganisation {
            name: "Een eerdere proef".to_owned(),
            region_id: "r03".to_owned(),
            iban: "NL91ABNA0417164300".to_owned(),
            email: "proef@example.org".to_owned(),
        },
        at,
    )
    .unwrap();
    let user = registry::create_user(
        &pool,
        &system,
        "Proef",
        "proef@example.org",
        Role::Applicant,
        Some(&org.id),
        at,
    )
    .unwrap();
    let applicant = Actor::user(user.id, Role::Applicant, Some(org.id));

    // A draft where the replay needs the place (r03's preparation grant): refused, and
    // nothing of the demo written.
    let blocking = draft(&pool, &applicant, "voorbereiding", 50_000);
    let refused = demo::run(&pool);
    match &refused {
        Err(ServiceError::Conflict(why)) => assert!(why.contains("regio r03"), "{why}"),
        other => panic!("verwacht een weigering, kreeg {other:?}"),
    }
    assert_eq!(demo::state(&pool).unwrap(), DemoState::Empty);
    application::execute(&pool, &applicant, &blocking, None, &Action::Delete, at).unwrap();

    // A draft no plan needs (research has no uniqueness) does not stop it.
    draft(&pool, &applicant, "onderzoek", 300_000);
    assert_eq!(demo::state(&pool).unwrap(), DemoState::Empty);
    demo::run(&pool).unwrap();

    let now = Utc::now();
    let windows = demo::open_today(&pool, &file, now).unwrap();
    let today = subsidie_domain::deadlines::amsterdam_date(now);
    assert_eq!(windows.len(), 2, "{windows:?}");
    assert!(windows
        .iter()
        .all(|w| w.opens <= today && today <= w.closes));
    let work = demo::stage_today(&pool, now).unwrap();
    assert!(work.submitted >= 8, "{work:?}");
    assert!(work.reserved >= 5, "{work:?}");
    assert_eq!(work.proposed, 1, "{work:?}");
    assert_eq!(demo::state(&pool).unwrap(), DemoState::Played);
    assert!(matches!(demo::run(&pool), Err(ServiceError::Conflict(_))));

    let first = demo::sign_in(&pool, now).unwrap();
    let again = demo::sign_in(&pool, now).unwrap();
    let roles: Vec<Role> = first.iter().map(|u| u.role).collect();
    assert_eq!(roles, Role::ALL);
    for (a, b) in first.iter().zip(&again) {
        assert_eq!(a.email, b.email);
        assert_ne!(a.token, b.token);
        let actor = |token: &str| match registry::authenticate(&pool, token, now).unwrap() {
            registry::TokenCheck::Valid { actor, .. } => actor,
            other => panic!("{}: token werkt niet: {other:?}", a.email),
        };
        let (x, y) = (actor(&a.token), actor(&b.token));
        assert_eq!(x, y, "{}: dezelfde gebruiker", a.email);
    }
}
