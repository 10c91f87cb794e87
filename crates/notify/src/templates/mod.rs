//! The Dutch e-mail templates: one source per message, rendered to plain text and HTML.
//!
//! # One source of truth
//!
//! Each message is one minijinja file in `templates/berichten/` (embedded with
//! `include_str!`). It holds the words and the structure, written as calls to a handful
//! of building blocks: `b.alinea()` (a paragraph), `b.kop(…)` (a heading),
//! `b.gegevens(…)` (label/value rows), `b.tabel(…)` (a table with a header row),
//! `b.lijst()`/`b.punt()` (a bulleted list) and `b.citaat(…)` (text someone typed, such
//! as a motivation, with its line breaks kept). The shared passages (the objection clause
//! `_bezwaar.j2`, the closing `_slot.j2`) are included the same way.
//!
//! Every message is rendered twice from that one source, with the context variable
//! `formaat` set to `txt` and then `html`:
//!
//! * the building blocks come from `templates/opmaak/blokken.<formaat>.j2`, which present
//!   them as wrapped plain text (72 columns) or as HTML with inline styles;
//! * the HTML render runs with HTML auto-escaping (the template is registered under a
//!   name ending in `.html`), so anything from the payload is escaped; the text render
//!   has no escaping;
//! * the HTML body is then placed in the document layout `templates/opmaak/omhulsel.html.j2`.
//!
//! The subject is the top-level variable `onderwerp` that each message sets.
//!
//! # Payload
//!
//! The payload is the JSON object the outbox row carries: the template's letter of
//! [`subsidie_domain::letters`] (Dutch keys, machine forms: amounts as `"1250000.00"`,
//! dates as `"2025-07-14"`, instants in RFC 3339), read as that letter first
//! ([`context`]), so a fact that is malformed is refused before rendering. Filters turn
//! them into Dutch notation ([`filters`]): `bedrag` (`€ 1.250.000,00`), `datum` (`14 juli 2025`) and
//! `tijdstip` (`3 maart 2025 om 10:15 uur`, Europe/Amsterdam). Before rendering, the
//! advance schedule is derived: `voorschot` and `restant` from `verleend` and
//! `voorschot_percentage`, rounded as the payment schedule rounds (the advance down to
//! the cent).
//!
//! Printing a value that is missing or `null` is an error, not an empty string, so a
//! payload that lacks what a message needs fails loudly in the tests instead of sending
//! a letter with a hole in it.

mod context;
mod examples;
mod filters;
mod letter;

use std::sync::OnceLock;

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use serde_json::{json, Map, Value as Json};
use subsidie_domain::letters::Template;

use crate::error::TemplateError;
pub use examples::example_payload;
use filters::tidy_text;

macro_rules! sources {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/berichten/", $name, ".j2")))),*]
    };
}

/// Every message: its name (the outbox `template`, [`Template::as_str`]) and its source.
/// A test checks that every [`Template`] has one.
const MESSAGES: &[(&str, &str)] = sources![
    "ontvangstbevestiging",
    "aanvulling_gevraagd",
    "verleningsbeschikking",
    "afwijzingsbeschikking",
    "buitenbehandelingstelling",
    "wachtlijst",
    "budget_gereserveerd",
    "plafond_bereikt",
    "intrekking_bevestigd",
    "vaststellingsbeschikking",
    "afzien_bevestigd",
    "beslistermijn_verlengd",
    "wijzigingsbesluit",
    "wijziging_geweigerd",
    "intrekkingsbeschikking",
    "verlagingsbeschikking",
    "betaling",
    "herinnering_verantwoording",
    "tweede_beoordeling_gevraagd",
    "betaalronde_aangemaakt",
    "aanmeldlink",
    "organisatiegegevens_gewijzigd",
    "bezwaar_ontvangen",
    "bezwaar_herstel",
    "bezwaar_verdaagd",
    "beslissing_op_bezwaar",
    "wijzigingsverzoek_ontvangen",
];

