//! Why a ledger operation was refused, and which budget invariant would break.

use super::kind::MovementKind;
use crate::money::Money;

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
    /// Raising a settled amount: after settlement a grant only goes down (Awb 4:49).
    #[error("een vastgesteld bedrag ({}) kan alleen lager worden, niet {}; vraag hoogstens het vastgestelde bedrag", .settled.to_dutch(), .asked.to_dutch())]
    SettlementRaised {
        /// The settled amount.
        settled: Money,
        /// The amount asked for.
        asked: Money,
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
