//! Coverage of a programme: the regions and inhabitants with an honoured *uitvoering*
//! grant, and applications and honourings per instrument.

use std::collections::BTreeSet;
use std::io::Write;

use diesel::prelude::*;
use rust_decimal::Decimal;
use subsidie_domain::lifecycle::State;
use subsidie_domain::programme::InstrumentKind;
use subsidie_domain::Money;
use subsidie_finance::table::{Cell, TableFormat};
use subsidie_store::rows::RegionRow;
use subsidie_store::schema::{applications, regions};
use subsidie_store::Pool;

use super::shared::{io_error, load_programme, programme_instruments, write_table};
use crate::actor::{Actor, Role};
use crate::convert::money;
use crate::error::ServiceError;
use crate::tx;

/// The states in which an application counts as honoured (granted and not waived).
pub const HONOURED: [State; 4] = [
    State::Granted,
    State::Reported,
    State::Settled,
    State::Closed,
];

fn honoured_names() -> Vec<&'static str> {
    HONOURED.iter().map(|s| s.as_str()).collect()
}

/// A region in the coverage report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRef {
    /// Region code.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Inhabitants.
    pub inhabitants: i64,
}

/// Applications and honourings of one instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentCoverage {
    /// Instrument code.
    pub instrument_id: String,
    /// Its name.
    pub name: String,
    /// Its kind (`uitvoering`, …).
    pub kind: String,
    /// Applications submitted (every state but draft).
    pub applications: i64,
    /// Applications honoured (granted and not waived).
    pub honoured: i64,
    /// Regions with at least one honoured application.
    pub regions_honoured: i64,
    /// The sum of the honoured grants.
    pub granted: Money,
}

/// Coverage of a programme: see the [module documentation](super).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageReport {
    /// Programme code.
    pub programme_id: String,
    /// Every region.
    pub regions: i64,
    /// Their inhabitants.
    pub inhabitants: i64,
    /// Regions with an honoured *uitvoering* grant.
    pub regions_covered: i64,
    /// Their inhabitants.
    pub inhabitants_covered: i64,
    /// Share of the regions, percent with one decimal.
    pub region_share_percent: Decimal,
    /// Share of the inhabitants, percent with one decimal.
    pub inhabitant_share_percent: Decimal,
    /// Regions without one.
    pub uncovered: Vec<RegionRef>,
    /// Per instrument.
    pub per_instrument: Vec<InstrumentCoverage>,
}

fn percent(part: i64, whole: i64) -> Decimal {
    if whole <= 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(part) * Decimal::from(100) / Decimal::from(whole)).round_dp(1)
}

/// The coverage report. Finance, administrators and reviewers may see it.
pub fn coverage(
    pool: &Pool,
    actor: &Actor,
    programme_id: &str,
) -> Result<CoverageReport, ServiceError> {
    if actor.role == Role::Applicant {
        return Err(ServiceError::Forbidden(
            "het dekkingsoverzicht is voor medewerkers van de financier".into(),
        ));
    }
    tx::read(pool, |conn| {
        let programme = load_programme(conn, programme_id)?;
        let rows = programme_instruments(conn, &programme.id)?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let apps: Vec<(String, String, String, i64)> = applications::table
            .filter(applications::instrument_id.eq_any(&ids))
            .filter(applications::state.ne(State::Draft.as_str()))
            .select((
                applications::instrument_id,
                applications::region_id,
                applications::state,
                applications::granted_cents,
            ))
            .load(conn)?;
        let honoured = honoured_names();
        let mut per_instrument = Vec::with_capacity(rows.len());
        let mut covered: BTreeSet<String> = BTreeSet::new();
        for row in &rows {
            let mut applied = 0;
            let mut granted_count = 0;
            let mut granted = Money::ZERO;
            let mut regions_honoured: BTreeSet<&str> = BTreeSet::new();
            for (instrument, region, state, cents) in &apps {
                if instrument != &row.id {
                    continue;
                }
                applied += 1;
                if honoured.contains(&state.as_str()) {
                    granted_count += 1;
                    granted = granted.checked_add(money(*cents)?)?;
                    regions_honoured.insert(region);
                    if row.kind == InstrumentKind::Implementation.as_str() {
                        covered.insert(region.clone());
                    }
                }
            }
            per_instrument.push(InstrumentCoverage {
                instrument_id: row.id.clone(),
                name: row.name.clone(),
                kind: row.kind.clone(),
                applications: applied,
                honoured: granted_count,
                regions_honoured: regions_honoured.len() as i64,
                granted,
            });
        }
        let all: Vec<RegionRow> = regions::table
            .order(regions::id)
            .select(RegionRow::as_select())
            .load(conn)?;
        let inhabitants: i64 = all.iter().map(|r| r.inhabitants).sum();
        let inhabitants_covered: i64 = all
            .iter()
            .filter(|r| covered.contains(&r.id))
            .map(|r| r.inhabitants)
            .sum();
        let regions_covered = all.iter().filter(|r| covered.contains(&r.id)).count() as i64;
        let uncovered = all
            .iter()
            .filter(|r| !covered.contains(&r.id))
            .map(|r| RegionRef {
                id: r.id.clone(),
                name: r.name.clone(),
                inhabitants: r.inhabitants,
            })
            .collect();
        Ok(CoverageReport {
            programme_id: programme.id.clone(),
            regions: all.len() as i64,
            inhabitants,
            regions_covered,
            inhabitants_covered,
            region_share_percent: percent(regions_covered, all.len() as i64),
            inhabitant_share_percent: percent(inhabitants_covered, inhabitants),
            uncovered,
            per_instrument,
        })
    })
}

/// The columns of the coverage as a table.
const COLUMNS: [&str; 7] = [
    "Instrument",
    "Naam",
    "Soort",
    "Aanvragen",
    "Gehonoreerd",
    "Regio's gehonoreerd",
    "Verleend",
];

/// Writes the coverage per instrument as a table, with a last row for the regions.
pub fn write_coverage<W: Write>(
    pool: &Pool,
    actor: &Actor,
    programme_id: &str,
    format: TableFormat,
    out: W,
) -> Result<W, ServiceError> {
    let report = coverage(pool, actor, programme_id)?;
    write_table((format, out), "Dekking", &COLUMNS, |table| {
        for i in &report.per_instrument {
            table
                .row(&[
                    Cell::Text(&i.instrument_id),
                    Cell::Text(&i.name),
                    Cell::Text(&i.kind),
                    Cell::Int(i.applications),
                    Cell::Int(i.honoured),
                    Cell::Int(i.regions_honoured),
                    Cell::Money(i.granted.cents()),
                ])
                .map_err(io_error)?;
        }
        let summary = format!(
            "{} van {} regio's ({}%), {} van {} inwoners ({}%) met een gehonoreerde uitvoeringssubsidie",
            report.regions_covered,
            report.regions,
            report.region_share_percent,
            report.inhabitants_covered,
            report.inhabitants,
            report.inhabitant_share_percent
        );
        table
            .row(&[Cell::Text("dekking"), Cell::Text(&summary)])
            .map_err(io_error)
    })
}
