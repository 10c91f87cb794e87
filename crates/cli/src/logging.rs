//! The log of a process: `tracing` lines on standard error, as text or as one JSON object
//! per line (`LOG_FORMAT`), filtered by `RUST_LOG`. Records of crates that use `log`
//! (lettre, the mail dispatcher) are taken in through the bridge of `tracing-subscriber`.

use tracing_subscriber::EnvFilter;

use crate::settings::Settings;

/// Installs the logger. `default_filter` applies when `RUST_LOG` is unset; a `RUST_LOG`
/// the filter cannot read is reported and replaced by the default, not fatal.
pub fn init(settings: &Settings, default_filter: &str) {
    let wanted = settings.rust_log.value.as_deref().unwrap_or(default_filter);
    let filter = EnvFilter::try_new(wanted).unwrap_or_else(|e| {
        say_err!("RUST_LOG '{wanted}' niet leesbaar ({e}); verder met '{default_filter}'");
        EnvFilter::new(default_filter)
    });
    let format = settings.log_format.value.as_deref().unwrap_or("text");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true);
    let installed = match format {
        "json" => builder.json().flatten_event(true).try_init(),
        "text" => builder.try_init(),
        other => {
            say_err!("LOG_FORMAT '{other}' onbekend; verwacht text of json, verder met text");
            builder.try_init()
        }
    };
    if let Err(e) = installed {
        say_err!("logboek niet ingesteld: {e}");
    }
}
