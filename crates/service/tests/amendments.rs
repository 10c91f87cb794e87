//! After a grant, on the backend `SUBSIDIE_TEST_BACKEND` selects: the grantee's
//! amendments (raise with four eyes above the limit and only from available budget,
//! lowering, extension of the accounting deadline, refusal), and the funder's revocation
//! and lowering before settlement (Awb 4:48) and after it (4:49), with the payments
//! that follow (cancelled, topped up, recovered, Awb 4:57), the letters with their
//! objection clause, and the ledger checked after every step.
#![allow(clippy::unwrap_used)]

mod finance_support;

use finance_support::*;
use serde_json::Value as Json;
use subsidie_domain::amendment::{AmendmentCommand, AmendmentKind, AmendmentRequest};
use subsidie_service::application::{
    self as applications, handle_amendment, request_amendment, Action,
};
use subsidie_service::payments::{self as payment_use_cases};
use subsidie_service::{queries, ServiceError};

fn ask(kind: AmendmentKind, amount: Option<&str>) -> AmendmentRequest {
    AmendmentRequest {
        kind,
        amount: amount.map(eur),
        deadline: None,
    }
}

#[test]
fn a_raise_within_the_limit_takes_budget_and_tops_up_the_advance() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Verhoging", "800000.00", "800000.00");
    pay_run(&w, day(2025, 3, 3), at(2025, 3, 4, 9, 0));
    let (_, granted_before) = position(&w, "uitvoering");

    let row = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &ask(AmendmentKind::Raise, Some("950000.00")),
        "Twee extra wijken sluiten aan.",
        at(2025, 9, 1, 9, 0),
    )
    .unwrap();
    assert_eq!(row.state, "ingediend");
    // The receipt: what was asked, the grant as it stands, the term of Awb 4:13 lid 2
    // (eight weeks from Monday 1 September 2025: Monday 27 October 2025).
    let receipt = letters(&w, &app.id, "wijzigingsverzoek_ontvangen");
    assert_eq!(receipt.len(), 1);
    assert_eq!(receipt[0]["wijziging"]["verzoek"], "verhoging");
    assert_eq!(receipt[0]["wijziging"]["gevraagd_bedrag"], "950000.00");
    assert_eq!(receipt[0]["wijziging"]["vorig_bedrag"], "800000.00");
    assert_eq!(receipt[0]["verleend"], "800000.00");
    assert_eq!(receipt[0]["beslissen_uiterlijk"], "2025-10-27");
    assert_eq!(receipt[0]["toelichting"], "Twee extra wijken sluiten aan.");
    assert_eq!(receipt[0]["brief"]["dagtekening"], "2025-09-01");
    // One open request at a time.
    let message = conflict(request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &ask(AmendmentKind::Lower, Some("700000.00")),
        "Toch minder.",
        at(2025, 9, 1, 10, 0),
    ));
    assert!(
        message.contains("loopt al een wijzigingsverzoek"),
        "{message}"
    );
    // A reviewer decides, with motivation; the grantee cannot.
    assert!(matches!(
        handle_amendment(
            &w.pool,
            &applicant,
            &row.id,
            AmendmentCommand::Grant,
            Some("zelf"),
            at(2025, 9, 2, 9, 0)
        ),
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        handle_amendment(
            &w.pool,
            &w.reviewer,
            &row.id,
            AmendmentCommand::Grant,
            Some("  "),
            at(2025, 9, 2, 9, 0)
        ),
        Err(ServiceError::Validation(_))
    ));
    // Tuesday 15 September 2025: the grant rises by 150,000 from what is available.
    let decided = handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Grant,
        Some("De uitbreiding past binnen de regeling."),
        at(2025, 9, 16, 9, 0),
    )
    .unwrap();
    assert_eq!(decided.state, "toegekend");
    assert_eq!(decided.previous_cents, Some(80_000_000));
    // Objection until six weeks after Tuesday 16 September 2025: Tuesday 28 October.
    assert_eq!(decided.objection_due_on, Some(day(2025, 10, 28)));
    let app = current(&w, &app.id);
    assert_eq!(
        (app.state.as_str(), app.granted_cents),
        ("gehonoreerd", 95_000_000)
    );
    assert_eq!(position(&w, "uitvoering").1, granted_before + 15_000_000);
    w.ledger_holds();
    // 80 % of the new grant is 760,000: the 640,000 paid is topped up by 120,000.
    assert_eq!(
        payments(&w, &app.id),
        [
            ("voorschot".into(), 64_000_000, "betaald".into()),
            ("voorschot".into(), 12_000_000, "gepland".into()),
        ]
    );
    let refs: Vec<String> = w
        .payments_of(&app.id)
        .into_iter()
        .map(|p| p.reference)
        .collect();
    assert_ne!(refs[0], refs[1], "each payment has its own reference");
    let letter = &letters(&w, &app.id, "wijzigingsbesluit")[0];
    assert_eq!(letter["wijziging"]["verzoek"], "verhoging");
    assert_eq!(letter["wijziging"]["vorig_bedrag"], "800000.00");
    assert_eq!(letter["wijziging"]["nieuw_bedrag"], "950000.00");
    assert_eq!(letter["bezwaar_uiterlijk"], "2025-10-28");
    assert_eq!(
        letter["motivering"],
        "De uitbreiding past binnen de regeling."
    );
    // Decided once: not again.
    let message = conflict(handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Refuse,
        Some("Toch niet."),
        at(2025, 9, 17, 9, 0),
    ));
    assert!(message.contains("status 'toegekend'"), "{message}");
}

