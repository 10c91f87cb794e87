//! The lifecycle of an application through the service, for every instrument of the
//! fixture: state, history, outbox, budget position and ledger after every step.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use subsidie_domain::deadlines;
use subsidie_service::application::{self as applications, Action, Outcome};
use subsidie_service::{allocation, queries, Actor, Pool, Role, ServiceError};
use subsidie_store::rows::{ApplicationRow, PaymentRow};

/// Follows one application and checks every step against what came before.
struct Track<'a> {
    pool: &'a Pool,
    viewer: Actor,
    id: String,
    history: usize,
    mails: Vec<String>,
}

impl<'a> Track<'a> {
    fn new(pool: &'a Pool, viewer: &Actor, draft: &ApplicationRow) -> Track<'a> {
        assert_eq!(draft.state, "concept");
        assert_eq!(draft.version, 1);
        let h = queries::history(pool, viewer, &draft.id).unwrap();
        assert_eq!(h[0].command, "aanmaken");
        // Then the required documents and partners (common::draft_at_t0 adds them).
        assert!(h[1..]
            .iter()
            .all(|r| r.command == "document_toevoegen" || r.command == "partners_opgeven"));
        assert_eq!(h[0].from_state, None);
        assert_eq!(h[0].to_state, "concept");
        assert!(mails(pool, &draft.id).is_empty());
        Track {
            pool,
            viewer: viewer.clone(),
            id: draft.id.clone(),
            history: h.len(),
            mails: Vec::new(),
        }
    }

    /// Checks that exactly one history row was appended for `command` by `by`, that the
    /// application is now in `to`, that exactly `new_mails` were added to the outbox and
    /// that the ledger holds.
    fn step(
        &mut self,
        by: &Actor,
        command: &str,
        from: &str,
        to: &str,
        new_mails: &[&str],
    ) -> ApplicationRow {
        let app = queries::application(self.pool, &self.viewer, &self.id).unwrap();
        assert_eq!(app.state, to, "state after {command}");
        let h = queries::history(self.pool, &self.viewer, &self.id).unwrap();
        assert_eq!(h.len(), self.history + 1, "one history row for {command}");
        let last = h.last().unwrap();
        assert_eq!(last.command, command);
        assert_eq!(last.from_state.as_deref(), Some(from));
        assert_eq!(last.to_state, to);
        assert_eq!(last.actor_id, by.user_id);
        self.history += 1;
        if command != "honorering_voorstellen" {
            // Every step clears a grant proposal, and the unsent requests to confirm it
            // are withdrawn from the outbox with it.
            self.mails.retain(|m| m != "tweede_beoordeling_gevraagd");
        }
        self.mails.extend(new_mails.iter().map(|m| (*m).to_owned()));
        self.check_mails();
        assert_ledger(self.pool);
        app
    }

    /// Checks that a refused command left state, history and outbox as they were.
    fn unchanged(&self, state: &str) {
        let app = queries::application(self.pool, &self.viewer, &self.id).unwrap();
        assert_eq!(app.state, state);
        let h = queries::history(self.pool, &self.viewer, &self.id).unwrap();
        assert_eq!(h.len(), self.history, "a refused command appended history");
        self.check_mails();
        assert_ledger(self.pool);
    }

    /// The applicant submits: the receipt goes out.
    fn submit(&mut self, applicant: &Actor, now: DateTime<Utc>) -> ApplicationRow {
        attach_required(self.pool, applicant, &self.id, now);
        self.history = queries::history(self.pool, &self.viewer, &self.id)
            .unwrap()
            .len();
        act(self.pool, applicant, &self.id, Action::Submit, now);
        self.step(
            applicant,
            "indienen",
            "concept",
            "ingediend",
            &["ontvangstbevestiging"],
        )
    }

    /// A reviewer takes up the reserved application.
    fn start_review(&mut self, reviewer: &Actor, now: DateTime<Utc>) -> ApplicationRow {
        act(self.pool, reviewer, &self.id, Action::StartReview, now);
        self.step(
            reviewer,
            "beoordeling_starten",
            "gereserveerd",
            "in_behandeling",
            &[],
        )
    }

    /// One reviewer grants `amount` (no second reviewer needed): the decision goes out.
    fn grant(&mut self, reviewer: &Actor, amount: &str, now: DateTime<Utc>) -> ApplicationRow {
        act(self.pool, reviewer, &self.id, grant(amount), now);
        self.step(
            reviewer,
            "honoreren",
            "in_behandeling",
            "gehonoreerd",
            &["verleningsbeschikking"],
        )
    }

    /// The grantee accounts for the grant.
    fn report(&mut self, grantee: &Actor, summary: &str, now: DateTime<Utc>) -> ApplicationRow {
        let report = Action::Report {
            summary: summary.into(),
        };
        act(self.pool, grantee, &self.id, report, now);
        self.step(
            grantee,
            "verantwoorden",
            "gehonoreerd",
            "verantwoording_ingediend",
            &[],
        )
    }

    /// Finance settles at `amount`: the settlement decision goes out.
    fn settle(&mut self, finance: &Actor, amount: &str, now: DateTime<Utc>) -> ApplicationRow {
        act(self.pool, finance, &self.id, settle(amount), now);
        self.step(
            finance,
            "vaststellen",
            "verantwoording_ingediend",
            "vastgesteld",
            &["vaststellingsbeschikking"],
        )
    }

    /// Closing is refused (payments are still open); the refusal's message.
    fn close_refused(&self, finance: &Actor, now: DateTime<Utc>) -> String {
        is_conflict(applications::execute(
            self.pool,
            finance,
            &self.id,
            None,
            &Action::Close,
            now,
        ))
    }

    fn check_mails(&self) {
        let mut actual = mails(self.pool, &self.id);
        let mut expected = self.mails.clone();
        actual.sort();
        expected.sort();
        assert_eq!(actual, expected, "outbox of {}", self.id);
    }
}

fn payments(pool: &Pool, id: &str) -> Vec<(String, i64, String)> {
    let mut rows: Vec<PaymentRow> = queries::payments_of(pool, &Actor::system(), id).unwrap();
    rows.sort_by(|a, b| a.kind.cmp(&b.kind));
    rows.into_iter()
        .map(|p| (p.kind, p.amount_cents, p.state))
        .collect()
}

fn grant(amount: &str) -> Action {
    Action::Grant {
        amount: eur(amount),
        motivation: "Past binnen de regeling en het plan is goed.".into(),
    }
}

fn settle(amount: &str) -> Action {
    Action::Settle {
        amount: eur(amount),
        motivation: "Verantwoording gecontroleerd; niet alles is besteed.".into(),
    }
}

fn reject() -> Action {
    Action::Reject {
        motivation: "Het plan voldoet niet aan artikel 4.".into(),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn submit_and_reserve(
    pool: &Pool,
    applicant: &Actor,
    instrument_id: &str,
    discipline: Option<&str>,
    amount: &str,
    now: DateTime<Utc>,
) -> ApplicationRow {
    let draft = applications::create_draft(
        pool,
        applicant,
        &new_app(instrument_id, discipline, amount),
        now,
    )
    .unwrap();
    act(pool, applicant, &draft.id, Action::Submit, now);
    allocation::run(pool, &Actor::system(), instrument_id, None, now).unwrap();
    let app = app(pool, &draft.id);
    assert_eq!(app.state, "gereserveerd");
    app
}

fn is_conflict(result: Result<Outcome, ServiceError>) -> String {
    match result {
        Err(ServiceError::Conflict(message)) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn uitvoering_from_draft_to_settlement_with_four_eyes_and_a_supplement() {
    let w = world();
    let pool = &w.pool;
    let (aanvrager, org) = applicant(pool, "r01");
    let reviewer_a = staff(pool, Role::Reviewer);
    let reviewer_b = staff(pool, Role::Reviewer);
    let finance = staff(pool, Role::Finance);
    let admin = Actor::system();
    assert_eq!(position(pool, "uitvoering"), (0, 0, 0));

    let draft = draft_at_t0(pool, &aanvrager, "uitvoering", None, "1800000.00").unwrap();
    assert_eq!(draft.organisation_id, org.id);
    assert_eq!(draft.region_id, "r01");
    assert_eq!(draft.requested_cents, 180_000_000);
    let mut t = Track::new(pool, &aanvrager, &draft);
    let id = draft.id.clone();

    // Submit: a receipt, the decision term starts; no money moves yet.
    let app = t.submit(&aanvrager, t0());
    assert_eq!(app.received_day, Some(date(2025, 3, 3)));
    assert!(app.decision_due_on.unwrap() > date(2025, 5, 30));
    assert_eq!(position(pool, "uitvoering"), (0, 0, 0));

    // Allocation: the requested amount is reserved.
    let run = allocation::run(
        pool,
        &admin,
        "uitvoering",
        None,
        t0() + Duration::minutes(30),
    )
    .unwrap();
    assert_eq!(run.placements.len(), 1);
    assert_eq!(run.placements[0].application_id, id);
    assert_eq!(run.placements[0].decision, "gereserveerd");
    assert_eq!(run.run.reserved_total_cents, 180_000_000);
    let app = t.step(
        &admin,
        "toewijzen",
        "ingediend",
        "gereserveerd",
        &["budget_gereserveerd"],
    );
    assert_eq!(app.reserved_cents, 180_000_000);
    assert_eq!(position(pool, "uitvoering"), (180_000_000, 0, 0));

    let d1 = at(2025, 3, 4, 9, 0);
    t.start_review(&reviewer_a, d1);

    act(
        pool,
        &reviewer_a,
        &id,
        Action::RequestSupplement {
            request: "Stuur de begroting per jaar mee.".into(),
        },
        d1,
    );
    let app = t.step(
        &reviewer_a,
        "aanvulling_vragen",
        "in_behandeling",
        "aanvulling_gevraagd",
        &["aanvulling_gevraagd"],
    );
    // Fourteen days from Tuesday 4 March: Tuesday 18 March 2025.
    assert_eq!(app.supplement_due_on, Some(date(2025, 3, 18)));
    assert_eq!(position(pool, "uitvoering"), (180_000_000, 0, 0));

    act(
        pool,
        &aanvrager,
        &id,
        Action::Supply {
            note: "Begroting bijgevoegd.".into(),
        },
        at(2025, 3, 10, 9, 0),
    );
    let app = t.step(
        &aanvrager,
        "aanvullen",
        "aanvulling_gevraagd",
        "in_behandeling",
        &[],
    );
    assert_eq!(app.supplement_due_on, None);

    // 1.5 mln is above the four-eyes limit of 1 mln: reviewer A only proposes.
    let d2 = at(2025, 3, 17, 9, 0);
    let outcome =
        applications::execute(pool, &reviewer_a, &id, None, &grant("1500000.00"), d2).unwrap();
    let Outcome::GrantProposed(proposed) = outcome else {
        panic!("expected a proposal, got {outcome:?}");
    };
    assert_eq!(proposed.grant_proposed_by, reviewer_a.user_id);
    assert_eq!(proposed.grant_proposed_cents, Some(150_000_000));
    // Reviewer B, the only other reviewer, is asked to confirm.
    t.step(
        &reviewer_a,
        "honorering_voorstellen",
        "in_behandeling",
        "in_behandeling",
        &["tweede_beoordeling_gevraagd"],
    );
    assert_eq!(position(pool, "uitvoering"), (180_000_000, 0, 0));

    // The proposer cannot confirm; the second reviewer cannot change the amount.
    let message = is_conflict(applications::execute(
        pool,
        &reviewer_a,
        &id,
        None,
        &grant("1500000.00"),
        d2,
    ));
    assert!(message.contains("vier ogen"), "{message}");
    is_conflict(applications::execute(
        pool,
        &reviewer_b,
        &id,
        None,
        &grant("1400000.00"),
        d2,
    ));
    t.unchanged("in_behandeling");
    assert_eq!(position(pool, "uitvoering"), (180_000_000, 0, 0));

    // Reviewer B confirms: granted 1.5 mln, the other 0.3 mln of the reservation is freed.
    let d3 = at(2025, 3, 18, 9, 0);
    let app = t.grant(&reviewer_b, "1500000.00", d3);
    assert_eq!((app.reserved_cents, app.granted_cents), (0, 150_000_000));
    assert_eq!(app.grant_proposed_by, None);
    assert_eq!(app.objection_due_on, Some(date(2025, 4, 29)));
    assert_eq!(position(pool, "uitvoering"), (0, 150_000_000, 0));
    // 80% advance, scheduled at once.
    assert_eq!(
        payments(pool, &id),
        vec![("voorschot".into(), 120_000_000, "gepland".into())]
    );

    t.report(
        &aanvrager,
        "Jaarverslag en financiële verantwoording.",
        at(2025, 10, 1, 9, 0),
    );
    assert_eq!(position(pool, "uitvoering"), (0, 150_000_000, 0));

    // Settled lower than granted: the difference leaves the commitment.
    let app = t.settle(&finance, "1400000.00", at(2025, 11, 3, 9, 0));
    assert_eq!(app.settled_cents, Some(140_000_000));
    assert_eq!(position(pool, "uitvoering"), (0, 140_000_000, 140_000_000));
    assert_eq!(
        payments(pool, &id),
        vec![
            ("restant".into(), 20_000_000, "gepland".into()),
            ("voorschot".into(), 120_000_000, "gepland".into()),
        ]
    );

    // Nothing has been paid, so the file cannot be closed.
    let message = t.close_refused(&finance, at(2025, 11, 4, 9, 0));
    assert!(message.contains("2 betaling"), "{message}");
    t.unchanged("vastgesteld");
    assert_eq!(position(pool, "uitvoering"), (0, 140_000_000, 140_000_000));
}

#[test]
fn voucher_from_draft_to_settlement() {
    let w = world();
    let pool = &w.pool;
    let (aanvrager, _) = applicant(pool, "r02");
    let reviewer = staff(pool, Role::Reviewer);
    let finance = staff(pool, Role::Finance);
    let admin = Actor::system();
    let v = "discipline-voucher";

    let draft = draft_at_t0(pool, &aanvrager, v, Some("farmacie"), "25000.00").unwrap();
    assert_eq!(draft.discipline_id.as_deref(), Some("farmacie"));
    let mut t = Track::new(pool, &aanvrager, &draft);
    let id = draft.id.clone();

    t.submit(&aanvrager, t0());
    allocation::run(pool, &admin, v, None, t0()).unwrap();
    t.step(
        &admin,
        "toewijzen",
        "ingediend",
        "gereserveerd",
        &["budget_gereserveerd"],
    );
    assert_eq!(position(pool, v), (2_500_000, 0, 0));

    t.start_review(&reviewer, t0());
    // No four eyes on vouchers: one reviewer decides.
    t.grant(&reviewer, "25000.00", t0());
    assert_eq!(position(pool, v), (0, 2_500_000, 0));
    assert_eq!(
        payments(pool, &id),
        vec![("voorschot".into(), 2_500_000, "gepland".into())]
    );

    t.report(
        &aanvrager,
        "Verslag van de bijeenkomsten.",
        at(2025, 9, 1, 9, 0),
    );
    t.settle(&finance, "20000.00", at(2025, 9, 15, 9, 0));
    assert_eq!(position(pool, v), (0, 2_000_000, 2_000_000));
    // The unpaid full advance is cancelled; the settled amount is scheduled instead.
    assert_eq!(
        payments(pool, &id),
        vec![
            ("restant".into(), 2_000_000, "gepland".into()),
            ("voorschot".into(), 2_500_000, "geannuleerd".into()),
        ]
    );
    t.close_refused(&finance, at(2025, 9, 16, 9, 0));
    t.unchanged("vastgesteld");
}

#[test]
fn voorbereiding_from_draft_to_settlement() {
    let w = world();
    let pool = &w.pool;
    let (aanvrager, _) = applicant(pool, "r03");
    let reviewer = staff(pool, Role::Reviewer);
    let finance = staff(pool, Role::Finance);
    let admin = Actor::system();
    let v = "voorbereiding";
    let day = at(2024, 2, 5, 9, 0);

    let draft =
        applications::create_draft(pool, &aanvrager, &new_app(v, None, "50000.00"), day).unwrap();
    let mut t = Track::new(pool, &aanvrager, &draft);
    let id = draft.id.clone();

    t.submit(&aanvrager, day);
    allocation::run(pool, &admin, v, None, day).unwrap();
    t.step(
        &admin,
        "toewijzen",
        "ingediend",
        "gereserveerd",
        &["budget_gereserveerd"],
    );
    assert_eq!(position(pool, v), (5_000_000, 0, 0));
    t.start_review(&reviewer, day);
    act(
        pool,
        &reviewer,
        &id,
        Action::RequestSupplement {
            request: "Welke partijen doen mee?".into(),
        },
        day,
    );
    t.step(
        &reviewer,
        "aanvulling_vragen",
        "in_behandeling",
        "aanvulling_gevraagd",
        &["aanvulling_gevraagd"],
    );
    act(
        pool,
        &aanvrager,
        &id,
        Action::Supply {
            note: "Deelnemerslijst.".into(),
        },
        day + Duration::days(2),
    );
    t.step(
        &aanvrager,
        "aanvullen",
        "aanvulling_gevraagd",
        "in_behandeling",
        &[],
    );
    t.grant(&reviewer, "50000.00", day + Duration::days(3));
    assert_eq!(position(pool, v), (0, 5_000_000, 0));
    t.report(
        &aanvrager,
        "Plan van aanpak opgeleverd.",
        at(2025, 1, 6, 9, 0),
    );
    t.settle(&finance, "45000.00", at(2025, 2, 3, 9, 0));
    assert_eq!(position(pool, v), (0, 4_500_000, 4_500_000));
    t.close_refused(&finance, at(2025, 2, 4, 9, 0));
    t.unchanged("vastgesteld");
}

#[test]
fn onderzoek_is_ranked_by_score_after_the_call_closes_and_every_grant_needs_four_eyes() {
    let w = world();
    let pool = &w.pool;
    let admin = Actor::system();
    let reviewer_a = staff(pool, Role::Reviewer);
    let reviewer_b = staff(pool, Role::Reviewer);
    let finance = staff(pool, Role::Finance);
    let o = "onderzoek";

    // Submitted in this order; the scores give another order: B (90), D (80), A (70), C (60).
    let amounts = [
        ("A", "r10", "1000000.00", 70),
        ("B", "r11", "2000000.00", 90),
        ("C", "r12", "250000.00", 60),
        ("D", "r13", "1500000.00", 80),
    ];
    let mut apps = Vec::new();
    for (i, (name, region, amount, score)) in amounts.iter().enumerate() {
        let (aanvrager, _) = applicant(pool, region);
        let now = at(2025, 5, 6 + u32::try_from(i).unwrap(), 9, 0);
        let draft =
            applications::create_draft(pool, &aanvrager, &new_app(o, None, amount), now).unwrap();
        let mut t = Track::new(pool, &aanvrager, &draft);
        act(pool, &aanvrager, &draft.id, Action::Submit, now);
        t.step(
            &aanvrager,
            "indienen",
            "concept",
            "ingediend",
            &["ontvangstbevestiging"],
        );
        apps.push((*name, draft.id.clone(), *score, aanvrager, t));
    }

    // Not before the call has closed on 30 June.
    let runs_before = snapshot(pool);
    let refused = allocation::run(pool, &admin, o, None, at(2025, 6, 30, 20, 0));
    assert!(
        matches!(refused, Err(ServiceError::Conflict(_))),
        "{refused:?}"
    );
    // Not without a score for every application.
    let refused = allocation::run(pool, &admin, o, None, at(2025, 7, 1, 9, 0));
    assert!(
        matches!(refused, Err(ServiceError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(snapshot(pool), runs_before);

    // Only a reviewer scores, and only from 0 to 100.
    let (_, id_a, _, applicant_a, _) = &apps[0];
    assert!(matches!(
        applications::score(pool, applicant_a, id_a, 100, at(2025, 7, 1, 9, 0)),
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        applications::score(pool, &reviewer_a, id_a, 101, at(2025, 7, 1, 9, 0)),
        Err(ServiceError::Validation(_))
    ));
    for (_, id, score, _, t) in &mut apps {
        let scored =
            applications::score(pool, &reviewer_a, id, *score, at(2025, 7, 1, 9, 0)).unwrap();
        assert_eq!(scored.score, Some(*score));
        t.step(&reviewer_a, "scoren", "ingediend", "ingediend", &[]);
    }

    let run = allocation::run(pool, &admin, o, None, at(2025, 7, 2, 9, 0)).unwrap();
    let order: Vec<(&str, &str)> = run
        .placements
        .iter()
        .map(|p| {
            let name = apps.iter().find(|a| a.1 == p.application_id).unwrap().0;
            (name, p.decision.as_str())
        })
        .collect();
    // 2.0 + 1.5 mln fit in 4 mln; A (1.0 mln) does not, and C may not overtake it.
    assert_eq!(
        order,
        vec![
            ("B", "gereserveerd"),
            ("D", "gereserveerd"),
            ("A", "wachtlijst"),
            ("C", "wachtlijst"),
        ]
    );
    assert_eq!(position(pool, o), (350_000_000, 0, 0));
    for (name, id, _, _, t) in &mut apps {
        match *name {
            "B" | "D" => {
                t.step(
                    &admin,
                    "toewijzen",
                    "ingediend",
                    "gereserveerd",
                    &["budget_gereserveerd"],
                );
            }
            _ => {
                let app = t.step(
                    &admin,
                    "op_wachtlijst_plaatsen",
                    "ingediend",
                    "wachtlijst",
                    &["wachtlijst"],
                );
                assert!(app.waitlist_position.is_some(), "{id}");
            }
        }
    }
    let [a, b, c, d] = &mut apps[..] else {
        unreachable!()
    };

    // Every grant needs two reviewers, even the smallest; D is granted less than reserved.
    let day = at(2025, 9, 1, 9, 0);
    for (x, amount) in [(&mut *b, "2000000.00"), (&mut *d, "1200000.00")] {
        act(pool, &reviewer_a, &x.1, Action::StartReview, day);
        x.4.step(
            &reviewer_a,
            "beoordeling_starten",
            "gereserveerd",
            "in_behandeling",
            &[],
        );
        let proposed =
            applications::execute(pool, &reviewer_a, &x.1, None, &grant(amount), day).unwrap();
        assert!(
            matches!(proposed, Outcome::GrantProposed(_)),
            "{proposed:?}"
        );
        x.4.step(
            &reviewer_a,
            "honorering_voorstellen",
            "in_behandeling",
            "in_behandeling",
            &["tweede_beoordeling_gevraagd"],
        );
        act(pool, &reviewer_b, &x.1, grant(amount), day);
        x.4.step(
            &reviewer_b,
            "honoreren",
            "in_behandeling",
            "gehonoreerd",
            &["verleningsbeschikking"],
        );
    }
    assert_eq!(position(pool, o), (0, 320_000_000, 0));

    // 0.8 mln is free, still not enough for A; C keeps its place behind A.
    let run = allocation::run(pool, &admin, o, None, at(2025, 9, 2, 9, 0)).unwrap();
    assert!(run.placements.is_empty(), "{:?}", run.placements);
    assert_eq!(app(pool, &a.1).state, "wachtlijst");
    assert_eq!(app(pool, &c.1).state, "wachtlijst");

    // B accounts and is settled lower; D waives its grant.
    act(
        pool,
        &b.3,
        &b.1,
        Action::Report {
            summary: "Eindrapport.".into(),
        },
        at(2026, 3, 2, 9, 0),
    );
    b.4.step(
        &b.3,
        "verantwoorden",
        "gehonoreerd",
        "verantwoording_ingediend",
        &[],
    );
    act(
        pool,
        &finance,
        &b.1,
        settle("1900000.00"),
        at(2026, 4, 1, 9, 0),
    );
    b.4.step(
        &finance,
        "vaststellen",
        "verantwoording_ingediend",
        "vastgesteld",
        &["vaststellingsbeschikking"],
    );
    assert_eq!(position(pool, o), (0, 310_000_000, 190_000_000));
    is_conflict(applications::execute(
        pool,
        &finance,
        &b.1,
        None,
        &Action::Close,
        at(2026, 4, 2, 9, 0),
    ));
    b.4.unchanged("vastgesteld");

    act(
        pool,
        &d.3,
        &d.1,
        Action::Waive {
            reason: Some("Onderzoeker vertrokken.".into()),
        },
        at(2026, 4, 1, 9, 0),
    );
    d.4.step(
        &d.3,
        "afzien",
        "gehonoreerd",
        "afgezien",
        &["afzien_bevestigd"],
    );
    assert_eq!(position(pool, o), (0, 190_000_000, 190_000_000));

    // 2.1 mln is free now: A and then C move up, in list order.
    let run = allocation::run(pool, &admin, o, None, at(2026, 4, 2, 9, 0)).unwrap();
    let promoted: Vec<&str> = run
        .placements
        .iter()
        .map(|p| p.application_id.as_str())
        .collect();
    assert_eq!(promoted, vec![a.1.as_str(), c.1.as_str()]);
    a.4.step(
        &admin,
        "toewijzen",
        "wachtlijst",
        "gereserveerd",
        &["budget_gereserveerd"],
    );
    c.4.step(
        &admin,
        "toewijzen",
        "wachtlijst",
        "gereserveerd",
        &["budget_gereserveerd"],
    );
    assert_eq!(position(pool, o), (125_000_000, 190_000_000, 190_000_000));
}

#[test]
fn reject_releases_the_reservation_and_the_region_may_apply_again() {
    let w = world();
    let pool = &w.pool;
    let (aanvrager, _) = applicant(pool, "r04");
    let reviewer = staff(pool, Role::Reviewer);
    let app1 = submit_and_reserve(pool, &aanvrager, "uitvoering", None, "900000.00", t0());
    assert_eq!(position(pool, "uitvoering"), (90_000_000, 0, 0));
    act(pool, &reviewer, &app1.id, Action::StartReview, t0());

    // A rejection needs a motivation.
    let refused = applications::execute(
        pool,
        &reviewer,
        &app1.id,
        None,
        &Action::Reject {
            motivation: "  ".into(),
        },
        t0(),
    );
    assert!(
        matches!(&refused, Err(ServiceError::Validation(f)) if f[0].field == "motivering"),
        "{refused:?}"
    );
    assert_eq!(position(pool, "uitvoering"), (90_000_000, 0, 0));

    let rejected = act(pool, &reviewer, &app1.id, reject(), t0());
    assert_eq!(rejected.state, "afgewezen");
    assert_eq!(rejected.reserved_cents, 0);
    assert_eq!(rejected.uniqueness_key, None);
    assert_eq!(
        rejected.decision_motivation.as_deref(),
        Some("Het plan voldoet niet aan artikel 4.")
    );
    assert_eq!(position(pool, "uitvoering"), (0, 0, 0));
    assert_mails(
        pool,
        &app1.id,
        &[
            "ontvangstbevestiging",
            "budget_gereserveerd",
            "afwijzingsbeschikking",
        ],
    );
    assert_ledger(pool);

    // The rejection ended the application, so the region may apply again.
    let again = draft_at_t0(pool, &aanvrager, "uitvoering", None, "800000.00");
    assert!(again.is_ok(), "{again:?}");
}

#[test]
fn withdrawal_releases_a_reservation_in_every_state_before_a_decision() {
    let w = world();
    let pool = &w.pool;
    let reviewer = staff(pool, Role::Reviewer);
    let v = "uitvoering";

    // Reserved.
    let (a1, _) = applicant(pool, "r05");
    let x = submit_and_reserve(pool, &a1, v, None, "500000.00", t0());
    // Under review.
    let (a2, _) = applicant(pool, "r06");
    let y = submit_and_reserve(pool, &a2, v, None, "700000.00", t0());
    act(pool, &reviewer, &y.id, Action::StartReview, t0());
    // Supplement requested.
    let (a3, _) = applicant(pool, "r07");
    let z = submit_and_reserve(pool, &a3, v, None, "600000.00", t0());
    act(pool, &reviewer, &z.id, Action::StartReview, t0());
    act(
        pool,
        &reviewer,
        &z.id,
        Action::RequestSupplement {
            request: "Handtekening ontbreekt.".into(),
        },
        t0(),
    );
    assert_eq!(position(pool, v), (180_000_000, 0, 0));

    let mut left = 180_000_000;
    let receipt = "ontvangstbevestiging";
    let reserved = "budget_gereserveerd";
    let withdrawn_mail = "intrekking_bevestigd";
    for (actor, app, expected) in [
        (&a1, &x, vec![receipt, reserved, withdrawn_mail]),
        (&a2, &y, vec![receipt, reserved, withdrawn_mail]),
        (
            &a3,
            &z,
            vec![receipt, reserved, "aanvulling_gevraagd", withdrawn_mail],
        ),
    ] {
        let withdrawn = act(
            pool,
            actor,
            &app.id,
            Action::Withdraw {
                reason: Some("Plannen gewijzigd.".into()),
            },
            t0() + Duration::days(1),
        );
        assert_eq!(withdrawn.state, "ingetrokken");
        assert_eq!(withdrawn.reserved_cents, 0);
        left -= app.requested_cents;
        assert_eq!(position(pool, v), (left, 0, 0));
        assert_mails(pool, &app.id, &expected);
        assert_eq!(history(pool, &app.id).last().unwrap().command, "intrekken");
        assert_ledger(pool);
    }
    assert_eq!(left, 0);

    // Withdrawing a submitted application moves no money.
    let (a4, _) = applicant(pool, "r08");
    let draft = draft_at_t0(pool, &a4, v, None, "500000.00").unwrap();
    act(pool, &a4, &draft.id, Action::Submit, t0());
    let withdrawn = act(
        pool,
        &a4,
        &draft.id,
        Action::Withdraw { reason: None },
        t0(),
    );
    assert_eq!(withdrawn.state, "ingetrokken");
    assert_eq!(position(pool, v), (0, 0, 0));
    assert_ledger(pool);
}

#[test]
fn lapse_only_after_the_supplement_deadline() {
    let w = world();
    let pool = &w.pool;
    let (aanvrager, _) = applicant(pool, "r09");
    let reviewer = staff(pool, Role::Reviewer);
    let v = "uitvoering";
    let x = submit_and_reserve(pool, &aanvrager, v, None, "1000000.00", t0());
    act(pool, &reviewer, &x.id, Action::StartReview, t0());
    let asked = act(
        pool,
        &reviewer,
        &x.id,
        Action::RequestSupplement {
            request: "De samenwerkingsovereenkomst ontbreekt.".into(),
        },
        t0(),
    );
    // Requested Monday 3 March 2025 with 14 days: Monday 17 March.
    let due = asked.supplement_due_on.unwrap();
    assert_eq!(due, date(2025, 3, 17));
    let lapse = Action::Lapse {
        motivation: "De gevraagde aanvulling is niet op tijd ontvangen.".into(),
    };

    // On the last day, late in the evening Amsterdam time, the term still runs.
    let last_minute = deadlines::end_of_day_utc(due) - Duration::minutes(1);
    let before = snapshot(pool);
    let refused = applications::execute(pool, &reviewer, &x.id, None, &lapse, last_minute);
    assert!(
        matches!(&refused, Err(ServiceError::Conflict(m)) if m.contains("2025-03-17")),
        "{refused:?}"
    );
    assert_eq!(snapshot(pool), before);
    assert_eq!(position(pool, v), (100_000_000, 0, 0));

    let lapsed = act(
        pool,
        &reviewer,
        &x.id,
        lapse,
        deadlines::end_of_day_utc(due) + Duration::seconds(1),
    );
    assert_eq!(lapsed.state, "buiten_behandeling");
    assert_eq!(lapsed.reserved_cents, 0);
    assert!(lapsed.objection_due_on.is_some());
    assert_eq!(position(pool, v), (0, 0, 0));
    assert_mails(
        pool,
        &x.id,
        &[
            "ontvangstbevestiging",
            "budget_gereserveerd",
            "aanvulling_gevraagd",
            "buitenbehandelingstelling",
        ],
    );
    assert_ledger(pool);
}

#[test]
fn waiving_releases_the_grant_and_cancels_the_unpaid_advance() {
    let w = world();
    let pool = &w.pool;
    let (aanvrager, _) = applicant(pool, "r14");
    let reviewer = staff(pool, Role::Reviewer);
    let v = "uitvoering";
    let x = submit_and_reserve(pool, &aanvrager, v, None, "800000.00", t0());
    act(pool, &reviewer, &x.id, Action::StartReview, t0());
    // Below the four-eyes limit: one reviewer grants, lower than reserved.
    act(pool, &reviewer, &x.id, grant("750000.00"), t0());
    assert_eq!(position(pool, v), (0, 75_000_000, 0));
    assert_eq!(
        payments(pool, &x.id),
        vec![("voorschot".into(), 60_000_000, "gepland".into())]
    );

    // Only the grantee waives.
    let refused = applications::execute(
        pool,
        &reviewer,
        &x.id,
        None,
        &Action::Waive { reason: None },
        t0(),
    );
    assert!(
        matches!(refused, Err(ServiceError::Forbidden(_))),
        "{refused:?}"
    );

    let waived = act(
        pool,
        &aanvrager,
        &x.id,
        Action::Waive {
            reason: Some("Project gaat niet door.".into()),
        },
        t0() + Duration::days(7),
    );
    assert_eq!(waived.state, "afgezien");
    assert_eq!(waived.granted_cents, 0);
    assert_eq!(position(pool, v), (0, 0, 0));
    assert_eq!(
        payments(pool, &x.id),
        vec![("voorschot".into(), 60_000_000, "geannuleerd".into())]
    );
    assert_eq!(
        mails(pool, &x.id).last().map(String::as_str),
        Some("afzien_bevestigd")
    );
    assert_ledger(pool);
}

#[test]
fn objection_within_six_weeks_of_the_decision_only() {
    let w = world();
    let pool = &w.pool;
    let (aanvrager, _) = applicant(pool, "r15");
    let reviewer = staff(pool, Role::Reviewer);
    let x = submit_and_reserve(pool, &aanvrager, "uitvoering", None, "800000.00", t0());

    // No decision yet: nothing to object to.
    let refused = applications::object(pool, &aanvrager, &x.id, "Ik ben het oneens.", t0());
    assert!(
        matches!(refused, Err(ServiceError::Conflict(_))),
        "{refused:?}"
    );

    act(pool, &reviewer, &x.id, Action::StartReview, t0());
    let rejected = act(pool, &reviewer, &x.id, reject(), t0());
    // Sent Monday 3 March 2025: six weeks end on Monday 14 April.
    assert_eq!(rejected.objection_due_on, Some(date(2025, 4, 14)));

    // Too late: the day after the deadline.
    let before = snapshot(pool);
    let late = applications::object(
        pool,
        &aanvrager,
        &x.id,
        "Het plan voldoet wel.",
        at(2025, 4, 15, 7, 0),
    );
    assert!(
        matches!(&late, Err(ServiceError::Conflict(m)) if m.contains("2025-04-14")),
        "{late:?}"
    );
    assert_eq!(snapshot(pool), before);

    // On the last day it is in time.
    let objection = applications::object(
        pool,
        &aanvrager,
        &x.id,
        "Het plan voldoet wel aan artikel 4.",
        at(2025, 4, 14, 20, 0),
    )
    .unwrap();
    assert_eq!(objection.decision, "afwijzen");
    assert_eq!(objection.state, "ingediend");
    let lodged = queries::objections_of(pool, &aanvrager, &x.id).unwrap();
    assert_eq!(lodged.len(), 1);
    let h = history(pool, &x.id);
    let last = h.last().unwrap();
    assert_eq!(last.command, "bezwaar_maken");
    assert_eq!(last.to_state, "afgewezen");
    assert_eq!(app(pool, &x.id).state, "afgewezen");
    assert_ledger(pool);

    // Another organisation cannot object to it.
    let (other, _) = applicant(pool, "r16");
    let refused = applications::object(pool, &other, &x.id, "Bezwaar.", at(2025, 4, 1, 9, 0));
    assert!(
        matches!(refused, Err(ServiceError::NotFound { .. })),
        "{refused:?}"
    );
}

#[test]
fn order_of_receipt_puts_what_does_not_fit_on_the_waiting_list() {
    let w = world();
    let pool = &w.pool;
    let admin = Actor::system();
    let reviewer = staff(pool, Role::Reviewer);
    // 35 reservations of 2 mln leave 2 of the 72 mln free.
    let mut ids = Vec::new();
    for i in 0..35 {
        let (a, _) = applicant(pool, &format!("r{:02}", i + 1));
        let d = draft_at_t0(pool, &a, "uitvoering", None, "2000000.00").unwrap();
        act(pool, &a, &d.id, Action::Submit, t0());
        ids.push(d.id);
    }
    allocation::run(pool, &admin, "uitvoering", None, t0()).unwrap();
    assert_eq!(position(pool, "uitvoering"), (7_000_000_000, 0, 0));

    // Next day two of 1.5 mln arrive; together they exceed the 2 mln left.
    let next = t0() + Duration::days(1);
    let (p, _) = applicant(pool, "r40");
    let (q, _) = applicant(pool, "r41");
    let mut late = Vec::new();
    for a in [&p, &q] {
        let d =
            applications::create_draft(pool, a, &new_app("uitvoering", None, "1500000.00"), next)
                .unwrap();
        act(pool, a, &d.id, Action::Submit, next);
        late.push(d.id);
    }
    // During the day their lot waits: its seed is revealed only once the day is over.
    let early = allocation::run(pool, &admin, "uitvoering", None, next).unwrap();
    assert!(early.placements.is_empty());
    let after = next + Duration::days(1);
    let run = allocation::run(pool, &admin, "uitvoering", None, after).unwrap();
    // Same day, together over what is left: ordered by lot with the day's committed
    // seed, which the run reveals.
    assert_eq!(run.run.lottery_days, "2025-03-04");
    assert_eq!(run.run.seed_source, "committed");
    assert_eq!(run.seeds.len(), 1);
    assert_eq!(run.seeds[0].day, date(2025, 3, 4));
    let seed: subsidie_domain::lottery::Seed = run.seeds[0].seed.parse().unwrap();
    assert_eq!(
        subsidie_domain::lottery::commitment(&seed),
        run.seeds[0].commitment
    );
    assert_eq!(run.placements.len(), 2);
    assert!(run.placements.iter().all(|p| p.lot_key.is_some()));
    assert_eq!(run.placements[0].decision, "gereserveerd");
    assert_eq!(run.placements[1].decision, "wachtlijst");
    let waiting = run.placements[1].application_id.clone();
    assert_eq!(app(pool, &waiting).state, "wachtlijst");
    assert_mails(pool, &waiting, &["ontvangstbevestiging", "wachtlijst"]);
    assert_eq!(position(pool, "uitvoering"), (7_150_000_000, 0, 0));
    assert_ledger(pool);

    // A rejection frees 2 mln; the next run moves the waiting application up.
    act(pool, &reviewer, &ids[0], Action::StartReview, after);
    act(pool, &reviewer, &ids[0], reject(), after);
    let run = allocation::run(pool, &admin, "uitvoering", None, after).unwrap();
    assert_eq!(run.placements.len(), 1);
    assert_eq!(run.placements[0].application_id, waiting);
    assert_eq!(run.placements[0].decision, "van_wachtlijst");
    assert_eq!(app(pool, &waiting).state, "gereserveerd");
    assert_eq!(position(pool, "uitvoering"), (7_100_000_000, 0, 0));
    assert_ledger(pool);
}
