//! Budget positions per instrument, and the movements that change them.
//!
//! A [`BudgetPosition`] says, for one instrument, how its ceiling (*subsidieplafond*,
//! Awb 4:22) is used:
//!
//! | component   | meaning |
//! |-------------|---------|
//! | `ceiling`   | the most that may be committed under the instrument |
//! | `reserved`  | open reservations: applications that hold budget while they are reviewed |
//! | `granted`   | current grant commitments; after settlement a grant's commitment is the settled amount |
//! | `settled`   | the part of `granted` that has been settled (*vastgesteld*) |
//! | `paid`      | paid out (advances and final payments) |
//! | `recovered` | paid back (*terugvordering*) |
//!
//! and `available = ceiling - reserved - granted`.
//!
//! The invariant ([`BudgetPosition::invariant`]): no component is negative,
//! `settled ≤ granted`, `reserved + granted ≤ ceiling`, `recovered ≤ paid`. Over a
//! programme ([`ProgrammeBudget::invariant`]) also the sum of the ceilings and the sum of
//! all commitments (`reserved + granted`) stay within the envelope.
//!
//! Every change is a [`Movement`]: signed deltas of the five moving components. That is
//! exactly what the ledger table stores, one row per movement, in cents; folding the rows
//! ([`BudgetPosition::from_movements`]) gives the position back.
//!
//! The operations ([`BudgetPosition::reserve`], [`BudgetPosition::grant`], …) check and
//! return the movement **without** changing the position, so that a service can check,
//! persist the movement in its transaction, and only then [`BudgetPosition::apply`] it.
//! `apply` re-checks the invariant, so a movement that would break it is refused and
//! nothing changes.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::money::Money;

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
    /// A grant is released because the grantee waives it (`granted` down).
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
}

impl MovementKind {
    /// Every kind, in lifecycle order.
    pub const ALL: [MovementKind; 7] = [
        MovementKind::Reserve,
        MovementKind::ReleaseReservation,
        MovementKind::Grant,
        MovementKind::ReleaseGrant,
        MovementKind::Settle,
        MovementKind::Pay,
        MovementKind::Recover,
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
        }
    }
}

