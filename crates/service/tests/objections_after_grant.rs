//! A founded objection against a decision after the grant (Awb 7:11), on the backend
//! `SUBSIDIE_TEST_BACKEND` selects: against a revocation the grant or the settlement is
//! restored from what is available (refused, naming what is available, when it does not
//! fit); against a lowering the higher amount is restored; against the refusal of an
//! amendment the amendment asked for is granted. The ledger is checked after each, and
//! the letter says what the new decision is.
#![allow(clippy::unwrap_used)]

mod finance_support;

use finance_support::*;
use serde_json::Value as Json;
use subsidie_domain::amendment::{AmendmentCommand, AmendmentKind, AmendmentRequest};
use subsidie_domain::objection::ObjectionCommand;
use subsidie_service::application::{
    self as applications, amendments_of, handle_amendment, handle_objection, object,
    request_amendment, Action, ObjectionStep,
};
use subsidie_service::Actor;
use subsidie_store::rows::{ApplicationRow, ObjectionRow};

fn exec(w: &World, actor: &Actor, id: &str, action: Action, t: chrono::DateTime<chrono::Utc>) {
    applications::execute(&w.pool, actor, id, None, &action, t).unwrap();
}

fn objection(
    w: &World,
    applicant: &Actor,
    id: &str,
    t: chrono::DateTime<chrono::Utc>,
) -> ObjectionRow {
    object(&w.pool, applicant, id, "Het besluit is onjuist.", t).unwrap()
}

fn founded(amount: Option<&str>) -> ObjectionStep {
    ObjectionStep::Decide {
        command: ObjectionCommand::DeclareFounded,
        motivation: "De activiteiten worden wel uitgevoerd.".into(),
        amount: amount.map(eur),
    }
}

#[test]
fn a_founded_objection_against_a_revocation_restores_the_grant_and_cancels_the_recovery() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Hersteld", "800000.00", "800000.00");
    pay_run(&w, day(2025, 3, 3), at(2025, 3, 4, 9, 0));
    let before = position(&w, "uitvoering");
    // Revoked on Tuesday 1 April 2025: the paid advance of 640 000 is recovered.
    exec(
        &w,
        &w.finance,
        &app.id,
        Action::Revoke {
            motivation: "De activiteiten worden niet uitgevoerd.".into(),
        },
        at(2025, 4, 1, 9, 0),
    );
    assert_eq!(
        position(&w, "uitvoering"),
        (before.0, before.1 - 80_000_000)
    );
    let o = objection(&w, &applicant, &app.id, at(2025, 4, 8, 9, 0));
    assert_eq!(o.decision, "verlening_intrekken");
    // Never more than the revocation took away.
    let message = invalid(handle_objection(
        &w.pool,
        &w.reviewer,
        &o.id,
        &founded(Some("800000.01")),
        at(2025, 5, 1, 9, 0),
    ));
    assert!(message.contains("vóór het bestreden besluit"), "{message}");
    let decided = handle_objection(
        &w.pool,
        &w.reviewer,
        &o.id,
        &founded(None),
        at(2025, 5, 1, 9, 0),
    )
    .unwrap();
    assert_eq!(decided.state, "gegrond");
    let app = current(&w, &app.id);
    assert_eq!(
        (app.state.as_str(), app.granted_cents, app.objection_due_on),
        ("gehonoreerd", 80_000_000, None)
    );
    assert_eq!(position(&w, "uitvoering"), before);
    w.ledger_holds();
    // The recovery lapses; the advance already paid is what the grant pays now.
    assert_eq!(
        payments(&w, &app.id),
        [
            ("voorschot".into(), 64_000_000, "betaald".into()),
            ("terugvordering".into(), 64_000_000, "geannuleerd".into()),
        ]
    );
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["uitkomst"], "gegrond");
    assert_eq!(letter["nieuw_besluit"], "intrekking_herroepen");
    assert_eq!(letter["verleend"], "800000.00");
    assert_eq!(letter["nabetaling"], Json::Null);
    // The restored grant runs on: accounted for and settled as any other.
    w.settle(&applicant, &app, "800000.00");
    w.ledger_holds();
}

