//! Refused commands: each returns its typed error and writes nothing at all.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use subsidie_domain::lifecycle::{Command, State};
use subsidie_service::application::{self as applications, Action, DraftChanges};
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{allocation, queries, Actor, Pool, Role, ServiceError};
use subsidie_store::rows::ApplicationRow;

/// Asserts that `result` matches the pattern, showing it when it does not.
macro_rules! assert_matches {
    ($result:expr, $($pattern:tt)+) => {{
        let result = &$result;
        assert!(matches!(result, $($pattern)+), "{result:?}");
    }};
}

/// Asserts that `result` is a validation error that names `field`.
fn assert_field<T: std::fmt::Debug>(result: Result<T, ServiceError>, field: &str) {
    match result {
        Err(ServiceError::Validation(fields)) => assert!(
            fields.iter().any(|f| f.field == field),
            "expected field '{field}' in {fields:?}"
        ),
        other => panic!("expected a validation error on '{field}', got {other:?}"),
    }
}

/// A reserved application under `instrument` for a new organisation in `region`.
fn reserved(
    pool: &Pool,
    region: &str,
    instrument: &str,
    discipline: Option<&str>,
    amount: &str,
) -> (Actor, ApplicationRow) {
    let (a, _) = applicant(pool, region);
    let d = draft_at_t0(pool, &a, instrument, discipline, amount).unwrap();
    act(pool, &a, &d.id, Action::Submit, t0());
    allocation::run(pool, &Actor::system(), instrument, None, t0()).unwrap();
    let app = app(pool, &d.id);
    assert_eq!(app.state, "gereserveerd");
    (a, app)
}

#[test]
fn a_second_application_from_the_same_region_is_a_conflict() {
    let w = world();
    let pool = &w.pool;
    let (first, _) = applicant(pool, "r01");
    let (second, _) = applicant(pool, "r01");
    let draft = draft_at_t0(pool, &first, "uitvoering", None, "1000000.00").unwrap();
    act(pool, &first, &draft.id, Action::Submit, t0());

    let before = snapshot(pool);
    for actor in [&second, &first] {
        let refused = draft_at_t0(pool, actor, "uitvoering", None, "600000.00");
        assert_matches!(refused, Err(ServiceError::Conflict(m)) if m.contains("per regio"));
    }
    assert_eq!(snapshot(pool), before);

    // Another region, or another instrument, is fine.
    let (elsewhere, _) = applicant(pool, "r02");
    draft_at_t0(pool, &elsewhere, "uitvoering", None, "600000.00").unwrap();
    draft_at_t0(
        pool,
        &second,
        "discipline-voucher",
        Some("mondzorg"),
        "25000.00",
    )
    .unwrap();
}

#[test]
fn a_second_voucher_for_the_same_region_and_discipline_is_a_conflict() {
    let w = world();
    let pool = &w.pool;
    let (first, _) = applicant(pool, "r03");
    let (second, _) = applicant(pool, "r03");
    let v = "discipline-voucher";
    draft_at_t0(pool, &first, v, Some("farmacie"), "25000.00").unwrap();

    let refused = writes_nothing(pool, || {
        draft_at_t0(pool, &second, v, Some("farmacie"), "25000.00")
    });
    assert_matches!(refused, Err(ServiceError::Conflict(m)) if m.contains("farmacie"));

    // Changing another draft to the taken discipline is refused as well.
    let other = draft_at_t0(pool, &second, v, Some("logopedie"), "25000.00").unwrap();
    let refused = writes_nothing(pool, || {
        applications::edit_draft(
            pool,
            &second,
            &other.id,
            None,
            &DraftChanges {
                discipline_id: Some("farmacie".into()),
                ..DraftChanges::default()
            },
            t0(),
        )
    });
    assert_matches!(refused, Err(ServiceError::Conflict(_)));
}

