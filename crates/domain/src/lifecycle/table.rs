//! The one transition table, and the checks that read it.

use super::command::Command;
use super::names::join;
use super::notice::Notice;
use super::state::State;

/// What a transition causes, for the service layer to carry out in the same database
/// transaction as the change of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Reserve the requested amount under the instrument's ceiling.
    ReserveBudget,
    /// Release the whole reservation: the application leaves a reservation-holding state
    /// without a grant.
    ReleaseReservation,
    /// Turn the reservation into a grant of an amount at most the reservation; release
    /// the rest at once.
    GrantFromReservation,
    /// Release the whole (unsettled) grant: a waiver, or a revocation before settlement.
    ReleaseGrant,
    /// Settle the grant at an amount at most the grant; release the rest. The service
    /// also schedules the remainder payment, or a recovery of advances paid above the
    /// settled amount.
    SettleGrant,
    /// Reserve the granted amount (or, against a grant, the raise) from what is available
    /// and grant it at once: the new decision of a founded objection against a rejection
    /// or a grant (Awb 7:11).
    ReserveAndGrant,
    /// Raise a settled amount by taking the raise from what is available: the new
    /// decision of a founded objection against a settlement (Awb 7:11). The service also
    /// schedules the extra payment.
    RaiseSettlement,
    /// Change the unsettled grant to the decided amount: a raise takes the difference
    /// from what is available under the ceiling, a lowering releases it. The service also
    /// cancels what is no longer to be paid and recovers what was paid above it.
    ReviseGrant,
    /// Lower the settled amount (Awb 4:49); the difference is released, and what was
    /// paid above the new amount is recovered.
    ReviseSettlement,
    /// Release the whole settled amount: the settlement is revoked (Awb 4:49).
    ReleaseSettlement,
    /// Queue a notice (e-mail) in the outbox.
    Notify(Notice),
    /// Delete the application. Only the draft deletion causes it; the [`Transition`]'s
    /// `to` then stays [`State::Draft`], since there is no state after deletion: the
    /// service removes the record instead of saving a new state.
    Delete,
}

impl Effect {
    /// Whether the effect moves budget (everything except notices and deletion).
    pub const fn is_budget(self) -> bool {
        matches!(
            self,
            Effect::ReserveBudget
                | Effect::ReleaseReservation
                | Effect::GrantFromReservation
                | Effect::ReleaseGrant
                | Effect::SettleGrant
                | Effect::ReserveAndGrant
                | Effect::RaiseSettlement
                | Effect::ReviseGrant
                | Effect::ReviseSettlement
                | Effect::ReleaseSettlement
        )
    }

    /// The notice, if this effect is one.
    pub const fn notice(self) -> Option<Notice> {
        match self {
            Effect::Notify(notice) => Some(notice),
            _ => None,
        }
    }
}

/// One allowed step: from a state, by a command, to a state, with its effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transition {
    /// The state before.
    pub from: State,
    /// The state after. For [`Command::Delete`] this is [`State::Draft`] and the effects
    /// contain [`Effect::Delete`].
    pub to: State,
    /// The command that causes the step.
    pub command: Command,
    /// What the step causes, in order.
    pub effects: &'static [Effect],
}

impl Transition {
    /// The notices among the effects, in order.
    pub fn notices(&self) -> impl Iterator<Item = Notice> + '_ {
        self.effects.iter().filter_map(|effect| effect.notice())
    }
}

const fn step(from: State, command: Command, to: State, effects: &'static [Effect]) -> Transition {
    Transition {
        from,
        to,
        command,
        effects,
    }
}

const AMEND: &[Effect] = &[
    Effect::ReviseGrant,
    Effect::Notify(Notice::AmendmentGranted),
];
const REFUSE_AMENDMENT: &[Effect] = &[Effect::Notify(Notice::AmendmentRefused)];
const REVOKE_GRANT: &[Effect] = &[
    Effect::ReleaseGrant,
    Effect::Notify(Notice::RevocationDecision),
];
const REVOKE_SETTLEMENT: &[Effect] = &[
    Effect::ReleaseSettlement,
    Effect::Notify(Notice::RevocationDecision),
];
const LOWER_GRANT: &[Effect] = &[
    Effect::ReviseGrant,
    Effect::Notify(Notice::LoweringDecision),
];
const LOWER_SETTLEMENT: &[Effect] = &[
    Effect::ReviseSettlement,
    Effect::Notify(Notice::LoweringDecision),
];

const WITHDRAW_UNRESERVED: &[Effect] = &[Effect::Notify(Notice::WithdrawalConfirmed)];
const WITHDRAW_RESERVED: &[Effect] = &[
    Effect::ReleaseReservation,
    Effect::Notify(Notice::WithdrawalConfirmed),
];

