//! Late decisions (Awb 4:13, 4:14) on the backend `SUBSIDIE_TEST_BACKEND` selects: the
//! notice of a new decision term before the term ends, on real 2026–2027 dates under the
//! Algemene termijnenwet, and the listing of applications whose term passed.
#![allow(clippy::unwrap_used)]

mod finance_support;

use chrono::{DateTime, NaiveDate, Utc};
use finance_support::*;
use serde_json::Value as Json;
use subsidie_service::application::{self as applications, Action, NewApplication};
use subsidie_service::queries::{self, ApplicationFilter};
use subsidie_service::{operations, Actor, ServiceError};
use subsidie_store::rows::ApplicationRow;

/// An uitvoering application submitted at `t`.
fn submitted(w: &World, name: &str, t: DateTime<Utc>) -> (Actor, ApplicationRow) {
    let (applicant, _) = w.applicant(name);
    let draft = applications::create_draft(
        &w.pool,
        &applicant,
        &NewApplication {
            instrument_id: "uitvoering".into(),
            discipline_id: None,
            title: "Regionale samenwerking".into(),
            description: "Uitvoering van het regioplan".into(),
            requested: eur("800000.00"),
        },
        t,
    )
    .unwrap();
    attach_required(&w.pool, &applicant, &draft.id, t);
    let out =
        applications::execute(&w.pool, &applicant, &draft.id, None, &Action::Submit, t).unwrap();
    (applicant, out.application().unwrap().clone())
}

fn extend(until: NaiveDate) -> Action {
    Action::ExtendDecisionTerm {
        until,
        reason: "De adviescommissie komt pas in januari bijeen.".into(),
    }
}

fn overdue(w: &World, late: bool, today: NaiveDate) -> Vec<String> {
    let filter = ApplicationFilter {
        overdue: Some((late, today)),
        ..ApplicationFilter::default()
    };
    let mut refs: Vec<String> = queries::applications(&w.pool, &w.reviewer, &filter, None, 100)
        .unwrap()
        .into_iter()
        .map(|a| a.reference)
        .collect();
    refs.sort();
    refs
}

