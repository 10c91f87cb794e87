//! The programme as configured: its envelope, its instruments with their ceilings and
//! rules, the regions and the disciplines.
//!
//! Every programme-specific number lives in a fixture file (`fixtures/*.toml`), edited by
//! civil servants. This module holds the types that file deserializes into (with Dutch
//! keys through serde renames) and the checks ([`ProgrammeFile::validate`]) that a file
//! must pass before the engine runs it. Validation reports **all** problems at once, each
//! with a Dutch message that says what was wrong and what would be accepted.
//!
//! The layout of a file:
//!
//! ```toml
//! [programma]
//! code = "versterking-eerstelijnszorg"
//! naam = "Versterking eerstelijnszorg"
//! financier = "ZonMw"
//! envelop = "104000000.00"
//! looptijd = { van = 2024-01-01, tot_en_met = 2026-12-31 }
//!
//! [[programma.instrumenten]]
//! code = "uitvoering"
//! naam = "Uitvoeringssubsidie"
//! soort = "uitvoering"
//! plafond = "72000000.00"
//! bedrag = { min = "500000.00", max = "2000000.00" }
//! openstelling = { van = 2024-04-01, tot_en_met = 2025-12-31 }
//! verdeling = "volgorde-van-binnenkomst"
//! voorschot_percentage = 80
//! beslistermijn_weken = 8
//! aanvultermijn_dagen = 14
//! vier_ogen_boven = "1000000.00"   # optional
//! uniek = "per-regio"              # optional, default "geen"
//! verantwoording_uiterlijk = 2027-06-30  # optional
//! discipline_verplicht = false     # optional; always true with "per-regio-en-discipline"
//!
//! [[regios]]
//! code = "r01"
//! naam = "Groningen-Stad"
//! inwoners = 245000
//!
//! [[disciplines]]
//! code = "huisartsenzorg"
//! naam = "Huisartsenzorg"
//! ```
//!
//! Amounts are strings with at most two decimals (never floats); dates are TOML dates
//! (`2025-12-31`) or strings (`"2025-12-31"`), calendar dates in Europe/Amsterdam, both
//! ends inclusive. Unknown keys are refused, so that a typo never silently drops a rule.
//!
//! This module performs no I/O: the caller reads and parses the file.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::money::{Money, MoneyError};

/// A text that is not one of the accepted values of a closed list (an instrument kind, a
/// policy, a uniqueness rule).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is geen geldige {what}; kies uit: {}", .accepted.join(", "))]
pub struct UnknownValue {
    /// What was being read, in Dutch ("soort regeling").
    pub what: &'static str,
    /// The text that was given.
    pub value: String,
    /// The texts that would have been accepted.
    pub accepted: &'static [&'static str],
}

/// Declares a closed list with one fixed Dutch text per value, used in files, the API and
/// reports: `as_str`, `ALL`, `Display`, `FromStr` (error [`UnknownValue`]) and serde as
/// that text.
macro_rules! dutch_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The Dutch text used in files, the API and reports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $( $text => Ok($name::$variant), )+
                    _ => Err(UnknownValue {
                        what: $what,
                        value: text.to_owned(),
                        accepted: &[$($text),+],
                    }),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(de::Error::custom)
            }
        }
    };
}

dutch_enum! {
    /// The kind of an instrument (*regeling*) of the programme.
    pub enum InstrumentKind ("soort regeling") {
        /// *Voorbereidingssubsidie*: a region prepares its partnership (RESV).
        Preparation => "voorbereiding",
        /// *Uitvoeringssubsidie*: a region carries out its plan.
        Implementation => "uitvoering",
        /// A voucher per discipline per region, for a profession to organise itself.
        DisciplineVoucher => "discipline-voucher",
        /// The research call (*onderzoek*).
        Research => "onderzoek",
    }
}

dutch_enum! {
    /// How the budget of an instrument is divided over its applications (Awb 4:25).
    pub enum AllocationPolicy ("verdeling") {
        /// Complete applications reserve budget in the order they were received
        /// (*volgorde van binnenkomst*); same-day ties are decided by lot.
        OrderOfReceipt => "volgorde-van-binnenkomst",
        /// After the call closes, applications are ranked by review score and honoured in
        /// that order until the ceiling is reached (*rangschikking*).
        Ranking => "rangschikking",
    }
}

