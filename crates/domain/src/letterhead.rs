//! (The frame itself, [`LetterFrame`], is in [`crate::letters`].)
//! What makes a letter hold up as a decision (Awb 3:44–3:46, 6:5): the date it is sent
//! (*dagtekening*), who sends it and how to reach them, and who signs it under mandate.
//!
//! The funder's details and the mandated officers are configuration of the deployment
//! (the README's `FUNDER_*` and `LETTER_SIGNATORIES`); the service copies them into every
//! letter when it queues it, so a letter keeps the signatory of the day it was decided
//! even if the mandate changes before it is sent.

use std::collections::BTreeMap;

use crate::letters::Template;
pub use crate::letters::{LetterFrame, Letterhead, Signatory};

/// The mandated officers: one per kind of letter (by its template name), and one for
/// every other letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatories {
    default: Signatory,
    by_template: BTreeMap<Template, Signatory>,
}

/// The key of [`Signatories::parse`] for every letter without an officer of its own.
pub const DEFAULT_KEY: &str = "standaard";

/// A `LETTER_SIGNATORIES` text that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatoryError {
    /// An entry is not `sjabloon=naam, functie`.
    #[error(
        "'{0}' is geen ondertekenaar; verwacht 'sjabloon=naam, functie', bijvoorbeeld \
         'verleningsbeschikking=drs. J. de Boer, hoofd Subsidies', gescheiden door ';'"
    )]
    Malformed(String),
    /// The key is neither a template nor `standaard`.
    #[error("'{0}' is geen e-mailsjabloon; gebruik '{DEFAULT_KEY}' of een van: {known}",
        known = Template::ALL.map(Template::as_str).join(", "))]
    UnknownKey(String),
}

impl Signatories {
    /// Everyone signs as `default`.
    pub fn new(default: Signatory) -> Signatories {
        Signatories {
            default,
            by_template: BTreeMap::new(),
        }
    }

    /// Reads `verleningsbeschikking=drs. J. de Boer, hoofd Subsidies; standaard=…`:
    /// entries separated by `;`, each a template name (or `standaard`) with the name and,
    /// after the first comma, the function. Entries not given keep `fallback`.
    pub fn parse(text: &str, fallback: Signatory) -> Result<Signatories, SignatoryError> {
        let mut signatories = Signatories::new(fallback);
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let malformed = || SignatoryError::Malformed(entry.to_owned());
            let (key, who) = entry.split_once('=').ok_or_else(malformed)?;
            let (name, function) = who.split_once(',').ok_or_else(malformed)?;
            let (name, function) = (name.trim(), function.trim());
            if name.is_empty() || function.is_empty() {
                return Err(malformed());
            }
            let officer = Signatory {
                naam: name.to_owned(),
                functie: function.to_owned(),
            };
            match key.trim() {
                DEFAULT_KEY => signatories.default = officer,
                other => {
                    let template = other
                        .parse::<Template>()
                        .map_err(|_| SignatoryError::UnknownKey(other.to_owned()))?;
                    signatories.by_template.insert(template, officer);
                }
            }
        }
        Ok(signatories)
    }

    /// Who signs a letter of `template`.
    pub fn for_template(&self, template: Template) -> &Signatory {
        self.by_template.get(&template).unwrap_or(&self.default)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lifecycle::Notice;

    fn officer(name: &str) -> Signatory {
        Signatory {
            naam: name.into(),
            functie: "functie".into(),
        }
    }

    #[test]
    fn each_kind_has_its_officer_and_the_rest_the_default() {
        let s = Signatories::parse(
            "verleningsbeschikking = A. Jansen, hoofd Subsidies; standaard=B. de Vries, directeur",
            officer("niemand"),
        )
        .unwrap();
        let grant = s.for_template(Template::Notice(Notice::GrantDecision));
        assert_eq!(grant.naam, "A. Jansen");
        assert_eq!(grant.functie, "hoofd Subsidies");
        let other = s.for_template(Template::Notice(Notice::RejectionDecision));
        assert_eq!(other.naam, "B. de Vries");
        let none = Signatories::parse("", officer("C")).unwrap();
        assert_eq!(none.for_template(Template::Payment).naam, "C");
    }

    #[test]
    fn a_wrong_entry_is_named() {
        let err = Signatories::parse("verlening=A, b", officer("x")).unwrap_err();
        assert!(err.to_string().contains("'verlening'"), "{err}");
        assert!(err.to_string().contains("verleningsbeschikking"), "{err}");
        let err = Signatories::parse("standaard=A. Jansen", officer("x")).unwrap_err();
        assert!(matches!(err, SignatoryError::Malformed(_)), "{err}");
        let err = Signatories::parse("standaard= , b", officer("x")).unwrap_err();
        assert!(matches!(err, SignatoryError::Malformed(_)), "{err}");
    }
}
