//! Payment runs (*betaalrondes*): the scheduled advances and remainders that are due go
//! to the bank together, as one SEPA credit-transfer file.
//!
//! A payment's life (the `payments` table): `gepland` (scheduled, by a grant or a
//! settlement in [`crate::applications`]) → `in_betaalronde` (taken by a run) → `betaald`
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
//! Who: finance (`financien`), or the engine itself ([`Actor::system`], for the CLI).

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use subsidie_domain::deadlines;
use subsidie_domain::ledger::MovementKind;
use subsidie_finance::sepa::{FileHeader, SepaError, SepaWriter, Transfer};
use subsidie_finance::table::{Cell, TableFormat, TableWriter};
use subsidie_store::rows::{InstrumentRow, PaymentRow, PaymentRunItemRow, PaymentRunRow};
use subsidie_store::schema::{
    applications, instruments, ledger_entries, organisations, payment_run_items, payment_runs,
    payments,
};
use subsidie_store::{DbConnection, Pool};

pub use subsidie_finance::sepa::FunderAccount;
pub use subsidie_finance::table::TableFormat as FileFormat;

use crate::actor::{Actor, Role};
use crate::budget;
use crate::convert::{money, naive, new_id};
use crate::error::{FieldError, ServiceError};
use crate::outbox::letters as mail;
use crate::tx;

/// Rows read from the database at a time when streaming a file.
pub const PAGE: i64 = 2_000;

/// A scheduled payment.
pub const SCHEDULED: &str = "gepland";
/// A payment taken by a run that is not yet paid.
pub const IN_RUN: &str = "in_betaalronde";
/// A payment paid out, or a recovery paid back.
pub const PAID: &str = "betaald";
/// A payment that will not be made (a waived grant, a settlement below the advance).
pub const CANCELLED: &str = "geannuleerd";
/// The kinds of payment that are transfers to the grantee and go into runs.
pub const TRANSFER_KINDS: [&str; 2] = ["voorschot", "restant"];
/// The kind of a recovery: money the grantee pays back.
pub const RECOVERY: &str = "terugvordering";
/// A run whose file was made; its payments are `in_betaalronde`.
pub const RUN_CREATED: &str = "aangemaakt";
/// A run that was booked as paid.
pub const RUN_PAID: &str = "betaald";

/// Longest reason accepted for a failed transfer.
const MAX_REASON: usize = 2_000;

/// The finance role, or the engine itself (the CLI acts as [`Actor::system`]).
pub(crate) fn require_finance(actor: &Actor, what: &str) -> Result<(), ServiceError> {
    let system = actor.user_id.is_none() && actor.role == Role::Admin;
    if actor.role == Role::Finance || system {
        return Ok(());
    }
    Err(ServiceError::Forbidden(format!(
        "{what} is voorbehouden aan de rol financien; u bent {}",
        actor.role
    )))
}

/// Finance or an administrator may look at runs and reports.
pub(crate) fn require_finance_or_admin(actor: &Actor, what: &str) -> Result<(), ServiceError> {
    if matches!(actor.role, Role::Finance | Role::Admin) {
        return Ok(());
    }
    Err(ServiceError::Forbidden(format!(
        "{what} is voorbehouden aan de rollen financien en beheerder; u bent {}",
        actor.role
    )))
}

fn run_not_found(id: &str) -> ServiceError {
    ServiceError::NotFound {
        what: "betaalronde",
        id: id.to_owned(),
    }
}

fn payment_not_found(id: &str) -> ServiceError {
    ServiceError::NotFound {
        what: "betaling",
        id: id.to_owned(),
    }
}

/// The error of a run with nothing to pay: a conflict with the current state (there is
/// nothing due), with the date and what to do. No run and no file are made.
pub fn nothing_due(up_to: NaiveDate) -> ServiceError {
    ServiceError::Conflict(format!(
        "er is niets te betalen: geen geplande voorschotten of restantbetalingen met een vervaldatum tot en met {up_to}; \
         er is geen betaalronde gemaakt (kies een latere datum of wacht op nieuwe verleningen en vaststellingen)"
    ))
}

