//! One change of a budget position, as the ledger table stores it.

use serde::{Deserialize, Serialize};

use super::error::LedgerError;
use super::kind::MovementKind;
use crate::money::Money;

/// One change of a budget position: signed deltas of its moving components.
///
/// The ceiling never moves through a movement; changing a ceiling is an administrative act
/// on the instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Movement {
    /// What the movement does.
    pub kind: MovementKind,
    /// Change of `reserved`.
    pub reserved: Money,
    /// Change of `granted`.
    pub granted: Money,
    /// Change of `settled`.
    pub settled: Money,
    /// Change of `paid`.
    pub paid: Money,
    /// Change of `recovered`.
    pub recovered: Money,
}

impl Movement {
    /// A movement of the given kind that changes nothing (yet).
    pub fn zero(kind: MovementKind) -> Movement {
        Movement {
            kind,
            reserved: Money::ZERO,
            granted: Money::ZERO,
            settled: Money::ZERO,
            paid: Money::ZERO,
            recovered: Money::ZERO,
        }
    }

    /// The change of `reserved + granted`: what the movement commits (positive) or frees
    /// (negative) under the ceiling.
    pub fn commitment_delta(&self) -> Result<Money, LedgerError> {
        Ok(self.reserved.checked_add(self.granted)?)
    }
}
