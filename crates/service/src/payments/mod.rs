//! Payment runs (*betaalrondes*): the scheduled advances and remainders that are due go
//! to the bank together, as one SEPA credit-transfer file.
//!
//! A payment's life (the `payments` table): `gepland` (scheduled, by a grant or a
//! settlement, [`schedule`]) → `in_betaalronde` (taken by a run) → `betaald`
//! (the run was paid); a transfer the bank refused is marked failed and goes back to
//! `gepland`, so the next run takes it again. Recoveries (`terugvordering`) are money
//! coming in, not transfers: they never enter a run; [`record_recovery_received`] books
//! them when the grantee has paid back.
//!
//! - [`create_run`] takes every due payment in one conditional `UPDATE … WHERE state =
//!   'gepland' AND due_on <= up_to`, so a payment is never in two runs, even when two runs
//!   are started at once: on PostgreSQL the second `UPDATE` waits for the first one's row
//!   locks and then skips the rows that are no longer `gepland`; on SQLite the write
//!   transactions are serial (`BEGIN IMMEDIATE`). The run stores its count and total
//!   and a snapshot of each transfer (`payment_run_items`), so its file can be written
//!   again byte for byte.
//! - [`write_sepa`] streams the file from the snapshot in pages, in constant memory.
//! - [`mark_run_paid`] books every payment of the run as paid, in one transaction: each
//!   instrument's budget row is locked ([`crate::budget::lock`]) and its paid position
//!   moved by the run's sum for it after the domain's check
//!   ([`subsidie_domain::ledger::BudgetPosition::pay`]); the ledger gets one `betaling`
//!   movement per payment, with its application, written in one `INSERT … SELECT`. (One
//!   `budget::apply` per payment would update the same instrument row a million times in
//!   one transaction, which PostgreSQL handles very badly: every update adds a row version
//!   that the next one must step over.)
//!   In the same transaction every grantee's payment notice is queued (outbox id
//!   `betaling-{payment id}`, [`crate::outbox::letters`]), a page of rows per statement.
//! - [`mark_payment_failed`] sends one refused transfer back to `gepland`.
//!
//! Making a run queues a mail to every finance user ([`crate::outbox::letters`]).
//!
//! Who: finance (`financien`), or the engine itself ([`crate::actor::Actor::system`], for the CLI).
//!
//! The states and kinds are [`subsidie_domain::payment`]'s.

mod booking;
mod files;
mod outcomes;
mod rows;
mod runs;
pub(crate) mod schedule;
mod views;

pub use booking::mark_run_paid;
pub use files::{sepa_file_name, write_run_table, write_sepa};
pub use outcomes::{mark_payment_failed, record_recovery_received};
pub use runs::{create_run, execution_date, nothing_due, run, run_payment_ids, runs, RunDetail};
pub use subsidie_finance::sepa::FunderAccount;
pub use subsidie_finance::table::TableFormat as FileFormat;
pub use views::{
    due_transfers, recoveries, run_items, settlement_preview, DueTransfers, RecoveriesPage,
    RecoveryView, SettlementPreview,
};
