//! Reading what the payment use cases share: a run, a payment, and a run's snapshot of
//! its transfers (`payment_run_items`), streamed or in pages.

use diesel::prelude::*;
use subsidie_finance::sepa::Transfer;
use subsidie_store::rows::{PaymentRow, PaymentRunItemRow, PaymentRunRow};
use subsidie_store::run_items::{self, RunItem};
use subsidie_store::schema::{payment_run_items, payment_runs, payments};
use subsidie_store::DbConnection;

use crate::error::ServiceError;
use crate::paging::PAGE;

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

pub(super) fn item_page(
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

/// Calls `each` with the run's transfers one by one, in payment order: on PostgreSQL from
/// one `COPY` ([`run_items::stream_postgres`]: keyset pages, even read ahead, came out at
/// 0.52 of `COPY` itself), on SQLite from pages read ahead ([`for_each_item_page`]), which
/// is as fast there as the database can give the rows.
pub(super) fn for_each_item(
    conn: &mut DbConnection,
    run_id: &str,
    mut each: impl FnMut(&RunItem<'_>) -> Result<(), ServiceError>,
) -> Result<(), ServiceError> {
    match conn {
        DbConnection::Postgres(pg) => run_items::stream_postgres(pg, run_id, each),
        sqlite => for_each_item_page(sqlite, run_id, |page| {
            page.iter().try_for_each(|row| each(&RunItem::from(row)))
        }),
    }
}

/// Calls `each` with the run's transfers, page by page in payment order. The pages are
/// read on a second thread, one page ahead, so the database produces the next page
/// while this thread formats the current one: with the reads and the writing one after
/// the other, a SEPA file of a million transfers came out at 0.45 of PostgreSQL's own
/// `COPY` of the same rows.
pub(super) fn for_each_item_page(
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

/// The remittance information the grantee sees on the statement, written into `out`
/// (one buffer for a whole file rather than a string per transfer).
pub(super) fn remittance_into(out: &mut String, application_reference: &str, kind: &str) {
    out.clear();
    out.push_str("Subsidie ");
    out.push_str(application_reference);
    out.push(' ');
    out.push_str(kind);
}

/// The remittance information the grantee sees on the statement.
pub(super) fn remittance(item: &PaymentRunItemRow) -> String {
    let mut out = String::new();
    remittance_into(&mut out, &item.application_reference, item.kind.as_str());
    out
}

pub(super) fn transfer<'a>(item: &RunItem<'a>, remittance: &'a str) -> Transfer<'a> {
    Transfer {
        end_to_end_id: item.reference,
        amount_cents: item.amount_cents,
        creditor_name: item.creditor_name,
        creditor_iban: item.creditor_iban,
        creditor_bic: None,
        remittance,
    }
}

pub(super) fn load_run(
    conn: &mut DbConnection,
    run_id: &str,
) -> Result<PaymentRunRow, ServiceError> {
    payment_runs::table
        .find(run_id)
        .select(PaymentRunRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| run_not_found(run_id))
}

pub(super) fn load_payment(
    conn: &mut DbConnection,
    payment_id: &str,
) -> Result<PaymentRow, ServiceError> {
    payments::table
        .find(payment_id)
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| payment_not_found(payment_id))
}
