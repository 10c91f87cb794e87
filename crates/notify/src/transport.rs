//! How messages leave: SMTP with lettre, or `.eml` files in a folder.
//!
//! # Configuration
//!
//! The CLI reads these variables once at start (its settings module) and hands them over
//! as [`MailSettings`]; this crate never reads the environment itself.
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `SMTP_URL` | the SMTP server, see below | none: write `.eml` files |
//! | `MAIL_FROM` | the sender, `Name <address>` or `address` | `ZonMw subsidies <subsidies@zonmw.local>` |
//! | `MAIL_DIR` | folder for `.eml` files when `SMTP_URL` is not set | `./outbox` |
//! | `MAIL_MESSAGE_ID_DOMAIN` | right-hand side of every `Message-ID` | `subsidie.local` |
//! | `SMTP_CA_FILE` | a PEM file of CA certificates trusted for SMTP's TLS besides the system's | none |
//!
//! Empty values count as unset.
//!
//! # `SMTP_URL`
//!
//! `scheme://[user[:password]@]host[:port][/ehlo-name][?timeout=seconds]`; user and
//! password are percent-encoded (`%40` for `@`).
//!
//! | scheme | connection | default port |
//! | --- | --- | --- |
//! | `smtp://` | plain SMTP, no TLS: only for a relay on localhost or a trusted network | 25 |
//! | `smtp://…?tls=opportunistic` | STARTTLS when the server offers it, else plain | 25 |
//! | `smtp://…?tls=required`, `smtp+starttls://…`, `submission://…` | STARTTLS required: no credentials or mail cross an unencrypted connection | 587 |
//! | `smtps://…` | implicit TLS from the first byte (SMTPS) | 465 |
//!
//! TLS is the operating system's (OpenSSL through `native-tls`, the library libpq already
//! loads): certificates are checked against the system trust store, so an internal CA is
//! added with `update-ca-certificates`, or for this process only with `SMTP_CA_FILE`
//! (which is also how the tests trust their self-signed certificate: there is no switch
//! that turns certificate checks off). Each message uses its own connection with a
//! timeout of 30 seconds per SMTP command unless `timeout` says otherwise.
//!
//! # Which failures are retried
//!
//! A permanent answer of the server (a 5xx reply: "550 no such mailbox") fails the
//! message at once, with the server's words in `last_error`: sending it again cannot
//! help. Transient answers (4xx), connection errors, TLS errors and timeouts are retried
//! with back-off. The exception are the 5xx answers about our authentication (530, 534,
//! 535, 538, RFC 4954): they refuse the sender, not the message, and a wrong password
//! must not fail every message in the outbox, so those are retried like a server that
//! is down until the setting is fixed.
//!
//! Without `SMTP_URL` each message is written to `MAIL_DIR/{outbox id}.eml` (the left
//! part of its Message-ID), atomically (temporary file, then rename); a resend overwrites
//! the same file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::{
    ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, Message, SmtpTransport, Transport as _};
use subsidie_store::rows::OutboxRow;

use crate::error::{NotifyError, SendError};
use crate::templates::{Rendered, Templates, DEFAULT_SENDER};

/// A decision's PDF letter, as the dispatcher attaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The attachment's file name.
    pub file_name: String,
    /// The PDF.
    pub content: Vec<u8>,
}

