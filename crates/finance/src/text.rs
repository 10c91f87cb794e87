//! Text for payment files: the SEPA character set and XML escaping.
//!
//! SEPA credit transfers carry only the *Latin character set* of the EPC implementation
//! guidelines (EPC132-08 §1.4): `a-z A-Z 0-9 / - ? : ( ) . , ' +` and the space. Banks may
//! accept more, but many refuse the whole file when one name has an `é` or an `&`. So every
//! free text (names, remittance information) is *transliterated*: letters with diacritics
//! lose them (`é` → `e`, `ß` → `ss`, `Æ` → `AE`, `ĳ` → `ij`), a few signs get their usual
//! stand-in (`&` → `+`, `"` → `'`, `_` → `-`, `[` → `(`), and anything else becomes a
//! space; runs of spaces collapse and the ends are trimmed. Identifiers (message id,
//! end-to-end id) are *checked* instead, because changing them would break the link
//! with the payment they identify.

/// True for a character of the SEPA Latin character set.
pub fn is_sepa_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '/' | '-' | '?' | ':' | '(' | ')' | '.' | ',' | '\'' | '+' | ' '
        )
}

/// The SEPA stand-in for a character outside the set (lower case for letters), or `None`
/// when it simply becomes a space.
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        '&' => "+",
        '"' | '‘' | '’' | '‚' | '‛' | '“' | '”' | '„' | '`' | '´' | '′' => "'",
        '_' | '–' | '—' | '‐' | '‑' | '−' => "-",
        '[' | '{' | '<' => "(",
        ']' | '}' | '>' => ")",
        '\\' | '|' => "/",
        ';' => ",",
        '!' => ".",
        '…' => "...",
        '€' => "EUR",
        _ => return None,
    })
}

/// Transliterates `input` to the SEPA character set and cuts it to at most `max_chars`
/// characters (after transliteration, which may lengthen it). May return an empty string.
pub fn sepa_text(input: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(input.len().min(max_chars * 2));
    let mut pending_space = false;
    let mut push = |out: &mut String, piece: &str| {
        for c in piece.chars() {
            if c == ' ' {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    };
    for c in input.chars() {
        if is_sepa_char(c) {
            let mut buf = [0u8; 4];
            push(&mut out, c.encode_utf8(&mut buf));
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        match replacement(lower) {
            Some(piece) if c.is_uppercase() => push(&mut out, &piece.to_ascii_uppercase()),
            Some(piece) => push(&mut out, piece),
            None => push(&mut out, " "),
        }
    }
    if out.chars().count() > max_chars {
        out = out.chars().take(max_chars).collect();
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
    }
    out
}

/// Why an identifier cannot go into a payment file as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} '{value}' is niet bruikbaar in een SEPA-bestand: {reason}")]
pub struct IdentifierError {
    /// The element (`MsgId`, `EndToEndId`, …).
    pub field: &'static str,
    /// The value as given.
    pub value: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Checks an identifier (`MsgId`, `PmtInfId`, `EndToEndId`): 1 to 35 characters of the
/// SEPA set, not starting or ending with `/` and without `//` (EPC rules for references).
pub fn check_identifier(field: &'static str, value: &str) -> Result<(), IdentifierError> {
    let refuse = |reason| IdentifierError {
        field,
        value: value.to_owned(),
        reason,
    };
    if value.is_empty() {
        return Err(refuse("leeg"));
    }
    if value.chars().count() > 35 {
        return Err(refuse("langer dan 35 tekens"));
    }
    if !value.chars().all(is_sepa_char) || value.contains(' ') {
        return Err(refuse(
            "alleen letters a-z en A-Z, cijfers en / - ? : ( ) . , ' + zijn toegestaan, zonder spaties",
        ));
    }
    if value.starts_with('/') || value.ends_with('/') || value.contains("//") {
        return Err(refuse(
            "mag niet met '/' beginnen of eindigen en geen '//' bevatten",
        ));
    }
    Ok(())
}

/// Escapes text for XML element content and attribute values: `& < > " '`, and drops the
/// characters XML 1.0 does not allow at all (control characters other than tab, line
/// feed and carriage return).
pub fn xml_escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// [`xml_escape_into`] into a new string.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    xml_escape_into(&mut out, text);
    out
}

/// An amount in cents as a decimal with two places and a point: `123456` → `"1234.56"`.
pub fn cents_to_decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_to_the_latin_set() {
        assert_eq!(
            sepa_text("Stichting Zorg & Welzijn", 70),
            "Stichting Zorg + Welzijn"
        );
        assert_eq!(
            sepa_text("Huisartsenpraktijk Één", 70),
            "Huisartsenpraktijk Een"
        );
        assert_eq!(sepa_text("Straße", 70), "Strasse");
        assert_eq!(sepa_text("ÆRØ ĳs", 70), "AERO ijs");
        assert_eq!(sepa_text("a_b \"c\" [d]; e!", 70), "a-b 'c' (d), e.");
        assert_eq!(sepa_text("  zorg\t\n regio  @ 7 ", 70), "zorg regio 7");
        assert_eq!(sepa_text("日本", 70), "");
        assert_eq!(sepa_text("€ 5", 70), "EUR 5");
        for c in sepa_text("Ça va? Ünïcödé — ‘quotes’ “dq” ½ # * = ~", 140).chars()
        {
            assert!(is_sepa_char(c), "{c:?}");
        }
    }

    #[test]
    fn cuts_to_the_limit_after_transliteration() {
        assert_eq!(sepa_text("ßßß", 4), "ssss");
        assert_eq!(sepa_text("abc def", 4), "abc");
        assert_eq!(sepa_text(&"x".repeat(200), 140).len(), 140);
    }

    #[test]
    fn identifiers_are_checked_not_changed() {
        assert!(check_identifier("EndToEndId", "UITV-2025-0A1B2C3D4E-V").is_ok());
        assert!(check_identifier("EndToEndId", "").is_err());
        assert!(check_identifier("EndToEndId", &"A".repeat(36)).is_err());
        assert!(check_identifier("EndToEndId", "A B").is_err());
        assert!(check_identifier("EndToEndId", "A&B").is_err());
        assert!(check_identifier("EndToEndId", "/AB").is_err());
        assert!(check_identifier("EndToEndId", "A//B").is_err());
        assert!(check_identifier("EndToEndId", "AB/").is_err());
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    }

    #[test]
    fn formats_cents() {
        assert_eq!(cents_to_decimal(1), "0.01");
        assert_eq!(cents_to_decimal(123_456), "1234.56");
        assert_eq!(cents_to_decimal(-5), "-0.05");
    }
}
