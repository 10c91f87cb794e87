//! Unit tests of the lifecycle: names, the table and the paths through it.
#![allow(clippy::unwrap_used)]

use super::*;
use serde::de::value::{Error as DeError, StrDeserializer};
use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use std::fmt;

use Command as C;
use State as S;

/// The expected table, written out independently of [`TABLE`].
const EXPECTED: &[(State, Command, State)] = &[
    (S::Draft, C::Submit, S::Submitted),
    (S::Draft, C::Delete, S::Draft),
    (S::Submitted, C::Allocate, S::Reserved),
    (S::Submitted, C::Waitlist, S::WaitingList),
    (S::Submitted, C::Withdraw, S::Withdrawn),
    (S::WaitingList, C::Allocate, S::Reserved),
    (S::WaitingList, C::CloseWaitlist, S::Rejected),
    (S::WaitingList, C::Withdraw, S::Withdrawn),
    (S::Reserved, C::StartReview, S::UnderReview),
    (S::Reserved, C::Withdraw, S::Withdrawn),
    (S::UnderReview, C::RequestSupplement, S::SupplementRequested),
    (S::UnderReview, C::Grant, S::Granted),
    (S::UnderReview, C::Reject, S::Rejected),
    (S::UnderReview, C::Withdraw, S::Withdrawn),
    (S::SupplementRequested, C::Supply, S::UnderReview),
    (S::SupplementRequested, C::Lapse, S::NotConsidered),
    (S::SupplementRequested, C::Withdraw, S::Withdrawn),
    (S::Granted, C::Report, S::Reported),
    (S::Granted, C::Waive, S::Waived),
    (S::Reported, C::Settle, S::Settled),
    (S::Settled, C::Close, S::Closed),
    (S::Rejected, C::ReconsiderGrant, S::Granted),
    (S::Rejected, C::ReconsiderWaitlist, S::WaitingList),
    (S::NotConsidered, C::ReconsiderGrant, S::Granted),
    (S::NotConsidered, C::ReconsiderWaitlist, S::WaitingList),
    (S::Granted, C::ReconsiderRaise, S::Granted),
    (S::Reported, C::ReconsiderRaise, S::Reported),
    (S::Settled, C::ReconsiderSettlement, S::Settled),
    (S::Revoked, C::ReconsiderRevocation, S::Granted),
    (S::Revoked, C::ReconsiderRevocationReported, S::Reported),
    (S::Revoked, C::ReconsiderRevocationSettled, S::Settled),
    (S::Granted, C::ReconsiderLowering, S::Granted),
    (S::Reported, C::ReconsiderLowering, S::Reported),
    (S::Settled, C::ReconsiderLowering, S::Settled),
    (S::Granted, C::ReconsiderAmendment, S::Granted),
    (S::Reported, C::ReconsiderAmendment, S::Reported),
    (S::Submitted, C::ExtendDecisionTerm, S::Submitted),
    (S::WaitingList, C::ExtendDecisionTerm, S::WaitingList),
    (S::Reserved, C::ExtendDecisionTerm, S::Reserved),
    (S::UnderReview, C::ExtendDecisionTerm, S::UnderReview),
    (
        S::SupplementRequested,
        C::ExtendDecisionTerm,
        S::SupplementRequested,
    ),
    (S::Granted, C::GrantAmendment, S::Granted),
    (S::Granted, C::RefuseAmendment, S::Granted),
    (S::Granted, C::Revoke, S::Revoked),
    (S::Granted, C::Lower, S::Granted),
    (S::Reported, C::GrantAmendment, S::Reported),
    (S::Reported, C::RefuseAmendment, S::Reported),
    (S::Reported, C::Revoke, S::Revoked),
    (S::Reported, C::Lower, S::Reported),
    (S::Settled, C::Revoke, S::Revoked),
    (S::Settled, C::Lower, S::Settled),
    (S::Closed, C::Revoke, S::Revoked),
    (S::Closed, C::Lower, S::Settled),
];

