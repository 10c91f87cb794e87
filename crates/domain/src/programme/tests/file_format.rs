//! Amount rules, the Dutch texts of the closed lists, the file shapes and the fixture.

use super::{date, instrument, money, valid};
use crate::money::Money;
use crate::programme::*;

#[test]
fn amount_range_at_and_around_the_bounds() {
    let rule = AmountRule::Range {
        min: money("500000.00"),
        max: money("2000000.00"),
    };
    assert_eq!(rule.check(money("500000.00")), Ok(()));
    assert_eq!(rule.check(money("2000000.00")), Ok(()));
    assert_eq!(rule.check(money("1250000.55")), Ok(()));
    assert_eq!(
        rule.check(money("499999.99")),
        Err(AmountError::BelowMinimum {
            requested: money("499999.99"),
            min: money("500000.00")
        })
    );
    assert_eq!(
        rule.check(money("2000000.01")),
        Err(AmountError::AboveMaximum {
            requested: money("2000000.01"),
            max: money("2000000.00")
        })
    );
    assert_eq!(
        rule.check(money("2500000.00")).unwrap_err().to_string(),
        "het bedrag € 2.500.000,00 is hoger dan het maximum van € 2.000.000,00 voor deze regeling"
    );
    assert_eq!(
        rule.check(money("499999.99")).unwrap_err().to_string(),
        "het bedrag € 499.999,99 is lager dan het minimum van € 500.000,00 voor deze regeling"
    );
    assert!(matches!(
        rule.check(Money::ZERO),
        Err(AmountError::NotPositive { .. })
    ));
    assert!(matches!(
        rule.check(money("-1.00")),
        Err(AmountError::NotPositive { .. })
    ));
    assert_eq!(rule.max(), money("2000000.00"));
    assert_eq!(rule.min(), money("500000.00"));
    assert!(!rule.is_fixed());
}

#[test]
fn fixed_amount_only_exactly() {
    let rule = AmountRule::Fixed(money("20000.00"));
    assert_eq!(rule.check(money("20000.00")), Ok(()));
    for other in ["19999.99", "20000.01"] {
        assert_eq!(
            rule.check(money(other)),
            Err(AmountError::NotFixedAmount {
                requested: money(other),
                fixed: money("20000.00")
            })
        );
    }
    assert_eq!(
        rule.check(money("20000.01")).unwrap_err().to_string(),
        "het bedrag € 20.000,01 wijkt af van het vaste bedrag van € 20.000,00 voor deze regeling; vraag precies € 20.000,00 aan"
    );
    assert_eq!(rule.max(), money("20000.00"));
    assert!(rule.is_fixed());
}

#[test]
fn enums_serialize_as_their_dutch_text() {
    for (kind, text) in [
        (InstrumentKind::Preparation, "voorbereiding"),
        (InstrumentKind::Implementation, "uitvoering"),
        (InstrumentKind::DisciplineVoucher, "discipline-voucher"),
        (InstrumentKind::Research, "onderzoek"),
    ] {
        assert_eq!(kind.as_str(), text);
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{text}\""));
        assert_eq!(
            serde_json::from_str::<InstrumentKind>(&format!("\"{text}\"")).unwrap(),
            kind
        );
    }
    for (policy, text) in [
        (AllocationPolicy::OrderOfReceipt, "volgorde-van-binnenkomst"),
        (AllocationPolicy::Ranking, "rangschikking"),
    ] {
        assert_eq!(policy.to_string(), text);
        assert_eq!(text.parse::<AllocationPolicy>().unwrap(), policy);
        assert_eq!(
            serde_json::to_string(&policy).unwrap(),
            format!("\"{text}\"")
        );
    }
    for (rule, text) in [
        (Uniqueness::None, "geen"),
        (Uniqueness::PerRegion, "per-regio"),
        (
            Uniqueness::PerRegionAndDiscipline,
            "per-regio-en-discipline",
        ),
    ] {
        assert_eq!(serde_json::to_string(&rule).unwrap(), format!("\"{text}\""));
        assert_eq!(
            serde_json::from_str::<Uniqueness>(&format!("\"{text}\"")).unwrap(),
            rule
        );
    }
    assert_eq!(InstrumentKind::ALL.len(), 4);
    assert_eq!(Uniqueness::default(), Uniqueness::None);
}

#[test]
fn unknown_enum_text_names_what_is_accepted() {
    let error = serde_json::from_str::<InstrumentKind>("\"Uitvoering\"").unwrap_err();
    assert!(
        error.to_string().contains(
            "'Uitvoering' is geen geldige soort regeling; kies uit: voorbereiding, uitvoering, discipline-voucher, onderzoek"
        ),
        "{error}"
    );
    let error = "loting".parse::<AllocationPolicy>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "'loting' is geen geldige verdeling; kies uit: volgorde-van-binnenkomst, rangschikking"
    );
}

