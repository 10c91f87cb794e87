//! Finance reports: disbursements, the budget position and the coverage of the regions.
//!
//! Each report is a plain struct that serialises to JSON (Dutch field names, amounts as
//! strings with two decimals) and can be written as a file (CSV for Dutch spreadsheets or
//! XLSX, [`TableFormat`]). The disbursement file lists every payment and is streamed from
//! the database in pages, so its memory does not grow with the number of payments; the
//! summaries are computed in the same single pass and keep one entry per group only.
//!
//! - **Disbursements** ([`disbursements`], [`write_disbursements`]): advances and
//!   remainders paid out (state `betaald`), per payment run, instrument, region and month
//!   (Amsterdam calendar), optionally within a period of payment dates and for one
//!   instrument, region or run; recoveries are listed apart, they are receivables.
//! - **Budget position** ([`budget_position`], [`write_budget_position`]): per instrument
//!   ceiling, reserved, granted, settled, paid, recovered and available, with the check
//!   that each stored position equals the sum of its ledger to the cent
//!   ([`crate::budget::check_ledger`]) and that the programme stays within its envelope.
//! - **Coverage** ([`coverage`], [`write_coverage`]): how many regions, and which share
//!   of the inhabitants, have an honoured *uitvoering* grant (the letters' "98% of the
//!   Netherlands"); applications and honourings per instrument.
//!
//! An unknown programme, instrument, region or run, or a period that ends before it
//! starts, is a validation error naming the field and the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::State;
use subsidie_domain::programme::InstrumentKind;
use subsidie_domain::Money;
use subsidie_finance::table::{Cell, TableFormat, TableWriter};
use subsidie_store::rows::{InstrumentRow, PaymentRow, ProgrammeRow, RegionRow};
use subsidie_store::schema::{
    applications, instruments, organisations, payment_runs, payments, programmes, regions,
};
use subsidie_store::{DbConnection, Pool};

use crate::access::require_finance_or_admin;
use crate::actor::{Actor, Role};
use crate::budget;
use crate::convert::money;
use crate::error::{FieldError, ServiceError};
use crate::paging::PAGE;
use subsidie_domain::payment::{PaymentKind, PaymentState};

const PAID: &str = PaymentState::Paid.as_str();
const SCHEDULED: &str = PaymentState::Scheduled.as_str();
const RECOVERY: &str = PaymentKind::Recovery.as_str();
const TRANSFER_KINDS: [&str; 2] = PaymentKind::transfer_names();
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

/// A period of Amsterdam calendar days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day (`van`).
    #[serde(rename = "van")]
    pub from: NaiveDate,
    /// Last day (`tot_en_met`).
    #[serde(rename = "tot_en_met")]
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

    fn bounds(self) -> (NaiveDateTime, NaiveDateTime) {
        let start = deadlines::start_of_day_utc(self.from).naive_utc();
        let end = self.to.succ_opt().map_or(NaiveDateTime::MAX, |d| {
            deadlines::start_of_day_utc(d).naive_utc()
        });
        (start, end)
    }
}

/// A count and an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Total {
    /// How many.
    #[serde(rename = "aantal")]
    pub count: i64,
    /// How much.
    #[serde(rename = "bedrag")]
    pub amount: Money,
}

impl Total {
    fn add(&mut self, cents: i64) -> Result<(), ServiceError> {
        self.count += 1;
        self.amount = self.amount.checked_add(money(cents)?)?;
        Ok(())
    }
}

/// One group of a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The group's code: run id, instrument code, region code or month (`2025-03`).
    #[serde(rename = "sleutel")]
    pub key: String,
    /// A readable name, where there is one.
    #[serde(rename = "naam", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Count and amount.
    #[serde(flatten)]
    pub total: Total,
}

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