dutch_enum! {
    /// How many honoured applications an instrument allows per region (and discipline).
    pub enum Uniqueness ("waarde voor uniek") {
        /// No limit.
        None => "geen",
        /// At most one per region.
        PerRegion => "per-regio",
        /// At most one per region and discipline; applications name a discipline.
        PerRegionAndDiscipline => "per-regio-en-discipline",
    }
}

impl Default for Uniqueness {
    /// No limit ("geen"), also when a file leaves `uniek` out.
    fn default() -> Self {
        Uniqueness::None
    }
}

impl Uniqueness {
    /// True when applications under this rule must name a discipline.
    pub fn requires_discipline(self) -> bool {
        self == Uniqueness::PerRegionAndDiscipline
    }

    /// True when applications are limited per region.
    pub fn per_region(self) -> bool {
        matches!(
            self,
            Uniqueness::PerRegion | Uniqueness::PerRegionAndDiscipline
        )
    }
}

/// Why a requested amount does not fit an instrument's [`AmountRule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Zero or negative.
    #[error("het bedrag {} is niet groter dan € 0,00; vraag een positief bedrag aan", .requested.to_dutch())]
    NotPositive {
        /// The amount asked for.
        requested: Money,
    },
    /// Below the minimum of a range.
    #[error("het bedrag {} is lager dan het minimum van {} voor deze regeling", .requested.to_dutch(), .min.to_dutch())]
    BelowMinimum {
        /// The amount asked for.
        requested: Money,
        /// The lowest amount accepted.
        min: Money,
    },
    /// Above the maximum of a range.
    #[error("het bedrag {} is hoger dan het maximum van {} voor deze regeling", .requested.to_dutch(), .max.to_dutch())]
    AboveMaximum {
        /// The amount asked for.
        requested: Money,
        /// The highest amount accepted.
        max: Money,
    },
    /// Not the fixed amount of a fixed-amount instrument.
    #[error("het bedrag {} wijkt af van het vaste bedrag van {} voor deze regeling; vraag precies {} aan", .requested.to_dutch(), .fixed.to_dutch(), .fixed.to_dutch())]
    NotFixedAmount {
        /// The amount asked for.
        requested: Money,
        /// The only amount accepted.
        fixed: Money,
    },
}

/// What may be asked for under an instrument: any amount in a range, or one fixed amount.
///
/// In a file: `bedrag = { min = "500000.00", max = "2000000.00" }` or
/// `bedrag = { vast = "50000.00" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountRule {
    /// From `min` up to and including `max`.
    Range {
        /// The lowest amount accepted.
        min: Money,
        /// The highest amount accepted.
        max: Money,
    },
    /// Exactly this amount (a voucher, a lump sum per region).
    Fixed(Money),
}

impl AmountRule {
    /// Checks a requested amount: positive, and within the range or equal to the fixed
    /// amount. Bounds are inclusive.
    pub fn check(&self, requested: Money) -> Result<(), AmountError> {
        if requested.is_negative() || requested.is_zero() {
            return Err(AmountError::NotPositive { requested });
        }
        match *self {
            AmountRule::Range { min, .. } if requested < min => {
                Err(AmountError::BelowMinimum { requested, min })
            }
            AmountRule::Range { max, .. } if requested > max => {
                Err(AmountError::AboveMaximum { requested, max })
            }
            AmountRule::Range { .. } => Ok(()),
            AmountRule::Fixed(fixed) if requested != fixed => {
                Err(AmountError::NotFixedAmount { requested, fixed })
            }
            AmountRule::Fixed(_) => Ok(()),
        }
    }

    /// The highest amount one application can get.
    pub fn max(&self) -> Money {
        match *self {
            AmountRule::Range { max, .. } => max,
            AmountRule::Fixed(fixed) => fixed,
        }
    }

    /// The lowest amount one application can ask for.
    pub fn min(&self) -> Money {
        match *self {
            AmountRule::Range { min, .. } => min,
            AmountRule::Fixed(fixed) => fixed,
        }
    }

    /// True for a fixed amount.
    pub fn is_fixed(&self) -> bool {
        matches!(self, AmountRule::Fixed(_))
    }
}

