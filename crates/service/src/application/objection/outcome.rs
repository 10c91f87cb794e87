//! What the new decision of a founded objection changed (for its letter), and the
//! refusal of a raise or restoration the ceiling cannot carry: shared by
//! [`super::reconsider`] and [`super::restore`].

use subsidie_domain::Money;

use crate::error::ServiceError;

/// What the new decision changed, for its letter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct NewDecision {
    /// The amount the contested grant or settlement gave.
    pub previous: Option<Money>,
    /// The amount now settled (against a settlement).
    pub settled: Option<Money>,
    /// What is paid out now because of the new decision.
    pub paid_now: Option<Money>,
    /// Against a decision after the grant: what the new decision is, in the letter's
    /// words (`intrekking_herroepen`, `verlaging_herroepen`, `wijziging_toegekend`).
    pub kind: Option<&'static str>,
    /// Against a refused extension: the accounting deadline now granted.
    pub accounting_due_on: Option<chrono::NaiveDate>,
}

/// The refusal of a raise the ceiling cannot carry.
pub(super) fn ceiling_refusal(raise: Money, available: Money, current: Money) -> ServiceError {
    let most = current.checked_add(available).unwrap_or(current);
    ServiceError::Conflict(format!(
        "het subsidieplafond laat een verhoging van {} niet toe: er is nog {} beschikbaar; \
         beslis op ten hoogste {}, of verklaar het bezwaar ongegrond omdat het plafond is \
         bereikt (art. 4:25 lid 2 Awb)",
        raise.to_dutch(),
        available.to_dutch(),
        most.to_dutch()
    ))
}
