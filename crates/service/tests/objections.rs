//! Objections decided (Awb chapters 6 and 7), on the backend `SUBSIDIE_TEST_BACKEND`
//! selects: receipt, one objection per decision, the decision term and its one
//! extension on real 2026 dates, 7:5, the hearing before *ongegrond*, *niet-ontvankelijk*
//! only after the mend term, and a founded objection against a rejection with and
//! without budget left, with the ledger checked after each.
#![allow(clippy::unwrap_used)]

mod finance_support;

use finance_support::*;
use serde_json::Value as Json;
use subsidie_domain::objection::ObjectionCommand;
use subsidie_service::application::{self as applications, Action, NewApplication};
use subsidie_service::application::{handle_objection, object, ObjectionStep};
use subsidie_service::{allocation, queries, Actor};
use subsidie_store::rows::ApplicationRow;

/// An uitvoering application of `requested`, reserved in 2025 and rejected by the
/// world's reviewer on Friday 2 October 2026.
fn rejected(w: &World, name: &str, requested: &str) -> (Actor, ApplicationRow) {
    let (applicant, app) = reserved(w, name, requested);
    let exec = |a: &Actor, action: Action, t| {
        applications::execute(&w.pool, a, &app.id, None, &action, t).unwrap()
    };
    exec(&w.reviewer, Action::StartReview, at(2025, 3, 3, 9, 30));
    let out = exec(
        &w.reviewer,
        Action::Reject {
            motivation: "Het plan past niet bij de regio.".into(),
        },
        at(2026, 10, 2, 10, 0),
    );
    (applicant, out.application().unwrap().clone())
}

fn reserved(w: &World, name: &str, requested: &str) -> (Actor, ApplicationRow) {
    let (applicant, _) = w.applicant(name);
    let draft = applications::create_draft(
        &w.pool,
        &applicant,
        &NewApplication {
            instrument_id: "uitvoering".into(),
            discipline_id: None,
            title: "Regionale samenwerking".into(),
            description: "Uitvoering van het regioplan".into(),
            requested: eur(requested),
        },
        at(2025, 3, 3, 8, 0),
    )
    .unwrap();
    attach_required(&w.pool, &applicant, &draft.id, at(2025, 3, 3, 8, 0));
    applications::execute(
        &w.pool,
        &applicant,
        &draft.id,
        None,
        &Action::Submit,
        at(2025, 3, 3, 8, 30),
    )
    .unwrap();
    allocation::run(&w.pool, &w.admin, "uitvoering", None, at(2025, 3, 3, 9, 0)).unwrap();
    let app = queries::application(&w.pool, &Actor::system(), &draft.id).unwrap();
    (applicant, app)
}

fn decide(command: ObjectionCommand, amount: Option<&str>) -> ObjectionStep {
    ObjectionStep::Decide {
        command,
        motivation: "Het plan voldoet wel aan criterium 3.".into(),
        amount: amount.map(eur),
    }
}

