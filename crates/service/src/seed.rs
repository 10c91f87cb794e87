//! Loading a programme file (see `fixtures/`) into the database, idempotently: a second
//! load of the same file changes nothing, and a changed file updates names and rules but
//! never a budget position.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::programme::{AmountRule, InstrumentConfig, ProgrammeFile};
use subsidie_store::rows::{
    DisciplineRow, InstrumentDocumentRow, InstrumentRow, ProgrammeRow, RegionRow,
};
use subsidie_store::schema::{
    disciplines, instrument_documents, instrument_partner_rules, instruments, programmes, regions,
};
use subsidie_store::{DbConnection, Pool};

use crate::error::ServiceError;
use crate::tx;

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Rows inserted.
    pub inserted: usize,
    /// Rows whose configuration changed.
    pub updated: usize,
    /// Rows already as in the file.
    pub unchanged: usize,
}

/// Parses a programme file (TOML) and validates it, listing every problem.
pub fn parse_programme_file(text: &str) -> Result<ProgrammeFile, ServiceError> {
    let file: ProgrammeFile =
        toml::from_str(text).map_err(|e| ServiceError::field("programmabestand", e.to_string()))?;
    file.validate().map_err(|errors| {
        ServiceError::Validation(
            errors
                .iter()
                .map(|e| crate::FieldError::new("programmabestand", e.to_string()))
                .collect(),
        )
    })?;
    Ok(file)
}

/// What a load does with codes in the database that the file no longer names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Refuse the whole load, naming them: nothing is dropped (or kept) silently.
    Refuse,
    /// Leave them as they are, and say which they are.
    Keep,
}

/// Parses one instrument in the programme file's form (the keys of a
/// `[[programma.instrumenten]]` block), for adding it to a running programme.
pub fn parse_instrument(text: &str) -> Result<InstrumentConfig, ServiceError> {
    toml::from_str(text).map_err(|e| ServiceError::field("instrument", e.to_string()))
}

/// What a load does with codes Codes in the database that the
/// file no longer names (instruments of this programme, regions, disciplines) make it
/// refuse, naming them; see [`load_with`] to keep them.
pub fn load(
    pool: &Pool,
    file: &ProgrammeFile,
    now: DateTime<Utc>,
) -> Result<SeedReport, ServiceError> {
    load_with(pool, file, Missing::Refuse, now).map(|(report, _)| report)
}

/// As [`load`], with the codes the file no longer names refused or kept; the kept ones
/// are returned, described in Dutch ("regeling 'x'").
pub fn load_with(
    pool: &Pool,
    file: &ProgrammeFile,
    missing: Missing,
    now: DateTime<Utc>,
) -> Result<(SeedReport, Vec<String>), ServiceError> {
    tx::write(pool, |conn| {
        let absent = absent_from(conn, file)?;
        if missing == Missing::Refuse && !absent.is_empty() {
            return Err(ServiceError::Conflict(format!(
                "het programmabestand noemt niet meer wat wel in de database staat: {}; \
                 een seed verwijdert niets stilzwijgend. Zet ze terug in het bestand, of laad \
                 met 'subsidie seed --keep-missing' om ze te laten staan zoals ze zijn (een \
                 regeling sluit u met 'subsidie instrument close --instrument CODE')",
                absent.join(", ")
            )));
        }
        Ok((load_in(conn, file, now)?, absent))
    })
}

