//! The whole lifecycle of each instrument of the programme, over HTTP, with the clock set
//! inside each instrument's window.
//!
//! Paying is the business of payment runs (finance, with the bank); the tests do that
//! through the service, as the CLI would, and everything else through the API.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft, draft_body, status_of, Cast, TestServer, User};
use serde_json::{json, Value};
use subsidie_service::{payments, Role};

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn submit(s: &TestServer, applicant: &User, id: &str) -> Value {
    s.post(
        applicant,
        &format!("/aanvragen/{id}/indieningen"),
        json!({}),
    )
    .expect(200)
    .json()
}

fn review(s: &TestServer, reviewer: &User, id: &str, body: Value) -> common::Response {
    s.post(reviewer, &format!("/aanvragen/{id}/beoordelingen"), body)
}

fn budget(s: &TestServer, user: &User, instrument: &str) -> Value {
    s.get(user, &format!("/instrumenten/{instrument}"))
        .expect(200)
        .json()["budget"]
        .clone()
}

fn payments_of(s: &TestServer, user: &User, id: &str) -> Vec<Value> {
    s.get(user, &format!("/aanvragen/{id}/betalingen"))
        .expect(200)
        .json()["betalingen"]
        .as_array()
        .unwrap()
        .clone()
}

/// Pays every scheduled transfer that is due, as finance does with a payment run.
fn pay_due(s: &TestServer, finance: &User) {
    let now = s.clock.now();
    let today = now.date_naive();
    let run = payments::create_run(&s.pool, &finance.actor(), today, now).unwrap();
    payments::mark_run_paid(&s.pool, &finance.actor(), &run.id, now).unwrap();
}

fn ledger_holds(s: &TestServer, finance: &User) {
    let check = s.get(finance, "/grootboekcontrole").expect(200).json();
    assert_eq!(check["klopt"], json!(true), "{check}");
}

