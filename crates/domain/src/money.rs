//! Money in euros, exact to the cent.
//!
//! `Money` wraps a [`Decimal`] that always has exactly two decimals. It is built from
//! whole cents (as the database stores it) or parsed from the strict string form that the
//! API accepts (`"1250000.00"`, `"12.5"`, `"7"`). Arithmetic is checked: an overflow is an
//! error, never a panic or a silently wrong amount.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount the engine accepts anywhere: one hundred billion euro.
///
/// Far above any programme, far below where cents stop fitting in an `i64`, so that every
/// sum of a realistic number of amounts stays exact.
pub const MAX_EUROS: i64 = 100_000_000_000;
const MAX_CENTS: i64 = MAX_EUROS * 100;

/// Why an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is empty.
    #[error("het bedrag is leeg; verwacht een bedrag in euro's zoals \"1250.00\"")]
    Empty,
    /// The text is not a plain decimal number.
    #[error("'{0}' is geen geldig bedrag; verwacht cijfers met hoogstens één punt als decimaalteken, zoals \"1250.00\"")]
    Malformed(String),
    /// More than two decimals.
    #[error("'{0}' heeft meer dan twee decimalen; bedragen zijn in hele centen")]
    TooPrecise(String),
    /// A negative amount where only zero or more is allowed.
    #[error("'{0}' is negatief; alleen bedragen van 0,00 of meer zijn toegestaan")]
    Negative(String),
    /// Beyond [`MAX_EUROS`].
    #[error("het bedrag is groter dan het toegestane maximum van € 100.000.000.000,00")]
    TooLarge,
    /// An arithmetic result would leave the representable range.
    #[error("de berekening valt buiten het toegestane bereik van bedragen")]
    Overflow,
}