/// Passages shared by several messages; rendered in both formats like a message.
const FRAGMENTS: &[(&str, &str)] = sources![
    "_bezwaar",
    "_beroep",
    "_briefhoofd",
    "_slot",
    "_slot_intern"
];

/// The presentation of the building blocks and the HTML layout, one file per format.
const PRESENTATION: &[(&str, &str)] = &[
    (
        "blokken.txt",
        include_str!("../../templates/opmaak/blokken.txt.j2"),
    ),
    (
        "blokken.html",
        include_str!("../../templates/opmaak/blokken.html.j2"),
    ),
    (
        "blokken.pdf",
        include_str!("../../templates/opmaak/blokken.pdf.j2"),
    ),
    (
        "omhulsel.html",
        include_str!("../../templates/opmaak/omhulsel.html.j2"),
    ),
];

/// The names of all templates, in a stable order.
pub fn names() -> impl Iterator<Item = &'static str> {
    Template::ALL.into_iter().map(Template::as_str)
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (a complete document).
    pub html: String,
}

/// The compiled templates, with the sender's name for the signature.
pub struct Templates {
    env: Environment<'static>,
    sender: String,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

/// The default signature when the sender's address has no display name.
pub const DEFAULT_SENDER: &str = "ZonMw subsidies";

impl Templates {
    /// Compiles every template; `sender` signs the messages.
    pub fn new(sender: impl Into<String>) -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .map_err(|e| render_error("(syntaxis)", &e))?,
        );
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        // A hole in a letter is an error: refuse to print a missing value or null.
        env.set_formatter(|out, state, value| {
            if value.is_undefined() || value.is_none() {
                return Err(Error::new(
                    ErrorKind::UndefinedError,
                    "een waarde ontbreekt (leeg of null) en kan niet in de tekst",
                ));
            }
            minijinja::escape_formatter(out, state, value)
        });
        filters::register(&mut env);
        letter::register(&mut env);

        for (name, source) in MESSAGES.iter().chain(FRAGMENTS) {
            for suffix in ["txt", "html", "pdf"] {
                let full = format!("{name}.{suffix}");
                env.add_template_owned(full.clone(), *source)
                    .map_err(|e| render_error(&full, &e))?;
            }
        }
        for (name, source) in PRESENTATION {
            env.add_template(name, source)
                .map_err(|e| render_error(name, &e))?;
        }
        Ok(Templates {
            env,
            sender: sender.into(),
        })
    }

    /// The signature's sender name.
    pub fn sender(&self) -> &str {
        &self.sender
    }

    /// Renders `template` with `payload` into subject, text and HTML.
    pub fn render(&self, template: &str, payload: &Json) -> Result<Rendered, TemplateError> {
        let known: Template = template
            .parse()
            .map_err(|_| TemplateError::Unknown(template.to_owned()))?;
        let mut context = context::of(known, payload).map_err(|reason| TemplateError::Payload {
            template: template.to_owned(),
            reason,
        })?;
        context.insert("afzender".into(), Json::String(self.sender.clone()));

        // Plain text, and the subject.
        context.insert("formaat".into(), json!("txt"));
        let name = format!("{template}.txt");
        let tmpl = self
            .env
            .get_template(&name)
            .map_err(|e| render_error(&name, &e))?;
        let captured = tmpl
            .render_captured(Value::from(Serde(&context)))
            .map_err(|e| render_error(&name, &e))?;
        let subject = match captured.state().lookup("onderwerp") {
            Some(v) if v.as_str().is_some_and(|s| !s.trim().is_empty()) => {
                single_line(v.as_str().unwrap_or_default())
            }
            _ => {
                return Err(TemplateError::Render {
                    template: name,
                    reason: "het sjabloon zet geen onderwerp".into(),
                })
            }
        };
        let text = tidy_text(captured.output());

        // HTML: the same source, escaped, in the layout.
        context.insert("formaat".into(), json!("html"));
        let name = format!("{template}.html");
        let body = self
            .env
            .get_template(&name)
            .and_then(|t| t.render(Value::from(Serde(&context))))
            .map_err(|e| render_error(&name, &e))?;
        context.insert("onderwerp".into(), Json::String(subject.clone()));
        let mut layout_context: Map<String, Json> = context;
        layout_context.remove("inhoud");
        let layout = self
            .env
            .get_template("omhulsel.html")
            .map_err(|e| render_error("omhulsel.html", &e))?;
        let layout_value = merge_safe(
            Value::from(Serde(&layout_context)),
            Value::from_safe_string(body),
        );
        let html = layout
            .render(layout_value)
            .map_err(|e| render_error("omhulsel.html", &e))?;

        Ok(Rendered {
            subject,
            text,
            html,
        })
    }
}