#[test]
fn voorbereiding_from_draft_to_closed() {
    let s = TestServer::start(at(2024, 2, 5, 9));
    let c = Cast::new(&s);
    let a = &c.applicant_a;

    // Draft, edit, submit.
    let created = s.post(
        a,
        "/aanvragen",
        draft_body("voorbereiding", "50000.00", None),
    );
    created.expect(201);
    let app = created.json();
    let id = id_of(&app);
    assert_eq!(
        created.header("Location"),
        Some(format!("/api/v1/aanvragen/{id}").as_str())
    );
    assert_eq!(app["status"], json!("concept"));
    assert_eq!(app["regioId"], json!("r01"));
    assert_eq!(app["aangevraagdBedrag"], json!("50000.00"));
    let edited = s
        .patch(
            a,
            &format!("/aanvragen/{id}"),
            json!({"titel": "Voorbereiding RESV Groningen-Stad"}),
        )
        .expect(200)
        .json();
    assert_eq!(edited["titel"], json!("Voorbereiding RESV Groningen-Stad"));
    let submitted = submit(&s, a, &id);
    assert_eq!(submitted["status"], json!("ingediend"));
    assert_eq!(submitted["ontvangenOp"], json!("2024-02-05T09:00:00Z"));
    // The preparation grant's round open in the first half of 2024.
    assert_eq!(submitted["ronde"], json!("ronde-3"));
    // Eight weeks end on Easter Monday 2024: the term runs on to the next working day.
    assert_eq!(submitted["beslissenUiterlijk"], json!("2024-04-02"));
    // A second application of the same region under a per-region instrument.
    s.post(
        a,
        "/aanvragen",
        draft_body("voorbereiding", "50000.00", None),
    )
    .problem(409);

    // Allocation reserves the budget.
    let run = allocate(&s, &c.admin, "voorbereiding");
    assert_eq!(run["plaatsingen"][0]["besluit"], json!("gereserveerd"));
    assert_eq!(run["gereserveerdTotaal"], json!("50000.00"));
    assert_eq!(status_of(&s, a, &id), "gereserveerd");
    assert_eq!(
        budget(&s, a, "voorbereiding")["gereserveerd"],
        json!("50000.00")
    );

    // Review with a supplement.
    review(&s, &c.reviewer, &id, json!({"besluit": "starten"})).expect(200);
    let asked = review(
        &s,
        &c.reviewer,
        &id,
        json!({"besluit": "aanvulling-vragen", "aanvulling": "Stuur de begroting mee."}),
    )
    .expect(200)
    .json();
    assert_eq!(asked["status"], json!("aanvulling_gevraagd"));
    assert_eq!(asked["aanvullingVerzoek"], json!("Stuur de begroting mee."));
    assert!(asked["aanvullenUiterlijk"].is_string());
    let supplied = s
        .post(
            a,
            &format!("/aanvragen/{id}/aanvullingen"),
            json!({"toelichting": "Begroting bijgevoegd."}),
        )
        .expect(200)
        .json();
    assert_eq!(supplied["status"], json!("in_behandeling"));

    // Grant: no four eyes on this instrument.
    let granted = review(
        &s,
        &c.reviewer,
        &id,
        json!({"besluit": "honoreren", "bedrag": "50000.00", "motivering": "Voldoet aan de regeling."}),
    )
    .expect(200)
    .json();
    assert_eq!(granted["status"], json!("gehonoreerd"));
    assert_eq!(granted["verleendBedrag"], json!("50000.00"));
    assert_eq!(
        granted["besluitMotivering"],
        json!("Voldoet aan de regeling.")
    );
    assert!(granted["bezwaarUiterlijk"].is_string());
    let b = budget(&s, a, "voorbereiding");
    assert_eq!(
        (b["gereserveerd"].clone(), b["verleend"].clone()),
        (json!("0.00"), json!("50000.00"))
    );

    // The advance (100%) is scheduled, then paid in a run.
    let pays = payments_of(&s, a, &id);
    assert_eq!(pays.len(), 1);
    assert_eq!(
        (pays[0]["soort"].clone(), pays[0]["bedrag"].clone()),
        (json!("voorschot"), json!("50000.00"))
    );
    pay_due(&s, &c.finance);
    assert_eq!(payments_of(&s, a, &id)[0]["status"], json!("betaald"));

    // An objection within the period.
    let objection = s.post(
        a,
        &format!("/aanvragen/{id}/bezwaren"),
        json!({"gronden": "Wij vroegen om een hoger bedrag."}),
    );
    objection.expect(201);
    assert_eq!(objection.json()["besluit"], json!("honoreren"));
    let list = s
        .get(&c.reviewer, &format!("/aanvragen/{id}/bezwaren"))
        .expect(200)
        .json();
    assert_eq!(list["bezwaren"].as_array().unwrap().len(), 1);

    // Accounting, settlement lower than paid: a recovery.
    s.post(
        a,
        &format!("/aanvragen/{id}/verantwoordingen"),
        json!({"samenvatting": "Eindverslag 2024."}),
    )
    .expect(200);
    let settled = s
        .post(
            &c.finance,
            &format!("/aanvragen/{id}/vaststellingen"),
            json!({"bedrag": "45000.00", "motivering": "Vastgesteld op de verantwoorde kosten."}),
        )
        .expect(200)
        .json();
    assert_eq!(settled["status"], json!("vastgesteld"));
    assert_eq!(settled["vastgesteldBedrag"], json!("45000.00"));
    // The grant and the settlement are each a PDF letter with their amounts.
    let letters = s
        .get(a, &format!("/aanvragen/{id}/besluiten"))
        .expect(200)
        .json()["besluiten"]
        .clone();
    assert_eq!(letters[0]["soort"], json!("verleningsbeschikking"));
    let last = letters.as_array().unwrap().last().unwrap();
    assert_eq!(last["soort"], json!("vaststellingsbeschikking"));
    let pdf = s.get(
        a,
        &format!("/aanvragen/{id}/besluiten/{}", last["id"].as_str().unwrap()),
    );
    pdf.expect(200);
    let text = subsidie_notify::testing::pdf_text(&pdf.body);
    assert!(text.contains("€ 45.000,00"), "{text}");
    assert!(
        text.contains(settled["referentie"].as_str().unwrap()),
        "{text}"
    );
    assert!(
        text.contains("Bent u het niet eens met dit besluit?"),
        "{text}"
    );
    let recovery = payments_of(&s, &c.finance, &id)
        .into_iter()
        .find(|p| p["soort"] == json!("terugvordering"))
        .unwrap();
    assert_eq!(recovery["bedrag"], json!("5000.00"));
    // Not closed while the recovery is open.
    s.post(
        &c.finance,
        &format!("/aanvragen/{id}/afsluitingen"),
        json!({}),
    )
    .problem(409);
    payments::record_recovery_received(
        &s.pool,
        &c.finance.actor(),
        &id_of(&recovery),
        s.clock.now(),
    )
    .unwrap();
    let closed = s
        .send(
            "POST",
            &format!("/aanvragen/{id}/afsluitingen"),
            Some(&c.finance),
            &[],
            None,
        )
        .expect(200)
        .json();
    assert_eq!(closed["status"], json!("afgesloten"));
    // Closed, the settlement can still be revoked or lowered (Awb 4:49).
    assert_eq!(
        closed["toegestaneOpdrachten"],
        json!(["verlening_intrekken", "verlening_verlagen"])
    );

    // The budget and the ledger agree to the cent.
    assert_eq!(
        budget(&s, &c.finance, "voorbereiding"),
        json!({
            "plafond": "2700000.00", "gereserveerd": "0.00", "verleend": "45000.00",
            "vastgesteld": "45000.00", "betaald": "50000.00", "teruggevorderd": "5000.00",
            "beschikbaar": "2655000.00"
        })
    );
    ledger_holds(&s, &c.finance);

    // The history tells the whole story.
    let history = s
        .get(a, &format!("/aanvragen/{id}/historie"))
        .expect(200)
        .json();
    let commands: Vec<&str> = history["historie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["opdracht"].as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        [
            "aanmaken",
            "indienen",
            "toewijzen",
            "beoordeling_starten",
            "aanvulling_vragen",
            "aanvullen",
            "honoreren",
            "bezwaar_maken",
            "verantwoorden",
            "vaststellen",
            "afsluiten"
        ]
    );
}

