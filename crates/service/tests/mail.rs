//! The e-mails the service queues besides the lifecycle notices: payment notices when a
//! run is booked paid (and recovery notices when a recovery is raised), reminders before
//! the accounting deadline, the request for a second reviewer, and the run mail to
//! finance. On the backend `SUBSIDIE_TEST_BACKEND` selects.
#![allow(clippy::unwrap_used)]

mod finance_support;

use std::collections::BTreeSet;

use diesel::prelude::*;
use finance_support::*;
use serde_json::Value as Json;
use subsidie_domain::letters::Template;
use subsidie_service::application::{self as applications, Action, NewApplication, Outcome};
use subsidie_service::outbox::reminders::accounting_reminders;
use subsidie_service::payments;
use subsidie_service::registry;
use subsidie_service::{allocation, queries, Actor, Pool, Role, ServiceError};
use subsidie_store::rows::{OutboxRow, UserRow};
use subsidie_store::schema::{organisations, outbox, outbox_cancelled, users};

fn outbox_of(pool: &Pool, template: &str) -> Vec<OutboxRow> {
    queries::outbox(pool)
        .unwrap()
        .into_iter()
        .filter(|r| r.template == template)
        .collect()
}

fn payload(row: &OutboxRow) -> Json {
    serde_json::from_str(&row.payload).unwrap()
}

fn keys(payload: &Json) -> BTreeSet<String> {
    payload.as_object().unwrap().keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn email_of_org(pool: &Pool, app_id: &str) -> String {
    let app = queries::application(pool, &Actor::system(), app_id).unwrap();
    let mut conn = pool.get().unwrap();
    organisations::table
        .find(&app.organisation_id)
        .select(organisations::email)
        .first(&mut conn)
        .unwrap()
}

fn email_of_user(pool: &Pool, user_id: &str) -> String {
    let mut conn = pool.get().unwrap();
    users::table
        .find(user_id)
        .select(users::email)
        .first(&mut conn)
        .unwrap()
}

fn user(pool: &Pool, name: &str, role: Role) -> (Actor, UserRow) {
    let row = registry::create_user(
        pool,
        &Actor::system(),
        name,
        &format!("{}@zonmw.example.nl", name.to_lowercase().replace(' ', ".")),
        role,
        None,
        at(2025, 1, 2, 9, 0),
    )
    .unwrap();
    (Actor::user(row.id.clone(), role, None), row)
}

const PAYMENT: &str = Template::Payment.as_str();
const ACCOUNTING_REMINDER: &str = Template::AccountingReminder.as_str();
const SECOND_REVIEW: &str = Template::SecondReview.as_str();
const PAYMENT_RUN: &str = Template::PaymentRun.as_str();

const PAYMENT_KEYS: [&str; 11] = [
    "referentie",
    "titel",
    "organisatie",
    "regeling",
    "soort",
    "bedrag",
    "betalingskenmerk",
    "rekening",
    "datum",
    "brief",
    "portaal",
];

#[test]
fn booking_a_run_paid_queues_one_payment_notice_per_payment_once() {
    let w = world();
    let (_, a) = w.granted("Regio Een", "500000.00", "500000.00");
    let (_, b) = w.granted("Regio Twee", "777777.77", "777777.77");
    let (_, c) = w.granted("Regio Drie", "600000.00", "600000.00");
    let run =
        payments::create_run(&w.pool, &w.finance, day(2025, 3, 3), at(2025, 3, 3, 13, 0)).unwrap();
    assert_eq!(run.payment_count, 3);
    assert!(
        outbox_of(&w.pool, PAYMENT).is_empty(),
        "no notice before the run is paid"
    );

    // The bank refuses C's transfer: it is not paid, so no notice for it.
    let c_payment = w.payments_of(&c.id).remove(0);
    payments::mark_payment_failed(
        &w.pool,
        &w.finance,
        &c_payment.id,
        "AC04 rekening opgeheven",
        at(2025, 3, 4, 8, 0),
    )
    .unwrap();
    payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 9, 0)).unwrap();

    let notices = outbox_of(&w.pool, PAYMENT);
    assert_eq!(notices.len(), 2, "{notices:?}");
    for app in [&a, &b] {
        let paid = w.payments_of(&app.id).remove(0);
        let row = notices
            .iter()
            .find(|r| r.application_id.as_deref() == Some(&app.id))
            .unwrap();
        assert_eq!(row.id, format!("betaling-{}", paid.id));
        assert_eq!(row.recipient, email_of_org(&w.pool, &app.id));
        let p = payload(row);
        assert_eq!(keys(&p), set(&PAYMENT_KEYS));
        assert_eq!(p["referentie"], app.reference.as_str());
        assert!(
            p["portaal"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("/referentie/{}", app.reference))),
            "{p}"
        );
        assert_eq!(p["soort"], "voorschot");
        assert_eq!(
            p["betalingskenmerk"],
            format!("{}-V", app.reference).as_str()
        );
        assert_eq!(p["datum"], "2025-03-03", "the run's execution date");
        assert_eq!(p["regeling"].as_str().map(str::is_empty), Some(false));
        let rekening = p["rekening"].as_str().unwrap();
        assert!(
            rekening.starts_with("NL** ****") && !rekening.contains("RABO"),
            "{rekening}"
        );
    }
    let a_row = notices
        .iter()
        .find(|r| r.application_id.as_deref() == Some(&a.id))
        .unwrap();
    assert_eq!(payload(a_row)["bedrag"], "400000.00");
    let b_row = notices
        .iter()
        .find(|r| r.application_id.as_deref() == Some(&b.id))
        .unwrap();
    assert_eq!(payload(b_row)["bedrag"], "622222.21");

    // Booking the same run again is refused and queues nothing.
    let again = payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 5, 9, 0));
    assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");
    assert_eq!(outbox_of(&w.pool, PAYMENT).len(), 2);

    // C's transfer goes in the next run; booking that one adds exactly C's notice.
    let next =
        payments::create_run(&w.pool, &w.finance, day(2025, 3, 10), at(2025, 3, 10, 9, 0)).unwrap();
    assert_eq!(next.payment_count, 1);
    payments::mark_run_paid(&w.pool, &w.finance, &next.id, at(2025, 3, 11, 9, 0)).unwrap();
    let notices = outbox_of(&w.pool, PAYMENT);
    assert_eq!(notices.len(), 3);
    let c_row = notices
        .iter()
        .find(|r| r.application_id.as_deref() == Some(&c.id))
        .unwrap();
    assert_eq!(c_row.id, format!("betaling-{}", c_payment.id));
    assert_eq!(payload(c_row)["datum"], "2025-03-10");
    w.ledger_holds();
}

