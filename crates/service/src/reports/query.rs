//! What a disbursement report covers, checked against the database before it is read.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use subsidie_store::rows::{InstrumentRow, ProgrammeRow};
use subsidie_store::schema::{payment_runs, regions};
use subsidie_store::DbConnection;

use super::shared::{instants, load_programme, programme_instruments, Period};
use crate::error::{FieldError, ServiceError};

/// What a disbursement report covers; every filter is optional except the programme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisbursementQuery {
    /// The programme (its code).
    pub programme_id: String,
    /// First payment day (Amsterdam), included.
    pub from: Option<NaiveDate>,
    /// Last payment day (Amsterdam), included.
    pub to: Option<NaiveDate>,
    /// Only this instrument.
    pub instrument_id: Option<String>,
    /// Only this region.
    pub region_id: Option<String>,
    /// Only this payment run.
    pub run_id: Option<String>,
}

/// A checked query: the programme and its instruments, and the payment instants asked for.
pub(super) struct Resolved {
    pub(super) programme: ProgrammeRow,
    pub(super) instruments: Vec<InstrumentRow>,
    pub(super) period: Option<(NaiveDateTime, NaiveDateTime)>,
    pub(super) query: DisbursementQuery,
}

/// The value of `result`, or `None` with its validation errors added to `errors`; any other
/// error ends the check.
fn gather<T>(
    result: Result<T, ServiceError>,
    errors: &mut Vec<FieldError>,
) -> Result<Option<T>, ServiceError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(ServiceError::Validation(mut e)) => {
            errors.append(&mut e);
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// Checks a query and names every problem at once: the programme, the period, then the
/// instrument, region and run.
pub(super) fn resolve(
    conn: &mut DbConnection,
    q: &DisbursementQuery,
) -> Result<Resolved, ServiceError> {
    let mut errors = Vec::new();
    let programme = gather(load_programme(conn, &q.programme_id), &mut errors)?;
    if let (Some(from), Some(to)) = (q.from, q.to) {
        gather(Period::new(from, to), &mut errors)?;
    }
    let period = (q.from.is_some() || q.to.is_some()).then(|| instants(q.from, q.to));
    let instruments = match &programme {
        Some(p) => programme_instruments(conn, &p.id)?,
        None => Vec::new(),
    };
    if let (Some(p), Some(i)) = (&programme, &q.instrument_id) {
        if !instruments.iter().any(|r| &r.id == i) {
            errors.push(FieldError::new(
                "instrument",
                format!(
                    "onbekend instrument '{i}' in programma '{}'; zie /instrumenten voor de codes",
                    p.id
                ),
            ));
        }
    }
    if let Some(r) = &q.region_id {
        if regions::table.find(r).count().get_result::<i64>(conn)? == 0 {
            errors.push(FieldError::new(
                "regio",
                format!("onbekende regio '{r}'; zie /regios voor de codes"),
            ));
        }
    }
    if let Some(run) = &q.run_id {
        if payment_runs::table
            .find(run)
            .count()
            .get_result::<i64>(conn)?
            == 0
        {
            errors.push(FieldError::new(
                "betaalronde",
                format!("onbekende betaalronde '{run}'; zie /betaalrondes"),
            ));
        }
    }
    match programme {
        Some(programme) if errors.is_empty() => Ok(Resolved {
            programme,
            instruments,
            period,
            query: q.clone(),
        }),
        _ => Err(ServiceError::Validation(errors)),
    }
}
