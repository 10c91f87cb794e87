//! What the demo did, or what any database holds now: counts per instrument, budget
//! positions, the coverage of the implementation grants and the ledger check.

use std::collections::HashSet;

use diesel::prelude::*;
use subsidie_domain::ledger::BudgetPosition;
use subsidie_domain::lifecycle::State;
use subsidie_domain::lottery::Seed;
use subsidie_service::{budget, queries, Pool, ServiceError};
use subsidie_store::rows::{ApplicationRow, InstrumentRow};
use subsidie_store::schema::{allocation_runs, applications as application_rows};

use crate::read::connection;

/// The counts and the live budget position of one instrument.
#[derive(Debug, Clone)]
pub struct InstrumentSummary {
    /// The instrument with its stored budget position.
    pub instrument: InstrumentRow,
    /// Applications ever submitted (received).
    pub submitted: usize,
    /// Granted (*gehonoreerd*), including those accounted for, settled or closed since.
    pub honoured: usize,
    /// Of the honoured ones: settled (*vastgesteld*) or closed.
    pub settled: usize,
    /// Rejected, on review or because the waiting list closed.
    pub rejected: usize,
    /// On the waiting list now.
    pub waiting: usize,
    /// Submitted, reserved or under review: not yet decided.
    pub in_progress: usize,
    /// Allocation runs recorded for the instrument.
    pub allocation_runs: usize,
}

impl InstrumentSummary {
    /// The budget position (ceiling, reserved, granted, settled, paid, recovered).
    pub fn position(&self) -> Result<BudgetPosition, ServiceError> {
        budget::position_of(&self.instrument)
    }
}

/// How much of the country the implementation grants reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Regions in the programme.
    pub regions: usize,
    /// Their inhabitants.
    pub inhabitants: i64,
    /// Regions that submitted an application for an *uitvoeringssubsidie*.
    pub regions_applied: usize,
    /// Their inhabitants.
    pub inhabitants_applied: i64,
    /// Regions with an honoured *uitvoeringssubsidie*.
    pub regions_honoured: usize,
    /// Their inhabitants.
    pub inhabitants_honoured: i64,
}

impl Coverage {
    /// Share of the inhabitants in regions that applied, in tenths of a percent (rounded).
    pub fn applied_per_mille(&self) -> i64 {
        per_mille(self.inhabitants_applied, self.inhabitants)
    }

    /// Share of the inhabitants in regions with an honoured grant, in tenths of a percent.
    pub fn honoured_per_mille(&self) -> i64 {
        per_mille(self.inhabitants_honoured, self.inhabitants)
    }
}

fn per_mille(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    // Rounded half up; inhabitants are far below the range where this could overflow.
    (part.saturating_mul(2000) + whole) / whole.saturating_mul(2)
}

/// Tenths of a percent in Dutch notation: `979` → `"97,9%"`.
pub fn dutch_percent(per_mille: i64) -> String {
    format!("{},{}%", per_mille / 10, (per_mille % 10).abs())
}

/// What the demo did, or what a database holds now (see [`report`]).
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// Per instrument, in the programme's order (preparation, implementation, vouchers,
    /// research, then any others by code).
    pub instruments: Vec<InstrumentSummary>,
    /// Coverage of the *uitvoeringssubsidie*.
    pub coverage: Coverage,
    /// True when every instrument's ledger adds up to its stored position to the cent
    /// and `reserved + granted ≤ ceiling` holds ([`queries::check_ledger`]).
    pub ledger_ok: bool,
    /// The lottery seed the demo used; `None` for a [`report`] of an existing database.
    pub seed: Option<Seed>,
}

impl DemoReport {
    /// The summary of the instrument of `kind` (`uitvoering`, `onderzoek`, …).
    pub fn by_kind(&self, kind: &str) -> Option<&InstrumentSummary> {
        self.instruments.iter().find(|s| s.instrument.kind == kind)
    }
}

/// The number of applications in the database (drafts included).
pub fn application_count(pool: &Pool) -> Result<i64, ServiceError> {
    Ok(application_rows::table
        .count()
        .get_result::<i64>(&mut *connection(pool)?)?)
}