/// The file form of [`AmountRule`]: all keys optional, so that a wrong combination gets a
/// Dutch message instead of serde's "data did not match any variant".
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawAmountRule {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "file_amount::deserialize_option"
    )]
    min: Option<Money>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "file_amount::deserialize_option"
    )]
    max: Option<Money>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "file_amount::deserialize_option"
    )]
    vast: Option<Money>,
}

const AMOUNT_SHAPE_HINT: &str = "schrijf `bedrag = { min = \"500000.00\", max = \"2000000.00\" }` \
     voor een bedrag tussen twee grenzen, of `bedrag = { vast = \"50000.00\" }` voor een vast bedrag";

impl Serialize for AmountRule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = match *self {
            AmountRule::Range { min, max } => RawAmountRule {
                min: Some(min),
                max: Some(max),
                vast: None,
            },
            AmountRule::Fixed(fixed) => RawAmountRule {
                min: None,
                max: None,
                vast: Some(fixed),
            },
        };
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AmountRule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawAmountRule::deserialize(deserializer)?;
        match (raw.min, raw.max, raw.vast) {
            (None, None, Some(fixed)) => Ok(AmountRule::Fixed(fixed)),
            (Some(min), Some(max), None) => Ok(AmountRule::Range { min, max }),
            (_, _, Some(_)) => Err(de::Error::custom(format!(
                "bedrag: `vast` kan niet samen met `min` of `max`; {AMOUNT_SHAPE_HINT}"
            ))),
            (Some(_), None, None) => Err(de::Error::custom(format!(
                "bedrag: `min` staat er, maar `max` ontbreekt; {AMOUNT_SHAPE_HINT}"
            ))),
            (None, Some(_), None) => Err(de::Error::custom(format!(
                "bedrag: `max` staat er, maar `min` ontbreekt; {AMOUNT_SHAPE_HINT}"
            ))),
            (None, None, None) => Err(de::Error::custom(format!(
                "bedrag is leeg; {AMOUNT_SHAPE_HINT}"
            ))),
        }
    }
}

/// Reads calendar dates from TOML dates (`2025-12-31`) as well as strings
/// (`"2025-12-31"`), with a Dutch message for anything else.
mod calendar_date {
    use super::*;

    struct DateVisitor;

    fn parse<E: de::Error>(text: &str) -> Result<NaiveDate, E> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            E::custom(format!(
                "'{text}' is geen geldige datum; verwacht een kalenderdatum zonder tijd, zoals 2025-12-31"
            ))
        })
    }

    impl<'de> Visitor<'de> for DateVisitor {
        type Value = NaiveDate;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("een kalenderdatum zoals 2025-12-31")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<NaiveDate, E> {
            parse(text)
        }

        /// TOML hands its native dates over as a one-entry map holding the text.
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NaiveDate, A::Error> {
            match map.next_entry::<String, String>()? {
                Some((_, text)) => parse(&text),
                None => Err(de::Error::custom(
                    "lege waarde; verwacht een kalenderdatum zoals 2025-12-31",
                )),
            }
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<NaiveDate, D::Error> {
        deserializer.deserialize_str(DateVisitor)
    }

    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "deserialize")] NaiveDate);

    pub(super) fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
    }
}

/// Reads amounts in a file: the string form of [`Money`], with a Dutch message when
/// someone writes a bare number (`plafond = 72000000`) instead of a string.
mod file_amount {
    use super::*;

    struct AmountVisitor;

    fn unquoted<E: de::Error>(shown: &str) -> E {
        E::custom(format!(
            "het bedrag {shown} staat niet tussen aanhalingstekens; schrijf bedragen als tekst met een punt als decimaalteken, zoals \"{shown}.00\""
        ))
    }

    impl<'de> Visitor<'de> for AmountVisitor {
        type Value = Money;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("een bedrag als tekst, zoals \"1250000.00\"")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Money, E> {
            Money::parse(text).map_err(E::custom)
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Money, E> {
            Err(unquoted(&value.to_string()))
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Money, E> {
            Err(unquoted(&value.to_string()))
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<Money, E> {
            Err(E::custom(format!(
                "het bedrag {value} is een kommagetal zonder aanhalingstekens; schrijf bedragen als tekst met hoogstens twee decimalen, zoals \"1250000.50\""
            )))
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Money, D::Error> {
        deserializer.deserialize_any(AmountVisitor)
    }

    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "deserialize")] Money);

    pub(super) fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Money>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
    }
}

/// Reads `voorschot_percentage` with a Dutch message for numbers that are not a
/// percentage at all; 101–255 pass here and are reported by validation.
fn deserialize_percent<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    let value = i64::deserialize(deserializer)?;
    u8::try_from(value).map_err(|_| {
        de::Error::custom(format!(
            "voorschot_percentage is {value}; kies een percentage van 0 tot en met 100"
        ))
    })
}

