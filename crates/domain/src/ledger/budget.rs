//! The budget of a whole programme: the envelope over all instruments' positions.

use serde::{Deserialize, Serialize};

use super::error::InvariantViolation;
use super::position::BudgetPosition;
use crate::money::Money;

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
