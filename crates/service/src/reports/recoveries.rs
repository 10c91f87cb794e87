//! Recoveries (*terugvorderingen*) of a programme: receivables, listed apart from what was
//! paid out.

use chrono::NaiveDate;
use diesel::prelude::*;
use subsidie_domain::Money;
use subsidie_store::rows::PaymentRow;
use subsidie_store::schema::{applications, organisations, payments};
use subsidie_store::DbConnection;

use super::query::Resolved;
use super::shared::{paid_on, Total};
use crate::convert::money;
use crate::error::ServiceError;
use subsidie_domain::payment::{PaymentKind, PaymentState};

// Constants, not calls: the payment states are matched on below.
const PAID: &str = PaymentState::Paid.as_str();
const SCHEDULED: &str = PaymentState::Scheduled.as_str();
const RECOVERY: &str = PaymentKind::Recovery.as_str();

/// One recovery in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryLine {
    /// The recovery's reference.
    pub reference: String,
    /// The application's reference.
    pub application: String,
    /// The organisation that pays back.
    pub organisation: String,
    /// Instrument code.
    pub instrument_id: String,
    /// Region code.
    pub region_id: String,
    /// When it is due.
    pub due_on: NaiveDate,
    /// The amount.
    pub amount: Money,
    /// `gepland` (open), `betaald` (received) or `geannuleerd`.
    pub state: String,
    /// The day it was received (Amsterdam), if it was.
    pub received_on: Option<NaiveDate>,
}

/// Recoveries of the programme (due within the period, when one is given).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recoveries {
    /// Still to be paid back.
    pub open: Total,
    /// Paid back.
    pub received: Total,
    /// Every recovery.
    pub lines: Vec<RecoveryLine>,
}

/// The recoveries the checked query covers, by due day.
pub(super) fn recoveries(
    conn: &mut DbConnection,
    r: &Resolved,
) -> Result<Recoveries, ServiceError> {
    let ids: Vec<String> = r.instruments.iter().map(|i| i.id.clone()).collect();
    let mut query = payments::table
        .inner_join(applications::table.inner_join(organisations::table))
        .filter(payments::kind.eq(RECOVERY))
        .filter(payments::instrument_id.eq_any(ids))
        .order((payments::due_on.asc(), payments::id.asc()))
        .select((
            PaymentRow::as_select(),
            applications::reference,
            applications::region_id,
            organisations::name,
        ))
        .into_boxed();
    if let Some(i) = &r.query.instrument_id {
        query = query.filter(payments::instrument_id.eq(i.clone()));
    }
    if let Some(region) = &r.query.region_id {
        query = query.filter(applications::region_id.eq(region.clone()));
    }
    if let Some(from) = r.query.from {
        query = query.filter(payments::due_on.ge(from));
    }
    if let Some(to) = r.query.to {
        query = query.filter(payments::due_on.le(to));
    }
    let rows: Vec<(PaymentRow, String, String, String)> = query.load(conn)?;
    let mut out = Recoveries::default();
    for (p, application, region_id, organisation) in rows {
        match p.state.as_str() {
            PAID => out.received.add(p.amount_cents)?,
            SCHEDULED => out.open.add(p.amount_cents)?,
            _ => {}
        }
        out.lines.push(RecoveryLine {
            reference: p.reference,
            application,
            organisation,
            instrument_id: p.instrument_id,
            region_id,
            due_on: p.due_on,
            amount: money(p.amount_cents)?,
            state: p.state,
            received_on: p.settled_at.map(paid_on),
        });
    }
    Ok(out)
}