#[test]
fn a_revoked_settlement_is_restored_and_a_restoration_the_ceiling_cannot_carry_is_refused() {
    // A ceiling of 1.8 mln: after the revocation another grant of 1 mln leaves 800 000.
    let programme = with_implementation_ceiling("1800000.00").replace(
        "bedrag = { min = \"500000.00\", max = \"2000000.00\" }",
        "bedrag = { min = \"500000.00\", max = \"1000000.00\" }",
    );
    let w = world_with(&programme);
    let (applicant, app) = w.granted("Stichting Vastgesteld", "1000000.00", "1000000.00");
    w.settle(&applicant, &app, "900000.00");
    exec(
        &w,
        &w.reviewer,
        &app.id,
        Action::Revoke {
            motivation: "Onjuiste gegevens verstrekt (art. 4:49 lid 1 onder b Awb).".into(),
        },
        at(2025, 7, 1, 9, 0),
    );
    let o = objection(&w, &applicant, &app.id, at(2025, 7, 8, 9, 0));
    // Meanwhile the released budget went to another region.
    let (other_applicant, other) = w.granted("Stichting Ander", "1000000.00", "1000000.00");
    assert_eq!(current(&w, &other.id).state, "gehonoreerd");
    let deciding = second_reviewer(&w);
    let message = conflict(handle_objection(
        &w.pool,
        &deciding,
        &o.id,
        &founded(None),
        at(2025, 8, 1, 9, 0),
    ));
    assert!(
        message.contains("er is nog € 800.000,00 beschikbaar")
            && message.contains("ten hoogste € 800.000,00")
            && message.contains("4:25"),
        "{message}"
    );
    w.ledger_holds();
    // The other region waives its grant: the settlement is restored, the rest paid.
    exec(
        &w,
        &other_applicant,
        &other.id,
        Action::Waive {
            reason: Some("Het project gaat niet door.".into()),
        },
        at(2025, 8, 4, 9, 0),
    );
    let before = position(&w, "uitvoering");
    handle_objection(
        &w.pool,
        &deciding,
        &o.id,
        &founded(None),
        at(2025, 8, 5, 9, 0),
    )
    .unwrap();
    let app = current(&w, &app.id);
    assert_eq!(
        (app.state.as_str(), app.settled_cents),
        ("vastgesteld", Some(90_000_000))
    );
    assert_eq!(
        position(&w, "uitvoering"),
        (before.0, before.1 + 90_000_000)
    );
    w.ledger_holds();
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["nieuw_besluit"], "intrekking_herroepen");
    assert_eq!(letter["vastgesteld"], "900000.00");
}

#[test]
fn a_founded_objection_against_a_lowering_restores_the_higher_amount() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Verlaagd", "1000000.00", "1000000.00");
    pay_run(&w, day(2025, 3, 3), at(2025, 3, 4, 9, 0));
    let before = position(&w, "uitvoering");
    exec(
        &w,
        &w.finance,
        &app.id,
        Action::Lower {
            amount: eur("600000.00"),
            motivation: "Een deel van de activiteiten vervalt.".into(),
        },
        at(2025, 4, 1, 9, 0),
    );
    // 800 000 was paid, 600 000 is granted: 200 000 is recovered.
    assert_eq!(
        payments(&w, &app.id)[1],
        ("terugvordering".into(), 20_000_000, "gepland".into())
    );
    let o = objection(&w, &applicant, &app.id, at(2025, 4, 8, 9, 0));
    assert_eq!(o.decision, "verlening_verlagen");
    for amount in ["600000.00", "1000000.01"] {
        let message = invalid(handle_objection(
            &w.pool,
            &w.reviewer,
            &o.id,
            &founded(Some(amount)),
            at(2025, 5, 1, 9, 0),
        ));
        assert!(message.contains("ligt niet tussen"), "{amount}: {message}");
    }
    handle_objection(
        &w.pool,
        &w.reviewer,
        &o.id,
        &founded(Some("900000.00")),
        at(2025, 5, 1, 9, 0),
    )
    .unwrap();
    let app = current(&w, &app.id);
    assert_eq!(
        (app.state.as_str(), app.granted_cents),
        ("gehonoreerd", 90_000_000)
    );
    assert_eq!(
        position(&w, "uitvoering"),
        (before.0, before.1 - 10_000_000)
    );
    w.ledger_holds();
    // The recovery lapses: the 800 000 paid is within the grant of 900 000.
    assert_eq!(
        payments(&w, &app.id),
        [
            ("voorschot".into(), 80_000_000, "betaald".into()),
            ("terugvordering".into(), 20_000_000, "geannuleerd".into()),
        ]
    );
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["nieuw_besluit"], "verlaging_herroepen");
    assert_eq!(letter["verleend"], "900000.00");
    assert_eq!(letter["vorig_bedrag"], "600000.00");
}

#[test]
fn a_founded_objection_against_a_lowered_settlement_raises_it_again() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Laag", "1000000.00", "1000000.00");
    w.settle(&applicant, &app, "1000000.00");
    exec(
        &w,
        &w.finance,
        &app.id,
        Action::Lower {
            amount: eur("700000.00"),
            motivation: "Kosten niet subsidiabel (art. 4:49 Awb).".into(),
        },
        at(2025, 7, 1, 9, 0),
    );
    let before = position(&w, "uitvoering");
    let o = objection(&w, &applicant, &app.id, at(2025, 7, 8, 9, 0));
    handle_objection(
        &w.pool,
        &w.reviewer,
        &o.id,
        &founded(None),
        at(2025, 8, 1, 9, 0),
    )
    .unwrap();
    let app = current(&w, &app.id);
    assert_eq!(
        (app.state.as_str(), app.settled_cents, app.granted_cents),
        ("vastgesteld", Some(100_000_000), 100_000_000)
    );
    assert_eq!(
        position(&w, "uitvoering"),
        (before.0, before.1 + 30_000_000)
    );
    w.ledger_holds();
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["nieuw_besluit"], "verlaging_herroepen");
    assert_eq!(letter["vastgesteld"], "1000000.00");
    assert_eq!(letter["vorig_bedrag"], "700000.00");
}