/// The codes in the database that the file does not name.
fn absent_from(conn: &mut DbConnection, file: &ProgrammeFile) -> Result<Vec<String>, ServiceError> {
    let p = &file.programme;
    let named = |codes: Vec<String>, in_file: &[&str], what: &str| -> Vec<String> {
        codes
            .into_iter()
            .filter(|c| !in_file.contains(&c.as_str()))
            .map(|c| format!("{what} '{c}'"))
            .collect()
    };
    let stored: Vec<String> = instruments::table
        .filter(instruments::programme_id.eq(&p.code))
        .order(instruments::id)
        .select(instruments::id)
        .load(conn)?;
    let mut absent = named(
        stored,
        &p.instruments
            .iter()
            .map(|i| i.code.as_str())
            .collect::<Vec<_>>(),
        "regeling",
    );
    let stored: Vec<String> = regions::table
        .order(regions::id)
        .select(regions::id)
        .load(conn)?;
    absent.extend(named(
        stored,
        &file
            .regions
            .iter()
            .map(|r| r.code.as_str())
            .collect::<Vec<_>>(),
        "regio",
    ));
    let stored: Vec<String> = disciplines::table
        .order(disciplines::id)
        .select(disciplines::id)
        .load(conn)?;
    absent.extend(named(
        stored,
        &file
            .disciplines
            .iter()
            .map(|d| d.code.as_str())
            .collect::<Vec<_>>(),
        "discipline",
    ));
    Ok(absent)
}

fn load_in(
    conn: &mut DbConnection,
    file: &ProgrammeFile,
    now: DateTime<Utc>,
) -> Result<SeedReport, ServiceError> {
    let mut report = SeedReport::default();
    let p = &file.programme;
    let programme = ProgrammeRow {
        id: p.code.clone(),
        name: p.name.clone(),
        funder: p.funder.clone(),
        envelope_cents: p.envelope.cents(),
        starts_on: p.period.starts,
        ends_on: p.period.ends,
        created_at: now.naive_utc(),
    };
    let existing: Option<ProgrammeRow> = programmes::table
        .find(&programme.id)
        .select(ProgrammeRow::as_select())
        .first(conn)
        .optional()?;
    match existing {
        None => {
            diesel::insert_into(programmes::table)
                .values(&programme)
                .execute(conn)?;
            report.inserted += 1;
        }
        Some(old)
            if old.name == programme.name
                && old.funder == programme.funder
                && old.envelope_cents == programme.envelope_cents
                && old.starts_on == programme.starts_on
                && old.ends_on == programme.ends_on =>
        {
            report.unchanged += 1
        }
        Some(_) => {
            diesel::update(programmes::table.find(&programme.id))
                .set((
                    programmes::name.eq(&programme.name),
                    programmes::funder.eq(&programme.funder),
                    programmes::envelope_cents.eq(programme.envelope_cents),
                    programmes::starts_on.eq(programme.starts_on),
                    programmes::ends_on.eq(programme.ends_on),
                ))
                .execute(conn)?;
            report.updated += 1;
        }
    }

    for config in &p.instruments {
        upsert_instrument(conn, &p.code, config, &mut report)?;
        sync_required_documents(conn, config, &mut report)?;
        sync_partner_rules(conn, config, &mut report)?;
    }

    for region in &file.regions {
        let row = RegionRow {
            id: region.code.clone(),
            name: region.name.clone(),
            inhabitants: i64::try_from(region.inhabitants)
                .map_err(|_| ServiceError::field("inwoners", "te groot"))?,
        };
        let old: Option<RegionRow> = regions::table
            .find(&row.id)
            .select(RegionRow::as_select())
            .first(conn)
            .optional()?;
        match old {
            None => {
                diesel::insert_into(regions::table)
                    .values(&row)
                    .execute(conn)?;
                report.inserted += 1;
            }
            Some(o) if o.name == row.name && o.inhabitants == row.inhabitants => {
                report.unchanged += 1
            }
            Some(_) => {
                diesel::update(regions::table.find(&row.id))
                    .set((
                        regions::name.eq(&row.name),
                        regions::inhabitants.eq(row.inhabitants),
                    ))
                    .execute(conn)?;
                report.updated += 1;
            }
        }
    }

    for discipline in &file.disciplines {
        let row = DisciplineRow {
            id: discipline.code.clone(),
            name: discipline.name.clone(),
        };
        let old: Option<DisciplineRow> = disciplines::table
            .find(&row.id)
            .select(DisciplineRow::as_select())
            .first(conn)
            .optional()?;
        match old {
            None => {
                diesel::insert_into(disciplines::table)
                    .values(&row)
                    .execute(conn)?;
                report.inserted += 1;
            }
            Some(o) if o.name == row.name => report.unchanged += 1,
            Some(_) => {
                diesel::update(disciplines::table.find(&row.id))
                    .set(disciplines::name.eq(&row.name))
                    .execute(conn)?;
                report.updated += 1;
            }
        }
    }
    Ok(report)
}