impl Templates {
    /// The message `template` with `payload` as a letter to print: the same source
    /// rendered with `formaat` `pdf`, its building blocks read back ([`letter`]). Only
    /// a letter with a frame (`brief`: dagtekening, sender, signatory) can be one.
    pub fn letter(
        &self,
        template: &str,
        payload: &Json,
    ) -> Result<subsidie_letterpdf::Letter, TemplateError> {
        let known: Template = template
            .parse()
            .map_err(|_| TemplateError::Unknown(template.to_owned()))?;
        let mut context = context::of(known, payload).map_err(|reason| TemplateError::Payload {
            template: template.to_owned(),
            reason,
        })?;
        context.insert("afzender".into(), Json::String(self.sender.clone()));
        context.insert("formaat".into(), json!("pdf"));
        let name = format!("{template}.pdf");
        let captured = self
            .env
            .get_template(&name)
            .and_then(|t| t.render_captured(Value::from(Serde(&context))))
            .map_err(|e| render_error(&name, &e))?;
        let subject = captured
            .state()
            .lookup("onderwerp")
            .and_then(|v| v.as_str().map(single_line))
            .unwrap_or_default();
        let pdf_error = |reason: String| TemplateError::Pdf {
            template: template.to_owned(),
            reason,
        };
        let blocks = letter::blocks(captured.output()).map_err(pdf_error)?;
        letter::letter(subject, &context, blocks).map_err(pdf_error)
    }

    /// The PDF/A-2b file of [`Templates::letter`].
    pub fn pdf(&self, template: &str, payload: &Json) -> Result<Vec<u8>, TemplateError> {
        let letter = self.letter(template, payload)?;
        subsidie_letterpdf::write(&letter).map_err(|e| TemplateError::Pdf {
            template: template.to_owned(),
            reason: e.to_string(),
        })
    }
}

/// The letter of `template` with `payload` ([`Templates::letter`]), with the default
/// templates.
pub fn default_letter(
    template: &str,
    payload: &Json,
) -> Result<subsidie_letterpdf::Letter, TemplateError> {
    default_templates()?.letter(template, payload)
}

/// The PDF letter of `template` with `payload`, with the default templates.
pub fn pdf(template: &str, payload: &Json) -> Result<Vec<u8>, TemplateError> {
    default_templates()?.pdf(template, payload)
}

fn default_templates() -> Result<&'static Templates, TemplateError> {
    static DEFAULT: OnceLock<Result<Templates, TemplateError>> = OnceLock::new();
    match DEFAULT.get_or_init(|| Templates::new(DEFAULT_SENDER)) {
        Ok(templates) => Ok(templates),
        Err(e) => Err(e.clone()),
    }
}

/// Renders with the default templates (signed by [`DEFAULT_SENDER`]).
pub fn render(template: &str, payload: &Json) -> Result<Rendered, TemplateError> {
    default_templates()?.render(template, payload)
}

fn render_error(template: &str, err: &Error) -> TemplateError {
    let mut reason = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        reason.push_str(": ");
        reason.push_str(&inner.to_string());
        source = inner.source();
    }
    TemplateError::Render {
        template: template.to_owned(),
        reason,
    }
}