/// One recovery (*terugvordering*) in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryLine {
    /// The recovery's reference.
    #[serde(rename = "referentie")]
    pub reference: String,
    /// The application's reference.
    #[serde(rename = "aanvraag")]
    pub application: String,
    /// The organisation that pays back.
    #[serde(rename = "organisatie")]
    pub organisation: String,
    /// Instrument code.
    #[serde(rename = "instrument")]
    pub instrument_id: String,
    /// Region code.
    #[serde(rename = "regio")]
    pub region_id: String,
    /// When it is due.
    #[serde(rename = "vervaldatum")]
    pub due_on: NaiveDate,
    /// The amount.
    #[serde(rename = "bedrag")]
    pub amount: Money,
    /// `gepland` (open), `betaald` (received) or `geannuleerd`.
    #[serde(rename = "status")]
    pub state: String,
    /// The day it was received (Amsterdam), if it was.
    #[serde(rename = "ontvangen_op")]
    pub received_on: Option<NaiveDate>,
}

/// Recoveries of the programme (due within the period, when one is given).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Recoveries {
    /// Still to be paid back.
    pub open: Total,
    /// Paid back.
    #[serde(rename = "ontvangen")]
    pub received: Total,
    /// Every recovery.
    #[serde(rename = "regels")]
    pub lines: Vec<RecoveryLine>,
}

/// Disbursements of a programme: see the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisbursementReport {
    /// Programme code.
    #[serde(rename = "programma")]
    pub programme_id: String,
    /// First payment day, if limited.
    #[serde(rename = "van")]
    pub from: Option<NaiveDate>,
    /// Last payment day, if limited.
    #[serde(rename = "tot_en_met")]
    pub to: Option<NaiveDate>,
    /// Every payment paid out.
    #[serde(rename = "totaal")]
    pub total: Total,
    /// Per payment run (`zonder-betaalronde` for payments booked one by one).
    #[serde(rename = "per_betaalronde")]
    pub per_run: Vec<Group>,
    /// Per instrument.
    #[serde(rename = "per_instrument")]
    pub per_instrument: Vec<Group>,
    /// Per region.
    #[serde(rename = "per_regio")]
    pub per_region: Vec<Group>,
    /// Per month of payment (Amsterdam).
    #[serde(rename = "per_maand")]
    pub per_month: Vec<Group>,
    /// Recoveries, apart: they are receivables, not disbursements.
    #[serde(rename = "terugvorderingen")]
    pub recoveries: Recoveries,
}

/// The key for payments booked without a run.
pub const NO_RUN: &str = "zonder-betaalronde";