/// The SEPA message id of a run: `BR` and the 32 hex digits of its id (the 36 characters
/// of the id with hyphens are one too many for `MsgId`).
fn message_id_for(run_id: &str) -> String {
    let hex: String = run_id.chars().filter(char::is_ascii_hexdigit).collect();
    format!("BR{}", hex.to_ascii_uppercase())
}

/// The day the bank is asked to execute a run: the later of today and `up_to`, moved to
/// the next Dutch working day.
pub fn execution_date(today: NaiveDate, up_to: NaiveDate) -> NaiveDate {
    deadlines::next_working_day_on_or_after(today.max(up_to))
}

/// Makes a payment run of every scheduled advance and remainder due on or before `up_to`.
///
/// Nothing due is refused with [`nothing_due`]. A transfer that could not go into a SEPA
/// file (an IBAN that fails the check, a name with no Latin letters) is refused with a
/// validation error naming the payments, and nothing is taken.
pub fn create_run(
    pool: &Pool,
    actor: &Actor,
    up_to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<PaymentRunRow, ServiceError> {
    require_finance(actor, "een betaalronde maken")?;
    tx::write(pool, |conn| create_run_in(conn, actor, up_to, now))
}

fn create_run_in(
    conn: &mut DbConnection,
    actor: &Actor,
    up_to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<PaymentRunRow, ServiceError> {
    let id = new_id();
    let claimed = diesel::update(
        payments::table
            .filter(payments::state.eq(SCHEDULED))
            .filter(payments::due_on.le(up_to))
            .filter(payments::kind.eq_any(TRANSFER_KINDS)),
    )
    .set((payments::run_id.eq(Some(&id)), payments::state.eq(IN_RUN)))
    .execute(conn)?;
    if claimed == 0 {
        return Err(nothing_due(up_to));
    }
    let (count, total): (i64, Option<i64>) = payments::table
        .filter(payments::run_id.eq(&id))
        .select((
            count_star(),
            sql::<Nullable<BigInt>>("CAST(SUM(payments.amount_cents) AS BIGINT)"),
        ))
        .first(conn)?;
    let total = total.unwrap_or(0);
    if usize::try_from(count).ok() != Some(claimed) || total <= 0 {
        return Err(ServiceError::Internal(format!(
            "betaalronde: {claimed} betalingen genomen, {count} teruggelezen"
        )));
    }
    let today = deadlines::amsterdam_date(now);
    let run = PaymentRunRow {
        message_id: message_id_for(&id),
        id: id.clone(),
        created_at: naive(now),
        up_to,
        execution_date: execution_date(today, up_to),
        payment_count: count,
        total_cents: total,
        state: RUN_CREATED.to_owned(),
        actor_id: actor.user_id.clone(),
        paid_at: None,
    };
    diesel::insert_into(payment_runs::table)
        .values(&run)
        .execute(conn)?;
    let snapshot = payments::table
        .inner_join(applications::table.inner_join(organisations::table))
        .filter(payments::run_id.eq(&id))
        .select((
            payments::run_id.assume_not_null(),
            payments::id,
            payments::reference,
            payments::kind,
            payments::amount_cents,
            payments::instrument_id,
            applications::region_id,
            applications::reference,
            organisations::name,
            organisations::iban,
        ));
    let copied = diesel::insert_into(payment_run_items::table)
        .values(snapshot)
        .into_columns((
            payment_run_items::run_id,
            payment_run_items::payment_id,
            payment_run_items::reference,
            payment_run_items::kind,
            payment_run_items::amount_cents,
            payment_run_items::instrument_id,
            payment_run_items::region_id,
            payment_run_items::application_reference,
            payment_run_items::creditor_name,
            payment_run_items::creditor_iban,
        ))
        .execute(conn)?;
    if copied != claimed {
        return Err(ServiceError::Internal(format!(
            "betaalronde: {claimed} betalingen genomen, {copied} overgenomen"
        )));
    }
    check_transfers(conn, &id)?;
    mail::queue_run_created(conn, &run, now)?;
    Ok(run)
}

/// Every transfer of a new run must be writable: checked here, in pages, so that the
/// file never breaks off halfway.
fn check_transfers(conn: &mut DbConnection, run_id: &str) -> Result<(), ServiceError> {
    const SHOWN: usize = 20;
    let mut errors = Vec::new();
    let mut refused = 0usize;
    let mut after = String::new();
    loop {
        let page = item_page(conn, run_id, &after)?;
        let Some(last) = page.last() else { break };
        after = last.payment_id.clone();
        for item in &page {
            let text = remittance(item);
            let result = subsidie_finance::sepa::check_transfer(&transfer(item, &text));
            if let Err(e) = result {
                refused += 1;
                if errors.len() < SHOWN {
                    errors.push(FieldError::new(
                        format!("betaling {}", item.reference),
                        format!(
                            "{e}; corrigeer de gegevens van {} en maak de betaalronde opnieuw",
                            item.creditor_name
                        ),
                    ));
                }
            }
        }
    }
    if refused > SHOWN {
        errors.push(FieldError::new(
            "betalingen",
            format!(
                "en nog {} betalingen met dezelfde soort fout",
                refused - SHOWN
            ),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Validation(errors))
    }
}

fn item_page(
    conn: &mut DbConnection,
    run_id: &str,
    after: &str,
) -> Result<Vec<PaymentRunItemRow>, ServiceError> {
    Ok(payment_run_items::table
        .filter(payment_run_items::run_id.eq(run_id))
        .filter(payment_run_items::payment_id.gt(after))
        .order(payment_run_items::payment_id.asc())
        .limit(PAGE)
        .select(PaymentRunItemRow::as_select())
        .load(conn)?)
}

/// Calls `each` with the run's transfers, page by page in payment order. The pages are
/// read on a second thread, one page ahead, so the database produces the next page
/// while this thread formats the current one: with the reads and the writing one after
/// the other, a SEPA file of a million transfers came out at 0.45 of PostgreSQL's own
/// `COPY` of the same rows.
fn for_each_item_page(
    conn: &mut DbConnection,
    run_id: &str,
    mut each: impl FnMut(&[PaymentRunItemRow]) -> Result<(), ServiceError>,
) -> Result<(), ServiceError> {
    std::thread::scope(|scope| {
        let (pages, received) =
            std::sync::mpsc::sync_channel::<Result<Vec<PaymentRunItemRow>, ServiceError>>(1);
        scope.spawn(move || {
            let mut after = String::new();
            loop {
                let page = item_page(conn, run_id, &after);
                let last = match &page {
                    Ok(rows) => rows.last().map(|r| r.payment_id.clone()),
                    Err(_) => None,
                };
                // The writer stopped (an error on its side): stop reading too.
                if pages.send(page).is_err() {
                    return;
                }
                match last {
                    Some(id) => after = id,
                    None => return,
                }
            }
        });
        for page in received {
            let page = page?;
            if page.is_empty() {
                break;
            }
            each(&page)?;
        }
        Ok(())
    })
}

/// The remittance information the grantee sees on the statement.
fn remittance(item: &PaymentRunItemRow) -> String {
    format!("Subsidie {} {}", item.application_reference, item.kind)
}

fn transfer<'a>(item: &'a PaymentRunItemRow, remittance: &'a str) -> Transfer<'a> {
    Transfer {
        end_to_end_id: &item.reference,
        amount_cents: item.amount_cents,
        creditor_name: &item.creditor_name,
        creditor_iban: &item.creditor_iban,
        creditor_bic: None,
        remittance,
    }
}

fn sepa_error(err: SepaError) -> ServiceError {
    match err {
        SepaError::Io(e) => {
            ServiceError::Internal(format!("het SEPA-bestand kon niet worden geschreven: {e}"))
        }
        other => ServiceError::Internal(format!("SEPA-bestand: {other}")),
    }
}

fn load_run(conn: &mut DbConnection, run_id: &str) -> Result<PaymentRunRow, ServiceError> {
    payment_runs::table
        .find(run_id)
        .select(PaymentRunRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| run_not_found(run_id))
}

/// Writes the run's SEPA credit-transfer file (pain.001.001.03) to `out`, reading the
/// transfers in pages of [`PAGE`]; returns `out`. The creation time in the file is the
/// run's, so the same run (with the same funder account) gives the same bytes every time.
pub fn write_sepa<W: Write>(
    pool: &Pool,
    actor: &Actor,
    run_id: &str,
    funder: &FunderAccount,
    out: W,
) -> Result<W, ServiceError> {
    require_finance_or_admin(actor, "het betaalbestand")?;
    tx::read(pool, |conn| {
        let run = load_run(conn, run_id)?;
        let header = FileHeader {
            message_id: run.message_id.clone(),
            created_at: deadlines::to_amsterdam(run.created_at.and_utc()).naive_local(),
            execution_date: run.execution_date,
            transactions: u64::try_from(run.payment_count)
                .map_err(|_| ServiceError::Internal("negatief aantal betalingen".into()))?,
            control_sum_cents: run.total_cents,
        };
        let mut writer = SepaWriter::start(out, funder, &header).map_err(sepa_error)?;
        for_each_item_page(conn, run_id, |page| {
            for item in page {
                let text = remittance(item);
                writer.push(&transfer(item, &text)).map_err(sepa_error)?;
            }
            Ok(())
        })?;
        writer.finish().map_err(sepa_error)
    })
}

/// The file name for a run's SEPA file.
pub fn sepa_file_name(run: &PaymentRunRow) -> String {
    format!("betaalronde-{}-{}.xml", run.execution_date, run.message_id)
}

/// Writes the run's transfers as a table (CSV or XLSX) to `out`, in pages; returns `out`.
pub fn write_run_table<W: Write>(
    pool: &Pool,
    actor: &Actor,
    run_id: &str,
    format: TableFormat,
    out: W,
) -> Result<W, ServiceError> {
    require_finance_or_admin(actor, "het overzicht van een betaalronde")?;
    tx::read(pool, |conn| {
        load_run(conn, run_id)?;
        let io = |e: std::io::Error| ServiceError::Internal(format!("schrijven mislukt: {e}"));
        let mut table = TableWriter::start(
            format,
            out,
            "Betaalronde",
            &[
                "Referentie",
                "Soort",
                "Aanvraag",
                "Organisatie",
                "IBAN",
                "Regio",
                "Instrument",
                "Bedrag",
                "Mislukt op",
                "Reden",
            ],
        )
        .map_err(io)?;
        for_each_item_page(conn, run_id, |page| {
            for item in page {
                table
                    .row(&[
                        Cell::Text(&item.reference),
                        Cell::Text(&item.kind),
                        Cell::Text(&item.application_reference),
                        Cell::Text(&item.creditor_name),
                        Cell::Text(&item.creditor_iban),
                        Cell::Text(&item.region_id),
                        Cell::Text(&item.instrument_id),
                        Cell::Money(item.amount_cents),
                        Cell::opt_date(item.failed_at.map(|t| t.date())),
                        Cell::opt_text(item.failure_reason.as_deref()),
                    ])
                    .map_err(io)?;
            }
            Ok(())
        })?;
        table.finish().map_err(io)
    })
}

/// A run with what became of its transfers.
#[derive(Debug, Clone)]
pub struct RunDetail {
    /// The run as made.
    pub run: PaymentRunRow,
    /// Transfers of the run booked as paid (in this run).
    pub paid_count: i64,
    /// Their sum in cents.
    pub paid_cents: i64,
    /// Transfers the bank refused (back to `gepland`).
    pub failed_count: i64,
    /// Their sum in cents.
    pub failed_cents: i64,
}

fn detail(conn: &mut DbConnection, run: PaymentRunRow) -> Result<RunDetail, ServiceError> {
    let (paid_count, paid_cents): (i64, Option<i64>) = payments::table
        .filter(payments::run_id.eq(&run.id))
        .filter(payments::state.eq(PAID))
        .select((
            count_star(),
            sql::<Nullable<BigInt>>("CAST(SUM(payments.amount_cents) AS BIGINT)"),
        ))
        .first(conn)?;
    let (failed_count, failed_cents): (i64, Option<i64>) = payment_run_items::table
        .filter(payment_run_items::run_id.eq(&run.id))
        .filter(payment_run_items::failed_at.is_not_null())
        .select((
            count_star(),
            sql::<Nullable<BigInt>>("CAST(SUM(payment_run_items.amount_cents) AS BIGINT)"),
        ))
        .first(conn)?;
    Ok(RunDetail {
        run,
        paid_count,
        paid_cents: paid_cents.unwrap_or(0),
        failed_count,
        failed_cents: failed_cents.unwrap_or(0),
    })
}

/// One run with its outcome.
pub fn run(pool: &Pool, actor: &Actor, run_id: &str) -> Result<RunDetail, ServiceError> {
    require_finance_or_admin(actor, "een betaalronde")?;
    tx::read(pool, |conn| {
        let run = load_run(conn, run_id)?;
        detail(conn, run)
    })
}

/// The runs, newest first, at most `limit` (1 to 500).
pub fn runs(pool: &Pool, actor: &Actor, limit: i64) -> Result<Vec<PaymentRunRow>, ServiceError> {
    require_finance_or_admin(actor, "de betaalrondes")?;
    tx::read(pool, |conn| {
        Ok(payment_runs::table
            .order((payment_runs::created_at.desc(), payment_runs::id.desc()))
            .limit(limit.clamp(1, crate::queries::MAX_PAGE))
            .select(PaymentRunRow::as_select())
            .load(conn)?)
    })
}

/// The payment ids of a run's transfers in file order, after `after`, at most `limit`.
pub fn run_payment_ids(
    pool: &Pool,
    actor: &Actor,
    run_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<String>, ServiceError> {
    require_finance_or_admin(actor, "een betaalronde")?;
    tx::read(pool, |conn| {
        load_run(conn, run_id)?;
        Ok(payment_run_items::table
            .filter(payment_run_items::run_id.eq(run_id))
            .filter(payment_run_items::payment_id.gt(after.unwrap_or("")))
            .order(payment_run_items::payment_id.asc())
            .limit(limit.clamp(1, crate::queries::MAX_PAGE))
            .select(payment_run_items::payment_id)
            .load(conn)?)
    })
}

/// Books every transfer of the run that was not refused as paid: the instruments' paid
/// positions move, one ledger `betaling` movement per payment, the payments and the run
/// become `betaald`, all in one transaction (see the [module documentation](self)).
pub fn mark_run_paid(
    pool: &Pool,
    actor: &Actor,
    run_id: &str,
    now: DateTime<Utc>,
) -> Result<RunDetail, ServiceError> {
    require_finance(actor, "een betaalronde als betaald vastleggen")?;
    tx::write(pool, |conn| {
        let run = load_run(conn, run_id)?;
        if run.state == RUN_PAID {
            return Err(ServiceError::Conflict(format!(
                "betaalronde {} is al als betaald vastgelegd{}",
                run.message_id,
                run.paid_at
                    .map(|t| format!(" op {}", deadlines::amsterdam_date(t.and_utc())))
                    .unwrap_or_default()
            )));
        }
        // Lock the budget rows in a fixed order, so two transactions never wait on each
        // other crosswise.
        let instrument_ids: Vec<String> = payments::table
            .filter(payments::run_id.eq(run_id))
            .filter(payments::state.eq(IN_RUN))
            .select(payments::instrument_id)
            .distinct()
            .order(payments::instrument_id.asc())
            .load(conn)?;
        for id in instrument_ids {
            let mut row = budget::lock(conn, &id)?;
            let total: Option<i64> = payments::table
                .filter(payments::run_id.eq(run_id))
                .filter(payments::state.eq(IN_RUN))
                .filter(payments::instrument_id.eq(&id))
                .select(sql::<Nullable<BigInt>>(
                    "CAST(SUM(payments.amount_cents) AS BIGINT)",
                ))
                .first(conn)?;
            move_paid(conn, &mut row, total.unwrap_or(0))?;
        }
        // One ledger movement per payment, with its application: the ledger's sum is the
        // position just written.
        let entries = payments::table
            .filter(payments::run_id.eq(run_id))
            .filter(payments::state.eq(IN_RUN))
            .order(payments::id.asc())
            .select((
                payments::instrument_id,
                payments::application_id.nullable(),
                MovementKind::Pay.as_str().into_sql::<Text>(),
                0i64.into_sql::<BigInt>(),
                0i64.into_sql::<BigInt>(),
                0i64.into_sql::<BigInt>(),
                payments::amount_cents,
                0i64.into_sql::<BigInt>(),
                naive(now).into_sql::<Timestamp>(),
                actor.user_id.clone().into_sql::<Nullable<Text>>(),
            ));
        diesel::insert_into(ledger_entries::table)
            .values(entries)
            .into_columns((
                ledger_entries::instrument_id,
                ledger_entries::application_id,
                ledger_entries::kind,
                ledger_entries::reserved_delta,
                ledger_entries::granted_delta,
                ledger_entries::settled_delta,
                ledger_entries::paid_delta,
                ledger_entries::recovered_delta,
                ledger_entries::at,
                ledger_entries::actor_id,
            ))
            .execute(conn)?;
        // The grantees hear of it in the same transaction: one notice per payment,
        // dated the day the bank was asked to execute the run. Written while the
        // payments are still `in_betaalronde`, which is how the notices find them.
        mail::queue_run_payment_notices(conn, run_id, IN_RUN, run.execution_date, now)?;
        diesel::update(
            payments::table
                .filter(payments::run_id.eq(run_id))
                .filter(payments::state.eq(IN_RUN)),
        )
        .set((
            payments::state.eq(PAID),
            payments::settled_at.eq(Some(naive(now))),
        ))
        .execute(conn)?;
        diesel::update(payment_runs::table.find(run_id))
            .set((
                payment_runs::state.eq(RUN_PAID),
                payment_runs::paid_at.eq(Some(naive(now))),
            ))
            .execute(conn)?;
        let run = load_run(conn, run_id)?;
        detail(conn, run)
    })
}

/// Moves an instrument's paid position by `cents` on its locked row, after the domain
/// checked the movement ([`subsidie_domain::ledger::BudgetPosition::pay`]). The ledger
/// entries are written by the caller, one per payment.
fn move_paid(
    conn: &mut DbConnection,
    row: &mut InstrumentRow,
    cents: i64,
) -> Result<(), ServiceError> {
    let position = budget::position_of(row)?;
    let after = position.after(&position.pay(money(cents)?)?)?;
    let updated = diesel::update(
        instruments::table
            .find(&row.id)
            .filter(instruments::paid_cents.eq(row.paid_cents)),
    )
    .set(instruments::paid_cents.eq(after.paid.cents()))
    .execute(conn)?;
    if updated != 1 {
        return Err(ServiceError::Busy);
    }
    row.paid_cents = after.paid.cents();
    Ok(())
}

fn load_payment(conn: &mut DbConnection, payment_id: &str) -> Result<PaymentRow, ServiceError> {
    payments::table
        .find(payment_id)
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| payment_not_found(payment_id))
}

/// Records that the bank refused one transfer of a run that is not yet booked as paid.
///
/// Normally the payment goes back to `gepland` and the next run takes it again. But a
/// waiver or a settlement made while the transfer was under way counted it as paid and
/// may have raised a recovery for it; money that never arrived is not recovered: an open
/// recovery of the same application is lowered by the failed amount (cancelled when it
/// reaches zero), and only what is left of the payment is scheduled again (nothing left:
/// the payment is cancelled). The run's snapshot keeps the reason; its file stays as sent.
pub fn mark_payment_failed(
    pool: &Pool,
    actor: &Actor,
    payment_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PaymentRow, ServiceError> {
    require_finance(actor, "een mislukte betaling vastleggen")?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::field(
            "reden",
            "geef de reden die de bank opgaf, bijvoorbeeld 'AC04 rekening opgeheven'",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(ServiceError::field(
            "reden",
            format!("is te lang; ten hoogste {MAX_REASON} tekens"),
        ));
    }
    tx::write(pool, |conn| {
        let mut payment = load_payment(conn, payment_id)?;
        let run_id = match (&payment.run_id, payment.state.as_str()) {
            (Some(run_id), IN_RUN) => run_id.clone(),
            _ => {
                return Err(ServiceError::Conflict(format!(
                    "betaling {} is '{}'; alleen een betaling in een betaalronde die nog niet als betaald is vastgelegd kan mislukken",
                    payment.reference, payment.state
                )))
            }
        };
        let remaining = offset_open_recoveries(conn, &payment)?;
        let state = if remaining > 0 { SCHEDULED } else { CANCELLED };
        let amount = if remaining > 0 {
            remaining
        } else {
            payment.amount_cents
        };
        let updated = diesel::update(
            payments::table
                .find(payment_id)
                .filter(payments::state.eq(IN_RUN)),
        )
        .set((
            payments::state.eq(state),
            payments::run_id.eq(None::<String>),
            payments::amount_cents.eq(amount),
        ))
        .execute(conn)?;
        if updated != 1 {
            return Err(ServiceError::Busy);
        }
        diesel::update(payment_run_items::table.find((&run_id, payment_id)))
            .set((
                payment_run_items::failed_at.eq(Some(naive(now))),
                payment_run_items::failure_reason.eq(Some(reason)),
            ))
            .execute(conn)?;
        payment.state = state.to_owned();
        payment.run_id = None;
        payment.amount_cents = amount;
        Ok(payment)
    })
}

/// Lowers the open recoveries of the payment's application by the payment's amount,
/// oldest first; returns what is left of the payment.
fn offset_open_recoveries(
    conn: &mut DbConnection,
    payment: &PaymentRow,
) -> Result<i64, ServiceError> {
    let open: Vec<PaymentRow> = payments::table
        .filter(payments::application_id.eq(&payment.application_id))
        .filter(payments::kind.eq(RECOVERY))
        .filter(payments::state.eq(SCHEDULED))
        .order(payments::id.asc())
        .select(PaymentRow::as_select())
        .load(conn)?;
    let mut remaining = payment.amount_cents;
    for recovery in open {
        if remaining == 0 {
            break;
        }
        let take = remaining.min(recovery.amount_cents);
        let target = payments::table.find(&recovery.id);
        if take == recovery.amount_cents {
            diesel::update(target)
                .set(payments::state.eq(CANCELLED))
                .execute(conn)?;
        } else {
            diesel::update(target)
                .set(payments::amount_cents.eq(recovery.amount_cents - take))
                .execute(conn)?;
        }
        remaining -= take;
    }
    Ok(remaining)
}

/// Records that a recovery (*terugvordering*) was paid back in full: the payment becomes
/// `betaald` and the instrument's recovered position moves (ledger `recover`).
pub fn record_recovery_received(
    pool: &Pool,
    actor: &Actor,
    payment_id: &str,
    now: DateTime<Utc>,
) -> Result<PaymentRow, ServiceError> {
    require_finance(actor, "een terugbetaling vastleggen")?;
    tx::write(pool, |conn| {
        let mut payment = load_payment(conn, payment_id)?;
        if payment.kind != RECOVERY {
            return Err(ServiceError::Conflict(format!(
                "betaling {} is een {}, geen terugvordering; betalingen gaan via een betaalronde",
                payment.reference, payment.kind
            )));
        }
        if payment.state != SCHEDULED {
            return Err(ServiceError::Conflict(format!(
                "terugvordering {} is '{}'; alleen een openstaande terugvordering kan als ontvangen worden vastgelegd",
                payment.reference, payment.state
            )));
        }
        let mut instrument = budget::lock(conn, &payment.instrument_id)?;
        let movement = budget::position_of(&instrument)?.recover(money(payment.amount_cents)?)?;
        budget::apply(
            conn,
            &mut instrument,
            &movement,
            Some(&payment.application_id),
            actor.user_id.as_deref(),
            now,
        )?;
        let updated = diesel::update(
            payments::table
                .find(payment_id)
                .filter(payments::state.eq(SCHEDULED)),
        )
        .set((
            payments::state.eq(PAID),
            payments::settled_at.eq(Some(naive(now))),
        ))
        .execute(conn)?;
        if updated != 1 {
            return Err(ServiceError::Busy);
        }
        payment.state = PAID.to_owned();
        payment.settled_at = Some(naive(now));
        Ok(payment)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_fits_sepa() {
        let id = "01935f3e-8f2a-7c3b-9d4e-5f6a7b8c9d0e";
        let m = message_id_for(id);
        assert_eq!(m.len(), 34);
        assert!(subsidie_finance::text::check_identifier("MsgId", &m).is_ok());
    }

    #[test]
    fn execution_on_a_working_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        // Saturday 2025-03-08 → Monday 2025-03-10.
        assert_eq!(execution_date(d(2025, 3, 8), d(2025, 3, 1)), d(2025, 3, 10));
        assert_eq!(execution_date(d(2025, 3, 3), d(2025, 3, 5)), d(2025, 3, 5));
    }
}