fn expected_effects(from: State, command: Command) -> Vec<Effect> {
    use Effect as E;
    use Notice as N;
    match (from, command) {
        (S::Draft, C::Submit) => vec![E::Notify(N::Receipt)],
        (S::Draft, C::Delete) => vec![E::Delete],
        (_, C::Allocate) => vec![E::ReserveBudget, E::Notify(N::BudgetReserved)],
        (_, C::Waitlist) => vec![E::Notify(N::WaitingList)],
        (_, C::CloseWaitlist) => vec![E::Notify(N::CeilingReached)],
        (S::Submitted | S::WaitingList, C::Withdraw) => {
            vec![E::Notify(N::WithdrawalConfirmed)]
        }
        (_, C::Withdraw) => vec![E::ReleaseReservation, E::Notify(N::WithdrawalConfirmed)],
        (_, C::RequestSupplement) => vec![E::Notify(N::SupplementRequested)],
        (_, C::Lapse) => vec![E::ReleaseReservation, E::Notify(N::NotConsideredDecision)],
        (_, C::Grant) => vec![E::GrantFromReservation, E::Notify(N::GrantDecision)],
        (_, C::Reject) => vec![E::ReleaseReservation, E::Notify(N::RejectionDecision)],
        (_, C::Waive) => vec![E::ReleaseGrant, E::Notify(N::Waived)],
        (_, C::Settle) => vec![E::SettleGrant, E::Notify(N::SettlementDecision)],
        (
            _,
            C::ReconsiderGrant
            | C::ReconsiderRaise
            | C::ReconsiderRevocation
            | C::ReconsiderRevocationReported,
        ) => vec![E::ReserveAndGrant],
        (_, C::ReconsiderSettlement | C::ReconsiderRevocationSettled) => {
            vec![E::RaiseSettlement]
        }
        (S::Settled, C::ReconsiderLowering) => vec![E::RaiseSettlement],
        (_, C::ReconsiderLowering | C::ReconsiderAmendment) => vec![E::ReviseGrant],
        (_, C::ExtendDecisionTerm) => vec![E::Notify(N::DecisionTermExtended)],
        (_, C::GrantAmendment) => vec![E::ReviseGrant, E::Notify(N::AmendmentGranted)],
        (_, C::RefuseAmendment) => vec![E::Notify(N::AmendmentRefused)],
        (S::Granted | S::Reported, C::Revoke) => {
            vec![E::ReleaseGrant, E::Notify(N::RevocationDecision)]
        }
        (_, C::Revoke) => vec![E::ReleaseSettlement, E::Notify(N::RevocationDecision)],
        (S::Granted | S::Reported, C::Lower) => {
            vec![E::ReviseGrant, E::Notify(N::LoweringDecision)]
        }
        (_, C::Lower) => vec![E::ReviseSettlement, E::Notify(N::LoweringDecision)],
        (_, C::StartReview | C::Supply | C::Report | C::Close | C::ReconsiderWaitlist) => {
            vec![]
        }
        (_, C::Submit | C::Delete) => unreachable!("not in the expected table"),
    }
}

fn expected_target(from: State, command: Command) -> Option<State> {
    EXPECTED
        .iter()
        .find(|(f, c, _)| *f == from && *c == command)
        .map(|(_, _, to)| *to)
}

/// Captures the serde serialization of a unit variant via serde's own
/// `Serializer for &mut fmt::Formatter`.
struct Serialized<T>(T);

impl<T: Serialize> fmt::Display for Serialized<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.serialize(f)
    }
}

fn deserialize<'de, T: Deserialize<'de>>(name: &'de str) -> Result<T, DeError> {
    let deserializer: StrDeserializer<'de, DeError> = name.into_deserializer();
    T::deserialize(deserializer)
}

