//! What happened to single payments after the run: a transfer the bank refused, and a
//! recovery the grantee paid back.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::payment::{PaymentKind, PaymentState};
use subsidie_store::rows::PaymentRow;
use subsidie_store::schema::{payment_run_items, payments};
use subsidie_store::{DbConnection, Pool};

use super::rows::load_payment;
use crate::access::require_finance;
use crate::actor::Actor;
use crate::budget;
use crate::convert::{money, naive};
use crate::error::ServiceError;
use crate::tx;

/// Longest reason accepted for a failed transfer.
const MAX_REASON: usize = 2_000;

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
        let run_id = match &payment.run_id {
            Some(run_id) if payment.state == PaymentState::InRun.as_str() => run_id.clone(),
            _ => {
                return Err(ServiceError::Conflict(format!(
                    "betaling {} is '{}'; alleen een betaling in een betaalronde die nog niet als betaald is vastgelegd kan mislukken",
                    payment.reference, payment.state
                )))
            }
        };
        let remaining = offset_open_recoveries(conn, &payment)?;
        let state = if remaining > 0 {
            PaymentState::Scheduled
        } else {
            PaymentState::Cancelled
        };
        let amount = if remaining > 0 {
            remaining
        } else {
            payment.amount_cents
        };
        let updated = diesel::update(
            payments::table
                .find(payment_id)
                .filter(payments::state.eq(PaymentState::InRun.as_str())),
        )
        .set((
            payments::state.eq(state.as_str()),
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
        payment.state = state.as_str().to_owned();
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
        .filter(payments::kind.eq(PaymentKind::Recovery.as_str()))
        .filter(payments::state.eq(PaymentState::Scheduled.as_str()))
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
                .set(payments::state.eq(PaymentState::Cancelled.as_str()))
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
        if payment.kind != PaymentKind::Recovery.as_str() {
            return Err(ServiceError::Conflict(format!(
                "betaling {} is een {}, geen terugvordering; betalingen gaan via een betaalronde",
                payment.reference, payment.kind
            )));
        }
        if payment.state != PaymentState::Scheduled.as_str() {
            return Err(ServiceError::Conflict(format!(
                "terugvordering {} is '{}'; alleen een openstaande terugvordering kan als ontvangen worden vastgelegd",
                payment.reference, payment.state
            )));
        }
        let mut instrument = budget::lock(conn, &payment.instrument_id)?;
        let movement = budget::position_of(&instrument)?.recover(money(payment.amount_cents)?)?;
        budget::book(
            conn,
            &mut instrument,
            &movement,
            &payment.application_id,
            actor,
            now,
        )?;
        let updated = diesel::update(
            payments::table
                .find(payment_id)
                .filter(payments::state.eq(PaymentState::Scheduled.as_str())),
        )
        .set((
            payments::state.eq(PaymentState::Paid.as_str()),
            payments::settled_at.eq(Some(naive(now))),
        ))
        .execute(conn)?;
        if updated != 1 {
            return Err(ServiceError::Busy);
        }
        payment.state = PaymentState::Paid.as_str().to_owned();
        payment.settled_at = Some(naive(now));
        Ok(payment)
    })
}
