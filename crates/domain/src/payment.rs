//! The words of money going out and coming back: what a payment is for, where it is in
//! its life, and where a payment run is in its own.
//!
//! The Dutch texts are stored in the database, shown by the API and printed in files and
//! e-mails; they are written here once and every other place asks these types for them.
//!
//! A payment's life: `gepland` (scheduled by a grant or a settlement) → `in_betaalronde`
//! (taken by a run) → `betaald`; a transfer the bank refused goes back to `gepland` (or
//! becomes `geannuleerd` when nothing of it is left to pay). A recovery
//! (`terugvordering`) is money coming back: it is `gepland` while open, `betaald` when
//! received and `geannuleerd` when a failed transfer cancelled it.

use std::fmt;
use std::str::FromStr;

use crate::programme::UnknownValue;

/// Finds the value whose text is `text`, or says which texts would be accepted.
fn parse<T: Copy>(
    all: &[T],
    names: &'static [&'static str],
    what: &'static str,
    text: &str,
) -> Result<T, UnknownValue> {
    names
        .iter()
        .position(|name| *name == text)
        .and_then(|i| all.get(i).copied())
        .ok_or_else(|| UnknownValue {
            what,
            value: text.to_owned(),
            accepted: names,
        })
}

/// Where a payment (or recovery) is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentState {
    /// `gepland`: scheduled; a transfer waits for a run, a recovery for the money.
    Scheduled,
    /// `in_betaalronde`: taken by a run that is not yet booked as paid.
    InRun,
    /// `betaald`: paid out, or (a recovery) paid back.
    Paid,
    /// `mislukt`: refused by the bank. Known to the payment filter; a refused transfer
    /// itself goes back to `gepland`.
    Failed,
    /// `geannuleerd`: will not be made (a waived grant, a settlement below the advance).
    Cancelled,
}

impl PaymentState {
    /// Every state, in the order of a payment's life.
    pub const ALL: [PaymentState; 5] = [
        PaymentState::Scheduled,
        PaymentState::InRun,
        PaymentState::Paid,
        PaymentState::Failed,
        PaymentState::Cancelled,
    ];

    const NAMES: &'static [&'static str] = &[
        PaymentState::Scheduled.as_str(),
        PaymentState::InRun.as_str(),
        PaymentState::Paid.as_str(),
        PaymentState::Failed.as_str(),
        PaymentState::Cancelled.as_str(),
    ];

    /// The Dutch text, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentState::Scheduled => "gepland",
            PaymentState::InRun => "in_betaalronde",
            PaymentState::Paid => "betaald",
            PaymentState::Failed => "mislukt",
            PaymentState::Cancelled => "geannuleerd",
        }
    }

    /// The texts of every state, for messages that list what would be accepted.
    pub fn names() -> &'static [&'static str] {
        Self::NAMES
    }
}

/// What a payment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentKind {
    /// `voorschot`: the advance share of a grant, paid at the grant.
    Advance,
    /// `restant`: what is left to pay at the settlement.
    Remainder,
    /// `terugvordering`: what the grantee must pay back.
    Recovery,
}

impl PaymentKind {
    /// Every kind.
    pub const ALL: [PaymentKind; 3] = [
        PaymentKind::Advance,
        PaymentKind::Remainder,
        PaymentKind::Recovery,
    ];

    /// The kinds that are transfers to the grantee and go into payment runs.
    pub const TRANSFERS: [PaymentKind; 2] = [PaymentKind::Advance, PaymentKind::Remainder];

    const NAMES: &'static [&'static str] = &[
        PaymentKind::Advance.as_str(),
        PaymentKind::Remainder.as_str(),
        PaymentKind::Recovery.as_str(),
    ];

    /// The Dutch text, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Advance => "voorschot",
            PaymentKind::Remainder => "restant",
            PaymentKind::Recovery => "terugvordering",
        }
    }

    /// The letter after the application's reference in the payment's own reference
    /// (the SEPA end-to-end id): `…-V`, `…-R`, `…-T`.
    pub const fn reference_suffix(self) -> &'static str {
        match self {
            PaymentKind::Advance => "V",
            PaymentKind::Remainder => "R",
            PaymentKind::Recovery => "T",
        }
    }

    /// The texts of the transfer kinds, for a filter on the stored column.
    pub const fn transfer_names() -> [&'static str; 2] {
        [
            PaymentKind::Advance.as_str(),
            PaymentKind::Remainder.as_str(),
        ]
    }
}

/// Where a payment run is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunState {
    /// `aangemaakt`: its file was made; its payments are `in_betaalronde`.
    Created,
    /// `betaald`: booked as paid.
    Paid,
}

impl RunState {
    /// Every state.
    pub const ALL: [RunState; 2] = [RunState::Created, RunState::Paid];

    const NAMES: &'static [&'static str] = &[RunState::Created.as_str(), RunState::Paid.as_str()];

    /// The Dutch text, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            RunState::Created => "aangemaakt",
            RunState::Paid => "betaald",
        }
    }
}

impl FromStr for PaymentState {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(&Self::ALL, Self::NAMES, "betaalstatus", text)
    }
}

impl FromStr for PaymentKind {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(&Self::ALL, Self::NAMES, "soort betaling", text)
    }
}

impl FromStr for RunState {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(&Self::ALL, Self::NAMES, "status van een betaalronde", text)
    }
}

impl fmt::Display for PaymentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for PaymentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RunState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_parses_back() {
        for s in PaymentState::ALL {
            assert_eq!(s.as_str().parse::<PaymentState>(), Ok(s));
        }
        for k in PaymentKind::ALL {
            assert_eq!(k.as_str().parse::<PaymentKind>(), Ok(k));
        }
        for r in RunState::ALL {
            assert_eq!(r.as_str().parse::<RunState>(), Ok(r));
        }
    }

    #[test]
    fn an_unknown_text_names_what_would_be_accepted() {
        let err = "onderweg".parse::<PaymentState>().err();
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("gepland, in_betaalronde, betaald, mislukt, geannuleerd"));
    }
}