/// The stored form of an instrument's configuration, with a zero budget position.
pub(crate) fn instrument_row(programme_id: &str, c: &InstrumentConfig) -> InstrumentRow {
    let (min, max, fixed) = match &c.amount {
        AmountRule::Range { min, max } => (min.cents(), max.cents(), false),
        AmountRule::Fixed(amount) => (amount.cents(), amount.cents(), true),
    };
    InstrumentRow {
        id: c.code.clone(),
        programme_id: programme_id.to_owned(),
        code: c.code.clone(),
        name: c.name.clone(),
        kind: c.kind.as_str().to_owned(),
        policy: c.policy.as_str().to_owned(),
        uniqueness: c.uniqueness.as_str().to_owned(),
        min_cents: min,
        max_cents: max,
        fixed_amount: fixed,
        opens_on: c.window.opens,
        closes_on: c.window.closes,
        advance_percent: i32::from(c.advance_percent),
        decision_term_weeks: i32::try_from(c.decision_term_weeks).unwrap_or(i32::MAX),
        supplement_term_days: i32::try_from(c.supplement_term_days).unwrap_or(i32::MAX),
        four_eyes_above_cents: c.four_eyes_above.map(|m| m.cents()),
        accounting_deadline: c.accounting_deadline,
        waitlist_closed: false,
        ceiling_cents: c.ceiling.cents(),
        reserved_cents: 0,
        granted_cents: 0,
        settled_cents: 0,
        paid_cents: 0,
        recovered_cents: 0,
    }
}

fn upsert_instrument(
    conn: &mut DbConnection,
    programme_id: &str,
    config: &InstrumentConfig,
    report: &mut SeedReport,
) -> Result<(), ServiceError> {
    let new = instrument_row(programme_id, config);
    let old: Option<InstrumentRow> = instruments::table
        .find(&new.id)
        .select(InstrumentRow::as_select())
        .first(conn)
        .optional()?;
    let Some(old) = old else {
        diesel::insert_into(instruments::table)
            .values(&new)
            .execute(conn)?;
        crate::rounds::sync(conn, &new.id, &config.rounds)?;
        report.inserted += 1;
        return Ok(());
    };
    if old.programme_id != programme_id {
        return Err(ServiceError::Conflict(format!(
            "instrumentcode '{}' hoort al bij programma '{}'; kies een andere code",
            new.code, old.programme_id
        )));
    }
    let committed = crate::convert::money(old.reserved_cents)?
        .checked_add(crate::convert::money(old.granted_cents)?)?;
    if config.ceiling < committed {
        return Err(ServiceError::Conflict(
            subsidie_domain::programme_change::ChangeError::CeilingBelowCommitted {
                instrument: new.code.clone(),
                ceiling: config.ceiling,
                committed,
            }
            .to_string(),
        ));
    }
    let same = old.name == new.name
        && old.kind == new.kind
        && old.policy == new.policy
        && old.uniqueness == new.uniqueness
        && old.min_cents == new.min_cents
        && old.max_cents == new.max_cents
        && old.fixed_amount == new.fixed_amount
        && old.opens_on == new.opens_on
        && old.closes_on == new.closes_on
        && old.advance_percent == new.advance_percent
        && old.decision_term_weeks == new.decision_term_weeks
        && old.supplement_term_days == new.supplement_term_days
        && old.four_eyes_above_cents == new.four_eyes_above_cents
        && old.accounting_deadline == new.accounting_deadline
        && old.ceiling_cents == new.ceiling_cents;
    let rounds_changed = crate::rounds::sync(conn, &new.id, &config.rounds)?;
    if same && !rounds_changed {
        report.unchanged += 1;
        return Ok(());
    }
    if same {
        report.updated += 1;
        return Ok(());
    }
    crate::budget::lock(conn, &new.id)?;
    diesel::update(instruments::table.find(&new.id))
        .set((
            instruments::name.eq(&new.name),
            instruments::kind.eq(&new.kind),
            instruments::policy.eq(&new.policy),
            instruments::uniqueness.eq(&new.uniqueness),
            instruments::min_cents.eq(new.min_cents),
            instruments::max_cents.eq(new.max_cents),
            instruments::fixed_amount.eq(new.fixed_amount),
            instruments::opens_on.eq(new.opens_on),
            instruments::closes_on.eq(new.closes_on),
            instruments::advance_percent.eq(new.advance_percent),
            instruments::decision_term_weeks.eq(new.decision_term_weeks),
            instruments::supplement_term_days.eq(new.supplement_term_days),
            instruments::four_eyes_above_cents.eq(new.four_eyes_above_cents),
            instruments::accounting_deadline.eq(new.accounting_deadline),
            instruments::ceiling_cents.eq(new.ceiling_cents),
        ))
        .execute(conn)?;
    report.updated += 1;
    Ok(())
}

