//! The lifecycle of an application (*aanvraag*): states, commands and the one
//! transition table that connects them (DESIGN §3).
//!
//! Every change of state is one explicit [`Command`], checked by [`transition`] against
//! [`TABLE`], the single source of truth. A command that is not allowed in the current
//! state is a [`TransitionError`] that names the state and the commands that *are*
//! allowed; nothing changes. An allowed command yields a [`Transition`] with the target
//! state and the [`Effect`]s that the service layer carries out in the same database
//! transaction (budget movements, e-mails in the outbox).
//!
//! ```text
//! concept ──indienen──▶ ingediend ──toewijzen──▶ gereserveerd ──beoordeling_starten──▶ in_behandeling
//!    │                     │                          ▲                               │     ▲
//!    │ verwijderen         │ op_wachtlijst_plaatsen   │ toewijzen       aanvulling_vragen   │ aanvullen
//!    ▼                     ▼                          │                               ▼     │
//!  (weg)               wachtlijst ────────────────────┘                        aanvulling_gevraagd
//!                          │ wachtlijst_sluiten                                        │ buiten_behandeling_stellen
//!                          ▼                                                           ▼
//!                      afgewezen ◀──afwijzen── in_behandeling                 buiten_behandeling
//! in_behandeling ──honoreren──▶ gehonoreerd ──verantwoorden──▶ verantwoording_ingediend
//! gehonoreerd ──afzien──▶ afgezien            verantwoording_ingediend ──vaststellen──▶ vastgesteld
//! vastgesteld ──afsluiten──▶ afgesloten
//! ingediend, wachtlijst, gereserveerd, in_behandeling, aanvulling_gevraagd ──intrekken──▶ ingetrokken
//! ```
//!
//! Code speaks English; the edges (serde, [`Display`](fmt::Display), [`FromStr`]) speak
//! Dutch, as in the glossary of DESIGN §2.
//!
//! Conditions that depend on data rather than on the state alone (is there budget left,
//! is the grant at most the reservation, has everything been paid before closing, who may
//! issue the command) are checked by the service layer before it asks this table.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The state of an application.
///
/// Serialized, displayed and parsed by its Dutch name (see [`State::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// `concept`: being written by the applicant; not yet submitted.
    #[serde(rename = "concept")]
    Draft,
    /// `ingediend`: submitted and received; waiting for budget allocation.
    #[serde(rename = "ingediend")]
    Submitted,
    /// `wachtlijst`: on the waiting list, because the ceiling was reached.
    #[serde(rename = "wachtlijst")]
    WaitingList,
    /// `gereserveerd`: budget reserved; waiting for review.
    #[serde(rename = "gereserveerd")]
    Reserved,
    /// `in_behandeling`: being reviewed.
    #[serde(rename = "in_behandeling")]
    UnderReview,
    /// `aanvulling_gevraagd`: the applicant was asked to supply missing information
    /// (Awb 4:5); the reservation is kept until the deadline passes.
    #[serde(rename = "aanvulling_gevraagd")]
    SupplementRequested,
    /// `buiten_behandeling`: not considered, because the supplement did not come in time
    /// (Awb 4:5). Final.
    #[serde(rename = "buiten_behandeling")]
    NotConsidered,
    /// `gehonoreerd`: granted (*verleningsbeschikking*); the grant is not yet settled.
    #[serde(rename = "gehonoreerd")]
    Granted,
    /// `afgewezen`: rejected, on review or because the waiting list closed (Awb 4:25).
    /// Final.
    #[serde(rename = "afgewezen")]
    Rejected,
    /// `ingetrokken`: withdrawn by the applicant before a decision. Final.
    #[serde(rename = "ingetrokken")]
    Withdrawn,
    /// `afgezien`: the grantee waived the grant. Final.
    #[serde(rename = "afgezien")]
    Waived,
    /// `verantwoording_ingediend`: the grantee accounted for the money; waiting for
    /// settlement.
    #[serde(rename = "verantwoording_ingediend")]
    Reported,
    /// `vastgesteld`: the final amount is settled (*vaststelling*); remainder payment or
    /// recovery outstanding.
    #[serde(rename = "vastgesteld")]
    Settled,
    /// `afgesloten`: everything paid or recovered. Final.
    #[serde(rename = "afgesloten")]
    Closed,
}

impl State {
    /// Every state, in lifecycle order.
    pub const ALL: [State; 14] = [
        State::Draft,
        State::Submitted,
        State::WaitingList,
        State::Reserved,
        State::UnderReview,
        State::SupplementRequested,
        State::NotConsidered,
        State::Granted,
        State::Rejected,
        State::Withdrawn,
        State::Waived,
        State::Reported,
        State::Settled,
        State::Closed,
    ];