#[test]
fn uitvoering_with_four_eyes_conflicts_and_rejection() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let reviewer3 = s.user(Role::Reviewer, None);

    let a_id = draft(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1500000.00", None),
    );
    let b_id = draft(
        &s,
        &c.applicant_b,
        draft_body("uitvoering", "2000000.00", None),
    );
    submit(&s, &c.applicant_a, &a_id);
    submit(&s, &c.applicant_b, &b_id);
    let run = allocate(&s, &c.admin, "uitvoering");
    assert_eq!(run["plaatsingen"].as_array().unwrap().len(), 2);
    // Both on one day, and both fit: no lot needed.
    assert_eq!(run["lotingsdagen"], json!([]));
    assert_eq!(
        budget(&s, &c.admin, "uitvoering")["gereserveerd"],
        json!("3500000.00")
    );

    // The first reviewer declares a conflict with region r01 and may no longer decide it.
    let declared = s.post(
        &c.reviewer,
        &format!("/gebruikers/{}/belangenconflicten", c.reviewer.id),
        json!({"regioId": "r01"}),
    );
    declared.expect(201);
    review(&s, &c.reviewer, &a_id, json!({"besluit": "starten"})).problem(403);
    review(&s, &c.reviewer2, &a_id, json!({"besluit": "starten"})).expect(200);

    // Four eyes: above EUR 1 mln the first grant is a proposal.
    let grant =
        json!({"besluit": "honoreren", "bedrag": "1500000.00", "motivering": "Sterk regioplan."});
    let proposed = review(&s, &c.reviewer2, &a_id, grant.clone());
    proposed.expect(202);
    let body = proposed.json();
    assert!(body["melding"].as_str().unwrap().contains("tweede"));
    assert_eq!(body["aanvraag"]["status"], json!("in_behandeling"));
    assert_eq!(
        body["aanvraag"]["honoreringVoorstel"],
        json!({"voorgesteldDoor": c.reviewer2.id, "bedrag": "1500000.00"})
    );
    // The same reviewer cannot confirm; the conflicted one may not; another amount is not
    // a confirmation.
    review(&s, &c.reviewer2, &a_id, grant.clone()).problem(409);
    review(&s, &c.reviewer, &a_id, grant.clone()).problem(403);
    review(
        &s,
        &reviewer3,
        &a_id,
        json!({"besluit": "honoreren", "bedrag": "1400000.00", "motivering": "Iets lager."}),
    )
    .problem(409);
    let confirmed = review(&s, &reviewer3, &a_id, grant).expect(200).json();
    assert_eq!(confirmed["status"], json!("gehonoreerd"));
    assert!(confirmed["honoreringVoorstel"].is_null());
    // 80% advance.
    let pays = payments_of(&s, &c.applicant_a, &a_id);
    assert_eq!(pays[0]["bedrag"], json!("1200000.00"));

    // The other one is rejected with a motivation; its reservation is released.
    review(&s, &c.reviewer, &b_id, json!({"besluit": "starten"})).expect(200);
    review(
        &s,
        &c.reviewer,
        &b_id,
        json!({"besluit": "afwijzen", "motivering": ""}),
    )
    .problem(400);
    let rejected = review(
        &s,
        &c.reviewer,
        &b_id,
        json!({"besluit": "afwijzen", "motivering": "Het plan mist een hecht wijkverband."}),
    )
    .expect(200)
    .json();
    assert_eq!(rejected["status"], json!("afgewezen"));
    s.post(
        &c.applicant_b,
        &format!("/aanvragen/{b_id}/bezwaren"),
        json!({"gronden": "Het wijkverband staat in bijlage 2."}),
    )
    .expect(201);
    // After the objection period, no more objections.
    s.set_now(at(2025, 6, 30, 9));
    s.post(
        &c.applicant_b,
        &format!("/aanvragen/{b_id}/bezwaren"),
        json!({"gronden": "Te laat."}),
    )
    .problem(409);
    assert_eq!(
        budget(&s, &c.admin, "uitvoering"),
        json!({
            "plafond": "72000000.00", "gereserveerd": "0.00", "verleend": "1500000.00",
            "vastgesteld": "0.00", "betaald": "0.00", "teruggevorderd": "0.00",
            "beschikbaar": "70500000.00"
        })
    );
    ledger_holds(&s, &c.admin);
}