/// A context with one more key whose value keeps its "safe" mark (a serde round trip
/// would lose it).
fn merge_safe(base: Value, value: Value) -> Value {
    minijinja::context! { inhoud => value, ..base }
}

fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::filters::TEXT_WIDTH;
    use super::*;
    use subsidie_domain::lifecycle::Notice;

    const PAYMENT: &str = Template::Payment.as_str();
    const ACCOUNTING_REMINDER: &str = Template::AccountingReminder.as_str();
    const SECOND_REVIEW: &str = Template::SecondReview.as_str();
    const PAYMENT_RUN: &str = Template::PaymentRun.as_str();

    /// The letters the service builds, as the JSON their rows carry.
    mod mail {
        use serde_json::Value as Json;
        pub use subsidie_service::outbox::letters::*;
        use subsidie_service::ServiceError;
        use subsidie_store::rows::PaymentRunRow;

        fn json(letter: impl serde::Serialize) -> Json {
            serde_json::to_value(letter).unwrap()
        }

        pub fn payment_payload(
            facts: &PaymentFacts,
            date: chrono::NaiveDate,
        ) -> Result<Json, ServiceError> {
            payment_letter(facts, date).map(json)
        }

        pub fn reminder_payload(facts: &ReminderFacts<'_>) -> Result<Json, ServiceError> {
            reminder_letter(facts).map(json)
        }

        pub fn proposal_payload(
            facts: &ProposalFacts<'_>,
            proposer: &str,
            name: &str,
        ) -> Result<Json, ServiceError> {
            proposal_letter(facts, proposer, name).map(json)
        }

        pub fn run_payload(run: &PaymentRunRow, name: &str) -> Result<Json, ServiceError> {
            run_letter(run, name).map(json)
        }
    }

    fn leftover(text: &str) -> Option<&'static str> {
        ["{{", "}}", "{%", "%}", "{#", "#}"]
            .into_iter()
            .find(|marker| text.contains(marker))
    }

    fn flat(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn every_notice_of_the_lifecycle_has_a_template() {
        for notice in Notice::ALL {
            assert!(
                names().any(|n| n == notice.as_str()),
                "no template for {notice}"
            );
        }
        assert!(names().any(|n| n == PAYMENT));
        assert!(names().any(|n| n == ACCOUNTING_REMINDER));
        assert!(names().any(|n| n == SECOND_REVIEW));
        assert!(names().any(|n| n == PAYMENT_RUN));
    }

    /// Every template the service may write has a source here, and nothing else has.
    #[test]
    fn every_template_has_a_source() {
        for template in Template::ALL {
            assert!(
                MESSAGES.iter().any(|(name, _)| *name == template.as_str()),
                "no source for {template}"
            );
        }
        assert_eq!(MESSAGES.len(), Template::ALL.len());
    }

    /// The payloads as the service builds them (its functions are the one source of the
    /// keys) render completely, and say what they must.
    #[test]
    fn payloads_built_by_the_service_render() {
        use chrono::{NaiveDate, TimeZone, Utc};
        use subsidie_store::rows::PaymentRunRow;

        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let facts = |kind: &str, cents: i64| mail::PaymentFacts {
            payment_id: "p1".into(),
            kind: kind.into(),
            amount_cents: cents,
            payment_reference: format!("UITV-2025-0198A3F2C1-{}", &kind[..1].to_uppercase()),
            due_on: day(2025, 7, 15),
            application_id: "a1".into(),
            application_reference: "UITV-2025-0198A3F2C1".into(),
            title: "Samenwerking <Noord>".into(),
            organisation: "Stichting Eerstelijn".into(),
            email: "info@eerstelijn.nl".into(),
            iban: "NL91ABNA0417164300".into(),
            instrument: "RESV".into(),
        };
        let paid =
            mail::payment_payload(&facts("voorschot", 100_000_000), day(2025, 6, 5)).unwrap();
        let r = render(PAYMENT, &paid).unwrap();
        let text = flat(&r.text);
        for expected in [
            "€ 1.000.000,00",
            "NL** **** **** **43 00",
            "5 juni 2025",
            "UITV-2025-0198A3F2C1-V",
        ] {
            assert!(
                text.contains(expected),
                "missing '{expected}' in:\n{}",
                r.text
            );
        }
        assert!(!text.contains("NL91ABNA0417164300"), "unmasked IBAN");
        let page = "/referentie/UITV-2025-0198A3F2C1";
        assert!(text.contains(page), "no link to the portal in:\n{}", r.text);
        let recovery =
            mail::payment_payload(&facts("terugvordering", 4_000_050), day(2025, 7, 15)).unwrap();
        let r = render(PAYMENT, &recovery).unwrap();
        assert!(r.subject.starts_with("Terugvordering"), "{}", r.subject);
        assert!(
            flat(&r.text).contains("uiterlijk op 15 juli 2025"),
            "{}",
            r.text
        );
        assert!(flat(&r.text).contains("€ 40.000,50"), "{}", r.text);
        assert!(
            flat(&r.text).contains(page),
            "no link to the portal in:\n{}",
            r.text
        );
        // With its frame, a recovery says where to pay, with which reference, by when.
        let mut framed = recovery.clone();
        framed["brief"] = example_payload(PAYMENT).unwrap()["brief"].clone();
        let r = render(PAYMENT, &framed).unwrap();
        for part in [flat(&r.text), flat(&r.html)] {
            for expected in [
                "uiterlijk op 15 juli 2025 over naar rekening NL91ABNA0417164300 ten name van ZonMw",
                "betalingskenmerk UITV-2025-0198A3F2C1-T",
                "Datum",
                "4 juni 2025",
            ] {
                assert!(part.contains(expected), "missing '{expected}' in:\n{part}");
            }
        }

        let reminder = mail::reminder_payload(&mail::ReminderFacts {
            reference: "UITV-2025-0198A3F2C1",
            title: "Samenwerking <Noord>",
            organisation: "Stichting Eerstelijn",
            instrument: "RESV",
            granted_cents: 125_000_000,
            deadline: day(2027, 6, 30),
        })
        .unwrap();
        let r = render(ACCOUNTING_REMINDER, &reminder).unwrap();
        assert!(r.subject.contains("30 juni 2027"), "{}", r.subject);
        assert!(
            flat(&r.text).contains(page),
            "no link to the portal in:\n{}",
            r.text
        );
        assert!(
            r.html.replace("&#x2f;", "/").contains(page),
            "no link in the HTML part:\n{}",
            r.html
        );

        let proposal = mail::proposal_payload(
            &mail::ProposalFacts {
                application_id: "a1",
                version: 4,
                reference: "UITV-2025-0198A3F2C1",
                title: "Samenwerking <Noord>",
                organisation: "Stichting Eerstelijn",
                instrument: "RESV",
                region_id: "r01",
                requested_cents: 180_000_000,
                proposed_cents: 150_000_000,
                limit_cents: 100_000_000,
                proposer_id: Some("u1"),
                amendment: None,
            },
            "Pieter Jansen",
            "Anna de Vries",
        )
        .unwrap();
        let r = render(SECOND_REVIEW, &proposal).unwrap();
        assert_eq!(
            r.subject,
            "Tweede beoordeling gevraagd: aanvraag UITV-2025-0198A3F2C1, voorstel € 1.500.000,00"
        );
        let text = flat(&r.text);
        assert!(text.contains("Beste Anna de Vries,"), "{}", r.text);
        assert!(text.contains("Pieter Jansen stelt voor"), "{}", r.text);
        assert!(text.contains("€ 1.000.000,00, de grens"), "{}", r.text);
        // The raise of an amendment above the limit: the same mail, about the amendment.
        let raise = mail::proposal_payload(
            &mail::ProposalFacts {
                application_id: "a1",
                version: 4,
                reference: "UITV-2025-0198A3F2C1",
                title: "Samenwerking <Noord>",
                organisation: "Stichting Eerstelijn",
                instrument: "RESV",
                region_id: "r01",
                requested_cents: 180_000_000,
                proposed_cents: 110_000_000,
                limit_cents: 100_000_000,
                proposer_id: Some("u1"),
                amendment: Some(("w1", 90_000_000)),
            },
            "Pieter Jansen",
            "Anna de Vries",
        )
        .unwrap();
        let r = render(SECOND_REVIEW, &raise).unwrap();
        assert_eq!(
            r.subject,
            "Tweede beoordeling gevraagd: wijzigingsverzoek voor aanvraag UITV-2025-0198A3F2C1, verhoging tot € 1.100.000,00"
        );
        let text = flat(&r.text);
        assert!(
            text.contains("van € 900.000,00 tot € 1.100.000,00"),
            "{}",
            r.text
        );

        let run = PaymentRunRow {
            id: "01935f3e-8f2a-7c3b-9d4e-5f6a7b8c9d0e".into(),
            message_id: "BR01935F3E8F2A7C3B9D4E5F6A7B8C9D0E".into(),
            created_at: Utc
                .with_ymd_and_hms(2025, 6, 4, 14, 30, 0)
                .unwrap()
                .naive_utc(),
            up_to: day(2025, 6, 5),
            execution_date: day(2025, 6, 5),
            payment_count: 1,
            total_cents: 3_125_000,
            state: "aangemaakt".into(),
            actor_id: None,
            paid_at: None,
        };
        let r = render(
            PAYMENT_RUN,
            &mail::run_payload(&run, "Fatima el Amrani").unwrap(),
        )
        .unwrap();
        assert_eq!(
            r.subject,
            "Betaalronde BR01935F3E8F2A7C3B9D4E5F6A7B8C9D0E aangemaakt: 1 betaling, € 31.250,00"
        );
        let text = flat(&r.text);
        assert!(text.contains("4 juni 2025 om 16:30 uur"), "{}", r.text);
        assert!(text.contains("Aantal betalingen: 1"), "{}", r.text);
    }

    #[test]
    fn every_template_renders_its_example_without_holes() {
        for name in names() {
            let payload = example_payload(name).unwrap_or_else(|| panic!("no example for {name}"));
            let rendered = render(name, &payload).unwrap_or_else(|e| panic!("{name}: {e}"));
            for (part, text) in [
                ("onderwerp", &rendered.subject),
                ("tekst", &rendered.text),
                ("html", &rendered.html),
            ] {
                assert!(!text.trim().is_empty(), "{name}: empty {part}");
                assert_eq!(leftover(text), None, "{name}: placeholder left in {part}");
                for hole in ["none", "undefined", "null"] {
                    assert!(
                        !flat(text)
                            .split(' ')
                            .any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == hole),
                        "{name}: '{hole}' in {part}"
                    );
                }
            }
            // Every message about an application names its reference (the run mail to
            // finance is about no single application).
            if payload.get("referentie").is_some() {
                assert!(
                    rendered.text.contains("UITV-2025-0198A3F2C1"),
                    "{name}: reference"
                );
                assert!(
                    rendered.html.contains("UITV-2025-0198A3F2C1"),
                    "{name}: reference"
                );
            }
            if payload.get("brief").is_some() {
                // Signed under mandate, dated, with a way to reach the funder.
                for part in [&rendered.text, &rendered.html] {
                    let part = flat(part);
                    assert!(part.contains("namens ZonMw"), "{name}: mandate");
                    assert!(
                        part.contains("drs. M. van den Berg, hoofd Subsidiebeheer"),
                        "{name}: signatory"
                    );
                    assert!(part.contains("070 349 51 11"), "{name}: telephone");
                    assert!(part.contains("subsidies@zonmw.nl"), "{name}: e-mail");
                    assert!(part.contains("Datum"), "{name}: dagtekening");
                }
            } else {
                assert!(rendered.text.contains(DEFAULT_SENDER), "{name}: signature");
            }
            assert!(
                rendered
                    .text
                    .lines()
                    .all(|l| l.chars().count() <= TEXT_WIDTH),
                "{name}: text wider than {TEXT_WIDTH}:\n{}",
                rendered.text
            );
            // The payload's markup is escaped in HTML and left alone in text.
            if payload.get("titel").is_some() {
                assert!(
                    rendered.html.contains("&lt;Noord&gt;"),
                    "{name}: not escaped"
                );
                assert!(!rendered.html.contains("<Noord>"), "{name}: not escaped");
                assert!(rendered.text.contains("<Noord>"), "{name}: text escaped");
            }
        }
    }

    #[test]
    fn grant_decision_has_amounts_schedule_obligations_and_objection_clause() {
        let payload = example_payload("verleningsbeschikking").unwrap();
        let r = render("verleningsbeschikking", &payload).unwrap();
        assert_eq!(
            r.subject,
            "Besluit op uw aanvraag UITV-2025-0198A3F2C1: subsidie verleend"
        );
        let text = flat(&r.text);
        for expected in [
            "een subsidie van ten hoogste € 1.250.000,00",
            "Voorschot (80%) € 1.000.000,00",
            "Restant (20%) € 250.000,00",
            "uiterlijk op 30 juni 2027 verantwoording af",
            "U kunt binnen zes weken na de dag waarop dit besluit is verzonden bezwaar maken",
            "uiterlijk op 14 juli 2025 bij ons zijn ontvangen",
            "ontvingen wij de aanvraag",
            "3 maart 2025 om 10:15 uur",
        ] {
            assert!(
                text.contains(expected),
                "missing '{expected}' in:\n{}",
                r.text
            );
        }
        let html = flat(&r.html);
        assert!(html.contains("€ 1.000.000,00"));
        assert!(html.contains("uiterlijk op 14 juli 2025"));
        assert!(html.contains("<h2"));
        assert!(html.starts_with("<!DOCTYPE html>"));
    }

    #[test]
    fn typed_text_keeps_its_lines() {
        let payload = example_payload("aanvulling_gevraagd").unwrap();
        let r = render("aanvulling_gevraagd", &payload).unwrap();
        assert!(r
            .text
            .contains("    > De begroting voor 2026 ontbreekt.\n    > Stuur ook"));
        assert!(r
            .html
            .contains("De begroting voor 2026 ontbreekt.<br>Stuur ook"));
        assert!(flat(&r.text).contains("uiterlijk op 15 april 2025 aan te vullen"));
    }

    #[test]
    fn unknown_template_and_bad_payloads_are_errors() {
        assert_eq!(
            render("bestaat_niet", &json!({})),
            Err(TemplateError::Unknown("bestaat_niet".into()))
        );
        assert!(matches!(
            render("ontvangstbevestiging", &json!([1, 2])),
            Err(TemplateError::Payload { .. })
        ));
        // A missing value is an error, not a hole in the letter.
        let mut payload = example_payload("ontvangstbevestiging").unwrap();
        payload
            .as_object_mut()
            .unwrap()
            .remove("beslissen_uiterlijk");
        assert!(matches!(
            render("ontvangstbevestiging", &payload),
            Err(TemplateError::Render { .. })
        ));
        // So is null where the letter needs the value.
        let mut payload = example_payload("afwijzingsbeschikking").unwrap();
        payload["motivering"] = Json::Null;
        assert!(render("afwijzingsbeschikking", &payload).is_err());
        // And a malformed amount.
        let mut payload = example_payload("ontvangstbevestiging").unwrap();
        payload["aangevraagd"] = json!("1.250.000,00");
        assert!(render("ontvangstbevestiging", &payload).is_err());
    }
}