    /// The Dutch name, as used in the API, the database and e-mails.
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Draft => "concept",
            State::Submitted => "ingediend",
            State::WaitingList => "wachtlijst",
            State::Reserved => "gereserveerd",
            State::UnderReview => "in_behandeling",
            State::SupplementRequested => "aanvulling_gevraagd",
            State::NotConsidered => "buiten_behandeling",
            State::Granted => "gehonoreerd",
            State::Rejected => "afgewezen",
            State::Withdrawn => "ingetrokken",
            State::Waived => "afgezien",
            State::Reported => "verantwoording_ingediend",
            State::Settled => "vastgesteld",
            State::Closed => "afgesloten",
        }
    }

    /// Whether the application is finished: no command is allowed any more.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            State::Rejected
                | State::Withdrawn
                | State::NotConsidered
                | State::Waived
                | State::Closed
        )
    }

    /// What this state claims of the instrument's budget.
    pub const fn budget_claim(self) -> BudgetClaim {
        match self {
            State::Reserved | State::UnderReview | State::SupplementRequested => {
                BudgetClaim::Reservation
            }
            State::Granted | State::Reported => BudgetClaim::Grant,
            State::Settled | State::Closed => BudgetClaim::Settlement,
            State::Draft
            | State::Submitted
            | State::WaitingList
            | State::NotConsidered
            | State::Rejected
            | State::Withdrawn
            | State::Waived => BudgetClaim::None,
        }
    }

    /// Whether the application holds a budget reservation: `gereserveerd`,
    /// `in_behandeling`, `aanvulling_gevraagd`.
    pub const fn holds_reservation(self) -> bool {
        matches!(self.budget_claim(), BudgetClaim::Reservation)
    }

    /// Whether the application holds a granted, not yet settled amount: `gehonoreerd`,
    /// `verantwoording_ingediend`.
    pub const fn holds_grant(self) -> bool {
        matches!(self.budget_claim(), BudgetClaim::Grant)
    }

    /// Whether the application holds a settled amount: `vastgesteld` and `afgesloten`.
    ///
    /// A settled amount is spent money: it keeps counting against the ceiling after the
    /// application is closed. Closing only records that all payments and recoveries are
    /// done.
    pub const fn holds_settlement(self) -> bool {
        matches!(self.budget_claim(), BudgetClaim::Settlement)
    }

    /// The commands allowed in this state; see [`allowed_commands`].
    pub fn allowed_commands(self) -> Vec<Command> {
        allowed_commands(self)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for State {
    type Err = UnknownState;

    /// Parses the Dutch name (exactly, as [`State::as_str`] gives it).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        State::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// What a state claims of an instrument's budget, in the ledger's terms (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BudgetClaim {
    /// Nothing.
    None,
    /// A reservation (counts in `reserved`).
    Reservation,
    /// A granted, unsettled amount (counts in `granted`).
    Grant,
    /// A settled amount (counts in `settled`).
    Settlement,
}

/// A text that is not the Dutch name of a [`State`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is geen bekende status; bekend zijn: {known}",
    known = join(State::ALL.iter().map(|s| s.as_str()))
)]
pub struct UnknownState(pub String);

