//! The on/off settings of `serve`'s allocation: `AUTO_ALLOCATION` and `CALLER_SEEDS`
//! (read with the rest in [`crate::settings`]; see `docs/lottery.md`).

use crate::settings::{Setting, Settings, MAILER_OFF, MAILER_ON};

impl Settings {
    /// `AUTO_ALLOCATION` as a switch.
    pub fn auto_allocation(&self) -> Result<bool, String> {
        switch(
            &self.auto_allocation,
            "AUTO_ALLOCATION",
            "serve wijst elke afgelopen dag vanzelf toe",
        )
    }

    /// `CALLER_SEEDS` as a switch; `demo` (`serve --demo`) turns it on.
    pub fn caller_seeds(&self, demo: bool) -> Result<bool, String> {
        Ok(demo
            || switch(
                &self.caller_seeds,
                "CALLER_SEEDS",
                "een toewijzingsronde mag een zelfgekozen seed krijgen (test en demo)",
            )?)
    }
}

/// An `on`/`off` setting; the error names the value and what `on` means.
fn switch(setting: &Setting, name: &str, on_means: &str) -> Result<bool, String> {
    match setting.text().to_ascii_lowercase().as_str() {
        MAILER_ON => Ok(true),
        MAILER_OFF => Ok(false),
        other => Err(format!(
            "{name}='{other}' is geen keuze; verwacht '{MAILER_ON}' ({on_means}) of '{MAILER_OFF}'"
        )),
    }
}
