//! The lifecycle of an application (*aanvraag*): states, commands and the one
//! transition table that connects them (DESIGN §3).
//!
//! Every change of state is one explicit [`Command`], checked by [`transition`] against
//! [`TABLE`], the single source of truth. A command that is not allowed in the current
//! state is a [`TransitionError`] that names the state and the commands that *are*
//! allowed; nothing changes. An allowed command yields a [`Transition`] with the target
//! state and the [`Effect`]s that the service layer carries out in the same database
//! transaction (budget movements, e-mails in the outbox).
//!
//! ```text
//! concept ──indienen──▶ ingediend ──toewijzen──▶ gereserveerd ──beoordeling_starten──▶ in_behandeling
//!    │                     │                          ▲                               │     ▲
//!    │ verwijderen         │ op_wachtlijst_plaatsen   │ toewijzen       aanvulling_vragen   │ aanvullen
//!    ▼                     ▼                          │                               ▼     │
//!  (weg)               wachtlijst ────────────────────┘                        aanvulling_gevraagd
//!                          │ wachtlijst_sluiten                                        │ buiten_behandeling_stellen
//!                          ▼                                                           ▼
//!                      afgewezen ◀──afwijzen── in_behandeling                 buiten_behandeling
//! in_behandeling ──honoreren──▶ gehonoreerd ──verantwoorden──▶ verantwoording_ingediend
//! gehonoreerd ──afzien──▶ afgezien            verantwoording_ingediend ──vaststellen──▶ vastgesteld
//! vastgesteld ──afsluiten──▶ afgesloten
//! ingediend, wachtlijst, gereserveerd, in_behandeling, aanvulling_gevraagd ──intrekken──▶ ingetrokken
//! ```
//!
//! Code speaks English; the edges (serde, [`Display`](std::fmt::Display), [`FromStr`](std::str::FromStr)) speak
//! Dutch, as in the glossary of DESIGN §2.
//!
//! Conditions that depend on data rather than on the state alone (is there budget left,
//! is the grant at most the reservation, has everything been paid before closing, who may
//! issue the command) are checked by the service layer before it asks this table.

mod command;
mod names;
mod notice;
mod state;
mod table;

#[cfg(test)]
mod tests;

pub use command::{Command, UnknownCommand};
pub use notice::Notice;
pub use state::{BudgetClaim, State, UnknownState};
pub use table::{allowed_commands, transition, Effect, Transition, TransitionError, TABLE};