/// One kind of command that moves an application through its lifecycle.
///
/// A plain kind without payload: amounts, motivations and deadlines travel beside it in
/// the service layer. Serialized, displayed and parsed by its Dutch name (see
/// [`Command::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// `indienen`: the applicant submits a draft.
    #[serde(rename = "indienen")]
    Submit,
    /// `toewijzen`: an allocation run reserves budget.
    #[serde(rename = "toewijzen")]
    Allocate,
    /// `op_wachtlijst_plaatsen`: an allocation run finds no budget left.
    #[serde(rename = "op_wachtlijst_plaatsen")]
    Waitlist,
    /// `wachtlijst_sluiten`: the waiting list closes; the application is rejected because
    /// the ceiling is reached (Awb 4:25). A decision.
    #[serde(rename = "wachtlijst_sluiten")]
    CloseWaitlist,
    /// `beoordeling_starten`: a reviewer starts the review.
    #[serde(rename = "beoordeling_starten")]
    StartReview,
    /// `aanvulling_vragen`: a reviewer asks for missing information (Awb 4:5).
    #[serde(rename = "aanvulling_vragen")]
    RequestSupplement,
    /// `aanvullen`: the applicant supplies it.
    #[serde(rename = "aanvullen")]
    Supply,
    /// `buiten_behandeling_stellen`: the supplement deadline passed (Awb 4:5). A decision.
    #[serde(rename = "buiten_behandeling_stellen")]
    Lapse,
    /// `honoreren`: grant an amount up to the reservation. A decision.
    #[serde(rename = "honoreren")]
    Grant,
    /// `afwijzen`: reject on review. A decision.
    #[serde(rename = "afwijzen")]
    Reject,
    /// `intrekken`: the applicant withdraws before a decision.
    #[serde(rename = "intrekken")]
    Withdraw,
    /// `verantwoorden`: the grantee accounts for the money.
    #[serde(rename = "verantwoorden")]
    Report,
    /// `vaststellen`: settle the final amount, up to the grant. A decision.
    #[serde(rename = "vaststellen")]
    Settle,
    /// `afzien`: the grantee waives the grant.
    #[serde(rename = "afzien")]
    Waive,
    /// `afsluiten`: close the file once everything is paid or recovered.
    #[serde(rename = "afsluiten")]
    Close,
    /// `verwijderen`: the applicant deletes a draft.
    #[serde(rename = "verwijderen")]
    Delete,
}

impl Command {
    /// Every command, in lifecycle order.
    pub const ALL: [Command; 16] = [
        Command::Submit,
        Command::Allocate,
        Command::Waitlist,
        Command::CloseWaitlist,
        Command::StartReview,
        Command::RequestSupplement,
        Command::Supply,
        Command::Lapse,
        Command::Grant,
        Command::Reject,
        Command::Withdraw,
        Command::Report,
        Command::Settle,
        Command::Waive,
        Command::Close,
        Command::Delete,
    ];

    /// The Dutch name, as used in the API, the history and e-mails.
    pub const fn as_str(self) -> &'static str {
        match self {
            Command::Submit => "indienen",
            Command::Allocate => "toewijzen",
            Command::Waitlist => "op_wachtlijst_plaatsen",
            Command::CloseWaitlist => "wachtlijst_sluiten",
            Command::StartReview => "beoordeling_starten",
            Command::RequestSupplement => "aanvulling_vragen",
            Command::Supply => "aanvullen",
            Command::Lapse => "buiten_behandeling_stellen",
            Command::Grant => "honoreren",
            Command::Reject => "afwijzen",
            Command::Withdraw => "intrekken",
            Command::Report => "verantwoorden",
            Command::Settle => "vaststellen",
            Command::Waive => "afzien",
            Command::Close => "afsluiten",
            Command::Delete => "verwijderen",
        }
    }

    /// Whether the command is a decision (*besluit*, a *beschikking*): it opens an
    /// objection period (Awb 6:7) and its notice carries the objection clause.
    ///
    /// `honoreren`, `afwijzen`, `vaststellen`, `buiten_behandeling_stellen`,
    /// `wachtlijst_sluiten`.
    pub const fn is_decision(self) -> bool {
        matches!(
            self,
            Command::Grant
                | Command::Reject
                | Command::Settle
                | Command::Lapse
                | Command::CloseWaitlist
        )
    }

    /// Whether the command must carry a written motivation (Awb 3:46).
    ///
    /// Exactly the decisions: every decision is motivated, nothing else needs to be.
    pub const fn requires_motivation(self) -> bool {
        self.is_decision()
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Command {
    type Err = UnknownCommand;

    /// Parses the Dutch name (exactly, as [`Command::as_str`] gives it).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Command::ALL
            .into_iter()
            .find(|command| command.as_str() == s)
            .ok_or_else(|| UnknownCommand(s.to_owned()))
    }
}

/// A text that is not the Dutch name of a [`Command`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is geen bekende opdracht; bekend zijn: {known}",
    known = join(Command::ALL.iter().map(|c| c.as_str()))
)]
pub struct UnknownCommand(pub String);