#[test]
fn a_raise_above_the_limit_needs_a_second_reviewer() {
    let w = world();
    let other = second_reviewer(&w);
    let (applicant, app) = w.granted("Stichting Vier Ogen", "900000.00", "900000.00");
    let row = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &ask(AmendmentKind::Raise, Some("1100000.00")),
        "Meer deelnemers.",
        at(2025, 9, 1, 9, 0),
    )
    .unwrap();
    let first = handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Grant,
        Some("Voorstel: toekennen."),
        at(2025, 9, 2, 9, 0),
    )
    .unwrap();
    assert_eq!(first.state, "voorgesteld");
    assert_eq!(current(&w, &app.id).granted_cents, 90_000_000);
    w.ledger_holds();
    // The other reviewers are asked to confirm, as for a grant proposal; not the
    // proposer.
    let asked: Vec<_> = queries::outbox(&w.pool)
        .unwrap()
        .into_iter()
        .filter(|r| {
            r.application_id.as_deref() == Some(app.id.as_str())
                && r.template == "tweede_beoordeling_gevraagd"
        })
        .collect();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].recipient, "tweede-beoordelaar@zonmw.example.nl");
    let mail: Json = serde_json::from_str(&asked[0].payload).unwrap();
    assert_eq!(mail["huidig_verleend"], "900000.00");
    assert_eq!(mail["voorgesteld"], "1100000.00");
    assert_eq!(mail["grens"], "1000000.00");
    assert_eq!(mail["voorgesteld_door"], "Beoordelaar");
    let message = conflict(handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Grant,
        Some("Nog eens."),
        at(2025, 9, 2, 10, 0),
    ));
    assert!(message.contains("tweede, andere beoordelaar"), "{message}");
    let granted = handle_amendment(
        &w.pool,
        &other,
        &row.id,
        AmendmentCommand::Grant,
        Some("Bevestigd."),
        at(2025, 9, 3, 9, 0),
    )
    .unwrap();
    assert_eq!(granted.state, "toegekend");
    assert_eq!(current(&w, &app.id).granted_cents, 110_000_000);
    w.ledger_holds();
}

