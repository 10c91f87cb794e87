//! Booking a run as paid: the instruments' paid positions, one ledger movement and one
//! notice per payment, the payments and the run `betaald`, in one transaction.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use subsidie_domain::deadlines;
use subsidie_domain::ledger::MovementKind;
use subsidie_domain::payment::{PaymentState, RunState};
use subsidie_store::rows::InstrumentRow;
use subsidie_store::schema::{instruments, ledger_entries, payment_runs, payments};
use subsidie_store::{DbConnection, Pool};

use super::rows::load_run;
use super::runs::{detail, RunDetail};
use crate::access::require_finance;
use crate::actor::Actor;
use crate::budget;
use crate::convert::{money, naive};
use crate::error::ServiceError;
use crate::outbox::letters as mail;
use crate::tx;

/// Books every transfer of the run that was not refused as paid: the instruments' paid
/// positions move, one ledger `betaling` movement per payment, the payments and the run
/// become `betaald`, all in one transaction (see the [module documentation](super)).
pub fn mark_run_paid(
    pool: &Pool,
    actor: &Actor,
    run_id: &str,
    now: DateTime<Utc>,
) -> Result<RunDetail, ServiceError> {
    require_finance(actor, "een betaalronde als betaald vastleggen")?;
    tx::write(pool, |conn| {
        let run = load_run(conn, run_id)?;
        if run.state == RunState::Paid.as_str() {
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
            .filter(payments::state.eq(PaymentState::InRun.as_str()))
            .select(payments::instrument_id)
            .distinct()
            .order(payments::instrument_id.asc())
            .load(conn)?;
        for id in instrument_ids {
            let mut row = budget::lock(conn, &id)?;
            let total: Option<i64> = payments::table
                .filter(payments::run_id.eq(run_id))
                .filter(payments::state.eq(PaymentState::InRun.as_str()))
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
            .filter(payments::state.eq(PaymentState::InRun.as_str()))
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
        mail::queue_run_payment_notices(
            conn,
            run_id,
            PaymentState::InRun.as_str(),
            run.execution_date,
            now,
        )?;
        diesel::update(
            payments::table
                .filter(payments::run_id.eq(run_id))
                .filter(payments::state.eq(PaymentState::InRun.as_str())),
        )
        .set((
            payments::state.eq(PaymentState::Paid.as_str()),
            payments::settled_at.eq(Some(naive(now))),
        ))
        .execute(conn)?;
        diesel::update(payment_runs::table.find(run_id))
            .set((
                payment_runs::state.eq(RunState::Paid.as_str()),
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