/// The sender when `MAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "ZonMw subsidies <subsidies@zonmw.local>";
/// The folder for `.eml` files when `MAIL_DIR` is not set.
pub const DEFAULT_MAIL_DIR: &str = "outbox";
/// The domain of every `Message-ID` when `MAIL_MESSAGE_ID_DOMAIN` is not set.
pub const DEFAULT_MESSAGE_ID_DOMAIN: &str = "subsidie.local";
/// Timeout of each SMTP command when the URL does not set one.
pub const DEFAULT_SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The mail settings, as the caller read them (the CLI from the environment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailSettings {
    /// `SMTP_URL`; `None` writes `.eml` files.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`.
    pub mail_from: Option<String>,
    /// `MAIL_DIR`.
    pub mail_dir: Option<PathBuf>,
    /// `MAIL_MESSAGE_ID_DOMAIN`.
    pub message_id_domain: Option<String>,
    /// `SMTP_CA_FILE`: extra CA certificates (PEM) for SMTP's TLS.
    pub smtp_ca_file: Option<PathBuf>,
}

enum Kind {
    Smtp {
        transport: SmtpTransport,
        redacted_url: String,
    },
    Directory(PathBuf),
}

/// Where messages go, who sends them, and how they are rendered.
pub struct Transport {
    kind: Kind,
    from: Mailbox,
    message_id_domain: String,
    templates: Templates,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("to", &self.describe())
            .field("from", &self.from.to_string())
            .field("message_id_domain", &self.message_id_domain)
            .finish()
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834), so that out-of-office replies stay away.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

impl Transport {
    /// The transport `settings` configure: SMTP when `smtp_url` is set, else `.eml` files.
    pub fn from_settings(settings: &MailSettings) -> Result<Transport, NotifyError> {
        let from = settings.mail_from.as_deref().unwrap_or(DEFAULT_FROM);
        let transport = match &settings.smtp_url {
            Some(url) => Transport::smtp_trusting(url, from, settings.smtp_ca_file.as_deref())?,
            None => Transport::directory(
                settings
                    .mail_dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_MAIL_DIR)),
                from,
            )?,
        };
        match &settings.message_id_domain {
            Some(domain) => transport.with_message_id_domain(domain),
            None => Ok(transport),
        }
    }

    /// Sends over SMTP to `url` (see the module documentation for the schemes).
    pub fn smtp(url: &str, from: &str) -> Result<Transport, NotifyError> {
        Transport::smtp_trusting(url, from, None)
    }

    /// [`Transport::smtp`], trusting the CA certificates of the PEM file `ca_file`
    /// besides the system's for TLS.
    pub fn smtp_trusting(
        url: &str,
        from: &str,
        ca_file: Option<&Path>,
    ) -> Result<Transport, NotifyError> {
        let (lettre_url, timeout, redacted_url) = smtp_url_for_lettre(url)?;
        let mut builder = SmtpTransport::from_url(&lettre_url)
            .map_err(|e| NotifyError::Config(format!("SMTP_URL {redacted_url}: {e}")))?
            .timeout(Some(timeout));
        if let Some(ca_file) = ca_file {
            builder = builder.tls(tls_trusting(&lettre_url, ca_file)?);
        }
        let transport = builder.build();
        Transport::new(
            Kind::Smtp {
                transport,
                redacted_url,
            },
            from,
        )
    }

    /// Writes `.eml` files into `dir` (created when first needed).
    pub fn directory(dir: impl Into<PathBuf>, from: &str) -> Result<Transport, NotifyError> {
        Transport::new(Kind::Directory(dir.into()), from)
    }

    fn new(kind: Kind, from: &str) -> Result<Transport, NotifyError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| NotifyError::Config(format!("MAIL_FROM '{from}': {e}")))?;
        let sender = from
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_SENDER.to_owned());
        Ok(Transport {
            kind,
            from,
            message_id_domain: DEFAULT_MESSAGE_ID_DOMAIN.to_owned(),
            templates: Templates::new(sender)?,
        })
    }

    /// Uses `domain` as the right-hand side of every `Message-ID`.
    pub fn with_message_id_domain(mut self, domain: &str) -> Result<Transport, NotifyError> {
        let valid = !domain.is_empty()
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && !domain.starts_with('.')
            && !domain.ends_with('.');
        if !valid {
            return Err(NotifyError::Config(format!(
                "MAIL_MESSAGE_ID_DOMAIN '{domain}' is geen domeinnaam"
            )));
        }
        self.message_id_domain = domain.to_owned();
        Ok(self)
    }

    /// Where messages go, for logs (passwords hidden).
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Smtp { redacted_url, .. } => format!("SMTP {redacted_url}"),
            Kind::Directory(dir) => format!(".eml-bestanden in {}", dir.display()),
        }
    }

    /// The sender.
    pub fn from_mailbox(&self) -> &Mailbox {
        &self.from
    }

    /// The stable `Message-ID` of the outbox row `outbox_id`: `<{outbox_id}@{domain}>`.
    pub fn message_id(&self, outbox_id: &str) -> String {
        format!("<{outbox_id}@{}>", self.message_id_domain)
    }

    /// Renders the row's template with its payload.
    pub fn render(&self, row: &OutboxRow) -> Result<Rendered, SendError> {
        let payload: serde_json::Value = serde_json::from_str(&row.payload).map_err(|e| {
            SendError::Permanent(format!("de gegevens van het bericht zijn geen JSON: {e}"))
        })?;
        Ok(self.templates.render(&row.template, &payload)?)
    }

    /// The e-mail for an outbox row, dated `now`.
    pub fn compose(&self, row: &OutboxRow, now: DateTime<Utc>) -> Result<Message, SendError> {
        self.compose_with(row, None, now)
    }

    /// The e-mail for an outbox row with `letter` (file name and bytes of the decision's
    /// PDF) attached: then a `multipart/mixed` of the text and HTML alternatives and the
    /// PDF, else just the alternatives.
    pub fn compose_with(
        &self,
        row: &OutboxRow,
        letter: Option<&Letter>,
        now: DateTime<Utc>,
    ) -> Result<Message, SendError> {
        if row.id.is_empty()
            || !row
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(SendError::Permanent(format!(
                "outbox-id '{}' is niet bruikbaar als Message-ID",
                row.id
            )));
        }
        let rendered = self.render(row)?;
        let address: Address = row.recipient.trim().parse().map_err(|e| {
            SendError::Permanent(format!(
                "'{}' is geen bruikbaar e-mailadres: {e}",
                row.recipient
            ))
        })?;
        // The addressee's display name: a person (`naam`, in the mails to reviewers and
        // finance), else the organisation the letter is addressed to.
        let payload_name = serde_json::from_str::<serde_json::Value>(&row.payload)
            .ok()
            .and_then(|p| {
                p.get("naam")
                    .or_else(|| p.get("organisatie"))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            });
        let to = Mailbox::new(payload_name, address);
        let part = |content_type: ContentType, body: String| {
            SinglePart::builder()
                .header(content_type)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(body)
        };
        let alternatives = MultiPart::alternative()
            .singlepart(part(ContentType::TEXT_PLAIN, rendered.text))
            .singlepart(part(ContentType::TEXT_HTML, rendered.html));
        let body = match letter {
            None => alternatives,
            Some(letter) => {
                let pdf = ContentType::parse("application/pdf").map_err(|e| {
                    SendError::Permanent(format!("application/pdf als inhoudstype: {e}"))
                })?;
                MultiPart::mixed().multipart(alternatives).singlepart(
                    Attachment::new(letter.file_name.clone()).body(letter.content.clone(), pdf),
                )
            }
        };
        Message::builder()
            .message_id(Some(self.message_id(&row.id)))
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .date(now.into())
            .header(AutoSubmitted)
            .multipart(body)
            .map_err(|e| SendError::Permanent(format!("het bericht is niet op te bouwen: {e}")))
    }

    /// Renders, composes and delivers one outbox row.
    pub fn send(&self, row: &OutboxRow, now: DateTime<Utc>) -> Result<(), SendError> {
        self.send_with(row, None, now)
    }

    /// [`Transport::send`] with the decision's letter attached ([`Transport::compose_with`]).
    pub fn send_with(
        &self,
        row: &OutboxRow,
        letter: Option<&Letter>,
        now: DateTime<Utc>,
    ) -> Result<(), SendError> {
        let message = self.compose_with(row, letter, now)?;
        match &self.kind {
            Kind::Smtp { transport, .. } => transport
                .send(&message)
                .map(|_| ())
                .map_err(|e| classify_smtp_error(&e)),
            Kind::Directory(dir) => write_eml(dir, &row.id, &message.formatted())
                .map_err(|e| SendError::Transient(format!("{}: {e}", dir.display()))),
        }
    }
}

