//! Read models: what the API and CLI show. Reads need no transaction of their own.

use chrono::NaiveDate;
use diesel::prelude::*;
use subsidie_domain::lifecycle::State;
use subsidie_store::rows::{
    ApplicationRow, DisciplineRow, HistoryRow, InstrumentRow, ObjectionRow, OutboxRow, PaymentRow,
    ProgrammeRow, RegionRow,
};
use subsidie_store::schema::{
    application_history, applications, disciplines, instruments, objections, outbox, payments,
    programmes, regions,
};
use subsidie_store::Pool;

use crate::access::load_visible;
use crate::actor::{Actor, Role};
use crate::application::awaiting_decision;
use crate::budget::{self, LedgerCheck};
use crate::error::ServiceError;
use crate::paging::page_size;
use crate::tx;

/// One application, if the actor may see it.
pub fn application(pool: &Pool, actor: &Actor, id: &str) -> Result<ApplicationRow, ServiceError> {
    tx::read(pool, |conn| load_visible(conn, actor, id))
}

/// Filters for listing applications; all optional.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// Only this instrument.
    pub instrument_id: Option<String>,
    /// Only this state.
    pub state: Option<State>,
    /// Only this region.
    pub region_id: Option<String>,
    /// On the day given: only the applications still awaiting their first decision
    /// whose decision term has passed (`true`, late), or only the others (`false`).
    pub overdue: Option<(bool, NaiveDate)>,
}

/// A page of applications the actor may see, in creation order, after the cursor `after`
/// (the last id of the previous page).
pub fn applications(
    pool: &Pool,
    actor: &Actor,
    filter: &ApplicationFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ApplicationRow>, ServiceError> {
    let limit = page_size(limit);
    tx::read(pool, |conn| {
        let mut query = applications::table
            .select(ApplicationRow::as_select())
            .order(applications::id.asc())
            .limit(limit)
            .into_boxed();
        if actor.role == Role::Applicant {
            let org = actor.organisation_id.clone().unwrap_or_default();
            query = query.filter(applications::organisation_id.eq(org));
        } else {
            query = query.filter(applications::state.ne(State::Draft.as_str()));
        }
        if let Some(i) = &filter.instrument_id {
            query = query.filter(applications::instrument_id.eq(i.clone()));
        }
        if let Some(s) = filter.state {
            query = query.filter(applications::state.eq(s.as_str()));
        }
        if let Some(r) = &filter.region_id {
            query = query.filter(applications::region_id.eq(r.clone()));
        }
        if let Some((late, today)) = filter.overdue {
            let awaiting = awaiting_decision();
            query = if late {
                query.filter(
                    applications::state
                        .eq_any(awaiting)
                        .and(applications::decision_due_on.lt(today)),
                )
            } else {
                query.filter(
                    applications::state
                        .ne_all(awaiting)
                        .or(applications::decision_due_on.ge(today))
                        .or(applications::decision_due_on.is_null()),
                )
            };
        }
        if let Some(a) = after {
            query = query.filter(applications::id.gt(a.to_owned()));
        }
        Ok(query.load(conn)?)
    })
}

/// The history of an application, oldest first.
pub fn history(pool: &Pool, actor: &Actor, id: &str) -> Result<Vec<HistoryRow>, ServiceError> {
    tx::read(pool, |conn| {
        load_visible(conn, actor, id)?;
        Ok(application_history::table
            .filter(application_history::application_id.eq(id))
            .order(application_history::id.asc())
            .select(HistoryRow::as_select())
            .load(conn)?)
    })
}

/// The payments (and recoveries) of an application.
pub fn payments_of(pool: &Pool, actor: &Actor, id: &str) -> Result<Vec<PaymentRow>, ServiceError> {
    tx::read(pool, |conn| {
        load_visible(conn, actor, id)?;
        Ok(payments::table
            .filter(payments::application_id.eq(id))
            .order(payments::created_at.asc())
            .select(PaymentRow::as_select())
            .load(conn)?)
    })
}

/// The objections lodged against an application's decisions.
pub fn objections_of(
    pool: &Pool,
    actor: &Actor,
    id: &str,
) -> Result<Vec<ObjectionRow>, ServiceError> {
    tx::read(pool, |conn| {
        load_visible(conn, actor, id)?;
        Ok(objections::table
            .filter(objections::application_id.eq(id))
            .order(objections::submitted_at.asc())
            .select(ObjectionRow::as_select())
            .load(conn)?)
    })
}

/// Every programme.
pub fn programmes(pool: &Pool) -> Result<Vec<ProgrammeRow>, ServiceError> {
    tx::read(pool, |conn| {
        Ok(programmes::table
            .order(programmes::id)
            .select(ProgrammeRow::as_select())
            .load(conn)?)
    })
}

/// Every instrument with its live budget position.
pub fn instruments(pool: &Pool) -> Result<Vec<InstrumentRow>, ServiceError> {
    tx::read(pool, |conn| {
        Ok(instruments::table
            .order(instruments::id)
            .select(InstrumentRow::as_select())
            .load(conn)?)
    })
}

/// One instrument.
pub fn instrument(pool: &Pool, id: &str) -> Result<InstrumentRow, ServiceError> {
    tx::read(pool, |conn| budget::load_instrument(conn, id))
}

/// Every region.
pub fn regions(pool: &Pool) -> Result<Vec<RegionRow>, ServiceError> {
    tx::read(pool, |conn| {
        Ok(regions::table
            .order(regions::id)
            .select(RegionRow::as_select())
            .load(conn)?)
    })
}

/// Every discipline.
pub fn disciplines(pool: &Pool) -> Result<Vec<DisciplineRow>, ServiceError> {
    tx::read(pool, |conn| {
        Ok(disciplines::table
            .order(disciplines::id)
            .select(DisciplineRow::as_select())
            .load(conn)?)
    })
}

/// The outbox, oldest first (for administrators and tests).
pub fn outbox(pool: &Pool) -> Result<Vec<OutboxRow>, ServiceError> {
    tx::read(pool, |conn| {
        Ok(outbox::table
            .order((outbox::created_at.asc(), outbox::id.asc()))
            .select(OutboxRow::as_select())
            .load(conn)?)
    })
}

/// Re-adds every instrument's ledger and compares it with the stored positions.
pub fn check_ledger(pool: &Pool) -> Result<Vec<LedgerCheck>, ServiceError> {
    tx::read(pool, budget::check_ledger)
}

/// How many applications await their first decision after their decision term passed
/// (before `today`): late decisions, for `/metrics`.
pub fn overdue_count(pool: &Pool, today: NaiveDate) -> Result<i64, ServiceError> {
    tx::read(pool, |conn| {
        Ok(applications::table
            .filter(applications::state.eq_any(awaiting_decision()))
            .filter(applications::decision_due_on.lt(today))
            .count()
            .get_result(conn)?)
    })
}