const TERM_NOTICE: &[Effect] = &[Effect::Notify(Notice::DecisionTermExtended)];

/// The transition table: the only source of truth for what is allowed.
///
/// Each `(from, command)` pair occurs at most once. Every pair not listed is refused.
pub const TABLE: &[Transition] = {
    use Command as C;
    use Effect as E;
    use Notice as N;
    use State as S;
    &[
        // Draft
        step(S::Draft, C::Submit, S::Submitted, &[E::Notify(N::Receipt)]),
        step(S::Draft, C::Delete, S::Draft, &[E::Delete]),
        // Submitted
        step(
            S::Submitted,
            C::Allocate,
            S::Reserved,
            &[E::ReserveBudget, E::Notify(N::BudgetReserved)],
        ),
        step(
            S::Submitted,
            C::Waitlist,
            S::WaitingList,
            &[E::Notify(N::WaitingList)],
        ),
        step(S::Submitted, C::Withdraw, S::Withdrawn, WITHDRAW_UNRESERVED),
        // Waiting list
        step(
            S::WaitingList,
            C::Allocate,
            S::Reserved,
            &[E::ReserveBudget, E::Notify(N::BudgetReserved)],
        ),
        step(
            S::WaitingList,
            C::CloseWaitlist,
            S::Rejected,
            &[E::Notify(N::CeilingReached)],
        ),
        step(
            S::WaitingList,
            C::Withdraw,
            S::Withdrawn,
            WITHDRAW_UNRESERVED,
        ),
        // Reserved
        step(S::Reserved, C::StartReview, S::UnderReview, &[]),
        step(S::Reserved, C::Withdraw, S::Withdrawn, WITHDRAW_RESERVED),
        // Under review
        step(
            S::UnderReview,
            C::RequestSupplement,
            S::SupplementRequested,
            &[E::Notify(N::SupplementRequested)],
        ),
        step(
            S::UnderReview,
            C::Grant,
            S::Granted,
            &[E::GrantFromReservation, E::Notify(N::GrantDecision)],
        ),
        step(
            S::UnderReview,
            C::Reject,
            S::Rejected,
            &[E::ReleaseReservation, E::Notify(N::RejectionDecision)],
        ),
        step(S::UnderReview, C::Withdraw, S::Withdrawn, WITHDRAW_RESERVED),
        // Supplement requested
        step(S::SupplementRequested, C::Supply, S::UnderReview, &[]),
        step(
            S::SupplementRequested,
            C::Lapse,
            S::NotConsidered,
            &[E::ReleaseReservation, E::Notify(N::NotConsideredDecision)],
        ),
        step(
            S::SupplementRequested,
            C::Withdraw,
            S::Withdrawn,
            WITHDRAW_RESERVED,
        ),
        // Granted
        step(S::Granted, C::Report, S::Reported, &[]),
        step(
            S::Granted,
            C::Waive,
            S::Waived,
            &[E::ReleaseGrant, E::Notify(N::Waived)],
        ),
        // Reported
        step(
            S::Reported,
            C::Settle,
            S::Settled,
            &[E::SettleGrant, E::Notify(N::SettlementDecision)],
        ),
        // Settled
        step(S::Settled, C::Close, S::Closed, &[]),
        // A founded objection against a rejection (Awb 7:11); its letter is the decision
        // on the objection.
        step(
            S::Rejected,
            C::ReconsiderGrant,
            S::Granted,
            &[E::ReserveAndGrant],
        ),
        step(S::Rejected, C::ReconsiderWaitlist, S::WaitingList, &[]),
        step(
            S::NotConsidered,
            C::ReconsiderGrant,
            S::Granted,
            &[E::ReserveAndGrant],
        ),
        step(S::NotConsidered, C::ReconsiderWaitlist, S::WaitingList, &[]),
        // A founded objection against a grant (a higher amount) or a settlement (a higher
        // settled amount); the state stays.
        step(
            S::Granted,
            C::ReconsiderRaise,
            S::Granted,
            &[E::ReserveAndGrant],
        ),
        step(
            S::Reported,
            C::ReconsiderRaise,
            S::Reported,
            &[E::ReserveAndGrant],
        ),
        step(
            S::Settled,
            C::ReconsiderSettlement,
            S::Settled,
            &[E::RaiseSettlement],
        ),
        // A founded objection against a revocation (the grant or settlement restored),
        // a lowering (the higher amount restored) or a refused amendment (the amendment
        // granted); the letter is the decision on the objection. A restored grant or a
        // raise is reserved from what is available, and refused when it does not fit:
        // the grant stood until the contested decision, so no waiting list.
        step(
            S::Revoked,
            C::ReconsiderRevocation,
            S::Granted,
            &[E::ReserveAndGrant],
        ),
        step(
            S::Revoked,
            C::ReconsiderRevocationReported,
            S::Reported,
            &[E::ReserveAndGrant],
        ),
        step(
            S::Revoked,
            C::ReconsiderRevocationSettled,
            S::Settled,
            &[E::RaiseSettlement],
        ),
        step(
            S::Granted,
            C::ReconsiderLowering,
            S::Granted,
            &[E::ReviseGrant],
        ),
        step(
            S::Reported,
            C::ReconsiderLowering,
            S::Reported,
            &[E::ReviseGrant],
        ),
        step(
            S::Settled,
            C::ReconsiderLowering,
            S::Settled,
            &[E::RaiseSettlement],
        ),
        step(
            S::Granted,
            C::ReconsiderAmendment,
            S::Granted,
            &[E::ReviseGrant],
        ),
        step(
            S::Reported,
            C::ReconsiderAmendment,
            S::Reported,
            &[E::ReviseGrant],
        ),
        // A decision that will be late: the notice with the new term (Awb 4:14), in every
        // state that still awaits the first decision.
        step(
            S::Submitted,
            C::ExtendDecisionTerm,
            S::Submitted,
            TERM_NOTICE,
        ),
        step(
            S::WaitingList,
            C::ExtendDecisionTerm,
            S::WaitingList,
            TERM_NOTICE,
        ),
        step(S::Reserved, C::ExtendDecisionTerm, S::Reserved, TERM_NOTICE),
        step(
            S::UnderReview,
            C::ExtendDecisionTerm,
            S::UnderReview,
            TERM_NOTICE,
        ),
        step(
            S::SupplementRequested,
            C::ExtendDecisionTerm,
            S::SupplementRequested,
            TERM_NOTICE,
        ),
        // After a grant: the grantee's amendment decided (the amendment's own table is
        // in `crate::amendment`), and revocation or lowering by the funder before
        // settlement (Awb 4:48) and after it (4:49). A lowered settlement of a closed
        // file reopens it: a recovery may be outstanding.
        step(S::Granted, C::GrantAmendment, S::Granted, AMEND),
        step(S::Granted, C::RefuseAmendment, S::Granted, REFUSE_AMENDMENT),
        step(S::Granted, C::Revoke, S::Revoked, REVOKE_GRANT),
        step(S::Granted, C::Lower, S::Granted, LOWER_GRANT),
        step(S::Reported, C::GrantAmendment, S::Reported, AMEND),
        step(
            S::Reported,
            C::RefuseAmendment,
            S::Reported,
            REFUSE_AMENDMENT,
        ),
        step(S::Reported, C::Revoke, S::Revoked, REVOKE_GRANT),
        step(S::Reported, C::Lower, S::Reported, LOWER_GRANT),
        step(S::Settled, C::Revoke, S::Revoked, REVOKE_SETTLEMENT),
        step(S::Settled, C::Lower, S::Settled, LOWER_SETTLEMENT),
        step(S::Closed, C::Revoke, S::Revoked, REVOKE_SETTLEMENT),
        step(S::Closed, C::Lower, S::Settled, LOWER_SETTLEMENT),
    ]
};