#[test]
fn a_founded_objection_against_a_rejection_grants_from_what_is_available() {
    let w = world();
    let other = second_reviewer(&w);
    let (applicant, app) = rejected(&w, "Stichting Bezwaar", "800000.00");
    assert_eq!(app.objection_due_on, Some(day(2026, 11, 13)));

    // Lodged: a receipt, the term six weeks after the objection period (Christmas,
    // Tweede Kerstdag on a Saturday, then Sunday: Monday 28 December 2026).
    let first = object(
        &w.pool,
        &applicant,
        &app.id,
        "Het plan past wel.",
        at(2026, 10, 20, 9, 0),
    )
    .unwrap();
    assert_eq!(first.due_on, Some(day(2026, 12, 28)));
    let receipt = letters(&w, &app.id, "bezwaar_ontvangen");
    assert_eq!(receipt.len(), 1);
    assert_eq!(receipt[0]["beslissen_uiterlijk"], "2026-12-28");
    assert_eq!(receipt[0]["brief"]["dagtekening"], "2026-10-20");
    // A second objection against the same decision adds grounds to the first.
    let again = object(
        &w.pool,
        &applicant,
        &app.id,
        "Zie ook de begroting.",
        at(2026, 10, 27, 9, 0),
    )
    .unwrap();
    assert_eq!(again.id, first.id);
    assert!(
        again.grounds.contains("Het plan past wel.")
            && again.grounds.contains("Zie ook de begroting.")
    );
    assert_eq!(
        queries::objections_of(&w.pool, &applicant, &app.id)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(letters(&w, &app.id, "bezwaar_ontvangen").len(), 1);

    // Awb 7:5: the reviewer who rejected does not decide on the objection.
    let message = conflict(handle_objection(
        &w.pool,
        &w.reviewer,
        &first.id,
        &decide(ObjectionCommand::DeclareFounded, None),
        at(2026, 11, 20, 9, 0),
    ));
    assert!(message.contains("7:5"), "{message}");
    // Unfounded only after the hearing (7:2).
    let message = conflict(handle_objection(
        &w.pool,
        &other,
        &first.id,
        &decide(ObjectionCommand::DeclareUnfounded, None),
        at(2026, 11, 20, 9, 0),
    ));
    assert!(message.contains("7:2"), "{message}");
    // Inadmissible only after a chance to mend (6:6): refused by the table.
    assert!(handle_objection(
        &w.pool,
        &other,
        &first.id,
        &decide(ObjectionCommand::DeclareInadmissible, None),
        at(2026, 11, 20, 9, 0)
    )
    .is_err());

    // Deferred once by six weeks: Monday 8 February 2027, with a letter; not twice.
    let extend = ObjectionStep::Extend {
        reason: "Advies van de commissie volgt.".into(),
    };
    let deferred =
        handle_objection(&w.pool, &other, &first.id, &extend, at(2026, 12, 1, 9, 0)).unwrap();
    assert_eq!(deferred.due_on, Some(day(2027, 2, 8)));
    assert_eq!(
        letters(&w, &app.id, "bezwaar_verdaagd")[0]["beslissen_uiterlijk"],
        "2027-02-08"
    );
    let message = conflict(handle_objection(
        &w.pool,
        &other,
        &first.id,
        &extend,
        at(2026, 12, 2, 9, 0),
    ));
    assert!(message.contains("één keer"), "{message}");
    let hearing = ObjectionStep::Hearing {
        held: true,
        note: "Hoorzitting op 10 december 2026.".into(),
    };
    handle_objection(
        &w.pool,
        &other,
        &first.id,
        &hearing,
        at(2026, 12, 10, 15, 0),
    )
    .unwrap();

    // Founded: the rejection is revoked and 750 000 granted from what is available.
    let before = position(&w, "uitvoering");
    let decided = handle_objection(
        &w.pool,
        &other,
        &first.id,
        &decide(ObjectionCommand::DeclareFounded, Some("750000.00")),
        at(2027, 1, 12, 9, 0),
    )
    .unwrap();
    assert_eq!(decided.state, "gegrond");
    let app = queries::application(&w.pool, &Actor::system(), &app.id).unwrap();
    assert_eq!(app.state, "gehonoreerd");
    assert_eq!(app.granted_cents, 75_000_000);
    assert_eq!(app.objection_due_on, None);
    assert_eq!(position(&w, "uitvoering").1, before.1 + 75_000_000);
    w.ledger_holds();
    assert_eq!(w.payments_of(&app.id).len(), 1, "the advance");
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["uitkomst"], "gegrond");
    assert_eq!(letter["verleend"], "750000.00");
    assert_eq!(letter["hoorzitting"], "gehouden");
    // Appeal within six weeks of Tuesday 12 January 2027: Tuesday 23 February 2027.
    assert_eq!(letter["beroep_uiterlijk"], "2027-02-23");
    // Decided: no more grounds, no second decision.
    let message = conflict(object(
        &w.pool,
        &applicant,
        &app.id,
        "Nog iets.",
        at(2027, 1, 13, 9, 0),
    ));
    assert!(message.contains("beroep"), "{message}");
    assert!(handle_objection(
        &w.pool,
        &other,
        &first.id,
        &decide(ObjectionCommand::DeclareUnfounded, None),
        at(2027, 1, 13, 9, 0)
    )
    .is_err());
}

