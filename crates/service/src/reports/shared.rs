//! What the reports share: the programme they cover, periods of Amsterdam days, counts with
//! amounts, and starting a table.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use subsidie_domain::deadlines;
use subsidie_domain::Money;
use subsidie_finance::table::{TableFormat, TableWriter};
use subsidie_store::rows::{InstrumentRow, ProgrammeRow};
use subsidie_store::schema::{instruments, programmes};
use subsidie_store::DbConnection;

use crate::convert::money;
use crate::error::ServiceError;

/// A period of Amsterdam calendar days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// A period; refused when it ends before it starts.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, ServiceError> {
        if to < from {
            return Err(ServiceError::field(
                "periode",
                format!(
                    "de periode eindigt ({to}) vóór ze begint ({from}); geef een einddatum op of na de begindatum"
                ),
            ));
        }
        Ok(Period { from, to })
    }
}

/// The instants (UTC) from the start of `from` up to, not including, the day after `to`;
/// an end left open reaches as far as time goes.
pub(super) fn instants(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (NaiveDateTime, NaiveDateTime) {
    let start_of = |d: NaiveDate| deadlines::start_of_day_utc(d).naive_utc();
    let start = from.map_or(NaiveDateTime::MIN, start_of);
    let end = to
        .and_then(|d| d.succ_opt())
        .map_or(NaiveDateTime::MAX, start_of);
    (start, end)
}

/// The Amsterdam day of a payment booked at `at` (UTC).
pub(super) fn paid_on(at: NaiveDateTime) -> NaiveDate {
    deadlines::amsterdam_date(at.and_utc())
}

/// A count and an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Total {
    /// How many.
    pub count: i64,
    /// How much.
    pub amount: Money,
}

impl Total {
    pub(super) fn add(&mut self, cents: i64) -> Result<(), ServiceError> {
        self.count += 1;
        self.amount = self.amount.checked_add(money(cents)?)?;
        Ok(())
    }
}

/// One group of a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group's code: run id, instrument code, region code or month (`2025-03`).
    pub key: String,
    /// A readable name, where there is one.
    pub name: Option<String>,
    /// Count and amount.
    pub total: Total,
}

/// The groups of a summary in key order, each with its name.
pub(super) fn groups(
    map: BTreeMap<String, Total>,
    name: impl Fn(&str) -> Option<String>,
) -> Vec<Group> {
    map.into_iter()
        .map(|(key, total)| Group {
            name: name(&key),
            key,
            total,
        })
        .collect()
}

/// The programme, or a refusal naming the field `programma`.
pub(super) fn load_programme(
    conn: &mut DbConnection,
    id: &str,
) -> Result<ProgrammeRow, ServiceError> {
    programmes::table
        .find(id)
        .select(ProgrammeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ServiceError::field(
                "programma",
                format!("onbekend programma '{id}'; zie /programmas voor de codes"),
            )
        })
}

/// The instruments of a programme, by code.
pub(super) fn programme_instruments(
    conn: &mut DbConnection,
    programme_id: &str,
) -> Result<Vec<InstrumentRow>, ServiceError> {
    Ok(instruments::table
        .filter(instruments::programme_id.eq(programme_id))
        .order(instruments::id)
        .select(InstrumentRow::as_select())
        .load(conn)?)
}

/// Writes one table: the sheet with its header row, then what `rows` writes; returns `out`.
pub(super) fn write_table<W: Write>(
    (format, out): (TableFormat, W),
    sheet: &str,
    headers: &[&str],
    rows: impl FnOnce(&mut TableWriter<W>) -> Result<(), ServiceError>,
) -> Result<W, ServiceError> {
    let mut table = TableWriter::start(format, out, sheet, headers).map_err(io_error)?;
    rows(&mut table)?;
    table.finish().map_err(io_error)
}

/// A failed write of a report file.
pub(super) fn io_error(e: std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("schrijven van het bestand mislukt: {e}"))
}
