//! The types a programme file deserializes into, with Dutch keys through serde renames.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::amount::AmountRule;
use super::file_format::{calendar_date, deserialize_percent, file_amount};
use super::kinds::{AllocationPolicy, InstrumentKind, Uniqueness};
use super::rounds::{envelope, open_rounds_on, round_at, ApplicationWindow, RoundConfig};
use crate::money::{Money, MoneyError};

/// The period a programme runs (*looptijd*): calendar dates, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// The first day of the programme.
    #[serde(rename = "van", deserialize_with = "calendar_date::deserialize")]
    pub starts: NaiveDate,
    /// The last day of the programme.
    #[serde(rename = "tot_en_met", deserialize_with = "calendar_date::deserialize")]
    pub ends: NaiveDate,
}

impl Period {
    /// True when `date` lies in the period, ends included.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.starts <= date && date <= self.ends
    }
}

/// One instrument (*regeling*) of a programme: its ceiling and its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawInstrumentConfig")]
pub struct InstrumentConfig {
    /// Stable identifier: lowercase letters, digits and hyphens (`uitvoering`).
    pub code: String,
    /// Name as shown to applicants (`naam`).
    #[serde(rename = "naam")]
    pub name: String,
    /// What kind of subsidy it is (`soort`).
    #[serde(rename = "soort")]
    pub kind: InstrumentKind,
    /// The *subsidieplafond* (Awb 4:22): the most that may be granted (`plafond`).
    #[serde(rename = "plafond")]
    pub ceiling: Money,
    /// What one application may ask for (`bedrag`).
    #[serde(rename = "bedrag")]
    pub amount: AmountRule,
    /// The calendar dates from the first round's opening to the last round's closing:
    /// the file's `openstelling` when it has no `rondes`. Derived from
    /// [`rounds`](Self::rounds); change both with [`set_rounds`](Self::set_rounds).
    #[serde(skip_serializing)]
    pub window: ApplicationWindow,
    /// The rounds (`rondes`), in order; one round made from `openstelling` when the file
    /// gives no rounds.
    #[serde(rename = "rondes")]
    pub rounds: Vec<RoundConfig>,
    /// How the budget is divided (`verdeling`).
    #[serde(rename = "verdeling")]
    pub policy: AllocationPolicy,
    /// Share of a grant paid as advance when it is decided, 0–100 (`voorschot_percentage`).
    #[serde(rename = "voorschot_percentage")]
    pub advance_percent: u8,
    /// Weeks within which an application must be decided (`beslistermijn_weken`).
    #[serde(rename = "beslistermijn_weken")]
    pub decision_term_weeks: u32,
    /// Days an applicant gets to supply missing documents (`aanvultermijn_dagen`).
    #[serde(rename = "aanvultermijn_dagen")]
    pub supplement_term_days: u32,
    /// Grants above this amount need a second reviewer (`vier_ogen_boven`); `None`: never.
    #[serde(rename = "vier_ogen_boven", skip_serializing_if = "Option::is_none")]
    pub four_eyes_above: Option<Money>,
    /// How many honoured applications per region (and discipline) (`uniek`).
    #[serde(rename = "uniek")]
    pub uniqueness: Uniqueness,
    /// The last day a grantee may account for the money (`verantwoording_uiterlijk`).
    #[serde(
        rename = "verantwoording_uiterlijk",
        skip_serializing_if = "Option::is_none"
    )]
    pub accounting_deadline: Option<NaiveDate>,
    /// Applications must name a discipline (`discipline_verplicht`). Always true when
    /// [`uniqueness`](Self::uniqueness) is per region and discipline; in a file it may
    /// also be set explicitly.
    #[serde(rename = "discipline_verplicht")]
    pub requires_discipline: bool,
    /// The documents an application must carry before it can be submitted
    /// (`documenten`), in the order they are asked for.
    #[serde(rename = "documenten", default, skip_serializing_if = "Vec::is_empty")]
    pub required_documents: Vec<RequiredDocument>,
    /// The kinds of partner an application must name before it can be submitted
    /// (`partners_vereist`), in the order they are asked for.
    #[serde(
        rename = "partners_vereist",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub required_partners: Vec<crate::consortium::PartnerRule>,
}

/// A document an application under an instrument must carry (`[[…documenten]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    /// Its kind, as the upload names it (`soort`): lowercase letters, digits, hyphens.
    #[serde(rename = "soort")]
    pub kind: String,
    /// Its Dutch name, as refusals and pages show it (`naam`).
    #[serde(rename = "naam")]
    pub name: String,
}

/// The file form of [`InstrumentConfig`], from which `requires_discipline` is derived.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrumentConfig {
    code: String,
    naam: String,
    soort: InstrumentKind,
    #[serde(deserialize_with = "file_amount::deserialize")]
    plafond: Money,
    bedrag: AmountRule,
    #[serde(default)]
    openstelling: Option<ApplicationWindow>,
    #[serde(default)]
    rondes: Option<Vec<RoundConfig>>,
    verdeling: AllocationPolicy,
    #[serde(deserialize_with = "deserialize_percent")]
    voorschot_percentage: u8,
    beslistermijn_weken: u32,
    aanvultermijn_dagen: u32,
    #[serde(default, deserialize_with = "file_amount::deserialize_option")]
    vier_ogen_boven: Option<Money>,
    #[serde(default)]
    uniek: Uniqueness,
    #[serde(default, deserialize_with = "calendar_date::deserialize_option")]
    verantwoording_uiterlijk: Option<NaiveDate>,
    #[serde(default)]
    discipline_verplicht: bool,
    #[serde(default)]
    documenten: Vec<RequiredDocument>,
    #[serde(default)]
    partners_vereist: Vec<crate::consortium::PartnerRule>,
}

