//! Unit tests of budget positions, movements and the programme budget.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::money::Money;

fn eur(euros: i64) -> Money {
    Money::from_euros(euros).unwrap()
}

fn position(ceiling: i64) -> BudgetPosition {
    BudgetPosition::new(eur(ceiling)).unwrap()
}

/// Applies an operation's movement and returns the new position.
fn applied(p: BudgetPosition, m: Result<Movement, LedgerError>) -> BudgetPosition {
    let mut p = p;
    p.apply(&m.unwrap()).unwrap();
    p
}

#[test]
fn kinds_have_dutch_names_that_round_trip() {
    let names: Vec<&str> = MovementKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "reservering",
            "vrijval-reservering",
            "verlening",
            "vrijval-verlening",
            "vaststelling",
            "betaling",
            "terugvordering",
            "wijziging-verlening",
            "wijziging-vaststelling"
        ]
    );
    for kind in MovementKind::ALL {
        assert_eq!(kind.as_str().parse::<MovementKind>().unwrap(), kind);
        assert_eq!(
            serde_json::to_string(&kind).unwrap(),
            format!("\"{}\"", kind.as_str())
        );
    }
    let err = "reserve".parse::<MovementKind>().unwrap_err();
    assert!(err.to_string().contains("verwacht een van"));
}

#[test]
fn reserve_within_available() {
    let p = position(1000);
    let m = p.reserve(eur(600)).unwrap();
    assert_eq!(m.kind, MovementKind::Reserve);
    assert_eq!(m.reserved, eur(600));
    assert_eq!(m.granted, Money::ZERO);
    // The operation itself does not change the position.
    assert_eq!(p, position(1000));
    let p = applied(p, Ok(m));
    assert_eq!(p.reserved, eur(600));
    assert_eq!(p.available(), eur(400));
    // Exactly what is left still fits.
    let p = applied(p, p.reserve(eur(400)));
    assert_eq!(p.available(), Money::ZERO);
}

#[test]
fn reserve_refused_at_the_ceiling() {
    let p = applied(position(1000), position(1000).reserve(eur(700)));
    let err = p.reserve(Money::from_cents(30_001).unwrap()).unwrap_err();
    assert_eq!(
        err,
        LedgerError::CeilingReached {
            requested: Money::from_cents(30_001).unwrap(),
            available: eur(300),
        }
    );
    let text = err.to_string();
    assert!(text.contains("€ 300,01"), "{text}");
    assert!(text.contains("€ 300,00"), "{text}");
}

#[test]
fn negative_amounts_are_refused_everywhere() {
    let p = applied(position(1000), position(1000).reserve(eur(500)));
    let p = applied(p, p.grant(eur(500), eur(400)));
    let p = applied(p, p.pay(eur(100)));
    let minus = eur(-1);
    for result in [
        p.reserve(minus),
        p.release_reservation(minus),
        p.grant(minus, Money::ZERO),
        p.grant(eur(1), minus),
        p.release_grant(minus),
        p.settle(minus, Money::ZERO),
        p.settle(eur(1), minus),
        p.pay(minus),
        p.recover(minus),
    ] {
        let err = result.unwrap_err();
        assert!(matches!(err, LedgerError::NegativeAmount { .. }), "{err:?}");
        assert!(err.to_string().contains("-€ 1,00"), "{err}");
    }
}

#[test]
fn release_reservation() {
    let p = applied(position(1000), position(1000).reserve(eur(500)));
    let m = p.release_reservation(eur(200)).unwrap();
    assert_eq!(m.kind, MovementKind::ReleaseReservation);
    assert_eq!(m.reserved, eur(-200));
    let p = applied(p, Ok(m));
    assert_eq!(p.reserved, eur(300));
    assert_eq!(p.available(), eur(700));
    assert_eq!(
        p.release_reservation(eur(301)).unwrap_err(),
        LedgerError::ExceedsReserved {
            requested: eur(301),
            reserved: eur(300)
        }
    );
}

#[test]
fn grant_releases_the_difference_at_once() {
    let p = applied(position(1000), position(1000).reserve(eur(500)));
    let m = p.grant(eur(500), eur(450)).unwrap();
    assert_eq!(m.kind, MovementKind::Grant);
    assert_eq!(m.reserved, eur(-500));
    assert_eq!(m.granted, eur(450));
    let p = applied(p, Ok(m));
    assert_eq!(p.reserved, Money::ZERO);
    assert_eq!(p.granted, eur(450));
    assert_eq!(p.available(), eur(550));
}

