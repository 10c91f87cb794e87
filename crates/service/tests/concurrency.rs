//! The ceiling under concurrency, on whichever backend the run selected: many applicants
//! submitting, several allocation runs, reviewers granting and rejecting and applicants
//! withdrawing, all at once. Afterwards the ledger, the positions and the applications
//! must agree to the cent and the ceiling must hold.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;
use subsidie_domain::lifecycle::State;
use subsidie_service::application::{self as applications, Action};
use subsidie_service::queries::{self, ApplicationFilter};
use subsidie_service::{allocation, seed, Actor, Pool, Role, ServiceError};
use subsidie_store::testing::selected_backend;
use subsidie_store::Backend;

const INSTRUMENT: &str = "klein";
/// The runs race the submissions of the same day: a lot of a day that has not ended needs
/// a seed of the test's own (test mode), as the committed one stays secret until midnight.
fn lot() -> Option<subsidie_domain::lottery::Seed> {
    Some(subsidie_domain::lottery::Seed::from_bytes([7; 32]))
}
const CEILING: i64 = 100_000_000; // 1,000,000.00
const REQUESTED: i64 = 5_000_000; // 50,000.00: 20 fit
const GRANTED: i64 = 4_000_000; // 40,000.00
const APPLICANTS: usize = 48;
const ALLOCATORS: usize = 4;

/// One order-of-receipt instrument with room for 20 applications of 50,000.00.
const PROGRAMME: &str = r#"
[programma]
code = "klein-programma"
naam = "Klein programma"
financier = "ZonMw"
envelop = "2000000.00"
looptijd = { van = 2024-01-01, tot_en_met = 2026-12-31 }

[[programma.instrumenten]]
code = "klein"
naam = "Kleine regeling"
soort = "uitvoering"
plafond = "1000000.00"
bedrag = { min = "10000.00", max = "50000.00" }
openstelling = { van = 2025-01-01, tot_en_met = 2025-12-31 }
verdeling = "volgorde-van-binnenkomst"
voorschot_percentage = 80
beslistermijn_weken = 8
aanvultermijn_dagen = 14
uniek = "geen"

[[regios]]
code = "r01"
naam = "Noord"
inwoners = 1_000_000

[[regios]]
code = "r02"
naam = "Oost"
inwoners = 1_000_000

[[regios]]
code = "r03"
naam = "Zuid"
inwoners = 1_000_000

[[regios]]
code = "r04"
naam = "West"
inwoners = 1_000_000
"#;

/// Lost races are expected; anything else is a failure.
fn lost_race(err: &ServiceError) -> bool {
    matches!(
        err,
        ServiceError::StaleVersion { .. } | ServiceError::InvalidState(_)
    )
}

fn ok_or_lost<T>(result: Result<T, ServiceError>, what: &str) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) if lost_race(&e) => None,
        Err(e) => panic!("{what}: {e:?}"),
    }
}

struct Setup {
    applicants: Vec<Actor>,
    reviewers: Vec<Actor>,
}

fn set_up(pool: &Pool) -> Setup {
    let file = seed::parse_programme_file(PROGRAMME).unwrap();
    seed::load(pool, &file, at(2025, 1, 1, 0, 0)).unwrap();
    let applicants = (0..APPLICANTS)
        .map(|i| applicant(pool, &format!("r0{}", i % 4 + 1)).0)
        .collect();
    let reviewers = (0..4).map(|_| staff(pool, Role::Reviewer)).collect();
    Setup {
        applicants,
        reviewers,
    }
}