#[test]
fn amount_rule_file_shapes() {
    let range: AmountRule = toml::from_str::<toml::Table>("b = { min = \"1.00\", max = \"2.00\" }")
        .unwrap()
        .remove("b")
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        range,
        AmountRule::Range {
            min: money("1.00"),
            max: money("2.00")
        }
    );
    let fixed: AmountRule = serde_json::from_str(r#"{"vast": "50000.00"}"#).unwrap();
    assert_eq!(fixed, AmountRule::Fixed(money("50000.00")));
    assert_eq!(
        serde_json::to_string(&fixed).unwrap(),
        r#"{"vast":"50000.00"}"#
    );
    for (bad, expected) in [
        (r#"{"min": "1.00"}"#, "`max` ontbreekt"),
        (r#"{"max": "1.00"}"#, "`min` ontbreekt"),
        (
            r#"{"vast": "1.00", "max": "2.00"}"#,
            "`vast` kan niet samen",
        ),
        (r#"{}"#, "bedrag is leeg"),
    ] {
        let error = serde_json::from_str::<AmountRule>(bad)
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{bad}: {error}");
        assert!(error.contains("bedrag = { vast = "), "{bad}: {error}");
    }
    // Amounts are strings, never numbers, and the message says how to write them.
    let error = serde_json::from_str::<AmountRule>(r#"{"vast": 50000}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("het bedrag 50000 staat niet tussen aanhalingstekens")
            && error.contains("\"50000.00\""),
        "{error}"
    );
    let error = serde_json::from_str::<AmountRule>(r#"{"vast": 50000.5}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("kommagetal"), "{error}");
    let error = serde_json::from_str::<AmountRule>(r#"{"vast": "50.000,00"}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("geen geldig bedrag"), "{error}");
}

#[test]
fn dates_as_toml_dates_or_strings() {
    let window: ApplicationWindow =
        toml::from_str("van = 2024-01-01\ntot_en_met = \"2025-12-31\"").unwrap();
    assert_eq!(window.opens, date("2024-01-01"));
    assert_eq!(window.closes, date("2025-12-31"));
    assert!(window.contains(date("2024-01-01")));
    assert!(window.contains(date("2025-12-31")));
    assert!(!window.contains(date("2023-12-31")));
    assert!(!window.contains(date("2026-01-01")));

    let error =
        toml::from_str::<ApplicationWindow>("van = 2024-01-01T10:00:00\ntot_en_met = 2025-12-31")
            .unwrap_err()
            .to_string();
    assert!(error.contains("zonder tijd"), "{error}");
    let error =
        toml::from_str::<ApplicationWindow>("van = \"31-12-2025\"\ntot_en_met = 2025-12-31")
            .unwrap_err()
            .to_string();
    assert!(
        error.contains("'31-12-2025' is geen geldige datum"),
        "{error}"
    );
}

#[test]
fn requires_discipline_is_derived_or_explicit() {
    let base = r#"
        code = "x"
        naam = "X"
        soort = "discipline-voucher"
        plafond = "100.00"
        bedrag = { vast = "10.00" }
        openstelling = { van = 2024-01-01, tot_en_met = 2024-12-31 }
        verdeling = "volgorde-van-binnenkomst"
        voorschot_percentage = 100
        beslistermijn_weken = 8
        aanvultermijn_dagen = 14
    "#;
    let derived: InstrumentConfig =
        toml::from_str(&format!("{base}uniek = \"per-regio-en-discipline\"")).unwrap();
    assert!(derived.requires_discipline);
    let explicit: InstrumentConfig =
        toml::from_str(&format!("{base}discipline_verplicht = true")).unwrap();
    assert!(explicit.requires_discipline);
    assert_eq!(explicit.uniqueness, Uniqueness::None);
    let neither: InstrumentConfig = toml::from_str(base).unwrap();
    assert!(!neither.requires_discipline);
    assert_eq!(neither.four_eyes_above, None);
    assert_eq!(neither.accounting_deadline, None);
    // Numbers where a string is expected, and percentages beyond any u8, get Dutch
    // messages; 101..=255 are left to validation.
    let error =
        toml::from_str::<InstrumentConfig>(&base.replace("plafond = \"100.00\"", "plafond = 100"))
            .unwrap_err()
            .to_string();
    assert!(
        error.contains("staat niet tussen aanhalingstekens"),
        "{error}"
    );
    let error = toml::from_str::<InstrumentConfig>(
        &base.replace("voorschot_percentage = 100", "voorschot_percentage = 300"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("voorschot_percentage is 300; kies een percentage van 0 tot en met 100"),
        "{error}"
    );
    let high: InstrumentConfig =
        toml::from_str(&base.replace("voorschot_percentage = 100", "voorschot_percentage = 101"))
            .unwrap();
    assert_eq!(high.advance_percent, 101);
    // A typo in a key is refused rather than ignored.
    assert!(toml::from_str::<InstrumentConfig>(&format!("{base}plafnd = \"1.00\"")).is_err());
}

#[test]
fn four_eyes_is_strictly_above_the_limit() {
    let config = instrument("uitvoering");
    assert!(!config.needs_four_eyes(money("1000000.00")));
    assert!(config.needs_four_eyes(money("1000000.01")));
    let mut without = config;
    without.four_eyes_above = None;
    assert!(!without.needs_four_eyes(money("2000000.00")));
}

#[test]
fn round_trips_through_serde() {
    // The workspace enables only parsing in toml, so the round trip goes through JSON.
    let file = valid();
    let json = serde_json::to_string(&file).unwrap();
    let back: ProgrammeFile = serde_json::from_str(&json).unwrap();
    assert_eq!(back, file);
}

const FIXTURE: &str = include_str!("../../../../../fixtures/versterking-eerstelijnszorg.toml");

#[test]
fn the_fixture_is_valid_and_holds_the_letters_figures() {
    let file: ProgrammeFile = toml::from_str(FIXTURE).unwrap();
    if let Err(errors) = file.validate() {
        panic!("{errors}");
    }
    let programme = &file.programme;
    assert_eq!(programme.code, "versterking-eerstelijnszorg");
    assert_eq!(programme.funder, "ZonMw");
    assert_eq!(programme.envelope, money("104000000.00"));
    // Starts in 2023 so the preparation grant's rounds (2023) fall within it.
    assert_eq!(programme.period.starts, date("2023-09-01"));
    assert_eq!(programme.period.ends, date("2026-12-31"));
    assert!(programme.ceilings_total().unwrap() <= programme.envelope);

    assert_eq!(file.regions.len(), 54);
    let inhabitants = file.total_inhabitants();
    assert!(
        (17_500_000..=18_500_000).contains(&inhabitants),
        "{inhabitants}"
    );
    assert_eq!(file.disciplines.len(), 12);
    for code in [
        "huisartsenzorg",
        "wijkverpleging",
        "farmacie",
        "sociaal-domein",
    ] {
        assert!(file.discipline(code).is_some(), "{code}");
    }

    let kinds: Vec<InstrumentKind> = programme.instruments.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, InstrumentKind::ALL);

    let preparation = programme.instrument("voorbereiding").unwrap();
    assert_eq!(preparation.amount.max(), money("150000.00"));
    assert!(preparation.ceiling >= times(money("50000.00"), 54));
    let second = &preparation.rounds[1];
    assert_eq!(second.only_unfunded_in.as_deref(), Some("ronde-1"));
    assert_eq!(second.closes.to_string(), "2023-11-29 14:00:00");

    let implementation = programme.instrument("uitvoering").unwrap();
    // The consortium of the public ZonMw sources.
    let partners: Vec<(&str, u32)> = implementation
        .required_partners
        .iter()
        .map(|r| (r.kind.as_str(), r.at_least))
        .collect();
    assert_eq!(
        partners,
        [
            ("huisartsenorganisatie", 1),
            ("wijkverpleging", 2),
            ("zorgverzekeraar", 1)
        ]
    );
    assert_eq!(
        implementation.amount,
        AmountRule::Range {
            min: money("500000.00"),
            max: money("2000000.00")
        }
    );
    let closings: Vec<String> = implementation
        .rounds
        .iter()
        .map(|r| r.closes.to_string())
        .collect();
    assert_eq!(
        closings,
        [
            "2024-07-03 14:00:00",
            "2024-09-25 14:00:00",
            "2024-12-04 14:00:00",
            // The illustrative round that keeps the instrument open through 2025.
            "2025-12-31 23:59:59"
        ]
    );
    assert_eq!(implementation.policy, AllocationPolicy::OrderOfReceipt);
    assert_eq!(implementation.uniqueness, Uniqueness::PerRegion);
    // 48 grants of the midpoint fit; 52 grants of the maximum do not, so the ceiling
    // matters in the demo.
    let midpoint = money("1250000.00");
    assert!(implementation.ceiling >= times(midpoint, 48));
    assert!(implementation.ceiling < times(implementation.amount.max(), 52));

    let voucher = programme.instrument("discipline-voucher").unwrap();
    assert_eq!(voucher.window.closes, date("2025-12-31"));
    assert_eq!(voucher.uniqueness, Uniqueness::PerRegionAndDiscipline);
    assert!(voucher.requires_discipline);
    assert!(voucher.ceiling >= times(voucher.amount.max(), 200));

    let research = programme.instrument("onderzoek").unwrap();
    assert_eq!(research.policy, AllocationPolicy::Ranking);
    assert!(research.window.closes >= date("2025-06-01"));
    assert!(research.window.closes <= date("2025-08-31"));
}

fn times(amount: Money, n: i64) -> Money {
    Money::from_cents(amount.cents() * n).unwrap()
}