#[test]
fn every_cell_of_the_table() {
    let mut allowed_cells = 0;
    for from in State::ALL {
        for command in Command::ALL {
            match (expected_target(from, command), transition(from, command)) {
                (Some(to), Ok(step)) => {
                    allowed_cells += 1;
                    assert_eq!(step.from, from);
                    assert_eq!(step.command, command);
                    assert_eq!(step.to, to, "{from} --{command}-->");
                    assert_eq!(
                        step.effects,
                        expected_effects(from, command).as_slice(),
                        "{from} --{command}-->"
                    );
                    assert!(allowed_commands(from).contains(&command));
                }
                (None, Err(error)) => {
                    assert_eq!(error.state, from);
                    assert_eq!(error.command, command);
                    assert_eq!(error.allowed, allowed_commands(from));
                    assert!(!error.allowed.contains(&command));
                    let message = error.to_string();
                    assert!(message.contains(&format!("status '{}'", from.as_str())));
                    assert!(message.contains(&format!("'{}'", command.as_str())));
                    for allowed in &error.allowed {
                        assert!(message.contains(allowed.as_str()), "{message}");
                    }
                }
                (Some(to), Err(error)) => {
                    panic!("{from} --{command}--> {to} expected, got: {error}")
                }
                (None, Ok(step)) => {
                    panic!("{from} --{command}--> refusal expected, got {step:?}")
                }
            }
        }
    }
    assert_eq!(allowed_cells, EXPECTED.len());
    assert_eq!(TABLE.len(), EXPECTED.len());
}

#[test]
fn table_has_no_duplicate_pairs() {
    let pairs: HashSet<_> = TABLE.iter().map(|t| (t.from, t.command)).collect();
    assert_eq!(pairs.len(), TABLE.len());
}

#[test]
fn error_messages_in_dutch() {
    let error = transition(State::Draft, Command::Allocate).unwrap_err();
    assert_eq!(
        error.to_string(),
        "'toewijzen' is niet toegestaan in status 'concept'; toegestaan: indienen, verwijderen"
    );
    let error = transition(State::Withdrawn, Command::Allocate).unwrap_err();
    assert_eq!(
        error.to_string(),
        "'toewijzen' is niet toegestaan in status 'ingetrokken'; \
         toegestaan: geen (de aanvraag is afgerond)"
    );
    assert!("onzin"
        .parse::<State>()
        .unwrap_err()
        .to_string()
        .starts_with("'onzin' is geen bekende status; bekend zijn: concept, ingediend"));
    assert!("onzin"
        .parse::<Command>()
        .unwrap_err()
        .to_string()
        .starts_with("'onzin' is geen bekende opdracht; bekend zijn: indienen, toewijzen"));
}

#[test]
fn dutch_names_round_trip() {
    for state in State::ALL {
        let name = state.as_str();
        assert_eq!(state.to_string(), name);
        assert_eq!(name.parse::<State>().unwrap(), state);
        assert_eq!(Serialized(state).to_string(), name);
        assert_eq!(deserialize::<State>(name).unwrap(), state);
    }
    for command in Command::ALL {
        let name = command.as_str();
        assert_eq!(command.to_string(), name);
        assert_eq!(name.parse::<Command>().unwrap(), command);
        assert_eq!(Serialized(command).to_string(), name);
        assert_eq!(deserialize::<Command>(name).unwrap(), command);
    }
    for notice in Notice::ALL {
        let name = notice.as_str();
        assert_eq!(notice.to_string(), name);
        assert_eq!(Serialized(notice).to_string(), name);
        assert_eq!(deserialize::<Notice>(name).unwrap(), notice);
    }
    assert_eq!(State::UnderReview.as_str(), "in_behandeling");
    assert_eq!(Command::Waitlist.as_str(), "op_wachtlijst_plaatsen");
}

#[test]
fn names_are_unique() {
    let states: HashSet<_> = State::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(states.len(), State::ALL.len());
    let commands: HashSet<_> = Command::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(commands.len(), Command::ALL.len());
    let notices: HashSet<_> = Notice::ALL.iter().map(|n| n.as_str()).collect();
    assert_eq!(notices.len(), Notice::ALL.len());
}

