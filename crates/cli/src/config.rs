//! `subsidie config`: the settings in force, so an operator sees what the process would
//! use without starting it. Secrets never reach the screen.

use crate::settings::Settings;

/// Prints each variable, its value (secrets redacted) and where the value came from.
pub fn show(settings: &Settings) {
    let rows = settings.effective();
    let name_width = rows.iter().map(|(name, ..)| name.len()).max().unwrap_or(0);
    let value_width = rows
        .iter()
        .map(|(_, value, _)| value.chars().count())
        .max()
        .unwrap_or(0);
    say!("instellingen (variabele, waarde, herkomst):");
    for (name, value, source) in rows {
        say!(
            "  {name:<name_width$}  {value:<value_width$}  ({})",
            source.describe()
        );
    }
}
