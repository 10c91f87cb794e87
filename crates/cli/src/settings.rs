//! The settings of one `subsidie` process, read once from the environment at start and
//! passed down as plain values: the libraries never read the environment themselves, so
//! what a process does is decided here and `subsidie config` can show all of it.
//!
//! Every variable is in the README's configuration table. Empty values count as unset,
//! except for `FUNDER_*`, which are taken as given: an empty `FUNDER_BIC` means "no BIC"
//! (`NOTPROVIDED` in the SEPA file), an empty name or IBAN is refused by the account's
//! checks.

use std::path::PathBuf;

use subsidie_domain::letterhead::{Letterhead, Signatories};
use subsidie_finance::sepa::{
    FunderAccount, SepaError, DEFAULT_FUNDER_BIC, DEFAULT_FUNDER_IBAN, DEFAULT_FUNDER_NAME,
};
use subsidie_notify::transport::{DEFAULT_FROM, DEFAULT_MAIL_DIR, DEFAULT_MESSAGE_ID_DOMAIN};
use subsidie_notify::MailSettings;
use subsidie_service::outbox::letterhead::{self, LetterSettings};
use subsidie_service::portal::links::DEFAULT_BASE_URL;

/// The database when neither `--database-url` nor `DATABASE_URL` says one.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://subsidie.db";
/// Where `serve` listens when neither `--bind` nor `SUBSIDIE_BIND` says where.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// `MAILER` when `serve` sends the outbox too (the default).
pub const MAILER_ON: &str = "on";
/// `MAILER` when only `subsidie mailer` sends it.
pub const MAILER_OFF: &str = "off";
/// Every variable the engine reads, in the order `subsidie config` shows them.
pub const VARIABLES: [&str; 27] = [
    "DATABASE_URL",
    "SUBSIDIE_BIND",
    "SMTP_URL",
    "MAIL_DIR",
    "MAIL_FROM",
    "MAIL_MESSAGE_ID_DOMAIN",
    "SMTP_CA_FILE",
    "MAILER",
    "FUNDER_NAME",
    "FUNDER_IBAN",
    "FUNDER_BIC",
    "FUNDER_ADDRESS",
    "FUNDER_PHONE",
    "FUNDER_CONTACT_EMAIL",
    "LETTER_SIGNATORIES",
    "PORTAL_BASE_URL",
    "SUBSIDIE_OPERATOR",
    "LOG_FORMAT",
    "RUST_LOG",
    "METRICS_TOKEN",
    "DOCUMENT_MAX_FILE_MIB",
    "DOCUMENT_MAX_APPLICATION_MIB",
    "DOCUMENT_SPOOL_DIR",
    "CORS_ORIGINS",
    "SUBSIDIE_HSTS",
    "AUTO_ALLOCATION",
    "CALLER_SEEDS",
];
/// `DOCUMENT_MAX_FILE_MIB` when unset.
pub const DEFAULT_DOCUMENT_MAX_FILE_MIB: &str = "20";
/// `DOCUMENT_MAX_APPLICATION_MIB` when unset.
pub const DEFAULT_DOCUMENT_MAX_APPLICATION_MIB: &str = "100";
/// The log format when `LOG_FORMAT` says none.
pub const DEFAULT_LOG_FORMAT: &str = "text";

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A command-line option, named.
    Option(&'static str),
    /// The environment variable of the same name.
    Environment,
    /// Nothing was set; the engine's default.
    Default,
}

impl Source {
    /// In Dutch, as `subsidie config` prints it.
    pub fn describe(self) -> String {
        match self {
            Source::Option(flag) => format!("optie {flag}"),
            Source::Environment => "omgeving".to_owned(),
            Source::Default => "standaard".to_owned(),
        }
    }
}

/// One setting: its value (`None`: unset, and its default is "nothing") and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The value in force.
    pub value: Option<String>,
    /// Where it came from.
    pub source: Source,
}

