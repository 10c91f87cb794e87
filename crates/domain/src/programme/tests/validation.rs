//! Validation: every problem a file can have, and all of them at once.

use super::{date, money, single_error, valid};
use crate::money::Money;
use crate::programme::validate::suggest_code;
use crate::programme::{is_valid_code, AmountRule, ApplicationWindow, ConfigError, Uniqueness};

#[test]
fn the_base_config_is_valid() {
    valid().validate().unwrap();
}

#[test]
fn ceilings_above_the_envelope() {
    let mut file = valid();
    file.programme.envelope = money("10999999.99");
    let error = single_error(&file);
    assert_eq!(
        error,
        ConfigError::CeilingsExceedEnvelope {
            total: money("11000000.00"),
            envelope: money("10999999.99"),
            excess: money("0.01"),
        }
    );
    let text = error.to_string();
    assert!(text.contains("€ 11.000.000,00"), "{text}");
    assert!(text.contains("€ 10.999.999,99"), "{text}");
    // Exactly at the envelope is fine.
    file.programme.envelope = money("11000000.00");
    file.validate().unwrap();
}

#[test]
fn ceiling_zero_or_negative() {
    for ceiling in ["0", "-1.00"] {
        let mut file = valid();
        file.programme.instruments[1].ceiling = money(ceiling);
        assert!(matches!(
            single_error(&file),
            ConfigError::CeilingNotPositive { ref instrument, .. } if instrument == "voucher"
        ));
    }
}

#[test]
fn envelope_zero() {
    let mut file = valid();
    file.programme.envelope = Money::ZERO;
    let errors = file.validate().unwrap_err();
    assert!(errors
        .iter()
        .any(|e| matches!(e, ConfigError::EnvelopeNotPositive { .. })));
}

#[test]
fn min_above_max() {
    let mut file = valid();
    file.programme.instruments[0].amount = AmountRule::Range {
        min: money("2000000.01"),
        max: money("2000000.00"),
    };
    assert_eq!(
        single_error(&file),
        ConfigError::MinAboveMax {
            instrument: "uitvoering".to_owned(),
            min: money("2000000.01"),
            max: money("2000000.00"),
        }
    );
}

#[test]
fn amount_bounds_must_be_positive() {
    let mut file = valid();
    file.programme.instruments[1].amount = AmountRule::Fixed(Money::ZERO);
    assert!(matches!(
        single_error(&file),
        ConfigError::AmountNotPositive { key: "vast", .. }
    ));
}

#[test]
fn max_or_fixed_above_ceiling() {
    let mut file = valid();
    file.programme.instruments[0].ceiling = money("1999999.99");
    assert!(matches!(
        single_error(&file),
        ConfigError::AmountAboveCeiling { key: "max", .. }
    ));

    let mut file = valid();
    file.programme.instruments[1].amount = AmountRule::Fixed(money("1000000.01"));
    let error = single_error(&file);
    assert!(matches!(
        error,
        ConfigError::AmountAboveCeiling { key: "vast", .. }
    ));
    assert!(error.to_string().contains("€ 1.000.000,01"));

    // Equal to the ceiling is allowed.
    let mut file = valid();
    file.programme.instruments[1].amount = AmountRule::Fixed(money("1000000.00"));
    file.validate().unwrap();
}

#[test]
fn advance_above_100() {
    let mut file = valid();
    file.programme.instruments[0].advance_percent = 100;
    file.validate().unwrap();
    file.programme.instruments[0].advance_percent = 101;
    assert_eq!(
        single_error(&file),
        ConfigError::AdvanceTooHigh {
            instrument: "uitvoering".to_owned(),
            percent: 101
        }
    );
}

#[test]
fn window_closes_before_it_opens() {
    let mut file = valid();
    file.programme.instruments[0].set_window(ApplicationWindow {
        opens: date("2025-01-02"),
        closes: date("2025-01-01"),
    });
    assert!(matches!(
        single_error(&file),
        ConfigError::WindowReversed { .. }
    ));
    // A window of one day is fine.
    file.programme.instruments[0].set_window(ApplicationWindow {
        opens: date("2025-01-02"),
        closes: date("2025-01-02"),
    });
    file.validate().unwrap();
}