#[test]
fn a_payment_notice_per_payment_for_a_run_larger_than_a_page() {
    let w = world();
    let (_, a) = w.granted("Regio Een", "500000.00", "500000.00");
    // More than one page (2 000) of payments, all of one application.
    w.extra_payments(&a, 2_345, day(2025, 3, 3), "extra");
    let run =
        payments::create_run(&w.pool, &w.finance, day(2025, 3, 3), at(2025, 3, 3, 13, 0)).unwrap();
    assert_eq!(run.payment_count, 2_346);
    payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 9, 0)).unwrap();
    let notices = outbox_of(&w.pool, PAYMENT);
    assert_eq!(notices.len(), 2_346);
    let ids: BTreeSet<&str> = notices.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 2_346);
    assert!(ids.contains("betaling-extra-002344"));
}

#[test]
fn a_recovery_raised_at_settlement_is_announced_once() {
    let w = world();
    let (applicant, a) = w.granted("Regio Een", "500000.00", "500000.00");
    let run =
        payments::create_run(&w.pool, &w.finance, day(2025, 3, 3), at(2025, 3, 3, 13, 0)).unwrap();
    payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 9, 0)).unwrap();
    assert_eq!(outbox_of(&w.pool, PAYMENT).len(), 1);
    // Advance 400 000 paid; settled at 300 000: 100 000 comes back.
    w.settle(&applicant, &a, "300000.00");
    let recovery = w
        .payments_of(&a.id)
        .into_iter()
        .find(|p| p.kind == "terugvordering")
        .unwrap();
    let notices = outbox_of(&w.pool, PAYMENT);
    assert_eq!(notices.len(), 2);
    let row = notices
        .iter()
        .find(|r| r.id == format!("betaling-{}", recovery.id))
        .unwrap();
    let p = payload(row);
    assert_eq!(keys(&p), set(&PAYMENT_KEYS));
    assert_eq!(p["soort"], "terugvordering");
    assert_eq!(p["bedrag"], "100000.00");
    assert_eq!(p["datum"], recovery.due_on.to_string().as_str());
    assert_eq!(row.recipient, email_of_org(&w.pool, &a.id));
}

