//! What a caller asks of an application ([`Action`]: a lifecycle command with what it
//! needs) and what became of it ([`Outcome`]).

use chrono::NaiveDate;
use subsidie_domain::lifecycle::Command;
use subsidie_domain::Money;
use subsidie_store::rows::ApplicationRow;

/// A lifecycle command with what it needs.
#[derive(Debug, Clone)]
pub enum Action {
    /// `indienen`.
    Submit,
    /// `beoordeling_starten`.
    StartReview,
    /// `aanvulling_vragen`: what is missing.
    RequestSupplement {
        /// What the applicant must supply.
        request: String,
    },
    /// `aanvullen`: what was supplied.
    Supply {
        /// A note on what was supplied.
        note: String,
    },
    /// `buiten_behandeling_stellen` after the supplement deadline passed.
    Lapse {
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `honoreren`.
    Grant {
        /// The amount granted (at most the reservation).
        amount: Money,
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `afwijzen`.
    Reject {
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `intrekken`, by the applicant before a decision.
    Withdraw {
        /// Why, if given.
        reason: Option<String>,
    },
    /// `verantwoorden`: the grantee accounts for the money.
    Report {
        /// The account, or a reference to it.
        summary: String,
    },
    /// `vaststellen`.
    Settle {
        /// The final amount (at most the grant).
        amount: Money,
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `afzien`: the grantee waives the grant.
    Waive {
        /// Why, if given.
        reason: Option<String>,
    },
    /// `afsluiten`: everything paid and recovered.
    Close,
    /// `verlening_intrekken`: the funder revokes the grant or settlement (Awb 4:48,
    /// 4:49).
    Revoke {
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `verlening_verlagen`: the funder lowers the grant or settled amount (Awb 4:48,
    /// 4:49).
    Lower {
        /// The new amount, below the current one.
        amount: Money,
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `verwijderen`: a draft is deleted.
    Delete,
    /// `beslistermijn_verlengen`: the decision will be late; the applicant is told the
    /// new last day and why, before the term ends (Awb 4:14).
    ExtendDecisionTerm {
        /// The new last day for the decision.
        until: NaiveDate,
        /// Why the decision cannot be taken within the term.
        reason: String,
    },
}

impl Action {
    /// The domain command this action issues.
    pub fn command(&self) -> Command {
        match self {
            Action::Submit => Command::Submit,
            Action::StartReview => Command::StartReview,
            Action::RequestSupplement { .. } => Command::RequestSupplement,
            Action::Supply { .. } => Command::Supply,
            Action::Lapse { .. } => Command::Lapse,
            Action::Grant { .. } => Command::Grant,
            Action::Reject { .. } => Command::Reject,
            Action::Withdraw { .. } => Command::Withdraw,
            Action::Report { .. } => Command::Report,
            Action::Settle { .. } => Command::Settle,
            Action::Waive { .. } => Command::Waive,
            Action::Close => Command::Close,
            Action::Revoke { .. } => Command::Revoke,
            Action::Lower { .. } => Command::Lower,
            Action::Delete => Command::Delete,
            Action::ExtendDecisionTerm { .. } => Command::ExtendDecisionTerm,
        }
    }

    pub(super) fn motivation(&self) -> Option<&str> {
        match self {
            Action::Lapse { motivation }
            | Action::Grant { motivation, .. }
            | Action::Reject { motivation }
            | Action::Settle { motivation, .. }
            | Action::Revoke { motivation }
            | Action::Lower { motivation, .. } => Some(motivation),
            _ => None,
        }
    }

    /// What the history records as the reason of the step.
    pub(super) fn note(&self) -> Option<String> {
        match self {
            Action::RequestSupplement { request } => Some(request.clone()),
            Action::Supply { note } => Some(note.clone()),
            Action::Report { summary } => Some(summary.clone()),
            Action::ExtendDecisionTerm { until, reason } => {
                Some(format!("beslissen uiterlijk {until}: {reason}"))
            }
            Action::Withdraw { reason } | Action::Waive { reason } => reason.clone(),
            other => other.motivation().map(str::to_owned),
        }
    }
}

/// What became of a command.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The application as it is now.
    Changed(Box<ApplicationRow>),
    /// A grant above the four-eyes limit was proposed; a second reviewer must confirm it.
    GrantProposed(Box<ApplicationRow>),
    /// The draft was deleted.
    Deleted,
}

impl Outcome {
    /// The application, unless it was deleted.
    pub fn application(&self) -> Option<&ApplicationRow> {
        match self {
            Outcome::Changed(a) | Outcome::GrantProposed(a) => Some(a),
            Outcome::Deleted => None,
        }
    }
}
