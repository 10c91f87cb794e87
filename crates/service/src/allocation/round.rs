//! Which round an allocation run places, and the budget that round may still use.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::lifecycle::State;
use subsidie_domain::programme::{dutch_wall_clock, round_budgets, AllocationPolicy, RoundConfig};
use subsidie_domain::Money;
use subsidie_store::rows::InstrumentRow;
use subsidie_store::schema::applications;
use subsidie_store::DbConnection;

use crate::error::ServiceError;

/// The round a run places, with what it may still reserve by its own ceiling (`None`:
/// only the instrument's ceiling applies).
pub(super) struct RunRound {
    pub(super) round: RoundConfig,
    pub(super) budget: Option<Money>,
}

/// The round to place: the one asked for, or else the earliest round with submitted
/// applications, or else the round open now, or else the last one that closed.
pub(super) fn choose(
    conn: &mut DbConnection,
    instrument: &InstrumentRow,
    asked: Option<&str>,
    policy: AllocationPolicy,
    now: DateTime<Utc>,
) -> Result<RunRound, ServiceError> {
    let rounds = crate::rounds::of(conn, instrument)?;
    let index = match asked {
        Some(code) => rounds.iter().position(|r| r.code == code).ok_or_else(|| {
            ServiceError::field(
                "ronde",
                format!(
                    "'{}' heeft geen ronde '{code}'; kies uit: {}",
                    instrument.name,
                    rounds
                        .iter()
                        .map(|r| r.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?,
        None => default_round(conn, instrument, &rounds, now)?,
    };
    let round = rounds[index].clone();
    if policy == AllocationPolicy::Ranking && !round.is_closed(now) {
        return Err(ServiceError::Conflict(format!(
            "'{}' wordt gerangschikt na sluiting van de ronde; ronde '{}' sluit op {} (Nederlandse tijd)",
            instrument.name,
            round.name,
            dutch_wall_clock(round.closes)
        )));
    }
    let committed = crate::rounds::committed(conn, &instrument.id, &rounds)?;
    let budget = round_budgets(&rounds, &committed)?
        .get(index)
        .copied()
        .flatten();
    Ok(RunRound { round, budget })
}

fn default_round(
    conn: &mut DbConnection,
    instrument: &InstrumentRow,
    rounds: &[RoundConfig],
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let waiting: Vec<Option<String>> = applications::table
        .filter(applications::instrument_id.eq(&instrument.id))
        .filter(applications::state.eq(State::Submitted.as_str()))
        .select(applications::round_code)
        .distinct()
        .load(conn)?;
    let with_submitted = rounds.iter().position(|r| {
        waiting
            .iter()
            .any(|w| w.as_deref() == Some(r.code.as_str()))
    });
    let open_now = rounds.iter().position(|r| r.accepts(now));
    let last_closed = rounds.iter().rposition(|r| r.is_closed(now));
    Ok(with_submitted.or(open_now).or(last_closed).unwrap_or(0))
}
