//! The closed lists of a programme file (instrument kinds, allocation policies, uniqueness
//! rules), each with one fixed Dutch text per value.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

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