/// An amount of euros with exactly two decimals.
///
/// May be negative (a ledger delta, a recovery balance); [`Money::parse_non_negative`]
/// is what user input goes through.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero euro.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// An amount from whole cents, exactly. Refuses amounts beyond [`MAX_EUROS`].
    pub fn from_cents(cents: i64) -> Result<Money, MoneyError> {
        if cents.unsigned_abs() > MAX_CENTS.unsigned_abs() {
            return Err(MoneyError::TooLarge);
        }
        Ok(Money(Decimal::new(cents, 2)))
    }

    /// An amount of whole euros.
    pub fn from_euros(euros: i64) -> Result<Money, MoneyError> {
        euros
            .checked_mul(100)
            .ok_or(MoneyError::TooLarge)
            .and_then(Money::from_cents)
    }

    /// The amount in whole cents; exact, because the amount always has two decimals.
    pub fn cents(self) -> i64 {
        // The mantissa of a two-decimal value within MAX_CENTS fits an i64 by construction.
        let mut d = self.0;
        d.rescale(2);
        i64::try_from(d.mantissa()).unwrap_or(if d.is_sign_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
    }

    /// The underlying decimal (always scale 2).
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Parses the strict API form: optional leading `-`, digits, optionally a `.` and one
    /// or two decimals. No exponent, no thousands separators, no spaces, no `+`, no NaN.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        let malformed = || MoneyError::Malformed(text.to_owned());
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (unsigned, None),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let fraction = fraction.unwrap_or("");
        if unsigned.contains('.') && fraction.is_empty() {
            return Err(malformed());
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        if fraction.len() > 2 {
            return Err(MoneyError::TooPrecise(text.to_owned()));
        }
        let whole = whole.trim_start_matches('0');
        // More than 12 digits of euros is beyond MAX_EUROS whatever they are.
        if whole.len() > 12 {
            return Err(MoneyError::TooLarge);
        }
        let euros: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| malformed())?
        };
        let mut cents_part: i64 = 0;
        for (i, digit) in fraction.bytes().enumerate() {
            let value = i64::from(digit - b'0');
            cents_part += if i == 0 { value * 10 } else { value };
        }
        let cents = euros
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents_part))
            .ok_or(MoneyError::TooLarge)?;
        let cents = if negative { -cents } else { cents };
        Money::from_cents(cents)
    }

    /// Parses user input that must be zero or more.
    pub fn parse_non_negative(text: &str) -> Result<Money, MoneyError> {
        let amount = Money::parse(text)?;
        if amount.is_negative() {
            return Err(MoneyError::Negative(text.to_owned()));
        }
        Ok(amount)
    }

    /// A decimal with at most two decimals, as from a configuration file.
    pub fn from_decimal(value: Decimal) -> Result<Money, MoneyError> {
        let normalized = value.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooPrecise(value.to_string()));
        }
        let mut scaled = normalized;
        scaled.rescale(2);
        let cents = i64::try_from(scaled.mantissa()).map_err(|_| MoneyError::TooLarge)?;
        Money::from_cents(cents)
    }

    /// True below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// True when exactly zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `self + other`, or an error beyond the representable range.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.cents()
            .checked_add(other.cents())
            .ok_or(MoneyError::Overflow)
            .and_then(|c| Money::from_cents(c).map_err(|_| MoneyError::Overflow))
    }

    /// `self - other`, or an error beyond the representable range.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.cents()
            .checked_sub(other.cents())
            .ok_or(MoneyError::Overflow)
            .and_then(|c| Money::from_cents(c).map_err(|_| MoneyError::Overflow))
    }

    /// The smaller of two amounts.
    pub fn min(self, other: Money) -> Money {
        if self <= other {
            self
        } else {
            other
        }
    }

    /// A share of this amount, rounded down to the cent, given as a fraction
    /// `numerator / denominator` (an advance of 80% is `share(80, 100)`).
    ///
    /// Rounds down so that the advance never exceeds the exact share; the rest
    /// (`self - share`) is then exact by construction, so advance + remainder always adds up.
    pub fn share(self, numerator: u32, denominator: u32) -> Result<Money, MoneyError> {
        if denominator == 0 || numerator > denominator {
            return Err(MoneyError::Overflow);
        }
        let product = i128::from(self.cents()) * i128::from(numerator);
        let cents = product.div_euclid(i128::from(denominator));
        let cents = i64::try_from(cents).map_err(|_| MoneyError::Overflow)?;
        Money::from_cents(cents)
    }

    /// Sums amounts, failing on overflow.
    pub fn sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Money, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// Dutch notation for letters and reports: `€ 1.250.000,00`, `-€ 12,50`.
    pub fn to_dutch(self) -> String {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        let euros = (abs / 100).to_string();
        let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
        for (i, ch) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(ch);
        }
        format!("{sign}€ {grouped},{:02}", abs % 100)
    }
}

