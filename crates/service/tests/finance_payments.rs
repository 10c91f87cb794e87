//! Payments through their whole life: advance at the grant, payment runs, the remainder or
//! a recovery at settlement, failed transfers, and the ledger moving with them.
#![allow(clippy::unwrap_used)]

mod finance_support;

use diesel::prelude::*;
use finance_support::*;
use subsidie_domain::payment::{PaymentState, RunState};
use subsidie_service::application::{self as applications, Action};
use subsidie_service::payments;
use subsidie_service::{queries, ServiceError};
use subsidie_store::schema::{ledger_entries, payment_run_items, payment_runs};

const SCHEDULED: &str = PaymentState::Scheduled.as_str();
const IN_RUN: &str = PaymentState::InRun.as_str();
const PAID: &str = PaymentState::Paid.as_str();
const RUN_CREATED: &str = RunState::Created.as_str();
const RUN_PAID: &str = RunState::Paid.as_str();

fn cents(text: &str) -> i64 {
    eur(text).cents()
}

#[test]
fn advance_plus_remainder_is_the_settled_amount_for_odd_amounts() {
    let w = world();
    // 80 % of 777,777.77 is 622,222.216: the advance rounds down to the cent.
    let (a1, app1) = w.granted("Regio Een", "777777.77", "777777.77");
    // Settled at the grant.
    let (a2, app2) = w.granted("Regio Twee", "500000.03", "500000.03");
    let p1 = w.payments_of(&app1.id);
    assert_eq!(p1.len(), 1);
    assert_eq!(p1[0].kind, "voorschot");
    assert_eq!(p1[0].state, SCHEDULED);
    assert_eq!(p1[0].amount_cents, cents("622222.21"));
    assert_eq!(p1[0].due_on, day(2025, 3, 3));
    assert_eq!(w.payments_of(&app2.id)[0].amount_cents, cents("400000.02"));

    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap();
    assert_eq!(run.payment_count, 2);
    assert_eq!(run.total_cents, cents("622222.21") + cents("400000.02"));
    assert_eq!(run.state, RUN_CREATED);
    assert_eq!(run.execution_date, day(2025, 3, 3));
    assert!(w
        .all_payments()
        .iter()
        .all(|p| p.state == IN_RUN && p.run_id.as_deref() == Some(&run.id)));

    let paid = payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 9, 0)).unwrap();
    assert_eq!(paid.run.state, RUN_PAID);
    assert_eq!(paid.paid_count, 2);
    assert_eq!(paid.paid_cents, run.total_cents);
    let uitvoering = queries::instrument(&w.pool, "uitvoering").unwrap();
    assert_eq!(
        uitvoering.paid_cents, run.total_cents,
        "the paid position moved"
    );
    w.ledger_holds();

    // Settled below the grant but above the advance; and at the grant.
    w.settle(&a1, &app1, "700000.01");
    w.settle(&a2, &app2, "500000.03");
    let rest1 = w.payments_of(&app1.id).pop().unwrap();
    assert_eq!(rest1.kind, "restant");
    assert_eq!(rest1.amount_cents, cents("77777.80"));
    let rest2 = w.payments_of(&app2.id).pop().unwrap();
    assert_eq!(rest2.amount_cents, cents("100000.01"));

    let run2 = w
        .create_run(day(2025, 6, 2), at(2025, 6, 2, 13, 0))
        .unwrap();
    assert_eq!(run2.payment_count, 2);
    payments::mark_run_paid(&w.pool, &w.finance, &run2.id, at(2025, 6, 3, 9, 0)).unwrap();

    for (app, settled) in [(&app1, "700000.01"), (&app2, "500000.03")] {
        let ps = w.payments_of(&app.id);
        assert!(ps.iter().all(|p| p.state == PAID));
        let total: i64 = ps.iter().map(|p| p.amount_cents).sum();
        assert_eq!(
            total,
            cents(settled),
            "advance + remainder = settled, to the cent"
        );
    }
    let uitvoering = queries::instrument(&w.pool, "uitvoering").unwrap();
    assert_eq!(
        uitvoering.paid_cents,
        cents("700000.01") + cents("500000.03")
    );
    assert_eq!(uitvoering.settled_cents, uitvoering.paid_cents);
    w.ledger_holds();
    // One ledger movement per payment, each with its application.
    let mut conn = w.pool.get().unwrap();
    let movements: Vec<(Option<String>, i64)> = ledger_entries::table
        .filter(ledger_entries::kind.eq("betaling"))
        .select((ledger_entries::application_id, ledger_entries::paid_delta))
        .load(&mut conn)
        .unwrap();
    drop(conn);
    assert_eq!(movements.len(), 4);
    for (app, settled) in [(&app1, "700000.01"), (&app2, "500000.03")] {
        let paid: i64 = movements
            .iter()
            .filter(|(a, _)| a.as_deref() == Some(app.id.as_str()))
            .map(|(_, c)| c)
            .sum();
        assert_eq!(paid, cents(settled));
    }

    // Everything paid: the applications can be closed.
    for app in [&app1, &app2] {
        w.close(&app.id, at(2025, 6, 4, 9, 0)).unwrap();
    }
}

