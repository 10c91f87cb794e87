//! What finance looks at before it acts, read without changing anything: the count and
//! sum a new run would take, the transfers of a run, the recoveries, and what a
//! settlement would pay or recover. The portal shows these on its confirmation pages;
//! the commands themselves ([`super::create_run`], the `vaststellen` command) decide
//! again in their own transaction.

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use subsidie_domain::payment::{PaymentKind, PaymentState};
use subsidie_domain::Money;
use subsidie_store::rows::{PaymentRow, PaymentRunItemRow};
use subsidie_store::schema::{applications, organisations, payment_run_items, payments};
use subsidie_store::Pool;

use super::rows::load_run;
use crate::access::{load_visible, require_finance, require_finance_or_admin};
use crate::actor::Actor;
use crate::convert::money;
use crate::error::ServiceError;
use crate::paging::page_size;
use crate::tx;

/// How many transfers a run up to a day would take, and their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueTransfers {
    /// Scheduled advances and remainders due on or before the day.
    pub count: i64,
    /// Their sum.
    pub total: Money,
}

/// What [`super::create_run`] would take now for `up_to` (the same filter).
pub fn due_transfers(
    pool: &Pool,
    actor: &Actor,
    up_to: chrono::NaiveDate,
) -> Result<DueTransfers, ServiceError> {
    require_finance(actor, "een betaalronde maken")?;
    tx::read(pool, |conn| {
        let (count, total): (i64, Option<i64>) = payments::table
            .filter(payments::state.eq(PaymentState::Scheduled.as_str()))
            .filter(payments::due_on.le(up_to))
            .filter(payments::kind.eq_any(PaymentKind::transfer_names()))
            .select((
                count_star(),
                sql::<Nullable<BigInt>>("CAST(SUM(payments.amount_cents) AS BIGINT)"),
            ))
            .first(conn)?;
        Ok(DueTransfers {
            count,
            total: money(total.unwrap_or(0))?,
        })
    })
}