impl fmt::Display for Money {
    /// The API form: `1250000.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Accepts only the string form, so that no amount ever passes through a float.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_api_form() {
        assert_eq!(Money::parse("1250000.00").unwrap().cents(), 125_000_000);
        assert_eq!(Money::parse("12.5").unwrap().cents(), 1250);
        assert_eq!(Money::parse("7").unwrap().cents(), 700);
        assert_eq!(Money::parse("0.01").unwrap().cents(), 1);
        assert_eq!(Money::parse("007.10").unwrap().cents(), 710);
        assert_eq!(Money::parse("-3.05").unwrap().cents(), -305);
        assert_eq!(Money::parse("0").unwrap(), Money::ZERO);
    }

    #[test]
    fn refuses_what_is_not_a_plain_amount() {
        for text in [
            "1e6", "1E6", "NaN", "nan", "inf", "Infinity", "+5", " 5", "5 ", "1,50", "1.000,00",
            "1_000", ".5", "5.", "--5", "-", "0x10", "５", "1.2.3", "½",
        ] {
            assert!(
                matches!(Money::parse(text), Err(MoneyError::Malformed(_))),
                "{text:?} should be malformed, got {:?}",
                Money::parse(text)
            );
        }
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
    }

    #[test]
    fn refuses_more_than_two_decimals() {
        assert!(matches!(
            Money::parse("1.001"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            Money::parse("1.000"),
            Err(MoneyError::TooPrecise(_))
        ));
    }

    #[test]
    fn refuses_negatives_where_not_allowed() {
        assert!(matches!(
            Money::parse_non_negative("-0.01"),
            Err(MoneyError::Negative(_))
        ));
        assert_eq!(Money::parse_non_negative("-0").unwrap(), Money::ZERO);
    }

    #[test]
    fn refuses_absurd_amounts() {
        assert_eq!(Money::parse("100000000000.01"), Err(MoneyError::TooLarge));
        assert_eq!(
            Money::parse("99999999999999999999999999999999"),
            Err(MoneyError::TooLarge)
        );
        assert!(Money::parse("100000000000.00").is_ok());
        assert_eq!(Money::from_cents(i64::MAX), Err(MoneyError::TooLarge));
        assert_eq!(Money::from_cents(i64::MIN), Err(MoneyError::TooLarge));
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Money::from_euros(MAX_EUROS).unwrap();
        assert_eq!(
            max.checked_add(Money::from_cents(1).unwrap()),
            Err(MoneyError::Overflow)
        );
        let min = Money::from_euros(-MAX_EUROS).unwrap();
        assert_eq!(
            min.checked_sub(Money::from_cents(1).unwrap()),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn dutch_display() {
        assert_eq!(
            Money::parse("1250000").unwrap().to_dutch(),
            "€ 1.250.000,00"
        );
        assert_eq!(Money::parse("999.99").unwrap().to_dutch(), "€ 999,99");
        assert_eq!(Money::parse("1000").unwrap().to_dutch(), "€ 1.000,00");
        assert_eq!(Money::parse("-12.5").unwrap().to_dutch(), "-€ 12,50");
        assert_eq!(Money::ZERO.to_dutch(), "€ 0,00");
    }

    #[test]
    fn api_display_always_has_two_decimals() {
        assert_eq!(Money::parse("12.5").unwrap().to_string(), "12.50");
        assert_eq!(Money::parse("-0.05").unwrap().to_string(), "-0.05");
        assert_eq!(Money::ZERO.to_string(), "0.00");
    }

    #[test]
    fn json_is_a_string_never_a_float() {
        let m = Money::parse("1250000.10").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1250000.10\"");
        assert_eq!(
            serde_json::from_str::<Money>("\"3.07\"").unwrap().cents(),
            307
        );
        assert!(serde_json::from_str::<Money>("3.07").is_err());
        assert!(serde_json::from_str::<Money>("\"3.071\"").is_err());
    }

    #[test]
    fn from_decimal_accepts_trailing_zeros_but_not_precision() {
        use std::str::FromStr as _;
        let d = Decimal::from_str("12.5000").unwrap();
        assert_eq!(Money::from_decimal(d).unwrap().cents(), 1250);
        let d = Decimal::from_str("12.505").unwrap();
        assert!(Money::from_decimal(d).is_err());
    }

    #[test]
    fn share_rounds_down_and_the_rest_adds_up() {
        let odd = Money::from_cents(100_001).unwrap();
        let advance = odd.share(80, 100).unwrap();
        assert_eq!(advance.cents(), 80_000);
        let rest = odd.checked_sub(advance).unwrap();
        assert_eq!(advance.checked_add(rest).unwrap(), odd);
    }

    proptest! {
        #[test]
        fn cents_round_trip(c in -MAX_CENTS..=MAX_CENTS) {
            let m = Money::from_cents(c).unwrap();
            prop_assert_eq!(m.cents(), c);
            prop_assert_eq!(Money::parse(&m.to_string()).unwrap(), m);
        }

        #[test]
        fn addition_is_exact(a in -MAX_CENTS/2..MAX_CENTS/2, b in -MAX_CENTS/2..MAX_CENTS/2) {
            let sum = Money::from_cents(a).unwrap().checked_add(Money::from_cents(b).unwrap()).unwrap();
            prop_assert_eq!(sum.cents(), a + b);
        }

        #[test]
        fn share_plus_rest_is_whole(c in 0..MAX_CENTS, pct in 0u32..=100) {
            let m = Money::from_cents(c).unwrap();
            let part = m.share(pct, 100).unwrap();
            let rest = m.checked_sub(part).unwrap();
            prop_assert!(part <= m);
            prop_assert!(!rest.is_negative());
            prop_assert_eq!(part.checked_add(rest).unwrap(), m);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = Money::parse(&s);
        }
    }
}
