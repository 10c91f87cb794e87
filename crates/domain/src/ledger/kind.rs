//! The kinds of ledger movement, with the Dutch names the ledger table stores.

use serde::{Deserialize, Serialize};

/// What a movement does to a budget position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MovementKind {
    /// An application reserves budget (`reserved` up).
    #[serde(rename = "reservering")]
    Reserve,
    /// A reservation is released: rejection, withdrawal, closing (`reserved` down).
    #[serde(rename = "vrijval-reservering")]
    ReleaseReservation,
    /// A reservation becomes a grant (`reserved` down by the reservation, `granted` up by
    /// the grant; a lower grant releases the difference at once).
    #[serde(rename = "verlening")]
    Grant,
    /// A grant is released because the grantee waives it or the funder revokes it
    /// (`granted` down).
    #[serde(rename = "vrijval-verlening")]
    ReleaseGrant,
    /// A grant is settled (`granted` down to the settled amount, `settled` up).
    #[serde(rename = "vaststelling")]
    Settle,
    /// Money is paid out (`paid` up).
    #[serde(rename = "betaling")]
    Pay,
    /// Money is paid back (`recovered` up).
    #[serde(rename = "terugvordering")]
    Recover,
    /// An unsettled grant is changed by a decision after the grant: an amendment raises
    /// or lowers it, or the funder lowers it (Awb 4:48) (`granted` up or down).
    #[serde(rename = "wijziging-verlening")]
    ReviseGrant,
    /// A settled amount is lowered or revoked (Awb 4:49) (`granted` and `settled` down).
    #[serde(rename = "wijziging-vaststelling")]
    ReviseSettlement,
}

impl MovementKind {
    /// Every kind, in lifecycle order.
    pub const ALL: [MovementKind; 9] = [
        MovementKind::Reserve,
        MovementKind::ReleaseReservation,
        MovementKind::Grant,
        MovementKind::ReleaseGrant,
        MovementKind::Settle,
        MovementKind::Pay,
        MovementKind::Recover,
        MovementKind::ReviseGrant,
        MovementKind::ReviseSettlement,
    ];

    /// The Dutch name, as stored in the ledger table and shown at the edges.
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Reserve => "reservering",
            MovementKind::ReleaseReservation => "vrijval-reservering",
            MovementKind::Grant => "verlening",
            MovementKind::ReleaseGrant => "vrijval-verlening",
            MovementKind::Settle => "vaststelling",
            MovementKind::Pay => "betaling",
            MovementKind::Recover => "terugvordering",
            MovementKind::ReviseGrant => "wijziging-verlening",
            MovementKind::ReviseSettlement => "wijziging-vaststelling",
        }
    }
}

/// A movement kind name that is not one of [`MovementKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is geen soort boeking; verwacht een van: reservering, vrijval-reservering, verlening, vrijval-verlening, vaststelling, betaling, terugvordering, wijziging-verlening, wijziging-vaststelling")]
pub struct UnknownMovementKind(pub String);

crate::names::display_and_parse_by_name!(MovementKind, UnknownMovementKind);