#[test]
fn a_raise_without_budget_is_refused_and_changes_nothing() {
    // A ceiling of 2 mln: two grants of 1 mln fill it.
    let programme = with_implementation_ceiling("2000000.00");
    let w = world_with(&programme);
    let other = second_reviewer(&w);
    w.granted("Stichting Vol", "1000000.00", "1000000.00");
    let (applicant, app) = w.granted("Stichting Plafond", "1000000.00", "1000000.00");
    let row = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &ask(AmendmentKind::Raise, Some("1600000.00")),
        "Veel meer activiteiten.",
        at(2025, 9, 1, 9, 0),
    )
    .unwrap();
    handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Grant,
        Some("Voorstel."),
        at(2025, 9, 2, 8, 0),
    )
    .unwrap();
    let before = position(&w, "uitvoering");
    let message = match handle_amendment(
        &w.pool,
        &other,
        &row.id,
        AmendmentCommand::Grant,
        Some("Toekennen."),
        at(2025, 9, 2, 9, 0),
    ) {
        Err(e) => e.to_string(),
        Ok(r) => panic!("granted without budget: {r:?}"),
    };
    assert!(message.contains("subsidieplafond is bereikt"), "{message}");
    assert_eq!(position(&w, "uitvoering"), before);
    assert_eq!(current(&w, &app.id).granted_cents, 100_000_000);
    assert!(letters(&w, &app.id, "wijzigingsbesluit").is_empty());
    w.ledger_holds();
    // Refused instead: the decision keeps the grant and has its letter.
    let refused = handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Refuse,
        Some("Er is geen budget meer onder het plafond."),
        at(2025, 9, 2, 10, 0),
    )
    .unwrap();
    assert_eq!(refused.state, "afgewezen");
    let letter = &letters(&w, &app.id, "wijziging_geweigerd")[0];
    assert_eq!(letter["wijziging"]["gevraagd_bedrag"], "1600000.00");
    assert_eq!(letter["verleend"], "1000000.00");
    assert!(letter["bezwaar_uiterlijk"].is_string());
    assert_eq!(position(&w, "uitvoering"), before);
    w.ledger_holds();
}

#[test]
fn a_lowering_asked_after_the_advance_was_paid_recovers_the_excess() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Verlaging", "800000.00", "800000.00");
    pay_run(&w, day(2025, 3, 3), at(2025, 3, 4, 9, 0));
    let row = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &ask(AmendmentKind::Lower, Some("500000.00")),
        "Een partner viel af.",
        at(2025, 9, 1, 9, 0),
    )
    .unwrap();
    handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Grant,
        Some("Verlaagd op verzoek."),
        at(2025, 9, 2, 9, 0),
    )
    .unwrap();
    assert_eq!(current(&w, &app.id).granted_cents, 50_000_000);
    // 640,000 was paid; the grant is now 500,000: 140,000 is recovered.
    let pays = payments(&w, &app.id);
    assert_eq!(
        pays[1],
        ("terugvordering".into(), 14_000_000, "gepland".into())
    );
    assert_eq!(letters(&w, &app.id, "betaling").len(), 2, "{pays:?}");
    w.ledger_holds();
}

#[test]
fn an_extension_moves_the_accounting_deadline_and_withdraws_the_queued_reminder() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Verlenging", "800000.00", "800000.00");
    // The reminder for 30 June 2027 is queued on 31 May 2027.
    use subsidie_service::outbox::reminders::accounting_reminders;
    assert_eq!(
        accounting_reminders(&w.pool, at(2027, 5, 31, 6, 0), 30).unwrap(),
        1
    );
    let wrong = AmendmentRequest {
        kind: AmendmentKind::Extend,
        amount: None,
        deadline: Some(day(2027, 6, 1)),
    };
    let refused = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &wrong,
        "Vertraging.",
        at(2027, 6, 1, 9, 0),
    );
    assert!(
        matches!(&refused, Err(ServiceError::Validation(e)) if e[0].message.contains("vraag een latere datum")),
        "{refused:?}"
    );
    let later = AmendmentRequest {
        deadline: Some(day(2027, 9, 30)),
        ..wrong
    };
    let row = request_amendment(
        &w.pool,
        &applicant,
        &app.id,
        &later,
        "De laatste activiteit is in september.",
        at(2027, 6, 1, 9, 0),
    )
    .unwrap();
    let before = position(&w, "uitvoering");
    handle_amendment(
        &w.pool,
        &w.reviewer,
        &row.id,
        AmendmentCommand::Grant,
        Some("Redelijk verzoek."),
        at(2027, 6, 2, 9, 0),
    )
    .unwrap();
    assert_eq!(
        position(&w, "uitvoering"),
        before,
        "an extension moves no budget"
    );
    assert!(letters(&w, &app.id, "herinnering_verantwoording").is_empty());
    let letter = &letters(&w, &app.id, "wijzigingsbesluit")[0];
    assert_eq!(letter["verantwoording_uiterlijk"], "2027-09-30");
    assert_eq!(letter["wijziging"]["verzoek"], "verlenging");
    // The reminder comes again before the new deadline, not the old one.
    assert_eq!(
        accounting_reminders(&w.pool, at(2027, 6, 3, 6, 0), 30).unwrap(),
        0
    );
    assert_eq!(
        accounting_reminders(&w.pool, at(2027, 9, 1, 6, 0), 30).unwrap(),
        1
    );
    let reminder = &letters(&w, &app.id, "herinnering_verantwoording")[0];
    assert_eq!(reminder["verantwoording_uiterlijk"], "2027-09-30");
    w.ledger_holds();
}

