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
//! The payload is the JSON object the outbox row carries (Dutch keys, machine forms:
//! amounts as `"1250000.00"`, dates as `"2025-07-14"`, instants in RFC 3339). Filters turn
//! them into Dutch notation: `bedrag` (`€ 1.250.000,00`), `datum` (`14 juli 2025`) and
//! `tijdstip` (`3 maart 2025 om 10:15 uur`, Europe/Amsterdam). Before rendering, the
//! advance schedule is derived: `voorschot` and `restant` from `verleend` and
//! `voorschot_percentage`, rounded as the payment schedule rounds (the advance down to
//! the cent).
//!
//! Printing a value that is missing or `null` is an error, not an empty string, so a
//! payload that lacks what a message needs fails loudly in the tests instead of sending
//! a letter with a hole in it.

use std::sync::OnceLock;

use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use serde_json::{json, Map, Value as Json};
use subsidie_domain::Money;

use crate::error::TemplateError;
use crate::format;

/// The name of the payment notice, which the lifecycle's notices do not cover.
pub const PAYMENT: &str = "betaling";
/// The name of the reminder before the accounting deadline.
pub const ACCOUNTING_REMINDER: &str = "herinnering_verantwoording";
/// The name of the mail to reviewers: a grant above the four-eyes limit awaits a second
/// reviewer.
pub const SECOND_REVIEW: &str = "tweede_beoordeling_gevraagd";
/// The name of the mail to finance: a payment run was made.
pub const PAYMENT_RUN: &str = "betaalronde_aangemaakt";

macro_rules! sources {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/berichten/", $name, ".j2")))),*]
    };
}

/// Every message: its name (the outbox `template`) and its source.
const MESSAGES: &[(&str, &str)] = sources![
    "ontvangstbevestiging",
    "aanvulling_gevraagd",
    "verleningsbeschikking",
    "afwijzingsbeschikking",
    "buitenbehandelingstelling",
    "wachtlijst",
    "plafond_bereikt",
    "intrekking_bevestigd",
    "vaststellingsbeschikking",
    "afzien_bevestigd",
    "betaling",
    "herinnering_verantwoording",
    "tweede_beoordeling_gevraagd",
    "betaalronde_aangemaakt",
    "aanmeldlink",
];

/// Passages shared by several messages; rendered in both formats like a message.
const FRAGMENTS: &[(&str, &str)] = sources!["_bezwaar", "_slot", "_slot_intern"];

/// The presentation of the building blocks and the HTML layout, one file per format.
const PRESENTATION: &[(&str, &str)] = &[
    (
        "blokken.txt",
        include_str!("../templates/opmaak/blokken.txt.j2"),
    ),
    (
        "blokken.html",
        include_str!("../templates/opmaak/blokken.html.j2"),
    ),
    (
        "omhulsel.html",
        include_str!("../templates/opmaak/omhulsel.html.j2"),
    ),
];

/// Width of the plain-text body.
const TEXT_WIDTH: usize = 72;