#[test]
fn a_late_decision_is_announced_before_the_term_ends_and_listed_after() {
    let w = world_with(&open_in_2026());
    // Received on Friday 25 September 2026: thirteen weeks end on Christmas Day, then
    // Tweede Kerstdag (a Saturday) and a Sunday: Monday 28 December 2026.
    let (applicant, a) = submitted(&w, "Stichting Later", at(2026, 9, 25, 10, 0));
    let (_, b) = submitted(&w, "Stichting Te Laat", at(2026, 9, 25, 11, 0));
    assert_eq!(a.decision_due_on, Some(day(2026, 12, 28)));
    assert_eq!(b.decision_due_on, Some(day(2026, 12, 28)));
    let exec = |actor: &Actor, id: &str, action: &Action, t| {
        applications::execute(&w.pool, actor, id, None, action, t)
    };

    // Only a reviewer tells; a new term must come after the current one.
    let until = day(2027, 2, 15);
    assert!(matches!(
        exec(&applicant, &a.id, &extend(until), at(2026, 12, 1, 9, 0)),
        Err(ServiceError::Forbidden(_))
    ));
    match exec(
        &w.reviewer,
        &a.id,
        &extend(day(2026, 12, 28)),
        at(2026, 12, 1, 9, 0),
    ) {
        Err(ServiceError::Validation(errors)) => {
            assert_eq!(errors[0].field, "beslissenUiterlijk", "{errors:?}")
        }
        other => panic!("{other:?}"),
    }
    // On the last day of the term it still can be told; the notice gives the new term.
    let told = exec(&w.reviewer, &a.id, &extend(until), at(2026, 12, 28, 16, 0)).unwrap();
    assert_eq!(told.application().unwrap().decision_due_on, Some(until));
    let notices: Vec<Json> = queries::outbox(&w.pool)
        .unwrap()
        .into_iter()
        .filter(|r| {
            r.application_id.as_deref() == Some(&a.id) && r.template == "beslistermijn_verlengd"
        })
        .map(|r| serde_json::from_str(&r.payload).unwrap())
        .collect();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["beslissen_uiterlijk"], "2027-02-15");
    assert_eq!(
        notices[0]["toelichting"],
        "De adviescommissie komt pas in januari bijeen."
    );
    assert_eq!(notices[0]["brief"]["dagtekening"], "2026-12-28");
    let history = queries::history(&w.pool, &w.reviewer, &a.id).unwrap();
    assert_eq!(history.last().unwrap().command, "beslistermijn_verlengen");
    assert_eq!(history.last().unwrap().to_state, "ingediend");

    // Once the term has passed, a notice is too late (Awb 4:14 lid 1).
    match exec(&w.reviewer, &b.id, &extend(until), at(2026, 12, 29, 9, 0)) {
        Err(ServiceError::Conflict(message)) => assert!(message.contains("4:14"), "{message}"),
        other => panic!("{other:?}"),
    }

    // Listed as late: b from Tuesday 29 December 2026, not on the 28th; a not at all
    // until its new term has passed.
    assert_eq!(overdue(&w, true, day(2026, 12, 28)), Vec::<String>::new());
    assert_eq!(
        overdue(&w, true, day(2026, 12, 29)),
        vec![b.reference.as_str()]
    );
    assert_eq!(
        overdue(&w, false, day(2026, 12, 29)),
        vec![a.reference.as_str()]
    );
    let mut both = vec![a.reference.clone(), b.reference.clone()];
    both.sort();
    assert_eq!(overdue(&w, true, day(2027, 2, 16)), both);
    let gauges = operations::gauges(&w.pool, day(2026, 12, 29)).unwrap();
    assert_eq!(gauges.overdue_decisions, 1);

    // A decision ends it: b rejected is no longer late, and no notice is possible.
    allocation_run(&w, at(2026, 12, 29, 10, 0));
    exec(
        &w.reviewer,
        &b.id,
        &Action::StartReview,
        at(2026, 12, 29, 11, 0),
    )
    .unwrap();
    exec(
        &w.reviewer,
        &b.id,
        &Action::Reject {
            motivation: "Het plan past niet bij de regio.".into(),
        },
        at(2026, 12, 29, 12, 0),
    )
    .unwrap();
    assert_eq!(overdue(&w, true, day(2026, 12, 30)), Vec::<String>::new());
    assert_eq!(
        operations::gauges(&w.pool, day(2026, 12, 30))
            .unwrap()
            .overdue_decisions,
        0
    );
    match exec(&w.reviewer, &b.id, &extend(until), at(2026, 12, 30, 9, 0)) {
        Err(ServiceError::InvalidState(e)) => assert_eq!(e.state.as_str(), "afgewezen"),
        other => panic!("{other:?}"),
    }

    // Awb 4:14 sets no number of notices, only that each names a new reasonable term
    // before the running one ends: a second notice within the new term is taken, one
    // after it is too late.
    let later = day(2027, 3, 15);
    let again = exec(&w.reviewer, &a.id, &extend(later), at(2027, 2, 15, 17, 0)).unwrap();
    assert_eq!(again.application().unwrap().decision_due_on, Some(later));
    let count = queries::outbox(&w.pool)
        .unwrap()
        .into_iter()
        .filter(|r| {
            r.application_id.as_deref() == Some(&a.id) && r.template == "beslistermijn_verlengd"
        })
        .count();
    assert_eq!(count, 2);
    match exec(
        &w.reviewer,
        &a.id,
        &extend(day(2027, 4, 15)),
        at(2027, 3, 16, 9, 0),
    ) {
        Err(ServiceError::Conflict(message)) => {
            assert!(message.contains("tot en met 2027-03-15"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

fn allocation_run(w: &World, t: DateTime<Utc>) {
    subsidie_service::allocation::run(&w.pool, &w.admin, "uitvoering", None, t).unwrap();
}
