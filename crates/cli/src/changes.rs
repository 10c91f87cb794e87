//! `subsidie instrument …`: programme changes by an administrator between seeds (a
//! ceiling, a window opened, extended or closed, an instrument added) and their history.

use chrono::Utc;
use subsidie_api::dto::programme::Programmawijziging;
use subsidie_domain::programme_change::WindowChange;
use subsidie_domain::Money;
use subsidie_service::{programme, seed, Actor};
use subsidie_store::rows::InstrumentRow;

use crate::args::InstrumentCommand;
use crate::database::{open, operator};
use crate::failure::Failure;
use crate::settings::Settings;

/// Runs one `instrument` verb.
pub fn instrument(settings: &Settings, command: &InstrumentCommand) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    let now = Utc::now();
    let window = |instrument: &str, change, reason: &Option<String>| {
        programme::change_window(&pool, &actor, instrument, change, reason.as_deref(), now)
    };
    let row = match command {
        InstrumentCommand::Ceiling {
            instrument,
            amount,
            reason,
        } => {
            let ceiling = Money::parse_non_negative(amount).map_err(|e| {
                Failure::Message(format!(
                    "--amount '{amount}': {e}; schrijf het bedrag met een punt als decimaalteken, zoals 75000000.00"
                ))
            })?;
            programme::change_ceiling(&pool, &actor, instrument, ceiling, reason.as_deref(), now)?
        }
        InstrumentCommand::Open {
            instrument,
            from,
            until,
            reason,
        } => window(
            instrument,
            WindowChange::Open {
                opens: *from,
                closes: *until,
            },
            reason,
        )?,
        InstrumentCommand::Extend {
            instrument,
            until,
            reason,
        } => window(instrument, WindowChange::Extend { closes: *until }, reason)?,
        InstrumentCommand::Close { instrument, reason } => {
            window(instrument, WindowChange::Close, reason)?
        }
        InstrumentCommand::Add {
            programme: programme_id,
            file,
            reason,
        } => {
            let text = std::fs::read_to_string(file).map_err(|e| {
                Failure::Message(format!("kan '{}' niet lezen: {e}", file.display()))
            })?;
            let config = seed::parse_instrument(&text)?;
            let row = programme::add_instrument(
                &pool,
                &actor,
                programme_id,
                &config,
                reason.as_deref(),
                now,
            )?;
            say!(
                "regeling '{}' toegevoegd aan programma '{programme_id}'",
                row.code
            );
            row
        }
        InstrumentCommand::History {
            programme: programme_id,
            json,
        } => return history(&pool, &actor, programme_id, *json),
    };
    show(&row);
    Ok(())
}

fn show(row: &InstrumentRow) {
    let euros = |c: i64| Money::from_cents(c).map_or_else(|_| format!("{c} cent"), Money::to_dutch);
    say!("regeling '{}' ({})", row.code, row.name);
    say!("  plafond:      {}", euros(row.ceiling_cents));
    say!(
        "  vastgelegd:   {} (gereserveerd {}, verleend {})",
        euros(row.reserved_cents.saturating_add(row.granted_cents)),
        euros(row.reserved_cents),
        euros(row.granted_cents)
    );
    say!(
        "  openstelling: {} tot en met {}",
        row.opens_on,
        row.closes_on
    );
}

fn history(
    pool: &subsidie_service::Pool,
    actor: &Actor,
    programme_id: &str,
    json: bool,
) -> Result<(), Failure> {
    let rows = programme::history(pool, actor, programme_id)?;
    if json {
        let list: Vec<Programmawijziging> =
            rows.into_iter().map(Programmawijziging::from).collect();
        let text = serde_json::to_string_pretty(&list)
            .map_err(|e| Failure::Message(format!("schrijven mislukt: {e}")))?;
        say!("{text}");
        return Ok(());
    }
    if rows.is_empty() {
        say!("programma '{programme_id}' is sinds het laden niet gewijzigd");
        return Ok(());
    }
    for r in rows {
        say!(
            "{}  {:<22} {:<20} {} → {}  door {}{}",
            r.at.format("%Y-%m-%d %H:%M"),
            r.change,
            r.instrument_id.as_deref().unwrap_or("-"),
            r.old_value.as_deref().unwrap_or("(nieuw)"),
            r.new_value,
            r.actor_id.as_deref().unwrap_or("de opdrachtregel"),
            r.reason.map(|why| format!("  ({why})")).unwrap_or_default()
        );
    }
    Ok(())
}