/// Makes the instrument's required documents those of the file; each counts as a row, and
/// a changed list as one changed row.
fn sync_required_documents(
    conn: &mut DbConnection,
    config: &InstrumentConfig,
    report: &mut SeedReport,
) -> Result<(), ServiceError> {
    let wanted: Vec<InstrumentDocumentRow> = config
        .required_documents
        .iter()
        .enumerate()
        .map(|(i, d)| InstrumentDocumentRow {
            instrument_id: config.code.clone(),
            kind: d.kind.clone(),
            name: d.name.clone(),
            position: i32::try_from(i).unwrap_or(i32::MAX),
        })
        .collect();
    let stored = crate::documents::required_for(conn, &config.code)?;
    if stored == wanted {
        report.unchanged += wanted.len();
        return Ok(());
    }
    diesel::delete(
        instrument_documents::table.filter(instrument_documents::instrument_id.eq(&config.code)),
    )
    .execute(conn)?;
    for row in &wanted {
        diesel::insert_into(instrument_documents::table)
            .values(row)
            .execute(conn)?;
    }
    if stored.is_empty() {
        report.inserted += wanted.len();
    } else {
        report.updated += 1;
    }
    Ok(())
}

/// Makes the instrument's partner rule that of the file, as for its required documents.
fn sync_partner_rules(
    conn: &mut DbConnection,
    config: &InstrumentConfig,
    report: &mut SeedReport,
) -> Result<(), ServiceError> {
    let wanted: Vec<subsidie_store::rows::PartnerRuleRow> = config
        .required_partners
        .iter()
        .enumerate()
        .map(|(i, r)| subsidie_store::rows::PartnerRuleRow {
            instrument_id: config.code.clone(),
            kind: r.kind.clone(),
            name: r.name.clone(),
            at_least: i32::try_from(r.at_least).unwrap_or(i32::MAX),
            position: i32::try_from(i).unwrap_or(i32::MAX),
        })
        .collect();
    let stored = crate::consortium::rules_for(conn, &config.code)?;
    if stored == wanted {
        report.unchanged += wanted.len();
        return Ok(());
    }
    diesel::delete(
        instrument_partner_rules::table
            .filter(instrument_partner_rules::instrument_id.eq(&config.code)),
    )
    .execute(conn)?;
    for row in &wanted {
        diesel::insert_into(instrument_partner_rules::table)
            .values(row)
            .execute(conn)?;
    }
    if stored.is_empty() {
        report.inserted += wanted.len();
    } else {
        report.updated += 1;
    }
    Ok(())
}
