//! The commands that move an application through its lifecycle, by their Dutch names.

use serde::{Deserialize, Serialize};

use super::names::join;

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
    /// `heroverwegen_verlenen`: a founded objection against a rejection revokes it and
    /// grants instead (Awb 7:11), reserving from what is available. Part of the decision
    /// on the objection, which carries the appeal clause instead of an objection clause.
    #[serde(rename = "heroverwegen_verlenen")]
    ReconsiderGrant,
    /// `heroverwegen_wachtlijst`: as `heroverwegen_verlenen` when nothing is available:
    /// the application goes first on the waiting list.
    #[serde(rename = "heroverwegen_wachtlijst")]
    ReconsiderWaitlist,
    /// `heroverwegen_verhogen`: a founded objection against a grant revokes it and grants
    /// a higher amount (Awb 7:11); the raise is reserved from what is available.
    #[serde(rename = "heroverwegen_verhogen")]
    ReconsiderRaise,
    /// `heroverwegen_vaststellen`: a founded objection against a settlement settles a
    /// higher amount, at most the grant; the raise is taken from what is available.
    #[serde(rename = "heroverwegen_vaststellen")]
    ReconsiderSettlement,
    /// `heroverwegen_intrekking`: a founded objection against a revocation before the
    /// accounting revokes it and restores the grant (Awb 7:11), reserved again from what
    /// is available; the application is granted again.
    #[serde(rename = "heroverwegen_intrekking")]
    ReconsiderRevocation,
    /// `heroverwegen_intrekking_verantwoord`: as `heroverwegen_intrekking` for a grant
    /// revoked after its accounting was submitted: the accounting stands.
    #[serde(rename = "heroverwegen_intrekking_verantwoord")]
    ReconsiderRevocationReported,
    /// `heroverwegen_intrekking_vastgesteld`: as `heroverwegen_intrekking` for a revoked
    /// settlement (Awb 4:49): the settlement is restored.
    #[serde(rename = "heroverwegen_intrekking_vastgesteld")]
    ReconsiderRevocationSettled,
    /// `heroverwegen_verlaging`: a founded objection against a lowering restores the
    /// higher amount, the difference taken from what is available; the state stays.
    #[serde(rename = "heroverwegen_verlaging")]
    ReconsiderLowering,
    /// `heroverwegen_wijziging`: a founded objection against the refusal of an amendment
    /// grants the amendment asked for (a raise from what is available); the state stays.
    #[serde(rename = "heroverwegen_wijziging")]
    ReconsiderAmendment,
    /// `beslistermijn_verlengen`: the decision cannot be taken within its term; the
    /// applicant is told the new term before the term ends (Awb 4:14). Not a decision.
    #[serde(rename = "beslistermijn_verlengen")]
    ExtendDecisionTerm,
    /// `wijziging_toekennen`: a reviewer grants the grantee's amendment (raise, lower,
    /// later accounting deadline). A decision.
    #[serde(rename = "wijziging_toekennen")]
    GrantAmendment,
    /// `wijziging_weigeren`: a reviewer refuses the grantee's amendment. A decision.
    #[serde(rename = "wijziging_weigeren")]
    RefuseAmendment,
    /// `verlening_intrekken`: finance or a reviewer revokes the grant (Awb 4:48) or,
    /// after settlement, the settlement (4:49); what was paid is recovered (4:57). A
    /// decision.
    #[serde(rename = "verlening_intrekken")]
    Revoke,
    /// `verlening_verlagen`: finance or a reviewer lowers the grant or the settled
    /// amount (Awb 4:48, 4:49); what was paid above it is recovered (4:57). A decision.
    #[serde(rename = "verlening_verlagen")]
    Lower,
}

impl Command {
    /// Every command, in lifecycle order.
    pub const ALL: [Command; 30] = [
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
        Command::ReconsiderGrant,
        Command::ReconsiderWaitlist,
        Command::ReconsiderRaise,
        Command::ReconsiderSettlement,
        Command::ReconsiderRevocation,
        Command::ReconsiderRevocationReported,
        Command::ReconsiderRevocationSettled,
        Command::ReconsiderLowering,
        Command::ReconsiderAmendment,
        Command::ExtendDecisionTerm,
        Command::GrantAmendment,
        Command::RefuseAmendment,
        Command::Revoke,
        Command::Lower,
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
            Command::ReconsiderGrant => "heroverwegen_verlenen",
            Command::ReconsiderWaitlist => "heroverwegen_wachtlijst",
            Command::ReconsiderRaise => "heroverwegen_verhogen",
            Command::ReconsiderSettlement => "heroverwegen_vaststellen",
            Command::ReconsiderRevocation => "heroverwegen_intrekking",
            Command::ReconsiderRevocationReported => "heroverwegen_intrekking_verantwoord",
            Command::ReconsiderRevocationSettled => "heroverwegen_intrekking_vastgesteld",
            Command::ReconsiderLowering => "heroverwegen_verlaging",
            Command::ReconsiderAmendment => "heroverwegen_wijziging",
            Command::ExtendDecisionTerm => "beslistermijn_verlengen",
            Command::GrantAmendment => "wijziging_toekennen",
            Command::RefuseAmendment => "wijziging_weigeren",
            Command::Revoke => "verlening_intrekken",
            Command::Lower => "verlening_verlagen",
        }
    }

    /// Whether the command is a decision (*besluit*, a *beschikking*): it opens an
    /// objection period (Awb 6:7) and its notice carries the objection clause.
    ///
    /// `honoreren`, `afwijzen`, `vaststellen`, `buiten_behandeling_stellen`,
    /// `wachtlijst_sluiten`, and after a grant `wijziging_toekennen`,
    /// `wijziging_weigeren`, `verlening_intrekken`, `verlening_verlagen`.
    pub const fn is_decision(self) -> bool {
        matches!(
            self,
            Command::Grant
                | Command::Reject
                | Command::Settle
                | Command::Lapse
                | Command::CloseWaitlist
                | Command::GrantAmendment
                | Command::RefuseAmendment
                | Command::Revoke
                | Command::Lower
        )
    }

    /// Whether the command must carry a written motivation (Awb 3:46).
    ///
    /// Exactly the decisions: every decision is motivated, nothing else needs to be.
    pub const fn requires_motivation(self) -> bool {
        self.is_decision()
    }
}

crate::names::display_and_parse_by_name!(Command, UnknownCommand);

/// A text that is not the Dutch name of a [`Command`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is geen bekende opdracht; bekend zijn: {known}",
    known = join(Command::ALL.iter().map(|c| c.as_str()))
)]
pub struct UnknownCommand(pub String);
