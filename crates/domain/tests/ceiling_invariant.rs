//! The ceiling invariant under any sequence of commands (DESIGN §4).
//!
//! A model programme with a few instruments (random ceilings, an envelope of at least
//! their sum) and many applications (random requested amounts) is driven by random
//! commands. Each application's state moves only through the lifecycle table
//! ([`lifecycle::transition`]); the budget effects of each transition
//! (`ReserveBudget`, `ReleaseReservation`, `GrantFromReservation`, `ReleaseGrant`,
//! `SettleGrant`, `ReserveAndGrant` of a founded objection against a rejection or a grant,
//! `RaiseSettlement` of one against a settlement, and after a grant `ReviseGrant` of an
//! amendment (raise or lower) or a lowering, the founded objections against a revocation
//! (`ReserveAndGrant`, `RaiseSettlement`: restored), a lowering or a refused amendment, and `ReviseSettlement`/`ReleaseSettlement` of
//! a lowered or revoked settlement, Awb 4:49) are carried out with the ledger operations
//! of [`BudgetPosition`] and
//! [`BudgetPosition::apply`], as the service does; payments and recoveries come beside the
//! lifecycle. An independent shadow bookkeeping per application is kept, and after every
//! step the test asserts:
//!
//! * each position equals the sum of its applications' shadow amounts (reserved, granted,
//!   settled, paid, recovered): no cent is created or lost;
//! * `available + reserved + granted == ceiling` exactly;
//! * the position and programme invariants hold (`reserved + granted ≤ ceiling`, the sum
//!   within the envelope);
//! * folding the recorded ledger rows gives the same positions;
//! * each application's budget claim matches its lifecycle state;
//! * a refused command or operation changes nothing.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use subsidie_domain::ledger::{
    BudgetPosition, InvariantViolation, LedgerError, Movement, MovementKind, ProgrammeBudget,
};
use subsidie_domain::lifecycle::{self, Command, Effect, State};
use subsidie_domain::Money;

/// One application in the shadow bookkeeping.
#[derive(Debug, Clone)]
struct App {
    instrument: usize,
    requested: Money,
    state: State,
    deleted: bool,
    /// Open reservation.
    reservation: Money,
    /// Current grant commitment (after settlement: the settled amount).
    grant: Money,
    /// Settled amount.
    settled: Money,
    paid: Money,
    recovered: Money,
}

/// One random step.
#[derive(Debug, Clone)]
enum Op {
    /// A lifecycle command on an application, chosen as `pick` says; `permille` sizes
    /// grant and settlement; `overreach` tries one cent too much first.
    Command {
        app: prop::sample::Index,
        command: prop::sample::Index,
        pick: Pick,
        permille: u32,
        overreach: bool,
    },
    /// Pay part of what may still be paid on an application.
    Pay {
        app: prop::sample::Index,
        permille: u32,
    },
    /// Recover part of what was paid above the grant or settlement (after a lowering, a
    /// revocation, a waiver or a settlement below the advances).
    Recover {
        app: prop::sample::Index,
        permille: u32,
    },
    /// Try ledger movements that must be refused on an instrument.
    Abuse {
        instrument: prop::sample::Index,
        which: u8,
    },
}

/// How a command is chosen for an application.
#[derive(Debug, Clone, Copy)]
enum Pick {
    /// An allowed command on the way to settlement, if there is one.
    Forward,
    /// Any allowed command (including withdrawal, rejection, deletion).
    Allowed,
    /// Any command at all: mostly refused by the table.
    Any,
}

/// The commands of the way to settlement and closing.
const FORWARD: [Command; 8] = [
    Command::Submit,
    Command::Allocate,
    Command::StartReview,
    Command::Supply,
    Command::Grant,
    Command::Report,
    Command::Settle,
    Command::Close,
];

fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![5 => Just(Pick::Forward), 3 => Just(Pick::Allowed), 1 => Just(Pick::Any)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<prop::sample::Index>(), any::<prop::sample::Index>(), pick(), 0u32..=1000, prop::bool::weighted(0.15))
            .prop_map(|(app, command, pick, permille, overreach)| Op::Command { app, command, pick, permille, overreach }),
        1 => (any::<prop::sample::Index>(), 0u32..=1000).prop_map(|(app, permille)| Op::Pay { app, permille }),
        1 => (any::<prop::sample::Index>(), 0u32..=1000).prop_map(|(app, permille)| Op::Recover { app, permille }),
        1 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(instrument, which)| Op::Abuse { instrument, which }),
    ]
}

