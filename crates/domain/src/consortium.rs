//! Consortia (*samenwerkingsverbanden*): the partners an application is made on behalf
//! of, and the rule of its instrument on which kinds of partner it must name (the
//! programme file's `partners_vereist`). Submission checks the rule and names exactly
//! what is missing.

use std::fmt;

use serde::{Deserialize, Serialize};

/// At least `at_least` partners of kind `kind` (`[[…partners_vereist]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerRule {
    /// The kind, as a partner names it (`soort`): lowercase letters, digits, hyphens.
    #[serde(rename = "soort")]
    pub kind: String,
    /// The kind in words, for pages (`naam`).
    #[serde(rename = "naam")]
    pub name: String,
    /// How many partners of the kind at least (`ten_minste`, one or more).
    #[serde(rename = "ten_minste")]
    pub at_least: u32,
}

/// A kind of partner the application has too few of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    /// The kind.
    pub kind: String,
    /// How many the rule asks.
    pub at_least: u32,
    /// How many the application names.
    pub present: u32,
}

impl Shortfall {
    /// How many are still missing.
    pub fn missing(&self) -> u32 {
        self.at_least.saturating_sub(self.present)
    }
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let missing = self.missing();
        let (verb, noun) = if missing == 1 {
            ("ontbreekt", "partner")
        } else {
            ("ontbreken", "partners")
        };
        write!(
            f,
            "Er {verb} nog {missing} {noun} van soort {}; nodig: ten minste {}",
            self.kind, self.at_least
        )
    }
}

/// What the partners of kinds `kinds` (one entry per partner) lack under `rules`, in
/// the order of the rules; empty when the consortium is complete. Partners of kinds the
/// rules do not name are allowed (a municipality, a pharmacy) and count for nothing.
pub fn shortfalls<'a>(
    rules: &[PartnerRule],
    kinds: impl IntoIterator<Item = &'a str> + Clone,
) -> Vec<Shortfall> {
    rules
        .iter()
        .filter_map(|rule| {
            let present = kinds
                .clone()
                .into_iter()
                .filter(|k| *k == rule.kind)
                .count();
            let present = u32::try_from(present).unwrap_or(u32::MAX);
            (present < rule.at_least).then(|| Shortfall {
                kind: rule.kind.clone(),
                at_least: rule.at_least,
                present,
            })
        })
        .collect()
}

/// A partner as the applicant names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    /// The organisation's name.
    pub organisation: String,
    /// Its kind (`huisartsenorganisatie`, `wijkverpleging`, …).
    pub kind: String,
    /// Its role in the project.
    pub role: String,
    /// The contact person.
    pub contact_name: String,
    /// The contact person's e-mail address.
    pub contact_email: String,
}

impl Partner {
    /// The fields that are not acceptable, each with what would be: `(field, message)`,
    /// the fields by their API names.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (field, value, what) in [
            (
                "organisatie",
                &self.organisation,
                "de naam van de organisatie",
            ),
            ("rol", &self.role, "de rol van de partner in het project"),
            (
                "contactpersoon",
                &self.contact_name,
                "de naam van de contactpersoon",
            ),
        ] {
            if value.trim().is_empty() {
                out.push((field, format!("is leeg; vul {what} in")));
            } else if value.chars().count() > 200 {
                out.push((
                    field,
                    "is langer dan 200 tekens; kort de tekst in".to_owned(),
                ));
            }
        }
        if !crate::programme::is_valid_code(&self.kind) {
            out.push((
                "soort",
                format!(
                    "'{}' is geen soort van kleine letters a-z, cijfers en koppeltekens; \
                     gebruik bijvoorbeeld \"huisartsenorganisatie\" of \"wijkverpleging\"",
                    self.kind
                ),
            ));
        }
        if !plausible_email(&self.contact_email) {
            out.push((
                "contactEmail",
                format!(
                    "'{}' is geen e-mailadres; geef een adres als naam@organisatie.nl",
                    self.contact_email
                ),
            ));
        }
        out
    }
}

/// One `@` with text before it and a dotted domain after it, no spaces: enough to catch
/// a slip, not a full RFC 5322 check.
fn plausible_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
        && text.len() <= 254
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rule(kind: &str, at_least: u32) -> PartnerRule {
        PartnerRule {
            kind: kind.into(),
            name: kind.into(),
            at_least,
        }
    }

    fn uitvoering() -> Vec<PartnerRule> {
        vec![
            rule("huisartsenorganisatie", 1),
            rule("wijkverpleging", 2),
            rule("zorgverzekeraar", 1),
        ]
    }

    #[test]
    fn a_complete_consortium_lacks_nothing() {
        let kinds = [
            "wijkverpleging",
            "huisartsenorganisatie",
            "gemeente",
            "wijkverpleging",
            "zorgverzekeraar",
        ];
        assert!(shortfalls(&uitvoering(), kinds.iter().copied()).is_empty());
    }

    #[test]
    fn the_refusal_names_each_kind_short_and_by_how_many() {
        let kinds = ["wijkverpleging", "gemeente"];
        let messages: Vec<String> = shortfalls(&uitvoering(), kinds.iter().copied())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            messages,
            [
                "Er ontbreekt nog 1 partner van soort huisartsenorganisatie; nodig: ten minste 1",
                "Er ontbreekt nog 1 partner van soort wijkverpleging; nodig: ten minste 2",
                "Er ontbreekt nog 1 partner van soort zorgverzekeraar; nodig: ten minste 1",
            ]
        );
        let none: [&str; 0] = [];
        let short = shortfalls(&uitvoering(), none.iter().copied());
        assert_eq!(
            short[1].to_string(),
            "Er ontbreken nog 2 partners van soort wijkverpleging; nodig: ten minste 2"
        );
        assert!(shortfalls(&[], none.iter().copied()).is_empty());
    }

    #[test]
    fn a_partner_needs_names_a_kind_and_an_address() {
        let good = Partner {
            organisation: "Huisartsenkring Rivierenland".into(),
            kind: "huisartsenorganisatie".into(),
            role: "penvoerder".into(),
            contact_name: "A. de Vries".into(),
            contact_email: "a.devries@hkr.example.nl".into(),
        };
        assert!(good.problems().is_empty());
        let bad = Partner {
            organisation: " ".into(),
            kind: "Huisarts".into(),
            contact_email: "geen adres".into(),
            ..good
        };
        let fields: Vec<&str> = bad.problems().iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["organisatie", "soort", "contactEmail"]);
    }
}