#[test]
fn reminders_once_per_granted_application_within_the_horizon() {
    let w = world();
    // Two granted uitvoering applications (deadline 30 June 2027), one granted and then
    // settled (nothing left to account for).
    let (_, a) = w.granted("Regio Een", "500000.00", "500000.00");
    let (_, b) = w.granted("Regio Twee", "600000.00", "600000.00");
    let (applicant_c, c) = w.granted("Regio Drie", "700000.00", "700000.00");
    w.settle(&applicant_c, &c, "700000.00");

    // The deadline is beyond the horizon: nothing.
    assert_eq!(
        accounting_reminders(&w.pool, at(2027, 5, 31, 6, 0), 29).unwrap(),
        0
    );
    // The deadline has passed: nothing.
    assert_eq!(
        accounting_reminders(&w.pool, at(2027, 7, 1, 6, 0), 30).unwrap(),
        0
    );
    assert!(outbox_of(&w.pool, ACCOUNTING_REMINDER).is_empty());

    // The deadline is the last day of the horizon (Amsterdam date 31 May + 30 days): A and
    // B, once, however often it runs.
    let may = at(2027, 5, 31, 6, 0);
    assert_eq!(accounting_reminders(&w.pool, may, 30).unwrap(), 2);
    assert_eq!(accounting_reminders(&w.pool, may, 30).unwrap(), 0);
    assert_eq!(
        accounting_reminders(&w.pool, at(2027, 6, 20, 6, 0), 30).unwrap(),
        0
    );
    let rows = outbox_of(&w.pool, ACCOUNTING_REMINDER);
    assert_eq!(rows.len(), 2);
    for app in [&a, &b] {
        let row = rows
            .iter()
            .find(|r| r.application_id.as_deref() == Some(&app.id))
            .unwrap();
        assert_eq!(row.id, format!("herinnering_verantwoording-{}", app.id));
        assert_eq!(row.recipient, email_of_org(&w.pool, &app.id));
        let p = payload(row);
        assert_eq!(
            keys(&p),
            set(&[
                "referentie",
                "titel",
                "organisatie",
                "regeling",
                "verleend",
                "verantwoording_uiterlijk",
                "brief",
                "portaal"
            ])
        );
        assert_eq!(p["verantwoording_uiterlijk"], "2027-06-30");
        assert!(
            p["portaal"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("/referentie/{}", app.reference))),
            "{p}"
        );
    }
    let a_row = rows
        .iter()
        .find(|r| r.application_id.as_deref() == Some(&a.id))
        .unwrap();
    assert_eq!(payload(a_row)["verleend"], "500000.00");
    assert!(!rows
        .iter()
        .any(|r| r.application_id.as_deref() == Some(&c.id)));
}