/// The race: every thread takes its pool from `pools` in turn, as if each pool were a
/// server process of its own.
fn race(pools: &[&Pool], setup: &Setup) {
    let now = at(2025, 3, 3, 9, 0);
    let admin = Actor::system();
    let applicants_done = &AtomicUsize::new(0);
    let allocators_done = &AtomicUsize::new(0);
    let ids = Mutex::new(Vec::new());
    let deadline = Instant::now() + Duration::from_secs(60);
    let pool_for = |i: usize| pools[i % pools.len()];

    std::thread::scope(|s| {
        // 48 applicants: create, submit, and every sixth withdraws again later.
        for (i, actor) in setup.applicants.iter().enumerate() {
            let pool = pool_for(i);
            let ids = &ids;
            s.spawn(move || {
                let cents = if i % 5 == 0 { 3_000_000 } else { REQUESTED };
                let mut new = new_app(INSTRUMENT, None, "10000.00");
                new.requested = subsidie_domain::Money::from_cents(cents).unwrap();
                let draft = retry(|| applications::create_draft(pool, actor, &new, now)).unwrap();
                retry(|| applications::execute(pool, actor, &draft.id, None, &Action::Submit, now))
                    .unwrap();
                ids.lock().unwrap().push(draft.id.clone());
                if i % 6 == 0 {
                    std::thread::sleep(Duration::from_millis(20 + 5 * i as u64));
                    for _ in 0..20 {
                        let result = retry(|| {
                            applications::execute(
                                pool,
                                actor,
                                &draft.id,
                                None,
                                &Action::Withdraw {
                                    reason: Some("Toch niet.".into()),
                                },
                                now,
                            )
                        });
                        match result {
                            Ok(_) => break,
                            // Already decided: nothing to withdraw.
                            Err(ServiceError::InvalidState(_)) => break,
                            Err(ServiceError::StaleVersion { .. }) => continue,
                            Err(e) => panic!("withdraw: {e:?}"),
                        }
                    }
                }
                applicants_done.fetch_add(1, Ordering::SeqCst);
            });
        }

        // Four allocation runs in parallel, repeatedly, until every applicant is done and
        // each has run a number of times while reviewers free budget.
        for k in 0..ALLOCATORS {
            let pool = pool_for(k);
            let admin = &admin;
            s.spawn(move || {
                let mut runs = 0;
                loop {
                    let all_in = applicants_done.load(Ordering::SeqCst) == APPLICANTS;
                    retry(|| allocation::run(pool, admin, INSTRUMENT, lot(), now)).unwrap();
                    runs += 1;
                    if (all_in && runs >= 10) || Instant::now() > deadline {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                allocators_done.fetch_add(1, Ordering::SeqCst);
            });
        }

        // Reviewers start reviews and decide: about a quarter rejected, the rest granted lower.
        for (k, reviewer) in setup.reviewers.iter().enumerate() {
            let pool = pool_for(k + 1);
            s.spawn(move || {
                let filter = ApplicationFilter {
                    instrument_id: Some(INSTRUMENT.into()),
                    state: Some(State::Reserved),
                    region_id: None,
                    ..ApplicationFilter::default()
                };
                loop {
                    // Read before the list: once every run is over, no new reservation
                    // can appear.
                    let finished = allocators_done.load(Ordering::SeqCst) == ALLOCATORS;
                    let mut reserved =
                        retry(|| queries::applications(pool, reviewer, &filter, None, 500))
                            .unwrap();
                    // Spread the reviewers over the list.
                    let shift = k * reserved.len() / 4;
                    reserved.rotate_left(shift);
                    if reserved.is_empty() {
                        if finished || Instant::now() > deadline {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                    for app in reserved {
                        let started = retry(|| {
                            applications::execute(
                                pool,
                                reviewer,
                                &app.id,
                                None,
                                &Action::StartReview,
                                now,
                            )
                        });
                        if ok_or_lost(started, "start review").is_none() {
                            continue;
                        }
                        let decision = if app.reference.as_bytes().last().unwrap() % 4 == 0 {
                            Action::Reject {
                                motivation: "Past niet in de regeling.".into(),
                            }
                        } else {
                            Action::Grant {
                                amount: subsidie_domain::Money::from_cents(
                                    GRANTED.min(app.requested_cents),
                                )
                                .unwrap(),
                                motivation: "Goed plan.".into(),
                            }
                        };
                        let decided = retry(|| {
                            applications::execute(pool, reviewer, &app.id, None, &decision, now)
                        });
                        ok_or_lost(decided, "decide");
                    }
                    if Instant::now() > deadline {
                        break;
                    }
                }
            });
        }
    });
    assert!(Instant::now() < deadline, "the race took too long");
    let ids = ids.into_inner().unwrap();
    assert_eq!(ids.len(), APPLICANTS);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), APPLICANTS);
    check(pools[0], &ids, false);

    // Freed budget goes to the waiting list in a final, quiet run.
    allocation::run(pools[pools.len() - 1], &admin, INSTRUMENT, lot(), now).unwrap();
    check(pools[0], &ids, true);
}

/// Everything agrees: ledger and stored position, position and applications, ceiling.
fn check(pool: &Pool, ids: &[String], quiet: bool) {
    assert_ledger(pool);
    let position = instrument(pool, INSTRUMENT);
    assert!(position.reserved_cents + position.granted_cents <= CEILING);

    let all = queries::applications(
        pool,
        &Actor::system(),
        &ApplicationFilter {
            instrument_id: Some(INSTRUMENT.into()),
            ..ApplicationFilter::default()
        },
        None,
        500,
    )
    .unwrap();
    assert_eq!(all.len(), ids.len());
    let reserved: i64 = all.iter().map(|a| a.reserved_cents).sum();
    let granted: i64 = all.iter().map(|a| a.granted_cents).sum();
    assert_eq!(
        (reserved, granted),
        (position.reserved_cents, position.granted_cents),
        "applications and position disagree"
    );

    let mut holding = 0;
    let mut grants = 0;
    for a in &all {
        match a.state.as_str() {
            "gereserveerd" | "in_behandeling" | "aanvulling_gevraagd" => {
                assert_eq!(a.reserved_cents, a.requested_cents, "{a:?}");
                assert_eq!(a.granted_cents, 0, "{a:?}");
                holding += 1;
            }
            "gehonoreerd" => {
                assert_eq!(a.reserved_cents, 0, "{a:?}");
                assert_eq!(a.granted_cents, GRANTED.min(a.requested_cents), "{a:?}");
                grants += 1;
            }
            "ingediend" | "wachtlijst" | "afgewezen" | "ingetrokken" => {
                assert_eq!((a.reserved_cents, a.granted_cents), (0, 0), "{a:?}");
            }
            other => panic!("unexpected state {other}: {a:?}"),
        }
    }
    let with_reservation = all.iter().filter(|a| a.reserved_cents > 0).count();
    let with_grant = all.iter().filter(|a| a.granted_cents > 0).count();
    assert_eq!(holding, with_reservation);
    assert_eq!(grants, with_grant);
    eprintln!(
        "{} applications: {holding} reserved, {grants} granted, {} waiting, {} rejected, {} withdrawn; \
         position reserved {} granted {} of {CEILING}",
        all.len(),
        all.iter().filter(|a| a.state == "wachtlijst").count(),
        all.iter().filter(|a| a.state == "afgewezen").count(),
        all.iter().filter(|a| a.state == "ingetrokken").count(),
        position.reserved_cents,
        position.granted_cents
    );

    assert!(grants > 0, "no grant was made in the race");
    if quiet {
        // After a run with nothing else going on, nothing is left unplaced and the head
        // of the waiting list does not fit in what is free.
        assert!(all.iter().all(|a| a.state != "ingediend"));
        let available = CEILING - position.reserved_cents - position.granted_cents;
        let head = all
            .iter()
            .filter(|a| a.state == "wachtlijst")
            .min_by_key(|a| (a.waitlist_position, a.received_at, a.id.clone()));
        if let Some(head) = head {
            assert!(
                head.requested_cents > available,
                "{head:?} waits although {available} cents are free"
            );
        }
    }
}

#[test]
fn the_ceiling_holds_under_concurrent_submissions_runs_and_decisions() {
    let w = empty_world(16);
    let setup = set_up(&w.pool);
    race(&[&w.pool], &setup);
}

#[test]
fn the_ceiling_holds_with_two_pools_on_one_postgresql() {
    if selected_backend() != Backend::Postgres {
        eprintln!(
            "skipped: two independent pools (two server processes) need PostgreSQL; \
             run with SUBSIDIE_TEST_BACKEND=postgres"
        );
        return;
    }
    let w = empty_world(8);
    let second = w.db.pool(8).unwrap();
    let setup = set_up(&w.pool);
    race(&[&w.pool, &second], &setup);
}

/// Two reviewers decide the same application at the same moment while its applicant
/// withdraws it: exactly one wins, and the others are told that someone was first
/// (a stale version or the new state), not that the budget does not allow it.
#[test]
fn one_of_several_simultaneous_decisions_wins() {
    let w = empty_world(8);
    let pool = &w.pool;
    let setup = set_up(pool);
    let now = at(2025, 3, 3, 9, 0);
    let admin = Actor::system();
    let (grantor, rejector) = (&setup.reviewers[0], &setup.reviewers[1]);
    for round in 0..12 {
        let applicant = &setup.applicants[round];
        let draft = applications::create_draft(
            pool,
            applicant,
            &new_app(INSTRUMENT, None, "50000.00"),
            now,
        )
        .unwrap();
        act(pool, applicant, &draft.id, Action::Submit, now);
        allocation::run(pool, &admin, INSTRUMENT, lot(), now).unwrap();
        act(pool, grantor, &draft.id, Action::StartReview, now);

        let barrier = std::sync::Barrier::new(3);
        let attempts: Vec<(&Actor, Action)> = vec![
            (
                grantor,
                Action::Grant {
                    amount: eur("40000.00"),
                    motivation: "Goed plan.".into(),
                },
            ),
            (
                rejector,
                Action::Reject {
                    motivation: "Past niet.".into(),
                },
            ),
            (applicant, Action::Withdraw { reason: None }),
        ];
        let results: Vec<Result<String, ServiceError>> = std::thread::scope(|s| {
            let handles: Vec<_> = attempts
                .iter()
                .map(|(actor, action)| {
                    let barrier = &barrier;
                    let id = &draft.id;
                    s.spawn(move || {
                        barrier.wait();
                        retry(|| applications::execute(pool, actor, id, None, action, now))
                            .map(|o| o.application().unwrap().state.clone())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let winners: Vec<&String> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        for r in &results {
            if let Err(e) = r {
                assert!(lost_race(e), "round {round}: the loser was told {e:?}");
            }
        }
        let state = app(pool, &draft.id).state;
        assert_eq!(&state, winners[0]);
        assert_ledger(pool);
        let position = instrument(pool, INSTRUMENT);
        assert_eq!(position.reserved_cents, 0, "round {round}");
    }
}

/// Eight organisations of one region apply for the one uitvoeringssubsidie per region at
/// the same moment: one draft is created, the others hear it is a duplicate.
#[test]
fn simultaneous_applications_from_one_region_yield_one_draft() {
    let w = world();
    let pool = &w.pool;
    let applicants: Vec<Actor> = (0..8).map(|_| applicant(pool, "r30").0).collect();
    let now = at(2025, 3, 3, 9, 0);
    let barrier = std::sync::Barrier::new(applicants.len());
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = applicants
            .iter()
            .map(|a| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    retry(|| {
                        applications::create_draft(
                            pool,
                            a,
                            &new_app("uitvoering", None, "1000000.00"),
                            now,
                        )
                    })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let created = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(created, 1, "{results:?}");
    for r in &results {
        if let Err(e) = r {
            assert!(
                matches!(e, ServiceError::Conflict(m) if m.contains("per regio")),
                "{e:?}"
            );
        }
    }
    let visible: usize = applicants
        .iter()
        .map(|a| {
            queries::applications(pool, a, &ApplicationFilter::default(), None, 10)
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(visible, 1);
}
