//! Payments as finance sees them: one list of scheduled, running and finished payments
//! and recoveries, filtered and paged, for the API's `GET /betalingen`. Paying them is
//! the business of payment runs ([`crate::payments`]).

use diesel::prelude::*;
use subsidie_store::rows::PaymentRow;
use subsidie_store::schema::payments;
use subsidie_store::Pool;

use crate::actor::{Actor, Role};
use crate::error::ServiceError;
use crate::queries::MAX_PAGE;
use crate::tx;

/// The states a payment can be in.
pub const STATES: [&str; 5] = [
    "gepland",
    "in_betaalronde",
    "betaald",
    "mislukt",
    "geannuleerd",
];

/// Filters for listing payments; all optional.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    /// Only this state (one of [`STATES`]).
    pub state: Option<String>,
    /// Only this instrument.
    pub instrument_id: Option<String>,
    /// Only this application.
    pub application_id: Option<String>,
}

fn require(actor: &Actor, roles: &[Role], what: &str) -> Result<(), ServiceError> {
    if roles.contains(&actor.role) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Err(ServiceError::Forbidden(format!(
        "{what} is voorbehouden aan de rol {}; u bent {}",
        names.join(" of "),
        actor.role
    )))
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
    let limit = limit.clamp(1, MAX_PAGE);
    tx::read(pool, |conn| {
        let mut query = payments::table
            .select(PaymentRow::as_select())
            .order(payments::id.asc())
            .limit(limit)
            .into_boxed();
        if let Some(s) = &filter.state {
            query = query.filter(payments::state.eq(s.clone()));
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
