//! Rounds: reading them, the closing second in Amsterdam time, the budgets with
//! carry-over, and the Dutch refusals of a file whose rounds are wrong.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{money, valid};
use crate::money::Money;
use crate::programme::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn local(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap()
}

fn round(code: &str, opens: &str, closes: &str, ceiling: Option<&str>) -> RoundConfig {
    RoundConfig {
        code: code.to_owned(),
        name: format!("Ronde {code}"),
        opens: local(opens),
        closes: local(closes),
        ceiling: ceiling.map(money),
        carry_over: false,
        only_unfunded_in: None,
    }
}

/// The three rounds of 2024 with the given ceilings, all carrying over but the last.
fn three_rounds(ceilings: [&str; 3]) -> Vec<RoundConfig> {
    let mut rounds = vec![
        round(
            "ronde-1",
            "2024-04-02T09:00:00",
            "2024-07-03T14:00:00",
            Some(ceilings[0]),
        ),
        round(
            "ronde-2",
            "2024-07-03T14:00:01",
            "2024-09-25T14:00:00",
            Some(ceilings[1]),
        ),
        round(
            "ronde-3",
            "2024-09-25T14:00:01",
            "2024-12-04T14:00:00",
            Some(ceilings[2]),
        ),
    ];
    rounds[0].carry_over = true;
    rounds[1].carry_over = true;
    rounds
}

#[test]
fn the_closing_second_counts_in_summer_and_in_winter() {
    let rounds = three_rounds(["1000000.00", "1000000.00", "1000000.00"]);
    // 3 July is summer time (UTC+2): 14:00:00 in Amsterdam is 12:00:00 UTC.
    let last = round_at(&rounds, utc("2024-07-03T12:00:00Z")).unwrap();
    assert_eq!(last.code, "ronde-1");
    assert!(rounds[0].accepts(utc("2024-07-03T12:00:00.999Z")));
    assert!(!rounds[0].accepts(utc("2024-07-03T12:00:01Z")));
    assert_eq!(
        round_at(&rounds, utc("2024-07-03T12:00:01Z")).unwrap().code,
        "ronde-2"
    );
    // 4 December is winter time (UTC+1): 14:00:00 is 13:00:00 UTC; nothing after it.
    assert_eq!(
        round_at(&rounds, utc("2024-12-04T13:00:00Z")).unwrap().code,
        "ronde-3"
    );
    assert!(round_at(&rounds, utc("2024-12-04T13:00:01Z")).is_none());
    assert!(rounds[2].is_closed(utc("2024-12-04T13:00:01Z")));
    assert!(round_at(&rounds, utc("2024-04-02T06:59:59Z")).is_none());
    assert_eq!(
        dutch_wall_clock(rounds[2].closes),
        "4 december 2024 om 14:00:00"
    );
    // 3 July has two rounds open during the day.
    let open: Vec<&str> = open_rounds_on(&rounds, local("2024-07-03T00:00:00").date())
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert_eq!(open, ["ronde-1", "ronde-2"]);
}

#[test]
fn an_openstelling_is_one_round_of_whole_days() {
    let file = valid();
    let instrument = &file.programme.instruments[0];
    assert_eq!(instrument.rounds.len(), 1);
    let only = &instrument.rounds[0];
    assert_eq!(only.code, SINGLE_ROUND_CODE);
    // 2025-12-31 23:59:59 in Amsterdam (winter) is 22:59:59 UTC.
    assert!(only.accepts(utc("2025-12-31T22:59:59Z")));
    assert!(!only.accepts(utc("2025-12-31T23:00:00Z")));
    assert!(only.accepts(utc("2024-03-31T22:00:00Z")));
    assert!(instrument.has_single_window());
}

#[test]
fn unused_budget_carries_over_but_never_backwards() {
    let rounds = three_rounds(["100.00", "100.00", "100.00"]);
    let budgets = |held: [&str; 3]| -> Vec<Option<Money>> {
        round_budgets(&rounds, &held.map(money)).unwrap()
    };
    // Nothing held: each round may take its own ceiling, and what it does not use the
    // next may; a first round cannot take the second's.
    assert_eq!(
        budgets(["0", "0", "0"]),
        vec![Some(money("100")), Some(money("200")), Some(money("300"))]
    );
    // Round 1 used 60: round 2 has 100 + 40.
    assert_eq!(
        budgets(["60", "0", "0"]),
        vec![Some(money("40")), Some(money("140")), Some(money("240"))]
    );
    // Round 2 took 130 (30 of round 1's rest): rounds 1 and 2 together have 10 left,
    // so round 1's waiting list may still take 10, not its own 40.
    assert_eq!(
        budgets(["60", "130", "0"]),
        vec![Some(money("10")), Some(money("10")), Some(money("110"))]
    );
    // Round 2 took all of round 1's rest: nothing left for round 1.
    assert_eq!(
        budgets(["60", "140", "0"]),
        vec![Some(money("0")), Some(money("0")), Some(money("100"))]
    );
    // Without carry-over from round 1, round 2 has only its own, and round 3 what
    // round 2 leaves.
    let mut separate = rounds.clone();
    separate[0].carry_over = false;
    assert_eq!(
        round_budgets(&separate, &["60", "0", "0"].map(money)).unwrap(),
        vec![Some(money("40")), Some(money("100")), Some(money("200"))]
    );
    // A round without a ceiling has only the instrument's.
    let mut open = rounds.clone();
    open[2].ceiling = None;
    open[1].carry_over = false;
    assert_eq!(round_budgets(&open, &[Money::ZERO; 3]).unwrap()[2], None);
}