#[test]
fn window_outside_the_period() {
    for (opens, closes) in [("2023-12-31", "2024-06-30"), ("2026-01-01", "2027-01-01")] {
        let mut file = valid();
        file.programme.instruments[0].set_window(ApplicationWindow {
            opens: date(opens),
            closes: date(closes),
        });
        file.programme.instruments[0].accounting_deadline = None;
        assert!(matches!(
            single_error(&file),
            ConfigError::WindowOutsidePeriod { .. }
        ));
    }
    // Exactly the period is fine.
    let mut file = valid();
    file.programme.instruments[0].set_window(ApplicationWindow {
        opens: date("2024-01-01"),
        closes: date("2026-12-31"),
    });
    file.programme.instruments[0].accounting_deadline = None;
    file.validate().unwrap();
}

#[test]
fn period_reversed() {
    let mut file = valid();
    file.programme.period.ends = date("2023-12-31");
    let errors = file.validate().unwrap_err();
    assert!(errors
        .iter()
        .any(|e| matches!(e, ConfigError::PeriodReversed { .. })));
}

#[test]
fn duplicate_codes() {
    let mut file = valid();
    file.programme.instruments[1].code = "uitvoering".to_owned();
    assert_eq!(
        single_error(&file),
        ConfigError::DuplicateCode {
            list: "regelingen",
            code: "uitvoering".to_owned()
        }
    );

    let mut file = valid();
    file.regions[1].code = "r01".to_owned();
    file.regions.push(file.regions[0].clone());
    // Reported once, however often it repeats.
    assert_eq!(
        single_error(&file),
        ConfigError::DuplicateCode {
            list: "regio's",
            code: "r01".to_owned()
        }
    );

    let mut file = valid();
    file.disciplines.push(file.disciplines[0].clone());
    assert!(matches!(
        single_error(&file),
        ConfigError::DuplicateCode {
            list: "disciplines",
            ..
        }
    ));
}

#[test]
fn empty_names() {
    let mut file = valid();
    file.regions[1].name = "  ".to_owned();
    let error = single_error(&file);
    assert_eq!(
        error,
        ConfigError::EmptyName {
            subject: "regio 'r02'".to_owned(),
            key: "naam"
        }
    );
    assert_eq!(
        error.to_string(),
        "regio 'r02': `naam` is leeg; vul een naam in"
    );

    let mut file = valid();
    file.programme.funder = String::new();
    assert!(matches!(
        single_error(&file),
        ConfigError::EmptyName {
            key: "financier",
            ..
        }
    ));

    let mut file = valid();
    file.programme.instruments[0].name = String::new();
    file.disciplines[0].name = String::new();
    assert_eq!(file.validate().unwrap_err().len(), 2);
}

#[test]
fn empty_or_invalid_codes() {
    let mut file = valid();
    file.regions[0].code = String::new();
    assert_eq!(
        single_error(&file),
        ConfigError::EmptyCode {
            subject: "regio nr. 1".to_owned()
        }
    );

    let mut file = valid();
    file.disciplines[0].code = "Diëtetiek en_zo".to_owned();
    let error = single_error(&file);
    assert_eq!(
        error,
        ConfigError::InvalidCode {
            subject: "discipline nr. 1".to_owned(),
            code: "Diëtetiek en_zo".to_owned(),
            suggestion: "dietetiek-en-zo".to_owned(),
        }
    );
    assert!(error.to_string().contains("\"dietetiek-en-zo\""));

    let mut file = valid();
    file.programme.code = "Test".to_owned();
    assert!(matches!(
        single_error(&file),
        ConfigError::InvalidCode { .. }
    ));

    assert!(is_valid_code("r01"));
    assert!(is_valid_code("discipline-voucher"));
    for bad in ["", "R01", "r 01", "r_01", "é", "a.b"] {
        assert!(!is_valid_code(bad), "{bad:?}");
    }
    assert!(is_valid_code(&suggest_code("€€")));
}