/// The TLS mode of lettre's `url` with `ca_file` trusted besides the system's
/// certificates.
fn tls_trusting(lettre_url: &str, ca_file: &Path) -> Result<Tls, NotifyError> {
    let url =
        url::Url::parse(lettre_url).map_err(|e| NotifyError::Config(format!("SMTP_URL: {e}")))?;
    let pem = std::fs::read(ca_file).map_err(|e| {
        NotifyError::Config(format!(
            "SMTP_CA_FILE {}: niet te lezen ({e}); verwacht een PEM-bestand met CA-certificaten",
            ca_file.display()
        ))
    })?;
    let certificate = Certificate::from_pem(&pem).map_err(|e| {
        NotifyError::Config(format!(
            "SMTP_CA_FILE {}: geen PEM-certificaat ({e})",
            ca_file.display()
        ))
    })?;
    let parameters = TlsParameters::builder(url.host_str().unwrap_or_default().to_owned())
        .add_root_certificate(certificate)
        .build_native()
        .map_err(|e| NotifyError::Config(format!("SMTP_CA_FILE {}: {e}", ca_file.display())))?;
    let mode = url
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    match (url.scheme(), mode.as_deref()) {
        ("smtps", _) => Ok(Tls::Wrapper(parameters)),
        (_, Some("required")) => Ok(Tls::Required(parameters)),
        (_, Some("opportunistic")) => Ok(Tls::Opportunistic(parameters)),
        _ => Err(NotifyError::Config(format!(
            "SMTP_CA_FILE {} is gezet, maar SMTP_URL gebruikt geen TLS; gebruik smtps://, \
             smtp+starttls:// of ?tls=required",
            ca_file.display()
        ))),
    }
}

