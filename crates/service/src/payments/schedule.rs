//! Scheduling payments as the lifecycle moves: the advance at a grant, the rest (or a
//! recovery of what was paid too much) at a settlement, and at a waiver the unpaid
//! advances cancelled and what was paid recovered. Called in the transaction of the
//! lifecycle command ([`crate::application`]).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines::{self, Term};
use subsidie_domain::payment::{PaymentKind, PaymentState};
use subsidie_domain::Money;
use subsidie_store::rows::{ApplicationRow, InstrumentRow, PaymentRow};
use subsidie_store::schema::payments;
use subsidie_store::DbConnection;

use crate::convert::{naive, new_id};
use crate::error::ServiceError;
use crate::outbox::letters as mail;

/// A recovery is due six weeks after it is raised.
const RECOVERY_TERM: Term = Term::Weeks(6);

fn payment_row(
    app: &ApplicationRow,
    kind: PaymentKind,
    amount_cents: i64,
    due_on: NaiveDate,
    now: DateTime<Utc>,
) -> PaymentRow {
    PaymentRow {
        id: new_id(),
        reference: format!("{}-{}", app.reference, kind.reference_suffix()),
        application_id: app.id.clone(),
        instrument_id: app.instrument_id.clone(),
        kind: kind.as_str().to_owned(),
        amount_cents,
        due_on,
        state: PaymentState::Scheduled.as_str().to_owned(),
        run_id: None,
        created_at: naive(now),
        settled_at: None,
    }
}

