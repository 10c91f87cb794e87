//! Changes to a running programme by an administrator, each one transaction with its
//! history row (who, when, old → new, why): a new ceiling, an instrument's window opened,
//! extended or closed, an instrument added. The rules are the domain's
//! (`subsidie_domain::programme_change`); this module reads the current values, locks
//! the budget row where money is involved, and records.

mod history;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines::amsterdam_date;
use subsidie_domain::programme::{
    ApplicationWindow, ConfigError, InstrumentConfig, Period, RoundConfig,
};
use subsidie_domain::programme_change::{
    changed_window, check_ceiling, CeilingContext, ChangeError, WindowChange, WindowContext,
};
use subsidie_domain::Money;
use subsidie_store::rows::{InstrumentRow, ProgrammeRow};
use subsidie_store::schema::{disciplines, instruments, programmes};
use subsidie_store::{DbConnection, Pool};

pub use history::{history, ChangeKind};
pub use subsidie_store::programme_changes::ProgrammeChangeRow;

use crate::access;
use crate::actor::{Actor, Role};
use crate::convert::money;
use crate::error::ServiceError;
use crate::tx;
use history::{record, Change};

const ONLY_ADMIN: &str =
    "een programma wijzigen (plafond, openstelling, instrumenten) mag alleen een beheerder";

