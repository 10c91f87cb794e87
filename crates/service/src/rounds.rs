//! The rounds of an instrument as stored: read as the domain's [`RoundConfig`], written
//! from a programme file, and what each round's applications hold of the budget.

use diesel::prelude::*;
use subsidie_domain::programme::{ApplicationWindow, RoundConfig};
use subsidie_domain::Money;
use subsidie_store::rows::{InstrumentRoundRow, InstrumentRow};
use subsidie_store::schema::{applications, instrument_rounds, ledger_entries};
use subsidie_store::{DbConnection, Pool};

use crate::convert::money;
use crate::error::ServiceError;
use crate::tx;

fn config(row: InstrumentRoundRow) -> Result<RoundConfig, ServiceError> {
    Ok(RoundConfig {
        code: row.code,
        name: row.name,
        opens: row.opens_local,
        closes: row.closes_local,
        ceiling: row.ceiling_cents.map(money).transpose()?,
        carry_over: row.carry_over,
        only_unfunded_in: row.only_unfunded_in,
    })
}

/// The instrument's rounds in order. An instrument stored without rounds (there should
/// be none since the rounds migration) has the one round of its window.
pub fn of(
    conn: &mut DbConnection,
    instrument: &InstrumentRow,
) -> Result<Vec<RoundConfig>, ServiceError> {
    let rows: Vec<InstrumentRoundRow> = instrument_rounds::table
        .filter(instrument_rounds::instrument_id.eq(&instrument.id))
        .order(instrument_rounds::position.asc())
        .select(InstrumentRoundRow::as_select())
        .load(conn)?;
    if rows.is_empty() {
        return Ok(vec![RoundConfig::single(ApplicationWindow {
            opens: instrument.opens_on,
            closes: instrument.closes_on,
        })]);
    }
    rows.into_iter().map(config).collect()
}

/// [`of`] in its own read transaction.
pub fn list(pool: &Pool, instrument: &InstrumentRow) -> Result<Vec<RoundConfig>, ServiceError> {
    tx::read(pool, |conn| of(conn, instrument))
}

fn row(instrument_id: &str, position: usize, round: &RoundConfig) -> InstrumentRoundRow {
    InstrumentRoundRow {
        instrument_id: instrument_id.to_owned(),
        code: round.code.clone(),
        position: i32::try_from(position + 1).unwrap_or(i32::MAX),
        name: round.name.clone(),
        opens_local: round.opens,
        closes_local: round.closes,
        ceiling_cents: round.ceiling.map(|m| m.cents()),
        carry_over: round.carry_over,
        only_unfunded_in: round.only_unfunded_in.clone(),
    }
}

/// Makes the stored rounds of `instrument_id` those given. A round that is no longer
/// given is removed, unless applications were submitted in it: then the change is
/// refused, because their round would be gone. Whether anything changed.
pub(crate) fn sync(
    conn: &mut DbConnection,
    instrument_id: &str,
    rounds: &[RoundConfig],
) -> Result<bool, ServiceError> {
    let wanted: Vec<InstrumentRoundRow> = rounds
        .iter()
        .enumerate()
        .map(|(i, r)| row(instrument_id, i, r))
        .collect();
    let stored: Vec<InstrumentRoundRow> = instrument_rounds::table
        .filter(instrument_rounds::instrument_id.eq(instrument_id))
        .order(instrument_rounds::position.asc())
        .select(InstrumentRoundRow::as_select())
        .load(conn)?;
    if stored == wanted {
        return Ok(false);
    }
    for gone in stored
        .iter()
        .filter(|s| !wanted.iter().any(|w| w.code == s.code))
    {
        let used: i64 = applications::table
            .filter(applications::instrument_id.eq(instrument_id))
            .filter(applications::round_code.eq(&gone.code))
            .count()
            .get_result(conn)?;
        if used > 0 {
            return Err(ServiceError::Conflict(format!(
                "regeling '{instrument_id}': ronde '{}' heeft {used} aanvraag/aanvragen en kan niet uit het programma verdwijnen; laat de ronde in het bestand staan (u mag haar naam en tijden aanpassen)",
                gone.code
            )));
        }
    }
    diesel::delete(
        instrument_rounds::table.filter(instrument_rounds::instrument_id.eq(instrument_id)),
    )
    .execute(conn)?;
    for r in &wanted {
        diesel::insert_into(instrument_rounds::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(true)
}

/// What the applications of each round hold now (reserved plus granted), in the order
/// of `rounds`, summed from the ledger so it agrees with the instrument's position.
pub(crate) fn committed(
    conn: &mut DbConnection,
    instrument_id: &str,
    rounds: &[RoundConfig],
) -> Result<Vec<Money>, ServiceError> {
    let mut out = Vec::with_capacity(rounds.len());
    for round in rounds {
        if round.ceiling.is_none() {
            // Only rounds with a ceiling of their own are limited by what they hold.
            out.push(Money::ZERO);
            continue;
        }
        let in_round = applications::table
            .filter(applications::instrument_id.eq(instrument_id))
            .filter(applications::round_code.eq(&round.code))
            .select(applications::id.nullable());
        let deltas: Vec<(i64, i64)> = ledger_entries::table
            .filter(ledger_entries::instrument_id.eq(instrument_id))
            .filter(ledger_entries::application_id.eq_any(in_round))
            .select((
                ledger_entries::reserved_delta,
                ledger_entries::granted_delta,
            ))
            .load(conn)?;
        let cents = deltas
            .iter()
            .try_fold(0i64, |acc, (r, g)| acc.checked_add(*r)?.checked_add(*g))
            .ok_or_else(|| ServiceError::Internal("ronde: bedragen te groot".to_owned()))?;
        out.push(money(cents.max(0))?);
    }
    Ok(out)
}

/// An instrument with its rounds, for showing both.
pub fn with_rounds(
    pool: &Pool,
    instrument: InstrumentRow,
) -> Result<(InstrumentRow, Vec<RoundConfig>), ServiceError> {
    let rounds = list(pool, &instrument)?;
    Ok((instrument, rounds))
}