/// Inserts a payment. A second payment of the same kind (an extra advance after a
/// raise, a second recovery after a lowering) gets a numbered reference (`…-V2`), since
/// the reference is the bank's end-to-end id and unique.
fn insert(conn: &mut DbConnection, row: &PaymentRow) -> Result<(), ServiceError> {
    let mut row = row.clone();
    let taken: Vec<String> = payments::table
        .filter(payments::application_id.eq(&row.application_id))
        .filter(payments::reference.like(format!("{}%", row.reference)))
        .select(payments::reference)
        .load(conn)?;
    if taken.contains(&row.reference) {
        let base = row.reference.clone();
        let mut n = 2;
        while taken.contains(&format!("{base}{n}")) {
            n += 1;
        }
        row.reference = format!("{base}{n}");
    }
    diesel::insert_into(payments::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// At a grant (or a raise of one), the instrument's advance share of `granted` is
/// scheduled for payment today. Returns the advance.
pub(crate) fn schedule_advance(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    granted: Money,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Money, ServiceError> {
    let percent = u32::try_from(instrument.advance_percent).unwrap_or(0);
    let advance = granted.share(percent, 100)?;
    if !advance.is_zero() {
        let row = payment_row(app, PaymentKind::Advance, advance.cents(), today, now);
        insert(conn, &row)?;
    }
    Ok(advance)
}

fn checked_sum(amounts: Vec<i64>) -> Result<i64, ServiceError> {
    amounts
        .into_iter()
        .try_fold(0i64, i64::checked_add)
        .ok_or_else(|| ServiceError::Internal("betalingen lopen over".into()))
}

/// Sum of the amounts of an application's advances that are not cancelled.
fn advanced_total(conn: &mut DbConnection, app_id: &str) -> Result<i64, ServiceError> {
    let amounts: Vec<i64> = payments::table
        .filter(payments::application_id.eq(app_id))
        .filter(payments::kind.eq(PaymentKind::Advance.as_str()))
        .filter(payments::state.ne(PaymentState::Cancelled.as_str()))
        .select(payments::amount_cents)
        .load(conn)?;
    checked_sum(amounts)
}

/// Sum of what was paid out to the application, or is under way in a run.
fn paid_total(conn: &mut DbConnection, app_id: &str) -> Result<i64, ServiceError> {
    let amounts: Vec<i64> = payments::table
        .filter(payments::application_id.eq(app_id))
        .filter(payments::kind.ne(PaymentKind::Recovery.as_str()))
        .filter(payments::state.eq_any([PaymentState::Paid.as_str(), PaymentState::InRun.as_str()]))
        .select(payments::amount_cents)
        .load(conn)?;
    checked_sum(amounts)
}

/// At settlement: the rest is scheduled, or what was paid too much becomes a recovery
/// due in six weeks.
pub(crate) fn schedule_settlement(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    settled: Money,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let rest = settled.cents() - advanced_total(conn, &app.id)?;
    if rest > 0 {
        return insert(
            conn,
            &payment_row(app, PaymentKind::Remainder, rest, today, now),
        );
    }
    if rest == 0 {
        return Ok(());
    }
    let due = recovery_due(today)?;
    // Only what was actually paid can be recovered; advances not yet paid are reduced by
    // cancelling them first.
    cancel_unpaid(conn, app)?;
    let paid = paid_total(conn, &app.id)?;
    let recover = paid - settled.cents();
    if recover > 0 {
        raise_recovery(conn, app, recover, due, now)?;
    } else if settled.cents() - paid > 0 {
        let row = payment_row(
            app,
            PaymentKind::Remainder,
            settled.cents() - paid,
            today,
            now,
        );
        insert(conn, &row)?;
    }
    Ok(())
}

/// After a founded objection raised the settlement to `settled`: the open rest and any
/// open recovery of the old settlement are cancelled, and what is owed now is scheduled
/// (or, should the advances still exceed it, recovered). Returns what is paid out.
pub(crate) fn schedule_resettlement(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    settled: Money,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Money, ServiceError> {
    diesel::update(
        payments::table
            .filter(payments::application_id.eq(&app.id))
            .filter(payments::state.eq(PaymentState::Scheduled.as_str()))
            .filter(payments::kind.ne(PaymentKind::Advance.as_str())),
    )
    .set(payments::state.eq(PaymentState::Cancelled.as_str()))
    .execute(conn)?;
    let transfers: Vec<i64> = payments::table
        .filter(payments::application_id.eq(&app.id))
        .filter(payments::kind.ne(PaymentKind::Recovery.as_str()))
        .filter(payments::state.ne(PaymentState::Cancelled.as_str()))
        .select(payments::amount_cents)
        .load(conn)?;
    let repaid: Vec<i64> = payments::table
        .filter(payments::application_id.eq(&app.id))
        .filter(payments::kind.eq(PaymentKind::Recovery.as_str()))
        .filter(payments::state.eq(PaymentState::Paid.as_str()))
        .select(payments::amount_cents)
        .load(conn)?;
    let owed = settled.cents() - checked_sum(transfers)? + checked_sum(repaid)?;
    if owed > 0 {
        insert(
            conn,
            &payment_row(app, PaymentKind::Remainder, owed, today, now),
        )?;
        return Ok(Money::from_cents(owed)?);
    }
    if owed < 0 {
        raise_recovery(conn, app, -owed, recovery_due(today)?, now)?;
    }
    Ok(Money::ZERO)
}

/// Sum of the recoveries paid back or under way: what the grantee already returned.
fn recovered_total(conn: &mut DbConnection, app_id: &str) -> Result<i64, ServiceError> {
    let amounts: Vec<i64> = payments::table
        .filter(payments::application_id.eq(app_id))
        .filter(payments::kind.eq(PaymentKind::Recovery.as_str()))
        .filter(payments::state.eq_any([PaymentState::Paid.as_str(), PaymentState::InRun.as_str()]))
        .select(payments::amount_cents)
        .load(conn)?;
    checked_sum(amounts)
}

/// After a decision that changes a grant (an amendment, a lowering, a revocation,
/// Awb 4:48/4:49): what is scheduled and not yet paid no longer applies and is
/// cancelled; what should have been paid by now for the new amount (before settlement
/// the instrument's advance share of it, after settlement all of it) is scheduled, less
/// what the grantee holds; what the grantee holds above the new amount is recovered
/// (Awb 4:57), due in six weeks, with its letter. Returns what is scheduled to be paid
/// out now (zero when nothing is, or a recovery is raised).
pub(crate) fn revise_payments(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    new: Money,
    settled: bool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Money, ServiceError> {
    cancel_unpaid(conn, app)?;
    let held = paid_total(conn, &app.id)? - recovered_total(conn, &app.id)?;
    if held > new.cents() {
        raise_recovery(conn, app, held - new.cents(), recovery_due(today)?, now)?;
        return Ok(Money::ZERO);
    }
    let (kind, due) = if settled {
        (PaymentKind::Remainder, new)
    } else {
        let percent = u32::try_from(instrument.advance_percent).unwrap_or(0);
        (PaymentKind::Advance, new.share(percent, 100)?)
    };
    let missing = due.cents() - held;
    if missing > 0 {
        insert(conn, &payment_row(app, kind, missing, today, now))?;
        return Ok(Money::from_cents(missing)?);
    }
    Ok(Money::ZERO)
}

fn recovery_due(today: NaiveDate) -> Result<NaiveDate, ServiceError> {
    deadlines::term_end(today, RECOVERY_TERM).map_err(|e| ServiceError::Internal(e.to_string()))
}

fn cancel_unpaid(conn: &mut DbConnection, app: &ApplicationRow) -> Result<(), ServiceError> {
    diesel::update(
        payments::table
            .filter(payments::application_id.eq(&app.id))
            .filter(payments::state.eq(PaymentState::Scheduled.as_str())),
    )
    .set(payments::state.eq(PaymentState::Cancelled.as_str()))
    .execute(conn)?;
    Ok(())
}

/// When a grant is waived: unpaid advances are cancelled; what was paid is recovered.
pub(crate) fn cancel_open_payments(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    cancel_unpaid(conn, app)?;
    let paid = paid_total(conn, &app.id)?;
    if paid > 0 {
        raise_recovery(conn, app, paid, recovery_due(today)?, now)?;
    }
    Ok(())
}

/// Schedules a recovery (*terugvordering*) due on `due` and queues its notice to the
/// grantee (the `betaling` letter in its recovery form: how much, by when, under which
/// reference), in the same transaction.
fn raise_recovery(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    cents: i64,
    due: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let recovery = payment_row(app, PaymentKind::Recovery, cents, due, now);
    insert(conn, &recovery)?;
    mail::queue_payment_notice(conn, &recovery.id, now)?;
    Ok(())
}