/// A notice to a person, sent as an e-mail through the outbox.
///
/// Serialized and displayed by a Dutch name that the notification templates can key on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// `ontvangstbevestiging`: the application was received.
    #[serde(rename = "ontvangstbevestiging")]
    Receipt,
    /// `wachtlijst`: the application is on the waiting list.
    #[serde(rename = "wachtlijst")]
    WaitingList,
    /// `plafond_bereikt`: rejected because the ceiling is reached (Awb 4:25). A decision.
    #[serde(rename = "plafond_bereikt")]
    CeilingReached,
    /// `aanvulling_gevraagd`: please supply missing information before the deadline.
    #[serde(rename = "aanvulling_gevraagd")]
    SupplementRequested,
    /// `verleningsbeschikking`: the grant decision.
    #[serde(rename = "verleningsbeschikking")]
    GrantDecision,
    /// `afwijzingsbeschikking`: the rejection decision.
    #[serde(rename = "afwijzingsbeschikking")]
    RejectionDecision,
    /// `buitenbehandelingstelling`: the decision not to consider the application.
    #[serde(rename = "buitenbehandelingstelling")]
    NotConsideredDecision,
    /// `intrekking_bevestigd`: the withdrawal is confirmed.
    #[serde(rename = "intrekking_bevestigd")]
    WithdrawalConfirmed,
    /// `vaststellingsbeschikking`: the settlement decision.
    #[serde(rename = "vaststellingsbeschikking")]
    SettlementDecision,
    /// `afzien_bevestigd`: the waiver is confirmed.
    #[serde(rename = "afzien_bevestigd")]
    Waived,
}

impl Notice {
    /// Every notice.
    pub const ALL: [Notice; 10] = [
        Notice::Receipt,
        Notice::WaitingList,
        Notice::CeilingReached,
        Notice::SupplementRequested,
        Notice::GrantDecision,
        Notice::RejectionDecision,
        Notice::NotConsideredDecision,
        Notice::WithdrawalConfirmed,
        Notice::SettlementDecision,
        Notice::Waived,
    ];

    /// The Dutch name, for templates and the outbox.
    pub const fn as_str(self) -> &'static str {
        match self {
            Notice::Receipt => "ontvangstbevestiging",
            Notice::WaitingList => "wachtlijst",
            Notice::CeilingReached => "plafond_bereikt",
            Notice::SupplementRequested => "aanvulling_gevraagd",
            Notice::GrantDecision => "verleningsbeschikking",
            Notice::RejectionDecision => "afwijzingsbeschikking",
            Notice::NotConsideredDecision => "buitenbehandelingstelling",
            Notice::WithdrawalConfirmed => "intrekking_bevestigd",
            Notice::SettlementDecision => "vaststellingsbeschikking",
            Notice::Waived => "afzien_bevestigd",
        }
    }

    /// Whether the notice announces a decision, and so must carry the motivation and the
    /// objection clause (*bezwaarclausule*, Awb 3:45).
    pub const fn carries_objection_clause(self) -> bool {
        matches!(
            self,
            Notice::CeilingReached
                | Notice::GrantDecision
                | Notice::RejectionDecision
                | Notice::NotConsideredDecision
                | Notice::SettlementDecision
        )
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// Release the whole (unsettled) grant.
    ReleaseGrant,
    /// Settle the grant at an amount at most the grant; release the rest. The service
    /// also schedules the remainder payment, or a recovery of advances paid above the
    /// settled amount.
    SettleGrant,
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

const WITHDRAW_UNRESERVED: &[Effect] = &[Effect::Notify(Notice::WithdrawalConfirmed)];
const WITHDRAW_RESERVED: &[Effect] = &[
    Effect::ReleaseReservation,
    Effect::Notify(Notice::WithdrawalConfirmed),
];

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
        step(S::Submitted, C::Allocate, S::Reserved, &[E::ReserveBudget]),
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
            &[E::ReserveBudget],
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

fn join<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeError, StrDeserializer};
    use serde::de::IntoDeserializer;
    use std::collections::{HashSet, VecDeque};

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
    ];

    fn expected_effects(from: State, command: Command) -> Vec<Effect> {
        use Effect as E;
        use Notice as N;
        match (from, command) {
            (S::Draft, C::Submit) => vec![E::Notify(N::Receipt)],
            (S::Draft, C::Delete) => vec![E::Delete],
            (_, C::Allocate) => vec![E::ReserveBudget],
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
            (_, C::StartReview | C::Supply | C::Report | C::Close) => vec![],
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
        let error = transition(State::Rejected, Command::Allocate).unwrap_err();
        assert_eq!(
            error.to_string(),
            "'toewijzen' is niet toegestaan in status 'afgewezen'; \
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
                Some(Effect::GrantFromReservation) => {
                    (BudgetClaim::Reservation, BudgetClaim::Grant)
                }
                Some(Effect::ReleaseGrant) => (BudgetClaim::Grant, BudgetClaim::None),
                Some(Effect::SettleGrant) => (BudgetClaim::Grant, BudgetClaim::Settlement),
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
            [C::CloseWaitlist, C::Lapse, C::Grant, C::Reject, C::Settle]
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
}