/// The period in which applications can be submitted under an instrument
/// (*openstelling*): calendar dates in Europe/Amsterdam, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationWindow {
    /// The first day applications are accepted.
    #[serde(rename = "van", deserialize_with = "calendar_date::deserialize")]
    pub opens: NaiveDate,
    /// The last day applications are accepted.
    #[serde(rename = "tot_en_met", deserialize_with = "calendar_date::deserialize")]
    pub closes: NaiveDate,
}

impl ApplicationWindow {
    /// True when `date` (an Amsterdam calendar date) lies in the window, ends included.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.opens <= date && date <= self.closes
    }
}

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
#[serde(from = "RawInstrumentConfig")]
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
    /// When applications are accepted (`openstelling`).
    #[serde(rename = "openstelling")]
    pub window: ApplicationWindow,
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
    openstelling: ApplicationWindow,
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
}

impl From<RawInstrumentConfig> for InstrumentConfig {
    fn from(raw: RawInstrumentConfig) -> Self {
        InstrumentConfig {
            requires_discipline: raw.discipline_verplicht || raw.uniek.requires_discipline(),
            code: raw.code,
            name: raw.naam,
            kind: raw.soort,
            ceiling: raw.plafond,
            amount: raw.bedrag,
            window: raw.openstelling,
            policy: raw.verdeling,
            advance_percent: raw.voorschot_percentage,
            decision_term_weeks: raw.beslistermijn_weken,
            supplement_term_days: raw.aanvultermijn_dagen,
            four_eyes_above: raw.vier_ogen_boven,
            uniqueness: raw.uniek,
            accounting_deadline: raw.verantwoording_uiterlijk,
        }
    }
}