fn kind_order(kind: &str) -> usize {
    match kind {
        "voorbereiding" => 0,
        "uitvoering" => 1,
        "discipline-voucher" => 2,
        "onderzoek" => 3,
        _ => 4,
    }
}

fn is_honoured(state: &str) -> bool {
    [
        State::Granted,
        State::Reported,
        State::Settled,
        State::Closed,
    ]
    .iter()
    .any(|s| s.as_str() == state)
}

/// Counts, budget positions, coverage and the ledger check of the database as it is now.
/// Changes nothing.
pub fn report(pool: &Pool) -> Result<DemoReport, ServiceError> {
    let mut instruments = queries::instruments(pool)?;
    instruments.sort_by(|a, b| {
        kind_order(&a.kind)
            .cmp(&kind_order(&b.kind))
            .then_with(|| a.code.cmp(&b.code))
    });
    let regions = queries::regions(pool)?;
    // The connection goes back to the pool before the ledger check takes one.
    let (apps, runs) = {
        let mut conn = connection(pool)?;
        let apps: Vec<ApplicationRow> = application_rows::table
            .select(ApplicationRow::as_select())
            .load(&mut *conn)?;
        let runs: Vec<String> = allocation_runs::table
            .select(allocation_runs::instrument_id)
            .load(&mut *conn)?;
        (apps, runs)
    };

    let summaries = instruments
        .into_iter()
        .map(|instrument| {
            let mine: Vec<&ApplicationRow> = apps
                .iter()
                .filter(|a| a.instrument_id == instrument.id)
                .collect();
            let count = |states: &[State]| {
                mine.iter()
                    .filter(|a| states.iter().any(|s| s.as_str() == a.state))
                    .count()
            };
            InstrumentSummary {
                submitted: mine.iter().filter(|a| a.received_at.is_some()).count(),
                honoured: mine.iter().filter(|a| is_honoured(&a.state)).count(),
                settled: count(&[State::Settled, State::Closed]),
                rejected: count(&[State::Rejected]),
                waiting: count(&[State::WaitingList]),
                in_progress: count(&[
                    State::Submitted,
                    State::Reserved,
                    State::UnderReview,
                    State::SupplementRequested,
                ]),
                allocation_runs: runs.iter().filter(|r| **r == instrument.id).count(),
                instrument,
            }
        })
        .collect::<Vec<_>>();

    let implementation: HashSet<&str> = summaries
        .iter()
        .filter(|s| s.instrument.kind == "uitvoering")
        .map(|s| s.instrument.id.as_str())
        .collect();
    let implementation_apps = || {
        apps.iter()
            .filter(|a| implementation.contains(a.instrument_id.as_str()))
    };
    let applied: HashSet<&str> = implementation_apps()
        .filter(|a| a.received_at.is_some())
        .map(|a| a.region_id.as_str())
        .collect();
    let honoured: HashSet<&str> = implementation_apps()
        .filter(|a| is_honoured(&a.state))
        .map(|a| a.region_id.as_str())
        .collect();
    let inhabitants_of = |set: &HashSet<&str>| -> i64 {
        regions
            .iter()
            .filter(|r| set.contains(r.id.as_str()))
            .map(|r| r.inhabitants)
            .sum()
    };
    let coverage = Coverage {
        regions: regions.len(),
        inhabitants: regions.iter().map(|r| r.inhabitants).sum(),
        regions_applied: applied.len(),
        inhabitants_applied: inhabitants_of(&applied),
        regions_honoured: honoured.len(),
        inhabitants_honoured: inhabitants_of(&honoured),
    };

    let checks = queries::check_ledger(pool)?;
    let ledger_ok = !checks.is_empty() && checks.iter().all(|c| c.holds());
    Ok(DemoReport {
        instruments: summaries,
        coverage,
        ledger_ok,
        seed: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_in_dutch() {
        assert_eq!(per_mille(17_635, 18_010), 979);
        assert_eq!(dutch_percent(979), "97,9%");
        assert_eq!(dutch_percent(per_mille(1, 1)), "100,0%");
        assert_eq!(per_mille(1, 0), 0);
    }
}