/// Authentication failures (RFC 4954): permanent codes that refuse the sender's
/// credentials, not the message.
const AUTHENTICATION_CODES: [&str; 4] = ["530", "534", "535", "538"];

/// A permanent answer of the server fails the message at once; everything else (4xx,
/// network, TLS, timeouts, authentication) is retried.
fn classify_smtp_error(err: &lettre::transport::smtp::Error) -> SendError {
    let words = smtp_error_text(err);
    match err.status() {
        Some(code)
            if err.is_permanent() && !AUTHENTICATION_CODES.contains(&code.to_string().as_str()) =>
        {
            SendError::Permanent(format!("SMTP-server weigert het bericht: {words}"))
        }
        Some(_) => SendError::Transient(format!("SMTP-server: {words}")),
        None => SendError::Transient(format!("SMTP: {words}")),
    }
}

fn smtp_error_text(err: &lettre::transport::smtp::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}

fn write_eml(dir: &Path, id: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let target = dir.join(format!("{id}.eml"));
    let temporary = dir.join(format!(".{id}.eml.tmp"));
    {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, &target)
}

/// Maps our `SMTP_URL` forms onto lettre's: returns lettre's URL, the command timeout and
/// the URL with the password hidden.
fn smtp_url_for_lettre(raw: &str) -> Result<(String, Duration, String), NotifyError> {
    let mut url = url::Url::parse(raw.trim()).map_err(|e| {
        NotifyError::Config(format!(
            "SMTP_URL is geen URL ({e}); verwacht bijvoorbeeld smtps://gebruiker:wachtwoord@smtp.example.nl"
        ))
    })?;
    let mut redacted = url.clone();
    if redacted.password().is_some() {
        let _ = redacted.set_password(Some("***"));
    }
    let redacted = redacted.to_string();
    if url.host_str().is_none_or(str::is_empty) {
        return Err(NotifyError::Config(format!(
            "SMTP_URL {redacted} noemt geen server"
        )));
    }
    let mut timeout = DEFAULT_SMTP_TIMEOUT;
    let mut tls: Option<String> = None;
    let mut other = Vec::new();
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "timeout" => {
                let seconds: u64 = value.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    NotifyError::Config(format!(
                        "SMTP_URL {redacted}: timeout={value} is geen aantal seconden"
                    ))
                })?;
                timeout = Duration::from_secs(seconds);
            }
            "tls" => tls = Some(value.into_owned()),
            _ => other.push(key.into_owned()),
        }
    }
    if let Some(key) = other.first() {
        return Err(NotifyError::Config(format!(
            "SMTP_URL {redacted}: onbekende parameter '{key}'; alleen tls en timeout"
        )));
    }
    let (scheme, tls) = match (url.scheme(), tls.as_deref()) {
        ("smtp", None) => ("smtp", None),
        ("smtp", Some(mode @ ("required" | "opportunistic"))) => ("smtp", Some(mode)),
        ("smtp+starttls" | "submission", None | Some("required")) => ("smtp", Some("required")),
        ("smtps", None) => ("smtps", None),
        (scheme, Some(mode)) => {
            return Err(NotifyError::Config(format!(
                "SMTP_URL {redacted}: tls={mode} past niet bij {scheme}://"
            )))
        }
        (scheme, None) => {
            return Err(NotifyError::Config(format!(
                "SMTP_URL {redacted}: onbekend schema '{scheme}'; gebruik smtp://, smtp+starttls:// of smtps://"
            )))
        }
    };
    let default_port = match (scheme, tls) {
        ("smtps", _) => 465,
        ("smtp", Some("required")) => 587,
        _ => 25,
    };
    let port = url.port().unwrap_or(default_port);
    // The scheme change is between non-special schemes, which the URL standard allows.
    let rebuilt = format!(
        "{scheme}://{}{}:{port}{}{}",
        match (url.username(), url.password()) {
            ("", None) => String::new(),
            (user, None) => format!("{user}@"),
            (user, Some(password)) => format!("{user}:{password}@"),
        },
        url.host_str().unwrap_or_default(),
        url.path(),
        tls.map(|t| format!("?tls={t}")).unwrap_or_default(),
    );
    url = url::Url::parse(&rebuilt)
        .map_err(|e| NotifyError::Config(format!("SMTP_URL {redacted}: {e}")))?;
    Ok((url.to_string(), timeout, redacted))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_map_onto_lettre() {
        let (u, t, r) = smtp_url_for_lettre("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(u, "smtp://127.0.0.1:2525");
        assert_eq!(t, DEFAULT_SMTP_TIMEOUT);
        assert_eq!(r, "smtp://127.0.0.1:2525");

        let (u, _, r) =
            smtp_url_for_lettre("smtp+starttls://user%40x.nl:geheim@mail.example.nl").unwrap();
        assert_eq!(
            u,
            "smtp://user%40x.nl:geheim@mail.example.nl:587?tls=required"
        );
        assert_eq!(r, "smtp+starttls://user%40x.nl:***@mail.example.nl");

        let (u, t, _) = smtp_url_for_lettre("smtps://u:p@mail.example.nl?timeout=5").unwrap();
        assert_eq!(u, "smtps://u:p@mail.example.nl:465");
        assert_eq!(t, Duration::from_secs(5));

        let (u, _, _) = smtp_url_for_lettre("submission://mail.example.nl").unwrap();
        assert_eq!(u, "smtp://mail.example.nl:587?tls=required");

        let (u, _, _) = smtp_url_for_lettre("smtp://relay:25?tls=opportunistic").unwrap();
        assert_eq!(u, "smtp://relay:25?tls=opportunistic");

        for bad in [
            "mail.example.nl",
            "http://mail.example.nl",
            "smtps://mail.example.nl?tls=required",
            "smtp://mail.example.nl?tls=maybe",
            "smtp://mail.example.nl?timeout=0",
            "smtp://mail.example.nl?foo=bar",
            "smtp://",
        ] {
            assert!(smtp_url_for_lettre(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_scheme_builds_a_transport() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://relay.example.nl?tls=opportunistic",
            "smtp+starttls://u:p@mail.example.nl",
            "smtps://u:p@mail.example.nl",
        ] {
            let t = Transport::smtp(url, DEFAULT_FROM).unwrap();
            assert!(t.describe().starts_with("SMTP "), "{url}");
            assert!(!t.describe().contains(":p@"), "password shown for {url}");
        }
    }

    #[test]
    fn settings_choose_the_transport() {
        let files = Transport::from_settings(&MailSettings::default()).unwrap();
        assert_eq!(files.describe(), ".eml-bestanden in outbox");
        assert_eq!(files.message_id("abc"), "<abc@subsidie.local>");
        assert_eq!(files.templates.sender(), "ZonMw subsidies");

        let custom = Transport::from_settings(&MailSettings {
            smtp_url: None,
            mail_from: Some("subsidies@voorbeeld.nl".into()),
            mail_dir: Some(PathBuf::from("/tmp/post")),
            message_id_domain: Some("post.voorbeeld.nl".into()),
            smtp_ca_file: None,
        })
        .unwrap();
        assert_eq!(custom.message_id("abc"), "<abc@post.voorbeeld.nl>");
        assert_eq!(custom.templates.sender(), DEFAULT_SENDER);

        assert!(Transport::from_settings(&MailSettings {
            mail_from: Some("geen adres".into()),
            ..MailSettings::default()
        })
        .is_err());
        assert!(Transport::from_settings(&MailSettings {
            message_id_domain: Some("a b".into()),
            ..MailSettings::default()
        })
        .is_err());
    }
}
