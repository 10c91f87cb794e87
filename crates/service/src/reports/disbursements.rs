//! The disbursement report: advances and remainders paid out, summarised per payment run,
//! instrument, region and month, or written one row per payment.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use subsidie_finance::table::{Cell, TableFormat};
use subsidie_store::schema::{
    applications, instruments, organisations, payment_runs, payments, regions,
};
use subsidie_store::{DbConnection, Pool};

use super::query::{resolve, DisbursementQuery, Resolved};
use super::recoveries::{recoveries, Recoveries};
use super::shared::{groups, io_error, paid_on, write_table, Group, Total};
use crate::access::require_finance_or_admin;
use crate::actor::Actor;
use crate::error::ServiceError;
use crate::paging::PAGE;
use subsidie_domain::payment::{PaymentKind, PaymentState};

const PAID: &str = PaymentState::Paid.as_str();
const TRANSFER_KINDS: [&str; 2] = PaymentKind::transfer_names();
use crate::tx;

/// Disbursements of a programme: see the [module documentation](super).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisbursementReport {
    /// Programme code.
    pub programme_id: String,
    /// First payment day, if limited.
    pub from: Option<NaiveDate>,
    /// Last payment day, if limited.
    pub to: Option<NaiveDate>,
    /// Every payment paid out.
    pub total: Total,
    /// Per payment run (`zonder-betaalronde` for payments booked one by one).
    pub per_run: Vec<Group>,
    /// Per instrument.
    pub per_instrument: Vec<Group>,
    /// Per region.
    pub per_region: Vec<Group>,
    /// Per month of payment (Amsterdam).
    pub per_month: Vec<Group>,
    /// Recoveries, apart: they are receivables, not disbursements.
    pub recoveries: Recoveries,
}

/// The key for payments booked without a run.
pub const NO_RUN: &str = "zonder-betaalronde";

/// One paid payment as the disbursement report reads it.
struct Line {
    reference: String,
    kind: String,
    amount_cents: i64,
    settled_at: NaiveDateTime,
    run_id: Option<String>,
    application: String,
    instrument_id: String,
    region_id: String,
    organisation: String,
}

type LineTuple = (
    String,
    String,
    String,
    i64,
    Option<NaiveDateTime>,
    Option<String>,
    String,
    String,
    String,
    String,
);

/// Calls `f` for every paid advance or remainder matching the query, in id order, reading
/// [`PAGE`] rows at a time.
fn for_each_disbursement(
    conn: &mut DbConnection,
    r: &Resolved,
    mut f: impl FnMut(&Line) -> Result<(), ServiceError>,
) -> Result<(), ServiceError> {
    let mut after = String::new();
    loop {
        let mut query = payments::table
            .inner_join(
                applications::table
                    .inner_join(instruments::table)
                    .inner_join(organisations::table),
            )
            .filter(instruments::programme_id.eq(&r.programme.id))
            .filter(payments::state.eq(PAID))
            .filter(payments::kind.eq_any(TRANSFER_KINDS))
            .filter(payments::id.gt(after.clone()))
            .order(payments::id.asc())
            .limit(PAGE)
            .select((
                payments::id,
                payments::reference,
                payments::kind,
                payments::amount_cents,
                payments::settled_at,
                payments::run_id,
                applications::reference,
                payments::instrument_id,
                applications::region_id,
                organisations::name,
            ))
            .into_boxed();
        if let Some((start, end)) = r.period {
            query = query
                .filter(payments::settled_at.ge(start))
                .filter(payments::settled_at.lt(end));
        }
        if let Some(i) = &r.query.instrument_id {
            query = query.filter(payments::instrument_id.eq(i.clone()));
        }
        if let Some(region) = &r.query.region_id {
            query = query.filter(applications::region_id.eq(region.clone()));
        }
        if let Some(run) = &r.query.run_id {
            query = query.filter(payments::run_id.eq(run.clone()));
        }
        let page: Vec<LineTuple> = query.load(conn)?;
        let Some(last) = page.last() else { break };
        after = last.0.clone();
        for t in page {
            let line = Line {
                reference: t.1,
                kind: t.2,
                amount_cents: t.3,
                settled_at: t.4.ok_or_else(|| {
                    ServiceError::Internal("betaalde betaling zonder betaaldatum".into())
                })?,
                run_id: t.5,
                application: t.6,
                instrument_id: t.7,
                region_id: t.8,
                organisation: t.9,
            };
            f(&line)?;
        }
    }
    Ok(())
}