#[test]
fn a_proposal_above_the_four_eyes_limit_asks_the_other_reviewers_only() {
    let w = world();
    // w.reviewer proposes; Bram and Carla may confirm; Daan declared a conflict of
    // interest for the region; finance and administrators are not asked.
    let (_, bram) = user(&w.pool, "Bram", Role::Reviewer);
    let (_, carla) = user(&w.pool, "Carla", Role::Reviewer);
    let (daan_actor, daan) = user(&w.pool, "Daan", Role::Reviewer);
    user(&w.pool, "Beheer", Role::Admin);
    let (applicant, region) = w.applicant("Stichting Groot");
    registry::declare_conflict(
        &w.pool,
        &daan_actor,
        &daan.id,
        &region,
        at(2025, 1, 3, 9, 0),
    )
    .unwrap();
    let draft = applications::create_draft(
        &w.pool,
        &applicant,
        &NewApplication {
            instrument_id: "uitvoering".into(),
            discipline_id: None,
            title: "Grote samenwerking".into(),
            description: "Uitvoering".into(),
            requested: eur("1500000.00"),
        },
        at(2025, 3, 3, 8, 0),
    )
    .unwrap();
    let exec = |actor: &Actor, action: &Action, t| {
        applications::execute(&w.pool, actor, &draft.id, None, action, t)
    };
    attach_required(&w.pool, &applicant, &draft.id, at(2025, 3, 3, 8, 10));
    exec(&applicant, &Action::Submit, at(2025, 3, 3, 8, 30)).unwrap();
    allocation::run(&w.pool, &w.admin, "uitvoering", None, at(2025, 3, 3, 9, 0)).unwrap();
    exec(&w.reviewer, &Action::StartReview, at(2025, 3, 3, 9, 30)).unwrap();
    let grant = Action::Grant {
        amount: eur("1400000.00"),
        motivation: "Sterk plan".into(),
    };
    let proposed = exec(&w.reviewer, &grant, at(2025, 3, 3, 10, 0)).unwrap();
    let Outcome::GrantProposed(app) = proposed else {
        panic!("expected a proposal, got {proposed:?}");
    };

    let rows = outbox_of(&w.pool, SECOND_REVIEW);
    let recipients: BTreeSet<&str> = rows.iter().map(|r| r.recipient.as_str()).collect();
    assert_eq!(
        recipients,
        BTreeSet::from([bram.email.as_str(), carla.email.as_str()])
    );
    for (row, who) in [(&bram, "Bram"), (&carla, "Carla")].map(|(u, n)| {
        (
            rows.iter().find(|r| r.recipient == u.email).unwrap(),
            (u, n),
        )
    }) {
        assert_eq!(
            row.id,
            format!(
                "tweede_beoordeling_gevraagd-{}-v{}-{}",
                app.id, app.version, who.0.id
            )
        );
        assert_eq!(row.application_id.as_deref(), Some(app.id.as_str()));
        let p = payload(row);
        assert_eq!(
            keys(&p),
            set(&[
                "naam",
                "referentie",
                "titel",
                "organisatie",
                "regeling",
                "aangevraagd",
                "voorgesteld",
                "grens",
                "voorgesteld_door"
            ])
        );
        assert_eq!(p["naam"], who.1);
        assert_eq!(p["voorgesteld"], "1400000.00");
        assert_eq!(p["grens"], "1000000.00");
        assert_eq!(p["voorgesteld_door"], "Beoordelaar");
        assert_eq!(p["referentie"], app.reference.as_str());
        assert_eq!(p["organisatie"], "Stichting Groot");
    }

    // The refused attempts (the proposer confirming) queue nothing more; the second
    // reviewer's confirmation is the grant, with its decision letter.
    assert!(exec(&w.reviewer, &grant, at(2025, 3, 3, 11, 0)).is_err());
    let bram_actor = Actor::user(bram.id.clone(), Role::Reviewer, None);
    let confirm = Action::Grant {
        amount: eur("1400000.00"),
        motivation: "Akkoord.".into(),
    };
    exec(&bram_actor, &confirm, at(2025, 3, 3, 12, 0)).unwrap();
    // The requests to confirm no longer apply: withdrawn unsent, kept with the reason.
    assert!(outbox_of(&w.pool, SECOND_REVIEW).is_empty());
    let mut conn = w.pool.get().unwrap();
    let withdrawn: Vec<(String, String)> = outbox_cancelled::table
        .filter(outbox_cancelled::template.eq(SECOND_REVIEW))
        .select((outbox_cancelled::recipient, outbox_cancelled::reason))
        .load(&mut conn)
        .unwrap();
    assert_eq!(withdrawn.len(), 2);
    assert!(withdrawn[0].1.contains("'honoreren'"), "{}", withdrawn[0].1);
    // The decision's motivation is the proposer's (Awb 3:46), the confirmer's after it.
    let decision = outbox_of(&w.pool, "verleningsbeschikking");
    let p = payload(&decision[0]);
    assert_eq!(
        p["motivering"],
        "Sterk plan\n\nTweede beoordelaar: Akkoord."
    );
    assert_eq!(p["brief"]["dagtekening"], "2025-03-03");
    assert_eq!(p["brief"]["afzender"]["iban"], "NL91ABNA0417164300");
    assert_eq!(p["brief"]["ondertekening"]["naam"], "drs. M. van den Berg");
    let app = queries::application(&w.pool, &Actor::system(), &app.id).unwrap();
    assert_eq!(
        app.decision_motivation.as_deref(),
        Some("Sterk plan\n\nTweede beoordelaar: Akkoord.")
    );
}