impl Setting {
    fn from(found: Option<String>, default: Option<&str>) -> Setting {
        match found {
            Some(value) => Setting {
                value: Some(value),
                source: Source::Environment,
            },
            None => Setting {
                value: default.map(str::to_owned),
                source: Source::Default,
            },
        }
    }

    pub(crate) fn text(&self) -> String {
        self.value.clone().unwrap_or_default()
    }
}

/// The settings of this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `DATABASE_URL` (or `--database-url`).
    pub database_url: Setting,
    /// `SUBSIDIE_BIND` (or `serve --bind`).
    pub bind: Setting,
    /// `SMTP_URL`; unset writes `.eml` files.
    pub smtp_url: Setting,
    /// `MAIL_DIR`.
    pub mail_dir: Setting,
    /// `MAIL_FROM`.
    pub mail_from: Setting,
    /// `MAIL_MESSAGE_ID_DOMAIN`.
    pub message_id_domain: Setting,
    /// `SMTP_CA_FILE`: extra CA certificates for SMTP's TLS.
    pub smtp_ca_file: Setting,
    /// `MAILER`: `on` (`serve` sends the outbox too) or `off` (only `subsidie mailer`
    /// sends it).
    pub mailer: Setting,
    /// `FUNDER_NAME`.
    pub funder_name: Setting,
    /// `FUNDER_IBAN`.
    pub funder_iban: Setting,
    /// `FUNDER_BIC`.
    pub funder_bic: Setting,
    /// `FUNDER_ADDRESS`: the funder's postal address, on every letter.
    pub funder_address: Setting,
    /// `FUNDER_PHONE`: the telephone number for questions, on every letter.
    pub funder_phone: Setting,
    /// `FUNDER_CONTACT_EMAIL`: an address for questions that is read, on every letter.
    pub funder_contact_email: Setting,
    /// `LETTER_SIGNATORIES`: the mandated officer per kind of letter
    /// (`verleningsbeschikking=naam, functie; standaard=naam, functie`).
    pub letter_signatories: Setting,
    /// `PORTAL_BASE_URL`: where people reach the portal, for the links in letters.
    pub portal_base_url: Setting,
    /// `SUBSIDIE_OPERATOR` (or `--operator`): the e-mail address of the user on whose
    /// behalf the command line acts; unset, it acts as `system`.
    pub operator: Setting,
    /// `LOG_FORMAT`: `text` or `json`.
    pub log_format: Setting,
    /// `RUST_LOG`: which log lines are written (`info`, `subsidie=debug,actix_web=warn`, …).
    pub rust_log: Setting,
    /// `METRICS_TOKEN`: when set, `/metrics` asks for it as a bearer token.
    pub metrics_token: Setting,
    /// `DOCUMENT_MAX_FILE_MIB`: the largest document, in MiB.
    pub document_max_file_mib: Setting,
    /// `DOCUMENT_MAX_APPLICATION_MIB`: all documents of one application together, in MiB.
    pub document_max_application_mib: Setting,
    /// `DOCUMENT_SPOOL_DIR`: where uploads are spooled while they arrive.
    pub document_spool_dir: Setting,
    /// `CORS_ORIGINS`: browser origins that may call the API, comma-separated; unset none.
    pub cors_origins: Setting,
    /// `SUBSIDIE_HSTS`: `true` behind a proxy that ends TLS.
    pub hsts: Setting,
    /// `AUTO_ALLOCATION`: `on` (`serve` allocates each ended day by itself) or `off`.
    pub auto_allocation: Setting,
    /// `CALLER_SEEDS`: `on` lets whoever starts an allocation run choose its seed (tests
    /// and the demo); `off` (the default) refuses one.
    pub caller_seeds: Setting,
    /// `SUBSIDIE_TEST_ALLOCATION_PAUSE_MS`: a test pauses the automatic allocation this
    /// long after claiming a day, to kill the process there. Not shown by `config`.
    pub test_allocation_pause_ms: Option<u64>,
}