/// The transfers of a run in file order, at most `limit` (1 to 500) after `after`.
pub fn run_items(
    pool: &Pool,
    actor: &Actor,
    run_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<PaymentRunItemRow>, ServiceError> {
    require_finance_or_admin(actor, "een betaalronde")?;
    tx::read(pool, |conn| {
        load_run(conn, run_id)?;
        Ok(payment_run_items::table
            .filter(payment_run_items::run_id.eq(run_id))
            .filter(payment_run_items::payment_id.gt(after.unwrap_or("")))
            .order(payment_run_items::payment_id.asc())
            .limit(page_size(limit))
            .select(PaymentRunItemRow::as_select())
            .load(conn)?)
    })
}

/// A recovery with whom it is owed by.
#[derive(Debug, Clone)]
pub struct RecoveryView {
    /// The recovery (a payment of kind `terugvordering`).
    pub payment: PaymentRow,
    /// The application's reference.
    pub application_reference: String,
    /// The organisation that pays back.
    pub organisation: String,
}

/// One page of the recoveries, with what is still open over all of them.
#[derive(Debug, Clone)]
pub struct RecoveriesPage {
    /// The page's recoveries, open ones first (by due day).
    pub rows: Vec<RecoveryView>,
    /// True when a next page has more.
    pub more: bool,
    /// How many recoveries are still open, over every page.
    pub open_count: i64,
    /// Their sum.
    pub open_total: Money,
}

/// Recoveries, open ones first (by due day): page `page` (from 0) of `per_page` (1 to
/// 500), with the count and sum of the open ones over all pages (a page alone would
/// understate them).
pub fn recoveries(
    pool: &Pool,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<RecoveriesPage, ServiceError> {
    require_finance_or_admin(actor, "de terugvorderingen")?;
    let per_page = page_size(per_page);
    tx::read(pool, |conn| {
        let recovery = payments::kind.eq(PaymentKind::Recovery.as_str());
        let (open_count, open_cents): (i64, Option<i64>) = payments::table
            .filter(recovery)
            .filter(payments::state.eq(PaymentState::Scheduled.as_str()))
            .select((
                count_star(),
                sql::<Nullable<BigInt>>("CAST(SUM(payments.amount_cents) AS BIGINT)"),
            ))
            .first(conn)?;
        let rows: Vec<(PaymentRow, String, String)> = payments::table
            .inner_join(applications::table.inner_join(organisations::table))
            .filter(recovery)
            .order((
                payments::state.ne(PaymentState::Scheduled.as_str()),
                payments::due_on.asc(),
                payments::id.asc(),
            ))
            .offset(page.max(0).saturating_mul(per_page))
            .limit(per_page + 1)
            .select((
                PaymentRow::as_select(),
                applications::reference,
                organisations::name,
            ))
            .load(conn)?;
        let more = rows.len() as i64 > per_page;
        Ok(RecoveriesPage {
            rows: rows
                .into_iter()
                .take(per_page as usize)
                .map(
                    |(payment, application_reference, organisation)| RecoveryView {
                        payment,
                        application_reference,
                        organisation,
                    },
                )
                .collect(),
            more,
            open_count,
            open_total: money(open_cents.unwrap_or(0))?,
        })
    })
}

/// What settling an application at an amount would do to its payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementPreview {
    /// The grant now.
    pub granted: Money,
    /// Paid out (or under way in a run) so far.
    pub paid: Money,
    /// Advances not cancelled (paid, in a run or still scheduled).
    pub advanced: Money,
    /// Scheduled payments that would be cancelled.
    pub cancelled: Money,
    /// A remainder that would be scheduled.
    pub to_pay: Money,
    /// A recovery that would be raised.
    pub to_recover: Money,
}

/// What [`crate::application::execute`] with `Action::Settle` at `amount` would schedule,
/// by the same rules as the settlement itself (`schedule_settlement`): the rest of the
/// settled amount over the advances is paid; below them, unpaid payments are cancelled
/// and what was paid too much is recovered.
pub fn settlement_preview(
    pool: &Pool,
    actor: &Actor,
    application_id: &str,
    amount: Money,
) -> Result<SettlementPreview, ServiceError> {
    require_finance(actor, "een subsidie vaststellen")?;
    tx::read(pool, |conn| {
        let app = load_visible(conn, actor, application_id)?;
        let rows: Vec<PaymentRow> = payments::table
            .filter(payments::application_id.eq(&app.id))
            .select(PaymentRow::as_select())
            .load(conn)?;
        let sum = |keep: &dyn Fn(&PaymentRow) -> bool| -> i64 {
            rows.iter()
                .filter(|p| keep(p))
                .map(|p| p.amount_cents)
                .sum()
        };
        let transfer = |p: &PaymentRow| p.kind != PaymentKind::Recovery.as_str();
        let advanced = sum(&|p| {
            p.kind == PaymentKind::Advance.as_str() && p.state != PaymentState::Cancelled.as_str()
        });
        let paid = sum(&|p| {
            transfer(p)
                && (p.state == PaymentState::Paid.as_str()
                    || p.state == PaymentState::InRun.as_str())
        });
        let settled = amount.cents();
        let (mut to_pay, mut to_recover, mut cancelled) = (0, 0, 0);
        let rest = settled - advanced;
        if rest > 0 {
            to_pay = rest;
        } else if rest < 0 {
            cancelled = sum(&|p| p.state == PaymentState::Scheduled.as_str());
            if paid > settled {
                to_recover = paid - settled;
            } else {
                to_pay = settled - paid;
            }
        }
        Ok(SettlementPreview {
            granted: money(app.granted_cents)?,
            paid: money(paid)?,
            advanced: money(advanced)?,
            cancelled: money(cancelled)?,
            to_pay: money(to_pay)?,
            to_recover: money(to_recover)?,
        })
    })
}
