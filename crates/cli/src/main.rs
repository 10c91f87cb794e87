//! `subsidie`: the command line of the subsidy engine.
//!
//! The settings are read from the environment once, here at start ([`settings`]), and
//! passed down. Every verb but `config` opens the database named by `--database-url` (or
//! `DATABASE_URL`, default `sqlite://subsidie.db`), applies pending migrations, does one
//! thing and prints the result in Dutch. Errors go to standard error, in Dutch, with a
//! non-zero exit code. One module per group of verbs.

/// Writes a line to standard output; a closed pipe (`subsidie budget | head`) is not an
/// error worth a panic, so write errors are ignored.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Like [`say!`] without the newline.
macro_rules! put {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// Writes a line to standard error, ignoring write errors.
macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod administration;
mod args;
mod backup;
mod changes;
mod config;
mod database;
mod demo;
mod dutch;
mod failure;
mod finance;
mod logging;
mod mail;
mod mailer;
mod programme;
mod progress;
mod registry;
mod render;
mod scheduler;
mod serve;
mod settings;
mod switches;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, RoundCommand, TokenCommand, UserCommand};
use failure::Failure;
use settings::Settings;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage(&err),
    };
    let settings = Settings::from_env()
        .with_database_flag(cli.database_url.as_deref())
        .with_operator_flag(cli.operator.as_deref());
    // Every verb that queues a letter links to the portal, not only `serve`.
    subsidie_service::portal::links::set_base_url(&settings.portal_base_url());
    match settings.letters() {
        Ok(letters) => subsidie_service::outbox::letterhead::set(letters),
        Err(message) => {
            Failure::Message(message).print();
            return ExitCode::FAILURE;
        }
    }
    // A server tells what it does; a one-off verb only what went wrong.
    let serving = matches!(cli.command, Command::Serve { .. });
    logging::init(&settings, if serving { "info" } else { "warn" });
    match execute(&cli.command, &settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.print();
            ExitCode::FAILURE
        }
    }
}

/// Help and version go to standard output with code 0, usage errors to standard error
/// with code 2; all of it in Dutch, coloured only on a terminal.
fn usage(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    use std::io::IsTerminal as _;
    let code = u8::try_from(err.exit_code()).unwrap_or(2);
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let rendered = err.render();
            let text = if std::io::stdout().is_terminal() {
                rendered.ansi().to_string()
            } else {
                rendered.to_string()
            };
            put!("{}", dutch::help_text(&text));
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            put!("{}", dutch::help_text(&err.render().to_string()));
        }
        _ => {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                dutch::error_message(err).as_bytes(),
            );
        }
    }
    ExitCode::from(code)
}

fn execute(command: &Command, settings: &Settings) -> Result<(), Failure> {
    match command {
        Command::Migrate => {
            let (_, url) = database::open(settings, 2)?;
            say!("databaseschema is bijgewerkt: {}", url.redacted());
            Ok(())
        }
        Command::Config => {
            config::show(settings);
            Ok(())
        }
        Command::Seed { file, keep_missing } => programme::seed_file(settings, file, *keep_missing),
        Command::Demo { file } => programme::run_demo(settings, file.as_deref()),
        Command::Budget { json } => programme::budget(settings, *json),
        Command::Backup { out } => backup::backup(settings, out),
        Command::Instrument(command) => changes::instrument(settings, command),
        Command::Organisation(command) => administration::organisation(settings, command),
        Command::User(UserCommand::Add(args)) => registry::add_user(settings, args),
        Command::User(command) => administration::user(settings, command),
        Command::Token(TokenCommand::Create { user, label, days }) => {
            registry::create_token(settings, user, label, *days)
        }
        Command::Token(command) => administration::token(settings, command),
        Command::Round(RoundCommand::List { instrument }) => {
            administration::rounds(settings, instrument.as_deref())
        }
        Command::History { subject, id } => {
            administration::history(settings, subject.as_deref(), id.as_deref())
        }
        Command::Serve {
            bind,
            demo,
            without_mailer,
        } => {
            let settings = if *without_mailer {
                settings.clone().without_mailer()
            } else {
                settings.clone()
            };
            serve::serve(&settings, &settings.bind(bind.as_deref()), *demo)
        }
        Command::Mailer => mailer::run(settings),
        Command::Mail(command) => mail::mail(settings, command),
        Command::Allocate { instrument, seed } => {
            registry::allocate(settings, instrument, seed.as_deref())
        }
        Command::PaymentRun(command) => finance::payment_run(settings, command),
        Command::Report {
            kind,
            programme,
            format,
            json,
            out,
        } => {
            let format = if *json { "json" } else { format.as_str() };
            finance::report(settings, *kind, programme, format, out.as_deref())
        }
    }
}