#[test]
fn a_founded_objection_without_budget_puts_the_application_first_on_the_waiting_list() {
    // A ceiling of 2 mln: two reservations of 1 mln fill it.
    let programme = with_implementation_ceiling("2000000.00");
    let w = world_with(&programme);
    let other = second_reviewer(&w);
    let (applicant, app) = rejected(&w, "Stichting Afgewezen", "1000000.00");
    reserved(&w, "Stichting Twee", "1000000.00");
    reserved(&w, "Stichting Drie", "1000000.00");
    let (reserved_before, granted_before) = position(&w, "uitvoering");
    assert_eq!(reserved_before + granted_before, 200_000_000);
    let o = object(
        &w.pool,
        &applicant,
        &app.id,
        "Ten onrechte afgewezen.",
        at(2026, 10, 20, 9, 0),
    )
    .unwrap();
    handle_objection(
        &w.pool,
        &other,
        &o.id,
        &decide(ObjectionCommand::DeclareFounded, None),
        at(2026, 11, 20, 9, 0),
    )
    .unwrap();
    let app = queries::application(&w.pool, &Actor::system(), &app.id).unwrap();
    assert_eq!(app.state, "wachtlijst");
    assert_eq!(app.waitlist_position, Some(1));
    assert_eq!(
        position(&w, "uitvoering"),
        (reserved_before, granted_before)
    );
    w.ledger_holds();
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["uitkomst"], "gegrond");
    assert_eq!(letter["verleend"], Json::Null);
    assert_eq!(letter["wachtlijstpositie"], 1);
}

#[test]
fn inadmissible_only_after_the_mend_term_and_unfounded_after_the_hearing() {
    let w = world();
    let other = second_reviewer(&w);
    let (applicant, app) = rejected(&w, "Stichting Vergeten", "600000.00");
    let o = object(
        &w.pool,
        &applicant,
        &app.id,
        "Bezwaar.",
        at(2026, 10, 20, 9, 0),
    )
    .unwrap();
    // Asked on Friday 18 December 2026: mend until Monday 4 January 2027 (Nieuwjaarsdag).
    let ask = ObjectionStep::RequestMend {
        what: "Onderteken het bezwaarschrift.".into(),
    };
    let asked = handle_objection(&w.pool, &other, &o.id, &ask, at(2026, 12, 18, 9, 0)).unwrap();
    assert_eq!(asked.mend_due_on, Some(day(2027, 1, 4)));
    assert_eq!(letters(&w, &app.id, "bezwaar_herstel").len(), 1);
    let early = decide(ObjectionCommand::DeclareInadmissible, None);
    let message = conflict(handle_objection(
        &w.pool,
        &other,
        &o.id,
        &early,
        at(2027, 1, 4, 15, 0),
    ));
    assert!(message.contains("6:6"), "{message}");
    let done = handle_objection(&w.pool, &other, &o.id, &early, at(2027, 1, 5, 9, 0)).unwrap();
    assert_eq!(done.state, "niet_ontvankelijk");
    assert_eq!(
        letters(&w, &app.id, "beslissing_op_bezwaar")[0]["uitkomst"],
        "niet_ontvankelijk"
    );
    // The application stays rejected; nothing moved.
    assert_eq!(
        queries::application(&w.pool, &Actor::system(), &app.id)
            .unwrap()
            .state,
        "afgewezen"
    );
    w.ledger_holds();

    // Another: mended by the objector, heard (waived), then unfounded.
    let (applicant, app) = rejected(&w, "Stichting Gehoord", "600000.00");
    let o = object(
        &w.pool,
        &applicant,
        &app.id,
        "Bezwaar.",
        at(2026, 10, 20, 9, 0),
    )
    .unwrap();
    handle_objection(&w.pool, &other, &o.id, &ask, at(2026, 10, 21, 9, 0)).unwrap();
    let mend = ObjectionStep::Mend {
        note: "Ondertekend exemplaar bijgevoegd.".into(),
    };
    // Only the objector mends.
    assert!(handle_objection(&w.pool, &other, &o.id, &mend, at(2026, 10, 22, 9, 0)).is_err());
    let mended =
        handle_objection(&w.pool, &applicant, &o.id, &mend, at(2026, 10, 22, 9, 0)).unwrap();
    assert_eq!(mended.state, "ingediend");
    let waived = ObjectionStep::Hearing {
        held: false,
        note: "Per e-mail afgezien.".into(),
    };
    handle_objection(&w.pool, &other, &o.id, &waived, at(2026, 10, 23, 9, 0)).unwrap();
    let done = handle_objection(
        &w.pool,
        &other,
        &o.id,
        &decide(ObjectionCommand::DeclareUnfounded, None),
        at(2026, 11, 2, 9, 0),
    )
    .unwrap();
    assert_eq!(done.state, "ongegrond");
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["uitkomst"], "ongegrond");
    assert_eq!(letter["hoorzitting"], "afgezien");
    w.ledger_holds();
}

