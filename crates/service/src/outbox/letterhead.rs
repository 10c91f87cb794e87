//! The funder's details and the mandated officers that every letter carries: set once
//! at start from the settings (`FUNDER_NAME`, `FUNDER_IBAN`, `FUNDER_ADDRESS`,
//! `FUNDER_PHONE`, `FUNDER_CONTACT_EMAIL`, `LETTER_SIGNATORIES`); without them, the
//! illustrative defaults below.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use subsidie_domain::deadlines::amsterdam_date;
use subsidie_domain::letterhead::{LetterFrame, Letterhead, Signatories, Signatory};
use subsidie_domain::letters::Template;

/// The funder's name when none is configured.
pub const DEFAULT_NAME: &str = "ZonMw";
/// The postal address when none is configured (illustrative).
pub const DEFAULT_ADDRESS: &str = "Postbus 93245, 2509 AE Den Haag";
/// The telephone number when none is configured (illustrative).
pub const DEFAULT_PHONE: &str = "070 349 51 11";
/// The e-mail address for questions when none is configured (illustrative).
pub const DEFAULT_CONTACT_EMAIL: &str = "subsidies@zonmw.nl";
/// The account for recoveries when none is configured: the SEPA writer's default.
pub const DEFAULT_IBAN: &str = "NL91ABNA0417164300";
/// The officer who signs when no mandate is configured (illustrative).
pub const DEFAULT_SIGNATORY_NAME: &str = "drs. M. van den Berg";
/// The function of that officer.
pub const DEFAULT_SIGNATORY_FUNCTION: &str = "hoofd Subsidiebeheer";

/// The letterhead and the signatories of this process.
#[derive(Debug, Clone)]
pub struct LetterSettings {
    /// The funder.
    pub letterhead: Letterhead,
    /// Who signs which letter.
    pub signatories: Signatories,
}

impl Default for LetterSettings {
    fn default() -> Self {
        LetterSettings {
            letterhead: Letterhead {
                naam: DEFAULT_NAME.to_owned(),
                adres: DEFAULT_ADDRESS.to_owned(),
                telefoon: DEFAULT_PHONE.to_owned(),
                email: DEFAULT_CONTACT_EMAIL.to_owned(),
                iban: DEFAULT_IBAN.to_owned(),
            },
            signatories: Signatories::new(default_signatory()),
        }
    }
}

/// The officer who signs what no mandate names.
pub fn default_signatory() -> Signatory {
    Signatory {
        naam: DEFAULT_SIGNATORY_NAME.to_owned(),
        functie: DEFAULT_SIGNATORY_FUNCTION.to_owned(),
    }
}

// Process-wide, like the portal's base URL: configuration of the deployment, fixed for
// the life of the process, needed by every use case that queues a letter.
static SETTINGS: OnceLock<LetterSettings> = OnceLock::new();

/// Sets the letterhead for this process; the first call wins.
pub fn set(settings: LetterSettings) {
    let _ = SETTINGS.set(settings);
}

/// The letterhead in force.
pub fn current() -> &'static LetterSettings {
    SETTINGS.get_or_init(LetterSettings::default)
}

/// The frame of a letter of `template` queued at `now`.
pub fn frame(template: Template, now: DateTime<Utc>) -> LetterFrame {
    let settings = current();
    LetterFrame {
        dagtekening: amsterdam_date(now),
        afzender: settings.letterhead.clone(),
        ondertekening: settings.signatories.for_template(template).clone(),
    }
}