fn load_programme(conn: &mut DbConnection, id: &str) -> Result<ProgrammeRow, ServiceError> {
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

fn programme_instruments(
    conn: &mut DbConnection,
    programme_id: &str,
) -> Result<Vec<InstrumentRow>, ServiceError> {
    Ok(instruments::table
        .filter(instruments::programme_id.eq(programme_id))
        .order(instruments::id)
        .select(InstrumentRow::as_select())
        .load(conn)?)
}

/// A checked query: every problem at once.
struct Resolved {
    programme: ProgrammeRow,
    instruments: Vec<InstrumentRow>,
    period: Option<(NaiveDateTime, NaiveDateTime)>,
    query: DisbursementQuery,
}

fn resolve(conn: &mut DbConnection, q: &DisbursementQuery) -> Result<Resolved, ServiceError> {
    let mut errors = Vec::new();
    let programme = match load_programme(conn, &q.programme_id) {
        Ok(p) => Some(p),
        Err(ServiceError::Validation(mut e)) => {
            errors.append(&mut e);
            None
        }
        Err(other) => return Err(other),
    };
    let mut period = None;
    match (q.from, q.to) {
        (Some(from), Some(to)) => match Period::new(from, to) {
            Ok(p) => period = Some(p.bounds()),
            Err(ServiceError::Validation(mut e)) => errors.append(&mut e),
            Err(other) => return Err(other),
        },
        (Some(from), None) => {
            period = Some((
                deadlines::start_of_day_utc(from).naive_utc(),
                NaiveDateTime::MAX,
            ))
        }
        (None, Some(to)) => {
            let end = to.succ_opt().map_or(NaiveDateTime::MAX, |d| {
                deadlines::start_of_day_utc(d).naive_utc()
            });
            period = Some((NaiveDateTime::MIN, end));
        }
        (None, None) => {}
    }
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
        let exists = regions::table.find(r).count().get_result::<i64>(conn)? > 0;
        if !exists {
            errors.push(FieldError::new(
                "regio",
                format!("onbekende regio '{r}'; zie /regios voor de codes"),
            ));
        }
    }
    if let Some(run) = &q.run_id {
        let exists = payment_runs::table
            .find(run)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
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

/// One paid payment as the disbursement report reads it.
struct Line {
    reference: String,
    kind: String,
    amount_cents: i64,
    settled_at: NaiveDateTime,
    run_id: Option<String>,
    application: String,
    instrument_id: String,
    region_id: String,
    organisation: String,
}

type LineTuple = (
    String,
    String,
    String,
    i64,
    Option<NaiveDateTime>,
    Option<String>,
    String,
    String,
    String,
    String,
);

/// Calls `f` for every paid advance or remainder matching the query, in id order, reading
/// [`PAGE`] rows at a time.
fn for_each_disbursement(
    conn: &mut DbConnection,
    r: &Resolved,
    mut f: impl FnMut(&Line) -> Result<(), ServiceError>,
) -> Result<(), ServiceError> {
    let mut after = String::new();
    loop {
        let mut query = payments::table
            .inner_join(
                applications::table
                    .inner_join(instruments::table)
                    .inner_join(organisations::table),
            )
            .filter(instruments::programme_id.eq(&r.programme.id))
            .filter(payments::state.eq(PAID))
            .filter(payments::kind.eq_any(TRANSFER_KINDS))
            .filter(payments::id.gt(after.clone()))
            .order(payments::id.asc())
            .limit(PAGE)
            .select((
                payments::id,
                payments::reference,
                payments::kind,
                payments::amount_cents,
                payments::settled_at,
                payments::run_id,
                applications::reference,
                payments::instrument_id,
                applications::region_id,
                organisations::name,
            ))
            .into_boxed();
        if let Some((start, end)) = r.period {
            query = query
                .filter(payments::settled_at.ge(start))
                .filter(payments::settled_at.lt(end));
        }
        if let Some(i) = &r.query.instrument_id {
            query = query.filter(payments::instrument_id.eq(i.clone()));
        }
        if let Some(region) = &r.query.region_id {
            query = query.filter(applications::region_id.eq(region.clone()));
        }
        if let Some(run) = &r.query.run_id {
            query = query.filter(payments::run_id.eq(run.clone()));
        }
        let page: Vec<LineTuple> = query.load(conn)?;
        let Some(last) = page.last() else { break };
        after = last.0.clone();
        for t in page {
            let line = Line {
                reference: t.1,
                kind: t.2,
                amount_cents: t.3,
                settled_at: t.4.ok_or_else(|| {
                    ServiceError::Internal("betaalde betaling zonder betaaldatum".into())
                })?,
                run_id: t.5,
                application: t.6,
                instrument_id: t.7,
                region_id: t.8,
                organisation: t.9,
            };
            f(&line)?;
        }
    }
    Ok(())
}

fn paid_on(at: NaiveDateTime) -> NaiveDate {
    deadlines::amsterdam_date(at.and_utc())
}

fn groups(map: BTreeMap<String, Total>, name: impl Fn(&str) -> Option<String>) -> Vec<Group> {
    map.into_iter()
        .map(|(key, total)| Group {
            name: name(&key),
            key,
            total,
        })
        .collect()
}

/// The disbursement report (JSON-able); see the [module documentation](self).
pub fn disbursements(
    pool: &Pool,
    actor: &Actor,
    query: &DisbursementQuery,
) -> Result<DisbursementReport, ServiceError> {
    require_finance_or_admin(actor, "het uitbetalingsoverzicht")?;
    tx::read(pool, |conn| {
        let r = resolve(conn, query)?;
        let mut total = Total::default();
        let mut per_run: BTreeMap<String, Total> = BTreeMap::new();
        let mut per_instrument: BTreeMap<String, Total> = BTreeMap::new();
        let mut per_region: BTreeMap<String, Total> = BTreeMap::new();
        let mut per_month: BTreeMap<String, Total> = BTreeMap::new();
        for_each_disbursement(conn, &r, |line| {
            total.add(line.amount_cents)?;
            let run = line.run_id.clone().unwrap_or_else(|| NO_RUN.to_owned());
            per_run.entry(run).or_default().add(line.amount_cents)?;
            per_instrument
                .entry(line.instrument_id.clone())
                .or_default()
                .add(line.amount_cents)?;
            per_region
                .entry(line.region_id.clone())
                .or_default()
                .add(line.amount_cents)?;
            per_month
                .entry(paid_on(line.settled_at).format("%Y-%m").to_string())
                .or_default()
                .add(line.amount_cents)?;
            Ok(())
        })?;
        let region_names: BTreeMap<String, String> = regions::table
            .select((regions::id, regions::name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        let run_ids: Vec<String> = per_run.keys().cloned().collect();
        let run_names: BTreeMap<String, String> = payment_runs::table
            .filter(payment_runs::id.eq_any(run_ids))
            .select((payment_runs::id, payment_runs::execution_date))
            .load::<(String, NaiveDate)>(conn)?
            .into_iter()
            .map(|(id, d)| (id, format!("uitgevoerd {d}")))
            .collect();
        let recoveries = recoveries(conn, &r)?;
        Ok(DisbursementReport {
            programme_id: r.programme.id.clone(),
            from: query.from,
            to: query.to,
            total,
            per_run: groups(per_run, |k| run_names.get(k).cloned()),
            per_instrument: groups(per_instrument, |k| {
                r.instruments
                    .iter()
                    .find(|i| i.id == k)
                    .map(|i| i.name.clone())
            }),
            per_region: groups(per_region, |k| region_names.get(k).cloned()),
            per_month: groups(per_month, |_| None),
            recoveries,
        })
    })
}

fn recoveries(conn: &mut DbConnection, r: &Resolved) -> Result<Recoveries, ServiceError> {
    let ids: Vec<String> = r.instruments.iter().map(|i| i.id.clone()).collect();
    let mut query = payments::table
        .inner_join(applications::table.inner_join(organisations::table))
        .filter(payments::kind.eq(RECOVERY))
        .filter(payments::instrument_id.eq_any(ids))
        .order((payments::due_on.asc(), payments::id.asc()))
        .select((
            PaymentRow::as_select(),
            applications::reference,
            applications::region_id,
            organisations::name,
        ))
        .into_boxed();
    if let Some(i) = &r.query.instrument_id {
        query = query.filter(payments::instrument_id.eq(i.clone()));
    }
    if let Some(region) = &r.query.region_id {
        query = query.filter(applications::region_id.eq(region.clone()));
    }
    if let Some(from) = r.query.from {
        query = query.filter(payments::due_on.ge(from));
    }
    if let Some(to) = r.query.to {
        query = query.filter(payments::due_on.le(to));
    }
    let rows: Vec<(PaymentRow, String, String, String)> = query.load(conn)?;
    let mut out = Recoveries::default();
    for (p, application, region_id, organisation) in rows {
        match p.state.as_str() {
            PAID => out.received.add(p.amount_cents)?,
            SCHEDULED => out.open.add(p.amount_cents)?,
            _ => {}
        }
        out.lines.push(RecoveryLine {
            reference: p.reference,
            application,
            organisation,
            instrument_id: p.instrument_id,
            region_id,
            due_on: p.due_on,
            amount: money(p.amount_cents)?,
            state: p.state,
            received_on: p.settled_at.map(paid_on),
        });
    }
    Ok(out)
}

/// Writes every paid advance and remainder matching the query as a table, one row per
/// payment, streamed in pages; returns `out`.
pub fn write_disbursements<W: Write>(
    pool: &Pool,
    actor: &Actor,
    query: &DisbursementQuery,
    format: TableFormat,
    out: W,
) -> Result<W, ServiceError> {
    require_finance_or_admin(actor, "het uitbetalingsoverzicht")?;
    tx::read(pool, |conn| {
        let r = resolve(conn, query)?;
        let mut table = TableWriter::start(
            format,
            out,
            "Uitbetalingen",
            &[
                "Betaald op",
                "Referentie",
                "Soort",
                "Aanvraag",
                "Organisatie",
                "Regio",
                "Instrument",
                "Betaalronde",
                "Bedrag",
            ],
        )
        .map_err(io_error)?;
        for_each_disbursement(conn, &r, |line| {
            table
                .row(&[
                    Cell::Date(paid_on(line.settled_at)),
                    Cell::Text(&line.reference),
                    Cell::Text(&line.kind),
                    Cell::Text(&line.application),
                    Cell::Text(&line.organisation),
                    Cell::Text(&line.region_id),
                    Cell::Text(&line.instrument_id),
                    Cell::opt_text(line.run_id.as_deref()),
                    Cell::Money(line.amount_cents),
                ])
                .map_err(io_error)
        })?;
        table.finish().map_err(io_error)
    })
}

fn io_error(e: std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("schrijven van het bestand mislukt: {e}"))
}

/// Amounts of a budget position, in Dutch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Amounts {
    /// The ceiling (*subsidieplafond*).
    #[serde(rename = "plafond")]
    pub ceiling: Money,
    /// Open reservations.
    #[serde(rename = "gereserveerd")]
    pub reserved: Money,
    /// Grant commitments (settled grants at their settled amount).
    #[serde(rename = "verleend")]
    pub granted: Money,
    /// The settled part of `granted`.
    #[serde(rename = "vastgesteld")]
    pub settled: Money,
    /// Paid out.
    #[serde(rename = "betaald")]
    pub paid: Money,
    /// Paid back.
    #[serde(rename = "teruggevorderd")]
    pub recovered: Money,
    /// `ceiling - reserved - granted`.
    #[serde(rename = "beschikbaar")]
    pub available: Money,
}

impl Amounts {
    fn of(p: &subsidie_domain::ledger::BudgetPosition) -> Amounts {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstrumentBudget {
    /// Instrument code.
    #[serde(rename = "instrument")]
    pub instrument_id: String,
    /// Its name.
    #[serde(rename = "naam")]
    pub name: String,
    /// The position stored on the instrument.
    #[serde(flatten)]
    pub amounts: Amounts,
    /// True when the stored position equals the sum of the ledger to the cent and the
    /// ceiling invariant holds.
    #[serde(rename = "grootboek_klopt")]
    pub ledger_matches: bool,
    /// The sum of the ledger, shown only when it differs.
    #[serde(rename = "volgens_grootboek", skip_serializing_if = "Option::is_none")]
    pub from_ledger: Option<Amounts>,
}

/// The budget position of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetReport {
    /// Programme code.
    #[serde(rename = "programma")]
    pub programme_id: String,
    /// Its name.
    #[serde(rename = "naam")]
    pub name: String,
    /// The envelope.
    #[serde(rename = "envelop")]
    pub envelope: Money,
    /// Per instrument.
    #[serde(rename = "instrumenten")]
    pub instruments: Vec<InstrumentBudget>,
    /// The sum over the instruments.
    #[serde(rename = "totaal")]
    pub total: Amounts,
    /// True when the ceilings and the commitments stay within the envelope.
    #[serde(rename = "binnen_envelop")]
    pub within_envelope: bool,
    /// True when every instrument's position equals its ledger.
    #[serde(rename = "grootboek_klopt")]
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

/// Writes the budget position as a table: one row per instrument and a total.
pub fn write_budget_position<W: Write>(
    pool: &Pool,
    actor: &Actor,
    programme_id: &str,
    format: TableFormat,
    out: W,
) -> Result<W, ServiceError> {
    let report = budget_position(pool, actor, programme_id)?;
    let mut table = TableWriter::start(
        format,
        out,
        "Budgetpositie",
        &[
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
        ],
    )
    .map_err(io_error)?;
    let row = |t: &mut TableWriter<W>, code: &str, name: &str, a: &Amounts, ok: bool| {
        t.row(&[
            Cell::Text(code),
            Cell::Text(name),
            Cell::Money(a.ceiling.cents()),
            Cell::Money(a.reserved.cents()),
            Cell::Money(a.granted.cents()),
            Cell::Money(a.settled.cents()),
            Cell::Money(a.paid.cents()),
            Cell::Money(a.recovered.cents()),
            Cell::Money(a.available.cents()),
            Cell::Text(if ok { "ja" } else { "nee" }),
        ])
        .map_err(io_error)
    };
    for i in &report.instruments {
        row(
            &mut table,
            &i.instrument_id,
            &i.name,
            &i.amounts,
            i.ledger_matches,
        )?;
    }
    row(
        &mut table,
        "totaal",
        &report.name,
        &report.total,
        report.ledger_matches,
    )?;
    table.finish().map_err(io_error)
}

/// A region in the coverage report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionRef {
    /// Region code.
    #[serde(rename = "code")]
    pub id: String,
    /// Its name.
    #[serde(rename = "naam")]
    pub name: String,
    /// Inhabitants.
    #[serde(rename = "inwoners")]
    pub inhabitants: i64,
}

/// Applications and honourings of one instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstrumentCoverage {
    /// Instrument code.
    #[serde(rename = "instrument")]
    pub instrument_id: String,
    /// Its name.
    #[serde(rename = "naam")]
    pub name: String,
    /// Its kind (`uitvoering`, …).
    #[serde(rename = "soort")]
    pub kind: String,
    /// Applications submitted (every state but draft).
    #[serde(rename = "aanvragen")]
    pub applications: i64,
    /// Applications honoured (granted and not waived).
    #[serde(rename = "gehonoreerd")]
    pub honoured: i64,
    /// Regions with at least one honoured application.
    #[serde(rename = "regios_gehonoreerd")]
    pub regions_honoured: i64,
    /// The sum of the honoured grants.
    #[serde(rename = "verleend")]
    pub granted: Money,
}

/// Coverage of a programme: see the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageReport {
    /// Programme code.
    #[serde(rename = "programma")]
    pub programme_id: String,
    /// Every region.
    #[serde(rename = "regios")]
    pub regions: i64,
    /// Their inhabitants.
    #[serde(rename = "inwoners")]
    pub inhabitants: i64,
    /// Regions with an honoured *uitvoering* grant.
    #[serde(rename = "regios_met_uitvoering")]
    pub regions_covered: i64,
    /// Their inhabitants.
    #[serde(rename = "inwoners_met_uitvoering")]
    pub inhabitants_covered: i64,
    /// Share of the regions, percent with one decimal.
    #[serde(rename = "aandeel_regios_procent")]
    pub region_share_percent: Decimal,
    /// Share of the inhabitants, percent with one decimal.
    #[serde(rename = "aandeel_inwoners_procent")]
    pub inhabitant_share_percent: Decimal,
    /// Regions without one.
    #[serde(rename = "regios_zonder_uitvoering")]
    pub uncovered: Vec<RegionRef>,
    /// Per instrument.
    #[serde(rename = "per_instrument")]
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

/// Writes the coverage per instrument as a table, with a last row for the regions.
pub fn write_coverage<W: Write>(
    pool: &Pool,
    actor: &Actor,
    programme_id: &str,
    format: TableFormat,
    out: W,
) -> Result<W, ServiceError> {
    let report = coverage(pool, actor, programme_id)?;
    let mut table = TableWriter::start(
        format,
        out,
        "Dekking",
        &[
            "Instrument",
            "Naam",
            "Soort",
            "Aanvragen",
            "Gehonoreerd",
            "Regio's gehonoreerd",
            "Verleend",
        ],
    )
    .map_err(io_error)?;
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
        .map_err(io_error)?;
    table.finish().map_err(io_error)
}