#[test]
fn revocation_before_settlement_cancels_what_is_unpaid_and_recovers_what_was_paid() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Intrekking", "800000.00", "800000.00");
    let (reserved0, granted0) = position(&w, "uitvoering");
    // The grantee may not revoke; a motivation is required.
    assert!(matches!(
        applications::execute(
            &w.pool,
            &applicant,
            &app.id,
            None,
            &Action::Revoke {
                motivation: "x".into()
            },
            at(2025, 4, 1, 9, 0)
        ),
        Err(ServiceError::Forbidden(_))
    ));
    assert!(applications::execute(
        &w.pool,
        &w.finance,
        &app.id,
        None,
        &Action::Revoke {
            motivation: " ".into()
        },
        at(2025, 4, 1, 9, 0)
    )
    .is_err());
    // Unpaid: the advance is cancelled, nothing to recover.
    let out = applications::execute(
        &w.pool,
        &w.finance,
        &app.id,
        None,
        &Action::Revoke {
            motivation: "De activiteiten worden niet uitgevoerd (art. 4:48 lid 1 onder a Awb)."
                .into(),
        },
        at(2025, 4, 1, 9, 0),
    )
    .unwrap();
    let app = out.application().unwrap().clone();
    assert_eq!(
        (app.state.as_str(), app.granted_cents),
        ("verlening_ingetrokken", 0)
    );
    assert_eq!(
        position(&w, "uitvoering"),
        (reserved0, granted0 - 80_000_000)
    );
    assert_eq!(
        payments(&w, &app.id),
        [("voorschot".into(), 64_000_000, "geannuleerd".into())]
    );
    let letter = &letters(&w, &app.id, "intrekkingsbeschikking")[0];
    assert_eq!(letter["wijziging"]["vorig_bedrag"], "800000.00");
    assert_eq!(letter["wijziging"]["nieuw_bedrag"], "0.00");
    assert_eq!(letter["wijziging"]["na_vaststelling"], false);
    assert!(letter["bezwaar_uiterlijk"].is_string());
    w.ledger_holds();
    // A revoked grant cannot be lowered (only a founded objection restores it).
    assert!(applications::execute(
        &w.pool,
        &w.finance,
        &app.id,
        None,
        &Action::Lower {
            amount: eur("1.00"),
            motivation: "x".into()
        },
        at(2025, 4, 2, 9, 0)
    )
    .is_err());

    // Paid: a reviewer revokes, and the advance is recovered.
    let (_, paid) = w.granted("Stichting Betaald", "700000.00", "700000.00");
    pay_run(&w, day(2025, 3, 3), at(2025, 3, 4, 9, 0));
    applications::execute(
        &w.pool,
        &w.reviewer,
        &paid.id,
        None,
        &Action::Revoke {
            motivation: "Onjuiste gegevens verstrekt (art. 4:48 lid 1 onder c Awb).".into(),
        },
        at(2025, 4, 1, 9, 0),
    )
    .unwrap();
    assert_eq!(
        payments(&w, &paid.id),
        [
            ("voorschot".into(), 56_000_000, "betaald".into()),
            ("terugvordering".into(), 56_000_000, "gepland".into()),
        ]
    );
    w.ledger_holds();
    // Paid back: the ledger records the recovery.
    let recovery = w.payments_of(&paid.id).pop().unwrap();
    payment_use_cases::record_recovery_received(
        &w.pool,
        &w.finance,
        &recovery.id,
        at(2025, 5, 1, 9, 0),
    )
    .unwrap();
    w.ledger_holds();
}