/// The names of all templates, in a stable order.
pub fn names() -> impl Iterator<Item = &'static str> {
    MESSAGES.iter().map(|(name, _)| *name)
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
        env.add_filter("bedrag", filter_amount);
        env.add_filter("datum", filter_date);
        env.add_filter("tijdstip", filter_instant);
        env.add_filter("ombreek", filter_wrap);
        env.add_filter("regels", filter_lines);
        env.add_function("uitlijnen", align_columns);

        for (name, source) in MESSAGES.iter().chain(FRAGMENTS) {
            for suffix in ["txt", "html"] {
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
        if !MESSAGES.iter().any(|(name, _)| *name == template) {
            return Err(TemplateError::Unknown(template.to_owned()));
        }
        let mut context = payload
            .as_object()
            .cloned()
            .ok_or_else(|| TemplateError::Payload {
                template: template.to_owned(),
                reason: "de gegevens zijn geen JSON-object".into(),
            })?;
        derive_advance(&mut context).map_err(|reason| TemplateError::Payload {
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

/// Renders with the default templates (signed by [`DEFAULT_SENDER`]).
pub fn render(template: &str, payload: &Json) -> Result<Rendered, TemplateError> {
    static DEFAULT: OnceLock<Result<Templates, TemplateError>> = OnceLock::new();
    match DEFAULT.get_or_init(|| Templates::new(DEFAULT_SENDER)) {
        Ok(templates) => templates.render(template, payload),
        Err(e) => Err(e.clone()),
    }
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

/// Adds `voorschot` and `restant` (API form) when `verleend` and `voorschot_percentage`
/// are present, rounding as the payment schedule does.
fn derive_advance(context: &mut Map<String, Json>) -> Result<(), String> {
    let granted = context.get("verleend").and_then(Json::as_str);
    let percent = context.get("voorschot_percentage").and_then(Json::as_u64);
    let (Some(granted), Some(percent)) = (granted, percent) else {
        return Ok(());
    };
    let granted = Money::parse(granted).map_err(|e| format!("verleend: {e}"))?;
    let percent = u32::try_from(percent.min(100)).unwrap_or(100);
    let advance = granted
        .share(percent, 100)
        .map_err(|e| format!("voorschot: {e}"))?;
    let rest = granted
        .checked_sub(advance)
        .map_err(|e| format!("restant: {e}"))?;
    context
        .entry("voorschot")
        .or_insert_with(|| Json::String(advance.to_string()));
    context
        .entry("restant")
        .or_insert_with(|| Json::String(rest.to_string()));
    Ok(())
}

fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Normalises the plain-text render: no trailing blanks (except the signature marker
/// `-- `), at most one empty line in a row, no leading or trailing empty lines.
fn tidy_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank_run = 0;
    let raw = raw.replace(NBSP, " ");
    for line in raw.lines() {
        let line = if line == "-- " { line } else { line.trim_end() };
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() && blank_run > 0 {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn value_text(filter: &str, value: &Value) -> Result<String, Error> {
    match value.as_str() {
        Some(s) => Ok(s.to_owned()),
        None if value.is_undefined() || value.is_none() => Err(Error::new(
            ErrorKind::UndefinedError,
            format!("{filter}: de waarde ontbreekt"),
        )),
        None => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("{filter}: verwacht tekst, kreeg {value}"),
        )),
    }
}

/// A no-break space: amounts, dates and instants are never split over two lines. The
/// plain text turns them back into ordinary spaces after wrapping; HTML keeps them.
const NBSP: char = '\u{a0}';

fn unbreakable(text: String) -> String {
    text.replace(' ', "\u{a0}")
}

fn filter_amount(value: Value) -> Result<String, Error> {
    let text = value_text("bedrag", &value)?;
    format::amount(&text)
        .map(unbreakable)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}

fn filter_date(value: Value) -> Result<String, Error> {
    let text = value_text("datum", &value)?;
    format::date(&text)
        .map(unbreakable)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}

fn filter_instant(value: Value) -> Result<String, Error> {
    let text = value_text("tijdstip", &value)?;
    format::instant_text(&text)
        .map(unbreakable)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}

/// `ombreek(eerste="", volgende="", regels=false, breedte=72)`: wraps text at the width.
/// Without `regels` all whitespace is collapsed into one paragraph; with it every input
/// line is wrapped on its own (for text that someone typed).
fn filter_wrap(value: Value, kwargs: Kwargs) -> Result<String, Error> {
    let text = value_text("ombreek", &value)?;
    let first: Option<String> = kwargs.get("eerste")?;
    let next: Option<String> = kwargs.get("volgende")?;
    let keep_lines: Option<bool> = kwargs.get("regels")?;
    let width: Option<usize> = kwargs.get("breedte")?;
    kwargs.assert_all_used()?;
    let first = first.unwrap_or_default();
    let next = next.unwrap_or_else(|| first.clone());
    let width = width.unwrap_or(TEXT_WIDTH);
    if keep_lines.unwrap_or(false) {
        let lines = lines_of(&text);
        let wrapped: Vec<String> = lines
            .iter()
            .map(|line| {
                if line.trim().is_empty() {
                    first.trim_end().to_owned()
                } else {
                    wrap(line, width, &first, &next)
                }
            })
            .collect();
        Ok(wrapped.join("\n"))
    } else {
        Ok(wrap(&text, width, &first, &next))
    }
}

fn wrap(text: &str, width: usize, first: &str, next: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut line_has_word = false;
    for word in text.split_ascii_whitespace() {
        let current = line.chars().count();
        if line_has_word && current + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(next);
            line_has_word = false;
        }
        if line_has_word {
            line.push(' ');
        }
        line.push_str(word);
        line_has_word = true;
    }
    out.push_str(&line);
    out
}

fn lines_of(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    match (start, end) {
        (Some(s), Some(e)) => lines[s..=e].to_vec(),
        _ => Vec::new(),
    }
}

fn filter_lines(value: Value) -> Result<Vec<String>, Error> {
    let text = value_text("regels", &value)?;
    Ok(lines_of(&text).into_iter().map(str::to_owned).collect())
}

/// `uitlijnen(rijen, dubbelepunt=false, kopregel=false)`: rows as aligned plain-text
/// columns, indented by two spaces. `dubbelepunt` puts a colon after the first column;
/// `kopregel` underlines the first row.
fn align_columns(rows: Vec<Vec<Value>>, kwargs: Kwargs) -> Result<String, Error> {
    let colon: Option<bool> = kwargs.get("dubbelepunt")?;
    let header: Option<bool> = kwargs.get("kopregel")?;
    kwargs.assert_all_used()?;
    let colon = colon.unwrap_or(false);
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut out = Vec::with_capacity(row.len());
        for (i, cell) in row.iter().enumerate() {
            if cell.is_undefined() || cell.is_none() {
                return Err(Error::new(
                    ErrorKind::UndefinedError,
                    "uitlijnen: een cel is leeg (null)",
                ));
            }
            let text = cell.to_string();
            out.push(if i == 0 && colon {
                format!("{text}:")
            } else {
                text
            });
        }
        cells.push(out);
    }
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Every column but the last is padded; the last is wrapped under itself.
    let render_row = |row: &[String]| {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                line.push_str(cell);
                let pad = widths[i].saturating_sub(cell.chars().count()) + 2;
                line.push_str(&" ".repeat(pad));
            } else {
                let indent = " ".repeat(line.chars().count());
                line = wrap(cell, TEXT_WIDTH, &line, &indent);
            }
        }
        line.trim_end().to_owned()
    };
    let mut lines = Vec::with_capacity(cells.len() + 1);
    for (i, row) in cells.iter().enumerate() {
        lines.push(render_row(row));
        if i == 0 && header.unwrap_or(false) {
            let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
            lines.push(format!("  {}", "-".repeat(total)));
        }
    }
    Ok(lines.join("\n"))
}

/// A representative payload for each template, as the service writes it: for previews,
/// and for the test that renders every template.
pub fn example_payload(template: &str) -> Option<Json> {
    let base = json!({
        "referentie": "UITV-2025-0198A3F2C1",
        "titel": "Regionale samenwerking huisartsen & wijkverpleging <Noord>",
        "organisatie": "Stichting Eerstelijn Groningen-Stad",
        "regeling": "Uitvoeringssubsidie regionaal eerstelijnssamenwerkingsverband (RESV)",
        "status": "ingediend",
        "aangevraagd": "1250000.00",
        "verleend": "0.00",
        "vastgesteld": null,
        "ontvangen_op": "2025-03-03T09:15:00+00:00",
        "beslissen_uiterlijk": "2025-06-02",
        "aanvulling": null,
        "aanvullen_uiterlijk": null,
        "motivering": null,
        "bezwaar_uiterlijk": null,
        "voorschot_percentage": 80,
        "verantwoording_uiterlijk": "2027-06-30",
        "wachtlijstpositie": null,
        "portaal": "http://127.0.0.1:8080/referentie/UITV-2025-0198A3F2C1",
    });
    let mut payload = base;
    let set = |p: &mut Json, key: &str, value: Json| {
        if let Some(map) = p.as_object_mut() {
            map.insert(key.to_owned(), value);
        }
    };
    match template {
        "ontvangstbevestiging" => {}
        "aanvulling_gevraagd" => {
            set(&mut payload, "status", json!("aanvulling_gevraagd"));
            set(
                &mut payload,
                "aanvulling",
                json!("De begroting voor 2026 ontbreekt.\nStuur ook de samenwerkingsovereenkomst mee."),
            );
            set(&mut payload, "aanvullen_uiterlijk", json!("2025-04-15"));
        }
        "verleningsbeschikking" => {
            set(&mut payload, "status", json!("verleend"));
            set(&mut payload, "verleend", json!("1250000.00"));
            set(
                &mut payload,
                "motivering",
                json!("De aanvraag voldoet aan de criteria van de regeling."),
            );
            set(&mut payload, "bezwaar_uiterlijk", json!("2025-07-14"));
        }
        "afwijzingsbeschikking" => {
            set(&mut payload, "status", json!("afgewezen"));
            set(
                &mut payload,
                "motivering",
                json!("Het plan beschrijft niet hoe de samenwerking na afloop van de subsidie wordt voortgezet."),
            );
            set(&mut payload, "bezwaar_uiterlijk", json!("2025-07-14"));
        }
        "buitenbehandelingstelling" => {
            set(&mut payload, "status", json!("buiten_behandeling"));
            set(
                &mut payload,
                "aanvulling",
                json!("De begroting voor 2026 ontbreekt."),
            );
            set(&mut payload, "aanvullen_uiterlijk", json!("2025-04-15"));
            set(
                &mut payload,
                "motivering",
                json!("De gevraagde begroting is niet binnen de termijn ontvangen."),
            );
            set(&mut payload, "bezwaar_uiterlijk", json!("2025-06-03"));
        }
        "wachtlijst" => {
            set(&mut payload, "status", json!("wachtlijst"));
            set(&mut payload, "wachtlijstpositie", json!(3));
        }
        "plafond_bereikt" => {
            set(&mut payload, "status", json!("afgewezen"));
            set(
                &mut payload,
                "motivering",
                json!("Het subsidieplafond is bereikt (art. 4:25 lid 2 Awb)."),
            );
            set(&mut payload, "bezwaar_uiterlijk", json!("2026-02-10"));
        }
        "intrekking_bevestigd" => {
            set(&mut payload, "status", json!("ingetrokken"));
        }
        "vaststellingsbeschikking" => {
            set(&mut payload, "status", json!("vastgesteld"));
            set(&mut payload, "verleend", json!("1180000.00"));
            set(&mut payload, "vastgesteld", json!("1180000.00"));
            set(
                &mut payload,
                "motivering",
                json!("De verantwoorde kosten zijn lager dan begroot."),
            );
            set(&mut payload, "bezwaar_uiterlijk", json!("2027-10-05"));
        }
        "afzien_bevestigd" => {
            set(&mut payload, "status", json!("afgezien"));
            set(&mut payload, "verleend", json!("0.00"));
        }
        PAYMENT => {
            return Some(json!({
                "referentie": "UITV-2025-0198A3F2C1",
                "titel": "Regionale samenwerking huisartsen & wijkverpleging <Noord>",
                "organisatie": "Stichting Eerstelijn Groningen-Stad",
                "regeling": "Uitvoeringssubsidie regionaal eerstelijnssamenwerkingsverband (RESV)",
                "soort": "voorschot",
                "bedrag": "1000000.00",
                "betalingskenmerk": "UITV-2025-0198A3F2C1-V",
                "rekening": "NL** **** **** **43 00",
                "datum": "2025-06-05",
            }))
        }
        ACCOUNTING_REMINDER => {
            return Some(json!({
                "referentie": "UITV-2025-0198A3F2C1",
                "titel": "Regionale samenwerking huisartsen & wijkverpleging <Noord>",
                "organisatie": "Stichting Eerstelijn Groningen-Stad",
                "regeling": "Uitvoeringssubsidie regionaal eerstelijnssamenwerkingsverband (RESV)",
                "verleend": "1250000.00",
                "verantwoording_uiterlijk": "2027-06-30",
            }))
        }
        SECOND_REVIEW => {
            return Some(json!({
                "naam": "Anna de Vries",
                "referentie": "UITV-2025-0198A3F2C1",
                "titel": "Regionale samenwerking huisartsen & wijkverpleging <Noord>",
                "organisatie": "Stichting Eerstelijn Groningen-Stad",
                "regeling": "Uitvoeringssubsidie regionaal eerstelijnssamenwerkingsverband (RESV)",
                "aangevraagd": "1250000.00",
                "voorgesteld": "1200000.00",
                "grens": "1000000.00",
                "voorgesteld_door": "Pieter Jansen",
            }))
        }
        PAYMENT_RUN => {
            return Some(json!({
                "naam": "Fatima el Amrani",
                "betaalronde": "BR01935F3E8F2A7C3B9D4E5F6A7B8C9D0E",
                "ronde_id": "01935f3e-8f2a-7c3b-9d4e-5f6a7b8c9d0e",
                "aantal": 1250,
                "totaal": "31250000.00",
                "tot_en_met": "2025-06-05",
                "uitvoeringsdatum": "2025-06-05",
                "aangemaakt_op": "2025-06-04T14:30:00+00:00",
            }))
        }
        "aanmeldlink" => {
            return Some(json!({
                "naam": "Anna de Vries",
                "link": "http://127.0.0.1:8080/aanmelden/link?token=3f9a",
                "geldig_tot": "2025-06-04T14:45:00+00:00",
            }))
        }
        _ => return None,
    }
    Some(payload)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use subsidie_domain::lifecycle::Notice;

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

    /// The service writes these rows; the names must be the ones this crate renders.
    #[test]
    fn every_mail_the_service_writes_has_a_template() {
        use subsidie_service::mail;
        assert_eq!(mail::PAYMENT, PAYMENT);
        assert_eq!(mail::ACCOUNTING_REMINDER, ACCOUNTING_REMINDER);
        assert_eq!(mail::SECOND_REVIEW, SECOND_REVIEW);
        assert_eq!(mail::PAYMENT_RUN, PAYMENT_RUN);
        for name in mail::TEMPLATES {
            assert!(names().any(|n| n == name), "no template for {name}");
        }
    }

    /// The payloads as the service builds them (its functions are the one source of the
    /// keys) render completely, and say what they must.
    #[test]
    fn payloads_built_by_the_service_render() {
        use chrono::{NaiveDate, TimeZone, Utc};
        use subsidie_service::mail;
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
            assert!(rendered.text.contains(DEFAULT_SENDER), "{name}: signature");
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

    #[test]
    fn wrapping_and_alignment() {
        assert_eq!(wrap("a b c", 3, "", ""), "a b\nc");
        assert_eq!(wrap("een twee", 72, "  - ", "    "), "  - een twee");
        assert_eq!(
            wrap("aaaa bbbb cccc", 10, "  - ", "    "),
            "  - aaaa\n    bbbb\n    cccc"
        );
        assert_eq!(
            tidy_text("\n\na  \n\n\n\nb\n-- \nc\n\n"),
            "a\n\nb\n-- \nc\n"
        );
    }
}