impl Settings {
    /// Reads every variable of [`VARIABLES`] from the process environment. The only place
    /// the engine reads it.
    pub fn from_env() -> Settings {
        Settings::from_lookup(|name| {
            std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
        })
    }

    /// As [`Settings::from_env`], with the variables looked up through `lookup` (tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Settings {
        let set = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Settings {
            database_url: Setting::from(set("DATABASE_URL"), Some(DEFAULT_DATABASE_URL)),
            bind: Setting::from(set("SUBSIDIE_BIND"), Some(DEFAULT_BIND)),
            smtp_url: Setting::from(set("SMTP_URL"), None),
            mail_dir: Setting::from(set("MAIL_DIR"), None),
            mail_from: Setting::from(set("MAIL_FROM"), None),
            message_id_domain: Setting::from(set("MAIL_MESSAGE_ID_DOMAIN"), None),
            smtp_ca_file: Setting::from(set("SMTP_CA_FILE"), None),
            mailer: Setting::from(set("MAILER"), Some(MAILER_ON)),
            // Taken as given: the account checks trim them, and an empty BIC is a choice.
            funder_name: Setting::from(lookup("FUNDER_NAME"), Some(DEFAULT_FUNDER_NAME)),
            funder_iban: Setting::from(lookup("FUNDER_IBAN"), Some(DEFAULT_FUNDER_IBAN)),
            funder_bic: Setting::from(lookup("FUNDER_BIC"), Some(DEFAULT_FUNDER_BIC)),
            funder_address: Setting::from(set("FUNDER_ADDRESS"), Some(letterhead::DEFAULT_ADDRESS)),
            funder_phone: Setting::from(set("FUNDER_PHONE"), Some(letterhead::DEFAULT_PHONE)),
            funder_contact_email: Setting::from(
                set("FUNDER_CONTACT_EMAIL"),
                Some(letterhead::DEFAULT_CONTACT_EMAIL),
            ),
            letter_signatories: Setting::from(set("LETTER_SIGNATORIES"), None),
            portal_base_url: Setting::from(set("PORTAL_BASE_URL"), Some(DEFAULT_BASE_URL)),
            operator: Setting::from(set("SUBSIDIE_OPERATOR"), None),
            log_format: Setting::from(set("LOG_FORMAT"), Some(DEFAULT_LOG_FORMAT)),
            rust_log: Setting::from(set("RUST_LOG"), None),
            metrics_token: Setting::from(set("METRICS_TOKEN"), None),
            document_max_file_mib: Setting::from(
                set("DOCUMENT_MAX_FILE_MIB"),
                Some(DEFAULT_DOCUMENT_MAX_FILE_MIB),
            ),
            document_max_application_mib: Setting::from(
                set("DOCUMENT_MAX_APPLICATION_MIB"),
                Some(DEFAULT_DOCUMENT_MAX_APPLICATION_MIB),
            ),
            document_spool_dir: Setting::from(set("DOCUMENT_SPOOL_DIR"), None),
            cors_origins: Setting::from(set("CORS_ORIGINS"), None),
            hsts: Setting::from(set("SUBSIDIE_HSTS"), Some("false")),
            auto_allocation: Setting::from(set("AUTO_ALLOCATION"), Some(MAILER_ON)),
            caller_seeds: Setting::from(set("CALLER_SEEDS"), Some(MAILER_OFF)),
            test_allocation_pause_ms: set("SUBSIDIE_TEST_ALLOCATION_PAUSE_MS")
                .and_then(|v| v.parse().ok()),
        }
    }

    /// The database URL, `--database-url` first when given.
    pub fn with_database_flag(mut self, flag: Option<&str>) -> Settings {
        if let Some(url) = flag {
            self.database_url = Setting {
                value: Some(url.to_owned()),
                source: Source::Option("--database-url"),
            };
        }
        self
    }

    /// The operator, `--operator` first when given.
    pub fn with_operator_flag(mut self, flag: Option<&str>) -> Settings {
        if let Some(email) = flag.map(str::trim).filter(|e| !e.is_empty()) {
            self.operator = Setting {
                value: Some(email.to_owned()),
                source: Source::Option("--operator"),
            };
        }
        self
    }

    /// The e-mail address of the operator in force, if any.
    pub fn operator(&self) -> Option<&str> {
        self.operator.value.as_deref()
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database_url.text()
    }

    /// The address `serve` listens on: `flag` (`--bind`) when given, else this setting.
    pub fn bind(&self, flag: Option<&str>) -> String {
        flag.map_or_else(|| self.bind.text(), str::to_owned)
    }

    /// The portal's public base URL, for the links in letters and the cookies' `Secure`.
    pub fn portal_base_url(&self) -> String {
        self.portal_base_url.text()
    }

    /// The mail transport's settings, for [`subsidie_notify::Transport::from_settings`].
    pub fn mail(&self) -> MailSettings {
        MailSettings {
            smtp_url: self.smtp_url.value.clone(),
            mail_from: self.mail_from.value.clone(),
            mail_dir: self.mail_dir.value.as_ref().map(PathBuf::from),
            message_id_domain: self.message_id_domain.value.clone(),
            smtp_ca_file: self.smtp_ca_file.value.as_ref().map(PathBuf::from),
        }
    }

    /// `MAILER=off`, as `serve --zonder-mailer` does.
    pub fn without_mailer(mut self) -> Settings {
        self.mailer = Setting {
            value: Some(MAILER_OFF.to_owned()),
            source: Source::Option("--zonder-mailer"),
        };
        self
    }

    /// True when `serve` runs the mailer beside the API; the error names the value
    /// and what would be accepted.
    pub fn mailer_in_serve(&self) -> Result<bool, String> {
        match self.mailer.text().to_ascii_lowercase().as_str() {
            MAILER_ON => Ok(true),
            MAILER_OFF => Ok(false),
            other => Err(format!(
                "MAILER='{other}' is geen keuze; verwacht '{MAILER_ON}' (serve verzendt ook \
                 de e-mail) of '{MAILER_OFF}' (alleen 'subsidie mailer' verzendt)"
            )),
        }
    }

    /// The limits on documents and their spool folder; the error names the variable
    /// that is wrong and what would be accepted.
    pub fn documents(&self) -> Result<subsidie_api::state::DocumentSettings, String> {
        let mib = |s: &Setting, name: &str| -> Result<u64, String> {
            s.text()
                .parse::<u64>()
                .ok()
                .filter(|v| (1..=4096).contains(v))
                .map(|v| v * 1024 * 1024)
                .ok_or_else(|| {
                    format!(
                        "{name}='{}' is geen geldig aantal MiB; verwacht een heel getal van 1 tot en met 4096",
                        s.text()
                    )
                })
        };
        let max_file_bytes = mib(&self.document_max_file_mib, "DOCUMENT_MAX_FILE_MIB")?;
        let max_application_bytes = mib(
            &self.document_max_application_mib,
            "DOCUMENT_MAX_APPLICATION_MIB",
        )?;
        if max_application_bytes < max_file_bytes {
            return Err(
                "DOCUMENT_MAX_APPLICATION_MIB is kleiner dan DOCUMENT_MAX_FILE_MIB; een aanvraag moet minstens één document van de grootste toegestane omvang kunnen hebben"
                    .to_owned(),
            );
        }
        let spool_dir = self
            .document_spool_dir
            .value
            .as_ref()
            .map_or_else(std::env::temp_dir, PathBuf::from);
        Ok(subsidie_api::state::DocumentSettings {
            limits: subsidie_service::documents::DocumentLimits {
                max_file_bytes,
                max_application_bytes,
            },
            spool_dir,
        })
    }

    /// The HTTP rules of the server: the CORS origins and whether to send HSTS; the
    /// error names the variable and what it accepts.
    pub fn http_rules(&self) -> Result<subsidie_api::HttpRules, String> {
        let cors_origins = self
            .cors_origins
            .text()
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>();
        if let Some(bad) = cors_origins
            .iter()
            .find(|o| *o != "*" && !(o.starts_with("https://") || o.starts_with("http://")))
        {
            return Err(format!(
                "CORS_ORIGINS: '{bad}' is geen herkomst; verwacht bijvoorbeeld https://portaal.example.org, of *"
            ));
        }
        let hsts = match self.hsts.text().to_ascii_lowercase().as_str() {
            "true" | "1" | "ja" => true,
            "false" | "0" | "nee" | "" => false,
            other => {
                return Err(format!(
                    "SUBSIDIE_HSTS: '{other}' is geen keuze; verwacht true of false"
                ))
            }
        };
        Ok(subsidie_api::HttpRules { cors_origins, hsts })
    }

    /// The funder's account, checked; the error names the variable that is wrong.
    pub fn funder(&self) -> Result<FunderAccount, SepaError> {
        FunderAccount::from_lookup(|name| match name {
            "FUNDER_NAME" => self.funder_name.value.clone(),
            "FUNDER_IBAN" => self.funder_iban.value.clone(),
            "FUNDER_BIC" => self.funder_bic.value.clone(),
            _ => None,
        })
    }

    /// The letterhead and the mandated officers of every letter; the error names the
    /// entry of `LETTER_SIGNATORIES` that cannot be read.
    pub fn letters(&self) -> Result<LetterSettings, String> {
        let signatories = Signatories::parse(
            &self.letter_signatories.text(),
            letterhead::default_signatory(),
        )
        .map_err(|e| format!("LETTER_SIGNATORIES: {e}"))?;
        Ok(LetterSettings {
            letterhead: Letterhead {
                naam: self.funder_name.text().trim().to_owned(),
                adres: self.funder_address.text(),
                telefoon: self.funder_phone.text(),
                email: self.funder_contact_email.text(),
                iban: self.funder_iban.text().trim().to_owned(),
            },
            signatories,
        })
    }

    /// The account SEPA files and payment runs pay from. Outside demo mode all three
    /// `FUNDER_*` variables must be set: the defaults name an example account, and a
    /// bank file that debits an example IBAN is worse than no file. In demo mode (and
    /// in tests) the example account is allowed. The error names every variable that is
    /// missing or wrong.
    pub fn payer(&self, demo: bool) -> Result<FunderAccount, String> {
        let missing: Vec<&str> = [
            ("FUNDER_NAME", &self.funder_name),
            ("FUNDER_IBAN", &self.funder_iban),
            ("FUNDER_BIC", &self.funder_bic),
        ]
        .iter()
        .filter(|(_, s)| s.source == Source::Default)
        .map(|(name, _)| *name)
        .collect();
        if !demo && !missing.is_empty() {
            return Err(format!(
                "de rekening van de financier is niet ingesteld: zet FUNDER_NAME, FUNDER_IBAN \
                 en FUNDER_BIC (niet gezet: {}); zonder die variabelen zou het SEPA-bestand \
                 het voorbeeldrekeningnummer {DEFAULT_FUNDER_IBAN} belasten. Zet FUNDER_BIC \
                 leeg voor NOTPROVIDED.",
                missing.join(", ")
            ));
        }
        self.funder().map_err(|e| e.to_string())
    }

    /// Each variable with the value in force, ready to show: secrets redacted, and what an
    /// unset variable means instead of an empty value.
    pub fn effective(&self) -> Vec<(&'static str, String, Source)> {
        let shown = |s: &Setting, unset: &str| s.value.clone().unwrap_or_else(|| unset.to_owned());
        let rows = [
            (&self.database_url, redact_url(&self.database_url.text())),
            (&self.bind, self.bind.text()),
            (
                &self.smtp_url,
                self.smtp_url.value.as_deref().map_or_else(
                    || "(niet gezet: .eml-bestanden in MAIL_DIR)".to_owned(),
                    redact_url,
                ),
            ),
            (
                &self.mail_dir,
                shown(&self.mail_dir, &format!("./{DEFAULT_MAIL_DIR}")),
            ),
            (&self.mail_from, shown(&self.mail_from, DEFAULT_FROM)),
            (
                &self.message_id_domain,
                shown(&self.message_id_domain, DEFAULT_MESSAGE_ID_DOMAIN),
            ),
            (
                &self.smtp_ca_file,
                shown(
                    &self.smtp_ca_file,
                    "(niet gezet: alleen de systeemcertificaten)",
                ),
            ),
            (&self.mailer, self.mailer.text()),
            (&self.funder_name, self.funder_name.text()),
            (&self.funder_iban, self.funder_iban.text()),
            (&self.funder_bic, shown_bic(&self.funder_bic)),
            (&self.funder_address, self.funder_address.text()),
            (&self.funder_phone, self.funder_phone.text()),
            (&self.funder_contact_email, self.funder_contact_email.text()),
            (
                &self.letter_signatories,
                shown(
                    &self.letter_signatories,
                    &format!(
                        "(niet gezet: {}, {} ondertekent alles)",
                        letterhead::DEFAULT_SIGNATORY_NAME,
                        letterhead::DEFAULT_SIGNATORY_FUNCTION
                    ),
                ),
            ),
            (&self.portal_base_url, self.portal_base_url.text()),
            (
                &self.operator,
                shown(
                    &self.operator,
                    "(niet gezet: de opdrachtregel handelt als system)",
                ),
            ),
            (&self.log_format, self.log_format.text()),
            (
                &self.rust_log,
                shown(&self.rust_log, "(niet gezet: info voor serve, anders warn)"),
            ),
            (
                &self.metrics_token,
                shown(&self.metrics_token, "(niet gezet: /metrics zonder token)"),
            ),
            (
                &self.document_max_file_mib,
                self.document_max_file_mib.text(),
            ),
            (
                &self.document_max_application_mib,
                self.document_max_application_mib.text(),
            ),
            (
                &self.document_spool_dir,
                shown(
                    &self.document_spool_dir,
                    &format!("(niet gezet: {})", std::env::temp_dir().display()),
                ),
            ),
            (
                &self.cors_origins,
                shown(&self.cors_origins, "(niet gezet: geen andere herkomst)"),
            ),
            (&self.hsts, self.hsts.text()),
            (&self.auto_allocation, self.auto_allocation.text()),
            (&self.caller_seeds, self.caller_seeds.text()),
        ];
        VARIABLES
            .iter()
            .zip(rows)
            .map(|(name, (setting, value))| {
                let value = if is_secret_name(name) && setting.value.is_some() {
                    "***".to_owned()
                } else {
                    value
                };
                (*name, value, setting.source)
            })
            .collect()
    }
}

