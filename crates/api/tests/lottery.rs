//! The committed lottery over HTTP (issue 18, item 3): the commitment is published before
//! the day's allocation and the seed only after; the run shows where its seed came from;
//! a caller's seed is refused outside test mode.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use chrono::NaiveDate;
use common::{at, draft_body, submitted, Cast, TestServer, SEED};
use serde_json::json;
use subsidie_domain::lottery::{self, Seed};
use subsidie_service::allocation::daily;

#[test]
fn the_commitment_is_published_before_and_the_seed_after_the_days_allocation() {
    let server = TestServer::start_with(at(2025, 3, 3, 9), |c| c.caller_seeds = false);
    let cast = Cast::new(&server);
    submitted(
        &server,
        &cast.applicant_a,
        draft_body("uitvoering", "1500000.00", None),
    );
    submitted(
        &server,
        &cast.applicant_b,
        draft_body("uitvoering", "1500000.00", None),
    );

    // Every role reads the commitment; the seed is not there yet.
    let listed = server.get(&cast.applicant_a, "/instrumenten/uitvoering/lotingen");
    listed.expect(200);
    let body = listed.json();
    assert_eq!(body["instrumentId"], "uitvoering");
    let day = &body["lotingen"][0];
    assert_eq!(day["dag"], "2025-03-03");
    assert_eq!(day["seed"], json!(null));
    let commitment = day["commitment"].as_str().unwrap().to_owned();
    assert_eq!(commitment.len(), 64);

    // A seed of one's own is refused outside test mode, naming the setting.
    let refused = server.post(
        &cast.admin,
        "/toewijzingsrondes",
        json!({"instrumentId": "uitvoering", "seed": SEED}),
    );
    let problem = refused.problem(403);
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("CALLER_SEEDS"), "{detail}");
    assert!(detail.contains("laat 'seed' weg"), "{detail}");

    // After midnight the day is allocated (as serve does) and the seed revealed.
    server.set_now(at(2025, 3, 4, 0));
    let monday = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    let run = daily::allocate_day(
        &server.pool,
        "uitvoering",
        monday,
        at(2025, 3, 4, 0),
        "test",
        &mut |_, _| {},
    )
    .unwrap()
    .unwrap();
    let read = server.get(
        &cast.reviewer,
        &format!("/toewijzingsrondes/{}", run.run.id),
    );
    read.expect(200);
    let round = read.json();
    assert_eq!(round["seedHerkomst"], "vastgelegd");
    assert_eq!(round["dag"], "2025-03-03");
    assert_eq!(round["lotingen"][0]["commitment"], json!(commitment));
    let seed_text = round["seed"].as_str().unwrap();
    assert_eq!(round["lotingen"][0]["seed"], json!(seed_text));
    let seed: Seed = seed_text.parse().unwrap();
    assert_eq!(lottery::commitment(&seed), commitment);

    let listed = server.get(
        &cast.applicant_b,
        "/instrumenten/uitvoering/lotingen?vanaf=2025-03-03",
    );
    listed.expect(200);
    let day = &listed.json()["lotingen"][0];
    assert_eq!(day["seed"], json!(seed_text));
    assert_eq!(
        day["onthuldDoor"]["href"],
        json!(format!("/api/v1/toewijzingsrondes/{}", run.run.id))
    );

    let wrong = server.get(
        &cast.admin,
        "/instrumenten/uitvoering/lotingen?vanaf=maandag",
    );
    assert!(wrong.invalid_params().contains(&"vanaf".to_owned()));
    server
        .get(&cast.admin, "/instrumenten/bestaat-niet/lotingen")
        .expect(404);
}

#[test]
fn in_test_mode_a_callers_seed_is_used_and_the_run_says_so() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let cast = Cast::new(&server);
    submitted(
        &server,
        &cast.applicant_a,
        draft_body("uitvoering", "1500000.00", None),
    );
    let res = server.post(
        &cast.admin,
        "/toewijzingsrondes",
        json!({"instrumentId": "uitvoering", "seed": SEED}),
    );
    res.expect(201);
    let round = res.json();
    assert_eq!(round["seedHerkomst"], "opgegeven");
    assert_eq!(round["seed"], SEED);
    assert_eq!(round["lotingen"], json!([]));
    assert_eq!(round["dag"], json!(null));
}