/// Sets an instrument's ceiling; refused below what is reserved and granted, and beyond
/// the programme's envelope.
pub fn change_ceiling(
    pool: &Pool,
    actor: &Actor,
    instrument_id: &str,
    ceiling: Money,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<InstrumentRow, ServiceError> {
    access::only(actor, Role::Admin, ONLY_ADMIN)?;
    tx::write(pool, |conn| {
        let row = crate::budget::lock(conn, instrument_id)?;
        let programme = programme_of(conn, &row.programme_id)?;
        let others = siblings(conn, &row)?;
        let ctx = CeilingContext {
            instrument: &row.code,
            committed: money(row.reserved_cents)?.checked_add(money(row.granted_cents)?)?,
            max_amount: money(row.max_cents)?,
            other_ceilings: Money::sum(
                others
                    .iter()
                    .map(|r| money(r.ceiling_cents))
                    .collect::<Result<Vec<_>, _>>()?,
            )?,
            envelope: money(programme.envelope_cents)?,
        };
        check_ceiling(&ctx, ceiling).map_err(refusal)?;
        let old = money(row.ceiling_cents)?;
        diesel::update(instruments::table.find(&row.id))
            .set(instruments::ceiling_cents.eq(ceiling.cents()))
            .execute(conn)?;
        record(
            conn,
            actor,
            Change {
                programme_id: &row.programme_id,
                instrument_id: &row.id,
                kind: ChangeKind::Ceiling,
                old: Some(old.to_string()),
                new: ceiling.to_string(),
                reason,
            },
            now,
        )?;
        crate::budget::load_instrument(conn, &row.id)
    })
}

/// Opens, extends or closes an instrument's window (Amsterdam dates, ends included).
pub fn change_window(
    pool: &Pool,
    actor: &Actor,
    instrument_id: &str,
    change: WindowChange,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<InstrumentRow, ServiceError> {
    access::only(actor, Role::Admin, ONLY_ADMIN)?;
    tx::write(pool, |conn| {
        let row = crate::budget::load_instrument(conn, instrument_id)?;
        let programme = programme_of(conn, &row.programme_id)?;
        let current = ApplicationWindow {
            opens: row.opens_on,
            closes: row.closes_on,
        };
        let ctx = WindowContext {
            instrument: &row.code,
            current,
            period: Period {
                starts: programme.starts_on,
                ends: programme.ends_on,
            },
            accounting_deadline: row.accounting_deadline,
            today: amsterdam_date(now),
        };
        let window = changed_window(&ctx, change).map_err(refusal)?;
        let rounds = crate::rounds::of(conn, &row)?;
        let [only] = rounds.as_slice() else {
            return Err(ServiceError::Conflict(format!(
                "'{}' heeft {} rondes, elk met een eigen openstelling; één openstelling wijzigen kan dan niet: pas de tijden van de rondes aan in het programmabestand en laad het opnieuw (subsidie seed)",
                row.name,
                rounds.len()
            )));
        };
        // One round: its window is the instrument's, in whole days as this change gives.
        let mut whole_days = RoundConfig::single(window);
        whole_days.code.clone_from(&only.code);
        whole_days.name.clone_from(&only.name);
        whole_days.ceiling = only.ceiling;
        crate::rounds::sync(conn, &row.id, &[whole_days])?;
        diesel::update(instruments::table.find(&row.id))
            .set((
                instruments::opens_on.eq(window.opens),
                instruments::closes_on.eq(window.closes),
            ))
            .execute(conn)?;
        record(
            conn,
            actor,
            Change {
                programme_id: &row.programme_id,
                instrument_id: &row.id,
                kind: ChangeKind::Window,
                old: Some(window_text(current)),
                new: window_text(window),
                reason,
            },
            now,
        )?;
        crate::budget::load_instrument(conn, &row.id)
    })
}

/// Adds an instrument to a programme, checked as a programme file would be and within
/// the envelope, with a zero budget position.
pub fn add_instrument(
    pool: &Pool,
    actor: &Actor,
    programme_id: &str,
    config: &InstrumentConfig,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<InstrumentRow, ServiceError> {
    access::only(actor, Role::Admin, ONLY_ADMIN)?;
    tx::write(pool, |conn| {
        let programme = programme_of(conn, programme_id)?;
        let period = Period {
            starts: programme.starts_on,
            ends: programme.ends_on,
        };
        let disciplines_defined = disciplines::table.count().get_result::<i64>(conn)? > 0;
        config
            .check(&period, disciplines_defined)
            .map_err(|errors| {
                ServiceError::Validation(
                    errors
                        .iter()
                        .map(|e| crate::FieldError::new(field_of(e), e.to_string()))
                        .collect(),
                )
            })?;
        let taken: Option<String> = instruments::table
            .find(&config.code)
            .select(instruments::programme_id)
            .first(conn)
            .optional()?;
        if let Some(owner) = taken {
            return Err(ServiceError::Conflict(format!(
                "er is al een instrument met de code '{}' (in programma '{owner}'); kies een andere code",
                config.code
            )));
        }
        let existing: Vec<i64> = instruments::table
            .filter(instruments::programme_id.eq(programme_id))
            .select(instruments::ceiling_cents)
            .load(conn)?;
        let ctx = CeilingContext {
            instrument: &config.code,
            committed: Money::ZERO,
            max_amount: config.amount.max(),
            other_ceilings: Money::sum(
                existing
                    .into_iter()
                    .map(money)
                    .collect::<Result<Vec<_>, _>>()?,
            )?,
            envelope: money(programme.envelope_cents)?,
        };
        check_ceiling(&ctx, config.ceiling).map_err(refusal)?;
        let row = crate::seed::instrument_row(programme_id, config);
        diesel::insert_into(instruments::table)
            .values(&row)
            .execute(conn)?;
        crate::rounds::sync(conn, &row.id, &config.rounds)?;
        record(
            conn,
            actor,
            Change {
                programme_id,
                instrument_id: &row.id,
                kind: ChangeKind::InstrumentAdded,
                old: None,
                new: format!(
                    "{} (plafond {}, openstelling {})",
                    config.name,
                    config.ceiling.to_dutch(),
                    window_text(config.window)
                ),
                reason,
            },
            now,
        )?;
        Ok(row)
    })
}

/// The field of a new instrument (as the API and the portal name it) that a problem of
/// its configuration is about, so a form shows the message next to that field;
/// `instrument` for a problem of the whole.
fn field_of(problem: &ConfigError) -> &'static str {
    let amount = |key: &str| match key {
        "min" => "minimumBedrag",
        "max" => "maximumBedrag",
        _ => "vastBedrag",
    };
    match problem {
        ConfigError::CeilingNotPositive { .. } => "plafond",
        ConfigError::AmountNotPositive { key, .. }
        | ConfigError::AmountAboveCeiling { key, .. } => amount(key),
        ConfigError::MinAboveMax { .. } => "minimumBedrag",
        ConfigError::AdvanceTooHigh { .. } => "voorschotPercentage",
        ConfigError::WindowReversed { .. } => "openTotEnMet",
        ConfigError::WindowOutsidePeriod { .. } => "openVanaf",
        ConfigError::DecisionTermZero { .. } => "beslistermijnWeken",
        ConfigError::SupplementTermZero { .. } => "aanvultermijnDagen",
        ConfigError::FourEyesNegative { .. } => "vierOgenBoven",
        ConfigError::AccountingBeforeWindowCloses { .. } => "verantwoordingUiterlijk",
        ConfigError::DisciplinesMissing { .. } => "uniek",
        ConfigError::EmptyCode { .. } | ConfigError::InvalidCode { .. } => "code",
        ConfigError::EmptyName { .. } => "naam",
        _ => "instrument",
    }
}

/// `2026-12-01 tot en met 2026-12-31`, as the history shows a window.
fn window_text(w: ApplicationWindow) -> String {
    format!("{} tot en met {}", w.opens, w.closes)
}

fn programme_of(conn: &mut DbConnection, id: &str) -> Result<ProgrammeRow, ServiceError> {
    programmes::table
        .find(id)
        .select(ProgrammeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound {
            what: "programma",
            id: id.to_owned(),
        })
}

fn siblings(
    conn: &mut DbConnection,
    row: &InstrumentRow,
) -> Result<Vec<InstrumentRow>, ServiceError> {
    Ok(instruments::table
        .filter(instruments::programme_id.eq(&row.programme_id))
        .filter(instruments::id.ne(&row.id))
        .select(InstrumentRow::as_select())
        .load(conn)?)
}

/// A refused change: against what is committed or already so, a conflict (409); a value
/// that is wrong in itself, a field error (400).
fn refusal(err: ChangeError) -> ServiceError {
    let field = match &err {
        ChangeError::CeilingBelowCommitted { .. }
        | ChangeError::CeilingsExceedEnvelope { .. }
        | ChangeError::AlreadyClosed { .. } => return ServiceError::Conflict(err.to_string()),
        ChangeError::CeilingNotPositive { .. } | ChangeError::CeilingBelowMaximum { .. } => {
            "plafond"
        }
        _ => "openstelling",
    };
    ServiceError::field(field, err.to_string())
}