#[test]
fn unknown_instrument_and_unknown_or_missing_discipline_are_validation_errors() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r04");
    let before = snapshot(pool);
    assert_field(
        draft_at_t0(pool, &a, "bestaat-niet", None, "1.00"),
        "instrument",
    );
    assert_field(
        draft_at_t0(
            pool,
            &a,
            "discipline-voucher",
            Some("tandtechniek"),
            "25000.00",
        ),
        "discipline",
    );
    assert_field(
        draft_at_t0(pool, &a, "discipline-voucher", None, "25000.00"),
        "discipline",
    );
    assert_eq!(snapshot(pool), before);
}

#[test]
fn amounts_outside_the_bounds_are_refused_on_field_bedrag() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r05");
    let before = snapshot(pool);
    for (instrument, discipline, amount) in [
        ("uitvoering", None, "2500000.00"),
        ("uitvoering", None, "499999.99"),
        ("discipline-voucher", Some("farmacie"), "24000.00"),
        ("voorbereiding", None, "150000.01"),
    ] {
        assert_field(
            draft_at_t0(pool, &a, instrument, discipline, amount),
            "bedrag",
        );
    }
    // An empty title is listed too, together with the amount.
    let mut bad = new_app("uitvoering", None, "2500000.00");
    bad.title = " ".into();
    match applications::create_draft(pool, &a, &bad, t0()) {
        Err(ServiceError::Validation(fields)) => {
            let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(names, vec!["titel", "bedrag"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(snapshot(pool), before);

    // Editing a draft to a bad amount changes nothing either.
    let draft = draft_at_t0(pool, &a, "uitvoering", None, "1000000.00").unwrap();
    let before = snapshot(pool);
    assert_field(
        applications::edit_draft(
            pool,
            &a,
            &draft.id,
            Some(1),
            &DraftChanges {
                requested: Some(eur("2500000.00")),
                title: Some("Nieuwe titel".into()),
                ..DraftChanges::default()
            },
            t0(),
        ),
        "bedrag",
    );
    assert_eq!(snapshot(pool), before);
}

#[test]
fn a_grant_above_the_reservation_is_refused() {
    let w = world();
    let pool = &w.pool;
    let reviewer = staff(pool, Role::Reviewer);
    let (_, x) = reserved(pool, "r06", "uitvoering", None, "800000.00");
    act(pool, &reviewer, &x.id, Action::StartReview, t0());
    let before = snapshot(pool);
    assert_field(
        applications::execute(
            pool,
            &reviewer,
            &x.id,
            None,
            &Action::Grant {
                amount: eur("800000.01"),
                motivation: "Goed plan.".into(),
            },
            t0(),
        ),
        "bedrag",
    );
    assert_eq!(snapshot(pool), before);
    assert_eq!(position(pool, "uitvoering"), (80_000_000, 0, 0));
    assert_ledger(pool);
}

#[test]
fn a_settlement_above_the_grant_is_refused() {
    let w = world();
    let pool = &w.pool;
    let reviewer = staff(pool, Role::Reviewer);
    let finance = staff(pool, Role::Finance);
    let (a, x) = reserved(pool, "r07", "uitvoering", None, "800000.00");
    act(pool, &reviewer, &x.id, Action::StartReview, t0());
    act(
        pool,
        &reviewer,
        &x.id,
        Action::Grant {
            amount: eur("700000.00"),
            motivation: "Goed plan.".into(),
        },
        t0(),
    );
    act(
        pool,
        &a,
        &x.id,
        Action::Report {
            summary: "Verslag.".into(),
        },
        t0(),
    );
    let before = snapshot(pool);
    assert_field(
        applications::execute(
            pool,
            &finance,
            &x.id,
            None,
            &Action::Settle {
                amount: eur("700000.01"),
                motivation: "Vastgesteld.".into(),
            },
            t0(),
        ),
        "bedrag",
    );
    assert_eq!(snapshot(pool), before);
    assert_eq!(position(pool, "uitvoering"), (0, 70_000_000, 0));
}

#[test]
fn submitting_outside_the_window_is_refused() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r08");
    let draft = draft_at_t0(pool, &a, "uitvoering", None, "1000000.00").unwrap();
    let before = snapshot(pool);
    // The uitvoering rounds ran from 2 April 2024 09:00 to 31 December 2025 23:59:59;
    // 1 January 2026 00:30 in Amsterdam is still 31 December in UTC.
    for now in [
        at(2025, 12, 31, 23, 30),
        at(2026, 11, 29, 9, 0),
        at(2024, 4, 2, 6, 59),
    ] {
        assert_field(
            applications::execute(pool, &a, &draft.id, None, &Action::Submit, now),
            "instrument",
        );
    }
    assert_eq!(snapshot(pool), before);
    // The last evening of the window, Amsterdam time, is still in.
    let submitted = act(
        pool,
        &a,
        &draft.id,
        Action::Submit,
        at(2025, 12, 31, 22, 30),
    );
    assert_eq!(submitted.state, "ingediend");
}

#[test]
fn a_command_not_allowed_in_the_state_names_the_state() {
    let w = world();
    let pool = &w.pool;
    let reviewer = staff(pool, Role::Reviewer);
    let finance = staff(pool, Role::Finance);
    let (a, x) = reserved(pool, "r09", "uitvoering", None, "800000.00");
    let before = snapshot(pool);

    let grant = Action::Grant {
        amount: eur("800000.00"),
        motivation: "Goed plan.".into(),
    };
    match applications::execute(pool, &reviewer, &x.id, None, &grant, t0()) {
        Err(ServiceError::InvalidState(e)) => {
            assert_eq!(e.state, State::Reserved);
            assert_eq!(e.command, Command::Grant);
            assert_eq!(
                e.allowed,
                vec![
                    Command::StartReview,
                    Command::Withdraw,
                    Command::ExtendDecisionTerm
                ]
            );
            let message = e.to_string();
            assert!(message.contains("gereserveerd"), "{message}");
            assert!(message.contains("beoordeling_starten"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let report = Action::Report {
        summary: "Verslag.".into(),
    };
    let refused = applications::execute(pool, &a, &x.id, None, &report, t0());
    assert_matches!(refused, Err(ServiceError::InvalidState(e)) if e.state == State::Reserved);
    let settle = Action::Settle {
        amount: eur("1.00"),
        motivation: "Vastgesteld.".into(),
    };
    let refused = applications::execute(pool, &finance, &x.id, None, &settle, t0());
    assert_matches!(refused, Err(ServiceError::InvalidState(e)) if e.state == State::Reserved);
    assert_eq!(snapshot(pool), before);

    // A submitted application cannot be submitted again.
    let (b, _) = applicant(pool, "r10");
    let d = draft_at_t0(pool, &b, "uitvoering", None, "600000.00").unwrap();
    act(pool, &b, &d.id, Action::Submit, t0());
    let refused = writes_nothing(pool, || {
        applications::execute(pool, &b, &d.id, None, &Action::Submit, t0())
    });
    assert_matches!(refused, Err(ServiceError::InvalidState(e)) if e.state == State::Submitted);
}

#[test]
fn another_applicant_cannot_see_or_change_an_application() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r11");
    let (b, _) = applicant(pool, "r12");
    let draft = draft_at_t0(pool, &a, "uitvoering", None, "1000000.00").unwrap();
    let before = snapshot(pool);
    let not_found = |r: &Result<_, ServiceError>| matches!(r, Err(ServiceError::NotFound { .. }));

    assert!(not_found(
        &queries::application(pool, &b, &draft.id).map(|_| ())
    ));
    assert!(not_found(
        &queries::history(pool, &b, &draft.id).map(|_| ())
    ));
    assert!(not_found(
        &applications::execute(pool, &b, &draft.id, None, &Action::Submit, t0()).map(|_| ())
    ));
    assert!(not_found(
        &applications::execute(pool, &b, &draft.id, None, &Action::Delete, t0()).map(|_| ())
    ));
    assert!(not_found(
        &applications::edit_draft(
            pool,
            &b,
            &draft.id,
            None,
            &DraftChanges {
                title: Some("Overgenomen".into()),
                ..DraftChanges::default()
            },
            t0(),
        )
        .map(|_| ())
    ));
    assert_eq!(snapshot(pool), before);
    // Staff do not see drafts either.
    let reviewer = staff(pool, Role::Reviewer);
    let before_staff = snapshot(pool);
    assert!(not_found(
        &queries::application(pool, &reviewer, &draft.id).map(|_| ())
    ));
    assert_eq!(
        queries::applications(pool, &b, &Default::default(), None, 100)
            .unwrap()
            .len(),
        0
    );
    assert_eq!(snapshot(pool), before_staff);

    act(pool, &a, &draft.id, Action::Submit, t0());
    assert!(not_found(
        &applications::execute(
            pool,
            &b,
            &draft.id,
            None,
            &Action::Withdraw { reason: None },
            t0()
        )
        .map(|_| ())
    ));
    assert!(not_found(
        &queries::payments_of(pool, &b, &draft.id).map(|_| ())
    ));
    assert_eq!(app(pool, &draft.id).state, "ingediend");
}

#[test]
fn a_reviewer_with_a_conflict_of_interest_is_forbidden() {
    let w = world();
    let pool = &w.pool;
    let conflicted = staff(pool, Role::Reviewer);
    let other = staff(pool, Role::Reviewer);
    // A reviewer declares it himself; nobody else but an admin may do it for him.
    let refused = registry::declare_conflict(
        pool,
        &other,
        conflicted.user_id.as_deref().unwrap(),
        "r13",
        t0(),
    );
    assert_matches!(refused, Err(ServiceError::Forbidden(_)));
    registry::declare_conflict(
        pool,
        &conflicted,
        conflicted.user_id.as_deref().unwrap(),
        "r13",
        t0(),
    )
    .unwrap();

    let (_, x) = reserved(pool, "r13", "uitvoering", None, "800000.00");
    let refused = writes_nothing(pool, || {
        applications::execute(pool, &conflicted, &x.id, None, &Action::StartReview, t0())
    });
    assert_matches!(refused, Err(ServiceError::Forbidden(m)) if m.contains("r13"));

    // Another reviewer starts; the conflicted one still may not decide.
    act(pool, &other, &x.id, Action::StartReview, t0());
    let refused = writes_nothing(pool, || {
        applications::execute(
            pool,
            &conflicted,
            &x.id,
            None,
            &Action::Reject {
                motivation: "Niet goed.".into(),
            },
            t0(),
        )
    });
    assert_matches!(refused, Err(ServiceError::Forbidden(_)));
    assert_eq!(position(pool, "uitvoering"), (80_000_000, 0, 0));
}

#[test]
fn a_wrong_role_is_forbidden() {
    let w = world();
    let pool = &w.pool;
    let reviewer = staff(pool, Role::Reviewer);
    let finance = staff(pool, Role::Finance);
    let (a, x) = reserved(pool, "r14", "uitvoering", None, "800000.00");
    let before = snapshot(pool);
    let forbidden = |r: Result<(), ServiceError>| {
        assert_matches!(r, Err(ServiceError::Forbidden(_)));
    };
    let run = |actor: &Actor, action: Action| {
        applications::execute(pool, actor, &x.id, None, &action, t0()).map(|_| ())
    };

    forbidden(run(&a, Action::StartReview));
    forbidden(run(&finance, Action::StartReview));
    forbidden(run(&reviewer, Action::Withdraw { reason: None }));
    forbidden(run(&Actor::system(), Action::StartReview));
    forbidden(allocation::run(pool, &a, "uitvoering", None, t0()).map(|_| ()));
    forbidden(allocation::run(pool, &reviewer, "uitvoering", None, t0()).map(|_| ()));
    forbidden(draft_at_t0(pool, &reviewer, "uitvoering", None, "600000.00").map(|_| ()));
    forbidden(
        registry::register_organisation(
            pool,
            &reviewer,
            &NewOrganisation {
                name: "X".into(),
                region_id: "r01".into(),
                iban: IBANS[0].into(),
                email: "x@x.nl".into(),
            },
            t0(),
        )
        .map(|_| ()),
    );
    forbidden(registry::create_user(pool, &a, "Y", "y@y.nl", Role::Admin, None, t0()).map(|_| ()));
    forbidden(applications::score(pool, &finance, &x.id, 50, t0()).map(|_| ()));
    assert_eq!(snapshot(pool), before);

    // A reviewer starts and grants; finance may not, an applicant may not.
    act(pool, &reviewer, &x.id, Action::StartReview, t0());
    let before = snapshot(pool);
    let grant = Action::Grant {
        amount: eur("800000.00"),
        motivation: "Goed.".into(),
    };
    forbidden(run(&finance, grant.clone()));
    forbidden(run(&a, grant));
    assert_eq!(snapshot(pool), before);
}

#[test]
fn a_stale_version_is_refused() {
    let w = world();
    let pool = &w.pool;
    let reviewer = staff(pool, Role::Reviewer);
    let (a, _) = applicant(pool, "r15");
    let draft = draft_at_t0(pool, &a, "uitvoering", None, "1000000.00").unwrap();
    let edited = applications::edit_draft(
        pool,
        &a,
        &draft.id,
        Some(1),
        &DraftChanges {
            title: Some("Tweede versie".into()),
            ..DraftChanges::default()
        },
        t0(),
    )
    .unwrap();
    assert_eq!(edited.version, 2);

    let before = snapshot(pool);
    let stale = applications::edit_draft(
        pool,
        &a,
        &draft.id,
        Some(1),
        &DraftChanges {
            title: Some("Oude versie overschrijft".into()),
            ..DraftChanges::default()
        },
        t0(),
    );
    assert_matches!(
        stale,
        Err(ServiceError::StaleVersion {
            expected: 1,
            current: 2
        })
    );
    let stale = applications::execute(pool, &a, &draft.id, Some(1), &Action::Submit, t0());
    assert_matches!(
        stale,
        Err(ServiceError::StaleVersion {
            expected: 1,
            current: 2
        })
    );
    assert_eq!(snapshot(pool), before);

    let submitted = applications::execute(pool, &a, &draft.id, Some(2), &Action::Submit, t0())
        .unwrap()
        .application()
        .unwrap()
        .clone();
    assert_eq!(submitted.version, 3);
    allocation::run(pool, &Actor::system(), "uitvoering", None, t0()).unwrap();
    let before = snapshot(pool);
    let stale = applications::execute(
        pool,
        &reviewer,
        &draft.id,
        Some(3),
        &Action::StartReview,
        t0(),
    );
    assert_matches!(
        stale,
        Err(ServiceError::StaleVersion {
            expected: 3,
            current: 4
        })
    );
    assert_eq!(snapshot(pool), before);
}

#[test]
fn an_invalid_iban_or_email_is_refused_at_registration() {
    let w = world();
    let pool = &w.pool;
    let before = snapshot(pool);
    let org = |iban: &str, email: &str| NewOrganisation {
        name: "Samenwerkingsverband Noord".into(),
        region_id: "r01".into(),
        iban: iban.into(),
        email: email.into(),
    };
    let register =
        |new: NewOrganisation| registry::register_organisation(pool, &Actor::system(), &new, t0());
    // A wrong check digit, a wrong length, not an IBAN.
    for iban in ["NL91ABNA0417164301", "NL91ABNA041716430", "12345"] {
        assert_field(register(org(iban, "info@noord.nl")), "iban");
    }
    for email in ["info", "info@nl", "in fo@noord.nl", "@noord.nl"] {
        assert_field(register(org(IBANS[1], email)), "email");
    }
    // Both wrong: both listed.
    match register(org("NL00XXXX0000000000", "geen-adres")) {
        Err(ServiceError::Validation(fields)) => {
            let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(names, vec!["iban", "email"]);
        }
        other => panic!("{other:?}"),
    }
    assert_field(
        register(NewOrganisation {
            region_id: "r99".into(),
            ..org(IBANS[0], "info@noord.nl")
        }),
        "regio",
    );
    // A user with a bad e-mail address is refused too.
    assert_field(
        registry::create_user(
            pool,
            &Actor::system(),
            "Beoordelaar",
            "beoordelaar@",
            Role::Reviewer,
            None,
            t0(),
        ),
        "email",
    );
    assert_eq!(snapshot(pool), before);
    // The valid form is accepted (so the refusals above were about the fields).
    let ok = register(org(IBANS[0], "info@noord.nl")).unwrap();
    assert_eq!(ok.iban, IBANS[0]);
}