impl InstrumentConfig {
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

/// One problem in a programme file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The programme has no instruments.
    #[error(
        "het programma heeft geen regelingen; voeg ten minste één [[programma.instrumenten]] toe"
    )]
    NoInstruments,
    /// The file has no regions.
    #[error("er zijn geen regio's; voeg ten minste één [[regios]] toe met code, naam en inwoners")]
    NoRegions,
    /// The envelope is zero or negative.
    #[error("de envelop van het programma is {}; die moet groter zijn dan € 0,00", .envelope.to_dutch())]
    EnvelopeNotPositive {
        /// The envelope given.
        envelope: Money,
    },
    /// The programme ends before it starts.
    #[error("de looptijd van het programma eindigt op {ends}, vóór het begin op {starts}; `tot_en_met` moet op of na `van` liggen")]
    PeriodReversed {
        /// `van`.
        starts: NaiveDate,
        /// `tot_en_met`.
        ends: NaiveDate,
    },
    /// The ceilings together exceed the envelope.
    #[error("de plafonds van de regelingen zijn samen {}, meer dan de envelop van {}; verlaag de plafonds samen met ten minste {} of verhoog de envelop", .total.to_dutch(), .envelope.to_dutch(), .excess.to_dutch())]
    CeilingsExceedEnvelope {
        /// Sum of the ceilings.
        total: Money,
        /// The envelope.
        envelope: Money,
        /// `total - envelope`.
        excess: Money,
    },
    /// The ceilings cannot even be added up.
    #[error("de plafonds van de regelingen zijn samen te groot om op te tellen ({source}); controleer de bedragen")]
    CeilingsOverflow {
        /// The arithmetic error.
        source: MoneyError,
    },
    /// A ceiling of zero or less.
    #[error("regeling '{instrument}': het plafond is {}; een plafond moet groter zijn dan € 0,00", .ceiling.to_dutch())]
    CeilingNotPositive {
        /// Instrument code.
        instrument: String,
        /// The ceiling given.
        ceiling: Money,
    },
    /// An amount bound (or fixed amount) of zero or less.
    #[error("regeling '{instrument}': `bedrag.{key}` is {}; dat moet groter zijn dan € 0,00", .amount.to_dutch())]
    AmountNotPositive {
        /// Instrument code.
        instrument: String,
        /// `min`, `max` or `vast`.
        key: &'static str,
        /// The amount given.
        amount: Money,
    },
    /// The minimum of a range is above its maximum.
    #[error("regeling '{instrument}': het minimumbedrag {} is hoger dan het maximumbedrag {}; `min` mag niet hoger zijn dan `max`", .min.to_dutch(), .max.to_dutch())]
    MinAboveMax {
        /// Instrument code.
        instrument: String,
        /// `bedrag.min`.
        min: Money,
        /// `bedrag.max`.
        max: Money,
    },
    /// A single grant could exceed the ceiling.
    #[error("regeling '{instrument}': `bedrag.{key}` is {}, hoger dan het plafond van {}; verlaag het bedrag tot hoogstens het plafond of verhoog het plafond", .amount.to_dutch(), .ceiling.to_dutch())]
    AmountAboveCeiling {
        /// Instrument code.
        instrument: String,
        /// `max` or `vast`.
        key: &'static str,
        /// The amount given.
        amount: Money,
        /// The ceiling.
        ceiling: Money,
    },
    /// An advance percentage above 100.
    #[error("regeling '{instrument}': voorschot_percentage is {percent}; kies een percentage van 0 tot en met 100")]
    AdvanceTooHigh {
        /// Instrument code.
        instrument: String,
        /// The percentage given.
        percent: u8,
    },
    /// A window that closes before it opens.
    #[error("regeling '{instrument}': de openstelling sluit op {closes}, vóór ze opent op {opens}; `tot_en_met` moet op of na `van` liggen")]
    WindowReversed {
        /// Instrument code.
        instrument: String,
        /// `van`.
        opens: NaiveDate,
        /// `tot_en_met`.
        closes: NaiveDate,
    },
    /// A window not within the programme period.
    #[error("regeling '{instrument}': de openstelling van {opens} tot en met {closes} valt niet binnen de looptijd van het programma ({starts} tot en met {ends}); kies data binnen de looptijd")]
    WindowOutsidePeriod {
        /// Instrument code.
        instrument: String,
        /// Window `van`.
        opens: NaiveDate,
        /// Window `tot_en_met`.
        closes: NaiveDate,
        /// Programme `van`.
        starts: NaiveDate,
        /// Programme `tot_en_met`.
        ends: NaiveDate,
    },
    /// A decision term of zero weeks.
    #[error("regeling '{instrument}': beslistermijn_weken is 0; geef het aantal weken waarbinnen op een aanvraag beslist wordt (de Awb noemt 8 weken als termijn als niets anders is geregeld)")]
    DecisionTermZero {
        /// Instrument code.
        instrument: String,
    },
    /// A supplement term of zero days.
    #[error("regeling '{instrument}': aanvultermijn_dagen is 0; geef de aanvrager ten minste één dag om aan te vullen (gebruikelijk is 14 dagen)")]
    SupplementTermZero {
        /// Instrument code.
        instrument: String,
    },
    /// A negative four-eyes limit.
    #[error("regeling '{instrument}': vier_ogen_boven is {}; geef een bedrag van € 0,00 of meer, of laat het veld weg", .amount.to_dutch())]
    FourEyesNegative {
        /// Instrument code.
        instrument: String,
        /// The limit given.
        amount: Money,
    },
    /// An accounting deadline before the window closes.
    #[error("regeling '{instrument}': verantwoording_uiterlijk ({deadline}) ligt vóór het sluiten van de openstelling ({closes}); kies een datum op of na {closes}")]
    AccountingBeforeWindowCloses {
        /// Instrument code.
        instrument: String,
        /// `verantwoording_uiterlijk`.
        deadline: NaiveDate,
        /// Window `tot_en_met`.
        closes: NaiveDate,
    },
    /// Per region and discipline, but no disciplines defined.
    #[error("regeling '{instrument}' is uniek per regio en discipline of vraagt een discipline, maar er zijn geen disciplines; voeg [[disciplines]] toe of kies voor `uniek` \"geen\" of \"per-regio\"")]
    DisciplinesMissing {
        /// Instrument code.
        instrument: String,
    },
    /// A code that occurs more than once in one list.
    #[error("de code '{code}' komt meer dan één keer voor bij de {list}; elke code mag in een lijst maar één keer voorkomen")]
    DuplicateCode {
        /// `regelingen`, `regio's` or `disciplines`.
        list: &'static str,
        /// The repeated code.
        code: String,
    },
    /// A code that is empty.
    #[error("{subject} heeft geen code; geef een code van kleine letters a-z, cijfers en koppeltekens, zoals \"uitvoering\" of \"r01\"")]
    EmptyCode {
        /// What has no code ("regeling nr. 2").
        subject: String,
    },
    /// A code with other characters than `[a-z0-9-]`.
    #[error("{subject}: de code '{code}' bevat andere tekens dan kleine letters a-z, cijfers 0-9 en koppeltekens; gebruik bijvoorbeeld \"{suggestion}\"")]
    InvalidCode {
        /// Whose code it is ("regio nr. 3").
        subject: String,
        /// The code given.
        code: String,
        /// A code that would be accepted.
        suggestion: String,
    },
    /// A name (or funder) that is empty.
    #[error("{subject}: `{key}` is leeg; vul een naam in")]
    EmptyName {
        /// Whose name it is ("regio 'r07'").
        subject: String,
        /// The key (`naam`, `financier`).
        key: &'static str,
    },
    /// A region without inhabitants.
    #[error("regio '{region}': inwoners is 0; geef het aantal inwoners van de regio")]
    NoInhabitants {
        /// Region code.
        region: String,
    },
}

