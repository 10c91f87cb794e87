//! The use of one instrument's ceiling, and the operations that move it.

use std::borrow::Borrow;

use serde::{Deserialize, Serialize};

use super::error::{InvariantViolation, LedgerError};
use super::kind::MovementKind;
use super::movement::Movement;
use crate::money::Money;

/// The use of one instrument's ceiling. See the [module documentation](crate::ledger).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct BudgetPosition {
    /// The ceiling (*subsidieplafond*).
    pub ceiling: Money,
    /// Open reservations.
    pub reserved: Money,
    /// Current grant commitments (settled grants count at their settled amount).
    pub granted: Money,
    /// The settled part of `granted`.
    pub settled: Money,
    /// Paid out.
    pub paid: Money,
    /// Paid back.
    pub recovered: Money,
}

fn non_negative(kind: MovementKind, amount: Money) -> Result<(), LedgerError> {
    if amount.is_negative() {
        Err(LedgerError::NegativeAmount { kind, amount })
    } else {
        Ok(())
    }
}

fn negate(amount: Money) -> Result<Money, LedgerError> {
    Ok(Money::ZERO.checked_sub(amount)?)
}

impl BudgetPosition {
    /// An unused position under `ceiling`. Refuses a negative ceiling.
    pub fn new(ceiling: Money) -> Result<BudgetPosition, InvariantViolation> {
        let position = BudgetPosition {
            ceiling,
            ..BudgetPosition::default()
        };
        position.invariant()?;
        Ok(position)
    }

    /// Folds a ledger: the position under `ceiling` after applying `movements` in order.
    /// Fails at the first movement that would break the invariant.
    pub fn from_movements<I>(ceiling: Money, movements: I) -> Result<BudgetPosition, LedgerError>
    where
        I: IntoIterator,
        I::Item: Borrow<Movement>,
    {
        let mut position = BudgetPosition::new(ceiling)?;
        for movement in movements {
            position.apply(movement.borrow())?;
        }
        Ok(position)
    }

    /// `ceiling - reserved - granted`: what may still be reserved.
    ///
    /// A position that breaks its invariant so badly that this cannot be computed reports
    /// nothing available (it fails closed).
    pub fn available(&self) -> Money {
        self.ceiling
            .checked_sub(self.reserved)
            .and_then(|m| m.checked_sub(self.granted))
            .unwrap_or(Money::ZERO)
    }

    /// `reserved + granted`: what is committed under the ceiling.
    pub fn committed(&self) -> Result<Money, InvariantViolation> {
        self.reserved
            .checked_add(self.granted)
            .map_err(|_| InvariantViolation::Overflow)
    }

    /// Checks the invariant: no component negative, `settled ≤ granted`,
    /// `reserved + granted ≤ ceiling`, `recovered ≤ paid`.
    pub fn invariant(&self) -> Result<(), InvariantViolation> {
        for (component, amount) in [
            ("plafond", self.ceiling),
            ("gereserveerd", self.reserved),
            ("verleend", self.granted),
            ("vastgesteld", self.settled),
            ("betaald", self.paid),
            ("teruggevorderd", self.recovered),
        ] {
            if amount.is_negative() {
                return Err(InvariantViolation::Negative { component, amount });
            }
        }
        if self.settled > self.granted {
            return Err(InvariantViolation::SettledExceedsGranted {
                settled: self.settled,
                granted: self.granted,
            });
        }
        if self.committed()? > self.ceiling {
            return Err(InvariantViolation::CeilingExceeded {
                reserved: self.reserved,
                granted: self.granted,
                ceiling: self.ceiling,
            });
        }
        if self.recovered > self.paid {
            return Err(InvariantViolation::RecoveredExceedsPaid {
                recovered: self.recovered,
                paid: self.paid,
            });
        }
        Ok(())
    }

    /// The position after `movement`, checked; `self` is unchanged.
    pub fn after(&self, movement: &Movement) -> Result<BudgetPosition, LedgerError> {
        let next = BudgetPosition {
            ceiling: self.ceiling,
            reserved: self.reserved.checked_add(movement.reserved)?,
            granted: self.granted.checked_add(movement.granted)?,
            settled: self.settled.checked_add(movement.settled)?,
            paid: self.paid.checked_add(movement.paid)?,
            recovered: self.recovered.checked_add(movement.recovered)?,
        };
        next.invariant()?;
        Ok(next)
    }

    /// Applies a movement, re-checking the invariant. On error nothing changes.
    pub fn apply(&mut self, movement: &Movement) -> Result<(), LedgerError> {
        *self = self.after(movement)?;
        Ok(())
    }

    /// Returns `movement` if applying it keeps the invariant.
    fn checked(&self, movement: Movement) -> Result<Movement, LedgerError> {
        self.after(&movement)?;
        Ok(movement)
    }