fn waive_hearing(
    w: &World,
    reviewer: &Actor,
    objection_id: &str,
    t: chrono::DateTime<chrono::Utc>,
) {
    let waived = ObjectionStep::Hearing {
        held: false,
        note: "Per e-mail afgezien.".into(),
    };
    handle_objection(&w.pool, reviewer, objection_id, &waived, t).unwrap();
}

#[test]
fn a_founded_objection_after_a_rejection_restores_the_one_running_application_of_the_region() {
    let w = world_with(&open_in_2026());
    let other = second_reviewer(&w);
    let (applicant, app) = rejected(&w, "Stichting Opnieuw", "800000.00");
    assert_eq!(app.uniqueness_key, None, "cleared at the rejection");
    // Meanwhile the region applies again, as a rejection allows.
    let again = applications::create_draft(
        &w.pool,
        &applicant,
        &NewApplication {
            instrument_id: "uitvoering".into(),
            discipline_id: None,
            title: "Tweede poging".into(),
            description: "Opnieuw".into(),
            requested: eur("700000.00"),
        },
        at(2026, 10, 5, 9, 0),
    )
    .unwrap();
    let o = object(
        &w.pool,
        &applicant,
        &app.id,
        "Ten onrechte afgewezen.",
        at(2026, 10, 20, 9, 0),
    )
    .unwrap();
    let founded = decide(ObjectionCommand::DeclareFounded, None);
    let message = conflict(handle_objection(
        &w.pool,
        &other,
        &o.id,
        &founded,
        at(2026, 11, 20, 9, 0),
    ));
    assert!(
        message.contains(&again.reference) && message.contains("trekt hij aanvraag"),
        "{message}"
    );
    // Nothing moved: still rejected, the objection still open.
    let still = queries::application(&w.pool, &Actor::system(), &app.id).unwrap();
    assert_eq!(
        (still.state.as_str(), still.uniqueness_key),
        ("afgewezen", None)
    );
    w.ledger_holds();
    // The region gives up the new draft; then the objection is founded and the
    // application is the region's running one again.
    applications::execute(
        &w.pool,
        &applicant,
        &again.id,
        None,
        &Action::Delete,
        at(2026, 11, 23, 9, 0),
    )
    .unwrap();
    handle_objection(&w.pool, &other, &o.id, &founded, at(2026, 11, 24, 9, 0)).unwrap();
    let granted = queries::application(&w.pool, &Actor::system(), &app.id).unwrap();
    assert_eq!(granted.state, "gehonoreerd");
    assert_eq!(granted.uniqueness_key.as_deref(), Some("uitvoering|r01"));
    let third = applications::create_draft(
        &w.pool,
        &applicant,
        &NewApplication {
            instrument_id: "uitvoering".into(),
            discipline_id: None,
            title: "Derde".into(),
            description: "Nog een".into(),
            requested: eur("700000.00"),
        },
        at(2026, 11, 25, 9, 0),
    );
    assert!(conflict(third).contains("per regio is er één"));
    w.ledger_holds();
}

/// An application of `requested`, granted `granted` on Friday 2 October 2026 by the
/// world's reviewer.
fn granted_in_2026(
    w: &World,
    name: &str,
    requested: &str,
    granted: &str,
) -> (Actor, ApplicationRow) {
    let (applicant, app) = reserved(w, name, requested);
    applications::execute(
        &w.pool,
        &w.reviewer,
        &app.id,
        None,
        &Action::StartReview,
        at(2025, 3, 3, 9, 30),
    )
    .unwrap();
    let out = applications::execute(
        &w.pool,
        &w.reviewer,
        &app.id,
        None,
        &Action::Grant {
            amount: eur(granted),
            motivation: "De begroting is deels onderbouwd.".into(),
        },
        at(2026, 10, 2, 10, 0),
    )
    .unwrap();
    (applicant, out.application().unwrap().clone())
}

