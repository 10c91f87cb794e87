//! `subsidie`: the command line of the subsidy engine.
//!
//! Every verb opens the database named by `--database-url` (or `DATABASE_URL`, default
//! `sqlite://subsidie.db`), applies pending migrations, does one thing and prints the
//! result in Dutch. Errors go to standard error, in Dutch, with a non-zero exit code.

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

mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use subsidie_domain::iban::Iban;
use subsidie_domain::lottery::Seed;
use subsidie_service::payments::{self, FileFormat, FunderAccount};
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::reports::{self, DisbursementQuery};
use subsidie_service::{
    allocation, demo, idempotency, queries, reminders, seed, Actor, Role, ServiceError,
};
use subsidie_store::{DatabaseUrl, Pool, StoreError};

/// The programme file shipped with the engine, used by `demo` when no `--file` is given.
const FIXTURE: &str = include_str!("../../../fixtures/versterking-eerstelijnszorg.toml");
/// Where `seed` looks when no `--file` is given.
const DEFAULT_FIXTURE: &str = "fixtures/versterking-eerstelijnszorg.toml";

/// Subsidie-engine voor het programma Versterking eerstelijnszorg (ZonMw).
#[derive(Debug, Parser)]
#[command(name = "subsidie", version)]
struct Cli {
    /// Database: sqlite://pad, een bestandspad, of postgres://gebruiker@host/database.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://subsidie.db",
        global = true
    )]
    database_url: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Maak of werk het databaseschema bij.
    Migrate,
    /// Lees een programmabestand, controleer het en laad het in de database.
    Seed {
        /// Het programmabestand (TOML).
        #[arg(long, default_value = DEFAULT_FIXTURE)]
        file: PathBuf,
    },
    /// Speel het scenario van de Kamerbrief na en toon de budgetstand.
    Demo {
        /// Programmabestand om te laden als de database nog geen programma heeft
        /// (standaard het meegeleverde bestand).
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Toon de budgetstand per regeling en controleer het grootboek.
    Budget,
    /// Organisaties (aanvragers).
    #[command(subcommand)]
    Organisation(OrganisationCommand),
    /// Gebruikers.
    #[command(subcommand)]
    User(UserCommand),
    /// API-tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Start de REST API (/api/v1, documentatie op /api/v1/docs/); laadt het meegeleverde
    /// programma als de database er nog geen heeft.
    Serve {
        /// Adres om op te luisteren.
        #[arg(long, env = subsidie_api::BIND_ENV, default_value = subsidie_api::DEFAULT_BIND)]
        bind: String,
        /// Maak bij het starten een demo-organisatie en één gebruiker per rol aan en toon
        /// hun tokens, om de API meteen uit te proberen.
        #[arg(long)]
        demo_tokens: bool,
    },
    /// E-mail: de outbox verzenden, mislukte berichten tonen of opnieuw proberen.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Draai een toewijzingsronde voor een regeling.
    Allocate {
        /// Code van de regeling, bijvoorbeeld uitvoering.
        #[arg(long)]
        instrument: String,
        /// Loting-seed: 64 hexadecimale tekens; zonder deze optie wordt er een getrokken.
        #[arg(long)]
        seed: Option<String>,
    },
    /// Betaalrondes: maken, het SEPA-bestand schrijven, als betaald boeken.
    #[command(subcommand, name = "payment-run")]
    PaymentRun(PaymentRunCommand),
    /// Rapportages: uitbetalingen, budgetpositie of dekking, als CSV, XLSX of JSON.
    Report {
        /// Welke rapportage.
        #[arg(value_enum)]
        kind: ReportKind,
        /// Code van het programma.
        #[arg(long)]
        programme: String,
        /// csv, xlsx of json (standaard csv).
        #[arg(long, default_value = "csv")]
        format: String,
        /// Bestand om naar te schrijven (standaard de standaarduitvoer).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ReportKind {
    /// Uitbetalingen per betaling.
    Disbursements,
    /// Budgetpositie per instrument.
    Budget,
    /// Dekking per instrument en regio.
    Coverage,
}

#[derive(Debug, Subcommand)]
enum PaymentRunCommand {
    /// Maak een betaalronde van alle betalingen die uiterlijk op een datum vervallen.
    Create {
        /// Laatste vervaldatum, JJJJ-MM-DD.
        #[arg(long)]
        up_to: chrono::NaiveDate,
    },
    /// Schrijf het SEPA-bestand (pain.001.001.03) van een ronde.
    Sepa {
        /// Id van de ronde.
        #[arg(long)]
        run: String,
        /// Bestand om naar te schrijven (standaard de naam van de ronde in de huidige map).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Boek een ronde als betaald.
    Paid {
        /// Id van de ronde.
        #[arg(long)]
        run: String,
    },
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Verstuur alle berichten die nu aan de beurt zijn (SMTP_URL, anders .eml-bestanden
    /// in MAIL_DIR) en stop als er niets meer klaarstaat.
    Drain,
    /// Toon hoeveel berichten wachten, opnieuw geprobeerd worden, mislukt en verzonden zijn,
    /// en de mislukte berichten met hun laatste fout.
    Status,
    /// Zet een mislukt bericht terug in de wachtrij.
    Retry {
        /// Id van het bericht (zie `subsidie mail status`).
        #[arg(long)]
        id: String,
    },
    /// Zet herinneringen klaar voor verleende aanvragen waarvan de
    /// verantwoordingstermijn binnen het aantal dagen afloopt; één per aanvraag, ook als
    /// dit vaker draait. `subsidie serve` doet dit zelf eens per dag (30 dagen vooruit).
    Reminders {
        /// Hoeveel dagen vóór de uiterste verantwoordingsdatum de herinnering uitgaat.
        #[arg(long, default_value_t = reminders::DEFAULT_DAYS_BEFORE)]
        days: u32,
    },
}

#[derive(Debug, Subcommand)]
enum OrganisationCommand {
    /// Registreer een organisatie.
    Add(OrganisationArgs),
}

#[derive(Debug, Args)]
struct OrganisationArgs {
    /// Naam van de organisatie.
    #[arg(long)]
    name: String,
    /// Code van de regio, bijvoorbeeld r07.
    #[arg(long)]
    region: String,
    /// IBAN voor betalingen.
    #[arg(long)]
    iban: String,
    /// E-mailadres voor alle berichten over aanvragen.
    #[arg(long)]
    email: String,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Maak een gebruiker aan.
    Add(UserArgs),
}

#[derive(Debug, Args)]
struct UserArgs {
    /// Naam.
    #[arg(long)]
    name: String,
    /// E-mailadres.
    #[arg(long)]
    email: String,
    /// Rol: aanvrager, beoordelaar, financien of beheerder.
    #[arg(long)]
    role: String,
    /// Id van de organisatie (alleen en verplicht voor een aanvrager).
    #[arg(long)]
    organisation: Option<String>,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Maak een API-token voor een gebruiker; het token wordt één keer getoond.
    Create {
        /// Id van de gebruiker.
        #[arg(long)]
        user: String,
        /// Omschrijving, bijvoorbeeld waar het token gebruikt wordt.
        #[arg(long)]
        label: String,
    },
}

/// Why a command failed; printed in Dutch.
#[derive(Debug)]
enum Failure {
    /// A use case refused or failed.
    Service(ServiceError),
    /// The database could not be opened or migrated.
    Store(StoreError),
    /// Anything else, already phrased for the user.
    Message(String),
}

impl From<ServiceError> for Failure {
    fn from(err: ServiceError) -> Self {
        Failure::Service(err)
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        Failure::Store(err)
    }
}

impl Failure {
    fn print(&self) {
        match self {
            Failure::Service(ServiceError::Validation(fields)) => {
                let n = fields.len();
                say_err!(
                    "fout: ongeldige invoer ({n} {}):",
                    if n == 1 { "probleem" } else { "problemen" }
                );
                for field in fields {
                    say_err!("- {}: {}", field.field, field.message);
                }
            }
            Failure::Service(err) => say_err!("fout: {err}"),
            Failure::Store(err) => say_err!("fout: {err}"),
            Failure::Message(message) => say_err!("fout: {message}"),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with code 0; usage errors to stderr with 2.
            let code = err.exit_code();
            let _ = err.print();
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    match execute(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.print();
            ExitCode::FAILURE
        }
    }
}

fn open(cli: &Cli) -> Result<(Pool, DatabaseUrl), Failure> {
    let url = DatabaseUrl::parse(&cli.database_url)?;
    let pool = subsidie_store::db::open(&url, 2)?;
    Ok((pool, url))
}

fn execute(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Migrate => {
            let (_, url) = open(cli)?;
            say!("databaseschema is bijgewerkt: {}", url.redacted());
            Ok(())
        }
        Command::Seed { file } => {
            let text = std::fs::read_to_string(file).map_err(|e| {
                Failure::Message(format!(
                    "kan het programmabestand '{}' niet lezen: {e}",
                    file.display()
                ))
            })?;
            let programme = parse_programme(&text, &file.display().to_string())?;
            let (pool, url) = open(cli)?;
            let report = seed::load(&pool, &programme, Utc::now())?;
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
        Command::Demo { file } => run_demo(cli, file.as_deref()),
        Command::Budget => {
            let (pool, _) = open(cli)?;
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
        Command::Organisation(OrganisationCommand::Add(args)) => {
            let (pool, _) = open(cli)?;
            let org = registry::register_organisation(
                &pool,
                &Actor::system(),
                &NewOrganisation {
                    name: args.name.clone(),
                    region_id: args.region.clone(),
                    iban: args.iban.clone(),
                    email: args.email.clone(),
                },
                Utc::now(),
            )?;
            let iban = Iban::parse(&org.iban)
                .map(|i| i.to_paper())
                .unwrap_or_else(|_| org.iban.clone());
            say!("organisatie geregistreerd");
            say!("  id:     {}", org.id);
            say!("  naam:   {}", org.name);
            say!("  regio:  {}", org.region_id);
            say!("  IBAN:   {iban}");
            say!("  e-mail: {}", org.email);
            Ok(())
        }
        Command::User(UserCommand::Add(args)) => {
            let role: Role = args.role.parse().map_err(Failure::Message)?;
            let (pool, _) = open(cli)?;
            let user = registry::create_user(
                &pool,
                &Actor::system(),
                &args.name,
                &args.email,
                role,
                args.organisation.as_deref(),
                Utc::now(),
            )?;
            say!("gebruiker aangemaakt");
            say!("  id:     {}", user.id);
            say!("  naam:   {}", user.name);
            say!("  rol:    {}", user.role);
            if let Some(org) = &user.organisation_id {
                say!("  organisatie: {org}");
            }
            Ok(())
        }
        Command::Token(TokenCommand::Create { user, label }) => {
            let (pool, _) = open(cli)?;
            let token = registry::create_token(&pool, &Actor::system(), user, label, Utc::now())?;
            say!("{token}");
            say_err!(
                "Bewaar dit token nu: het wordt maar één keer getoond (alleen een hash wordt opgeslagen)."
            );
            Ok(())
        }
        Command::Serve { bind, demo_tokens } => serve(cli, bind, *demo_tokens),
        Command::Mail(command) => mail(cli, command),
        Command::Allocate { instrument, seed } => {
            let seed = seed
                .as_deref()
                .map(|hex| {
                    hex.trim()
                        .to_ascii_lowercase()
                        .parse::<Seed>()
                        .map_err(|e| Failure::Message(e.to_string()))
                })
                .transpose()?;
            let (pool, _) = open(cli)?;
            let run = allocation::run(&pool, &Actor::system(), instrument, seed, Utc::now())?;
            put!("{}", render::allocation(&run));
            Ok(())
        }
        Command::PaymentRun(command) => payment_run(cli, command),
        Command::Report {
            kind,
            programme,
            format,
            out,
        } => report(cli, *kind, programme, format, out.as_deref()),
    }
}

fn io_failure(path: &std::path::Path, e: &std::io::Error) -> Failure {
    Failure::Message(format!("kan {} niet schrijven: {e}", path.display()))
}

fn payment_run(cli: &Cli, command: &PaymentRunCommand) -> Result<(), Failure> {
    let (pool, _) = open(cli)?;
    let actor = Actor::system();
    match command {
        PaymentRunCommand::Create { up_to } => {
            let run = payments::create_run(&pool, &actor, *up_to, Utc::now())?;
            say!("betaalronde {}", run.id);
            say!("  betalingen:       {}", run.payment_count);
            say!("  totaal:           {}", cents(run.total_cents));
            say!("  uitvoeringsdatum: {}", run.execution_date);
            Ok(())
        }
        PaymentRunCommand::Sepa { run, out } => {
            let funder = FunderAccount::from_env().map_err(|e| Failure::Message(e.to_string()))?;
            let detail = payments::run(&pool, &actor, run)?;
            let path = out
                .clone()
                .unwrap_or_else(|| PathBuf::from(payments::sepa_file_name(&detail.run)));
            let file = std::fs::File::create(&path).map_err(|e| io_failure(&path, &e))?;
            let writer =
                payments::write_sepa(&pool, &actor, run, &funder, std::io::BufWriter::new(file))?;
            writer
                .into_inner()
                .map_err(|e| io_failure(&path, e.error()))?
                .sync_all()
                .map_err(|e| io_failure(&path, &e))?;
            say!(
                "{} geschreven: {} betalingen, totaal {}",
                path.display(),
                detail.run.payment_count,
                cents(detail.run.total_cents)
            );
            Ok(())
        }
        PaymentRunCommand::Paid { run } => {
            let detail = payments::mark_run_paid(&pool, &actor, run, Utc::now())?;
            say!("betaalronde {} geboekt als betaald", detail.run.id);
            say!(
                "  betaald: {} ({})",
                detail.paid_count,
                cents(detail.paid_cents)
            );
            say!(
                "  mislukt: {} ({})",
                detail.failed_count,
                cents(detail.failed_cents)
            );
            Ok(())
        }
    }
}

fn cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let abs = c.unsigned_abs();
    format!("EUR {sign}{}.{:02}", abs / 100, abs % 100)
}

fn report(
    cli: &Cli,
    kind: ReportKind,
    programme: &str,
    format: &str,
    out: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let table = match format.to_ascii_lowercase().as_str() {
        "json" => None,
        other => Some(FileFormat::parse(other).ok_or_else(|| {
            Failure::Message(format!(
                "onbekend formaat '{format}'; kies csv, xlsx of json"
            ))
        })?),
    };
    let (pool, _) = open(cli)?;
    let actor = Actor::system();
    let sink: Box<dyn std::io::Write> = match out {
        Some(path) => Box::new(std::fs::File::create(path).map_err(|e| io_failure(path, &e))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut sink = std::io::BufWriter::new(sink);
    let json_failure = |e: serde_json::Error| Failure::Message(format!("schrijven mislukt: {e}"));
    match (kind, table) {
        (ReportKind::Disbursements, t) => {
            let query = DisbursementQuery {
                programme_id: programme.to_owned(),
                from: None,
                to: None,
                instrument_id: None,
                region_id: None,
                run_id: None,
            };
            match t {
                Some(t) => {
                    reports::write_disbursements(&pool, &actor, &query, t, &mut sink)?;
                }
                None => {
                    let r = reports::disbursements(&pool, &actor, &query)?;
                    serde_json::to_writer_pretty(&mut sink, &r).map_err(json_failure)?;
                }
            }
        }
        (ReportKind::Budget, Some(t)) => {
            reports::write_budget_position(&pool, &actor, programme, t, &mut sink)?;
        }
        (ReportKind::Budget, None) => {
            let r = reports::budget_position(&pool, &actor, programme)?;
            serde_json::to_writer_pretty(&mut sink, &r).map_err(json_failure)?;
        }
        (ReportKind::Coverage, Some(t)) => {
            reports::write_coverage(&pool, &actor, programme, t, &mut sink)?;
        }
        (ReportKind::Coverage, None) => {
            let r = reports::coverage(&pool, &actor, programme)?;
            serde_json::to_writer_pretty(&mut sink, &r).map_err(json_failure)?;
        }
    }
    if table.is_none() {
        use std::io::Write as _;
        let _ = writeln!(sink);
    }
    std::io::Write::flush(&mut sink)
        .map_err(|e| Failure::Message(format!("schrijven mislukt: {e}")))?;
    Ok(())
}

/// Parses and validates a programme file; on validation errors every problem is listed.
fn parse_programme(
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

fn run_demo(cli: &Cli, file: Option<&std::path::Path>) -> Result<(), Failure> {
    let (pool, url) = open(cli)?;
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
                format!("het meegeleverde {DEFAULT_FIXTURE}"),
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
    let existing = demo::application_count(&pool)?;
    let report = if existing > 0 {
        say!(
            "De database bevat al {existing} aanvra{}; de demo is niet opnieuw gedraaid, \
             zodat er niets dubbel wordt aangemaakt. De huidige stand:",
            if existing == 1 { "ag" } else { "gen" }
        );
        demo::report(&pool)?
    } else {
        say!(
            "Demo: het programma Versterking eerstelijnszorg, nagespeeld van januari 2024 tot \
             en met september 2025 volgens de Kamerbrief."
        );
        demo::run(&pool)?
    };
    say!();
    put!("{}", render::demo(&report)?);
    Ok(())
}

/// `subsidie serve`: the API on `bind`, with the programme loaded on first start.
fn serve(cli: &Cli, bind: &str, demo_tokens: bool) -> Result<(), Failure> {
    let url = DatabaseUrl::parse(&cli.database_url)?;
    // One connection per blocking request, a few of them at once.
    let pool = subsidie_store::db::open(&url, 8)?;
    if queries::instruments(&pool)?.is_empty() {
        let programme = parse_programme(FIXTURE, DEFAULT_FIXTURE)?;
        seed::load(&pool, &programme, Utc::now())?;
        say!(
            "programma '{}' geladen uit {DEFAULT_FIXTURE}",
            programme.programme.code
        );
    }
    let listener = std::net::TcpListener::bind(bind)
        .map_err(|e| Failure::Message(format!("kan niet luisteren op {bind}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::Message(e.to_string()))?;
    say!("database: {}", url.redacted());
    say!("de API luistert op http://{addr}/api/v1");
    say!("  documentatie: http://{addr}/api/v1/docs/");
    say!("  OpenAPI:      http://{addr}/api/v1/openapi.json");
    say!(
        "het subsidieportaal: http://{addr}/ (links in e-mails naar {})",
        subsidie_portal::PortalConfig::from_env().base_url
    );
    if demo_tokens {
        say!("demo-tokens (alleen nu zichtbaar; stuur als 'Authorization: Bearer <token>', of plak ze in het portaal onder 'Aanmelden met een token'):");
        for (role, token) in demo_users(&pool)? {
            say!("  {:<12} {token}", role.as_str());
        }
        say!("  of meld aan in het portaal met een e-maillink naar demo-<rol>@example.org (de e-mail staat in de outbox)");
    } else {
        say!(
            "een token: 'subsidie user add …' en 'subsidie token create --user <id> --label <naam>', \
             of start met --demo-tokens"
        );
    }
    let transport = subsidie_notify::Transport::from_env().map_err(mail_failure)?;
    say!("e-mail: {}", transport.describe());
    // The dispatcher sends what the use cases wrote to the outbox; it stops (after
    // marking the message it is sending) when the server stops. Before a round it queues
    // the reminders before the accounting deadline, once per Amsterdam day: the first
    // round after start-up and after midnight. A failed attempt is tried again next
    // round; the reminders' ids keep that, and several servers on one database, from
    // queueing one twice. Expired Idempotency-Keys are purged on the same beat.
    let reminder_pool = pool.clone();
    let mut reminded_on = None;
    let mailer = subsidie_notify::spawn_dispatcher_with_hook(
        pool.clone(),
        transport,
        std::time::Duration::from_secs(10),
        subsidie_notify::DispatchPolicy::default(),
        move |now| {
            let today = subsidie_domain::deadlines::amsterdam_date(now);
            if reminded_on == Some(today) {
                return;
            }
            match reminders::accounting_reminders(
                &reminder_pool,
                now,
                reminders::DEFAULT_DAYS_BEFORE,
            ) {
                Ok(queued) => {
                    reminded_on = Some(today);
                    if queued > 0 {
                        say!("e-mail: {queued} herinnering(en) voor de verantwoording klaargezet");
                    }
                }
                Err(e) => say_err!(
                    "e-mail: herinneringen klaarzetten mislukt ({e}); opnieuw bij de volgende ronde"
                ),
            }
            // Housekeeping on the same daily beat: answers to Idempotency-Keys are kept
            // for a day (a client may retry that long), then forgotten.
            match idempotency::purge(&reminder_pool, now) {
                Ok(0) => {}
                Ok(purged) => say!("{purged} verlopen Idempotency-Key(s) opgeruimd"),
                Err(e) => say_err!("Idempotency-Keys opruimen mislukt ({e})"),
            }
        },
    );
    say!("stoppen: Ctrl-C");
    let config = subsidie_api::Config::new();
    let portal = portal_state(&pool, &config);
    let served = subsidie_api::run_blocking_with(listener, pool, config, move |cfg| {
        subsidie_portal::configure(cfg, portal.clone())
    })
    .map_err(|e| Failure::Message(format!("de API stopte met een fout: {e}")));
    mailer.stop();
    served
}

/// The portal beside the API: the same pool and clock, its base URL from `PORTAL_BASE_URL`.
fn portal_state(pool: &Pool, config: &subsidie_api::Config) -> subsidie_portal::PortalState {
    let clock = config.clock.clone();
    subsidie_portal::PortalState::new(
        pool.clone(),
        std::sync::Arc::new(move || clock.now()),
        subsidie_portal::PortalConfig::from_env(),
    )
}

fn mail_failure(err: subsidie_notify::NotifyError) -> Failure {
    Failure::Message(format!("e-mail: {err}"))
}

/// `subsidie mail …`: the outbox by hand.
fn mail(cli: &Cli, command: &MailCommand) -> Result<(), Failure> {
    let (pool, _) = open(cli)?;
    match command {
        MailCommand::Drain => {
            let transport = subsidie_notify::Transport::from_env().map_err(mail_failure)?;
            let report = subsidie_notify::drain(&pool, &transport).map_err(mail_failure)?;
            say!(
                "verzonden: {}, later opnieuw: {}, opgegeven: {} (via {})",
                report.sent,
                report.retried,
                report.failed,
                transport.describe()
            );
        }
        MailCommand::Status => {
            let s = subsidie_notify::admin::summary(&pool).map_err(mail_failure)?;
            say!(
                "wachtend: {}, opnieuw te proberen: {}, mislukt: {}, verzonden: {}",
                s.waiting,
                s.retrying,
                s.failed,
                s.sent
            );
            for row in subsidie_notify::admin::failed_messages(&pool).map_err(mail_failure)? {
                say!(
                    "  {}  {}  {}  pogingen {}: {}",
                    row.id,
                    row.template,
                    row.recipient,
                    row.attempts,
                    row.last_error.as_deref().unwrap_or("-")
                );
            }
        }
        MailCommand::Retry { id } => {
            let row = subsidie_notify::admin::retry_failed(&pool, id).map_err(mail_failure)?;
            say!("bericht {} staat weer in de wachtrij", row.id);
        }
        MailCommand::Reminders { days } => {
            let queued = reminders::accounting_reminders(&pool, Utc::now(), *days)?;
            say!(
                "{queued} herinnering(en) klaargezet voor verleende aanvragen met een \
                 verantwoordingstermijn die binnen {days} dagen afloopt; verstuur ze met \
                 'subsidie mail drain'"
            );
        }
    }
    Ok(())
}

/// A demo organisation in region r01 and one user per role, each with a fresh token.
fn demo_users(pool: &Pool) -> Result<Vec<(Role, String)>, Failure> {
    let now = Utc::now();
    let system = Actor::system();
    let stamp = now.format("%Y%m%d%H%M%S");
    let org = registry::register_organisation(
        pool,
        &system,
        &NewOrganisation {
            name: format!("Demo-organisatie {stamp}"),
            region_id: "r01".to_owned(),
            iban: "NL91ABNA0417164300".to_owned(),
            email: "demo@example.org".to_owned(),
        },
        now,
    )?;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let organisation = (role == Role::Applicant).then_some(org.id.as_str());
        let user = registry::create_user(
            pool,
            &system,
            &format!("Demo {role} {stamp}"),
            &format!("demo-{role}@example.org"),
            role,
            organisation,
            now,
        )?;
        let token = registry::create_token(pool, &system, &user.id, "demo", now)?;
        tokens.push((role, token));
    }
    Ok(tokens)
}