#[test]
fn a_waiver_withdraws_the_accounting_reminder_queued_before_it() {
    let w = world();
    let (applicant, a) = w.granted("Regio Een", "500000.00", "500000.00");
    let may = at(2027, 5, 31, 6, 0);
    assert_eq!(accounting_reminders(&w.pool, may, 30).unwrap(), 1);
    assert_eq!(outbox_of(&w.pool, ACCOUNTING_REMINDER).len(), 1);
    let waive = Action::Waive {
        reason: Some("Project gaat niet door.".into()),
    };
    applications::execute(
        &w.pool,
        &applicant,
        &a.id,
        None,
        &waive,
        at(2027, 6, 1, 9, 0),
    )
    .unwrap();
    assert!(outbox_of(&w.pool, ACCOUNTING_REMINDER).is_empty());
    assert_eq!(outbox_of(&w.pool, "afzien_bevestigd").len(), 1);
    let mut conn = w.pool.get().unwrap();
    let withdrawn: Vec<(String, String)> = outbox_cancelled::table
        .filter(outbox_cancelled::application_id.eq(&a.id))
        .select((outbox_cancelled::id, outbox_cancelled::reason))
        .load(&mut conn)
        .unwrap();
    assert_eq!(withdrawn.len(), 1);
    assert_eq!(
        withdrawn[0].0,
        format!("herinnering_verantwoording-{}", a.id)
    );
    assert!(withdrawn[0].1.contains("'afgezien'"), "{}", withdrawn[0].1);
    drop(conn);
    // The daily job does not queue it again for a waived grant.
    assert_eq!(accounting_reminders(&w.pool, may, 30).unwrap(), 0);
}

#[test]
fn a_reminder_already_sent_or_claimed_is_not_withdrawn() {
    let w = world();
    let (applicant, a) = w.granted("Regio Een", "500000.00", "500000.00");
    accounting_reminders(&w.pool, at(2027, 5, 31, 6, 0), 30).unwrap();
    let mut conn = w.pool.get().unwrap();
    diesel::update(outbox::table.filter(outbox::template.eq(ACCOUNTING_REMINDER)))
        .set(outbox::claimed_until.eq(Some(at(2027, 6, 1, 10, 0).naive_utc())))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let waive = Action::Waive { reason: None };
    applications::execute(
        &w.pool,
        &applicant,
        &a.id,
        None,
        &waive,
        at(2027, 6, 1, 9, 0),
    )
    .unwrap();
    // A dispatcher holds it and may be sending it: it stays, and says so truthfully.
    assert_eq!(outbox_of(&w.pool, ACCOUNTING_REMINDER).len(), 1);
}

#[test]
fn making_a_run_mails_every_finance_user() {
    let w = world();
    let (_, second_finance) = user(&w.pool, "Femke", Role::Finance);
    w.granted("Regio Een", "500000.00", "500000.00");
    w.granted("Regio Twee", "600000.00", "600000.00");
    assert!(outbox_of(&w.pool, PAYMENT_RUN).is_empty());
    let run =
        payments::create_run(&w.pool, &w.finance, day(2025, 3, 3), at(2025, 3, 3, 13, 0)).unwrap();
    let rows = outbox_of(&w.pool, PAYMENT_RUN);
    let finance_id = w.finance.user_id.clone().unwrap();
    let finance_email = email_of_user(&w.pool, &finance_id);
    let recipients: BTreeSet<&str> = rows.iter().map(|r| r.recipient.as_str()).collect();
    assert_eq!(
        recipients,
        BTreeSet::from([finance_email.as_str(), second_finance.email.as_str()])
    );
    for row in &rows {
        assert!(
            row.id
                .starts_with(&format!("betaalronde_aangemaakt-{}-", run.id)),
            "{}",
            row.id
        );
        assert_eq!(row.application_id, None);
        let p = payload(row);
        assert_eq!(
            keys(&p),
            set(&[
                "naam",
                "betaalronde",
                "ronde_id",
                "aantal",
                "totaal",
                "tot_en_met",
                "uitvoeringsdatum",
                "aangemaakt_op"
            ])
        );
        assert_eq!(p["aantal"], 2);
        assert_eq!(p["totaal"], "880000.00");
        assert_eq!(p["betaalronde"], run.message_id.as_str());
        assert_eq!(p["ronde_id"], run.id.as_str());
        assert_eq!(p["uitvoeringsdatum"], "2025-03-03");
    }
    let femke = rows
        .iter()
        .find(|r| r.recipient == second_finance.email)
        .unwrap();
    assert_eq!(payload(femke)["naam"], "Femke");

    // A run that is refused (nothing due) mails no one.
    assert!(
        payments::create_run(&w.pool, &w.finance, day(2025, 3, 3), at(2025, 3, 3, 14, 0)).is_err()
    );
    assert_eq!(outbox_of(&w.pool, PAYMENT_RUN).len(), 2);
}