#[test]
fn a_recovery_when_less_is_settled_than_was_paid() {
    let w = world();
    let (a, app) = w.granted("Regio Terug", "600000.01", "600000.01");
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap();
    assert_eq!(run.total_cents, cents("480000.00"));
    payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 9, 0)).unwrap();

    w.settle(&a, &app, "400000.03");
    let recovery = w.payments_of(&app.id).pop().unwrap();
    assert_eq!(recovery.kind, "terugvordering");
    assert_eq!(recovery.state, SCHEDULED);
    assert_eq!(recovery.amount_cents, cents("79999.97"));
    assert_eq!(
        recovery.due_on,
        day(2025, 7, 14),
        "six weeks after the settlement"
    );

    // A recovery is a receivable: no run takes it, however late the date.
    let err = w
        .create_run(day(2026, 12, 31), at(2025, 7, 20, 9, 0))
        .unwrap_err();
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");

    let received = payments::record_recovery_received(
        &w.pool,
        &w.finance,
        &recovery.id,
        at(2025, 7, 10, 9, 0),
    )
    .unwrap();
    assert_eq!(received.state, PAID);
    let uitvoering = queries::instrument(&w.pool, "uitvoering").unwrap();
    assert_eq!(uitvoering.paid_cents, cents("480000.00"));
    assert_eq!(uitvoering.recovered_cents, cents("79999.97"));
    assert_eq!(
        uitvoering.paid_cents - uitvoering.recovered_cents,
        uitvoering.settled_cents,
        "net paid = settled"
    );
    w.ledger_holds();
    // Not twice.
    assert!(matches!(
        payments::record_recovery_received(
            &w.pool,
            &w.finance,
            &recovery.id,
            at(2025, 7, 11, 9, 0)
        ),
        Err(ServiceError::Conflict(_))
    ));
    w.close(&app.id, at(2025, 7, 12, 9, 0)).unwrap();
}

#[test]
fn nothing_due_is_a_clear_error_and_makes_no_run() {
    let w = world();
    let err = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap_err();
    let ServiceError::Conflict(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("niets te betalen"), "{message}");
    assert!(message.contains("2025-03-03"), "{message}");

    // An advance due today is not due up to yesterday.
    w.granted("Regio Later", "500000.00", "500000.00");
    let err = w
        .create_run(day(2025, 3, 2), at(2025, 3, 3, 13, 0))
        .unwrap_err();
    assert!(matches!(err, ServiceError::Conflict(_)));
    let mut conn = w.pool.get().unwrap();
    let runs: i64 = payment_runs::table.count().get_result(&mut conn).unwrap();
    assert_eq!(runs, 0);
    assert!(w
        .all_payments()
        .iter()
        .all(|p| p.state == SCHEDULED && p.run_id.is_none()));
}