/// The disbursement report; see the [module documentation](super).
pub fn disbursements(
    pool: &Pool,
    actor: &Actor,
    query: &DisbursementQuery,
) -> Result<DisbursementReport, ServiceError> {
    require_finance_or_admin(actor, "het uitbetalingsoverzicht")?;
    tx::read(pool, |conn| {
        let r = resolve(conn, query)?;
        let mut total = Total::default();
        let mut per_run: BTreeMap<String, Total> = BTreeMap::new();
        let mut per_instrument: BTreeMap<String, Total> = BTreeMap::new();
        let mut per_region: BTreeMap<String, Total> = BTreeMap::new();
        let mut per_month: BTreeMap<String, Total> = BTreeMap::new();
        for_each_disbursement(conn, &r, |line| {
            total.add(line.amount_cents)?;
            let run = line.run_id.clone().unwrap_or_else(|| NO_RUN.to_owned());
            per_run.entry(run).or_default().add(line.amount_cents)?;
            per_instrument
                .entry(line.instrument_id.clone())
                .or_default()
                .add(line.amount_cents)?;
            per_region
                .entry(line.region_id.clone())
                .or_default()
                .add(line.amount_cents)?;
            per_month
                .entry(paid_on(line.settled_at).format("%Y-%m").to_string())
                .or_default()
                .add(line.amount_cents)?;
            Ok(())
        })?;
        let region_names: BTreeMap<String, String> = regions::table
            .select((regions::id, regions::name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        let run_ids: Vec<String> = per_run.keys().cloned().collect();
        let run_names: BTreeMap<String, String> = payment_runs::table
            .filter(payment_runs::id.eq_any(run_ids))
            .select((payment_runs::id, payment_runs::execution_date))
            .load::<(String, NaiveDate)>(conn)?
            .into_iter()
            .map(|(id, d)| (id, format!("uitgevoerd {d}")))
            .collect();
        let recoveries = recoveries(conn, &r)?;
        Ok(DisbursementReport {
            programme_id: r.programme.id.clone(),
            from: query.from,
            to: query.to,
            total,
            per_run: groups(per_run, |k| run_names.get(k).cloned()),
            per_instrument: groups(per_instrument, |k| {
                r.instruments
                    .iter()
                    .find(|i| i.id == k)
                    .map(|i| i.name.clone())
            }),
            per_region: groups(per_region, |k| region_names.get(k).cloned()),
            per_month: groups(per_month, |_| None),
            recoveries,
        })
    })
}

/// The columns of the disbursement file.
const COLUMNS: [&str; 9] = [
    "Betaald op",
    "Referentie",
    "Soort",
    "Aanvraag",
    "Organisatie",
    "Regio",
    "Instrument",
    "Betaalronde",
    "Bedrag",
];

/// Writes every paid advance and remainder matching the query as a table, one row per
/// payment, streamed in pages; returns `out`.
pub fn write_disbursements<W: Write>(
    pool: &Pool,
    actor: &Actor,
    query: &DisbursementQuery,
    format: TableFormat,
    out: W,
) -> Result<W, ServiceError> {
    require_finance_or_admin(actor, "het uitbetalingsoverzicht")?;
    tx::read(pool, |conn| {
        let r = resolve(conn, query)?;
        write_table((format, out), "Uitbetalingen", &COLUMNS, |table| {
            for_each_disbursement(conn, &r, |line| {
                table
                    .row(&[
                        Cell::Date(paid_on(line.settled_at)),
                        Cell::Text(&line.reference),
                        Cell::Text(&line.kind),
                        Cell::Text(&line.application),
                        Cell::Text(&line.organisation),
                        Cell::Text(&line.region_id),
                        Cell::Text(&line.instrument_id),
                        Cell::opt_text(line.run_id.as_deref()),
                        Cell::Money(line.amount_cents),
                    ])
                    .map_err(io_error)
            })
        })
    })
}