#[test]
fn grant_refusals() {
    let p = applied(position(1000), position(1000).reserve(eur(500)));
    let err = p.grant(eur(500), eur(501)).unwrap_err();
    assert_eq!(
        err,
        LedgerError::GrantExceedsReservation {
            granted: eur(501),
            reserved: eur(500)
        }
    );
    assert!(err.to_string().contains("€ 501,00"));
    assert!(matches!(
        p.grant(eur(600), eur(600)).unwrap_err(),
        LedgerError::ExceedsReserved { .. }
    ));
}

#[test]
fn release_grant_waives_only_unsettled_grants() {
    let p = applied(position(1000), position(1000).reserve(eur(800)));
    let p = applied(p, p.grant(eur(500), eur(500)));
    let p = applied(p, p.grant(eur(300), eur(300)));
    let p = applied(p, p.settle(eur(500), eur(400)));
    // granted 700 of which 400 settled: 300 may still be waived.
    assert_eq!(
        p.release_grant(eur(301)).unwrap_err(),
        LedgerError::ExceedsUnsettledGrant {
            requested: eur(301),
            unsettled: eur(300)
        }
    );
    let m = p.release_grant(eur(300)).unwrap();
    assert_eq!(m.kind, MovementKind::ReleaseGrant);
    assert_eq!(m.granted, eur(-300));
    let p = applied(p, Ok(m));
    assert_eq!(p.granted, eur(400));
    assert_eq!(p.settled, eur(400));
    assert_eq!(p.available(), eur(600));
}

#[test]
fn revise_grant_raises_from_what_is_available_and_lowers_by_releasing() {
    let p = applied(position(1000), position(1000).reserve(eur(600)));
    let p = applied(p, p.grant(eur(600), eur(600)));
    // A raise of 400 is exactly what is left.
    let m = p.revise_grant(eur(600), eur(1000)).unwrap();
    assert_eq!(m.kind, MovementKind::ReviseGrant);
    assert_eq!((m.granted, m.reserved), (eur(400), Money::ZERO));
    let up = applied(p, Ok(m));
    assert_eq!(up.available(), Money::ZERO);
    // One euro more is refused, naming what is available.
    assert_eq!(
        p.revise_grant(eur(600), eur(1001)),
        Err(LedgerError::CeilingReached {
            requested: eur(401),
            available: eur(400)
        })
    );
    // A lowering releases the difference.
    let down = applied(p, p.revise_grant(eur(600), eur(250)));
    assert_eq!(down.granted, eur(250));
    assert_eq!(down.available(), eur(750));
    // Not more than is unsettled, and no negative amounts.
    assert!(matches!(
        p.revise_grant(eur(700), eur(100)),
        Err(LedgerError::ExceedsUnsettledGrant { .. })
    ));
    assert!(matches!(
        p.revise_grant(eur(600), eur(-1)),
        Err(LedgerError::NegativeAmount { .. })
    ));
}

#[test]
fn revise_settlement_only_lowers() {
    let p = applied(position(1000), position(1000).reserve(eur(600)));
    let p = applied(p, p.grant(eur(600), eur(600)));
    let p = applied(p, p.settle(eur(600), eur(500)));
    let m = p.revise_settlement(eur(500), eur(200)).unwrap();
    assert_eq!(m.kind, MovementKind::ReviseSettlement);
    assert_eq!((m.granted, m.settled), (eur(-300), eur(-300)));
    let lowered = applied(p, Ok(m));
    assert_eq!((lowered.granted, lowered.settled), (eur(200), eur(200)));
    // Revoked: nothing stays committed.
    let revoked = applied(p, p.revise_settlement(eur(500), Money::ZERO));
    assert_eq!(
        (revoked.granted, revoked.settled),
        (Money::ZERO, Money::ZERO)
    );
    assert_eq!(revoked.available(), eur(1000));
    let err = p.revise_settlement(eur(500), eur(501)).unwrap_err();
    assert!(err.to_string().contains("alleen lager"), "{err}");
    // More than is settled would break the invariant.
    assert!(p.revise_settlement(eur(900), eur(0)).is_err());
}