#[test]
fn rounds_read_from_a_file() {
    let text = r#"
code = "uitvoering"
naam = "Uitvoering"
soort = "uitvoering"
plafond = "300.00"
bedrag = { min = "10.00", max = "100.00" }
verdeling = "volgorde-van-binnenkomst"
voorschot_percentage = 80
beslistermijn_weken = 8
aanvultermijn_dagen = 14

[[rondes]]
code = "ronde-1"
naam = "Eerste"
opent = 2024-04-02T09:00:00
sluit = 2024-07-03T14:00:00
plafond = "150.00"
overloop = true

[[rondes]]
code = "ronde-2"
naam = "Tweede"
opent = "2024-07-03T14:00:01"
sluit = 2024-09-25T14:00:00
plafond = "150.00"
alleen_zonder_toekenning_in = "ronde-1"
"#;
    let instrument: InstrumentConfig = toml::from_str(text).unwrap();
    assert_eq!(instrument.rounds.len(), 2);
    assert!(instrument.rounds[0].carry_over);
    assert_eq!(instrument.window.opens.to_string(), "2024-04-02");
    assert_eq!(instrument.window.closes.to_string(), "2024-09-25");
    assert!(!instrument.has_single_window());

    let both = text.replace(
        "aanvultermijn_dagen = 14\n",
        "aanvultermijn_dagen = 14\nopenstelling = { van = 2024-01-01, tot_en_met = 2024-02-01 }\n",
    );
    let error = toml::from_str::<InstrumentConfig>(&both)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("geef `openstelling` of `rondes`, niet allebei"),
        "{error}"
    );

    let neither = text[..text.find("[[rondes]]").unwrap()].to_owned();
    let error = toml::from_str::<InstrumentConfig>(&neither)
        .unwrap_err()
        .to_string();
    assert!(error.contains("heeft geen openstelling"), "{error}");

    let offset = text.replace("2024-09-25T14:00:00", "2024-09-25T14:00:00+02:00");
    let error = toml::from_str::<InstrumentConfig>(&offset)
        .unwrap_err()
        .to_string();
    assert!(error.contains("zonder tijdzone"), "{error}");
}

#[test]
fn wrong_rounds_are_refused_in_dutch() {
    let mut file = valid();
    let instrument = &mut file.programme.instruments[0];
    let mut rounds = three_rounds(["5000000.00", "5000000.00", "5000000.00"]);
    rounds[1].opens = local("2024-07-03T13:00:00");
    rounds[2].carry_over = true;
    rounds[2].only_unfunded_in = Some("ronde-9".to_owned());
    rounds[0].ceiling = Some(money("1000.00"));
    rounds[1].closes = local("2027-01-01T12:00:00");
    instrument.set_rounds(rounds);
    instrument.accounting_deadline = None;
    let errors = file.validate().unwrap_err();
    let text = errors.to_string();
    for expected in [
        "ronde 'ronde-1': het plafond van de ronde (€ 1.000,00) is lager dan wat één aanvraag mag vragen (€ 2.000.000,00)",
        "ronde 'ronde-2': de ronde opent op 3 juli 2024 om 13:00:00, vóór ronde 'ronde-1' sluit op 3 juli 2024 om 14:00:00",
        "ronde 'ronde-2': de ronde van 3 juli 2024 om 13:00:00 tot en met 1 januari 2027 om 12:00:00 valt niet binnen de looptijd",
        "ronde 'ronde-3': de ronde opent op 25 september 2024 om 14:00:01, vóór ronde 'ronde-2' sluit op 1 januari 2027 om 12:00:00",
        "ronde 'ronde-3': `overloop = true` maar het is de laatste ronde",
        "ronde 'ronde-3': `alleen_zonder_toekenning_in` noemt 'ronde-9', maar dat is geen eerdere ronde",
        "regeling 'uitvoering': de plafonds van de rondes zijn samen € 10.001.000,00, meer dan het plafond van de regeling (€ 10.000.000,00)",
    ] {
        assert!(text.contains(expected), "missing «{expected}» in:\n{text}");
    }
    assert_eq!(errors.len(), 7, "{text}");

    let mut reversed = valid();
    let mut rounds = three_rounds(["100.00", "100.00", "100.00"]);
    rounds.truncate(1);
    rounds[0].carry_over = false;
    rounds[0].ceiling = None;
    rounds[0].closes = rounds[0].opens;
    reversed.programme.instruments[0].set_rounds(rounds);
    let error = reversed.validate().unwrap_err().to_string();
    assert!(
        error.contains(
            "de ronde sluit op 2 april 2024 om 09:00:00, vóór ze opent op 2 april 2024 om 09:00:00"
        ),
        "{error}"
    );
}