fn lookup(from: State, command: Command) -> Option<&'static Transition> {
    TABLE
        .iter()
        .find(|step| step.from == from && step.command == command)
}

/// Checks `command` against the table in state `from`.
///
/// Returns the [`Transition`] (target state and effects), or a [`TransitionError`] that
/// names the state and the allowed commands.
pub fn transition(from: State, command: Command) -> Result<Transition, TransitionError> {
    lookup(from, command)
        .copied()
        .ok_or_else(|| TransitionError {
            state: from,
            command,
            allowed: allowed_commands(from),
        })
}

/// The commands allowed in state `from`, in the order of [`Command::ALL`], read from
/// [`TABLE`]. Empty exactly for final states.
pub fn allowed_commands(from: State) -> Vec<Command> {
    Command::ALL
        .into_iter()
        .filter(|&command| lookup(from, command).is_some())
        .collect()
}

// Beside the table rather than beside `State`, so that the states need not know the table.
impl State {
    /// The commands allowed in this state; see [`allowed_commands`].
    pub fn allowed_commands(self) -> Vec<Command> {
        allowed_commands(self)
    }
}

/// A command that is not allowed in the current state. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{command}' is niet toegestaan in status '{state}'; toegestaan: {}",
    allowed_list(.allowed)
)]
pub struct TransitionError {
    /// The state the application is in.
    pub state: State,
    /// The refused command.
    pub command: Command,
    /// The commands that are allowed in `state` (see [`allowed_commands`]).
    pub allowed: Vec<Command>,
}

fn allowed_list(allowed: &[Command]) -> String {
    if allowed.is_empty() {
        "geen (de aanvraag is afgerond)".to_owned()
    } else {
        join(allowed.iter().map(|command| command.as_str()))
    }
}
