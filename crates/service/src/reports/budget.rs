//! The budget position of a programme per instrument, checked against the ledger and the
//! envelope.

use std::io::Write;

use subsidie_domain::ledger::BudgetPosition;
use subsidie_domain::Money;
use subsidie_finance::table::{Cell, TableFormat, TableWriter};
use subsidie_store::Pool;

use super::shared::{io_error, load_programme, programme_instruments, write_table};
use crate::access::require_finance_or_admin;
use crate::actor::Actor;
use crate::budget;
use crate::convert::money;
use crate::error::ServiceError;
use crate::tx;

/// Amounts of a budget position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amounts {
    /// The ceiling (*subsidieplafond*).
    pub ceiling: Money,
    /// Open reservations.
    pub reserved: Money,
    /// Grant commitments (settled grants at their settled amount).
    pub granted: Money,
    /// The settled part of `granted`.
    pub settled: Money,
    /// Paid out.
    pub paid: Money,
    /// Paid back.
    pub recovered: Money,
    /// `ceiling - reserved - granted`.
    pub available: Money,
}

impl Amounts {
    fn of(p: &BudgetPosition) -> Amounts {
        Amounts {
            ceiling: p.ceiling,
            reserved: p.reserved,
            granted: p.granted,
            settled: p.settled,
            paid: p.paid,
            recovered: p.recovered,
            available: p.available(),
        }
    }

    fn add(&mut self, o: &Amounts) -> Result<(), ServiceError> {
        self.ceiling = self.ceiling.checked_add(o.ceiling)?;
        self.reserved = self.reserved.checked_add(o.reserved)?;
        self.granted = self.granted.checked_add(o.granted)?;
        self.settled = self.settled.checked_add(o.settled)?;
        self.paid = self.paid.checked_add(o.paid)?;
        self.recovered = self.recovered.checked_add(o.recovered)?;
        self.available = self.available.checked_add(o.available)?;
        Ok(())
    }
}

/// One instrument's budget position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentBudget {
    /// Instrument code.
    pub instrument_id: String,
    /// Its name.
    pub name: String,
    /// The position stored on the instrument.
    pub amounts: Amounts,
    /// True when the stored position equals the sum of the ledger to the cent and the
    /// ceiling invariant holds.
    pub ledger_matches: bool,
    /// The sum of the ledger, shown only when it differs.
    pub from_ledger: Option<Amounts>,
}

/// The budget position of a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetReport {
    /// Programme code.
    pub programme_id: String,
    /// Its name.
    pub name: String,
    /// The envelope.
    pub envelope: Money,
    /// Per instrument.
    pub instruments: Vec<InstrumentBudget>,
    /// The sum over the instruments.
    pub total: Amounts,
    /// True when the ceilings and the commitments stay within the envelope.
    pub within_envelope: bool,
    /// True when every instrument's position equals its ledger.
    pub ledger_matches: bool,
}

/// The budget position of a programme, checked against the ledger.
pub fn budget_position(
    pool: &Pool,
    actor: &Actor,
    programme_id: &str,
) -> Result<BudgetReport, ServiceError> {
    require_finance_or_admin(actor, "de budgetpositie")?;
    tx::read(pool, |conn| {
        let programme = load_programme(conn, programme_id)?;
        let rows = programme_instruments(conn, &programme.id)?;
        let checks = budget::check_ledger(conn)?;
        let mut lines = Vec::with_capacity(rows.len());
        let mut total = Amounts::default();
        for row in &rows {
            let stored = budget::position_of(row)?;
            let amounts = Amounts::of(&stored);
            total.add(&amounts)?;
            let check = checks.iter().find(|c| c.instrument_id == row.id);
            let matches = check.is_some_and(|c| c.holds());
            lines.push(InstrumentBudget {
                instrument_id: row.id.clone(),
                name: row.name.clone(),
                amounts,
                ledger_matches: matches,
                from_ledger: if matches {
                    None
                } else {
                    check.map(|c| Amounts::of(&c.from_ledger))
                },
            });
        }
        let within_envelope = budget::check_envelope(programme.envelope_cents, &rows).is_ok();
        Ok(BudgetReport {
            programme_id: programme.id.clone(),
            name: programme.name.clone(),
            envelope: money(programme.envelope_cents)?,
            ledger_matches: lines.iter().all(|l| l.ledger_matches),
            instruments: lines,
            total,
            within_envelope,
        })
    })
}

/// The columns of the budget position as a table.
const COLUMNS: [&str; 10] = [
    "Instrument",
    "Naam",
    "Plafond",
    "Gereserveerd",
    "Verleend",
    "Vastgesteld",
    "Betaald",
    "Teruggevorderd",
    "Beschikbaar",
    "Grootboek klopt",
];

/// Writes the budget position as a table: one row per instrument and a total.
pub fn write_budget_position<W: Write>(
    pool: &Pool,
    actor: &Actor,
    programme_id: &str,
    format: TableFormat,
    out: W,
) -> Result<W, ServiceError> {
    let report = budget_position(pool, actor, programme_id)?;
    write_table((format, out), "Budgetpositie", &COLUMNS, |table| {
        for i in &report.instruments {
            amounts_row(
                table,
                (&i.instrument_id, &i.name),
                &i.amounts,
                i.ledger_matches,
            )?;
        }
        amounts_row(
            table,
            ("totaal", &report.name),
            &report.total,
            report.ledger_matches,
        )
    })
}

fn amounts_row<W: Write>(
    table: &mut TableWriter<W>,
    (code, name): (&str, &str),
    a: &Amounts,
    ledger_matches: bool,
) -> Result<(), ServiceError> {
    table
        .row(&[
            Cell::Text(code),
            Cell::Text(name),
            Cell::Money(a.ceiling.cents()),
            Cell::Money(a.reserved.cents()),
            Cell::Money(a.granted.cents()),
            Cell::Money(a.settled.cents()),
            Cell::Money(a.paid.cents()),
            Cell::Money(a.recovered.cents()),
            Cell::Money(a.available.cents()),
            Cell::Text(if ledger_matches { "ja" } else { "nee" }),
        ])
        .map_err(io_error)
}