#[test]
fn settle_reduces_the_commitment_to_the_settled_amount() {
    let p = applied(position(1000), position(1000).reserve(eur(500)));
    let p = applied(p, p.grant(eur(500), eur(500)));
    let m = p.settle(eur(500), eur(420)).unwrap();
    assert_eq!(m.kind, MovementKind::Settle);
    assert_eq!(m.granted, eur(-80));
    assert_eq!(m.settled, eur(420));
    let p = applied(p, Ok(m));
    assert_eq!(p.granted, eur(420));
    assert_eq!(p.settled, eur(420));
    assert_eq!(p.available(), eur(580));
}

#[test]
fn raise_settlement_takes_the_raise_from_what_is_available() {
    let p = applied(position(1000), position(1000).reserve(eur(500)));
    let p = applied(p, p.grant(eur(500), eur(500)));
    let p = applied(p, p.settle(eur(500), eur(420)));
    // Another application reserves 500 of what was released.
    let p = applied(p, p.reserve(eur(500)));
    assert_eq!(p.available(), eur(80));
    let m = p.raise_settlement(eur(60)).unwrap();
    assert_eq!(
        (m.kind, m.granted, m.settled),
        (MovementKind::Settle, eur(60), eur(60))
    );
    let after = applied(p, Ok(m));
    assert_eq!((after.granted, after.settled), (eur(480), eur(480)));
    assert_eq!(after.available(), eur(20));
    let err = p.raise_settlement(eur(81)).unwrap_err();
    assert_eq!(
        err,
        LedgerError::CeilingReached {
            requested: eur(81),
            available: eur(80)
        }
    );
    assert!(matches!(
        p.raise_settlement(eur(-1)).unwrap_err(),
        LedgerError::NegativeAmount { .. }
    ));
}

#[test]
fn settle_refusals() {
    let p = applied(position(1000), position(1000).reserve(eur(500)));
    let p = applied(p, p.grant(eur(500), eur(500)));
    let err = p
        .settle(
            eur(500),
            eur(500).checked_add(Money::from_cents(1).unwrap()).unwrap(),
        )
        .unwrap_err();
    assert!(matches!(err, LedgerError::SettlementExceedsGrant { .. }));
    assert!(err.to_string().contains("€ 500,01"), "{err}");
    assert!(matches!(
        p.settle(eur(600), eur(100)).unwrap_err(),
        LedgerError::ExceedsUnsettledGrant { .. }
    ));
    // A settled grant cannot be settled again.
    let p = applied(p, p.settle(eur(500), eur(500)));
    assert!(matches!(
        p.settle(eur(500), eur(500)).unwrap_err(),
        LedgerError::ExceedsUnsettledGrant { .. }
    ));
}

#[test]
fn pay_and_recover() {
    let p = applied(position(1000), position(1000).reserve(eur(500)));
    let p = applied(p, p.grant(eur(500), eur(500)));
    let m = p.pay(eur(400)).unwrap();
    assert_eq!(m.kind, MovementKind::Pay);
    assert_eq!(m.paid, eur(400));
    let p = applied(p, Ok(m));
    // Settled below the advance: 100 must come back.
    let p = applied(p, p.settle(eur(500), eur(300)));
    let m = p.recover(eur(100)).unwrap();
    assert_eq!(m.kind, MovementKind::Recover);
    assert_eq!(m.recovered, eur(100));
    let p = applied(p, Ok(m));
    assert_eq!(p.paid, eur(400));
    assert_eq!(p.recovered, eur(100));
    let err = p.recover(eur(301)).unwrap_err();
    assert_eq!(
        err,
        LedgerError::RecoveryExceedsPaid {
            requested: eur(301),
            outstanding: eur(300)
        }
    );
    assert!(err.to_string().contains("€ 300,00"));
}

#[test]
fn apply_refuses_a_movement_that_breaks_the_invariant() {
    let mut p = position(100);
    let original = p;
    let too_much = Movement {
        reserved: eur(101),
        ..Movement::zero(MovementKind::Reserve)
    };
    assert!(matches!(
        p.apply(&too_much).unwrap_err(),
        LedgerError::Invariant(InvariantViolation::CeilingExceeded { .. })
    ));
    assert_eq!(p, original);
    let negative = Movement {
        reserved: eur(-1),
        ..Movement::zero(MovementKind::ReleaseReservation)
    };
    assert!(matches!(
        p.apply(&negative).unwrap_err(),
        LedgerError::Invariant(InvariantViolation::Negative {
            component: "gereserveerd",
            ..
        })
    ));
    let settle_more = Movement {
        settled: eur(1),
        ..Movement::zero(MovementKind::Settle)
    };
    assert!(matches!(
        p.apply(&settle_more).unwrap_err(),
        LedgerError::Invariant(InvariantViolation::SettledExceedsGranted { .. })
    ));
    let recover_unpaid = Movement {
        recovered: eur(1),
        ..Movement::zero(MovementKind::Recover)
    };
    assert!(matches!(
        p.apply(&recover_unpaid).unwrap_err(),
        LedgerError::Invariant(InvariantViolation::RecoveredExceedsPaid { .. })
    ));
    assert_eq!(p, original);
}