    /// Reserves `amount` for an application. Refused with
    /// [`LedgerError::CeilingReached`] when it exceeds [`available`](Self::available).
    pub fn reserve(&self, amount: Money) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::Reserve, amount)?;
        let available = self.available();
        if amount > available {
            return Err(LedgerError::CeilingReached {
                requested: amount,
                available,
            });
        }
        self.checked(Movement {
            reserved: amount,
            ..Movement::zero(MovementKind::Reserve)
        })
    }

    /// Releases a reservation of `amount` (rejection, withdrawal, incomplete application).
    pub fn release_reservation(&self, amount: Money) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::ReleaseReservation, amount)?;
        if amount > self.reserved {
            return Err(LedgerError::ExceedsReserved {
                requested: amount,
                reserved: self.reserved,
            });
        }
        self.checked(Movement {
            reserved: negate(amount)?,
            ..Movement::zero(MovementKind::ReleaseReservation)
        })
    }

    /// Turns a reservation of `reserved_amount` into a grant of `granted_amount`
    /// (`≤ reserved_amount`); the difference is released at once.
    pub fn grant(
        &self,
        reserved_amount: Money,
        granted_amount: Money,
    ) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::Grant, reserved_amount)?;
        non_negative(MovementKind::Grant, granted_amount)?;
        if granted_amount > reserved_amount {
            return Err(LedgerError::GrantExceedsReservation {
                granted: granted_amount,
                reserved: reserved_amount,
            });
        }
        if reserved_amount > self.reserved {
            return Err(LedgerError::ExceedsReserved {
                requested: reserved_amount,
                reserved: self.reserved,
            });
        }
        self.checked(Movement {
            reserved: negate(reserved_amount)?,
            granted: granted_amount,
            ..Movement::zero(MovementKind::Grant)
        })
    }

    /// Releases an unsettled grant of `amount` because the grantee waives it.
    pub fn release_grant(&self, amount: Money) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::ReleaseGrant, amount)?;
        let unsettled = self.unsettled()?;
        if amount > unsettled {
            return Err(LedgerError::ExceedsUnsettledGrant {
                requested: amount,
                unsettled,
            });
        }
        self.checked(Movement {
            granted: negate(amount)?,
            ..Movement::zero(MovementKind::ReleaseGrant)
        })
    }

    /// Settles a grant of `granted_amount` at `settled_amount` (`≤ granted_amount`):
    /// the commitment drops to the settled amount, the rest is released.
    pub fn settle(
        &self,
        granted_amount: Money,
        settled_amount: Money,
    ) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::Settle, granted_amount)?;
        non_negative(MovementKind::Settle, settled_amount)?;
        if settled_amount > granted_amount {
            return Err(LedgerError::SettlementExceedsGrant {
                settled: settled_amount,
                granted: granted_amount,
            });
        }
        let unsettled = self.unsettled()?;
        if granted_amount > unsettled {
            return Err(LedgerError::ExceedsUnsettledGrant {
                requested: granted_amount,
                unsettled,
            });
        }
        self.checked(Movement {
            granted: negate(granted_amount.checked_sub(settled_amount)?)?,
            settled: settled_amount,
            ..Movement::zero(MovementKind::Settle)
        })
    }

    /// Raises a settled amount by `raise` (a founded objection against a settlement):
    /// the commitment and the settled part both grow, so the raise must fit in what is
    /// available. Refused with [`LedgerError::CeilingReached`] when it does not.
    pub fn raise_settlement(&self, raise: Money) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::Settle, raise)?;
        let available = self.available();
        if raise > available {
            return Err(LedgerError::CeilingReached {
                requested: raise,
                available,
            });
        }
        self.checked(Movement {
            granted: raise,
            settled: raise,
            ..Movement::zero(MovementKind::Settle)
        })
    }

    /// Records a payment of `amount`.
    ///
    /// How much may be paid on one grant (an advance share, the rest after settlement) is
    /// a rule per application, for the caller; the position only refuses negative amounts.
    pub fn pay(&self, amount: Money) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::Pay, amount)?;
        self.checked(Movement {
            paid: amount,
            ..Movement::zero(MovementKind::Pay)
        })
    }

    /// Records `amount` paid back. Refused beyond what was paid and not yet recovered.
    pub fn recover(&self, amount: Money) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::Recover, amount)?;
        let outstanding = self.paid.checked_sub(self.recovered)?;
        if amount > outstanding {
            return Err(LedgerError::RecoveryExceedsPaid {
                requested: amount,
                outstanding,
            });
        }
        self.checked(Movement {
            recovered: amount,
            ..Movement::zero(MovementKind::Recover)
        })
    }

    /// Changes an unsettled grant of `old` to `new` (an amendment, or a lowering by the
    /// funder before settlement). A raise takes the difference from what is available,
    /// refused with [`LedgerError::CeilingReached`] beyond it; a lowering releases it.
    pub fn revise_grant(&self, old: Money, new: Money) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::ReviseGrant, old)?;
        non_negative(MovementKind::ReviseGrant, new)?;
        let unsettled = self.unsettled()?;
        if old > unsettled {
            return Err(LedgerError::ExceedsUnsettledGrant {
                requested: old,
                unsettled,
            });
        }
        if new > old {
            let raise = new.checked_sub(old)?;
            let available = self.available();
            if raise > available {
                return Err(LedgerError::CeilingReached {
                    requested: raise,
                    available,
                });
            }
        }
        self.checked(Movement {
            granted: new.checked_sub(old)?,
            ..Movement::zero(MovementKind::ReviseGrant)
        })
    }

    /// Lowers a settled amount of `old` to `new` (`≤ old`; zero revokes it, Awb 4:49):
    /// the commitment and the settled total drop by the difference.
    pub fn revise_settlement(&self, old: Money, new: Money) -> Result<Movement, LedgerError> {
        non_negative(MovementKind::ReviseSettlement, old)?;
        non_negative(MovementKind::ReviseSettlement, new)?;
        if new > old {
            return Err(LedgerError::SettlementRaised {
                settled: old,
                asked: new,
            });
        }
        let delta = negate(old.checked_sub(new)?)?;
        self.checked(Movement {
            granted: delta,
            settled: delta,
            ..Movement::zero(MovementKind::ReviseSettlement)
        })
    }

    fn unsettled(&self) -> Result<Money, LedgerError> {
        Ok(self.granted.checked_sub(self.settled)?)
    }
}