#[test]
fn discipline_voucher_waived_deleted_and_withdrawn() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let a = &c.applicant_a;

    // A voucher names a discipline.
    let res = s.post(
        a,
        "/aanvragen",
        draft_body("discipline-voucher", "25000.00", None),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["disciplineId"]);
    let res = s.post(
        a,
        "/aanvragen",
        draft_body("discipline-voucher", "25000.00", Some("onbekend")),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["disciplineId"]);
    // A fixed amount.
    let res = s.post(
        a,
        "/aanvragen",
        draft_body("discipline-voucher", "20000.00", Some("farmacie")),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["aangevraagdBedrag"]);

    let id = draft(
        &s,
        a,
        draft_body("discipline-voucher", "25000.00", Some("farmacie")),
    );
    // One per region and discipline.
    s.post(
        a,
        "/aanvragen",
        draft_body("discipline-voucher", "25000.00", Some("farmacie")),
    )
    .problem(409);
    submit(&s, a, &id);
    allocate(&s, &c.admin, "discipline-voucher");
    review(&s, &c.reviewer, &id, json!({"besluit": "starten"})).expect(200);
    review(
        &s,
        &c.reviewer,
        &id,
        json!({"besluit": "honoreren", "bedrag": "25000.00", "motivering": "Akkoord."}),
    )
    .expect(200);
    assert_eq!(
        budget(&s, a, "discipline-voucher")["verleend"],
        json!("25000.00")
    );
    // The grantee waives: the grant is released and the unpaid advance cancelled.
    let waived = s
        .post(
            a,
            &format!("/aanvragen/{id}/afzieningen"),
            json!({"reden": "De apotheken doen niet mee."}),
        )
        .expect(200)
        .json();
    assert_eq!(waived["status"], json!("afgezien"));
    assert_eq!(payments_of(&s, a, &id)[0]["status"], json!("geannuleerd"));
    assert_eq!(
        budget(&s, a, "discipline-voucher")["verleend"],
        json!("0.00")
    );

    // A draft deleted.
    let gone = draft(
        &s,
        a,
        draft_body("discipline-voucher", "25000.00", Some("mondzorg")),
    );
    s.delete(a, &format!("/aanvragen/{gone}")).expect(204);
    s.get(a, &format!("/aanvragen/{gone}")).problem(404);

    // Withdrawn before a decision, after the reservation: the reservation is released.
    let w = draft(
        &s,
        a,
        draft_body("discipline-voucher", "25000.00", Some("logopedie")),
    );
    submit(&s, a, &w);
    allocate(&s, &c.admin, "discipline-voucher");
    assert_eq!(
        budget(&s, a, "discipline-voucher")["gereserveerd"],
        json!("25000.00")
    );
    let withdrawn = s
        .send(
            "POST",
            &format!("/aanvragen/{w}/intrekkingen"),
            Some(a),
            &[],
            None,
        )
        .expect(200)
        .json();
    assert_eq!(withdrawn["status"], json!("ingetrokken"));
    assert_eq!(
        budget(&s, a, "discipline-voucher")["gereserveerd"],
        json!("0.00")
    );
    // Withdrawn ends the region's claim: it may apply again for the same discipline.
    draft(
        &s,
        a,
        draft_body("discipline-voucher", "25000.00", Some("logopedie")),
    );
    ledger_holds(&s, &c.finance);
}

