//! E-mail through the outbox: the letters the use cases queue ([`letters`]), the daily
//! reminders before the accounting deadline ([`reminders`]), and what an administrator
//! sees of the queue and may do with it ([`admin`]).
//!
//! Every e-mail is a row of the `outbox` table, written in the transaction of the
//! change it reports, with the template's facts as its payload (the letters of
//! [`subsidie_domain::letters`]); `subsidie-notify` renders and sends the rows.

pub mod admin;
pub(crate) mod cancel;
pub mod letterhead;
pub mod letters;
mod organisation;
pub(crate) mod queue;
pub mod reminders;

pub(crate) use organisation::queue_organisation_change;