#[test]
fn unknown_names_are_refused() {
    for name in [
        "",
        "Concept",
        "draft",
        "in behandeling",
        " concept",
        "concept ",
    ] {
        assert_eq!(
            name.parse::<State>(),
            Err(UnknownState(name.to_owned())),
            "{name:?}"
        );
        assert!(deserialize::<State>(name).is_err(), "{name:?}");
    }
    for name in [
        "",
        "Indienen",
        "submit",
        "op wachtlijst plaatsen",
        "indienen ",
    ] {
        assert_eq!(
            name.parse::<Command>(),
            Err(UnknownCommand(name.to_owned())),
            "{name:?}"
        );
        assert!(deserialize::<Command>(name).is_err(), "{name:?}");
    }
    // English variant names never leak to the edge.
    assert!(deserialize::<State>("Draft").is_err());
    assert!(deserialize::<Command>("Submit").is_err());
}

#[test]
fn final_states_have_no_commands_and_others_do() {
    for state in State::ALL {
        assert_eq!(
            allowed_commands(state).is_empty(),
            state.is_final(),
            "{state}"
        );
        assert_eq!(state.allowed_commands(), allowed_commands(state));
    }
}

#[test]
fn every_state_is_reachable_from_draft() {
    let mut seen = HashSet::from([State::Draft]);
    let mut queue = VecDeque::from([State::Draft]);
    while let Some(state) = queue.pop_front() {
        for command in allowed_commands(state) {
            let to = transition(state, command).unwrap().to;
            if seen.insert(to) {
                queue.push_back(to);
            }
        }
    }
    for state in State::ALL {
        assert!(seen.contains(&state), "{state} unreachable");
    }
}

#[test]
fn every_non_final_state_can_reach_a_final_state() {
    for start in State::ALL {
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        let mut reached_final = start.is_final();
        while let Some(state) = queue.pop_front() {
            for step in TABLE.iter().filter(|t| t.from == state) {
                reached_final |= step.to.is_final();
                if seen.insert(step.to) {
                    queue.push_back(step.to);
                }
            }
        }
        assert!(reached_final, "{start} cannot finish");
    }
}

#[test]
fn budget_effects_agree_with_budget_claims() {
    for step in TABLE {
        let budget: Vec<_> = step.effects.iter().filter(|e| e.is_budget()).collect();
        assert!(budget.len() <= 1, "{step:?}");
        let (before, after) = (step.from.budget_claim(), step.to.budget_claim());
        let expected = match budget.first() {
            None => (before, before),
            Some(Effect::ReserveBudget) => (BudgetClaim::None, BudgetClaim::Reservation),
            Some(Effect::ReleaseReservation) => (BudgetClaim::Reservation, BudgetClaim::None),
            Some(Effect::GrantFromReservation) => (BudgetClaim::Reservation, BudgetClaim::Grant),
            Some(Effect::ReleaseGrant) => (BudgetClaim::Grant, BudgetClaim::None),
            Some(Effect::SettleGrant) => (BudgetClaim::Grant, BudgetClaim::Settlement),
            // A raise of a grant keeps the claim a grant.
            Some(Effect::ReserveAndGrant) if step.from.holds_grant() => {
                (BudgetClaim::Grant, BudgetClaim::Grant)
            }
            Some(Effect::ReserveAndGrant) => (BudgetClaim::None, BudgetClaim::Grant),
            // A revoked settlement restored, or a settlement raised.
            Some(Effect::RaiseSettlement) if step.from == State::Revoked => {
                (BudgetClaim::None, BudgetClaim::Settlement)
            }
            Some(Effect::RaiseSettlement) => (BudgetClaim::Settlement, BudgetClaim::Settlement),
            Some(Effect::ReviseGrant) => (BudgetClaim::Grant, BudgetClaim::Grant),
            Some(Effect::ReviseSettlement) => (BudgetClaim::Settlement, BudgetClaim::Settlement),
            Some(Effect::ReleaseSettlement) => (BudgetClaim::Settlement, BudgetClaim::None),
            Some(other) => panic!("{other:?} is not a budget effect"),
        };
        assert_eq!((before, after), expected, "{step:?}");
    }
}