fn refused_amendment(
    w: &World,
    name: &str,
    request: &AmendmentRequest,
) -> (Actor, ApplicationRow, ObjectionRow) {
    let (applicant, app) = w.granted(name, "1000000.00", "800000.00");
    let row = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        request,
        "Twee extra wijken sluiten aan.",
        at(2025, 9, 1, 9, 0),
    )
    .unwrap();
    handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Refuse,
        Some("Niet onderbouwd."),
        at(2025, 9, 8, 9, 0),
    )
    .unwrap();
    let o = objection(w, &applicant, &app.id, at(2025, 9, 15, 9, 0));
    assert_eq!(o.decision, "wijziging_weigeren");
    (applicant, app, o)
}

#[test]
fn a_founded_objection_against_a_refused_raise_grants_it_from_what_is_available() {
    let w = world();
    let raise = AmendmentRequest {
        kind: AmendmentKind::Raise,
        amount: Some(eur("950000.00")),
        deadline: None,
    };
    let (applicant, app, o) = refused_amendment(&w, "Stichting Wijziging", &raise);
    let deciding = second_reviewer(&w);
    // The amendment asked for, not another amount.
    let message = invalid(handle_objection(
        &w.pool,
        &deciding,
        &o.id,
        &founded(Some("900000.00")),
        at(2025, 10, 1, 9, 0),
    ));
    assert!(message.contains("gevraagde wijziging"), "{message}");
    let before = position(&w, "uitvoering");
    handle_objection(
        &w.pool,
        &deciding,
        &o.id,
        &founded(None),
        at(2025, 10, 1, 9, 0),
    )
    .unwrap();
    let app = current(&w, &app.id);
    assert_eq!(
        (app.state.as_str(), app.granted_cents),
        ("gehonoreerd", 95_000_000)
    );
    assert_eq!(
        position(&w, "uitvoering"),
        (before.0, before.1 + 15_000_000)
    );
    w.ledger_holds();
    // The advance follows the new amount: the unpaid 640 000 makes way for 80 % of
    // 950 000.
    assert_eq!(
        payments(&w, &app.id),
        [
            ("voorschot".into(), 64_000_000, "geannuleerd".into()),
            ("voorschot".into(), 76_000_000, "gepland".into()),
        ]
    );
    let amendment = amendments_of(&w.pool, &applicant, &app.id)
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(amendment.state, "toegekend");
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["nieuw_besluit"], "wijziging_toegekend");
    assert_eq!(letter["verleend"], "950000.00");
    assert_eq!(letter["vorig_bedrag"], "800000.00");
    assert_eq!(letter["nabetaling"], "760000.00");
}

#[test]
fn a_founded_objection_against_a_refused_extension_extends_the_accounting_deadline() {
    let w = world();
    let extend = AmendmentRequest {
        kind: AmendmentKind::Extend,
        amount: None,
        deadline: Some(day(2027, 9, 30)),
    };
    let (applicant, app, o) = refused_amendment(&w, "Stichting Later", &extend);
    let before = position(&w, "uitvoering");
    handle_objection(
        &w.pool,
        &second_reviewer(&w),
        &o.id,
        &founded(None),
        at(2025, 10, 1, 9, 0),
    )
    .unwrap();
    assert_eq!(position(&w, "uitvoering"), before);
    w.ledger_holds();
    let amendment = amendments_of(&w.pool, &applicant, &app.id)
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(amendment.state, "toegekend");
    let letter = &letters(&w, &app.id, "beslissing_op_bezwaar")[0];
    assert_eq!(letter["nieuw_besluit"], "wijziging_toegekend");
    assert_eq!(letter["verantwoording_uiterlijk"], "2027-09-30");
    // Asking the same extension again is refused: it is the deadline now.
    let again = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &extend,
        "Nogmaals.",
        at(2025, 10, 2, 9, 0),
    );
    assert!(again.is_err(), "{again:?}");
}

#[test]
fn a_later_decision_after_the_lowering_keeps_the_objection_from_undoing_it() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Later Besluit", "1000000.00", "1000000.00");
    exec(
        &w,
        &w.finance,
        &app.id,
        Action::Lower {
            amount: eur("600000.00"),
            motivation: "Een deel vervalt.".into(),
        },
        at(2025, 4, 1, 9, 0),
    );
    let o = objection(&w, &applicant, &app.id, at(2025, 4, 8, 9, 0));
    // Then the grantee's amendment is granted: a new last word on the grant.
    let row = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &AmendmentRequest {
            kind: AmendmentKind::Lower,
            amount: Some(eur("500000.00")),
            deadline: None,
        },
        "Minder wijken.",
        at(2025, 4, 9, 9, 0),
    )
    .unwrap();
    handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Grant,
        Some("Akkoord."),
        at(2025, 4, 10, 9, 0),
    )
    .unwrap();
    let message = conflict(handle_objection(
        &w.pool,
        &second_reviewer(&w),
        &o.id,
        &founded(None),
        at(2025, 5, 1, 9, 0),
    ));
    assert!(message.contains("niet meer het laatste woord"), "{message}");
    w.ledger_holds();
}
