//! Making a payment run of what is due, and looking at runs.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use subsidie_domain::deadlines;
use subsidie_domain::payment::{PaymentKind, PaymentState, RunState};
use subsidie_store::rows::PaymentRunRow;
use subsidie_store::run_items::RunItem;
use subsidie_store::schema::{
    applications, organisations, payment_run_items, payment_runs, payments,
};
use subsidie_store::{DbConnection, Pool};

use super::rows::{item_page, load_run, remittance, transfer};
use crate::access::{require_finance, require_finance_or_admin};
use crate::actor::Actor;
use crate::convert::{naive, new_id};
use crate::error::{FieldError, ServiceError};
use crate::outbox::letters as mail;
use crate::paging::page_size;
use crate::tx;

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
            .filter(payments::state.eq(PaymentState::Scheduled.as_str()))
            .filter(payments::due_on.le(up_to))
            .filter(payments::kind.eq_any(PaymentKind::transfer_names())),
    )
    .set((
        payments::run_id.eq(Some(&id)),
        payments::state.eq(PaymentState::InRun.as_str()),
    ))
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
        state: RunState::Created.as_str().to_owned(),
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
            let result =
                subsidie_finance::sepa::check_transfer(&transfer(&RunItem::from(item), &text));
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

pub(super) fn detail(
    conn: &mut DbConnection,
    run: PaymentRunRow,
) -> Result<RunDetail, ServiceError> {
    let (paid_count, paid_cents): (i64, Option<i64>) = payments::table
        .filter(payments::run_id.eq(&run.id))
        .filter(payments::state.eq(PaymentState::Paid.as_str()))
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
            .limit(page_size(limit))
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
            .limit(page_size(limit))
            .select(payment_run_items::payment_id)
            .load(conn)?)
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
