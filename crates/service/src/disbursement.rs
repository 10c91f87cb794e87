//! Payments as finance sees them: one list of scheduled, running and finished payments
//! and recoveries, filtered and paged, for the API's `GET /betalingen`. Paying them is
//! the business of payment runs ([`crate::payments`]).

use diesel::prelude::*;
use subsidie_domain::payment::PaymentState;
use subsidie_store::rows::PaymentRow;
use subsidie_store::schema::payments;
use subsidie_store::Pool;

use crate::access::require;
use crate::actor::{Actor, Role};
use crate::error::ServiceError;
use crate::paging::page_size;
use crate::tx;

/// Filters for listing payments; all optional.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    /// Only this state.
    pub state: Option<PaymentState>,
    /// Only this instrument.
    pub instrument_id: Option<String>,
    /// Only this application.
    pub application_id: Option<String>,
}

/// A page of payments for finance and administrators, in creation order, after the
/// cursor `after` (the last id of the previous page).
pub fn payments(
    pool: &Pool,
    actor: &Actor,
    filter: &PaymentFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<PaymentRow>, ServiceError> {
    require(
        actor,
        &[Role::Finance, Role::Admin],
        "het betalingsoverzicht",
    )?;
    let limit = page_size(limit);
    tx::read(pool, |conn| {
        let mut query = payments::table
            .select(PaymentRow::as_select())
            .order(payments::id.asc())
            .limit(limit)
            .into_boxed();
        if let Some(s) = filter.state {
            query = query.filter(payments::state.eq(s.as_str()));
        }
        if let Some(i) = &filter.instrument_id {
            query = query.filter(payments::instrument_id.eq(i.clone()));
        }
        if let Some(a) = &filter.application_id {
            query = query.filter(payments::application_id.eq(a.clone()));
        }
        if let Some(a) = after {
            query = query.filter(payments::id.gt(a.to_owned()));
        }
        Ok(query.load(conn)?)
    })
}