/// All problems found in a programme file, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }

    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none (never for an `Err` from [`ProgrammeFile::validate`]).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ConfigErrors {
    /// One line of summary, then one line per problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "de programmaconfiguratie is niet in orde ({n} {}):",
            if n == 1 { "fout" } else { "fouten" }
        )?;
        for error in &self.0 {
            write!(f, "\n- {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// True for a non-empty code of lowercase ASCII letters, digits and hyphens.
pub fn is_valid_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A code close to `text` that [`is_valid_code`] accepts, for error messages.
fn suggest_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.trim().chars().flat_map(char::to_lowercase) {
        let mapped = match ch {
            'a'..='z' | '0'..='9' => Some(ch),
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => Some('a'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' => Some('i'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            ' ' | '_' | '-' | '.' | '/' | '\'' => Some('-'),
            _ => None,
        };
        if let Some(c) = mapped {
            if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
                out.push(c);
            }
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "code-1".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Checks a list's codes and names; `noun` names one item ("regeling"), `list` the list.
fn check_codes_and_names<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    noun: &str,
    list: &'static str,
    errors: &mut Vec<ConfigError>,
) {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for (index, (code, name)) in items.enumerate() {
        let subject = if code.is_empty() {
            format!("{noun} nr. {}", index + 1)
        } else {
            format!("{noun} '{code}'")
        };
        if code.is_empty() {
            errors.push(ConfigError::EmptyCode {
                subject: subject.clone(),
            });
        } else if !is_valid_code(code) {
            errors.push(ConfigError::InvalidCode {
                subject: format!("{noun} nr. {}", index + 1),
                code: code.to_owned(),
                suggestion: suggest_code(code),
            });
        } else if !seen.insert(code) && reported.insert(code) {
            errors.push(ConfigError::DuplicateCode {
                list,
                code: code.to_owned(),
            });
        }
        if name.trim().is_empty() {
            errors.push(ConfigError::EmptyName {
                subject,
                key: "naam",
            });
        }
    }
}

impl InstrumentConfig {
    /// Checks one instrument on its own and against its programme's period, as a
    /// programme file would be checked (for an instrument added to a running programme).
    pub fn check(&self, period: &Period, disciplines_defined: bool) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        if !is_valid_code(&self.code) {
            errors.push(ConfigError::InvalidCode {
                subject: "de regeling".to_owned(),
                code: self.code.clone(),
                suggestion: suggest_code(&self.code),
            });
        }
        if self.name.trim().is_empty() {
            errors.push(ConfigError::EmptyName {
                subject: format!("regeling '{}'", self.code),
                key: "naam",
            });
        }
        self.problems(period, disciplines_defined, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The problems of this instrument on its own and against its programme.
    fn problems(&self, period: &Period, disciplines_defined: bool, errors: &mut Vec<ConfigError>) {
        let instrument = || self.code.clone();
        if self.ceiling.is_negative() || self.ceiling.is_zero() {
            errors.push(ConfigError::CeilingNotPositive {
                instrument: instrument(),
                ceiling: self.ceiling,
            });
        }
        let not_positive = |m: Money| m.is_negative() || m.is_zero();
        match self.amount {
            AmountRule::Range { min, max } => {
                if not_positive(min) {
                    errors.push(ConfigError::AmountNotPositive {
                        instrument: instrument(),
                        key: "min",
                        amount: min,
                    });
                }
                if not_positive(max) {
                    errors.push(ConfigError::AmountNotPositive {
                        instrument: instrument(),
                        key: "max",
                        amount: max,
                    });
                }
                if min > max {
                    errors.push(ConfigError::MinAboveMax {
                        instrument: instrument(),
                        min,
                        max,
                    });
                }
            }
            AmountRule::Fixed(fixed) => {
                if not_positive(fixed) {
                    errors.push(ConfigError::AmountNotPositive {
                        instrument: instrument(),
                        key: "vast",
                        amount: fixed,
                    });
                }
            }
        }
        if self.amount.max() > self.ceiling && !not_positive(self.ceiling) {
            errors.push(ConfigError::AmountAboveCeiling {
                instrument: instrument(),
                key: if self.amount.is_fixed() {
                    "vast"
                } else {
                    "max"
                },
                amount: self.amount.max(),
                ceiling: self.ceiling,
            });
        }
        if self.advance_percent > 100 {
            errors.push(ConfigError::AdvanceTooHigh {
                instrument: instrument(),
                percent: self.advance_percent,
            });
        }
        let window = self.window;
        if window.closes < window.opens {
            errors.push(ConfigError::WindowReversed {
                instrument: instrument(),
                opens: window.opens,
                closes: window.closes,
            });
        }
        if !period.contains(window.opens) || !period.contains(window.closes) {
            errors.push(ConfigError::WindowOutsidePeriod {
                instrument: instrument(),
                opens: window.opens,
                closes: window.closes,
                starts: period.starts,
                ends: period.ends,
            });
        }
        if self.decision_term_weeks == 0 {
            errors.push(ConfigError::DecisionTermZero {
                instrument: instrument(),
            });
        }
        if self.supplement_term_days == 0 {
            errors.push(ConfigError::SupplementTermZero {
                instrument: instrument(),
            });
        }
        if let Some(limit) = self.four_eyes_above {
            if limit.is_negative() {
                errors.push(ConfigError::FourEyesNegative {
                    instrument: instrument(),
                    amount: limit,
                });
            }
        }
        if let Some(deadline) = self.accounting_deadline {
            if deadline < window.closes {
                errors.push(ConfigError::AccountingBeforeWindowCloses {
                    instrument: instrument(),
                    deadline,
                    closes: window.closes,
                });
            }
        }
        if (self.requires_discipline || self.uniqueness.requires_discipline())
            && !disciplines_defined
        {
            errors.push(ConfigError::DisciplinesMissing {
                instrument: instrument(),
            });
        }
    }
}

impl ProgrammeFile {
    /// Checks the whole file and returns every problem found, or `Ok` when the engine
    /// can run it.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        let programme = &self.programme;

        if programme.code.is_empty() {
            errors.push(ConfigError::EmptyCode {
                subject: "het programma".to_owned(),
            });
        } else if !is_valid_code(&programme.code) {
            errors.push(ConfigError::InvalidCode {
                subject: "het programma".to_owned(),
                code: programme.code.clone(),
                suggestion: suggest_code(&programme.code),
            });
        }
        if programme.name.trim().is_empty() {
            errors.push(ConfigError::EmptyName {
                subject: "het programma".to_owned(),
                key: "naam",
            });
        }
        if programme.funder.trim().is_empty() {
            errors.push(ConfigError::EmptyName {
                subject: "het programma".to_owned(),
                key: "financier",
            });
        }
        if programme.envelope.is_negative() || programme.envelope.is_zero() {
            errors.push(ConfigError::EnvelopeNotPositive {
                envelope: programme.envelope,
            });
        }
        if programme.period.ends < programme.period.starts {
            errors.push(ConfigError::PeriodReversed {
                starts: programme.period.starts,
                ends: programme.period.ends,
            });
        }

        if programme.instruments.is_empty() {
            errors.push(ConfigError::NoInstruments);
        }
        check_codes_and_names(
            programme
                .instruments
                .iter()
                .map(|i| (i.code.as_str(), i.name.as_str())),
            "regeling",
            "regelingen",
            &mut errors,
        );
        let disciplines_defined = !self.disciplines.is_empty();
        for instrument in &programme.instruments {
            instrument.problems(&programme.period, disciplines_defined, &mut errors);
        }
        match programme.ceilings_total() {
            Ok(total) if total > programme.envelope => {
                // Both are within the representable range, so the difference is too.
                let excess = total.checked_sub(programme.envelope).unwrap_or(total);
                errors.push(ConfigError::CeilingsExceedEnvelope {
                    total,
                    envelope: programme.envelope,
                    excess,
                });
            }
            Ok(_) => {}
            Err(source) => errors.push(ConfigError::CeilingsOverflow { source }),
        }

        if self.regions.is_empty() {
            errors.push(ConfigError::NoRegions);
        }
        check_codes_and_names(
            self.regions
                .iter()
                .map(|r| (r.code.as_str(), r.name.as_str())),
            "regio",
            "regio's",
            &mut errors,
        );
        for region in &self.regions {
            if region.inhabitants == 0 {
                errors.push(ConfigError::NoInhabitants {
                    region: region.code.clone(),
                });
            }
        }
        check_codes_and_names(
            self.disciplines
                .iter()
                .map(|d| (d.code.as_str(), d.name.as_str())),
            "discipline",
            "disciplines",
            &mut errors,
        );

        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The region with this code.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The discipline with this code.
    pub fn discipline(&self, code: &str) -> Option<&Discipline> {
        self.disciplines.iter().find(|d| d.code == code)
    }

    /// The inhabitants of all regions together.
    pub fn total_inhabitants(&self) -> u64 {
        self.regions
            .iter()
            .fold(0u64, |acc, r| acc.saturating_add(r.inhabitants))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
            policy: AllocationPolicy::OrderOfReceipt,
            advance_percent: 80,
            decision_term_weeks: 8,
            supplement_term_days: 14,
            four_eyes_above: Some(money("1000000.00")),
            uniqueness: Uniqueness::PerRegion,
            accounting_deadline: Some(date("2027-06-30")),
            requires_discipline: false,
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
        file.programme.instruments[0].window = ApplicationWindow {
            opens: date("2025-01-02"),
            closes: date("2025-01-01"),
        };
        assert!(matches!(
            single_error(&file),
            ConfigError::WindowReversed { .. }
        ));
        // A window of one day is fine.
        file.programme.instruments[0].window.closes = date("2025-01-02");
        file.validate().unwrap();
    }

    #[test]
    fn window_outside_the_period() {
        for (opens, closes) in [("2023-12-31", "2024-06-30"), ("2026-01-01", "2027-01-01")] {
            let mut file = valid();
            file.programme.instruments[0].window = ApplicationWindow {
                opens: date(opens),
                closes: date(closes),
            };
            file.programme.instruments[0].accounting_deadline = None;
            assert!(matches!(
                single_error(&file),
                ConfigError::WindowOutsidePeriod { .. }
            ));
        }
        // Exactly the period is fine.
        let mut file = valid();
        file.programme.instruments[0].window = ApplicationWindow {
            opens: date("2024-01-01"),
            closes: date("2026-12-31"),
        };
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
        let range: AmountRule =
            toml::from_str::<toml::Table>("b = { min = \"1.00\", max = \"2.00\" }")
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

        let error = toml::from_str::<ApplicationWindow>(
            "van = 2024-01-01T10:00:00\ntot_en_met = 2025-12-31",
        )
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
        let error = toml::from_str::<InstrumentConfig>(
            &base.replace("plafond = \"100.00\"", "plafond = 100"),
        )
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
        let high: InstrumentConfig = toml::from_str(
            &base.replace("voorschot_percentage = 100", "voorschot_percentage = 101"),
        )
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

    const FIXTURE: &str = include_str!("../../../fixtures/versterking-eerstelijnszorg.toml");

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
        assert_eq!(programme.period.starts, date("2024-01-01"));
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
        assert!(preparation.amount.is_fixed());
        assert!(preparation.ceiling >= times(preparation.amount.max(), 54));

        let implementation = programme.instrument("uitvoering").unwrap();
        assert_eq!(
            implementation.amount,
            AmountRule::Range {
                min: money("500000.00"),
                max: money("2000000.00")
            }
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
}
