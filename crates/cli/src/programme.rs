//! The programme and the demo: load a programme file, replay the letter, show the
//! budget positions.

use std::path::Path;

use chrono::Utc;
use subsidie_demo as demo;
use subsidie_service::{queries, seed, ServiceError};

use crate::database::open;
use crate::failure::Failure;
use crate::render;
use crate::settings::Settings;

/// The programme file shipped with the engine, used by `demo` when no `--file` is given.
pub const FIXTURE: &str = include_str!("../../../fixtures/versterking-eerstelijnszorg.toml");
/// How the built-in programme file is named in messages: it is in the binary, not on disk.
pub const BUILT_IN: &str = "versterking-eerstelijnszorg.toml, ingebouwd";
/// Where `seed` looks when no `--file` is given.
pub const DEFAULT_FIXTURE: &str = "fixtures/versterking-eerstelijnszorg.toml";
/// `subsidie seed`: checks a programme file and loads it (idempotent).
pub fn seed_file(settings: &Settings, file: &Path, keep_missing: bool) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Failure::Message(format!(
            "kan het programmabestand '{}' niet lezen: {e}",
            file.display()
        ))
    })?;
    let programme = parse_programme(&text, &file.display().to_string())?;
    let (pool, url) = open(settings, 2)?;
    let missing = if keep_missing {
        seed::Missing::Keep
    } else {
        seed::Missing::Refuse
    };
    let (report, kept) = crate::progress::during("programma laden", None, || {
        seed::load_with(&pool, &programme, missing, Utc::now())
    })?;
    if !kept.is_empty() {
        say_err!(
            "let op: niet meer in het bestand, ongewijzigd gelaten: {}",
            kept.join(", ")
        );
    }
    say!(
        "programma '{}' geladen in {}: {} nieuw, {} gewijzigd, {} ongewijzigd",
        programme.programme.code,
        url.redacted(),
        report.inserted,
        report.updated,
        report.unchanged
    );
    Ok(())
}

/// `subsidie budget`: budget positions per instrument and the ledger check.
pub fn budget(settings: &Settings, json: bool) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    if json {
        // The API's shapes, so a script reads the same fields from both.
        let instruments: Vec<subsidie_api::dto::reference::Instrument> =
            queries::instruments(&pool)?
                .into_iter()
                .map(Into::into)
                .collect();
        let holds = queries::check_ledger(&pool)?.iter().all(|c| c.holds());
        let value = serde_json::json!({ "instrumenten": instruments, "grootboekKlopt": holds });
        say!("{value:#}");
        return Ok(());
    }
    let report = demo::report(&pool)?;
    if report.instruments.is_empty() {
        say!("Er is nog geen programma geladen; gebruik 'subsidie seed'.");
        return Ok(());
    }
    put!("{}", render::positions(&report)?);
    say!();
    put!("{}", render::ledger(&queries::check_ledger(&pool)?));
    Ok(())
}

/// Parses and validates a programme file; on validation errors every problem is listed.
pub fn parse_programme(
    text: &str,
    name: &str,
) -> Result<subsidie_domain::programme::ProgrammeFile, Failure> {
    seed::parse_programme_file(text).map_err(|err| match err {
        ServiceError::Validation(fields) => {
            let mut message = format!(
                "het programmabestand '{name}' is niet in orde ({} {}):",
                fields.len(),
                if fields.len() == 1 { "fout" } else { "fouten" }
            );
            for field in fields {
                message.push_str("\n- ");
                message.push_str(&field.message);
            }
            Failure::Message(message)
        }
        other => Failure::Service(other),
    })
}

/// `subsidie demo`: loads the programme when there is none, replays the letter once
/// (the scenario lives in `crates/demo`) and prints the report.
pub fn run_demo(settings: &Settings, file: Option<&Path>) -> Result<(), Failure> {
    let (pool, url) = open(settings, 2)?;
    say!("database: {}", url.redacted());
    if queries::instruments(&pool)?.is_empty() {
        let (text, name) = match file {
            Some(path) => (
                std::fs::read_to_string(path).map_err(|e| {
                    Failure::Message(format!(
                        "kan het programmabestand '{}' niet lezen: {e}",
                        path.display()
                    ))
                })?,
                path.display().to_string(),
            ),
            None => (
                FIXTURE.to_owned(),
                format!("het ingebouwde programmabestand ({BUILT_IN})"),
            ),
        };
        let programme = parse_programme(&text, &name)?;
        let loaded = seed::load(&pool, &programme, Utc::now())?;
        say!(
            "programma '{}' geladen uit {name} ({} rijen)",
            programme.programme.code,
            loaded.inserted
        );
    }
    // A leftover draft does not stop the demo: it promises no money.
    let existing = demo::submitted_count(&pool)?;
    let report = if existing > 0 {
        say!(
            "De database bevat al {existing} ingediende aanvra{}; de demo is niet opnieuw gedraaid, \
             zodat er niets dubbel wordt aangemaakt. De huidige stand:",
            if existing == 1 { "ag" } else { "gen" }
        );
        demo::report(&pool)?
    } else {
        say!(
            "Demo: het programma Versterking eerstelijnszorg, nagespeeld van september 2023 tot \
             en met september 2025 volgens de Kamerbrief."
        );
        crate::progress::during("demo", None, || demo::run(&pool))?
    };
    say!();
    put!("{}", render::demo(&report)?);
    Ok(())
}