#[test]
fn holds_predicates_match_budget_claim() {
    for state in State::ALL {
        let claims = [
            state.holds_reservation(),
            state.holds_grant(),
            state.holds_settlement(),
        ];
        let count = claims.iter().filter(|c| **c).count();
        assert_eq!(count == 0, state.budget_claim() == BudgetClaim::None);
        assert!(count <= 1);
    }
    let reserving: Vec<_> = State::ALL
        .into_iter()
        .filter(|s| s.holds_reservation())
        .collect();
    assert_eq!(
        reserving,
        [S::Reserved, S::UnderReview, S::SupplementRequested]
    );
    let granted: Vec<_> = State::ALL.into_iter().filter(|s| s.holds_grant()).collect();
    assert_eq!(granted, [S::Granted, S::Reported]);
    // A final state holds no reservation or unsettled grant: nothing stays locked.
    for state in State::ALL.into_iter().filter(|s| s.is_final()) {
        assert!(
            !state.holds_reservation() && !state.holds_grant(),
            "{state}"
        );
    }
}

#[test]
fn decisions_are_motivated_and_send_an_objection_clause() {
    let decisions: Vec<_> = Command::ALL
        .into_iter()
        .filter(|c| c.is_decision())
        .collect();
    assert_eq!(
        decisions,
        [
            C::CloseWaitlist,
            C::Lapse,
            C::Grant,
            C::Reject,
            C::Settle,
            C::GrantAmendment,
            C::RefuseAmendment,
            C::Revoke,
            C::Lower
        ]
    );
    for command in Command::ALL {
        assert_eq!(command.requires_motivation(), command.is_decision());
    }
    for step in TABLE {
        let clause = step.notices().any(|n| n.carries_objection_clause());
        assert_eq!(clause, step.command.is_decision(), "{step:?}");
    }
}

#[test]
fn every_notice_is_sent_somewhere() {
    let sent: HashSet<_> = TABLE.iter().flat_map(|t| t.notices()).collect();
    for notice in Notice::ALL {
        assert!(sent.contains(&notice), "{notice} never sent");
    }
}

#[test]
fn withdrawal_only_before_a_decision_and_delete_only_for_drafts() {
    for state in State::ALL {
        let withdrawable = transition(state, C::Withdraw).is_ok();
        assert_eq!(
            withdrawable,
            matches!(
                state,
                S::Submitted
                    | S::WaitingList
                    | S::Reserved
                    | S::UnderReview
                    | S::SupplementRequested
            ),
            "{state}"
        );
        assert_eq!(transition(state, C::Delete).is_ok(), state == S::Draft);
    }
    let delete = transition(S::Draft, C::Delete).unwrap();
    assert_eq!(delete.to, S::Draft);
    assert_eq!(delete.effects, &[Effect::Delete]);
}

#[test]
fn revocation_and_amendments_only_after_a_grant() {
    for state in State::ALL {
        let granted = matches!(state, S::Granted | S::Reported);
        assert_eq!(
            transition(state, C::GrantAmendment).is_ok(),
            granted,
            "{state}"
        );
        assert_eq!(
            transition(state, C::RefuseAmendment).is_ok(),
            granted,
            "{state}"
        );
        let after_grant = granted || matches!(state, S::Settled | S::Closed);
        assert_eq!(transition(state, C::Revoke).is_ok(), after_grant, "{state}");
        assert_eq!(transition(state, C::Lower).is_ok(), after_grant, "{state}");
    }
    // An amendment or a lowering keeps the application where it is; a lowered closed
    // file reopens for the recovery; a revocation ends it, unless a founded objection
    // restores it (the only commands from `verlening_ingetrokken`).
    assert_eq!(
        transition(S::Reported, C::GrantAmendment).unwrap().to,
        S::Reported
    );
    assert_eq!(transition(S::Closed, C::Lower).unwrap().to, S::Settled);
    for from in [S::Granted, S::Reported, S::Settled, S::Closed] {
        let to = transition(from, C::Revoke).unwrap().to;
        assert_eq!(to, S::Revoked);
        assert_eq!(to.budget_claim(), BudgetClaim::None);
    }
    assert_eq!(
        allowed_commands(S::Revoked),
        [
            C::ReconsiderRevocation,
            C::ReconsiderRevocationReported,
            C::ReconsiderRevocationSettled
        ]
    );
}
