//! The programme as configured: its envelope, its instruments with their ceilings and
//! rules, the regions and the disciplines.
//!
//! Every programme-specific number lives in a fixture file (`fixtures/*.toml`), edited by
//! civil servants. This module holds the types that file deserializes into (with Dutch
//! keys through serde renames) and the checks ([`ProgrammeFile::validate`]) that a file
//! must pass before the engine runs it. Validation reports **all** problems at once, each
//! with a Dutch message that says what was wrong and what would be accepted.
//!
//! The layout of a file:
//!
//! ```toml
//! [programma]
//! code = "versterking-eerstelijnszorg"
//! naam = "Versterking eerstelijnszorg"
//! financier = "ZonMw"
//! envelop = "104000000.00"
//! looptijd = { van = 2024-01-01, tot_en_met = 2026-12-31 }
//!
//! [[programma.instrumenten]]
//! code = "uitvoering"
//! naam = "Uitvoeringssubsidie"
//! soort = "uitvoering"
//! plafond = "72000000.00"
//! bedrag = { min = "500000.00", max = "2000000.00" }
//! openstelling = { van = 2024-04-01, tot_en_met = 2025-12-31 }
//! verdeling = "volgorde-van-binnenkomst"
//! voorschot_percentage = 80
//! beslistermijn_weken = 8
//! aanvultermijn_dagen = 14
//! vier_ogen_boven = "1000000.00"   # optional
//! uniek = "per-regio"              # optional, default "geen"
//! verantwoording_uiterlijk = 2027-06-30  # optional
//! discipline_verplicht = false     # optional; always true with "per-regio-en-discipline"
//! # instead of `openstelling`, rounds with their own window and ceiling (see `rounds`):
//! # rondes = [ { code = "ronde-1", naam = "Ronde 1", opent = 2024-04-02T09:00:00,
//! #             sluit = 2024-07-03T14:00:00, plafond = "24000000.00", overloop = true } ]
//!
//! [[regios]]
//! code = "r01"
//! naam = "Groningen-Stad"
//! inwoners = 245000
//!
//! [[disciplines]]
//! code = "huisartsenzorg"
//! naam = "Huisartsenzorg"
//! ```
//!
//! Amounts are strings with at most two decimals (never floats); dates are TOML dates
//! (`2025-12-31`) or strings (`"2025-12-31"`), calendar dates in Europe/Amsterdam, both
//! ends inclusive. Unknown keys are refused, so that a typo never silently drops a rule.
//!
//! This module performs no I/O: the caller reads and parses the file.

mod amount;
mod error;
mod file_format;
mod kinds;
mod model;
mod rounds;
mod validate;

#[cfg(test)]
mod tests;

pub use amount::{AmountError, AmountRule};
pub use error::{ConfigError, ConfigErrors};
pub use kinds::{AllocationPolicy, InstrumentKind, Uniqueness, UnknownValue};
pub use model::{
    Discipline, InstrumentConfig, Period, ProgrammeConfig, ProgrammeFile, Region, RequiredDocument,
};
pub use rounds::{
    dutch_wall_clock, envelope, open_rounds_on, round_at, round_budgets, ApplicationWindow,
    RoundConfig, SINGLE_ROUND_CODE,
};
pub use validate::is_valid_code;