impl fmt::Display for MovementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A movement kind name that is not one of [`MovementKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is geen soort boeking; verwacht een van: reservering, vrijval-reservering, verlening, vrijval-verlening, vaststelling, betaling, terugvordering")]
pub struct UnknownMovementKind(pub String);

impl FromStr for MovementKind {
    type Err = UnknownMovementKind;

    /// Parses the Dutch name of [`MovementKind::as_str`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MovementKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownMovementKind(s.to_owned()))
    }
}

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

/// The use of one instrument's ceiling. See the [module documentation](self).
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

/// Why a ledger operation was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// An amount below zero where only zero or more makes sense.
    #[error("het bedrag voor {kind} is negatief ({}); alleen bedragen van € 0,00 of meer zijn toegestaan", .amount.to_dutch())]
    NegativeAmount {
        /// The operation.
        kind: MovementKind,
        /// The amount given.
        amount: Money,
    },
    /// A reservation larger than what is left under the ceiling.
    #[error("het subsidieplafond is bereikt: gevraagd is {}, maar onder het plafond is nog {} beschikbaar; reserveer hoogstens dat bedrag", .requested.to_dutch(), .available.to_dutch())]
    CeilingReached {
        /// The amount asked for.
        requested: Money,
        /// What is still available.
        available: Money,
    },
    /// Releasing or converting more reservation than the instrument holds.
    #[error("er wordt {} aan reservering vrijgegeven of omgezet, maar er staat maar {} gereserveerd; hoogstens dat bedrag kan", .requested.to_dutch(), .reserved.to_dutch())]
    ExceedsReserved {
        /// The amount asked for.
        requested: Money,
        /// What is reserved in total.
        reserved: Money,
    },
    /// A grant above its reservation.
    #[error("het te verlenen bedrag ({}) is hoger dan de reservering ({}); verleen hoogstens het gereserveerde bedrag", .granted.to_dutch(), .reserved.to_dutch())]
    GrantExceedsReservation {
        /// The grant asked for.
        granted: Money,
        /// The reservation it comes from.
        reserved: Money,
    },
    /// Releasing or settling more grant than is still unsettled.
    #[error("er wordt {} aan verlening vrijgegeven of vastgesteld, maar er staat maar {} aan nog niet vastgestelde verleningen; hoogstens dat bedrag kan", .requested.to_dutch(), .unsettled.to_dutch())]
    ExceedsUnsettledGrant {
        /// The amount asked for.
        requested: Money,
        /// Granted and not yet settled.
        unsettled: Money,
    },
    /// A settlement above its grant.
    #[error("het vast te stellen bedrag ({}) is hoger dan het verleende bedrag ({}); stel hoogstens het verleende bedrag vast", .settled.to_dutch(), .granted.to_dutch())]
    SettlementExceedsGrant {
        /// The settlement asked for.
        settled: Money,
        /// The grant being settled.
        granted: Money,
    },
    /// Recovering more than was paid and not yet recovered.
    #[error("er wordt {} teruggevorderd, maar er is per saldo maar {} betaald; vorder hoogstens dat bedrag terug", .requested.to_dutch(), .outstanding.to_dutch())]
    RecoveryExceedsPaid {
        /// The amount asked for.
        requested: Money,
        /// Paid minus recovered.
        outstanding: Money,
    },
    /// A sum left the representable range of amounts.
    #[error("de berekening valt buiten het toegestane bereik van bedragen")]
    Overflow,
    /// The movement would break the invariant of the position.
    #[error("de boeking zou de budgetpositie ongeldig maken: {0}")]
    Invariant(#[from] InvariantViolation),
}

impl From<crate::money::MoneyError> for LedgerError {
    fn from(_: crate::money::MoneyError) -> Self {
        LedgerError::Overflow
    }
}

/// A broken budget invariant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvariantViolation {
    /// A component is below zero.
    #[error("{component} is negatief ({}); dat moet € 0,00 of meer zijn", .amount.to_dutch())]
    Negative {
        /// The Dutch name of the component (`plafond`, `gereserveerd`, …).
        component: &'static str,
        /// Its value.
        amount: Money,
    },
    /// More settled than granted.
    #[error("vastgesteld ({}) is meer dan verleend ({}); vastgesteld mag hoogstens het verleende bedrag zijn", .settled.to_dutch(), .granted.to_dutch())]
    SettledExceedsGranted {
        /// Settled.
        settled: Money,
        /// Granted.
        granted: Money,
    },
    /// `reserved + granted > ceiling`.
    #[error("gereserveerd ({}) plus verleend ({}) is meer dan het subsidieplafond ({}); samen mogen zij hoogstens het plafond zijn", .reserved.to_dutch(), .granted.to_dutch(), .ceiling.to_dutch())]
    CeilingExceeded {
        /// Reserved.
        reserved: Money,
        /// Granted.
        granted: Money,
        /// The ceiling.
        ceiling: Money,
    },
    /// More recovered than paid.
    #[error("teruggevorderd ({}) is meer dan betaald ({}); er kan hoogstens het betaalde bedrag terugkomen", .recovered.to_dutch(), .paid.to_dutch())]
    RecoveredExceedsPaid {
        /// Recovered.
        recovered: Money,
        /// Paid.
        paid: Money,
    },
    /// The instruments' ceilings together exceed the programme's envelope.
    #[error("de plafonds van de instrumenten ({}) zijn samen meer dan het programmabudget ({}); samen mogen zij hoogstens het programmabudget zijn", .ceilings.to_dutch(), .envelope.to_dutch())]
    CeilingsExceedEnvelope {
        /// Sum of the ceilings.
        ceilings: Money,
        /// The envelope.
        envelope: Money,
    },
    /// Reservations and grants together exceed the programme's envelope.
    #[error("gereserveerd plus verleend over alle instrumenten ({}) is meer dan het programmabudget ({}); samen mogen zij hoogstens het programmabudget zijn", .committed.to_dutch(), .envelope.to_dutch())]
    CommitmentsExceedEnvelope {
        /// Sum of `reserved + granted` over the instruments.
        committed: Money,
        /// The envelope.
        envelope: Money,
    },
    /// The same instrument appears twice in a programme budget.
    #[error("instrument '{0}' komt twee keer voor in het programmabudget; elk instrument heeft één budgetpositie")]
    DuplicateInstrument(String),
    /// A position of one instrument is broken.
    #[error("instrument '{instrument}': {violation}")]
    Instrument {
        /// The instrument's code.
        instrument: String,
        /// What is wrong with its position.
        violation: Box<InvariantViolation>,
    },
    /// A sum left the representable range of amounts.
    #[error("de berekening valt buiten het toegestane bereik van bedragen")]
    Overflow,
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

    fn unsettled(&self) -> Result<Money, LedgerError> {
        Ok(self.granted.checked_sub(self.settled)?)
    }
}

/// The budget of a whole programme: its envelope and one position per instrument.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProgrammeBudget {
    /// The programme's envelope (EUR 104 mln for *Versterking eerstelijnszorg*).
    pub envelope: Money,
    /// `(instrument code, position)`, one per instrument.
    pub positions: Vec<(String, BudgetPosition)>,
}

impl ProgrammeBudget {
    /// The position of `instrument`, if the programme has it.
    pub fn position(&self, instrument: &str) -> Option<&BudgetPosition> {
        self.positions
            .iter()
            .find(|(code, _)| code == instrument)
            .map(|(_, position)| position)
    }

    /// The position of `instrument` to change, if the programme has it.
    pub fn position_mut(&mut self, instrument: &str) -> Option<&mut BudgetPosition> {
        self.positions
            .iter_mut()
            .find(|(code, _)| code == instrument)
            .map(|(_, position)| position)
    }

    /// Checks every position's invariant, that no instrument appears twice, that the
    /// ceilings together stay within the envelope, and that `reserved + granted` over all
    /// instruments stays within the envelope.
    pub fn invariant(&self) -> Result<(), InvariantViolation> {
        if self.envelope.is_negative() {
            return Err(InvariantViolation::Negative {
                component: "programmabudget",
                amount: self.envelope,
            });
        }
        let mut ceilings = Money::ZERO;
        let mut committed = Money::ZERO;
        for (index, (instrument, position)) in self.positions.iter().enumerate() {
            if self.positions[..index]
                .iter()
                .any(|(code, _)| code == instrument)
            {
                return Err(InvariantViolation::DuplicateInstrument(instrument.clone()));
            }
            position
                .invariant()
                .map_err(|violation| InvariantViolation::Instrument {
                    instrument: instrument.clone(),
                    violation: Box::new(violation),
                })?;
            ceilings = ceilings
                .checked_add(position.ceiling)
                .map_err(|_| InvariantViolation::Overflow)?;
            committed = committed
                .checked_add(position.committed()?)
                .map_err(|_| InvariantViolation::Overflow)?;
        }
        if ceilings > self.envelope {
            return Err(InvariantViolation::CeilingsExceedEnvelope {
                ceilings,
                envelope: self.envelope,
            });
        }
        if committed > self.envelope {
            return Err(InvariantViolation::CommitmentsExceedEnvelope {
                committed,
                envelope: self.envelope,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn eur(euros: i64) -> Money {
        Money::from_euros(euros).unwrap()
    }

    fn position(ceiling: i64) -> BudgetPosition {
        BudgetPosition::new(eur(ceiling)).unwrap()
    }

    /// Applies an operation's movement and returns the new position.
    fn applied(p: BudgetPosition, m: Result<Movement, LedgerError>) -> BudgetPosition {
        let mut p = p;
        p.apply(&m.unwrap()).unwrap();
        p
    }

    #[test]
    fn kinds_have_dutch_names_that_round_trip() {
        let names: Vec<&str> = MovementKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "reservering",
                "vrijval-reservering",
                "verlening",
                "vrijval-verlening",
                "vaststelling",
                "betaling",
                "terugvordering"
            ]
        );
        for kind in MovementKind::ALL {
            assert_eq!(kind.as_str().parse::<MovementKind>().unwrap(), kind);
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
        let err = "reserve".parse::<MovementKind>().unwrap_err();
        assert!(err.to_string().contains("verwacht een van"));
    }

    #[test]
    fn reserve_within_available() {
        let p = position(1000);
        let m = p.reserve(eur(600)).unwrap();
        assert_eq!(m.kind, MovementKind::Reserve);
        assert_eq!(m.reserved, eur(600));
        assert_eq!(m.granted, Money::ZERO);
        // The operation itself does not change the position.
        assert_eq!(p, position(1000));
        let p = applied(p, Ok(m));
        assert_eq!(p.reserved, eur(600));
        assert_eq!(p.available(), eur(400));
        // Exactly what is left still fits.
        let p = applied(p, p.reserve(eur(400)));
        assert_eq!(p.available(), Money::ZERO);
    }

    #[test]
    fn reserve_refused_at_the_ceiling() {
        let p = applied(position(1000), position(1000).reserve(eur(700)));
        let err = p.reserve(Money::from_cents(30_001).unwrap()).unwrap_err();
        assert_eq!(
            err,
            LedgerError::CeilingReached {
                requested: Money::from_cents(30_001).unwrap(),
                available: eur(300),
            }
        );
        let text = err.to_string();
        assert!(text.contains("€ 300,01"), "{text}");
        assert!(text.contains("€ 300,00"), "{text}");
    }

    #[test]
    fn negative_amounts_are_refused_everywhere() {
        let p = applied(position(1000), position(1000).reserve(eur(500)));
        let p = applied(p, p.grant(eur(500), eur(400)));
        let p = applied(p, p.pay(eur(100)));
        let minus = eur(-1);
        for result in [
            p.reserve(minus),
            p.release_reservation(minus),
            p.grant(minus, Money::ZERO),
            p.grant(eur(1), minus),
            p.release_grant(minus),
            p.settle(minus, Money::ZERO),
            p.settle(eur(1), minus),
            p.pay(minus),
            p.recover(minus),
        ] {
            let err = result.unwrap_err();
            assert!(matches!(err, LedgerError::NegativeAmount { .. }), "{err:?}");
            assert!(err.to_string().contains("-€ 1,00"), "{err}");
        }
    }

    #[test]
    fn release_reservation() {
        let p = applied(position(1000), position(1000).reserve(eur(500)));
        let m = p.release_reservation(eur(200)).unwrap();
        assert_eq!(m.kind, MovementKind::ReleaseReservation);
        assert_eq!(m.reserved, eur(-200));
        let p = applied(p, Ok(m));
        assert_eq!(p.reserved, eur(300));
        assert_eq!(p.available(), eur(700));
        assert_eq!(
            p.release_reservation(eur(301)).unwrap_err(),
            LedgerError::ExceedsReserved {
                requested: eur(301),
                reserved: eur(300)
            }
        );
    }

    #[test]
    fn grant_releases_the_difference_at_once() {
        let p = applied(position(1000), position(1000).reserve(eur(500)));
        let m = p.grant(eur(500), eur(450)).unwrap();
        assert_eq!(m.kind, MovementKind::Grant);
        assert_eq!(m.reserved, eur(-500));
        assert_eq!(m.granted, eur(450));
        let p = applied(p, Ok(m));
        assert_eq!(p.reserved, Money::ZERO);
        assert_eq!(p.granted, eur(450));
        assert_eq!(p.available(), eur(550));
    }

    #[test]
    fn grant_refusals() {
        let p = applied(position(1000), position(1000).reserve(eur(500)));
        let err = p.grant(eur(500), eur(501)).unwrap_err();
        assert_eq!(
            err,
            LedgerError::GrantExceedsReservation {
                granted: eur(501),
                reserved: eur(500)
            }
        );
        assert!(err.to_string().contains("€ 501,00"));
        assert!(matches!(
            p.grant(eur(600), eur(600)).unwrap_err(),
            LedgerError::ExceedsReserved { .. }
        ));
    }

    #[test]
    fn release_grant_waives_only_unsettled_grants() {
        let p = applied(position(1000), position(1000).reserve(eur(800)));
        let p = applied(p, p.grant(eur(500), eur(500)));
        let p = applied(p, p.grant(eur(300), eur(300)));
        let p = applied(p, p.settle(eur(500), eur(400)));
        // granted 700 of which 400 settled: 300 may still be waived.
        assert_eq!(
            p.release_grant(eur(301)).unwrap_err(),
            LedgerError::ExceedsUnsettledGrant {
                requested: eur(301),
                unsettled: eur(300)
            }
        );
        let m = p.release_grant(eur(300)).unwrap();
        assert_eq!(m.kind, MovementKind::ReleaseGrant);
        assert_eq!(m.granted, eur(-300));
        let p = applied(p, Ok(m));
        assert_eq!(p.granted, eur(400));
        assert_eq!(p.settled, eur(400));
        assert_eq!(p.available(), eur(600));
    }

    #[test]
    fn settle_reduces_the_commitment_to_the_settled_amount() {
        let p = applied(position(1000), position(1000).reserve(eur(500)));
        let p = applied(p, p.grant(eur(500), eur(500)));
        let m = p.settle(eur(500), eur(420)).unwrap();
        assert_eq!(m.kind, MovementKind::Settle);
        assert_eq!(m.granted, eur(-80));
        assert_eq!(m.settled, eur(420));
        let p = applied(p, Ok(m));
        assert_eq!(p.granted, eur(420));
        assert_eq!(p.settled, eur(420));
        assert_eq!(p.available(), eur(580));
    }

    #[test]
    fn settle_refusals() {
        let p = applied(position(1000), position(1000).reserve(eur(500)));
        let p = applied(p, p.grant(eur(500), eur(500)));
        let err = p
            .settle(
                eur(500),
                eur(500).checked_add(Money::from_cents(1).unwrap()).unwrap(),
            )
            .unwrap_err();
        assert!(matches!(err, LedgerError::SettlementExceedsGrant { .. }));
        assert!(err.to_string().contains("€ 500,01"), "{err}");
        assert!(matches!(
            p.settle(eur(600), eur(100)).unwrap_err(),
            LedgerError::ExceedsUnsettledGrant { .. }
        ));
        // A settled grant cannot be settled again.
        let p = applied(p, p.settle(eur(500), eur(500)));
        assert!(matches!(
            p.settle(eur(500), eur(500)).unwrap_err(),
            LedgerError::ExceedsUnsettledGrant { .. }
        ));
    }

    #[test]
    fn pay_and_recover() {
        let p = applied(position(1000), position(1000).reserve(eur(500)));
        let p = applied(p, p.grant(eur(500), eur(500)));
        let m = p.pay(eur(400)).unwrap();
        assert_eq!(m.kind, MovementKind::Pay);
        assert_eq!(m.paid, eur(400));
        let p = applied(p, Ok(m));
        // Settled below the advance: 100 must come back.
        let p = applied(p, p.settle(eur(500), eur(300)));
        let m = p.recover(eur(100)).unwrap();
        assert_eq!(m.kind, MovementKind::Recover);
        assert_eq!(m.recovered, eur(100));
        let p = applied(p, Ok(m));
        assert_eq!(p.paid, eur(400));
        assert_eq!(p.recovered, eur(100));
        let err = p.recover(eur(301)).unwrap_err();
        assert_eq!(
            err,
            LedgerError::RecoveryExceedsPaid {
                requested: eur(301),
                outstanding: eur(300)
            }
        );
        assert!(err.to_string().contains("€ 300,00"));
    }

    #[test]
    fn apply_refuses_a_movement_that_breaks_the_invariant() {
        let mut p = position(100);
        let original = p;
        let too_much = Movement {
            reserved: eur(101),
            ..Movement::zero(MovementKind::Reserve)
        };
        assert!(matches!(
            p.apply(&too_much).unwrap_err(),
            LedgerError::Invariant(InvariantViolation::CeilingExceeded { .. })
        ));
        assert_eq!(p, original);
        let negative = Movement {
            reserved: eur(-1),
            ..Movement::zero(MovementKind::ReleaseReservation)
        };
        assert!(matches!(
            p.apply(&negative).unwrap_err(),
            LedgerError::Invariant(InvariantViolation::Negative {
                component: "gereserveerd",
                ..
            })
        ));
        let settle_more = Movement {
            settled: eur(1),
            ..Movement::zero(MovementKind::Settle)
        };
        assert!(matches!(
            p.apply(&settle_more).unwrap_err(),
            LedgerError::Invariant(InvariantViolation::SettledExceedsGranted { .. })
        ));
        let recover_unpaid = Movement {
            recovered: eur(1),
            ..Movement::zero(MovementKind::Recover)
        };
        assert!(matches!(
            p.apply(&recover_unpaid).unwrap_err(),
            LedgerError::Invariant(InvariantViolation::RecoveredExceedsPaid { .. })
        ));
        assert_eq!(p, original);
    }

    #[test]
    fn operations_on_a_broken_position_are_refused() {
        let broken = BudgetPosition {
            ceiling: eur(100),
            reserved: eur(150),
            ..BudgetPosition::default()
        };
        assert!(broken.invariant().is_err());
        assert_eq!(broken.available(), eur(-50));
        assert!(broken.reserve(Money::ZERO).is_err());
        assert!(broken.pay(eur(1)).is_err());
    }

    #[test]
    fn negative_ceiling_is_refused() {
        assert!(matches!(
            BudgetPosition::new(eur(-1)).unwrap_err(),
            InvariantViolation::Negative {
                component: "plafond",
                ..
            }
        ));
    }

    #[test]
    fn from_movements_folds_a_ledger() {
        let mut p = position(1000);
        let mut ledger = Vec::new();
        for step in [p.reserve(eur(600)), Ok(Movement::zero(MovementKind::Pay))] {
            let m = step.unwrap();
            p.apply(&m).unwrap();
            ledger.push(m);
        }
        let m = p.grant(eur(600), eur(550)).unwrap();
        p.apply(&m).unwrap();
        ledger.push(m);
        let m = p.pay(eur(440)).unwrap();
        p.apply(&m).unwrap();
        ledger.push(m);
        let m = p.settle(eur(550), eur(400)).unwrap();
        p.apply(&m).unwrap();
        ledger.push(m);
        let m = p.recover(eur(40)).unwrap();
        p.apply(&m).unwrap();
        ledger.push(m);

        assert_eq!(
            BudgetPosition::from_movements(eur(1000), &ledger).unwrap(),
            p
        );
        assert_eq!(
            BudgetPosition::from_movements(eur(1000), ledger.clone()).unwrap(),
            p
        );
        // The same ledger under a ceiling that is too low fails at the first reservation.
        assert!(BudgetPosition::from_movements(eur(500), &ledger).is_err());
        // Movements serialise as the database stores them: kind plus deltas.
        let json = serde_json::to_value(ledger[2]).unwrap();
        assert_eq!(json["kind"], "verlening");
        assert_eq!(json["reserved"], "-600.00");
        assert_eq!(json["granted"], "550.00");
    }

    #[test]
    fn programme_budget_invariant() {
        let mut budget = ProgrammeBudget {
            envelope: eur(1000),
            positions: vec![
                ("voorbereiding".to_owned(), position(400)),
                ("uitvoering".to_owned(), position(600)),
            ],
        };
        budget.invariant().unwrap();
        let p = budget.position("uitvoering").copied().unwrap();
        let m = p.reserve(eur(600)).unwrap();
        budget
            .position_mut("uitvoering")
            .unwrap()
            .apply(&m)
            .unwrap();
        budget.invariant().unwrap();
        assert!(budget.position("onderzoek").is_none());

        let mut over = budget.clone();
        over.envelope = eur(999);
        let err = over.invariant().unwrap_err();
        assert!(matches!(
            err,
            InvariantViolation::CeilingsExceedEnvelope { .. }
        ));
        assert!(err.to_string().contains("€ 999,00"), "{err}");

        // Commitments above the envelope with ceilings that were lowered afterwards are
        // caught by the position itself; with consistent positions, by the sum.
        let committed_over = ProgrammeBudget {
            envelope: eur(100),
            positions: vec![(
                "a".to_owned(),
                BudgetPosition {
                    ceiling: eur(100),
                    reserved: eur(60),
                    granted: eur(50),
                    ..BudgetPosition::default()
                },
            )],
        };
        assert!(matches!(
            committed_over.invariant().unwrap_err(),
            InvariantViolation::Instrument { .. }
        ));

        let mut duplicate = budget.clone();
        duplicate
            .positions
            .push(("uitvoering".to_owned(), position(0)));
        assert_eq!(
            duplicate.invariant().unwrap_err(),
            InvariantViolation::DuplicateInstrument("uitvoering".to_owned())
        );

        let negative = ProgrammeBudget {
            envelope: eur(-1),
            positions: Vec::new(),
        };
        assert!(negative.invariant().is_err());
    }
}