#[test]
fn a_founded_objection_against_a_grant_raises_it_from_what_is_available() {
    let w = world();
    let other = second_reviewer(&w);
    let (applicant, app) = granted_in_2026(&w, "Stichting Meer", "800000.00", "600000.00");
    assert_eq!(app.objection_due_on, Some(day(2026, 11, 13)));
    let o = object(
        &w.pool,
        &applicant,
        &app.id,
        "De hele begroting is onderbouwd.",
        at(2026, 10, 20, 9, 0),
    )
    .unwrap();
    assert_eq!(o.decision, "honoreren");
    waive_hearing(&w, &other, &o.id, at(2026, 10, 21, 9, 0));
    let t = at(2026, 11, 20, 9, 0);
    // The amount is required, higher than the grant, at most the amount asked for.
    for (amount, expected) in [
        (None, "noem het nieuwe bedrag"),
        (Some("600000.00"), "niet hoger dan de verlening"),
        (Some("800000.01"), "meer dan de aangevraagde"),
    ] {
        let message = invalid(handle_objection(
            &w.pool,
            &other,
            &o.id,
            &decide(ObjectionCommand::DeclareFounded, amount),
            t,
        ));
        assert!(message.contains(expected), "{amount:?}: {message}");
    }
    let before = position(&w, "uitvoering");
    let decided = handle_objection(
        &w.pool,
        &other,
        &o.id,
        &decide(ObjectionCommand::DeclareFounded, Some("700000.00")),
        t,
    )
    .unwrap();
    assert_eq!(decided.state, "gegrond");
    let app = queries::application(&w.pool, &Actor::system(), &app.id).unwrap();
    assert_eq!(
        (app.state.as_str(), app.granted_cents),
        ("gehonoreerd", 70_000_000)
    );
    assert_eq!(app.objection_due_on, None);
    // The raise of 100 000 is reserved and granted at once: only `granted` moves.
    assert_eq!(
        position(&w, "uitvoering"),
        (before.0, before.1 + 10_000_000)
    );
    w.ledger_holds();
    // The advance share (80 %) of the raise is paid at once, under its own reference.
    let payments: Vec<_> = w
        .payments_of(&app.id)
        .into_iter()
        .map(|p| (p.kind, p.amount_cents, p.reference.ends_with("-V2")))
        .collect();
    assert_eq!(
        payments,
        [
            ("voorschot".to_owned(), 48_000_000, false),
            ("voorschot".to_owned(), 8_000_000, true)
        ]
    );
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["uitkomst"], "gegrond");
    assert_eq!(letter["verleend"], "700000.00");
    assert_eq!(letter["vorig_bedrag"], "600000.00");
    assert_eq!(letter["nabetaling"], "80000.00");
    // Appeal within six weeks of Friday 20 November 2026: Friday 1 January 2027 is
    // Nieuwjaarsdag, so Monday 4 January 2027.
    assert_eq!(letter["beroep_uiterlijk"], "2027-01-04");
}

#[test]
fn a_raise_the_ceiling_cannot_carry_is_refused_with_what_is_available() {
    // A ceiling of 2 mln: 500 000 granted, then 1 mln and 500 000 reserved fill it.
    let programme = with_implementation_ceiling("2000000.00");
    let w = world_with(&programme);
    let other = second_reviewer(&w);
    let (applicant, app) = granted_in_2026(&w, "Stichting Vol", "1000000.00", "500000.00");
    reserved(&w, "Stichting Twee", "1000000.00");
    reserved(&w, "Stichting Drie", "500000.00");
    let o = object(
        &w.pool,
        &applicant,
        &app.id,
        "Te weinig verleend.",
        at(2026, 10, 20, 9, 0),
    )
    .unwrap();
    let before = position(&w, "uitvoering");
    assert_eq!(before.0 + before.1, 200_000_000);
    let message = conflict(handle_objection(
        &w.pool,
        &other,
        &o.id,
        &decide(ObjectionCommand::DeclareFounded, Some("800000.00")),
        at(2026, 11, 20, 9, 0),
    ));
    assert!(
        message.contains("nog € 0,00 beschikbaar") && message.contains("4:25"),
        "{message}"
    );
    assert_eq!(position(&w, "uitvoering"), before);
    assert_eq!(
        queries::application(&w.pool, &Actor::system(), &app.id)
            .unwrap()
            .granted_cents,
        50_000_000
    );
    w.ledger_holds();
    // The objection stays open: the reviewer can still find it unfounded under 4:25.
    waive_hearing(&w, &other, &o.id, at(2026, 11, 20, 10, 0));
    let done = handle_objection(
        &w.pool,
        &other,
        &o.id,
        &decide(ObjectionCommand::DeclareUnfounded, None),
        at(2026, 11, 20, 11, 0),
    )
    .unwrap();
    assert_eq!(done.state, "ongegrond");
}

