//! The command line: every verb and option, with the Dutch help texts `--help` shows.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use subsidie_service::outbox::reminders;

use crate::programme::DEFAULT_FIXTURE;

/// Subsidie-engine voor het programma Versterking eerstelijnszorg (ZonMw).
#[derive(Debug, Parser)]
#[command(name = "subsidie", version)]
pub struct Cli {
    /// Database: sqlite://pad, een bestandspad, of postgres://gebruiker@host/database
    /// (standaard DATABASE_URL, anders sqlite://subsidie.db).
    #[arg(long, global = true)]
    pub database_url: Option<String>,

    /// E-mailadres van de gebruiker namens wie de opdracht handelt (standaard
    /// SUBSIDIE_OPERATOR); die moet bestaan en actief zijn en staat in elke historieregel.
    /// Zonder operator handelt de opdrachtregel als system.
    #[arg(long, global = true)]
    pub operator: Option<String>,

    /// Wat er moet gebeuren.
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Maak of werk het databaseschema bij.
    Migrate,
    /// Toon de instellingen die gelden, met hun herkomst (wachtwoorden onleesbaar).
    ///
    /// Elke variabele, haar waarde en of die uit de omgeving, een optie of de standaard
    /// komt; wachtwoorden en tokens onleesbaar gemaakt. Opent de database niet.
    Config,
    /// Lees een programmabestand, controleer het en laad het in de database.
    Seed {
        /// Het programmabestand (TOML).
        #[arg(long, default_value = DEFAULT_FIXTURE)]
        file: PathBuf,
        /// Laat regelingen, regio's en disciplines die wel in de database staan maar niet
        /// meer in het bestand ongemoeid (zonder deze optie weigert seed en noemt ze).
        #[arg(long)]
        keep_missing: bool,
    },
    /// Speel het scenario van de Kamerbrief na en toon de budgetstand.
    Demo {
        /// Programmabestand om te laden als de database nog geen programma heeft
        /// (standaard het meegeleverde bestand).
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Toon de budgetstand per regeling en controleer het grootboek.
    Budget {
        /// Als JSON, voor scripts.
        #[arg(long)]
        json: bool,
    },
    /// Maak een reservekopie van een SQLite-database terwijl de server doorwerkt (voor
    /// PostgreSQL: pg_dump, zie docs/operations.md).
    Backup {
        /// Nieuw bestand voor de kopie; een bestaand bestand wordt niet overschreven.
        #[arg(long)]
        out: PathBuf,
    },
    /// Een regeling van een lopend programma wijzigen: plafond, openstelling, toevoegen,
    /// en de historie van die wijzigingen.
    #[command(subcommand)]
    Instrument(InstrumentCommand),
    /// Organisaties (aanvragers).
    #[command(subcommand)]
    Organisation(OrganisationCommand),
    /// Gebruikers.
    #[command(subcommand)]
    User(UserCommand),
    /// API-tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Start de REST API (/api/v1, documentatie op /api/v1/docs/); laadt het ingebouwde
    /// programma als de database er nog geen heeft.
    Serve {
        /// Adres om op te luisteren (standaard SUBSIDIE_BIND, anders 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// Demo: speel op een lege database de Kamerbrief na, open een ronde rond vandaag
        /// en zet werk klaar; toon tokens van een aanvrager, beoordelaar, financiën en
        /// beheerder. Op een database die de demo al vulde: dezelfde gebruikers, nieuwe
        /// tokens.
        #[arg(long, alias = "demo-tokens")]
        demo: bool,
        /// Start alleen de API, zonder de e-mail te verzenden (als MAILER=off); de
        /// outbox verzendt dan 'subsidie mailer'.
        #[arg(long = "zonder-mailer")]
        without_mailer: bool,
    },
    /// Verzend de e-mail uit de outbox doorlopend, zonder API, tot SIGINT of SIGTERM;
    /// zet ook dagelijks de herinneringen voor de verantwoording klaar. Er mogen er
    /// meerdere tegelijk draaien op één database: geen bericht gaat twee keer uit.
    Mailer,
    /// E-mail: de outbox verzenden, mislukte berichten tonen of opnieuw proberen.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Toewijzingsrondes bekijken.
    #[command(subcommand)]
    Round(RoundCommand),
    /// Toon de beheerhistorie: wie wat wanneer aan organisaties, gebruikers en tokens
    /// veranderde.
    History {
        /// Alleen over organisatie, gebruiker of token.
        #[arg(long)]
        subject: Option<String>,
        /// Alleen over dit id.
        #[arg(long)]
        id: Option<String>,
    },
    /// Draai een toewijzingsronde voor een regeling.
    Allocate {
        /// Code van de regeling, bijvoorbeeld uitvoering.
        #[arg(long)]
        instrument: String,
        /// Loting-seed: 64 hexadecimale tekens, alleen met CALLER_SEEDS=on (test en demo);
        /// zonder deze optie gebruikt de ronde de vooraf vastgelegde seed van elke dag.
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
        /// Als JSON (hetzelfde als --format json).
        #[arg(long)]
        json: bool,
        /// Bestand om naar te schrijven (standaard de standaarduitvoer).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum InstrumentCommand {
    /// Zet het subsidieplafond; niet lager dan wat al is gereserveerd en verleend.
    Ceiling {
        /// Code van de regeling, bijvoorbeeld uitvoering.
        #[arg(long)]
        instrument: String,
        /// Het nieuwe plafond in euro's, met een punt als decimaalteken: 75000000.00.
        #[arg(long)]
        amount: String,
        /// Waarom, voor de historie.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Open de openstelling van vandaag (of --from) tot en met --until.
    Open {
        /// Code van de regeling.
        #[arg(long)]
        instrument: String,
        /// Eerste dag, JJJJ-MM-DD (standaard vandaag).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Laatste dag, JJJJ-MM-DD.
        #[arg(long)]
        until: chrono::NaiveDate,
        /// Waarom, voor de historie.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Verleng de openstelling tot en met een latere dag.
    Extend {
        /// Code van de regeling.
        #[arg(long)]
        instrument: String,
        /// De nieuwe laatste dag, JJJJ-MM-DD.
        #[arg(long)]
        until: chrono::NaiveDate,
        /// Waarom, voor de historie.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Sluit de openstelling: gisteren wordt de laatste dag.
    Close {
        /// Code van de regeling.
        #[arg(long)]
        instrument: String,
        /// Waarom, voor de historie.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Voeg een regeling toe aan een programma, uit een TOML-bestand met dezelfde sleutels
    /// als een [[programma.instrumenten]]-blok van het programmabestand.
    Add {
        /// Code van het programma.
        #[arg(long)]
        programme: String,
        /// Het bestand met de regeling.
        #[arg(long)]
        file: PathBuf,
        /// Waarom, voor de historie.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Toon de wijzigingen van een programma, oudste eerst.
    History {
        /// Code van het programma.
        #[arg(long)]
        programme: String,
        /// Als JSON, voor scripts.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportKind {
    /// Uitbetalingen per betaling.
    Disbursements,
    /// Budgetpositie per instrument.
    Budget,
    /// Dekking per instrument en regio.
    Coverage,
}

#[derive(Debug, Subcommand)]
pub enum PaymentRunCommand {
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
pub enum MailCommand {
    /// Verstuur alle berichten die nu aan de beurt zijn (SMTP_URL, anders .eml-bestanden
    /// in MAIL_DIR) en stop als er niets meer klaarstaat.
    Drain,
    /// Toon hoeveel berichten wachten, opnieuw geprobeerd worden, mislukt en verzonden zijn,
    /// en de mislukte berichten met hun laatste fout.
    Status {
        /// Als JSON, voor scripts.
        #[arg(long)]
        json: bool,
    },
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
pub enum OrganisationCommand {
    /// Registreer een organisatie.
    Add(OrganisationArgs),
    /// Toon de organisaties.
    List {
        /// Alleen uit deze regio, bijvoorbeeld r07.
        #[arg(long)]
        region: Option<String>,
    },
    /// Toon één organisatie.
    Show {
        /// Id van de organisatie.
        #[arg(long)]
        id: String,
    },
    /// Wijzig IBAN, e-mailadres of contactpersoon; de organisatie krijgt er bericht van.
    Change(OrganisationChangeArgs),
}

#[derive(Debug, Args)]
pub struct OrganisationChangeArgs {
    /// Id van de organisatie.
    #[arg(long)]
    pub id: String,
    /// Nieuw IBAN (wordt gecontroleerd).
    #[arg(long)]
    pub iban: Option<String>,
    /// Nieuw e-mailadres.
    #[arg(long)]
    pub email: Option<String>,
    /// Nieuwe contactpersoon; een lege tekst wist hem.
    #[arg(long)]
    pub contact: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Toon de toewijzingsrondes, oudste eerst.
    List {
        /// Alleen van deze regeling.
        #[arg(long)]
        instrument: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct OrganisationArgs {
    /// Naam van de organisatie.
    #[arg(long)]
    pub name: String,
    /// Code van de regio, bijvoorbeeld r07.
    #[arg(long)]
    pub region: String,
    /// IBAN voor betalingen.
    #[arg(long)]
    pub iban: String,
    /// E-mailadres voor alle berichten over aanvragen.
    #[arg(long)]
    pub email: String,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Maak een gebruiker aan.
    Add(UserArgs),
    /// Toon de gebruikers.
    List {
        /// Alleen met deze rol: aanvrager, beoordelaar, financien of beheerder.
        #[arg(long)]
        role: Option<String>,
    },
    /// Toon één gebruiker.
    Show {
        /// Id van de gebruiker.
        #[arg(long)]
        id: String,
    },
    /// Deactiveer een gebruiker: geen van zijn tokens werkt nog.
    Deactivate {
        /// Id van de gebruiker.
        #[arg(long)]
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct UserArgs {
    /// Naam.
    #[arg(long)]
    pub name: String,
    /// E-mailadres.
    #[arg(long)]
    pub email: String,
    /// Rol: aanvrager, beoordelaar, financien of beheerder.
    #[arg(long)]
    pub role: String,
    /// Id van de organisatie (alleen en verplicht voor een aanvrager).
    #[arg(long)]
    pub organisation: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Maak een API-token voor een gebruiker; het token wordt één keer getoond.
    Create {
        /// Id van de gebruiker.
        #[arg(long)]
        user: String,
        /// Omschrijving, bijvoorbeeld waar het token gebruikt wordt.
        #[arg(long)]
        label: String,
        /// Hoeveel dagen het token geldig is (1 tot en met 3650).
        #[arg(long, default_value_t = subsidie_service::registry::DEFAULT_TOKEN_DAYS)]
        days: u32,
    },
    /// Toon de tokens (nooit het token zelf): label, gebruiker, uitgegeven, verloopt,
    /// ingetrokken.
    List {
        /// Alleen van deze gebruiker.
        #[arg(long)]
        user: Option<String>,
    },
    /// Trek een token in; het werkt binnen een seconde op geen enkele server meer.
    Revoke {
        /// Id van het token (zie `subsidie token list`).
        #[arg(long)]
        id: String,
    },
}
