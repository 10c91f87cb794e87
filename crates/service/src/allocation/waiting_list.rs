//! Closing the waiting list: every application still on it is rejected because the
//! ceiling is reached (Awb 4:25), and no new application can be submitted.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::allocation as rules;
use subsidie_domain::lifecycle::{Command, State};
use subsidie_store::rows::ApplicationRow;
use subsidie_store::schema::instruments;
use subsidie_store::Pool;

use super::movement::move_app;
use super::queue::{in_state, load_for_move, require_admin};
use crate::actor::Actor;
use crate::budget;
use crate::error::ServiceError;
use crate::tx;

/// Closes the instrument's waiting list and rejects everyone on it.
pub fn close_waiting_list(
    pool: &Pool,
    actor: &Actor,
    instrument_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ApplicationRow>, ServiceError> {
    require_admin(actor)?;
    tx::write(pool, |conn| {
        let mut instrument = budget::lock(conn, instrument_id)?;
        diesel::update(instruments::table.find(instrument_id))
            .set(instruments::waitlist_closed.eq(true))
            .execute(conn)?;
        instrument.waitlist_closed = true;
        let waiting = in_state(conn, instrument_id, None, State::WaitingList)?;
        let references: Vec<String> = waiting.iter().map(|a| a.id.clone()).collect();
        let reasons = rules::close_waiting_list(&references);
        let mut closed = Vec::with_capacity(waiting.len());
        for (queued, (_, reason)) in waiting.iter().zip(reasons) {
            let mut app = load_for_move(conn, queued)?;
            let reason = Some(reason.to_owned());
            move_app(
                conn,
                &mut instrument,
                &mut app,
                Command::CloseWaitlist,
                actor,
                reason,
                now,
            )?;
            closed.push(app);
        }
        Ok(closed)
    })
}
