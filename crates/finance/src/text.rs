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
    sepa_text_into(&mut out, input, max_chars);
    out
}

/// [`sepa_text`] into `out` (cleared first), so that a file of a million transfers
/// reuses one buffer instead of allocating a string per name.
pub fn sepa_text_into(out: &mut String, input: &str, max_chars: usize) {
    out.clear();
    // A space is written only before the next character that is not one: runs of
    // spaces collapse and the ends are trimmed.
    let mut pending_space = false;
    let mut push = |out: &mut String, c: char| {
        if c == ' ' {
            pending_space = !out.is_empty();
            return;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    };
    for c in input.chars() {
        // Everything written is ASCII, so bytes are characters: past the limit (and one
        // more, to know a space was cut) nothing more can show.
        if out.len() > max_chars {
            break;
        }
        if is_sepa_char(c) {
            push(out, c);
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        match replacement(lower) {
            Some(piece) if c.is_uppercase() => piece
                .chars()
                .for_each(|p| push(out, p.to_ascii_uppercase())),
            Some(piece) => piece.chars().for_each(|p| push(out, p)),
            None => push(out, ' '),
        }
    }
    if out.len() > max_chars {
        out.truncate(max_chars);
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
    }
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
    // Copies the runs between the bytes that need something else, rather than a
    // character at a time: most text has none of them.
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b if b < 0x20 => ("", 1),
            // U+FFFE and U+FFFF: EF BF BE and EF BF BF in UTF-8.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        i += len;
        start = i;
    }
    out.push_str(&text[start..]);
}

/// [`xml_escape_into`] into a new string.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    xml_escape_into(&mut out, text);
    out
}

/// An amount in cents as a decimal with two places and a point: `123456` → `"1234.56"`.
pub fn cents_to_decimal(cents: i64) -> String {
    let mut out = String::with_capacity(24);
    push_cents(&mut out, cents, '.');
    out
}

/// Appends an amount in cents with two decimals after `separator` (`.` in XML, `,` in
/// Dutch CSV), without the formatting machinery: it runs once per transfer.
pub fn push_cents(out: &mut String, cents: i64, separator: char) {
    if cents < 0 {
        out.push('-');
    }
    let abs = cents.unsigned_abs();
    push_u64(out, abs / 100);
    out.push(separator);
    let fraction = abs % 100;
    out.push(char::from(b'0' + (fraction / 10) as u8));
    out.push(char::from(b'0' + (fraction % 10) as u8));
}

/// Appends a whole number in decimal.
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[at..] {
        out.push(char::from(*d));
    }
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
    fn escapes_xml_between_runs_and_drops_non_characters() {
        assert_eq!(
            xml_escape("\u{FFFE}x\u{FFFF}y\u{FFFD}z\t\n"),
            "xy\u{FFFD}z\t\n"
        );
        assert_eq!(xml_escape("Één & ïk"), "Één &amp; ïk");
        assert_eq!(xml_escape(""), "");
    }

    #[test]
    fn reused_buffer_gives_the_same_text() {
        let mut buf = String::from("left over");
        for (input, max) in [
            ("Stichting Eerstelijnszorg Regio 7 & Coöperatie", 70),
            ("  zorg\t\n regio  @ 7 ", 70),
            ("abc def", 4),
            ("abc  def", 5),
            ("ßßß", 4),
            ("ÆRØ ĳs", 70),
        ] {
            sepa_text_into(&mut buf, input, max);
            assert_eq!(buf, sepa_text(input, max), "{input}");
        }
        assert_eq!(sepa_text("abcd efg", 5), "abcd");
        assert_eq!(sepa_text("ab ÆØ", 4), "ab A");
    }

    #[test]
    fn formats_cents() {
        assert_eq!(cents_to_decimal(0), "0.00");
        assert_eq!(cents_to_decimal(i64::MIN), "-92233720368547758.08");
        assert_eq!(cents_to_decimal(1), "0.01");
        assert_eq!(cents_to_decimal(123_456), "1234.56");
        assert_eq!(cents_to_decimal(-5), "-0.05");
    }
}
