//! `subsidie serve --demo`: a database where every role has work today. On an empty
//! database the letter is replayed, two instruments are opened around today and today's
//! applications are placed; on a database the demo filled before, the same people get
//! fresh tokens. What the demo wrote to the outbox is booked as history, never sent.

use chrono::{DateTime, Utc};
use subsidie_demo as demo;
use subsidie_demo::DemoState;
use subsidie_domain::programme::ProgrammeFile;
use subsidie_notify::history;
use subsidie_service::Pool;

use crate::failure::Failure;

/// Prepares the demo on `pool` (see the [module documentation](self)) and prints what
/// it did, the windows open today and a token per demo user.
pub fn prepare(pool: &Pool, programme: &ProgrammeFile, now: DateTime<Utc>) -> Result<(), Failure> {
    match demo::state(pool)? {
        DemoState::Occupied(why) => {
            return Err(Failure::Message(format!("--demo kan hier niet: {why}")))
        }
        DemoState::Played => {
            say!(
                "demo: deze database is al door de demo gevuld; dezelfde gebruikers, nieuwe tokens"
            );
            report_windows(&demo::open_today(pool, programme, now)?);
        }
        DemoState::Empty => play(pool, programme, now)?,
    }
    print_tokens(pool, now)
}

/// Replays the letter, opens today's windows, places today's work, and books the mail
/// of all of it as history.
fn play(pool: &Pool, programme: &ProgrammeFile, now: DateTime<Utc>) -> Result<(), Failure> {
    // Mail that was waiting before the demo is someone else's: it stays in the queue.
    let waiting = history::waiting_ids(pool)
        .map_err(|e| Failure::Message(format!("de outbox lezen mislukte: {e}")))?;
    say!(
        "demo: het programma wordt nagespeeld van september 2023 tot en met september 2025 \
         volgens de Kamerbrief (dat duurt even) …"
    );
    let report = demo::run(pool)?;
    let submitted: usize = report.instruments.iter().map(|i| i.submitted).sum();
    say!("demo: {submitted} aanvragen nagespeeld (de budgetstand: 'subsidie budget')");
    let windows = demo::open_today(pool, programme, now)?;
    report_windows(&windows);
    let work = demo::stage_today(pool, now)?;
    say!(
        "demo: in de dagen vóór vandaag {} aanvragen ingediend, {} gereserveerd, {} \
         honorering(en) wachten op een tweede beoordelaar",
        work.submitted,
        work.reserved,
        work.proposed
    );
    let filed = history::file_as_history(pool, &waiting)
        .map_err(|e| Failure::Message(format!("de outbox bijwerken mislukte: {e}")))?;
    say!(
        "demo: {filed} brieven over de nagespeelde gebeurtenissen staan als verzonden in de \
         outbox (geschiedenis); ze worden niet verstuurd"
    );
    Ok(())
}

fn report_windows(windows: &[demo::OpenWindow]) {
    for w in windows {
        say!(
            "demo: '{}' ({}) is open van {} tot en met {} (vanaf twee weken vóór tot twee \
             maanden na vandaag)",
            w.code,
            w.name,
            w.opens,
            w.closes
        );
    }
}

fn print_tokens(pool: &Pool, now: DateTime<Utc>) -> Result<(), Failure> {
    say!("demo-tokens (alleen nu zichtbaar; stuur als 'Authorization: Bearer <token>'):");
    for user in demo::sign_in(pool, now)? {
        say!("  {:<12} {}", user.role.as_str(), user.token);
        say!("  {:<12} {} <{}>: {}", "", user.name, user.email, user.work);
    }
    say!(
        "aanmelden in het subsidieportaal: plak een token onder 'Aanmelden met een token', of vraag \
         een e-maillink aan voor het adres erboven (zonder SMTP_URL staat de e-mail als .eml-bestand in MAIL_DIR)"
    );
    Ok(())
}
