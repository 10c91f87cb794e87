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
use subsidie_service::{allocation, queries, registry, Actor, Role, ServiceError};
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

fn second_reviewer(w: &World) -> Actor {
    let user = registry::create_user(
        &w.pool,
        &w.admin,
        "Tweede",
        "tweede-beoordelaar@zonmw.example.nl",
        Role::Reviewer,
        None,
        at(2025, 1, 2, 9, 0),
    )
    .unwrap();
    Actor::user(user.id, Role::Reviewer, None)
}

fn letters(w: &World, app_id: &str, template: &str) -> Vec<Json> {
    queries::outbox(&w.pool)
        .unwrap()
        .into_iter()
        .filter(|r| r.application_id.as_deref() == Some(app_id) && r.template == template)
        .map(|r| serde_json::from_str(&r.payload).unwrap())
        .collect()
}

fn conflict<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Conflict(message)) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
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

fn position(w: &World, instrument: &str) -> (i64, i64) {
    let row =
        subsidie_service::budget::load_instrument(&mut w.pool.get().unwrap(), instrument).unwrap();
    (row.reserved_cents, row.granted_cents)
}

#[test]
fn a_founded_objection_without_budget_puts_the_application_first_on_the_waiting_list() {
    // A ceiling of 2 mln: two reservations of 1 mln fill it.
    let programme = FIXTURE.replace("plafond = \"72000000.00\"", "plafond = \"2000000.00\"");
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