impl TryFrom<RawInstrumentConfig> for InstrumentConfig {
    type Error = String;

    fn try_from(raw: RawInstrumentConfig) -> Result<Self, String> {
        let rounds = match (raw.openstelling, raw.rondes) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "regeling '{}': geef `openstelling` of `rondes`, niet allebei; met rondes bepalen de rondes wanneer aanvragen binnenkomen",
                    raw.code
                ))
            }
            (Some(window), None) => vec![RoundConfig::single(window)],
            (None, Some(rounds)) if !rounds.is_empty() => rounds,
            (None, _) => {
                return Err(format!(
                    "regeling '{}' heeft geen openstelling; geef `openstelling = {{ van = …, tot_en_met = … }}` of ten minste één ronde in `rondes`",
                    raw.code
                ))
            }
        };
        let window = envelope(&rounds).unwrap_or(ApplicationWindow {
            opens: NaiveDate::MIN,
            closes: NaiveDate::MIN,
        });
        Ok(InstrumentConfig {
            requires_discipline: raw.discipline_verplicht || raw.uniek.requires_discipline(),
            code: raw.code,
            name: raw.naam,
            kind: raw.soort,
            ceiling: raw.plafond,
            amount: raw.bedrag,
            window,
            rounds,
            policy: raw.verdeling,
            advance_percent: raw.voorschot_percentage,
            decision_term_weeks: raw.beslistermijn_weken,
            supplement_term_days: raw.aanvultermijn_dagen,
            four_eyes_above: raw.vier_ogen_boven,
            uniqueness: raw.uniek,
            accounting_deadline: raw.verantwoording_uiterlijk,
            required_documents: raw.documenten,
            required_partners: raw.partners_vereist,
        })
    }
}

impl InstrumentConfig {
    /// Replaces the rounds and the window derived from them.
    pub fn set_rounds(&mut self, rounds: Vec<RoundConfig>) {
        if let Some(window) = envelope(&rounds) {
            self.window = window;
        }
        self.rounds = rounds;
    }

    /// Makes the instrument's one round that of a plain `openstelling` of `window`.
    pub fn set_window(&mut self, window: ApplicationWindow) {
        self.rounds = vec![RoundConfig::single(window)];
        self.window = window;
    }

    /// The round that accepts a submission received at `at`, if any.
    pub fn round_at(&self, at: chrono::DateTime<chrono::Utc>) -> Option<&RoundConfig> {
        round_at(&self.rounds, at)
    }

    /// The rounds that accept submissions at some moment of the Amsterdam day `date`.
    pub fn open_rounds_on(&self, date: NaiveDate) -> Vec<&RoundConfig> {
        open_rounds_on(&self.rounds, date)
    }

    /// True when a grant of `amount` needs a second reviewer (strictly above the limit).
    pub fn needs_four_eyes(&self, amount: Money) -> bool {
        self.four_eyes_above.is_some_and(|limit| amount > limit)
    }
}

/// A programme: a budget envelope with instruments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeConfig {
    /// Stable identifier: lowercase letters, digits and hyphens.
    pub code: String,
    /// Name of the programme (`naam`).
    #[serde(rename = "naam")]
    pub name: String,
    /// Who pays and runs it, e.g. ZonMw (`financier`).
    #[serde(rename = "financier")]
    pub funder: String,
    /// The whole budget; the instruments' ceilings together stay within it (`envelop`).
    #[serde(rename = "envelop", deserialize_with = "file_amount::deserialize")]
    pub envelope: Money,
    /// When the programme runs (`looptijd`).
    #[serde(rename = "looptijd")]
    pub period: Period,
    /// The instruments (`[[programma.instrumenten]]`).
    #[serde(rename = "instrumenten", default)]
    pub instruments: Vec<InstrumentConfig>,
}

impl ProgrammeConfig {
    /// The instrument with this code.
    pub fn instrument(&self, code: &str) -> Option<&InstrumentConfig> {
        self.instruments.iter().find(|i| i.code == code)
    }

    /// The sum of all instruments' ceilings.
    pub fn ceilings_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.instruments.iter().map(|i| i.ceiling))
    }
}

/// A region (*regio*, the area of one RESV).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Stable identifier: lowercase letters, digits and hyphens (`r01`).
    pub code: String,
    /// Name of the region (`naam`).
    #[serde(rename = "naam")]
    pub name: String,
    /// Number of inhabitants (`inwoners`), for coverage figures.
    #[serde(rename = "inwoners")]
    pub inhabitants: u64,
}

/// A profession in primary care (*discipline*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discipline {
    /// Stable identifier: lowercase letters, digits and hyphens (`huisartsenzorg`).
    pub code: String,
    /// Name as shown (`naam`).
    #[serde(rename = "naam")]
    pub name: String,
}

/// A whole programme fixture file: `[programma]` with `[[programma.instrumenten]]`,
/// `[[regios]]` and `[[disciplines]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeFile {
    /// The programme and its instruments (`[programma]`).
    #[serde(rename = "programma")]
    pub programme: ProgrammeConfig,
    /// The regions (`[[regios]]`).
    #[serde(rename = "regios", default)]
    pub regions: Vec<Region>,
    /// The disciplines (`[[disciplines]]`).
    #[serde(default)]
    pub disciplines: Vec<Discipline>,
}