#[test]
fn onderzoek_ranking_waiting_list_lapse_and_closing() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let org_c = s.organisation("r03");
    let org_e = s.organisation("r04");
    let applicant_c = s.user(Role::Applicant, Some(&org_c));
    let applicant_e = s.user(Role::Applicant, Some(&org_e));

    let mut ids = Vec::new();
    for (applicant, amount, score) in [
        (&c.applicant_a, "2000000.00", 90),
        (&c.applicant_b, "2000000.00", 80),
        (&applicant_c, "1500000.00", 70),
        (&applicant_e, "2000000.00", 60),
    ] {
        let id = draft(&s, applicant, draft_body("onderzoek", amount, None));
        submit(&s, applicant, &id);
        s.post(
            &c.reviewer,
            &format!("/aanvragen/{id}/scores"),
            json!({"score": 101}),
        )
        .problem(400);
        let scored = s
            .post(
                &c.reviewer,
                &format!("/aanvragen/{id}/scores"),
                json!({"score": score}),
            )
            .expect(200)
            .json();
        assert_eq!(scored["score"], json!(score));
        ids.push(id);
    }
    let (a_id, b_id, c_id, e_id) = (&ids[0], &ids[1], &ids[2], &ids[3]);

    // Ranking waits for the call to close.
    s.post(
        &c.admin,
        "/toewijzingsrondes",
        json!({"instrumentId": "onderzoek", "seed": common::SEED}),
    )
    .problem(409);
    s.set_now(at(2025, 7, 1, 9));
    let run = allocate(&s, &c.admin, "onderzoek");
    let decisions: Vec<(String, String)> = run["plaatsingen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["aanvraagId"].as_str().unwrap().to_owned(),
                p["besluit"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        vec![
            (a_id.clone(), "gereserveerd".to_owned()),
            (b_id.clone(), "gereserveerd".to_owned()),
            (c_id.clone(), "wachtlijst".to_owned()),
            (e_id.clone(), "wachtlijst".to_owned()),
        ]
    );
    let waiting = s.get(&applicant_c, &format!("/aanvragen/{c_id}")).json();
    assert_eq!(waiting["status"], json!("wachtlijst"));
    assert_eq!(waiting["wachtlijstPositie"], json!(1));

    // A: supplement requested, never supplied; after the deadline it lapses.
    review(&s, &c.reviewer, a_id, json!({"besluit": "starten"})).expect(200);
    review(
        &s,
        &c.reviewer,
        a_id,
        json!({"besluit": "aanvulling-vragen", "aanvulling": "Het onderzoeksprotocol ontbreekt."}),
    )
    .expect(200);
    let lapse = json!({"besluit": "buiten-behandeling", "motivering": "De aanvulling kwam niet binnen de termijn."});
    review(&s, &c.reviewer, a_id, lapse.clone()).problem(409);
    s.set_now(at(2025, 7, 25, 9));
    let lapsed = review(&s, &c.reviewer, a_id, lapse).expect(200).json();
    assert_eq!(lapsed["status"], json!("buiten_behandeling"));
    assert_eq!(
        budget(&s, &c.admin, "onderzoek")["gereserveerd"],
        json!("2000000.00")
    );

    // The freed budget moves the head of the waiting list up; E does not fit.
    let second = allocate(&s, &c.admin, "onderzoek");
    assert_eq!(second["plaatsingen"][0]["aanvraagId"], json!(c_id));
    assert_eq!(second["plaatsingen"][0]["besluit"], json!("van_wachtlijst"));
    assert_eq!(second["plaatsingen"].as_array().unwrap().len(), 1);
    assert_eq!(status_of(&s, &applicant_e, e_id), "wachtlijst");

    // Closing the waiting list rejects E because the ceiling is reached.
    let closed = s
        .post(
            &c.admin,
            "/instrumenten/onderzoek/wachtlijst-sluitingen",
            json!({}),
        )
        .expect(200)
        .json();
    assert_eq!(closed["afgewezen"][0]["id"], json!(e_id));
    assert_eq!(closed["afgewezen"][0]["status"], json!("afgewezen"));
    assert_eq!(
        s.get(&c.admin, "/instrumenten/onderzoek").json()["wachtlijstGesloten"],
        json!(true)
    );

    // B: every grant of the research call needs two reviewers.
    review(&s, &c.reviewer, b_id, json!({"besluit": "starten"})).expect(200);
    let grant = json!({"besluit": "honoreren", "bedrag": "1800000.00", "motivering": "Hoogst gerangschikt na A."});
    review(&s, &c.reviewer, b_id, grant.clone()).expect(202);
    review(&s, &c.reviewer2, b_id, grant).expect(200);
    // A grant below the reservation releases the difference at once.
    assert_eq!(
        budget(&s, &c.admin, "onderzoek"),
        json!({
            "plafond": "4000000.00", "gereserveerd": "1500000.00", "verleend": "1800000.00",
            "vastgesteld": "0.00", "betaald": "0.00", "teruggevorderd": "0.00",
            "beschikbaar": "700000.00"
        })
    );
    // C withdraws from its reservation.
    s.post(
        &applicant_c,
        &format!("/aanvragen/{c_id}/intrekkingen"),
        json!({"reden": "Team vertrokken."}),
    )
    .expect(200);
    assert_eq!(
        budget(&s, &c.admin, "onderzoek")["gereserveerd"],
        json!("0.00")
    );

    // B reports and is settled at the full grant; the rest after the advance is paid.
    pay_due(&s, &c.finance);
    s.post(
        &c.applicant_b,
        &format!("/aanvragen/{b_id}/verantwoordingen"),
        json!({"samenvatting": "Eindrapport."}),
    )
    .expect(200);
    s.post(
        &c.finance,
        &format!("/aanvragen/{b_id}/vaststellingen"),
        json!({"bedrag": "1800000.00", "motivering": "Conform verantwoording."}),
    )
    .expect(200);
    let pays = payments_of(&s, &c.finance, b_id);
    let kinds: Vec<(&str, &str, &str)> = pays
        .iter()
        .map(|p| {
            (
                p["soort"].as_str().unwrap(),
                p["bedrag"].as_str().unwrap(),
                p["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("voorschot", "1440000.00", "betaald"),
            ("restant", "360000.00", "gepland")
        ]
    );
    pay_due(&s, &c.finance);
    s.post(
        &c.finance,
        &format!("/aanvragen/{b_id}/afsluitingen"),
        json!({}),
    )
    .expect(200);
    assert_eq!(status_of(&s, &c.applicant_b, b_id), "afgesloten");
    ledger_holds(&s, &c.finance);
}