#[test]
fn after_settlement_a_lowering_recovers_and_a_closed_file_can_be_revoked() {
    let w = world();
    let (applicant, app) = w.granted("Stichting Vaststelling", "800000.00", "800000.00");
    pay_run(&w, day(2025, 3, 3), at(2025, 3, 4, 9, 0));
    w.settle(&applicant, &app, "800000.00");
    pay_run(&w, day(2025, 6, 2), at(2025, 6, 3, 9, 0));
    w.close(&app.id, at(2025, 6, 4, 9, 0)).unwrap();
    let (_, granted0) = position(&w, "uitvoering");
    // Not up, not to zero.
    for amount in ["800000.00", "900000.00", "0.00"] {
        assert!(applications::execute(
            &w.pool,
            &w.finance,
            &app.id,
            None,
            &Action::Lower {
                amount: eur(amount),
                motivation: "x".into()
            },
            at(2025, 9, 1, 9, 0)
        )
        .is_err());
    }
    // Lowered to 600,000 (Awb 4:49): the file reopens for the recovery of 200,000.
    let out = applications::execute(
        &w.pool,
        &w.finance,
        &app.id,
        None,
        &Action::Lower {
            amount: eur("600000.00"),
            motivation:
                "Een deel van de kosten was niet subsidiabel (art. 4:49 lid 1 onder b Awb).".into(),
        },
        at(2025, 9, 1, 9, 0),
    )
    .unwrap();
    let app = out.application().unwrap().clone();
    assert_eq!(app.state, "vastgesteld");
    assert_eq!(
        (app.granted_cents, app.settled_cents),
        (60_000_000, Some(60_000_000))
    );
    assert_eq!(position(&w, "uitvoering").1, granted0 - 20_000_000);
    let pays = payments(&w, &app.id);
    assert_eq!(
        pays.last().unwrap(),
        &("terugvordering".into(), 20_000_000, "gepland".into())
    );
    let letter = &letters(&w, &app.id, "verlagingsbeschikking")[0];
    assert_eq!(letter["wijziging"]["na_vaststelling"], true);
    assert_eq!(letter["vastgesteld"], "600000.00");
    w.ledger_holds();
    let recovery = w.payments_of(&app.id).pop().unwrap();
    payment_use_cases::record_recovery_received(
        &w.pool,
        &w.finance,
        &recovery.id,
        at(2025, 10, 1, 9, 0),
    )
    .unwrap();
    w.close(&app.id, at(2025, 10, 2, 9, 0)).unwrap();
    w.ledger_holds();
    // Revoked after closing: all of the 600,000 still held is recovered.
    applications::execute(
        &w.pool,
        &w.reviewer,
        &app.id,
        None,
        &Action::Revoke {
            motivation: "Fraude gebleken (art. 4:49 lid 1 onder b Awb).".into(),
        },
        at(2026, 2, 2, 9, 0),
    )
    .unwrap();
    let app = current(&w, &app.id);
    assert_eq!(
        (app.state.as_str(), app.granted_cents, app.settled_cents),
        ("verlening_ingetrokken", 0, None)
    );
    assert_eq!(position(&w, "uitvoering").1, granted0 - 80_000_000);
    let pays = payments(&w, &app.id);
    assert_eq!(
        pays.last().unwrap(),
        &("terugvordering".into(), 60_000_000, "gepland".into())
    );
    let letter = &letters(&w, &app.id, "intrekkingsbeschikking")[0];
    assert_eq!(letter["wijziging"]["vorig_bedrag"], "600000.00");
    assert_eq!(letter["wijziging"]["na_vaststelling"], true);
    w.ledger_holds();
}