#[test]
fn no_instruments() {
    let mut file = valid();
    file.programme.instruments.clear();
    assert_eq!(single_error(&file), ConfigError::NoInstruments);
}

#[test]
fn no_regions() {
    let mut file = valid();
    file.regions.clear();
    assert_eq!(single_error(&file), ConfigError::NoRegions);
}

#[test]
fn region_without_inhabitants() {
    let mut file = valid();
    file.regions[0].inhabitants = 0;
    assert!(matches!(
        single_error(&file),
        ConfigError::NoInhabitants { .. }
    ));
}

#[test]
fn decision_term_zero() {
    let mut file = valid();
    file.programme.instruments[0].decision_term_weeks = 0;
    assert_eq!(
        single_error(&file),
        ConfigError::DecisionTermZero {
            instrument: "uitvoering".to_owned()
        }
    );
}

#[test]
fn supplement_term_zero() {
    let mut file = valid();
    file.programme.instruments[0].supplement_term_days = 0;
    assert!(matches!(
        single_error(&file),
        ConfigError::SupplementTermZero { .. }
    ));
}

#[test]
fn four_eyes_negative() {
    let mut file = valid();
    file.programme.instruments[0].four_eyes_above = Some(money("-0.01"));
    assert!(matches!(
        single_error(&file),
        ConfigError::FourEyesNegative { .. }
    ));
}

#[test]
fn accounting_before_the_window_closes() {
    let mut file = valid();
    file.programme.instruments[0].accounting_deadline = Some(date("2025-12-30"));
    assert!(matches!(
        single_error(&file),
        ConfigError::AccountingBeforeWindowCloses { .. }
    ));
}

#[test]
fn per_region_and_discipline_needs_disciplines() {
    let mut file = valid();
    file.disciplines.clear();
    assert_eq!(
        single_error(&file),
        ConfigError::DisciplinesMissing {
            instrument: "voucher".to_owned()
        }
    );
    // Without the rule, no disciplines are needed.
    file.programme.instruments[1].uniqueness = Uniqueness::PerRegion;
    file.programme.instruments[1].requires_discipline = false;
    file.validate().unwrap();
}

#[test]
fn reports_all_problems_at_once() {
    let mut file = valid();
    file.programme.instruments[0].advance_percent = 150;
    file.programme.instruments[0].decision_term_weeks = 0;
    file.programme.instruments[1].code = "Voucher!".to_owned();
    file.programme.envelope = money("1.00");
    file.regions[1].code = "r01".to_owned();
    file.disciplines.clear();
    let errors = file.validate().unwrap_err();
    assert_eq!(errors.len(), 6, "{errors}");
    let text = errors.to_string();
    assert!(text.starts_with("de programmaconfiguratie is niet in orde (6 fouten):"));
    assert_eq!(text.lines().count(), 7);
    for expected in [
        "voorschot_percentage is 150",
        "beslistermijn_weken is 0",
        "'Voucher!'",
        "de envelop van € 1,00",
        "de code 'r01' komt meer dan één keer voor bij de regio's",
        "er zijn geen disciplines",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn a_partner_rule_asks_for_one_or_more_of_a_well_coded_kind() {
    use crate::consortium::PartnerRule;
    let rule = |kind: &str, at_least| PartnerRule {
        kind: kind.into(),
        name: "Soort".into(),
        at_least,
    };
    let mut file = valid();
    file.programme.instruments[0].required_partners = vec![rule("wijkverpleging", 0)];
    let err = single_error(&file);
    assert!(
        matches!(err, ConfigError::PartnerMinimumZero { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("ten_minste = 0"), "{err}");
    file.programme.instruments[0].required_partners =
        vec![rule("wijkverpleging", 2), rule("wijkverpleging", 1)];
    assert!(matches!(
        single_error(&file),
        ConfigError::DuplicateCode { .. }
    ));
    file.programme.instruments[0].required_partners = vec![rule("Wijk verpleging", 1)];
    assert!(matches!(
        single_error(&file),
        ConfigError::InvalidCode { .. }
    ));
}
