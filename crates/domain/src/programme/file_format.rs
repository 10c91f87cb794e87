//! Readers for the values of a programme file that serde would otherwise refuse with an
//! English message: dates, amounts and the advance percentage.

use chrono::NaiveDate;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

use crate::money::Money;

/// Reads calendar dates from TOML dates (`2025-12-31`) as well as strings
/// (`"2025-12-31"`), with a Dutch message for anything else.
pub(super) mod calendar_date {
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

    pub(in crate::programme) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<NaiveDate, D::Error> {
        deserializer.deserialize_str(DateVisitor)
    }

    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "deserialize")] NaiveDate);

    pub(in crate::programme) fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
    }
}

/// Reads amounts in a file: the string form of [`Money`], with a Dutch message when
/// someone writes a bare number (`plafond = 72000000`) instead of a string.
pub(super) mod file_amount {
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

    pub(in crate::programme) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Money, D::Error> {
        deserializer.deserialize_any(AmountVisitor)
    }

    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "deserialize")] Money);

    pub(in crate::programme) fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Money>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
    }
}

/// Reads `voorschot_percentage` with a Dutch message for numbers that are not a
/// percentage at all; 101–255 pass here and are reported by validation.
pub(super) fn deserialize_percent<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<u8, D::Error> {
    let value = i64::deserialize(deserializer)?;
    u8::try_from(value).map_err(|_| {
        de::Error::custom(format!(
            "voorschot_percentage is {value}; kies een percentage van 0 tot en met 100"
        ))
    })
}

/// Reads and writes Amsterdam wall-clock times of rounds: a TOML local date-time
/// (`2024-07-03T14:00:00`, no offset) or the same as a string, with a Dutch message for
/// anything else (an offset, a date without a time).
pub(super) mod wall_clock {
    use super::*;
    use chrono::NaiveDateTime;
    use serde::Serializer;

    struct WallClockVisitor;

    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ];

    fn parse<E: de::Error>(text: &str) -> Result<NaiveDateTime, E> {
        FORMATS
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .ok_or_else(|| {
                E::custom(format!(
                    "'{text}' is geen geldig tijdstip; schrijf datum en tijd in Nederlandse tijd zonder tijdzone, zoals 2024-07-03T14:00:00"
                ))
            })
    }

    impl<'de> Visitor<'de> for WallClockVisitor {
        type Value = NaiveDateTime;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("een tijdstip zoals 2024-07-03T14:00:00")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<NaiveDateTime, E> {
            parse(text)
        }

        /// TOML hands its native date-times over as a one-entry map holding the text.
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NaiveDateTime, A::Error> {
            match map.next_entry::<String, String>()? {
                Some((_, text)) => parse(&text),
                None => Err(de::Error::custom(
                    "lege waarde; verwacht een tijdstip zoals 2024-07-03T14:00:00",
                )),
            }
        }
    }

    pub(in crate::programme) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<NaiveDateTime, D::Error> {
        deserializer.deserialize_str(WallClockVisitor)
    }

    pub(in crate::programme) fn serialize<S: Serializer>(
        at: &NaiveDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&at.format("%Y-%m-%dT%H:%M:%S").to_string())
    }
}