#[test]
fn a_failed_transfer_goes_back_to_scheduled_and_into_the_next_run() {
    let w = world();
    let (_, app1) = w.granted("Regio Mis", "500000.00", "500000.00");
    let (_, app2) = w.granted("Regio Goed", "600000.00", "600000.00");
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap();
    let file = payments::write_sepa(&w.pool, &w.finance, &run.id, &funder(), Vec::new()).unwrap();
    let failed_id = w.payments_of(&app1.id)[0].id.clone();

    assert!(matches!(
        payments::mark_payment_failed(&w.pool, &w.finance, &failed_id, "  ", at(2025, 3, 4, 9, 0)),
        Err(ServiceError::Validation(_))
    ));
    let failed = payments::mark_payment_failed(
        &w.pool,
        &w.finance,
        &failed_id,
        "AC04 rekening opgeheven",
        at(2025, 3, 4, 9, 0),
    )
    .unwrap();
    assert_eq!(failed.state, SCHEDULED);
    assert_eq!(failed.run_id, None);
    // Only once, and only while in a run.
    assert!(matches!(
        payments::mark_payment_failed(
            &w.pool,
            &w.finance,
            &failed_id,
            "nogmaals",
            at(2025, 3, 4, 9, 5)
        ),
        Err(ServiceError::Conflict(_))
    ));

    let detail =
        payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 10, 0)).unwrap();
    assert_eq!(detail.paid_count, 1);
    assert_eq!(detail.paid_cents, cents("480000.00"));
    assert_eq!(detail.failed_count, 1);
    assert_eq!(detail.failed_cents, cents("400000.00"));
    assert_eq!(w.payments_of(&app2.id)[0].state, PAID);
    let uitvoering = queries::instrument(&w.pool, "uitvoering").unwrap();
    assert_eq!(
        uitvoering.paid_cents,
        cents("480000.00"),
        "only what was paid"
    );
    w.ledger_holds();
    assert!(matches!(
        payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 11, 0)),
        Err(ServiceError::Conflict(_))
    ));

    // The file of the first run is what was sent, failure or not.
    let again = payments::write_sepa(&w.pool, &w.finance, &run.id, &funder(), Vec::new()).unwrap();
    assert_eq!(file, again);
    let mut conn = w.pool.get().unwrap();
    let reason: Option<String> = payment_run_items::table
        .find((&run.id, &failed_id))
        .select(payment_run_items::failure_reason)
        .first(&mut conn)
        .unwrap();
    assert_eq!(reason.as_deref(), Some("AC04 rekening opgeheven"));

    // The next run takes the failed transfer again.
    let run2 = w
        .create_run(day(2025, 3, 5), at(2025, 3, 5, 13, 0))
        .unwrap();
    assert_eq!(run2.payment_count, 1);
    assert_eq!(run2.total_cents, cents("400000.00"));
    assert_eq!(run2.execution_date, day(2025, 3, 5));
    payments::mark_run_paid(&w.pool, &w.finance, &run2.id, at(2025, 3, 6, 9, 0)).unwrap();
    assert_eq!(
        queries::instrument(&w.pool, "uitvoering")
            .unwrap()
            .paid_cents,
        cents("880000.00")
    );
    w.ledger_holds();
}

#[test]
fn only_finance_makes_and_books_runs() {
    let w = world();
    let (applicant, _) = w.granted("Regio Rol", "500000.00", "500000.00");
    for actor in [&applicant, &w.reviewer] {
        assert!(matches!(
            payments::create_run(&w.pool, actor, day(2025, 3, 3), at(2025, 3, 3, 13, 0)),
            Err(ServiceError::Forbidden(_))
        ));
    }
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap();
    assert!(matches!(
        payments::mark_run_paid(&w.pool, &w.reviewer, &run.id, at(2025, 3, 4, 9, 0)),
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        payments::write_sepa(&w.pool, &applicant, &run.id, &funder(), Vec::new()),
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        payments::mark_run_paid(&w.pool, &w.finance, "bestaat-niet", at(2025, 3, 4, 9, 0)),
        Err(ServiceError::NotFound { .. })
    ));
    let listed = payments::runs(&w.pool, &w.admin, 10).unwrap();
    assert_eq!(listed.len(), 1);
    let detail = payments::run(&w.pool, &w.finance, &run.id).unwrap();
    assert_eq!(detail.run.id, run.id);
    assert_eq!(detail.paid_count, 0);
}