fn cents(c: i64) -> Money {
    Money::from_cents(c).unwrap()
}

/// `amount * permille / 1000`, rounded down to the cent.
fn part(amount: Money, permille: u32) -> Money {
    amount.share(permille, 1000).unwrap()
}

/// Like [`part`], but the whole amount for `permille` above 700, so that payments and
/// recoveries are often complete (which closing needs).
fn part_or_all(amount: Money, permille: u32) -> Money {
    if permille > 700 {
        amount
    } else {
        part(amount, permille)
    }
}

fn over_cent(amount: Money) -> Money {
    amount.checked_add(one_cent()).unwrap()
}

fn one_cent() -> Money {
    cents(1)
}

struct Model {
    budget: ProgrammeBudget,
    apps: Vec<App>,
    /// The ledger rows per instrument, as the database would store them.
    ledger: Vec<Vec<Movement>>,
    /// Counters, to see that the run exercised the interesting paths.
    stats: Stats,
}

#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    transitions: u32,
    refused_transitions: u32,
    ceiling_reached: u32,
    refused_ledger: u32,
    /// Grants or settlements changed after the grant (amendments, lowerings).
    revised: u32,
    /// Grants or settlements revoked.
    revoked: u32,
    /// Files closed (a closed file may be reopened by a lowering, or revoked).
    closed: u32,
    /// Revocations undone by a founded objection (the grant or settlement restored).
    restored: u32,
}