#[test]
fn operations_on_a_broken_position_are_refused() {
    let broken = BudgetPosition {
        ceiling: eur(100),
        reserved: eur(150),
        ..BudgetPosition::default()
    };
    assert!(broken.invariant().is_err());
    assert_eq!(broken.available(), eur(-50));
    assert!(broken.reserve(Money::ZERO).is_err());
    assert!(broken.pay(eur(1)).is_err());
}

#[test]
fn negative_ceiling_is_refused() {
    assert!(matches!(
        BudgetPosition::new(eur(-1)).unwrap_err(),
        InvariantViolation::Negative {
            component: "plafond",
            ..
        }
    ));
}

#[test]
fn from_movements_folds_a_ledger() {
    let mut p = position(1000);
    let mut ledger = Vec::new();
    for step in [p.reserve(eur(600)), Ok(Movement::zero(MovementKind::Pay))] {
        let m = step.unwrap();
        p.apply(&m).unwrap();
        ledger.push(m);
    }
    let m = p.grant(eur(600), eur(550)).unwrap();
    p.apply(&m).unwrap();
    ledger.push(m);
    let m = p.pay(eur(440)).unwrap();
    p.apply(&m).unwrap();
    ledger.push(m);
    let m = p.settle(eur(550), eur(400)).unwrap();
    p.apply(&m).unwrap();
    ledger.push(m);
    let m = p.recover(eur(40)).unwrap();
    p.apply(&m).unwrap();
    ledger.push(m);

    assert_eq!(
        BudgetPosition::from_movements(eur(1000), &ledger).unwrap(),
        p
    );
    assert_eq!(
        BudgetPosition::from_movements(eur(1000), ledger.clone()).unwrap(),
        p
    );
    // The same ledger under a ceiling that is too low fails at the first reservation.
    assert!(BudgetPosition::from_movements(eur(500), &ledger).is_err());
    // Movements serialise as the database stores them: kind plus deltas.
    let json = serde_json::to_value(ledger[2]).unwrap();
    assert_eq!(json["kind"], "verlening");
    assert_eq!(json["reserved"], "-600.00");
    assert_eq!(json["granted"], "550.00");
}

#[test]
fn programme_budget_invariant() {
    let mut budget = ProgrammeBudget {
        envelope: eur(1000),
        positions: vec![
            ("voorbereiding".to_owned(), position(400)),
            ("uitvoering".to_owned(), position(600)),
        ],
    };
    budget.invariant().unwrap();
    let p = budget.position("uitvoering").copied().unwrap();
    let m = p.reserve(eur(600)).unwrap();
    budget
        .position_mut("uitvoering")
        .unwrap()
        .apply(&m)
        .unwrap();
    budget.invariant().unwrap();
    assert!(budget.position("onderzoek").is_none());

    let mut over = budget.clone();
    over.envelope = eur(999);
    let err = over.invariant().unwrap_err();
    assert!(matches!(
        err,
        InvariantViolation::CeilingsExceedEnvelope { .. }
    ));
    assert!(err.to_string().contains("€ 999,00"), "{err}");

    // Commitments above the envelope with ceilings that were lowered afterwards are
    // caught by the position itself; with consistent positions, by the sum.
    let committed_over = ProgrammeBudget {
        envelope: eur(100),
        positions: vec![(
            "a".to_owned(),
            BudgetPosition {
                ceiling: eur(100),
                reserved: eur(60),
                granted: eur(50),
                ..BudgetPosition::default()
            },
        )],
    };
    assert!(matches!(
        committed_over.invariant().unwrap_err(),
        InvariantViolation::Instrument { .. }
    ));

    let mut duplicate = budget.clone();
    duplicate
        .positions
        .push(("uitvoering".to_owned(), position(0)));
    assert_eq!(
        duplicate.invariant().unwrap_err(),
        InvariantViolation::DuplicateInstrument("uitvoering".to_owned())
    );

    let negative = ProgrammeBudget {
        envelope: eur(-1),
        positions: Vec::new(),
    };
    assert!(negative.invariant().is_err());
}
