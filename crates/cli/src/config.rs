//! `subsidie config`: the settings in force, so an operator sees what the process would
//! use without starting it. Secrets never reach the screen.

use crate::settings::Settings;

/// Prints each variable, its value (secrets redacted) and where the value came from.
pub fn show(settings: &Settings) {
    let rows = settings.effective();
    let width = rows.iter().map(|(name, ..)| name.len()).max().unwrap_or(0);
    say!("instellingen (variabele, waarde, herkomst):");
    for (name, value, source) in rows {
        say!("  {name:<width$}  {value}  ({})", source.describe());
    }
}