impl Model {
    fn new(ceilings: &[i64], slack: i64, apps: &[AppSpec]) -> Model {
        let positions: Vec<(String, BudgetPosition)> = ceilings
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                (
                    format!("instrument-{i}"),
                    BudgetPosition::new(cents(c)).unwrap(),
                )
            })
            .collect();
        let envelope = cents(ceilings.iter().sum::<i64>() + slack);
        let apps = apps
            .iter()
            .map(|(instrument, requested)| App {
                instrument: instrument.index(ceilings.len()),
                requested: cents(*requested),
                state: State::Draft,
                deleted: false,
                reservation: Money::ZERO,
                grant: Money::ZERO,
                settled: Money::ZERO,
                paid: Money::ZERO,
                recovered: Money::ZERO,
            })
            .collect();
        Model {
            budget: ProgrammeBudget {
                envelope,
                positions,
            },
            apps,
            ledger: vec![Vec::new(); ceilings.len()],
            stats: Stats::default(),
        }
    }

    fn position(&self, instrument: usize) -> BudgetPosition {
        self.budget.positions[instrument].1
    }

    /// Persists and applies a checked movement, as the service does.
    fn book(&mut self, instrument: usize, movement: Movement) {
        self.ledger[instrument].push(movement);
        self.budget.positions[instrument]
            .1
            .apply(&movement)
            .unwrap();
    }

    /// Asserts that `result` is a refusal and that nothing changed since `before`.
    fn refused(
        &mut self,
        before: &ProgrammeBudget,
        result: Result<Movement, LedgerError>,
    ) -> LedgerError {
        self.stats.refused_ledger += 1;
        assert_eq!(
            &self.budget, before,
            "a refused operation changed the budget"
        );
        result.expect_err("the operation should have been refused")
    }

    fn step(&mut self, op: &Op) {
        let before = self.budget.clone();
        let apps_before = self.apps.len();
        match op {
            Op::Command {
                app,
                command,
                pick,
                permille,
                overreach,
            } => {
                let a = app.index(apps_before);
                if self.apps[a].deleted {
                    return;
                }
                let state = self.apps[a].state;
                let allowed = lifecycle::allowed_commands(state);
                let forward: Vec<Command> = allowed
                    .iter()
                    .copied()
                    .filter(|c| FORWARD.contains(c))
                    .collect();
                let choices: &[Command] = match pick {
                    Pick::Forward if !forward.is_empty() => &forward,
                    Pick::Forward | Pick::Allowed if !allowed.is_empty() => &allowed,
                    _ => &Command::ALL,
                };
                let command = choices[command.index(choices.len())];
                self.command(a, command, *permille, *overreach, &before);
            }
            Op::Pay { app, permille } => {
                let a = app.index(apps_before);
                let app = self.apps[a].clone();
                // Advances on a grant; the rest after settlement. Never above the commitment.
                let limit = if app.state.holds_grant() {
                    app.grant
                } else if app.state.holds_settlement() {
                    app.settled
                } else {
                    return;
                };
                let net_paid = app.paid.checked_sub(app.recovered).unwrap();
                let room = limit.checked_sub(net_paid).unwrap();
                if room.is_negative() || room.is_zero() {
                    return;
                }
                let amount = part_or_all(room, *permille);
                let movement = self.position(app.instrument).pay(amount).unwrap();
                assert_eq!(movement.kind, MovementKind::Pay);
                self.book(app.instrument, movement);
                self.apps[a].paid = app.paid.checked_add(amount).unwrap();
            }
            Op::Recover { app, permille } => {
                let a = app.index(apps_before);
                let app = self.apps[a].clone();
                // What the grantee may keep: the grant, the settlement, or nothing.
                let keep = if app.state.holds_grant() {
                    app.grant
                } else if app.state.holds_settlement() {
                    app.settled
                } else {
                    Money::ZERO
                };
                let net_paid = app.paid.checked_sub(app.recovered).unwrap();
                let excess = net_paid.checked_sub(keep).unwrap();
                if !excess.is_negative() && !excess.is_zero() {
                    let amount = part_or_all(excess, *permille);
                    let movement = self.position(app.instrument).recover(amount).unwrap();
                    self.book(app.instrument, movement);
                    self.apps[a].recovered = app.recovered.checked_add(amount).unwrap();
                }
            }
            Op::Abuse { instrument, which } => {
                let i = instrument.index(self.budget.positions.len());
                let p = self.position(i);
                let over = |m: Money| m.checked_add(one_cent()).unwrap();
                let result = match which % 7 {
                    0 => p.reserve(over(p.available())),
                    1 => p.release_reservation(over(p.reserved)),
                    2 => p.release_grant(over(p.granted.checked_sub(p.settled).unwrap())),
                    3 => p.recover(over(p.paid.checked_sub(p.recovered).unwrap())),
                    4 => p.pay(cents(-1)),
                    5 => p.grant(over(p.reserved), Money::ZERO),
                    _ => {
                        // A raw movement that would break the ceiling, straight to apply.
                        let raw = Movement {
                            reserved: over(p.available()),
                            ..Movement::zero(MovementKind::Reserve)
                        };
                        let mut copy = p;
                        let err = copy.apply(&raw).unwrap_err();
                        assert!(matches!(
                            err,
                            LedgerError::Invariant(InvariantViolation::CeilingExceeded { .. })
                        ));
                        assert_eq!(copy, p, "a refused apply changed the position");
                        Err(err)
                    }
                };
                self.refused(&before, result);
            }
        }
    }

    fn command(
        &mut self,
        a: usize,
        command: Command,
        permille: u32,
        overreach: bool,
        before: &ProgrammeBudget,
    ) {
        let app = self.apps[a].clone();
        let i = app.instrument;
        let transition = match lifecycle::transition(app.state, command) {
            Ok(t) => t,
            Err(err) => {
                self.stats.refused_transitions += 1;
                assert_eq!(err.state, app.state);
                assert!(!err.allowed.contains(&command));
                assert_eq!(&self.budget, before);
                return;
            }
        };
        // Conditions the service checks beside the table: close only when all is paid and
        // recovered.
        if command == Command::Close {
            let net_paid = app.paid.checked_sub(app.recovered).unwrap();
            if net_paid != app.settled {
                return;
            }
        }

        // Work out the movements on a scratch copy first; book only if all succeed.
        let mut scratch = self.position(i);
        let mut movements = Vec::new();
        let mut next = app.clone();
        for effect in transition.effects {
            let movement = match effect {
                Effect::ReserveBudget => match scratch.reserve(app.requested) {
                    Ok(m) => {
                        next.reservation = app.requested;
                        m
                    }
                    Err(LedgerError::CeilingReached {
                        requested,
                        available,
                    }) => {
                        // No budget left: the service puts the application on the waiting
                        // list instead (if it is not there already).
                        self.stats.ceiling_reached += 1;
                        assert_eq!(requested, app.requested);
                        assert_eq!(available, self.position(i).available());
                        assert!(requested > available);
                        assert_eq!(&self.budget, before);
                        if let Ok(wait) = lifecycle::transition(app.state, Command::Waitlist) {
                            assert!(wait.effects.iter().all(|e| !e.is_budget()));
                            self.apps[a].state = wait.to;
                            self.stats.transitions += 1;
                        }
                        return;
                    }
                    Err(other) => panic!("unexpected refusal {other}"),
                },
                Effect::ReleaseReservation => {
                    let m = scratch.release_reservation(app.reservation).unwrap();
                    next.reservation = Money::ZERO;
                    m
                }
                Effect::GrantFromReservation => {
                    if overreach {
                        let err = self.refused(
                            before,
                            scratch.grant(
                                app.reservation,
                                app.reservation.checked_add(one_cent()).unwrap(),
                            ),
                        );
                        assert!(matches!(err, LedgerError::GrantExceedsReservation { .. }));
                    }
                    let granted = part(app.reservation, permille);
                    let m = scratch.grant(app.reservation, granted).unwrap();
                    next.reservation = Money::ZERO;
                    next.grant = granted;
                    m
                }
                Effect::ReleaseGrant => {
                    let m = scratch.release_grant(app.grant).unwrap();
                    next.grant = Money::ZERO;
                    m
                }
                Effect::SettleGrant => {
                    if overreach {
                        let err = self.refused(
                            before,
                            scratch.settle(app.grant, app.grant.checked_add(one_cent()).unwrap()),
                        );
                        assert!(matches!(err, LedgerError::SettlementExceedsGrant { .. }));
                    }
                    let settled = part(app.grant, permille);
                    let m = scratch.settle(app.grant, settled).unwrap();
                    next.grant = settled;
                    next.settled = settled;
                    m
                }
                Effect::ReserveAndGrant if app.state.holds_grant() => {
                    // A founded objection against a grant: raised by part of what is
                    // available, up to the amount asked for.
                    let available = scratch.available();
                    if overreach {
                        let err = self.refused(before, scratch.reserve(over_cent(available)));
                        assert!(matches!(err, LedgerError::CeilingReached { .. }));
                    }
                    let room = app.requested.checked_sub(app.grant).unwrap();
                    if room <= Money::ZERO {
                        // An amendment raised the grant to (or past) the amount asked
                        // for: the service refuses the objection's raise, nothing moves.
                        return;
                    }
                    let raise = part(room.min(available), permille);
                    let reserve = scratch.reserve(raise).unwrap();
                    scratch.apply(&reserve).unwrap();
                    movements.push(reserve);
                    let m = scratch.grant(raise, raise).unwrap();
                    next.grant = app.grant.checked_add(raise).unwrap();
                    m
                }
                Effect::RaiseSettlement => {
                    // A founded objection against a settlement: raised by part of what
                    // is available, up to the amount asked for.
                    let available = scratch.available();
                    if overreach {
                        let err =
                            self.refused(before, scratch.raise_settlement(over_cent(available)));
                        assert!(matches!(err, LedgerError::CeilingReached { .. }));
                    }
                    let room = app.requested.checked_sub(app.settled).unwrap();
                    if room <= Money::ZERO {
                        return;
                    }
                    let raise = part(room.min(available), permille);
                    let m = scratch.raise_settlement(raise).unwrap();
                    next.grant = app.grant.checked_add(raise).unwrap();
                    next.settled = app.settled.checked_add(raise).unwrap();
                    m
                }
                Effect::ReserveAndGrant => {
                    // A founded objection against a rejection: reserve from what is
                    // available and grant at once; with too little left, the service
                    // puts the application first on the waiting list instead. Against
                    // a revocation (the grant restored) the same, without a waiting list.
                    let reserve = match scratch.reserve(app.requested) {
                        Ok(m) => m,
                        Err(LedgerError::CeilingReached { .. }) if app.state == State::Revoked => {
                            // A revoked grant restored: no waiting list, the service
                            // refuses the decision when it does not fit.
                            self.stats.ceiling_reached += 1;
                            assert_eq!(&self.budget, before);
                            return;
                        }
                        Err(LedgerError::CeilingReached { .. }) => {
                            self.stats.ceiling_reached += 1;
                            assert_eq!(&self.budget, before);
                            let wait =
                                lifecycle::transition(app.state, Command::ReconsiderWaitlist)
                                    .unwrap();
                            assert!(wait.effects.iter().all(|e| !e.is_budget()));
                            self.apps[a].state = wait.to;
                            self.stats.transitions += 1;
                            return;
                        }
                        Err(other) => panic!("unexpected refusal {other}"),
                    };
                    scratch.apply(&reserve).unwrap();
                    movements.push(reserve);
                    let granted = part(app.requested, permille);
                    let m = scratch.grant(app.requested, granted).unwrap();
                    next.grant = granted;
                    m
                }
                Effect::ReviseGrant => {
                    // An amendment asks up to twice the grant (a raise, or a lowering);
                    // the funder's lowering is below the grant and above zero.
                    let new = if command == Command::Lower {
                        part(app.grant, permille)
                    } else {
                        app.grant
                            .checked_add(app.grant)
                            .unwrap()
                            .share(permille, 1000)
                            .unwrap()
                    };
                    let lowering = command == Command::Lower;
                    if new == app.grant || (lowering && (new.is_zero() || new > app.grant)) {
                        return; // the service refuses: no change, or not a lowering
                    }
                    match scratch.revise_grant(app.grant, new) {
                        Ok(m) => {
                            self.stats.revised += 1;
                            next.grant = new;
                            m
                        }
                        Err(LedgerError::CeilingReached {
                            requested,
                            available,
                        }) => {
                            // A raise beyond what is available: refused, nothing moves.
                            self.stats.ceiling_reached += 1;
                            assert!(requested > available);
                            assert_eq!(&self.budget, before);
                            return;
                        }
                        Err(other) => panic!("unexpected refusal {other}"),
                    }
                }
                Effect::ReviseSettlement => {
                    let new = part(app.settled, permille);
                    if new.is_zero() || new >= app.settled {
                        return; // the service refuses: not a lowering
                    }
                    if overreach {
                        let more = app.settled.checked_add(one_cent()).unwrap();
                        let err =
                            self.refused(before, scratch.revise_settlement(app.settled, more));
                        assert!(matches!(err, LedgerError::SettlementRaised { .. }));
                    }
                    let m = scratch.revise_settlement(app.settled, new).unwrap();
                    self.stats.revised += 1;
                    next.grant = new;
                    next.settled = new;
                    m
                }
                Effect::ReleaseSettlement => {
                    let m = scratch.revise_settlement(app.settled, Money::ZERO).unwrap();
                    next.grant = Money::ZERO;
                    next.settled = Money::ZERO;
                    m
                }
                Effect::Delete => {
                    next.deleted = true;
                    continue;
                }
                Effect::Notify(_) => continue,
            };
            // Every ledger operation checks without mutating.
            scratch.apply(&movement).unwrap();
            movements.push(movement);
        }
        assert_eq!(&self.budget, before, "checking changed the budget");
        for movement in movements {
            self.book(i, movement);
        }
        if command == Command::Revoke {
            self.stats.revoked += 1;
        }
        if command == Command::Close {
            self.stats.closed += 1;
        }
        if app.state == State::Revoked {
            self.stats.restored += 1;
        }
        next.state = transition.to;
        self.apps[a] = next;
        self.stats.transitions += 1;
    }

    /// Everything that must hold after every step.
    fn check(&self) {
        self.budget.invariant().unwrap();
        let mut committed = Money::ZERO;
        for (i, (_, p)) in self.budget.positions.iter().enumerate() {
            p.invariant().unwrap();
            let on = |f: fn(&App) -> Money| {
                Money::sum(self.apps.iter().filter(|a| a.instrument == i).map(f)).unwrap()
            };
            assert_eq!(
                p.reserved,
                on(|a| a.reservation),
                "reserved of instrument {i}"
            );
            assert_eq!(p.granted, on(|a| a.grant), "granted of instrument {i}");
            assert_eq!(p.settled, on(|a| a.settled), "settled of instrument {i}");
            assert_eq!(p.paid, on(|a| a.paid), "paid of instrument {i}");
            assert_eq!(
                p.recovered,
                on(|a| a.recovered),
                "recovered of instrument {i}"
            );
            // Conservation: the ceiling is exactly divided.
            assert_eq!(
                p.available()
                    .checked_add(p.reserved)
                    .unwrap()
                    .checked_add(p.granted)
                    .unwrap(),
                p.ceiling
            );
            assert!(!p.available().is_negative());
            assert!(p.reserved.checked_add(p.granted).unwrap() <= p.ceiling);
            // The ledger rows fold back to the position.
            assert_eq!(
                BudgetPosition::from_movements(p.ceiling, &self.ledger[i]).unwrap(),
                *p
            );
            committed = committed
                .checked_add(p.reserved)
                .unwrap()
                .checked_add(p.granted)
                .unwrap();
        }
        assert!(committed <= self.budget.envelope);
        // The lifecycle state and the budget claim agree.
        for app in &self.apps {
            if !app.state.holds_reservation() {
                assert_eq!(app.reservation, Money::ZERO, "{app:?}");
            } else {
                assert_eq!(app.reservation, app.requested, "{app:?}");
            }
            if !app.state.holds_grant() && !app.state.holds_settlement() {
                assert_eq!(app.grant, Money::ZERO, "{app:?}");
            }
            if !app.state.holds_settlement() {
                assert_eq!(app.settled, Money::ZERO, "{app:?}");
            } else {
                assert_eq!(app.grant, app.settled, "{app:?}");
            }
            assert!(app.recovered <= app.paid, "{app:?}");
        }
    }
}