#[test]
fn a_founded_objection_against_a_settlement_pays_the_rest_instead_of_recovering() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Vaststelling", "1000000.00", "1000000.00");
    // The advance of 800 000 is paid.
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap();
    subsidie_service::payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 9, 0))
        .unwrap();
    let exec = |a: &Actor, action: Action, t| {
        applications::execute(&w.pool, a, &app.id, None, &action, t).unwrap()
    };
    exec(
        &applicant,
        Action::Report {
            summary: "Verantwoording 2026".into(),
        },
        at(2026, 11, 2, 9, 0),
    );
    // Settled on Tuesday 3 November 2026 at 600 000: 200 000 of the advance is recovered.
    let settled = exec(
        &w.finance,
        Action::Settle {
            amount: eur("600000.00"),
            motivation: "Niet alle kosten zijn verantwoord.".into(),
        },
        at(2026, 11, 3, 10, 0),
    );
    let settled = settled.application().unwrap().clone();
    assert_eq!(settled.objection_due_on, Some(day(2026, 12, 15)));
    let recovery = w
        .payments_of(&app.id)
        .into_iter()
        .find(|p| p.kind == "terugvordering")
        .unwrap();
    assert_eq!(
        (recovery.amount_cents, recovery.state.as_str()),
        (20_000_000, "gepland")
    );
    let o = object(
        &w.pool,
        &applicant,
        &app.id,
        "De kosten van 2026 zijn wel verantwoord.",
        at(2026, 11, 10, 9, 0),
    )
    .unwrap();
    assert_eq!(o.decision, "vaststellen");
    let hearing = ObjectionStep::Hearing {
        held: true,
        note: "Hoorzitting op 24 november 2026.".into(),
    };
    handle_objection(
        &w.pool,
        &w.reviewer,
        &o.id,
        &hearing,
        at(2026, 11, 24, 15, 0),
    )
    .unwrap();
    let t = at(2026, 12, 1, 9, 0);
    for (amount, expected) in [
        (Some("600000.00"), "niet hoger dan de vaststelling"),
        (Some("1000000.01"), "hoger dan de verlening van"),
    ] {
        let message = invalid(handle_objection(
            &w.pool,
            &w.reviewer,
            &o.id,
            &decide(ObjectionCommand::DeclareFounded, amount),
            t,
        ));
        assert!(message.contains(expected), "{amount:?}: {message}");
    }
    let before = position(&w, "uitvoering");
    handle_objection(
        &w.pool,
        &w.reviewer,
        &o.id,
        &decide(ObjectionCommand::DeclareFounded, Some("900000.00")),
        t,
    )
    .unwrap();
    let app = queries::application(&w.pool, &Actor::system(), &app.id).unwrap();
    assert_eq!(app.state, "vastgesteld");
    assert_eq!(
        (app.settled_cents, app.granted_cents),
        (Some(90_000_000), 90_000_000)
    );
    // The raise of 300 000 comes from what is available.
    assert_eq!(
        position(&w, "uitvoering"),
        (before.0, before.1 + 30_000_000)
    );
    w.ledger_holds();
    // The recovery is cancelled; 100 000 is still owed and paid.
    let payments: Vec<_> = w
        .payments_of(&app.id)
        .into_iter()
        .map(|p| (p.kind, p.amount_cents, p.state))
        .collect();
    assert_eq!(
        payments,
        [
            ("voorschot".to_owned(), 80_000_000, "betaald".to_owned()),
            (
                "terugvordering".to_owned(),
                20_000_000,
                "geannuleerd".to_owned()
            ),
            ("restant".to_owned(), 10_000_000, "gepland".to_owned()),
        ]
    );
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["uitkomst"], "gegrond");
    assert_eq!(letter["vastgesteld"], "900000.00");
    assert_eq!(letter["vorig_bedrag"], "600000.00");
    assert_eq!(letter["nabetaling"], "100000.00");
    assert_eq!(letter["verleend"], Json::Null);
    // Appeal within six weeks of Tuesday 1 December 2026: Tuesday 12 January 2027.
    assert_eq!(letter["beroep_uiterlijk"], "2027-01-12");
    // The file can close once the rest is paid; nothing else is open.
    let run = w
        .create_run(day(2026, 12, 1), at(2026, 12, 1, 13, 0))
        .unwrap();
    subsidie_service::payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2026, 12, 2, 9, 0))
        .unwrap();
    w.close(&app.id, at(2026, 12, 3, 9, 0)).unwrap();
    w.ledger_holds();
}
