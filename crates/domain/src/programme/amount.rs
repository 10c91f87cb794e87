//! What one application may ask for under an instrument, and why an amount does not fit.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use super::file_format::file_amount;
use crate::money::Money;

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