/// An application to be: which instrument, how many cents it requests.
type AppSpec = (prop::sample::Index, i64);

/// Ceilings in cents, envelope slack in cents, applications, steps.
type Scenario = (Vec<i64>, i64, Vec<AppSpec>, Vec<Op>);

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(0i64..2_000_000, 1..=4),
        0i64..500_000,
        prop::collection::vec((any::<prop::sample::Index>(), 0i64..800_000), 1..=24),
        prop::collection::vec(op(), 0..300),
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // An integration test has no lib.rs beside it to persist failures next to.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn ceilings_hold_and_no_cent_is_created_or_lost((ceilings, slack, apps, ops) in scenario()) {
        let mut model = Model::new(&ceilings, slack, &apps);
        model.check();
        for op in &ops {
            model.step(op);
            model.check();
        }
    }
}

/// A long fixed-seed run that must exercise every path: granting, settling, the ceiling,
/// refusals.
#[test]
fn a_long_run_exercises_every_path() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let mut total = Stats::default();
    let mut settled = 0u32;
    for _ in 0..40 {
        let (ceilings, slack, _, _) = scenario().new_tree(&mut runner).unwrap().current();
        let apps = prop::collection::vec((any::<prop::sample::Index>(), 0i64..800_000), 60)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let ops = prop::collection::vec(op(), 1_000)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut model = Model::new(&ceilings, slack, &apps);
        for op in &ops {
            model.step(op);
            model.check();
        }
        total.transitions += model.stats.transitions;
        total.refused_transitions += model.stats.refused_transitions;
        total.ceiling_reached += model.stats.ceiling_reached;
        total.refused_ledger += model.stats.refused_ledger;
        total.revised += model.stats.revised;
        total.revoked += model.stats.revoked;
        total.closed += model.stats.closed;
        total.restored += model.stats.restored;
        settled += u32::try_from(
            model
                .apps
                .iter()
                .filter(|a| a.state == State::Settled)
                .count(),
        )
        .unwrap();
    }
    let closed = total.closed;
    println!("{total:?}, settled {settled}, closed {closed}");
    assert!(total.transitions > 1_000, "{total:?}");
    assert!(total.refused_transitions > 100, "{total:?}");
    assert!(total.ceiling_reached > 10, "{total:?}");
    assert!(total.refused_ledger > 100, "{total:?}");
    assert!(total.revised > 10, "{total:?}");
    assert!(total.revoked > 10, "{total:?}");
    assert!(total.restored > 0, "{total:?}");
    assert!(settled > 10, "settled {settled}, closed {closed}");
    assert!(closed > 10, "settled {settled}, closed {closed}");
}