fn shown_bic(bic: &Setting) -> String {
    match bic.value.as_deref().map(str::trim) {
        Some("") => "(leeg: NOTPROVIDED in het SEPA-bestand)".to_owned(),
        other => other.unwrap_or_default().to_owned(),
    }
}

/// A variable whose whole value is a secret (none today; a future `…_TOKEN` is caught).
fn is_secret_name(name: &str) -> bool {
    ["TOKEN", "PASSWORD", "SECRET"]
        .iter()
        .any(|word| name.contains(word))
}

/// `url` with the password of its user part, and any `password`, `token` or `secret`
/// query parameter, replaced by `***`: `smtp://mailer:geheim@host` →
/// `smtp://mailer:***@host`. Text that is no URL is returned as it is.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (user_info, host) = authority.split_at(at);
            match user_info.split_once(':') {
                Some((user, _password)) => format!("{user}:***{host}"),
                None => authority.to_owned(),
            }
        }
        None => authority.to_owned(),
    };
    format!(
        "{}{authority}{}",
        &url[..scheme_end + 3],
        redact_query(tail)
    )
}

fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if is_secret_name(&key.to_ascii_uppercase()) => format!("{key}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn nothing_set_gives_the_defaults() {
        let s = Settings::from_lookup(|_| None);
        assert_eq!(s.database_url(), DEFAULT_DATABASE_URL);
        assert_eq!(s.bind(None), DEFAULT_BIND);
        assert_eq!(s.mail(), MailSettings::default());
        assert!(s.funder().is_ok());
        for (_, _, source) in s.effective() {
            assert_eq!(source, Source::Default);
        }
    }

    #[test]
    fn environment_values_are_trimmed_and_empty_counts_as_unset() {
        let s = Settings::from_lookup(lookup(&[
            ("DATABASE_URL", " postgres://u@h/db "),
            ("SUBSIDIE_BIND", ""),
            ("MAIL_DIR", "/var/mail/subsidie"),
        ]));
        assert_eq!(s.database_url(), "postgres://u@h/db");
        assert_eq!(s.database_url.source, Source::Environment);
        assert_eq!(s.bind(None), DEFAULT_BIND);
        assert_eq!(s.bind.source, Source::Default);
        assert_eq!(s.mail().mail_dir, Some(PathBuf::from("/var/mail/subsidie")));
    }

    #[test]
    fn options_win_over_the_environment() {
        let s = Settings::from_lookup(lookup(&[
            ("DATABASE_URL", "sqlite://a.db"),
            ("SUBSIDIE_BIND", "0.0.0.0:9000"),
        ]))
        .with_database_flag(Some("sqlite://b.db"));
        assert_eq!(s.database_url(), "sqlite://b.db");
        assert_eq!(s.database_url.source, Source::Option("--database-url"));
        assert_eq!(s.bind(Some("127.0.0.1:1")), "127.0.0.1:1");
        assert_eq!(s.bind(None), "0.0.0.0:9000");
    }

    #[test]
    fn the_operator_comes_from_the_option_or_the_environment() {
        assert_eq!(Settings::from_lookup(|_| None).operator(), None);
        let s = Settings::from_lookup(lookup(&[("SUBSIDIE_OPERATOR", " a@x.nl ")]));
        assert_eq!(s.operator(), Some("a@x.nl"));
        assert_eq!(s.operator.source, Source::Environment);
        let s = s.with_operator_flag(Some("b@x.nl"));
        assert_eq!(s.operator(), Some("b@x.nl"));
        assert_eq!(s.operator.source, Source::Option("--operator"));
    }

    #[test]
    fn an_empty_bic_means_none_and_a_wrong_iban_is_named() {
        let s = Settings::from_lookup(lookup(&[("FUNDER_BIC", "")]));
        assert_eq!(s.funder().unwrap().bic, None);
        let s = Settings::from_lookup(lookup(&[("FUNDER_IBAN", "NL00FOUT")]));
        assert!(s.funder().unwrap_err().to_string().contains("FUNDER_IBAN"));
    }

    #[test]
    fn the_mailer_is_on_unless_switched_off() {
        assert_eq!(Settings::from_lookup(|_| None).mailer_in_serve(), Ok(true));
        let off = Settings::from_lookup(lookup(&[("MAILER", "OFF")]));
        assert_eq!(off.mailer_in_serve(), Ok(false));
        let flag = Settings::from_lookup(lookup(&[("MAILER", "on")])).without_mailer();
        assert_eq!(flag.mailer_in_serve(), Ok(false));
        assert_eq!(flag.mailer.source, Source::Option("--zonder-mailer"));
        let wrong = Settings::from_lookup(lookup(&[("MAILER", "misschien")]));
        let error = wrong.mailer_in_serve().unwrap_err();
        assert!(
            error.contains("misschien") && error.contains("'off'"),
            "{error}"
        );
        let ca = Settings::from_lookup(lookup(&[("SMTP_CA_FILE", "/etc/ssl/intern.pem")]));
        assert_eq!(
            ca.mail().smtp_ca_file,
            Some(PathBuf::from("/etc/ssl/intern.pem"))
        );
    }

    #[test]
    fn letters_carry_the_funder_and_the_mandate() {
        let settings = Settings::from_lookup(lookup(&[
            ("FUNDER_ADDRESS", "Postbus 1, 1000 AA Amsterdam"),
            (
                "LETTER_SIGNATORIES",
                "afwijzingsbeschikking=mr. K. Bakker, teamleider",
            ),
        ]));
        let letters = settings.letters().unwrap();
        assert_eq!(letters.letterhead.adres, "Postbus 1, 1000 AA Amsterdam");
        assert_eq!(letters.letterhead.telefoon, letterhead::DEFAULT_PHONE);
        let rejection = subsidie_domain::letters::Template::Notice(
            subsidie_domain::lifecycle::Notice::RejectionDecision,
        );
        assert_eq!(
            letters.signatories.for_template(rejection).naam,
            "mr. K. Bakker"
        );
        let wrong = Settings::from_lookup(lookup(&[("LETTER_SIGNATORIES", "afwijzing=K")]));
        let err = wrong.letters().unwrap_err();
        assert!(err.starts_with("LETTER_SIGNATORIES: "), "{err}");
    }

    #[test]
    fn outside_demo_mode_every_funder_variable_must_be_set() {
        let none = Settings::from_lookup(|_| None);
        let refused = none.payer(false).unwrap_err();
        for name in ["FUNDER_NAME", "FUNDER_IBAN", "FUNDER_BIC"] {
            assert!(refused.contains(name), "{refused}");
        }
        assert!(
            none.payer(true).is_ok(),
            "demo mode keeps the example account"
        );
        let partly = Settings::from_lookup(lookup(&[("FUNDER_IBAN", "NL20INGB0001234567")]));
        let refused = partly.payer(false).unwrap_err();
        assert!(
            refused.contains("niet gezet: FUNDER_NAME, FUNDER_BIC"),
            "{refused}"
        );
        let all = Settings::from_lookup(lookup(&[
            ("FUNDER_NAME", "ZonMw"),
            ("FUNDER_IBAN", "NL20INGB0001234567"),
            ("FUNDER_BIC", ""),
        ]));
        assert_eq!(all.payer(false).unwrap().bic, None);
        let wrong = Settings::from_lookup(lookup(&[
            ("FUNDER_NAME", "ZonMw"),
            ("FUNDER_IBAN", "NL00FOUT"),
            ("FUNDER_BIC", "INGBNL2A"),
        ]));
        assert!(wrong.payer(false).unwrap_err().contains("FUNDER_IBAN"));
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact_url("smtp://mailer:geheim@mail.example:587?tls=required"),
            "smtp://mailer:***@mail.example:587?tls=required"
        );
        assert_eq!(
            redact_url("postgres://app:p%40ss@db/subsidie"),
            "postgres://app:***@db/subsidie"
        );
        assert_eq!(redact_url("smtp://relay:25"), "smtp://relay:25");
        assert_eq!(redact_url("smtp://user@relay"), "smtp://user@relay");
        assert_eq!(
            redact_url("smtps://h/?token=abc&timeout=5"),
            "smtps://h/?token=***&timeout=5"
        );
        assert_eq!(redact_url("subsidie.db"), "subsidie.db");
        let s = Settings::from_lookup(lookup(&[("SMTP_URL", "smtps://a:b@c")]));
        let shown = s.effective();
        assert!(shown.iter().all(|(_, value, _)| !value.contains(":b@")));
    }
}
