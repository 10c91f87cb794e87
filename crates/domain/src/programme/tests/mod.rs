//! Unit tests of the programme file: a valid base file that each test breaks in one way.
#![allow(clippy::unwrap_used)]

mod file_format;
mod rounds;
mod validation;

use chrono::NaiveDate;

use crate::money::Money;
use crate::programme::{
    AllocationPolicy, AmountRule, ApplicationWindow, ConfigError, Discipline, InstrumentConfig,
    InstrumentKind, Period, ProgrammeConfig, ProgrammeFile, Region, RoundConfig, Uniqueness,
};

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn instrument(code: &str) -> InstrumentConfig {
    InstrumentConfig {
        code: code.to_owned(),
        name: format!("Regeling {code}"),
        kind: InstrumentKind::Implementation,
        ceiling: money("10000000.00"),
        amount: AmountRule::Range {
            min: money("500000.00"),
            max: money("2000000.00"),
        },
        window: ApplicationWindow {
            opens: date("2024-04-01"),
            closes: date("2025-12-31"),
        },
        rounds: vec![RoundConfig::single(ApplicationWindow {
            opens: date("2024-04-01"),
            closes: date("2025-12-31"),
        })],
        policy: AllocationPolicy::OrderOfReceipt,
        advance_percent: 80,
        decision_term_weeks: 8,
        supplement_term_days: 14,
        four_eyes_above: Some(money("1000000.00")),
        uniqueness: Uniqueness::PerRegion,
        accounting_deadline: Some(date("2027-06-30")),
        requires_discipline: false,
        required_documents: Vec::new(),
        required_partners: Vec::new(),
    }
}

fn valid() -> ProgrammeFile {
    let mut voucher = instrument("voucher");
    voucher.kind = InstrumentKind::DisciplineVoucher;
    voucher.ceiling = money("1000000.00");
    voucher.amount = AmountRule::Fixed(money("20000.00"));
    voucher.uniqueness = Uniqueness::PerRegionAndDiscipline;
    voucher.requires_discipline = true;
    ProgrammeFile {
        programme: ProgrammeConfig {
            code: "test".to_owned(),
            name: "Testprogramma".to_owned(),
            funder: "ZonMw".to_owned(),
            envelope: money("20000000.00"),
            period: Period {
                starts: date("2024-01-01"),
                ends: date("2026-12-31"),
            },
            instruments: vec![instrument("uitvoering"), voucher],
        },
        regions: vec![
            Region {
                code: "r01".to_owned(),
                name: "Noord".to_owned(),
                inhabitants: 100_000,
            },
            Region {
                code: "r02".to_owned(),
                name: "Zuid".to_owned(),
                inhabitants: 200_000,
            },
        ],
        disciplines: vec![Discipline {
            code: "huisartsenzorg".to_owned(),
            name: "Huisartsenzorg".to_owned(),
        }],
    }
}

/// Validates and returns the single error, failing when there is not exactly one.
fn single_error(file: &ProgrammeFile) -> ConfigError {
    let errors = file.validate().unwrap_err();
    assert_eq!(errors.len(), 1, "expected one error, got: {errors}");
    errors.0.into_iter().next().unwrap()
}
