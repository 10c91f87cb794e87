//! Reading forms and showing what was wrong with them: typed values are kept, every
//! field error is shown next to its field and in a summary at the top that links to it.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use minijinja::{context, Value};
use subsidie_domain::Money;
use subsidie_service::{FieldError, ServiceError};

use crate::failure::Failure;

/// A submitted form: field name to value.
pub(crate) type Fields = HashMap<String, String>;

/// A value of a form, trimmed; empty when absent.
pub(crate) fn text(fields: &Fields, name: &str) -> String {
    fields
        .get(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

/// A value, or `None` when empty.
pub(crate) fn optional(fields: &Fields, name: &str) -> Option<String> {
    Some(text(fields, name)).filter(|v| !v.is_empty())
}

/// An amount as people type it: `1250000`, `1.250.000,00`, `€ 1250000,50` or
/// `1250000.50`.
pub(crate) fn amount(typed: &str) -> Result<Money, String> {
    let cleaned: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€')
        .collect();
    if cleaned.is_empty() {
        return Err("vul een bedrag in, bijvoorbeeld 1.250.000,00".into());
    }
    let machine = if cleaned.contains(',') {
        cleaned.replace('.', "").replace(',', ".")
    } else if cleaned.matches('.').count() > 1
        || cleaned.rsplit_once('.').is_some_and(|(_, d)| d.len() == 3)
    {
        // Dots as thousands separators only: 1.250.000
        cleaned.replace('.', "")
    } else {
        cleaned
    };
    Money::parse(&machine).map_err(|e| {
        format!("'{typed}' is geen bedrag ({e}); schrijf het als 1250000,00 of 1.250.000,00")
    })
}

/// A date as a date field sends it (`2026-12-31`) or as people type it (`31-12-2026`);
/// `None` when empty, or when it is no date (then the field's error is added).
pub(crate) fn date(fields: &Fields, name: &str, problems: &mut Problems) -> Option<NaiveDate> {
    let typed = text(fields, name);
    if typed.is_empty() {
        return None;
    }
    NaiveDate::parse_from_str(&typed, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&typed, "%d-%m-%Y"))
        .map_err(|_| {
            problems.field(
                name,
                format!("'{typed}' is geen datum; schrijf haar als 31-12-2025"),
            )
        })
        .ok()
}

/// The field errors of a form and the values typed, for showing the form again.
#[derive(Debug, Default, Clone)]
pub(crate) struct Problems {
    /// Which form of the page they belong to (pages with several forms).
    pub(crate) form: String,
    errors: Vec<FieldError>,
    general: Vec<String>,
    values: Fields,
}

impl Problems {
    /// No problems yet, for form `form`, keeping `values`.
    pub(crate) fn new(form: &str, values: &Fields) -> Problems {
        Problems {
            form: form.to_owned(),
            values: values.clone(),
            ..Problems::default()
        }
    }

    /// One field's error.
    pub(crate) fn field(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// A problem of the form as a whole, shown in the summary only.
    pub(crate) fn whole(&mut self, message: impl Into<String>) {
        self.general.push(message.into());
    }

    /// True when nothing was found wrong.
    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.general.is_empty()
    }

    /// Takes over what a use case refused. The field errors of a validation go next to
    /// their fields; a refusal about the whole (a duplicate, a state, the budget) goes
    /// into the summary. Other failures are not about the form and are handed back.
    pub(crate) fn absorb(&mut self, err: ServiceError) -> Result<(), Failure> {
        match err {
            ServiceError::Validation(fields) => self.errors.extend(fields),
            ServiceError::Conflict(_) | ServiceError::InvalidState(_) | ServiceError::Budget(_) => {
                self.general.push(capitalise(&err.to_string()))
            }
            other => return Err(other.into()),
        }
        Ok(())
    }

    /// What the templates read: `formulier`, `fouten` (summary, with field ids),
    /// `veldfouten` (field to message) and `waarden` (what was typed).
    pub(crate) fn view(&self) -> Value {
        let summary: Vec<Value> = self
            .general
            .iter()
            .map(|m| context! { melding => m })
            .chain(self.errors.iter().map(|e| {
                context! { veld => field_id(&self.form, &e.field), melding => format!("{}: {}", label(&e.field), e.message) }
            }))
            .collect();
        let by_field: HashMap<String, String> = self
            .errors
            .iter()
            .map(|e| (e.field.clone(), e.message.clone()))
            .collect();
        context! {
            formulier => self.form.clone(),
            fouten => summary,
            veldfouten => Value::from_pairs(by_field),
            waarden => Value::from_pairs(self.values.clone()),
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The id of a field's input in the page: `veld-<form>-<name>`, or `veld-<name>` on a
/// page with one form; ids stay unique on pages with several forms.
pub(crate) fn field_id(form: &str, field: &str) -> String {
    if form.is_empty() {
        format!("veld-{field}")
    } else {
        format!("veld-{form}-{field}")
    }
}

/// How a field is called on the page.
fn label(field: &str) -> &str {
    match field {
        "instrument" => "Regeling",
        "discipline" => "Discipline",
        "titel" => "Titel",
        "omschrijving" => "Omschrijving",
        "bedrag" => "Bedrag",
        "motivering" => "Motivering",
        "toelichting" | "aanvulling" => "Toelichting",
        "gronden" => "Gronden van het bezwaar",
        "score" => "Score",
        "e-mailadres" => "E-mailadres",
        "token" => "Token",
        "iban" => "IBAN",
        "email" => "E-mailadres",
        "naam" => "Naam",
        "contactpersoon" => "Contactpersoon",
        "contactEmail" => "E-mailadres van de contactpersoon",
        "partnersoort" => "Soort partner",
        "rol" => "Rol",
        "organisatie" => "Organisatie",
        "dagen" => "Geldig (dagen)",
        "label" => "Label",
        "seed" => "Seed van de loting",
        "plafond" => "Plafond",
        "openstelling" => "Openstelling",
        "tot" => "Laatste dag",
        "totEnMet" => "Tot en met",
        "reden" => "Reden van de bank",
        "betaling" => "Overboeking",
        "programma" => "Programma",
        "periode" | "van" => "Periode",
        "betaalronde" => "Betaalronde",
        "regio" => "Regio",
        "code" => "Code",
        "soort" => "Soort regeling",
        "minimumBedrag" => "Minimumbedrag",
        "maximumBedrag" => "Maximumbedrag",
        "vastBedrag" => "Vast bedrag",
        "openVanaf" => "Open vanaf",
        "openTotEnMet" => "Open tot en met",
        "verdeling" => "Verdeling",
        "voorschotPercentage" => "Voorschot",
        "beslistermijnWeken" => "Beslistermijn",
        "aanvultermijnDagen" => "Aanvultermijn",
        "vierOgenBoven" => "Vier ogen boven",
        "uniek" => "Uniek",
        "verantwoordingUiterlijk" => "Verantwoording uiterlijk",
        "disciplineVerplicht" => "Discipline verplicht",
        other => other,
    }
}

/// Answers "see the page at `to`" after a successful POST.
pub(crate) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_owned()))
        .finish()
}

/// Runs a blocking use case on actix's blocking pool.
pub(crate) async fn blocking<T, F>(work: F) -> Result<Result<T, ServiceError>, Failure>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ServiceError> + Send + 'static,
{
    web::block(work).await.map_err(|_| Failure::busy())
}