#[test]
fn a_transfer_that_fails_after_a_waiver_or_settlement_is_not_recovered() {
    let w = world();
    // Waived while the advance was on its way: the waiver raised a recovery for it.
    let (a1, app1) = w.granted("Regio Afzien", "500000.00", "500000.00");
    // Settled below the advance while it was on its way: recovery of the difference.
    let (a2, app2) = w.granted("Regio Lager", "600000.00", "600000.00");
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap();
    applications::execute(
        &w.pool,
        &a1,
        &app1.id,
        None,
        &Action::Waive {
            reason: Some("Project gaat niet door".into()),
        },
        at(2025, 3, 4, 8, 0),
    )
    .unwrap();
    w.settle(&a2, &app2, "300000.00");
    let recovery1 = w.payments_of(&app1.id).pop().unwrap();
    assert_eq!(
        (recovery1.kind.as_str(), recovery1.amount_cents),
        ("terugvordering", cents("400000.00"))
    );
    let recovery2 = w.payments_of(&app2.id).pop().unwrap();
    assert_eq!(recovery2.amount_cents, cents("180000.00"));

    // The bank refuses both advances.
    let advance1 = w.payments_of(&app1.id)[0].id.clone();
    let advance2 = w.payments_of(&app2.id)[0].id.clone();
    let f1 =
        payments::mark_payment_failed(&w.pool, &w.finance, &advance1, "AC04", at(2025, 6, 3, 9, 0))
            .unwrap();
    let f2 =
        payments::mark_payment_failed(&w.pool, &w.finance, &advance2, "AC04", at(2025, 6, 3, 9, 0))
            .unwrap();
    // Waived: nothing is owed either way.
    assert_eq!(f1.state, "geannuleerd");
    assert_eq!(w.payments_of(&app1.id).pop().unwrap().state, "geannuleerd");
    // Settled at 300,000: the recovery goes, and exactly the settled amount is scheduled.
    assert_eq!(
        (f2.state.as_str(), f2.amount_cents),
        (SCHEDULED, cents("300000.00"))
    );
    assert_eq!(w.payments_of(&app2.id).pop().unwrap().state, "geannuleerd");

    payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 6, 3, 10, 0)).unwrap();
    let run2 = w
        .create_run(day(2025, 6, 3), at(2025, 6, 3, 13, 0))
        .unwrap();
    assert_eq!(
        (run2.payment_count, run2.total_cents),
        (1, cents("300000.00"))
    );
    payments::mark_run_paid(&w.pool, &w.finance, &run2.id, at(2025, 6, 4, 9, 0)).unwrap();
    let uitvoering = queries::instrument(&w.pool, "uitvoering").unwrap();
    assert_eq!(uitvoering.paid_cents, cents("300000.00"));
    assert_eq!(uitvoering.settled_cents, cents("300000.00"));
    w.ledger_holds();
    w.close(&app2.id, at(2025, 6, 5, 9, 0)).unwrap();
}

#[test]
fn a_transfer_that_cannot_go_into_a_sepa_file_stops_the_run_before_any_file() {
    let w = world();
    w.granted("Regio Goed", "500000.00", "500000.00");
    // A name with no letter of the SEPA character set.
    let (_, app) = w.granted("日本語", "500000.00", "500000.00");
    let err = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap_err();
    let ServiceError::Validation(fields) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(fields.len(), 1);
    let reference = &w.payments_of(&app.id)[0].reference;
    assert_eq!(fields[0].field, format!("betaling {reference}"));
    assert!(
        fields[0].message.contains("de naam is leeg"),
        "{}",
        fields[0].message
    );
    // Nothing was taken.
    assert!(w
        .all_payments()
        .iter()
        .all(|p| p.state == SCHEDULED && p.run_id.is_none()));
}
