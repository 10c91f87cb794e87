//! The states of an application, by their Dutch names.

use serde::{Deserialize, Serialize};

use super::names::join;

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
    /// (Awb 4:5). Final unless an objection against it is founded (Awb 7:11).
    #[serde(rename = "buiten_behandeling")]
    NotConsidered,
    /// `gehonoreerd`: granted (*verleningsbeschikking*); the grant is not yet settled.
    #[serde(rename = "gehonoreerd")]
    Granted,
    /// `afgewezen`: rejected, on review or because the waiting list closed (Awb 4:25).
    /// Final unless an objection against it is founded (Awb 7:11).
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
    /// `afgesloten`: everything paid or recovered. Final unless the funder revokes or
    /// lowers the settlement (Awb 4:49).
    #[serde(rename = "afgesloten")]
    Closed,
    /// `verlening_ingetrokken`: the funder revoked the grant or the settlement (Awb 4:48,
    /// 4:49); what was paid is recovered (4:57). Final.
    #[serde(rename = "verlening_ingetrokken")]
    Revoked,
}

impl State {
    /// Every state, in lifecycle order.
    pub const ALL: [State; 15] = [
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
        State::Revoked,
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
            State::Revoked => "verlening_ingetrokken",
        }
    }

    /// Whether the application is finished: no command is allowed any more. A rejection
    /// is not: a founded objection can still revoke it (Awb 7:11); nor is a closed file:
    /// its settlement can still be revoked or lowered (Awb 4:49); nor is a revocation: a
    /// founded objection against it restores the grant.
    pub const fn is_final(self) -> bool {
        matches!(self, State::Withdrawn | State::Waived)
    }

    /// Whether the application ended without money by a decision that an objection
    /// can revoke: `afgewezen`, `buiten_behandeling`.
    pub const fn is_refused(self) -> bool {
        matches!(self, State::Rejected | State::NotConsidered)
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
            | State::Waived
            | State::Revoked => BudgetClaim::None,
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
}

crate::names::display_and_parse_by_name!(State, UnknownState);

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
