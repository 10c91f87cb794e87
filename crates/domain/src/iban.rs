//! International bank account numbers, checked with ISO 13616 mod-97 when an organisation
//! is registered, so that a typo is refused at once rather than bouncing a payment later.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why an IBAN was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    /// Wrong length or characters.
    #[error("'{0}' is geen IBAN: verwacht twee letters (landcode), twee cijfers en 11 tot 30 letters of cijfers, zoals NL91ABNA0417164300")]
    Malformed(String),
    /// A Dutch IBAN must be 18 characters.
    #[error("'{0}' is geen geldig Nederlands IBAN: dat heeft 18 tekens, zoals NL91ABNA0417164300")]
    WrongLength(String),
    /// The check digits do not match.
    #[error(
        "'{0}' is geen geldig IBAN: de controlecijfers kloppen niet (controleer op tikfouten)"
    )]
    Checksum(String),
}

/// A checked IBAN in its electronic form (upper case, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

impl Iban {
    /// Parses and checks an IBAN; spaces are allowed in the input (paper form).
    pub fn parse(text: &str) -> Result<Iban, IbanError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        check(&compact, text)?;
        Ok(Iban(compact))
    }

    /// The electronic form of `text`, checked exactly as [`Iban::parse`] checks it, and
    /// borrowed when `text` already is in that form (upper case, no spaces): a stored
    /// IBAN is, and a payment file checks a million of them.
    pub fn checked_electronic(text: &str) -> Result<Cow<'_, str>, IbanError> {
        if text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            check(text, text)?;
            Ok(Cow::Borrowed(text))
        } else {
            Iban::parse(text).map(|iban| Cow::Owned(iban.0))
        }
    }

    /// The electronic form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The paper form in groups of four: `NL91 ABNA 0417 1643 00`.
    pub fn to_paper(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The checks of [`Iban::parse`] on `compact` (the electronic form of `text`).
fn check(compact: &str, text: &str) -> Result<(), IbanError> {
    let malformed = || IbanError::Malformed(text.to_owned());
    let bytes = compact.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes.iter().all(|b| b.is_ascii_alphanumeric())
        || !bytes[..2].iter().all(u8::is_ascii_alphabetic)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
    {
        return Err(malformed());
    }
    if compact.starts_with("NL") && compact.len() != 18 {
        return Err(IbanError::WrongLength(text.to_owned()));
    }
    // Move the first four characters to the end, letters become 10..35, mod 97 == 1.
    let rearranged = compact[4..].bytes().chain(compact[..4].bytes());
    let mut remainder: u32 = 0;
    for b in rearranged {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder != 1 {
        return Err(IbanError::Checksum(text.to_owned()));
    }
    Ok(())
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Iban {
    type Err = IbanError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Iban::parse(s)
    }
}

impl TryFrom<String> for Iban {
    type Error = IbanError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Iban::parse(&s)
    }
}

impl From<Iban> for String {
    fn from(iban: Iban) -> String {
        iban.0
    }
}

/// An account number with all but the country code and the last four characters hidden,
/// grouped by four as it is printed: `NL** **** **** **43 00`. Enough for the reader of a
/// letter to recognise the account without the letter exposing it.
///
/// Takes text rather than an [`Iban`]: it masks what is stored, which was checked when it
/// was registered, and must not fail on a letter if a check ever became stricter.
pub fn masked(iban: &str) -> String {
    let chars: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    let visible_from = chars.len().saturating_sub(4);
    let masked: Vec<char> = chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 2 || i >= visible_from { *c } else { '*' })
        .collect();
    masked
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_ibans() {
        for text in [
            "NL91ABNA0417164300",
            "nl91 abna 0417 1643 00",
            "NL20INGB0001234567",
            "DE89370400440532013000",
            "BE68539007547034",
        ] {
            assert!(Iban::parse(text).is_ok(), "{text}");
        }
        assert_eq!(
            Iban::parse("NL91ABNA0417164300").unwrap().to_paper(),
            "NL91 ABNA 0417 1643 00"
        );
    }

    #[test]
    fn checked_electronic_agrees_with_parse() {
        for text in [
            "NL91ABNA0417164300",
            "nl91 abna 0417 1643 00",
            "NL91ABNA0417164301",
            "NL91ABNA041716430",
            "",
            "NL",
            "12345678901234567",
            "ÑL91ABNA0417164300",
            "BE68539007547034",
        ] {
            let parsed = Iban::parse(text).map(|i| i.as_str().to_owned());
            let checked = Iban::checked_electronic(text).map(Cow::into_owned);
            assert_eq!(parsed, checked, "{text}");
        }
        assert!(matches!(
            Iban::checked_electronic("NL91ABNA0417164300"),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn masked_but_recognisable() {
        assert_eq!(masked("NL91ABNA0417164300"), "NL** **** **** **43 00");
        assert_eq!(masked("NL91 ABNA 0417 1643 00"), "NL** **** **** **43 00");
        assert_eq!(masked("BE68539007547034"), "BE** **** **** 7034");
        assert_eq!(masked(""), "");
    }

    #[test]
    fn refuses_typos_and_garbage() {
        assert!(matches!(
            Iban::parse("NL91ABNA0417164301"),
            Err(IbanError::Checksum(_))
        ));
        assert!(matches!(
            Iban::parse("NL91ABNA041716430"),
            Err(IbanError::WrongLength(_))
        ));
        for text in [
            "",
            "NL",
            "12345678901234567",
            "NL91-ABNA-0417",
            "ÑL91ABNA0417164300",
        ] {
            assert!(
                matches!(Iban::parse(text), Err(IbanError::Malformed(_))),
                "{text}"
            );
        }
    }
}
