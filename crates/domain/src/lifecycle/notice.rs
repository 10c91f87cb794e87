//! The notices (e-mails) a transition can send, by the names the templates key on.

use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// `budget_gereserveerd`: the allocation reserved budget for the application; a
    /// reviewer decides next. Not a decision.
    #[serde(rename = "budget_gereserveerd")]
    BudgetReserved,
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
    /// `beslistermijn_verlengd`: the decision will not be taken within its term; the new
    /// term and why (Awb 4:14). Not a decision.
    #[serde(rename = "beslistermijn_verlengd")]
    DecisionTermExtended,
    /// `wijzigingsbesluit`: the grantee's amendment granted; the new grant or deadline.
    #[serde(rename = "wijzigingsbesluit")]
    AmendmentGranted,
    /// `wijziging_geweigerd`: the grantee's amendment refused.
    #[serde(rename = "wijziging_geweigerd")]
    AmendmentRefused,
    /// `intrekkingsbeschikking`: the grant (or settlement) revoked (Awb 4:48, 4:49).
    #[serde(rename = "intrekkingsbeschikking")]
    RevocationDecision,
    /// `verlagingsbeschikking`: the grant (or settled amount) lowered (Awb 4:48, 4:49).
    #[serde(rename = "verlagingsbeschikking")]
    LoweringDecision,
}

impl Notice {
    /// Every notice.
    pub const ALL: [Notice; 16] = [
        Notice::Receipt,
        Notice::WaitingList,
        Notice::BudgetReserved,
        Notice::CeilingReached,
        Notice::SupplementRequested,
        Notice::GrantDecision,
        Notice::RejectionDecision,
        Notice::NotConsideredDecision,
        Notice::WithdrawalConfirmed,
        Notice::SettlementDecision,
        Notice::Waived,
        Notice::DecisionTermExtended,
        Notice::AmendmentGranted,
        Notice::AmendmentRefused,
        Notice::RevocationDecision,
        Notice::LoweringDecision,
    ];

    /// The Dutch name, for templates and the outbox.
    pub const fn as_str(self) -> &'static str {
        match self {
            Notice::Receipt => "ontvangstbevestiging",
            Notice::WaitingList => "wachtlijst",
            Notice::BudgetReserved => "budget_gereserveerd",
            Notice::CeilingReached => "plafond_bereikt",
            Notice::SupplementRequested => "aanvulling_gevraagd",
            Notice::GrantDecision => "verleningsbeschikking",
            Notice::RejectionDecision => "afwijzingsbeschikking",
            Notice::NotConsideredDecision => "buitenbehandelingstelling",
            Notice::WithdrawalConfirmed => "intrekking_bevestigd",
            Notice::SettlementDecision => "vaststellingsbeschikking",
            Notice::Waived => "afzien_bevestigd",
            Notice::DecisionTermExtended => "beslistermijn_verlengd",
            Notice::AmendmentGranted => "wijzigingsbesluit",
            Notice::AmendmentRefused => "wijziging_geweigerd",
            Notice::RevocationDecision => "intrekkingsbeschikking",
            Notice::LoweringDecision => "verlagingsbeschikking",
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
                | Notice::AmendmentGranted
                | Notice::AmendmentRefused
                | Notice::RevocationDecision
                | Notice::LoweringDecision
        )
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
